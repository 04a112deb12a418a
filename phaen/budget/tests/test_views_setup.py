"""Budget setup pages through HTTP: reference data, the allocation tree, allocating and its
refusals, monthly spending plans, transfers with their approval, and the year end — for an
in-scope planner, a reporter, an approver, an out-of-scope planner and anonymous visitors.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    DisbursementTarget,
    FundSource,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.services import (
    commitment_create,
    disbursement_create,
    spending_plan_set,
    transfer_approve,
    transfer_request,
)
from phaen.budget.tests.factories import IN_FY2561, allocate, small_budget
from phaen.core.access import Role
from phaen.core.fiscal import SESSION_KEY
from phaen.core.models import AuditEvent
from phaen.core.services import object_create
from phaen.plans.tests.factories import fiscal_year
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db

MONTHS = [month.start for month in FiscalPeriod(2561).months()]


def html(response):
    return response.content.decode()


def field_errors(page, name):
    """The error list rendered under one field of a form."""
    match = re.search(
        r'<div class="field[^"]*has-error[^"]*">(?:(?!<div class="field).)*?'
        rf'name="{name}"(.*?)</div>',
        page,
        re.S,
    )
    return match[1] if match else ""


def form_errors(page):
    """The box of errors above a form (messages that belong to no single field)."""
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    return match[1] if match else ""


@pytest.fixture
def budget(world):
    return small_budget(world)


@pytest.fixture
def people(world):
    class People:
        planner = world.user(Role.PLANNER, world.province_a)
        approver = world.user(Role.APPROVER, world.province_a)
        reporter = world.user(Role.REPORTER, world.group_a1)
        viewer = world.user(Role.VIEWER, world.province_a)
        outsider = world.user(Role.PLANNER, world.province_b)
        top_admin = world.user(Role.ADMIN, world.root)

    return People


def choose_year(client, year):
    """As if chosen in the header's fiscal-year switch."""
    session = client.session
    session[SESSION_KEY] = year
    session.save()


def tree_url(unit, year=2561):
    return f"{reverse('budget:allocation_list')}?unit={unit.pk}&fiscal_year={year}"


def detail(allocation):
    return reverse("budget:allocation", args=[allocation.pk])


# Who sees what -------------------------------------------------------------------------------


def test_the_tree_of_a_unit_shows_every_figure_indented(client, budget, people, world):
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
            amount=Decimal("25000.00"),
        ),
    )
    client.force_login(people.planner)
    page = html(client.get(tree_url(world.province_a)))
    rows = re.findall(r'<tr class="alloc-depth-(\d)[^"]*">(.*?)</tr>', page, re.S)
    depths = [int(depth) for depth, _row in rows]
    assert depths == [0, 1, 2, 3]  # envelope → work group → project → activity
    envelope = re.findall(r'<td class="numeric[^"]*">([^<]*)</td>', rows[0][1])
    # original, after transfers, allocated further, unallocated, used, disbursed, available
    assert envelope == [
        "1,000,000.00",
        "1,000,000.00",
        "300,000.00",
        "700,000.00",
        "40,000.00",
        "25,000.00",
        "960,000.00",
    ]
    assert "โครงการส่งเสริมการอ่าน" in rows[2][1]
    assert "อบรมครูบรรณารักษ์" in rows[3][1]
    assert "สร้างวงเงินของหน่วยงาน" in page


def test_the_tree_opens_on_the_users_unit_and_the_headers_year(client, budget, people, world):
    client.force_login(people.reporter)  # group A1: its money comes from the office's envelope
    choose_year(client, 2561)
    page = html(client.get(reverse("budget:allocation_list")))
    assert world.group_a1.name in page
    assert "โครงการส่งเสริมการอ่าน" in page
    assert "1,000,000.00" not in page  # the office's envelope is not the group's
    assert "สร้างวงเงินของหน่วยงาน" not in page  # reporters do not allocate
    fiscal_year(2562)
    assert "ยังไม่มีการจัดสรรงบประมาณ" in html(client.get(tree_url(world.group_a1, 2562)))
    assert "ยังไม่มีปีงบประมาณที่เลือกในระบบ" in html(client.get(tree_url(world.group_a1, 2563)))


