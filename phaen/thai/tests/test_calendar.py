from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from phaen.thai.calendar import (
    BE_OFFSET,
    FiscalHalf,
    FiscalMonth,
    FiscalQuarter,
    FiscalYear,
    be_year,
    ce_year,
    fiscal_year_choices,
    parse_period_key,
    periods_of,
)

ONE_DAY = timedelta(days=1)
# Days whose fiscal year and both neighbours are valid (FY2401 … FY2699).
days = st.dates(min_value=date(1857, 10, 1), max_value=date(2156, 9, 30))
fiscal_years = st.integers(min_value=2401, max_value=2699).map(FiscalYear)
periods = st.one_of(
    days.map(FiscalYear.of),
    days.map(FiscalHalf.of),
    days.map(FiscalQuarter.of),
    days.map(FiscalMonth.of),
)


def assert_partition(parts, whole):
    """The parts cover the whole, in order, with no gap and no overlap."""
    assert parts[0].start == whole.start
    assert parts[-1].end == whole.end
    for earlier, later in pairwise(parts):
        assert earlier.end + ONE_DAY == later.start
        assert earlier < later


# BE and CE ------------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=9000))
def test_be_and_ce_years_round_trip(year):
    assert ce_year(be_year(year)) == year
    assert be_year(year) - year == BE_OFFSET == 543


# The examples of the domain brief --------------------------------------------------------------


def test_fiscal_year_2561_runs_from_october_2017_to_september_2018():
    fiscal_year = FiscalYear(2561)
    assert (fiscal_year.start, fiscal_year.end) == (date(2017, 10, 1), date(2018, 9, 30))
    assert fiscal_year.ce_end_year == 2018


def test_october_already_belongs_to_the_next_fiscal_year():
    assert FiscalYear.of(date(2017, 9, 30)) == FiscalYear(2560)
    assert FiscalQuarter.of(date(2017, 9, 30)) == FiscalQuarter(FiscalYear(2560), 4)
    assert FiscalYear.of(date(2017, 10, 1)) == FiscalYear(2561)
    assert FiscalQuarter.of(date(2017, 10, 1)) == FiscalQuarter(FiscalYear(2561), 1)


def test_the_new_calendar_year_starts_the_second_quarter():
    assert FiscalQuarter.of(date(2017, 12, 31)).key == "2561-Q1"
    assert FiscalQuarter.of(date(2018, 1, 1)).key == "2561-Q2"


def test_quarters_of_fiscal_year_2561_follow_the_seed_calendar():
    ranges = [(q.start, q.end) for q in FiscalYear(2561).quarters()]
    assert ranges == [
        (date(2017, 10, 1), date(2017, 12, 31)),
        (date(2018, 1, 1), date(2018, 3, 31)),
        (date(2018, 4, 1), date(2018, 6, 30)),
        (date(2018, 7, 1), date(2018, 9, 30)),
    ]


def test_the_half_year_is_october_to_march():
    first, second = FiscalYear(2561).halves()
    assert (first.start, first.end) == (date(2017, 10, 1), date(2018, 3, 31))
    assert (second.start, second.end) == (date(2018, 4, 1), date(2018, 9, 30))
    assert first.quarters() == (FiscalYear(2561).quarter(1), FiscalYear(2561).quarter(2))
    assert FiscalHalf.of(date(2018, 3, 31)) == first
    assert FiscalHalf.of(date(2018, 4, 1)) == second


def test_fiscal_months_start_in_october():
    months = FiscalYear(2561).months()
    assert [(m.year, m.month) for m in months[:4]] == [
        (2017, 10),
        (2017, 11),
        (2017, 12),
        (2018, 1),
    ]
    assert (months[-1].year, months[-1].month) == (2018, 9)
    assert months[4].end == date(2018, 2, 28)
    assert FiscalMonth.of(date(2020, 2, 15)).end == date(2020, 2, 29)
    assert FiscalMonth.of(date(2018, 1, 31)).quarter.key == "2561-Q2"


def test_labels_and_keys():
    fiscal_year = FiscalYear(2561)
    assert fiscal_year.label() == "ปีงบประมาณ พ.ศ. 2561"
    assert fiscal_year.short_label() == "ปีงบ 2561"
    assert (fiscal_year.key, str(fiscal_year)) == ("2561", "2561")
    quarter = fiscal_year.quarter(2)
    assert (quarter.label(), quarter.short_label(), quarter.key) == (
        "ไตรมาสที่ 2/2561",
        "ไตรมาส 2",
        "2561-Q2",
    )
    assert fiscal_year.half(1).label() == "รอบ 6 เดือนแรก ปีงบประมาณ พ.ศ. 2561"
    assert fiscal_year.half(2).label() == "รอบ 6 เดือนหลัง ปีงบประมาณ พ.ศ. 2561"
    assert fiscal_year.half(1).key == "2561-H1"
    october = fiscal_year.months()[0]
    assert (october.label(), october.long_label(), october.key) == (
        "ต.ค. 60",
        "ตุลาคม 2560",
        "2561-M01",
    )
    assert fiscal_year.months()[11].key == "2561-M12"


def test_periods_cross_fiscal_year_boundaries():
    assert FiscalQuarter(FiscalYear(2561), 4).next() == FiscalQuarter(FiscalYear(2562), 1)
    assert FiscalQuarter(FiscalYear(2561), 1).previous() == FiscalQuarter(FiscalYear(2560), 4)
    assert FiscalMonth(FiscalYear(2561), 12).next() == FiscalMonth(FiscalYear(2562), 1)
    assert FiscalHalf(FiscalYear(2561), 1).previous() == FiscalHalf(FiscalYear(2560), 2)


