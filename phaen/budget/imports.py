"""Commitments and disbursements from a spreadsheet (.xlsx or .csv), all or nothing.

Columns (Thai or English headers, any order): the allocation, either by รหัสการจัดสรร (its id) or
by รหัสโครงการ + ลำดับกิจกรรม (a project code and activity number of the current plan version,
when they point to exactly one allocation the user may record against), then วันที่ (BE or CE),
เลขที่เอกสาร, จำนวนเงิน (Thai digits and separators accepted), คู่สัญญา, รายละเอียด and an optional
เหตุผลที่เกินวงเงิน (units whose policy allows over-spending with a reason). Disbursements may
name เลขที่ใบสั่งซื้อ/สัญญา: the commitment of the same allocation with that document number.

Every row goes through the services (``commitment_create`` / ``disbursement_create``) in one
transaction. Checking a file runs them and rolls everything back, so the preview lists every row
the services refuse (over-spending included) with its line and the service's message; applying
runs them again and keeps the result only when no row fails.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from phaen.budget.forms import allocation_label, recordable_allocations
from phaen.budget.models import Allocation, Commitment, Disbursement
from phaen.budget.services import commitment_create, disbursement_create
from phaen.core.access import Action
from phaen.core.exceptions import DomainError
from phaen.core.imports import ImportPlan, RowError, read_rows, upload_lines
from phaen.plans.filters import current_versions
from phaen.plans.models import Activity, Project
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import ThaiDateError, be_year, parse_date
from phaen.thai.money import SATANG, ThaiNumberError, parse_number

if TYPE_CHECKING:
    from phaen.core.access import AnyUser

MAX_ROWS = 5000
Kind = Literal["commitment", "disbursement"]

#: Column keys and their Thai headers, in the order the templates write them.
COMMITMENT_COLUMNS: list[tuple[str, str]] = [
    ("allocation", "รหัสการจัดสรร"),
    ("project_code", "รหัสโครงการ"),
    ("activity_number", "ลำดับกิจกรรม"),
    ("date", "วันที่"),
    ("document_number", "เลขที่เอกสาร"),
    ("amount", "จำนวนเงิน"),
    ("counterpart", "คู่สัญญา"),
    ("description", "รายละเอียด"),
    ("override_reason", "เหตุผลที่เกินวงเงิน"),
]
DISBURSEMENT_COLUMNS: list[tuple[str, str]] = [
    *COMMITMENT_COLUMNS[:6],
    ("commitment_number", "เลขที่ใบสั่งซื้อ/สัญญา"),
    *COMMITMENT_COLUMNS[6:],
]
COLUMNS: dict[Kind, list[tuple[str, str]]] = {
    "commitment": COMMITMENT_COLUMNS,
    "disbursement": DISBURSEMENT_COLUMNS,
}
LABELS = dict(DISBURSEMENT_COLUMNS)
HEADERS: dict[str, str] = {
    **{key: key for key, _label in DISBURSEMENT_COLUMNS},
    **{label: key for key, label in DISBURSEMENT_COLUMNS},
    "allocation_id": "allocation",
    "การจัดสรร": "allocation",
    "project": "project_code",
    "โครงการ": "project_code",
    "activity": "activity_number",
    "กิจกรรม": "activity_number",
    "วันที่เอกสาร": "date",
    "เลขที่": "document_number",
    "document": "document_number",
    "จำนวนเงิน (บาท)": "amount",
    "คู่สัญญา/ผู้ขาย": "counterpart",
    "ผู้ขาย": "counterpart",
    "commitment": "commitment_number",
    "po_number": "commitment_number",
    "contract_number": "commitment_number",
    "เลขที่ใบสั่งซื้อ": "commitment_number",
    "เลขที่สัญญา": "commitment_number",
    "เหตุผลที่ใช้จ่ายเกินวงเงิน": "override_reason",
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    "commitment": ("date", "document_number", "amount", "counterpart"),
    "disbursement": ("date", "document_number", "amount"),
}
LIMITS = {
    "document_number": 100,
    "commitment_number": 100,
    "counterpart": 255,
    "description": 500,
    "override_reason": 2000,
}
#: Which column a service's error belongs to (the field it names → the file's column).
FIELD_COLUMNS = {
    "allocation": "allocation",
    "date": "date",
    "amount": "amount",
    "commitment": "commitment_number",
    "override_reason": "override_reason",
    "document_number": "document_number",
    "counterpart": "counterpart",
}
_EXCEL_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")


@dataclass
class RecordRow:
    """One checked row of the file, ready for the service."""

    line: int
    allocation: Allocation | None = None
    date: date | None = None
    document_number: str = ""
    amount: Decimal | None = None
    counterpart: str = ""
    description: str = ""
    override_reason: str = ""
    commitment: Commitment | None = None
    existing: None = None  # rows always add records
    readable: bool = True  # False: the row itself has errors, so no service is tried on it

    @property
    def allocation_text(self) -> str:
        return allocation_label(self.allocation) if self.allocation is not None else ""


@dataclass
class RecordImportPlan(ImportPlan[RecordRow]):
    kind: Kind = "commitment"

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows if row.amount is not None), Decimal("0.00"))


# Reading and checking ----------------------------------------------------------------------


def _error(plan: RecordImportPlan, line: int, key: str, message: str) -> None:
    plan.errors.append(RowError(line, LABELS.get(key, key), message))


def _read_date(text: str) -> date:
    match = _EXCEL_DATETIME.match(text)  # a date cell of an Excel file
    return parse_date(match[1] if match else text).value


def _read_amount(text: str) -> Decimal:
    amount = parse_number(text)
    if amount != amount.quantize(SATANG):
        raise ThaiNumberError(_("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"))
    if amount <= 0:
        raise ThaiNumberError(_("จำนวนเงินต้องมากกว่าศูนย์"))
    return amount.quantize(SATANG)


def activity_number(activity: Activity) -> str:
    """ "2" for a main activity, "2.1" for a sub-activity of activity 2."""
    numbers = [str(activity.number)]
    parent = activity.parent
    while parent is not None:
        numbers.insert(0, str(parent.number))
        parent = parent.parent
    return ".".join(numbers)


class AllocationFinder:
    """Finds the allocation of a row among those the user may record against, by id or by
    project code and activity number (current plan versions), in a few queries per file."""

    def __init__(self, actor: AnyUser, kind: Kind, values: Iterable[dict[str, str]]) -> None:
        model = Commitment if kind == "commitment" else Disbursement
        self.recordable = recordable_allocations(actor, model).select_related("activity__parent")
        values = list(values)
        ids = {int(v["allocation"]) for v in values if v.get("allocation", "").isdigit()}
        self.by_id = {a.pk: a for a in self.recordable.filter(pk__in=ids)}
        codes = {v["project_code"] for v in values if v.get("project_code")}
        self.projects: dict[tuple[int, str], list[Project]] = defaultdict(list)
        self.by_lineage: dict[Any, list[Allocation]] = defaultdict(list)
        self.activity_lineage: dict[tuple[int, str], Any] = {}
        if not codes:
            return
        projects = list(
            Project.objects.restrict(actor, Action.VIEW)
            .filter(code__in=codes, plan_version__in=current_versions())
            .select_related("plan_version__plan__fiscal_year")
        )
        for project in projects:
            self.projects[(project.plan_version.plan.fiscal_year.year, project.code)].append(
                project
            )
        for allocation in self.recordable.filter(project_lineage__in=[p.lineage for p in projects]):
            self.by_lineage[(allocation.fiscal_year.year, allocation.project_lineage)].append(
                allocation
            )
        for activity in Activity.objects.filter(project__in=projects).select_related(
            "parent__parent"
        ):
            self.activity_lineage[(activity.project_id, activity_number(activity))] = (
                activity.lineage
            )

    def find(self, values: dict[str, str], day: date | None) -> tuple[Allocation | None, str, str]:
        """(allocation, "", "") or (None, the column, the Thai message)."""
        allocation_id = values.get("allocation", "")
        if allocation_id:
            if not allocation_id.isdigit():
                return None, "allocation", _("รหัสการจัดสรรต้องเป็นตัวเลข")
            found = self.by_id.get(int(allocation_id))
            if found is None:
                return (
                    None,
                    "allocation",
                    _(
                        "ไม่พบการจัดสรรรหัส %s ที่คุณบันทึกได้ (ต้องเป็นการจัดสรรระดับล่างสุดของปีงบประมาณที่เปิดอยู่ "
                        "ในหน่วยงานที่คุณมีสิทธิ์)"
                    )
                    % allocation_id,
                )
            return found, "", ""
        code = values.get("project_code", "")
        if not code:
            return None, "allocation", _("ต้องระบุรหัสการจัดสรร หรือรหัสโครงการ (และลำดับกิจกรรม)")
        if day is None:
            return None, "project_code", _("ต้องมีวันที่ที่ถูกต้องจึงจะหาโครงการตามปีงบประมาณได้")
        year = FiscalPeriod.of(day).be
        projects = self.projects.get((year, code), [])
        if not projects:
            return (
                None,
                "project_code",
                _("ไม่พบโครงการรหัส %(code)s ในแผนปีงบประมาณ พ.ศ. %(year)s ที่คุณเห็นได้")
                % {"code": code, "year": year},
            )
        if len(projects) > 1:
            return (
                None,
                "project_code",
                _("รหัสโครงการ %(code)s ซ้ำกันในหลายแผน (%(plans)s) กรุณาใช้รหัสการจัดสรรแทน")
                % {"code": code, "plans": ", ".join(str(p.plan_version.plan) for p in projects)},
            )
        project = projects[0]
        candidates = self.by_lineage.get((year, project.lineage), [])
        number = values.get("activity_number", "").strip()
        if number:
            lineage = self.activity_lineage.get((project.pk, number))
            if lineage is None:
                return (
                    None,
                    "activity_number",
                    _("โครงการ %(code)s ไม่มีกิจกรรมลำดับที่ %(number)s")
                    % {"code": code, "number": number},
                )
            candidates = [a for a in candidates if a.activity and a.activity.lineage == lineage]
        elif len(candidates) > 1:
            candidates = [a for a in candidates if a.activity_id is None] or candidates
        if not candidates:
            return (
                None,
                "activity_number" if number else "project_code",
                _("ไม่พบการจัดสรรของโครงการ %(code)s%(activity)s ที่คุณบันทึกได้ในปีงบประมาณ พ.ศ. %(year)s")
                % {
                    "code": code,
                    "activity": (_(" กิจกรรม %s") % number) if number else "",
                    "year": year,
                },
            )
        if len(candidates) > 1:
            return (
                None,
                "allocation",
                (
                    _(
                        "โครงการ %(code)s กิจกรรม %(number)s มีการจัดสรรที่บันทึกได้หลายรายการ "
                        "(รหัส %(ids)s) กรุณาระบุรหัสการจัดสรร"
                    )
                    if number
                    else _(
                        "โครงการ %(code)s มีการจัดสรรที่บันทึกได้หลายรายการ (รหัส %(ids)s) "
                        "กรุณาระบุลำดับกิจกรรมหรือรหัสการจัดสรร"
                    )
                )
                % {"code": code, "number": number, "ids": ", ".join(str(a.pk) for a in candidates)},
            )
        return candidates[0], "", ""


def plan_record_import(
    kind: Kind, name: str, data: bytes, *, actor: AnyUser, reason: str = ""
) -> RecordImportPlan:
    """Read and check every row, then try them through the services and roll back: the plan
    lists every problem, the services' refusals included. Nothing is written."""
    plan = RecordImportPlan(kind=kind)
    read, plan.errors = read_rows(
        upload_lines(name, data),
        headers=HEADERS,
        required=REQUIRED[kind],
        max_rows=MAX_ROWS,
        labels=LABELS,
    )
    if plan.errors and not read:
        return plan
    finder = AllocationFinder(actor, kind, (item.values for item in read))
    for item in read:
        plan.rows.append(_check_row(plan, kind, item.line, item.values, finder))
    if kind == "disbursement":
        _find_commitments(plan, actor, read)
    failing = {error.line for error in plan.errors}
    for row in plan.rows:
        row.readable = row.line not in failing
    # The rows that read well go through the services too, so one look lists every problem.
    plan.errors += run_rows(plan, actor=actor, reason=reason, keep=False)
    plan.errors.sort(key=lambda error: error.line)
    return plan


