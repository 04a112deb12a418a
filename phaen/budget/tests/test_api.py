"""The budget collections of the API: roles and scope, the money rules through the services,
the spending-plan, transfer and carry-over actions, filters, the schema and query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetPolicy,
    BudgetRollup,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    DisbursementTarget,
    SpendingPlanLine,
)
from phaen.budget.services import (
    commitment_create,
    disbursement_create,
    spending_plan_set,
    transfer_request,
    year_end_close,
)
from phaen.budget.tests.factories import IN_FY2561, allocate, category, fund, small_budget
from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.core.services import object_create
from phaen.orgs.testing import make_unit
from phaen.plans.models import Project
from phaen.plans.services import version_approve, version_create_revision
from phaen.plans.tests.factories import fiscal_year

pytestmark = pytest.mark.django_db

API = "/api/v1/"
D = Decimal


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(collection, obj=None, action=None):
    path = f"{API}{collection}/" if obj is None else f"{API}{collection}/{obj.pk}/"
    return f"{path}{action}/" if action else path


def error(response):
    return response.json()["error"]


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def running_sums():
    return (
        sorted(BudgetRollup.objects.values_list("unit_id", "category_id", "original", "allocated")),
        sorted(
            BudgetMonthRollup.objects.values_list(
                "unit_id", "month", "planned", "committed", "owed", "disbursed"
            )
        ),
    )


def commit(allocation, amount, *, number="PO-1", day=date(2017, 12, 1)):
    return commitment_create(
        actor=None,
        instance=Commitment(
            allocation=allocation,
            date=day,
            document_number=number,
            amount=D(amount),
            counterpart="ร้านค้าทดสอบ",
        ),
    )


def disburse(allocation, amount, *, commitment=None, number="D-1"):
    return disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=allocation,
            commitment=commitment,
            date=IN_FY2561,
            document_number=number,
            amount=D(amount),
        ),
    )


@pytest.fixture
def budget(world):
    """Province A's envelope (1,000,000) → group A1 (300,000) → project P01 (100,000) → its
    first activity (60,000); group A1 leads the projects."""
    return small_budget(world)


@pytest.fixture
def planner(world):
    return api(world.user(Role.PLANNER, world.province_a))


@pytest.fixture
def reporter(world):
    """A reporter of the projects' lead unit."""
    return api(world.user(Role.REPORTER, world.group_a1))


def commitment_data(allocation, amount="1000.00", **values):
    return {
        "allocation": allocation.pk,
        "date": "2018-01-10",
        "document_number": "PO-61/001",
        "amount": amount,
        "counterpart": "บริษัท หนังสือดี จำกัด",
        **values,
    }


def disbursement_data(allocation, amount="1000.00", **values):
    return {
        "allocation": allocation.pk,
        "date": "2018-01-20",
        "document_number": "ขบ 0001/61",
        "amount": amount,
        **values,
    }


# Allocations by planners --------------------------------------------------------------------


def test_a_planner_allocates_down_to_a_project_and_an_activity(world, budget, planner):
    plan = budget.plan
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category("operating-materials").pk,
            "parent": budget.group.pk,
            "project": plan.other_project.pk,
            "amount": "50000.50",
            "note": "จัดสรรให้โครงการพัฒนาครู",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # A project's money belongs to its lead unit; the category's top level is kept.
    assert body["unit"] == world.group_a1.pk
    assert (body["level"], body["economic_class"]) == ("project", "current")
    assert body["top_category"] == category("operating").pk
    assert (body["original_amount"], body["amount"]) == ("50000.50", "50000.50")
    assert body["project_lineage"] == str(plan.other_project.lineage)
    assert body["fiscal_year"] == 2561
    allocation = Allocation.objects.get(pk=body["id"])
    assert allocation.tree_path.startswith(budget.group.tree_path)

    # An activity allocation names the activity only: the project comes with it.
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "parent": budget.project.pk,
            "activity": plan.activity.pk,
            "amount": "10000.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["level"], response.json()["project"]) == ("activity", plan.project.pk)

    # The group's figures show what is allocated further and what remains.
    group = planner.get(url("allocations", budget.group)).json()
    assert group["allocated_below"] == "150000.50"
    assert group["unallocated"] == "149999.50"
    assert group["available"] == "300000.00"
    assert group["disbursement_rate"] == "0.00"

    response = planner.patch(
        url("allocations", allocation),
        {"amount": "45000.00", "note": "ปรับตามวงเงินจริง", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["amount"], response.json()["version"]) == ("45000.00", 2)
    assert planner.delete(url("allocations", allocation)).status_code == 204
    assert not Allocation.objects.filter(pk=allocation.pk).exists()
    assert AuditEvent.objects.filter(action="budget.allocation.deleted").count() == 1


def test_an_envelope_can_be_deleted(world, planner):
    envelope = allocate(unit=world.school_a2, amount="1000.00")
    assert planner.delete(url("allocations", envelope)).status_code == 204
    assert not Allocation.objects.filter(pk=envelope.pk).exists()


def test_children_never_exceed_their_parent(world, budget, planner):
    before = running_sums()
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "parent": budget.envelope.pk,
            "unit": world.school_a2.pk,
            "amount": "700000.01",
        },
        format="json",
    )
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "domain_error"
    assert body["fields"]["amount"] == [body["message"]]
    assert "เหลือจัดสรรได้ 700,000.00 บาท" in body["message"]
    assert Allocation.objects.count() == 4
    assert running_sums() == before


