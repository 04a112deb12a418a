"""The language switch in the header: English and back, remembered across pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, url_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_switch_to_english_and_back(page: Page, demo: dict[str, OrgUnit]) -> None:
    log_in(page, "viewer")
    page.goto("/orgs/tree/")
    html = page.locator("html")
    language = page.locator("select[name=language]")
    expect(html).to_have_attribute("lang", "th")
    expect(language).to_have_value("th")
    # Without JavaScript a button submits the switch; with it, choosing is enough.
    expect(page.locator("select[name=language] + button")).to_be_hidden()

    language.select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(language).to_have_value("en")
    expect(page).to_have_url(url_path("/orgs/tree/"))  # back on the page where the user was

    # The choice is kept: a fresh load and another page are still English.
    page.reload()
    expect(html).to_have_attribute("lang", "en")
    page.goto("/orgs/units/")
    expect(html).to_have_attribute("lang", "en")
    expect(language).to_have_value("en")
    expect(language.locator("option[selected]")).to_have_text("English")

    page.locator("select[name=language]").select_option("th")
    expect(html).to_have_attribute("lang", "th")
    expect(language).to_have_value("th")
    page.goto("/")
    expect(html).to_have_attribute("lang", "th")
    expect(language.locator("option[selected]")).to_have_attribute("value", "th")
