"""Browser tests drive Debian's Chromium against the live test server.

Without /usr/bin/chromium the tests are skipped with the command that enables them; CI sets
``PHAEN_REQUIRE_BROWSER=1`` so that a missing browser fails the run instead of hiding the tests.
Playwright's own browser downloads (``playwright install``) are never used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from phaen.budget.models import DisbursementTarget, ExpenseCategory, FundSource
from phaen.budget.reference_data import load_reference_data
from phaen.demo.loader import (
    LoadReport,
    load_accounts,
    load_budget,
    load_fiscal_years,
    load_orgs,
    load_plans,
)
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.reference_data import load_national_frameworks
from phaen.orgs.models import OrgUnit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} not found: the browser tests need Debian's Chromium and Thai fonts. "
    "Enable them with: sudo apt install chromium chromium-driver fonts-thai-tlwg "
    "(never `playwright install`)."
)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Decide before any fixture launches the browser: skip, or fail when CI requires it."""
    if CHROMIUM.exists():
        return
    if os.environ.get("PHAEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PHAEN_REQUIRE_BROWSER=1 but {MISSING_CHROMIUM}", pytrace=False)
    pytest.skip(MISSING_CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Headless unless --headed asked otherwise.
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Pages are opened by path (``page.goto("/orgs/tree/")``) on the live test server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # An English browser must not matter: the pages are Thai until the user switches.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-US",
        "timezone_id": "Asia/Bangkok",
    }


@pytest.fixture
def demo(live_server: LiveServer, transactional_db: None) -> dict[str, OrgUnit]:
    """The demo organisations and accounts, by unit code (the live server sees them)."""
    report = LoadReport()
    units = load_orgs(report)
    load_accounts(report, units)
    return units


@pytest.fixture
def demo_without_plans(demo: dict[str, OrgUnit]) -> dict[str, OrgUnit]:
    """``load_demo --no-plans``: organisations, accounts and the fiscal years, but no plan.

    The national frameworks come with a data migration, but the live-server tests empty every
    table after each test, so they are loaded again here (a no-op when they are there).
    """
    load_national_frameworks(Framework, FrameworkNode)
    load_fiscal_years(LoadReport())
    return demo


@pytest.fixture
def demo_with_plans(demo_without_plans: dict[str, OrgUnit]) -> dict[str, OrgUnit]:
    """The demo with its plans (``load_demo`` but the budget): the PEO's FY2561 plan and the two
    agency plans."""
    load_plans(LoadReport(), demo_without_plans)
    return demo_without_plans


@pytest.fixture
def demo_with_budget(demo_with_plans: dict[str, OrgUnit]) -> dict[str, OrgUnit]:
    """The whole demo with its FY2561 budget (``load_demo``'s budget step): envelopes, spending
    plans, records, one approved and one pending transfer, and the year closed with a carry-over.

    The reference data (fund sources, categories, the cabinet's targets) comes with a data
    migration that the live-server tests empty like every table, so it is loaded again here.
    """
    load_reference_data(FundSource, ExpenseCategory, DisbursementTarget)
    load_budget(LoadReport(), demo_with_plans)
    return demo_with_plans
