"""A province's FY2561 budget at scale, built with bulk inserts, for the budget benchmark.

    build_budget(peo=..., groups=..., areas=..., schools=..., size=BudgetSize())

On the org tree of ``benchmarks/tree.py`` it makes, for ศธจ.นครศรีธรรมราช and the units below it:

- the PEO's FY2561 action plan (one version, approved and published through the real services)
  with 6 strategic issues, 24 strategies and 50,000 projects led by its 8 work groups, its 5
  service areas and their ~590 schools, 1–3 activities each and one output indicator each
  (counted in people, so the efficiency page has a cost per unit);
- the allocations in the two streams of the issue, in the shape the services make: the PEO's
  own envelopes (fund "appropriation", งบดำเนินงาน / งบลงทุน / งบรายจ่ายอื่น) allocated to its work
  groups, and each service area's and school's envelopes (fund "agency"); every envelope or
  work-group allocation goes to projects (a รายการ of its งบ), and one project in four goes on to
  its activities. ``level``, ``root``, ``tree_path``, ``unit_path``, ``top_category``,
  ``economic_class`` and ``project_lineage`` are computed here exactly as
  ``phaen.budget.services.allocation_create`` sets them (ids given in Python, as
  ``benchmarks/tree.py`` does); children never add up to more than their parent;
- monthly spending plans of the envelopes, the work groups' allocations and the projects'
  allocations (months add up to the allocation, as ``spending_plan_set`` demands);
- ~50,000 commitments (closed, open part-paid, open unpaid, a few cancelled) and 500,000
  disbursements across the year on the leaf allocations (those not allocated further), part of
  them against commitments; on every allocation and every one above it, used (disbursed + what
  open commitments still owe) stays within the amount, as the services insist. One project of
  the first work group carries thousands of records (the project money page's worst case).

The running sums are then rebuilt from the base tables with ``phaen.budget.rollups.rebuild``,
the same function operators run after a bulk import. Everything is seeded: two runs build the
same budget.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from benchmarks.bulk import CENT, BulkBuilder, create_plan
from benchmarks.plan_data import ISSUE_TITLES, PROJECT_KINDS, PROJECT_TOPICS, fiscal_months
from phaen.budget.models import (
    Allocation,
    Commitment,
    Disbursement,
    ExpenseCategory,
    FundSource,
    SpendingPlanLine,
)
from phaen.core.trees import child_path, path_ids
from phaen.orgs.models import OrgUnit
from phaen.plans.models import (
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PlanVersion,
    Project,
    StrategicIssue,
    Strategy,
)

ZERO = Decimal("0.00")

ACTIVITY_NAMES = [
    "ประชุมเชิงปฏิบัติการ",
    "อบรมพัฒนาครู",
    "นิเทศ ติดตามในสถานศึกษา",
    "จัดซื้อวัสดุอุปกรณ์การเรียนการสอน",
    "จัดกิจกรรมสำหรับนักเรียน",
    "สรุปและรายงานผล",
]
COUNTERPARTS = [
    "ร้านรุ่งเรืองพาณิชย์",
    "บริษัท นครศรีการพิมพ์ จำกัด",
    "หจก. ทุ่งสงวัสดุภัณฑ์",
    "ร้านศึกษาภัณฑ์ปากพนัง",
    "บริษัท ใต้คอมพิวเตอร์ จำกัด",
    "สหกรณ์ออมทรัพย์ครู",
    "โรงแรมทวินโลตัส",
    "ร้านเจริญการค้า",
    "บริษัท ก่อสร้างเมืองคอน จำกัด",
    "หจก. สิชลเครื่องเขียน",
]
DESCRIPTIONS = ["", "", "", "ค่าอาหารและอาหารว่าง", "ค่าวัสดุ", "ค่าตอบแทนวิทยากร", "ค่าพาหนะ"]

# How a year's disbursements fall by month (October first): slow in the first quarter, a rush
# before the end of Q2 and at the end of the year, as in real offices.
MONTH_WEIGHTS = [5, 6, 8, 8, 10, 14, 8, 8, 9, 8, 8, 8]
# A 12-month spending plan: what the offices plan (a little ahead of what happens).
PLAN_WEIGHTS = [6, 7, 8, 8, 9, 12, 8, 8, 9, 8, 8, 9]

# Sub-items (รายการ) a project's allocation takes, by the งบ of the money it comes from.
ITEMS = {
    "operating": [
        ("operating-compensation", 15),
        ("operating-services", 45),
        ("operating-materials", 30),
        ("operating-utilities", 10),
    ],
    "investment": [("investment-equipment", 70), ("investment-construction", 30)],
    "subsidy": [("subsidy", 1)],
    "other-expense": [("other-expense", 1)],
}


@dataclass(frozen=True)
class BudgetSize:
    """How much the budget holds (the defaults: the issue's 50,000 projects, 500,000
    disbursement records)."""

    projects: int = 50_000
    disbursements: int = 500_000
    #: projects per work group and per service area (the schools share the rest)
    per_work_group: int = 300
    per_service_area: int = 400
    #: one project in ``activity_every`` is allocated further to its activities
    activity_every: int = 4
    #: disbursements and commitments of the one heavy project (the money page's worst case)
    heavy_disbursements: int = 5_000
    heavy_commitments: int = 300


@dataclass
class BuiltBudget:
    plan: ActionPlan
    version: PlanVersion
    fiscal_year: FiscalYear
    heavy_project: Project
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def split_money(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``total`` in ``parts`` uneven amounts of at least one satang that add up exactly."""
    parts = min(parts, int(total / CENT))
    if parts <= 0:
        return []
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = sum(weights)
    amounts = [
        max(CENT, (total * Decimal(w / scale)).quantize(CENT, rounding=ROUND_DOWN))
        for w in weights[:-1]
    ]
    rest = total - sum(amounts, ZERO)
    while rest < CENT:  # the floors of one satang took too much: take it back from the largest
        largest = max(range(len(amounts)), key=amounts.__getitem__)
        amounts[largest] -= CENT
        rest += CENT
    amounts.append(rest)
    return amounts


