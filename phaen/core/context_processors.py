"""Template context for the shell: menu, fiscal year, languages, the notification bell."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from phaen.core.fiscal import selected_fiscal_year
from phaen.core.navigation import menu_for
from phaen.core.notifications import unread_count
from phaen.thai.calendar import fiscal_year_choices


def shell(request: HttpRequest) -> dict[str, Any]:
    fiscal_year = selected_fiscal_year(request)
    choices = fiscal_year_choices(around=fiscal_year.current(), before=10)
    if fiscal_year.be not in dict(choices):
        # A year chosen outside the usual window (e.g. the demo's FY2561 years later) stays shown.
        choices = sorted([*choices, (fiscal_year.be, fiscal_year.label())], reverse=True)
    return {
        "phaen_site_name": settings.PHAEN_SITE_NAME,
        "demo_mode": settings.PHAEN_DEMO,
        "selected_fiscal_year": fiscal_year,
        "fiscal_year_choices": choices,
        "main_menu": menu_for(request.user, request.path),
        # A callable: templates call it only where the bell is drawn (one COUNT per page, none
        # for fragments and anonymous visitors), and cache() keeps it to one per request.
        "unread_notification_count": cache(partial(unread_count, request.user)),
    }
