"""Thai fiscal periods: fiscal year, half year (รอบ 6 เดือน), quarter and month.

This is the only place in phaen that does fiscal-period arithmetic. The fiscal year runs
1 October – 30 September and is named by the BE year in which it ends: FY2561 is
2017-10-01 … 2018-09-30, so October already belongs to the next fiscal year.
Periods are frozen, ordered dataclasses: hashable, comparable, usable as dict keys.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Self

from django.utils import timezone
from django.utils.translation import gettext as _

from phaen.thai.dates import (
    BE_OFFSET,
    be_year,
    ce_year,
    days_in_month,
    format_month_year,
    to_local_date,
)

__all__ = [
    "BE_OFFSET",
    "DatePeriods",
    "FiscalHalf",
    "FiscalMonth",
    "FiscalPeriod",
    "FiscalQuarter",
    "FiscalYear",
    "be_year",
    "ce_year",
    "fiscal_year_choices",
    "parse_period_key",
    "periods_of",
]

MIN_FISCAL_YEAR = 2400
MAX_FISCAL_YEAR = 2700


def _fiscal_month_index(month: int) -> int:
    """Position of a calendar month in the fiscal year: October 1 … September 12."""
    return (month - 10) % 12 + 1


class _Period:
    """What every fiscal period shares: it is a closed range of days from start to end."""

    @property
    def start(self) -> date:
        raise NotImplementedError

    @property
    def end(self) -> date:
        raise NotImplementedError

    def contains(self, d: date) -> bool:
        """True when the day falls inside the period (a datetime is read in local time)."""
        return self.start <= to_local_date(d) <= self.end


@dataclass(frozen=True, order=True)
class FiscalYear(_Period):
    """A fiscal year, named by its BE year: FiscalYear(2561) is 1 Oct 2017 – 30 Sep 2018."""

    be: int

    def __post_init__(self) -> None:
        if not MIN_FISCAL_YEAR <= self.be <= MAX_FISCAL_YEAR:
            raise ValueError(
                _("ปีงบประมาณ %(year)s อยู่นอกช่วงที่รับได้ (%(min)s ถึง %(max)s)")
                % {"year": self.be, "min": MIN_FISCAL_YEAR, "max": MAX_FISCAL_YEAR}
            )

    @classmethod
    def of(cls, d: date) -> Self:
        """The fiscal year of a day: October to December belong to the next year's FY."""
        day = to_local_date(d)
        return cls(be_year(day.year + 1 if day.month >= 10 else day.year))

    @classmethod
    def current(cls, today: date | None = None) -> Self:
        """The fiscal year of today in local time (Asia/Bangkok) unless ``today`` is given."""
        return cls.of(today if today is not None else timezone.localdate())

    @property
    def ce_end_year(self) -> int:
        return ce_year(self.be)

    @property
    def start(self) -> date:
        return date(self.ce_end_year - 1, 10, 1)

    @property
    def end(self) -> date:
        return date(self.ce_end_year, 9, 30)

    @property
    def key(self) -> str:
        return str(self.be)

    def quarters(self) -> tuple["FiscalQuarter", ...]:
        return tuple(FiscalQuarter(self, number) for number in range(1, 5))

    def quarter(self, number: int) -> "FiscalQuarter":
        return FiscalQuarter(self, number)

    def halves(self) -> tuple["FiscalHalf", ...]:
        return (FiscalHalf(self, 1), FiscalHalf(self, 2))

    def half(self, number: int) -> "FiscalHalf":
        return FiscalHalf(self, number)

    def months(self) -> tuple["FiscalMonth", ...]:
        """The twelve months, October first."""
        return tuple(FiscalMonth(self, index) for index in range(1, 13))

    def next(self) -> "FiscalYear":
        return FiscalYear(self.be + 1)

    def previous(self) -> "FiscalYear":
        return FiscalYear(self.be - 1)

    def label(self) -> str:
        return _("ปีงบประมาณ พ.ศ. %(year)s") % {"year": self.be}

    def short_label(self) -> str:
        return _("ปีงบ %(year)s") % {"year": self.be}

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, order=True)
class FiscalHalf(_Period):
    """Half a fiscal year: 1 = Q1+Q2 (October–March, the รอบ 6 เดือน report), 2 = Q3+Q4."""

    fiscal_year: FiscalYear
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2):
            raise ValueError(_("ครึ่งปีงบประมาณต้องเป็น 1 หรือ 2"))

    @classmethod
    def of(cls, d: date) -> Self:
        return cls(FiscalYear.of(d), 1 if _fiscal_month_index(to_local_date(d).month) <= 6 else 2)

    @property
    def start(self) -> date:
        return self.quarters()[0].start

    @property
    def end(self) -> date:
        return self.quarters()[1].end

    @property
    def key(self) -> str:
        return f"{self.fiscal_year.key}-H{self.number}"

    def quarters(self) -> tuple["FiscalQuarter", ...]:
        first = 2 * self.number - 1
        return (FiscalQuarter(self.fiscal_year, first), FiscalQuarter(self.fiscal_year, first + 1))

    def months(self) -> tuple["FiscalMonth", ...]:
        return tuple(month for quarter in self.quarters() for month in quarter.months())

    def next(self) -> "FiscalHalf":
        if self.number == 2:
            return FiscalHalf(self.fiscal_year.next(), 1)
        return FiscalHalf(self.fiscal_year, 2)

    def previous(self) -> "FiscalHalf":
        if self.number == 1:
            return FiscalHalf(self.fiscal_year.previous(), 2)
        return FiscalHalf(self.fiscal_year, 1)

    def label(self) -> str:
        if self.number == 1:
            return _("รอบ 6 เดือนแรก ปีงบประมาณ พ.ศ. %(year)s") % {"year": self.fiscal_year.be}
        return _("รอบ 6 เดือนหลัง ปีงบประมาณ พ.ศ. %(year)s") % {"year": self.fiscal_year.be}

    def short_label(self) -> str:
        return _("รอบ 6 เดือนแรก") if self.number == 1 else _("รอบ 6 เดือนหลัง")

    def __str__(self) -> str:
        return self.label()