def test_periods_are_values_usable_as_dictionary_keys():
    budget_by_quarter = {FiscalQuarter(FiscalYear(2561), 2): 100}
    assert budget_by_quarter[FiscalQuarter.of(date(2018, 2, 14))] == 100
    assert sorted([FiscalYear(2562), FiscalYear(2560)]) == [FiscalYear(2560), FiscalYear(2562)]


def test_an_aware_datetime_is_read_in_bangkok_time():
    # 30 Sep 2017 18:00 UTC is already 1 Oct 2017 01:00 in Bangkok: FY2561.
    moment = datetime(2017, 9, 30, 18, 0, tzinfo=UTC)
    assert FiscalYear.of(moment) == FiscalYear(2561)
    assert FiscalQuarter(FiscalYear(2561), 1).contains(moment)
    assert not FiscalYear(2560).contains(moment)


def test_current_fiscal_year():
    assert FiscalYear.current(date(2017, 10, 1)) == FiscalYear(2561)
    assert FiscalYear.current().contains(timezone.localdate())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: FiscalYear(2399), "ปีงบประมาณ 2399 อยู่นอกช่วงที่รับได้"),
        (lambda: FiscalYear(2701), "ปีงบประมาณ 2701 อยู่นอกช่วงที่รับได้"),
        (lambda: FiscalQuarter(FiscalYear(2561), 5), "ไตรมาสต้องอยู่ระหว่าง 1 ถึง 4"),
        (lambda: FiscalHalf(FiscalYear(2561), 0), "ครึ่งปีงบประมาณต้องเป็น 1 หรือ 2"),
        (lambda: FiscalMonth(FiscalYear(2561), 13), "ลำดับเดือนในปีงบประมาณ"),
        (lambda: FiscalYear(2700).next(), "ปีงบประมาณ 2701"),
    ],
)
def test_impossible_periods_are_refused_in_thai(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_parse_period_key():
    assert parse_period_key("2561") == FiscalYear(2561)
    assert parse_period_key("2561-H2") == FiscalHalf(FiscalYear(2561), 2)
    assert parse_period_key("2561-Q3") == FiscalQuarter(FiscalYear(2561), 3)
    assert parse_period_key("2561-M10") == FiscalMonth(FiscalYear(2561), 10)


@pytest.mark.parametrize(
    "key", ["", "61", "2561-Q5", "2561-q1", "2561-M13", "2561-M1", "2561-H3", " 2561"]
)
def test_parse_period_key_refuses_anything_else(key):
    with pytest.raises(ValueError, match="รหัสช่วงเวลา"):
        parse_period_key(key)


def test_fiscal_year_choices_newest_first():
    choices = fiscal_year_choices(FiscalYear(2561))
    assert [value for value, _ in choices] == [2562, 2561, 2560, 2559, 2558, 2557, 2556]
    assert choices[1] == (2561, "ปีงบประมาณ พ.ศ. 2561")
    assert [value for value, _ in fiscal_year_choices(FiscalYear(2401), before=3, after=0)] == [
        2401,
        2400,
    ]
    assert fiscal_year_choices(before=0, after=0) == [
        (FiscalYear.current().be, FiscalYear.current().label())
    ]


# Properties ------------------------------------------------------------------------------------


@given(days)
def test_every_day_lies_in_exactly_one_period_of_each_kind(day):
    found = periods_of(day)
    for period in (found.fiscal_year, found.half, found.quarter, found.month):
        assert period.start <= day <= period.end
        assert period.contains(day)
        assert not period.next().contains(day)
        assert not period.previous().contains(day)
    fiscal_year = found.fiscal_year
    assert [q for q in fiscal_year.quarters() if q.contains(day)] == [found.quarter]
    assert [h for h in fiscal_year.halves() if h.contains(day)] == [found.half]
    assert [m for m in fiscal_year.months() if m.contains(day)] == [found.month]
    assert found.month.quarter == found.quarter
    assert found.quarter.half == found.half == found.month.half
    assert (found.month.year, found.month.month) == (day.year, day.month)
    assert fiscal_year.be == be_year(day.year) + (1 if day.month >= 10 else 0)


@settings(deadline=None)
@given(fiscal_years)
def test_halves_quarters_and_months_partition_the_fiscal_year(fiscal_year):
    assert_partition(fiscal_year.halves(), fiscal_year)
    assert_partition(fiscal_year.quarters(), fiscal_year)
    assert_partition(fiscal_year.months(), fiscal_year)
    for half in fiscal_year.halves():
        assert_partition(half.quarters(), half)
        assert_partition(half.months(), half)
    for quarter in fiscal_year.quarters():
        assert_partition(quarter.months(), quarter)
    days_in_months = sum((m.end - m.start).days + 1 for m in fiscal_year.months())
    assert days_in_months == (fiscal_year.end - fiscal_year.start).days + 1
    assert fiscal_year.end + ONE_DAY == fiscal_year.next().start


@given(periods)
def test_next_and_previous_are_inverses(period):
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.previous().end + ONE_DAY == period.start
    assert period.end + ONE_DAY == period.next().start


@given(periods)
def test_period_keys_round_trip(period):
    assert parse_period_key(period.key) == period


@given(days, days)
def test_period_order_follows_time(first, second):
    first, second = sorted([first, second])
    for kind in (FiscalYear, FiscalHalf, FiscalQuarter, FiscalMonth):
        assert kind.of(first) <= kind.of(second)
