"""The Budget Bureau's spending plan and result (สงป. 301) as a spreadsheet: the file is opened
with openpyxl and its cells compared with sums computed independently from the base tables."""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from phaen.budget.exports import DEFAULT_GROUPS, ColumnGroup, PeriodLayout
from phaen.budget.models import Disbursement, SpendingPlanLine
from phaen.budget.selectors import unit_overview
from phaen.budget.tests.factories import allocate
from phaen.budget.tests.test_overview import build_money, disburse, login
from phaen.core.access import Role
from phaen.plans.tests.factories import fiscal_year
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db
D = Decimal
FY = FiscalPeriod(2561)
URL = reverse("budget:form301")
CAPTION_ROWS = 5
FIRST_HEADER, SECOND_HEADER = CAPTION_ROWS + 2, CAPTION_ROWS + 3


@pytest.fixture
def money(world):
    budget = build_money(world)
    # A รายการ below the operating budget: its disbursements show on their own row.
    services = allocate(amount="20000.00", parent=budget.group, category_code="operating-services")
    disburse(services, "4500.50", date(2018, 2, 20), "D-S1")
    budget.services = services  # type: ignore[attr-defined]
    return budget


class Sheet:
    """The exported sheet read back: header labels → column, row labels → row."""

    def __init__(self, content: bytes) -> None:
        self.workbook = load_workbook(io.BytesIO(content))
        self.sheet = self.workbook.active
        self.columns: dict[tuple[str, str], int] = {}
        period = ""
        for column in range(2, self.sheet.max_column + 1):
            top = self.sheet.cell(row=FIRST_HEADER, column=column).value
            sub = self.sheet.cell(row=SECOND_HEADER, column=column).value
            if top is not None:
                period = top
            if sub is None:  # a fixed column: its label spans both header rows
                self.columns[("", period)] = column
                period = ""
            else:
                self.columns[(period, sub)] = column
        self.rows = {
            str(self.sheet.cell(row=row, column=1).value).strip(): row
            for row in range(SECOND_HEADER + 1, self.sheet.max_row + 1)
        }

    def value(self, row: str, period: str, label: str) -> Any:
        return self.sheet.cell(row=self.rows[row], column=self.columns[(period, label)]).value

    def money(self, row: str, period: str, label: str) -> Decimal | None:
        value = self.value(row, period, label)
        return None if value is None else D(str(value)).quantize(D("0.01"))


def download(client, unit, **options) -> Sheet:
    params = {
        "unit": unit.pk,
        "quarter": 2,
        "layout": PeriodLayout.MONTHS,
        "groups": sorted(DEFAULT_GROUPS),
        **options,
    }
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return Sheet(response.content)


def planned(unit, month: date, top: str) -> Decimal:
    """The spending plan of the allocations entering ``unit`` (here: its envelopes)."""
    total = SpendingPlanLine.objects.filter(
        allocation__parent=None,
        allocation__unit=unit,
        allocation__top_category__code=top,
        month=month,
    ).aggregate(total=Sum("amount"))["total"]
    return total or D("0.00")


def disbursed(unit, start: date, end: date, **where: Any) -> Decimal:
    total = Disbursement.objects.filter(
        allocation__unit__path__startswith=unit.path, date__gte=start, date__lte=end, **where
    ).aggregate(total=Sum("amount"))["total"]
    return total or D("0.00")


