"""Reads of plans: the plan outline, the alignment matrix, gap analysis, the activity calendar,
a unit's work and the iCalendar feed. Each runs a fixed number of queries, whatever the size of
the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from phaen.core.access import Action
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    Goal,
    Indicator,
    IndicatorTarget,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    StrategicIssue,
    Strategy,
)
from phaen.thai.calendar import FiscalMonth
from phaen.thai.calendar import FiscalYear as FiscalPeriod

if TYPE_CHECKING:
    from phaen.core.access import AnyUser
    from phaen.orgs.models import OrgUnit

ZERO = Decimal(0)


# Versions -----------------------------------------------------------------------------------


def current_version(plan: ActionPlan) -> PlanVersion | None:
    """The version people work from: the newest approved or published one, else the draft."""
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("-number"))
    settled = [v for v in versions if v.status != PlanVersion.Status.DRAFT]
    return settled[0] if settled else (versions[0] if versions else None)


def current_version_ids(plans: QuerySet[ActionPlan], *, user: AnyUser | None = None) -> list[int]:
    """The current version of each plan, in one query.

    With ``user``, the current one among the versions that user may view (a visitor who sees
    only what is published gets the newest published version, not a newer approved one).
    """
    versions = (
        PlanVersion.objects.restrict(user, Action.VIEW)
        if user is not None
        else PlanVersion.objects.all()
    )
    rows = versions.filter(plan__in=plans).values_list("plan_id", "pk", "status", "number")
    best: dict[int, tuple[bool, int, int]] = {}
    for plan_id, pk, status, number in rows:
        rank = (status != PlanVersion.Status.DRAFT, number, pk)
        if plan_id not in best or rank > best[plan_id]:
            best[plan_id] = rank
    return [rank[2] for rank in best.values()]


# The plan outline ---------------------------------------------------------------------------


@dataclass
class ProjectRow:
    project: Project
    owners: list[ProjectOwner]
    activity_count: int
    activity_budget: Decimal
    indicator_count: int


@dataclass
class StrategyRow:
    strategy: Strategy
    projects: list[ProjectRow] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((row.project.budget for row in self.projects), ZERO)


@dataclass
class GoalRow:
    goal: Goal
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class IssueRow:
    issue: StrategicIssue
    goals: list[GoalRow] = field(default_factory=list)
    strategies: list[StrategyRow] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((row.budget for row in self.strategies), ZERO)

    @property
    def project_count(self) -> int:
        return sum(len(row.projects) for row in self.strategies)


@dataclass
class PlanOutline:
    version: PlanVersion
    missions: list[Mission]
    issues: list[IssueRow]
    unassigned_projects: list[ProjectRow]

    @property
    def budget(self) -> Decimal:
        return sum((row.budget for row in self.issues), ZERO) + sum(
            (row.project.budget for row in self.unassigned_projects), ZERO
        )

    @property
    def project_count(self) -> int:
        return sum(row.project_count for row in self.issues) + len(self.unassigned_projects)

    @property
    def activity_count(self) -> int:
        rows = [p for issue in self.issues for s in issue.strategies for p in s.projects]
        return sum(row.activity_count for row in rows + self.unassigned_projects)


def plan_outline(version: PlanVersion) -> PlanOutline:
    """The whole direction chain of a version, in a fixed number of queries whatever its size."""
    of = {"plan_version": version}
    missions = list(Mission.objects.filter(**of))
    issues = {
        i.pk: IssueRow(i) for i in StrategicIssue.objects.filter(**of).select_related("aligns_with")
    }
    goals: dict[int, GoalRow] = {}
    for goal in Goal.objects.filter(**of).order_by("strategic_issue__number", "number"):
        goals[goal.pk] = GoalRow(goal)
        issues[goal.strategic_issue_id].goals.append(goals[goal.pk])
    indicators = Indicator.objects.filter(**of, goal__isnull=False).prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period"))
    )
    for indicator in indicators:
        goals[indicator.goal_id].indicators.append(indicator)  # type: ignore[index]
    strategies: dict[int, StrategyRow] = {}
    for strategy in Strategy.objects.filter(**of).order_by("strategic_issue__number", "number"):
        strategies[strategy.pk] = StrategyRow(strategy)
        issues[strategy.strategic_issue_id].strategies.append(strategies[strategy.pk])
    owners: dict[int, list[ProjectOwner]] = defaultdict(list)
    for owner in ProjectOwner.objects.filter(project__plan_version=version).select_related("unit"):
        owners[owner.project_id].append(owner)
    activity_totals: dict[int, tuple[int, Decimal | None]] = {
        project_id: (count, budget)
        for project_id, count, budget in Activity.objects.filter(**of)
        .values("project_id")
        .annotate(count=Count("pk"), budget=Sum("budget", filter=Q(parent=None)))
        .values_list("project_id", "count", "budget")
    }
    indicator_counts = dict(
        Indicator.objects.filter(**of, project__isnull=False)
        .values_list("project_id")
        .annotate(count=Count("pk"))
    )
    unassigned = []
    for project in Project.objects.filter(**of).select_related("lead_unit").order_by("code", "pk"):
        count, activity_budget = activity_totals.get(project.pk, (0, None))
        row = ProjectRow(
            project=project,
            owners=owners.get(project.pk, []),
            activity_count=count,
            activity_budget=activity_budget or ZERO,
            indicator_count=indicator_counts.get(project.pk, 0),
        )
        if project.strategy_id is None:
            unassigned.append(row)
        else:
            strategies[project.strategy_id].projects.append(row)
    for issue in issues.values():
        issue.goals.sort(key=lambda g: g.goal.number)
    ordered = sorted(issues.values(), key=lambda row: row.issue.number)
    return PlanOutline(
        version=version, missions=missions, issues=ordered, unassigned_projects=unassigned
    )


# Alignment ----------------------------------------------------------------------------------


@dataclass
class NodeSummary:
    node: FrameworkNode
    direct_budget: Decimal = ZERO
    budget: Decimal = ZERO  # with everything below the node
    project_ids: set[int] = field(default_factory=set)  # projects counted at the node itself
    subtree_project_ids: set[int] = field(default_factory=set)  # … at it or below it
    linked: bool = False  # some row of the plan links to the node or below it


@dataclass
class MatrixRow:
    label: str
    url: str
    is_project: bool
    budget: Decimal | None
    marks: dict[int, str]  # column node id -> "primary" / "secondary"


@dataclass
class AlignmentReport:
    framework: Framework
    columns: list[FrameworkNode]
    rows: list[MatrixRow]
    nodes: list[NodeSummary]
    unserved: list[FrameworkNode]
    unaligned_projects: list[Project]
    aligned_to_nothing: list[Project]
    total_budget: Decimal

    @property
    def aligned_budget(self) -> Decimal:
        return sum((n.direct_budget for n in self.nodes), ZERO)


def _column_of(node_path: str, columns: list[FrameworkNode]) -> int | None:
    for column in columns:
        if node_path.startswith(column.path):
            return column.pk
    return None


def alignment_report(
    version: PlanVersion, framework: Framework, *, depth: int = 0
) -> AlignmentReport:
    """The plan against one framework: matrix, budget per node, gaps both ways.

    A project's budget counts once per framework: at its primary link to that framework, or at
    its first link to it (in framework order) when none of them is marked primary. A node's
    budget includes everything below it. A node is unserved when nothing in the plan links to it
    or to a node below it.
    """
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("path"))
    summaries = {n.pk: NodeSummary(n) for n in nodes}
    by_path = sorted(nodes, key=lambda n: n.path)
    links = list(
        AlignmentLink.objects.filter(plan_version=version, node__framework=framework)
        .select_related("node")
        .order_by("node__path", "pk")
    )
    # A retired node is a column only while something in the plan still links to it or below.
    linked_paths = {link.node.path for link in links}
    column_depth = depth if any(n.depth == depth for n in by_path) else 0
    columns = [
        n
        for n in by_path
        if n.depth == column_depth
        and (not n.is_retired or any(p.startswith(n.path) for p in linked_paths))
    ]
    issues = list(StrategicIssue.objects.filter(plan_version=version).order_by("number"))
    goals = dict(Goal.objects.filter(plan_version=version).values_list("pk", "strategic_issue_id"))
    indicator_issue: dict[int, int | None] = {
        pk: goals.get(goal_id) if goal_id else None
        for pk, goal_id in Indicator.objects.filter(plan_version=version).values_list(
            "pk", "goal_id"
        )
    }
    projects = list(
        Project.objects.filter(plan_version=version)
        .select_related("strategy")
        .order_by("strategy__strategic_issue__number", "code", "pk")
    )
    any_links = set(
        AlignmentLink.objects.filter(plan_version=version, project__isnull=False).values_list(
            "project_id", flat=True
        )
    )

    project_links: dict[int, list[AlignmentLink]] = defaultdict(list)
    issue_marks: dict[int, dict[int, str]] = defaultdict(dict)
    for link in links:
        for ancestor_id in [*link.node.ancestor_ids(), link.node_id]:
            if ancestor_id in summaries:
                summaries[ancestor_id].linked = True
        if link.project_id:
            project_links[link.project_id].append(link)
        issue_id = link.strategic_issue_id or (goals.get(link.goal_id) if link.goal_id else None)
        if link.indicator_id:
            issue_id = indicator_issue.get(link.indicator_id)
        column = _column_of(link.node.path, columns)
        if issue_id and column:
            mark = "primary" if link.is_primary else "secondary"
            if issue_marks[issue_id].get(column) != "primary":
                issue_marks[issue_id][column] = mark

    rows: list[MatrixRow] = []
    project_rows: dict[int | None, list[MatrixRow]] = defaultdict(list)
    for project in projects:
        marks: dict[int, str] = {}
        project_node_links = project_links.get(project.pk, [])
        for link in project_node_links:
            column = _column_of(link.node.path, columns)
            if column and marks.get(column) != "primary":
                marks[column] = "primary" if link.is_primary else "secondary"
        if project_node_links:
            counted = next(
                (lk for lk in project_node_links if lk.is_primary), project_node_links[0]
            )
            summary = summaries[counted.node_id]
            summary.direct_budget += project.budget
            summary.project_ids.add(project.pk)
            for ancestor_id in [*counted.node.ancestor_ids(), counted.node_id]:
                if ancestor_id in summaries:
                    summaries[ancestor_id].budget += project.budget
                    summaries[ancestor_id].subtree_project_ids.add(project.pk)
        issue_id = project.strategy.strategic_issue_id if project.strategy else None
        project_rows[issue_id].append(
            MatrixRow(str(project), project.get_absolute_url(), True, project.budget, marks)
        )
        for column, mark in marks.items():
            if issue_id and issue_marks[issue_id].get(column) != "primary":
                issue_marks[issue_id][column] = mark if mark == "primary" else "secondary"
    for issue in issues:
        rows.append(
            MatrixRow(str(issue), issue.get_absolute_url(), False, None, issue_marks[issue.pk])
        )
        rows.extend(project_rows.get(issue.pk, []))
    rows.extend(project_rows.get(None, []))
    return AlignmentReport(
        framework=framework,
        columns=columns,
        rows=rows,
        nodes=[summaries[n.pk] for n in by_path],
        unserved=[n for n in by_path if not summaries[n.pk].linked and not n.is_retired],
        unaligned_projects=[p for p in projects if p.pk not in project_links],
        aligned_to_nothing=[p for p in projects if p.pk not in any_links],
        total_budget=sum((p.budget for p in projects), ZERO),
    )


def frameworks_for(user: AnyUser) -> QuerySet[Framework]:
    return Framework.objects.restrict(user, Action.VIEW).order_by("level", "kind", "-year_start")


# Gap analysis -------------------------------------------------------------------------------

LatestValues = Callable[[list[Indicator]], dict[int, tuple[Decimal, str]]]
_latest_values: LatestValues | None = None


def register_latest_values(provider: LatestValues) -> None:
    """Monitoring tells the gap analysis the latest measured value of indicators (by pk)."""
    global _latest_values
    _latest_values = provider


def format_value(value: Decimal | None) -> str:
    """An indicator value without trailing zeros, with thousands separators ("1,234.5")."""
    if value is None:
        return ""
    return f"{value.normalize():,f}"


@dataclass
class IndicatorGap:
    indicator: Indicator
    baseline: Decimal | None
    target: Decimal
    latest: Decimal | None
    latest_source: str
    gap: Decimal | None  # how far the latest value still is from the target (0 when met)
    met: bool | None

    @property
    def direction_text(self) -> str:
        if self.gap is None:
            return _("ยังไม่มีข้อมูลสภาพปัจจุบัน")
        if self.met:
            return _("บรรลุค่าเป้าหมายแล้ว")
        if self.indicator.direction == Indicator.Direction.HIGHER:
            return _("ต้องเพิ่มขึ้นอีก")
        return _("ต้องลดลงอีก")

    @property
    def baseline_text(self) -> str:
        return format_value(self.baseline)

    @property
    def target_text(self) -> str:
        return format_value(self.target)

    @property
    def latest_text(self) -> str:
        return format_value(self.latest)

    @property
    def gap_text(self) -> str:
        """The gap in words: "ต้องเพิ่มขึ้นอีก 12.5 ร้อยละ", "บรรลุค่าเป้าหมายแล้ว"…"""
        if self.gap is None or self.met:
            return self.direction_text
        unit = self.indicator.unit_of_measure
        return f"{self.direction_text} {format_value(self.gap)} {unit}".strip()


@dataclass
class IssueGapSummary:
    issue: StrategicIssue
    gaps: list[IndicatorGap]

    @property
    def indicator_count(self) -> int:
        return len(self.gaps)

    @property
    def met_count(self) -> int:
        return sum(1 for gap in self.gaps if gap.met)

    @property
    def unknown_count(self) -> int:
        return sum(1 for gap in self.gaps if gap.met is None)

    @property
    def open_count(self) -> int:
        """Indicators with a known current state that still falls short of the target."""
        return sum(1 for gap in self.gaps if gap.met is False)


def indicator_gap(indicator: Indicator, latest: tuple[Decimal, str] | None) -> IndicatorGap:
    """Current state (the latest result, else the baseline) against the annual target."""
    value, source = latest if latest else (indicator.baseline_value, _("ค่าฐาน"))
    if value is None:
        return IndicatorGap(
            indicator, indicator.baseline_value, indicator.target_value, None, "", None, None
        )
    if indicator.direction == Indicator.Direction.HIGHER:
        shortfall = indicator.target_value - value
    else:
        shortfall = value - indicator.target_value
    met = shortfall <= 0
    return IndicatorGap(
        indicator=indicator,
        baseline=indicator.baseline_value,
        target=indicator.target_value,
        latest=value,
        latest_source=source,
        gap=ZERO if met else shortfall,
        met=met,
    )


def gap_analysis(version: PlanVersion) -> list[IssueGapSummary]:
    """Per strategic issue, every goal indicator's baseline, target, latest value and gap."""
    indicators = list(
        Indicator.objects.filter(plan_version=version, goal__isnull=False)
        .select_related("goal__strategic_issue")
        .order_by("goal__strategic_issue__number", "goal__number", "number", "pk")
    )
    latest = _latest_values(indicators) if _latest_values else {}
    by_issue: dict[int, IssueGapSummary] = {}
    for issue in StrategicIssue.objects.filter(plan_version=version).order_by("number"):
        by_issue[issue.pk] = IssueGapSummary(issue, [])
    for indicator in indicators:
        issue_id = indicator.goal.strategic_issue_id  # type: ignore[union-attr]
        by_issue[issue_id].gaps.append(indicator_gap(indicator, latest.get(indicator.pk)))
    return list(by_issue.values())


