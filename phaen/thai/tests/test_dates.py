from datetime import UTC, date, datetime

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from phaen.thai.dates import (
    MONTHS_ABBR,
    MONTHS_FULL,
    WEEKDAYS_FULL,
    ParsedDate,
    ThaiDateError,
    days_in_month,
    format_date_long,
    format_date_range,
    format_date_short,
    format_datetime,
    format_month_year,
    parse_date,
)

OCT_1_2017 = date(2017, 10, 1)
wide_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
# Two-digit BE years mean 25xx: BE 2500–2599 is CE 1957–2056.
short_year_days = st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31))


# Names -----------------------------------------------------------------------------------------


def test_month_and_weekday_names():
    assert (MONTHS_FULL[0], MONTHS_FULL[9], len(MONTHS_FULL)) == ("มกราคม", "ตุลาคม", 12)
    assert MONTHS_ABBR == (
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    )  # fmt: skip
    assert WEEKDAYS_FULL[OCT_1_2017.weekday()] == "อาทิตย์"


def test_days_in_month_uses_the_ce_year_for_leap_years():
    assert days_in_month(2020, 2) == 29  # BE 2563
    assert days_in_month(2018, 2) == 28  # BE 2561
    assert days_in_month(1900, 2) == 28
    assert days_in_month(2017, 12) == 31


# Formatting ------------------------------------------------------------------------------------


def test_thai_formats():
    assert format_date_long(OCT_1_2017) == "1 ตุลาคม 2560"
    assert format_date_short(OCT_1_2017) == "1 ต.ค. 60"
    assert format_date_range(OCT_1_2017, date(2018, 3, 31)) == "1 ต.ค. 60 – 31 มี.ค. 61"
    assert format_date_range(OCT_1_2017, date(2018, 3, 31), long=True) == (
        "1 ตุลาคม 2560 – 31 มีนาคม 2561"
    )
    assert format_month_year(2017, 10) == "ต.ค. 60"
    assert format_month_year(2017, 10, long=True) == "ตุลาคม 2560"
    assert format_date_short(date(2043, 1, 5)) == "5 ม.ค. 86"
    assert format_date_short(date(2057, 1, 5)) == "5 ม.ค. 00"


def test_the_range_separator_is_an_en_dash_between_spaces():
    assert " \u2013 " in format_date_range(OCT_1_2017, OCT_1_2017)


def test_thai_digits_option():
    assert format_date_long(OCT_1_2017, thai_digits=True) == "๑ ตุลาคม ๒๕๖๐"
    assert format_date_short(OCT_1_2017, thai_digits=True) == "๑ ต.ค. ๖๐"
    assert format_date_range(OCT_1_2017, date(2018, 3, 31), thai_digits=True) == (
        "๑ ต.ค. ๖๐ – ๓๑ มี.ค. ๖๑"
    )


def test_datetimes_are_shown_in_bangkok_time():
    moment = datetime(2017, 10, 1, 7, 30, tzinfo=UTC)  # 14:30 in Bangkok
    assert format_datetime(moment) == "1 ต.ค. 60 14:30 น."
    assert format_datetime(moment, thai_digits=True) == "๑ ต.ค. ๖๐ ๑๔:๓๐ น."
    assert format_datetime(datetime(2017, 10, 1, 9, 5)) == "1 ต.ค. 60 09:05 น."
    # An aware datetime late in the UTC day is already the next day in Bangkok.
    assert format_date_long(datetime(2017, 9, 30, 18, 0, tzinfo=UTC)) == "1 ตุลาคม 2560"


def test_english_gets_english_names_and_ce_years():
    with translation.override("en"):
        assert format_date_long(OCT_1_2017) == "1 October 2017"
        assert format_date_short(OCT_1_2017) == "1 Oct 2017"
        assert format_date_range(OCT_1_2017, date(2018, 3, 31)) == "1 Oct 2017 – 31 Mar 2018"
        assert format_datetime(datetime(2017, 10, 1, 7, 30, tzinfo=UTC)) == "1 Oct 2017 14:30"
        assert format_month_year(2017, 10, long=True) == "October 2017"
        assert format_date_long(OCT_1_2017, thai_digits=True) == "1 October 2017"


def test_thai_is_the_default_without_an_active_language():
    with translation.override(None):
        assert format_date_short(OCT_1_2017) == "1 ต.ค. 60"


