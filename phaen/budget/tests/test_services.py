"""Budget services: allocation tree, spending plans, commitments and disbursements, transfers,
year end; the running sums always equal a rebuild from the base tables."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phaen.budget import rollups
from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetPolicy,
    BudgetRollup,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.services import (
    allocation_update,
    branch_usage,
    carry_over_deadline,
    carry_over_extend,
    commitment_create,
    commitment_update,
    disbursement_create,
    disbursement_delete,
    spending_plan_set,
    spread_by_activities,
    spread_evenly,
    transfer_approve,
    transfer_reject,
    transfer_request,
    year_end_close,
)
from phaen.budget.tests.factories import IN_FY2561, allocate, small_budget
from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.models import AuditEvent
from phaen.orgs.services import orgunit_move
from phaen.plans.tests.factories import fiscal_year
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db
D = Decimal


def sums():
    """The running sums as comparable rows (zero rows left by reversals are ignored)."""
    envelope = sorted(
        BudgetRollup.objects.exclude(original=0, allocated=0).values_list(
            "fiscal_year_id",
            "unit_id",
            "fund_source_id",
            "category_id",
            "economic_class",
            "original",
            "allocated",
        )
    )
    months = sorted(
        BudgetMonthRollup.objects.exclude(planned=0, committed=0, owed=0, disbursed=0).values_list(
            "fiscal_year_id",
            "unit_id",
            "fund_source_id",
            "category_id",
            "month",
            "planned",
            "committed",
            "owed",
            "disbursed",
        )
    )
    return envelope, months


def assert_sums_match_rebuild():
    live = sums()
    rollups.rebuild()
    assert sums() == live


def commit(allocation, amount, *, day=date(2017, 12, 1), number="PO-1", reason=""):
    return commitment_create(
        actor=None,
        instance=Commitment(
            allocation=allocation,
            date=day,
            document_number=number,
            amount=D(amount),
            counterpart="ร้านค้าทดสอบ",
            override_reason=reason,
        ),
    )


def disburse(allocation, amount, *, commitment=None, day=IN_FY2561, number="D-1", reason=""):
    return disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=allocation,
            commitment=commitment,
            date=day,
            document_number=number,
            amount=D(amount),
            override_reason=reason,
        ),
    )


@pytest.fixture
def budget(world):
    return small_budget(world)


# The allocation tree ------------------------------------------------------------------------


def test_levels_units_and_paths_are_derived(budget, world):
    assert (
        budget.envelope.level,
        budget.group.level,
        budget.project.level,
        budget.activity.level,
    ) == (
        "unit",
        "unit",
        "project",
        "activity",
    )
    assert budget.project.unit == world.group_a1  # the project's lead unit
    assert budget.activity.root_id == budget.envelope.pk
    assert budget.activity.tree_path.startswith(budget.project.tree_path)
    assert budget.project.project_lineage == budget.plan.project.lineage
    assert budget.envelope.original_amount == budget.envelope.amount == D("1000000.00")


def test_children_never_exceed_their_parent(budget, world):
    with pytest.raises(DomainError) as caught:
        allocate(amount="40000.01", parent=budget.project, project=budget.plan.project)
    assert caught.value.field == "amount"
    assert "เหลือจัดสรรได้ 40,000.00 บาท" in caught.value.message
    assert Allocation.objects.count() == 4


def test_money_flows_down_the_tree_only(budget, world):
    with pytest.raises(DomainError, match="ภายใต้"):
        allocate(unit=world.province_b, amount="1.00", parent=budget.envelope)
    with pytest.raises(DomainError, match="จัดสรรจากวงเงินของหน่วยงาน"):
        allocate(amount="1.00", project=budget.plan.project, unit=world.group_a1)
    with pytest.raises(DomainError, match="แบ่งต่อไม่ได้"):
        allocate(
            amount="1.00",
            parent=budget.activity,
            project=budget.plan.project,
            activity=budget.plan.activity,
        )


def test_an_allocation_cannot_drop_below_what_is_allocated_further(budget):
    group = Allocation.objects.get(pk=budget.group.pk)
    group.amount = D("99999.99")
    with pytest.raises(DomainError, match=r"ไม่ต่ำกว่า 100,000\.00"):
        allocation_update(actor=None, instance=group, expected_version=group.version)


def test_correcting_a_fresh_allocation_corrects_its_original_too(budget):
    envelope = Allocation.objects.get(pk=budget.envelope.pk)
    envelope.amount = D("1200000.00")
    allocation_update(actor=None, instance=envelope, expected_version=envelope.version)
    envelope.refresh_from_db()
    assert envelope.original_amount == envelope.amount == D("1200000.00")
    assert_sums_match_rebuild()


# Spending plans -----------------------------------------------------------------------------


def test_spending_plan_months_must_add_up_to_the_allocation(budget):
    months = [m.start for m in FiscalPeriod(2561).months()]
    with pytest.raises(DomainError) as caught:
        spending_plan_set(
            actor=None, allocation=budget.envelope, amounts={months[0]: D("999999.99")}
        )
    assert "ขาดอีก 0.01 บาท" in caught.value.message
    assert not SpendingPlanLine.objects.exists()
    lines = spending_plan_set(
        actor=None, allocation=budget.envelope, amounts=spread_evenly(D("1000000.00"), months)
    )
    assert sum(line.amount for line in lines) == D("1000000.00")
    assert_sums_match_rebuild()


@given(amount=st.decimals(min_value=0, max_value=10**11, places=2), count=st.integers(1, 12))
def test_spread_evenly_is_exact_to_the_satang(amount, count):
    months = [m.start for m in FiscalPeriod(2561).months()][:count]
    spread = spread_evenly(amount, months)
    assert sum(spread.values()) == amount
    assert max(spread.values()) - min(spread.values()) <= D("0.01")


def test_spread_by_activities_follows_the_schedule(budget):
    spread = spread_by_activities(budget.project)
    assert sum(spread.values()) == budget.project.amount
    active = {month for month, amount in spread.items() if amount}
    # The project's only activity runs January–March 2018.
    assert active == {date(2018, 1, 1), date(2018, 2, 1), date(2018, 3, 1)}


def test_only_recorders_of_the_unit_set_a_spending_plan(budget, world):
    months = [m.start for m in FiscalPeriod(2561).months()]
    amounts = spread_evenly(budget.project.amount, months)
    with pytest.raises(OutOfScopeError):
        spending_plan_set(
            actor=world.user(Role.VIEWER, world.province_a),
            allocation=budget.project,
            amounts=amounts,
        )
    with pytest.raises(OutOfScopeError):
        spending_plan_set(
            actor=world.user(Role.PLANNER, world.province_b),
            allocation=budget.project,
            amounts=amounts,
        )
    spending_plan_set(
        actor=world.user(Role.REPORTER, world.group_a1), allocation=budget.project, amounts=amounts
    )


# Commitments and disbursements --------------------------------------------------------------


def test_used_is_disbursed_plus_what_open_commitments_still_owe(budget):
    order = commit(budget.activity, "40000.00")
    disburse(budget.activity, "25000.50", commitment=order)
    disburse(budget.activity, "1000.00", number="D-2")
    usage = branch_usage(budget.project)
    assert (usage.disbursed, usage.open_commitments, usage.used, usage.available) == (
        D("26000.50"),
        D("14999.50"),
        D("41000.00"),
        D("59000.00"),
    )
    assert_sums_match_rebuild()


def test_over_spending_is_refused_and_nothing_is_saved(budget):
    commit(budget.activity, "59000.00")
    before = (Commitment.objects.count(), Disbursement.objects.count(), sums())
    with pytest.raises(DomainError) as caught:
        disburse(budget.activity, "1000.01")
    assert caught.value.field == "amount"
    assert "เกินวงเงิน 60,000.00 บาท อยู่ 0.01 บาท" in caught.value.message
    assert (Commitment.objects.count(), Disbursement.objects.count(), sums()) == before


def test_a_branch_above_can_refuse_even_when_the_leaf_has_room(budget):
    # A direct project allocation next to the activity's: the project's 100,000 is the limit.
    other = allocate(amount="40000.00", parent=budget.project, project=budget.plan.project)
    commit(other, "40000.00")
    commit(budget.activity, "60000.00", number="PO-2")
    project = Allocation.objects.get(pk=budget.project.pk)
    project.amount = D("100000.00")
    with pytest.raises(DomainError):
        disburse(other, "0.01", number="D-9")


def test_warn_policy_allows_over_spending_with_an_audited_reason(budget, world):
    BudgetPolicy.objects.create(
        unit=world.province_a, overspend_mode="warn", unit_path=world.province_a.path
    )
    with pytest.raises(DomainError) as caught:
        disburse(budget.activity, "60000.01")
    assert caught.value.field == "override_reason"
    saved = disburse(budget.activity, "60000.01", reason="ค่าเดินทางเพิ่มตามมติที่ประชุม")
    assert AuditEvent.objects.filter(
        object_id=str(saved.pk), reason="ค่าเดินทางเพิ่มตามมติที่ประชุม"
    ).exists()


def test_paying_a_commitment_does_not_use_more_and_cannot_exceed_it(budget):
    order = commit(budget.activity, "60000.00")
    disburse(budget.activity, "60000.00", commitment=order)
    assert branch_usage(budget.activity).used == D("60000.00")
    with pytest.raises(DomainError, match="เกินยอดคงเหลือของข้อผูกพัน"):
        disburse(budget.activity, "0.01", commitment=order, number="D-2")


def test_records_need_a_leaf_allocation_and_a_date_inside_the_year(budget):
    with pytest.raises(DomainError, match="ระดับล่างสุด"):
        disburse(budget.project, "1.00")
    with pytest.raises(DomainError) as caught:
        disburse(budget.activity, "1.00", day=date(2018, 10, 1))
    assert caught.value.field == "date"


def test_closing_a_commitment_releases_what_it_still_owed(budget):
    order = commit(budget.activity, "50000.00")
    disburse(budget.activity, "20000.00", commitment=order)
    order.refresh_from_db()
    order.status = Commitment.Status.CLOSED
    commitment_update(actor=None, instance=order, expected_version=order.version)
    assert branch_usage(budget.activity).used == D("20000.00")
    assert_sums_match_rebuild()


def test_deleting_a_disbursement_restores_the_commitment_balance(budget):
    order = commit(budget.activity, "50000.00")
    payment = disburse(budget.activity, "20000.00", commitment=order)
    disbursement_delete(actor=None, instance=payment)
    assert branch_usage(budget.activity).open_commitments == D("50000.00")
    assert_sums_match_rebuild()


# Transfers ----------------------------------------------------------------------------------


def test_a_transfer_moves_money_along_both_branches_and_keeps_the_originals(budget, world):
    other_project = allocate(
        amount="50000.00", parent=budget.group, project=budget.plan.other_project
    )
    planner = world.user(Role.PLANNER, world.province_a)
    request = transfer_request(
        actor=planner,
        instance=BudgetTransfer(
            source=budget.activity,
            target=other_project,
            amount=D("10000.00"),
            reason="ปรับตามความจำเป็น",
        ),
    )
    assert request.status == "requested"
    assert Allocation.objects.get(pk=budget.activity.pk).amount == D(
        "60000.00"
    )  # nothing moved yet
    director = world.user(Role.APPROVER, world.province_a)
    approved = transfer_approve(
        actor=director, transfer=request, expected_version=request.version, note="อนุมัติ"
    )
    assert approved.approval_unit == world.province_a
    amounts = {a.pk: (a.original_amount, a.amount) for a in Allocation.objects.all()}
    assert amounts[budget.activity.pk] == (D("60000.00"), D("50000.00"))
    assert amounts[budget.project.pk] == (D("100000.00"), D("90000.00"))
    assert amounts[other_project.pk] == (D("50000.00"), D("60000.00"))
    assert amounts[budget.group.pk] == (D("300000.00"), D("300000.00"))  # shared: unchanged
    assert_sums_match_rebuild()
    # Each allocation that moved has its own history line with the amounts before and after.
    events = AuditEvent.objects.filter(action="budget.allocation.transferred")
    moved = {event.object_id: (event.before, event.after) for event in events}
    assert moved == {
        str(budget.activity.pk): ({"amount": "60000.00"}, {"amount": "50000.00"}),
        str(budget.project.pk): ({"amount": "100000.00"}, {"amount": "90000.00"}),
        str(other_project.pk): ({"amount": "50000.00"}, {"amount": "60000.00"}),
    }
    assert all(event.actor == director for event in events)


def test_a_transfer_cannot_take_money_already_used(budget, world):
    other_project = allocate(
        amount="50000.00", parent=budget.group, project=budget.plan.other_project
    )
    commit(budget.activity, "55000.00")
    with pytest.raises(DomainError, match=r"โอนออกได้ไม่เกิน 5,000\.00"):
        transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=budget.activity, target=other_project, amount=D("5000.01"), reason="ทดสอบ"
            ),
        )


def test_only_approvers_above_both_sides_decide(budget, world):
    other_project = allocate(
        amount="50000.00", parent=budget.group, project=budget.plan.other_project
    )
    request = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.activity, target=other_project, amount=D("1.00"), reason="ทดสอบ"
        ),
    )
    with pytest.raises(OutOfScopeError):
        transfer_approve(
            actor=world.user(Role.PLANNER, world.province_a), transfer=request, expected_version=1
        )
    with pytest.raises(OutOfScopeError):
        transfer_approve(
            actor=world.user(Role.APPROVER, world.province_b), transfer=request, expected_version=1
        )
    with pytest.raises(DomainError, match="เหตุผล"):
        transfer_reject(
            actor=world.user(Role.APPROVER, world.province_a),
            transfer=request,
            expected_version=1,
            note=" ",
        )
    rejected = transfer_reject(
        actor=world.user(Role.APPROVER, world.province_a),
        transfer=request,
        expected_version=1,
        note="ไม่จำเป็น",
    )
    assert rejected.status == "rejected"
    with pytest.raises(DomainError, match="พิจารณาไปแล้ว"):
        transfer_approve(actor=None, transfer=rejected, expected_version=rejected.version)


def test_no_transfer_between_an_allocation_and_one_below_it(budget):
    with pytest.raises(DomainError, match="อยู่ภายใต้กัน"):
        transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=budget.project, target=budget.activity, amount=D("1.00"), reason="ทดสอบ"
            ),
        )


# Year end -----------------------------------------------------------------------------------


def test_year_end_carries_open_commitments_over_and_lapses_the_rest(budget, world):
    fiscal_year(2562)
    order = commit(budget.activity, "50000.00", day=date(2018, 8, 1))
    disburse(budget.activity, "30000.00", commitment=order, day=date(2018, 9, 1))
    result = year_end_close(actor=None, unit=world.province_a, fiscal_year=fiscal_year(2561))
    carry = CarryOver.objects.get()
    assert (carry.commitment, carry.amount, carry.deadline) == (
        order,
        D("20000.00"),
        date(2019, 3, 31),
    )
    assert carry_over_deadline(2561) == date(2019, 3, 31)
    order.refresh_from_db()
    assert order.status == Commitment.Status.CARRIED_OVER
    new = carry.new_commitment
    assert (new.allocation.fiscal_year.year, new.allocation.fund_source.kind, new.amount) == (
        2562,
        "carry_over",
        D("20000.00"),
    )
    lapsed = {lapse.allocation_id: lapse.amount for lapse in Lapse.objects.all()}
    assert lapsed == {
        budget.envelope.pk: D("700000.00"),
        budget.group.pk: D("200000.00"),
        budget.project.pk: D("40000.00"),
        budget.activity.pk: D("10000.00"),
    }
    assert (len(result.carried), len(result.lapsed)) == (1, 4)
    # The carried commitment is payable in the next year until its deadline.
    disburse(new.allocation, "5000.00", commitment=new, day=date(2019, 3, 31))
    with pytest.raises(DomainError):
        disburse(new.allocation, "5000.00", commitment=new, day=date(2019, 4, 1), number="D-late")
    extended = carry_over_extend(
        actor=None,
        carry_over=carry,
        new_deadline=date(2019, 9, 30),
        reference="กค 0402.2/123",
        expected_version=carry.version,
    )
    disburse(new.allocation, "5000.00", commitment=new, day=date(2019, 4, 1), number="D-late")
    assert extended.extended_deadline == date(2019, 9, 30)
    # Running the close again adds nothing.
    again = year_end_close(actor=None, unit=world.province_a, fiscal_year=fiscal_year(2561))
    assert (again.carried, again.lapsed) == ([], [])
    assert_sums_match_rebuild()


def test_a_closed_allocation_is_final_and_waiting_transfers_are_withdrawn(budget, world):
    fiscal_year(2562)
    other_project = allocate(
        amount="50000.00", parent=budget.group, project=budget.plan.other_project
    )
    planner = world.user(Role.PLANNER, world.province_a)
    waiting = transfer_request(
        actor=planner,
        instance=BudgetTransfer(
            source=budget.activity, target=other_project, amount=D("1000.00"), reason="ปรับ"
        ),
    )
    result = year_end_close(actor=None, unit=world.province_a, fiscal_year=fiscal_year(2561))
    waiting.refresh_from_db()
    assert result.withdrawn == [waiting]
    assert waiting.status == BudgetTransfer.Status.WITHDRAWN
    assert "ปิดปีงบประมาณ" in waiting.decision_note
    assert AuditEvent.objects.filter(action="budget.budgettransfer.withdrawn").count() == 1
    before = sums()
    activity = Allocation.objects.get(pk=budget.activity.pk)
    refusals = [
        lambda: transfer_request(
            actor=planner,
            instance=BudgetTransfer(
                source=activity, target=other_project, amount=D("1.00"), reason="ปรับ"
            ),
        ),
        lambda: allocate(amount="1.00", parent=budget.group, project=budget.plan.other_project),
        lambda: allocation_update(
            actor=planner,
            instance=Allocation.objects.get(pk=activity.pk),
            expected_version=activity.version,
        ),
        lambda: spending_plan_set(
            actor=planner, allocation=activity, amounts={date(2017, 10, 1): activity.amount}
        ),
    ]
    for refused in refusals:
        with pytest.raises(DomainError, match="ปิดปีงบประมาณของ"):
            refused()
    assert sums() == before
    assert Allocation.objects.get(pk=activity.pk).version == activity.version


# Running sums -------------------------------------------------------------------------------


def test_running_sums_follow_a_unit_move(budget, world):
    commit(budget.activity, "1000.00")
    orgunit_move(
        actor=None,
        unit=world.group_a1,
        new_parent=world.province_b,
        expected_version=world.group_a1.version,
    )
    assert BudgetMonthRollup.objects.filter(unit=world.province_b).exclude(committed=0).exists()
    assert_sums_match_rebuild()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["commit", "pay", "pay_direct", "close", "delete_payment"]),
            st.decimals(min_value="0.01", max_value="30000", places=2),
            st.integers(min_value=1, max_value=12),
        ),
        max_size=8,
    )
)
def test_running_sums_always_equal_a_rebuild(world, steps):
    # Each example runs in its own savepoint, rolled back at the end.
    with transaction.atomic():
        run_steps(world, steps)
        transaction.set_rollback(True)


def run_steps(world, steps):
    budget = small_budget(world)
    months = [m.start for m in FiscalPeriod(2561).months()]
    for index, (step, amount, month) in enumerate(steps):
        day = months[month - 1].replace(day=10)
        open_orders = list(Commitment.objects.filter(status="open", allocation=budget.activity))
        try:
            with transaction.atomic():
                if step == "commit":
                    commit(budget.activity, str(amount), day=day, number=f"PO-{index}")
                elif step == "pay" and open_orders:
                    disburse(
                        budget.activity,
                        str(amount),
                        commitment=open_orders[0],
                        day=day,
                        number=f"D-{index}",
                    )
                elif step == "pay_direct":
                    disburse(budget.activity, str(amount), day=day, number=f"D-{index}")
                elif step == "close" and open_orders:
                    order = open_orders[0]
                    order.status = Commitment.Status.CLOSED
                    commitment_update(actor=None, instance=order, expected_version=order.version)
                elif step == "delete_payment":
                    payment = Disbursement.objects.order_by("pk").first()
                    if payment is not None:
                        disbursement_delete(actor=None, instance=payment)
        except DomainError:
            pass  # refused steps change nothing
        assert branch_usage(budget.envelope).used <= budget.envelope.amount
    assert_sums_match_rebuild()


# Money is never a float --------------------------------------------------------------------


def test_no_float_touches_money_in_the_budget_code():
    budget_code = Path(__file__).resolve().parents[1]
    offenders = []
    for path in budget_code.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bfloat\s*\(|FloatField|\bastype\(float|\.as_integer_ratio\b", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
