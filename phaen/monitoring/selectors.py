"""Reads of monitoring: deadlines, a report's content and money, the compliance board, the
quarterly overview, score roll-ups, the inbox, the latest measured values and the evaluation
summary.

Every selector runs a fixed number of queries whatever the number of projects (the tests assert
the counts). Wide views (a province's compliance board or overview) aggregate in the database:
one grouped query over the projects that must report, never a Python loop over them; lists of
projects are paginated. Which projects must report in a quarter (``required_projects``): the
projects of the current approved or published version of each plan of the fiscal year that have
a lead unit, are not cancelled and run during the quarter.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.selectors import (
    Figures,
    Overview,
    percent,
    project_figures,
    unit_overview,
)
from phaen.core.access import Action, ancestor_paths, covering_paths, user_grants
from phaen.core.audit import FieldChange, display_value
from phaen.core.trees import PATH_SEGMENT_WIDTH
from phaen.monitoring.models import (
    REPORT_WRITERS,
    ActivityProgress,
    Contribution,
    CorrectiveAction,
    Evaluation,
    Evidence,
    IndicatorResult,
    LateEntryException,
    PeriodDeadline,
    Problem,
    ProgressReport,
    ProgressStatus,
    ReportDecision,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS, quarters_of
from phaen.orgs.models import OrgUnit
from phaen.plans import scoring
from phaen.plans.models import (
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    PlanVersion,
    Project,
    ScoringBand,
    StrategicIssue,
)
from phaen.thai.calendar import FiscalQuarter

if TYPE_CHECKING:
    from phaen.core.access import AnyUser

ZERO = Decimal(0)
HUNDRED = Decimal(100)
SETTLED = (PlanVersion.Status.APPROVED, PlanVersion.Status.PUBLISHED)
State = ProgressReport.State
#: The state of a project that has no report for the quarter yet.
NOT_STARTED = "not_started"
#: Characters of one path segment ("0000000013/"): a child unit's path is its parent's plus one.
SEGMENT = PATH_SEGMENT_WIDTH + 1


def today() -> date:
    return timezone.localdate()


# Periods and deadlines ----------------------------------------------------------------------


def periods_for(fiscal_year: FiscalYear) -> list[ReportingPeriod]:
    """The periods of a fiscal year in order (Q1, Q2, H1, Q3, Q4, YEAR); one query.

    Every fiscal year gets its periods when it is created (``services.periods_generate``); this
    only reads them.
    """
    return list(
        ReportingPeriod.objects.filter(fiscal_year=fiscal_year)
        .select_related("fiscal_year")
        .order_by("ends_on", "-starts_on")
    )


@dataclass(frozen=True)
class Deadline:
    """When a unit's report of a period is due and when entry locks."""

    due_on: date
    locks_on: date
    unit_path: str = ""  # the unit whose override applies ("" for the period's own dates)


def deadline_overrides(period: ReportingPeriod) -> list[Deadline]:
    """The period's per-unit overrides, deepest unit first (one query)."""
    rows = PeriodDeadline.objects.filter(period=period).values_list(
        "unit_path", "due_on", "locks_on"
    )
    overrides = [Deadline(due_on, locks_on, path) for path, due_on, locks_on in rows]
    return sorted(overrides, key=lambda d: (-len(d.unit_path), d.unit_path))


def deadline_from(
    period: ReportingPeriod, overrides: Sequence[Deadline], unit_path: str
) -> Deadline:
    """The nearest override at or above ``unit_path``, else the period's own dates (no query)."""
    for override in overrides:
        if unit_path.startswith(override.unit_path):
            return override
    return Deadline(period.due_on, period.locks_on)


def effective_deadline(period: ReportingPeriod, unit_path: str) -> Deadline:
    """The due and lock dates for the unit at ``unit_path``: its own override, else the nearest
    one above it, else the period's dates (one query)."""
    rows = PeriodDeadline.objects.filter(
        period=period, unit_path__in=ancestor_paths([unit_path])
    ).values_list("unit_path", "due_on", "locks_on")
    found = sorted(rows, key=lambda row: -len(row[0]))
    if found:
        path, due_on, locks_on = found[0]
        return Deadline(due_on, locks_on, path)
    return Deadline(period.due_on, period.locks_on)


def late_entry_covers(period: ReportingPeriod, unit_path: str, day: date) -> bool:
    """Whether an active late-entry exception of the unit or a unit above it covers ``day``."""
    return LateEntryException.objects.filter(
        period=period,
        revoked_at__isnull=True,
        until__gte=day,
        unit_path__in=ancestor_paths([unit_path]),
    ).exists()


def _past_due(
    period: ReportingPeriod, overrides: Sequence[Deadline], day: date, lookup: str
) -> Case:
    """In SQL: whether the effective due date of each row's unit (``lookup``) is before ``day``."""
    whens = [
        When(**{f"{lookup}__startswith": o.unit_path}, then=Value(o.due_on < day))
        for o in overrides
    ]
    return Case(*whens, default=Value(period.due_on < day), output_field=BooleanField())


# Which projects must report -----------------------------------------------------------------


def current_settled_versions(fiscal_year_id: int) -> QuerySet[PlanVersion, Any]:
    """The newest approved or published version of each plan of a fiscal year (a subquery of
    ids): plans still in draft have nothing to report on yet."""
    settled = PlanVersion.objects.filter(status__in=SETTLED)
    newer = settled.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    return settled.filter(plan__fiscal_year_id=fiscal_year_id).filter(~Exists(newer)).values("pk")


def runs_during(period: ReportingPeriod) -> Q:
    """The one rule of which projects report in a period: those whose months overlap it. A
    project that has ended before the period, or starts after it, has nothing to report
    (``required_projects`` and ``services.report_start`` both use it)."""
    return Q(start_month__lte=period.ends_on, end_month__gte=period.starts_on)


def project_runs_during(project: Project, period: ReportingPeriod) -> bool:
    """``runs_during`` for a project already in memory."""
    return project.start_month <= period.ends_on and project.end_month >= period.starts_on