def _check_row(
    plan: RecordImportPlan, kind: Kind, line: int, values: dict[str, str], finder: AllocationFinder
) -> RecordRow:
    row = RecordRow(
        line=line,
        document_number=values.get("document_number", ""),
        counterpart=values.get("counterpart", ""),
        description=values.get("description", ""),
        override_reason=values.get("override_reason", ""),
    )
    for key in REQUIRED[kind]:
        if not values.get(key):
            _error(plan, line, key, _("ต้องระบุ%s") % LABELS[key])
    for key, limit in LIMITS.items():
        if len(values.get(key, "")) > limit:
            _error(plan, line, key, _("ยาวเกิน %d ตัวอักษร") % limit)
    if values.get("date"):
        try:
            row.date = _read_date(values["date"])
        except ThaiDateError as error:
            _error(plan, line, "date", error.message)
    if values.get("amount"):
        try:
            row.amount = _read_amount(values["amount"])
        except ThaiNumberError as error:
            _error(plan, line, "amount", error.message)
    row.allocation, column, message = finder.find(values, row.date)
    if message:
        _error(plan, line, column, message)
    if kind == "disbursement" and row.counterpart and not values.get("commitment_number"):
        # A direct disbursement has no counterpart of its own: keep who was paid in its text.
        row.description = (
            f"{row.description} ({row.counterpart})" if row.description else row.counterpart
        )[: LIMITS["description"]]
    return row


