"""List pages and the phone-width layout."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import PHONE, log_in, screenshot, url_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_planner_lists_and_filters_units(page: Page, demo: dict[str, OrgUnit]) -> None:
    in_scope = OrgUnit.objects.filter(path__startswith=demo["PEO80"].path)
    log_in(page, "planner")
    page.goto("/orgs/units/")
    expect(page.get_by_role("heading", level=1)).to_have_text("หน่วยงาน")
    rows = page.locator("#object-list tbody tr")
    per_page = settings.PHAEN_LIST_PAGE_SIZE
    expect(rows).to_have_count(min(in_scope.count(), per_page))
    expect(page.locator(".table-footer")).to_contain_text(
        f"แสดง 1–{min(in_scope.count(), per_page)} จาก {in_scope.count()} รายการ"
    )
    expect(page.get_by_role("link", name="โรงเรียนอนุบาลสุราษฎร์ธานี")).to_have_count(0)
    screenshot(page, "unit-list")

    # The filter bar updates the table in place (htmx) and keeps the filter in the URL.
    page.get_by_role("search").get_by_label("ประเภท").select_option("school")
    schools = in_scope.filter(kind=OrgUnit.Kind.SCHOOL).count()
    expect(rows).to_have_count(min(schools, per_page))
    expect(page).to_have_url(re.compile(r"/orgs/units/\?(.*&)?kind=school(&|$)"))
    for cell in rows.locator("td:nth-child(3)").all():
        expect(cell).to_have_text("โรงเรียน")

    page.get_by_role("search").get_by_label("ค้นหา").fill("อนุบาล")
    page.get_by_role("search").get_by_role("button", name="กรอง").click()
    expect(rows).to_have_count(in_scope.filter(kind="school", name__contains="อนุบาล").count())
    expect(page.get_by_role("link", name="โรงเรียนอนุบาลนครศรีธรรมราช")).to_be_visible()


def test_planner_lists_memberships(page: Page, demo: dict[str, OrgUnit]) -> None:
    log_in(page, "planner")
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="ผู้ใช้และบทบาท").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ผู้ใช้และบทบาท")
    school_row = page.locator("#object-list tbody tr").filter(has_text="นายประเสริฐ ตั้งใจสอน")
    expect(school_row).to_contain_text("โรงเรียนอนุบาลนครศรีธรรมราช")
    expect(school_row).to_contain_text("ผู้รายงาน")
    expect(page.locator("#object-list tbody tr").filter(has_text="นายสมชาย ใจมั่น")).to_contain_text(
        "ผู้อนุมัติ"
    )
    screenshot(page, "memberships")


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0: nothing sticks out)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


# Tree nodes whose wrapped parts (badge, code, count) start left of where the name starts:
# on a phone such a node reads as part of its neighbour.
MISALIGNED_TREE_NODES = """
() => Array.from(document.querySelectorAll(".tree .node")).filter((node) => {
  const name = node.querySelector(":scope > a").getBoundingClientRect().left;
  return Array.from(node.children).some((part) => part.matches(":not(.toggle, .leaf)")
    && part.getBoundingClientRect().left < name - 1);
}).map((node) => node.innerText)
"""


def test_phone_width_layout(page: Page, demo: dict[str, OrgUnit]) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "planner")
    menu = page.get_by_role("navigation", name="เมนูหลัก")
    expect(menu).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "home-phone")

    page.get_by_text("☰ เมนู", exact=True).click()
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="ผังหน่วยงาน").click()
    expect(page).to_have_url(url_path("/orgs/tree/"))
    expect(menu).to_be_hidden()
    tree = page.get_by_role("tree", name="ผังหน่วยงาน")
    tree.get_by_role("button").first.click()
    expect(tree.get_by_role("link", name="กลุ่มนโยบายและแผน", exact=True)).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert page.evaluate(MISALIGNED_TREE_NODES) == []
    screenshot(page, "tree-phone")
