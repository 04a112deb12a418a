"""The organisation tree: opened level by level with htmx, down to a school's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, screenshot, url_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PEO = "สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช"
AREA_1 = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 1"
SCHOOL = "โรงเรียนอนุบาลนครศรีธรรมราช"


def test_planner_opens_the_tree_down_to_a_school(page: Page, demo: dict[str, OrgUnit]) -> None:
    log_in(page, "planner")
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="ผังหน่วยงาน").click()
    expect(page).to_have_url(url_path("/orgs/tree/"))
    tree = page.get_by_role("tree", name="ผังหน่วยงาน")

    # The planner's tree starts at the PEO, closed; the neighbouring province is not there.
    expect(tree.get_by_role("treeitem")).to_have_count(1)
    expect(tree.get_by_role("link", name=PEO, exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="กลุ่มนโยบายและแผน")).to_have_count(0)
    expect(page.get_by_text("สุราษฎร์ธานี")).to_have_count(0)

    peo_toggle = tree.get_by_role("button", name=f"แสดงหน่วยงานภายใต้ {PEO}", exact=True)
    expect(peo_toggle).to_have_attribute("aria-expanded", "false")
    peo_toggle.click()
    expect(peo_toggle).to_have_attribute("aria-expanded", "true")
    expect(tree.get_by_role("link", name="กลุ่มนโยบายและแผน", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="กลุ่มอำนวยการ", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name=AREA_1, exact=True)).to_be_visible()
    expect(
        tree.get_by_role("link", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12", exact=True)
    ).to_be_visible()
    expect(tree.get_by_role("link", name=SCHOOL, exact=True)).to_have_count(0)

    tree.get_by_role("button", name=f"แสดงหน่วยงานภายใต้ {AREA_1}", exact=True).click()
    school_link = tree.get_by_role("link", name=SCHOOL, exact=True)
    expect(school_link).to_be_visible()
    expect(tree.get_by_role("link", name="โรงเรียนวัดท่าโพธิ์", exact=True)).to_be_visible()
    screenshot(page, "tree")

    school_link.click()
    expect(page).to_have_url(url_path(f"/orgs/units/{demo['1080210001'].pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    crumbs = page.get_by_role("navigation", name="ตำแหน่งของหน้า")
    expect(crumbs.get_by_role("link", name="ผังหน่วยงาน")).to_be_visible()
    expect(crumbs.get_by_role("link", name="ศธจ.นครศรีธรรมราช")).to_be_visible()
    expect(crumbs.get_by_role("link", name="สพป.นศ. เขต 1")).to_be_visible()
    expect(crumbs.locator("[aria-current=page]")).to_have_text("อ.นศ.")
    # Units above the planner's scope are named but not linked.
    expect(crumbs).to_contain_text("ศธภ.6")
    expect(crumbs.get_by_role("link", name="ศธภ.6")).to_have_count(0)
    expect(page.get_by_role("link", name="แก้ไข", exact=True)).to_be_visible()
    screenshot(page, "unit-detail")

    crumbs.get_by_role("link", name="สพป.นศ. เขต 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(AREA_1)