def required_projects(
    period: ReportingPeriod,
    unit_path: str | None = None,
    *,
    base: QuerySet[Project] | None = None,
) -> QuerySet[Project]:
    """The projects that must report in a quarter (under ``unit_path`` when given; among
    ``base``, e.g. the projects a user may view, when given).

    Those of the current settled version of each plan of the year, with a lead unit, not
    cancelled, whose months overlap the quarter (``runs_during``).
    """
    projects = (
        (base if base is not None else Project.objects.all())
        .filter(
            runs_during(period), plan_version__in=current_settled_versions(period.fiscal_year_id)
        )
        .exclude(status=Project.Status.CANCELLED)
    )
    if unit_path:
        return projects.filter(lead_unit_path__startswith=unit_path)
    return projects.exclude(lead_unit_path="")


def _reported(period: ReportingPeriod, **filters: Any) -> Q:
    """Projects whose report of the period matches ``filters``. The subquery does not refer to
    the outer row, so the database runs it once (a hashed semi-join), not once per project."""
    lineages = ProgressReport.objects.filter(period=period, **filters).order_by()
    return Q(lineage__in=lineages.values("project_lineage"))


def _with_report(projects: QuerySet[Project], period: ReportingPeriod) -> QuerySet[Any]:
    """Annotate each project with its report of the period (by lineage): id, state, lateness,
    progress status and version; None where there is no report. One index lookup per row and
    value: use it on a page of rows, never on a whole province (see ``_reported``)."""
    reports = ProgressReport.objects.filter(
        project_lineage=OuterRef("lineage"), period=period
    ).order_by()

    def value(name: str) -> Subquery:
        return Subquery(reports.values(name)[:1])

    return projects.annotate(
        report_id=value("pk"),
        report_state=value("state"),
        report_is_late=value("is_late"),
        report_progress=value("progress_status"),
        report_version=value("version"),
    )


# A report's money ---------------------------------------------------------------------------


@dataclass
class ReportMoney:
    """A project's money for a quarterly report, read from the budget records (never typed):
    disbursed and used (disbursed + what open commitments owe) in the quarter and to its end."""

    to_date: Figures
    before: Figures  # to the end of the previous quarter (zero in Q1)

    @property
    def allocated(self) -> Decimal:
        return self.to_date.allocated

    @property
    def disbursed_in_quarter(self) -> Decimal:
        return self.to_date.disbursed - self.before.disbursed

    @property
    def used_in_quarter(self) -> Decimal:
        return self.to_date.used - self.before.used

    @property
    def disbursed_to_date(self) -> Decimal:
        return self.to_date.disbursed

    @property
    def used_to_date(self) -> Decimal:
        return self.to_date.used

    @property
    def disbursement_rate(self) -> Decimal | None:
        return self.to_date.disbursement_rate


def projects_money(period: ReportingPeriod, lineages: Iterable[Any]) -> dict[Any, ReportMoney]:
    """Money of many projects (by lineage) for a quarter: 8 queries whatever their number."""
    if not period.is_quarter:
        raise ValueError("money of a report is read for a quarter")
    wanted = list(lineages)
    fiscal_year = period.fiscal_year
    quarter = FiscalQuarter(fiscal_year.period, int(period.kind[1]))
    to_date = project_figures(fiscal_year, quarter.end, lineages=wanted)
    before = (
        project_figures(fiscal_year, quarter.previous().end, lineages=wanted)
        if quarter.number > 1
        else {}
    )
    result = {}
    for lineage in wanted:
        now = to_date.get(lineage)
        earlier = before.get(lineage)
        result[lineage] = ReportMoney(
            now.figures if now else Figures(), earlier.figures if earlier else Figures()
        )
    return result


def report_money(report: ProgressReport) -> ReportMoney:
    """A report's money: disbursed and used in its quarter and to date (8 queries)."""
    return projects_money(report.period, [report.project_lineage])[report.project_lineage]


# A report's content -------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    """A project indicator in a report: the quarter's target and the result, if recorded."""

    indicator: Indicator
    target: Decimal | None
    result: IndicatorResult | None


@dataclass
class ReportContent:
    """Everything the report page (and its PDF) shows, read in a fixed number of queries."""

    report: ProgressReport
    activities: list[ActivityProgress]
    indicators: list[IndicatorLine]
    problems: list[Problem]  # with ``actions`` prefetched
    carried_actions: list[CorrectiveAction]  # open actions of earlier quarters
    evidence: list[Evidence]  # of the report and of its results
    contributions: list[Contribution]
    decisions: list[ReportDecision]
    money: ReportMoney


def carried_actions(report: ProgressReport) -> QuerySet[CorrectiveAction]:
    """Corrective actions of the project's earlier quarters that are still open, or that this
    report updated (closed ones stay visible in the report that closed them)."""
    earlier = CorrectiveAction.objects.filter(
        project_lineage=report.project_lineage,
        problem__report__period__ends_on__lt=report.period.ends_on,
    )
    return (
        earlier.filter(Q(status__in=CorrectiveAction.OPEN_STATUSES) | Q(updated_in_report=report))
        .select_related("problem__report__period__fiscal_year", "owner_unit")
        .order_by("due_on", "pk")
    )


def report_content(report: ProgressReport) -> ReportContent:
    """The report with its parts and money (19 queries whatever the number of rows)."""
    report = ProgressReport.objects.select_related(
        "project__lead_unit", "period__fiscal_year", "unit"
    ).get(pk=report.pk)
    activities = list(
        ActivityProgress.objects.filter(report=report).select_related("activity__parent")
    )
    indicators = list(
        Indicator.objects.filter(project_id=report.project_id).order_by("number", "pk")
    )
    targets = dict(
        IndicatorTarget.objects.filter(
            indicator__in=[i.pk for i in indicators], period=report.period.kind
        ).values_list("indicator_id", "value")
    )
    results = {
        r.indicator_lineage: r
        for r in IndicatorResult.objects.filter(report=report).select_related("indicator")
    }
    problems = list(
        Problem.objects.filter(report=report).prefetch_related(
            models.Prefetch(
                "actions", queryset=CorrectiveAction.objects.select_related("owner_unit")
            )
        )
    )
    evidence = list(
        Evidence.objects.filter(Q(report=report) | Q(result__report=report)).order_by("pk")
    )
    return ReportContent(
        report=report,
        activities=activities,
        indicators=[
            IndicatorLine(i, targets.get(i.pk), results.get(i.lineage)) for i in indicators
        ],
        problems=problems,
        carried_actions=list(carried_actions(report)),
        evidence=evidence,
        contributions=list(
            Contribution.objects.filter(report=report).select_related("unit", "created_by")
        ),
        decisions=list(ReportDecision.objects.filter(report=report).select_related("actor")),
        money=report_money(report),
    )