# Parsing: what is accepted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "era"),
    [
        ("1/10/2560", "BE"),
        ("01/10/2560", "BE"),
        ("1-10-2560", "BE"),
        ("1.10.2560", "BE"),
        ("  1 / 10 / 2560  ", "BE"),
        ("๑/๑๐/๒๕๖๐", "BE"),
        ("1/10/60", "BE"),
        ("2560-10-01", "BE"),
        ("1 ต.ค. 2560", "BE"),
        ("1 ต.ค. 60", "BE"),
        ("1 ต.ค.60", "BE"),
        ("1 ตค 2560", "BE"),
        ("1 ต.ค 60", "BE"),
        ("1 ตุลาคม 2560", "BE"),
        ("๑ ตุลาคม ๒๕๖๐", "BE"),
        ("1 ตุลา 60", "BE"),
        ("วันที่ 1 ตุลาคม พ.ศ. 2560", "BE"),
        ("1/10/2017", "CE"),
        ("2017-10-01", "CE"),
        ("1 ต.ค. 2017", "CE"),
        ("1 ตุลาคม ค.ศ. 2017", "CE"),
        ("1 October 2017", "CE"),
        ("1 oct 2017", "CE"),
    ],
)
def test_accepted_forms_of_1_october_2017(text, era):
    parsed = parse_date(text)
    assert parsed.value == OCT_1_2017
    assert parsed.era == era


def test_a_be_year_typed_as_iso_is_never_stored_as_ce():
    parsed = parse_date("2560-10-01")
    assert parsed == ParsedDate(OCT_1_2017, "BE", "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ.)")


def test_explanations_say_how_the_year_was_read():
    assert parse_date("1/10/2560").explanation == "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ.)"
    assert parse_date("1/10/2017").explanation == "เข้าใจว่า 1 ตุลาคม 2560 (พิมพ์ปี ค.ศ. 2017)"
    assert parse_date("1 ต.ค. 60").explanation == "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ. แบบย่อ 60)"


def test_29_february_exists_in_be_2563():
    assert parse_date("29/2/2563").value == date(2020, 2, 29)
    assert parse_date("29 ก.พ. 2020").value == date(2020, 2, 29)


# Parsing: what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29/2/2561", "ไม่มีวันที่ 29 กุมภาพันธ์ 2561 (ปี พ.ศ. 2561 ไม่ใช่ปีอธิกสุรทิน)"),
        ("29/2/2018", "ไม่มีวันที่ 29 กุมภาพันธ์ 2018 (ปี ค.ศ. 2018 ไม่ใช่ปีอธิกสุรทิน)"),
        ("31/4/2561", "ไม่มีวันที่ 31 เมษายน 2561 (เมษายน 2561 มี 30 วัน)"),
        ("1/13/2560", "เดือนต้องอยู่ระหว่าง 1 ถึง 12"),
        ("0/10/2560", "วันที่ต้องอยู่ระหว่าง 1 ถึง 31"),
        ("32 ต.ค. 2560", "วันที่ต้องอยู่ระหว่าง 1 ถึง 31"),
        ("", "กรุณากรอกวันที่"),
        ("   ", "กรุณากรอกวันที่"),
        ("10/2560", "รูปแบบวันที่ไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: 1/10/2560"),
        ("1/10-2560", "รูปแบบวันที่ไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: 1/10/2560"),
        ("tomorrow", "รูปแบบวันที่ไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: 1/10/2560"),
        ("1 ตุล 2560", "ไม่รู้จักชื่อเดือน “ตุล”"),
        ("1/10/2300", "ปี 2300 กำกวม"),
        ("1/10/560", "ปี 560 กำกวม"),
        ("1/10/1700", "ปี 1700 กำกวม"),
        ("1/10/7", "ปี 7 กำกวม"),
        ("1 ต.ค. พ.ศ. 2017", "ปี พ.ศ. 2017 ไม่ถูกต้อง"),
        ("1 ต.ค. ค.ศ. 2560", "ปี ค.ศ. 2560 ไม่ถูกต้อง"),
    ],
)
def test_refused_with_a_thai_message(text, message):
    with pytest.raises(ThaiDateError) as caught:
        parse_date(text)
    assert caught.value.message.startswith(message)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == caught.value.message


# Properties ------------------------------------------------------------------------------------


@settings(deadline=None)
@given(wide_days)
def test_long_format_and_iso_round_trip(day):
    assert parse_date(format_date_long(day)).value == day
    assert parse_date(format_date_long(day, thai_digits=True)).value == day
    iso = parse_date(day.isoformat())
    assert (iso.value, iso.era) == (day, "CE")


@settings(deadline=None)
@given(wide_days)
def test_day_first_be_text_round_trips_and_is_read_as_be(day):
    typed = f"{day.day}/{day.month}/{day.year + 543}"
    parsed = parse_date(typed)
    assert (parsed.value, parsed.era) == (day, "BE")
    assert parsed.explanation == f"เข้าใจว่า {format_date_long(day)} (ปี พ.ศ.)"


@settings(deadline=None)
@given(short_year_days)
def test_short_format_round_trips_for_two_digit_be_years(day):
    assert parse_date(format_date_short(day)).value == day
    assert parse_date(format_date_range(day, day).split(" – ")[1]).value == day


@settings(deadline=None)
@given(wide_days)
def test_english_formats_round_trip(day):
    with translation.override("en"):
        assert parse_date(format_date_long(day)).value == day
        assert parse_date(format_date_short(day)).value == day
