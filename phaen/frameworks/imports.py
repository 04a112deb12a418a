"""A framework's nodes as a spreadsheet: export any framework, import into one the user may change.

Columns (Thai or English headers, any order): รหัส/code, รหัสข้อแม่/parent_code, ชั้นของข้อ/level_name,
ชื่อ/title, รายละเอียด/description, ยกเลิกแล้ว/is_retired, เหตุผลที่ยกเลิก/retired_reason. A row whose
code exists in the framework updates that node (and moves it when its parent code changed);
other rows add nodes. A parent code may name an earlier or a later row, or a node already in the
framework. Nodes the file does not mention stay as they are. A file that lists every node under
a parent orders them as its rows do; new nodes otherwise follow the ones already there. Every
row is checked first; one error and nothing is written.

The export writes the same columns (nodes in reading order) and the framework's details on a
second sheet, so "export → edit in Excel → import" changes exactly what was edited.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from phaen.core.access import Action, can
from phaen.core.exceptions import DomainError
from phaen.core.imports import ImportPlan, RowError, read_rows, upload_lines
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.selectors import framework_tree
from phaen.frameworks.services import node_create, node_restore, node_retire, node_update
from phaen.thai.dates import format_datetime

if TYPE_CHECKING:
    from phaen.core.models import User

MAX_ROWS = 5000

#: Column keys and their Thai headers, in the order the export writes them.
COLUMNS: list[tuple[str, str]] = [
    ("code", "รหัส"),
    ("parent_code", "รหัสข้อแม่"),
    ("level_name", "ชั้นของข้อ"),
    ("title", "ชื่อ"),
    ("description", "รายละเอียด"),
    ("is_retired", "ยกเลิกแล้ว"),
    ("retired_reason", "เหตุผลที่ยกเลิก"),
]
LABELS = dict(COLUMNS)
HEADERS: dict[str, str] = {
    **{key: key for key, _label in COLUMNS},
    **{label: key for key, label in COLUMNS},
    "ลำดับ/รหัส": "code",
    "ข้อแม่": "parent_code",
    "ชื่อข้อ": "title",
    "parent": "parent_code",
    "retired": "is_retired",
}
REQUIRED = ("code", "title")
LIMITS = {"code": 30, "parent_code": 30, "title": 500, "level_name": 100, "retired_reason": 500}
TEXT_FIELDS = ("title", "level_name", "description")
YES = frozenset({"ใช่", "ยกเลิก", "ยกเลิกแล้ว", "yes", "y", "true", "1", "x", "✓"})
NO = frozenset({"", "ไม่", "ไม่ใช่", "ใช้อยู่", "no", "n", "false", "0", "-", "–"})


@dataclass
class NodeRow:
    """One checked row; ``retired`` is None when the file has no ยกเลิกแล้ว column."""

    line: int
    code: str
    parent_code: str
    values: dict[str, str]
    retired: bool | None = None
    retired_reason: str = ""
    existing: FrameworkNode | None = None
    order: int | None = None  # the display order to set (None: keep)
    changed: bool = True


@dataclass
class NodeImportPlan(ImportPlan[NodeRow]):
    framework: Framework | None = None
    #: Nodes the file does not mention whose display order moves (their siblings were reordered).
    reorders: dict[int, int] = field(default_factory=dict)
    #: Final parent code of every node (file rows and existing nodes); "" for the top level.
    parents: dict[str, str] = field(default_factory=dict)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None and row.changed)

    @property
    def unchanged_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None and not row.changed)


def _yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


def plan_node_import(
    framework: Framework, name: str, data: bytes, *, actor: User | None
) -> NodeImportPlan:
    """Read and check every row of an uploaded .xlsx or .csv file; nothing is written."""
    plan = NodeImportPlan(framework=framework)
    if actor is not None and not can(actor, Action.CHANGE, framework):
        plan.errors.append(RowError(1, "", _("คุณไม่มีสิทธิ์แก้ไขกรอบ “%s”") % framework))
        return plan
    read, plan.errors = read_rows(
        upload_lines(name, data),
        headers=HEADERS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        labels=LABELS,
    )
    existing = {node.code: node for node in FrameworkNode.objects.filter(framework=framework)}
    code_of = {node.pk: code for code, node in existing.items()}
    has_retired_column = False
    for item in read:
        values = item.values
        has_retired_column = "is_retired" in values
        plan.rows.append(
            NodeRow(
                line=item.line,
                code=values.get("code", ""),
                parent_code=values.get("parent_code", ""),
                values={key: values[key] for key in TEXT_FIELDS if key in values},
                retired_reason=values.get("retired_reason", ""),
                existing=existing.get(values.get("code", "")),
            )
        )
    first_line: dict[str, int] = {}
    for row in plan.rows:
        if row.code and row.code not in first_line:
            first_line[row.code] = row.line
    for row, item in zip(plan.rows, read, strict=True):
        _check_row(plan, row, first_line, existing)
        if has_retired_column:
            _check_retired_value(plan, row, item.values["is_retired"])

    in_file = {row.code: row for row in plan.rows if row.code and row.line == first_line[row.code]}
    plan.parents = {code: code_of.get(node.parent_id or 0, "") for code, node in existing.items()}
    plan.parents.update({code: row.parent_code for code, row in in_file.items()})
    if plan.errors:
        return plan
    _check_cycles(plan, in_file)
    if plan.errors:
        return plan
    _check_retired_parents(plan, in_file, existing)
    if plan.errors:
        return plan
    _plan_orders(plan, in_file, existing, code_of)
    for row in plan.rows:
        row.changed = row.existing is None or _changes(row.existing, row, code_of)
    return plan


def _error(plan: NodeImportPlan, row: NodeRow, column: str, message: str) -> None:
    plan.errors.append(RowError(row.line, LABELS.get(column, column), message))


def _check_retired_value(plan: NodeImportPlan, row: NodeRow, value: str) -> None:
    row.retired = _yes_no(value)
    if row.retired is None:
        _error(
            plan,
            row,
            "is_retired",
            _("ค่า “%s” ไม่ถูกต้อง: ใส่ “ใช่” ถ้ายกเลิกข้อนี้แล้ว หรือเว้นว่างถ้ายังใช้อยู่") % value,
        )


def _check_row(
    plan: NodeImportPlan,
    row: NodeRow,
    first_line: dict[str, int],
    existing: dict[str, FrameworkNode],
) -> None:
    if not row.code:
        _error(plan, row, "code", _("ต้องระบุรหัส"))
    elif first_line[row.code] != row.line:
        _error(
            plan,
            row,
            "code",
            _("รหัส %(code)s ซ้ำกับแถวที่ %(line)s") % {"code": row.code, "line": first_line[row.code]},
        )
    if not row.values.get("title"):
        _error(plan, row, "title", _("ต้องระบุชื่อ"))
    lengths = {
        "code": row.code,
        "parent_code": row.parent_code,
        "retired_reason": row.retired_reason,
        **row.values,
    }
    for key, limit in LIMITS.items():
        if len(lengths.get(key, "")) > limit:
            _error(plan, row, key, _("ยาวเกิน %d ตัวอักษร") % limit)
    if not row.parent_code:
        return
    if row.parent_code == row.code:
        _error(plan, row, "parent_code", _("ข้อเป็นข้อแม่ของตัวเองไม่ได้"))
    elif row.parent_code not in first_line and row.parent_code not in existing:
        _error(plan, row, "parent_code", _("ไม่พบข้อแม่รหัส %s ในไฟล์หรือในกรอบนี้") % row.parent_code)


def _check_cycles(plan: NodeImportPlan, in_file: dict[str, NodeRow]) -> None:
    """Refuse parent codes that make a loop, within the file or through existing nodes."""
    for row in plan.rows:
        seen = [row.code]
        code = row.parent_code
        while code and code not in seen:
            seen.append(code)
            code = plan.parents.get(code, "")
        if code != row.code:
            continue  # reached the top, or a loop of other rows (reported on those rows)
        if all(step in in_file for step in seen):
            _error(plan, row, "parent_code", _("รหัสข้อแม่วนกลับมาที่ตัวเอง"))
        else:
            _error(plan, row, "parent_code", _("ย้ายข้อไปอยู่ใต้ข้อย่อยของตัวเองไม่ได้"))


def _check_retired_parents(
    plan: NodeImportPlan, in_file: dict[str, NodeRow], existing: dict[str, FrameworkNode]
) -> None:
    """A node in use may not stay under a retired one."""

    def retired(code: str) -> bool:
        row = in_file.get(code)
        if row is not None and row.retired is not None:
            return row.retired
        node = existing.get(code)
        return node is not None and node.is_retired

    for code, row in in_file.items():
        if retired(code) or not row.parent_code or not retired(row.parent_code):
            continue
        column = "is_retired" if row.retired is not None else "parent_code"
        _error(
            plan,
            row,
            column,
            _("ข้อแม่ %(parent)s ยกเลิกแล้ว ข้อนี้จึงต้องยกเลิกด้วย (ใส่ “ใช่” ในคอลัมน์ยกเลิกแล้ว)")
            % {"parent": row.parent_code},
        )


def _plan_orders(
    plan: NodeImportPlan,
    in_file: dict[str, NodeRow],
    existing: dict[str, FrameworkNode],
    code_of: dict[int, str],
) -> None:
    """Display orders under each parent.

    A file that lists every node under a parent orders them as its rows do; otherwise (a file of
    a few new nodes) the nodes already there keep their order and the new ones follow. A group
    whose order does not change is left alone, so re-importing an export changes nothing.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for row in plan.rows:
        groups[row.parent_code].append(row.code)
    current: dict[str, list[FrameworkNode]] = defaultdict(list)
    for code, node in existing.items():
        parent = code_of.get(node.parent_id or 0, "")
        if plan.parents[code] == parent:  # nodes moving elsewhere leave the group
            current[parent].append(node)
    for parent in groups.keys() | current.keys():
        staying = sorted(current[parent], key=lambda node: (node.order, node.pk))
        before = [node.code for node in staying]
        if all(code in in_file for code in before):
            after = groups[parent]
        else:
            after = before + [code for code in groups[parent] if code not in before]
        if after == before:
            continue
        if after[: len(before)] == before:
            start = max((node.order for node in staying), default=0)
            numbered = {code: start + index for index, code in enumerate(after[len(before) :], 1)}
        else:
            numbered = {code: index for index, code in enumerate(after, 1)}
        for code, order in numbered.items():
            if code in in_file:
                in_file[code].order = order
            elif existing[code].order != order:
                plan.reorders[existing[code].pk] = order