# Approved snapshots and what changed since ---------------------------------------------------

#: Sections of a report's snapshot: the key, the model and the label shown to readers.
SNAPSHOT_SECTIONS: tuple[tuple[str, type[models.Model], Any], ...] = (
    ("activities", ActivityProgress, gettext_lazy("ความก้าวหน้ารายกิจกรรม")),
    ("results", IndicatorResult, gettext_lazy("ผลตัวชี้วัด")),
    ("problems", Problem, gettext_lazy("ปัญหาอุปสรรค")),
    ("actions", CorrectiveAction, gettext_lazy("แนวทางแก้ไข")),
    ("evidence", Evidence, gettext_lazy("หลักฐาน")),
    ("contributions", Contribution, gettext_lazy("ข้อมูลจากหน่วยงานร่วม")),
)
#: Fields left out of the snapshot of parts: the report itself and bookkeeping.
_PART_EXCLUDE = frozenset({"report", "result", "problem", "updated_in_report"})


def _row(obj: models.Model, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The content fields of a row (foreign keys as id and label; related rows preloaded)."""
    skip = exclude | getattr(obj, "audit_exclude", frozenset())
    data: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or model_field.name in skip:
            continue
        value = model_field.value_from_object(obj)
        if model_field.is_relation and value is not None:
            data[model_field.name] = {"id": value, "label": str(getattr(obj, model_field.name))}
        else:
            data[model_field.name] = value
    data["_label"] = str(obj)
    return data


def report_snapshot(report: ProgressReport) -> dict[str, Any]:
    """The report and its parts as JSON (stored at approval; 8 queries)."""
    current = ProgressReport.objects.select_related(
        "project", "period__fiscal_year", "unit", "submitted_by", "decided_by", "reopened_by"
    ).get(pk=report.pk)
    parts: dict[str, Iterable[models.Model]] = {
        "activities": ActivityProgress.objects.filter(report=current).select_related("activity"),
        "results": IndicatorResult.objects.filter(report=current).select_related(
            "indicator", "period__fiscal_year"
        ),
        "problems": Problem.objects.filter(report=current),
        "actions": CorrectiveAction.objects.filter(
            Q(problem__report=current) | Q(updated_in_report=current)
        ).select_related("owner_unit", "problem"),
        "evidence": Evidence.objects.filter(Q(report=current) | Q(result__report=current)),
        "contributions": Contribution.objects.filter(report=current).select_related("unit"),
    }
    data: dict[str, Any] = {
        "report": _row(current, frozenset({"approved_snapshot", "state"}) | _PART_EXCLUDE)
    }
    for key, rows in parts.items():
        data[key] = {str(row.pk): _row(row, _PART_EXCLUDE) for row in rows}
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


@dataclass(frozen=True)
class ReportChange:
    """One row added, removed or changed since the report was approved."""

    section: str
    label: str
    kind: str  # "added" / "removed" / "changed"
    changes: list[FieldChange]


_BOOKKEEPING = frozenset(
    {"submitted_at", "submitted_by", "decided_at", "decided_by", "first_submitted_at"}
    | {"return_comment", "reopened_at", "reopened_by", "reopen_reason", "is_late", "_label"}
)


def _field_changes(
    model: type[models.Model], before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[FieldChange]:
    changes = []
    for name in dict.fromkeys([*after, *before]):
        if name in _BOOKKEEPING or before.get(name) == after.get(name):
            continue
        try:
            model_field: Any = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        changes.append(
            FieldChange(
                name=name,
                label=str(model_field.verbose_name),
                before=display_value(model_field, before.get(name)) if before else "",
                after=display_value(model_field, after.get(name)) if after else "",
            )
        )
    return changes


def changes_since_approval(report: ProgressReport) -> list[ReportChange]:
    """What differs between the report as approved and as it is now (empty when it was never
    approved, or nothing changed): for the page of a report reopened after approval."""
    approved: dict[str, Any] | None = report.approved_snapshot
    if not approved:
        return []
    now = report_snapshot(report)
    result: list[ReportChange] = []
    report_fields = _field_changes(ProgressReport, approved.get("report", {}), now["report"])
    if report_fields:
        result.append(ReportChange(_("รายงาน"), str(report), "changed", report_fields))
    for key, model, label in SNAPSHOT_SECTIONS:
        old: dict[str, Any] = approved.get(key, {})
        new: dict[str, Any] = now.get(key, {})
        for pk in dict.fromkeys([*old, *new]):
            before, after = old.get(pk), new.get(pk)
            if before == after:
                continue
            name = (after or before or {}).get("_label", pk)
            if before is None:
                result.append(
                    ReportChange(str(label), name, "added", _field_changes(model, {}, after or {}))
                )
            elif after is None:
                result.append(ReportChange(str(label), name, "removed", []))
            else:
                fields = _field_changes(model, before, after)
                if fields:
                    result.append(ReportChange(str(label), name, "changed", fields))
    return result


# The compliance board -----------------------------------------------------------------------


@dataclass
class ComplianceRow:
    """Reporting of one unit's subtree (or of the whole board) in a quarter."""

    unit: OrgUnit | None
    required: int = 0
    not_started: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    on_time: int = 0  # submitted (at least once) by the due date
    late: int = 0  # first submitted after the due date
    overdue: int = 0  # not submitted, and the due date has passed
    pending: int = 0  # not submitted, not yet due

    def add_group(self, row: Mapping[str, Any]) -> None:
        """Add one group of ``compliance_board``'s count (projects with the same due state)."""
        reported = row["draft"] + row["submitted"] + row["returned"] + row["approved"]
        ever_submitted = row["submitted"] + row["returned"] + row["approved"]
        self.required += row["required"]
        self.not_started += row["required"] - reported
        self.draft += row["draft"]
        self.submitted += row["submitted"]
        self.returned += row["returned"]
        self.approved += row["approved"]
        self.late += row["late"]
        self.on_time += ever_submitted - row["late"]
        if row["past_due"]:
            self.overdue += row["required"] - ever_submitted
        else:
            self.pending += row["required"] - ever_submitted

    def __iadd__(self, other: ComplianceRow) -> ComplianceRow:
        for name in (
            "required",
            "not_started",
            "draft",
            "submitted",
            "returned",
            "approved",
            "on_time",
            "late",
            "overdue",
            "pending",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def ever_submitted(self) -> int:
        return self.submitted + self.returned + self.approved

    @property
    def submitted_rate(self) -> Decimal | None:
        return percent(self.ever_submitted, self.required)

    @property
    def submitted_on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.required)

    @property
    def approved_rate(self) -> Decimal | None:
        return percent(self.approved, self.required)


@dataclass
class ComplianceBoard:
    period: ReportingPeriod
    unit: OrgUnit
    as_of: date
    deadline: Deadline  # of the board's unit
    rows: list[ComplianceRow]  # the unit itself (projects it leads) first, then its children
    total: ComplianceRow


def _timeliness(state: str, is_late: bool | None, past_due: bool) -> str:
    if state in (State.SUBMITTED, State.RETURNED, State.APPROVED):
        return "late" if is_late else "on_time"
    return "overdue" if past_due else "pending"


def _board_projects(
    user: AnyUser, period: ReportingPeriod, unit: OrgUnit, overrides: Sequence[Deadline], day: date
) -> QuerySet[Any]:
    """The projects that must report under ``unit`` that the user may view, with the path of
    the child unit they fall under and whether their unit's due date has passed."""
    projects = required_projects(
        period, unit.path, base=Project.objects.restrict(user, Action.VIEW)
    )
    return projects.annotate(
        child_path=Substr("lead_unit_path", 1, len(unit.path) + SEGMENT),
        past_due=_past_due(period, overrides, day, "lead_unit_path"),
    )


EVER_SUBMITTED = (State.SUBMITTED, State.RETURNED, State.APPROVED)


def compliance_board(
    user: AnyUser, period: ReportingPeriod, unit: OrgUnit, *, as_of: date | None = None
) -> ComplianceBoard:
    """Who has reported in a quarter under ``unit``: per child unit (and the unit itself), the
    projects that must report by state (not started / draft / submitted / returned / approved)
    and timeliness, with the rates. Projects the user may not view are left out; the state of a
    report counts even when the user may not read the report itself (a draft of another unit).

    Four queries (grants, overrides, one grouped count, the units' names) for any number of
    projects: the projects are counted per child unit and due state, each state through a
    semi-join with the period's reports (computed once, not per project). The caller has
    checked the user may view ``unit``.
    """
    day = as_of or today()
    overrides = deadline_overrides(period)
    grouped = (
        _board_projects(user, period, unit, overrides, day)
        .values("child_path", "past_due")
        .annotate(
            required=Count("pk"),
            draft=Count("pk", filter=_reported(period, state=State.DRAFT)),
            submitted=Count("pk", filter=_reported(period, state=State.SUBMITTED)),
            returned=Count("pk", filter=_reported(period, state=State.RETURNED)),
            approved=Count("pk", filter=_reported(period, state=State.APPROVED)),
            late=Count("pk", filter=_reported(period, state__in=EVER_SUBMITTED, is_late=True)),
        )
        .order_by()
    )
    by_path: dict[str, ComplianceRow] = {}
    for row in grouped:
        by_path.setdefault(row["child_path"], ComplianceRow(None)).add_group(row)
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=list(by_path))}
    rows = []
    for path in sorted(by_path):
        by_path[path].unit = units.get(path)
        rows.append(by_path[path])
    total = ComplianceRow(unit)
    for row in rows:
        total += row
    return ComplianceBoard(
        period=period,
        unit=unit,
        as_of=day,
        deadline=deadline_from(period, overrides, unit.path),
        rows=rows,
        total=total,
    )


