"""Scoping and permission refusals as a user meets them: a smaller tree, Thai 404 and 403 pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCHOOL = "โรงเรียนอนุบาลนครศรีธรรมราช"
NOT_FOUND = "ไม่พบหน้าที่ต้องการ"


def test_school_reporter_sees_only_their_school(page: Page, demo: dict[str, OrgUnit]) -> None:
    log_in(page, "school")
    page.goto("/orgs/tree/")
    tree = page.get_by_role("tree", name="ผังหน่วยงาน")
    expect(tree.get_by_role("treeitem")).to_have_count(1)
    expect(tree.get_by_role("treeitem")).to_contain_text(SCHOOL)
    expect(tree.get_by_role("button")).to_have_count(0)  # a school has no units below it
    expect(page.get_by_text("สำนักงานศึกษาธิการจังหวัด")).to_have_count(0)

    # Out of scope is "not found", not "forbidden": the page must not confirm the unit exists.
    for code in ("PEO80", "1080210002", "1084210001"):
        response = page.goto(f"/orgs/units/{demo[code].pk}/")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
        expect(page.get_by_role("main")).not_to_contain_text(demo[code].name)
    screenshot(page, "404")

    response = page.goto(f"/orgs/units/{demo['1080210001'].pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)


def test_viewer_is_refused_the_edit_page(page: Page, demo: dict[str, OrgUnit]) -> None:
    school = demo["1080210001"]
    log_in(page, "viewer")
    page.goto(f"/orgs/units/{school.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    expect(page.get_by_role("link", name="แก้ไข", exact=True)).to_have_count(0)

    response = page.goto(f"/orgs/units/{school.pk}/edit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("ไม่มีสิทธิ์เข้าถึง")
    expect(page.get_by_role("main")).to_contain_text("คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้")
    expect(page.get_by_role("textbox")).to_have_count(0)
    screenshot(page, "403")
