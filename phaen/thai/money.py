"""Baht: display with separators, millions, Thai words (บาทถ้วน), and parsing of typed amounts.

Money is ``Decimal`` only. Every function here raises ``TypeError`` for a float, because a
float cannot hold 0.10 baht exactly. Integers are accepted as whole baht.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from pythainlp.util import num_to_thaiword

from phaen.thai.digits import to_arabic_digits, to_thai_digits

SATANG = Decimal("0.01")

# Characters people put between groups of thousands: comma, space, no-break and thin spaces.
_GROUP_SEPARATORS = ", \u00a0\u2009\u202f"
_NUMBER = re.compile(
    r"(?P<whole>[0-9]{1,3}(?P<sep>[, \u00a0\u2009\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*|[0-9]+)"
    r"(?:\.(?P<fraction>[0-9]+))?"
)
_NUMBER_EXAMPLE = "1,234,567.50"


class ThaiNumberError(ValueError):
    """User input that is not a number; ``message`` is a Thai sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def as_money(amount: Decimal | int) -> Decimal:
    """The amount as a finite Decimal; floats (and bools) are refused with TypeError."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"money must be a Decimal or an int, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(_("จำนวนเงินต้องเป็นตัวเลข"))
    return value


def to_satang(amount: Decimal | int) -> Decimal:
    """Round to the satang (half up), for display only: stored amounts are never rounded."""
    return as_money(amount).quantize(SATANG, rounding=ROUND_HALF_UP)


def format_baht(amount: Decimal | int, *, thai_digits: bool = False, places: int = 2) -> str:
    """Baht as "1,234,567.89": thousands separators, ``places`` decimals (half up), "-1,234.00"."""
    rounded = as_money(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # never show "-0.00"
    text = f"{rounded:,.{places}f}"
    return to_thai_digits(text) if thai_digits else text


def format_million_baht(
    amount: Decimal | int, places: int = 2, *, thai_digits: bool = False
) -> str:
    """The amount in millions of baht (ล้านบาท): 1,234,567.89 → "1.23"."""
    return format_baht(as_money(amount).scaleb(-6), places=places, thai_digits=thai_digits)


def baht_text(amount: Decimal | int) -> str:
    """The amount in Thai words, exact to the satang: 21.50 → "ยี่สิบเอ็ดบาทห้าสิบสตางค์".

    An amount with a fraction of a satang is refused: nothing is rounded silently.
    """
    value = as_money(amount)
    satang_total = value * 100
    if satang_total != satang_total.to_integral_value():
        raise ValueError(
            _("จำนวนเงิน %(amount)s มีเศษของสตางค์ ไม่สามารถเขียนเป็นตัวอักษรได้") % {"amount": value}
        )
    baht, satang = divmod(abs(int(satang_total)), 100)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    words = f"{_integer_words(baht)}บาท" if baht else ""
    words += f"{_integer_words(satang)}สตางค์" if satang else "ถ้วน"
    return f"ลบ{words}" if value < 0 else words


def _integer_words(number: int) -> str:
    """Thai words for a positive integer, with "เอ็ด" for a final 1 after other digits
    (11 สิบเอ็ด, 101 หนึ่งร้อยเอ็ด, 1,000,001 หนึ่งล้านเอ็ด) and "หนึ่ง" for 1 alone.
    pythainlp follows this convention; the tests check it against our own reference."""
    return str(num_to_thaiword(number))


def parse_number(text: str) -> Decimal:
    """Read a typed number: Thai or Arabic digits, thousands separators, a sign, a decimal
    point, and an optional "บาท" (or the ".-" of "1,000.-") at the end. Raises ThaiNumberError."""
    cleaned = to_arabic_digits(text).strip()
    cleaned = cleaned.removesuffix("บาท").rstrip().removesuffix(".-")
    if not cleaned:
        raise ThaiNumberError(_("กรุณากรอกตัวเลข"))
    sign = ""
    if cleaned[0] in "+-\u2212":
        sign = "" if cleaned[0] == "+" else "-"
        cleaned = cleaned[1:].lstrip()
    strangers = [char for char in cleaned if char not in f"0123456789.{_GROUP_SEPARATORS}"]
    if strangers:
        raise ThaiNumberError(_("มีอักขระที่ไม่ใช่ตัวเลข: “%(char)s”") % {"char": strangers[0]})
    if cleaned.count(".") > 1:
        raise ThaiNumberError(_("มีจุดทศนิยมมากกว่าหนึ่งจุด"))
    match = _NUMBER.fullmatch(cleaned)
    if not match:
        if any(char in _GROUP_SEPARATORS for char in cleaned):
            raise ThaiNumberError(
                _("คั่นหลักพันไม่ถูกต้อง ต้องคั่นทุก 3 หลัก เช่น %(example)s") % {"example": _NUMBER_EXAMPLE}
            )
        raise ThaiNumberError(
            _("รูปแบบตัวเลขไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: %(example)s") % {"example": _NUMBER_EXAMPLE}
        )
    whole = re.sub(f"[{_GROUP_SEPARATORS}]", "", match["whole"])
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    return Decimal(f"{sign}{whole}{fraction}")