def test_title_block_and_headers(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    sheet = download(client, world.province_a)
    cells = sheet.sheet
    assert cells["A1"].value == "แผนและผลการใช้จ่ายงบประมาณ (รูปแบบตามแบบ สงป. 301)"
    assert cells["A2"].value == f"หน่วยงาน: {world.province_a.name}"
    assert cells["A3"].value == "ปีงบประมาณ พ.ศ. 2561"
    assert cells["A4"].value == "ข้อมูล ณ วันที่ 31 มีนาคม 2561"  # BE, as text
    months = [period for period, _label in sheet.columns if period]
    assert months[0] == "ต.ค. 60"
    assert "ก.ย. 61" in months
    assert "ไตรมาส 2" in months
    assert ("", "งบประมาณหลังโอนเปลี่ยนแปลง") in sheet.columns
    assert ("ต.ค. 60", "แผน") in sheet.columns
    assert ("ต.ค. 60", "ผลเบิกจ่ายสะสม") in sheet.columns
    assert ("ไตรมาส 1", "ผลเบิกจ่าย") in sheet.columns
    assert ("ต.ค. 60", "ใช้จ่าย") not in sheet.columns  # not chosen by default
    # Categories down: the งบรายจ่าย, then its รายการ, then the total.
    labels = list(sheet.rows)
    assert labels == [
        "งบดำเนินงาน",
        "ไม่แยกรายการ",
        "ค่าใช้สอย",
        "งบลงทุน",
        "รวมทั้งสิ้น",
    ]
    # Thai in Sarabun, money as numbers with separators.
    row = sheet.rows["งบดำเนินงาน"]
    cell = cells.cell(row=row, column=sheet.columns[("ต.ค. 60", "แผน")])
    assert cell.font.name == "Sarabun"
    assert cell.number_format == "#,##0.00"
    assert isinstance(cell.value, int | float)
    assert cells["A1"].font.name == "Sarabun"


def test_cells_match_sums_from_the_base_tables(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    sheet = download(client, world.province_a)
    unit = world.province_a
    q2_end = FY.quarter(2).end
    for month in FY.months():
        label = f"{month.start:%m}"
        period = {
            "10": "ต.ค. 60",
            "11": "พ.ย. 60",
            "12": "ธ.ค. 60",
            "01": "ม.ค. 61",
            "02": "ก.พ. 61",
            "03": "มี.ค. 61",
            "04": "เม.ย. 61",
            "05": "พ.ค. 61",
            "06": "มิ.ย. 61",
            "07": "ก.ค. 61",
            "08": "ส.ค. 61",
            "09": "ก.ย. 61",
        }[label]
        assert sheet.money("งบดำเนินงาน", period, "แผน") == planned(unit, month.start, "operating")
        assert sheet.money("งบลงทุน", period, "แผน") == planned(unit, month.start, "investment")
        result = sheet.money("งบดำเนินงาน", period, "ผลเบิกจ่าย")
        cumulative = sheet.money("งบดำเนินงาน", period, "ผลเบิกจ่ายสะสม")
        rate = sheet.money("งบดำเนินงาน", period, "ร้อยละเบิกจ่ายสะสม")
        if month.start > q2_end:
            assert (result, cumulative, rate) == (None, None, None)  # not known as of Q2
            continue
        operating = {"allocation__top_category__code": "operating"}
        assert result == disbursed(unit, month.start, month.end, **operating)
        to_date = disbursed(unit, FY.start, month.end, **operating)
        assert cumulative == to_date
        assert rate == (to_date * 100 / D("1040000.00")).quantize(D("0.01"), ROUND_HALF_UP)
    # The รายการ row holds what was recorded on ค่าใช้สอย; the budget stays on the งบ.
    assert sheet.money("ค่าใช้สอย", "ก.พ. 61", "ผลเบิกจ่าย") == D("4500.50")
    assert sheet.money("ค่าใช้สอย", "", "งบประมาณหลังโอนเปลี่ยนแปลง") == D("0.00")
    assert sheet.money("ไม่แยกรายการ", "", "งบประมาณหลังโอนเปลี่ยนแปลง") == D("1040000.00")
    # Quarters: the sum of their months.
    q2 = FY.quarter(2)
    assert sheet.money("งบดำเนินงาน", "ไตรมาส 2", "แผน") == sum(
        (planned(unit, m.start, "operating") for m in q2.months()), D(0)
    )
    investment = {"allocation__top_category__code": "investment"}
    assert sheet.money("งบลงทุน", "ไตรมาส 2", "ผลเบิกจ่าย") == disbursed(
        unit, q2.start, q2.end, **investment
    )
    # The total row and the year's columns agree with the overview (the running sums).
    overview = unit_overview(unit, fiscal_year(2561), q2)
    assert sheet.money("รวมทั้งสิ้น", "", "งบประมาณหลังโอนเปลี่ยนแปลง") == overview.total.allocated
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "ผลเบิกจ่ายสะสม") == overview.total.disbursed
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "ร้อยละเบิกจ่ายสะสม") == (overview.total.disbursement_rate)
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "แผนทั้งปี") == D("1000000.00")
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "คงเหลือหลังหักเบิกจ่าย") == (
        overview.total.allocated - overview.total.disbursed
    )


def test_quarters_only_and_the_used_columns(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    sheet = download(
        client,
        world.province_a,
        layout=PeriodLayout.QUARTERS,
        groups=[ColumnGroup.QUARTERLY_PLAN, ColumnGroup.QUARTERLY_RESULT, ColumnGroup.USED],
        quarter=4,
    )
    periods = {period for period, _label in sheet.columns}
    assert periods == {"", "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4", "รวมทั้งปี"}
    assert [label for period, label in sheet.columns if period == "ไตรมาส 1"] == [
        "แผน",
        "ผลเบิกจ่าย",
        "ใช้จ่าย",
    ]
    # Used in Q2 = disbursed in Q2 + what the February commitment still owes (12,000).
    q2 = FY.quarter(2)
    operating = {"allocation__top_category__code": "operating"}
    assert sheet.money("งบดำเนินงาน", "ไตรมาส 2", "ใช้จ่าย") == (
        disbursed(world.province_a, q2.start, q2.end, **operating) + D("12000.00")
    )
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "ใช้จ่ายสะสม") == (
        disbursed(world.province_a, FY.start, FY.end) + D("12000.00")
    )


def test_a_work_groups_sheet_holds_the_money_given_to_it(world, money, client):
    login(client, world.user(Role.VIEWER, world.group_a1))
    sheet = download(client, world.group_a1, quarter=4)
    assert sheet.money("รวมทั้งสิ้น", "", "งบประมาณหลังโอนเปลี่ยนแปลง") == D("300000.00")
    assert sheet.money("รวมทั้งสิ้น", "รวมทั้งปี", "ผลเบิกจ่ายสะสม") == disbursed(
        world.group_a1, FY.start, FY.end
    )


def test_the_form_needs_a_column_group(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="monthly_plan"' in html
    assert "checked" in html
    response = client.get(URL, {"unit": world.province_a.pk, "quarter": 2, "layout": "months"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "เลือกกลุ่มคอลัมน์อย่างน้อยหนึ่งกลุ่ม" in response.content.decode()


def test_an_empty_unit_still_gets_a_sheet(world, client):
    fiscal_year(2561)
    login(client, world.user(Role.VIEWER, world.province_b))
    sheet = download(client, world.province_b)
    assert sheet.sheet.cell(row=SECOND_HEADER + 1, column=1).value == "ยังไม่มีการจัดสรรงบประมาณ"
