"""The translation catalogues under phaen/locale/.

phaen's own strings are Thai; ``en`` translates every one of them. ``th`` holds Thai only for
the English messages of Django REST framework, Django and django-axes that users can see, and
overrides those packages' own Thai (LOCALE_PATHS comes first in Django's lookup).
"""

from __future__ import annotations

import gettext
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.models import User
from phaen.orgs.models import OrgUnit
from phaen.orgs.testing import World

LOCALE = Path(settings.BASE_DIR) / "phaen" / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
TH_PO = LOCALE / "th" / "LC_MESSAGES" / "django.po"
THAI = re.compile(r"[\u0E00-\u0E7F]")
# %(name)s, %s, %d … and the literal %%; {name} and {name:X} of DRF's brace format.
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?::[^{}]*)?\}(?!\})")
# `make messages` extracts from the project without these (keep the two lists the same).
MESSAGES_IGNORE = [
    "tests/*",
    "var/*",
    "phaen/core/static/vendor/*",
    "benchmarks/*",
    "docs/*",
    "test-artifacts/*",
    "*.egg-info",
]
# English that deliberately names the Thai column headings of the import files (the files'
# format is Thai whatever the language of the page).
EN_MAY_KEEP_THAI = {
    "คอลัมน์ที่ต้องมี",  # orgs: CSV import of units
    "(ต้องมีอย่างน้อย รหัส และ ชื่อ)",  # frameworks: Excel import of items
    "ข้อแม่ %(parent)s ยกเลิกแล้ว",
    "ใส่ “ใช่” ในคอลัมน์ยกเลิกแล้ว",
}


@pytest.fixture(autouse=True)
def _thai_again_after_each_test() -> Iterator[None]:
    """A request with the English cookie leaves English active in this thread: undo that."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# A small reader of .po files (no dependency: the format is simple) ------------------------------


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[1]), text.strip()[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first."""
    entries: list[Entry] = []
    flags: set[str] = set()
    entry: Entry | None = None
    part: tuple[str, int] = ("msgid", 0)
    context: str | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = _unquote(rest)
        if keyword == "msgctxt":
            context, part = value, ("msgctxt", 0)
            continue
        if keyword == "msgid":
            # A message with a context is keyed as gettext keys it: "context\x04msgid".
            prefix = f"{context}\x04" if context is not None else ""
            entry = Entry(msgid=prefix + value, flags=flags, obsolete=obsolete)
            entries.append(entry)
            flags, part, context = set(), ("msgid", 0), None
            continue
        if part[0] == "msgctxt":
            context = (context or "") + value
            continue
        assert entry is not None, f"{path}: {raw!r} before any msgid"
        if keyword == "msgid_plural":
            entry.msgid_plural, part = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], part = value, ("msgstr", index)
        elif keyword == "":
            if part[0] == "msgid":
                entry.msgid += value
            elif part[0] == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[part[1]] += value
        else:
            raise AssertionError(f"{path}: cannot read {raw!r}")
    assert entries, f"{path} is empty"
    assert entries[0].msgid == "", f"{path} has no header"
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path)[1:] if not entry.obsolete]


def header(path: Path) -> dict[str, str]:
    lines = read_po(path)[0].msgstr[0].splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def placeholders(text: str) -> tuple[list[str], set[str], list[str]]:
    """Positional (%s, %d) in order, named (%(x)s) as a set, and brace ({x}) in order."""
    positional, named = [], set()
    for match in PERCENT.finditer(text):
        if match[2] == "%":
            continue
        if match[1]:
            named.add(f"{match[1]}:{match[2]}")
        else:
            positional.append(match[2])
    return positional, named, sorted(BRACE.findall(text))


def placeholder_problems(path: Path) -> list[str]:
    problems = []
    for entry in messages(path):
        if "fuzzy" in entry.flags:
            continue  # refused on its own by the completeness tests
        for index, text in entry.msgstr.items():
            if not text:
                continue  # untranslated: refused on its own by the completeness tests
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            expected = placeholders(source)
            if placeholders(text) != expected:
                problems.append(f"{entry.msgid!r} → msgstr[{index}] {text!r}")
    return problems


def untranslated(path: Path) -> list[str]:
    return [
        entry.msgid
        for entry in messages(path)
        if "fuzzy" in entry.flags or not entry.msgstr or not all(entry.msgstr.values())
    ]


