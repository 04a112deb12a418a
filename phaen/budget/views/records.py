"""Budget pages: records (see phaen/budget/urls.py).

Commitments (ก่อหนี้ผูกพัน) and disbursements (เบิกจ่าย): lists, pages, forms, imports from a
spreadsheet, and a project's money tab. Every write goes through ``phaen.budget.services``
(the over-spend rule, dates inside the fiscal year, leaf allocations only, the running sums);
every read goes through ``restrict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.filters import CommitmentFilterSet, DisbursementFilterSet
from phaen.budget.forms import (
    CommitmentForm,
    DisbursementForm,
    allocation_label,
    open_commitments,
    recordable_allocations,
    search_allocations,
)
from phaen.budget.imports import (
    COLUMNS,
    Kind,
    RecordImportPlan,
    apply_record_import,
    plan_record_import,
    template_workbook,
)
from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    CarryOver,
    Commitment,
    Disbursement,
    ExpenseCategory,
    FundSource,
)
from phaen.budget.selectors import Figures, allocation_figures, percent, project_money
from phaen.budget.services import (
    commitment_create,
    commitment_delete,
    commitment_update,
    disbursement_create,
    disbursement_delete,
    disbursement_update,
    paid_on,
    policy_for,
)
from phaen.core.access import Action, can_at, has_any_role
from phaen.core.exports import XLSX_CONTENT_TYPE, export_filename
from phaen.core.imports import ImportUploadForm
from phaen.core.tables import Column, Table
from phaen.core.trees import path_ids
from phaen.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
)
from phaen.core.views.imports import import_flow
from phaen.plans.models import ActionPlan, FiscalYear, Project
from phaen.plans.selectors import current_version_ids
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import format_month_year
from phaen.thai.money import format_baht

if TYPE_CHECKING:
    from phaen.core.access import AnyUser
    from phaen.core.models import User

ZERO = Decimal("0.00")
#: The money tab lists this many of a project's latest commitments and disbursements.
TAB_ROWS = 20
#: The allocation picker's search lists at most this many matches.
SEARCH_RESULTS = 100


def target_text(allocation: Allocation) -> str:
    """What an allocation pays for: "P01 กิจกรรม 1", a project's code, or the unit."""
    if allocation.activity_id and allocation.project is not None:
        return f"{allocation.project.code} " + _("กิจกรรม %s") % allocation.activity.number  # type: ignore[union-attr]
    if allocation.project is not None:
        return allocation.project.code or allocation.project.name
    return allocation.unit.short_name or allocation.unit.name


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


# Commitments ---------------------------------------------------------------------------------

RECORD_RELATED = (
    "allocation__project",
    "allocation__activity",
    "allocation__unit",
    "allocation__fiscal_year",
    "allocation__fund_source",
    "allocation__category",
)


def commitment_balance_of(commitment: Commitment) -> Decimal:
    return commitment.amount - commitment.paid  # type: ignore[attr-defined]


class CommitmentTable(Table):
    columns = [
        Column("date", gettext_lazy("วันที่"), order_by="date"),
        Column(
            "document_number",
            gettext_lazy("เลขที่ใบสั่งซื้อ/สัญญา"),
            order_by="document_number",
            link=True,
        ),
        Column("counterpart", gettext_lazy("คู่สัญญา/ผู้ขาย"), order_by="counterpart"),
        Column(
            "target",
            gettext_lazy("โครงการ/กิจกรรม"),
            accessor=lambda c: target_text(c.allocation),
            order_by="allocation__project__code",
        ),
        Column(
            "unit", gettext_lazy("หน่วยงาน"), accessor="allocation.unit.label", order_by="unit_path"
        ),
        Column("amount", gettext_lazy("จำนวนเงิน (บาท)"), order_by="amount", numeric=True),
        Column("paid", gettext_lazy("เบิกจ่ายแล้ว (บาท)"), order_by="paid", numeric=True),
        Column(
            "balance", gettext_lazy("คงเหลือ (บาท)"), accessor=commitment_balance_of, numeric=True
        ),
        Column("status", gettext_lazy("สถานะ"), accessor="get_status_display", order_by="status"),
    ]
    default_order = ("-date", "-pk")


COMMITMENT_QUERYSET = Commitment.objects.select_related(*RECORD_RELATED)


class CommitmentListView(ObjectListView):
    queryset = paid_on(COMMITMENT_QUERYSET)
    filterset = CommitmentFilterSet
    table = CommitmentTable
    export_stem = "commitments"
    template_name = "budget/commitment_list.html"

    def extra_context(self) -> dict[str, Any]:
        return {"can_import": self.can_add(), "import_url": reverse("budget:commitment_import")}