def _find_commitments(plan: RecordImportPlan, actor: AnyUser, read: list[Any]) -> None:
    """Attach disbursements to the commitment of their allocation with the given number."""
    wanted = {
        (row.allocation.pk, item.values["commitment_number"]): row
        for row, item in zip(plan.rows, read, strict=True)
        if row.allocation is not None and item.values.get("commitment_number")
    }
    if not wanted:
        return
    found: dict[tuple[int, str], list[Commitment]] = defaultdict(list)
    for commitment in Commitment.objects.restrict(actor, Action.VIEW).filter(
        allocation_id__in={key[0] for key in wanted},
        document_number__in={key[1] for key in wanted},
    ):
        found[(commitment.allocation_id, commitment.document_number)].append(commitment)
    for row, item in zip(plan.rows, read, strict=True):
        number = item.values.get("commitment_number", "")
        if row.allocation is None or not number:
            continue
        matches = found.get((row.allocation.pk, number), [])
        open_ones = [c for c in matches if c.status == Commitment.Status.OPEN]
        if len(open_ones) == 1 or (len(matches) == 1 and not open_ones):
            row.commitment = (open_ones or matches)[0]
        elif not matches:
            _error(
                plan,
                row.line,
                "commitment_number",
                _("ไม่พบข้อผูกพันเลขที่ %s ในการจัดสรรของแถวนี้") % number,
            )
        else:
            _error(
                plan,
                row.line,
                "commitment_number",
                _("มีข้อผูกพันเลขที่ %s ที่ยังเปิดอยู่หลายรายการในการจัดสรรนี้ กรุณาบันทึกทีละรายการบนหน้าเว็บ")
                % number,
            )


