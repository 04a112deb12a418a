"""Excel workbooks of the analysis pages: alignment (budget per node, matrix, gaps both ways)
and gap analysis. Numbers stay numbers; labels are the Thai the pages show."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from phaen.core.exports import XLSX_CONTENT_TYPE, export_filename
from phaen.plans.models import PlanVersion
from phaen.plans.selectors import AlignmentReport, IssueGapSummary

MONEY_FORMAT = "#,##0.00"
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Sheet:
    """One worksheet: a title block, a header row and data rows."""

    title: str
    headers: list[str]
    rows: Iterable[list[Any]]
    widths: list[int] | None = None
    caption: list[str] | None = None  # lines above the table (plan, framework)
    money_columns: frozenset[int] = frozenset()  # 0-based columns shown as baht


def _sheet_title(title: str) -> str:
    return title.translate(_SHEET_FORBIDDEN)[:31] or "phaen"


def workbook_response(stem: str, sheets: list[Sheet]) -> HttpResponse:
    """An .xlsx download with one worksheet per ``Sheet`` (written in write-only mode)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True, name="Sarabun")
    plain = Font(name="Sarabun")
    for spec in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(spec.title))
        for index, width in enumerate(spec.widths or [], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for line in spec.caption or []:
            cell = WriteOnlyCell(sheet, value=line)
            cell.font = bold
            sheet.append([cell])
        if spec.caption:
            sheet.append([])
        header: list[Any] = []
        for text in spec.headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            cells: list[Any] = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = plain
                if isinstance(value, Decimal) and len(cells) in spec.money_columns:
                    cell.number_format = MONEY_FORMAT
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "xlsx")}"'
    return response


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal(0)
    return (part * 100 / whole).quantize(Decimal("0.01"))


MARK_TEXT = {"primary": gettext_lazy("● หลัก"), "secondary": gettext_lazy("○ สอดคล้อง")}


def alignment_sheets(version: PlanVersion, report: AlignmentReport) -> list[Sheet]:
    """Budget per node (framework order), the matrix, unserved nodes and unaligned projects."""
    caption = [
        str(version),
        _("กรอบ: %(framework)s (%(years)s)")
        % {"framework": report.framework, "years": report.framework.years},
    ]
    aligned = report.aligned_budget
    project_count = sum(1 for row in report.rows if row.is_project)
    aligned_count = project_count - len(report.unaligned_projects)
    node_rows: list[list[Any]] = [
        [
            s.node.code,
            "  " * s.node.depth + s.node.title,
            s.node.level_name or s.node.depth + 1,
            len(s.project_ids),
            s.direct_budget,
            len(s.subtree_project_ids),
            s.budget,
            _share(s.budget, aligned),
            _("ยกเลิกแล้ว") if s.node.is_retired else "",
        ]
        for s in report.nodes
        if not s.node.is_retired or s.linked
    ]
    node_rows += [
        [],
        ["", _("งบประมาณทั้งแผน"), "", "", "", project_count, report.total_budget],
        ["", _("งบประมาณที่สอดคล้องกับกรอบนี้"), "", "", "", aligned_count, aligned],
    ]
    nodes = Sheet(
        title=_("งบประมาณตามข้อในกรอบ"),
        caption=caption,
        headers=[
            _("รหัส"),
            _("ข้อในกรอบ"),
            _("ชั้น"),
            _("จำนวนโครงการ (ที่ข้อนี้)"),
            _("งบประมาณ (ที่ข้อนี้) บาท"),
            _("จำนวนโครงการ (รวมข้อย่อย)"),
            _("งบประมาณ (รวมข้อย่อย) บาท"),
            _("ร้อยละของงบประมาณที่สอดคล้องกับกรอบ"),
            _("สถานะ"),
        ],
        rows=node_rows,
        widths=[8, 60, 12, 12, 18, 12, 18, 14, 12],
        money_columns=frozenset({4, 6}),
    )
    matrix = Sheet(
        title=_("ตารางความสอดคล้อง"),
        caption=[*caption, _("● หลัก = ความสอดคล้องหลัก, ○ สอดคล้อง = เชื่อมโยงอื่น")],
        headers=[
            _("ประเด็นยุทธศาสตร์ / โครงการ"),
            _("ประเภท"),
            _("งบประมาณ (บาท)"),
            *[f"{c.code} {c.title}" for c in report.columns],
        ],
        rows=[
            [
                ("    " if row.is_project else "") + row.label,
                _("โครงการ") if row.is_project else _("ประเด็นยุทธศาสตร์"),
                row.budget if row.budget is not None else "",
                *[str(MARK_TEXT.get(row.marks.get(c.pk, ""), "")) for c in report.columns],
            ]
            for row in report.rows
        ],
        widths=[60, 16, 16, *[14 for _column in report.columns]],
        money_columns=frozenset({2}),
    )
    unserved = Sheet(
        title=_("ข้อที่ยังไม่มีรายการสนับสนุน"),
        caption=caption,
        headers=[_("รหัส"), _("ข้อในกรอบ"), _("ชั้น")],
        rows=[
            [n.code, "  " * n.depth + n.title, n.level_name or n.depth + 1] for n in report.unserved
        ],
        widths=[8, 70, 14],
    )
    nothing_here = {p.pk for p in report.aligned_to_nothing}
    unaligned = Sheet(
        title=_("โครงการที่ไม่สอดคล้องกับกรอบ"),
        caption=caption,
        headers=[_("รหัสโครงการ"), _("ชื่อโครงการ"), _("งบประมาณ (บาท)"), _("ไม่เชื่อมโยงกับกรอบใดเลย")],
        rows=[
            [p.code, p.name, p.budget, _("ใช่") if p.pk in nothing_here else ""]
            for p in report.unaligned_projects
        ],
        widths=[12, 70, 16, 16],
        money_columns=frozenset({2}),
    )
    return [nodes, matrix, unserved, unaligned]


