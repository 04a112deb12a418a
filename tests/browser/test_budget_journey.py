"""The budget journey on the demo's FY2561 budget: a planner allocates money to a project and
plans its spending by month, the work group's reporter records a commitment and a disbursement
from the project's money tab, an over-spend is refused and nothing is saved, a transfer is
requested by the planner and approved by the director, and the budget overview shows the new
figures. Screenshots go to test-artifacts/screenshots/.

The demo closed FY2561 at year end (every allocation of the PEO is closed, its remainder lapsed),
so the new money is an off-budget envelope that arrives afterwards: the PEO receives it, gives it
to กลุ่มพัฒนาการศึกษา, which splits it between two of its projects. The figures the pages must
show are computed here from the base tables, never read back from the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Q, QuerySet, Sum
from playwright.sync_api import BrowserContext, Locator, Page, expect

from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetPolicy,
    BudgetRollup,
    BudgetTransfer,
    Commitment,
    Disbursement,
    DisbursementTarget,
    ExpenseCategory,
    FundSource,
    SpendingPlanLine,
)
from phaen.core.models import AuditEvent
from phaen.orgs.models import OrgUnit
from phaen.plans.models import FiscalYear, PlanVersion, Project
from phaen.thai.money import format_baht
from tests.browser.support import (
    PHONE,
    choose_fiscal_year,
    field,
    heading,
    horizontal_overflow,
    log_in,
    main_form,
    save,
    screenshot,
    status_message,
    url_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

YEAR = 2561
READING = "ศธจ.นศ.61-06"  # ส่งเสริมการอ่าน, led by กลุ่มพัฒนาการศึกษา
DUAL_SYSTEM = "ศธจ.นศ.61-09"  # ทวิภาคี, led by กลุ่มพัฒนาการศึกษา
ENVELOPE_NOTE = "เงินสนับสนุนจากองค์การบริหารส่วนจังหวัดนครศรีธรรมราช เพื่อส่งเสริมการอ่านและการศึกษาระบบทวิภาคี"
ORDER = "ศธ 0293/2561-095"
BOOKSHOP = "ร้านนครบุ๊คเซ็นเตอร์"
FIRST_PAYMENT = "ขบ. 0301/2561"
TOO_MUCH = "ขบ. 0302/2561"
TRANSFER_REASON = "โครงการทวิภาคีจัดอบรมร่วมกับสถานประกอบการโดยไม่มีค่าใช้จ่าย ขอโอนเงินเหลือไปจัดซื้อหนังสือเพิ่ม"
APPROVAL_NOTE = "อนุมัติ โอนภายในกลุ่มพัฒนาการศึกษา แหล่งเงินเดียวกัน"
Q3_END = date(2018, 6, 30)  # FY2561 Q3 ends on 30 June 2561
HUNDRED = Decimal(100)


def baht(amount: Decimal | int | str) -> str:
    return format_baht(Decimal(amount))


def rate(part: Decimal, whole: Decimal) -> Decimal:
    """A percentage to two places, rounded half up (how the pages round rates)."""
    return (part / whole * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cells(row: Locator) -> Locator:
    return row.locator("th, td")


# Figures from the base tables ---------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Money to the end of a quarter as the pages should show it, summed from the base tables."""

    allocated: Decimal
    planned: Decimal
    owed: Decimal
    disbursed: Decimal

    @property
    def used(self) -> Decimal:
        return self.disbursed + self.owed

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used

    @property
    def disbursement_rate(self) -> Decimal:
        return rate(self.disbursed, self.allocated)


def total(rows: QuerySet[Any]) -> Decimal:
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def owed(commitments: QuerySet[Commitment]) -> Decimal:
    """What open commitments still owe today (every payment against them counts)."""
    result = Decimal(0)
    for commitment in commitments.filter(status=Commitment.Status.OPEN):
        result += commitment.amount - total(commitment.disbursements.all())
    return result


