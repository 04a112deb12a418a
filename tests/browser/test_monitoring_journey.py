"""The monitoring journey on the demo's FY2561 data (issue 5).

The reporter of กลุ่มพัฒนาการศึกษา writes the missing Q2 report of ศธจ.นศ.61-06 (the demo
granted the unit a late entry for Q2): status, percent, two activities' progress, the indicator's
result, a problem and its corrective action; submits it; the director returns it with a comment;
the reporter corrects the result and submits again; the director approves it and the report is
locked. The compliance board, the quarterly overview and both users' inboxes are checked before
and after, and the quarterly PDF is downloaded, its text extracted and page 1 rendered to PNG.
Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import BrowserContext, Dialog, Locator, Page, expect

from phaen.core.tests.pdf_tools import page_png, pdf_text, require_poppler
from phaen.monitoring.models import (
    ActivityProgress,
    CorrectiveAction,
    IndicatorResult,
    LateEntryException,
    Problem,
    ProgressReport,
    ReportingPeriod,
)
from phaen.orgs.models import OrgUnit
from phaen.plans.models import FiscalYear, Indicator, PlanVersion, Project
from tests.browser.support import (
    PHONE,
    SCREENSHOTS,
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
READING = "ศธจ.นศ.61-06"
TRAINING = "อบรมครูภาษาไทยชั้น ป.1–3 ด้านการสอนอ่านเขียนแบบแจกลูกสะกดคำ"
SCREENING = "คัดกรองและติดตามนักเรียนที่อ่านไม่คล่อง"
SCREENING_NOTE = "คัดกรองแล้ว 412 โรงเรียนจาก 690 โรงเรียน ที่เหลือเลื่อนไปหลังสอบปลายภาค"
OUTPUTS = "ครูภาษาไทยชั้น ป.1–3 ผ่านการอบรมการสอนอ่านเขียนแบบแจกลูกสะกดคำครบ 2 รุ่น"
SUMMARY = "อบรมครูรุ่นที่ 2 แล้วเสร็จ การคัดกรองการอ่านล่าช้ากว่าแผนเพราะตรงกับช่วงสอบปลายภาค"
RESULT_NOTE = "รวมรุ่นที่ 1 และรุ่นที่ 2 ตามทะเบียนผู้ผ่านการอบรม"
CORRECTED_NOTE = "รวมรุ่นที่ 1 และรุ่นที่ 2 รวมครูที่อบรมชดเชย 12 คน ตามทะเบียนผู้ผ่านการอบรม"
PROBLEM = "การคัดกรองการอ่านออกเขียนได้ตรงกับช่วงสอบปลายภาคของโรงเรียน"
CAUSE = "ไม่ได้ประสานปฏิทินการคัดกรองกับปฏิทินการสอบของสำนักงานเขตพื้นที่การศึกษา"
ACTION = "ประสานสำนักงานเขตพื้นที่การศึกษาเพื่อคัดกรองโรงเรียนที่เหลือในเดือนพฤษภาคม 2561"
ACTION_OWNER = "ผู้อำนวยการกลุ่มพัฒนาการศึกษา"
RETURN_COMMENT = "ผลตัวชี้วัดไม่ตรงกับทะเบียนผู้ผ่านการอบรม (ยังไม่รวมครูที่อบรมชดเชย 12 คน) กรุณาตรวจสอบและแก้ไข"
HUNDRED = Decimal(100)
State = ProgressReport.State


def on_report(report: ProgressReport) -> re.Pattern[str]:
    """The report's page, at any of its anchors (a saved part comes back to its row)."""
    return re.compile(rf"^https?://[^/]+{re.escape(report.get_absolute_url())}(#[\w-]+)?$")


def accept_confirmations(page: Page) -> list[str]:
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


# Figures from the base tables ---------------------------------------------------------------


