"""CSV import of org units: check every row first, report row-level errors, then apply all or none.

Columns (Thai or English headers): รหัสหน่วยงาน/code, ชื่อหน่วยงาน/name, ชื่อย่อ/short_name,
ประเภท/kind, สังกัด/affiliation, รหัสหน่วยงานต้นสังกัด/parent_code, จังหวัด/province,
ที่อยู่/address, โทรศัพท์/phone, อีเมล/email. A row whose code exists updates that unit (and moves
it when its parent code changed); other rows add units. Parents may be existing units in the
importer's scope or rows of the same file. Files saved by Thai Excel as TIS-620 (cp874) are read
too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from phaen.core.access import Action, can
from phaen.core.exceptions import DomainError
from phaen.core.imports import ImportPlan, RowError, csv_lines, decode, read_rows
from phaen.orgs.models import OrgUnit
from phaen.orgs.services import orgunit_create, orgunit_update

if TYPE_CHECKING:
    from phaen.core.models import User

MAX_ROWS = 20000

HEADERS: dict[str, str] = {
    "code": "code",
    "รหัสหน่วยงาน": "code",
    "name": "name",
    "ชื่อหน่วยงาน": "name",
    "short_name": "short_name",
    "ชื่อย่อ": "short_name",
    "kind": "kind",
    "ประเภท": "kind",
    "affiliation": "affiliation",
    "สังกัด": "affiliation",
    "parent_code": "parent_code",
    "รหัสหน่วยงานต้นสังกัด": "parent_code",
    "province": "province",
    "จังหวัด": "province",
    "address": "address",
    "ที่อยู่": "address",
    "phone": "phone",
    "โทรศัพท์": "phone",
    "email": "email",
    "อีเมล": "email",
}
TEMPLATE_HEADERS = [
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "ชื่อย่อ",
    "ประเภท",
    "สังกัด",
    "รหัสหน่วยงานต้นสังกัด",
    "จังหวัด",
    "ที่อยู่",
    "โทรศัพท์",
    "อีเมล",
]
FIELDS = ["name", "short_name", "kind", "affiliation", "province", "address", "phone", "email"]

# Abbreviations offices type for affiliations, besides the codes and full labels.
AFFILIATION_ALIASES = {
    "สป.": "ops",
    "สป": "ops",
    "สพฐ.": "obec",
    "สพฐ": "obec",
    "สช.": "opec",
    "สช": "opec",
    "สอศ.": "ovec",
    "สอศ": "ovec",
    "กศน.": "dole",
    "กศน": "dole",
    "สกร.": "dole",
    "สกร": "dole",
    "อว.": "mhesi",
    "อว": "mhesi",
    "อปท.": "dla",
    "อปท": "dla",
    "ตชด.": "bpp",
    "ตชด": "bpp",
    "พศ.": "nob",
    "พศ": "nob",
}


@dataclass
class ImportRow:
    line: int
    code: str
    parent_code: str
    values: dict[str, str]
    existing: OrgUnit | None = None


def _choice(value: str, choices: type[OrgUnit.Kind] | type[OrgUnit.Affiliation]) -> str | None:
    """The stored value for a code ("obec", "OBEC"), a full label or a common abbreviation."""
    value = value.strip()
    for choice_value, label in choices.choices:
        if value.lower() == choice_value or value == str(label):
            return str(choice_value)
    if choices is OrgUnit.Affiliation:
        return AFFILIATION_ALIASES.get(value)
    return None


def plan_import(text: str, *, actor: User | None) -> ImportPlan[ImportRow]:
    """Read and check every row; nothing is written."""
    plan: ImportPlan[ImportRow] = ImportPlan()
    read, plan.errors = read_rows(
        csv_lines(text),
        headers=HEADERS,
        required=("code", "name", "kind", "affiliation", "parent_code"),
        max_rows=MAX_ROWS,
    )
    raw_rows = [
        ImportRow(
            line=row.line,
            code=row.values.pop("code", ""),
            parent_code=row.values.pop("parent_code", ""),
            values=row.values,
        )
        for row in read
    ]

    codes_in_file: dict[str, int] = {}
    for row in raw_rows:
        if not row.code:
            plan.errors.append(RowError(row.line, "code", _("ต้องระบุรหัสหน่วยงาน")))
        elif row.code in codes_in_file:
            plan.errors.append(
                RowError(
                    row.line,
                    "code",
                    _("รหัส %(code)s ซ้ำกับแถวที่ %(line)s")
                    % {"code": row.code, "line": codes_in_file[row.code]},
                )
            )
        else:
            codes_in_file[row.code] = row.line

    referenced = {row.code for row in raw_rows} | {row.parent_code for row in raw_rows}
    existing = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=referenced - {""})}
    for row in raw_rows:
        row.existing = existing.get(row.code)
        _check_row(row, plan, actor=actor, existing=existing, codes_in_file=codes_in_file)
        plan.rows.append(row)
    _check_cycles(plan, existing)
    return plan


def plan_upload(name: str, data: bytes, *, actor: User | None) -> ImportPlan[ImportRow]:
    """Check an uploaded CSV file (UTF-8 or TIS-620)."""
    return plan_import(decode(data), actor=actor)


def _check_row(
    row: ImportRow,
    plan: ImportPlan[ImportRow],
    *,
    actor: User | None,
    existing: dict[str, OrgUnit],
    codes_in_file: dict[str, int],
) -> None:
    def error(column: str, message: str) -> None:
        plan.errors.append(RowError(row.line, column, message))

    if not row.values.get("name"):
        error("name", _("ต้องระบุชื่อหน่วยงาน"))
    kind = _choice(row.values.get("kind", ""), OrgUnit.Kind)
    if kind is None:
        error("kind", _("ไม่รู้จักประเภท “%s”") % row.values.get("kind", ""))
    else:
        row.values["kind"] = kind
    affiliation = _choice(row.values.get("affiliation", ""), OrgUnit.Affiliation)
    if affiliation is None:
        error("affiliation", _("ไม่รู้จักสังกัด “%s”") % row.values.get("affiliation", ""))
    else:
        row.values["affiliation"] = affiliation
    if row.values.get("email"):
        try:
            validate_email(row.values["email"])
        except ValidationError:
            error("email", _("อีเมลไม่ถูกต้อง"))
    for name, limit in (("name", 255), ("short_name", 100), ("code", 20), ("phone", 50)):
        value = row.code if name == "code" else row.values.get(name, "")
        if len(value) > limit:
            error(name, _("ยาวเกิน %d ตัวอักษร") % limit)

    if (
        row.existing is not None
        and actor is not None
        and not can(actor, Action.CHANGE, row.existing)
    ):
        error("code", _("ไม่มีสิทธิ์แก้ไขหน่วยงานรหัส %s") % row.code)
    if not row.parent_code:
        if actor is not None and not actor.is_superuser:
            error("parent_code", _("ต้องระบุรหัสหน่วยงานต้นสังกัด"))
        return
    if row.parent_code == row.code:
        error("parent_code", _("หน่วยงานเป็นต้นสังกัดของตัวเองไม่ได้"))
        return
    parent = existing.get(row.parent_code)
    if parent is None and row.parent_code not in codes_in_file:
        error("parent_code", _("ไม่พบหน่วยงานต้นสังกัดรหัส %s") % row.parent_code)
    elif parent is not None and actor is not None and not can(actor, Action.ADD, parent):
        error("parent_code", _("ไม่มีสิทธิ์เพิ่มหน่วยงานใต้ “%s”") % parent)
    elif parent is not None and not parent.is_active:
        error("parent_code", _("หน่วยงานต้นสังกัด “%s” ปิดการใช้งานแล้ว") % parent)


def _check_cycles(plan: ImportPlan[ImportRow], existing: dict[str, OrgUnit]) -> None:
    """Refuse parent codes that would make a loop (A under B under A)."""
    parent_of = {row.code: row.parent_code for row in plan.rows}
    for row in plan.rows:
        if row.parent_code == row.code:
            continue  # already reported as "its own parent"
        seen = {row.code}
        code = row.parent_code
        while code:
            if code in seen:
                plan.errors.append(RowError(row.line, "parent_code", _("รหัสต้นสังกัดวนกลับมาที่ตัวเอง")))
                break
            seen.add(code)
            if code in parent_of:
                code = parent_of[code]
            else:
                unit = existing.get(code)
                if (
                    unit is not None
                    and row.existing is not None
                    and unit.path.startswith(row.existing.path)
                ):
                    plan.errors.append(
                        RowError(
                            row.line, "parent_code", _("ย้ายหน่วยงานไปอยู่ใต้หน่วยงานย่อยของตัวเองไม่ได้")
                        )
                    )
                break


@transaction.atomic
def apply_import(
    plan: ImportPlan[ImportRow], *, actor: User | None, reason: str
) -> tuple[int, int]:
    """Write a checked plan: parents before children. Returns (added, updated)."""
    if plan.errors:
        raise DomainError(_("ยังมีข้อผิดพลาดในไฟล์ จึงไม่นำเข้าข้อมูลใด ๆ"))
    by_code = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(
            code__in=[r.code for r in plan.rows] + [r.parent_code for r in plan.rows]
        )
    }
    pending = list(plan.rows)
    added = updated = 0
    while pending:
        ready = [
            row
            for row in pending
            if not row.parent_code or (row.parent_code in by_code and not _waits(row, pending))
        ]
        if not ready:
            raise DomainError(_("ลำดับหน่วยงานต้นสังกัดในไฟล์ไม่สมบูรณ์"))
        for row in ready:
            parent = by_code.get(row.parent_code) if row.parent_code else None
            values = {name: row.values.get(name, "") for name in FIELDS if name in row.values}
            if row.existing is None:
                unit = orgunit_create(
                    actor=actor,
                    instance=OrgUnit(code=row.code, parent=parent, **values),
                    reason=reason,
                )
                added += 1
            else:
                unit = OrgUnit.objects.get(pk=row.existing.pk)
                for name, value in values.items():
                    setattr(unit, name, value)
                unit.parent = parent
                unit = orgunit_update(
                    actor=actor, instance=unit, expected_version=unit.version, reason=reason
                )
                updated += 1
            by_code[row.code] = unit
            pending.remove(row)
    return added, updated


def _waits(row: ImportRow, pending: list[ImportRow]) -> bool:
    """A row waits while its parent is itself a row still to be written."""
    return any(other.code == row.parent_code for other in pending if other is not row)