# Running the rows through the services -------------------------------------------------------


def _record(row: RecordRow, kind: Kind, *, actor: AnyUser, reason: str) -> None:
    if row.allocation is None or row.date is None or row.amount is None:
        raise DomainError(_("แถวนี้ยังมีข้อมูลไม่ครบ"))
    if row.override_reason:
        # The history keeps both: where the record came from, and why it may go over.
        reason = f"{reason} – {row.override_reason}" if reason else row.override_reason
    if kind == "commitment":
        commitment_create(
            actor=actor,  # type: ignore[arg-type]
            instance=Commitment(
                allocation=row.allocation,
                date=row.date,
                document_number=row.document_number,
                amount=row.amount,
                counterpart=row.counterpart,
                description=row.description,
                override_reason=row.override_reason,
            ),
            reason=reason,
        )
    else:
        disbursement_create(
            actor=actor,  # type: ignore[arg-type]
            instance=Disbursement(
                allocation=row.allocation,
                commitment=row.commitment,
                date=row.date,
                document_number=row.document_number,
                amount=row.amount,
                description=row.description,
                override_reason=row.override_reason,
            ),
            reason=reason,
        )


def _message_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def run_rows(plan: RecordImportPlan, *, actor: AnyUser, reason: str, keep: bool) -> list[RowError]:
    """Every row through its service, in file order, in one transaction; each refusal is a
    RowError. Kept only when ``keep`` and no row failed; otherwise everything is rolled back."""
    errors: list[RowError] = []
    with transaction.atomic():
        for row in plan.rows:
            if not row.readable:
                continue
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves no trace
                    _record(row, plan.kind, actor=actor, reason=reason)
            except DomainError as error:
                column = FIELD_COLUMNS.get(error.field or "", "")
                errors.append(RowError(row.line, LABELS.get(column, ""), error.message))
            except ValidationError as error:
                errors.append(RowError(row.line, "", _message_of(error)))
        if errors or not keep:
            transaction.set_rollback(True)
    return errors


