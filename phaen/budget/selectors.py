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

from django.db.models import Q, QuerySet, Sum
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
from phaen.plans.models import FiscalYear, Indicator, Project
from phaen.thai.calendar import FiscalQuarter
from phaen.thai.calendar import FiscalYear as FiscalPeriod

if TYPE_CHECKING:
    from phaen.orgs.models import OrgUnit

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
PERCENT = Decimal("0.01")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * HUNDRED).quantize(PERCENT, rounding=ROUND_HALF_UP)


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
        for t in DisbursementTarget.objects.filter(fiscal_year=fiscal_year)
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
        against_plan=assess(total.disbursement_rate, total.planned_rate, policy),
        policy=policy,
    )


def child_units_overview(
    unit: OrgUnit, fiscal_year: FiscalYear, children: Sequence[OrgUnit], as_of: FiscalQuarter
) -> list[tuple[OrgUnit, Figures]]:
    """One row per child unit (work groups, agencies), from the running sums (2 queries)."""
    ids = [child.pk for child in children]
    envelopes = BudgetRollup.objects.filter(fiscal_year=fiscal_year, unit_id__in=ids)
    months = BudgetMonthRollup.objects.filter(
        fiscal_year=fiscal_year, unit_id__in=ids, month__lte=as_of.end
    )
    figures: dict[int, Figures] = defaultdict(Figures)
    for row in envelopes:
        figures[row.unit_id].original += row.original
        figures[row.unit_id].allocated += row.allocated
    for month in months:
        figures[month.unit_id].planned += month.planned
        figures[month.unit_id].owed += month.owed
        figures[month.unit_id].disbursed += month.disbursed
    return [(child, figures[child.pk]) for child in children if child.pk in figures]


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
    branch = Q()
    for path, _pk in paths:
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

    @property
    def plan_gap_rate(self) -> Decimal | None:
        return percent(self.plan_gap, self.figures.allocated)


def projects_efficiency(
    projects: Sequence[Project], fiscal_year: FiscalYear, until: date
) -> list[ProjectEfficiency]:
    """Budget, used, disbursed and cost per unit of output of each project (fixed queries).

    The output quantity is the indicator's target; monitoring later supplies measured results.
    """
    by_lineage = {p.lineage: p for p in projects}
    allocations = Allocation.objects.filter(
        fiscal_year=fiscal_year,
        project_lineage__in=list(by_lineage),
        level=Allocation.Level.PROJECT,
    )
    lineage_of = dict(allocations.values_list("pk", "project_lineage"))
    figures_by = allocation_figures(allocations, until)
    per_project: dict[Any, Figures] = defaultdict(Figures)
    for allocation_id, figures in figures_by.items():
        per_project[lineage_of[allocation_id]] += figures
    outputs: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(project__in=projects, kind=Indicator.Kind.QUANTITY):
        outputs[indicator.project_id].append(indicator)  # type: ignore[index]
    result = []
    for project in projects:
        figures = per_project.get(project.lineage, Figures())
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
            ProjectEfficiency(project, figures, figures.planned - figures.disbursed, costs)
        )
    return result