def _changes(node: FrameworkNode, row: NodeRow, code_of: dict[int, str]) -> bool:
    return (
        any(getattr(node, key) != value for key, value in row.values.items())
        or code_of.get(node.parent_id or 0, "") != row.parent_code
        or (row.order is not None and row.order != node.order)
        or (row.retired is not None and row.retired != node.is_retired)
    )


def _final_depth(plan: NodeImportPlan, code: str) -> int:
    depth = 0
    parent = plan.parents.get(code, "")
    while parent:
        depth += 1
        parent = plan.parents.get(parent, "")
    return depth


@transaction.atomic
def apply_node_import(plan: NodeImportPlan, *, actor: User | None, reason: str) -> tuple[int, int]:
    """Write a checked plan, parents before children. Returns (added, updated)."""
    if plan.errors or plan.framework is None:
        raise DomainError(_("ยังมีข้อผิดพลาดในไฟล์ จึงไม่นำเข้าข้อมูลใด ๆ"))
    framework = plan.framework
    pks = {node.code: node.pk for node in FrameworkNode.objects.filter(framework=framework)}
    added = updated = 0
    rows = sorted(plan.rows, key=lambda row: (_final_depth(plan, row.code), row.line))
    for row in rows:
        # Read parents and nodes afresh: moves earlier in the file rewrote their paths.
        parent = FrameworkNode.objects.get(pk=pks[row.parent_code]) if row.parent_code else None
        if row.existing is None:
            node = node_create(
                actor=actor,
                instance=FrameworkNode(
                    framework=framework,
                    parent=parent,
                    code=row.code,
                    order=row.order or 0,
                    is_retired=bool(row.retired),
                    retired_reason=(row.retired_reason or reason) if row.retired else "",
                    **row.values,
                ),
                reason=reason,
            )
            pks[row.code] = node.pk
            added += 1
        elif row.changed:
            _update(row.existing.pk, row, parent, actor=actor, reason=reason)
            updated += 1
    for pk, order in plan.reorders.items():
        node = FrameworkNode.objects.get(pk=pk)
        node.order = order
        node_update(actor=actor, instance=node, expected_version=node.version, reason=reason)
    return added, updated


