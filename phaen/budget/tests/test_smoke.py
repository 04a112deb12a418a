from datetime import date
from decimal import Decimal

import pytest

from phaen.budget import rollups
from phaen.budget.models import BudgetMonthRollup, BudgetRollup, Commitment, Disbursement
from phaen.budget.selectors import unit_overview
from phaen.budget.services import branch_usage, commitment_create, disbursement_create
from phaen.budget.tests.factories import IN_FY2561, small_budget
from phaen.core.exceptions import DomainError
from phaen.plans.tests.factories import fiscal_year
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db


def rollup_rows():
    return (
        sorted(BudgetRollup.objects.values_list("unit_id", "category_id", "original", "allocated")),
        sorted(
            BudgetMonthRollup.objects.exclude(
                planned=0, committed=0, owed=0, disbursed=0
            ).values_list("unit_id", "month", "planned", "committed", "owed", "disbursed")
        ),
    )


def test_money_flows_and_running_sums_match_a_rebuild(world):
    budget = small_budget(world)
    commitment = commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=date(2017, 12, 1),
            document_number="PO-1",
            amount=Decimal("40000.00"),
            counterpart="ร้านหนังสือ",
        ),
    )
    disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=budget.activity,
            commitment=commitment,
            date=IN_FY2561,
            document_number="D-1",
            amount=Decimal("25000.50"),
        ),
    )
    usage = branch_usage(budget.group)
    assert (usage.disbursed, usage.open_commitments, usage.used) == (
        Decimal("25000.50"),
        Decimal("14999.50"),
        Decimal("40000.00"),
    )
    with pytest.raises(DomainError, match="เกินวงเงิน"):
        disbursement_create(
            actor=None,
            instance=Disbursement(
                allocation=budget.activity,
                date=IN_FY2561,
                document_number="D-2",
                amount=Decimal("20000.01"),
            ),
        )
    live = rollup_rows()
    rollups.rebuild()
    assert rollup_rows() == live
    overview = unit_overview(world.province_a, fiscal_year(2561), FiscalPeriod(2561).quarter(2))
    assert overview.total.allocated == Decimal("1000000.00")
    assert overview.total.disbursed == Decimal("25000.50")
    assert overview.total.used == Decimal("40000.00")
    assert overview.total.disbursement_rate == Decimal("2.50")
