"""Analysis pages of a plan: alignment, gap analysis, calendar, iCalendar, a unit's work.

They only read. Every page starts from what the user may view (``restrict``): a plan version
outside the user's scope is 404, anonymous visitors see published versions only. The
iCalendar feed is read by calendar apps without a session; its URL carries a signed token
naming the unit, the plans and the user who took the link, whose rights still apply.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaen.core.access import Action, user_grants
from phaen.core.fiscal import selected_fiscal_year
from phaen.core.models import User
from phaen.core.views.generic import PolicyView
from phaen.frameworks.models import Framework
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.exports import alignment_sheets, gap_sheets, workbook_response
from phaen.plans.models import ActionPlan, Activity, PlanVersion, Project, StrategicIssue
from phaen.plans.selectors import (
    ZERO,
    AlignmentReport,
    CalendarRow,
    NodeSummary,
    activity_calendar,
    alignment_report,
    current_version_ids,
    frameworks_for,
    gap_analysis,
    ical_feed,
    unit_work,
)
from phaen.thai.calendar import FiscalMonth
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import format_month_year

#: The framework the alignment page opens on: the final National Strategy 2561–2580.
DEFAULT_FRAMEWORK_CODE = "ns-2561"
ICAL_SALT = "phaen.plans.unit_ical"


def month_range(start: date, end: date) -> str:
    """A range of months in BE: "ต.ค. 60 – ธ.ค. 60" (a single month: "ม.ค. 61")."""
    first = format_month_year(start.year, start.month)
    last = format_month_year(end.year, end.month)
    return first if first == last else f"{first} – {last}"


def bar_class(part: Decimal, whole: Decimal) -> str:
    """The CSS width class of a bar: ``bar-w-0`` … ``bar-w-100`` in 5 % steps."""
    if whole <= 0 or part <= 0:
        return "bar-w-0"
    step = int((part * 20 / whole).to_integral_value()) * 5
    return f"bar-w-{max(5, min(step, 100))}"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else ZERO


class VersionPageView(PolicyView):
    """A page about one plan version, for whoever may view it (published: everyone)."""

    queryset = PlanVersion.objects.select_related("plan__unit", "plan__fiscal_year")

    def get_version(self) -> PlanVersion:
        try:
            version: PlanVersion = self.get_object()
        except Http404:
            if not self.request.user.is_authenticated:
                # A draft is not public: the visitor may still see it after logging in.
                raise LoginRedirect from None
            raise
        return version

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except LoginRedirect:
            return redirect_to_login(request.get_full_path())


class LoginRedirect(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised when an anonymous visitor asks for something that may exist behind the login."""


# Alignment ----------------------------------------------------------------------------------