def _update(
    pk: int, row: NodeRow, parent: FrameworkNode | None, *, actor: User | None, reason: str
) -> None:
    node = FrameworkNode.objects.get(pk=pk)
    if row.retired and not node.is_retired:
        # Retire first: a retired node may then move under a retired parent.
        node_retire(
            actor=actor,
            node=node,
            expected_version=node.version,
            reason=row.retired_reason or reason,
        )
        node.refresh_from_db()
    for key, value in row.values.items():
        setattr(node, key, value)
    node.parent = parent
    if row.order is not None:
        node.order = row.order
    node = node_update(actor=actor, instance=node, expected_version=node.version, reason=reason)
    if row.retired is False and node.is_retired:
        node_restore(actor=actor, node=node, expected_version=node.version, reason=reason)


# Export -------------------------------------------------------------------------------------


def node_rows(framework: Framework) -> list[list[str]]:
    """The framework's nodes in reading order, one row each, in the import's columns."""
    nodes = framework_tree(framework)
    codes = {node.pk: node.code for node in nodes}
    return [
        [
            node.code,
            codes.get(node.parent_id or 0, ""),
            node.level_name,
            node.title,
            node.description,
            _("ใช่") if node.is_retired else "",
            node.retired_reason,
        ]
        for node in nodes
    ]


