"""Thai renders in the vendored Sarabun font, with a real glyph for every character (no tofu)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from phaen.orgs.models import OrgUnit
from tests.browser.support import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Unassigned code points of the Thai block (U+0E5C…U+0E7F) and one of the private use area: no
# font on the system covers them (`fc-list ':charset=0e5c'` is empty), so each is drawn as the
# .notdef glyph, the "tofu" box a missing Thai glyph would also show.
MISSING = ["\u0e5c", "\u0e5d", "\u0e7f", "\uf8ff"]

GLYPH_REPORT = """
async ([text, missing]) => {
  await document.fonts.ready;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  const width = (character) => {
    context.font = "16px Sarabun";
    return context.measureText(character).width;
  };
  // The alpha channel of the character drawn at 40px, where a box is unmistakable.
  const image = (character) => {
    context.clearRect(0, 0, 64, 64);
    context.font = "40px Sarabun";
    context.fillText(character, 12, 44);
    return Array.from(context.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
  };
  const tofu = {width: width(missing[0]), image: image(missing[0])};
  const sameImage = (pixels) => pixels.every((alpha, i) => alpha === tofu.image[i]);
  const isTofu = (character) => width(character) === tofu.width || sameImage(image(character));

  // Is the reference a hollow box? Ink all down its left edge, none in its middle.
  const inked = [];
  tofu.image.forEach((alpha, i) => { if (alpha > 0) inked.push([i % 64, Math.floor(i / 64)]); });
  const xs = inked.map(([x]) => x), ys = inked.map(([, y]) => y);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys),
                                      Math.max(...ys)];
  const at = (x, y) => tofu.image[y * 64 + x];
  let edgeRows = 0;
  for (let y = top; y <= bottom; y++) { if (at(left, y) > 0 || at(left + 1, y) > 0) edgeRows++; }
  const hollowBox = inked.length > 0 && right - left >= 4 && bottom - top >= 8
    && edgeRows === bottom - top + 1
    && at(Math.round((left + right) / 2), Math.round((top + bottom) / 2)) === 0;

  const characters = [...new Set(text)].filter((c) => c >= "\\u0e00" && c <= "\\u0e7f");
  return {
    tofuWidth: tofu.width,
    tofuIsHollowBox: hollowBox,
    // Every missing code point is drawn with the very same glyph: .notdef, not a real letter.
    missingAreOneGlyph: missing.every((c) => width(c) === tofu.width && sameImage(image(c))),
    characters: characters,
    tofuCharacters: characters.filter(isTofu),
  };
}
"""

FONT_FACES = """
async () => {
  await document.fonts.ready;
  return Array.from(document.fonts).map((face) => ({
    family: face.family.replaceAll('"', ""), weight: face.weight, style: face.style,
    status: face.status, unicodeRange: face.unicodeRange,
  }));
}
"""


def thai_rendering_problems(page: Page) -> list[str]:
    """What keeps the page's <h1> from rendering in Sarabun with a glyph for each character."""
    problems = []
    if not page.evaluate(
        "document.fonts.ready.then(() => document.fonts.check('16px Sarabun', 'ภาษาไทย'))"
    ):
        problems.append("document.fonts.check('16px Sarabun', 'ภาษาไทย') is false")
    faces = page.evaluate(FONT_FACES)
    loaded = {
        face["weight"]
        for face in faces
        if face["family"] == "Sarabun"
        and face["style"] == "normal"
        and "E01-E5B" in face["unicodeRange"].upper()
        and face["status"] == "loaded"
    }
    # Body text is regular (400), headings are bold (700).
    problems += [
        f"Sarabun Thai {weight} not loaded" for weight in ("400", "700") if weight not in loaded
    ]

    heading = page.get_by_role("heading", level=1).inner_text()
    report = page.evaluate(GLYPH_REPORT, [heading, MISSING])
    assert report["tofuIsHollowBox"], f"the tofu reference is not a .notdef box: {report}"
    assert report["missingAreOneGlyph"], f"a 'missing' code point has a glyph: {report}"
    assert len(report["characters"]) >= 10, f"too little Thai in the heading: {report}"
    problems += [f"tofu for U+{ord(c):04X} {c!r}" for c in report["tofuCharacters"]]
    return problems


def test_thai_text_renders_in_sarabun_without_tofu(page: Page, demo: dict[str, OrgUnit]) -> None:
    log_in(page, "planner")
    page.goto(f"/orgs/units/{demo['PEO80'].pk}/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช")
    expect(heading).to_have_css("font-family", re.compile(r'^"?Sarabun"?,'))
    assert thai_rendering_problems(page) == []
    screenshot(page, "thai-rendering")


def test_rendering_check_catches_missing_fonts_and_tofu(
    page: Page, demo: dict[str, OrgUnit]
) -> None:
    """The check above can fail: without the webfont files, and with a glyph no font has."""
    log_in(page, "planner")

    def block_fonts(route: Route) -> None:
        route.abort()

    page.route("**/*.woff2", block_fonts)
    page.goto(f"/orgs/units/{demo['PEO80'].pk}/")
    page.get_by_role("heading", level=1).evaluate("h1 => { h1.textContent += '\\u0e5c'; }")
    problems = thai_rendering_problems(page)
    assert "document.fonts.check('16px Sarabun', 'ภาษาไทย') is false" in problems
    assert "Sarabun Thai 400 not loaded" in problems
    assert "Sarabun Thai 700 not loaded" in problems
    assert "tofu for U+0E5C '\\u0e5c'" in problems
