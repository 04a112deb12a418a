"""Template filters of the plan pages: month ranges in BE and KPI numbers without padding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from phaen.thai.dates import format_month_year

register = template.Library()


@register.filter(name="be_months")
def be_months(start: object, end: object) -> str:
    """{{ start|be_months:end }} → "ต.ค. 60 – มี.ค. 61" (one month: "ต.ค. 60")."""
    if not isinstance(start, date):
        return ""
    first = format_month_year(start.year, start.month)
    if not isinstance(end, date) or (end.year, end.month) == (start.year, start.month):
        return first
    return f"{first} – {format_month_year(end.year, end.month)}"


@register.filter(name="kpi_number")
def kpi_number(value: object) -> str:
    """{{ indicator.target_value|kpi_number }} → "1,250.5" (no trailing zeros); "–" when empty."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        normalized = value.normalize()
        if normalized == normalized.to_integral_value():
            normalized = normalized.quantize(Decimal(1))
        return f"{normalized:,f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
