"""Pages of commitments, disbursements and a project's money, through HTTP: who may record,
over-spending refused with nothing saved, the "warn" policy with and without a reason, dates
outside the fiscal year, paying a commitment beyond its balance, and list pages whose query count
does not grow with their rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.budget.models import (
    BudgetMonthRollup,
    BudgetPolicy,
    Commitment,
    Disbursement,
)
from phaen.budget.services import commitment_create, disbursement_create, year_end_close
from phaen.budget.tests.factories import IN_FY2561, allocate, small_budget
from phaen.core.access import Role
from phaen.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = Decimal


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


def running_sums():
    return sorted(
        BudgetMonthRollup.objects.values_list(
            "unit_id", "month", "planned", "committed", "owed", "disbursed"
        )
    )


@pytest.fixture
def budget(world):
    return small_budget(world)


@pytest.fixture
def people(world):
    class People:
        reporter = world.user(Role.REPORTER, world.group_a1)  # the projects' lead unit
        planner = world.user(Role.PLANNER, world.province_a)
        viewer = world.user(Role.VIEWER, world.province_a)
        school_reporter = world.user(Role.REPORTER, world.school_a2)
        outsider = world.user(Role.PLANNER, world.province_b)

    return People


def commit(allocation, amount, *, number="PO-1", day=IN_FY2561, **extra):
    return commitment_create(
        actor=None,
        instance=Commitment(
            allocation=allocation,
            date=day,
            document_number=number,
            amount=D(amount),
            counterpart="ร้านศึกษาภัณฑ์",
            **extra,
        ),
    )


def disburse(allocation, amount, *, number="D-1", commitment=None, day=IN_FY2561):
    return disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=allocation,
            commitment=commitment,
            date=day,
            document_number=number,
            amount=D(amount),
        ),
    )


def commitment_data(budget, **overrides):
    data = {
        "allocation": str(budget.activity.pk),
        "date": "15/1/2561",
        "document_number": "ศธ 04001/123",
        "amount": "๔๐,๐๐๐.๕๐",
        "counterpart": "ร้านศึกษาภัณฑ์",
        "description": "หนังสืออ่านเพิ่มเติม",
        "reason": "",
    }
    data.update(overrides)
    return data


def disbursement_data(budget, **overrides):
    data = {
        "allocation": str(budget.activity.pk),
        "commitment": "",
        "date": "20/2/2561",
        "document_number": "ขบ 0001",
        "amount": "10,000",
        "description": "ค่าอาหารผู้เข้าอบรม",
        "reason": "",
    }
    data.update(overrides)
    return data


# Who may record --------------------------------------------------------------------------------


def test_a_reporter_of_the_lead_unit_records_a_commitment_and_a_disbursement(
    client, budget, people
):
    client.force_login(people.reporter)
    page = client.get(reverse("budget:commitment_add"))
    assert page.status_code == 200
    assert f'value="{budget.activity.pk}"' in html(page)
    # Only leaf allocations are offered: the project's own allocation is allocated further.
    assert f'value="{budget.project.pk}"' not in html(page)

    response = client.post(reverse("budget:commitment_add"), commitment_data(budget))
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == commitment.get_absolute_url()
    assert (commitment.amount, commitment.date) == (D("40000.50"), date(2018, 1, 15))
    assert commitment.created_by == people.reporter
    assert AuditEvent.objects.filter(
        action="budget.commitment.created", actor=people.reporter
    ).exists()

    response = client.post(
        reverse("budget:disbursement_add"),
        disbursement_data(budget, commitment=str(commitment.pk), amount="15,000.50"),
    )
    assert response.status_code == 302
    disbursement = Disbursement.objects.get()
    assert disbursement.commitment == commitment
    detail = html(client.get(commitment.get_absolute_url()))
    assert "15,000.50" in detail  # paid so far
    assert "25,000.00" in detail  # balance
    assert disbursement.document_number in detail


def test_a_viewer_cannot_record(client, budget, people):
    client.force_login(people.viewer)
    assert client.get(reverse("budget:commitment_list")).status_code == 200
    assert client.get(reverse("budget:commitment_add")).status_code == 403
    assert client.post(reverse("budget:commitment_add"), commitment_data(budget)).status_code == 403
    assert (
        client.post(reverse("budget:disbursement_add"), disbursement_data(budget)).status_code
        == 403
    )
    assert client.get(reverse("budget:commitment_import")).status_code == 403
    commitment = commit(budget.activity, "100.00")
    assert client.get(reverse("budget:commitment_edit", args=[commitment.pk])).status_code == 403
    assert client.get(reverse("budget:commitment_delete", args=[commitment.pk])).status_code == 403
    assert not Commitment.objects.exclude(pk=commitment.pk).exists()


def test_a_reporter_cannot_record_against_another_units_allocation(client, budget, people, world):
    client.force_login(people.school_reporter)
    page = html(client.get(reverse("budget:commitment_add")))
    assert f'value="{budget.activity.pk}"' not in page
    response = client.post(reverse("budget:commitment_add"), commitment_data(budget))
    assert response.status_code == 400
    assert "allocation" in html(response)
    assert not Commitment.objects.exists()


def test_another_provinces_records_are_not_found(client, budget, people):
    commitment = commit(budget.activity, "1000.00")
    disbursement = disburse(budget.activity, "500.00", commitment=commitment)
    client.force_login(people.outsider)
    for name, obj in (("commitment", commitment), ("disbursement", disbursement)):
        for suffix in ("", "_edit", "_delete", "_history"):
            url = reverse(f"budget:{name}{suffix}", args=[obj.pk])
            assert client.get(url).status_code == 404, url
    assert commitment.document_number not in html(client.get(reverse("budget:commitment_list")))
    assert (
        client.get(reverse("budget:project_money", args=[budget.plan.project.pk])).status_code
        == 404
    )
    room = client.get(reverse("budget:records_room"), {"allocation": budget.activity.pk})
    assert "60,000.00" not in html(room)


def test_anonymous_visitors_go_to_log_in(client, budget):
    commitment = commit(budget.activity, "1000.00")
    urls = [
        reverse("budget:commitment_list"),
        reverse("budget:commitment_add"),
        reverse("budget:commitment", args=[commitment.pk]),
        reverse("budget:disbursement_list"),
        reverse("budget:disbursement_add"),
        reverse("budget:commitment_import"),
        reverse("budget:disbursement_import_template"),
        reverse("budget:records_room") + f"?allocation={budget.activity.pk}",
        reverse("budget:project_money", args=[budget.plan.project.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


# Over-spending --------------------------------------------------------------------------------


def test_an_over_spend_is_refused_on_the_amount_and_nothing_is_saved(client, budget, people):
    commit(budget.activity, "50000.00")
    sums, audit = running_sums(), AuditEvent.objects.count()
    client.force_login(people.reporter)
    response = client.post(
        reverse("budget:disbursement_add"), disbursement_data(budget, amount="๑๐,๐๐๐.๐๑")
    )
    assert response.status_code == 400
    page = html(response)
    errors = field_errors(page, "amount")
    assert "เกินวงเงิน" in errors
    assert "ระบบจึงไม่บันทึก" in errors
    assert 'value="๑๐,๐๐๐.๐๑"' in page  # the input is kept
    assert "override_reason" not in page  # the policy refuses: no reason to give
    assert Disbursement.objects.count() == 0
    assert Commitment.objects.count() == 1
    assert running_sums() == sums
    assert AuditEvent.objects.count() == audit


def test_warn_policy_asks_for_a_reason_then_saves_with_it(client, budget, people, world):
    BudgetPolicy.objects.create(
        unit=world.province_a, overspend_mode="warn", unit_path=world.province_a.path
    )
    client.force_login(people.reporter)
    page = html(client.get(reverse("budget:commitment_add") + f"?allocation={budget.activity.pk}"))
    assert 'name="override_reason"' in page  # the unit's policy allows a reason

    sums = running_sums()
    data = commitment_data(budget, amount="60,000.01", override_reason="")
    response = client.post(reverse("budget:commitment_add"), data)
    assert response.status_code == 400
    assert "ระบุเหตุผล" in field_errors(html(response), "override_reason")
    assert not Commitment.objects.exists()
    assert running_sums() == sums

    data["override_reason"] = "ราคาวัสดุสูงขึ้นตามประกาศกระทรวงพาณิชย์"
    response = client.post(reverse("budget:commitment_add"), data)
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.override_reason == data["override_reason"]
    event = AuditEvent.objects.get(action="budget.commitment.created")
    assert event.reason == data["override_reason"]
    assert "ราคาวัสดุสูงขึ้น" in html(client.get(commitment.get_absolute_url()))


def test_a_refusing_unit_never_sees_the_reason_field(client, budget, people):
    client.force_login(people.reporter)
    page = html(client.get(reverse("budget:commitment_add") + f"?allocation={budget.activity.pk}"))
    assert 'name="override_reason"' not in page


# Dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1/10/2561", "30/9/2560", "2018-10-01"])
def test_dates_outside_the_fiscal_year_are_refused(client, budget, people, typed):
    client.force_login(people.reporter)
    response = client.post(reverse("budget:commitment_add"), commitment_data(budget, date=typed))
    assert response.status_code == 400
    errors = field_errors(html(response), "date")
    assert "วันที่ต้องอยู่ระหว่าง" in errors
    assert "1 ต.ค. 60" in errors
    assert "30 ก.ย. 61" in errors
    assert not Commitment.objects.exists()


def test_dates_are_read_as_be_or_ce(client, budget, people):
    client.force_login(people.reporter)
    for typed, number in (("2018-01-15", "PO-1"), ("๑๕ ม.ค. ๒๕๖๑", "PO-2")):
        data = commitment_data(budget, date=typed, document_number=number, amount="1,000")
        assert client.post(reverse("budget:commitment_add"), data).status_code == 302
    assert list(Commitment.objects.values_list("date", flat=True)) == [date(2018, 1, 15)] * 2


def test_amounts_refuse_a_third_decimal(client, budget, people):
    client.force_login(people.reporter)
    response = client.post(
        reverse("budget:commitment_add"), commitment_data(budget, amount="10.005")
    )
    assert response.status_code == 400
    assert "ทศนิยม" in field_errors(html(response), "amount")
    assert not Commitment.objects.exists()


# Commitments and their disbursements ------------------------------------------------------------


def test_paying_a_commitment_beyond_its_balance_is_refused(client, budget, people):
    commitment = commit(budget.activity, "20000.00")
    disburse(budget.activity, "15000.00", commitment=commitment)
    sums = running_sums()
    client.force_login(people.reporter)
    response = client.post(
        reverse("budget:disbursement_add"),
        disbursement_data(
            budget, commitment=str(commitment.pk), amount="5,000.01", document_number="ขบ 2"
        ),
    )
    assert response.status_code == 400
    message = "เกินยอดคงเหลือของข้อผูกพัน (5,000.00 บาท) อยู่ 0.01 บาท"
    assert message in field_errors(html(response), "amount")
    assert Disbursement.objects.count() == 1
    assert running_sums() == sums


def test_the_commitment_choices_are_the_allocations_open_ones(client, budget, people):
    open_one = commit(budget.activity, "1000.00", number="PO-OPEN")
    closed = commit(budget.activity, "1000.00", number="PO-CLOSED", status="closed")
    client.force_login(people.reporter)
    options = html(
        client.get(reverse("budget:records_commitments"), {"allocation": budget.activity.pk})
    )
    assert "PO-OPEN" in options
    assert "PO-CLOSED" not in options
    assert "คงเหลือ 1,000.00 บาท" in options
    page = html(client.get(reverse("budget:disbursement_add") + f"?commitment={open_one.pk}"))
    assert f'<option value="{open_one.pk}" selected>' in page
    assert f'<option value="{budget.activity.pk}" selected>' in page
    assert closed.pk


def test_the_room_next_to_the_picker_shows_what_is_left(client, budget, people):
    commitment = commit(budget.activity, "20000.00")
    disburse(budget.activity, "5000.00", commitment=commitment)
    disburse(budget.activity, "1000.00", number="D-2")
    client.force_login(people.reporter)
    room = html(
        client.get(
            reverse("budget:records_room"),
            {"allocation": budget.activity.pk, "commitment": commitment.pk},
        )
    )
    assert "60,000.00" in room  # the allocation
    assert "6,000.00" in room  # disbursed
    assert "15,000.00" in room  # still owed by the commitment
    assert "39,000.00" in room  # left to use
    assert "คงเหลือ 15,000.00 บาท" in room


def test_a_commitment_is_corrected_closed_and_deleted_only_without_disbursements(
    client, budget, people
):
    paid = commit(budget.activity, "20000.00")
    disburse(budget.activity, "5000.00", commitment=paid)
    spare = commit(budget.activity, "1000.00", number="PO-2")
    client.force_login(people.reporter)

    edit = reverse("budget:commitment_edit", args=[paid.pk])
    form = html(client.get(edit))
    assert 'name="allocation"' not in form  # fixed once recorded
    data = {
        "date": "16/1/2561",
        "document_number": paid.document_number,
        "amount": "4,999.99",
        "counterpart": "ร้านใหม่",
        "description": "",
        "status": "open",
        "version": str(paid.version),
        "reason": "",
    }
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "ไม่น้อยกว่าที่เบิกจ่ายไปแล้ว" in field_errors(html(response), "amount")

    data.update(amount="5,000", status="closed", reason="ส่งของครบแล้ว")
    assert client.post(edit, data).status_code == 302
    paid.refresh_from_db()
    assert (paid.amount, paid.status, paid.counterpart) == (D("5000.00"), "closed", "ร้านใหม่")

    delete = reverse("budget:commitment_delete", args=[paid.pk])
    response = client.post(delete, {"version": paid.version, "reason": "บันทึกผิด"})
    assert response.status_code == 400
    assert "ลบไม่ได้" in html(response)
    assert Commitment.objects.filter(pk=paid.pk).exists()

    delete = reverse("budget:commitment_delete", args=[spare.pk])
    assert client.post(delete, {"version": spare.version, "reason": "บันทึกซ้ำ"}).status_code == 302
    assert not Commitment.objects.filter(pk=spare.pk).exists()


def test_a_disbursement_is_corrected_within_the_room(client, budget, people):
    disbursement = disburse(budget.activity, "1000.00")
    client.force_login(people.reporter)
    edit = reverse("budget:disbursement_edit", args=[disbursement.pk])
    data = {
        "date": "21/2/2561",
        "document_number": "ขบ 0001",
        "amount": "60,000.01",
        "description": "",
        "version": str(disbursement.version),
        "reason": "",
    }
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "เกินวงเงิน" in field_errors(html(response), "amount")
    data["amount"] = "2,000"
    assert client.post(edit, data).status_code == 302
    disbursement.refresh_from_db()
    assert (disbursement.amount, disbursement.date) == (D("2000.00"), date(2018, 2, 21))


# Lists ---------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client, budget, people):
    client.force_login(people.planner)
    urls = [reverse("budget:commitment_list"), reverse("budget:disbursement_list")]
    commitment = commit(budget.activity, "100.00", number="PO-0")
    disburse(budget.activity, "10.00", commitment=commitment, number="D-0")
    for url in urls:
        client.get(url)
    few = [count_queries(client, url) for url in urls]
    other = allocate(amount="50000.00", parent=budget.group, project=budget.plan.other_project)
    for number in range(1, 12):
        target = other if number % 2 else budget.activity
        commitment = commit(target, "100.00", number=f"PO-{number}")
        disburse(target, "10.00", commitment=commitment, number=f"D-{number}")
    assert [count_queries(client, url) for url in urls] == few


def test_lists_filter_search_and_export(client, budget, people):
    commit(budget.activity, "100.00", number="PO-A", day=date(2017, 11, 1))
    commit(budget.activity, "200.00", number="PO-B", day=date(2018, 3, 1), status="closed")
    client.force_login(people.planner)
    url = reverse("budget:commitment_list")
    assert "PO-A" in html(client.get(url))  # opens on the header's fiscal year
    page = html(client.get(url, {"status": "closed"}))
    assert "PO-B" in page
    assert "PO-A" not in page
    page = html(client.get(url, {"date_from": "1/1/2561", "date_to": "๓๑/๓/๒๕๖๑"}))
    assert "PO-B" in page
    assert "PO-A" not in page
    page = html(client.get(url, {"q": "po-a"}))
    assert "PO-A" in page
    assert "PO-B" not in page
    page = html(client.get(url, {"project": budget.plan.project.pk}))
    assert "PO-A" in page
    assert "PO-B" in page
    page = html(client.get(url, {"unit": budget.plan.project.lead_unit_id}))
    assert "PO-A" in page
    # The lead unit's reporter filters by its project too (without seeing the plan's versions).
    client.force_login(people.reporter)
    page = html(client.get(url, {"project": budget.plan.project.pk, "fiscal_year": "2561"}))
    assert f'<option value="{budget.plan.project.pk}" selected>' in page  # a valid choice
    assert "PO-A" in page
    assert "PO-B" in page
    client.force_login(people.planner)
    export = client.get(url, {"export": "csv", "status": "open"})
    content = b"".join(export.streaming_content).decode()
    assert "PO-A" in content
    assert "PO-B" not in content


def test_large_scopes_filter_the_lists_by_project_through_the_search(
    client, budget, people, monkeypatch
):
    """Thousands of projects make no select box: the project filter stays (hidden) for the
    money tab's links and the search box finds records by the project's code or name."""
    other = allocate(amount="50000.00", parent=budget.group, project=budget.plan.other_project)
    disburse(budget.activity, "10.00", number="D-MAIN")
    disburse(other, "20.00", number="D-OTHER")
    monkeypatch.setattr("phaen.budget.filters.PROJECT_CHOICES_LIMIT", 1)
    client.force_login(people.planner)
    url = reverse("budget:disbursement_list")
    page = html(client.get(url))
    assert '<select name="project"' not in page
    assert "รหัสหรือชื่อโครงการ" in page  # the search box says it finds projects
    code = budget.plan.other_project.code
    page = html(client.get(url, {"q": code}))
    assert "D-OTHER" in page
    assert "D-MAIN" not in page
    page = html(client.get(url, {"project": budget.plan.project.pk}))
    assert f'<input type="hidden" name="project" value="{budget.plan.project.pk}"' in page
    assert "D-MAIN" in page
    assert "D-OTHER" not in page
    monkeypatch.setattr("phaen.budget.filters.PROJECT_CHOICES_LIMIT", 300)
    page = html(client.get(url))
    assert '<select name="project"' in page


# A project's money -----------------------------------------------------------------------------


def test_the_money_tab_shows_the_projects_money_and_record_buttons(client, budget, people):
    commitment = commit(budget.activity, "40000.00", day=date(2017, 12, 1))
    disburse(budget.activity, "25000.50", commitment=commitment, day=date(2018, 1, 15))
    url = reverse("budget:project_money", args=[budget.plan.project.pk])
    client.force_login(people.reporter)
    page = html(client.get(url))
    assert "100,000.00" in page  # the project's allocation
    assert "25,000.50" in page  # disbursed
    assert "40,000.00" in page  # used
    assert "60,000.00" in page  # available
    assert "รวมไตรมาสที่ 2" in page
    assert commitment.get_absolute_url() in page
    assert reverse("budget:commitment_add") + f"?project={budget.plan.project.pk}" in page
    assert "บันทึกเบิกจ่าย" in page

    client.force_login(people.viewer)
    page = html(client.get(url))
    assert "25,000.50" in page
    assert reverse("budget:commitment_add") not in page


def test_the_project_page_shows_the_money_section(client, budget, people):
    disburse(budget.activity, "25000.50", day=date(2018, 1, 15))
    client.force_login(people.viewer)
    page = html(client.get(budget.plan.project.get_absolute_url()))
    assert 'id="money"' in page
    assert "25,000.50" in page


def test_the_money_tab_opens_the_form_on_the_projects_allocations(client, budget, people):
    allocate(amount="10000.00", parent=budget.group, project=budget.plan.other_project)
    client.force_login(people.reporter)
    page = html(client.get(reverse("budget:commitment_add") + f"?project={budget.plan.project.pk}"))
    # The project has one leaf allocation (its activity's): it is chosen, the other is not offered.
    assert f'<option value="{budget.activity.pk}" selected>' in page
    assert "P02" not in page


def test_allocations_closed_at_year_end_are_not_offered_for_records(client, budget, people, world):
    year_end_close(actor=None, unit=world.province_a, fiscal_year=budget.activity.fiscal_year)
    client.force_login(people.reporter)
    # The services refuse records on a closed allocation: the pages do not offer it.
    page = html(client.get(reverse("budget:project_money", args=[budget.plan.project.pk])))
    assert reverse("budget:commitment_add") not in page
    assert reverse("budget:disbursement_add") not in page
    page = html(client.get(reverse("budget:commitment_add")))
    assert f'<option value="{budget.activity.pk}"' not in page


def test_money_tab_queries_do_not_grow_with_records(client, budget, people):
    url = reverse("budget:project_money", args=[budget.plan.project.pk])
    client.force_login(people.reporter)
    client.get(url)
    commit(budget.activity, "10.00", number="PO-0")
    few = count_queries(client, url)
    for number in range(1, 8):
        commitment = commit(budget.activity, "10.00", number=f"PO-{number}")
        disburse(budget.activity, "1.00", commitment=commitment, number=f"D-{number}")
    assert count_queries(client, url) == few


def test_large_scopes_pick_allocations_by_search(client, budget, people, monkeypatch):
    monkeypatch.setattr("phaen.budget.forms.ALLOCATION_LIST_LIMIT", 0)
    client.force_login(people.reporter)
    page = html(client.get(reverse("budget:commitment_add")))
    assert 'class="allocation-search"' in page
    assert f'value="{budget.activity.pk}"' not in page  # only search results are listed
    options = html(client.get(reverse("budget:records_allocations"), {"q": "P01"}))
    assert f'value="{budget.activity.pk}"' in options
    options = html(client.get(reverse("budget:records_allocations"), {"q": "ไม่มีโครงการนี้"}))
    assert f'value="{budget.activity.pk}"' not in options
