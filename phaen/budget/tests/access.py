"""Access scenarios of every budget model (run by tests/test_access_matrix.py).

Money rows belong to ``home`` (school A2): its envelope in FY2561 and what is recorded against
it, so a role at province A is in scope and the same role at province B is not. Planners
allocate, plan, transfer and set policies; commitments and disbursements are recorded by
reporters (``writer_role``). Fund sources, expenditure categories and the cabinet's disbursement
targets are global reference data (``global_reference``): everyone reads them, only planners and
admins at a top-level unit write them, and the targets are public.

The UI pages are the real ones of phaen/budget/urls.py with their real forms. Running sums
(BudgetRollup, BudgetMonthRollup) have no access rules: they are read only through selectors.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    DisbursementTarget,
    ExpenseCategory,
    FundSource,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.services import (
    allocation_create,
    commitment_create,
    disbursement_create,
    spending_plan_set,
    transfer_request,
    year_end_close,
)
from phaen.budget.tests.factories import IN_FY2561, category, fund
from phaen.core.access import Role
from phaen.core.services import object_create
from phaen.core.testing import AccessScenario
from phaen.plans.models import FiscalYear
from phaen.plans.tests.factories import fiscal_year

NEW_NAME = "แก้ไขในการทดสอบสิทธิ์"
READ_ONLY = frozenset({"list", "detail"})
#: Money lists open on the fiscal year chosen in the header: ask for the scenarios' year.
IN_2561 = "?fiscal_year=2561"


# Reference data -------------------------------------------------------------------------------


class FundSourceScenario(AccessScenario):
    model = FundSource
    ui_prefix = "budget:fundsource"
    api_path = "/api/v1/fund-sources/"
    global_reference = True

    def make(self) -> FundSource:
        return object_create(
            actor=None, instance=FundSource(code="test-fund", name="แหล่งเงินเดิม", kind="other")
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "code": "new-fund",
            "name": "แหล่งเงินใหม่",
            "kind": "off_budget",
            "order": "60",
            "is_active": "on",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "code": obj.code,
            "name": NEW_NAME,
            "kind": obj.kind,
            "order": obj.order,
            "is_active": "on",
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"code": "new-fund", "name": "แหล่งเงินใหม่", "kind": "off_budget", "order": 60}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"name": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[FundSource]:
        return FundSource.objects.filter(code="new-fund")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.name == NEW_NAME)


class ExpenseCategoryScenario(AccessScenario):
    model = ExpenseCategory
    ui_prefix = "budget:expensecategory"
    api_path = "/api/v1/expense-categories/"
    global_reference = True

    def make(self) -> ExpenseCategory:
        return object_create(
            actor=None,
            instance=ExpenseCategory(
                code="test-item",
                name="รายการเดิม",
                parent=category("operating"),
                economic_class="current",
                order=999,
            ),
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {**self.api_create_data(), "is_active": "on"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "code": obj.code,
            "name": NEW_NAME,
            "parent": obj.parent_id,
            "economic_class": obj.economic_class,
            "order": obj.order,
            "is_active": "on",
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {
            "code": "new-item",
            "name": "รายการใหม่",
            "parent": category("operating").pk,
            "economic_class": "current",
            "order": 998,
        }

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"name": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[ExpenseCategory]:
        return ExpenseCategory.objects.filter(code="new-item")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.name == NEW_NAME)


class DisbursementTargetScenario(AccessScenario):
    model = DisbursementTarget
    ui_prefix = "budget:disbursementtarget"
    api_path = "/api/v1/disbursement-targets/"
    global_reference = True
    public = True

    def make(self) -> DisbursementTarget:
        return object_create(
            actor=None,
            instance=DisbursementTarget(
                fiscal_year=2570, period="Q1", scope="overall", percent=Decimal("20")
            ),
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "fiscal_year": "2570",
            "period": "Q2",
            "scope": "overall",
            "percent": "45.50",
            "source": "มติคณะรัฐมนตรี",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "fiscal_year": obj.fiscal_year,
            "period": obj.period,
            "scope": obj.scope,
            "percent": "21.25",
            "source": obj.source,
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"fiscal_year": 2570, "period": "Q2", "scope": "overall", "percent": "45.50"}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"percent": "21.25", "version": obj.version}

    def created(self) -> QuerySet[DisbursementTarget]:
        return DisbursementTarget.objects.filter(fiscal_year=2570, period="Q2")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.percent == Decimal("21.25"))


# Money of home (school A2) --------------------------------------------------------------------


class BudgetScenario(AccessScenario):
    """Rows of ``home``'s FY2561 envelope (100,000 baht of the office's appropriation)."""

    @cached_property
    def year(self) -> FiscalYear:
        return fiscal_year(2561)

    def allocation(self, amount: str = "100000.00", note: str = "") -> Allocation:
        return allocation_create(
            actor=None,
            instance=Allocation(
                fiscal_year=self.year,
                fund_source=fund(),
                category=category(),
                unit=self.home,
                amount=Decimal(amount),
                note=note,
            ),
        )

    @cached_property
    def envelope(self) -> Allocation:
        return self.allocation()

    def ui_url(self, action: str, obj: Any = None) -> str:
        url = super().ui_url(action, obj)
        return f"{url}{IN_2561}" if action == "list" else url


class AllocationScenario(BudgetScenario):
    """The row is home's share of province A's envelope, so that it shows in the province's
    allocation tree (the list page opens on the user's own unit)."""

    model = Allocation
    ui_prefix = "budget:allocation"
    api_path = "/api/v1/allocations/"

    def make(self) -> Allocation:
        province = allocation_create(
            actor=None,
            instance=Allocation(
                fiscal_year=self.year,
                fund_source=fund(),
                category=category(),
                unit=self.world.province_a,
                amount=Decimal("50000.00"),
            ),
        )
        return allocation_create(
            actor=None,
            instance=Allocation(
                fiscal_year=self.year,
                fund_source=fund(),
                category=category(),
                unit=self.home,
                parent=province,
                amount=Decimal("1000.00"),
                note="จัดสรรเดิม",
            ),
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.year.pk,
            "unit": self.home.pk,
            "fund_source": fund().pk,
            "category": category().pk,
            "amount": "5,000.00",
            "note": "จัดสรรใหม่ในขอบเขต",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "category": obj.category_id,
            "amount": "1,000.00",
            "note": NEW_NAME,
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.year.year,
            "fund_source": fund().pk,
            "category": category().pk,
            "unit": self.home.pk,
            "amount": "5000.00",
            "note": "จัดสรรใหม่ในขอบเขต",
        }

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"note": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[Allocation]:
        return Allocation.objects.filter(note="จัดสรรใหม่ในขอบเขต")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.note == NEW_NAME)


