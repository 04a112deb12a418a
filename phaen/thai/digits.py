"""Thai digits (๐–๙) and Arabic digits (0–9).

Official narrative text prefers Thai digits, tables use Arabic ones: inputs accept both and
outputs can offer either.
"""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"

_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)


def to_thai_digits(text: str) -> str:
    """Replace 0–9 by ๐–๙ and leave every other character untouched."""
    return text.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """Replace ๐–๙ by 0–9 and leave every other character untouched."""
    return text.translate(_TO_ARABIC)
