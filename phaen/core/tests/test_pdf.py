"""PDF documents (phaen.core.pdf): Sarabun only, Thai text intact, lines broken between words.

The PDFs are read back with poppler-utils (see ``pdf_tools``): the text as a reader would copy
it, the fonts embedded, and page 1 as an image.
"""

from __future__ import annotations

import logging
import math
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import translation
from PIL import Image
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

from phaen.core.pdf import (
    FONTS_DIR,
    RefusedURLError,
    content_disposition,
    document_filename,
    pdf_response,
    render_pdf,
    resolve_url,
    static_file,
)
from phaen.core.tests.pdf_tools import (
    page_png,
    page_words,
    pdf_fonts,
    pdf_text,
    pdf_urls,
    require_poppler,
    write_pdf,
)

# Thai that exercises the shaping: tone marks over upper vowels, lower vowels under tall
# consonants (ญ and ฐ lose their tails), SARA AM alone and under each tone mark, MAI YAMOK,
# Thai digits, and Latin with numbers.
THAI_LINES = [
    "การบริหารแผนสู่การปฏิบัติและการติดตามประเมินผล",
    "ผู้อำนวยการสำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช",
    "น้ำ ค่ำ ช้ำ ก๊ำ ก๋ำ ทำ จำนวน กตัญญู ฐูปะ ปู่ ปิ่น ฟ้า ฝั่ง ญี่ปุ่น",
    "เด็กๆ ได้รับการศึกษาอย่างทั่วถึงและเท่าเทียม ไตรมาสที่ ๑ ปีงบประมาณ พ.ศ. ๒๕๖๑",
    "งบประมาณ 1,234,567.89 บาท (หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์)",
    "Budget 2018: 63,147.89 THB – SDG 4.1",
]
# One paragraph of the seed chapter, with its spaces removed: the line breaks must come from the
# word breaker, not from spaces.
UNSPACED = (
    "การบริหารแผนสู่การปฏิบัติและการติดตามประเมินผลเป็นกระบวนการสำคัญที่จะทำให้แผนปฏิบัติการ"
    "ประจำปีบรรลุผลสัมฤทธิ์ตามเป้าหมายที่กำหนดไว้สำนักงานศึกษาธิการจังหวัดได้สร้างเครือข่าย"
    "ความร่วมมือกับหน่วยงานทางการศึกษาในจังหวัดผู้บริหารใช้แผนเป็นกรอบในการดำเนินงานบุคลากร"
    "ได้รับการชี้แจงทำความเข้าใจและมีการมอบหมายผู้รับผิดชอบอย่างชัดเจนมีการติดตามความก้าวหน้า"
    "ของการดำเนินงานตามประเด็นยุทธศาสตร์และรายงานผลการดำเนินงานและการเบิกจ่ายงบประมาณทุกไตรมาส"
)

DOCUMENT = """{% extends "core/pdf/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block heading %}{{ title }}{% endblock %}
{% block subheading %}<p>สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช</p>{% endblock %}
{% block content %}
{% for line in lines %}<p>{{ line }}</p>{% endfor %}
<p><b>{{ lines.0 }}</b></p><p><i>{{ lines.1 }}</i></p><p><b><i>{{ lines.2 }}</i></b></p>
{% if column %}<p style="width: 3.2cm">{{ column }}</p>{% endif %}
{% if extra %}{{ extra|safe }}{% endif %}
{% endblock %}
"""


