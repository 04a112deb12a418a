"""Budget pages: overview (see phaen/budget/urls.py).

The budget overview of a unit and fiscal year (from the running sums, so a province answers as
fast as a school), the efficiency page (per project, per strategic issue, the projects furthest
behind their spending plan) and the Budget Bureau's spending plan and result form (สงป. 301) as
a spreadsheet. They only read. The unit is one the user may view budgets of (404 otherwise);
the fiscal year is the header's; the figures are as of the end of a chosen quarter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaen.budget.exports import (
    DEFAULT_GROUPS,
    ColumnGroup,
    Form301Options,
    PeriodLayout,
    efficiency_response,
    form301_response,
)
from phaen.budget.models import Allocation, EconomicClass
from phaen.budget.selectors import (
    Assessment,
    Figures,
    IssueShare,
    Overview,
    ProjectEfficiency,
    ProjectFigures,
    Status,
    assess,
    budget_by_issue,
    child_policies,
    child_units_overview,
    project_figures,
    projects_efficiency,
    unit_months_by_category,
    unit_overview,
)
from phaen.core.access import Action, user_grants
from phaen.core.fiscal import selected_fiscal_year
from phaen.core.trees import path_ids
from phaen.core.views.generic import paginate, query_without
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.orgs.selectors import units_for
from phaen.plans.models import ActionPlan, FiscalYear, Project
from phaen.plans.selectors import current_version_ids
from phaen.thai.calendar import FiscalQuarter
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import format_month_year
from phaen.thai.money import format_baht

#: How many of the projects furthest behind their plan the efficiency page lists (the
#: spreadsheet has them all).
BEHIND_LIMIT = 20
#: Lists of ids sent to the database at most this long (SQLite limits query parameters).
CHUNK = 500

STATUS_CLASSES = {
    Status.ON_TRACK: "ok",
    Status.BEHIND: "warn",
    Status.FAR_BEHIND: "bad",
    Status.NO_TARGET: "",
}


def chunked[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Choosing the unit, the fiscal year and the quarter -----------------------------------------


def quarter_choices() -> list[tuple[int, str]]:
    return [(number, _("สิ้นไตรมาส %(number)s") % {"number": number}) for number in (1, 2, 3, 4)]


def default_quarter(period: FiscalPeriod) -> int:
    """The current quarter in the current fiscal year; the last quarter of any other year."""
    today = timezone.localdate()
    return FiscalQuarter.of(today).number if period.contains(today) else 4


class UnitQuarterForm(forms.Form):
    """The picker of the overview and efficiency pages (shown, never validated: the view reads
    the query string itself, so an out-of-scope unit is a 404 rather than a form error)."""

    unit = UnitChoiceField(for_model=Allocation, action=Action.VIEW, label=gettext_lazy("หน่วยงาน"))
    quarter = forms.TypedChoiceField(label=gettext_lazy("ข้อมูล ณ"), coerce=int)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        self.fields["quarter"].choices = quarter_choices()  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].widget.attrs["data-autosubmit"] = ""


@dataclass
class Selection:
    period: FiscalPeriod
    fiscal_year: FiscalYear | None  # None: the fiscal year is not set up yet
    unit: OrgUnit | None  # None: the user may view no unit's budget
    as_of: FiscalQuarter
    units: QuerySet[OrgUnit]

    @property
    def ready(self) -> bool:
        return self.unit is not None and self.fiscal_year is not None

    def chosen(self) -> tuple[OrgUnit, FiscalYear]:
        """The unit and the fiscal year (only when ``ready``)."""
        if self.unit is None or self.fiscal_year is None:
            raise Http404
        return self.unit, self.fiscal_year

    def query(self, **changes: Any) -> str:
        """A query string of this selection with some values changed (drill-down links)."""
        values = {"unit": self.unit.pk if self.unit else "", "quarter": self.as_of.number}
        values.update(changes)
        return "&".join(f"{key}={value}" for key, value in values.items())


def own_unit(user: Any, units: QuerySet[OrgUnit]) -> OrgUnit | None:
    """The user's own top unit: the highest unit of their memberships (any unit for superusers)."""
    for grant in sorted(user_grants(user), key=lambda g: g.unit_path):
        unit = units.filter(pk=grant.unit_id).first()
        if unit is not None:
            return unit
    if user.is_superuser:
        return units.order_by("path").first()
    return None


