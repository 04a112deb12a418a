"""Form fields and widgets for Thai dates and numbers.

Dates are typed and shown as BE "d/m/yyyy"; a hint under the input says how the text was
understood (BE or CE), live through htmx. Numbers accept Thai digits and thousands
separators, and a money field refuses (never rounds) more than two decimals.
"""

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from phaen.thai.calendar import FiscalYear
from phaen.thai.dates import (
    ParsedDate,
    ThaiDateError,
    be_year,
    is_english,
    parse_date,
    to_local_date,
)
from phaen.thai.money import SATANG, ThaiNumberError, parse_number

DATE_HINT_TRIGGER = "keyup changed delay:400ms, change"

# Django's validator messages reworded for people, keyed by the validators' error codes.
_NUMBER_ERROR_MESSAGES = {
    "required": _("กรุณากรอกข้อมูลช่องนี้"),
    "max_digits": _("ตัวเลขยาวได้ไม่เกิน %(max)s หลัก"),
    "max_decimal_places": _("ทศนิยมได้ไม่เกิน %(max)s ตำแหน่ง"),
    "max_whole_digits": _("ส่วนจำนวนเต็มยาวได้ไม่เกิน %(max)s หลัก"),
    "min_value": _("ต้องไม่น้อยกว่า %(limit_value)s"),
    "max_value": _("ต้องไม่มากกว่า %(limit_value)s"),
    "step_size": _("ต้องเพิ่มทีละ %(limit_value)s"),
}


def explain_date_input(text: str | None) -> dict[str, str]:
    """How typed date text is understood, for the hint: {"explanation": …} or {"error": …}."""
    if not text or not text.strip():
        return {}
    try:
        return {"explanation": parse_date(text).explanation}
    except ThaiDateError as error:
        return {"error": error.message}


class ThaiDateInput(forms.TextInput):
    """A text input showing dates as BE "1/10/2560", with a live hint of how input is read."""

    template_name = "thai/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("วว/ดด/ปปปป (พ.ศ.)"), "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        """A date as BE "d/m/yyyy" (English: ISO, CE); typed text is shown back unchanged."""
        if isinstance(value, date):
            day = to_local_date(value)
            if is_english():
                return day.isoformat()
            return f"{day.day}/{day.month}/{be_year(day.year)}"
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        input_attrs = widget["attrs"]
        hint_id = f"{input_attrs['id']}-hint" if input_attrs.get("id") else ""
        widget["hint_id"] = hint_id
        widget["hint"] = explain_date_input(widget["value"])
        if hint_id:
            described_by = [input_attrs.get("aria-describedby", ""), hint_id]
            input_attrs["aria-describedby"] = " ".join(part for part in described_by if part)
        try:
            url = reverse("thai:date-hint")
        except NoReverseMatch:
            return context  # the hint view is not routed here: the static hint still works
        input_attrs.update(
            {
                # htmx sends the input under its own name; "field" tells the view which one.
                "hx-get": f"{url}?{urlencode({'field': name})}",
                "hx-trigger": DATE_HINT_TRIGGER,
                "hx-target": f"#{hint_id}" if hint_id else "next .thai-date-hint",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        return context


class ThaiDateField(forms.DateField):
    """A date typed the Thai way (see ``parse_date``); CE years are accepted and said so.

    ``last_parsed`` keeps the last successful reading, so a view can repeat its explanation.
    """

    widget = ThaiDateInput
    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("วันที่ไม่ถูกต้อง"),
        "required": _("กรุณากรอกวันที่"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last_parsed: ParsedDate | None = None

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return to_local_date(value)
        try:
            self.last_parsed = parse_date(str(value))
        except ThaiDateError as error:
            raise ValidationError(error.message, code="invalid") from error
        return self.last_parsed.value


class ThaiNumberInput(forms.TextInput):
    """A text input for numbers, shown with thousands separators ("1,234,567.50")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            return f"{value:,f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)


def _parse_number_input(value: Any) -> Decimal:
    """parse_number for a form: its Thai message says exactly what is wrong with the input."""
    if isinstance(value, float):
        raise TypeError("numbers in forms must be text, Decimal or int, not float")
    try:
        return parse_number(str(value))
    except ThaiNumberError as error:
        raise ValidationError(error.message, code="invalid") from error


class ThaiDecimalField(forms.DecimalField):
    """A decimal typed with Thai or Arabic digits and thousands separators (see parse_number)."""

    widget = ThaiNumberInput
    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("กรุณากรอกตัวเลข"),
        **_NUMBER_ERROR_MESSAGES,
    }

    # django-stubs types DecimalField (a subclass of IntegerField) with the same ignore.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        return _parse_number_input(value)


class MoneyField(ThaiDecimalField):
    """Baht: up to 15 digits with exactly two decimals; a third decimal is refused, not rounded."""

    def __init__(self, *, max_digits: int = 15, **kwargs: Any) -> None:
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)

    def clean(self, value: Any) -> Decimal | None:
        amount: Decimal | None = super().clean(value)
        # Exact: validation has already refused anything beyond two decimals.
        return None if amount is None else amount.quantize(SATANG)


class ThaiIntegerField(forms.IntegerField):
    """A whole number typed with Thai or Arabic digits and thousands separators."""

    widget = ThaiNumberInput(attrs={"inputmode": "numeric"})
    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("กรุณากรอกจำนวนเต็ม"),
        **_NUMBER_ERROR_MESSAGES,
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = _parse_number_input(value)
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)


#: The empty choice of select boxes (Django's "---------" says nothing to a Thai clerk).
EMPTY_CHOICE = _("– เลือก –")


def month_choices(first: FiscalYear, last: FiscalYear) -> list[tuple[str, str]]:
    """Months of the fiscal years ``first``..``last`` as (ISO first day, "ต.ค. 60") choices."""
    choices = []
    year = first
    while year <= last:
        choices += [(month.start.isoformat(), month.long_label()) for month in year.months()]
        year = year.next()
    return choices


class MonthField(forms.TypedChoiceField):
    """A month, chosen from the months of a range of fiscal years; cleans to its first day.

    Plans schedule by month (Oct → Sep), so a month picker with BE labels is clearer than a
    date input. Forms narrow the range with ``set_fiscal_years``.
    """

    def __init__(
        self, *, first: FiscalYear | None = None, last: FiscalYear | None = None, **kwargs: Any
    ) -> None:
        first = first or FiscalYear.current()
        last = last or first
        kwargs.setdefault("coerce", date.fromisoformat)
        kwargs.setdefault("empty_value", None)
        super().__init__(choices=[("", EMPTY_CHOICE), *month_choices(first, last)], **kwargs)

    def set_fiscal_years(self, first: FiscalYear, last: FiscalYear) -> None:
        self.choices = [("", EMPTY_CHOICE), *month_choices(first, last)]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return value.replace(day=1).isoformat()
        return value
