"""Importing commitments and disbursements from a spreadsheet: upload → every row checked and
tried through the services → errors or a summary → confirm → all rows saved or none."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from phaen.budget.imports import plan_record_import
from phaen.budget.models import BudgetMonthRollup, BudgetPolicy, Commitment, Disbursement
from phaen.budget.services import commitment_create
from phaen.budget.tests.factories import IN_FY2561, allocate, small_budget
from phaen.core.access import Role
from phaen.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = Decimal

COMMITMENT_HEADER = ["รหัสการจัดสรร", "วันที่", "เลขที่เอกสาร", "จำนวนเงิน", "คู่สัญญา", "รายละเอียด"]


def html(response):
    return response.content.decode()


def csv_bytes(rows, encoding="utf-8"):
    text = "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def running_sums():
    return sorted(
        BudgetMonthRollup.objects.values_list("unit_id", "month", "committed", "owed", "disbursed")
    )


@pytest.fixture
def budget(world):
    return small_budget(world)


@pytest.fixture
def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def upload(client, kind, name, content):
    return client.post(
        reverse(f"budget:{kind}_import"), {"file": SimpleUploadedFile(name, content)}
    )


def confirm(client, kind, page):
    payload = re.search(r'name="payload" value="([^"]+)"', page)
    assert payload, "the page offers no confirmation"
    return client.post(reverse(f"budget:{kind}_import"), {"payload": payload[1]})


def test_a_valid_file_is_previewed_then_saved_through_the_services(client, budget, reporter):
    rows = [
        COMMITMENT_HEADER,
        [budget.activity.pk, "15/1/2561", "PO-1", "๑๐,๐๐๐.๕๐", "ร้านหนังสือ", "หนังสือ"],
        [budget.activity.pk, "2018-02-01", "PO-2", "5,000", "ร้านเครื่องเขียน", ""],
    ]
    client.force_login(reporter)
    response = upload(client, "commitment", "orders.csv", csv_bytes(rows))
    page = html(response)
    assert response.status_code == 200
    assert "ไฟล์ถูกต้อง: จะบันทึก 2 รายการ รวม 15,000.50 บาท" in page
    assert not Commitment.objects.exists()  # the check tried the rows and rolled them back
    assert not AuditEvent.objects.filter(action="budget.commitment.created").exists()

    response = confirm(client, "commitment", page)
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:commitment_list")
    saved = Commitment.objects.order_by("document_number")
    assert [(c.document_number, c.amount, c.date) for c in saved] == [
        ("PO-1", D("10000.50"), date(2018, 1, 15)),
        ("PO-2", D("5000.00"), date(2018, 2, 1)),
    ]
    assert all(c.created_by == reporter for c in saved)
    events = AuditEvent.objects.filter(action="budget.commitment.created")
    assert events.count() == 2
    assert all(e.reason == "นำเข้าจากไฟล์ orders.csv" for e in events)


def test_one_bad_row_saves_nothing_and_every_failing_row_is_listed(client, budget, reporter):
    commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=IN_FY2561,
            document_number="PO-0",
            amount=D("50000.00"),
            counterpart="ร้านเดิม",
        ),
    )
    sums, audit = running_sums(), AuditEvent.objects.count()
    rows = [
        COMMITMENT_HEADER,
        [budget.activity.pk, "15/1/2561", "PO-1", "6,000", "ร้าน ก", ""],
        [budget.activity.pk, "16/1/2561", "PO-2", "4,000.01", "ร้าน ข", ""],  # over by 0.01
        [budget.activity.pk, "1/10/2561", "PO-3", "1", "ร้าน ค", ""],  # next fiscal year
        [budget.activity.pk, "17/1/2561", "PO-4", "สิบบาท", "ร้าน ง", ""],
        [999999, "17/1/2561", "PO-5", "1", "ร้าน จ", ""],
        [budget.project.pk, "17/1/2561", "PO-6", "1", "ร้าน ฉ", ""],  # allocated further
    ]
    client.force_login(reporter)
    page = html(upload(client, "commitment", "orders.csv", csv_bytes(rows)))
    assert "ยังไม่ได้นำเข้าข้อมูลใด ๆ" in page
    assert 'name="payload"' not in page
    errors = re.findall(
        r'<tr><td class="numeric">(\d+)</td><td class="nowrap">([^<]*)</td><td>([^<]*)</td>', page
    )
    lines = {int(line): (column, message) for line, column, message in errors}
    assert set(lines) == {3, 4, 5, 6, 7}
    assert lines[3][0] == "จำนวนเงิน"
    assert "เกินวงเงิน" in lines[3][1]
    assert lines[4][0] == "วันที่"
    assert "วันที่ต้องอยู่ระหว่าง" in lines[4][1]
    assert lines[5][0] == "จำนวนเงิน"
    assert "ไม่ใช่ตัวเลข" in lines[5][1]
    assert lines[6][0] == "รหัสการจัดสรร"
    assert "999999" in lines[6][1]
    assert lines[7][0] == "รหัสการจัดสรร"
    assert Commitment.objects.count() == 1
    assert running_sums() == sums
    assert AuditEvent.objects.count() == audit


def test_a_file_is_checked_again_on_confirmation(client, budget, reporter):
    rows = [COMMITMENT_HEADER, [budget.activity.pk, "15/1/2561", "PO-1", "40,000", "ร้าน ก", ""]]
    client.force_login(reporter)
    page = html(upload(client, "commitment", "orders.csv", csv_bytes(rows)))
    # Meanwhile someone else uses most of the money.
    commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=IN_FY2561,
            document_number="PO-0",
            amount=D("30000.00"),
            counterpart="ร้านเดิม",
        ),
    )
    response = confirm(client, "commitment", page)
    assert response.status_code == 200
    assert "เกินวงเงิน" in html(response)
    assert list(Commitment.objects.values_list("document_number", flat=True)) == ["PO-0"]


def test_two_hundred_rows(client, budget, reporter):
    rows = [COMMITMENT_HEADER] + [
        [budget.activity.pk, "15/1/2561", f"PO-{number:03d}", "250.25", f"ร้านที่ {number}", ""]
        for number in range(200)
    ]
    client.force_login(reporter)
    page = html(upload(client, "commitment", "orders.xlsx", xlsx_bytes(rows)))
    assert "จะบันทึก 200 รายการ รวม 50,050.00 บาท" in page
    assert confirm(client, "commitment", page).status_code == 302
    assert Commitment.objects.count() == 200
    assert sum(Commitment.objects.values_list("amount", flat=True)) == D("50050.00")


def test_csv_in_thai_windows_encoding_and_english_headers(client, budget, reporter):
    rows = [
        ["allocation_id", "date", "document_number", "amount", "counterpart", "description"],
        [budget.activity.pk, "๑๕/๑/๒๕๖๑", "PO-ไทย", "1,234.50", "ห้างหุ้นส่วนจำกัด ศึกษาภัณฑ์", "ค่าวัสดุ"],
    ]
    client.force_login(reporter)
    page = html(upload(client, "commitment", "thai.csv", csv_bytes(rows, "cp874")))
    assert confirm(client, "commitment", page).status_code == 302
    saved = Commitment.objects.get()
    assert (saved.counterpart, saved.amount) == ("ห้างหุ้นส่วนจำกัด ศึกษาภัณฑ์", D("1234.50"))


def test_xlsx_with_date_and_number_cells(client, budget, reporter):
    rows = [
        COMMITMENT_HEADER,
        [budget.activity.pk, date(2018, 1, 15), "PO-1", 1234.5, "ร้าน ก", None],
    ]
    client.force_login(reporter)
    page = html(upload(client, "commitment", "orders.xlsx", xlsx_bytes(rows)))
    assert confirm(client, "commitment", page).status_code == 302
    saved = Commitment.objects.get()
    assert (saved.date, saved.amount) == (date(2018, 1, 15), D("1234.50"))


def test_rows_find_their_allocation_by_project_code_and_activity_number(budget, reporter, world):
    rows = [
        ["รหัสโครงการ", "ลำดับกิจกรรม", "วันที่", "เลขที่เอกสาร", "จำนวนเงิน", "คู่สัญญา"],
        ["P01", "1", "15/1/2561", "PO-1", "100", "ร้าน ก"],
        ["P01", "", "15/1/2561", "PO-2", "100", "ร้าน ก"],  # one leaf allocation: unambiguous
        ["P01", "9", "15/1/2561", "PO-3", "100", "ร้าน ก"],
        ["P99", "", "15/1/2561", "PO-4", "100", "ร้าน ก"],
        ["P02", "", "15/1/2561", "PO-5", "100", "ร้าน ก"],  # no allocation yet
    ]
    plan = plan_record_import("commitment", "codes.csv", csv_bytes(rows), actor=reporter)
    by_line = {error.line: error for error in plan.errors}
    assert set(by_line) == {4, 5, 6}
    assert "ไม่มีกิจกรรมลำดับที่ 9" in by_line[4].message
    assert "ไม่พบโครงการรหัส P99" in by_line[5].message
    assert "ไม่พบการจัดสรรของโครงการ P02" in by_line[6].message
    assert plan.rows[0].allocation == budget.activity
    assert plan.rows[1].allocation == budget.activity
    # Two allocations of the same project and activity: the id must be given.
    allocate(
        amount="10000.00",
        parent=budget.project,
        project=budget.plan.project,
        activity=budget.plan.activity,
        category_code="operating",
    )
    plan = plan_record_import("commitment", "codes.csv", csv_bytes(rows[:2]), actor=reporter)
    assert "กรุณาระบุรหัสการจัดสรร" in plan.errors[0].message


def test_disbursements_attach_to_commitments_by_document_number(client, budget, reporter):
    order = commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=IN_FY2561,
            document_number="สัญญา 12/2561",
            amount=D("20000.00"),
            counterpart="ร้าน ก",
        ),
    )
    header = [
        "รหัสการจัดสรร",
        "วันที่",
        "เลขที่เอกสาร",
        "จำนวนเงิน",
        "เลขที่ใบสั่งซื้อ/สัญญา",
        "คู่สัญญา",
        "รายละเอียด",
    ]
    rows = [
        header,
        [budget.activity.pk, "1/2/2561", "ขบ 1", "15,000", "สัญญา 12/2561", "", "งวดที่ 1"],
        [budget.activity.pk, "1/3/2561", "ขบ 2", "5,000", "สัญญา 12/2561", "", "งวดที่ 2"],
        [budget.activity.pk, "1/3/2561", "ขบ 3", "300", "", "ร้านอาหาร", "ค่าอาหาร"],
    ]
    client.force_login(reporter)
    page = html(upload(client, "disbursement", "pay.csv", csv_bytes(rows)))
    assert "จะบันทึก 3 รายการ" in page
    assert confirm(client, "disbursement", page).status_code == 302
    paid = Disbursement.objects.filter(commitment=order)
    assert sum(paid.values_list("amount", flat=True)) == D("20000.00")
    assert Disbursement.objects.get(document_number="ขบ 3").description == "ค่าอาหาร (ร้านอาหาร)"

    over = [header, [budget.activity.pk, "1/4/2561", "ขบ 4", "0.01", "สัญญา 12/2561", "", ""]]
    page = html(upload(client, "disbursement", "pay.csv", csv_bytes(over)))
    assert "เกินยอดคงเหลือของข้อผูกพัน" in page
    missing = [header, [budget.activity.pk, "1/4/2561", "ขบ 5", "1", "สัญญา 99", "", ""]]
    page = html(upload(client, "disbursement", "pay.csv", csv_bytes(missing)))
    assert "ไม่พบข้อผูกพันเลขที่ สัญญา 99" in page
    assert Disbursement.objects.count() == 3


def test_warn_policy_rows_need_an_override_reason(client, budget, reporter, world):
    BudgetPolicy.objects.create(
        unit=world.province_a, overspend_mode="warn", unit_path=world.province_a.path
    )
    header = [*COMMITMENT_HEADER, "เหตุผลที่เกินวงเงิน"]
    rows = [header, [budget.activity.pk, "15/1/2561", "PO-1", "60,000.01", "ร้าน ก", "", ""]]
    plan = plan_record_import("commitment", "o.csv", csv_bytes(rows), actor=reporter)
    assert plan.errors[0].column == "เหตุผลที่เกินวงเงิน"
    rows[1][-1] = "ราคาสูงขึ้น"
    client.force_login(reporter)
    page = html(upload(client, "commitment", "o.csv", csv_bytes(rows)))
    assert confirm(client, "commitment", page).status_code == 302
    assert Commitment.objects.get().override_reason == "ราคาสูงขึ้น"
    event = AuditEvent.objects.get(action="budget.commitment.created")
    assert event.reason == "นำเข้าจากไฟล์ o.csv – ราคาสูงขึ้น"


def test_missing_columns_and_rights(client, budget, reporter, world):
    client.force_login(reporter)
    page = html(
        upload(client, "commitment", "o.csv", csv_bytes([["วันที่", "จำนวนเงิน"], ["1/1/2561", "1"]]))
    )
    assert "ไม่พบคอลัมน์ “เลขที่เอกสาร”" in page
    viewer = world.user(Role.VIEWER, world.province_a)
    client.force_login(viewer)
    assert upload(client, "commitment", "o.csv", b"x").status_code == 403
    assert client.get(reverse("budget:commitment_import_template")).status_code == 403


def test_the_template_lists_the_allocations_the_user_may_record_against(client, budget, reporter):
    client.force_login(reporter)
    for kind in ("commitment", "disbursement"):
        response = client.get(reverse(f"budget:{kind}_import_template"))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        first, listing = workbook.worksheets
        header = [cell.value for cell in first[1]]
        assert header[:3] == ["รหัสการจัดสรร", "รหัสโครงการ", "ลำดับกิจกรรม"]
        assert ("เลขที่ใบสั่งซื้อ/สัญญา" in header) == (kind == "disbursement")
        ids = [row[0] for row in listing.iter_rows(min_row=2, values_only=True)]
        assert ids == [budget.activity.pk]