def select(request: HttpRequest) -> Selection:
    """The unit (from ``?unit=``, 404 outside what the user may view; else their own), the
    header's fiscal year and the quarter (from ``?quarter=``, else the default)."""
    period = selected_fiscal_year(request)
    units = units_for(request.user, Allocation, Action.VIEW)
    wanted = request.GET.get("unit", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        unit: OrgUnit | None = get_object_or_404(units, pk=int(wanted))
    else:
        unit = own_unit(request.user, units)
    number_text = request.GET.get("quarter", "")
    number = int(number_text) if number_text in ("1", "2", "3", "4") else default_quarter(period)
    return Selection(
        period=period,
        fiscal_year=FiscalYear.objects.filter(year=period.be).first(),
        unit=unit,
        as_of=period.quarter(number),
        units=units,
    )


def selection_context(request: HttpRequest, selection: Selection) -> dict[str, Any]:
    form = UnitQuarterForm(
        initial={"unit": selection.unit, "quarter": selection.as_of.number}, user=request.user
    )
    trail: list[OrgUnit] = []
    if selection.unit is not None:
        # The units above, within what the user may view: links back up the drill-down.
        above = path_ids(selection.unit.path)[:-1]
        trail = list(selection.units.filter(pk__in=above).order_by("path"))
    return {
        "form": form,
        "fiscal_year": selection.period,
        "unit": selection.unit,
        "as_of": selection.as_of,
        "selection": selection,
        "trail": trail,
        "year_missing": selection.fiscal_year is None,
    }


# Overview -----------------------------------------------------------------------------------


def rate_bar(rate: Decimal | None) -> str:
    """The CSS width class of a rate's bar: ``bar-w-0`` … ``bar-w-100`` in 5 % steps."""
    if rate is None or rate <= 0:
        return "bar-w-0"
    step = int((rate / 5).to_integral_value()) * 5
    return f"bar-w-{max(5, min(step, 100))}"


def signed(value: Decimal | None) -> str:
    """A variance in percentage points with its sign: "+1.50", "−4.20", "–" when unknown."""
    if value is None:
        return "–"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return f"{value}"


@dataclass
class FigureLine:
    """A row of a money table: a label (and a link), the figures, an assessment."""

    label: str
    figures: Figures
    url: str = ""
    assessment: Assessment | None = None
    code: str = ""
    row_class: str = ""

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.assessment.status] if self.assessment else ""

    @property
    def bar(self) -> str:
        return rate_bar(self.figures.disbursement_rate)


@dataclass
class AssessmentLine:
    label: str
    figures: Figures
    assessment: Assessment
    note: str = ""

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.assessment.status]

    @property
    def variance(self) -> str:
        return signed(self.assessment.variance)


@dataclass
class QuarterLine:
    quarter: FiscalQuarter
    period: str
    figures: Figures
    target: Decimal | None
    known: bool  # False: after the as-of quarter, only the plan is known
    assessment: Assessment | None

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.assessment.status] if self.assessment else ""


def own_money(total: Figures, children: list[Figures]) -> Figures | None:
    """What a unit holds itself: its figures less those of its child units (None when nil)."""
    below = Figures()
    for figures in children:
        below += figures
    own = Figures(
        original=total.original - below.original,
        allocated=total.allocated - below.allocated,
        planned=total.planned - below.planned,
        owed=total.owed - below.owed,
        disbursed=total.disbursed - below.disbursed,
    )
    return own if (own.allocated or own.owed or own.disbursed) else None