@dataclass
class ProjectCompliance:
    """One project on the board: its report's state and timeliness."""

    project: Project
    report_id: int | None
    report_version: int | None
    state: str
    progress_status: str | None
    timeliness: str
    deadline: Deadline

    @property
    def state_label(self) -> str:
        if self.state == NOT_STARTED:
            return _("ยังไม่เริ่มรายงาน")
        return str(State(self.state).label)


@dataclass
class CompliancePage:
    """A page of projects (``page`` has the number, the paginator and the neighbours)."""

    rows: list[ProjectCompliance]
    page: Page[Any]  # of project ids


def compliance_projects(
    user: AnyUser,
    period: ReportingPeriod,
    unit: OrgUnit,
    *,
    state: str | None = None,
    progress_status: str | None = None,
    child: OrgUnit | None = None,
    page: int = 1,
    page_size: int = 50,
    as_of: date | None = None,
) -> CompliancePage:
    """One page of the projects behind the board or the overview (drill-down): filtered by
    report state (``not_started`` for no report), by the report's progress status
    (``not_reported`` for no report), by child unit. Five queries (grants, overrides, count,
    the page's ids, the page's rows with their reports) whatever the number of projects."""
    day = as_of or today()
    overrides = deadline_overrides(period)
    projects = _board_projects(user, period, child or unit, overrides, day)
    if state == NOT_STARTED or progress_status == "not_reported":
        projects = projects.exclude(_reported(period))
    elif state:
        projects = projects.filter(_reported(period, state=state))
    if progress_status and progress_status != "not_reported":
        projects = projects.filter(_reported(period, progress_status=progress_status))
    ids = projects.order_by("lead_unit_path", "code", "pk").values_list("pk", flat=True)
    found = Paginator(ids, page_size).get_page(page)
    page_ids = list(found.object_list)
    loaded = {
        p.pk: p
        for p in _with_report(
            Project.objects.filter(pk__in=page_ids).select_related("lead_unit"), period
        ).annotate(past_due=_past_due(period, overrides, day, "lead_unit_path"))
    }
    rows = []
    for project in (loaded[pk] for pk in page_ids):
        values: Any = project  # the annotations of _with_report and past_due
        state_key = values.report_state or NOT_STARTED
        rows.append(
            ProjectCompliance(
                project=project,
                report_id=values.report_id,
                report_version=values.report_version,
                state=state_key,
                progress_status=values.report_progress,
                timeliness=_timeliness(state_key, values.report_is_late, values.past_due),
                deadline=deadline_from(period, overrides, project.lead_unit_path),
            )
        )
    return CompliancePage(rows, found)