def apply_record_import(plan: RecordImportPlan, *, actor: AnyUser, reason: str) -> int:
    """Write a checked plan, all rows or none. Returns the number of records written."""
    if plan.errors:
        raise DomainError(_("ยังมีข้อผิดพลาดในไฟล์ จึงไม่นำเข้าข้อมูลใด ๆ"))
    errors = run_rows(plan, actor=actor, reason=reason, keep=True)
    if errors:
        first = errors[0]
        raise DomainError(
            _("แถวที่ %(line)s: %(message)s จึงไม่นำเข้าข้อมูลใด ๆ (พบข้อผิดพลาด %(count)s แถว)")
            % {"line": first.line, "message": first.message, "count": len(errors)}
        )
    return len(plan.rows)


# The template files --------------------------------------------------------------------------


def template_workbook(kind: Kind, allocations: QuerySet[Allocation]) -> bytes:
    """The import template: the columns with an example row, and a second sheet listing the
    allocations the user may record against (their ids, projects and activities)."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("ก่อหนี้ผูกพัน") if kind == "commitment" else _("เบิกจ่าย")
    bold = Font(bold=True)
    columns = COLUMNS[kind]
    sheet.append([label for _key, label in columns])
    for cell in sheet[1]:
        cell.font = bold
    rows = list(allocations.select_related("activity__parent")[:1000])
    example_allocation = rows[0] if rows else None
    today = date.today()
    example = {
        "allocation": str(example_allocation.pk) if example_allocation else "",
        "date": f"{today.day}/{today.month}/{be_year(today.year)}",
        "document_number": "ศธ 0000/0001" if kind == "commitment" else "ขบ 0001",
        "amount": "12,500.00",
        "counterpart": _("ร้านตัวอย่าง"),
        "description": _("ตัวอย่าง: ลบแถวนี้ก่อนนำเข้า"),
    }
    sheet.append([example.get(key, "") for key, _label in columns])
    for letter in "ABCDEFGHIJ":
        sheet.column_dimensions[letter].width = 20
    listing = workbook.create_sheet(_("การจัดสรรที่บันทึกได้"))
    listing.append(
        [
            LABELS["allocation"],
            _("ปีงบประมาณ"),
            _("หน่วยงาน"),
            LABELS["project_code"],
            _("ชื่อโครงการ"),
            LABELS["activity_number"],
            _("ชื่อกิจกรรม"),
            _("แหล่งเงิน"),
            _("งบรายจ่าย/รายการ"),
            _("วงเงิน (บาท)"),
        ]
    )
    for cell in listing[1]:
        cell.font = bold
    for allocation in rows:
        listing.append(
            [
                allocation.pk,
                allocation.fiscal_year.year,
                allocation.unit.name,
                allocation.project.code if allocation.project else "",
                allocation.project.name if allocation.project else "",
                activity_number(allocation.activity) if allocation.activity else "",
                allocation.activity.name if allocation.activity else "",
                allocation.fund_source.name,
                allocation.category.name,
                allocation.amount,
            ]
        )
    for letter in "ABCDEFGHIJ":
        listing.column_dimensions[letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
