"""Steps and checks shared by the browser journeys."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, ViewportSize, expect

from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
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


def print_preview(page: Page, name: str, *, width: int = 794) -> Path:
    """A full-page screenshot of the page as printed: print media at a paper-like width.

    794 px is A4 portrait at 96 dpi, 1123 px A4 landscape. The page is back on screen media at
    its former size afterwards.
    """
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": size["height"] if size else 800})
    page.emulate_media(media="print")
    try:
        return screenshot(page, name)
    finally:
        page.emulate_media(media="screen")
        if size:
            page.set_viewport_size(size)


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0: nothing sticks out)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def choose_fiscal_year(page: Page, year: int) -> None:
    """Switch the header's fiscal year (BE) the pages show; the page reloads on the choice."""
    with page.expect_navigation():
        page.locator("#fy-select").select_option(str(year))
    expect(page.locator("#fy-select")).to_have_value(str(year))


def field(within: Locator | Page, label: str) -> Locator:
    """A form field by its whole label (required fields' labels end with " *")."""
    return within.get_by_label(re.compile(rf"^\s*{re.escape(label)}( \*)?\s*$"))


# The shell's landmarks, shared by the journeys ------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def status_message(page: Page) -> Locator:
    return page.locator(".messages")


def main_form(page: Page) -> Locator:
    return page.locator("main form.form")


def save(page: Page, name: str = "บันทึก") -> None:
    main_form(page).get_by_role("button", name=name, exact=True).click()
