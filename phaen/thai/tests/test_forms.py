from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from phaen.thai.forms import (
    MoneyField,
    ThaiDateField,
    ThaiDateInput,
    ThaiDecimalField,
    ThaiIntegerField,
    ThaiNumberInput,
)

OCT_1_2017 = date(2017, 10, 1)


class ElementAttributes(HTMLParser):
    """The attributes of every element, by tag, so tests do not depend on attribute order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: dict[str, list[dict[str, str | None]]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.setdefault(tag, []).append(dict(attrs))


class PlanForm(forms.Form):
    start = ThaiDateField()
    amount = MoneyField(min_value=Decimal(0))
    participants = ThaiIntegerField(required=False, min_value=0)


def clean_errors(field, value):
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return caught.value.messages


# ThaiDateField ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "era"),
    [("1/10/2560", "BE"), ("๑/๑๐/๒๕๖๐", "BE"), ("2560-10-01", "BE"), ("1/10/2017", "CE")],
)
def test_date_field_reads_be_and_ce(typed, era):
    field = ThaiDateField()
    assert field.clean(typed) == OCT_1_2017
    assert field.last_parsed is not None
    assert field.last_parsed.era == era


def test_date_field_keeps_the_explanation_of_each_form_separately():
    first, second = PlanForm(data={"start": "1/10/2017"}), PlanForm(data={"start": "1/10/2560"})
    first.is_valid(), second.is_valid()
    assert first.cleaned_data["start"] == second.cleaned_data["start"] == OCT_1_2017
    assert first.fields["start"].last_parsed.explanation == (
        "เข้าใจว่า 1 ตุลาคม 2560 (พิมพ์ปี ค.ศ. 2017)"
    )
    assert second.fields["start"].last_parsed.explanation == "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ.)"


def test_date_field_messages_are_thai():
    field = ThaiDateField()
    assert clean_errors(field, "") == ["กรุณากรอกวันที่"]
    assert clean_errors(field, "29/2/2561") == ["ไม่มีวันที่ 29 กุมภาพันธ์ 2561 (ปี พ.ศ. 2561 ไม่ใช่ปีอธิกสุรทิน)"]
    assert clean_errors(field, "1/10/2300") == [
        "ปี 2300 กำกวม กรุณาใช้ปี พ.ศ. 4 หลัก (เช่น 2560) หรือ ค.ศ. (เช่น 2017)"
    ]


def test_date_field_accepts_dates_and_empty_when_optional():
    assert ThaiDateField().clean(OCT_1_2017) == OCT_1_2017
    assert ThaiDateField(required=False).clean("") is None


def test_date_input_renders_a_be_value_with_its_hint_and_htmx():
    html = PlanForm(initial={"start": OCT_1_2017})["start"].as_widget()
    elements = ElementAttributes(html).found
    attrs = elements["input"][0]
    hint_url = reverse("thai:date-hint")
    assert attrs["value"] == "1/10/2560"
    assert attrs["placeholder"] == "วว/ดด/ปปปป (พ.ศ.)"
    assert attrs["type"] == "text"
    assert "inputmode" not in attrs
    assert attrs["hx-get"] == f"{hint_url}?field=start"
    assert attrs["hx-trigger"] == "keyup changed delay:400ms, change"
    assert attrs["hx-target"] == "#id_start-hint"
    assert attrs["hx-sync"] == "this:replace"
    assert attrs["aria-describedby"] == "id_start-hint"
    assert elements["small"] == [
        {"class": "thai-date-hint", "id": "id_start-hint", "aria-live": "polite"}
    ]
    assert "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ.)" in html


def test_date_input_shows_how_a_typed_ce_date_was_understood():
    form = PlanForm(data={"start": "1/10/2017", "amount": "x"})
    assert not form.is_valid()
    html = form["start"].as_widget()
    assert ElementAttributes(html).found["input"][0]["value"] == "1/10/2017"
    assert "เข้าใจว่า 1 ตุลาคม 2560 (พิมพ์ปี ค.ศ. 2017)" in html


def test_date_input_hint_shows_the_problem_of_an_unreadable_date():
    form = PlanForm(data={"start": "31/4/2561"})
    assert form.errors["start"] == ["ไม่มีวันที่ 31 เมษายน 2561 (เมษายน 2561 มี 30 วัน)"]
    html = form["start"].as_widget()
    assert 'class="thai-date-hint-error"' in html
    assert "เมษายน 2561 มี 30 วัน" in html
    assert ElementAttributes(html).found["input"][0]["aria-describedby"] == (
        "id_start_error id_start-hint"
    )


def test_date_input_without_an_id_targets_the_next_hint():
    html = PlanForm(auto_id=False)["start"].as_widget()
    attrs = ElementAttributes(html).found["input"][0]
    assert attrs["hx-target"] == "next .thai-date-hint"
    assert "aria-describedby" not in attrs


def test_date_input_in_english_shows_iso_ce():
    with translation.override("en"):
        assert ThaiDateInput().format_value(OCT_1_2017) == "2017-10-01"
        assert ThaiDateField().clean("2017-10-01") == OCT_1_2017


# Numbers ---------------------------------------------------------------------------------------


def test_decimal_field_reads_thai_digits_and_separators():
    field = ThaiDecimalField(max_digits=10, decimal_places=2)
    assert field.clean("๑,๒๓๔.๕๐") == Decimal("1234.50")
    assert field.clean("1 234 567") == Decimal("1234567")
    assert field.clean("-5 บาท") == Decimal("-5")


def test_decimal_field_messages_are_for_people():
    field = ThaiDecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0))
    assert clean_errors(field, "1.234") == ["ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"]
    assert clean_errors(field, "123456") == ["ตัวเลขยาวได้ไม่เกิน 5 หลัก"]
    assert clean_errors(field, "1234.5") == ["ส่วนจำนวนเต็มยาวได้ไม่เกิน 3 หลัก"]
    assert clean_errors(field, "-1") == ["ต้องไม่น้อยกว่า 0"]
    assert clean_errors(field, "1.2.3") == ["มีจุดทศนิยมมากกว่าหนึ่งจุด"]
    assert clean_errors(field, "1,23,4") == ["คั่นหลักพันไม่ถูกต้อง ต้องคั่นทุก 3 หลัก เช่น 1,234,567.50"]
    assert clean_errors(field, "") == ["กรุณากรอกข้อมูลช่องนี้"]


def test_money_field_keeps_two_decimals_and_refuses_a_third():
    field = MoneyField()
    cleaned = field.clean("1,234.5")
    assert str(cleaned) == "1234.50"
    assert str(field.clean("1234")) == "1234.00"
    assert clean_errors(field, "1.005") == ["ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"]
    assert field.clean("9,999,999,999,999.99") == Decimal("9999999999999.99")
    assert clean_errors(field, "99,999,999,999,999.99") == ["ตัวเลขยาวได้ไม่เกิน 15 หลัก"]
    assert (field.max_digits, field.decimal_places) == (15, 2)


def test_money_field_refuses_floats():
    with pytest.raises(TypeError):
        MoneyField().clean(1.5)


def test_integer_field():
    field = ThaiIntegerField(min_value=0)
    assert field.clean("๑,๒๓๔") == 1234
    assert field.clean("12.00") == 12
    assert clean_errors(field, "1.5") == ["กรุณากรอกจำนวนเต็ม"]
    assert clean_errors(field, "-3") == ["ต้องไม่น้อยกว่า 0"]
    assert clean_errors(field, "สิบ") == ["มีอักขระที่ไม่ใช่ตัวเลข: “ส”"]


def test_number_inputs_render_separators_and_a_numeric_keyboard():
    form = PlanForm(initial={"amount": Decimal("1234567.50"), "participants": 12345})
    amount = ElementAttributes(form["amount"].as_widget()).found["input"][0]
    participants = ElementAttributes(form["participants"].as_widget()).found["input"][0]
    assert (amount["value"], amount["inputmode"], amount["type"]) == (
        "1,234,567.50",
        "decimal",
        "text",
    )
    assert (participants["value"], participants["inputmode"]) == ("12,345", "numeric")
    assert ThaiNumberInput().format_value("1,2") == "1,2"  # typed text comes back as typed


def test_a_whole_form_round_trips_through_its_own_rendering():
    form = PlanForm(
        initial={"start": OCT_1_2017, "amount": Decimal("1234567.50"), "participants": 1200}
    )
    data = {
        name: ElementAttributes(form[name].as_widget()).found["input"][0]["value"]
        for name in form.fields
    }
    bound = PlanForm(data=data)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data == {
        "start": OCT_1_2017,
        "amount": Decimal("1234567.50"),
        "participants": 1200,
    }
