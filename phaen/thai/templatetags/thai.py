"""Template filters for Thai dates, fiscal periods, digits and baht (a builtin: no {% load %}).

Every filter returns "" for None and gives back values it does not understand unchanged, so
a missing date never breaks a page. Money never goes through float: a float raises TypeError.
"""

from datetime import date, datetime
from decimal import Decimal

from django import template

from phaen.thai.calendar import FiscalQuarter, FiscalYear
from phaen.thai.dates import (
    be_year,
    format_date_long,
    format_date_range,
    format_date_short,
    format_datetime,
    to_local_date,
)
from phaen.thai.digits import to_thai_digits
from phaen.thai.money import (
    ThaiNumberError,
    baht_text,
    format_baht,
    format_million_baht,
    parse_number,
)

register = template.Library()


def _money(value: object) -> Decimal | int | None:
    """The amount in a value, or None when there is none: text is read with parse_number."""
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ThaiNumberError:
            return None
    if isinstance(value, float):
        raise TypeError("money must be a Decimal or an int, not float")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return value
    return None


@register.filter(name="be_date")
def be_date_filter(value: object) -> object:
    """{{ d|be_date }} → "1 ตุลาคม 2560"."""
    if isinstance(value, date):
        return format_date_long(value)
    return "" if value is None else value


@register.filter(name="be_date_short")
def be_date_short_filter(value: object) -> object:
    """{{ d|be_date_short }} → "1 ต.ค. 60"."""
    if isinstance(value, date):
        return format_date_short(value)
    return "" if value is None else value


@register.filter(name="be_datetime")
def be_datetime_filter(value: object) -> object:
    """{{ dt|be_datetime }} → "1 ต.ค. 60 14:30 น." (a plain date gives the short date)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date_short(value)
    return "" if value is None else value


@register.filter(name="be_range")
def be_range_filter(start: object, end: object) -> object:
    """{{ start|be_range:end }} → "1 ต.ค. 60 – 31 มี.ค. 61"; one missing end gives the other."""
    if isinstance(start, date) and isinstance(end, date):
        return format_date_range(start, end)
    if isinstance(start, date) or isinstance(end, date):
        return be_date_short_filter(start if isinstance(start, date) else end)
    return "" if start is None else start


@register.filter(name="be_year")
def be_year_filter(value: object) -> object:
    """{{ 2017|be_year }} or {{ d|be_year }} → 2560."""
    if isinstance(value, date):
        return be_year(to_local_date(value).year)
    if isinstance(value, int) and not isinstance(value, bool):
        return be_year(value)
    return "" if value is None else value


@register.filter(name="thai_digits", is_safe=True)
def thai_digits_filter(value: object) -> str:
    """{{ text|thai_digits }}: 0–9 become ๐–๙ (for narrative text)."""
    return "" if value is None else to_thai_digits(str(value))


@register.filter(name="baht")
def baht_filter(value: object, digits: str = "") -> object:
    """{{ amount|baht }} → "1,234,567.89"; {{ amount|baht:"thai" }} with Thai digits."""
    amount = _money(value)
    if amount is None:
        return "" if value is None else value
    return format_baht(amount, thai_digits=digits == "thai")


@register.filter(name="baht_text")
def baht_text_filter(value: object) -> object:
    """{{ amount|baht_text }} → "หนึ่งพันสองร้อยสามสิบสี่บาทถ้วน"."""
    amount = _money(value)
    if amount is None:
        return "" if value is None else value
    return baht_text(amount)


@register.filter(name="million_baht")
def million_baht_filter(value: object, places: int = 2) -> object:
    """{{ amount|million_baht }} → "1.23" (millions of baht); {{ amount|million_baht:1 }}."""
    amount = _money(value)
    if amount is None:
        return "" if value is None else value
    return format_million_baht(amount, places=int(places))


@register.filter(name="fiscal_year")
def fiscal_year_filter(value: object) -> object:
    """{{ d|fiscal_year }} → FiscalYear (prints "2561"; use .label for "ปีงบประมาณ พ.ศ. 2561")."""
    if isinstance(value, date):
        return FiscalYear.of(value)
    return "" if value is None else value


@register.filter(name="fiscal_quarter")
def fiscal_quarter_filter(value: object) -> object:
    """{{ d|fiscal_quarter }} → "ไตรมาสที่ 1/2561"."""
    if isinstance(value, date):
        return FiscalQuarter.of(value).label()
    return "" if value is None else value
