"""The fiscal year the user is looking at: chosen in the header, kept in the session."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from phaen.thai.calendar import FiscalYear

SESSION_KEY = "phaen_fiscal_year"


def selected_fiscal_year(request: HttpRequest) -> FiscalYear:
    """The fiscal year chosen in this session, or the current one."""
    value = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if value is not None:
        try:
            return FiscalYear(int(value))
        except (TypeError, ValueError):
            pass
    if settings.PHAEN_DEFAULT_FISCAL_YEAR:
        return FiscalYear(settings.PHAEN_DEFAULT_FISCAL_YEAR)
    return FiscalYear.current()


def select_fiscal_year(request: HttpRequest, fiscal_year: FiscalYear) -> None:
    request.session[SESSION_KEY] = fiscal_year.be
