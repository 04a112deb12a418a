"""Spreadsheets of the budget: the Budget Bureau's spending plan and result (แบบ สงป. 301,
"shaped like": categories down, months and quarters across, with the column set chosen by the
user because the layouts change from year to year) and the efficiency page.

Numbers stay numbers (baht with ``#,##0.00``), dates are BE text, every cell is in Sarabun.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from phaen.budget.selectors import (
    ZERO,
    CategoryMonths,
    Figures,
    IssueShare,
    OutputCost,
    ProjectEfficiency,
    percent,
)
from phaen.core.exports import XLSX_CONTENT_TYPE, export_filename
from phaen.orgs.models import OrgUnit
from phaen.plans.exports import Sheet, workbook_response
from phaen.thai.calendar import FiscalMonth, FiscalQuarter
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import format_date_long, format_month_year

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
FONT_NAME = "Sarabun"


class ColumnGroup(models.TextChoices):
    """Groups of columns of the สงป. 301 sheet the user can switch on and off."""

    MONTHLY_PLAN = "monthly_plan", gettext_lazy("แผนรายเดือน")
    MONTHLY_RESULT = "monthly_result", gettext_lazy("ผลการเบิกจ่ายรายเดือน")
    QUARTERLY_PLAN = "quarterly_plan", gettext_lazy("แผนรายไตรมาส")
    QUARTERLY_RESULT = "quarterly_result", gettext_lazy("ผลการเบิกจ่ายรายไตรมาส")
    CUMULATIVE = "cumulative", gettext_lazy("แผนและผลการเบิกจ่ายสะสม")
    PERCENT = "percent", gettext_lazy("ร้อยละการเบิกจ่ายสะสมต่องบประมาณ")
    USED = "used", gettext_lazy("ใช้จ่าย (เบิกจ่าย + ก่อหนี้ผูกพันที่ยังไม่เบิกจ่าย)")


class PeriodLayout(models.TextChoices):
    MONTHS = "months", gettext_lazy("รายเดือน พร้อมยอดรายไตรมาส")
    QUARTERS = "quarters", gettext_lazy("รายไตรมาสเท่านั้น")


DEFAULT_GROUPS = frozenset(
    {
        ColumnGroup.MONTHLY_PLAN,
        ColumnGroup.MONTHLY_RESULT,
        ColumnGroup.QUARTERLY_PLAN,
        ColumnGroup.QUARTERLY_RESULT,
        ColumnGroup.CUMULATIVE,
        ColumnGroup.PERCENT,
    }
)


@dataclass(frozen=True)
class Form301Options:
    layout: str = PeriodLayout.MONTHS
    groups: frozenset[str] = DEFAULT_GROUPS


@dataclass(frozen=True)
class Column:
    """A column: the period it belongs to (first header row), its own label, its values."""

    period: str
    label: str
    value: Callable[[CategoryMonths], Decimal | None]
    number_format: str = MONEY_FORMAT
    width: int = 14


def _sum(amounts: dict[date, Decimal], months: Sequence[date]) -> Decimal:
    return sum((amounts.get(month, ZERO) for month in months), ZERO)


class _Periods:
    """Money of a row over a set of months; results after the as-of date are not known yet."""

    def __init__(self, fiscal_year: FiscalPeriod, as_of: date) -> None:
        self.months = [month.start for month in fiscal_year.months()]
        self.as_of = as_of

    def upto(self, end: date) -> list[date]:
        return [month for month in self.months if month <= end]

    def known(self, months: Sequence[date]) -> bool:
        """Results of a period (or to its end) are known when it has begun by the as-of date."""
        return bool(months) and months[-1] <= self.as_of

    def plan(self, months: Sequence[date]) -> Callable[[CategoryMonths], Decimal | None]:
        return lambda row: _sum(row.planned, months)

    def result(self, months: Sequence[date]) -> Callable[[CategoryMonths], Decimal | None]:
        known = self.known(months)
        return lambda row: _sum(row.disbursed, months) if known else None

    def used(self, months: Sequence[date]) -> Callable[[CategoryMonths], Decimal | None]:
        known = self.known(months)
        return lambda row: _sum(row.disbursed, months) + _sum(row.owed, months) if known else None

    def rate(self, months: Sequence[date]) -> Callable[[CategoryMonths], Decimal | None]:
        known = self.known(months)

        def value(row: CategoryMonths) -> Decimal | None:
            if not known:
                return None
            return percent(_sum(row.disbursed, months), row.allocated)

        return value


def form301_columns(
    fiscal_year: FiscalPeriod, as_of: date, options: Form301Options
) -> list[Column]:
    """The columns of the sheet for the chosen layout and groups (the fixed ones included)."""
    periods = _Periods(fiscal_year, as_of)
    groups = options.groups
    everything = periods.months
    columns = [
        Column(
            "",
            _("งบประมาณหลังโอนเปลี่ยนแปลง"),
            lambda row: row.allocated,
            width=18,
        )
    ]

    def cumulative(label: str, end: date) -> list[Column]:
        months = periods.upto(end)
        found: list[Column] = []
        if ColumnGroup.CUMULATIVE in groups:
            found += [
                Column(label, _("แผนสะสม"), periods.plan(months)),
                Column(label, _("ผลเบิกจ่ายสะสม"), periods.result(months)),
            ]
            if ColumnGroup.USED in groups:
                found.append(Column(label, _("ใช้จ่ายสะสม"), periods.used(months)))
        if ColumnGroup.PERCENT in groups:
            found.append(
                Column(label, _("ร้อยละเบิกจ่ายสะสม"), periods.rate(months), PERCENT_FORMAT, 10)
            )
        return found

    for quarter in fiscal_year.quarters():
        quarter_months = [month.start for month in quarter.months()]
        if options.layout == PeriodLayout.MONTHS:
            for month in quarter.months():
                label = _month_label(month)
                if ColumnGroup.MONTHLY_PLAN in groups:
                    columns.append(Column(label, _("แผน"), periods.plan([month.start])))
                if ColumnGroup.MONTHLY_RESULT in groups:
                    columns.append(Column(label, _("ผลเบิกจ่าย"), periods.result([month.start])))
                if ColumnGroup.USED in groups:
                    columns.append(Column(label, _("ใช้จ่าย"), periods.used([month.start])))
                columns += cumulative(label, month.start)
            label = _quarter_label(quarter)
            if ColumnGroup.QUARTERLY_PLAN in groups:
                columns.append(Column(label, _("แผน"), periods.plan(quarter_months)))
            if ColumnGroup.QUARTERLY_RESULT in groups:
                columns.append(Column(label, _("ผลเบิกจ่าย"), periods.result(quarter_months)))
        else:
            label = _quarter_label(quarter)
            if ColumnGroup.QUARTERLY_PLAN in groups or ColumnGroup.MONTHLY_PLAN in groups:
                columns.append(Column(label, _("แผน"), periods.plan(quarter_months)))
            if ColumnGroup.QUARTERLY_RESULT in groups or ColumnGroup.MONTHLY_RESULT in groups:
                columns.append(Column(label, _("ผลเบิกจ่าย"), periods.result(quarter_months)))
            if ColumnGroup.USED in groups:
                columns.append(Column(label, _("ใช้จ่าย"), periods.used(quarter_months)))
            columns += cumulative(label, quarter_months[-1])

    # The year: the whole plan, results to the as-of date.
    year = _("รวมทั้งปี")
    to_date = periods.upto(as_of)
    columns += [
        Column(year, _("แผนทั้งปี"), periods.plan(everything), width=16),
        Column(year, _("ผลเบิกจ่ายสะสม"), periods.result(to_date), width=16),
    ]
    if ColumnGroup.USED in groups:
        columns.append(Column(year, _("ใช้จ่ายสะสม"), periods.used(to_date), width=16))
    if ColumnGroup.PERCENT in groups:
        columns.append(
            Column(year, _("ร้อยละเบิกจ่ายสะสม"), periods.rate(to_date), PERCENT_FORMAT, 10)
        )
    columns.append(
        Column(
            year,
            _("คงเหลือหลังหักเบิกจ่าย"),
            lambda row: row.allocated - _sum(row.disbursed, to_date),
            width=16,
        )
    )
    return columns


def _month_label(month: FiscalMonth) -> str:
    return format_month_year(month.start.year, month.start.month)


def _quarter_label(quarter: FiscalQuarter) -> str:
    return _("ไตรมาส %(number)s") % {"number": quarter.number}


def _total(rows: Sequence[CategoryMonths]) -> CategoryMonths | None:
    tops = [row for row in rows if row.level == 0]
    if not tops:
        return None
    total = CategoryMonths(_("รวมทั้งสิ้น"), 0, tops[0].category)
    for row in tops:
        total.add(row)
    return total


def form301_workbook(
    *,
    unit: OrgUnit,
    fiscal_year: FiscalPeriod,
    as_of: date,
    rows: Sequence[CategoryMonths],
    options: Form301Options,
) -> Workbook:
    """The sheet: a title block, two header rows (period, then figure), one row per งบรายจ่าย
    and its รายการ, and the total."""
    columns = form301_columns(fiscal_year, as_of, options)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("แผนและผลการใช้จ่าย")
    plain = Font(name=FONT_NAME, size=12)
    bold = Font(name=FONT_NAME, size=12, bold=True)
    title = Font(name=FONT_NAME, size=14, bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    total_fill = PatternFill("solid", fgColor="E8EEF7")
    thin = Side(style="thin", color="A9B4C2")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    width = len(columns) + 1

    caption = [
        (_("แผนและผลการใช้จ่ายงบประมาณ (รูปแบบตามแบบ สงป. 301)"), title),
        (_("หน่วยงาน: %(unit)s") % {"unit": unit.name}, bold),
        (_("ปีงบประมาณ พ.ศ. %(year)s") % {"year": fiscal_year.be}, bold),
        (_("ข้อมูล ณ วันที่ %(date)s") % {"date": format_date_long(as_of)}, plain),
        (_("หน่วย: บาท (ร้อยละ: ผลเบิกจ่ายสะสมต่องบประมาณหลังโอนเปลี่ยนแปลง)"), plain),
    ]
    for index, (text, font) in enumerate(caption, start=1):
        cell = sheet.cell(row=index, column=1, value=text)
        cell.font = font
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    first_header = len(caption) + 2
    second_header = first_header + 1

    label_cell = sheet.cell(row=first_header, column=1, value=_("งบรายจ่าย / รายการ"))
    sheet.merge_cells(start_row=first_header, start_column=1, end_row=second_header, end_column=1)
    sheet.column_dimensions["A"].width = 34
    for cell in (label_cell, sheet.cell(row=second_header, column=1)):
        cell.font, cell.fill, cell.alignment, cell.border = bold, header_fill, centre, border
    start = 2
    while start <= width:
        column = columns[start - 2]
        end = start
        while end + 1 <= width and columns[end - 1].period == column.period and column.period:
            end += 1
        top = sheet.cell(row=first_header, column=start, value=column.period or column.label)
        if column.period:
            sheet.merge_cells(
                start_row=first_header, start_column=start, end_row=first_header, end_column=end
            )
            for offset in range(start, end + 1):
                sub = columns[offset - 2]
                sheet.cell(row=second_header, column=offset, value=sub.label)
        else:
            sheet.merge_cells(
                start_row=first_header, start_column=start, end_row=second_header, end_column=start
            )
        for offset in range(start, end + 1):
            for row_number in (first_header, second_header):
                cell = sheet.cell(row=row_number, column=offset)
                cell.font, cell.fill, cell.alignment, cell.border = (
                    bold,
                    header_fill,
                    centre,
                    border,
                )
            sheet.column_dimensions[get_column_letter(offset)].width = columns[offset - 2].width
        top.font = bold
        start = end + 1

    total = _total(rows)
    body = [*rows, *([total] if total is not None else [])]
    row_number = second_header
    for line in body:
        row_number += 1
        is_total = line is total
        name = ("    " if line.level else "") + line.label
        cell = sheet.cell(row=row_number, column=1, value=name)
        cell.font = bold if line.level == 0 else plain
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if is_total:
            cell.fill = total_fill
        for offset, column in enumerate(columns, start=2):
            value = column.value(line)
            cell = sheet.cell(row=row_number, column=offset, value=value)
            cell.number_format = column.number_format
            cell.font = bold if line.level == 0 else plain
            cell.border = border
            if is_total:
                cell.fill = total_fill
    if not rows:
        cell = sheet.cell(row=second_header + 1, column=1, value=_("ยังไม่มีการจัดสรรงบประมาณ"))
        cell.font = plain
    sheet.freeze_panes = sheet.cell(row=second_header + 1, column=2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{first_header}:{second_header}"
    return workbook


def form301_response(
    *,
    unit: OrgUnit,
    fiscal_year: FiscalPeriod,
    as_of: date,
    rows: Sequence[CategoryMonths],
    options: Form301Options,
) -> HttpResponse:
    workbook = form301_workbook(
        unit=unit, fiscal_year=fiscal_year, as_of=as_of, rows=rows, options=options
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    stem = f"spending-plan-result-{unit.pk}-{fiscal_year.be}"
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "xlsx")}"'
    return response


# Efficiency ---------------------------------------------------------------------------------


def _money_or_blank(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def efficiency_response(
    *,
    unit: OrgUnit,
    fiscal_year: FiscalPeriod,
    as_of: date,
    behind: Sequence[ProjectEfficiency],
    projects: Sequence[ProjectEfficiency],
    issues: Sequence[IssueShare],
    total: Figures,
) -> HttpResponse:
    """The efficiency page as a workbook: projects behind their plan (the material for the
    efficiency-improvement plan), every project's money and cost per output, shares by issue."""
    caption = [
        _("การวิเคราะห์ประสิทธิภาพการใช้จ่ายงบประมาณ: %(unit)s") % {"unit": unit.name},
        _("ปีงบประมาณ พ.ศ. %(year)s ข้อมูล ณ วันที่ %(date)s")
        % {"year": fiscal_year.be, "date": format_date_long(as_of)},
    ]
    behind_sheet = Sheet(
        title=_("โครงการที่เบิกจ่ายล่าช้ากว่าแผน"),
        caption=[*caption, _("เรียงจากโครงการที่เบิกจ่ายต่ำกว่าแผนการใช้จ่ายมากที่สุด")],
        headers=[
            _("ลำดับ"),
            _("รหัสโครงการ"),
            _("ชื่อโครงการ"),
            _("เจ้าภาพหลัก"),
            _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
            _("แผนการใช้จ่ายถึงวันที่ข้อมูล (บาท)"),
            _("เบิกจ่ายถึงวันที่ข้อมูล (บาท)"),
            _("ต่ำกว่าแผน (บาท)"),
            _("ต่ำกว่าแผน (ร้อยละของงบประมาณ)"),
            _("ใช้จ่าย (บาท)"),
        ],
        rows=[
            [
                index,
                row.project.code,
                row.project.name,
                row.project.lead_unit.name if row.project.lead_unit else "",
                row.figures.allocated,
                row.figures.planned,
                row.figures.disbursed,
                row.plan_gap,
                _money_or_blank(row.plan_gap_rate),
                row.figures.used,
            ]
            for index, row in enumerate(behind, start=1)
        ],
        widths=[8, 14, 60, 30, 18, 18, 18, 16, 14, 16],
        money_columns=frozenset({4, 5, 6, 7, 9}),
    )
    project_rows: list[list[Any]] = []
    for row in projects:
        outputs: list[OutputCost | None] = list(row.outputs) or [None]
        for output in outputs:
            project_rows.append(
                [
                    row.project.code,
                    row.project.name,
                    row.figures.allocated,
                    row.figures.used,
                    row.figures.disbursed,
                    _money_or_blank(row.figures.disbursement_rate),
                    output.indicator.name if output else "",
                    output.indicator.unit_of_measure if output else "",
                    _money_or_blank(output.quantity) if output else "",
                    _money_or_blank(output.cost_per_unit) if output else "",
                ]
            )
    projects_sheet = Sheet(
        title=_("ประสิทธิภาพรายโครงการ"),
        caption=[*caption, _("ต้นทุนต่อหน่วยผลผลิต = ใช้จ่าย ÷ ค่าเป้าหมายของตัวชี้วัดเชิงปริมาณ")],
        headers=[
            _("รหัสโครงการ"),
            _("ชื่อโครงการ"),
            _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
            _("ใช้จ่าย (บาท)"),
            _("เบิกจ่าย (บาท)"),
            _("ร้อยละการเบิกจ่าย"),
            _("ตัวชี้วัดผลผลิต"),
            _("หน่วยนับ"),
            _("ค่าเป้าหมาย"),
            _("ต้นทุนต่อหน่วยผลผลิต (บาท)"),
        ],
        rows=project_rows,
        widths=[14, 60, 18, 16, 16, 12, 50, 14, 14, 18],
        money_columns=frozenset({2, 3, 4, 9}),
    )
    issues_sheet = Sheet(
        title=_("สัดส่วนงบประมาณตามประเด็น"),
        caption=caption,
        headers=[
            _("ประเด็นยุทธศาสตร์"),
            _("จำนวนโครงการ"),
            _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"),
            _("ร้อยละของงบประมาณหน่วยงาน"),
            _("เบิกจ่าย (บาท)"),
        ],
        rows=[
            *[
                [
                    row.label,
                    row.project_count,
                    row.figures.allocated,
                    _money_or_blank(row.share),
                    row.figures.disbursed,
                ]
                for row in issues
            ],
            [_("รวม"), "", total.allocated, Decimal("100.00") if total.allocated else "", ""],
        ],
        widths=[70, 12, 20, 14, 18],
        money_columns=frozenset({2, 4}),
    )
    stem = f"budget-efficiency-{unit.pk}-{fiscal_year.be}"
    return workbook_response(stem, [behind_sheet, projects_sheet, issues_sheet])
