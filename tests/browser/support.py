"""Steps and checks shared by the browser journeys."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
FULL_NAMES = {username: full_name for username, full_name, *_ in ACCOUNTS}


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form and wait for the home page."""
    page.goto("/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"สวัสดี {FULL_NAMES[username]}")


def url_path(path: str) -> re.Pattern[str]:
    """Match a page URL by its path (the live server's port changes from run to run)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ once the fonts are in."""
    page.evaluate("document.fonts.ready.then(() => true)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