def quarter_period(quarter: FiscalQuarter) -> str:
    months = quarter.months()
    first, last = months[0].start, months[-1].start
    return (
        f"{format_month_year(first.year, first.month).split()[0]}–"
        f"{format_month_year(last.year, last.month)}"
    )


def quarter_lines(overview: Overview) -> list[QuarterLine]:
    lines = []
    for point in overview.quarters:
        known = point.quarter.number <= overview.as_of.number
        lines.append(
            QuarterLine(
                quarter=point.quarter,
                period=quarter_period(point.quarter),
                figures=point.figures,
                target=point.target,
                known=known,
                assessment=assess(point.figures.disbursement_rate, point.target, overview.policy)
                if known
                else None,
            )
        )
    return lines


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def quarter_chart(overview: Overview, lines: list[QuarterLine]) -> dict[str, Any]:
    """The chart data (JSON): planned, used and disbursed to the end of each quarter as % of the
    budget after transfers, and the cabinet's cumulative target. Numbers travel as decimal text."""

    def series(name: str, amount: str, rate: str, *, results: bool) -> dict[str, Any]:
        values: list[str | None] = []
        amounts: list[str | None] = []
        for line in lines:
            if results and not line.known:
                values.append(None)
                amounts.append(None)
                continue
            values.append(_text(getattr(line.figures, rate)))
            amounts.append(format_baht(getattr(line.figures, amount)))
        return {"name": name, "type": "bar", "values": values, "amounts": amounts}

    return {
        "kind": "quarters",
        "currency": _("บาท"),
        "axis_label": _("ร้อยละของงบประมาณหลังโอนเปลี่ยนแปลง"),
        "description": _(
            "แผนการใช้จ่าย ใช้จ่าย และเบิกจ่ายสะสมรายไตรมาส เทียบกับเป้าหมายการเบิกจ่ายตามมติคณะรัฐมนตรี"
        ),
        "categories": [f"{line.quarter.short_label()}\n{line.period}" for line in lines],
        "series": [
            series(_("แผนการใช้จ่ายสะสม"), "planned", "planned_rate", results=False),
            series(_("ใช้จ่ายสะสม"), "used", "usage_rate", results=True),
            series(_("เบิกจ่ายสะสม"), "disbursed", "disbursement_rate", results=True),
            {
                "name": _("เป้าหมายการเบิกจ่าย (มติ ครม.)"),
                "type": "line",
                "values": [_text(line.target) for line in lines],
                "amounts": [
                    format_baht(line.target * line.figures.allocated / 100)
                    if line.target is not None
                    else None
                    for line in lines
                ],
            },
        ],
    }


def own_projects(request: HttpRequest, unit: OrgUnit, fiscal_year: FiscalYear) -> QuerySet[Project]:
    """The unit's own projects in the current version of the fiscal year's plans: those of its
    own plan and those it leads (what its child units lead is in their own overviews)."""
    plans = ActionPlan.objects.filter(fiscal_year=fiscal_year)
    return (
        Project.objects.restrict(request.user, Action.VIEW)
        .filter(plan_version_id__in=current_version_ids(plans, user=request.user))
        .filter(Q(lead_unit=unit) | Q(plan_unit_path=unit.path))
        .select_related("lead_unit")
        .order_by("code", "pk")
    )