class SpendingPlanLineScenario(BudgetScenario):
    """Monthly lines are read in their collection; a whole plan is written through the
    allocation (POST /api/v1/allocations/{id}/spending-plan/, tested in test_api.py)."""

    model = SpendingPlanLine
    api_path = "/api/v1/spending-plans/"
    api_actions = READ_ONLY
    # The plan shows on its allocation's page and is edited on the allocation's spending-plan page.
    ui_prefix = "budget:allocation"
    ui_actions = frozenset({"detail", "edit"})

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "detail":
            return reverse("budget:allocation", args=[obj.allocation_id])
        if action == "edit":
            return reverse("budget:allocation_spending_plan", args=[obj.allocation_id])
        raise ValueError(action)

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        # m01 is October: the months add up to the allocation.
        return {"m01": "50,000", "m04": "50,000", "reason": "ปรับแผน"}

    def changed(self, obj: Any) -> bool:
        # Setting a plan replaces its lines: look at October's.
        october = SpendingPlanLine.objects.filter(
            allocation_id=obj.allocation_id, month=date(2017, 10, 1)
        ).first()
        return october is not None and october.amount == Decimal("50000.00")

    def make(self) -> SpendingPlanLine:
        lines = spending_plan_set(
            actor=None,
            allocation=self.envelope,
            amounts={date(2017, 10, 1): Decimal("40000.00"), date(2018, 1, 1): Decimal("60000.00")},
        )
        return lines[0]


class RecordScenario(BudgetScenario):
    """Commitments and disbursements: recorded by reporters of the allocation's unit."""

    writer_role = Role.REPORTER

    def commitment(self, **values: Any) -> Commitment:
        return commitment_create(
            actor=None,
            instance=Commitment(
                allocation=self.envelope,
                date=IN_FY2561,
                document_number="PO-เดิม",
                amount=Decimal("1000.00"),
                counterpart="ร้านเดิม",
                **values,
            ),
        )


class CommitmentScenario(RecordScenario):
    model = Commitment
    ui_prefix = "budget:commitment"
    api_path = "/api/v1/commitments/"

    def make(self) -> Commitment:
        return self.commitment()

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "allocation": self.envelope.pk,
            "date": "1/2/2561",
            "document_number": "PO-ใหม่",
            "amount": "2,500.00",
            "counterpart": "ร้านใหม่ในขอบเขต",
            "description": "",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "date": "15/1/2561",
            "document_number": obj.document_number,
            "amount": "1,000.00",
            "counterpart": NEW_NAME,
            "description": "",
            "status": "open",
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {
            "allocation": self.envelope.pk,
            "date": "2018-02-01",
            "document_number": "PO-ใหม่",
            "amount": "2500.00",
            "counterpart": "ร้านใหม่ในขอบเขต",
        }

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"counterpart": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[Commitment]:
        return Commitment.objects.filter(counterpart="ร้านใหม่ในขอบเขต")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.counterpart == NEW_NAME)