def test_a_project_allocation_belongs_to_the_lead_unit(world, budget, planner):
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "parent": budget.group.pk,
            "project": budget.plan.other_project.pk,
            "unit": world.school_a2.pk,
            "amount": "1000.00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "เจ้าภาพหลัก" in error(response)["fields"]["unit"][0]
    response = planner.post(
        url("allocations"),
        {"fiscal_year": 2561, "fund_source": fund().pk, "category": category().pk, "amount": "1"},
        format="json",
    )
    assert error(response)["fields"] == {"unit": ["กรุณาเลือกหน่วยงานที่ได้รับจัดสรร"]}


def test_where_an_allocation_sits_is_fixed_once_created(budget, planner):
    response = planner.patch(
        url("allocations", budget.project),
        {"parent": budget.envelope.pk, "unit": 1, "fiscal_year": 2562, "note": "x", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    budget.project.refresh_from_db()
    assert (budget.project.parent_id, budget.project.note) == (budget.group.pk, "x")


def test_money_is_a_string_with_two_decimals_and_thai_digits_are_accepted(world, planner):
    fiscal_year(2561)
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "unit": world.school_a2.pk,
            "amount": "๑,๒๕๐.๕",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "1250.50"
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "unit": world.school_a2.pk,
            "amount": "12.345",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"amount"}
    response = planner.post(
        url("allocations"),
        {
            "fiscal_year": 2561,
            "fund_source": fund().pk,
            "category": category().pk,
            "unit": world.school_a2.pk,
            "amount": "หนึ่งพัน",
        },
        format="json",
    )
    assert error(response)["fields"]["amount"] == ["มีอักขระที่ไม่ใช่ตัวเลข: “ห”"]


# Commitments and disbursements by reporters of the lead unit ------------------------------------


def test_a_reporter_of_the_lead_unit_records_a_commitment_and_a_disbursement(
    world, budget, reporter
):
    response = reporter.post(
        url("commitments"), commitment_data(budget.activity, "40000.00"), format="json"
    )
    assert response.status_code == 201, response.json()
    commitment = response.json()
    assert commitment["status"] == "open"
    assert (commitment["unit"], commitment["project"]) == (
        world.group_a1.pk,
        budget.plan.project.pk,
    )
    assert (commitment["paid"], commitment["balance"]) == ("0.00", "40000.00")
    response = reporter.post(
        url("disbursements"),
        disbursement_data(budget.activity, "25000.50", commitment=commitment["id"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["date"] == "2018-01-20"
    body = reporter.get(url("commitments") + f"{commitment['id']}/").json()
    assert (body["paid"], body["balance"]) == ("25000.50", "14999.50")
    # The allocation shows disbursed and used (= disbursed + what the commitment still owes).
    figures = reporter.get(url("allocations", budget.activity)).json()
    assert (figures["disbursed"], figures["owed"], figures["used"], figures["available"]) == (
        "25000.50",
        "14999.50",
        "40000.00",
        "20000.00",
    )
    assert figures["disbursement_rate"] == "41.67"
    # The reporter closes the commitment: what it still owed returns to the allocation.
    response = reporter.patch(
        url("commitments") + f"{commitment['id']}/",
        {"status": "closed", "version": commitment["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert reporter.get(url("allocations", budget.activity)).json()["available"] == "34999.50"
    # Reporters record; they do not allocate.
    response = reporter.patch(url("allocations", budget.activity), {"note": "x", "version": 1})
    assert response.status_code == 403


def test_records_go_only_on_leaf_allocations_the_user_may_record_on(world, budget):
    reporter = api(world.user(Role.REPORTER, world.group_a1))
    # The project allocation has an activity below it: record on the activity.
    response = reporter.post(url("commitments"), commitment_data(budget.project), format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"allocation"}
    # A reporter of another unit sees the province's money but records nothing on it.
    school_reporter = api(world.user(Role.REPORTER, world.school_a2))
    response = school_reporter.post(
        url("disbursements"), disbursement_data(budget.activity), format="json"
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"allocation"}
    assert Commitment.objects.count() == Disbursement.objects.count() == 0


def test_over_spending_is_refused_with_a_thai_message_and_nothing_is_saved(world, budget, reporter):
    commit(budget.activity, "40000.00")
    before = running_sums()
    response = reporter.post(
        url("commitments"), commitment_data(budget.activity, "20000.01"), format="json"
    )
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "domain_error"
    assert body["message"] == (
        "ก่อหนี้ผูกพัน 20,000.01 บาท ทำให้ใช้จ่ายของ “อบรมครูบรรณารักษ์ · "
        "งบประมาณรายจ่ายประจำปีของสำนักงาน · งบดำเนินงาน” รวม 60,000.01 บาท เกินวงเงิน "
        "60,000.00 บาท อยู่ 0.01 บาท ระบบจึงไม่บันทึก"
    )
    assert body["fields"] == {"amount": [body["message"]]}
    response = reporter.post(
        url("disbursements"), disbursement_data(budget.activity, "20000.01"), format="json"
    )
    assert response.status_code == 400
    assert "การเบิกจ่าย 20,000.01 บาท" in error(response)["fields"]["amount"][0]
    assert Commitment.objects.count() == 1
    assert Disbursement.objects.count() == 0
    assert running_sums() == before
    assert not AuditEvent.objects.filter(action="budget.disbursement.created").exists()
    # Exactly what is left is fine.
    response = reporter.post(
        url("disbursements"), disbursement_data(budget.activity, "20000.00"), format="json"
    )
    assert response.status_code == 201, response.json()


def test_a_warn_policy_allows_over_spending_with_a_reason(world, budget, reporter):
    object_create(
        actor=None,
        instance=BudgetPolicy(
            unit=world.province_a, unit_path=world.province_a.path, overspend_mode="warn"
        ),
    )
    data = commitment_data(budget.activity, "60000.01")
    response = reporter.post(url("commitments"), data, format="json")
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["override_reason"]
    assert "ให้ระบุเหตุผล" in error(response)["message"]
    reason = "สัญญาจ้างเดิมปรับราคาตามค่า K ได้รับอนุมัติแล้ว"
    response = reporter.post(url("commitments"), {**data, "override_reason": reason}, format="json")
    assert response.status_code == 201, response.json()
    event = AuditEvent.objects.get(action="budget.commitment.created")
    assert event.reason == reason


def test_a_stale_patch_is_refused_with_409(budget, planner, reporter):
    commitment = commit(budget.activity, "1000.00")
    assert (
        reporter.patch(
            url("commitments", commitment), {"counterpart": "ร้านใหม่", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = reporter.patch(
        url("commitments", commitment), {"counterpart": "ร้านเก่า", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert error(response)["code"] == "stale_edit"
    commitment.refresh_from_db()
    assert commitment.counterpart == "ร้านใหม่"
    response = planner.patch(
        url("allocations", budget.group), {"note": "x"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 409
    response = planner.patch(url("allocations", budget.group), {"note": "x"}, format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"version"}


def test_new_commitments_are_open_and_only_year_end_carries_them_over(budget, reporter):
    response = reporter.post(
        url("commitments"), commitment_data(budget.activity, status="closed"), format="json"
    )
    assert set(error(response)["fields"]) == {"status"}
    commitment = commit(budget.activity, "1000.00")
    response = reporter.patch(
        url("commitments", commitment), {"status": "carried_over", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "การปิดปีงบประมาณ" in error(response)["fields"]["status"][0]


def test_a_viewer_reads_but_gets_403_on_writes(world, budget):
    viewer = api(world.user(Role.VIEWER, world.province_a))
    commitment = commit(budget.activity, "1000.00")
    assert budget.activity.pk in ids(viewer.get(url("allocations")))
    assert viewer.get(url("commitments", commitment)).status_code == 200
    writes = [
        viewer.post(url("commitments"), commitment_data(budget.activity), format="json"),
        viewer.post(url("disbursements"), disbursement_data(budget.activity), format="json"),
        viewer.patch(url("commitments", commitment), {"amount": "2", "version": 1}),
        viewer.delete(url("commitments", commitment)),
        viewer.patch(url("allocations", budget.group), {"note": "x", "version": 1}),
        viewer.post(
            url("allocations", budget.activity, "spending-plan"),
            {"spread": "evenly"},
            format="json",
        ),
        viewer.post(
            url("transfers"),
            {"source": budget.project.pk, "target": budget.group.pk, "amount": "1", "reason": "x"},
            format="json",
        ),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert {error(response)["code"] for response in writes} == {"permission_denied"}


def test_another_provinces_money_is_404(world, budget):
    outsider = api(world.user(Role.PLANNER, world.province_b))
    commitment = commit(budget.activity, "1000.00")
    for collection, obj in (
        ("allocations", budget.envelope),
        ("commitments", commitment),
    ):
        assert obj.pk not in ids(outsider.get(url(collection)))
        assert outsider.get(url(collection, obj)).status_code == 404
        assert outsider.patch(url(collection, obj), {"version": 1}).status_code == 404
    response = outsider.get(url("allocations", budget.activity, "spending-plan"))
    assert response.status_code == 404


def test_anonymous_visitors_read_only_the_cabinet_targets(budget):
    anonymous = api()
    for collection in (
        "fund-sources",
        "expense-categories",
        "allocations",
        "spending-plans",
        "commitments",
        "disbursements",
        "transfers",
        "carry-overs",
        "lapses",
        "budget-policies",
    ):
        response = anonymous.get(url(collection))
        assert response.status_code == 401, collection
        assert error(response)["code"] == "not_authenticated"
    response = anonymous.get(url("disbursement-targets"), {"fiscal_year": 2561})
    assert response.status_code == 200
    rows = {(row["period"], row["scope"]): row["percent"] for row in response.json()["results"]}
    assert rows == {
        ("Q2", "overall"): "52.29",
        ("Q3", "overall"): "74.29",
        ("Q3", "current"): "77.00",
        ("Q3", "capital"): "65.11",
    }
    target = DisbursementTarget.objects.get(fiscal_year=2561, period="Q2", scope="overall")
    assert anonymous.patch(url("disbursement-targets", target), {"percent": "1"}).status_code == 401


# Spending plans ------------------------------------------------------------------------------


def test_a_whole_spending_plan_is_set_in_one_call(world, budget, reporter):
    plan_url = url("allocations", budget.activity, "spending-plan")
    response = reporter.post(
        plan_url,
        {"months": {"2018-01": "20000.00", "2018-02": "25000", "2018-03-01": "๑๕,๐๐๐"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["amount"], body["planned"], body["fiscal_year"]) == ("60000.00", "60000.00", 2561)
    assert len(body["months"]) == 12
    assert body["months"][0] == {"month": "2017-10-01", "amount": "0.00", "cumulative": "0.00"}
    assert body["months"][4] == {
        "month": "2018-02-01",
        "amount": "25000.00",
        "cumulative": "45000.00",
    }
    assert body["quarters"] == [
        {"quarter": 1, "amount": "0.00", "cumulative": "0.00"},
        {"quarter": 2, "amount": "60000.00", "cumulative": "60000.00"},
        {"quarter": 3, "amount": "0.00", "cumulative": "60000.00"},
        {"quarter": 4, "amount": "0.00", "cumulative": "60000.00"},
    ]
    assert reporter.get(plan_url).json() == body
    lines = reporter.get(url("spending-plans"), {"allocation": budget.activity.pk}).json()
    assert [(row["month"], row["amount"]) for row in lines["results"]] == [
        ("2018-01-01", "20000.00"),
        ("2018-02-01", "25000.00"),
        ("2018-03-01", "15000.00"),
    ]
    assert AuditEvent.objects.filter(action="budget.spendingplan.updated").count() == 1


def test_a_spending_plan_that_does_not_add_up_is_refused_in_thai(budget, reporter):
    plan_url = url("allocations", budget.activity, "spending-plan")
    reporter.post(plan_url, {"spread": "evenly"}, format="json")
    before = list(SpendingPlanLine.objects.values_list("month", "amount"))
    response = reporter.post(
        plan_url, {"months": {"2018-01": "30000.00", "2018-02": "25000.00"}}, format="json"
    )
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "domain_error"
    assert body["message"] == (
        "แผนการใช้จ่ายรวม 55,000.00 บาท ไม่เท่ากับวงเงิน 60,000.00 บาท (ขาดอีก 5,000.00 บาท)"
    )
    assert body["fields"] == {"months": [body["message"]]}
    assert list(SpendingPlanLine.objects.values_list("month", "amount")) == before
    response = reporter.post(plan_url, {"months": {"2019-01": "60000.00"}}, format="json")
    assert "ปีงบประมาณของการจัดสรร" in error(response)["fields"]["months"][0]
    response = reporter.post(plan_url, {"months": {"มกราคม": "60000"}}, format="json")
    assert error(response)["code"] == "validation_error"
    assert "ไม่ใช่เดือน" in error(response)["fields"]["months"][0]
    response = reporter.post(plan_url, {}, format="json")
    assert error(response)["fields"] == {
        "non_field_errors": ["ระบุ months หรือ spread อย่างใดอย่างหนึ่ง"]
    }


def test_spending_plans_can_be_spread_evenly_or_by_activity(budget, planner):
    response = planner.post(
        url("allocations", budget.envelope, "spending-plan"), {"spread": "evenly"}, format="json"
    )
    assert response.status_code == 200, response.json()
    amounts = {month["amount"] for month in response.json()["months"]}
    assert amounts == {"83333.33", "83333.34"}
    response = planner.post(
        url("allocations", budget.activity, "spending-plan"),
        {"spread": "activities"},
        format="json",
    )
    # The activity runs January to March 2018.
    planned = [m["amount"] for m in response.json()["months"]]
    assert planned == ["0.00"] * 3 + ["20000.00"] * 3 + ["0.00"] * 6


# Transfers -----------------------------------------------------------------------------------


@pytest.fixture
def second_project(budget):
    """P02's allocation of 50,000 beside P01's, under group A1."""
    return allocate(amount="50000.00", parent=budget.group, project=budget.plan.other_project)


def test_a_transfer_is_requested_then_approved(world, budget, second_project, planner):
    response = planner.post(
        url("transfers"),
        {
            "source": budget.project.pk,
            "target": second_project.pk,
            "amount": "10000.00",
            "reason": "โครงการพัฒนาครูขยายกลุ่มเป้าหมาย",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    transfer = response.json()
    assert (transfer["status"], transfer["unit"], transfer["fiscal_year"]) == (
        "requested",
        world.group_a1.pk,
        2561,
    )
    assert transfer["requested_by"] == world.user(Role.PLANNER, world.province_a).pk
    # Nothing moves until an approver decides; planners do not approve.
    approve_url = f"{url('transfers')}{transfer['id']}/approve/"
    response = planner.post(approve_url, {"version": 1}, format="json")
    assert response.status_code == 403
    approver = api(world.user(Role.APPROVER, world.province_a))
    assert approver.post(approve_url, {"version": 0}, format="json").status_code == 409
    response = approver.post(approve_url, {"version": 1, "note": "เห็นชอบ"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["decision_note"], body["version"]) == ("approved", "เห็นชอบ", 2)
    assert body["approval_unit"] == world.province_a.pk
    assert body["decided_by_name"] == world.user(Role.APPROVER, world.province_a).full_name
    source = planner.get(url("allocations", budget.project)).json()
    target = planner.get(url("allocations", second_project)).json()
    assert (source["original_amount"], source["amount"]) == ("100000.00", "90000.00")
    assert (target["original_amount"], target["amount"]) == ("50000.00", "60000.00")
    response = approver.post(approve_url, {"version": 2}, format="json")
    assert response.status_code == 400
    assert "พิจารณาไปแล้ว" in error(response)["message"]
    # A request is decided, not edited or deleted.
    assert planner.patch(url("transfers") + f"{transfer['id']}/", {}).status_code == 405
    assert planner.delete(url("transfers") + f"{transfer['id']}/").status_code == 405


def test_a_transfer_is_rejected_with_a_reason(world, budget, second_project):
    transfer = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.project, target=second_project, amount=D("5000.00"), reason="ขอโอน"
        ),
    )
    approver = api(world.user(Role.APPROVER, world.province_a))
    reject_url = url("transfers", transfer, "reject")
    response = approver.post(reject_url, {"version": 1}, format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {"note": ["กรุณาระบุเหตุผลที่ไม่อนุมัติ"]}
    response = approver.post(reject_url, {"version": 1, "note": "ไม่มีความจำเป็น"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected"
    budget.project.refresh_from_db()
    assert budget.project.amount == D("100000.00")
    # An approver of another province does not even see it.
    outsider = api(world.user(Role.APPROVER, world.province_b))
    assert outsider.post(url("transfers", transfer, "approve"), {"version": 2}).status_code == 404


def test_a_transfer_cannot_take_more_than_is_free(budget, second_project, planner):
    commit(budget.activity, "50000.00")
    response = planner.post(
        url("transfers"),
        {
            "source": budget.project.pk,
            "target": second_project.pk,
            "amount": "40000.01",
            "reason": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "โอนออกได้ไม่เกิน 40,000.00 บาท" in error(response)["fields"]["amount"][0]
    assert BudgetTransfer.objects.count() == 0
    response = planner.post(
        url("transfers"),
        {"source": budget.project.pk, "target": budget.project.pk, "amount": "1", "reason": "x"},
        format="json",
    )
    assert set(error(response)["fields"]) == {"target"}


# Year end ------------------------------------------------------------------------------------


@pytest.fixture
def closed_year(world, budget):
    fiscal_year(2562)
    commitment = commit(budget.activity, "30000.00", number="สัญญา 5/2561")
    disburse(budget.activity, "10000.00", commitment=commitment)
    return year_end_close(actor=None, unit=world.province_a, fiscal_year=fiscal_year(2561))


def test_carry_overs_are_read_and_their_deadline_extended(world, closed_year):
    carried = closed_year.carried[0]
    planner = api(world.user(Role.PLANNER, world.province_a))
    body = planner.get(url("carry-overs", carried)).json()
    assert (body["amount"], body["deadline"], body["effective_deadline"]) == (
        "20000.00",
        "2019-03-31",
        "2019-03-31",
    )
    assert (body["document_number"], body["fiscal_year"]) == ("สัญญา 5/2561", 2561)
    extend = url("carry-overs", carried, "extend")
    viewer = api(world.user(Role.VIEWER, world.province_a))
    data = {
        "version": 1,
        "extended_deadline": "2019-09-30",
        "extension_reference": "กค 0402.2/1234",
    }
    assert viewer.post(extend, data, format="json").status_code == 403
    response = planner.post(extend, {**data, "extended_deadline": "2019-03-01"}, format="json")
    assert error(response)["fields"] == {"extended_deadline": ["วันที่ขยายต้องหลังกำหนดเดิม"]}
    approver = api(world.user(Role.APPROVER, world.province_a))
    response = approver.post(extend, data, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["effective_deadline"], response.json()["extension_reference"]) == (
        "2019-09-30",
        "กค 0402.2/1234",
    )
    assert planner.post(url("carry-overs"), {}, format="json").status_code == 405
    # The remainder lapsed, on record.
    lapses = planner.get(url("lapses"), {"fiscal_year": 2561}).json()["results"]
    assert {(row["allocation"], row["amount"]) for row in lapses} >= {
        (closed_year.lapsed[0].allocation_id, str(closed_year.lapsed[0].amount))
    }


# Reference data and policies ------------------------------------------------------------------


def test_reference_data_is_written_at_the_top_only(world):
    top = api(world.user(Role.PLANNER, world.root))
    below = api(world.user(Role.PLANNER, world.province_a))
    data = {"code": "donation", "name": "เงินบริจาค", "kind": "off_budget", "order": 70}
    assert below.post(url("fund-sources"), data, format="json").status_code == 403
    assert top.post(url("fund-sources"), data, format="json").status_code == 201
    response = below.get(url("expense-categories"), {"top_level": "true"})
    assert [row["name"] for row in response.json()["results"]] == [
        "งบบุคลากร",
        "งบดำเนินงาน",
        "งบลงทุน",
        "งบเงินอุดหนุน",
        "งบรายจ่ายอื่น",
    ]
    item = {
        "code": "too-deep",
        "name": "รายการย่อยของรายการ",
        "parent": category("operating-materials").pk,
        "economic_class": "current",
    }
    response = top.post(url("expense-categories"), item, format="json")
    assert error(response)["fields"] == {
        "parent": ["งบรายจ่ายมีสองระดับ: รายการต้องอยู่ใต้งบรายจ่ายระดับบน"]
    }
    response = top.post(
        url("disbursement-targets"),
        {"fiscal_year": 2561, "period": "Q2", "scope": "overall", "percent": "50"},
        format="json",
    )
    assert response.status_code == 400
    response = top.post(
        url("disbursement-targets"),
        {"fiscal_year": 2561, "period": "Q5", "scope": "overall", "percent": "50"},
        format="json",
    )
    assert set(error(response)["fields"]) == {"period"}


def test_a_category_in_use_keeps_its_level_and_economic_class(world, budget):
    top = api(world.user(Role.PLANNER, world.root))
    operating = category("operating")
    response = top.patch(
        url("expense-categories", operating),
        {"economic_class": "capital", "version": operating.version},
        format="json",
    )
    assert response.status_code == 400
    assert "ลักษณะเศรษฐกิจ" in error(response)["fields"]["non_field_errors"][0]
    response = top.patch(
        url("expense-categories", operating),
        {"name": "งบดำเนินงาน (ปรับชื่อ)", "version": operating.version},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_a_budget_policy_belongs_to_its_unit(world, planner):
    data = {"unit": world.group_a1.pk, "overspend_mode": "warn", "behind_points": "10"}
    response = planner.post(
        url("budget-policies"), {**data, "far_behind_points": "5"}, format="json"
    )
    assert error(response)["fields"] == {
        "far_behind_points": ["เกณฑ์ “ล่าช้ามาก” ต้องไม่น้อยกว่าเกณฑ์ “ล่าช้า”"]
    }
    response = planner.post(
        url("budget-policies"), {**data, "far_behind_points": "20"}, format="json"
    )
    assert response.status_code == 201, response.json()
    policy = BudgetPolicy.objects.get(pk=response.json()["id"])
    assert policy.unit_path == world.group_a1.path
    response = planner.post(
        url("budget-policies"), {**data, "far_behind_points": "20"}, format="json"
    )
    assert response.status_code == 400
    outsider = api(world.user(Role.PLANNER, world.province_b))
    assert outsider.get(url("budget-policies", policy)).status_code == 404


# Filters -------------------------------------------------------------------------------------


def test_filters(world, budget, second_project):
    planner = api(world.user(Role.PLANNER, world.province_a))
    # Equipment money comes from an investment envelope (children stay in their parent's งบ).
    equipment = allocate(unit=world.province_a, amount="5000.00", category_code="investment")
    school = allocate(
        unit=world.school_a2,
        amount="5000.00",
        parent=equipment,
        category_code="investment-equipment",
    )
    off_budget = allocate(unit=world.province_a, amount="7000.00", fund_code="off-budget")
    first = commit(budget.activity, "1000.00", number="PO-A", day=date(2017, 11, 1))
    second = commit(school, "2000.00", number="PO-B", day=date(2018, 3, 1))
    commitment_update_status = planner.patch(
        url("commitments", second), {"status": "cancelled", "version": 1}, format="json"
    )
    assert commitment_update_status.status_code == 200

    def allocations(**params):
        return ids(planner.get(url("allocations"), params))

    everything = {budget.envelope.pk, budget.group.pk, budget.project.pk, budget.activity.pk}
    everything |= {second_project.pk, equipment.pk, school.pk, off_budget.pk}
    assert allocations(fiscal_year=2561) == everything
    assert allocations(fiscal_year=2562) == set()
    assert allocations(unit=world.group_a1.pk) == {
        budget.group.pk,
        budget.project.pk,
        budget.activity.pk,
        second_project.pk,
    }
    assert allocations(fund_source=fund("off-budget").pk) == {off_budget.pk}
    assert allocations(category=category("investment").pk) == {equipment.pk, school.pk}
    assert allocations(category=category("investment-equipment").pk) == {school.pk}
    assert allocations(project=budget.plan.project.pk) == {budget.project.pk, budget.activity.pk}
    assert allocations(project=str(budget.plan.project.lineage)) == {
        budget.project.pk,
        budget.activity.pk,
    }
    assert allocations(level="activity") == {budget.activity.pk}
    assert allocations(leaf="true") == {
        budget.activity.pk,
        second_project.pk,
        school.pk,
        off_budget.pk,
    }
    assert allocations(parent=budget.group.pk) == {budget.project.pk, second_project.pk}

    def commitments(**params):
        return ids(planner.get(url("commitments"), params))

    assert commitments(status="open") == {first.pk}
    assert commitments(status="cancelled") == {second.pk}
    assert commitments(date_from="1/1/2561") == {second.pk}  # BE: 1 January 2018
    assert commitments(date_to="2017-11-30") == {first.pk}
    assert commitments(unit=world.school_a2.pk) == {second.pk}
    assert commitments(project=budget.plan.project.pk) == {first.pk}
    assert commitments(category=category("investment").pk) == {second.pk}
    response = planner.get(url("commitments"), {"date_from": "31/2/2561"})
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"date_from"}
    response = planner.get(url("allocations"), {"project": "โครงการ"})
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"project"}


def test_money_follows_a_project_into_later_plan_versions(world, budget, planner):
    version = budget.plan.version
    version_approve(actor=None, version=version, expected_version=version.version)
    version.refresh_from_db()
    revision = version_create_revision(actor=None, source=version)
    copy = Project.objects.get(plan_version=revision, lineage=budget.plan.project.lineage)
    response = planner.get(url("allocations"), {"project": copy.pk})
    assert ids(response) == {budget.project.pk, budget.activity.pk}


# Schema and query counts ---------------------------------------------------------------------

BUDGET_PATHS = [
    "/api/v1/fund-sources/",
    "/api/v1/expense-categories/",
    "/api/v1/allocations/",
    "/api/v1/allocations/{id}/spending-plan/",
    "/api/v1/spending-plans/",
    "/api/v1/commitments/",
    "/api/v1/disbursements/",
    "/api/v1/transfers/",
    "/api/v1/transfers/{id}/approve/",
    "/api/v1/transfers/{id}/reject/",
    "/api/v1/carry-overs/",
    "/api/v1/carry-overs/{id}/extend/",
    "/api/v1/lapses/",
    "/api/v1/disbursement-targets/",
    "/api/v1/budget-policies/",
]


def test_the_schema_is_valid_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert warnings == {}
    validate_schema(schema)
    paths = schema["paths"]
    for path in BUDGET_PATHS:
        assert path in paths, path
    assert set(paths["/api/v1/allocations/{id}/spending-plan/"]) >= {"get", "post"}
    assert "post" not in paths["/api/v1/spending-plans/"]
    assert "post" not in paths["/api/v1/carry-overs/"]
    assert not {"put", "patch", "delete"} & set(paths["/api/v1/transfers/{id}/"])
    params = {p["name"] for p in paths["/api/v1/commitments/"]["get"]["parameters"]}
    assert {
        "fiscal_year",
        "unit",
        "fund_source",
        "category",
        "project",
        "status",
        "date_from",
        "date_to",
    } <= params
    properties = schema["components"]["schemas"]["Allocation"]["properties"]
    for name in ("amount", "original_amount", "used", "disbursed", "available"):
        assert (properties[name]["type"], properties[name]["format"]) == ("string", "decimal")
    assert properties["used"]["readOnly"] is True


def grow(world, budget, count, start):
    """``count`` more allocations under group A1, each with a spending plan, a commitment, a
    disbursement against it and a transfer; and as many units whose year was closed (a
    carry-over and a lapse each)."""
    fiscal_year(2562)
    for index in range(start, start + count):
        allocation = allocate(amount="1000.00", parent=budget.group, unit=world.group_a1)
        spending_plan_set(
            actor=None, allocation=allocation, amounts={date(2018, 1, 1): D("1000.00")}
        )
        commitment = commit(allocation, "600.00", number=f"PO-{index}")
        disburse(allocation, "100.00", commitment=commitment, number=f"D-{index}")
        transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=allocation, target=budget.activity, amount=D("100.00"), reason=f"โอน {index}"
            ),
        )
        unit = make_unit(f"โรงเรียนที่ {index}", world.province_a, "school")
        envelope = allocate(unit=unit, amount="500.00")
        commit(envelope, "200.00", number=f"สัญญา-{index}")
        year_end_close(actor=None, unit=unit, fiscal_year=fiscal_year(2561))


@pytest.mark.parametrize(
    "collection",
    [
        "allocations",
        "spending-plans",
        "commitments",
        "disbursements",
        "transfers",
        "carry-overs",
        "lapses",
        "budget-policies",
    ],
)
def test_lists_run_a_constant_number_of_queries(collection, world, budget):
    client = api(world.user(Role.PLANNER, world.province_a))
    client.get(url(collection))

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url(collection), {"page_size": 500})
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    grow(world, budget, 2, 0)
    small, small_rows = count()
    grow(world, budget, 4, 2)
    large, large_rows = count()
    if collection != "budget-policies":
        assert large_rows > small_rows
    assert small == large, (small, large)
    assert large <= 8


def test_the_carry_over_count_is_what_year_end_recorded(world, closed_year):
    planner = api(world.user(Role.PLANNER, world.province_a))
    response = planner.get(url("carry-overs"), {"unit": world.group_a1.pk})
    assert ids(response) == {c.pk for c in CarryOver.objects.all()}