class OverviewView(LoginRequiredMixin, View):
    """ภาพรวมงบประมาณ: a unit and everything below it in one fiscal year, as of a quarter."""

    template_name = "budget/overview.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        selection = select(request)
        context = selection_context(request, selection)
        if not selection.ready:
            return render(request, self.template_name, context)
        (unit, year), as_of = selection.chosen(), selection.as_of
        overview = unit_overview(unit, year, as_of)
        lines = quarter_lines(overview)
        context.update(
            {
                "overview": overview,
                "total": overview.total,
                "has_money": bool(overview.total.allocated or overview.total.disbursed),
                "assessments": self.assessments(overview),
                "quarter_lines": lines,
                "chart": quarter_chart(overview, lines),
                "fund_lines": [FigureLine(str(f), v, code=f.code) for f, v in overview.by_fund],
                "category_lines": [
                    FigureLine(str(c), v, code=c.code) for c, v in overview.by_category
                ],
                "class_lines": [
                    FigureLine(str(label), overview.by_class[value])
                    for value, label in EconomicClass.choices
                    if value in overview.by_class
                ],
            }
        )
        context.update(self.children_context(request, selection, overview))
        context.update(self.projects_context(request, unit, year, as_of, overview))
        return render(request, self.template_name, context)

    @staticmethod
    def assessments(overview: Overview) -> list[AssessmentLine]:
        by_class = overview.by_class
        lines = [
            AssessmentLine(_("ภาพรวม"), overview.total, overview.cabinet["overall"]),
            AssessmentLine(
                _("รายจ่ายประจำ"), by_class.get("current", Figures()), overview.cabinet["current"]
            ),
            AssessmentLine(
                _("รายจ่ายลงทุน"), by_class.get("capital", Figures()), overview.cabinet["capital"]
            ),
        ]
        lines.append(
            AssessmentLine(
                _("แผนการใช้จ่ายของหน่วยงาน"),
                overview.total,
                overview.against_plan,
                note=_("เทียบกับแผนการใช้จ่ายสะสมถึงสิ้นไตรมาส")
                if overview.against_plan.target is not None
                else _("หน่วยงานยังไม่มีแผนการใช้จ่ายของปีนี้"),
            )
        )
        return lines

    @staticmethod
    def children_context(
        request: HttpRequest, selection: Selection, overview: Overview
    ) -> dict[str, Any]:
        unit = overview.unit
        children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
        rows = child_units_overview(unit, overview.fiscal_year, children, overview.as_of)
        policies = child_policies(overview.policy, [child for child, _figures in rows])
        target = overview.cabinet["overall"].target
        lines = [
            FigureLine(
                child.name,
                figures,
                # Closed units keep their past money but are not offered for a drill-down.
                url="?" + selection.query(unit=child.pk) if child.is_active else "",
                assessment=assess(figures.disbursement_rate, target, policies[child.pk]),
                code=child.get_kind_display(),
            )
            for child, figures in rows
        ]
        own = own_money(overview.total, [figures for _child, figures in rows])
        if own is not None and lines:
            lines.append(
                FigureLine(
                    _("หน่วยงานบริหารเอง (ไม่ได้จัดสรรให้หน่วยงานในสังกัด)"),
                    own,
                    row_class="own-money",
                )
            )
        paginator = Paginator(lines, 50)
        page = paginator.get_page(request.GET.get("units_page"))
        return {
            "child_page": page,
            "child_lines": list(page),
            "child_query": query_without(request, "units_page"),
        }

    @staticmethod
    def projects_context(
        request: HttpRequest,
        unit: OrgUnit,
        year: FiscalYear,
        as_of: FiscalQuarter,
        overview: Overview,
    ) -> dict[str, Any]:
        page: Page[Project] = paginate(request, own_projects(request, unit, year))
        efficiency = projects_efficiency(list(page), year, as_of.end)
        lines = [
            FigureLine(
                row.project.name,
                row.figures,
                assessment=row.against_plan(overview.policy),
                code=row.project.code,
            )
            for row in efficiency
        ]
        return {
            "project_page": page,
            "project_rows": list(zip(efficiency, lines, strict=True)),
            "project_query": query_without(request, "page"),
        }


# Efficiency ---------------------------------------------------------------------------------