class DisbursementScenario(RecordScenario):
    model = Disbursement
    ui_prefix = "budget:disbursement"
    api_path = "/api/v1/disbursements/"

    def make(self) -> Disbursement:
        return disbursement_create(
            actor=None,
            instance=Disbursement(
                allocation=self.envelope,
                date=IN_FY2561,
                document_number="ขบ-เดิม",
                amount=Decimal("800.00"),
                description="เบิกจ่ายเดิม",
            ),
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "allocation": self.envelope.pk,
            "commitment": "",
            "date": "1/2/2561",
            "document_number": "ขบ-ใหม่",
            "amount": "1,200.00",
            "description": "เบิกจ่ายใหม่ในขอบเขต",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "date": "15/1/2561",
            "document_number": obj.document_number,
            "amount": "800.00",
            "description": NEW_NAME,
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {
            "allocation": self.envelope.pk,
            "date": "2018-02-01",
            "document_number": "ขบ-ใหม่",
            "amount": "1200.00",
            "description": "เบิกจ่ายใหม่ในขอบเขต",
        }

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"description": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[Disbursement]:
        return Disbursement.objects.filter(description="เบิกจ่ายใหม่ในขอบเขต")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.description == NEW_NAME)


class BudgetTransferScenario(BudgetScenario):
    """Requests between two of home's envelopes; a request is decided, not edited or deleted."""

    model = BudgetTransfer
    ui_prefix = "budget:budgettransfer"
    api_path = "/api/v1/transfers/"
    api_actions = frozenset({"list", "detail", "create"})
    ui_actions = api_actions

    @cached_property
    def other_envelope(self) -> Allocation:
        return self.allocation("20000.00", note="อีกวงเงินหนึ่ง")

    def make(self) -> BudgetTransfer:
        return transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=self.envelope,
                target=self.other_envelope,
                amount=Decimal("1000.00"),
                reason="คำขอเดิม",
            ),
        )

    def api_create_data(self) -> dict[str, Any]:
        return {
            "source": self.envelope.pk,
            "target": self.other_envelope.pk,
            "amount": "500.00",
            "reason": "ขอโอนใหม่ในขอบเขต",
        }

    def ui_create_data(self) -> dict[str, Any]:
        return self.api_create_data()

    def created(self) -> QuerySet[BudgetTransfer]:
        return BudgetTransfer.objects.filter(reason="ขอโอนใหม่ในขอบเขต")


class YearEndScenario(BudgetScenario):
    """Rows made by closing home's FY2561: a carried-over commitment and a lapsed remainder."""

    api_actions = READ_ONLY
    ui_actions = READ_ONLY

    def close_year(self) -> Any:
        fiscal_year(2562)
        commitment_create(
            actor=None,
            instance=Commitment(
                allocation=self.envelope,
                date=IN_FY2561,
                document_number="สัญญา-เดิม",
                amount=Decimal("30000.00"),
                counterpart="ห้างเดิม",
            ),
        )
        return year_end_close(actor=None, unit=self.home, fiscal_year=self.year)


class CarryOverScenario(YearEndScenario):
    model = CarryOver
    ui_prefix = "budget:carryover"
    # "edit" is the page that records an approved extension of the deadline.
    ui_actions = frozenset({"list", "detail", "edit"})
    api_path = "/api/v1/carry-overs/"

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "edit":
            return reverse("budget:carryover_extend", args=[obj.pk])
        return super().ui_url(action, obj)

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "extended_deadline": "30/9/2562",
            "extension_reference": "กค 0402.2/1234",
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.extended_deadline == date(2019, 9, 30))

    def make(self) -> CarryOver:
        carried: CarryOver = self.close_year().carried[0]
        return carried


class LapseScenario(YearEndScenario):
    model = Lapse
    # Lapses are listed; each links to its allocation's page.
    ui_prefix = "budget:lapse"
    ui_actions = frozenset({"list"})
    api_path = "/api/v1/lapses/"

    def make(self) -> Lapse:
        lapsed: Lapse = self.close_year().lapsed[0]
        return lapsed


class BudgetPolicyScenario(AccessScenario):
    model = BudgetPolicy
    ui_prefix = "budget:budgetpolicy"
    api_path = "/api/v1/budget-policies/"

    def make(self) -> BudgetPolicy:
        return object_create(
            actor=None, instance=BudgetPolicy(unit=self.home, unit_path=self.home.path)
        )

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "unit": self.world.group_a1.pk,
            "overspend_mode": "warn",
            "behind_points": "5",
            "far_behind_points": "15",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "overspend_mode": "warn",
            "behind_points": "5.00",
            "far_behind_points": "15.00",
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {
            "unit": self.world.group_a1.pk,
            "overspend_mode": "warn",
            "behind_points": "5.00",
            "far_behind_points": "15.00",
        }

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"overspend_mode": "warn", "version": obj.version}

    def created(self) -> QuerySet[BudgetPolicy]:
        return BudgetPolicy.objects.filter(unit=self.world.group_a1)

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.overspend_mode == BudgetPolicy.OverspendMode.WARN)