def gap_sheets(version: PlanVersion, summaries: list[IssueGapSummary]) -> list[Sheet]:
    """Every goal indicator's gap, and the summary per strategic issue."""
    caption = [str(version), _("การวิเคราะห์ช่องว่างระหว่างสภาพปัจจุบันกับค่าเป้าหมาย")]
    detail = Sheet(
        title=_("ช่องว่างรายตัวชี้วัด"),
        caption=caption,
        headers=[
            _("ประเด็นยุทธศาสตร์"),
            _("เป้าประสงค์"),
            _("ตัวชี้วัด"),
            _("หน่วยนับ"),
            _("ทิศทาง"),
            _("ค่าฐาน"),
            _("ปีของค่าฐาน (พ.ศ.)"),
            _("ค่าเป้าหมายทั้งปี"),
            _("สภาพปัจจุบัน"),
            _("ที่มาของสภาพปัจจุบัน"),
            _("ช่องว่าง"),
            _("ผลการวิเคราะห์"),
        ],
        rows=[
            [
                str(summary.issue),
                str(gap.indicator.goal) if gap.indicator.goal else "",
                gap.indicator.name,
                gap.indicator.unit_of_measure,
                gap.indicator.get_direction_display(),
                gap.baseline if gap.baseline is not None else "",
                gap.indicator.baseline_year or "",
                gap.target,
                gap.latest if gap.latest is not None else "",
                gap.latest_source,
                gap.gap if gap.gap is not None else "",
                gap.gap_text,
            ]
            for summary in summaries
            for gap in summary.gaps
        ],
        widths=[36, 36, 50, 12, 14, 12, 12, 14, 14, 16, 12, 36],
    )
    summary_sheet = Sheet(
        title=_("สรุปรายประเด็น"),
        caption=caption,
        headers=[
            _("ประเด็นยุทธศาสตร์"),
            _("จำนวนตัวชี้วัด"),
            _("บรรลุค่าเป้าหมายแล้ว"),
            _("ยังไม่บรรลุ"),
            _("ยังไม่มีข้อมูลสภาพปัจจุบัน"),
        ],
        rows=[
            [
                str(s.issue),
                s.indicator_count,
                s.met_count,
                s.indicator_count - s.met_count - s.unknown_count,
                s.unknown_count,
            ]
            for s in summaries
        ],
        widths=[60, 14, 18, 14, 22],
    )
    return [detail, summary_sheet]