def percent_of(value: Decimal, target: Decimal) -> Decimal:
    return (value / target * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Overview:
    """The quarterly overview's key figures of the PEO in Q2, counted from the base tables."""

    activities: int
    on_schedule: int
    open_problems: int
    overdue_actions: int


def overview_figures(peo: OrgUnit, period: ReportingPeriod) -> Overview:
    activities = ActivityProgress.objects.filter(
        report__period=period, report__unit_path__startswith=peo.path
    )
    problems = Problem.objects.filter(report__period=period, report__unit_path__startswith=peo.path)
    open_actions = CorrectiveAction.objects.filter(status__in=("open", "in_progress"))
    open_problems = [
        problem
        for problem in problems.prefetch_related("actions")
        if not problem.actions.all()
        or any(action.status in ("open", "in_progress") for action in problem.actions.all())
    ]
    return Overview(
        activities=activities.count(),
        on_schedule=activities.filter(status__in=("on_schedule", "completed")).count(),
        open_problems=len(open_problems),
        overdue_actions=open_actions.filter(
            unit_path__startswith=peo.path, due_on__lt=timezone.localdate()
        ).count(),
    )


def report_states(unit: OrgUnit, period: ReportingPeriod) -> dict[str, int]:
    """The unit's reports of the quarter by state (the board's columns after "not started")."""
    reports = ProgressReport.objects.filter(period=period, unit_path__startswith=unit.path)
    return {state: reports.filter(state=state).count() for state in State.values}


# Reading the pages -------------------------------------------------------------------------

BOARD_COLUMNS = (
    "required",
    "not_started",
    "draft",
    "submitted",
    "returned",
    "approved",
    "on_time",
    "late",
    "overdue",
)


def board_row(page: Page, unit: OrgUnit) -> dict[str, int]:
    """A unit's row of the compliance board, by column."""
    row = page.locator("table.money-table tbody tr", has=page.get_by_role("link", name=unit.name))
    expect(row).to_have_count(1)
    numbers = row.locator("td.numeric").all_inner_texts()
    return dict(zip(BOARD_COLUMNS, (int(n) for n in numbers), strict=True))


def open_board(page: Page, period: ReportingPeriod, unit: OrgUnit) -> None:
    page.goto(f"/monitoring/compliance/?period={period.pk}&unit={unit.pk}")
    expect(heading(page)).to_have_text(f"สถานะการรายงานความก้าวหน้า: {unit.name}")
    expect(page.locator(".subtitle")).to_contain_text(period.label)


def open_overview(page: Page, period: ReportingPeriod, unit: OrgUnit) -> None:
    page.goto(f"/monitoring/overview/?period={period.pk}&unit={unit.pk}")
    expect(heading(page)).to_have_text(f"ภาพรวมการติดตามและประเมินผลรายไตรมาส: {unit.name}")


def check_overview(page: Page, figures: Overview) -> None:
    stats = page.locator(".stat-card .stat-value")
    expect(stats.nth(1)).to_have_text(f"{figures.on_schedule}/{figures.activities}")
    expect(stats.nth(2)).to_have_text(str(figures.open_problems))
    expect(stats.nth(3)).to_have_text(str(figures.overdue_actions))


def status_counts(page: Page) -> dict[str, int]:
    """The overview's projects by progress status."""
    rows = page.locator("section", has=page.locator("#status-heading")).locator("tbody tr")
    counts = {}
    for row in rows.all():
        label = row.locator("th").inner_text().strip()
        counts[label] = int(row.locator("td.numeric").inner_text())
    return counts


def inbox_section(page: Page, title: str) -> Locator:
    page.goto("/inbox/")
    expect(heading(page)).to_have_text("งานที่รอฉัน")
    return page.locator(".inbox-section", has=page.get_by_role("heading", name=re.compile(title)))


def squeezed(text: str) -> str:
    """Text without its white space: the PDF breaks lines inside Thai phrases."""
    return re.sub(r"\s+", "", text)


# The journey --------------------------------------------------------------------------------


def test_a_quarterly_report_is_written_returned_corrected_approved_and_reported(
    page: Page,
    new_context: Callable[..., BrowserContext],
    demo_with_budget: dict[str, OrgUnit],
    tmp_path: Path,
) -> None:
    require_poppler()
    units = demo_with_budget
    peo, development = units["PEO80"], units["PEO80-WG03"]
    year = FiscalYear.objects.get(year=YEAR)
    version = PlanVersion.objects.get(plan__unit=peo, plan__fiscal_year=year, number=2)
    reading = Project.objects.get(plan_version=version, code=READING)
    q1 = ReportingPeriod.objects.get(fiscal_year=year, kind="Q1")
    q2 = ReportingPeriod.objects.get(fiscal_year=year, kind="Q2")
    indicator = Indicator.objects.get(project=reading)
    # The demo: an approved Q1 report, no Q2 report, a late entry for the unit, a Q2 target.
    assert ProgressReport.objects.get(project_lineage=reading.lineage, period=q1).state == (
        State.APPROVED
    )
    assert not ProgressReport.objects.filter(project_lineage=reading.lineage, period=q2).exists()
    assert LateEntryException.objects.filter(
        period=q2, unit=development, revoked_at=None, until__gte=timezone.localdate()
    ).exists()
    target = Decimal(300)

    # The director's view before: the board, the overview and the inbox.
    director = new_context().new_page()
    log_in(director, "director")
    choose_fiscal_year(director, YEAR)
    open_board(director, q2, peo)
    board_before = board_row(director, development)
    states_before = report_states(development, q2)
    assert board_before["approved"] == states_before[State.APPROVED]
    assert board_before["draft"] == states_before[State.DRAFT]
    assert board_before["submitted"] == states_before[State.SUBMITTED]
    overview_before = overview_figures(peo, q2)
    open_overview(director, q2, peo)
    check_overview(director, overview_before)
    statuses_before = status_counts(director)
    to_approve = inbox_section(director, "รายงานความก้าวหน้าที่รอการพิจารณา")
    expect(to_approve.locator("li", has_text=READING)).to_have_count(0)
    # Every submitted report of the demo is the PEO's to approve (its province's units).
    waiting = ProgressReport.objects.filter(state=State.SUBMITTED).count()
    expect(to_approve.locator("h2 .badge")).to_have_text(str(waiting))
    screenshot(director, "monitoring-journey-inbox-director-before")

    # The reporter finds the missing report in the inbox and starts it.
    reporter = page
    log_in(reporter, "reporter")
    choose_fiscal_year(reporter, YEAR)
    to_write = inbox_section(reporter, "รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข")
    item = to_write.locator("li", has_text=READING)
    expect(item).to_contain_text(f"{q2.label} · ยังไม่เริ่มจัดทำ")
    expect(item.locator(".badge")).to_have_text("เลยกำหนด")
    screenshot(reporter, "monitoring-journey-inbox-reporter-before")
    item.get_by_role("link").click()
    expect(heading(reporter)).to_have_text("เริ่มจัดทำรายงานความก้าวหน้า")
    expect(field(main_form(reporter), "ไตรมาส")).to_have_value(str(q2.pk))
    main_form(reporter).get_by_role("button", name="เริ่มจัดทำรายงาน").click()
    report = ProgressReport.objects.get(project_lineage=reading.lineage, period=q2)
    expect(reporter).to_have_url(url_path(report.get_absolute_url()))
    expect(status_message(reporter)).to_contain_text("เริ่มจัดทำรายงาน")
    expect(heading(reporter)).to_contain_text("ร่าง")
    # The activities come with the Q1 report's status.
    activities = reporter.locator("#activities tbody tr")
    expect(activities).to_have_count(ActivityProgress.objects.filter(report=report).count())

    # Status, percent, outputs and results of the quarter (Thai digits for the percent).
    reporter.get_by_role("link", name="แก้ไขสถานะและผลการดำเนินงาน").click()
    expect(heading(reporter)).to_have_text("แก้ไขรายงานความก้าวหน้า")
    form = main_form(reporter)
    field(form, "สถานะการดำเนินงาน").select_option(label="ล่าช้ากว่าแผน")
    field(form, "ร้อยละความก้าวหน้า").fill("๔๕")
    field(form, "ผลผลิตที่ได้").fill(OUTPUTS)
    field(form, "ผลการดำเนินงาน").fill(SUMMARY)
    screenshot(reporter, "monitoring-journey-report-edit")
    save(reporter)
    expect(reporter).to_have_url(url_path(report.get_absolute_url()))
    report.refresh_from_db()
    assert (report.progress_status, report.percent_complete) == ("behind", Decimal(45))
    expect(reporter.locator(".stat-row .stat-value").nth(0)).to_have_text("ล่าช้ากว่าแผน")
    expect(reporter.locator(".stat-row .stat-value").nth(1)).to_have_text("45")

    # The teachers' training ended in January; the screening of slow readers is behind.
    for name, status, percent, note in (
        (TRAINING, "เสร็จสิ้น", "100", "อบรมครบ 2 รุ่น"),
        (SCREENING, "ล่าช้ากว่าแผน", "๓๐", SCREENING_NOTE),
    ):
        row = activities.filter(has_text=name)
        row.get_by_role("link", name=re.compile("^แก้ไข")).click()
        expect(heading(reporter)).to_contain_text("ความก้าวหน้า")
        form = main_form(reporter)
        field(form, "สถานะ").select_option(label=status)
        field(form, "ร้อยละความก้าวหน้า").fill(percent)
        if name == TRAINING:
            field(form, "วันที่เสร็จจริง").fill("31/1/2561")
        else:
            field(form, "วันที่เริ่มจริง").fill("๑๒/๒/๒๕๖๑")
        field(form, "หมายเหตุ").fill(note)
        if name == SCREENING:
            screenshot(reporter, "monitoring-journey-activity-edit")
        save(reporter)
        expect(reporter).to_have_url(on_report(report))
        expect(row.locator("td").nth(2)).to_have_text(status)
    screening = ActivityProgress.objects.get(report=report, activity__name=SCREENING)
    assert (screening.status, screening.percent_complete, screening.actual_start) == (
        "behind",
        Decimal(30),
        date(2018, 2, 12),
    )

    # The indicator's result: 274 teachers of a Q2 target of 300.
    results = reporter.locator(f"#indicator-{indicator.pk}")
    cells = results.locator("td")
    expect(cells.nth(1)).to_have_text("300")
    results.get_by_role("link", name="บันทึกผล").click()
    expect(heading(reporter)).to_have_text("บันทึกผลตัวชี้วัด")
    expect(reporter.locator(".details strong")).to_have_text("300")
    form = main_form(reporter)
    field(form, "ผลการดำเนินงาน").fill("๒๗๔")
    field(form, "คำอธิบายผล").fill(RESULT_NOTE)
    screenshot(reporter, "monitoring-journey-result-form")
    save(reporter)
    result = IndicatorResult.objects.get(report=report, indicator=indicator)
    assert result.actual_value == Decimal(274)
    expect(reporter).to_have_url(on_report(report))
    expect(cells.nth(2)).to_have_text("274")
    expect(cells.nth(3)).to_have_text(str(percent_of(Decimal(274), target)))
    expect(cells.nth(4)).to_have_text("ไม่บรรลุ")

    # A problem and its corrective action (saved in one go).
    reporter.get_by_role("link", name="เพิ่มปัญหาอุปสรรค").click()
    expect(heading(reporter)).to_have_text("เพิ่มปัญหาอุปสรรค")
    form = main_form(reporter)
    field(form, "ประเภทปัญหา").select_option(label="ระยะเวลาดำเนินการ")
    field(form, "ปัญหาอุปสรรค").fill(PROBLEM)
    field(form, "สาเหตุ").fill(CAUSE)
    save(reporter, "บันทึกแล้วเพิ่มแนวทางแก้ไข")
    problem = Problem.objects.get(report=report)
    expect(heading(reporter)).to_contain_text("แนวทางแก้ไข")
    form = main_form(reporter)
    field(form, "แนวทางแก้ไข").fill(ACTION)
    field(form, "ผู้รับผิดชอบ").fill(ACTION_OWNER)
    field(form, "กำหนดแล้วเสร็จ").fill("30/6/2561")
    screenshot(reporter, "monitoring-journey-action-form")
    save(reporter)
    action = CorrectiveAction.objects.get(problem=problem)
    assert (action.due_on, action.status) == (date(2018, 6, 30), "open")
    expect(reporter).to_have_url(on_report(report))
    problem_card = reporter.locator(f"#problem-{problem.pk}")
    expect(problem_card).to_contain_text(PROBLEM)
    expect(problem_card.locator(f"#action-{action.pk}")).to_contain_text(ACTION)
    expect(problem_card.locator(f"#action-{action.pk} .badge.bad")).to_have_text("เกินกำหนด")
    screenshot(reporter, "monitoring-journey-report-draft")

    # Submitted, years after the due date: late.
    workflow = reporter.locator("#workflow")
    expect(workflow.locator(".notice.warning")).to_have_count(0)  # nothing stops it
    workflow.get_by_role("button", name="ส่งรายงาน", exact=True).click()
    expect(status_message(reporter)).to_contain_text("ส่งรายงานแล้ว รอผู้อนุมัติพิจารณา")
    report.refresh_from_db()
    assert (report.state, report.is_late) == (State.SUBMITTED, True)
    expect(heading(reporter).locator(".badge")).to_have_text([report.get_state_display(), "ส่งล่าช้า"])
    expect(reporter.get_by_role("link", name="แก้ไขสถานะและผลการดำเนินงาน")).to_have_count(0)
    to_write = inbox_section(reporter, "รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข")
    expect(to_write.locator("li", has_text=READING)).to_have_count(0)

    # The board and the director's inbox see it.
    open_board(director, q2, peo)
    after_submit = board_row(director, development)
    assert after_submit == {
        **board_before,
        "not_started": board_before["not_started"] - 1,
        "submitted": board_before["submitted"] + 1,
        "late": board_before["late"] + 1,
        "overdue": board_before["overdue"] - 1,
    }
    # The inbox lists the ten reports waiting longest, then links to all of them.
    to_approve = inbox_section(director, "รายงานความก้าวหน้าที่รอการพิจารณา")
    expect(to_approve.locator("h2 .badge")).to_have_text(str(waiting + 1))
    to_approve.get_by_role("link", name=f"ดูทั้งหมด {waiting + 1} รายการ").click()
    expect(heading(director)).to_have_text("อนุมัติรายงานความก้าวหน้าหลายรายงาน")
    row = director.locator("main tbody tr", has_text=READING)
    expect(row.locator("td").nth(2)).to_have_text(q2.label)
    expect(row.locator("td").nth(4)).to_have_text("ล่าช้ากว่าแผน")
    expect(row.locator(".badge")).to_have_text("ส่งล่าช้า")
    screenshot(director, "monitoring-journey-bulk-approve")
    row.get_by_role("link").click()
    expect(director).to_have_url(url_path(report.get_absolute_url()))

    # The director returns it; the comment is required.
    decision = director.locator("#workflow")
    decision.get_by_role("button", name="ส่งกลับให้แก้ไข").click()
    expect(decision.locator(".errorlist")).to_have_text("กรุณาระบุสิ่งที่ต้องแก้ไขเมื่อส่งรายงานกลับ")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    field(decision, "สิ่งที่ต้องแก้ไข").fill(RETURN_COMMENT)
    screenshot(director, "monitoring-journey-report-submitted")
    decision.get_by_role("button", name="ส่งกลับให้แก้ไข").click()
    expect(status_message(director)).to_contain_text("ส่งรายงานกลับให้แก้ไขแล้ว")
    report.refresh_from_db()
    assert (report.state, report.return_comment) == (State.RETURNED, RETURN_COMMENT)

    # The reporter sees it in the inbox with the comment, corrects the result and resubmits.
    to_write = inbox_section(reporter, "รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข")
    item = to_write.locator("li", has_text=READING)
    expect(item).to_contain_text(f"{q2.label} · ส่งกลับให้แก้ไข")
    item.get_by_role("link").click()
    expect(reporter.locator(".notice.warning")).to_contain_text(
        f"ผู้อนุมัติส่งรายงานกลับให้แก้ไข: {RETURN_COMMENT}"
    )
    expect(reporter.locator("#timeline")).to_contain_text(RETURN_COMMENT)
    screenshot(reporter, "monitoring-journey-report-returned")
    results.get_by_role("link", name="แก้ไขผล").click()
    expect(heading(reporter)).to_have_text("แก้ไขผลตัวชี้วัด")
    form = main_form(reporter)
    expect(field(form, "ผลการดำเนินงาน")).to_have_value("274")
    field(form, "ผลการดำเนินงาน").fill("286")
    field(form, "คำอธิบายผล").fill(CORRECTED_NOTE)
    field(form, "เหตุผลของการเปลี่ยนแปลง").fill("แก้ตามความเห็นของผู้อนุมัติ")
    save(reporter)
    expect(cells.nth(2)).to_have_text("286")
    expect(cells.nth(3)).to_have_text(str(percent_of(Decimal(286), target)))
    reporter.locator("#workflow").get_by_role("button", name="ส่งรายงานอีกครั้ง").click()
    expect(status_message(reporter)).to_contain_text("ส่งรายงานแล้ว รอผู้อนุมัติพิจารณา")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED

    # The director approves it (after a confirmation): the report is locked.
    asked = accept_confirmations(director)
    director.goto(report.get_absolute_url())
    director.locator("#workflow").get_by_role("button", name="อนุมัติรายงาน").click()
    expect(status_message(director)).to_contain_text("อนุมัติรายงานแล้ว รายงานถูกล็อกไม่ให้แก้ไข")
    assert asked == ["อนุมัติรายงานนี้? เมื่ออนุมัติแล้วรายงานจะถูกล็อกไม่ให้แก้ไข"]
    report.refresh_from_db()
    assert (report.state, report.decided_by.username) == (State.APPROVED, "director")  # type: ignore[union-attr]
    locked = (
        f"รายงาน{q2} ของโครงการนี้อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้ "
        "หากต้องแก้ไข ผู้อนุมัติต้องเปิดรายงานให้แก้ไขใหม่พร้อมระบุเหตุผล"
    )
    expect(director.locator(".notice.info")).to_have_text(locked)
    screenshot(director, "monitoring-journey-report-approved")

    # Locked for the reporter: no edit links, and the edit page refuses.
    reporter.goto(report.get_absolute_url())
    expect(reporter.locator(".notice.info")).to_have_text(locked)
    main = reporter.locator("main")
    for name in ("แก้ไขสถานะและผลการดำเนินงาน", "เพิ่มปัญหาอุปสรรค", "แนบหลักฐาน", "แก้ไขผล"):
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^แก้ไข"))).to_have_count(0)
    expect(reporter.locator("#workflow")).to_have_count(0)
    screenshot(reporter, "monitoring-journey-report-locked")
    reporter.set_viewport_size(PHONE)
    reporter.reload()
    screenshot(reporter, "monitoring-journey-report-locked-phone")
    assert horizontal_overflow(reporter) == 0
    reporter.set_viewport_size({"width": 1280, "height": 800})
    reporter.goto(report.get_absolute_url())
    results.get_by_role("link", name="286").click()
    expect(heading(reporter)).to_have_text(f"ผลตัวชี้วัด: {indicator.name}")
    expect(reporter.locator("main")).to_contain_text(CORRECTED_NOTE)
    expect(reporter.get_by_role("link", name=re.compile("^แก้ไข"))).to_have_count(0)
    screenshot(reporter, "monitoring-journey-result-detail")
    reporter.goto(reverse("monitoring:progressreport_edit", args=[report.pk]))
    expect(reporter.locator(".notice.warning")).to_have_text(locked)
    expect(main_form(reporter)).to_have_count(0)
    screenshot(reporter, "monitoring-journey-edit-refused")
    to_write = inbox_section(reporter, "รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข")
    expect(to_write.locator("li", has_text=READING)).to_have_count(0)

    # After: the board, the overview and the director's inbox.
    to_approve = inbox_section(director, "รายงานความก้าวหน้าที่รอการพิจารณา")
    expect(to_approve.locator("h2 .badge")).to_have_text(str(waiting))
    open_board(director, q2, peo)
    after = board_row(director, development)
    assert after == {
        **board_before,
        "not_started": board_before["not_started"] - 1,
        "approved": board_before["approved"] + 1,
        "late": board_before["late"] + 1,
        "overdue": board_before["overdue"] - 1,
    }
    states = report_states(development, q2)
    assert (after["approved"], after["submitted"], after["draft"]) == (
        states[State.APPROVED],
        states[State.SUBMITTED],
        states[State.DRAFT],
    )
    screenshot(director, "monitoring-journey-compliance")
    overview_after = overview_figures(peo, q2)
    added = ActivityProgress.objects.filter(report=report).count()
    assert overview_after.activities == overview_before.activities + added
    assert overview_after.open_problems == overview_before.open_problems + 1
    assert overview_after.overdue_actions == overview_before.overdue_actions + 1
    open_overview(director, q2, peo)
    check_overview(director, overview_after)
    statuses = status_counts(director)
    assert statuses == {
        **statuses_before,
        "ล่าช้ากว่าแผน": statuses_before["ล่าช้ากว่าแผน"] + 1,
        "ยังไม่รายงาน": statuses_before["ยังไม่รายงาน"] - 1,
    }
    expect(director.locator("section", has=director.locator("#problems-heading"))).to_contain_text(
        PROBLEM
    )
    screenshot(director, "monitoring-journey-overview")
    director.set_viewport_size(PHONE)
    director.reload()
    screenshot(director, "monitoring-journey-overview-phone")
    assert horizontal_overflow(director) == 0
    director.set_viewport_size({"width": 1280, "height": 800})

    # The quarterly PDF: Thai text, and a page 1 with ink on it.
    link = director.get_by_role("link", name="ดาวน์โหลด PDF")
    with director.expect_download() as download:
        link.click()
    pdf_path = tmp_path / "overview.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf_path)
    for expected in (
        "สรุปผลการติดตามและประเมินผลรายไตรมาส",
        peo.name,
        q2.label,
        "โครงการตามสถานะการดำเนินงาน",
        "ปัญหาอุปสรรคที่ยังไม่ได้แก้ไข",
        PROBLEM,
    ):
        assert squeezed(expected) in squeezed(text), expected
    png = page_png(pdf_path, 1, tmp_path, dpi=96)
    image = Image.open(png).convert("L")
    shades = image.histogram()  # pixels per grey level, 0 (black) to 255 (white)
    assert sum(shades[:80]) > 0  # black text somewhere
    assert sum(shades[:128]) > image.width * image.height // 200  # more than a stray line
    assert sum(shades[250:]) > image.width * image.height // 2  # and mostly white paper
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOTS / "monitoring-journey-overview-pdf-page-1.png")

    # The other monitoring pages, from the menu.
    menu = director.get_by_role("navigation", name="เมนูหลัก")
    for label, title, name in (
        ("การแก้ไขปัญหา", "แนวทางแก้ไขปัญหาอุปสรรค", "monitoring-journey-actions"),
        ("รอบการรายงาน", "รอบการรายงาน", "monitoring-journey-periods"),
        ("ผลการประเมิน", "ผลการประเมินรอบ 6 เดือนและรอบ 12 เดือน", "monitoring-journey-evaluations"),
        ("รายงานความก้าวหน้า", "รายงานความก้าวหน้า", "monitoring-journey-reports"),
    ):
        menu.get_by_role("link", name=label, exact=True).click()
        expect(heading(director)).to_have_text(title)
        screenshot(director, name)
