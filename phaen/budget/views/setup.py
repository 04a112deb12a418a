"""Budget pages: setup (see phaen/budget/urls.py).

Reference data (fund sources, expenditure categories, the cabinet's disbursement targets, the
units' budget policies), allocations as a tree per unit and fiscal year, monthly spending plans,
transfers with their approval, and the year end (carry-over and lapse).

Every write goes through a service (the budget services, or the generic ``object_*`` ones for
plain reference rows); every read goes through ``restrict``. Pages that show many allocations
read their figures with ``allocation_figures``: a fixed number of queries per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.filters import (
    BudgetPolicyFilterSet,
    BudgetTransferFilterSet,
    CarryOverFilterSet,
    FundSourceFilterSet,
    LapseFilterSet,
)
from phaen.budget.forms import (
    ALLOCATION_LABEL_JOINS,
    AllocationCreateForm,
    AllocationEditForm,
    AllocationPickForm,
    BudgetPolicyForm,
    CarryOverExtendForm,
    DisbursementTargetForm,
    ExpenseCategoryForm,
    FundSourceForm,
    SpendingPlanForm,
    TransferDecisionForm,
    TransferRequestForm,
    YearEndForm,
    allocation_choice_label,
    period_label,
    period_order,
    transfer_targets,
)
from phaen.budget.models import (
    ZERO,
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    DisbursementTarget,
    ExpenseCategory,
    FundSource,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.selectors import Figures, allocation_figures, percent
from phaen.budget.services import (
    YearEndResult,
    allocation_create,
    allocation_delete,
    allocation_update,
    carry_over_deadline,
    carry_over_extend,
    children_total,
    paid_on,
    policy_for,
    spending_plan_set,
    spread_by_activities,
    spread_evenly,
    transfer_approve,
    transfer_reject,
    transfer_request,
    year_end_close,
)
from phaen.core.access import Action, can, can_at, covering_paths, has_any_role, user_grants
from phaen.core.audit import FieldChange, field_changes, history_for
from phaen.core.exceptions import DomainError
from phaen.core.fiscal import selected_fiscal_year
from phaen.core.forms import ReasonForm
from phaen.core.models import AuditEvent
from phaen.core.tables import Column, Table, export_value
from phaen.core.trees import path_ids
from phaen.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
    apply_domain_error,
    paginate,
)
from phaen.orgs.models import OrgUnit
from phaen.orgs.selectors import units_for
from phaen.plans.models import FiscalYear
from phaen.plans.views.structure import Crumb, safe_next
from phaen.thai.calendar import FiscalMonth, FiscalQuarter
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.money import format_baht

# Shared helpers ------------------------------------------------------------------------------


def setup_crumb() -> Crumb:
    return Crumb(_("ข้อมูลพื้นฐานงบประมาณ"), reverse("budget:setup"))


def may_manage_reference(user: Any, model: type[models.Model], action: str = Action.ADD) -> bool:
    """Reference data (fund sources, categories, targets) is changed by superusers and by the
    allowed roles of a top-level unit (the model's ``GLOBAL`` rules)."""
    if not user.is_authenticated:
        return False
    rules = model.access_rules  # type: ignore[attr-defined]
    return bool(user.is_superuser or rules.scope_q(user, action) is not None)


def default_unit(user: Any) -> OrgUnit | None:
    """The user's own unit: the highest unit of their memberships (a root for superusers)."""
    grants = sorted(user_grants(user), key=lambda g: (len(g.unit_path), g.unit_path))
    if grants:
        return OrgUnit.objects.filter(pk=grants[0].unit_id, is_active=True).first()
    if user.is_superuser:
        return OrgUnit.objects.filter(parent=None, is_active=True).order_by("path").first()
    return None


def year_of(request: HttpRequest, raw: str | None) -> FiscalYear | None:
    """The fiscal year named in the query (BE), else the one chosen in the header."""
    year = int(raw) if raw and raw.isdigit() else selected_fiscal_year(request).be
    return FiscalYear.objects.filter(year=year).first()


@dataclass
class UnitYear:
    """The unit and fiscal year a page shows, with the picker that changes them."""

    unit: OrgUnit | None
    fiscal_year: FiscalYear | None
    form: AllocationPickForm


def pick_unit_year(request: HttpRequest, data: Any = None) -> UnitYear:
    """From ``?unit=&fiscal_year=`` (default: the user's unit, the header's year). A unit
    outside what the user may see is 404."""
    data = request.GET if data is None else data
    user = request.user
    raw = str(data.get("unit") or "")
    unit: OrgUnit | None
    if raw.isdigit():
        unit = get_object_or_404(units_for(user, Allocation, Action.VIEW), pk=int(raw))
    else:
        unit = default_unit(user)
    year = year_of(request, str(data.get("fiscal_year") or ""))
    form = AllocationPickForm(
        initial={"unit": unit.pk if unit else None, "fiscal_year": year.year if year else None},
        user=user,
    )
    return UnitYear(unit, year, form)


def unit_year_query(unit: OrgUnit, fiscal_year: FiscalYear) -> str:
    return f"?unit={unit.pk}&fiscal_year={fiscal_year.year}"


# Setup hub -------------------------------------------------------------------------------------


@login_required
def setup_index(request: HttpRequest) -> HttpResponse:
    """ข้อมูลพื้นฐานงบประมาณ: the reference data and who may change it."""
    user = request.user
    sections = [
        (
            _("แหล่งเงิน"),
            _("งบประมาณรายจ่ายประจำปี งบของหน่วยงานในจังหวัด เงินนอกงบประมาณ เงินกันไว้เบิกเหลื่อมปี"),
            reverse("budget:fundsource_list"),
            FundSource.objects.filter(is_active=True).count(),
        ),
        (
            _("งบรายจ่ายและรายการ"),
            _("งบรายจ่ายตามการจำแนกของสำนักงบประมาณ แยกรายจ่ายประจำและรายจ่ายลงทุน"),
            reverse("budget:expensecategory_list"),
            ExpenseCategory.objects.filter(is_active=True).count(),
        ),
        (
            _("เป้าหมายการเบิกจ่ายตามมติคณะรัฐมนตรี"),
            _("ร้อยละการเบิกจ่ายสะสมรายไตรมาสหรือรายเดือน ภาพรวม รายจ่ายประจำ และรายจ่ายลงทุน"),
            reverse("budget:disbursementtarget_list"),
            DisbursementTarget.objects.count(),
        ),
        (
            _("นโยบายการควบคุมงบประมาณ"),
            _("การใช้จ่ายเกินวงเงิน (ไม่อนุญาต/อนุญาตเมื่อระบุเหตุผล) และเกณฑ์ความล่าช้าของหน่วยงาน"),
            reverse("budget:budgetpolicy_list"),
            BudgetPolicy.objects.restrict(user, Action.VIEW).count(),
        ),
    ]
    context = {
        "sections": sections,
        "may_manage": may_manage_reference(user, FundSource),
    }
    return render(request, "budget/setup_index.html", context)


# Fund sources ------------------------------------------------------------------------------------


class FundSourceTable(Table):
    columns = [
        Column("code", gettext_lazy("รหัส"), order_by="code"),
        Column("name", gettext_lazy("ชื่อแหล่งเงิน"), order_by="name", link=True),
        Column("kind", gettext_lazy("ประเภท"), accessor="get_kind_display", order_by="kind"),
        Column("order", gettext_lazy("ลำดับ"), order_by="order", numeric=True),
        Column("is_active", gettext_lazy("ใช้งานอยู่"), order_by="is_active"),
        Column(
            "allocation_count",
            gettext_lazy("การจัดสรร"),
            order_by="allocation_count",
            numeric=True,
        ),
    ]
    default_order = ("order", "code")


class ReferenceMixin:
    """Reference pages: the hub in the breadcrumbs; adding needs a top-level role."""

    request: HttpRequest
    queryset: ClassVar[QuerySet[Any]]

    def can_add(self) -> bool:
        return may_manage_reference(self.request.user, self.queryset.model)

    def extra_context(self, *args: Any) -> dict[str, Any]:
        return {"crumbs": [setup_crumb()]}


class FundSourceListView(ReferenceMixin, ObjectListView):
    queryset = FundSource.objects.annotate(allocation_count=Count("allocations"))
    filterset = FundSourceFilterSet
    table = FundSourceTable
    export_stem = "fund-sources"
    template_name = "budget/setup_list.html"


def reference_facts(obj: Any, names: Iterable[str]) -> list[tuple[str, Any]]:
    """(label, value) of model fields for the detail page (choices as their labels)."""
    facts = []
    for name in names:
        model_field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        facts.append((str(model_field.verbose_name), value))
    return facts


class FundSourceDetailView(ObjectDetailView):
    queryset = FundSource.objects.all()
    template_name = "budget/setup_detail.html"

    def extra_context(self, obj: FundSource) -> dict[str, Any]:
        return {
            "crumbs": [setup_crumb(), Crumb(_("แหล่งเงิน"), reverse("budget:fundsource_list"))],
            "facts": reference_facts(obj, ["code", "name", "kind", "order", "is_active"]),
            "usage_count": obj.allocations.count(),
            "usage_label": _("การจัดสรรที่ใช้แหล่งเงินนี้"),
        }


class FundSourceEditView(ReferenceMixin, ObjectEditView):
    queryset = FundSource.objects.all()
    form = FundSourceForm


class FundSourceDeleteView(ObjectDeleteView):
    queryset = FundSource.objects.all()
    success_url_name = "budget:fundsource_list"


class FundSourceHistoryView(ObjectHistoryView):
    queryset = FundSource.objects.all()


# Expenditure categories --------------------------------------------------------------------------


class ExpenseCategoryListView(ReferenceMixin, PolicyView):
    """งบรายจ่ายและรายการ: the งบ… with their รายการ under them, and the economic class."""

    queryset = ExpenseCategory.objects.all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = list(
            self.restricted(Action.VIEW)
            .annotate(allocation_count=Count("allocations"))
            .order_by("order", "code")
        )
        items: dict[int, list[ExpenseCategory]] = defaultdict(list)
        for row in rows:
            if row.parent_id:
                items[row.parent_id].append(row)
        tops = [(row, items.get(row.pk, [])) for row in rows if not row.parent_id]
        context = {
            **self.model_context(),
            **self.extra_context(),
            "tops": tops,
            "can_add": self.can_add(),
        }
        return render(request, "budget/expensecategory_list.html", context)


class ExpenseCategoryDetailView(ObjectDetailView):
    queryset = ExpenseCategory.objects.select_related("parent")
    template_name = "budget/setup_detail.html"

    def extra_context(self, obj: ExpenseCategory) -> dict[str, Any]:
        list_url = reverse("budget:expensecategory_list")
        return {
            "crumbs": [setup_crumb(), Crumb(_("งบรายจ่ายและรายการ"), list_url)],
            "facts": reference_facts(
                obj, ["code", "name", "parent", "economic_class", "order", "is_active"]
            ),
            "children": list(obj.items.order_by("order", "code")),
            "children_label": _("รายการภายใต้งบรายจ่ายนี้"),
            "usage_count": obj.allocations.count(),
            "usage_label": _("การจัดสรรที่ใช้งบรายจ่ายนี้"),
        }


class ExpenseCategoryEditView(ReferenceMixin, ObjectEditView):
    queryset = ExpenseCategory.objects.select_related("parent")
    form = ExpenseCategoryForm

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        parent = initial.get("parent")
        if "pk" not in self.kwargs and str(parent or "").isdigit():
            top = ExpenseCategory.objects.filter(pk=int(str(parent))).first()
            if top is not None:
                initial["economic_class"] = top.economic_class
        return initial


class ExpenseCategoryDeleteView(ObjectDeleteView):
    queryset = ExpenseCategory.objects.all()
    success_url_name = "budget:expensecategory_list"


class ExpenseCategoryHistoryView(ObjectHistoryView):
    queryset = ExpenseCategory.objects.all()


# Disbursement targets ----------------------------------------------------------------------------


SCOPES = [scope for scope, _label in DisbursementTarget.Scope.choices]


@dataclass
class TargetRow:
    period: str
    label: str
    cells: list[DisbursementTarget | None]


@dataclass
class TargetYear:
    year: int  # BE
    rows: list[TargetRow]

    @property
    def label(self) -> str:
        return _("ปีงบประมาณ พ.ศ. %(year)s") % {"year": self.year}


class DisbursementTargetListView(ReferenceMixin, PolicyView):
    """เป้าหมายการเบิกจ่าย by fiscal year: one row per quarter or month, one column per scope."""

    queryset = DisbursementTarget.objects.all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        targets = self.restricted(Action.VIEW)
        years = sorted(set(targets.values_list("fiscal_year", flat=True)), reverse=True)
        raw = request.GET.get("fiscal_year", "")
        chosen = int(raw) if raw.isdigit() and int(raw) in years else None
        if chosen is not None:
            targets = targets.filter(fiscal_year=chosen)
        by_year: dict[int, dict[tuple[str, str], DisbursementTarget]] = defaultdict(dict)
        for target in targets:
            by_year[target.fiscal_year][(target.period, target.scope)] = target
        groups = []
        for year, cells in sorted(by_year.items(), reverse=True):
            periods = sorted({period for period, _scope in cells}, key=period_order)
            rows = [
                TargetRow(period, period_label(period), [cells.get((period, s)) for s in SCOPES])
                for period in periods
            ]
            groups.append(TargetYear(year, rows))
        context = {
            **self.model_context(),
            **self.extra_context(),
            "years": years,
            "chosen": chosen,
            "groups": groups,
            "scopes": DisbursementTarget.Scope.choices,
            "can_add": self.can_add(),
        }
        return render(request, "budget/disbursementtarget_list.html", context)


class DisbursementTargetDetailView(ObjectDetailView):
    queryset = DisbursementTarget.objects.all()
    template_name = "budget/setup_detail.html"

    def extra_context(self, obj: DisbursementTarget) -> dict[str, Any]:
        list_url = reverse("budget:disbursementtarget_list")
        year_label = _("ปีงบประมาณ พ.ศ. %(year)s") % {"year": obj.fiscal_year}
        return {
            "crumbs": [
                setup_crumb(),
                Crumb(_("เป้าหมายการเบิกจ่าย"), list_url),
                Crumb(year_label, f"{list_url}?fiscal_year={obj.fiscal_year}"),
            ],
            "facts": [
                (_("ปีงบประมาณ"), year_label),
                (_("ภายในสิ้น"), period_label(obj.period)),
                (_("ขอบเขต"), obj.get_scope_display()),
                (_("ร้อยละสะสม"), f"{obj.percent}"),
                (_("ที่มา"), obj.source),
            ],
        }


class DisbursementTargetEditView(ReferenceMixin, ObjectEditView):
    queryset = DisbursementTarget.objects.all()
    form = DisbursementTargetForm

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "pk" not in self.kwargs and "fiscal_year" not in initial:
            initial["fiscal_year"] = selected_fiscal_year(self.request).be
        return initial

    def success_url(self, obj: DisbursementTarget) -> str:
        return f"{reverse('budget:disbursementtarget_list')}?fiscal_year={obj.fiscal_year}"


class DisbursementTargetDeleteView(ObjectDeleteView):
    queryset = DisbursementTarget.objects.all()
    success_url_name = "budget:disbursementtarget_list"


class DisbursementTargetHistoryView(ObjectHistoryView):
    queryset = DisbursementTarget.objects.all()


# Budget policies ---------------------------------------------------------------------------------


class BudgetPolicyTable(Table):
    columns = [
        Column(
            "unit", gettext_lazy("หน่วยงาน"), accessor="unit.name", order_by="unit_path", link=True
        ),
        Column(
            "overspend_mode",
            gettext_lazy("เมื่อใช้จ่ายเกินวงเงิน"),
            accessor="get_overspend_mode_display",
            order_by="overspend_mode",
        ),
        Column(
            "behind_points",
            gettext_lazy("ล่าช้าเมื่อต่ำกว่าเป้าเกิน (จุด)"),
            order_by="behind_points",
            numeric=True,
        ),
        Column(
            "far_behind_points",
            gettext_lazy("ล่าช้ามากเมื่อต่ำกว่าเป้าเกิน (จุด)"),
            order_by="far_behind_points",
            numeric=True,
        ),
    ]
    default_order = ("unit_path",)


class BudgetPolicyListView(ObjectListView):
    """Policies of units, and which policy applies to a unit (its own or the nearest above)."""

    queryset = BudgetPolicy.objects.select_related("unit")
    filterset = BudgetPolicyFilterSet
    table = BudgetPolicyTable
    export_stem = "budget-policies"
    template_name = "budget/budgetpolicy_list.html"

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        raw = self.request.GET.get("check-unit", "")
        unit = None
        if raw.isdigit():
            unit = get_object_or_404(OrgUnit.objects.restrict(user, Action.VIEW), pk=int(raw))
        else:
            unit = default_unit(user)
        applied = policy_for(unit) if unit is not None else None
        return {
            "crumbs": [setup_crumb()],
            "check_unit": unit,
            "applied": applied,
            "applied_unit": applied.unit if applied is not None and applied.unit_id else None,
            "inherited": applied is not None and unit is not None and applied.unit_id != unit.pk,
            "is_default": applied is not None and applied.pk is None,
            "unit_form": AllocationPickForm(
                initial={"unit": getattr(unit, "pk", None)}, user=user, prefix="check"
            ),
            "can_set_policy": unit is not None
            and can_at(user, BudgetPolicy, Action.ADD, unit.path),
        }


class BudgetPolicyDetailView(ObjectDetailView):
    queryset = BudgetPolicy.objects.select_related("unit")
    template_name = "budget/setup_detail.html"

    def extra_context(self, obj: BudgetPolicy) -> dict[str, Any]:
        return {
            "crumbs": [
                setup_crumb(),
                Crumb(_("นโยบายการควบคุมงบประมาณ"), reverse("budget:budgetpolicy_list")),
            ],
            "facts": reference_facts(
                obj, ["unit", "overspend_mode", "behind_points", "far_behind_points"]
            ),
            "note": _(
                "ใช้กับหน่วยงานนี้และหน่วยงานภายใต้ทุกแห่งที่ไม่มีนโยบายของตนเอง "
                "(หน่วยงานใช้นโยบายของหน่วยงานที่ใกล้ที่สุดที่อยู่เหนือขึ้นไป)"
            ),
        }


class BudgetPolicyEditView(ObjectEditView):
    queryset = BudgetPolicy.objects.select_related("unit")
    form = BudgetPolicyForm

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "pk" not in self.kwargs and "unit" in initial:
            # Start from the policy the unit follows today.
            unit = units_for(self.request.user, BudgetPolicy, Action.ADD).filter(
                pk=int(initial["unit"]) if str(initial["unit"]).isdigit() else 0
            )
            found = unit.first()
            if found is not None:
                current = policy_for(found)
                initial.update(
                    overspend_mode=current.overspend_mode,
                    behind_points=current.behind_points,
                    far_behind_points=current.far_behind_points,
                )
        return initial


class BudgetPolicyDeleteView(ObjectDeleteView):
    queryset = BudgetPolicy.objects.select_related("unit")
    success_url_name = "budget:budgetpolicy_list"


class BudgetPolicyHistoryView(ObjectHistoryView):
    queryset = BudgetPolicy.objects.all()


# Allocations: the tree of a unit -------------------------------------------------------------


ALLOCATION_JOINS = (
    "fiscal_year",
    "fund_source",
    "category__parent",
    "unit",
    "project",
    "activity",
)
ALLOCATION_QUERYSET = Allocation.objects.select_related(*ALLOCATION_JOINS)
LEVEL_ORDER: dict[str, int] = {
    Allocation.Level.UNIT: 0,
    Allocation.Level.PROJECT: 1,
    Allocation.Level.ACTIVITY: 2,
}


def _sort_key(allocation: Allocation) -> tuple[Any, ...]:
    category = allocation.category
    top_order = category.parent.order if category.parent_id else category.order  # type: ignore[union-attr]
    return (
        LEVEL_ORDER.get(allocation.level, 3),
        allocation.unit_path,
        allocation.project.code if allocation.project_id else "",  # type: ignore[union-attr]
        allocation.activity.number if allocation.activity_id else 0,  # type: ignore[union-attr]
        top_order,
        category.order,
        allocation.pk,
    )


@dataclass
class AllocationLine:
    """One allocation on a page, with its figures (its whole branch) and its place in the tree."""

    allocation: Allocation
    depth: int
    figures: Figures
    allocated_further: Decimal
    has_children: bool = False

    @property
    def unallocated(self) -> Decimal:
        """What is left to allocate further (the remainder stays at this level)."""
        return self.figures.allocated - self.allocated_further

    @property
    def available(self) -> Decimal:
        return self.figures.allocated - self.figures.used

    @property
    def plan_mismatch(self) -> bool:
        """A spending plan exists but no longer adds up to the amount (e.g. after a transfer)."""
        return bool(self.figures.planned) and self.figures.planned != self.figures.allocated

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


@dataclass
class FundGroup:
    """The envelopes of one fund source on the tree page, with their totals."""

    fund_source: FundSource
    lines: list[AllocationLine] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    allocated_further: Decimal = ZERO

    @property
    def unallocated(self) -> Decimal:
        return self.total.allocated - self.allocated_further

    @property
    def available(self) -> Decimal:
        return self.total.allocated - self.total.used


def allocation_tree(user: Any, unit: OrgUnit, fiscal_year: FiscalYear) -> list[FundGroup]:
    """The allocations a unit receives in a fiscal year (its envelopes, and what it gets from the
    units above) with everything allocated below them, grouped by fund source: six queries."""
    visible = Allocation.objects.restrict(user, Action.VIEW).filter(fiscal_year=fiscal_year)
    tops = list(
        visible.filter(unit=unit).exclude(parent__unit=unit).values_list("tree_path", flat=True)
    )
    if not tops:
        return []
    branch = visible.filter(
        reduce(or_, [Q(tree_path__startswith=path) for path in covering_paths(tops)])
    )
    rows = list(branch.select_related(*ALLOCATION_JOINS))
    figures = allocation_figures(branch)
    children: dict[int, list[Allocation]] = defaultdict(list)
    by_id = {row.pk: row for row in rows}
    for row in rows:
        if row.parent_id in by_id:
            children[row.parent_id].append(row)
    further = {pk: sum((c.amount for c in kids), ZERO) for pk, kids in children.items()}
    groups: dict[int, FundGroup] = {}
    top_rows = sorted(
        (row for row in rows if row.parent_id not in by_id),
        key=lambda a: (a.fund_source.order, a.fund_source.code, *_sort_key(a)[4:]),
    )

    def walk(allocation: Allocation, depth: int, group: FundGroup) -> None:
        kids = sorted(children.get(allocation.pk, []), key=_sort_key)
        group.lines.append(
            AllocationLine(
                allocation,
                depth,
                figures[allocation.pk],
                further.get(allocation.pk, ZERO),
                has_children=bool(kids),
            )
        )
        for kid in kids:
            walk(kid, depth + 1, group)

    for top in top_rows:
        group = groups.setdefault(top.fund_source_id, FundGroup(top.fund_source))
        group.total += figures[top.pk]
        group.allocated_further += further.get(top.pk, ZERO)
        walk(top, 0, group)
    return list(groups.values())


class AllocationTreeView(PolicyView):
    """การจัดสรรงบประมาณ of a unit in a fiscal year, as a tree with every figure."""

    queryset = ALLOCATION_QUERYSET
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        picked = pick_unit_year(request)
        unit, year = picked.unit, picked.fiscal_year
        groups = allocation_tree(request.user, unit, year) if unit and year else []
        total = Figures()
        further = ZERO
        for group in groups:
            total += group.total
            further += group.allocated_further
        can_add = bool(
            unit
            and year
            and year.is_open
            and can_at(request.user, Allocation, Action.ADD, unit.path)
        )
        context = {
            "unit": unit,
            "fiscal_year": year,
            "picker": picked.form,
            "groups": groups,
            "total": total,
            "total_further": further,
            "total_unallocated": total.allocated - further,
            "total_available": total.allocated - total.used,
            "can_add": can_add,
            "add_url": (
                f"{reverse('budget:allocation_add')}?unit={unit.pk}&fiscal_year={year.pk}"
                if can_add and unit and year
                else ""
            ),
            "year_missing": year is None,
            "here": request.get_full_path(),
        }
        return render(request, "budget/allocation_list.html", context)


# Allocations: one allocation ---------------------------------------------------------------


def tree_url(allocation: Allocation) -> str:
    return reverse("budget:allocation_list") + unit_year_query(
        allocation.unit, allocation.fiscal_year
    )


def allocation_crumbs(
    user: Any, allocation: Allocation, *, include_self: bool = True
) -> list[Crumb]:
    """The tree page of the allocation's unit, then the allocations above it the user may see."""
    ids = path_ids(allocation.tree_path)[:-1]
    above = list(
        Allocation.objects.restrict(user, Action.VIEW)
        .filter(pk__in=ids)
        .select_related("unit", "project", "activity")
        .order_by("tree_path")
    )
    first = above[0] if above else allocation
    crumbs = [Crumb(_("การจัดสรรงบประมาณ"), tree_url(first))]
    crumbs += [Crumb(allocation_title(a), a.get_absolute_url()) for a in above]
    if include_self:
        crumbs.append(Crumb(allocation_title(allocation), allocation.get_absolute_url()))
    return crumbs


def allocation_title(allocation: Allocation) -> str:
    """What the money is for: the activity, the project or the unit."""
    if allocation.activity_id:
        return str(allocation.activity.name)  # type: ignore[union-attr]
    if allocation.project_id:
        return str(allocation.project)
    return allocation.unit.name


@dataclass
class PlanMonth:
    month: FiscalMonth
    amount: Decimal
    cumulative: Decimal


@dataclass
class PlanQuarter:
    quarter: FiscalQuarter
    months: list[PlanMonth]
    total: Decimal
    cumulative: Decimal
    cumulative_rate: Decimal | None


@dataclass
class PlanSummary:
    """A monthly spending plan by quarter, with quarter and cumulative totals."""

    quarters: list[PlanQuarter]
    total: Decimal
    allocated: Decimal

    @property
    def difference(self) -> Decimal:
        """Planned minus the allocation: positive is over, negative is still to plan."""
        return self.total - self.allocated

    @property
    def gap(self) -> Decimal:
        return abs(self.difference)

    @property
    def matches(self) -> bool:
        return self.total == self.allocated

    @property
    def is_empty(self) -> bool:
        return not self.total


def plan_summary(year: int, amounts: dict[date, Decimal], allocated: Decimal) -> PlanSummary:
    cumulative = ZERO
    quarters = []
    for quarter in FiscalPeriod(year).quarters():
        months = []
        for month in quarter.months():
            amount = amounts.get(month.start, ZERO)
            cumulative += amount
            months.append(PlanMonth(month, amount, cumulative))
        total = sum((m.amount for m in months), ZERO)
        quarters.append(
            PlanQuarter(quarter, months, total, cumulative, percent(cumulative, allocated))
        )
    return PlanSummary(quarters, cumulative, allocated)


class AllocationDetailView(ObjectDetailView):
    queryset = ALLOCATION_QUERYSET.select_related("parent")
    template_name = "budget/allocation_detail.html"

    def extra_context(self, obj: Allocation) -> dict[str, Any]:
        user = self.request.user
        visible = Allocation.objects.restrict(user, Action.VIEW)
        kids = sorted(visible.filter(parent=obj).select_related(*ALLOCATION_JOINS), key=_sort_key)
        figures = allocation_figures(visible.filter(Q(pk=obj.pk) | Q(parent=obj.pk)))
        grandchildren = dict(
            visible.filter(parent__parent=obj.pk)
            .values_list("parent")
            .annotate(total=Sum("amount"))
        )
        further = sum((k.amount for k in kids), ZERO)
        line = AllocationLine(obj, 0, figures[obj.pk], further, has_children=bool(kids))
        child_lines = [
            AllocationLine(k, 1, figures[k.pk], grandchildren.get(k.pk, ZERO)) for k in kids
        ]
        plan = {
            row.month: row.amount
            for row in SpendingPlanLine.objects.restrict(user, Action.VIEW).filter(allocation=obj)
        }
        transfers = list(
            BudgetTransfer.objects.restrict(user, Action.VIEW)
            .filter(Q(source=obj) | Q(target=obj))
            .select_related(
                *[
                    f"{side}__{join}"
                    for side in ("source", "target")
                    for join in ALLOCATION_LABEL_JOINS
                ]
            )
            .order_by("-created_at", "-pk")
        )
        # A closed allocation (its year-end close done) is final, even while the year is open.
        year_open = obj.fiscal_year.is_open and obj.closed_at is None
        may_change = can_at(user, Allocation, Action.CHANGE, obj.unit_path)
        return {
            "crumbs": allocation_crumbs(user, obj, include_self=False),
            "line": line,
            "child_lines": child_lines,
            "plan": plan_summary(obj.fiscal_year.year, plan, obj.amount),
            "plan_mismatch": line.plan_mismatch,
            "transfers_in": [t for t in transfers if t.target_id == obj.pk],
            "transfers_out": [t for t in transfers if t.source_id == obj.pk],
            "lapse": Lapse.objects.restrict(user, Action.VIEW).filter(allocation=obj).first(),
            "can_allocate": year_open
            and obj.level != Allocation.Level.ACTIVITY
            and can_at(user, Allocation, Action.ADD, obj.unit_path),
            "can_plan": year_open and can_at(user, SpendingPlanLine, Action.CHANGE, obj.unit_path),
            "can_transfer": year_open
            and may_change
            and has_any_role(user, BudgetTransfer.access_rules.any_roles_for(Action.ADD)),
            "can_edit": year_open and may_change,
            "may_delete": not kids and not transfers,
            "tree_url": tree_url(obj),
        }


class AllocationAddView(ObjectEditView):
    """A unit's envelope (``?unit=&fiscal_year=``), or part of an allocation (``?parent=``)."""

    queryset = ALLOCATION_QUERYSET
    form = AllocationCreateForm
    template_name = "budget/allocation_edit.html"
    create_service = staticmethod(allocation_create)

    def parent(self) -> Allocation | None:
        raw = self.request.GET.get("parent", "")
        if not raw.isdigit():
            return None
        return get_object_or_404(self.restricted(Action.VIEW), pk=int(raw))

    def can_add(self) -> bool:
        return units_for(self.request.user, Allocation, Action.ADD).exists()

    def get_instance(self) -> Any:
        parent = self.parent()
        if parent is None:
            return super().get_instance()
        if not can_at(self.request.user, Allocation, Action.ADD, parent.unit_path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์จัดสรรงบประมาณจากรายการนี้"))
        if parent.level == Allocation.Level.ACTIVITY:
            raise PermissionDenied(_("การจัดสรรให้กิจกรรมแบ่งต่อไม่ได้"))
        if not parent.fiscal_year.is_open:
            raise PermissionDenied(_("ปีงบประมาณ พ.ศ. %s ปิดแล้ว") % parent.fiscal_year.year)
        return Allocation(
            parent=parent,
            fiscal_year=parent.fiscal_year,
            fund_source=parent.fund_source,
            category=parent.category,
        )

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        parent = self.parent()
        if parent is not None:
            initial.setdefault("category", parent.category_id)
        elif "fiscal_year" not in initial:
            year = FiscalYear.objects.filter(
                year=selected_fiscal_year(self.request).be, is_open=True
            ).first()
            if year is not None:
                initial["fiscal_year"] = year.pk
        return initial

    def success_url(self, obj: Allocation) -> str:
        return safe_next(self.request) or str(obj.get_absolute_url())

    def extra_context(self, instance: Allocation) -> dict[str, Any]:
        parent = instance.parent
        if parent is None:
            return {
                "crumbs": [Crumb(_("การจัดสรรงบประมาณ"), reverse("budget:allocation_list"))],
                "heading": _("สร้างวงเงินของหน่วยงาน"),
                "intro": _(
                    "วงเงินคืองบประมาณที่หน่วยงานได้รับจากแหล่งเงินหนึ่งในปีงบประมาณหนึ่ง "
                    "จากนั้นจัดสรรต่อให้กลุ่มงาน โครงการ และกิจกรรมได้ที่หน้าของวงเงิน"
                ),
                "cancel_url": safe_next(self.request) or reverse("budget:allocation_list"),
            }
        given = children_total(parent)
        return {
            "crumbs": allocation_crumbs(self.request.user, parent),
            "heading": _("จัดสรรต่อจาก “%(parent)s”") % {"parent": allocation_title(parent)},
            "parent": parent,
            "parent_given": given,
            "parent_left": parent.amount - given,
            "cancel_url": safe_next(self.request) or parent.get_absolute_url(),
        }


class AllocationEditView(ObjectEditView):
    """Correct an allocation's amount, category or note (the service refuses what breaks the
    tree: more than the parent has left, less than is allocated further or used)."""

    queryset = ALLOCATION_QUERYSET
    form = AllocationEditForm
    template_name = "budget/allocation_edit.html"
    update_service = staticmethod(allocation_update)

    def get_instance(self) -> Any:
        if "pk" not in self.kwargs:
            raise Http404
        allocation = self.get_object(Action.CHANGE)
        if not allocation.fiscal_year.is_open:
            raise PermissionDenied(_("ปีงบประมาณ พ.ศ. %s ปิดแล้ว") % allocation.fiscal_year.year)
        return allocation

    def extra_context(self, instance: Allocation) -> dict[str, Any]:
        # The page shows the saved figures, whatever was typed into the form.
        saved = Allocation.objects.get(pk=instance.pk)
        below = children_total(saved)
        return {
            "crumbs": allocation_crumbs(self.request.user, saved),
            "heading": _("แก้ไขการจัดสรร: %(title)s") % {"title": allocation_title(saved)},
            "saved": saved,
            "allocated_further": below,
            "cancel_url": saved.get_absolute_url(),
            "edit_note": _(
                "การย้ายเงินระหว่างการจัดสรรให้ใช้ “ขอโอนเปลี่ยนแปลง” เพื่อให้ผู้อนุมัติพิจารณา "
                "และเก็บยอดเดิมกับยอดหลังโอนไว้ทั้งคู่"
            ),
        }


class AllocationDeleteView(ObjectDeleteView):
    queryset = ALLOCATION_QUERYSET
    delete_service = staticmethod(allocation_delete)
    success_url_name = "budget:allocation_list"
    template_name = "budget/allocation_delete.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        back = obj.parent.get_absolute_url() if obj.parent_id else tree_url(obj)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                allocation_delete(
                    actor=request.user,  # type: ignore[arg-type]
                    instance=obj,
                    expected_version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ลบ “%(object)s” แล้ว") % {"object": obj})
                return redirect(back)
        context = {**self.model_context(), "object": obj, "form": form}
        return render(request, self.template_name, context, status=400)


SPENDING_PLAN_EVENT = "budget.spendingplan.updated"


def plan_changes(event: AuditEvent) -> list[FieldChange]:
    """A spending-plan event month by month ("แผนการใช้จ่าย ต.ค. 60: 0.00 → 5,000.00")."""
    before = (event.before or {}).get("months") or {}
    after = (event.after or {}).get("months") or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        month = FiscalMonth.of(date.fromisoformat(key))
        changes.append(
            FieldChange(
                key,
                _("แผนการใช้จ่าย %(month)s") % {"month": month.label()},
                format_baht(Decimal(str(old))) if old is not None else "–",
                format_baht(Decimal(str(new))) if new is not None else "–",
            )
        )
    return changes


class AllocationHistoryView(ObjectHistoryView):
    """The allocation's history, its monthly spending plans included (month by month)."""

    queryset = ALLOCATION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        page = paginate(request, history_for(obj))
        events = [
            (
                event,
                plan_changes(event)
                if event.action == SPENDING_PLAN_EVENT
                else field_changes(event),
            )
            for event in page
        ]
        context = {**self.model_context(), "object": obj, "page": page, "events": events}
        return render(request, self.template_name, context)


# Spending plans --------------------------------------------------------------------------------


class SpendingPlanView(PolicyView):
    """แผนการใช้จ่ายรายเดือน of one allocation: a 12-month grid by quarter. "Spread evenly" and
    "follow the activities" fill it on the server (``?fill=``); saving needs the months to add
    up to the allocation exactly."""

    queryset = ALLOCATION_QUERYSET
    public_read = False

    FILLS: ClassVar[dict[str, Any]] = {
        "even": gettext_lazy("กระจายเท่ากันทุกเดือน"),
        "activities": gettext_lazy("ตามกำหนดการของกิจกรรม"),
    }

    def get_allocation(self) -> Allocation:
        allocation: Allocation = self.get_object(Action.VIEW)
        if not can_at(self.request.user, SpendingPlanLine, Action.CHANGE, allocation.unit_path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์จัดทำแผนการใช้จ่ายของการจัดสรรนี้"))
        if not allocation.fiscal_year.is_open:
            raise PermissionDenied(_("ปีงบประมาณ พ.ศ. %s ปิดแล้ว") % allocation.fiscal_year.year)
        return allocation

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allocation = self.get_allocation()
        months = [m.start for m in FiscalPeriod(allocation.fiscal_year.year).months()]
        fill = request.GET.get("fill", "")
        if fill == "even":
            amounts = spread_evenly(allocation.amount, months)
        elif fill == "activities":
            amounts = spread_by_activities(allocation)
        else:
            fill = ""
            lines = SpendingPlanLine.objects.restrict(request.user, Action.VIEW)
            amounts = {line.month: line.amount for line in lines.filter(allocation=allocation)}
        form = SpendingPlanForm(
            initial=SpendingPlanForm.initial_from(
                amounts, list(FiscalPeriod(allocation.fiscal_year.year).months())
            ),
            allocation=allocation,
        )
        return self.render_page(allocation, form, fill=fill)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allocation = self.get_allocation()
        form = SpendingPlanForm(request.POST, allocation=allocation)
        if "preview" in request.POST:
            # Recompute the totals of what was typed (htmx, or the no-script button).
            form.is_valid()
            if request.htmx:  # type: ignore[attr-defined]
                return render(
                    request,
                    "budget/spendingplan_totals.html",
                    {"plan": self.summary(allocation, form), "allocation": allocation},
                )
            return self.render_page(allocation, form)
        if form.is_valid():
            try:
                spending_plan_set(
                    actor=request.user,  # type: ignore[arg-type]
                    allocation=allocation,
                    amounts=form.amounts(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("บันทึกแผนการใช้จ่ายรายเดือนแล้ว"))
                return redirect(allocation.get_absolute_url() + "#spending-plan")
        return self.render_page(allocation, form, status=400)

    @staticmethod
    def summary(allocation: Allocation, form: SpendingPlanForm) -> PlanSummary:
        return plan_summary(allocation.fiscal_year.year, form.typed_amounts(), allocation.amount)

    def render_page(
        self, allocation: Allocation, form: SpendingPlanForm, *, fill: str = "", status: int = 200
    ) -> HttpResponse:
        fields = {name: form[name] for name in form.fields}
        quarters = [
            (quarter, [fields[SpendingPlanForm.field_name(m)] for m in quarter.months()])
            for quarter in FiscalPeriod(allocation.fiscal_year.year).quarters()
        ]
        base = reverse("budget:allocation_spending_plan", args=[allocation.pk])
        context = {
            "object": allocation,
            "form": form,
            "quarters": quarters,
            "plan": self.summary(allocation, form),
            "fill": fill,
            "fill_label": self.FILLS.get(fill, ""),
            "fill_links": [(f"{base}?fill={key}", label) for key, label in self.FILLS.items()],
            "has_project": allocation.project_id is not None,
            "crumbs": allocation_crumbs(self.request.user, allocation),
            "error_headline": _("ยังบันทึกแผนการใช้จ่ายไม่ได้"),
        }
        return render(self.request, "budget/spendingplan_edit.html", context, status=status)


# Transfers ------------------------------------------------------------------------------------


TRANSFER_JOINS = [
    "fiscal_year",
    "approval_unit",
    "decided_by",
    *[f"{side}__{join}" for side in ("source", "target") for join in ALLOCATION_LABEL_JOINS],
]


class BudgetTransferTable(Table):
    columns = [
        Column("created_at", gettext_lazy("วันที่ขอ"), order_by="created_at", link=True),
        Column(
            "source",
            gettext_lazy("โอนจาก"),
            accessor=lambda t: allocation_choice_label(t.source, with_amount=False),
        ),
        Column(
            "target",
            gettext_lazy("โอนไปยัง"),
            accessor=lambda t: allocation_choice_label(t.target, with_amount=False),
        ),
        Column("amount", gettext_lazy("จำนวนเงิน (บาท)"), order_by="amount", numeric=True),
        Column("status", gettext_lazy("สถานะ"), accessor="get_status_display", order_by="status"),
        Column(
            "approval_unit",
            gettext_lazy("อนุมัติในระดับ"),
            accessor="approval_unit.name",
            order_by="approval_unit__path",
        ),
    ]
    default_order = ("-created_at", "-pk")


class BudgetTransferListView(ObjectListView):
    queryset = BudgetTransfer.objects.select_related(*TRANSFER_JOINS)
    filterset = BudgetTransferFilterSet
    table = BudgetTransferTable
    export_stem = "budget-transfers"
    template_name = "budget/budgettransfer_list.html"

    def extra_context(self) -> dict[str, Any]:
        return {
            "pending": BudgetTransfer.objects.restrict(self.request.user, "approve")
            .filter(status=BudgetTransfer.Status.REQUESTED)
            .count()
        }


class BudgetTransferAddView(ObjectEditView):
    """ขอโอนเปลี่ยนแปลง (``?source=`` from an allocation's page)."""

    queryset = BudgetTransfer.objects.select_related(*TRANSFER_JOINS)
    form = TransferRequestForm
    template_name = "budget/budgettransfer_edit.html"
    create_service = staticmethod(transfer_request)

    def get_instance(self) -> Any:
        if "pk" in self.kwargs:
            raise Http404  # a request is decided, not edited
        return super().get_instance()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        form = self.form(
            instance=instance,
            initial=self.get_initial(),
            user=request.user,
            fiscal_year=year_of(request, None),
        )
        return self.render_form(form, instance)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        form = self.form(
            request.POST, instance=instance, user=request.user, fiscal_year=year_of(request, None)
        )
        if form.is_valid():
            try:
                obj = self.save(form, creating=True)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ส่งคำขอโอนเปลี่ยนแปลงแล้ว รอผู้อนุมัติพิจารณา"))
                return redirect(reverse("budget:budgettransfer", args=[obj.pk]))
        return self.render_form(form, instance, status=400)

    def extra_context(self, instance: BudgetTransfer) -> dict[str, Any]:
        return {
            "crumbs": [Crumb(_("การโอนเปลี่ยนแปลงงบประมาณ"), reverse("budget:budgettransfer_list"))],
            "cancel_url": safe_next(self.request) or reverse("budget:budgettransfer_list"),
        }


@login_required
def transfer_target_options(request: HttpRequest) -> HttpResponse:
    """htmx: the allocations money may move to from the chosen source, as <option>s."""
    changeable = (
        Allocation.objects.restrict(request.user, Action.CHANGE)
        .select_related(*ALLOCATION_LABEL_JOINS)
        .order_by("unit_path", "tree_path")
    )
    raw = request.GET.get("source", "")
    source = changeable.filter(pk=int(raw)).first() if raw.isdigit() else None
    year = (
        source.fiscal_year_id if source is not None else getattr(year_of(request, None), "pk", None)
    )
    options = [
        (a.pk, allocation_choice_label(a)) for a in transfer_targets(changeable, source, year)
    ]
    return render(request, "budget/budgettransfer_target_options.html", {"options": options})


@dataclass
class TransferSide:
    """One allocation whose amount a transfer changes, before and after it."""

    allocation: Allocation
    delta: Decimal
    before: Decimal | None
    after: Decimal | None


def _branch_delta(tree_path: str, source_path: str, target_path: str, amount: Decimal) -> Decimal:
    """What a transfer did to an allocation: the source side up to (not including) the
    allocation both sides share loses the amount, the target side gains it."""
    on_source = source_path.startswith(tree_path)
    on_target = target_path.startswith(tree_path)
    if on_source and not on_target:
        return -amount
    if on_target and not on_source:
        return amount
    return ZERO


def transfer_sides(
    user: Any, transfer: BudgetTransfer
) -> tuple[list[TransferSide], list[TransferSide]]:
    """The allocations a transfer moves money out of and into, with their amounts before and
    after it: for a request, today's amounts and what approval would make them; for an
    approved transfer, the amounts right after approval (today's amounts less what later
    transfers and corrections changed)."""
    source_ids, target_ids = (
        path_ids(transfer.source.tree_path),
        path_ids(transfer.target.tree_path),
    )
    shared = 0
    while (
        shared < min(len(source_ids), len(target_ids)) and source_ids[shared] == target_ids[shared]
    ):
        shared += 1
    losing_ids, gaining_ids = source_ids[shared:], target_ids[shared:]
    rows = {
        a.pk: a
        for a in Allocation.objects.restrict(user, Action.VIEW)
        .filter(pk__in=losing_ids + gaining_ids)
        .select_related(*ALLOCATION_LABEL_JOINS)
    }
    later: dict[int, Decimal] = defaultdict(lambda: ZERO)
    status = transfer.status
    if status == BudgetTransfer.Status.APPROVED and transfer.decided_at is not None and rows:
        for amount, source_path, target_path in BudgetTransfer.objects.filter(
            status=BudgetTransfer.Status.APPROVED,
            fiscal_year=transfer.fiscal_year_id,
            decided_at__gt=transfer.decided_at,
        ).values_list("amount", "source__tree_path", "target__tree_path"):
            for allocation in rows.values():
                later[allocation.pk] += _branch_delta(
                    allocation.tree_path, source_path, target_path, amount
                )
        corrections = AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Allocation),
            object_id__in=[str(pk) for pk in rows],
            action="budget.allocation.updated",
            occurred_at__gt=transfer.decided_at,
        ).values_list("object_id", "before", "after")
        for object_id, before, after in corrections:
            old, new = (before or {}).get("amount"), (after or {}).get("amount")
            if old is not None and new is not None:
                later[int(object_id)] += Decimal(str(new)) - Decimal(str(old))

    def side(pk: int, sign: int) -> TransferSide | None:
        allocation = rows.get(pk)
        if allocation is None:
            return None
        delta = transfer.amount * sign
        if status == BudgetTransfer.Status.REQUESTED:
            return TransferSide(allocation, delta, allocation.amount, allocation.amount + delta)
        if status == BudgetTransfer.Status.APPROVED:
            after = allocation.amount - later[pk]
            return TransferSide(allocation, delta, after - delta, after)
        return TransferSide(allocation, ZERO, None, None)

    losing = [s for s in (side(pk, -1) for pk in reversed(losing_ids)) if s is not None]
    gaining = [s for s in (side(pk, 1) for pk in reversed(gaining_ids)) if s is not None]
    return losing, gaining


class BudgetTransferDetailView(PolicyView):
    """A transfer: both sides before and after, who decides at which level, the decision."""

    queryset = BudgetTransfer.objects.select_related(*TRANSFER_JOINS)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        transfer = self.get_object()
        form = TransferDecisionForm(initial={"version": transfer.version})
        return transfer_page(request, transfer, form)


def transfer_page(
    request: HttpRequest, transfer: BudgetTransfer, form: TransferDecisionForm, status: int = 200
) -> HttpResponse:
    user = request.user
    losing, gaining = transfer_sides(user, transfer)
    requested = transfer.status == BudgetTransfer.Status.REQUESTED
    context = {
        "object": transfer,
        "losing": losing,
        "gaining": gaining,
        "decision_unit": OrgUnit.objects.filter(path=transfer.unit_path).first(),
        "can_decide": requested and can(user, "approve", transfer),
        "form": form,
        "recent_history": history_for(transfer)[:5],
        "crumbs": [Crumb(_("การโอนเปลี่ยนแปลงงบประมาณ"), reverse("budget:budgettransfer_list"))],
    }
    return render(request, "budget/budgettransfer_detail.html", context, status=status)


class BudgetTransferDecideView(PolicyView):
    """อนุมัติ / ไม่อนุมัติ (POST; approvers of the unit above both sides)."""

    queryset = BudgetTransfer.objects.select_related(*TRANSFER_JOINS)
    public_read = False
    http_method_names = ["post"]
    approve: ClassVar[bool] = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        transfer = self.get_object("approve")
        form = TransferDecisionForm(request.POST)
        if form.is_valid():
            service = transfer_approve if self.approve else transfer_reject
            try:
                decided = service(
                    actor=request.user,  # type: ignore[arg-type]
                    transfer=transfer,
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if self.approve:
                    messages.success(
                        request,
                        _("อนุมัติการโอน %(amount)s บาทแล้ว") % {"amount": format_baht(decided.amount)},
                    )
                else:
                    messages.success(request, _("บันทึกการไม่อนุมัติแล้ว"))
                return redirect(decided)
        transfer.refresh_from_db()
        return transfer_page(request, transfer, form, status=400)


class BudgetTransferApproveView(BudgetTransferDecideView):
    approve = True


class BudgetTransferRejectView(BudgetTransferDecideView):
    approve = False


class BudgetTransferHistoryView(ObjectHistoryView):
    queryset = BudgetTransfer.objects.select_related(*TRANSFER_JOINS)


# Year end ------------------------------------------------------------------------------------


@dataclass
class CarryPreview:
    commitment: Commitment
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return self.commitment.amount - self.paid


@dataclass
class LapsePreview:
    allocation: Allocation
    allocated_further: Decimal
    used_here: Decimal

    @property
    def remainder(self) -> Decimal:
        return self.allocation.amount - self.allocated_further - self.used_here


@dataclass
class YearEndPreview:
    carry: list[CarryPreview]
    settle: list[CarryPreview]  # open commitments already paid in full: they are closed
    lapse: list[LapsePreview]
    already_carried: int
    already_lapsed: int
    next_year: FiscalYear | None
    carry_fund: FundSource | None
    deadline: date
    year_ended: bool
    next_year_be: int

    @property
    def carry_total(self) -> Decimal:
        return sum((row.balance for row in self.carry), ZERO)

    @property
    def lapse_total(self) -> Decimal:
        return sum((row.remainder for row in self.lapse), ZERO)

    @property
    def nothing_left(self) -> bool:
        """Everything of the year is carried over, settled or lapsed already."""
        return not (self.carry or self.settle or self.lapse)

    @property
    def blocked(self) -> str:
        """Why carrying over would be refused (the service says the same)."""
        if self.carry and (self.next_year is None or self.carry_fund is None):
            return (
                _("ต้องมีปีงบประมาณ พ.ศ. %s และแหล่งเงิน “เงินกันไว้เบิกเหลื่อมปี” ก่อน จึงจะกันเงินได้")
                % self.next_year_be
            )
        return ""


def _sums(rows: QuerySet[Any], key: str) -> dict[int, Decimal]:
    return {pk: total or ZERO for pk, total in rows.values_list(key).annotate(total=Sum("amount"))}


def year_end_preview(user: Any, unit: OrgUnit, fiscal_year: FiscalYear) -> YearEndPreview:
    """What ``year_end_close`` would do now: open commitments carried over (with what they still
    owe), each allocation's own remainder lapsing. A fixed number of queries."""
    allocations = Allocation.objects.restrict(user, Action.VIEW).filter(
        fiscal_year=fiscal_year, unit_path__startswith=unit.path
    )
    commitments = paid_on(
        Commitment.objects.filter(allocation__in=allocations, status=Commitment.Status.OPEN)
    ).select_related("allocation__unit", "allocation__project", "allocation__activity")
    rows = [CarryPreview(c, c.paid) for c in commitments.order_by("date", "pk")]  # type: ignore[attr-defined]
    lapsed = set(
        Lapse.objects.filter(allocation__in=allocations).values_list("allocation", flat=True)
    )
    further = _sums(Allocation.objects.filter(parent__in=allocations), "parent")
    disbursed = _sums(Disbursement.objects.filter(allocation__in=allocations), "allocation")
    committed = _sums(
        Commitment.objects.filter(allocation__in=allocations).exclude(
            status=Commitment.Status.CANCELLED
        ),
        "allocation",
    )
    paid_on_commitments = _sums(
        Disbursement.objects.filter(allocation__in=allocations, commitment__isnull=False).exclude(
            commitment__status=Commitment.Status.CANCELLED
        ),
        "allocation",
    )
    lapse = []
    for allocation in allocations.select_related(*ALLOCATION_JOINS).order_by("tree_path"):
        if allocation.pk in lapsed:
            continue
        used = (
            disbursed.get(allocation.pk, ZERO)
            + committed.get(allocation.pk, ZERO)
            - paid_on_commitments.get(allocation.pk, ZERO)
        )
        row = LapsePreview(allocation, further.get(allocation.pk, ZERO), used)
        if row.remainder > 0:
            lapse.append(row)
    carried = CarryOver.objects.filter(commitment__allocation__in=allocations).count()
    return YearEndPreview(
        carry=[row for row in rows if row.balance > 0],
        settle=[row for row in rows if row.balance <= 0],
        lapse=lapse,
        already_carried=carried,
        already_lapsed=len(lapsed),
        next_year=FiscalYear.objects.filter(year=fiscal_year.year + 1).first(),
        carry_fund=FundSource.objects.filter(kind=FundSource.Kind.CARRY_OVER, is_active=True)
        .order_by("order")
        .first(),
        deadline=carry_over_deadline(fiscal_year.year),
        year_ended=timezone.localdate() > FiscalPeriod(fiscal_year.year).end,
        next_year_be=fiscal_year.year + 1,
    )


class YearEndView(PolicyView):
    """ปิดปีงบประมาณ of a unit: preview, then carry over open commitments and record lapses."""

    queryset = Lapse.objects.all()
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        picked = pick_unit_year(request)
        return self.render_page(picked, YearEndForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        picked = pick_unit_year(request, request.POST)
        unit, year = picked.unit, picked.fiscal_year
        if unit is None or year is None:
            raise Http404
        if not can_at(request.user, Lapse, Action.ADD, unit.path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์ปิดปีงบประมาณของหน่วยงานนี้"))
        form = YearEndForm(request.POST)
        result: YearEndResult | None = None
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = year_end_close(
                        actor=request.user,  # type: ignore[arg-type]
                        unit=unit,
                        fiscal_year=year,
                        reason=form.cleaned_data["reason"],
                    )
            except DomainError as error:
                apply_domain_error(form, error)
        if result is not None:
            messages.success(
                request,
                _("ปิดปีงบประมาณแล้ว: กันเงินไว้เบิกเหลื่อมปี %(carried)s รายการ เงินพับ %(lapsed)s รายการ")
                % {"carried": len(result.carried), "lapsed": len(result.lapsed)},
            )
        if result is not None:
            form = YearEndForm()  # done: the confirmation starts empty again
        return self.render_page(picked, form, result=result, status=200 if result else 400)

    def render_page(
        self,
        picked: UnitYear,
        form: YearEndForm,
        *,
        result: YearEndResult | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = self.request.user
        unit, year = picked.unit, picked.fiscal_year
        preview = year_end_preview(user, unit, year) if unit and year else None
        context = {
            "unit": unit,
            "fiscal_year": year,
            "picker": picked.form,
            "preview": preview,
            "form": form,
            "result": result,
            "result_carry_total": sum((c.amount for c in result.carried), ZERO) if result else ZERO,
            "result_lapse_total": sum((row.amount for row in result.lapsed), ZERO)
            if result
            else ZERO,
            "can_run": bool(unit and year and can_at(user, Lapse, Action.ADD, unit.path)),
            "query": unit_year_query(unit, year) if unit and year else "",
        }
        return render(self.request, "budget/yearend.html", context, status=status)


# Carry-over and lapse ------------------------------------------------------------------------


def _paid_on_new_commitment() -> Subquery:
    return Subquery(
        Disbursement.objects.filter(commitment=OuterRef("new_commitment"))
        .values("commitment")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=models.DecimalField(max_digits=17, decimal_places=2),
    )


CARRY_OVER_QUERYSET = CarryOver.objects.select_related(
    "commitment__allocation__unit",
    "commitment__allocation__fiscal_year",
    "commitment__allocation__project",
    "commitment__allocation__activity",
    "new_commitment__allocation__fiscal_year",
    "extension_approved_by",
).annotate(
    paid=Coalesce(_paid_on_new_commitment(), ZERO, output_field=models.DecimalField()),
    remaining=models.F("new_commitment__amount") - models.F("paid"),
)


def carry_over_state(row: CarryOver) -> str:
    remaining: Decimal = row.remaining  # type: ignore[attr-defined]
    if remaining <= 0:
        return _("เบิกจ่ายครบแล้ว")
    if row.effective_deadline < timezone.localdate():  # type: ignore[operator]
        return _("เกินกำหนดเบิกจ่าย")
    return _("ยังเบิกจ่ายไม่ครบ")


class CarryOverTable(Table):
    """The list with an "extend" link for the rows the user may extend (``can_extend``)."""

    actions: ClassVar[set[str]] = {"extend"}
    columns = [
        Column(
            "commitment",
            gettext_lazy("ข้อผูกพัน"),
            accessor=lambda r: f"{r.commitment.document_number} {r.commitment.counterpart}",
            order_by="commitment__document_number",
            link=True,
        ),
        Column(
            "unit",
            gettext_lazy("หน่วยงาน"),
            accessor="commitment.allocation.unit.name",
            order_by="unit_path",
        ),
        Column(
            "fiscal_year",
            gettext_lazy("กันจากปี"),
            accessor="commitment.allocation.fiscal_year.year",
            order_by="commitment__allocation__fiscal_year__year",
        ),
        Column("amount", gettext_lazy("จำนวนที่กันไว้ (บาท)"), order_by="amount", numeric=True),
        Column("deadline", gettext_lazy("เบิกจ่ายได้ถึง"), order_by="deadline"),
        Column("extended_deadline", gettext_lazy("ขยายเวลาถึง"), order_by="extended_deadline"),
        Column("remaining", gettext_lazy("คงเหลือ (บาท)"), order_by="remaining", numeric=True),
        Column("state", gettext_lazy("สถานะ"), accessor=carry_over_state),
        Column("extend", gettext_lazy("ขยายเวลา"), accessor=lambda r: None),
    ]
    default_order = ("deadline", "pk")

    def cell(self, column: Column, row: Any) -> SafeString:
        if column.name == "extend":
            if getattr(row, "can_extend", False):
                return format_html(
                    '<a href="{}">{}</a>',
                    reverse("budget:carryover_extend", args=[row.pk]),
                    _("ขยายเวลา"),
                )
            return format_html("{}", "")
        return super().cell(column, row)

    def export_headers(self) -> list[str]:
        return [str(c.label) for c in self.columns if c.name not in self.actions]

    def export_rows(self) -> Any:
        kept = [c for c in self.columns if c.name not in self.actions]
        for row in self.queryset.iterator(chunk_size=2000):
            yield [export_value(c.value(row)) for c in kept]


class CarryOverListView(ObjectListView):
    queryset = CARRY_OVER_QUERYSET
    filterset = CarryOverFilterSet
    table = CarryOverTable
    export_stem = "carry-overs"
    template_name = "budget/carryover_list.html"

    def restricted(self, action: str = Action.VIEW) -> QuerySet[Any]:
        extendable = CarryOver.objects.restrict(self.request.user, "extend").filter(
            pk=OuterRef("pk")
        )
        return super().restricted(action).annotate(can_extend=models.Exists(extendable))

    def add_url(self) -> str | None:
        return None  # carry-overs come from closing a fiscal year


class CarryOverDetailView(ObjectDetailView):
    queryset = CARRY_OVER_QUERYSET
    template_name = "budget/carryover_detail.html"

    def extra_context(self, obj: CarryOver) -> dict[str, Any]:
        return {
            "can_extend": can(self.request.user, "extend", obj),
            "state": carry_over_state(obj),
            "crumbs": [Crumb(_("เงินกันไว้เบิกเหลื่อมปี"), reverse("budget:carryover_list"))],
        }


class CarryOverExtendView(PolicyView):
    """ขยายเวลาเบิกจ่าย with the approval's reference (e.g. the Ministry of Finance's consent)."""

    queryset = CARRY_OVER_QUERYSET
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        carry = self.get_object("extend")
        form = CarryOverExtendForm(initial={"version": carry.version})
        return self.render_page(carry, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        carry = self.get_object("extend")
        form = CarryOverExtendForm(request.POST)
        if form.is_valid():
            try:
                carry_over_extend(
                    actor=request.user,  # type: ignore[arg-type]
                    carry_over=carry,
                    new_deadline=form.cleaned_data["extended_deadline"],
                    reference=form.cleaned_data["extension_reference"],
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("บันทึกการขยายเวลาเบิกจ่ายแล้ว"))
                return redirect(carry)
        return self.render_page(carry, form, status=400)

    def render_page(
        self, carry: CarryOver, form: CarryOverExtendForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "object": carry,
            "form": form,
            "crumbs": [
                Crumb(_("เงินกันไว้เบิกเหลื่อมปี"), reverse("budget:carryover_list")),
                Crumb(carry.commitment.document_number, carry.get_absolute_url()),
            ],
        }
        return render(self.request, "budget/carryover_extend.html", context, status=status)


class CarryOverHistoryView(ObjectHistoryView):
    queryset = CarryOver.objects.all()


class LapseTable(Table):
    columns = [
        Column(
            "allocation",
            gettext_lazy("การจัดสรร"),
            accessor=lambda r: allocation_choice_label(r.allocation, with_amount=False),
            link=True,
        ),
        Column(
            "fiscal_year",
            gettext_lazy("ปีงบประมาณ"),
            accessor="allocation.fiscal_year.year",
            order_by="allocation__fiscal_year__year",
        ),
        Column("amount", gettext_lazy("จำนวนเงินที่พับ (บาท)"), order_by="amount", numeric=True),
        Column("created_at", gettext_lazy("บันทึกเมื่อ"), order_by="created_at"),
    ]
    default_order = ("-allocation__fiscal_year__year", "unit_path", "pk")


class LapseListView(ObjectListView):
    queryset = Lapse.objects.select_related(
        *[f"allocation__{join}" for join in (*ALLOCATION_LABEL_JOINS, "fiscal_year")]
    )
    filterset = LapseFilterSet
    table = LapseTable
    export_stem = "lapses"
    template_name = "budget/setup_lapse_list.html"

    def add_url(self) -> str | None:
        return None  # lapses come from closing a fiscal year