def test_a_reporter_reads_allocations_but_cannot_allocate(client, budget, people):
    client.force_login(people.reporter)
    page = html(client.get(detail(budget.group)))
    assert "300,000.00" in page
    assert "จัดสรรต่อ</a>" not in page
    assert reverse("budget:allocation_edit", args=[budget.group.pk]) not in page
    add = f"{reverse('budget:allocation_add')}?parent={budget.group.pk}"
    assert client.get(add).status_code == 403
    assert client.post(add, {"kind": "unit", "amount": "1"}).status_code == 403
    assert client.get(reverse("budget:allocation_edit", args=[budget.group.pk])).status_code == 403
    assert client.get(reverse("budget:budgettransfer_add")).status_code == 403
    assert client.get(reverse("budget:yearend")).status_code == 200  # the preview is readable
    assert "ยืนยันการปิดปีงบประมาณ" not in html(client.get(reverse("budget:yearend")))


def test_an_out_of_scope_planner_gets_404(client, budget, people, world):
    transfer = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.project,
            target=allocate(amount="10000.00", parent=budget.group),
            amount=Decimal("1000.00"),
            reason="ทดสอบ",
        ),
    )
    client.force_login(people.outsider)
    for url in [
        detail(budget.envelope),
        reverse("budget:allocation_edit", args=[budget.envelope.pk]),
        reverse("budget:allocation_delete", args=[budget.activity.pk]),
        reverse("budget:allocation_history", args=[budget.envelope.pk]),
        reverse("budget:allocation_spending_plan", args=[budget.project.pk]),
        f"{reverse('budget:allocation_add')}?parent={budget.envelope.pk}",
        tree_url(world.province_a),
        reverse("budget:budgettransfer", args=[transfer.pk]),
        f"{reverse('budget:yearend')}?unit={world.province_a.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    approve = reverse("budget:budgettransfer_approve", args=[transfer.pk])
    assert client.post(approve, {"version": transfer.version}).status_code == 404
    assert "ทดสอบ" not in html(client.get(reverse("budget:budgettransfer_list")))


def test_anonymous_visitors_are_sent_to_log_in(client, budget):
    for url in [
        reverse("budget:setup"),
        reverse("budget:allocation_list"),
        detail(budget.envelope),
        reverse("budget:allocation_spending_plan", args=[budget.project.pk]),
        reverse("budget:budgettransfer_list"),
        reverse("budget:budgettransfer_add"),
        reverse("budget:yearend"),
        reverse("budget:carryover_list"),
        reverse("budget:fundsource_list"),
        reverse("budget:budgetpolicy_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


# Allocating -----------------------------------------------------------------------------------


def test_a_planner_creates_an_envelope_and_allocates_it_down(client, budget, people, world):
    client.force_login(people.planner)
    year = fiscal_year(2561)
    response = client.post(
        reverse("budget:allocation_add"),
        {
            "fiscal_year": year.pk,
            "unit": world.school_a2.pk,
            "fund_source": FundSource.objects.get(code="off-budget").pk,
            "category": budget.envelope.category_id,
            "amount": "๑,๒๐๐,๐๐๐.๕๐",  # Thai digits and separators
            "note": "เงินบริจาค",
        },
    )
    envelope = Allocation.objects.get(note="เงินบริจาค")
    assert response.status_code == 302
    assert response["Location"] == detail(envelope)
    assert (envelope.amount, envelope.original_amount) == (
        Decimal("1200000.50"),
        Decimal("1200000.50"),
    )
    assert envelope.level == Allocation.Level.UNIT
    assert envelope.parent is None

    add = f"{reverse('budget:allocation_add')}?parent={budget.group.pk}"
    page = html(client.get(add))
    assert budget.plan.project.name in page  # the projects led inside the group
    assert budget.plan.activity.name in page
    client.post(
        add,
        {
            "kind": "project",
            "project": budget.plan.other_project.pk,
            "category": budget.group.category_id,
            "amount": "50,000",
        },
    )
    project = Allocation.objects.get(project=budget.plan.other_project)
    assert project.level == Allocation.Level.PROJECT
    assert project.unit == world.group_a1  # the project's lead unit
    assert project.parent == budget.group

    response = client.post(
        f"{reverse('budget:allocation_add')}?parent={project.pk}",
        {
            "kind": "activity",
            "activity": budget.plan.activity.pk,
            "category": project.category_id,
            "amount": "1",
        },
    )
    # An activity of another project is not among the choices of this project's allocation.
    assert response.status_code == 400
    assert "กรุณาเลือกกิจกรรม" in field_errors(html(response), "activity")


def test_allocating_more_than_is_left_is_refused_on_the_amount(client, budget, people, world):
    client.force_login(people.planner)
    add = f"{reverse('budget:allocation_add')}?parent={budget.envelope.pk}"
    response = client.post(
        add,
        {
            "kind": "unit",
            "unit": world.school_a2.pk,
            "category": budget.envelope.category_id,
            "amount": "700,000.01",
        },
    )
    assert response.status_code == 400
    page = html(response)
    errors = field_errors(page, "amount")
    assert "จัดสรรเกินวงเงินของ" in errors
    assert "เหลือจัดสรรได้ 700,000.00 บาท" in errors
    assert 'value="700,000.01"' in page  # the input is kept
    assert not Allocation.objects.filter(unit=world.school_a2).exists()


def test_corrections_below_what_is_allocated_further_are_refused(client, budget, people):
    client.force_login(people.planner)
    url = reverse("budget:allocation_edit", args=[budget.group.pk])
    response = client.post(
        url,
        {
            "category": budget.group.category_id,
            "amount": "99,999.99",
            "note": "ลดวงเงิน",
            "version": budget.group.version,
        },
    )
    assert response.status_code == 400
    errors = field_errors(html(response), "amount")
    assert "ลดวงเงินได้ไม่ต่ำกว่า 100,000.00 บาท" in errors
    assert 'value="99,999.99"' in html(response)
    budget.group.refresh_from_db()
    assert budget.group.amount == Decimal("300000.00")

    response = client.post(
        url,
        {
            "category": budget.group.category_id,
            "amount": "250,000",
            "note": "ปรับตามจริง",
            "version": budget.group.version,
        },
    )
    assert response.status_code == 302
    budget.group.refresh_from_db()
    assert (budget.group.amount, budget.group.original_amount) == (Decimal("250000.00"),) * 2
    assert AuditEvent.objects.filter(
        action="budget.allocation.updated", actor=people.planner
    ).exists()


def test_only_empty_allocations_are_deleted(client, budget, people):
    client.force_login(people.planner)
    page = html(client.get(detail(budget.group)))
    assert reverse("budget:allocation_delete", args=[budget.group.pk]) not in page  # has children
    response = client.post(
        reverse("budget:allocation_delete", args=[budget.group.pk]),
        {"version": budget.group.version},
    )
    assert response.status_code == 400
    assert "ไม่ได้ เพราะยังมีข้อมูลที่อ้างถึงอยู่" in html(response)
    assert Allocation.objects.filter(pk=budget.group.pk).exists()

    url = reverse("budget:allocation_delete", args=[budget.activity.pk])
    assert url in html(client.get(detail(budget.activity)))
    response = client.post(url, {"version": budget.activity.version, "reason": "ซ้ำ"})
    assert response.status_code == 302
    assert response["Location"] == detail(budget.project)  # back to where it came from
    assert not Allocation.objects.filter(pk=budget.activity.pk).exists()


def test_the_tree_page_makes_the_same_number_of_queries_for_5_or_30_allocations(
    client, budget, people, world
):
    client.force_login(people.planner)
    url = tree_url(world.province_a)
    client.get(url)  # the first request of a session also stores the idle timer

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()  # 4 allocations + 1 below
    allocate(amount="1000.00", parent=budget.group)
    assert count() == few
    for number in range(25):
        allocate(amount="1000.00", parent=budget.group, category_code="operating-materials")
        if number % 5 == 0:
            commitment_create(
                actor=None,
                instance=Commitment(
                    allocation=budget.activity,
                    date=IN_FY2561,
                    document_number=f"PO-{number}",
                    amount=Decimal("100.00"),
                    counterpart="ร้าน",
                ),
            )
    assert Allocation.objects.count() == 30
    assert count() == few


# Spending plans -------------------------------------------------------------------------------


def plan_data(amounts, reason=""):
    data = {f"m{index:02d}": amount for index, amount in enumerate(amounts, start=1)}
    data["reason"] = reason
    return data


def test_the_grid_fills_evenly_and_saves_through_the_service(client, budget, people):
    client.force_login(people.planner)
    url = reverse("budget:allocation_spending_plan", args=[budget.activity.pk])
    page = html(client.get(url))
    for label in ("ตุลาคม 2560", "กันยายน 2561", "ไตรมาส 1", "ไตรมาส 4"):
        assert label in page
    assert "กระจายเท่ากันทุกเดือน" in page
    assert "ตามกำหนดการของกิจกรรม" in page
    even = html(client.get(url, {"fill": "even"}))
    assert even.count('value="5,000.00"') == 12  # 60,000 over twelve months, not yet saved
    assert "ยังไม่ได้บันทึก" in even
    assert not SpendingPlanLine.objects.exists()
    by_activities = html(client.get(url, {"fill": "activities"}))
    assert by_activities.count('value="20,000.00"') == 3  # the activity runs Jan–Mar 2561

    amounts = ["5,000"] * 11 + ["๕,๐๐๐"]
    response = client.post(url, plan_data(amounts, reason="แผนต้นปี"))
    assert response.status_code == 302
    assert response["Location"] == detail(budget.activity) + "#spending-plan"
    lines = dict(
        SpendingPlanLine.objects.filter(allocation=budget.activity).values_list("month", "amount")
    )
    assert lines == dict.fromkeys(MONTHS, Decimal("5000.00"))
    page = html(client.get(detail(budget.activity)))
    assert "รวมไตรมาส 2" in page
    assert "30,000.00" in page  # cumulative at the end of Q2
    assert "เท่ากับวงเงิน" in page
    history = html(client.get(reverse("budget:allocation_history", args=[budget.activity.pk])))
    assert "แผนการใช้จ่าย ต.ค. 60" in history  # month by month, BE, in baht
    assert "5,000.00" in history
    assert "แผนต้นปี" in history


def test_a_plan_that_does_not_add_up_is_refused_with_the_services_message(client, budget, people):
    client.force_login(people.planner)
    url = reverse("budget:allocation_spending_plan", args=[budget.activity.pk])
    amounts = ["5,000"] * 11 + ["4,000.50"]
    response = client.post(url, plan_data(amounts))
    assert response.status_code == 400
    page = html(response)
    errors = form_errors(page)
    assert "แผนการใช้จ่ายรวม 59,000.50 บาท ไม่เท่ากับวงเงิน 60,000.00 บาท" in errors
    assert "ขาดอีก 999.50 บาท" in errors
    assert 'value="4,000.50"' in page  # what was typed stays
    assert "ยังขาดอีก 999.50 บาท" in page  # the totals beside the grid
    assert not SpendingPlanLine.objects.exists()

    # The totals are recomputed on the server while typing (htmx), without saving.
    preview = client.post(url, {**plan_data(amounts), "preview": "1"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert 'id="plan-totals"' in html(preview)
    assert "<form" not in html(preview)
    assert not SpendingPlanLine.objects.exists()


def test_reporters_plan_but_viewers_and_outsiders_do_not(client, budget, people):
    url = reverse("budget:allocation_spending_plan", args=[budget.activity.pk])
    client.force_login(people.viewer)
    assert client.get(url).status_code == 403
    client.force_login(people.reporter)  # the model lets reporters of the unit plan
    assert client.get(url).status_code == 200


# Transfers ------------------------------------------------------------------------------------


@pytest.fixture
def second_project(budget):
    return allocate(amount="50000.00", parent=budget.group, project=budget.plan.other_project)


def test_a_transfer_is_requested_approved_and_moves_the_amounts(
    client, budget, people, second_project
):
    client.force_login(people.planner)
    add = reverse("budget:budgettransfer_add")
    page = html(client.get(add, {"source": budget.project.pk}))
    assert f'<option value="{budget.project.pk}" selected' in page
    response = client.post(
        add,
        {
            "source": budget.project.pk,
            "target": second_project.pk,
            "amount": "20,000",
            "reason": "โครงการพัฒนาครูขยายกลุ่มเป้าหมาย",
        },
    )
    transfer = BudgetTransfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:budgettransfer", args=[transfer.pk])
    assert transfer.status == BudgetTransfer.Status.REQUESTED
    budget.project.refresh_from_db()
    assert budget.project.amount == Decimal("100000.00")  # nothing moves before approval

    page = html(client.get(response["Location"]))
    sides = re.findall(r'<td class="numeric">([^<]*)</td>', page)
    # source: original, before, change, after; then the target the same way
    assert sides == [
        "100,000.00",
        "100,000.00",
        "-20,000.00",
        "80,000.00",
        "50,000.00",
        "50,000.00",
        "+20,000.00",
        "70,000.00",
    ]
    assert "อนุมัติ</button>" not in page  # planners request, approvers decide
    approve = reverse("budget:budgettransfer_approve", args=[transfer.pk])
    assert client.post(approve, {"version": transfer.version}).status_code == 403

    client.force_login(people.approver)
    page = html(client.get(response["Location"]))
    assert "อนุมัติ</button>" in page
    response = client.post(approve, {"version": transfer.version, "note": "เห็นชอบ"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == BudgetTransfer.Status.APPROVED
    assert transfer.decided_by == people.approver
    budget.project.refresh_from_db()
    second_project.refresh_from_db()
    budget.group.refresh_from_db()
    assert (budget.project.original_amount, budget.project.amount) == (
        Decimal("100000.00"),
        Decimal("80000.00"),
    )
    assert (second_project.original_amount, second_project.amount) == (
        Decimal("50000.00"),
        Decimal("70000.00"),
    )
    assert budget.group.amount == Decimal("300000.00")  # the allocation both sides share
    page = html(client.get(response["Location"]))
    assert f"อนุมัติในระดับ {people.approver.memberships.get().unit.name}" in page

    allocation_page = html(client.get(detail(budget.project)))
    assert "100,000.00" in allocation_page  # the original stays visible
    assert "80,000.00" in allocation_page
    assert reverse("budget:budgettransfer", args=[transfer.pk]) in allocation_page
    assert "โอนออก" in allocation_page


def test_an_approved_transfer_keeps_its_amounts_after_later_transfers(
    client, budget, people, second_project
):
    first = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.project,
            target=second_project,
            amount=Decimal("10000.00"),
            reason="ครั้งที่ 1",
        ),
    )
    transfer_approve(actor=people.approver, transfer=first, expected_version=first.version)
    second = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.project, target=second_project, amount=Decimal("5000.00"), reason="ครั้งที่ 2"
        ),
    )
    transfer_approve(actor=people.approver, transfer=second, expected_version=second.version)
    client.force_login(people.viewer)
    page = html(client.get(reverse("budget:budgettransfer", args=[first.pk])))
    sides = re.findall(r'<td class="numeric">([^<]*)</td>', page)
    assert sides == [
        "100,000.00",
        "100,000.00",
        "-10,000.00",
        "90,000.00",
        "50,000.00",
        "50,000.00",
        "+10,000.00",
        "60,000.00",
    ]


def test_rejecting_needs_a_note_and_moves_nothing(client, budget, people, second_project):
    transfer = transfer_request(
        actor=people.planner,
        instance=BudgetTransfer(
            source=budget.project, target=second_project, amount=Decimal("1000.00"), reason="ขอโอน"
        ),
    )
    client.force_login(people.approver)
    reject = reverse("budget:budgettransfer_reject", args=[transfer.pk])
    response = client.post(reject, {"version": transfer.version, "note": ""})
    assert response.status_code == 400
    assert "กรุณาระบุเหตุผลที่ไม่อนุมัติ" in field_errors(html(response), "note")
    response = client.post(reject, {"version": transfer.version, "note": "ยังไม่จำเป็น"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == BudgetTransfer.Status.REJECTED
    budget.project.refresh_from_db()
    assert budget.project.amount == Decimal("100000.00")


def test_transfer_pickers_and_refusals(client, budget, people, second_project, world):
    other_fund = allocate(unit=world.province_a, amount="1000.00", fund_code="off-budget")
    client.force_login(people.planner)
    options = html(
        client.get(reverse("budget:budgettransfer_targets"), {"source": budget.project.pk})
    )
    values = set(re.findall(r'<option value="(\d+)"', options))
    assert str(second_project.pk) in values
    assert str(other_fund.pk) not in values  # another fund source
    assert str(budget.project.pk) not in values  # itself
    assert str(budget.activity.pk) not in values  # below it
    assert str(budget.envelope.pk) not in values  # above it
    response = client.post(
        reverse("budget:budgettransfer_add"),
        {
            "source": budget.project.pk,
            "target": second_project.pk,
            "amount": "40,000.01",
            "reason": "มากเกินไป",
        },
    )
    assert response.status_code == 400
    assert "มีวงเงินที่โอนออกได้ไม่เกิน 40,000.00 บาท" in field_errors(html(response), "amount")
    assert not BudgetTransfer.objects.exists()


def test_the_transfer_list_filters_by_status_and_tells_approvers_what_waits(
    client, budget, people, second_project
):
    for reason in ("รอพิจารณา", "อนุมัติแล้ว"):
        transfer = transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=budget.project,
                target=second_project,
                amount=Decimal("100.00"),
                reason=reason,
            ),
        )
    transfer_approve(actor=None, transfer=transfer, expected_version=transfer.version)
    client.force_login(people.approver)
    url = reverse("budget:budgettransfer_list")
    page = html(client.get(url))
    assert "รอคุณพิจารณา 1 รายการ" in page
    assert page.count("รออนุมัติ") >= 1
    approved = html(client.get(url, {"status": "approved", "fiscal_year": "2561"}))
    assert "อนุมัติแล้ว" in approved
    assert "รออนุมัติ</td>" not in approved


def test_an_allocation_warns_when_its_plan_no_longer_adds_up(
    client, budget, people, second_project
):
    spending_plan_set(
        actor=None, allocation=second_project, amounts={MONTHS[0]: Decimal("50000.00")}
    )
    transfer = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.project, target=second_project, amount=Decimal("1000.00"), reason="เพิ่ม"
        ),
    )
    client.force_login(people.planner)
    assert 'id="plan-warning"' not in html(client.get(detail(second_project)))
    transfer_approve(actor=None, transfer=transfer, expected_version=transfer.version)
    page = html(client.get(detail(second_project)))
    assert 'id="plan-warning"' in page
    assert "แผนการใช้จ่ายรายเดือนรวม 50,000.00 บาท ไม่เท่ากับวงเงินหลังโอนเปลี่ยนแปลง 51,000.00 บาท" in page
    assert "แผนการใช้จ่ายไม่เท่ากับวงเงิน" in html(client.get(tree_url(budget.group.unit)))


# Year end -------------------------------------------------------------------------------------


def test_year_end_preview_run_and_carry_over_extension(client, budget, people, world):
    fiscal_year(2562)
    commitment = commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=date(2018, 8, 1),
            document_number="สัญญา 7/2561",
            amount=Decimal("40000.00"),
            counterpart="ห้างหุ้นส่วนทดสอบ",
        ),
    )
    disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=budget.activity,
            commitment=commitment,
            date=date(2018, 9, 1),
            document_number="ขบ 1",
            amount=Decimal("25000.00"),
        ),
    )
    client.force_login(people.planner)
    url = f"{reverse('budget:yearend')}?unit={world.province_a.pk}&fiscal_year=2561"
    page = html(client.get(url))
    assert "สัญญา 7/2561" in page
    assert "15,000.00" in page  # the balance that will be carried over
    # What lapses: each allocation's own remainder (the envelope keeps 700,000 unallocated…)
    assert "700,000.00" in page
    assert "20,000.00" in page  # …the activity 60,000 − 40,000 committed
    assert "รวมเงินพับ" in page
    assert "ยืนยันการปิดปีงบประมาณ" in page

    response = client.post(
        reverse("budget:yearend"),
        {"unit": world.province_a.pk, "fiscal_year": "2561", "reason": "ปิดปี 2561"},
    )
    assert response.status_code == 200
    page = html(response)
    assert "ผลการปิดปีงบประมาณ" in page
    carry = CarryOver.objects.get()
    assert carry.amount == Decimal("15000.00")
    assert carry.deadline == date(2019, 3, 31)
    lapsed = dict(Lapse.objects.values_list("allocation_id", "amount"))
    assert lapsed == {
        budget.envelope.pk: Decimal("700000.00"),
        budget.group.pk: Decimal("200000.00"),
        budget.project.pk: Decimal("40000.00"),
        budget.activity.pk: Decimal("20000.00"),
    }
    assert "ไม่มีเงินเหลือที่จะพับ" in page  # nothing left for a second run
    assert "ปิดปีงบประมาณของหน่วยงานนี้ครบแล้ว" in page
    assert "ยืนยันการปิดปีงบประมาณ" not in page

    listing = html(client.get(reverse("budget:carryover_list")))
    assert "สัญญา 7/2561" in listing
    assert "15,000.00" in listing  # what the new commitment still owes
    extend = reverse("budget:carryover_extend", args=[carry.pk])
    assert extend in listing
    response = client.post(
        extend,
        {"version": carry.version, "extended_deadline": "1/3/2562", "extension_reference": "กค 1"},
    )
    assert response.status_code == 400
    assert "วันที่ขยายต้องหลังกำหนดเดิม" in field_errors(html(response), "extended_deadline")
    response = client.post(
        extend,
        {
            "version": carry.version,
            "extended_deadline": "30/9/2562",
            "extension_reference": "หนังสือกระทรวงการคลัง ที่ กค 0402/123",
        },
    )
    assert response.status_code == 302
    carry.refresh_from_db()
    assert carry.extended_deadline == date(2019, 9, 30)
    assert carry.extension_approved_by == people.planner
    assert "30 ก.ย. 62" in html(client.get(reverse("budget:carryover_list")))
    assert "700,000.00" in html(client.get(reverse("budget:lapse_list"), {"fiscal_year": "2561"}))