def projects_of_lineages(
    request: HttpRequest, fiscal_year: FiscalYear, lineages: Sequence[Any]
) -> dict[Any, Project]:
    """The project row of each lineage the user may view: the one in the current version of
    its plan, else the newest one (a project dropped from a later version keeps its money)."""
    plans = ActionPlan.objects.filter(fiscal_year=fiscal_year)
    current = current_version_ids(plans, user=request.user)
    visible = Project.objects.restrict(request.user, Action.VIEW).select_related("lead_unit")
    found: dict[Any, Project] = {}
    for part in chunked(list(lineages)):
        for project in visible.filter(plan_version_id__in=current, lineage__in=part):
            found[project.lineage] = project
    missing = [lineage for lineage in lineages if lineage not in found]
    for part in chunked(missing):
        for project in visible.filter(lineage__in=part).order_by("plan_version__number", "pk"):
            found[project.lineage] = project
    return found


def issue_chart(rows: list[IssueShare]) -> dict[str, Any]:
    """The chart data (JSON) of the shares by strategic issue; issues of several plans (an
    office and its agencies) carry the plan's unit in their short label."""
    plans = {row.issue.plan_version.plan_id for row in rows if row.issue is not None}

    def short(row: IssueShare) -> str:
        if row.issue is None:
            return row.label
        label = _("ประเด็นที่ %(number)s") % {"number": row.issue.number}
        if len(plans) > 1:
            label = f"{row.issue.plan_version.plan.unit.label} · {label}"
        return label

    return {
        "kind": "shares",
        "currency": _("บาท"),
        "description": _("สัดส่วนงบประมาณของหน่วยงานตามประเด็นยุทธศาสตร์"),
        "rows": [
            {
                "label": short(row),
                "full": row.label,
                "share": _text(row.share),
                "amount": format_baht(row.figures.allocated),
            }
            for row in rows
        ],
    }


class EfficiencyView(LoginRequiredMixin, View):
    """ประสิทธิภาพการใช้จ่าย: per project (budget, used, disbursed, cost per output), the share of
    the budget reaching each strategic issue, and the projects furthest behind their plan."""

    template_name = "budget/efficiency.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        selection = select(request)
        context = selection_context(request, selection)
        if not selection.ready:
            return render(request, self.template_name, context)
        (unit, year), as_of = selection.chosen(), selection.as_of
        overview = unit_overview(unit, year, as_of)
        money = project_figures(year, as_of.end, unit=unit)
        issues = budget_by_issue(unit, year, money, overview.total, user=request.user)
        exporting = request.GET.get("export") == "xlsx"
        behind = self.behind(request, year, as_of, money, limit=None if exporting else BEHIND_LIMIT)
        projects = self.unit_projects(request, unit, year)
        if exporting:
            return efficiency_response(
                unit=unit,
                fiscal_year=selection.period,
                as_of=as_of.end,
                behind=behind,
                projects=self.efficiency_of(list(projects), year, as_of, money),
                issues=issues,
                total=overview.total,
            )
        page: Page[Project] = paginate(request, projects)
        context.update(
            {
                "overview": overview,
                "total": overview.total,
                "issues": issues,
                "issue_lines": [(row, rate_bar(row.share)) for row in issues],
                "issue_chart": issue_chart(issues) if issues else None,
                "behind": behind,
                "behind_count": sum(
                    1 for m in money.values() if m.figures.planned - m.figures.disbursed > 0
                ),
                "behind_limit": BEHIND_LIMIT,
                "project_page": page,
                "project_rows": self.efficiency_of(list(page), year, as_of, money),
                "project_query": query_without(request, "page"),
                "export_query": query_without(request, "page", "export"),
                "projects_in_money": len(money),
            }
        )
        return render(request, self.template_name, context)

    @staticmethod
    def unit_projects(request: HttpRequest, unit: OrgUnit, year: FiscalYear) -> QuerySet[Project]:
        plans = ActionPlan.objects.filter(fiscal_year=year)
        return (
            Project.objects.restrict(request.user, Action.VIEW)
            .filter(
                plan_version_id__in=current_version_ids(plans, user=request.user),
                lead_unit_path__startswith=unit.path,
            )
            .select_related("lead_unit")
            .order_by("lead_unit_path", "code", "pk")
        )

    @staticmethod
    def efficiency_of(
        projects: list[Project],
        year: FiscalYear,
        as_of: FiscalQuarter,
        money: dict[Any, ProjectFigures],
    ) -> list[ProjectEfficiency]:
        rows: list[ProjectEfficiency] = []
        for part in chunked(projects):
            rows += projects_efficiency(part, year, as_of.end, money=money)
        return rows

    @staticmethod
    def behind(
        request: HttpRequest,
        year: FiscalYear,
        as_of: FiscalQuarter,
        money: dict[Any, ProjectFigures],
        *,
        limit: int | None,
    ) -> list[ProjectEfficiency]:
        """The projects furthest behind their own plan (planned to date − disbursed to date)."""
        late = sorted(
            (
                (m.figures.planned - m.figures.disbursed, lineage)
                for lineage, m in money.items()
                if m.figures.planned - m.figures.disbursed > 0
            ),
            key=lambda pair: (-pair[0], str(pair[1])),
        )
        wanted = [lineage for _gap, lineage in (late if limit is None else late[:limit])]
        projects = projects_of_lineages(request, year, wanted)
        ordered = [projects[lineage] for lineage in wanted if lineage in projects]
        rows: list[ProjectEfficiency] = []
        for part in chunked(ordered):
            rows += projects_efficiency(part, year, as_of.end, money=money)
        return rows


