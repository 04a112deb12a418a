"""The monitoring boards: who has reported (สถานะการรายงาน), the quarterly M&E overview (ภาพรวม
รายไตรมาส) and its printable PDF, and the Budget Bureau's form สงป. 302 as a spreadsheet.

They only read. The unit is one the user may view reports of (``?unit=``, 404 outside; else
the user's own top unit); the quarter is ``?period=`` (else the current quarter of the header's
fiscal year). Every figure comes from ``selectors.compliance_board``, ``compliance_projects``
and ``quarterly_overview``, which count in the database whatever the number of projects, and
read only what the user may view; another province's units are a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaen.budget.selectors import percent
from phaen.budget.views.overview import own_unit, rate_bar
from phaen.core.access import Action, can_at
from phaen.core.fiscal import selected_fiscal_year
from phaen.core.pdf import document_filename, pdf_response, render_pdf
from phaen.core.trees import path_ids
from phaen.core.views.generic import query_without
from phaen.monitoring.exports import form302_data, form302_response
from phaen.monitoring.forms.periods import BoardPickerForm, Form302PickerForm
from phaen.monitoring.models import (
    IndicatorResult,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import (
    NOT_STARTED,
    ComplianceRow,
    compliance_board,
    compliance_projects,
    current_settled_versions,
    quarterly_overview,
    score_rollup,
)
from phaen.orgs.models import OrgUnit
from phaen.orgs.selectors import units_for
from phaen.plans.models import FiscalYear, Indicator, PlanVersion

#: Projects per page of the board's project list, and child units per page of its table.
PROJECTS_PER_PAGE = 50
UNITS_PER_PAGE = 50
#: The states of the board's filter (no report yet, then the report's states).
STATE_CHOICES = [(NOT_STARTED, gettext_lazy("ยังไม่เริ่มรายงาน")), *ProgressReport.State.choices]
TIMELINESS_LABELS = {
    "on_time": gettext_lazy("ส่งตรงเวลา"),
    "late": gettext_lazy("ส่งล่าช้า"),
    "overdue": gettext_lazy("เลยกำหนดส่ง"),
    "pending": gettext_lazy("ยังไม่ถึงกำหนดส่ง"),
}


def url_or_empty(name: str, *args: Any) -> str:
    """The URL of a page that may not exist yet (another part of the UI): "" when it does not."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# Choosing the quarter and the unit ----------------------------------------------------------


def quarter_periods() -> list[ReportingPeriod]:
    """Every quarter, newest first (the picker's choices; one query)."""
    return list(
        ReportingPeriod.objects.filter(kind__in=QUARTERS)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year", "-ends_on")
    )