# The activity calendar ----------------------------------------------------------------------


@dataclass
class CalendarRow:
    activity: Activity
    project: Project
    issue: StrategicIssue | None
    months: list[bool]  # one per fiscal month, October first
    starts_before: bool = False  # a multi-year activity began before this fiscal year
    ends_after: bool = False  # … and goes on after it

    @property
    def first(self) -> int:
        return self.months.index(True) if True in self.months else 0

    @property
    def span(self) -> int:
        return sum(self.months)


@dataclass
class Calendar:
    fiscal_year: FiscalPeriod
    months: list[FiscalMonth]
    rows: list[CalendarRow]


def activity_calendar(activities: QuerySet[Activity], fiscal_year: FiscalPeriod) -> Calendar:
    """Activities as bars over the fiscal year's twelve months (clipped to the year)."""
    months = list(fiscal_year.months())
    rows = []
    queryset = activities.select_related(
        "project__lead_unit", "project__strategy__strategic_issue", "responsible_unit"
    ).order_by("project__code", "project_id", "number", "pk")
    for activity in queryset:
        flags = [
            activity.start_month <= month.end and activity.end_month >= month.start
            for month in months
        ]
        strategy = activity.project.strategy
        rows.append(
            CalendarRow(
                activity=activity,
                project=activity.project,
                issue=strategy.strategic_issue if strategy else None,
                months=flags,
                starts_before=activity.start_month < fiscal_year.start,
                ends_after=activity.end_month > fiscal_year.end,
            )
        )
    return Calendar(fiscal_year=fiscal_year, months=months, rows=rows)