def weighted_split(total: Decimal, weights: Sequence[float]) -> list[Decimal]:
    """``total`` by ``weights`` to the satang (zero weights get nothing), the rest in the last
    weighted part: what a spending plan of fixed proportions looks like."""
    scale = sum(weights)
    amounts = [(total * Decimal(w / scale)).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    last = max(i for i, w in enumerate(weights) if w)
    amounts[last] += total - sum(amounts, ZERO)
    return amounts


class _Builder(BulkBuilder):
    def __init__(self, seed: int, size: BudgetSize, actor: Any) -> None:
        super().__init__(seed, batch_size=2000)
        self.size = size
        self.actor_id = actor.pk if actor is not None else None
        self.year_months: list[date] = []

    # Helpers -------------------------------------------------------------------------------

    def stamp(self) -> dict[str, Any]:
        return {"created_by_id": self.actor_id, "updated_by_id": self.actor_id}

    def day_in(self, month: date, *, earliest: date | None = None) -> date:
        last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        first = max(month, earliest) if earliest else month
        if first > last:
            return last
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def record_month(self, pace: float) -> date:
        """A month of the year for a record: late units' records lean to the later months."""
        weights = [w * (1 + (1 - pace) * i / 4) for i, w in enumerate(MONTH_WEIGHTS)]
        return self.rng.choices(self.year_months, weights=weights)[0]


def _lead_counts(size: BudgetSize, groups: int, areas: int, schools: int) -> list[int]:
    """Projects per lead unit: work groups, then service areas, then schools (the rest)."""
    fixed = [size.per_work_group] * groups + [size.per_service_area] * areas
    if sum(fixed) > size.projects:  # a small benchmark: spread evenly instead
        return _even(size.projects, groups + areas + schools)
    return fixed + _even(size.projects - sum(fixed), schools)


@transaction.atomic
def build_budget(
    *,
    peo: OrgUnit,
    groups: list[OrgUnit],
    areas: list[OrgUnit],
    schools: list[OrgUnit],
    year: int = 2561,
    size: BudgetSize | None = None,
    seed: int = 2561,
    planner: Any = None,
    director: Any = None,
) -> BuiltBudget:
    """The province's budget (see the module's docstring); ``schools`` are the service areas'."""
    from phaen.budget import rollups
    from phaen.plans.services import version_approve, version_publish

    size = size or BudgetSize()
    b = _Builder(seed, size, planner)
    rng = b.rng
    b.year_months = fiscal_months(year)
    fiscal_year, _created = FiscalYear.objects.get_or_create(year=year)

    # The plan: issues, strategies, projects, activities, one output indicator per project ----
    started = time.perf_counter()
    plan, version = create_plan(
        unit=peo,
        fiscal_year=fiscal_year,
        title=f"แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {year} {peo.name} (รวมหน่วยงานในจังหวัด)",
        actor=planner,
        vision="ผู้เรียนได้รับการศึกษาอย่างทั่วถึง มีคุณภาพ",
    )
    content = {"plan_version": version, **b.stamp()}
    issues = b.insert(
        StrategicIssue,
        [
            StrategicIssue(number=n, title=title, lineage=b.lineage(), **content)
            for n, title in enumerate(ISSUE_TITLES[:6], start=1)
        ],
    )
    strategies = b.insert(
        Strategy,
        [
            Strategy(
                strategic_issue=issue,
                number=n,
                title=f"กลยุทธ์ที่ {issue.number}.{n}",
                lineage=b.lineage(),
                **content,
            )
            for issue in issues
            for n in range(1, 5)
        ],
    )
    leads = groups + areas + schools
    counts = _lead_counts(size, len(groups), len(areas), len(schools))
    months = b.year_months
    projects: list[Project] = []
    for lead, count in zip(leads, counts, strict=True):
        if lead.kind == OrgUnit.Kind.WORK_GROUP:
            low, high, step = 50_000, 2_000_000, 1_000
        elif lead.kind == OrgUnit.Kind.SCHOOL:
            low, high, step = 5_000, 300_000, 500
        else:
            low, high, step = 20_000, 800_000, 1_000
        for _ in range(count):
            index = len(projects)
            first = rng.randrange(0, 9)
            last = rng.randrange(first + 2, 12)
            projects.append(
                Project(
                    strategy=None if index % 40 == 0 else strategies[index % len(strategies)],
                    code=f"{year % 100}-{index + 1:05d}",
                    name=f"{rng.choice(PROJECT_KINDS)}{rng.choice(PROJECT_TOPICS)}",
                    start_month=months[first],
                    end_month=months[last],
                    budget=b.money(low, high, step),
                    lead_unit=lead,
                    plan_unit_path=peo.path,
                    lead_unit_path=lead.path,
                    lineage=b.lineage(),
                    **content,
                )
            )
    # The heavy project (the first work group's first): big enough for thousands of records.
    heavy = projects[0]
    heavy.budget = Decimal("12000000.00")
    heavy.start_month, heavy.end_month = months[0], months[-1]
    projects = b.insert(Project, projects, batch_size=1000)

    activities: list[Activity] = []
    for project in projects:
        number = 3 if project is heavy else rng.choice((1, 2, 2, 3))
        first, last = months.index(project.start_month), months.index(project.end_month)
        budgets = split_money(project.budget, number, rng)
        for position, budget in enumerate(budgets, start=1):
            start = rng.randrange(first, last + 1)
            activities.append(
                Activity(
                    project=project,
                    number=position,
                    name=rng.choice(ACTIVITY_NAMES),
                    responsible_unit_id=project.lead_unit_id,
                    start_month=months[start],
                    end_month=months[rng.randrange(start, last + 1)],
                    budget=budget,
                    lineage=b.lineage(),
                    **content,
                )
            )
    activities = b.insert(Activity, activities, batch_size=2000)
    b.insert(
        Indicator,
        [
            Indicator(
                project=project,
                number=1,
                name="จำนวนนักเรียนและครูที่เข้าร่วมโครงการ",
                unit_of_measure="คน",
                target_value=Decimal(rng.randrange(20, 2000, 10)),
                lineage=b.lineage(),
                **content,
            )
            for project in projects
        ],
    )
    version = version_approve(actor=director, version=version, expected_version=None)
    version = version_publish(actor=planner, version=version, expected_version=None)
    b.timed("plan", started)

    # Allocations ----------------------------------------------------------------------------
    started = time.perf_counter()
    funds = {f.code: f for f in FundSource.objects.all()}
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    category_by_id = {c.pk: c for c in categories.values()}
    next_id = (Allocation.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    rows: dict[int, Allocation] = {}  # id -> allocation, parents before children
    children: dict[int, list[int]] = defaultdict(list)

    def allocation(
        *,
        unit: OrgUnit,
        fund: str,
        category: str,
        parent: Allocation | None = None,
        project: Project | None = None,
        activity: Activity | None = None,
        amount: Decimal = ZERO,
    ) -> Allocation:
        nonlocal next_id
        pk, next_id = next_id, next_id + 1
        item = categories[category]
        top = item if item.parent_id is None else category_by_id[item.parent_id]
        level = (
            Allocation.Level.ACTIVITY
            if activity is not None
            else Allocation.Level.PROJECT
            if project is not None
            else Allocation.Level.UNIT
        )
        tree_path = child_path(parent.tree_path if parent else None, pk)
        row = Allocation(
            id=pk,
            fiscal_year=fiscal_year,
            fund_source=funds[fund],
            category=item,
            economic_class=item.economic_class,
            top_category=top,
            parent=parent,
            root_id=path_ids(tree_path)[0],
            level=level,
            unit=unit,
            project=project,
            activity=activity,
            original_amount=amount,
            amount=amount,
            tree_path=tree_path,
            unit_path=unit.path,
            project_lineage=project.lineage if project is not None else None,
            **b.stamp(),
        )
        rows[pk] = row
        if parent is not None:
            children[parent.pk].append(pk)
        return row

    # Sources of each lead unit's projects: (fund, งบ) -> the allocation the projects come from.
    peo_envelopes = {
        top: allocation(unit=peo, fund="appropriation", category=top)
        for top in ("operating", "investment", "other-expense")
    }
    sources: dict[int, dict[str, Allocation]] = {}
    for group in groups:
        sources[group.pk] = {
            top: allocation(unit=group, fund="appropriation", category=top, parent=envelope)
            for top, envelope in peo_envelopes.items()
        }
    for unit in areas + schools:
        tops = ["operating", "investment", "subsidy"]
        sources[unit.pk] = {top: allocation(unit=unit, fund="agency", category=top) for top in tops}
    activities_of: dict[int, list[Activity]] = defaultdict(list)
    for activity in activities:
        activities_of[activity.project_id].append(activity)
    unit_by_id = {unit.pk: unit for unit in leads}
    project_allocations: list[Allocation] = []
    leaves: list[Allocation] = []
    for index, project in enumerate(projects):
        own = sources[project.lead_unit_id]  # type: ignore[index]
        draw = rng.random()
        if project is heavy or draw < 0.72:
            top = "operating"
        elif draw < 0.87:
            top = "investment"
        else:
            top = "other-expense" if "other-expense" in own else "subsidy"
        items = ITEMS[top]
        item = rng.choices([code for code, _w in items], weights=[w for _c, w in items])[0]
        # Most projects get their whole budget; some a little less (the rest stays above).
        amount = project.budget
        if rng.random() < 0.15:
            amount = (amount * Decimal(rng.randrange(80, 100)) / 100).quantize(CENT)
        lead = unit_by_id[project.lead_unit_id]  # type: ignore[index]
        row = allocation(
            unit=lead,
            fund=own[top].fund_source.code,
            category=item,
            parent=own[top],
            project=project,
            amount=amount,
        )
        project_allocations.append(row)
        split = project is heavy or index % size.activity_every == size.activity_every - 1
        own_activities = activities_of[project.pk]
        if split and own_activities and sum(a.budget for a in own_activities) == project.budget:
            shares = weighted_split(amount, [float(a.budget) for a in own_activities])
            for activity, share in zip(own_activities, shares, strict=True):
                if share > 0:
                    leaves.append(
                        allocation(
                            unit=lead,
                            fund=row.fund_source.code,
                            category=item,
                            parent=row,
                            project=project,
                            activity=activity,
                            amount=share,
                        )
                    )
        else:
            leaves.append(row)
    # Amounts from the bottom up: what is allocated below, and a remainder left unallocated.
    for pk in sorted(rows, reverse=True):  # children have larger ids than their parents
        row = rows[pk]
        if row.level != Allocation.Level.UNIT:
            continue
        below = sum((rows[c].amount for c in children[pk]), ZERO)
        slack = Decimal(rng.randrange(101, 107)) / 100
        thousands = (below * slack / 1000).to_integral_value(rounding=ROUND_CEILING)
        row.amount = row.original_amount = (thousands * 1000).quantize(CENT)
    empty = [pk for pk, row in rows.items() if row.amount == 0]
    for pk in empty:  # a งบ no project of the unit took
        del rows[pk]
    ordered = [rows[pk] for pk in sorted(rows)]
    b.insert(Allocation, ordered, batch_size=2000)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Allocation]):
            cursor.execute(statement)
    b.timed("allocations", started)

    # Spending plans: envelopes and work groups over the year, projects over their months -----
    started = time.perf_counter()
    lines: list[SpendingPlanLine] = []
    project_by_id = {p.pk: p for p in projects}

    def flush_lines() -> None:
        b.insert(SpendingPlanLine, lines, batch_size=5000)
        lines.clear()

    for row in ordered:
        if row.level == Allocation.Level.ACTIVITY:
            continue
        if row.level == Allocation.Level.UNIT:
            weights = [float(w) for w in PLAN_WEIGHTS]
        else:
            project = project_by_id[row.project_id]  # type: ignore[index]
            first, last = months.index(project.start_month), months.index(project.end_month)
            weights = [rng.uniform(0.5, 1.5) if first <= i <= last else 0.0 for i in range(12)]
        for month, amount in zip(months, weighted_split(row.amount, weights), strict=True):
            if amount:
                lines.append(
                    SpendingPlanLine(allocation_id=row.pk, month=month, amount=amount, **b.stamp())
                )
        if len(lines) >= 50_000:
            flush_lines()
    flush_lines()
    b.timed("spending plans", started)

    # Commitments and disbursements on the leaves ----------------------------------------------
    started = time.perf_counter()
    _records(b, leaves, heavy_lineage=heavy.lineage)
    b.timed("commitments and disbursements", started)

    started = time.perf_counter()
    rollups.rebuild([fiscal_year.pk])
    b.timed("running sums (rollups.rebuild)", started)
    from phaen.budget.models import BudgetMonthRollup, BudgetRollup

    b.counts["budgetrollup"] = BudgetRollup.objects.filter(fiscal_year=fiscal_year).count()
    b.counts["budgetmonthrollup"] = BudgetMonthRollup.objects.filter(
        fiscal_year=fiscal_year
    ).count()
    return BuiltBudget(
        plan=plan,
        version=version,
        fiscal_year=fiscal_year,
        heavy_project=heavy,
        counts=dict(b.counts),
        seconds=b.seconds,
    )


