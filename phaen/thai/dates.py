"""Dates for people: Buddhist Era formatting ("1 ต.ค. 60") and forgiving, explicit parsing.

phaen stores CE dates and shows BE dates. When the active language is English the same
functions render English month names with CE years. Parsing never guesses silently: it says
how it understood the text (BE or CE) and refuses ambiguous years.

The BE/CE year conversion lives here because every date format needs it;
``phaen.thai.calendar`` re-exports it next to the fiscal periods.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from phaen.thai.digits import to_arabic_digits, to_thai_digits

BE_OFFSET = 543

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_FULL_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS_ABBR_EN = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
# In the order of date.weekday(): Monday first. Written without the prefix "วัน".
WEEKDAYS_FULL = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
WEEKDAYS_ABBR = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")

# How people say months aloud and often type them ("1 ตุลา 60"); accepted when parsing only.
_MONTHS_SPOKEN = (
    "มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา",
    "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา",
)  # fmt: skip

DATE_EXAMPLE = "1/10/2560"

type Era = Literal["BE", "CE"]


def be_year(ce_year: int) -> int:
    """The Buddhist Era year of a Common Era year (2017 → 2560)."""
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    """The Common Era year of a Buddhist Era year (2560 → 2017)."""
    return be_year - BE_OFFSET


def is_english() -> bool:
    """True when the active language is English: dates then use English names and CE years."""
    return (get_language() or "").lower().startswith("en")


def to_local_date(value: date) -> date:
    """The calendar day of a date or datetime; an aware datetime is read in local time."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def days_in_month(year: int, month: int) -> int:
    """How many days the month has (CE year, so leap years are right: BE 2563 = 2020)."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (following - timedelta(days=1)).day


def month_name(month: int, *, long: bool = True) -> str:
    """The month's name in the active language (Thai "ตุลาคม"/"ต.ค.", English "October"/"Oct")."""
    if is_english():
        return (MONTHS_FULL_EN if long else MONTHS_ABBR_EN)[month - 1]
    return (MONTHS_FULL if long else MONTHS_ABBR)[month - 1]


def _digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits and not is_english() else text


# Formatting ------------------------------------------------------------------------------------


def format_month_year(
    year_ce: int, month: int, *, long: bool = False, thai_digits: bool = False
) -> str:
    """Month and year: "ต.ค. 60", or long "ตุลาคม 2560"; English "Oct 2017" / "October 2017"."""
    if is_english():
        return f"{month_name(month, long=long)} {year_ce}"
    year = be_year(year_ce) if long else f"{be_year(year_ce) % 100:02d}"
    return _digits(f"{month_name(month, long=long)} {year}", thai_digits)


def format_date_long(d: date, *, thai_digits: bool = False) -> str:
    """Long date "1 ตุลาคม 2560"; English "1 October 2017". Thai digits apply to Thai only."""
    d = to_local_date(d)
    return _digits(f"{d.day} {format_month_year(d.year, d.month, long=True)}", thai_digits)


def format_date_short(d: date, *, thai_digits: bool = False) -> str:
    """Short date "1 ต.ค. 60" (two-digit BE year); English "1 Oct 2017"."""
    d = to_local_date(d)
    return _digits(f"{d.day} {format_month_year(d.year, d.month)}", thai_digits)


def format_date_range(
    start: date, end: date, *, long: bool = False, thai_digits: bool = False
) -> str:
    """Range "1 ต.ค. 60 – 31 มี.ค. 61": both ends in full, joined by an en dash with spaces."""
    formatter = format_date_long if long else format_date_short
    first, last = formatter(start, thai_digits=thai_digits), formatter(end, thai_digits=thai_digits)
    return f"{first} – {last}"


def format_datetime(dt: datetime, *, thai_digits: bool = False) -> str:
    """Date and time "1 ต.ค. 60 14:30 น." in local time; English "1 Oct 2017 14:30"."""
    local = timezone.localtime(dt) if timezone.is_aware(dt) else dt
    if is_english():
        return f"{format_date_short(local)} {local:%H:%M}"
    return _digits(f"{format_date_short(local)} {local:%H:%M} น.", thai_digits)


# Parsing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedDate:
    """A date read from user input, with the era it was typed in and a sentence saying so."""

    value: date
    era: Era
    explanation: str