# The quarterly overview ---------------------------------------------------------------------


@dataclass
class Bucket:
    """A count for a drill-down link: ``key`` is the filter value (e.g. a progress status)."""

    key: str
    label: str
    count: int


@dataclass
class IssueIndicators:
    """Indicators of one strategic issue in the quarter: with a target, measured, achieved."""

    issue: StrategicIssue | None
    expected: int = 0  # indicators with a target for the quarter
    measured: int = 0
    achieved: int = 0

    @property
    def achieved_rate(self) -> Decimal | None:
        return percent(self.achieved, self.measured)


@dataclass
class QuarterlyOverview:
    """The M&E summary of a unit (and everything below it) for one quarter."""

    period: ReportingPeriod
    unit: OrgUnit
    as_of: date
    projects_by_status: list[Bucket]  # includes "not_reported"
    project_count: int
    activities_by_status: list[Bucket]
    activity_count: int
    indicators_by_issue: list[IssueIndicators]
    money: Overview  # the budget's overview to the end of the quarter (cabinet target included)
    open_problem_count: int
    open_problems: list[Problem]  # the first few, for drill-down
    overdue_action_count: int
    overdue_actions: list[CorrectiveAction]  # the first few, earliest due first

    @property
    def activities_on_schedule(self) -> int:
        """Activities on schedule or already completed."""
        return sum(
            b.count
            for b in self.activities_by_status
            if b.key in (ProgressStatus.ON_SCHEDULE, ProgressStatus.COMPLETED)
        )

    @property
    def activities_on_schedule_rate(self) -> Decimal | None:
        return percent(self.activities_on_schedule, self.activity_count)


def _buckets(counts: Mapping[str, int], labels: Sequence[tuple[str, Any]]) -> list[Bucket]:
    return [Bucket(key, str(label), counts.get(key, 0)) for key, label in labels]


def quarterly_overview(
    user: AnyUser,
    period: ReportingPeriod,
    unit: OrgUnit,
    *,
    as_of: date | None = None,
    list_limit: int = 10,
) -> QuarterlyOverview:
    """Projects by progress status, activities on schedule, indicators achieved by strategic
    issue, money against the spending plan and the cabinet's target, open problems and overdue
    corrective actions, for ``unit``'s subtree in a quarter. Everything is restricted to what
    the user may view; lists carry ids for drill-down (``compliance_projects`` lists the projects
    of a status). 18 queries (with the grants and the budget's six) whatever the number of
    projects. The caller has checked the user may view ``unit``."""
    day = as_of or today()
    projects = required_projects(
        period, unit.path, base=Project.objects.restrict(user, Action.VIEW)
    )
    counted = projects.aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=_reported(period, progress_status=status))
            for status in ProgressStatus.values
        },
    )
    total_projects = counted.pop("total")
    status_counts = {**counted, "not_reported": total_projects - sum(counted.values())}
    status_labels = [*ProgressStatus.choices, ("not_reported", _("ยังไม่รายงาน"))]

    activities = {
        row["status"] or "": row["count"]
        for row in ActivityProgress.objects.restrict(user, Action.VIEW)
        .filter(report__period=period, report__unit_path__startswith=unit.path)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    }
    activity_labels = [*ProgressStatus.choices, ("", _("ยังไม่ระบุสถานะ"))]

    indicators_by_issue = _indicators_by_issue(user, period, unit)

    open_actions = CorrectiveAction.objects.filter(
        problem=OuterRef("pk"), status__in=CorrectiveAction.OPEN_STATUSES
    )
    any_action = CorrectiveAction.objects.filter(problem=OuterRef("pk"))
    problems = (
        Problem.objects.restrict(user, Action.VIEW)
        .filter(report__period=period, report__unit_path__startswith=unit.path)
        .filter(Exists(open_actions) | ~Exists(any_action))
    )
    overdue = CorrectiveAction.objects.restrict(user, Action.VIEW).filter(
        unit_path__startswith=unit.path,
        status__in=CorrectiveAction.OPEN_STATUSES,
        due_on__lt=day,
    )
    quarter = FiscalQuarter(period.fiscal_year.period, int(period.kind[1]))
    return QuarterlyOverview(
        period=period,
        unit=unit,
        as_of=day,
        projects_by_status=_buckets(status_counts, status_labels),
        project_count=sum(status_counts.values()),
        activities_by_status=_buckets(activities, activity_labels),
        activity_count=sum(activities.values()),
        indicators_by_issue=indicators_by_issue,
        money=unit_overview(unit, period.fiscal_year, as_of=quarter),
        open_problem_count=problems.count(),
        open_problems=list(
            problems.select_related("report__project").order_by("report__unit_path", "pk")[
                :list_limit
            ]
        ),
        overdue_action_count=overdue.count(),
        overdue_actions=_first_overdue(overdue, list_limit),
    )


def _first_overdue(overdue: QuerySet[CorrectiveAction], limit: int) -> list[CorrectiveAction]:
    """The ``limit`` earliest-due overdue actions, in one query: a subquery picks their ids,
    then only those rows are joined to their report and project (sorting the narrow ids does
    not spill wide joined rows to disk; benchmarks/README.md, monitoring)."""
    ids = overdue.order_by("due_on", "pk").values("pk")[:limit]
    return list(
        CorrectiveAction.objects.filter(pk__in=ids)
        .select_related("problem__report__project", "owner_unit")
        .order_by("due_on", "pk")
    )