def _records(b: _Builder, leaves: list[Allocation], *, heavy_lineage: Any) -> None:
    """Commitments and disbursements of every leaf allocation, streamed in batches."""
    rng, size = b.rng, b.size
    heavy = [leaf for leaf in leaves if leaf.project_lineage == heavy_lineage]
    others = [leaf for leaf in leaves if leaf.project_lineage != heavy_lineage]
    # How many disbursements each leaf gets: the heavy project's, then the rest by the square
    # root of the amount (bigger budgets, more payments), a few leaves none at all.
    wanted: dict[int, int] = {}
    for leaf, share in zip(heavy, _even(size.heavy_disbursements, len(heavy)), strict=True):
        wanted[leaf.pk] = share
    rest = max(0, size.disbursements - sum(wanted.values()))
    weights = [0.0 if rng.random() < 0.04 else float(leaf.amount) ** 0.5 for leaf in others]
    scale = rest / (sum(weights) or 1)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    shortfall = rest - sum(counts)
    for index in sorted(range(len(others)), key=lambda i: exact[i] - counts[i], reverse=True):
        if shortfall <= 0:
            break
        if weights[index]:
            counts[index] += 1
            shortfall -= 1
    for leaf, count in zip(others, counts, strict=True):
        wanted[leaf.pk] = count
    # Each unit has a pace (how far through its budget it gets by the end of the year).
    pace_of_unit: dict[str, float] = {}

    next_commitment = (Commitment.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    commitments: list[Commitment] = []
    disbursements: list[Disbursement] = []
    serial = {"po": 0, "pay": 0}
    year_end = b.year_months[-1].replace(day=30)

    def flush() -> None:
        b.insert(Commitment, commitments, batch_size=5000)
        b.insert(Disbursement, disbursements, batch_size=5000)
        commitments.clear()
        disbursements.clear()

    def pay(leaf: Allocation, amount: Decimal, day: date, commitment_id: int | None) -> None:
        serial["pay"] += 1
        disbursements.append(
            Disbursement(
                allocation_id=leaf.pk,
                commitment_id=commitment_id,
                date=day,
                document_number=f"ขบ.61-{serial['pay']:07d}",
                amount=amount,
                description=rng.choice(DESCRIPTIONS),
                unit_path=leaf.unit_path,
                **b.stamp(),
            )
        )

    for leaf in heavy + others:
        n = wanted.get(leaf.pk, 0)
        if n == 0:
            continue
        pace = pace_of_unit.setdefault(leaf.unit_path, rng.uniform(0.75, 1.0))
        spend = (leaf.amount * Decimal(min(0.98, pace * rng.uniform(0.85, 1.05)))).quantize(CENT)
        if spend < CENT * n:
            n = int(spend / CENT)
            if n == 0:
                continue
        is_heavy = leaf.project_lineage == heavy_lineage
        if is_heavy:
            c_count = size.heavy_commitments // max(1, len(heavy))
        else:
            c_count = rng.choice((0, 0, 1, 1, 1, 2))
        committed_total = (
            (spend * Decimal(rng.uniform(0.25, 0.6))).quantize(CENT) if c_count else ZERO
        )
        counted = ZERO  # commitments that count in "used" (not cancelled)
        left = n
        for amount in split_money(committed_total, c_count, rng):
            cid = next_commitment
            next_commitment += 1
            serial["po"] += 1
            made = b.day_in(b.record_month(pace))
            draw = rng.random()
            if draw < 0.05:
                status, paid_share, k = Commitment.Status.CANCELLED, 0.0, 0
            elif draw < 0.1 or left == 0:
                status, paid_share, k = Commitment.Status.OPEN, 0.0, 0
            elif draw < 0.45:
                status, paid_share = Commitment.Status.OPEN, rng.uniform(0.2, 0.9)
                k = min(left, rng.choice((1, 1, 2)))
            else:
                status, paid_share = Commitment.Status.CLOSED, 1.0
                k = min(left, rng.choice((1, 1, 2, 3)))
            paid = (amount * Decimal(paid_share)).quantize(CENT)
            if k and paid < CENT * k:
                status, paid, k = Commitment.Status.OPEN, ZERO, 0
            commitments.append(
                Commitment(
                    id=cid,
                    allocation_id=leaf.pk,
                    date=made,
                    document_number=f"ใบสั่งซื้อ {serial['po']:06d}/2561",
                    amount=amount,
                    counterpart=rng.choice(COUNTERPARTS),
                    status=status,
                    unit_path=leaf.unit_path,
                    **b.stamp(),
                )
            )
            if status != Commitment.Status.CANCELLED:
                counted += amount
            for part in split_money(paid, k, rng) if k else []:
                lag = timedelta(days=rng.randrange(5, 75))
                pay(leaf, part, min(made + lag, year_end), cid)
                left -= 1
        direct = spend - counted
        for part in split_money(direct, left, rng) if direct > 0 else []:
            pay(leaf, part, b.day_in(b.record_month(pace)), None)
        if len(disbursements) >= 50_000:
            flush()
    flush()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Commitment]):
            cursor.execute(statement)


def _even(total: int, parts: int) -> list[int]:
    if parts <= 0:
        return []
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


__all__ = ["BudgetSize", "BuiltBudget", "build_budget", "split_money", "weighted_split"]