def test_only_planners_close_a_year(client, budget, people, world):
    client.force_login(people.approver)
    response = client.post(
        reverse("budget:yearend"), {"unit": world.province_a.pk, "fiscal_year": "2561"}
    )
    assert response.status_code == 403
    assert not Lapse.objects.exists()


# Reference data -------------------------------------------------------------------------------


def test_reference_data_is_read_by_all_and_changed_at_the_top(client, people):
    client.force_login(people.viewer)
    assert "งบประมาณรายจ่ายประจำปีของสำนักงาน" in html(client.get(reverse("budget:fundsource_list")))
    categories = html(client.get(reverse("budget:expensecategory_list")))
    assert "ค่าครุภัณฑ์" in categories
    assert "รายจ่ายลงทุน" in categories
    targets = html(client.get(reverse("budget:disbursementtarget_list"), {"fiscal_year": "2561"}))
    assert "52.29" in targets
    assert "ไตรมาส 2 (ม.ค.–มี.ค.)" in targets
    assert "96.00" not in targets  # FY2560 is filtered out

    client.force_login(people.planner)  # a planner of a province, not of a top-level unit
    assert client.get(reverse("budget:fundsource_add")).status_code == 403
    assert client.get(reverse("budget:disbursementtarget_add")).status_code == 403

    client.force_login(people.top_admin)
    response = client.post(
        reverse("budget:disbursementtarget_add"),
        {
            "fiscal_year": "๒๕๖๑",
            "period": "M06",
            "scope": "overall",
            "percent": "45.5",
            "source": "มติ ครม.",
        },
    )
    assert response.status_code == 302
    target = DisbursementTarget.objects.get(fiscal_year=2561, period="M06")
    assert target.percent == Decimal("45.50")
    assert "เดือนที่ 6 (มี.ค.)" in html(
        client.get(reverse("budget:disbursementtarget_list"), {"fiscal_year": "2561"})
    )
    response = client.post(
        reverse("budget:fundsource_add"),
        {
            "code": "lottery",
            "name": "เงินสลากกินแบ่ง",
            "kind": "other",
            "order": "60",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert FundSource.objects.filter(code="lottery").exists()


def test_a_policy_applies_to_the_units_below(client, budget, people, world):
    object_create(
        actor=None,
        instance=BudgetPolicy(
            unit=world.province_a, unit_path=world.province_a.path, overspend_mode="warn"
        ),
    )
    client.force_login(people.planner)
    url = reverse("budget:budgetpolicy_list")
    page = html(client.get(url, {"check-unit": world.school_a2.pk}))
    assert f"สืบทอดจาก {world.province_a.name}" in page
    assert "อนุญาตเมื่อระบุเหตุผล" in page
    response = client.post(
        reverse("budget:budgetpolicy_add"),
        {
            "unit": world.school_a2.pk,
            "overspend_mode": "refuse",
            "behind_points": "10",
            "far_behind_points": "5",
        },
    )
    assert response.status_code == 400
    assert "ต้องไม่น้อยกว่าเกณฑ์" in field_errors(html(response), "far_behind_points")
    response = client.post(
        reverse("budget:budgetpolicy_add"),
        {
            "unit": world.school_a2.pk,
            "overspend_mode": "refuse",
            "behind_points": "3",
            "far_behind_points": "10",
        },
    )
    assert response.status_code == 302
    policy = BudgetPolicy.objects.get(unit=world.school_a2)
    assert policy.unit_path == world.school_a2.path
    page = html(client.get(url, {"check-unit": world.school_a2.pk}))
    assert "นโยบายของหน่วยงานนี้เอง" in page
    response = client.post(
        reverse("budget:budgetpolicy_add"),
        {
            "unit": world.school_a2.pk,
            "overspend_mode": "warn",
            "behind_points": "3",
            "far_behind_points": "10",
        },
    )
    page = html(response)
    assert response.status_code == 400
    assert re.search(r'id="id_unit_error"[^>]*>\s*<li>“โรงเรียน ก2” มีนโยบายของตนเองอยู่แล้ว', page)
