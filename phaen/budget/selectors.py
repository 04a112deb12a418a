"""Reads of the budget: figures to date, rates against the spending plan and the cabinet's
targets, a unit's overview from the running sums, a project's money, efficiency.

Wide views (a unit with everything below it) read the running sums: a fixed handful of small
queries whatever the number of projects and disbursements. Narrow views (one project, one
work group's allocations) read the base tables directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest, TruncMonth
from django.utils.translation import gettext_lazy as _

from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetPolicy,
    BudgetRollup,
    Commitment,
    Disbursement,
    DisbursementTarget,
    ExpenseCategory,
    FundSource,
    SpendingPlanLine,
)
from phaen.budget.services import paid_on, policy_for
from phaen.core.access import Action, covering_paths
from phaen.plans.models import ActionPlan, FiscalYear, Indicator, Project, StrategicIssue
from phaen.plans.selectors import current_version_ids
from phaen.thai.calendar import FiscalQuarter
from phaen.thai.calendar import FiscalYear as FiscalPeriod

if TYPE_CHECKING:
    from phaen.orgs.models import OrgUnit

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
PERCENT = Decimal("0.01")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with two places; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * HUNDRED).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """Money to date: allocated (after transfers), planned, owed by open commitments, disbursed."""

    original: Decimal = ZERO
    allocated: Decimal = ZERO
    planned: Decimal = ZERO
    owed: Decimal = ZERO
    disbursed: Decimal = ZERO

    def __iadd__(self, other: Figures) -> Figures:
        self.original += other.original
        self.allocated += other.allocated
        self.planned += other.planned
        self.owed += other.owed
        self.disbursed += other.disbursed
        return self

    @property
    def used(self) -> Decimal:
        """ใช้จ่าย = เบิกจ่าย + ก่อหนี้ผูกพันที่ยังไม่เบิกจ่าย."""
        return self.disbursed + self.owed

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used

    @property
    def transferred(self) -> Decimal:
        return self.allocated - self.original

    @property
    def disbursement_rate(self) -> Decimal | None:
        return percent(self.disbursed, self.allocated)

    @property
    def usage_rate(self) -> Decimal | None:
        return percent(self.used, self.allocated)

    @property
    def planned_rate(self) -> Decimal | None:
        return percent(self.planned, self.allocated)


class Status:
    ON_TRACK = "on_track"
    BEHIND = "behind"
    FAR_BEHIND = "far_behind"
    NO_TARGET = "no_target"

    LABELS: dict[str, Any] = {
        ON_TRACK: _("ตามเป้าหมาย"),
        BEHIND: _("ล่าช้า"),
        FAR_BEHIND: _("ล่าช้ามาก"),
        NO_TARGET: _("ไม่มีเป้าหมาย"),
    }


@dataclass(frozen=True)
class Assessment:
    """A disbursement rate against a target (the cabinet's, or the unit's own spending plan)."""

    rate: Decimal | None
    target: Decimal | None
    status: str

    @property
    def variance(self) -> Decimal | None:
        if self.rate is None or self.target is None:
            return None
        return self.rate - self.target

    @property
    def label(self) -> Any:
        return Status.LABELS[self.status]


def assess(rate: Decimal | None, target: Decimal | None, policy: BudgetPolicy) -> Assessment:
    """On track when the rate is at most ``behind_points`` below the target, behind up to
    ``far_behind_points`` below it, far behind beyond (the unit's policy sets both)."""
    if target is None or rate is None:
        return Assessment(rate, target, Status.NO_TARGET)
    shortfall = target - rate
    if shortfall <= policy.behind_points:
        status = Status.ON_TRACK
    elif shortfall <= policy.far_behind_points:
        status = Status.BEHIND
    else:
        status = Status.FAR_BEHIND
    return Assessment(rate, target, status)


def cabinet_targets(fiscal_year: FiscalYear) -> dict[tuple[str, str], Decimal]:
    """(period, scope) → cumulative target percent of a fiscal year."""
    return {
        (t.period, t.scope): t.percent
        for t in DisbursementTarget.objects.filter(fiscal_year=fiscal_year.year)
    }


def target_for(targets: dict[tuple[str, str], Decimal], quarter: int, scope: str) -> Decimal | None:
    """The quarter's target, or the one of its last month when only months were set."""
    value = targets.get((f"Q{quarter}", scope))
    if value is None:
        value = targets.get((f"M{quarter * 3:02d}", scope))
    return value


@dataclass
class QuarterPoint:
    quarter: FiscalQuarter
    figures: Figures  # cumulative to the end of the quarter
    target: Decimal | None  # the cabinet's overall target, cumulative percent


@dataclass
class Overview:
    """A unit (and everything below it) in one fiscal year, as of the end of a quarter."""

    unit: OrgUnit
    fiscal_year: FiscalYear
    as_of: FiscalQuarter
    total: Figures
    by_class: dict[str, Figures]
    by_fund: list[tuple[FundSource, Figures]]
    by_category: list[tuple[ExpenseCategory, Figures]]
    quarters: list[QuarterPoint]
    cabinet: dict[str, Assessment]  # overall / current / capital against the cabinet's target
    against_plan: Assessment
    policy: BudgetPolicy


def _sum_rows(
    envelopes: Iterable[BudgetRollup], months: Iterable[BudgetMonthRollup], until: date
) -> dict[tuple[int, int, str], Figures]:
    """Figures per (fund source, category, economic class) to the end of ``until``'s month."""
    figures: dict[tuple[int, int, str], Figures] = defaultdict(Figures)
    for row in envelopes:
        key = (row.fund_source_id, row.category_id, row.economic_class)
        figures[key].original += row.original
        figures[key].allocated += row.allocated
    for month in months:
        if month.month > until:
            continue
        key = (month.fund_source_id, month.category_id, month.economic_class)
        figures[key].planned += month.planned
        figures[key].owed += month.owed
        figures[key].disbursed += month.disbursed
    return figures


def unit_overview(
    unit: OrgUnit, fiscal_year: FiscalYear, as_of: FiscalQuarter | None = None
) -> Overview:
    """The budget of ``unit`` and every unit below it, from the running sums (6 queries)."""
    period = FiscalPeriod(fiscal_year.year)
    if as_of is None:
        as_of = period.quarter(4)
    envelopes = list(BudgetRollup.objects.filter(fiscal_year=fiscal_year, unit=unit))
    months = list(BudgetMonthRollup.objects.filter(fiscal_year=fiscal_year, unit=unit))
    funds = {f.pk: f for f in FundSource.objects.all()}
    categories = {c.pk: c for c in ExpenseCategory.objects.filter(parent=None)}
    targets = cabinet_targets(fiscal_year)
    policy = policy_for(unit)

    by_key = _sum_rows(envelopes, months, as_of.end)
    total = Figures()
    by_class: dict[str, Figures] = defaultdict(Figures)
    by_fund: dict[int, Figures] = defaultdict(Figures)
    by_category: dict[int, Figures] = defaultdict(Figures)
    for (fund_id, category_id, economic_class), figures in by_key.items():
        total += figures
        by_class[economic_class] += figures
        by_fund[fund_id] += figures
        by_category[category_id] += figures

    points = []
    for quarter in period.quarters():
        cumulative = Figures()
        for figures in _sum_rows(envelopes, months, quarter.end).values():
            cumulative += figures
        points.append(
            QuarterPoint(quarter, cumulative, target_for(targets, quarter.number, "overall"))
        )

    # Against the unit's own spending plan only when it has one for the year.
    has_plan = bool(points[-1].figures.planned) if points else False
    cabinet = {
        scope: assess(
            (total if scope == "overall" else by_class.get(scope, Figures())).disbursement_rate,
            target_for(targets, as_of.number, scope),
            policy,
        )
        for scope in ("overall", "current", "capital")
    }
    return Overview(
        unit=unit,
        fiscal_year=fiscal_year,
        as_of=as_of,
        total=total,
        by_class=dict(by_class),
        by_fund=sorted(((funds[k], v) for k, v in by_fund.items()), key=lambda p: p[0].order),
        by_category=sorted(
            ((categories[k], v) for k, v in by_category.items()), key=lambda p: p[0].order
        ),
        quarters=points,
        cabinet=cabinet,
        against_plan=assess(
            total.disbursement_rate, total.planned_rate if has_plan else None, policy
        ),
        policy=policy,
    )


def child_units_overview(
    unit: OrgUnit, fiscal_year: FiscalYear, children: Sequence[OrgUnit], as_of: FiscalQuarter
) -> list[tuple[OrgUnit, Figures]]:
    """One row per child unit (work groups, agencies), from the running sums (2 queries)."""
    ids = [child.pk for child in children]
    envelopes = (
        BudgetRollup.objects.filter(fiscal_year=fiscal_year, unit_id__in=ids)
        .values_list("unit_id")
        .annotate(original=Sum("original"), allocated=Sum("allocated"))
        .order_by()
    )
    months = (
        BudgetMonthRollup.objects.filter(
            fiscal_year=fiscal_year, unit_id__in=ids, month__lte=as_of.end
        )
        .values_list("unit_id")
        .annotate(planned=Sum("planned"), owed=Sum("owed"), disbursed=Sum("disbursed"))
        .order_by()
    )
    figures: dict[int, Figures] = defaultdict(Figures)
    # Summed by the database: a province's children are hundreds of units × funds × months.
    for unit_id, original, allocated in envelopes:
        figures[unit_id].original += original
        figures[unit_id].allocated += allocated
    for unit_id, planned, owed, disbursed in months:
        figures[unit_id].planned += planned
        figures[unit_id].owed += owed
        figures[unit_id].disbursed += disbursed
    return [(child, figures[child.pk]) for child in children if child.pk in figures]


def child_policies(policy: BudgetPolicy, children: Sequence[OrgUnit]) -> dict[int, BudgetPolicy]:
    """The policy of each child unit: its own, else ``policy`` (the parent's) (1 query)."""
    own = {p.unit_id: p for p in BudgetPolicy.objects.filter(unit__in=[c.pk for c in children])}
    return {child.pk: own.get(child.pk, policy) for child in children}


# Allocations read from the base tables (one unit's, one project's) --------------------------


def allocation_figures(
    allocations: QuerySet[Allocation], until: date | None = None
) -> dict[int, Figures]:
    """Figures of each allocation's branch (itself and below), in four queries.

    ``allocated`` is the allocation's own amount; planned is its own spending plan; owed and
    disbursed include everything recorded below it.
    """
    rows = list(allocations.values("pk", "tree_path", "original_amount", "amount"))
    result = {
        row["pk"]: Figures(original=row["original_amount"], allocated=row["amount"]) for row in rows
    }
    if not rows:
        return result
    paths = sorted((row["tree_path"], row["pk"]) for row in rows)
    # Only the outermost paths: a branch inside another adds nothing, and one clause per row
    # would overflow SQLite's expression depth (1000) on a page of a thousand allocations.
    branch = Q()
    for path in covering_paths(path for path, _pk in paths):
        branch |= Q(allocation__tree_path__startswith=path)

    def owners(tree_path: str) -> list[int]:
        return [pk for path, pk in paths if tree_path.startswith(path)]

    plan = SpendingPlanLine.objects.filter(allocation_id__in=result)
    disbursements = Disbursement.objects.filter(branch)
    commitments = paid_on(Commitment.objects.filter(branch, status=Commitment.Status.OPEN))
    if until is not None:
        plan = plan.filter(month__lte=until)
        disbursements = disbursements.filter(date__lte=until)
        commitments = commitments.filter(date__lte=until)
    for allocation_id, total in plan.values_list("allocation_id").annotate(total=Sum("amount")):
        result[allocation_id].planned += total
    for tree_path, total in disbursements.values_list("allocation__tree_path").annotate(
        total=Sum("amount")
    ):
        for owner in owners(tree_path):
            result[owner].disbursed += total
    for commitment in commitments.select_related("allocation"):
        owed = max(commitment.amount - commitment.paid, ZERO)  # type: ignore[attr-defined]
        for owner in owners(commitment.allocation.tree_path):
            result[owner].owed += owed
    return result


@dataclass
class ProjectMoney:
    """A project's money across its allocations (by its lineage, so plan revisions keep it)."""

    project: Project
    allocations: list[Allocation]
    figures: Figures
    by_allocation: dict[int, Figures]
    commitments: list[Commitment]
    disbursements: list[Disbursement]
    months: list[tuple[date, Decimal, Decimal]]  # month, planned, disbursed


def project_money(project: Project, fiscal_year: FiscalYear) -> ProjectMoney:
    allocations = list(
        Allocation.objects.filter(fiscal_year=fiscal_year, project_lineage=project.lineage)
        .select_related("fund_source", "category", "activity", "unit")
        .order_by("tree_path")
    )
    ids = {a.pk for a in allocations}
    # The project's own money: allocations whose parent is not one of the project's (sums of
    # the others are already inside them).
    top_ids = {a.pk for a in allocations if a.parent_id not in ids}
    figures_by = allocation_figures(Allocation.objects.filter(pk__in=[a.pk for a in allocations]))
    total = Figures()
    for allocation in allocations:
        if allocation.pk in top_ids:
            total += figures_by[allocation.pk]
    commitments = list(
        paid_on(Commitment.objects.filter(allocation_id__in=ids))
        .select_related("allocation")
        .order_by("-date", "-pk")
    )
    disbursements = list(
        Disbursement.objects.filter(allocation_id__in=ids)
        .select_related("commitment")
        .order_by("-date", "-pk")
    )
    planned = dict(
        SpendingPlanLine.objects.filter(allocation_id__in=top_ids)
        .values_list("month")
        .annotate(total=Sum("amount"))
    )
    paid_by_month: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for disbursement in disbursements:
        paid_by_month[disbursement.date.replace(day=1)] += disbursement.amount
    months = [
        (month.start, planned.get(month.start, ZERO), paid_by_month.get(month.start, ZERO))
        for month in FiscalPeriod(fiscal_year.year).months()
    ]
    return ProjectMoney(project, allocations, total, figures_by, commitments, disbursements, months)


# Efficiency ---------------------------------------------------------------------------------


@dataclass
class ProjectFigures:
    """A project's money (all its allocations, by lineage) to a date, and its year's plan."""

    figures: Figures
    plan_total: Decimal = ZERO  # the whole year's spending plan of the project's allocations


def project_figures(
    fiscal_year: FiscalYear,
    until: date,
    *,
    unit: OrgUnit | None = None,
    lineages: Iterable[Any] | None = None,
) -> dict[Any, ProjectFigures]:
    """Money of projects by lineage: the projects allocated under ``unit``, or those of
    ``lineages`` (4 queries whatever the number of projects).

    Allocated is the sum of each project's top project allocations (a project's allocation
    nested in another of the same project counts once); planned is their spending plan to
    ``until``; disbursed and owed include everything recorded on the project's allocations
    (its activities' too) dated up to ``until``.
    """
    allocations = Allocation.objects.filter(
        fiscal_year=fiscal_year, level=Allocation.Level.PROJECT
    ).exclude(parent__project_lineage=F("project_lineage"))
    disbursements = Disbursement.objects.filter(
        allocation__fiscal_year=fiscal_year, allocation__project_lineage__isnull=False
    )
    commitments = Commitment.objects.filter(
        allocation__fiscal_year=fiscal_year,
        allocation__project_lineage__isnull=False,
        status=Commitment.Status.OPEN,
    )
    if unit is not None:
        allocations = allocations.filter(unit_path__startswith=unit.path)
        disbursements = disbursements.filter(unit_path__startswith=unit.path)
        commitments = commitments.filter(unit_path__startswith=unit.path)
    if lineages is not None:
        wanted = list(lineages)
        allocations = allocations.filter(project_lineage__in=wanted)
        disbursements = disbursements.filter(allocation__project_lineage__in=wanted)
        commitments = commitments.filter(allocation__project_lineage__in=wanted)
    result: dict[Any, ProjectFigures] = {}
    for lineage, original, amount in (
        allocations.values_list("project_lineage")
        .annotate(original=Sum("original_amount"), amount=Sum("amount"))
        .order_by()
    ):
        result[lineage] = ProjectFigures(Figures(original=original, allocated=amount))
    lines = (
        SpendingPlanLine.objects.filter(allocation__in=allocations)
        .values_list("allocation__project_lineage")
        .annotate(
            to_date=Sum(Case(When(month__lte=until, then=F("amount")), default=Value(ZERO))),
            year=Sum("amount"),
        )
        .order_by()
    )
    for lineage, to_date, year in lines:
        money = result.setdefault(lineage, ProjectFigures(Figures()))
        money.figures.planned += to_date
        money.plan_total += year
    for lineage, total in (
        disbursements.filter(date__lte=until)
        .values_list("allocation__project_lineage")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        result.setdefault(lineage, ProjectFigures(Figures())).figures.disbursed += total
    for lineage, owed in (
        paid_on(commitments.filter(date__lte=until))
        .values_list("allocation__project_lineage")
        .annotate(owed=Sum(Greatest(F("amount") - F("paid"), Value(ZERO))))
        .order_by()
    ):
        result.setdefault(lineage, ProjectFigures(Figures())).figures.owed += owed
    return result


#: Units of measure of indicators that are rates, not outputs one can cost per unit.
PERCENT_UNITS = frozenset({"ร้อยละ", "%", "เปอร์เซ็นต์", "percent"})


@dataclass
class OutputCost:
    indicator: Indicator
    quantity: Decimal | None
    cost_per_unit: Decimal | None


@dataclass
class ProjectEfficiency:
    project: Project
    figures: Figures
    plan_gap: Decimal  # planned to date − disbursed to date (positive: behind the plan)
    outputs: list[OutputCost] = field(default_factory=list)
    plan_total: Decimal = ZERO  # the year's spending plan (zero: the project has none)

    @property
    def plan_gap_rate(self) -> Decimal | None:
        return percent(self.plan_gap, self.figures.allocated)

    @property
    def has_plan(self) -> bool:
        return bool(self.plan_total)

    def against_plan(self, policy: BudgetPolicy) -> Assessment:
        """The disbursement rate against the project's own plan to date."""
        target = self.figures.planned_rate if self.has_plan else None
        return assess(self.figures.disbursement_rate, target, policy)


def projects_efficiency(
    projects: Sequence[Project],
    fiscal_year: FiscalYear,
    until: date,
    *,
    money: dict[Any, ProjectFigures] | None = None,
) -> list[ProjectEfficiency]:
    """Budget, used, disbursed and cost per unit of output of each project (5 queries; 1 when
    ``money`` was already read with ``project_figures`` for a whole unit).

    The outputs are the project's quantity indicators counted in things (people, schools,
    times), not in percent; the quantity is the indicator's target until monitoring supplies
    measured results.
    """
    if money is None:
        money = project_figures(fiscal_year, until, lineages={p.lineage for p in projects})
    outputs: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(
        project__in=[p.pk for p in projects], kind=Indicator.Kind.QUANTITY
    ).order_by("project_id", "number", "pk"):
        if indicator.unit_of_measure.strip() not in PERCENT_UNITS:
            outputs[indicator.project_id].append(indicator)  # type: ignore[index]
    result = []
    for project in projects:
        found = money.get(project.lineage)
        figures = found.figures if found is not None else Figures()
        costs = [
            OutputCost(
                indicator,
                indicator.target_value,
                (figures.used / indicator.target_value).quantize(PERCENT, rounding=ROUND_HALF_UP)
                if indicator.target_value
                else None,
            )
            for indicator in outputs.get(project.pk, [])
        ]
        result.append(
            ProjectEfficiency(
                project,
                figures,
                figures.planned - figures.disbursed,
                costs,
                found.plan_total if found is not None else ZERO,
            )
        )
    return result


def behind_plan(efficiency: Iterable[ProjectEfficiency]) -> list[ProjectEfficiency]:
    """Projects whose disbursements trail their own spending plan, furthest behind first."""
    late = [row for row in efficiency if row.plan_gap > 0]
    return sorted(
        late, key=lambda row: (-row.plan_gap, -(row.plan_gap_rate or ZERO), row.project.pk)
    )


@dataclass
class IssueShare:
    """The part of a unit's budget that reaches one strategic issue (through its projects)."""

    label: str
    issue: StrategicIssue | None
    figures: Figures
    project_count: int
    share: Decimal | None = None  # % of the unit's budget after transfers
    kind: str = "issue"  # issue / unlinked (projects without an issue) / unallocated / hidden


def budget_by_issue(
    unit: OrgUnit,
    fiscal_year: FiscalYear,
    money: dict[Any, ProjectFigures],
    total: Figures,
    *,
    user: Any,
) -> list[IssueShare]:
    """The unit's budget by the strategic issue of each project in the current version of its
    plan (3 queries): one row per issue, projects linked to no issue, and money not allocated
    to any project; the shares add up to the unit's budget. Issues of plans the user may not
    read are summed in one row."""
    plans = ActionPlan.objects.filter(fiscal_year=fiscal_year)
    issue_of: dict[Any, int | None] = dict(
        Project.objects.filter(
            plan_version_id__in=current_version_ids(plans),
            lineage__in=Allocation.objects.filter(
                fiscal_year=fiscal_year,
                unit_path__startswith=unit.path,
                project_lineage__isnull=False,
            ).values("project_lineage"),
        ).values_list("lineage", "strategy__strategic_issue_id")
    )
    by_issue: dict[int | None, Figures] = defaultdict(Figures)
    counts: dict[int | None, int] = defaultdict(int)
    for lineage, project_money in money.items():
        issue_id = issue_of.get(lineage)
        by_issue[issue_id] += project_money.figures
        counts[issue_id] += 1
    issues = {
        issue.pk: issue
        for issue in StrategicIssue.objects.restrict(user, Action.VIEW)
        .filter(pk__in=[pk for pk in by_issue if pk is not None])
        .select_related("plan_version__plan__unit")
    }
    rows = [
        IssueShare(str(issue), issue, by_issue[pk], counts[pk])
        for pk, issue in sorted(
            issues.items(),
            key=lambda item: (item[1].plan_version.plan.unit.path, item[1].number, item[0]),
        )
    ]
    hidden = [pk for pk in by_issue if pk is not None and pk not in issues]
    if hidden:
        figures = Figures()
        for pk in hidden:
            figures += by_issue[pk]
        rows.append(
            IssueShare(
                str(_("ประเด็นยุทธศาสตร์ในแผนที่คุณไม่มีสิทธิ์ดู")),
                None,
                figures,
                sum(counts[pk] for pk in hidden),
                kind="hidden",
            )
        )
    if None in by_issue:
        rows.append(
            IssueShare(
                str(_("โครงการที่ไม่เชื่อมโยงกับประเด็นยุทธศาสตร์")),
                None,
                by_issue[None],
                counts[None],
                kind="unlinked",
            )
        )
    in_projects = sum((m.figures.allocated for m in money.values()), ZERO)
    if total.allocated - in_projects:
        rows.append(
            IssueShare(
                str(_("ยังไม่ได้จัดสรรให้โครงการ")),
                None,
                Figures(allocated=total.allocated - in_projects),
                0,
                kind="unallocated",
            )
        )
    for row in rows:
        row.share = percent(row.figures.allocated, total.allocated)
    return rows


# The Budget Bureau's spending plan and result (สงป. 301) ------------------------------------


@dataclass
class CategoryMonths:
    """A row of a unit's spending plan and result by category: a งบรายจ่าย (its total, level 0)
    or one of its รายการ (level 1), with money per month (the first day of each month)."""

    label: str
    level: int
    category: ExpenseCategory
    original: Decimal = ZERO
    allocated: Decimal = ZERO
    planned: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    disbursed: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    owed: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    @property
    def is_empty(self) -> bool:
        return not (
            self.original
            or self.allocated
            or any(self.planned.values())
            or any(self.disbursed.values())
            or any(self.owed.values())
        )

    def add(self, other: CategoryMonths) -> None:
        self.original += other.original
        self.allocated += other.allocated
        for mine, theirs in (
            (self.planned, other.planned),
            (self.disbursed, other.disbursed),
            (self.owed, other.owed),
        ):
            for month, amount in theirs.items():
                mine[month] += amount


def entry_allocations(unit: OrgUnit, fiscal_year: FiscalYear) -> QuerySet[Allocation]:
    """The allocations that bring money into ``unit``'s subtree (its budget, each baht once):
    envelopes in the subtree and allocations from outside it (the running sums count the same)."""
    in_subtree = Allocation.objects.filter(fiscal_year=fiscal_year, unit_path__startswith=unit.path)
    return in_subtree.filter(Q(parent=None) | ~Q(parent__unit_path__startswith=unit.path))


def unit_months_by_category(
    unit: OrgUnit, fiscal_year: FiscalYear, until: date
) -> list[CategoryMonths]:
    """A unit's budget, monthly spending plan, disbursements and what open commitments owe, by
    category (งบรายจ่าย, then its รายการ), from the base tables (5 queries).

    Budget and plan are those of the allocations entering the unit; disbursements and
    commitments are everything recorded below it up to ``until``, under the category of the
    allocation they were recorded on. Money recorded on a งบรายจ่าย itself while others of the
    same งบ name a รายการ shows in a row "ไม่แยกรายการ".
    """
    categories = {c.pk: c for c in ExpenseCategory.objects.all()}
    entries = entry_allocations(unit, fiscal_year)
    rows: dict[int, CategoryMonths] = {}

    def row(category_id: int) -> CategoryMonths:
        if category_id not in rows:
            category = categories[category_id]
            rows[category_id] = CategoryMonths(category.name, 1, category)
        return rows[category_id]

    for category_id, original, amount in (
        entries.values_list("category_id")
        .annotate(original=Sum("original_amount"), amount=Sum("amount"))
        .order_by()
    ):
        row(category_id).original += original
        row(category_id).allocated += amount
    for category_id, month, amount in (
        SpendingPlanLine.objects.filter(allocation__in=entries)
        .values_list("allocation__category_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        row(category_id).planned[month.replace(day=1)] += amount
    in_subtree = {
        "allocation__fiscal_year": fiscal_year,
        "unit_path__startswith": unit.path,
        "date__lte": until,
    }
    for category_id, month, amount in (
        Disbursement.objects.filter(**in_subtree)
        .annotate(month=TruncMonth("date"))
        .values_list("allocation__category_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        row(category_id).disbursed[month] += amount
    for category_id, month, owed in (
        paid_on(Commitment.objects.filter(status=Commitment.Status.OPEN, **in_subtree))
        .annotate(month=TruncMonth("date"))
        .values_list("allocation__category_id", "month")
        .annotate(owed=Sum(Greatest(F("amount") - F("paid"), Value(ZERO))))
        .order_by()
    ):
        row(category_id).owed[month] += owed

    rows = {pk: r for pk, r in rows.items() if not r.is_empty}
    result: list[CategoryMonths] = []
    tops = sorted(
        {categories[pk].parent_id or pk for pk in rows}, key=lambda pk: (categories[pk].order, pk)
    )
    for top_id in tops:
        top = categories[top_id]
        total = CategoryMonths(top.name, 0, top)
        items = sorted(
            (r for pk, r in rows.items() if categories[pk].parent_id == top_id),
            key=lambda r: (r.category.order, r.category.pk),
        )
        direct = rows.get(top_id)
        lines = list(items)
        if direct is not None:
            total.add(direct)
            if items:
                direct.label = str(_("ไม่แยกรายการ"))
                lines.insert(0, direct)
        for item in items:
            total.add(item)
        result.append(total)
        result.extend(lines)
    return result