def _indicators_by_issue(
    user: AnyUser, period: ReportingPeriod, unit: OrgUnit
) -> list[IssueIndicators]:
    """Indicators with a target for the quarter, measured and achieved, per strategic issue:
    goal indicators of the plans of units under ``unit`` and project indicators of projects
    led under it (4 queries)."""
    with_target = Indicator.objects.filter(
        plan_version__in=current_settled_versions(period.fiscal_year_id),
        targets__period=period.kind,
    )
    goal_indicators = (
        with_target.filter(goal__isnull=False, plan_version__plan__unit__path__startswith=unit.path)
        .values_list("goal__strategic_issue_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    project_indicators = (
        with_target.filter(project__lead_unit_path__startswith=unit.path)
        .values_list("project__strategy__strategic_issue_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    measured = (
        IndicatorResult.objects.restrict(user, Action.VIEW)
        .filter(period=period)
        .filter(Q(unit_path__startswith=unit.path) | Q(plan_unit_path__startswith=unit.path))
        .values("strategic_issue")
        .annotate(count=Count("pk"), achieved_count=Count("pk", filter=Q(achieved=True)))
        .order_by()
    )
    rows: dict[int | None, IssueIndicators] = {}
    for issue_id, count in [*goal_indicators, *project_indicators]:
        rows.setdefault(issue_id, IssueIndicators(None)).expected += count
    for row in measured:
        line = rows.setdefault(row["strategic_issue"], IssueIndicators(None))
        line.measured += row["count"]
        line.achieved += row["achieved_count"]
    issues = StrategicIssue.objects.in_bulk([pk for pk in rows if pk is not None])
    for pk, line in rows.items():
        line.issue = issues.get(pk) if pk is not None else None
    return sorted(
        rows.values(),
        key=lambda line: (
            line.issue is None,
            line.issue.plan_version_id if line.issue else 0,
            line.issue.number if line.issue else 0,
        ),
    )


# Scores: one indicator in one period, and their roll-up by weight ---------------------------


@dataclass(frozen=True)
class Outcome:
    """An indicator in a period: the target, the result, and how the result scores."""

    target: Decimal | None
    result: Decimal | None
    achieved: bool | None
    score: Decimal | None
    percent_of_target: Decimal | None


def period_target(
    indicator: Indicator, kind: str, targets: Mapping[str, Decimal]
) -> Decimal | None:
    """The target of a period: the plan's target of that period; the year's is the indicator's
    annual target; a half year without its own target adds up its quarters (non-cumulative)
    or takes Q2's (cumulative)."""
    if kind == "YEAR":
        return indicator.target_value
    if kind in targets:
        return targets[kind]
    if kind == "H1":
        if indicator.is_cumulative:
            return targets.get("Q2")
        if "Q1" in targets and "Q2" in targets:
            return targets["Q1"] + targets["Q2"]
    return None


def period_result(
    indicator: Indicator, kind: str, direct: Decimal | None, quarters: Mapping[str, Decimal]
) -> Decimal | None:
    """The result of a period: a result recorded for the period itself (yearly indicators),
    else its quarters' results combined by ``scoring.period_value`` (cumulative: the last one
    reported; otherwise their sum, a quarter without a result adding nothing)."""
    if direct is not None:
        return direct
    values = [quarters[q] for q in quarters_of(kind) if q in quarters]
    return scoring.period_value(values, cumulative=indicator.is_cumulative)


def indicator_outcome(
    indicator: Indicator,
    kind: str,
    *,
    targets: Mapping[str, Decimal],
    direct: Decimal | None,
    quarters: Mapping[str, Decimal],
    bands: Sequence[tuple[int, Decimal]],
    steps: int,
) -> Outcome:
    """Target, result and score of one indicator in a period (pure; no query)."""
    target = period_target(indicator, kind, targets)
    result = period_result(indicator, kind, direct, quarters)
    if target is None or result is None:
        return Outcome(target, result, None, None, None)
    scored = scoring.evaluate(
        rule=indicator.scoring_rule,
        actual=result,
        target=target,
        direction=indicator.direction,
        bands=bands,
        total_steps=steps,
    )
    return Outcome(
        target,
        result,
        scored.achieved,
        scored.score.quantize(scoring.PLACES),
        scored.percent_of_target,
    )


@dataclass
class IndicatorInputs:
    """What scoring needs of many indicators, read in four queries."""

    targets: dict[int, dict[str, Decimal]]  # indicator id → period → value
    bands: dict[int, list[tuple[int, Decimal]]]
    steps: dict[int, int]
    results: dict[Any, dict[str, Decimal]]  # lineage → period kind → actual value

    def outcome(self, indicator: Indicator, kind: str) -> Outcome:
        by_kind = self.results.get(indicator.lineage, {})
        return indicator_outcome(
            indicator,
            kind,
            targets=self.targets.get(indicator.pk, {}),
            direct=None if kind in QUARTERS else by_kind.get(kind),
            quarters={q: v for q, v in by_kind.items() if q in QUARTERS},
            bands=self.bands.get(indicator.pk, []),
            steps=self.steps.get(indicator.pk, 0),
        )


def indicator_inputs(
    indicators: Sequence[Indicator], fiscal_year_id: int, *, user: AnyUser | None = None
) -> IndicatorInputs:
    """Targets, bands, milestone counts and results of the year for ``indicators`` (4 queries).

    Results of draft reports are left out (not yet vouched for by anyone but their author);
    with ``user``, only results the user may view count."""
    ids = [i.pk for i in indicators]
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for indicator_id, kind, value in IndicatorTarget.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "period", "value"):
        targets[indicator_id][kind] = value
    bands: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for indicator_id, level, threshold in ScoringBand.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "level", "threshold"):
        bands[indicator_id].append((level, threshold))
    steps = dict(
        Milestone.objects.filter(indicator_id__in=ids)
        .values_list("indicator_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    results_qs = (
        IndicatorResult.objects.restrict(user, Action.VIEW)
        if user is not None
        else IndicatorResult.objects.all()
    )
    results: dict[Any, dict[str, Decimal]] = defaultdict(dict)
    for lineage, kind, value in (
        results_qs.filter(
            indicator_lineage__in={i.lineage for i in indicators},
            period__fiscal_year_id=fiscal_year_id,
        )
        .exclude(report__state=State.DRAFT)
        .values_list("indicator_lineage", "period__kind", "actual_value")
    ):
        results[lineage][kind] = value
    return IndicatorInputs(dict(targets), dict(bands), steps, dict(results))


@dataclass
class ScoredIndicator:
    indicator: Indicator
    outcome: Outcome


@dataclass
class ScoreLine:
    """A goal, strategic issue or the plan: the weighted score of the indicators under it."""

    label: str
    indicators: list[ScoredIndicator] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        """Weighted by ``Indicator.weight`` over the indicators that have a score; indicators
        without a result (or without a target) are left out, not counted as zero (see
        ``coverage``)."""
        return scoring.weighted_score(
            (row.outcome.score, row.indicator.weight)
            for row in self.indicators
            if row.outcome.score is not None
        )

    @property
    def coverage(self) -> Decimal | None:
        """The share of the weight whose indicators have a score (how much ``score`` rests on)."""
        total = sum((row.indicator.weight for row in self.indicators), ZERO)
        scored = sum(
            (row.indicator.weight for row in self.indicators if row.outcome.score is not None),
            ZERO,
        )
        return percent(scored, total)

    @property
    def achieved_count(self) -> int:
        return sum(1 for row in self.indicators if row.outcome.achieved)

    @property
    def measured_count(self) -> int:
        return sum(1 for row in self.indicators if row.outcome.achieved is not None)


@dataclass
class ScoreRollup:
    version: PlanVersion
    period: ReportingPeriod
    plan: ScoreLine
    issues: list[tuple[StrategicIssue, ScoreLine]]
    goals: list[tuple[Goal, ScoreLine]]


def score_rollup(
    version: PlanVersion, period: ReportingPeriod, *, user: AnyUser | None = None
) -> ScoreRollup:
    """The plan's goal indicators scored for a period and rolled up by weight: each goal, each
    strategic issue (all indicators of its goals) and the plan (all goal indicators). A quarter
    scores its own results; the half year and the year combine the quarters
    (``period_result``). Indicators without a score are left out of the weighted mean, and
    ``coverage`` says how much of the weight was measured. 6 queries (the version's plan
    preloaded)."""
    indicators = list(
        Indicator.objects.filter(plan_version=version, goal__isnull=False)
        .select_related("goal__strategic_issue")
        .order_by("goal__strategic_issue__number", "goal__number", "number", "pk")
    )
    inputs = indicator_inputs(indicators, period.fiscal_year_id, user=user)
    plan = ScoreLine(str(version.plan))
    issues: dict[int, tuple[StrategicIssue, ScoreLine]] = {}
    goals: dict[int, tuple[Goal, ScoreLine]] = {}
    for issue in StrategicIssue.objects.filter(plan_version=version).order_by("number"):
        issues[issue.pk] = (issue, ScoreLine(str(issue)))
    for indicator in indicators:
        goal = indicator.goal
        if goal is None:  # goal indicators only (the query asks for them)
            continue
        row = ScoredIndicator(indicator, inputs.outcome(indicator, period.kind))
        plan.indicators.append(row)
        issues[goal.strategic_issue_id][1].indicators.append(row)
        goals.setdefault(goal.pk, (goal, ScoreLine(str(goal))))[1].indicators.append(row)
    return ScoreRollup(version, period, plan, list(issues.values()), list(goals.values()))


# The inbox ----------------------------------------------------------------------------------


@dataclass
class ReportTask:
    """A report someone should act on: to approve (submitted), to write (not started or a
    draft) or to correct (returned)."""

    project: Project
    period: ReportingPeriod
    state: str  # NOT_STARTED or the report's state
    report_id: int | None
    due_on: date | None  # the unit's due date (reports to write)
    overdue: bool = False
    since: datetime | None = None  # when it was submitted (to approve) or returned


@dataclass
class TaskList:
    total: int
    items: list[ReportTask]


def reports_awaiting_approval(user: AnyUser, *, limit: int = 10) -> TaskList:
    """Submitted reports the user may approve or return, longest waiting first (3 queries)."""
    waiting = ProgressReport.objects.restrict(user, "approve").filter(state=State.SUBMITTED)
    total = waiting.count()
    if not total:
        return TaskList(0, [])
    items = [
        ReportTask(r.project, r.period, r.state, r.pk, None, since=r.submitted_at)
        for r in waiting.select_related("project", "period__fiscal_year").order_by(
            "submitted_at", "pk"
        )[:limit]
    ]
    return TaskList(total, items)


def periods_to_report(day: date, *, days_ahead: int = 14) -> list[ReportingPeriod]:
    """Quarters open for reporting on ``day`` and due within ``days_ahead`` days (or already
    due) whose entry has not locked everywhere (one query)."""
    later_deadline = PeriodDeadline.objects.filter(period=OuterRef("pk"), locks_on__gte=day)
    late_entry = LateEntryException.objects.filter(
        period=OuterRef("pk"), revoked_at__isnull=True, until__gte=day
    )
    return list(
        ReportingPeriod.objects.filter(kind__in=QUARTERS, opens_on__lte=day)
        .filter(
            Q(locks_on__gte=day) | Exists(later_deadline) | Exists(late_entry),
            due_on__lte=day + timedelta(days=days_ahead),
        )
        .select_related("fiscal_year")
        .order_by("due_on", "pk")
    )


def reports_to_write(
    user: AnyUser, *, as_of: date | None = None, limit: int = 10, days_ahead: int = 14
) -> TaskList:
    """Reports the user (a reporter or planner) must write or correct: quarters due soon or past
    due whose projects, led by the user's units, have no report or a draft; and every returned
    report the user may change. Fixed queries: grants, periods, then per open quarter (at most
    two at a time) overrides, count, the first ids and their rows; two for returned reports."""
    day = as_of or today()
    paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in REPORT_WRITERS)
    if not paths:
        return TaskList(0, [])
    total = 0
    items: list[ReportTask] = []
    for period in periods_to_report(day, days_ahead=days_ahead):
        overrides = deadline_overrides(period)
        projects = (
            required_projects(period)
            .filter(_any_of([Q(lead_unit_path__startswith=path) for path in paths]))
            .exclude(_reported(period, state__in=EVER_SUBMITTED))
        )
        count = projects.count()
        total += count
        if len(items) < limit:
            wanted = list(
                projects.order_by("lead_unit_path", "code", "pk").values_list("pk", flat=True)[
                    : limit - len(items)
                ]
            )
            loaded = {
                p.pk: p
                for p in _with_report(
                    Project.objects.filter(pk__in=wanted).select_related("lead_unit"), period
                )
            }
            for project in (loaded[pk] for pk in wanted):
                deadline = deadline_from(period, overrides, project.lead_unit_path)
                items.append(
                    ReportTask(
                        project,
                        period,
                        project.report_state or NOT_STARTED,
                        project.report_id,
                        deadline.due_on,
                        day > deadline.due_on,
                    )
                )
    returned = ProgressReport.objects.restrict(user, Action.CHANGE).filter(state=State.RETURNED)
    returned_total = returned.count()
    total += returned_total
    if returned_total and len(items) < limit:
        for report in returned.select_related("project", "period__fiscal_year").order_by(
            "decided_at", "pk"
        )[: limit - len(items)]:
            items.append(
                ReportTask(
                    report.project,
                    report.period,
                    report.state,
                    report.pk,
                    None,
                    since=report.decided_at,
                )
            )
    return TaskList(total, items)


