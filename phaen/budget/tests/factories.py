"""Budgets for tests, built through the services (so every rule and running sum applies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from phaen.budget.models import Allocation, ExpenseCategory, FundSource
from phaen.budget.services import allocation_create
from phaen.orgs.models import OrgUnit
from phaen.plans.models import FiscalYear
from phaen.plans.tests.factories import SmallPlan, fiscal_year, small_plan


def fund(code: str = "appropriation") -> FundSource:
    return FundSource.objects.get(code=code)


def category(code: str = "operating") -> ExpenseCategory:
    return ExpenseCategory.objects.get(code=code)


def allocate(
    *,
    unit: OrgUnit | None = None,
    amount: str,
    parent: Allocation | None = None,
    project: object = None,
    activity: object = None,
    year: FiscalYear | None = None,
    category_code: str = "operating",
    fund_code: str = "appropriation",
) -> Allocation:
    return allocation_create(
        actor=None,
        instance=Allocation(
            fiscal_year=year or (parent.fiscal_year if parent else fiscal_year(2561)),
            fund_source=fund(fund_code),
            category=category(category_code),
            unit=unit or (parent.unit if parent else None),
            parent=parent,
            project=project,  # type: ignore[misc]
            activity=activity,  # type: ignore[misc]
            amount=Decimal(amount),
        ),
    )


@dataclass
class SmallBudget:
    plan: SmallPlan
    envelope: Allocation  # province A's operating budget
    group: Allocation  # allocated to group A1 (the projects' lead unit)
    project: Allocation  # to project P01
    activity: Allocation  # to P01's first activity


def small_budget(world: object) -> SmallBudget:
    plan = small_plan(world.province_a, world.group_a1)  # type: ignore[attr-defined]
    envelope = allocate(unit=world.province_a, amount="1000000.00")  # type: ignore[attr-defined]
    group = allocate(unit=world.group_a1, amount="300000.00", parent=envelope)  # type: ignore[attr-defined]
    project = allocate(amount="100000.00", parent=group, project=plan.project)
    activity = allocate(
        amount="60000.00", parent=project, project=plan.project, activity=plan.activity
    )
    return SmallBudget(plan, envelope, group, project, activity)


IN_FY2561 = date(2018, 1, 15)
