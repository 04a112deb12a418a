"""Reading PDFs in tests with poppler-utils (pdftotext, pdftoppm, pdffonts, pdfinfo).

Without poppler-utils the tests that need it are skipped with the command that enables them;
CI sets ``PHAEN_REQUIRE_BROWSER=1`` (as for the browser tests), and then a missing tool fails the
run instead of hiding the tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

POPPLER_TOOLS = ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo")
MISSING_POPPLER = (
    "poppler-utils (pdftotext, pdftoppm, pdffonts, pdfinfo) not found: the PDF checks need it. "
    "Enable them with: sudo apt install poppler-utils"
)


def require_poppler() -> None:
    """Skip the calling test without poppler-utils, or fail when CI requires the tools."""
    if all(shutil.which(tool) for tool in POPPLER_TOOLS):
        return
    if os.environ.get("PHAEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PHAEN_REQUIRE_BROWSER=1 but {MISSING_POPPLER}", pytrace=False)
    pytest.skip(MISSING_POPPLER)


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, check=True, text=True)  # noqa: S603
    return result.stdout


def write_pdf(pdf: bytes, directory: Path, name: str = "document.pdf") -> Path:
    path = directory / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    """The text in content-stream order (``-raw``): Thai marks stay with their letters."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return _run("pdftotext", "-raw", "-enc", "UTF-8", *pages, str(path), "-")


def pdf_urls(path: Path) -> list[str]:
    """The link targets of the PDF (``pdfinfo -url``)."""
    lines = _run("pdfinfo", "-url", str(path)).splitlines()[1:]  # after the header line
    return [line.split()[-1] for line in lines if line.strip()]


@dataclass(frozen=True)
class PdfFont:
    name: str  # without the subset prefix ("ABCDEF+")
    embedded: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    """The fonts of the PDF as ``pdffonts`` lists them."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]  # after the two header lines
    fonts = []
    for line in lines:
        match = re.match(r"(\S+)\s+.*?\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert match, f"unexpected pdffonts line: {line!r}"
        fonts.append(PdfFont(name=match[1].split("+", 1)[-1], embedded=match[2] == "yes"))
    return fonts


def page_png(path: Path, page: int, directory: Path, *, dpi: int = 72) -> Path:
    """Page ``page`` rendered to a grey-scale PNG."""
    stem = directory / f"page-{page}"
    _run(
        "pdftoppm",
        "-gray",
        "-png",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(path),
        str(stem),
    )
    return stem.with_suffix(".png")


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def page_words(path: Path, page: int) -> list[Word]:
    """The words of a page with their boxes in points (``pdftotext -bbox``)."""
    html = _run(
        "pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"
    )
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        Word(text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in re.findall(pattern, html)
    ]