# The Budget Bureau's form (สงป. 301) --------------------------------------------------------


class Form301Form(forms.Form):
    # The view takes the unit from the query string (404 outside the user's units); without
    # one it is the user's own unit.
    unit = UnitChoiceField(
        for_model=Allocation, action=Action.VIEW, label=gettext_lazy("หน่วยงาน"), required=False
    )
    quarter = forms.TypedChoiceField(label=gettext_lazy("ข้อมูลผลการเบิกจ่าย ณ"), coerce=int)
    layout = forms.ChoiceField(
        label=gettext_lazy("ช่วงเวลาในแนวนอน"),
        choices=PeriodLayout.choices,
        initial=PeriodLayout.MONTHS,
        widget=forms.RadioSelect,
    )
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("กลุ่มคอลัมน์"),
        choices=ColumnGroup.choices,
        initial=sorted(DEFAULT_GROUPS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("เลือกกลุ่มคอลัมน์อย่างน้อยหนึ่งกลุ่ม")},
        help_text=gettext_lazy(
            "เลือก “รายไตรมาสเท่านั้น” แล้ว แผนและผลรายเดือนจะรวมเป็นยอดรายไตรมาส "
            "งบประมาณหลังโอนเปลี่ยนแปลง แผนทั้งปี ผลเบิกจ่ายสะสม และคงเหลือ มีเสมอ"
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        self.fields["quarter"].choices = quarter_choices()  # type: ignore[attr-defined]


class Form301View(LoginRequiredMixin, View):
    """แบบ สงป. 301 (รูปแบบใกล้เคียง): choose the unit, the as-of quarter and the columns, then
    download the spreadsheet."""

    template_name = "budget/form301.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        selection = select(request)
        context = selection_context(request, selection)
        if "layout" in request.GET:
            form = Form301Form(request.GET, user=request.user)
            if form.is_valid() and selection.ready:
                unit, year = selection.chosen()
                as_of = selection.period.quarter(form.cleaned_data["quarter"])
                options = Form301Options(
                    layout=form.cleaned_data["layout"],
                    groups=frozenset(form.cleaned_data["groups"]),
                )
                return form301_response(
                    unit=unit,
                    fiscal_year=selection.period,
                    as_of=as_of.end,
                    rows=unit_months_by_category(unit, year, as_of.end),
                    options=options,
                )
        else:
            form = Form301Form(
                initial={
                    "unit": selection.unit,
                    "quarter": selection.as_of.number,
                    "layout": PeriodLayout.MONTHS,
                    "groups": sorted(DEFAULT_GROUPS),
                },
                user=request.user,
            )
        context["form"] = form
        return render(request, self.template_name, context)
