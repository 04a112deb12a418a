"""Rebuild the Sarabun TrueType files that PDFs embed (phaen/core/static/core/fonts/).

Run from the repository root after `make venv` (fontTools comes with WeasyPrint; npm is needed
to fetch the source package); the results are committed::

    .venv/bin/python scripts/build_pdf_fonts.py

Source: the npm package @expo-google-fonts/sarabun, which ships the whole Google Fonts TTFs of
Sarabun (Thai and Latin with their OpenType tables). The web UI's @fontsource woff2 files are
split into a Thai and a Latin subset per style; these TTFs are whole, so nothing needs merging.

Two steps per style:

1. Subset to Thai, Latin-1 and punctuation, keeping every layout feature (Thai mark
   positioning, the substitutions of tall consonants and of tone marks over SARA AM): half the
   size, nothing a Thai document uses is lost.
2. Give SARA AM its own copies of the SARA AA glyph, so text copied or extracted from a PDF is
   right. HarfBuzz draws ำ (U+0E33) as NIKHAHIT + SARA AA, and a tone mark before it joins the
   NIKHAHIT in a ligature. A PDF maps each glyph to one piece of text (WeasyPrint's ToUnicode
   map takes the first it meets), so the shared SARA AA glyph turned every later า into ำ ("การ"
   came out as "กำร"), or into ้ำ after "น้ำ". A contextual substitution appended to ``ccmp``
   replaces SARA AA after a NIKHAHIT (or after each tone + NIKHAHIT ligature) with an identical
   copy; each copy only ever stands for one text (ำ, ่ำ, ้ำ, ๊ำ or ๋ำ) and the NIKHAHIT parts for
   none. The drawing does not change.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables

PACKAGE = "@expo-google-fonts/sarabun@0.4.1"
DEST = Path("phaen/core/static/core/fonts")
STYLES = {  # source folder in the package -> our file name
    "400Regular": "Sarabun-Regular.ttf",
    "700Bold": "Sarabun-Bold.ttf",
    "400Regular_Italic": "Sarabun-Italic.ttf",
    "700Bold_Italic": "Sarabun-BoldItalic.ttf",
}
# Basic Latin and Latin-1 (with the few spacing marks their composites use), Thai, general
# punctuation (dashes, quotes, ellipsis, bullet, zero-width joiners), the euro and trade marks,
# arrows, minus, division slash, ≤ ≥ and the geometric shapes the font has.
UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0131,U+0152-0153,U+02C6,U+02DA,U+02DC,U+0E01-0E5B,"
    "U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+2215,U+2264-2265,U+25A0-25FF"
)
SARA_AA, SARA_AM_NIKHAHIT = 0x0E32, 0x0E4D
TONE_MARKS = (0x0E48, 0x0E49, 0x0E4A, 0x0E4B)


def fetch_package(work: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch " + PACKAGE)
    subprocess.run(  # noqa: S603 (a fixed command, no shell)
        [npm, "pack", "--silent", PACKAGE], cwd=work, check=True, stdout=subprocess.DEVNULL
    )
    (archive,) = work.glob("*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    return work / "package"


def subset_font(source: Path) -> TTFont:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    font.recalcTimestamp = False  # the same input gives the same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    return font


def _single_substitutes(gsub: otTables.GSUB, glyphs: set[str]) -> set[str]:
    """The glyphs and every glyph a single substitution turns them into (variants of a mark)."""
    found = set(glyphs)
    changed = True
    while changed:
        changed = False
        for lookup in gsub.LookupList.Lookup:
            if lookup.LookupType != 1:
                continue
            for table in lookup.SubTable:
                for before, after in table.mapping.items():
                    if before in found and after not in found:
                        found.add(after)
                        changed = True
    return found


def _coverage(font: TTFont, glyphs: set[str]) -> otTables.Coverage:
    coverage = otTables.Coverage()
    coverage.glyphs = sorted(glyphs, key=font.getGlyphID)
    return coverage


def separate_sara_am(font: TTFont) -> list[str]:
    """Give SARA AM's SARA AA one copy per context (see the module docstring)."""
    cmap = font.getBestCmap()
    gsub = font["GSUB"].table
    sara_aa = cmap[SARA_AA]
    nikhahits = _single_substitutes(gsub, {cmap[SARA_AM_NIKHAHIT]})
    tones = {tone: _single_substitutes(gsub, {cmap[tone]}) for tone in TONE_MARKS}
    ligatures: dict[int, set[str]] = {tone: set() for tone in TONE_MARKS}
    for lookup in gsub.LookupList.Lookup:
        if lookup.LookupType != 4:
            continue
        for table in lookup.SubTable:
            for first, entries in table.ligatures.items():
                for ligature in entries:
                    parts = {first, *ligature.Component}
                    for tone, forms in tones.items():
                        if parts & nikhahits and parts & forms:
                            ligatures[tone].add(ligature.LigGlyph)
    contexts = {f"{sara_aa}.am": nikhahits} | {
        f"{sara_aa}.am{tone:04X}": ligatures[tone] for tone in TONE_MARKS
    }
    if not all(contexts.values()):
        sys.exit(f"unexpected SARA AM shaping in this font: {contexts}")

    glyf, hmtx = font["glyf"], font["hmtx"]
    glyph_classes = font["GDEF"].table.GlyphClassDef if "GDEF" in font else None
    font.setGlyphOrder([*font.getGlyphOrder(), *contexts])
    for name in contexts:
        glyf.glyphs[name] = copy.deepcopy(glyf[sara_aa])
        hmtx.metrics[name] = hmtx.metrics[sara_aa]
        if glyph_classes is not None and sara_aa in glyph_classes.classDefs:
            glyph_classes.classDefs[name] = glyph_classes.classDefs[sara_aa]

    lookups = gsub.LookupList.Lookup
    chain = otTables.Lookup()
    chain.LookupType, chain.LookupFlag, chain.SubTable = 6, 0, []
    for name, backtrack in contexts.items():
        single = otTables.Lookup()
        single.LookupType, single.LookupFlag = 1, 0
        replace = otTables.SingleSubst()
        replace.Format, replace.mapping = 1, {sara_aa: name}
        single.SubTable, single.SubTableCount = [replace], 1
        lookups.append(single)
        record = otTables.SubstLookupRecord()
        record.SequenceIndex, record.LookupListIndex = 0, len(lookups) - 1
        rule = otTables.ChainContextSubst()
        rule.Format = 3
        rule.BacktrackGlyphCount, rule.BacktrackCoverage = 1, [_coverage(font, backtrack)]
        rule.InputGlyphCount, rule.InputCoverage = 1, [_coverage(font, {sara_aa})]
        rule.LookAheadGlyphCount, rule.LookAheadCoverage = 0, []
        rule.SubstCount, rule.SubstLookupRecord = 1, [record]
        chain.SubTable.append(rule)
    chain.SubTableCount = len(chain.SubTable)
    lookups.append(chain)  # last, so it runs after the tone + NIKHAHIT ligatures
    gsub.LookupList.LookupCount = len(lookups)
    for feature in gsub.FeatureList.FeatureRecord:
        if feature.FeatureTag == "ccmp":
            feature.Feature.LookupListIndex.append(len(lookups) - 1)
            feature.Feature.LookupCount = len(feature.Feature.LookupListIndex)
    return list(contexts)


def main() -> None:
    DEST.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        package = fetch_package(Path(work))
        for folder, filename in STYLES.items():
            font = subset_font(package / folder / f"Sarabun_{folder}.ttf")
            separate_sara_am(font)
            font.save(DEST / filename)
            print(f"{DEST / filename}: {(DEST / filename).stat().st_size:,} bytes")
        shutil.copyfile(package / "LICENSE_FONT", DEST / "OFL.txt")
    (DEST / "SOURCE").write_text(
        f"Sarabun from npm {PACKAGE} (the Google Fonts TTFs; SIL Open Font License 1.1, see "
        "OFL.txt), subset and with SARA AM's own SARA AA glyphs: scripts/build_pdf_fonts.py\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
