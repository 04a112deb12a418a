"""The plans journey: a planner builds the PEO's FY2562 plan from an empty fiscal year, the
director approves it, it is published and a revised version starts as an editable copy.

A second test opens the demo plan (FY2561, version 2) and its analysis pages, on a desktop, a
phone and in print. Both save screenshots under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Dialog, Locator, Page, expect

from phaen.frameworks.models import Framework
from phaen.orgs.models import OrgUnit
from phaen.plans.models import ActionPlan, FiscalYear, PlanVersion, Project
from tests.browser.support import (
    PHONE,
    horizontal_overflow,
    log_in,
    print_preview,
    screenshot,
    url_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PLAN_TITLE = "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2562 สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช"
VISION = "ผู้เรียนทุกช่วงวัยในจังหวัดนครศรีธรรมราชได้รับการศึกษาที่มีคุณภาพอย่างทั่วถึง"
VALUES = "ทำงานเป็นทีม มุ่งผลสัมฤทธิ์ บริการด้วยใจ"
MISSION = "ส่งเสริมการจัดการศึกษาทุกระดับให้มีคุณภาพตามมาตรฐาน"
ISSUE = "การพัฒนาคุณภาพการศึกษาและการเรียนรู้"
GOAL = "ผู้เรียนมีทักษะการอ่านและการเรียนรู้ตามมาตรฐาน"
INDICATOR = "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 1 ที่อ่านออกเขียนได้"
STRATEGY = "ส่งเสริมการอ่านและการเรียนรู้ตลอดชีวิต"
PROJECT = "โครงการส่งเสริมการอ่าน “นครศรีธรรมราชเมืองแห่งการอ่าน”"
PROJECT_CODE = "ศธจ.นศ.62-01"
LEADLESS = "โครงการพัฒนาห้องสมุดมีชีวิตในสถานศึกษา"
LEADLESS_CODE = "ศธจ.นศ.62-02"
WORKSHOP = "อบรมครูแกนนำการสอนอ่าน"
READING_WEEK = "จัดสัปดาห์ส่งเสริมการอ่านระดับจังหวัด"
NODE = "3 ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์"
REVISED = "ฉบับปรับปรุงตามงบประมาณที่ได้รับจัดสรร"


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def status_message(page: Page) -> Locator:
    return page.locator(".messages")


def main_form(page: Page) -> Locator:
    return page.locator("main form.form")


def field(within: Locator | Page, label: str) -> Locator:
    """A form field by its whole label (required fields' labels end with " *")."""
    return within.get_by_label(re.compile(rf"^\s*{re.escape(label)}( \*)?\s*$"))


def save(page: Page) -> None:
    main_form(page).get_by_role("button", name="บันทึก", exact=True).click()


def add_link(page: Page, label: str, within: Locator | None = None) -> Locator:
    """The "+ เพิ่ม…" link of a section (exact: "+ เพิ่มโครงการ" is not "+ เพิ่มโครงการโดย…")."""
    return (within or page).get_by_role("link", name=f"+ {label}", exact=True)


def accept_confirmations(page: Page) -> list[str]:
    """Accept the page's confirm() dialogs (data-confirm buttons) and remember what they asked."""
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def test_planner_builds_a_plan_the_director_approves_it_and_a_revision_starts(
    page: Page,
    new_context: Callable[..., BrowserContext],
    demo_without_plans: dict[str, OrgUnit],
) -> None:
    units = demo_without_plans
    peo, planning, supervision = units["PEO80"], units["PEO80-WG02"], units["PEO80-WG04"]
    year = FiscalYear.objects.get(year=2562)
    assert not ActionPlan.objects.filter(fiscal_year=year).exists()
    planner = page
    planner_asked = accept_confirmations(planner)
    log_in(planner, "planner")

    # An empty fiscal year: the planner creates the PEO's plan from it.
    planner.get_by_role("navigation", name="เมนูหลัก").get_by_role(
        "link", name="ปีงบประมาณ", exact=True
    ).click()
    planner.locator("#object-list").get_by_role("link", name="2562", exact=True).click()
    expect(heading(planner)).to_contain_text("ปีงบประมาณ พ.ศ. 2562")
    expect(planner.get_by_text("ยังไม่มีแผนที่คุณดูได้ในปีนี้")).to_be_visible()
    planner.get_by_role("link", name="สร้างแผนปฏิบัติการ", exact=True).click()
    form = main_form(planner)
    expect(field(form, "ปีงบประมาณ")).to_have_value(str(year.pk))
    form.get_by_role("combobox", name=re.compile("^หน่วยงาน")).select_option(str(peo.pk))
    field(form, "ชื่อแผน").fill(PLAN_TITLE)
    save(planner)

    expect(heading(planner)).to_have_text(PLAN_TITLE)
    version = PlanVersion.objects.get(plan__fiscal_year=year, plan__unit=peo)
    plan_url = version.get_absolute_url()
    expect(planner).to_have_url(url_path(plan_url))
    expect(planner.locator(".version-line")).to_contain_text("ฉบับที่ 1 · ฉบับแรก")
    expect(planner.locator(".version-line .badge")).to_have_text("ร่าง")
    expect(planner.locator("#vision")).to_contain_text("ยังไม่ได้กำหนดวิสัยทัศน์")
    expect(planner.locator("#issues")).to_contain_text("ยังไม่มีประเด็นยุทธศาสตร์")

    # Direction: vision and values, a mission, a strategic issue with a goal and a strategy.
    planner.get_by_role("link", name="แก้ไขวิสัยทัศน์และค่านิยม", exact=True).click()
    field(main_form(planner), "วิสัยทัศน์").fill(VISION)
    field(main_form(planner), "ค่านิยม").fill(VALUES)
    save(planner)
    expect(planner.locator("#vision")).to_contain_text(VISION)
    expect(planner.locator("#values")).to_contain_text(VALUES)

    add_link(planner, "เพิ่มพันธกิจ").click()
    expect(field(main_form(planner), "ข้อที่")).to_have_value("1")
    field(main_form(planner), "พันธกิจ").fill(MISSION)
    save(planner)
    expect(planner).to_have_url(re.compile(rf"{re.escape(plan_url)}#missions$"))
    expect(planner.locator("#missions li")).to_have_text([re.compile(re.escape(MISSION))])

    add_link(planner, "เพิ่มประเด็นยุทธศาสตร์").click()
    field(main_form(planner), "ประเด็นยุทธศาสตร์").fill(ISSUE)
    save(planner)
    issue = planner.locator("section.issue")
    expect(issue.get_by_role("heading", level=3)).to_have_text(f"ประเด็นยุทธศาสตร์ที่ 1 {ISSUE}")

    add_link(planner, "เพิ่มเป้าประสงค์", issue).click()
    field(main_form(planner), "เป้าประสงค์").fill(GOAL)
    save(planner)
    expect(issue.locator(".goal-title")).to_have_text(f"เป้าประสงค์ที่ 1.1 {GOAL}")

    # The KPI sheet: quarterly targets (cumulative: Q4 is the annual target) and five bands.
    add_link(planner, "เพิ่มตัวชี้วัด", issue).click()
    form = main_form(planner)
    field(form, "ตัวชี้วัด").fill(INDICATOR)
    field(form, "หน่วยนับ").fill("ร้อยละ")
    field(form, "ค่าฐาน").fill("72.5")
    field(form, "ปีของค่าฐาน (พ.ศ.)").fill("2561")
    field(form, "ค่าเป้าหมายทั้งปี").fill("85")
    expect(field(form, "เป้าหมายรายไตรมาสเป็นค่าสะสม")).to_be_checked()
    for quarter, target in enumerate(("20", "45", "65", "85"), start=1):
        field(form, f"ไตรมาสที่ {quarter}").fill(target)
    field(form, "เกณฑ์การให้คะแนน").select_option(label="เกณฑ์ 5 ระดับ")
    for level, threshold in enumerate(("65", "70", "75", "80", "85"), start=1):
        field(form, f"ระดับ {level}").fill(threshold)
    form.get_by_role("combobox", name="หน่วยงานผู้ประเมิน").select_option(str(supervision.pk))
    screenshot(planner, "plan-journey-indicator-form")
    save(planner)
    kpi_row = issue.locator(".indicator-table tbody tr")
    expect(kpi_row.locator("td")).to_have_text(
        [INDICATOR + " สะสม", "ร้อยละ", "72.5 (2561)", "85", "20", "45", "65", "85"]
    )

    add_link(planner, "เพิ่มกลยุทธ์", issue).click()
    field(main_form(planner), "กลยุทธ์").fill(STRATEGY)
    save(planner)
    strategy = issue.locator(".strategy")
    expect(strategy.locator(".strategy-title")).to_have_text(f"กลยุทธ์ที่ 1.1 {STRATEGY}")
    expect(strategy).to_contain_text("ยังไม่มีโครงการภายใต้กลยุทธ์นี้")

    # Two projects: one with a lead unit, one deliberately without.
    add_link(planner, "เพิ่มโครงการ", strategy).click()
    form = main_form(planner)
    expect(field(form, "เดือนที่เริ่ม")).to_have_value("2018-10-01")
    field(form, "รหัสโครงการ").fill(PROJECT_CODE)
    field(form, "ชื่อโครงการ").fill(PROJECT)
    field(form, "เดือนที่เริ่ม").select_option(label="พฤศจิกายน 2561")
    field(form, "เดือนที่สิ้นสุด").select_option(label="สิงหาคม 2562")
    field(form, "งบประมาณ (บาท)").fill("150,000")
    form.get_by_role("combobox", name="เจ้าภาพหลัก").select_option(str(planning.pk))
    field(form, "ผู้รับผิดชอบโครงการ").fill("นางสาวศิริพร วางแผนดี")
    save(planner)
    add_link(planner, "เพิ่มโครงการ", strategy).click()
    form = main_form(planner)
    field(form, "รหัสโครงการ").fill(LEADLESS_CODE)
    field(form, "ชื่อโครงการ").fill(LEADLESS)
    field(form, "งบประมาณ (บาท)").fill("80,000")
    save(planner)
    projects = strategy.locator(".project-table tbody tr")
    expect(projects).to_have_count(2)
    expect(projects.first.locator("td")).to_have_text(
        [PROJECT_CODE, PROJECT, planning.name, "–", "พ.ย. 61 – ส.ค. 62", "150,000.00", "0"]
    )
    expect(projects.nth(1)).to_contain_text("ยังไม่มีเจ้าภาพหลัก")
    expect(strategy.locator(".project-table tfoot")).to_contain_text("230,000.00")

    # Activities: months inside the project; more than the project's budget is refused.
    strategy.get_by_role("link", name=PROJECT).click()
    expect(heading(planner)).to_have_text(f"{PROJECT_CODE} {PROJECT}")
    project_url = planner.url
    add_link(planner, "เพิ่มกิจกรรม").click()
    form = main_form(planner)
    field(form, "ชื่อกิจกรรม").fill(WORKSHOP)
    field(form, "เดือนที่เริ่ม").select_option(label="ธันวาคม 2561")
    field(form, "เดือนที่สิ้นสุด").select_option(label="กุมภาพันธ์ 2562")
    budget = field(form, "งบประมาณ (บาท)")
    budget.fill("200,000")
    with planner.expect_response(re.compile(r"/plans/activities/add/")) as refused:
        save(planner)
    assert refused.value.status == 400
    budget_field = main_form(planner).locator(".field.has-error")
    expect(budget_field).to_have_count(1)
    expect(field(budget_field, "งบประมาณ (บาท)")).to_be_visible()
    expect(budget_field.locator(".errorlist")).to_have_text(
        "งบประมาณกิจกรรมรวม 200,000.00 บาท เกินงบประมาณโครงการ 150,000.00 บาท"
    )
    expect(budget).to_have_value("200,000")
    expect(field(form, "ชื่อกิจกรรม")).to_have_value(WORKSHOP)
    expect(field(form, "เดือนที่เริ่ม")).to_have_value("2018-12-01")
    budget.fill("90,000")
    save(planner)
    expect(planner).to_have_url(f"{project_url}#activities")
    add_link(planner, "เพิ่มกิจกรรม").click()
    form = main_form(planner)
    field(form, "ชื่อกิจกรรม").fill(READING_WEEK)
    field(form, "เดือนที่เริ่ม").select_option(label="สิงหาคม 2562")
    field(form, "เดือนที่สิ้นสุด").select_option(label="สิงหาคม 2562")
    field(form, "งบประมาณ (บาท)").fill("60,000")
    save(planner)
    activities = planner.locator(".activity-table")
    expect(activities.locator("tbody tr")).to_have_count(2)
    expect(activities.locator("tbody tr").first.locator("td")).to_have_text(
        [f"1. {WORKSHOP}", planning.name, "ธ.ค. 61 – ก.พ. 62", "90,000.00"]
    )
    expect(activities.locator("tfoot tr").first).to_contain_text("150,000.00")
    expect(activities.locator("tfoot tr").last).to_contain_text("0.00")

    # A co-owner with its role, and the project's primary alignment to the National Strategy.
    add_link(planner, "เพิ่มเจ้าภาพรองหรือผู้สนับสนุน").click()
    form = main_form(planner)
    form.get_by_role("combobox", name=re.compile("^หน่วยงาน")).select_option(str(supervision.pk))
    field(form, "บทบาท").select_option(label="เจ้าภาพรอง")
    field(form, "หน้าที่ในโครงการ").fill("นิเทศและติดตามผลการสอนอ่านในสถานศึกษา")
    save(planner)
    owners = planner.locator("#owners tbody tr")
    expect(owners).to_have_count(2)
    expect(owners.nth(1).locator("td").nth(0)).to_have_text("เจ้าภาพรอง")
    expect(owners.nth(1).locator("td").nth(1)).to_have_text(supervision.name)

    planner.locator("#alignment").get_by_role("link", name="เชื่อมโยงกับกรอบ", exact=True).click()
    form = main_form(planner)
    field(form, "กรอบการเชื่อมโยง").select_option(label="ยุทธศาสตร์ชาติ (พ.ศ. 2561–2580)")
    node = field(form, "ข้อในกรอบ")
    expect(node.locator("option", has_text=NODE)).to_have_count(1)  # loaded by htmx
    node.select_option(label=NODE)
    field(form, "ความสอดคล้องหลัก").check()
    save(planner)
    link = planner.locator("#alignment .link-list li")
    expect(link).to_have_count(1)
    expect(link).to_contain_text(NODE)
    expect(link.locator(".badge")).to_have_text("ความสอดคล้องหลัก")
    screenshot(planner, "plan-journey-project")

    # The director cannot approve yet: the approval page names the project without a lead.
    director = new_context().new_page()
    director_asked = accept_confirmations(director)
    log_in(director, "director")
    director.goto(plan_url)
    director.get_by_role("link", name="อนุมัติ", exact=True).click()
    expect(heading(director)).to_have_text(f"อนุมัติแผน: {PLAN_TITLE}")
    expect(director.locator(".problem-list li")).to_have_text(
        [f"โครงการ “{LEADLESS_CODE} {LEADLESS}” ยังไม่มีเจ้าภาพหลัก"]
    )
    expect(director.get_by_role("button", name="ยืนยันการอนุมัติ")).to_have_count(0)
    screenshot(director, "plan-journey-approval")

    # The planner gives it a lead unit.
    planner.goto(plan_url)
    planner.get_by_role("link", name=LEADLESS).click()
    planner.get_by_role("link", name="แก้ไขโครงการ", exact=True).click()
    main_form(planner).get_by_role("combobox", name="เจ้าภาพหลัก").select_option(str(planning.pk))
    save(planner)
    expect(status_message(planner)).to_contain_text("บันทึกการแก้ไข")
    expect(planner.locator("#owners .lead-row")).to_contain_text(planning.name)

    # Now the director approves.
    director.reload()
    expect(director.locator(".problem-list")).to_have_count(0)
    expect(director.locator(".notice.success")).to_contain_text("แผนฉบับนี้พร้อมอนุมัติ")
    field(director, "ความเห็นของผู้อนุมัติ").fill("เห็นชอบ ให้ดำเนินการตามแผน")
    director.get_by_role("button", name="ยืนยันการอนุมัติ").click()
    expect(director).to_have_url(url_path(plan_url))
    expect(status_message(director)).to_contain_text(f"อนุมัติ{PLAN_TITLE} ฉบับที่ 1 แล้ว")
    assert director_asked == ["ยืนยันการอนุมัติแผนฉบับนี้?"]
    expect(director.locator(".version-line .badge")).to_have_text("อนุมัติแล้ว")
    expect(director.locator(".plan-facts")).to_contain_text("นายสมชาย ใจมั่น")
    expect(director.locator(".plan-facts")).to_contain_text("เห็นชอบ ให้ดำเนินการตามแผน")

    # Approved means locked: no edit or add links, and edit pages send the planner back.
    planner.goto(plan_url)
    expect(planner.locator(".version-locked")).to_contain_text("ฉบับนี้อนุมัติแล้ว จึงแก้ไขไม่ได้")
    expect(planner.get_by_role("link", name="แก้ไขวิสัยทัศน์และค่านิยม", exact=True)).to_have_count(0)
    expect(planner.locator("main").get_by_role("link", name=re.compile(r"^\+ "))).to_have_count(0)
    project = Project.objects.get(plan_version=version, code=PROJECT_CODE)
    planner.goto(f"/plans/projects/{project.pk}/edit/")
    expect(planner).to_have_url(url_path(project.get_absolute_url()))
    expect(status_message(planner)).to_contain_text("ฉบับนี้อนุมัติแล้ว จึงแก้ไขไม่ได้")
    expect(planner.get_by_role("link", name="แก้ไขโครงการ", exact=True)).to_have_count(0)
    expect(planner.get_by_role("link", name="+ เพิ่มกิจกรรม", exact=True)).to_have_count(0)

    # The planner publishes it.
    planner.goto(plan_url)
    planner.get_by_role("button", name="เผยแพร่", exact=True).click()
    expect(status_message(planner)).to_contain_text(f"เผยแพร่{PLAN_TITLE} ฉบับที่ 1 แล้ว")
    assert planner_asked[-1].startswith("เผยแพร่แผนฉบับนี้?")
    expect(planner.locator(".version-line .badge")).to_have_text("เผยแพร่แล้ว")
    expect(planner.get_by_role("button", name="เผยแพร่", exact=True)).to_have_count(0)
    screenshot(planner, "plan-journey-plan")
    print_preview(planner, "plan-journey-plan-print")

    # Its alignment matrix and its calendar.
    planner.get_by_role("navigation", name="การวิเคราะห์แผน").get_by_role(
        "link", name="ความสอดคล้องกับกรอบ"
    ).click()
    expect(heading(planner)).to_have_text("ความสอดคล้องกับกรอบ")
    national_strategy = Framework.objects.get(code="ns-2561")
    expect(field(planner, "กรอบการเชื่อมโยง")).to_have_value(str(national_strategy.pk))
    matrix = planner.locator("table.matrix")
    aligned_row = matrix.locator("tr.matrix-project", has_text=PROJECT)
    expect(aligned_row.locator("td.mark.primary")).to_have_count(1)
    column = matrix.locator("thead th.mark-col").nth(2)  # nodes 1–6: the third is "3"
    expect(column).to_contain_text("3")
    expect(aligned_row.locator("td").nth(3)).to_have_class(re.compile(r"\bprimary\b"))
    # The issue's row sums up what is under it: the project's link shows there too.
    expect(matrix.locator("tr.matrix-issue td").nth(3)).to_have_class(
        re.compile(r"\bmark (primary|secondary)\b")
    )
    stats = planner.locator(".stat-card")
    expect(stats.nth(0)).to_contain_text("230,000.00")
    expect(stats.nth(1)).to_contain_text("150,000.00")
    expect(
        planner.get_by_role("heading", name=re.compile("^โครงการที่ไม่สอดคล้องกับกรอบนี้"))
    ).to_have_text("โครงการที่ไม่สอดคล้องกับกรอบนี้ (1)")
    screenshot(planner, "plan-journey-alignment")

    planner.goto(plan_url)
    planner.get_by_role("navigation", name="การวิเคราะห์แผน").get_by_role(
        "link", name="ปฏิทินกิจกรรม"
    ).click()
    expect(heading(planner)).to_contain_text("ปฏิทินกิจกรรม")
    gantt = planner.locator("table.gantt")
    expect(gantt.locator("thead th.gantt-month")).to_have_count(12)
    expect(gantt.locator("thead th.gantt-month").first).to_have_text("ต.ค. 61")
    workshop = gantt.locator("tr.gantt-activity", has_text=WORKSHOP)
    expect(workshop.locator("td.bar-activity")).to_have_count(3)  # ธ.ค. 61 – ก.พ. 62
    expect(
        gantt.locator("tr.gantt-project", has_text=PROJECT).locator("td.bar-project")
    ).to_have_count(10)
    expect(gantt.locator("tbody.gantt-group", has_text=LEADLESS)).to_contain_text("ยังไม่มีกิจกรรม")
    screenshot(planner, "plan-journey-calendar")

    # A revised version to the allocated budget: an editable copy with the same projects.
    planner.goto(plan_url)
    planner.get_by_role("link", name="สร้างฉบับปรับปรุง", exact=True).first.click()
    expect(heading(planner)).to_have_text(f"สร้างฉบับปรับปรุง: {PLAN_TITLE}")
    planner.get_by_label(REVISED).check()
    field(planner, "เหตุผลของการปรับปรุง").fill("ปรับตามงบประมาณที่ได้รับจัดสรรจริง")
    main_form(planner).get_by_role("button", name="สร้างฉบับปรับปรุง").click()
    expect(status_message(planner)).to_contain_text(f"สร้างฉบับที่ 2 ({REVISED}) แล้ว")
    revised = PlanVersion.objects.get(plan=version.plan, number=2)
    expect(planner).to_have_url(url_path(revised.get_absolute_url()))
    expect(planner.locator(".version-line")).to_contain_text(f"ฉบับที่ 2 · {REVISED}")
    expect(planner.locator(".version-line .badge")).to_have_text("ร่าง")
    expect(
        planner.get_by_role("navigation", name="ฉบับของแผน").get_by_role("listitem")
    ).to_have_text(["ฉบับที่ 1 · เผยแพร่แล้ว", "ฉบับที่ 2 · ร่าง"])
    expect(planner.locator(".plan-facts")).to_contain_text("ปรับปรุงจาก")
    expect(planner.locator("#vision")).to_contain_text(VISION)
    copied = planner.locator(".project-table tbody tr")
    expect(copied).to_have_count(2)
    expect(copied.locator("td:nth-child(2)")).to_have_text([PROJECT, LEADLESS])
    expect(planner.get_by_role("link", name="แก้ไขวิสัยทัศน์และค่านิยม", exact=True)).to_be_visible()
    expect(add_link(planner, "เพิ่มโครงการ")).to_have_count(1)
    copies = Project.objects.filter(plan_version=revised).order_by("code")
    assert [p.code for p in copies] == [PROJECT_CODE, LEADLESS_CODE]
    assert not {p.pk for p in copies} & set(
        Project.objects.filter(plan_version=version).values_list("pk", flat=True)
    )
    # The copy is editable: the planner opens the copied project's edit form.
    copied.first.get_by_role("link", name=PROJECT).click()
    planner.get_by_role("link", name="แก้ไขโครงการ", exact=True).click()
    expect(field(main_form(planner), "งบประมาณ (บาท)")).to_have_value("150,000.00")
    # The published version it was copied from stays as it was.
    assert PlanVersion.objects.get(pk=version.pk).status == PlanVersion.Status.PUBLISHED


def test_demo_plan_pages_on_desktop_phone_and_paper(
    page: Page, demo_with_plans: dict[str, OrgUnit]
) -> None:
    version = PlanVersion.objects.get(
        plan__unit__code="PEO80", plan__fiscal_year__year=2561, number=2
    )
    plan_url = version.get_absolute_url()
    log_in(page, "planner")
    page.goto(plan_url)
    expect(heading(page)).to_contain_text("แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2561")
    expect(page.locator(".version-line")).to_contain_text(f"ฉบับที่ 2 · {REVISED}")
    screenshot(page, "demo-plan")
    print_preview(page, "demo-plan-print")

    # The alignment page opens on the National Strategy; choosing another framework reloads it.
    page.get_by_role("navigation", name="การวิเคราะห์แผน").get_by_role(
        "link", name="ความสอดคล้องกับกรอบ"
    ).click()
    matrix_heading = page.get_by_role("heading", name=re.compile("^ตารางความสอดคล้อง"))
    expect(matrix_heading).to_have_text("ตารางความสอดคล้อง: ยุทธศาสตร์ชาติ (พ.ศ. 2561–2580)")
    screenshot(page, "demo-alignment-ns-2561")
    education_plan = Framework.objects.get(code="nep-2560")
    field(page, "กรอบการเชื่อมโยง").select_option(str(education_plan.pk))
    expect(matrix_heading).to_have_text(f"ตารางความสอดคล้อง: {education_plan.name}")
    expect(page).to_have_url(re.compile(rf"[?&]framework={education_plan.pk}(&|$)"))
    screenshot(page, "demo-alignment-nep-2560")

    calendar_url = f"/plans/calendar/?version={version.pk}"
    page.goto(calendar_url)
    expect(page.locator("table.gantt tbody.gantt-group")).to_have_count(
        Project.objects.filter(plan_version=version).count()
    )
    screenshot(page, "demo-calendar")
    print_preview(page, "demo-calendar-print", width=1123)

    # On a phone nothing sticks out of the page: wide tables scroll inside their boxes.
    page.set_viewport_size(PHONE)
    for url, name in (
        (plan_url, "demo-plan-phone"),
        (f"/plans/versions/{version.pk}/alignment/", "demo-alignment-phone"),
        (calendar_url, "demo-calendar-phone"),
    ):
        page.goto(url)
        expect(heading(page)).to_be_visible()
        screenshot(page, name)  # after the web fonts are in: they change the layout
        assert horizontal_overflow(page) == 0, name