class CommitmentDetailView(ObjectDetailView):
    queryset = paid_on(COMMITMENT_QUERYSET.select_related("carried_from", "updated_by"))
    template_name = "budget/commitment_detail.html"

    def extra_context(self, obj: Commitment) -> dict[str, Any]:
        user = self.request.user
        disbursements = list(
            Disbursement.objects.restrict(user, Action.VIEW)
            .filter(commitment=obj)
            .order_by("date", "pk")
        )
        carried = (
            CarryOver.objects.restrict(user, Action.VIEW)
            .filter(commitment=obj)
            .select_related("new_commitment")
            .first()
        )
        carried_in = (
            CarryOver.objects.restrict(user, Action.VIEW)
            .filter(new_commitment=obj)
            .select_related("commitment")
            .first()
        )
        may_disburse = obj.status == Commitment.Status.OPEN and can_at(
            user, Disbursement, Action.ADD, obj.unit_path
        )
        return {
            "paid": obj.paid,  # type: ignore[attr-defined]
            "balance": commitment_balance_of(obj),
            "disbursements": disbursements,
            "carried": carried,
            "carried_in": carried_in,
            "has_disbursements": bool(disbursements),
            "disburse_url": reverse("budget:disbursement_add") + f"?commitment={obj.pk}"
            if may_disburse
            else "",
        }


class RecordEditView(ObjectEditView):
    """Add or correct a record; the service refuses over-spending and the form keeps the input."""

    template_name = "budget/records_edit.html"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "project" in self.request.GET:
            initial["project"] = self.request.GET["project"]
        return initial

    def extra_context(self, instance: Any) -> dict[str, Any]:
        allocation = None
        if instance.pk:
            allocation = Allocation.objects.select_related(
                "fiscal_year", "unit", "project", "activity", "fund_source", "category"
            ).get(pk=instance.allocation_id)
        return {
            "allocation": allocation,
            "allocation_text": allocation_label(allocation) if allocation else "",
            "import_url": reverse(f"budget:{self.model._meta.model_name}_import"),
        }


class CommitmentEditView(RecordEditView):
    queryset = COMMITMENT_QUERYSET
    form = CommitmentForm
    create_service = staticmethod(commitment_create)
    update_service = staticmethod(commitment_update)


class CommitmentDeleteView(ObjectDeleteView):
    queryset = COMMITMENT_QUERYSET
    success_url_name = "budget:commitment_list"
    delete_service = staticmethod(commitment_delete)


class CommitmentHistoryView(ObjectHistoryView):
    queryset = Commitment.objects.all()


# Disbursements -------------------------------------------------------------------------------


def commitment_number(disbursement: Disbursement) -> str | None:
    return disbursement.commitment.document_number if disbursement.commitment else None


class DisbursementTable(Table):
    columns = [
        Column("date", gettext_lazy("วันที่"), order_by="date"),
        Column(
            "document_number",
            gettext_lazy("เลขที่เอกสารเบิกจ่าย"),
            order_by="document_number",
            link=True,
        ),
        Column("description", gettext_lazy("รายละเอียด")),
        Column(
            "target",
            gettext_lazy("โครงการ/กิจกรรม"),
            accessor=lambda d: target_text(d.allocation),
            order_by="allocation__project__code",
        ),
        Column(
            "unit", gettext_lazy("หน่วยงาน"), accessor="allocation.unit.label", order_by="unit_path"
        ),
        Column(
            "commitment",
            gettext_lazy("ตามข้อผูกพัน"),
            accessor=commitment_number,
            order_by="commitment__document_number",
        ),
        Column("amount", gettext_lazy("จำนวนเงิน (บาท)"), order_by="amount", numeric=True),
    ]
    default_order = ("-date", "-pk")


DISBURSEMENT_QUERYSET = Disbursement.objects.select_related(*RECORD_RELATED, "commitment")


class DisbursementListView(ObjectListView):
    queryset = DISBURSEMENT_QUERYSET
    filterset = DisbursementFilterSet
    table = DisbursementTable
    export_stem = "disbursements"
    template_name = "budget/disbursement_list.html"

    def extra_context(self) -> dict[str, Any]:
        return {"can_import": self.can_add(), "import_url": reverse("budget:disbursement_import")}