def unit_figures(
    unit: OrgUnit, year: FiscalYear, until: date, fund: FundSource | None = None
) -> Expected:
    """A unit and everything below it: the money entering its subtree (envelopes, and
    allocations from a unit outside it; what it passes down inside is not counted twice),
    their spending plans, and every record below it dated up to ``until``."""
    entering = Allocation.objects.filter(fiscal_year=year, unit_path__startswith=unit.path).filter(
        Q(parent=None) | ~Q(parent__unit_path__startswith=unit.path)
    )
    below = {
        "allocation__fiscal_year": year,
        "allocation__unit_path__startswith": unit.path,
        "date__lte": until,
    }
    if fund is not None:
        entering = entering.filter(fund_source=fund)
        below["allocation__fund_source"] = fund
    return Expected(
        allocated=total(entering),
        planned=total(SpendingPlanLine.objects.filter(allocation__in=entering, month__lte=until)),
        owed=owed(Commitment.objects.filter(**below)),
        disbursed=total(Disbursement.objects.filter(**below)),
    )


def project_figures(project: Project, year: FiscalYear, until: date) -> Expected:
    """A project's money across its allocations (by lineage): its top project allocations."""
    own = Allocation.objects.filter(
        fiscal_year=year, project_lineage=project.lineage, level=Allocation.Level.PROJECT
    ).exclude(parent__project_lineage=project.lineage)
    below = {
        "allocation__fiscal_year": year,
        "allocation__project_lineage": project.lineage,
        "date__lte": until,
    }
    return Expected(
        allocated=total(own),
        planned=total(SpendingPlanLine.objects.filter(allocation__in=own, month__lte=until)),
        owed=owed(Commitment.objects.filter(**below)),
        disbursed=total(Disbursement.objects.filter(**below)),
    )


def running_sums() -> tuple[Decimal, ...]:
    """Every column of the running sums, totalled: a refused write must change none of them."""
    months = BudgetMonthRollup.objects.aggregate(
        planned=Sum("planned"),
        committed=Sum("committed"),
        owed=Sum("owed"),
        disbursed=Sum("disbursed"),
    )
    envelopes = BudgetRollup.objects.aggregate(original=Sum("original"), allocated=Sum("allocated"))
    return tuple(Decimal(value or 0) for value in (*months.values(), *envelopes.values()))


def status_label(rate_value: Decimal, target: Decimal) -> str:
    """On track within ``behind_points`` below the target, behind within ``far_behind_points``
    (the demo sets no policy: the defaults apply)."""
    policy = BudgetPolicy()
    shortfall = target - rate_value
    if shortfall <= policy.behind_points:
        return "ตามเป้าหมาย"
    return "ล่าช้า" if shortfall <= policy.far_behind_points else "ล่าช้ามาก"


def signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else f"{value}")


# The journey --------------------------------------------------------------------------------