class ThaiDateError(ValueError):
    """User input that is not a date; ``message`` is a Thai sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _month_key(name: str) -> str:
    return re.sub(r"[.\s]", "", name).lower()


_MONTH_NUMBERS: dict[str, int] = {
    _month_key(name): number
    for names in (MONTHS_FULL, MONTHS_ABBR, _MONTHS_SPOKEN, MONTHS_FULL_EN, MONTHS_ABBR_EN)
    for number, name in enumerate(names, start=1)
}
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2}) ?([/.-]) ?([0-9]{1,2}) ?\2 ?([0-9]+)")
# The month name must start with a letter, so "10/2560" is a format error, not a month "/".
_MONTH_NAMED = re.compile(r"([0-9]{1,2}) ?([^\W\d_][^0-9]*?) ?([0-9]+)")
_ERA_MARKER = re.compile(r"(พ|ค)\.? ?ศ\.?$")


def parse_date(text: str) -> ParsedDate:
    """Read a date typed the way Thais type it (day first, BE or CE year, Thai or Arabic digits).

    Accepts 1/10/2560, 1-10-2560, 1.10.2560, 2017-10-01, "1 ต.ค. 60", "1 ตุลาคม พ.ศ. 2560".
    4-digit years from 2400 are BE, 1800–2200 are CE, 2-digit years are short BE (60 → 2560);
    anything else is refused as ambiguous, so a BE year is never stored as a CE year.
    """
    cleaned = " ".join(to_arabic_digits(text).split()).removeprefix("วันที่").strip()
    if not cleaned:
        raise ThaiDateError(_("กรุณากรอกวันที่"))
    marker: Era | None = None
    if match := _ISO.fullmatch(cleaned):
        year_text, month, day = match[1], int(match[2]), int(match[3])
    elif match := _DAY_FIRST.fullmatch(cleaned):
        day, month, year_text = int(match[1]), int(match[3]), match[4]
    elif match := _MONTH_NAMED.fullmatch(cleaned):
        day, year_text = int(match[1]), match[3]
        name = match[2].strip()
        if era_match := _ERA_MARKER.search(name):
            marker = "BE" if era_match[1] == "พ" else "CE"
            name = name[: era_match.start()].strip()
        if _month_key(name) not in _MONTH_NUMBERS:
            raise ThaiDateError(_("ไม่รู้จักชื่อเดือน “%(name)s”") % {"name": name})
        month = _MONTH_NUMBERS[_month_key(name)]
    else:
        raise ThaiDateError(
            _("รูปแบบวันที่ไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: %(example)s") % {"example": DATE_EXAMPLE}
        )
    if not 1 <= month <= 12:
        raise ThaiDateError(_("เดือนต้องอยู่ระหว่าง 1 ถึง 12"))
    if not 1 <= day <= 31:
        raise ThaiDateError(_("วันที่ต้องอยู่ระหว่าง 1 ถึง 31"))
    year, era = _read_year(year_text, marker)
    _check_day_exists(day, month, year, era)
    value = date(year, month, day)
    return ParsedDate(value, era, _explain(value, era, year_text))


def _read_year(year_text: str, marker: Era | None) -> tuple[int, Era]:
    """The CE year and the era it was typed in; ``marker`` is an explicit พ.ศ./ค.ศ. if any."""
    number = int(year_text)
    if marker != "CE" and len(year_text) == 2:
        return ce_year(2500 + number), "BE"
    if marker != "CE" and len(year_text) == 4 and number >= 2400:
        return ce_year(number), "BE"
    if marker != "BE" and len(year_text) == 4 and 1800 <= number <= 2200:
        return number, "CE"
    if marker == "BE":
        message = _("ปี พ.ศ. %(year)s ไม่ถูกต้อง ปี พ.ศ. ต้องมี 4 หลักตั้งแต่ 2400 หรือ 2 หลัก เช่น 60")
    elif marker == "CE":
        message = _("ปี ค.ศ. %(year)s ไม่ถูกต้อง ปี ค.ศ. ต้องอยู่ระหว่าง 1800 ถึง 2200")
    else:
        message = _("ปี %(year)s กำกวม กรุณาใช้ปี พ.ศ. 4 หลัก (เช่น 2560) หรือ ค.ศ. (เช่น 2017)")
    raise ThaiDateError(message % {"year": year_text})


def _check_day_exists(day: int, month: int, year: int, era: Era) -> None:
    """Refuse 31 April or 29 February of a common year, naming the year as it was typed."""
    last_day = days_in_month(year, month)
    if day <= last_day:
        return
    params = {
        "day": day,
        "month": month_name(month),
        "year": be_year(year) if era == "BE" else year,
        "era": _("พ.ศ.") if era == "BE" else _("ค.ศ."),
        "days": last_day,
    }
    if month == 2 and day == 29:
        message = _("ไม่มีวันที่ %(day)s %(month)s %(year)s (ปี %(era)s %(year)s ไม่ใช่ปีอธิกสุรทิน)")
    else:
        message = _("ไม่มีวันที่ %(day)s %(month)s %(year)s (%(month)s %(year)s มี %(days)s วัน)")
    raise ThaiDateError(message % params)


def _explain(value: date, era: Era, year_text: str) -> str:
    params = {"date": format_date_long(value), "year": year_text}
    if era == "CE":
        return _("เข้าใจว่า %(date)s (พิมพ์ปี ค.ศ. %(year)s)") % params
    if len(year_text) == 2:
        return _("เข้าใจว่า %(date)s (ปี พ.ศ. แบบย่อ %(year)s)") % params
    return _("เข้าใจว่า %(date)s (ปี พ.ศ.)") % params