@dataclass(frozen=True, order=True)
class FiscalQuarter(_Period):
    """A fiscal quarter: Q1 Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun, Q4 Jul–Sep."""

    fiscal_year: FiscalYear
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(_("ไตรมาสต้องอยู่ระหว่าง 1 ถึง 4"))

    @classmethod
    def of(cls, d: date) -> Self:
        index = _fiscal_month_index(to_local_date(d).month)
        return cls(FiscalYear.of(d), (index - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return self.months()[0].start

    @property
    def end(self) -> date:
        return self.months()[2].end

    @property
    def half(self) -> FiscalHalf:
        return FiscalHalf(self.fiscal_year, 1 if self.number <= 2 else 2)

    @property
    def key(self) -> str:
        return f"{self.fiscal_year.key}-Q{self.number}"

    def months(self) -> tuple["FiscalMonth", ...]:
        first = 3 * self.number - 2
        return tuple(FiscalMonth(self.fiscal_year, index) for index in range(first, first + 3))

    def next(self) -> "FiscalQuarter":
        if self.number == 4:
            return FiscalQuarter(self.fiscal_year.next(), 1)
        return FiscalQuarter(self.fiscal_year, self.number + 1)

    def previous(self) -> "FiscalQuarter":
        if self.number == 1:
            return FiscalQuarter(self.fiscal_year.previous(), 4)
        return FiscalQuarter(self.fiscal_year, self.number - 1)

    def label(self) -> str:
        return _("ไตรมาสที่ %(number)s/%(year)s") % {
            "number": self.number,
            "year": self.fiscal_year.be,
        }

    def short_label(self) -> str:
        return _("ไตรมาส %(number)s") % {"number": self.number}

    def __str__(self) -> str:
        return self.label()


@dataclass(frozen=True, order=True)
class FiscalMonth(_Period):
    """A month of a fiscal year by position: index 1 is October, index 12 is September."""

    fiscal_year: FiscalYear
    index: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= 12:
            raise ValueError(_("ลำดับเดือนในปีงบประมาณต้องอยู่ระหว่าง 1 ถึง 12"))

    @classmethod
    def of(cls, d: date) -> Self:
        return cls(FiscalYear.of(d), _fiscal_month_index(to_local_date(d).month))

    @property
    def year(self) -> int:
        """The CE calendar year: October–December fall in the year before the FY ends."""
        return self.fiscal_year.ce_end_year - (1 if self.index <= 3 else 0)

    @property
    def month(self) -> int:
        """The calendar month, 1–12."""
        return (self.index + 8) % 12 + 1

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, days_in_month(self.year, self.month))

    @property
    def quarter(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, (self.index - 1) // 3 + 1)

    @property
    def half(self) -> FiscalHalf:
        return self.quarter.half

    @property
    def key(self) -> str:
        return f"{self.fiscal_year.key}-M{self.index:02d}"

    def next(self) -> "FiscalMonth":
        if self.index == 12:
            return FiscalMonth(self.fiscal_year.next(), 1)
        return FiscalMonth(self.fiscal_year, self.index + 1)

    def previous(self) -> "FiscalMonth":
        if self.index == 1:
            return FiscalMonth(self.fiscal_year.previous(), 12)
        return FiscalMonth(self.fiscal_year, self.index - 1)

    def label(self) -> str:
        """Short label "ต.ค. 60" (English "Oct 2017")."""
        return format_month_year(self.year, self.month)

    def long_label(self) -> str:
        """Long label "ตุลาคม 2560" (English "October 2017")."""
        return format_month_year(self.year, self.month, long=True)

    def __str__(self) -> str:
        return self.long_label()


FiscalPeriod = FiscalYear | FiscalHalf | FiscalQuarter | FiscalMonth

_PERIOD_KEY = re.compile(r"([0-9]{4})(?:-H([12])|-Q([1-4])|-M(0[1-9]|1[0-2]))?")


def parse_period_key(key: str) -> FiscalPeriod:
    """The period named by a ``.key``: "2561", "2561-H1", "2561-Q2" or "2561-M01"."""
    match = _PERIOD_KEY.fullmatch(key)
    if not match:
        raise ValueError(
            _("รหัสช่วงเวลา “%(key)s” ไม่ถูกต้อง ตัวอย่าง: 2561, 2561-H1, 2561-Q2, 2561-M01")
            % {"key": key}
        )
    year_text, half, quarter, month = match.groups()
    fiscal_year = FiscalYear(int(year_text))
    if half:
        return FiscalHalf(fiscal_year, int(half))
    if quarter:
        return FiscalQuarter(fiscal_year, int(quarter))
    if month:
        return FiscalMonth(fiscal_year, int(month))
    return fiscal_year


@dataclass(frozen=True)
class DatePeriods:
    """Every fiscal period a day belongs to."""

    fiscal_year: FiscalYear
    half: FiscalHalf
    quarter: FiscalQuarter
    month: FiscalMonth


def periods_of(d: date) -> DatePeriods:
    """The fiscal year, half, quarter and month of a day."""
    month = FiscalMonth.of(d)
    return DatePeriods(month.fiscal_year, month.half, month.quarter, month)


def fiscal_year_choices(
    around: FiscalYear | None = None, before: int = 5, after: int = 1
) -> list[tuple[int, str]]:
    """(BE year, label) pairs for a select box, newest first: ``before`` years back from
    ``around`` (default: the current fiscal year) to ``after`` years ahead."""
    centre = around or FiscalYear.current()
    first = max(centre.be - before, MIN_FISCAL_YEAR)
    last = min(centre.be + after, MAX_FISCAL_YEAR)
    return [(be, FiscalYear(be).label()) for be in range(last, first - 1, -1)]
