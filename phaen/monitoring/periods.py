"""The reporting periods of a fiscal year and their default dates (no database access).

Q1–Q4 are the quarters the seed's step 5 reports on; H1 (รอบ 6 เดือน) and YEAR (รอบ 12 เดือน) are
the half-year and annual evaluations. A period opens on its first day, is due 15 days after it
ends and locks 15 days after that; planners may change the dates per fiscal year and per unit.
The dates come from ``phaen.thai.calendar`` (FY2561 Q1 = 2017-10-01 … 2017-12-31); the data
migration that creates the periods of existing fiscal years uses this module too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from phaen.thai.calendar import FiscalHalf, FiscalQuarter, FiscalYear

#: Days after the end of a period until it is due, and after the due date until it locks.
DUE_AFTER_DAYS = 15
LOCK_AFTER_DAYS = 15

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
KINDS = (*QUARTERS, "H1", "YEAR")


@dataclass(frozen=True)
class PeriodDates:
    kind: str
    starts_on: date
    ends_on: date
    opens_on: date
    due_on: date
    locks_on: date


def calendar_period(year: int, kind: str) -> FiscalQuarter | FiscalHalf | FiscalYear:
    """The fiscal period of a kind in the fiscal year ``year`` (BE)."""
    fiscal_year = FiscalYear(year)
    if kind in QUARTERS:
        return fiscal_year.quarter(int(kind[1]))
    if kind == "H1":
        return fiscal_year.half(1)
    if kind == "YEAR":
        return fiscal_year
    raise ValueError(f"unknown reporting period kind {kind!r}")


def default_dates(year: int, kind: str) -> PeriodDates:
    """The default dates of one period: open on its first day, due 15 days after its end,
    locked 15 days after the due date."""
    period = calendar_period(year, kind)
    due_on = period.end + timedelta(days=DUE_AFTER_DAYS)
    return PeriodDates(
        kind=kind,
        starts_on=period.start,
        ends_on=period.end,
        opens_on=period.start,
        due_on=due_on,
        locks_on=due_on + timedelta(days=LOCK_AFTER_DAYS),
    )


def quarters_of(kind: str) -> tuple[str, ...]:
    """The quarters a period is made of, in order (a quarter is made of itself)."""
    if kind in QUARTERS:
        return (kind,)
    if kind == "H1":
        return ("Q1", "Q2")
    return QUARTERS
