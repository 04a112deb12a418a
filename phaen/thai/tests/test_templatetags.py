from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

OCT_1_2017 = date(2017, 10, 1)


def render(source: str, **context: object) -> str:
    """Render with the project's template engine: the filters are builtins, no {% load %}."""
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ d|be_date }}", "1 ตุลาคม 2560"),
        ("{{ d|be_date_short }}", "1 ต.ค. 60"),
        ("{{ d|be_datetime }}", "1 ต.ค. 60"),
        ("{{ moment|be_datetime }}", "1 ต.ค. 60 14:30 น."),
        ("{{ moment|be_date }}", "1 ตุลาคม 2560"),
        ("{{ d|be_range:end }}", "1 ต.ค. 60 – 31 มี.ค. 61"),
        ("{{ d|be_year }}", "2560"),
        ("{{ 2017|be_year }}", "2560"),
        ("{{ d|fiscal_year }}", "2561"),
        ("{% with fy=d|fiscal_year %}{{ fy.label }}{% endwith %}", "ปีงบประมาณ พ.ศ. 2561"),
        ("{{ d|fiscal_quarter }}", "ไตรมาสที่ 1/2561"),
        ("{{ end|fiscal_quarter }}", "ไตรมาสที่ 2/2561"),
        ("{{ d|be_date|thai_digits }}", "๑ ตุลาคม ๒๕๖๐"),
        ("{{ 'ข้อ 12'|thai_digits }}", "ข้อ ๑๒"),
    ],
)
def test_date_filters(source, expected):
    moment = datetime(2017, 10, 1, 7, 30, tzinfo=UTC)
    assert render(source, d=OCT_1_2017, end=date(2018, 3, 31), moment=moment) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ amount|baht }}", "1,234,567.89"),
        ('{{ amount|baht:"thai" }}', "๑,๒๓๔,๕๖๗.๘๙"),
        ("{{ amount|million_baht }}", "1.23"),
        ("{{ amount|million_baht:1 }}", "1.2"),
        ("{{ whole|baht }}", "1,234.00"),
        ("{{ whole|baht_text }}", "หนึ่งพันสองร้อยสามสิบสี่บาทถ้วน"),
        ("{{ amount|baht_text }}", "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        ("{{ typed|baht }}", "1,234.50"),
        ("{{ typed|baht_text }}", "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
    ],
)
def test_money_filters(source, expected):
    context = {"amount": Decimal("1234567.89"), "whole": 1234, "typed": "๑,๒๓๔.๕๐"}
    assert render(source, **context) == expected


@pytest.mark.parametrize(
    "name",
    [
        "be_date", "be_date_short", "be_datetime", "be_year", "thai_digits", "baht",
        "baht_text", "million_baht", "fiscal_year", "fiscal_quarter",
    ],
)  # fmt: skip
def test_filters_render_nothing_for_none(name):
    assert render(f"[{{{{ value|{name} }}}}]", value=None) == "[]"


def test_range_with_a_missing_end():
    assert render("[{{ a|be_range:b }}]", a=None, b=None) == "[]"
    assert render("{{ a|be_range:b }}", a=OCT_1_2017, b=None) == "1 ต.ค. 60"
    assert render("{{ a|be_range:b }}", a=None, b=OCT_1_2017) == "1 ต.ค. 60"


def test_values_that_are_not_dates_or_money_come_back_unchanged_and_escaped():
    assert render("{{ v|be_date }}", v="ยังไม่กำหนด") == "ยังไม่กำหนด"
    assert render("{{ v|baht }}", v="ไม่มีงบประมาณ") == "ไม่มีงบประมาณ"
    assert render("{{ v|baht_text }}", v="<b>n/a</b>") == "&lt;b&gt;n/a&lt;/b&gt;"
    assert render("{{ v|thai_digits }}", v="<i>1</i>") == "&lt;i&gt;๑&lt;/i&gt;"


def test_money_filters_refuse_floats():
    with pytest.raises(TypeError):
        render("{{ v|baht }}", v=1234.5)


def test_english_rendering():
    with translation.override("en"):
        assert render("{{ d|be_date }}", d=OCT_1_2017) == "1 October 2017"
        assert render("{{ d|be_date_short }}", d=OCT_1_2017) == "1 Oct 2017"
        assert render("{{ d|be_range:e }}", d=OCT_1_2017, e=date(2018, 3, 31)) == (
            "1 Oct 2017 – 31 Mar 2018"
        )
        assert render("{{ d|be_date|thai_digits }}", d=OCT_1_2017) == "๑ October ๒๐๑๗"
        # Fiscal years stay BE in English.
        assert render("{{ d|fiscal_year }}", d=OCT_1_2017) == "2561"
