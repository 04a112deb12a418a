from hypothesis import given
from hypothesis import strategies as st

from phaen.thai.digits import to_arabic_digits, to_thai_digits


def test_to_thai_digits_replaces_only_digits():
    assert to_thai_digits("ปีงบประมาณ 2561: 1,234.50 บาท") == "ปีงบประมาณ ๒๕๖๑: ๑,๒๓๔.๕๐ บาท"


def test_to_arabic_digits_replaces_only_digits():
    assert to_arabic_digits("๑/๑๐/๒๕๖๐ (พ.ศ.)") == "1/10/2560 (พ.ศ.)"


def test_every_digit_maps_to_its_thai_digit():
    assert to_thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"


@given(st.text().filter(lambda text: not any(char in "๐๑๒๓๔๕๖๗๘๙" for char in text)))
def test_thai_then_arabic_gives_the_text_back(text):
    assert to_arabic_digits(to_thai_digits(text)) == text


@given(st.text().filter(lambda text: not any(char in "0123456789" for char in text)))
def test_arabic_then_thai_gives_the_text_back(text):
    assert to_thai_digits(to_arabic_digits(text)) == text


@given(st.text())
def test_thai_digits_leave_no_arabic_digit_and_keep_the_length(text):
    converted = to_thai_digits(text)
    assert not any(char in "0123456789" for char in converted)
    assert len(converted) == len(text)