def test_money_is_allocated_planned_spent_refused_over_the_limit_transferred_and_reported(
    page: Page,
    new_context: Callable[..., BrowserContext],
    demo_with_budget: dict[str, OrgUnit],
) -> None:
    units = demo_with_budget
    peo, development = units["PEO80"], units["PEO80-WG03"]
    year = FiscalYear.objects.get(year=YEAR)
    version = PlanVersion.objects.get(plan__unit=peo, plan__fiscal_year=year, number=2)
    reading = Project.objects.get(plan_version=version, code=READING)
    dual_system = Project.objects.get(plan_version=version, code=DUAL_SYSTEM)
    off_budget = FundSource.objects.get(code="off-budget")
    operating = ExpenseCategory.objects.get(code="operating")
    materials = ExpenseCategory.objects.get(code="operating-materials")
    services = ExpenseCategory.objects.get(code="operating-services")
    # The demo's year is closed: no allocation of the PEO takes new records any more.
    assert not Allocation.objects.filter(
        fiscal_year=year, unit_path__startswith=peo.path, closed_at=None
    ).exists()
    before = unit_figures(peo, year, Q3_END)

    # The planner: a new envelope of the PEO, its work group's share, two projects' allocations.
    planner = page
    log_in(planner, "planner")
    choose_fiscal_year(planner, YEAR)
    planner.get_by_role("navigation", name="เมนูหลัก").get_by_role(
        "link", name="การจัดสรรงบประมาณ", exact=True
    ).click()
    expect(heading(planner)).to_have_text("การจัดสรรงบประมาณ")
    planner.get_by_role("link", name="สร้างวงเงินของหน่วยงาน", exact=True).click()
    form = main_form(planner)
    expect(field(form, "ปีงบประมาณ")).to_have_value(str(year.pk))
    field(form, "หน่วยงาน").select_option(str(peo.pk))
    field(form, "แหล่งเงิน").select_option(label="เงินนอกงบประมาณ")
    field(form, "งบรายจ่าย/รายการ").select_option(label="งบดำเนินงาน")
    field(form, "จำนวนเงิน (บาท)").fill("๒๐๐,๐๐๐")  # Thai digits and separators are money too
    field(form, "หมายเหตุ").fill(ENVELOPE_NOTE)
    save(planner)
    envelope = Allocation.objects.get(fiscal_year=year, fund_source=off_budget, parent=None)
    assert (envelope.unit, envelope.category, envelope.amount) == (peo, operating, Decimal(200_000))
    # Back on the tree, the new fund has its own table; the envelope has nothing given out yet.
    expect(planner).to_have_url(url_path("/budget/allocations/"))
    fund_table = planner.get_by_role("region", name="เงินนอกงบประมาณ")
    expect(cells(fund_table.locator("tbody tr"))).to_have_text(
        [
            re.compile(rf"{re.escape(peo.name)}\s+{operating.name}"),
            *["200,000.00", "200,000.00", "0.00", "200,000.00", "0.00", "0.00", "200,000.00"],
        ]
    )
    fund_table.get_by_role("link", name=peo.name, exact=True).click()
    expect(planner).to_have_url(url_path(envelope.get_absolute_url()))
    expect(planner.locator(".money-details")).to_contain_text(ENVELOPE_NOTE)

    planner.get_by_role("link", name="จัดสรรต่อ", exact=True).click()
    expect(heading(planner)).to_have_text(f"จัดสรรต่อจาก “{peo.name}”")
    form = main_form(planner)
    form.get_by_role("radio", name=re.compile("^หน่วยงาน")).check()
    field(form, "หน่วยงาน").select_option(str(development.pk))
    field(form, "จำนวนเงิน (บาท)").fill("200,000")
    save(planner)
    share = Allocation.objects.get(parent=envelope)
    expect(planner).to_have_url(url_path(share.get_absolute_url()))
    expect(heading(planner)).to_have_text(development.name)

    planner.get_by_role("link", name="จัดสรรต่อ", exact=True).click()
    form = main_form(planner)
    expect(planner.locator(".stat-row .stat").nth(2)).to_contain_text("200,000.00")
    form.get_by_role("radio", name="โครงการ", exact=True).check()
    form.get_by_role("combobox", name="โครงการ", exact=True).select_option(str(dual_system.pk))
    field(form, "งบรายจ่าย/รายการ").select_option(label=f"— {services.name}")
    field(form, "จำนวนเงิน (บาท)").fill("80,000")
    save(planner)
    dual_money = Allocation.objects.get(parent=share, project=dual_system)
    expect(planner).to_have_url(url_path(dual_money.get_absolute_url()))

    planner.goto(share.get_absolute_url())
    planner.get_by_role("link", name="จัดสรรต่อ", exact=True).click()
    expect(planner.locator(".stat-row .stat").nth(2)).to_contain_text("120,000.00")  # left
    form = main_form(planner)
    form.get_by_role("radio", name="โครงการ", exact=True).check()
    form.get_by_role("combobox", name="โครงการ", exact=True).select_option(str(reading.pk))
    field(form, "งบรายจ่าย/รายการ").select_option(label=f"— {materials.name}")
    amount = field(form, "จำนวนเงิน (บาท)")
    amount.fill("130,000")  # more than the work group has left
    save(planner)
    expect(form.locator(".field.has-error .errorlist")).to_have_text(
        f"จัดสรรเกินวงเงินของ “{share}”: วงเงิน 200,000.00 บาท จัดสรรไปแล้ว 80,000.00 บาท "
        "เหลือจัดสรรได้ 120,000.00 บาท"
    )
    assert not Allocation.objects.filter(project=reading, fund_source=off_budget).exists()
    expect(amount).to_have_value("130,000")  # the form keeps what was typed
    screenshot(planner, "budget-journey-allocation-form")
    amount.fill("120,000")
    save(planner)
    reading_money = Allocation.objects.get(parent=share, project=reading)
    expect(planner).to_have_url(url_path(reading_money.get_absolute_url()))
    # The money is the project's lead unit's; it enters no unit the work group's share missed.
    assert (reading_money.unit, reading_money.level) == (development, Allocation.Level.PROJECT)
    expect(planner.locator(".subtitle")).to_contain_text("เงินนอกงบประมาณ")

    # Its spending plan by month: the months must add up to the allocation exactly.
    planner.get_by_role("link", name="แผนการใช้จ่ายรายเดือน", exact=True).click()
    expect(heading(planner)).to_have_text("แผนการใช้จ่ายรายเดือน")
    form = main_form(planner)
    field(form, "พฤษภาคม 2561").fill("60,000")
    field(form, "มิถุนายน 2561").fill("40,000")
    # The page's own POST, not the htmx preview of the totals (same URL, "HX-Request" header).
    with planner.expect_response(
        lambda response: (
            response.url.endswith("/spending-plan/")
            and "hx-request" not in response.request.headers
        )
    ) as refused:
        save(planner, "บันทึกแผน")
    assert refused.value.status == 400
    expect(form.locator(".form-errors")).to_contain_text(
        "แผนการใช้จ่ายรวม 100,000.00 บาท ไม่เท่ากับวงเงิน 120,000.00 บาท (ขาดอีก 20,000.00 บาท)"
    )
    field(form, "กรกฎาคม 2561").fill("20,000")
    save(planner, "บันทึกแผน")
    expect(planner).to_have_url(url_path(reading_money.get_absolute_url() + "#spending-plan"))
    expect(status_message(planner)).to_contain_text("บันทึกแผนการใช้จ่ายรายเดือนแล้ว")
    assert dict(
        SpendingPlanLine.objects.filter(allocation=reading_money).values_list("month", "amount")
    ) == {
        date(2018, 5, 1): Decimal(60_000),
        date(2018, 6, 1): Decimal(40_000),
        date(2018, 7, 1): Decimal(20_000),
    }
    quarter_three = planner.locator("#spending-plan .quarter-row").nth(2)
    expect(quarter_three).to_contain_text("100,000.00")  # cumulative to the end of Q3
    expect(quarter_three).to_contain_text("83.33")  # 100,000 of 120,000

    # The reporter of กลุ่มพัฒนาการศึกษา records a purchase order from the project's money tab.
    reporter = new_context().new_page()
    log_in(reporter, "reporter")
    choose_fiscal_year(reporter, YEAR)
    reporter.goto(reading.get_absolute_url())
    money = reporter.locator("#money")
    expect(money.get_by_role("heading", level=2)).to_have_text(
        "งบประมาณและการเบิกจ่าย ปีงบประมาณ พ.ศ. 2561"
    )
    money.get_by_role("link", name="บันทึกก่อหนี้", exact=True).click()
    expect(heading(reporter)).to_have_text("บันทึกการก่อหนี้ผูกพัน")
    form = main_form(reporter)
    picker = field(form, "การจัดสรรที่ก่อหนี้")
    # Only the project's open allocation: the appropriation's was closed at year end.
    expect(picker.locator("option[value]:not([value=''])")).to_have_count(1)
    expect(picker).to_have_value(str(reading_money.pk))
    expect(form.locator("#records-room .room-available")).to_contain_text("120,000.00")
    field(form, "วันที่ก่อหนี้").fill("2/5/2561")
    field(form, "เลขที่ใบสั่งซื้อ/สัญญา").fill(ORDER)
    field(form, "จำนวนเงิน (บาท)").fill("95,000")
    field(form, "คู่สัญญา/ผู้ขาย").fill(BOOKSHOP)
    field(form, "รายละเอียด").fill("หนังสือส่งเสริมการอ่านสำหรับห้องสมุดโรงเรียน 38 แห่ง")
    save(reporter)
    order = Commitment.objects.get(document_number=ORDER)
    expect(reporter).to_have_url(url_path(order.get_absolute_url()))
    assert (order.allocation, order.date, order.amount, order.status) == (
        reading_money,
        date(2018, 5, 2),
        Decimal(95_000),
        Commitment.Status.OPEN,
    )

    # Back on the money tab, the first payment against the order.
    reporter.locator("main").get_by_role("link", name=str(reading), exact=True).click()
    expect(reporter).to_have_url(url_path(reading.get_absolute_url()))
    money.get_by_role("link", name="บันทึกเบิกจ่าย", exact=True).click()
    expect(heading(reporter)).to_have_text("บันทึกการเบิกจ่าย")
    form = main_form(reporter)
    expect(field(form, "การจัดสรรที่เบิกจ่าย")).to_have_value(str(reading_money.pk))
    field(form, "ตามข้อผูกพัน (ใบสั่งซื้อ/สัญญา)").select_option(str(order.pk))
    expect(form.locator(".room-commitment")).to_contain_text("คงเหลือ 95,000.00 บาท")
    field(form, "วันที่เบิกจ่าย").fill("15/6/2561")
    field(form, "เลขที่เอกสารเบิกจ่าย").fill(FIRST_PAYMENT)
    field(form, "จำนวนเงิน (บาท)").fill("60,000.00")
    field(form, "รายละเอียด").fill("ค่าหนังสือ งวดที่ 1")
    save(reporter)
    payment = Disbursement.objects.get(document_number=FIRST_PAYMENT)
    expect(reporter).to_have_url(url_path(payment.get_absolute_url()))
    assert (payment.commitment, payment.amount) == (order, Decimal(60_000))

    # The money tab: used (disbursed + what the order still owes) is not disbursed.
    reporter.goto(reading.get_absolute_url() + "#money")
    line = money.locator("table.money-table").first.locator("tbody tr", has_text="เงินนอกงบประมาณ")
    expect(cells(line)).to_have_text(
        [
            "ทั้งโครงการ",
            f"เงินนอกงบประมาณ / {materials.name}",
            "120,000.00",
            "120,000.00",
            "95,000.00",
            "60,000.00",
            "25,000.00",
        ]
    )
    order_row = money.locator("#money-commitments + .table-wrap tbody tr", has_text=ORDER)
    expect(cells(order_row)).to_have_text(
        ["2 พ.ค. 61", ORDER, BOOKSHOP, "ผูกพันอยู่", "95,000.00", "35,000.00"]  # balance
    )
    screenshot(reporter, "budget-journey-money-tab")
    reporter.set_viewport_size(PHONE)
    reporter.reload()
    expect(money).to_be_visible()
    money.scroll_into_view_if_needed()
    screenshot(reporter, "budget-journey-money-tab-phone")
    assert horizontal_overflow(reporter) == 0
    reporter.set_viewport_size({"width": 1280, "height": 800})

    # An over-spend: a direct payment above what is left (25,000) is refused; nothing is saved.
    money.get_by_role("link", name="บันทึกเบิกจ่าย", exact=True).click()
    form = main_form(reporter)
    expect(field(form, "ตามข้อผูกพัน (ใบสั่งซื้อ/สัญญา)")).to_have_value("")  # paid directly
    expect(form.locator("#records-room .room-available")).to_contain_text("25,000.00")
    field(form, "วันที่เบิกจ่าย").fill("20/6/2561")
    field(form, "เลขที่เอกสารเบิกจ่าย").fill(TOO_MUCH)
    amount = field(form, "จำนวนเงิน (บาท)")
    amount.fill("๓๐,๐๐๐")
    field(form, "รายละเอียด").fill("ค่าจัดมหกรรมส่งเสริมการอ่าน")
    records = (Commitment.objects.count(), Disbursement.objects.count())
    sums, events = running_sums(), AuditEvent.objects.count()
    with reporter.expect_response(re.compile(r"/budget/disbursements/add/")) as refused:
        save(reporter)
    assert refused.value.status == 400
    amount_field = form.locator(".field.has-error")
    expect(amount_field).to_have_count(1)
    expect(field(amount_field, "จำนวนเงิน (บาท)")).to_be_visible()
    expect(amount_field.locator(".errorlist")).to_have_text(
        f"การเบิกจ่าย 30,000.00 บาท ทำให้ใช้จ่ายของ “{reading_money}” รวม 125,000.00 บาท "
        "เกินวงเงิน 120,000.00 บาท อยู่ 5,000.00 บาท ระบบจึงไม่บันทึก"
    )
    expect(amount).to_have_value("๓๐,๐๐๐")  # the form keeps what was typed
    expect(field(form, "เลขที่เอกสารเบิกจ่าย")).to_have_value(TOO_MUCH)
    screenshot(reporter, "budget-journey-overspend-refused")
    assert (Commitment.objects.count(), Disbursement.objects.count()) == records
    assert not Disbursement.objects.filter(document_number=TOO_MUCH).exists()
    assert running_sums() == sums
    assert AuditEvent.objects.count() == events

    # The planner asks to move 30,000 from the dual-system project to the reading project.
    planner.goto(dual_money.get_absolute_url())
    planner.get_by_role("link", name="ขอโอนเปลี่ยนแปลง", exact=True).click()
    form = main_form(planner)
    expect(field(form, "โอนจาก")).to_have_value(str(dual_money.pk))
    target = field(form, "โอนไปยัง")
    expect(target.locator("option[value]:not([value=''])")).to_have_count(1)  # same fund only
    target.select_option(str(reading_money.pk))
    field(form, "จำนวนเงินที่โอน (บาท)").fill("30,000")
    field(form, "เหตุผลการโอน").fill(TRANSFER_REASON)
    save(planner, "ส่งคำขอ")
    transfer = BudgetTransfer.objects.get(source=dual_money)
    expect(planner).to_have_url(url_path(transfer.get_absolute_url()))
    expect(status_message(planner)).to_contain_text("ส่งคำขอโอนเปลี่ยนแปลงแล้ว รอผู้อนุมัติพิจารณา")
    expect(planner.locator(".notice.info")).to_have_text("คำขอนี้รอผู้อนุมัติพิจารณา")
    assert Allocation.objects.get(pk=reading_money.pk).amount == Decimal(120_000)  # not yet

    # The director approves it from the list of transfers.
    director = new_context().new_page()
    log_in(director, "director")
    choose_fiscal_year(director, YEAR)
    director.get_by_role("navigation", name="เมนูหลัก").get_by_role(
        "link", name="การโอนเปลี่ยนแปลง", exact=True
    ).click()
    request_row = director.locator("#object-list tbody tr", has_text="เงินนอกงบประมาณ")
    expect(request_row).to_contain_text("รออนุมัติ")
    request_row.get_by_role("link").first.click()
    expect(director).to_have_url(url_path(transfer.get_absolute_url()))
    expect(director.locator("h1")).to_contain_text("โอนเปลี่ยนแปลง 30,000.00 บาท")
    field(director, "ความเห็นผู้พิจารณา").fill(APPROVAL_NOTE)
    director.locator("#decision").get_by_role("button", name="อนุมัติ", exact=True).click()
    expect(status_message(director)).to_contain_text("อนุมัติการโอน 30,000.00 บาทแล้ว")
    expect(director.locator("h1 .badge")).to_have_text("อนุมัติแล้ว")
    expect(director.locator(".details")).to_contain_text(f"อนุมัติในระดับ {peo.name}")
    losing = director.locator(".sides-table").nth(0).locator("tbody tr").first
    gaining = director.locator(".sides-table").nth(1).locator("tbody tr").first
    expect(cells(losing).nth(2)).to_have_text("80,000.00")
    expect(cells(losing).nth(4)).to_have_text("50,000.00")
    expect(cells(gaining).nth(2)).to_have_text("120,000.00")
    expect(cells(gaining).nth(4)).to_have_text("150,000.00")
    screenshot(director, "budget-journey-transfer-approved")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by.username, transfer.approval_unit) == (  # type: ignore[union-attr]
        BudgetTransfer.Status.APPROVED,
        "director",
        peo,
    )
    reading_money.refresh_from_db()
    dual_money.refresh_from_db()
    assert (reading_money.original_amount, reading_money.amount) == (
        Decimal(120_000),
        Decimal(150_000),
    )
    assert (dual_money.original_amount, dual_money.amount) == (Decimal(80_000), Decimal(50_000))

    # The overview of the PEO (and everything below it) at the end of Q3, against the cabinet.
    planner.get_by_role("navigation", name="เมนูหลัก").get_by_role(
        "link", name="ภาพรวมงบประมาณ", exact=True
    ).click()
    expect(heading(planner)).to_have_text(f"ภาพรวมงบประมาณ: {peo.name}")
    with planner.expect_navigation():
        field(planner, "ข้อมูล ณ").select_option(label="สิ้นไตรมาส 3")
    expect(planner.locator(".subtitle")).to_contain_text("ข้อมูล ณ สิ้นไตรมาส 3")
    now = unit_figures(peo, year, Q3_END)
    # The new money shows: 200,000 more allocated, 95,000 more used, 60,000 more disbursed.
    assert now.allocated - before.allocated == Decimal(200_000)
    assert (now.used - before.used, now.disbursed - before.disbursed) == (
        Decimal(95_000),
        Decimal(60_000),
    )
    stats = planner.locator(".stat-card .stat-value")
    expect(stats).to_have_text(
        [
            baht(now.allocated),
            baht(now.used),
            baht(now.disbursed),
            baht(now.remaining),
            f"{now.disbursement_rate}%",
            f"{rate(now.used, now.allocated)}%",
        ]
    )
    target = DisbursementTarget.objects.get(fiscal_year=YEAR, period="Q3", scope="overall").percent
    overall = planner.locator(".target-table tbody tr").first
    expect(cells(overall)).to_have_text(
        [
            "มติ ครม. · ภาพรวม",
            baht(now.allocated),
            baht(now.disbursed),
            str(target),
            str(now.disbursement_rate),
            signed(now.disbursement_rate - target),
            status_label(now.disbursement_rate, target),
        ]
    )
    q3 = planner.locator(".quarter-table tbody tr.current")
    expect(cells(q3).nth(1)).to_have_text(
        f"{baht(now.planned)} ({rate(now.planned, now.allocated)}%)"
    )
    expect(cells(q3).nth(2)).to_have_text(baht(now.used))
    expect(cells(q3).nth(3)).to_have_text(baht(now.disbursed))
    expect(cells(q3).nth(4)).to_have_text(str(now.disbursement_rate))
    expect(cells(q3).nth(5)).to_have_text(str(target))
    by_fund = unit_figures(peo, year, Q3_END, fund=off_budget)
    assert (by_fund.allocated, by_fund.used, by_fund.disbursed) == (
        Decimal(200_000),
        Decimal(95_000),
        Decimal(60_000),
    )
    fund_row = planner.locator("section", has=planner.locator("#funds-heading")).locator(
        "tbody tr", has_text="เงินนอกงบประมาณ"
    )
    expect(cells(fund_row)).to_have_text(
        [
            "เงินนอกงบประมาณ",
            baht(by_fund.allocated),
            baht(by_fund.used),
            baht(by_fund.disbursed),
            baht(by_fund.remaining),
            f"{by_fund.disbursement_rate}%",
        ]
    )
    group = unit_figures(development, year, Q3_END)
    group_row = planner.locator("#units tbody tr", has_text=development.name)
    expect(cells(group_row).nth(1)).to_have_text(baht(group.allocated))
    expect(cells(group_row).nth(2)).to_have_text(baht(group.used))
    expect(cells(group_row).nth(3)).to_have_text(baht(group.disbursed))
    # The projects after the transfer: each one's money in both funds.
    for project in (reading, dual_system):
        figures = project_figures(project, year, Q3_END)
        row = planner.locator("#projects tbody tr", has_text=project.code)
        expect(cells(row).nth(1)).to_have_text(baht(figures.allocated))
        expect(cells(row).nth(2)).to_have_text(baht(figures.planned))
        expect(cells(row).nth(3)).to_have_text(baht(figures.used))
        expect(cells(row).nth(4)).to_have_text(baht(figures.disbursed))
    assert project_figures(reading, year, Q3_END).allocated == Decimal(460_000 + 150_000)
    assert project_figures(dual_system, year, Q3_END).allocated == Decimal(250_000 + 50_000)
    screenshot(planner, "budget-journey-overview")

    # Drilling down to the work group shows the same figures as its row.
    group_row.get_by_role("link", name=development.name).click()
    expect(heading(planner)).to_have_text(f"ภาพรวมงบประมาณ: {development.name}")
    expect(planner.locator(".stat-card .stat-value").first).to_have_text(baht(group.allocated))
    expect(planner.locator(".stat-card .stat-value").nth(2)).to_have_text(baht(group.disbursed))