def _any_of(clauses: Sequence[Q]) -> Q:
    result = Q()
    for clause in clauses:
        result |= clause
    return result


# The latest measured value (for the plans' gap analysis) ------------------------------------


def latest_values(indicators: list[Indicator]) -> dict[int, tuple[Decimal, str]]:
    """The latest settled result of each indicator (by lineage, so a revised plan keeps its
    history): standalone results and those of approved reports, the period ending last first
    (a quarter before a half year or year ending the same day). One query."""
    by_lineage: dict[Any, list[int]] = defaultdict(list)
    for indicator in indicators:
        by_lineage[indicator.lineage].append(indicator.pk)
    if not by_lineage:
        return {}
    rows = (
        IndicatorResult.objects.filter(indicator_lineage__in=list(by_lineage))
        .filter(Q(report__isnull=True) | Q(report__state=State.APPROVED))
        .select_related("period__fiscal_year")
        .order_by("indicator_lineage", "-period__ends_on", "-period__starts_on")
    )
    found: dict[int, tuple[Decimal, str]] = {}
    for result in rows:
        for pk in by_lineage[result.indicator_lineage]:
            if pk not in found:
                found[pk] = (result.actual_value, _("ผล%(period)s") % {"period": result.period})
    return found


# The evaluation summary ---------------------------------------------------------------------