def default_period(request: HttpRequest, periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The quarter of today in the header's fiscal year; its last quarter once the year is over
    and its first before it begins."""
    year = selected_fiscal_year(request).be
    mine = sorted((p for p in periods if p.fiscal_year.year == year), key=lambda p: p.ends_on)
    if not mine:
        return periods[0] if periods else None
    today = timezone.localdate()
    for period in mine:
        if period.starts_on <= today <= period.ends_on:
            return period
    return mine[-1] if mine[-1].ends_on < today else mine[0]


@dataclass
class Board:
    """The chosen quarter and unit of a board page (both None when there is nothing to show)."""

    periods: list[ReportingPeriod]
    period: ReportingPeriod | None
    unit: OrgUnit | None
    units: QuerySet[OrgUnit]

    @property
    def ready(self) -> bool:
        return self.period is not None and self.unit is not None

    def chosen(self) -> tuple[ReportingPeriod, OrgUnit]:
        """The quarter and the unit (a 404 when either is missing)."""
        if self.period is None or self.unit is None:
            raise Http404
        return self.period, self.unit

    def query(self, **changes: Any) -> str:
        values: dict[str, Any] = {
            "period": self.period.pk if self.period else "",
            "unit": self.unit.pk if self.unit else "",
        }
        values.update(changes)
        return "&".join(f"{key}={value}" for key, value in values.items())


def _pk(text: str) -> int:
    if not text.isdigit():
        raise Http404
    return int(text)


def choose(request: HttpRequest) -> Board:
    """The quarter (``?period=``, 404 if not a quarter) and the unit (``?unit=``, 404 outside
    what the user may view reports of; else the user's own unit)."""
    periods = quarter_periods()
    wanted = request.GET.get("period", "")
    if wanted:
        pk = _pk(wanted)
        period = next((p for p in periods if p.pk == pk), None)
        if period is None:
            raise Http404
    else:
        period = default_period(request, periods)
    units = units_for(request.user, ProgressReport, Action.VIEW)
    wanted_unit = request.GET.get("unit", "")
    if wanted_unit:
        unit: OrgUnit | None = get_object_or_404(units, pk=_pk(wanted_unit))
    else:
        unit = own_unit(request.user, units)
    return Board(periods=periods, period=period, unit=unit, units=units)


def board_context(request: HttpRequest, board: Board) -> dict[str, Any]:
    form = BoardPickerForm(
        initial={"period": board.period.pk if board.period else None, "unit": board.unit},
        user=request.user,
        periods=board.periods,
    )
    trail: list[OrgUnit] = []
    if board.unit is not None:
        above = path_ids(board.unit.path)[:-1]
        trail = list(board.units.filter(pk__in=above).order_by("path"))
    return {
        "board": board,
        "form": form,
        "period": board.period,
        "unit": board.unit,
        "trail": trail,
    }


# The compliance board ---------------------------------------------------------------------------


@dataclass
class BoardLine:
    row: ComplianceRow
    label: str
    board_url: str  # drill down: the board of the child unit ("" for the unit's own projects)
    projects_url: str  # the project list filtered to the child unit

    @property
    def bar(self) -> str:
        return rate_bar(self.row.submitted_rate)


class ComplianceView(LoginRequiredMixin, View):
    """สถานะการรายงาน: for a quarter and a unit's subtree, every child unit's projects by report
    state and timeliness, with the rates; below, the projects themselves (filtered, paginated)
    with links to their reports."""

    template_name = "monitoring/compliance.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        board = choose(request)
        context = board_context(request, board)
        if not board.ready:
            return render(request, self.template_name, context)
        period, unit = board.chosen()
        summary = compliance_board(request.user, period, unit)
        lines = []
        for row in summary.rows:
            row_unit = row.unit
            if row_unit is None:
                continue
            own = row_unit.pk == unit.pk
            lines.append(
                BoardLine(
                    row=row,
                    label=_("%(unit)s (โครงการที่รับผิดชอบเอง)") % {"unit": row_unit.name}
                    if own
                    else row_unit.name,
                    board_url="" if own else "?" + board.query(unit=row_unit.pk),
                    projects_url="?" + board.query(child=row_unit.pk) + "#projects",
                )
            )
        unit_page = Paginator(lines, UNITS_PER_PAGE).get_page(request.GET.get("units_page"))
        filters = self.filters(request, unit, board)
        page = compliance_projects(
            request.user,
            period,
            unit,
            state=filters["state"] or None,
            progress_status=filters["progress_status"] or None,
            child=filters["child"],
            page=self.page_number(request),
            page_size=PROJECTS_PER_PAGE,
        )
        report_ids = [row.report_id for row in page.rows if row.report_id is not None]
        readable = set(
            ProgressReport.objects.restrict(request.user, Action.VIEW)
            .filter(pk__in=report_ids)
            .values_list("pk", flat=True)
        )
        context.update(
            {
                "summary": summary,
                "unit_page": unit_page,
                "lines": list(unit_page),
                "unit_query": query_without(request, "units_page"),
                "total_bar": rate_bar(summary.total.submitted_rate),
                "project_page": page.page,
                "project_rows": [
                    (
                        row,
                        url_or_empty("monitoring:progressreport", row.report_id)
                        if row.report_id in readable
                        else "",
                        str(TIMELINESS_LABELS[row.timeliness]),
                    )
                    for row in page.rows
                ],
                "project_query": query_without(request, "page"),
                "state_choices": [(key, str(label)) for key, label in STATE_CHOICES],
                "status_choices": [
                    *ProgressStatus.choices,
                    ("not_reported", _("ยังไม่รายงาน")),
                ],
                **filters,
            }
        )
        return render(request, self.template_name, context)

    @staticmethod
    def page_number(request: HttpRequest) -> int:
        raw = request.GET.get("page", "")
        return int(raw) if raw.isdigit() and int(raw) > 0 else 1

    @staticmethod
    def filters(request: HttpRequest, unit: OrgUnit, board: Board) -> dict[str, Any]:
        """The project list's filters; a child unit outside the board's unit is a 404."""
        states = {key for key, _label in STATE_CHOICES}
        statuses = {*ProgressStatus.values, "not_reported"}
        state = request.GET.get("state", "")
        progress_status = request.GET.get("progress_status", "")
        child: OrgUnit | None = None
        raw_child = request.GET.get("child", "")
        if raw_child:
            child = get_object_or_404(
                board.units.filter(path__startswith=unit.path), pk=_pk(raw_child)
            )
        return {
            "state": state if state in states else "",
            "progress_status": progress_status if progress_status in statuses else "",
            "child": child,
        }


# The quarterly overview ---------------------------------------------------------------------


@dataclass
class GoalIndicatorLine:
    """A goal indicator of the unit's plan in the quarter: its score, its recorded result and
    where to go (the result's page, or the page to record it when the user may)."""

    indicator: Indicator
    outcome: Any  # selectors.Outcome
    result: IndicatorResult | None
    result_url: str
    record_url: str


def _weight(line: Any) -> Any:
    return sum((row.indicator.weight for row in line.indicators), Decimal(0))


def plan_scores(request: HttpRequest, period: ReportingPeriod, unit: OrgUnit) -> dict[str, Any]:
    """The weighted scores (``selectors.score_rollup``) of the unit's own plan for the quarter
    (its newest approved or published version the user may view) and its goal indicators with
    their results: 10 queries whatever the number of goals and indicators."""
    version = (
        PlanVersion.objects.restrict(request.user, Action.VIEW)
        .filter(pk__in=current_settled_versions(period.fiscal_year_id), plan__unit=unit)
        .select_related("plan")
        .first()
    )
    if version is None:
        return {"rollup": None, "issue_scores": [], "goal_scores": [], "goal_indicators": []}
    rollup = score_rollup(version, period, user=request.user)
    scored = rollup.plan.indicators
    results = {
        result.indicator_lineage: result
        for result in IndicatorResult.objects.restrict(request.user, Action.VIEW).filter(
            period=period, indicator_lineage__in=[row.indicator.lineage for row in scored]
        )
    }
    evaluator_ids = {row.indicator.evaluator_unit_id for row in scored}
    evaluators: dict[int | None, str] = dict(
        OrgUnit.objects.filter(pk__in=[pk for pk in evaluator_ids if pk is not None]).values_list(
            "pk", "path"
        )
    )
    lines = []
    for row in scored:
        indicator = row.indicator
        result = results.get(indicator.lineage)
        owner_path = evaluators.get(indicator.evaluator_unit_id, unit.path)
        may_write = can_at(request.user, IndicatorResult, Action.ADD, owner_path)
        lines.append(
            GoalIndicatorLine(
                indicator=indicator,
                outcome=row.outcome,
                result=result,
                result_url=result.get_absolute_url() if result is not None else "",
                record_url=reverse(
                    "monitoring:indicatorresult_goal_add", args=[indicator.pk, period.pk]
                )
                if result is None and may_write and row.outcome.target is not None
                else "",
            )
        )
    return {
        "rollup": rollup,
        "issue_scores": [(issue, line, _weight(line)) for issue, line in rollup.issues],
        "goal_scores": [(goal, line, _weight(line)) for goal, line in rollup.goals],
        "goal_indicators": lines,
        "plan_weight": _weight(rollup.plan),
    }


def overview_context(request: HttpRequest, board: Board) -> dict[str, Any]:
    """The quarterly overview with its drill-down links (the page and the PDF)."""
    period, unit = board.chosen()
    overview = quarterly_overview(request.user, period, unit)
    compliance_url = reverse("monitoring:compliance")
    status_links = [
        (
            bucket,
            f"{compliance_url}?{board.query(progress_status=bucket.key)}#projects",
            rate_bar(percent(bucket.count, overview.project_count)),
        )
        for bucket in overview.projects_by_status
    ]
    problems = [
        (problem, url_or_empty("monitoring:progressreport", problem.report_id))
        for problem in overview.open_problems
    ]
    actions = [
        (
            action,
            url_or_empty("monitoring:correctiveaction", action.pk)
            or url_or_empty("monitoring:progressreport", action.problem.report_id),
        )
        for action in overview.overdue_actions
    ]
    money = overview.money
    return {
        "overview": overview,
        "status_links": status_links,
        "problems": problems,
        "actions": actions,
        "money": money,
        "total": money.total,
        "cabinet": money.cabinet["overall"],
        "against_plan": money.against_plan,
        "actions_list_url": url_or_empty("monitoring:correctiveaction_list"),
        **plan_scores(request, period, unit),
    }


class OverviewView(LoginRequiredMixin, View):
    """ภาพรวมการติดตามและประเมินผลรายไตรมาส of a unit's subtree."""

    template_name = "monitoring/overview.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        board = choose(request)
        context = board_context(request, board)
        if board.ready:
            context.update(overview_context(request, board))
        return render(request, self.template_name, context)


class OverviewPdfView(LoginRequiredMixin, View):
    """The quarterly overview as a printable PDF (Sarabun; Thai or English by the language)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        board = choose(request)
        period, unit = board.chosen()  # 404 when there is nothing to print
        context = {**board_context(request, board), **overview_context(request, board)}
        pdf = render_pdf("monitoring/overview_pdf.html", context, request=request)
        name = _("สรุปผลการติดตามและประเมินผล %(period)s %(unit)s") % {
            "period": period.label,
            "unit": unit.name,
        }
        fallback = f"monitoring-overview-{period.fiscal_year.year}-{period.kind}.pdf"
        return pdf_response(pdf, document_filename(name), fallback=fallback)


# The สงป. 302 form ----------------------------------------------------------------------------


class Form302View(LoginRequiredMixin, View):
    """แบบ สงป. 302 (รูปแบบใกล้เคียง): choose the fiscal year and the unit, then download the
    spreadsheet (``?fiscal_year=&unit=``)."""

    template_name = "monitoring/form302.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        years = list(
            FiscalYear.objects.filter(reporting_periods__isnull=False)
            .distinct()
            .order_by("-year")
            .values_list("year", flat=True)
        )
        units = units_for(request.user, ProgressReport, Action.VIEW)
        wanted_unit = request.GET.get("unit", "")
        if wanted_unit:
            unit: OrgUnit | None = get_object_or_404(units, pk=_pk(wanted_unit))
        else:
            unit = own_unit(request.user, units)
        wanted_year = request.GET.get("fiscal_year", "")
        if wanted_year:
            if not wanted_year.isdigit() or int(wanted_year) not in years:
                raise Http404
            if unit is not None:
                fiscal_year = FiscalYear.objects.get(year=int(wanted_year))
                return form302_response(form302_data(request.user, fiscal_year, unit))
        header_year = selected_fiscal_year(request).be
        form = Form302PickerForm(
            initial={
                "fiscal_year": header_year if header_year in years or not years else years[0],
                "unit": unit,
            },
            user=request.user,
            years=years,
        )
        context = {"form": form, "unit": unit, "years": years}
        return render(request, self.template_name, context)


urlpatterns = [
    path("compliance/", ComplianceView.as_view(), name="compliance"),
    path("overview/", OverviewView.as_view(), name="overview"),
    path("overview/pdf/", OverviewPdfView.as_view(), name="overview_pdf"),
    path("form302/", Form302View.as_view(), name="form302"),
]