class AlignmentOptionsForm(forms.Form):
    framework = forms.TypedChoiceField(label=gettext_lazy("กรอบการเชื่อมโยง"), coerce=int)
    depth = forms.TypedChoiceField(
        label=gettext_lazy("ระดับของข้อที่ใช้เป็นคอลัมน์"),
        coerce=int,
        choices=[
            (0, gettext_lazy("ระดับบนสุด")),
            (1, gettext_lazy("ระดับรอง (ลงไปหนึ่งชั้น)")),
        ],
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, frameworks: list[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        field.choices = [(f.pk, framework_label(f)) for f in frameworks]  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].widget.attrs["data-autosubmit"] = ""


def framework_label(framework: Framework) -> str:
    # Names of shipped frameworks already carry their years.
    label = framework.name
    if framework.years not in label:
        label += f" ({framework.years})"
    if framework.status == Framework.Status.DRAFT:
        label += f" – {_('ร่าง')}"
    return label


@dataclass
class NodeLine:
    """A row of the budget-per-node table."""

    summary: NodeSummary
    share: Decimal  # % of the budget aligned to the framework
    bar: str


@dataclass
class MatrixLine:
    label: str
    url: str
    is_project: bool
    budget: Decimal | None
    cells: list[str]  # per column: "primary", "secondary" or ""


class AlignmentView(VersionPageView):
    """The plan against one framework: matrix, budget per node, gaps both ways, totals."""

    template_name = "plans/alignment.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_version()
        frameworks = list(frameworks_for(request.user))
        form = AlignmentOptionsForm(request.GET or None, frameworks=frameworks)
        framework: Framework | None = None
        depth = 0
        invalid_choice = form.is_bound and not form.is_valid()
        if form.is_bound and not invalid_choice:
            framework = next(f for f in frameworks if f.pk == form.cleaned_data["framework"])
            depth = form.cleaned_data["depth"] or 0
        elif frameworks:
            # Nothing chosen yet (or something that is not on the list): the default framework.
            framework = next(
                (f for f in frameworks if f.code == DEFAULT_FRAMEWORK_CODE), frameworks[0]
            )
            form = AlignmentOptionsForm(
                initial={"framework": framework.pk, "depth": 0}, frameworks=frameworks
            )
        context: dict[str, Any] = {
            "version": version,
            "plan": version.plan,
            "form": form,
            "invalid_choice": invalid_choice,
        }
        if framework is None:
            return render(request, self.template_name, context)
        report = alignment_report(version, framework, depth=depth)
        if request.GET.get("export") == "xlsx":
            return workbook_response(
                f"alignment-{version.pk}-{framework.code}", alignment_sheets(version, report)
            )
        context.update(self.report_context(report, depth))
        return render(request, self.template_name, context)

    def report_context(self, report: AlignmentReport, depth: int) -> dict[str, Any]:
        aligned = report.aligned_budget
        column_depth = report.columns[0].depth if report.columns else 0
        project_count = sum(1 for row in report.rows if row.is_project)
        return {
            "framework": report.framework,
            "report": report,
            "columns": report.columns,
            "matrix": [
                MatrixLine(
                    label=row.label,
                    url=row.url,
                    is_project=row.is_project,
                    budget=row.budget,
                    cells=[row.marks.get(column.pk, "") for column in report.columns],
                )
                for row in report.rows
            ],
            "node_lines": [
                NodeLine(
                    summary=s, share=percent(s.budget, aligned), bar=bar_class(s.budget, aligned)
                )
                for s in report.nodes
                if not s.node.is_retired or s.linked
            ],
            "depth_fell_back": depth != column_depth,
            "has_deeper_levels": any(s.node.depth > 0 for s in report.nodes),
            "project_count": project_count,
            "aligned_count": project_count - len(report.unaligned_projects),
            "aligned_share": percent(aligned, report.total_budget),
            "export_query": self.request.GET.copy().urlencode(),
        }


# Gap analysis -------------------------------------------------------------------------------


class GapAnalysisView(VersionPageView):
    """Per strategic issue: each goal indicator's current state against its target."""

    template_name = "plans/gaps.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_version()
        summaries = gap_analysis(version)
        if request.GET.get("export") == "xlsx":
            return workbook_response(f"gaps-{version.pk}", gap_sheets(version, summaries))
        return render(
            request,
            self.template_name,
            {"version": version, "plan": version.plan, "gap_summaries": summaries},
        )


# The plan calendar --------------------------------------------------------------------------


@dataclass
class GanttLine:
    """A row of the Gantt chart: a project, or one of its activities."""

    is_project: bool
    label: str
    url: str
    unit: OrgUnit | None  # the lead unit of a project, the responsible unit of an activity
    period: str
    cells: list[str]  # CSS classes per fiscal month
    level: int = 0  # nesting of sub-activities
    starts_before: bool = False
    ends_after: bool = False
    code: str = ""


@dataclass
class ProjectGroup:
    project: Project
    lines: list[GanttLine] = field(default_factory=list)


def _cells(flags: list[bool], current: int | None, base: str) -> list[str]:
    """CSS classes of the month cells of one bar: on/off, its ends, the current month."""
    classes = []
    for index, on in enumerate(flags):
        names = []
        if on:
            names.append(base)
            if index == 0 or not flags[index - 1]:
                names.append("bar-start")
            if index == len(flags) - 1 or not flags[index + 1]:
                names.append("bar-end")
        if index == current:
            names.append("now")
        classes.append(" ".join(names))
    return classes


def _month_flags(start: date, end: date, months: list[FiscalMonth]) -> list[bool]:
    return [start <= month.end and end >= month.start for month in months]


class CalendarFilterForm(forms.Form):
    plan = forms.TypedChoiceField(label=gettext_lazy("แผน"), coerce=int, required=False)
    unit = forms.TypedChoiceField(
        label=gettext_lazy("กลุ่มงาน / หน่วยงาน"), coerce=int, required=False, empty_value=None
    )
    issue = forms.TypedChoiceField(
        label=gettext_lazy("ประเด็นยุทธศาสตร์"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        plans: list[PlanVersion],
        units: list[OrgUnit],
        issues: list[StrategicIssue],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            (v.plan_id, f"{v.plan.unit.label} · {v.plan}") for v in plans
        ]
        everything = [("", _("ทั้งหมด"))]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["issue"].choices = everything + [(i.pk, str(i)) for i in issues]  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].widget.attrs["data-autosubmit"] = ""


def own_plan(versions: list[PlanVersion], request: HttpRequest) -> PlanVersion | None:
    """The plan of the user's own unit: the nearest unit at or above a membership that has one."""
    by_path = {v.plan.unit.path: v for v in versions}
    for grant in sorted(user_grants(request.user), key=lambda g: g.unit_path):
        candidates = [path for path in by_path if grant.unit_path.startswith(path)]
        if candidates:
            return by_path[max(candidates, key=len)]
    return versions[0] if versions else None


def ical_token(*, unit: OrgUnit, plan_ids: list[int], user: Any) -> str:
    """A signed token for a unit's feed over some plans, taken by ``user`` (whose rights apply)."""
    payload = {"u": unit.pk, "p": sorted(set(plan_ids)), "by": user.pk}
    return signing.dumps(payload, salt=ICAL_SALT, compress=True)


def ical_url(request: HttpRequest, *, unit: OrgUnit, plan_ids: list[int]) -> str:
    token = ical_token(unit=unit, plan_ids=plan_ids, user=request.user)
    return request.build_absolute_uri(reverse("plans:unit_ical", args=[unit.pk, token]))


class CalendarView(View):
    """A Gantt chart of a plan version's activities over the fiscal year (Oct → Sep)."""

    template_name = "plans/calendar.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        fiscal_year = selected_fiscal_year(request)
        version: PlanVersion | None = None
        wanted_plan = request.GET.get("plan", "")
        wanted_version = request.GET.get("version", "")
        if wanted_version.isdigit():
            version = get_object_or_404(
                PlanVersion.objects.restrict(user, Action.VIEW).select_related(
                    "plan__unit", "plan__fiscal_year"
                ),
                pk=int(wanted_version),
            )
            if wanted_plan.isdigit() and int(wanted_plan) != version.plan_id:
                version = None  # another plan was picked: its current version
            else:
                fiscal_year = version.plan.fiscal_year.period
        plans = ActionPlan.objects.restrict(user, Action.VIEW).filter(
            fiscal_year__year=fiscal_year.be
        )
        versions = list(
            PlanVersion.objects.filter(pk__in=current_version_ids(plans, user=user))
            .select_related("plan__unit", "plan__fiscal_year")
            .order_by("plan__unit__path")
        )
        if version is None:
            if wanted_plan.isdigit():
                version = next((v for v in versions if v.plan_id == int(wanted_plan)), None)
                if version is None:
                    raise Http404
            else:
                version = own_plan(versions, request)
        context: dict[str, Any] = {
            "fiscal_year": fiscal_year,
            "year_period": month_range(fiscal_year.start, fiscal_year.end),
            "version": version,
            "pinned_version": version is not None and wanted_version.isdigit(),
        }
        if version is None:
            context["form"] = CalendarFilterForm(plans=[], units=[], issues=[])
            return render(request, self.template_name, context)
        # The picker offers each plan once (an older version chosen by link stands for its plan).
        versions = [v for v in versions if v.plan_id != version.plan_id] + [version]
        versions.sort(key=lambda v: v.plan.unit.path)
        context.update(self.chart(request, version, versions))
        return render(request, self.template_name, context)

    def chart(
        self, request: HttpRequest, version: PlanVersion, versions: list[PlanVersion]
    ) -> dict[str, Any]:
        fiscal_year: FiscalPeriod = version.plan.fiscal_year.period
        calendar = activity_calendar(Activity.objects.filter(plan_version=version), fiscal_year)
        projects = list(
            Project.objects.filter(plan_version=version)
            .select_related("lead_unit", "strategy__strategic_issue")
            .order_by("code", "pk")
        )
        rows_by_project: dict[int, list[CalendarRow]] = defaultdict(list)
        for row in calendar.rows:
            rows_by_project[row.project.pk].append(row)

        units = {p.lead_unit.pk: p.lead_unit for p in projects if p.lead_unit}
        units |= {
            r.activity.responsible_unit.pk: r.activity.responsible_unit
            for r in calendar.rows
            if r.activity.responsible_unit
        }
        issues = {
            p.strategy.strategic_issue.pk: p.strategy.strategic_issue
            for p in projects
            if p.strategy
        }
        data = request.GET.copy()
        data["plan"] = str(version.plan_id)
        form = CalendarFilterForm(
            data,
            plans=versions,
            units=sorted(units.values(), key=lambda u: u.path),
            issues=sorted(issues.values(), key=lambda i: i.number),
        )
        unit_id = issue_id = None
        if form.is_valid():
            unit_id = form.cleaned_data["unit"]
            issue_id = form.cleaned_data["issue"]

        today = timezone.localdate()
        current = FiscalMonth.of(today).index - 1 if fiscal_year.contains(today) else None
        groups = []
        for project in projects:
            if issue_id and (
                not project.strategy or project.strategy.strategic_issue_id != issue_id
            ):
                continue
            rows = rows_by_project.get(project.pk, [])
            if unit_id and project.lead_unit_id != unit_id:
                rows = [r for r in rows if r.activity.responsible_unit_id == unit_id]
                if not rows:
                    continue
            groups.append(self.project_group(project, rows, calendar.months, current))

        subscription = None
        chosen_unit = units.get(unit_id) if unit_id else None
        if (
            chosen_unit is not None
            and request.user.is_authenticated
            and OrgUnit.objects.restrict(request.user, Action.VIEW)
            .filter(pk=chosen_unit.pk)
            .exists()
        ):
            subscription = ical_url(request, unit=chosen_unit, plan_ids=[version.plan_id])
        return {
            "form": form,
            "months": calendar.months,
            "current_month": current,
            "groups": groups,
            "activity_count": len(calendar.rows),
            "chosen_unit": chosen_unit,
            "filtered": bool(unit_id or issue_id),
            "subscription_url": subscription,
        }

    def project_group(
        self,
        project: Project,
        rows: list[CalendarRow],
        months: list[FiscalMonth],
        current: int | None,
    ) -> ProjectGroup:
        fiscal_year = months[0].fiscal_year
        group = ProjectGroup(project)
        group.lines.append(
            GanttLine(
                is_project=True,
                label=project.name,
                code=project.code,
                url=project.get_absolute_url(),
                unit=project.lead_unit,
                period=month_range(project.start_month, project.end_month),
                cells=_cells(
                    _month_flags(project.start_month, project.end_month, months),
                    current,
                    "bar-project",
                ),
                starts_before=project.start_month < fiscal_year.start,
                ends_after=project.end_month > fiscal_year.end,
            )
        )
        # Sub-activities follow their parent activity, indented.
        children: dict[int | None, list[CalendarRow]] = defaultdict(list)
        present = {row.activity.pk for row in rows}
        for row in rows:
            parent = row.activity.parent_id if row.activity.parent_id in present else None
            children[parent].append(row)

        def walk(parent: int | None, level: int) -> None:
            for row in children.get(parent, []):
                activity = row.activity
                group.lines.append(
                    GanttLine(
                        is_project=False,
                        label=activity.name,
                        url=activity.get_absolute_url(),
                        unit=activity.responsible_unit,
                        period=month_range(activity.start_month, activity.end_month),
                        cells=_cells(row.months, current, "bar-activity"),
                        level=min(level, 3),
                        starts_before=row.starts_before,
                        ends_after=row.ends_after,
                    )
                )
                walk(activity.pk, level + 1)

        walk(None, 0)
        return group


def unit_ical(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The iCalendar feed of a unit's activities (as responsible unit or as project lead)."""
    try:
        payload = signing.loads(token, salt=ICAL_SALT)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(payload, dict) or payload.get("u") != pk:
        raise Http404
    plan_ids = payload.get("p")
    if not isinstance(plan_ids, list) or not all(isinstance(p, int) for p in plan_ids):
        raise Http404
    issuer_id = payload.get("by")
    if not isinstance(issuer_id, int):
        raise Http404
    issuer = User.objects.filter(pk=issuer_id, is_active=True).first()
    if issuer is None:
        raise Http404
    unit = get_object_or_404(OrgUnit.objects.restrict(issuer, Action.VIEW), pk=pk)
    version_ids = current_version_ids(ActionPlan.objects.filter(pk__in=plan_ids))
    activities = (
        Activity.objects.restrict(issuer, Action.VIEW)
        .filter(plan_version_id__in=version_ids)
        .filter(Q(responsible_unit=unit) | Q(project__lead_unit=unit))
        .select_related("project__lead_unit")
        .order_by("start_month", "project__code", "number", "pk")
    )
    host = split_domain_port(request.get_host())[0] or "phaen"  # UIDs stay the same on any port
    text = ical_feed(activities, name=_("ปฏิทินกิจกรรม – %(unit)s") % {"unit": unit.name}, host=host)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="phaen-unit-{unit.pk}.ics"'
    return response


# A unit's work ------------------------------------------------------------------------------


class UnitPickerForm(forms.Form):
    unit = UnitChoiceField(for_model=OrgUnit, action=Action.VIEW, label=gettext_lazy("หน่วยงาน"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        unit_field.widget.attrs["data-autosubmit"] = ""


@dataclass
class WorkLine:
    project: Project
    role: str
    plan: ActionPlan
    period: str
    lead_unit: OrgUnit | None


class MyWorkView(LoginRequiredMixin, View):
    """For a unit: the projects it leads, co-owns and supports in the selected fiscal year."""

    template_name = "plans/my_work.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        fiscal_year = selected_fiscal_year(request)
        form = UnitPickerForm(request.GET or None, user=request.user)
        unit: OrgUnit | None = None
        if form.is_bound:
            if form.is_valid():
                unit = form.cleaned_data["unit"]
        else:
            grants = sorted(user_grants(request.user), key=lambda g: g.unit_path)
            if grants:
                unit = OrgUnit.objects.filter(pk=grants[0].unit_id).first()
                form = UnitPickerForm(initial={"unit": unit}, user=request.user)
        context: dict[str, Any] = {"form": form, "fiscal_year": fiscal_year, "unit": unit}
        if unit is not None:
            plans = ActionPlan.objects.filter(fiscal_year__year=fiscal_year.be)
            work = unit_work(request.user, unit, current_version_ids(plans))
            led = [
                WorkLine(p, p.lead_role, p.plan_version.plan, self.period(p), unit)
                for p in work.led
            ]
            co_owned = [
                WorkLine(p, o.role_description, p.plan_version.plan, self.period(p), p.lead_unit)
                for p, o in work.co_owned
            ]
            supported = [
                WorkLine(p, o.role_description, p.plan_version.plan, self.period(p), p.lead_unit)
                for p, o in work.supported
            ]
            plan_ids = [line.plan.pk for line in led + co_owned + supported]
            context.update(
                {
                    "sections": [
                        ("led", _("โครงการที่เป็นเจ้าภาพหลัก"), led),
                        ("co-owned", _("โครงการที่เป็นเจ้าภาพรอง"), co_owned),
                        ("supported", _("โครงการที่เป็นผู้สนับสนุน"), supported),
                    ],
                    "total_budget": sum((line.project.budget for line in led), ZERO),
                    "project_count": len(led) + len(co_owned) + len(supported),
                    "subscription_url": ical_url(request, unit=unit, plan_ids=plan_ids)
                    if plan_ids
                    else None,
                }
            )
        return render(request, self.template_name, context)

    @staticmethod
    def period(project: Project) -> str:
        return month_range(project.start_month, project.end_month)