# A unit's work ------------------------------------------------------------------------------


@dataclass
class UnitWork:
    unit: OrgUnit
    led: list[Project]
    co_owned: list[tuple[Project, ProjectOwner]]
    supported: list[tuple[Project, ProjectOwner]]


def unit_work(user: AnyUser, unit: OrgUnit, version_ids: Iterable[int]) -> UnitWork:
    """The projects ``unit`` leads, co-owns and supports in the given plan versions."""
    visible = Project.objects.restrict(user, Action.VIEW).filter(
        plan_version_id__in=list(version_ids)
    )
    led = list(
        visible.filter(lead_unit=unit)
        .select_related("plan_version__plan__unit", "strategy")
        .order_by("plan_unit_path", "code", "pk")
    )
    roles = (
        ProjectOwner.objects.filter(unit=unit, project__in=visible)
        .select_related("project__plan_version__plan__unit", "project__lead_unit")
        .order_by("project__plan_unit_path", "project__code", "project_id")
    )
    co_owned = [(r.project, r) for r in roles if r.role == ProjectOwner.OwnerRole.CO_OWNER]
    supported = [(r.project, r) for r in roles if r.role == ProjectOwner.OwnerRole.SUPPORTER]
    return UnitWork(unit=unit, led=led, co_owned=co_owned, supported=supported)


# iCalendar ----------------------------------------------------------------------------------


def _ical_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11; a CR (alone or before LF) is a line break too."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after one space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return [line]
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def _month_end(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def ical_feed(activities: Iterable[Activity], *, name: str, host: str) -> str:
    """An iCalendar (RFC 5545) text of activities as all-day events over their months."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//phaen//plan calendar//TH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_text(name)}",
        "X-WR-TIMEZONE:Asia/Bangkok",
    ]
    for activity in activities:
        end = _month_end(activity.end_month) + timedelta(days=1)  # DTEND is exclusive
        project = activity.project
        description = f"{_('โครงการ')}: {project}"
        if project.lead_unit_id:
            description += f"\n{_('เจ้าภาพหลัก')}: {project.lead_unit}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.lineage}@{host}",
            f"DTSTAMP:{activity.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{activity.start_month:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_ical_text(activity.name)}",
            f"DESCRIPTION:{_ical_text(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
