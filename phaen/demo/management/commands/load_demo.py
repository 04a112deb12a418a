"""manage.py load_demo: the Nakhon Si Thammarat PEO demo (FY2561). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from phaen.demo.loader import (
    LoadReport,
    load_accounts,
    load_budget,
    load_fiscal_years,
    load_orgs,
    load_plans,
)
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo data (Nakhon Si Thammarat PEO, FY2561: organisations, the PEO action plan, "
        "two agency plans and their budget) and the demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force-demo-accounts",
            action="store_true",
            help="Create the demo accounts (public password) even though PHAEN_DEMO is off.",
        )
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the demo data only, without the demo accounts.",
        )
        parser.add_argument(
            "--no-plans",
            action="store_true",
            help=(
                "Load the organisations, fiscal years (and accounts) without the demo plans and "
                "their budget, e.g. to build a plan from an empty fiscal year."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_accounts = not options["no_accounts"]
        if with_accounts and not (settings.PHAEN_DEMO or options["force_demo_accounts"]):
            raise CommandError(
                "Refusing to create the demo accounts (password 'phaen-demo') on a database that "
                "is not a demo database. Set PHAEN_DEMO=1 for a demo database, pass "
                "--force-demo-accounts if you really mean it, or --no-accounts for the data only."
            )
        report = LoadReport()
        units = load_orgs(report)
        if with_accounts:
            load_accounts(report, units)
        load_fiscal_years(report)
        if not options["no_plans"]:
            load_plans(report, units)
            load_budget(report, units)
        if report.created:
            summary = ", ".join(f"{what} {count}" for what, count in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}"))
        else:
            self.stdout.write("Demo data already present; nothing to add.")
        if with_accounts:
            names = ", ".join(account[0] for account in ACCOUNTS)
            self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}): {names}")
