"""The Budget Bureau's performance and spending report (แบบ สงป. 302, "shaped like"): for a unit
and a fiscal year, each project (ผลผลิต/โครงการ) with its activities and indicators, the
indicators' targets and results per quarter, the activities' status per quarter, and the
project's money per quarter (the spending plan and the disbursements, read from the budget).

Everything is read through the access policy (projects, activities, indicators, targets and
results the user may view) in a fixed number of queries whatever the number of projects (the
money is read in chunks of ``CHUNK`` projects). Numbers stay numbers in the sheet (baht with
``#,##0.00``, indicator values with up to four places), dates are BE text, every cell is in
Sarabun, like the สงป. 301 sheet of the budget.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from phaen.budget.selectors import Figures, project_figures
from phaen.core.access import Action
from phaen.core.exports import XLSX_CONTENT_TYPE, export_filename
from phaen.monitoring.models import ActivityProgress, IndicatorResult, ProgressStatus
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import current_settled_versions
from phaen.orgs.models import OrgUnit
from phaen.plans.models import Activity, FiscalYear, Indicator, IndicatorTarget, Project
from phaen.thai.calendar import FiscalQuarter
from phaen.thai.dates import format_date_long

if TYPE_CHECKING:
    from phaen.core.access import AnyUser

ZERO = Decimal(0)
MONEY_FORMAT = "#,##0.00"
VALUE_FORMAT = "#,##0.####"
FONT_NAME = "Sarabun"
#: Lineages sent to the database at once when reading the money (SQLite limits parameters).
CHUNK = 500


def _chunks[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The data -------------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: Indicator
    targets: dict[str, Decimal] = field(default_factory=dict)  # by quarter
    results: dict[str, Decimal] = field(default_factory=dict)  # by quarter


@dataclass
class ActivityLine:
    activity: Activity
    depth: int  # 0 for an activity, 1 for a sub-activity…
    number: str  # "1.2", "1.2.1"
    statuses: dict[str, str] = field(default_factory=dict)  # by quarter: the status label


@dataclass
class QuarterMoney:
    planned: Decimal = ZERO
    disbursed: Decimal | None = None  # None: the quarter has not begun yet


@dataclass
class ProjectLine:
    project: Project
    number: str
    allocated: Decimal = ZERO
    money: dict[str, QuarterMoney] = field(default_factory=dict)  # by quarter
    activities: list[ActivityLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def planned_total(self) -> Decimal:
        return sum((m.planned for m in self.money.values()), ZERO)

    @property
    def disbursed_total(self) -> Decimal:
        return sum((m.disbursed or ZERO for m in self.money.values()), ZERO)


@dataclass
class Form302:
    unit: OrgUnit
    fiscal_year: FiscalYear
    as_of: date
    projects: list[ProjectLine]


def form302_projects(user: AnyUser, fiscal_year: FiscalYear, unit: OrgUnit) -> QuerySet[Project]:
    """The projects of the form: those of the current approved or published version of each
    plan of the year, led by ``unit`` or a unit below it, not cancelled, that the user may view."""
    return (
        Project.objects.restrict(user, Action.VIEW)
        .filter(
            plan_version__in=current_settled_versions(fiscal_year.pk),
            lead_unit_path__startswith=unit.path,
        )
        .exclude(status=Project.Status.CANCELLED)
        .select_related("lead_unit")
        .order_by("lead_unit_path", "code", "pk")
    )


def _activity_lines(activities: list[Activity], prefix: str) -> list[ActivityLine]:
    """The activities of one project in tree order, numbered under the project's number."""
    children: dict[int | None, list[Activity]] = defaultdict(list)
    for activity in activities:
        children[activity.parent_id].append(activity)
    lines: list[ActivityLine] = []

    def walk(parent_id: int | None, depth: int, number: str) -> None:
        for index, activity in enumerate(
            sorted(children.get(parent_id, []), key=lambda a: (a.number, a.pk)), start=1
        ):
            own = f"{number}.{index}"
            lines.append(ActivityLine(activity, depth, own))
            walk(activity.pk, depth + 1, own)

    walk(None, 0, prefix)
    return lines