def framework_details(framework: Framework) -> list[tuple[str, str]]:
    """The framework's details as (label, value) rows, for the export's second sheet."""
    return [
        (_("ชื่อ"), framework.name),
        (_("ชื่อย่อ"), framework.short_name),
        (_("รหัสกรอบ"), framework.code),
        (_("กลุ่มฉบับ"), framework.family),
        (_("ประเภท"), framework.get_kind_display()),
        (_("ระดับของแผน"), framework.get_level_display() if framework.level else "–"),
        (_("ปีที่ครอบคลุม (พ.ศ.)"), framework.years),
        (_("สถานะ"), framework.get_status_display()),
        (_("เอกสารอ้างอิง"), framework.source_document),
        (_("คำอธิบาย"), framework.description),
        (
            _("หน่วยงานเจ้าของกรอบ"),
            framework.owner.name if framework.owner else _("กรอบระดับชาติ (ระบบจัดให้)"),
        ),
        (_("ส่งออกเมื่อ"), format_datetime(timezone.now())),
    ]


def export_headers() -> list[str]:
    return [label for _key, label in COLUMNS]


def export_xlsx(framework: Framework) -> bytes:
    """The nodes on the first sheet (the sheet the import reads), the details on the second."""
    workbook = Workbook()
    nodes = workbook.worksheets[0]
    nodes.title = _("ข้อในกรอบ")
    bold = Font(bold=True, name="Sarabun")
    nodes.append(export_headers())
    for cell in nodes[1]:
        cell.font = bold
    for row in node_rows(framework):
        nodes.append(row)
    for column_cells in nodes.iter_cols(min_row=2, max_col=2):
        for cell in column_cells:
            # Codes are text: "4.10" must not become the number 4.1.
            cell.number_format = "@"
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (10, 12, 16, 70, 40, 12, 30), strict=True):
        nodes.column_dimensions[letter].width = width
    for cell in nodes["D"][1:]:
        cell.alignment = wrap
    nodes.freeze_panes = "A2"

    details = workbook.create_sheet(_("ข้อมูลกรอบ"))
    for label, value in framework_details(framework):
        details.append([label, value])
    for cell in details["A"]:
        cell.font = bold
    details.column_dimensions["A"].width = 24
    details.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