@dataclass
class EvaluationIssueRow:
    issue: StrategicIssue | None
    indicators: int = 0
    measured: int = 0
    achieved: int = 0

    @property
    def achieved_rate(self) -> Decimal | None:
        """Share of the issue's evaluated indicators that achieved their target."""
        return percent(self.achieved, self.indicators)


@dataclass
class EvaluationUnitRow:
    unit: OrgUnit | None
    projects: int = 0
    due: int = 0  # projects whose end month has come (or that finished early)
    on_time: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of the projects due by the period's end that were completed on time."""
        return percent(self.on_time, self.due)


@dataclass
class EvaluationSummary:
    period: ReportingPeriod
    unit: OrgUnit
    by_issue: list[EvaluationIssueRow]
    by_unit: list[EvaluationUnitRow]
    indicators: EvaluationIssueRow
    projects: EvaluationUnitRow


def evaluation_summary(user: AnyUser, period: ReportingPeriod, unit: OrgUnit) -> EvaluationSummary:
    """The share of indicators achieved (per strategic issue) and of projects completed on time
    (per child unit of ``unit``) in a half-year or annual evaluation (5 queries)."""
    evaluations = (
        Evaluation.objects.restrict(user, Action.VIEW)
        .filter(period=period)
        .filter(Q(unit_path__startswith=unit.path) | Q(plan_unit_path__startswith=unit.path))
    )
    by_issue: dict[int | None, EvaluationIssueRow] = {}
    for row in (
        evaluations.filter(indicator__isnull=False)
        .values("strategic_issue")
        .annotate(
            count=Count("pk"),
            measured=Count("pk", filter=Q(achieved__isnull=False)),
            achieved_count=Count("pk", filter=Q(achieved=True)),
        )
        .order_by()
    ):
        by_issue[row["strategic_issue"]] = EvaluationIssueRow(
            None, row["count"], row["measured"], row["achieved_count"]
        )
    issues = StrategicIssue.objects.in_bulk([pk for pk in by_issue if pk is not None])
    for pk, line in by_issue.items():
        line.issue = issues.get(pk) if pk is not None else None
    by_unit: dict[str, EvaluationUnitRow] = {}
    for unit_row in (
        evaluations.filter(project__isnull=False, unit_path__startswith=unit.path)
        .annotate(child_path=Substr("unit_path", 1, len(unit.path) + SEGMENT))
        .values("child_path")
        .annotate(
            count=Count("pk"),
            due=Count("pk", filter=Q(completed_on_time__isnull=False)),
            on_time=Count("pk", filter=Q(completed_on_time=True)),
        )
        .order_by()
    ):
        by_unit[unit_row["child_path"]] = EvaluationUnitRow(
            None, unit_row["count"], unit_row["due"], unit_row["on_time"]
        )
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=list(by_unit))}
    for path, unit_line in by_unit.items():
        unit_line.unit = units.get(path)
    indicators = EvaluationIssueRow(None)
    for line in by_issue.values():
        indicators.indicators += line.indicators
        indicators.measured += line.measured
        indicators.achieved += line.achieved
    projects = EvaluationUnitRow(unit)
    for unit_line in by_unit.values():
        projects.projects += unit_line.projects
        projects.due += unit_line.due
        projects.on_time += unit_line.on_time
    return EvaluationSummary(
        period=period,
        unit=unit,
        by_issue=sorted(
            by_issue.values(),
            key=lambda r: (
                r.issue is None,
                r.issue.plan_version_id if r.issue else 0,
                r.issue.number if r.issue else 0,
            ),
        ),
        by_unit=[by_unit[path] for path in sorted(by_unit)],
        indicators=indicators,
        projects=projects,
    )


__all__ = [
    "NOT_STARTED",
    "Bucket",
    "ComplianceBoard",
    "CompliancePage",
    "ComplianceRow",
    "Deadline",
    "Outcome",
    "ProjectCompliance",
    "QuarterlyOverview",
    "ReportChange",
    "ReportContent",
    "ReportMoney",
    "ScoreRollup",
    "TaskList",
    "carried_actions",
    "changes_since_approval",
    "compliance_board",
    "compliance_projects",
    "current_settled_versions",
    "effective_deadline",
    "evaluation_summary",
    "indicator_inputs",
    "indicator_outcome",
    "late_entry_covers",
    "latest_values",
    "periods_for",
    "periods_to_report",
    "projects_money",
    "quarterly_overview",
    "report_content",
    "report_money",
    "report_snapshot",
    "reports_awaiting_approval",
    "reports_to_write",
    "required_projects",
    "score_rollup",
]