@pytest.fixture
def templates(tmp_path: Path, settings) -> Path:
    """A template directory of the test's own documents, searched before the apps'."""
    directory = tmp_path / "templates"
    (directory / "test_pdf").mkdir(parents=True)
    (directory / "test_pdf" / "document.html").write_text(DOCUMENT, encoding="utf-8")
    engine = {**settings.TEMPLATES[0], "DIRS": [directory, *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return directory


def render(template: str = "test_pdf/document.html", **context: object) -> bytes:
    return render_pdf(
        template, {"title": "รายงานทดสอบการแสดงผลภาษาไทย", "lines": THAI_LINES, **context}
    )


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Text, fonts, ink ---------------------------------------------------------------------------


def test_the_thai_text_comes_back_intact_and_in_order(templates, tmp_path):
    require_poppler()
    path = write_pdf(render(), tmp_path)
    text = pdf_text(path)
    assert "\ufffd" not in text
    assert "\u25cc" not in text
    extracted = squeeze(text)
    for line in [*THAI_LINES, "รายงานทดสอบการแสดงผลภาษาไทย"]:
        # Every character, each vowel and tone mark in its place (SARA AM in "น้ำ" included).
        assert squeeze(line) in extracted, line
    # Bold, italic and bold italic come back the same.
    assert extracted.count(squeeze(THAI_LINES[2])) == 2
    assert "หน้า๑/๑" in extracted  # the footer: Thai digits


def test_only_the_repositorys_sarabun_is_embedded(templates, tmp_path):
    require_poppler()
    fonts = pdf_fonts(write_pdf(render(), tmp_path))
    assert {font.name for font in fonts} == {
        "Phaen-Sarabun",
        "Phaen-Sarabun-Bold",
        "Phaen-Sarabun-Italic",
        "Phaen-Sarabun-Bold-Italic",
    }
    assert all(font.embedded for font in fonts)


def test_a_character_sarabun_lacks_would_show_as_a_fallback_font(templates, tmp_path):
    """The check above can fail: a character outside Sarabun brings in a system font."""
    require_poppler()
    pdf = render(extra="<p>\u0416</p>")  # Cyrillic ZHE: DejaVu has it, Sarabun not
    names = {font.name for font in pdf_fonts(write_pdf(pdf, tmp_path))}
    assert names - {
        "Phaen-Sarabun",
        "Phaen-Sarabun-Bold",
        "Phaen-Sarabun-Italic",
        "Phaen-Sarabun-Bold-Italic",
    }


def test_no_glyph_is_missing(templates, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render()
        assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
        render(extra="<p>\u0e5c</p>")  # an unassigned Thai code point: no font has it
    assert [r for r in caplog.records if ".notdef" in r.getMessage()]


def test_page_one_has_ink_where_its_words_are_and_none_in_the_margins(templates, tmp_path):
    require_poppler()
    path = write_pdf(render(), tmp_path)
    image = Image.open(page_png(path, 1, tmp_path, dpi=72)).convert("L")  # 1 px = 1 pt
    width, height = image.size
    assert abs(width - 595) <= 1
    assert height == 842

    def darkest(box: tuple[float, float, float, float]) -> int:
        left, top, right, bottom = box
        crop = image.crop((math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)))
        return crop.getextrema()[0]

    words = [w for w in page_words(path, 1) if w.x_max - w.x_min >= 1]  # not zero-width marks
    title = next(w for w in words if w.text == "รายงานทดสอบการแสดงผลภาษาไทย")
    assert darkest((title.x_min, title.y_min, title.x_max, title.y_max)) < 80
    # Every word has ink, and it lies inside the text area of the margins 2.5 / 2 / 2 / 2.5 cm.
    cm = 72 / 2.54
    for word in words:
        assert darkest((word.x_min, word.y_min, word.x_max, word.y_max)) < 128, word
    body = [w for w in words if w.y_max < height - 2 * cm]  # not the footer
    assert min(w.x_min for w in body) >= 2.5 * cm - 1
    assert max(w.x_max for w in body) <= width - 2 * cm + 1
    assert min(w.y_min for w in body) >= 2.5 * cm - 1
    # The left margin and the space right of the text are blank paper.
    assert darkest((0, 0, 2.5 * cm - 2, height)) > 250
    assert darkest((width - 2 * cm + 2, 0, width, height - 2 * cm)) > 250


def test_pango_breaks_thai_with_libthai(templates):
    """WeasyPrint's Pango has libthai's dictionary break in this process (Debian: libthai0)."""
    render()
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("no /proc/self/maps on this system")
    assert "libthai" in maps.read_text()


# Line breaking ----------------------------------------------------------------------------

LEADING_VOWELS = "เแโใไ"
# Characters that never start a line: following vowels, upper and lower vowels, tone marks,
# MAI YAMOK and PAIYANNOI.
NEVER_FIRST = "ะาำๅๆฯ" + "".join(
    chr(c) for c in range(0x0E31, 0x0E3B) if c != 0x0E32 and c != 0x0E33
)
NEVER_FIRST += "".join(chr(c) for c in range(0x0E47, 0x0E4F))


def _dictionary_words(text: str) -> bool:
    """Whether ``text`` is one or more whole words of pythainlp's dictionary (2 letters or more)."""
    words = thai_words()
    ends = {0}
    for end in range(2, len(text) + 1):
        if any(start in ends and text[start:end] in words for start in range(end - 1)):
            ends.add(end)
    return len(text) in ends


def _is_compound_break(token: str, offset: int) -> bool:
    """Whether breaking ``token`` at ``offset`` leaves whole dictionary words on both sides.

    libthai's dictionary knows compounds by their parts ("ประเมิน" + "ผล", "ผลการ" +
    "ดำเนินงาน") where pythainlp's newmm keeps the compound as one token ("ประเมินผล",
    "ผลการดำเนินงาน"); a break between the words of a compound is a correct Thai line break. A
    break inside a word leaves a fragment that is no word ("ดำเนิ" + "นงาน") and fails.
    """
    return _dictionary_words(token[:offset]) and _dictionary_words(token[offset:])


def test_a_long_unspaced_thai_paragraph_breaks_only_between_words(templates, tmp_path):
    require_poppler()
    # (A style attribute is fine here: a PDF template is never served to a browser.)
    pdf = render(lines=[], column=UNSPACED, title="ทดสอบ")
    text = pdf_text(write_pdf(pdf, tmp_path))
    start = text.index(UNSPACED[:12])
    lines = text[start:].split("\n")
    column_lines: list[str] = []
    for line in lines:
        column_lines.append(line.strip())
        if "".join(column_lines) == UNSPACED or len("".join(column_lines)) >= len(UNSPACED):
            break
    assert "".join(column_lines) == UNSPACED  # nothing lost, added or reordered
    assert len(column_lines) >= 15  # a narrow column: many breaks to check

    tokens = word_tokenize(UNSPACED, engine="newmm", keep_whitespace=False)
    assert "".join(tokens) == UNSPACED
    boundaries, position, token_at = {0}, 0, {}
    for token in tokens:
        for offset in range(1, len(token)):
            token_at[position + offset] = (token, offset)
        position += len(token)
        boundaries.add(position)

    breaks, position = [], 0
    for line in column_lines[:-1]:
        position += len(line)
        breaks.append(position)
    wrong = []
    for offset in breaks:
        before, after = UNSPACED[offset - 1], UNSPACED[offset]
        assert after not in NEVER_FIRST, (offset, UNSPACED[offset - 5 : offset + 5])
        assert before not in LEADING_VOWELS, (offset, UNSPACED[offset - 5 : offset + 5])
        if offset in boundaries:
            continue
        token, inside = token_at[offset]
        if not _is_compound_break(token, inside):
            wrong.append(f"{token[:inside]}|{token[inside:]}")
    assert wrong == []


# Fetching, file names --------------------------------------------------------------------


def test_documents_load_only_the_repositorys_fonts_and_static_files():
    font = FONTS_DIR / "Sarabun-Regular.ttf"
    assert resolve_url(font.as_uri()) == font
    css = static_file("core/css/pdf.css")
    assert resolve_url(css.as_uri()) == css
    assert (
        resolve_url(
            "https://phaen.example/static/core/css/pdf.css", origin=("https", "phaen.example")
        )
        == css
    )
    for url in (
        "https://fonts.example.com/sarabun.ttf",  # the network
        "https://elsewhere.example/static/core/css/pdf.css",  # another origin
        "file:///etc/passwd",  # a file outside the repository's fonts and static files
        (FONTS_DIR / ".." / ".." / ".." / "pdf.py").as_uri(),  # … also through ".."
        "ftp://phaen.example/x.css",
    ):
        with pytest.raises(RefusedURLError):
            resolve_url(url, origin=("https", "phaen.example"))


def test_a_document_asking_for_the_network_renders_without_it(templates, caplog):
    extra = '<img src="http://192.0.2.1/logo.png"><link rel="stylesheet" href="https://x.example/a.css">'
    with caplog.at_level(logging.WARNING):
        pdf = render(extra=extra)
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("192.0.2.1" in message for message in refused)


def test_a_request_makes_links_absolute(templates, tmp_path):
    require_poppler()
    request: HttpRequest = RequestFactory().get("/plans/", HTTP_HOST="testserver")
    extra = '<a href="/plans/versions/1/">แผน</a>'
    pdf = render_pdf(
        "test_pdf/document.html", {"title": "ลิงก์", "lines": [], "extra": extra}, request=request
    )
    assert "http://testserver/plans/versions/1/" in pdf_urls(write_pdf(pdf, tmp_path))


def test_english_documents_number_pages_in_arabic_digits(templates, tmp_path):
    require_poppler()
    with translation.override("en"):
        pdf = render()
    assert "Page 1 / 1" in pdf_text(write_pdf(pdf, tmp_path))


def test_the_download_carries_the_thai_file_name_and_an_ascii_fallback():
    name = document_filename('แผนปฏิบัติการ 2561: ฉบับที่ 2 "ปรับปรุง"/ล่าสุด')
    assert name == "แผนปฏิบัติการ 2561- ฉบับที่ 2 -ปรับปรุง--ล่าสุด.pdf"
    response = pdf_response(b"%PDF-1.7 test", name, fallback="action-plan-2561-2.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "13"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="action-plan-2561-2.pdf"; filename*=')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", encoded)  # RFC 5987 attr-chars only
    assert unquote(encoded) == name
    assert content_disposition("plan.pdf") == 'attachment; filename="plan.pdf"'
    assert content_disposition("แผน.pdf").startswith('attachment; filename="document.pdf"; ')


def test_collectstatic_can_resolve_every_url_of_the_print_stylesheet():
    """The production storage (a manifest) rewrites each url() of a CSS file to a hashed name and
    fails collectstatic when the file it names is not a static file."""
    css = static_file("core/css/pdf.css")
    urls = re.findall(r'url\("([^"]+)"\)', css.read_text(encoding="utf-8"))
    assert len(urls) == 4
    for url in urls:
        target = posixpath.normpath(posixpath.join("core/css", url))
        assert static_file(target).parent == FONTS_DIR, url
