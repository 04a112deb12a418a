"""Adding and editing a unit through its forms: the saved change, its history, stale edits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, screenshot, url_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NEW_SCHOOL = "โรงเรียนบ้านเขาน้อย"
RENAMED = "โรงเรียนบ้านเขาน้อยพัฒนา"


def test_planner_adds_a_school_and_renames_it(page: Page, demo: dict[str, OrgUnit]) -> None:
    area = demo["80010000"]
    log_in(page, "planner")
    page.goto("/orgs/tree/")
    page.get_by_role("link", name="เพิ่มหน่วยงาน", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เพิ่มหน่วยงาน")

    page.get_by_label("ชื่อหน่วยงาน").fill(NEW_SCHOOL)
    page.get_by_label("รหัสหน่วยงาน").fill("1080210099")
    page.get_by_role("combobox", name=re.compile("^ประเภท")).select_option("school")
    page.get_by_role("combobox", name=re.compile("^สังกัด")).select_option("obec")
    # The parent picker: the search box narrows the select's options, then pick by value.
    parent = page.get_by_role("combobox", name=re.compile("^หน่วยงานต้นสังกัด"))
    page.get_by_role("searchbox", name="ค้นหาหน่วยงาน").fill("80010000")
    expect(parent.locator("option")).to_have_count(2)
    expect(parent.locator("option").first).to_have_text("พบ 1 หน่วยงาน")
    parent.select_option(str(area.pk))
    page.get_by_label("จังหวัด").fill("นครศรีธรรมราช")
    page.get_by_role("button", name="บันทึก", exact=True).click()

    expect(page).to_have_url(re.compile(r"/orgs/units/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_SCHOOL)
    expect(page.get_by_role("status")).to_contain_text(f"เพิ่ม “{NEW_SCHOOL}” แล้ว")
    crumbs = page.get_by_role("navigation", name="ตำแหน่งของหน้า")
    expect(crumbs.get_by_role("link", name="สพป.นศ. เขต 1")).to_be_visible()
    expect(page.locator("dl.details")).to_contain_text("1080210099")
    unit_url = page.url

    page.get_by_role("link", name="แก้ไข", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"แก้ไขหน่วยงาน: {NEW_SCHOOL}")
    page.get_by_label("ชื่อหน่วยงาน").fill(RENAMED)
    page.get_by_label("เหตุผลของการเปลี่ยนแปลง").fill("เปลี่ยนชื่อตามประกาศจังหวัด")
    screenshot(page, "edit-form")
    page.get_by_role("button", name="บันทึก", exact=True).click()

    expect(page).to_have_url(unit_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(RENAMED)
    expect(page.get_by_role("status")).to_contain_text(f"บันทึกการแก้ไข “{RENAMED}” แล้ว")

    page.get_by_role("link", name="ดูประวัติทั้งหมด").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ประวัติการเปลี่ยนแปลง: {RENAMED}")
    events = page.locator("article.history-event")
    expect(events).to_have_count(2)
    rename = events.filter(has_text="เปลี่ยนชื่อตามประกาศจังหวัด")
    row = rename.locator("tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile("^ชื่อหน่วยงาน$"))
    )
    expect(row.locator("td.before")).to_have_text(NEW_SCHOOL)
    expect(row.locator("td.after")).to_have_text(RENAMED)
    expect(rename).to_contain_text("นางสาวศิริพร วางแผนดี")
    screenshot(page, "history")


def test_stale_edit_is_refused_and_keeps_the_typed_input(
    page: Page, demo: dict[str, OrgUnit]
) -> None:
    school = demo["1080210002"]
    log_in(page, "planner")
    first = page
    second = page.context.new_page()
    for tab in (first, second):
        tab.goto(f"/orgs/units/{school.pk}/edit/")
        expect(tab.get_by_label("ชื่อหน่วยงาน")).to_have_value(school.name)

    first.get_by_label("โทรศัพท์").fill("075-111111")
    first.get_by_role("button", name="บันทึก", exact=True).click()
    expect(first.get_by_role("status")).to_contain_text("บันทึกการแก้ไข")
    expect(first.locator("dl.details")).to_contain_text("075-111111")

    second.get_by_label("ชื่อหน่วยงาน").fill("โรงเรียนวัดท่าโพธิ์ (ชื่อใหม่)")
    second.get_by_label("โทรศัพท์").fill("075-222222")
    with second.expect_response(re.compile(r"/edit/$")) as submitted:
        second.get_by_role("button", name="บันทึก", exact=True).click()
    assert submitted.value.status == 400
    # The message names both versions: the one saved meanwhile and the one this form started from.
    expect(second.get_by_role("alert")).to_contain_text(
        re.compile(r"มีผู้อื่นบันทึกการแก้ไข\S*.*ฉบับที่ 2.*ฉบับที่ 1")
    )
    expect(second).to_have_url(url_path(f"/orgs/units/{school.pk}/edit/"))
    expect(second.get_by_label("ชื่อหน่วยงาน")).to_have_value("โรงเรียนวัดท่าโพธิ์ (ชื่อใหม่)")
    expect(second.get_by_label("โทรศัพท์")).to_have_value("075-222222")
    screenshot(second, "stale-edit")

    # The first save stands; nothing of the refused one was written.
    first.reload()
    expect(first.get_by_role("heading", level=1)).to_have_text(school.name)
    expect(first.locator("dl.details")).to_contain_text("075-111111")