class DisbursementDetailView(ObjectDetailView):
    queryset = DISBURSEMENT_QUERYSET.select_related("updated_by")
    template_name = "budget/disbursement_detail.html"

    def extra_context(self, obj: Disbursement) -> dict[str, Any]:
        commitment = None
        if obj.commitment_id:
            commitment = (
                paid_on(Commitment.objects.restrict(self.request.user, Action.VIEW))
                .filter(pk=obj.commitment_id)
                .first()
            )
        return {
            "commitment": commitment,
            "commitment_balance": commitment_balance_of(commitment) if commitment else None,
        }


class DisbursementEditView(RecordEditView):
    queryset = DISBURSEMENT_QUERYSET
    form = DisbursementForm
    create_service = staticmethod(disbursement_create)
    update_service = staticmethod(disbursement_update)


class DisbursementDeleteView(ObjectDeleteView):
    queryset = DISBURSEMENT_QUERYSET
    success_url_name = "budget:disbursement_list"
    delete_service = staticmethod(disbursement_delete)


class DisbursementHistoryView(ObjectHistoryView):
    queryset = Disbursement.objects.all()


# htmx helpers of the forms -------------------------------------------------------------------


@dataclass
class Room:
    """What is left to spend on an allocation: its own branch, and the tightest allocation
    above it (the services refuse a record that overspends any of them)."""

    allocation: Allocation
    figures: Figures
    available: Decimal
    limited_by_above: bool
    policy: BudgetPolicy

    @property
    def warn_mode(self) -> bool:
        return self.policy.overspend_mode == BudgetPolicy.OverspendMode.WARN


def room_of(allocation: Allocation) -> Room:
    """The allocation's figures and what may still be used on it (five queries)."""
    chain = allocation_figures(Allocation.objects.filter(pk__in=path_ids(allocation.tree_path)))
    own = chain[allocation.pk]
    tightest = min(figures.remaining for figures in chain.values())
    return Room(
        allocation=allocation,
        figures=own,
        available=tightest,
        limited_by_above=tightest < own.remaining,
        policy=policy_for(allocation.unit),
    )


@login_required
def records_room(request: HttpRequest) -> HttpResponse:
    """The figures next to the allocation picker (and the chosen commitment's balance)."""
    allocation = (
        Allocation.objects.restrict(request.user, Action.VIEW)
        .select_related("unit", "fund_source", "category", "project", "activity", "fiscal_year")
        .filter(pk=_number(request.GET.get("allocation")) or 0)
        .first()
    )
    context: dict[str, Any] = {"room": room_of(allocation) if allocation else None}
    commitment_id = _number(request.GET.get("commitment"))
    if allocation is not None and commitment_id is not None:
        commitment = (
            paid_on(Commitment.objects.restrict(request.user, Action.VIEW))
            .filter(pk=commitment_id, allocation=allocation)
            .first()
        )
        if commitment is not None:
            context.update(commitment=commitment, balance=commitment_balance_of(commitment))
    return render(request, "budget/records_room.html", context)


@login_required
def records_allocations(request: HttpRequest) -> HttpResponse:
    """Options of the allocation picker matching a search (large scopes)."""
    model = Disbursement if request.GET.get("for") == "disbursement" else Commitment
    matches = search_allocations(
        recordable_allocations(request.user, model), request.GET.get("q", "")
    )
    options = [(a.pk, allocation_label(a)) for a in matches[:SEARCH_RESULTS]]
    return render(request, "budget/records_options.html", {"options": options})


@login_required
def records_commitments(request: HttpRequest) -> HttpResponse:
    """Options of the commitment select: the chosen allocation's open commitments."""
    field = DisbursementForm.base_fields["commitment"]
    commitments = open_commitments(request.user, _number(request.GET.get("allocation")))
    options = [(c.pk, field.label_from_instance(c)) for c in commitments]  # type: ignore[attr-defined]
    context = {"options": options, "empty_label": field.empty_label}  # type: ignore[attr-defined]
    return render(request, "budget/records_options.html", context)


# Imports -------------------------------------------------------------------------------------

IMPORT_SALT = "phaen.budget.records-import"
IMPORT_TITLES = {
    "commitment": gettext_lazy("นำเข้าการก่อหนี้ผูกพันจากไฟล์"),
    "disbursement": gettext_lazy("นำเข้าการเบิกจ่ายจากไฟล์"),
}


def _upload_form(*args: Any, **kwargs: Any) -> ImportUploadForm:
    return ImportUploadForm(
        *args,
        extensions=(".xlsx", ".csv"),
        type_message=_("รองรับเฉพาะไฟล์ Excel (.xlsx) หรือ CSV (.csv)"),
        label=_("ไฟล์ Excel หรือ CSV"),
        **kwargs,
    )