def form302_data(
    user: AnyUser, fiscal_year: FiscalYear, unit: OrgUnit, *, as_of: date | None = None
) -> Form302:
    """Everything the sheet shows (a fixed number of queries, see the module)."""
    day = as_of or timezone.localdate()
    projects = list(form302_projects(user, fiscal_year, unit))
    ids = [project.pk for project in projects]
    lines = {
        project.pk: ProjectLine(project, str(number))
        for number, project in enumerate(projects, start=1)
    }
    if not projects:
        return Form302(unit, fiscal_year, day, [])
    visible = form302_projects(user, fiscal_year, unit).values("pk")
    # Reports and results follow a project and an indicator across plan revisions by lineage.
    visible_lineages = form302_projects(user, fiscal_year, unit).values("lineage")

    # Activities, with their status in each quarter's report (by the activity's lineage).
    activities: dict[int, list[Activity]] = defaultdict(list)
    for activity in Activity.objects.restrict(user, Action.VIEW).filter(project__in=visible):
        activities[activity.project_id].append(activity)
    labels = dict(ProgressStatus.choices)
    statuses: dict[tuple[Any, Any, str], str] = {}
    for lineage, project_lineage, kind, status in (
        ActivityProgress.objects.restrict(user, Action.VIEW)
        .filter(
            report__period__fiscal_year=fiscal_year,
            report__period__kind__in=QUARTERS,
            report__project_lineage__in=visible_lineages,
        )
        .values_list(
            "activity__lineage", "report__project_lineage", "report__period__kind", "status"
        )
    ):
        if status:
            statuses[(project_lineage, lineage, kind)] = str(labels.get(status, status))
    for project_id, line in lines.items():
        line.activities = _activity_lines(activities.get(project_id, []), line.number)
        for activity_line in line.activities:
            for kind in QUARTERS:
                key = (line.project.lineage, activity_line.activity.lineage, kind)
                if key in statuses:
                    activity_line.statuses[kind] = statuses[key]

    # Indicators, their quarterly targets and their results.
    indicators = list(
        Indicator.objects.restrict(user, Action.VIEW)
        .filter(project__in=visible)
        .order_by("project_id", "number", "pk")
    )
    indicator_lines = {indicator.pk: IndicatorLine(indicator) for indicator in indicators}
    for indicator_id, kind, value in (
        IndicatorTarget.objects.restrict(user, Action.VIEW)
        .filter(indicator__project__in=visible, period__in=QUARTERS)
        .values_list("indicator_id", "period", "value")
    ):
        indicator_lines[indicator_id].targets[kind] = value
    by_lineage = {indicator.lineage: indicator_lines[indicator.pk] for indicator in indicators}
    for lineage, kind, value in (
        IndicatorResult.objects.restrict(user, Action.VIEW)
        .filter(
            period__fiscal_year=fiscal_year,
            period__kind__in=QUARTERS,
            indicator_lineage__in=Indicator.objects.filter(project__in=visible).values("lineage"),
        )
        .values_list("indicator_lineage", "period__kind", "actual_value")
    ):
        if lineage in by_lineage:
            by_lineage[lineage].results[kind] = value
    for indicator in indicators:
        if indicator.project_id is not None:
            lines[indicator.project_id].indicators.append(indicator_lines[indicator.pk])

    # Money: the spending plan and the disbursements to the end of each quarter.
    period = fiscal_year.period
    lineages = [project.lineage for project in projects]
    cumulative: dict[str, dict[Any, Figures]] = {}
    for number, kind in enumerate(QUARTERS, start=1):
        quarter = FiscalQuarter(period, number)
        found: dict[Any, Figures] = {}
        for part in _chunks(lineages):
            for lineage, money in project_figures(fiscal_year, quarter.end, lineages=part).items():
                found[lineage] = money.figures
        cumulative[kind] = found
    for line in lines.values():
        lineage = line.project.lineage
        before = Figures()
        for number, kind in enumerate(QUARTERS, start=1):
            quarter = FiscalQuarter(period, number)
            now = cumulative[kind].get(lineage, Figures())
            line.money[kind] = QuarterMoney(
                planned=now.planned - before.planned,
                disbursed=now.disbursed - before.disbursed if quarter.start <= day else None,
            )
            before = now
        line.allocated = before.allocated
    return Form302(unit, fiscal_year, day, [lines[pk] for pk in ids])


