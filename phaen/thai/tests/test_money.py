from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phaen.thai.money import (
    SATANG,
    ThaiNumberError,
    baht_text,
    format_baht,
    format_million_baht,
    parse_number,
    to_satang,
)

# Amounts with 2 decimals and at most 15 digits, as MoneyField stores them.
amounts = st.decimals(
    min_value=Decimal("-9999999999999.99"),
    max_value=Decimal("9999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
# Whole amounts made of 0, 1 and 9 hit the เอ็ด/หนึ่ง cases far more often than random digits.
tricky_integers = st.text(alphabet="0119", min_size=1, max_size=15).map(int)


# An independent reference for Thai number words, written from the textbook rules ---------------

DIGIT_WORDS = ["", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
PLACE_WORDS = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]


def reference_words(number: int, *, after_millions: bool = False) -> str:
    """Words for number >= 1: tens are สิบ/ยี่สิบ, a final 1 after any other digit is เอ็ด."""
    if number >= 1_000_000:
        millions, rest = divmod(number, 1_000_000)
        tail = reference_words(rest, after_millions=True) if rest else ""
        return reference_words(millions) + "ล้าน" + tail
    words = ""
    for place in range(5, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            continue
        if place == 1:
            words += {1: "สิบ", 2: "ยี่สิบ"}.get(digit, DIGIT_WORDS[digit] + "สิบ")
        elif place == 0 and digit == 1 and (number > 1 or after_millions):
            words += "เอ็ด"
        else:
            words += DIGIT_WORDS[digit] + PLACE_WORDS[place]
    return words


def reference_baht_text(amount: Decimal) -> str:
    total_satang = int(amount * 100)
    baht, satang = divmod(abs(total_satang), 100)
    if not baht and not satang:
        return "ศูนย์บาทถ้วน"
    text = (reference_words(baht) + "บาท" if baht else "") + (
        reference_words(satang) + "สตางค์" if satang else "ถ้วน"
    )
    return "ลบ" + text if total_satang < 0 else text


def test_the_reference_itself_on_textbook_examples():
    assert reference_words(21) == "ยี่สิบเอ็ด"
    assert reference_words(1_000_001) == "หนึ่งล้านเอ็ด"
    assert reference_words(121_000_000) == "หนึ่งร้อยยี่สิบเอ็ดล้าน"
    assert reference_words(10) == "สิบ"
    assert reference_words(1) == "หนึ่ง"


# baht_text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # The examples of the domain brief.
        (1234, "หนึ่งพันสองร้อยสามสิบสี่บาทถ้วน"),
        (Decimal("63147.89"), "หกหมื่นสามพันหนึ่งร้อยสี่สิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        (0, "ศูนย์บาทถ้วน"),
        (Decimal("0.00"), "ศูนย์บาทถ้วน"),
        (Decimal("-0"), "ศูนย์บาทถ้วน"),
        (Decimal("0.50"), "ห้าสิบสตางค์"),
        (Decimal("0.01"), "หนึ่งสตางค์"),
        (Decimal("0.21"), "ยี่สิบเอ็ดสตางค์"),
        (1, "หนึ่งบาทถ้วน"),
        (10, "สิบบาทถ้วน"),
        (11, "สิบเอ็ดบาทถ้วน"),
        (20, "ยี่สิบบาทถ้วน"),
        (21, "ยี่สิบเอ็ดบาทถ้วน"),
        (101, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (111, "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
        (1001, "หนึ่งพันเอ็ดบาทถ้วน"),
        (1_000_000, "หนึ่งล้านบาทถ้วน"),
        (1_000_001, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1_000_021, "หนึ่งล้านยี่สิบเอ็ดบาทถ้วน"),
        (11_000_001, "สิบเอ็ดล้านเอ็ดบาทถ้วน"),
        (21_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (101_000_000, "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        (1_000_000_000_000, "หนึ่งล้านล้านบาทถ้วน"),
        (Decimal("1.01"), "หนึ่งบาทหนึ่งสตางค์"),
        (Decimal("21.50"), "ยี่สิบเอ็ดบาทห้าสิบสตางค์"),
        (Decimal("-1234.50"), "ลบหนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
        (Decimal("1234.5000"), "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),
    ],
)
def test_baht_text(amount, words):
    assert baht_text(amount) == words


def test_baht_text_refuses_fractions_of_a_satang():
    with pytest.raises(ValueError, match="มีเศษของสตางค์"):
        baht_text(Decimal("1.005"))


@settings(deadline=None)
@given(amounts)
def test_baht_text_matches_the_reference(amount):
    assert baht_text(amount) == reference_baht_text(amount)


@settings(deadline=None)
@given(tricky_integers)
def test_baht_text_matches_the_reference_on_ones_and_zeros(number):
    assert baht_text(number) == reference_baht_text(Decimal(number))


@given(tricky_integers.filter(lambda number: number > 1 and number % 10 == 1))
def test_a_final_one_after_other_digits_is_read_et(number):
    words = baht_text(number)
    assert words.endswith("เอ็ดบาทถ้วน")
    assert "หนึ่งบาท" not in words


# Display ---------------------------------------------------------------------------------------


def test_format_baht():
    assert format_baht(Decimal("1234567.89")) == "1,234,567.89"
    assert format_baht(Decimal("-1234")) == "-1,234.00"
    assert format_baht(1234) == "1,234.00"
    assert format_baht(Decimal("0.005")) == "0.01"  # half up, for display only
    assert format_baht(Decimal("-0.001")) == "0.00"
    assert format_baht(Decimal("1234567.89"), places=0) == "1,234,568"
    assert format_baht(Decimal("1234567.89"), thai_digits=True) == "๑,๒๓๔,๕๖๗.๘๙"


def test_format_million_baht():
    assert format_million_baht(Decimal("1234567.89")) == "1.23"
    assert format_million_baht(Decimal("1235000")) == "1.24"
    assert format_million_baht(Decimal("987654321"), places=1) == "987.7"
    assert format_million_baht(Decimal("2500000"), thai_digits=True) == "๒.๕๐"


def test_to_satang_rounds_half_up_exactly():
    assert to_satang(Decimal("2.675")) == Decimal("2.68")  # a float 2.675 would give 2.67
    assert to_satang(Decimal("-2.675")) == Decimal("-2.68")
    assert to_satang(5) == Decimal("5.00")
    assert Decimal("0.01") == SATANG


@pytest.mark.parametrize(
    "call",
    [
        lambda: to_satang(1.5),
        lambda: format_baht(1.5),
        lambda: format_million_baht(1.5),
        lambda: baht_text(1.5),
        lambda: baht_text(True),
        lambda: format_baht("1.5"),
    ],
)
def test_money_functions_refuse_floats_and_other_types(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity")])
def test_money_functions_refuse_non_finite_amounts(amount):
    with pytest.raises(ValueError, match="จำนวนเงินต้องเป็นตัวเลข"):
        format_baht(amount)


# Parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234", Decimal("1234")),
        ("๑,๒๓๔.๕๐", Decimal("1234.50")),
        ("1 234 567", Decimal("1234567")),
        ("1\u00a0234\u00a0567.25", Decimal("1234567.25")),
        ("1\u2009234", Decimal("1234")),
        ("1\u202f234", Decimal("1234")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("  -1,234.50 ", Decimal("-1234.50")),
        ("+12", Decimal("12")),
        ("\u22125", Decimal("-5")),
        ("1,500 บาท", Decimal("1500")),
        ("1,500บาท", Decimal("1500")),
        ("1,000.-", Decimal("1000")),
        ("0.5", Decimal("0.5")),
        ("123456", Decimal("123456")),
    ],
)
def test_parse_number_accepts(text, number):
    parsed = parse_number(text)
    assert parsed == number
    assert str(parsed) == str(number)  # keeps the decimals that were typed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "กรุณากรอกตัวเลข"),
        ("  ", "กรุณากรอกตัวเลข"),
        ("บาท", "กรุณากรอกตัวเลข"),
        ("12a", "มีอักขระที่ไม่ใช่ตัวเลข: “a”"),
        ("1e5", "มีอักขระที่ไม่ใช่ตัวเลข: “e”"),
        ("NaN", "มีอักขระที่ไม่ใช่ตัวเลข: “N”"),
        ("1.2.3", "มีจุดทศนิยมมากกว่าหนึ่งจุด"),
        ("1,23,4", "คั่นหลักพันไม่ถูกต้อง"),
        ("1234,567", "คั่นหลักพันไม่ถูกต้อง"),
        ("1,234,56", "คั่นหลักพันไม่ถูกต้อง"),
        ("1 234 5678", "คั่นหลักพันไม่ถูกต้อง"),
        ("1,234 567", "คั่นหลักพันไม่ถูกต้อง"),
        ("1.234,5", "คั่นหลักพันไม่ถูกต้อง"),
        ("-", "รูปแบบตัวเลขไม่ถูกต้อง"),
        ("5.", "รูปแบบตัวเลขไม่ถูกต้อง"),
        ("1-2", "มีอักขระที่ไม่ใช่ตัวเลข: “-”"),
    ],
)
def test_parse_number_refuses_with_a_thai_message(text, message):
    with pytest.raises(ThaiNumberError) as caught:
        parse_number(text)
    assert caught.value.message.startswith(message)
    assert isinstance(caught.value, ValueError)


@settings(deadline=None)
@given(amounts, st.booleans())
def test_format_baht_then_parse_number_round_trips(amount, thai_digits):
    assert parse_number(format_baht(amount, thai_digits=thai_digits)) == amount