def _model_of(kind: Kind) -> type[Commitment | Disbursement]:
    return Commitment if kind == "commitment" else Disbursement


def _check_import_right(user: AnyUser, kind: Kind) -> None:
    if not has_any_role(user, _model_of(kind).access_rules.roles_for(Action.ADD)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์นำเข้ารายการประเภทนี้"))


def _records_import(request: HttpRequest, kind: Kind) -> HttpResponse:
    """Upload → every row checked and tried through the services → errors or a summary →
    confirm → all rows written in one transaction, or none."""
    _check_import_right(request.user, kind)
    actor: User = request.user  # type: ignore[assignment]

    def check(name: str, data: bytes) -> RecordImportPlan:
        return plan_record_import(kind, name, data, actor=actor)

    def apply(plan: RecordImportPlan, reason: str) -> str:
        count = apply_record_import(plan, actor=actor, reason=reason)
        return _("นำเข้าแล้ว %(count)s รายการ รวม %(total)s บาท") % {
            "count": count,
            "total": format_baht(plan.total),
        }

    list_url = reverse(f"budget:{kind}_list")
    return import_flow(
        request,
        salt=f"{IMPORT_SALT}.{kind}",
        form_class=_upload_form,
        check=check,
        apply=apply,
        template_name="budget/import_records.html",
        done_url=list_url,
        context={
            "kind": kind,
            "title": IMPORT_TITLES[kind],
            "verbose_name_plural": _model_of(kind)._meta.verbose_name_plural,
            "list_url": list_url,
            "template_url": reverse(f"budget:{kind}_import_template"),
            "columns": [label for _key, label in COLUMNS[kind]],
        },
    )


@login_required
def commitment_import(request: HttpRequest) -> HttpResponse:
    return _records_import(request, "commitment")


@login_required
def disbursement_import(request: HttpRequest) -> HttpResponse:
    return _records_import(request, "disbursement")


def _import_template(request: HttpRequest, kind: Kind) -> HttpResponse:
    _check_import_right(request.user, kind)
    allocations = recordable_allocations(request.user, _model_of(kind))
    response = HttpResponse(template_workbook(kind, allocations), content_type=XLSX_CONTENT_TYPE)
    filename = export_filename(f"{kind}s-template", "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def commitment_import_template(request: HttpRequest) -> HttpResponse:
    return _import_template(request, "commitment")


@login_required
def disbursement_import_template(request: HttpRequest) -> HttpResponse:
    return _import_template(request, "disbursement")


# A project's money tab -----------------------------------------------------------------------


@dataclass
class AllocationLine:
    allocation: Allocation
    figures: Figures
    depth: int


@dataclass
class FundCategoryLine:
    fund_source: FundSource
    category: ExpenseCategory
    figures: Figures


@dataclass
class MonthLine:
    """A row of the plan-versus-disbursed table: a month, or a quarter's subtotal."""

    label: str
    planned: Decimal
    disbursed: Decimal
    planned_to_date: Decimal
    disbursed_to_date: Decimal
    allocated: Decimal
    is_quarter: bool = False

    @property
    def gap(self) -> Decimal:
        """Disbursed to date minus planned to date (negative: behind the plan)."""
        return self.disbursed_to_date - self.planned_to_date

    @property
    def disbursed_rate(self) -> Decimal | None:
        return percent(self.disbursed_to_date, self.allocated)

    @property
    def planned_rate(self) -> Decimal | None:
        return percent(self.planned_to_date, self.allocated)


@dataclass
class ProjectMoneyTab:
    """What ``budget/project_money.html`` shows for one project and fiscal year."""

    project: Project
    fiscal_year: FiscalYear
    visible: bool
    total: Figures = field(default_factory=Figures)
    lines: list[AllocationLine] = field(default_factory=list)
    by_fund_category: list[FundCategoryLine] = field(default_factory=list)
    months: list[MonthLine] = field(default_factory=list)
    commitments: list[tuple[Commitment, Decimal]] = field(default_factory=list)  # and balance
    commitment_count: int = 0
    disbursements: list[Disbursement] = field(default_factory=list)
    disbursement_count: int = 0
    commitment_add_url: str = ""
    disbursement_add_url: str = ""
    commitments_url: str = ""
    disbursements_url: str = ""
    page_url: str = ""

    @property
    def available(self) -> Decimal:
        return self.total.remaining


def month_lines(months: list[tuple[date, Decimal, Decimal]], allocated: Decimal) -> list[MonthLine]:
    """Twelve months with a subtotal after each quarter, and the cumulative figures."""
    lines: list[MonthLine] = []
    planned_to_date = disbursed_to_date = ZERO
    quarter_planned = quarter_disbursed = ZERO
    for index, (month, planned, disbursed) in enumerate(months, start=1):
        planned_to_date += planned
        disbursed_to_date += disbursed
        quarter_planned += planned
        quarter_disbursed += disbursed
        lines.append(
            MonthLine(
                format_month_year(month.year, month.month),
                planned,
                disbursed,
                planned_to_date,
                disbursed_to_date,
                allocated,
            )
        )
        if index % 3 == 0:
            quarter = FiscalPeriod.of(month).quarter((index + 2) // 3)
            lines.append(
                MonthLine(
                    _("รวมไตรมาสที่ %s") % quarter.number,
                    quarter_planned,
                    quarter_disbursed,
                    planned_to_date,
                    disbursed_to_date,
                    allocated,
                    is_quarter=True,
                )
            )
            quarter_planned = quarter_disbursed = ZERO
    return lines


def _current_project_id(user: AnyUser, project: Project) -> int:
    """The project's row in its plan's current version (the lists filter by it)."""
    plan = ActionPlan.objects.filter(pk=project.plan_version.plan_id)
    current = (
        Project.objects.restrict(user, Action.VIEW)
        .filter(plan_version_id__in=current_version_ids(plan), lineage=project.lineage)
        .values_list("pk", flat=True)
        .first()
    )
    return current or project.pk


def project_money_context(
    user: AnyUser, project: Project, fiscal_year: FiscalYear | None = None
) -> dict[str, Any]:
    """The context of ``budget/project_money.html``: ``{"money_tab": ProjectMoneyTab}``.

    Shown to whoever may view the project's allocations (the project's lead unit and the units
    above it); a project partner who may view the project but not its money sees a notice.
    """
    year = fiscal_year or project.plan_version.plan.fiscal_year
    money = project_money(project, year)
    ids = [allocation.pk for allocation in money.allocations]
    visible_ids = set(
        Allocation.objects.restrict(user, Action.VIEW)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    tab = ProjectMoneyTab(project=project, fiscal_year=year, visible=visible_ids == set(ids))
    if not tab.visible:
        return {"money_tab": tab}
    tab.total = money.figures
    own = set(ids)
    groups: dict[tuple[int, int], FundCategoryLine] = {}
    for allocation in money.allocations:
        above = [pk for pk in path_ids(allocation.tree_path) if pk in own]
        figures = money.by_allocation[allocation.pk]
        tab.lines.append(AllocationLine(allocation, figures, len(above) - 1))
        if allocation.parent_id not in own:
            key = (allocation.fund_source_id, allocation.category_id)
            if key not in groups:
                groups[key] = FundCategoryLine(
                    allocation.fund_source, allocation.category, Figures()
                )
            groups[key].figures += figures
    tab.by_fund_category = list(groups.values())
    tab.months = month_lines(money.months, money.figures.allocated)
    tab.commitments = [(c, commitment_balance_of(c)) for c in money.commitments[:TAB_ROWS]]
    tab.commitment_count = len(money.commitments)
    tab.disbursements = money.disbursements[:TAB_ROWS]
    tab.disbursement_count = len(money.disbursements)
    if ids:
        if recordable_allocations(user, Commitment).filter(pk__in=ids).exists():
            tab.commitment_add_url = reverse("budget:commitment_add") + f"?project={project.pk}"
        if recordable_allocations(user, Disbursement).filter(pk__in=ids).exists():
            tab.disbursement_add_url = reverse("budget:disbursement_add") + f"?project={project.pk}"
        query = f"?fiscal_year={year.year}&project={_current_project_id(user, project)}"
        tab.commitments_url = reverse("budget:commitment_list") + query
        tab.disbursements_url = reverse("budget:disbursement_list") + query
    tab.page_url = reverse("budget:project_money", args=[project.pk])
    return {"money_tab": tab}


class ProjectMoneyView(PolicyView):
    """A project's money on a page of its own (the tab of the project page, standalone)."""

    queryset = Project.objects.select_related(
        "plan_version__plan__fiscal_year", "plan_version__plan__unit", "lead_unit", "strategy"
    )
    public_read = False  # money is never public, even of a published plan

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        project: Project = self.get_object()
        context = {"object": project, **project_money_context(request.user, project)}
        return render(request, "budget/project_money_page.html", context)
