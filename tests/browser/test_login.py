"""Log-in and log-out through the real form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, screenshot, url_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_wrong_password_then_log_in_and_out(page: Page, demo: dict[str, OrgUnit]) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")
    screenshot(page, "login")

    page.get_by_label("ชื่อผู้ใช้").fill("planner")
    page.get_by_label("รหัสผ่าน").fill("not-the-password")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("alert")).to_contain_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    expect(page).to_have_url(url_path("/accounts/login/"))
    expect(page.get_by_label("ชื่อผู้ใช้")).to_have_value("planner")
    screenshot(page, "login-error")

    log_in(page, "planner")
    expect(page).to_have_url(url_path("/"))
    expect(page.locator(".site-header .user-name")).to_have_text("นางสาวศิริพร วางแผนดี")
    panel = page.get_by_role("region", name="หน่วยงานและบทบาทของฉัน")
    expect(panel.get_by_role("link", name="สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช")).to_be_visible()
    expect(panel).to_contain_text("ผู้วางแผน")
    screenshot(page, "home")

    page.get_by_role("button", name="ออกจากระบบ").click()
    expect(page).to_have_url(url_path("/accounts/login/"))
    expect(page.get_by_role("button", name="ออกจากระบบ")).to_have_count(0)
    # The session is gone: the home page sends the visitor back to the log-in form.
    page.goto("/")
    expect(page).to_have_url(url_path("/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")