# The sheet ------------------------------------------------------------------------------------

#: Columns before the quarters: number, name, unit of measure, the year's target or budget.
LEAD_COLUMNS = 4
#: Then per quarter: target and result; then per quarter: planned and disbursed money; then the
#: year's totals and the responsible unit.


def _quarter_titles(fiscal_year: FiscalYear) -> list[str]:
    return [FiscalQuarter(fiscal_year.period, n).label() for n in (1, 2, 3, 4)]


def form302_workbook(form: Form302) -> Workbook:
    """The sheet: a title block, two header rows, then each project with its activities and
    indicators, and the total of the money."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("ผลการปฏิบัติงาน")
    plain = Font(name=FONT_NAME, size=12)
    bold = Font(name=FONT_NAME, size=12, bold=True)
    title = Font(name=FONT_NAME, size=14, bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    project_fill = PatternFill("solid", fgColor="F5F7FA")
    thin = Side(style="thin", color="A9B4C2")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    quarters = _quarter_titles(form.fiscal_year)
    first_money = LEAD_COLUMNS + 1 + 2 * len(QUARTERS)
    totals = first_money + 2 * len(QUARTERS)
    width = totals + 2

    caption = [
        (_("แบบรายงานผลการปฏิบัติงานและการใช้จ่ายงบประมาณ (รูปแบบตามแบบ สงป. 302)"), title),
        (_("หน่วยงาน: %(unit)s") % {"unit": form.unit.name}, bold),
        (_("ปีงบประมาณ พ.ศ. %(year)s") % {"year": form.fiscal_year.year}, bold),
        (_("ข้อมูล ณ วันที่ %(date)s") % {"date": format_date_long(form.as_of)}, plain),
        (
            _(
                "เงิน: บาท · ตัวชี้วัด: ค่าเป้าหมายและผลการดำเนินงานรายไตรมาส · "
                "กิจกรรม: สถานะการดำเนินงานรายไตรมาสตามรายงานความก้าวหน้า"
            ),
            plain,
        ),
    ]
    for index, (text, font) in enumerate(caption, start=1):
        cell = sheet.cell(row=index, column=1, value=text)
        cell.font = font
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    top = len(caption) + 2
    sub = top + 1

    def header(column: int, text: str, *, span: int = 1) -> None:
        sheet.cell(row=top, column=column, value=text)
        if span == 1:
            sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
        else:
            sheet.merge_cells(
                start_row=top, start_column=column, end_row=top, end_column=column + span - 1
            )

    header(1, _("ลำดับ"))
    header(2, _("ผลผลิต/โครงการ กิจกรรม และตัวชี้วัด"))
    header(3, _("หน่วยนับ"))
    header(4, _("ค่าเป้าหมาย/งบประมาณทั้งปี"))
    for offset, label in enumerate(quarters):
        column = LEAD_COLUMNS + 1 + 2 * offset
        header(column, _("%(quarter)s: เป้าหมายและผล") % {"quarter": label}, span=2)
        sheet.cell(row=sub, column=column, value=_("เป้าหมาย"))
        sheet.cell(row=sub, column=column + 1, value=_("ผล"))
    for offset, label in enumerate(quarters):
        column = first_money + 2 * offset
        header(column, _("%(quarter)s: เงิน (บาท)") % {"quarter": label}, span=2)
        sheet.cell(row=sub, column=column, value=_("แผนการใช้จ่าย"))
        sheet.cell(row=sub, column=column + 1, value=_("ผลการเบิกจ่าย"))
    header(totals, _("รวมทั้งปี (บาท)"), span=2)
    sheet.cell(row=sub, column=totals, value=_("แผนการใช้จ่าย"))
    sheet.cell(row=sub, column=totals + 1, value=_("ผลการเบิกจ่าย"))
    header(width, _("หน่วยงานรับผิดชอบ"))
    for column in range(1, width + 1):
        for row in (top, sub):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.fill, cell.alignment, cell.border = bold, header_fill, centre, border
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.column_dimensions["A"].width = 9
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 11
    sheet.column_dimensions[get_column_letter(width)].width = 28

    row_number = sub

    def put(values: dict[int, Any], *, font: Font, fill: PatternFill | None = None) -> None:
        nonlocal row_number
        row_number += 1
        for column in range(1, width + 1):
            value = values.get(column)
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.font = font
            cell.border = border
            if fill is not None:
                cell.fill = fill
            if column == 2:
                cell.alignment = wrap
            if isinstance(value, Decimal):
                money = column >= first_money or (column == 4 and font is bold)
                cell.number_format = MONEY_FORMAT if money else VALUE_FORMAT

    total_planned = dict.fromkeys(QUARTERS, ZERO)
    total_disbursed = dict.fromkeys(QUARTERS, ZERO)
    for line in form.projects:
        project = line.project
        values: dict[int, Any] = {
            1: line.number,
            2: f"{project.code} {project.name}".strip(),
            3: _("บาท"),
            4: line.allocated or project.budget,
            totals: line.planned_total,
            totals + 1: line.disbursed_total,
            width: project.lead_unit.name if project.lead_unit else "",
        }
        for offset, kind in enumerate(QUARTERS):
            money = line.money[kind]
            values[first_money + 2 * offset] = money.planned
            values[first_money + 2 * offset + 1] = money.disbursed
            total_planned[kind] += money.planned
            total_disbursed[kind] += money.disbursed or ZERO
        put(values, font=bold, fill=project_fill)
        for activity_line in line.activities:
            activity = activity_line.activity
            values = {
                1: activity_line.number,
                2: "    " * (activity_line.depth + 1) + activity.name,
                3: _("บาท"),
                4: activity.budget,
            }
            for offset, kind in enumerate(QUARTERS):
                values[LEAD_COLUMNS + 2 + 2 * offset] = activity_line.statuses.get(kind)
            put(values, font=plain)
        for indicator_line in line.indicators:
            indicator = indicator_line.indicator
            values = {
                2: "    " + _("ตัวชี้วัด: %(name)s") % {"name": indicator.name},
                3: indicator.unit_of_measure,
                4: indicator.target_value,
            }
            for offset, kind in enumerate(QUARTERS):
                values[LEAD_COLUMNS + 1 + 2 * offset] = indicator_line.targets.get(kind)
                values[LEAD_COLUMNS + 2 + 2 * offset] = indicator_line.results.get(kind)
            put(values, font=plain)
    if form.projects:
        values = {2: _("รวมทั้งสิ้น")}
        for offset, kind in enumerate(QUARTERS):
            values[first_money + 2 * offset] = total_planned[kind]
            values[first_money + 2 * offset + 1] = total_disbursed[kind]
        values[totals] = sum(total_planned.values(), ZERO)
        values[totals + 1] = sum(total_disbursed.values(), ZERO)
        put(values, font=bold, fill=header_fill)
    else:
        cell = sheet.cell(row=sub + 1, column=1, value=_("ไม่มีโครงการที่ต้องรายงานในปีงบประมาณนี้"))
        cell.font = plain
    sheet.freeze_panes = sheet.cell(row=sub + 1, column=3)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{sub}"
    return workbook


def form302_response(form: Form302) -> HttpResponse:
    workbook = form302_workbook(form)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    stem = f"form302-{form.unit.pk}-{form.fiscal_year.year}"
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "xlsx")}"'
    return response