# (a) The English catalogue is complete and keeps every placeholder ------------------------------


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    assert "fuzzy" not in read_po(EN_PO)[0].flags, "the header is marked fuzzy"
    assert untranslated(EN_PO) == []
    assert not [entry.msgid for entry in read_po(EN_PO) if entry.obsolete]


def test_the_english_catalogue_keeps_the_placeholders_of_each_msgid() -> None:
    assert placeholder_problems(EN_PO) == []


def test_the_english_catalogue_is_english() -> None:
    meta = header(EN_PO)
    assert meta["Language"] == "en"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    still_thai = [
        entry.msgid
        for entry in messages(EN_PO)
        if any(THAI.search(text) for text in entry.msgstr.values())
        and not any(entry.msgid.startswith(prefix) for prefix in EN_MAY_KEEP_THAI)
    ]
    assert still_thai == []
    assert all(len(entry.msgstr) == 2 for entry in messages(EN_PO) if entry.msgid_plural)


# (b) Every translatable string of the code is in the English catalogue ---------------------------


def test_every_string_marked_in_the_code_has_an_english_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extract the catalogue afresh, as `make messages` does, into a temporary locale directory.

    Django's own makemessages (xgettext underneath) reads exactly what Django translates:
    gettext calls, {% translate %} and {% blocktranslate %} with their plurals and variables.
    A regex scan would miss or invent strings. The committed locale directory is ignored, so
    every file's strings go to the temporary one and nothing in the tree is written.
    """
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    monkeypatch.chdir(settings.BASE_DIR)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=[*MESSAGES_IGNORE, "locale"],
            no_obsolete=True,
            verbosity=0,
        )
    extracted = {entry.msgid for entry in messages(tmp_path / "en" / "LC_MESSAGES" / "django.po")}
    committed = {entry.msgid for entry in messages(EN_PO) if entry.msgid not in untranslated(EN_PO)}
    assert len(extracted) > 300, "extraction found too little: is the tree walked from BASE_DIR?"
    missing = sorted(extracted - committed)
    assert missing == [], "run `make messages` and translate these in phaen/locale/en: " + repr(
        missing
    )


# (c) English pages show English navigation -------------------------------------------------------


class _TextCollector(HTMLParser):
    """The visible text of an HTML page, by the region it is in (nav.sidebar, header, main …)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.regions: dict[str, list[str]] = {"all": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("aria-label", "title", "placeholder", "alt"):
            if values.get(name):
                self.regions["all"].append(str(values[name]))
        if tag in {"br", "hr", "input", "meta", "link", "img", "source", "wbr"}:
            return
        classes = (values.get("class") or "").split()
        self.stack.append(f"{tag}.{classes[0]}" if classes else tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().split(".")[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(
            part.split(".")[0] in {"script", "style"} for part in self.stack
        ):
            return
        self.regions["all"].append(data.strip())
        for part in set(self.stack):
            self.regions.setdefault(part, []).append(data.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "hr", "input", "meta", "link", "img", "source", "wbr"}:
            self.handle_endtag(tag)


def page_text(html: str) -> dict[str, str]:
    collector = _TextCollector()
    collector.feed(html)
    return {region: " ".join(texts) for region, texts in collector.regions.items()}


def without_data(text: str) -> str:
    """Remove what is data, not interface: unit and user names, the site name, language names."""
    data = {settings.PHAEN_SITE_NAME, *dict(settings.LANGUAGES).values()}
    data |= {name for pair in OrgUnit.objects.values_list("name", "short_name") for name in pair}
    data |= {str(user) for user in User.objects.all()}
    for value in sorted((d for d in data if d), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def english_client(user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("home", ["Overview", "Quarterly reporting calendar", "My units and roles"]),
        ("orgs:tree", ["Organisation tree", "View as list", "Provincial education office"]),
    ],
)
def test_english_pages_have_english_navigation_and_no_thai_interface(
    world: World, url: str, expected: list[str]
) -> None:
    planner = world.user(Role.PLANNER, world.province_a)
    response = english_client(planner).get(reverse(url))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    text = page_text(response.content.decode())
    menu = text["nav.sidebar"]
    for label in ("Home", "Overview", "Unit", "Organisation tree", "Unit list", "Users and roles"):
        assert label in menu
    assert not THAI.search(menu), menu
    for label in expected:
        assert label in text["all"]
    assert "Log out" in text["header.site-header"]
    assert not THAI.search(without_data(text["all"])), without_data(text["all"])


def test_the_english_login_page_is_english(db: None) -> None:
    response = english_client().get(reverse("login"))
    assert response.status_code == 200
    text = page_text(response.content.decode())
    for label in ("Log in", "Username", "Password", "Forgotten your password?"):
        assert label in text["main"]
    assert not THAI.search(without_data(text["all"])), without_data(text["all"])


def test_the_fiscal_year_reads_as_english(world: World) -> None:
    planner = world.user(Role.PLANNER, world.province_a)
    text = page_text(english_client(planner).get(reverse("home")).content.decode())
    assert re.search(r"Fiscal year B\.E\. \d{4} \(1 Oct \d{4} – 30 Sep \d{4}\)", text["main"])
    assert re.search(r"Q1 FY\d{4}", text["main"])


# (d) The API's third-party messages read as proper Thai ---------------------------------------


def api(user: User, **headers: str) -> APIClient:
    client = APIClient(headers=headers)
    client.force_authenticate(user)
    return client


def test_an_api_405_reads_thai_from_our_catalogue(world: World) -> None:
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).delete("/api/v1/org-units/")
    assert response.status_code == 405
    assert response["Content-Language"] == "th"
    assert response.json()["error"]["message"] == "ไม่รองรับคำขอแบบ “DELETE”"


def test_bad_related_values_read_thai_from_our_catalogue(world: World) -> None:
    planner = world.user(Role.PLANNER, world.province_a)
    unit = {"name": "โรงเรียนใหม่", "kind": "castle", "affiliation": "obec", "parent": 55555}
    response = api(planner).post("/api/v1/org-units/", unit, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["parent"] == ["ไม่พบรายการที่มีรหัส “55555”"]
    assert fields["kind"] == ["“castle” ไม่ใช่ตัวเลือกที่ใช้ได้"]

    membership = {"user": "nosuch", "unit": world.school_a2.pk, "role": Role.VIEWER}
    response = api(planner).post("/api/v1/memberships/", membership, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["user"] == ["ไม่พบรายการที่มี username เป็น “nosuch”"]


def test_english_api_clients_still_get_the_packages_english(world: World) -> None:
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner, **{"Accept-Language": "en"}).delete("/api/v1/org-units/")
    assert response.json()["error"]["message"] == 'Method "DELETE" not allowed.'


# The Thai catalogue holds third-party English only ---------------------------------------------


def test_the_thai_catalogue_holds_only_third_party_english_msgids() -> None:
    meta = header(TH_PO)
    assert (meta["Language"], meta["Plural-Forms"]) == ("th", "nplurals=1; plural=0;")
    entries = messages(TH_PO)
    assert len(entries) > 150
    own = {entry.msgid for entry in messages(EN_PO)}
    assert [
        entry.msgid for entry in entries if THAI.search(entry.msgid) or entry.msgid in own
    ] == []
    assert untranslated(TH_PO) == []
    assert not [entry.msgid for entry in read_po(TH_PO) if entry.obsolete]
    assert all(THAI.search(text) for entry in entries for text in entry.msgstr.values())


def test_the_thai_catalogue_keeps_the_placeholders_of_each_msgid() -> None:
    # Thai has one plural form: msgstr[0] serves every count and keeps the msgid's placeholders.
    assert placeholder_problems(TH_PO) == []


# (e) The compiled .mo files are up to date with their .po files ---------------------------------


@pytest.mark.parametrize("po_path", [EN_PO, TH_PO], ids=["en", "th"])
def test_the_mo_file_matches_its_po_file(po_path: Path) -> None:
    """Compare messages, not bytes: msgfmt versions may lay the same catalogue out differently."""
    expected: dict[str | tuple[str, int], str] = {"": _header_for_mo(po_path)}
    for entry in messages(po_path):
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # msgfmt leaves these out, and the tests above refuse them
        if entry.msgid_plural is None:
            expected[entry.msgid] = entry.msgstr[0]
        else:
            expected.update({(entry.msgid, i): text for i, text in entry.msgstr.items()})
    with po_path.with_suffix(".mo").open("rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    compiled[""] = _header_for_mo(compiled.get("", ""))
    stale = {
        key for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key)
    }
    assert stale == set(), f"run `make messages` to recompile {po_path.with_suffix('.mo')}"


def _header_for_mo(source: Path | str) -> str:
    """The header without POT-Creation-Date, which recent msgfmt versions leave out."""
    text = read_po(source)[0].msgstr[0] if isinstance(source, Path) else source
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("POT-Creation-Date:")
    )
