"""FilterSets of the budget pages (setup and records): the list pages, exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    FundSource,
    Lapse,
)
from phaen.core.access import Action
from phaen.core.filters import SearchFilter, ThaiDateFilter
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import (
    SubtreeFilter,
    current_versions,
    fiscal_years,
    selected_year_default,
    with_defaults,
    with_visible_ancestors,
)
from phaen.plans.models import Project

# Setup ----------------------------------------------------------------------------------------
# Reference data, transfers, carry-over and lapse (views/setup.py).


def _units_owning(
    request: HttpRequest | None, model: type[BudgetTransfer | CarryOver | Lapse | BudgetPolicy]
) -> QuerySet[OrgUnit]:
    """Units whose ``model`` rows the user may see (by the copied ``unit_path``), and the units
    above them."""
    rows = model.objects.restrict(getattr(request, "user", None), Action.VIEW)
    units = OrgUnit.objects.filter(path__in=rows.values("unit_path"))
    return with_visible_ancestors(request, units)


def transfer_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    return _units_owning(request, BudgetTransfer)


def carry_over_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    return _units_owning(request, CarryOver)


def lapse_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    return _units_owning(request, Lapse)


def policy_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    return _units_owning(request, BudgetPolicy)


class FundSourceFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["code", "name"])
    kind = django_filters.ChoiceFilter(label=_("ประเภท"), choices=FundSource.Kind.choices)
    is_active = django_filters.BooleanFilter(label=_("ใช้งานอยู่"))

    class Meta:
        model = FundSource
        fields = ["q", "kind", "is_active"]


class BudgetPolicyFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=policy_units, path_field="unit_path"
    )
    overspend_mode = django_filters.ChoiceFilter(
        label=_("เมื่อใช้จ่ายเกินวงเงิน"), choices=BudgetPolicy.OverspendMode.choices
    )

    class Meta:
        model = BudgetPolicy
        fields = ["unit", "overspend_mode"]


class BudgetTransferFilterSet(django_filters.FilterSet):
    """โอนเปลี่ยนแปลง: by status, fiscal year (the header's when opened without filters) and
    the unit at which the transfer is decided (and the units below it)."""

    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=BudgetTransfer.Status.choices)
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"), queryset=fiscal_years, to_field_name="year"
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=transfer_units, path_field="unit_path"
    )

    class Meta:
        model = BudgetTransfer
        fields = ["status", "fiscal_year", "unit"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)


class CarryOverFilterSet(django_filters.FilterSet):
    STATE_CHOICES = (
        ("open", _("ยังเบิกจ่ายไม่ครบ")),
        ("overdue", _("เกินกำหนดเบิกจ่าย")),
        ("settled", _("เบิกจ่ายครบแล้ว")),
    )

    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("กันเงินจากปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="commitment__allocation__fiscal_year",
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=carry_over_units, path_field="unit_path"
    )
    state = django_filters.ChoiceFilter(
        label=_("สถานะ"), choices=STATE_CHOICES, method="filter_state"
    )

    class Meta:
        model = CarryOver
        fields = ["fiscal_year", "unit", "state"]

    def filter_state(
        self, queryset: QuerySet[CarryOver], name: str, value: str
    ) -> QuerySet[CarryOver]:
        """Needs the ``remaining`` annotation of the list (what the new commitment still owes)."""
        deadline = Coalesce("extended_deadline", "deadline")
        if value == "settled":
            return queryset.filter(Q(remaining__lte=0))
        unpaid = queryset.filter(Q(remaining__gt=0))
        if value == "overdue":
            return unpaid.alias(due=deadline).filter(due__lt=timezone.localdate())
        return unpaid


class LapseFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="allocation__fiscal_year",
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=lapse_units, path_field="unit_path"
    )

    class Meta:
        model = Lapse
        fields = ["fiscal_year", "unit"]


# Records --------------------------------------------------------------------------------------


def _records_user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def record_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units whose allocations the user may see, and the units above them."""
    allocations = Allocation.objects.restrict(_records_user(request), Action.VIEW)
    units = OrgUnit.objects.filter(pk__in=allocations.values("unit_id"))
    return with_visible_ancestors(request, units)


class RecordProjectField(ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} {obj.name}".strip()


class RecordProjectFilter(django_filters.ModelChoiceFilter):
    """A project and its money in every version of its plan (by the project's lineage)."""

    field_class = RecordProjectField

    def filter(self, qs: QuerySet[Any], value: Project | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(allocation__project_lineage=value.lineage)


def record_projects(request: HttpRequest | None, year: str) -> QuerySet[Project]:
    """Projects (current plan versions) with allocations the user may see, in ``year``."""
    user = _records_user(request)
    allocations = Allocation.objects.restrict(user, Action.VIEW).exclude(project_lineage=None)
    if year.isdigit():
        allocations = allocations.filter(fiscal_year__year=int(year))
    return (
        Project.objects.restrict(user, Action.VIEW)
        .filter(
            lineage__in=allocations.values("project_lineage"),
            plan_version__in=current_versions(),
        )
        .order_by("code", "name", "pk")
    )


#: Above this many projects the record lists' project filter is no select box (see below).
PROJECT_CHOICES_LIMIT = 300
PROJECT_SEARCH = ["allocation__project__code", "allocation__project__name"]


class RecordFilterSet(django_filters.FilterSet):
    """What the commitment and disbursement lists share; opens on the header's fiscal year."""

    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="allocation__fiscal_year",
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=record_units, path_field="unit_path"
    )
    project = RecordProjectFilter(label=_("โครงการ"), queryset=Project.objects.none())
    date_from = ThaiDateFilter(label=_("ตั้งแต่วันที่"), field_name="date", lookup_expr="gte")
    date_to = ThaiDateFilter(label=_("ถึงวันที่"), field_name="date", lookup_expr="lte")

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)
        year = str((data or {}).get("fiscal_year") or "")
        projects = record_projects(request, year)
        self.filters["project"].queryset = projects
        if projects[PROJECT_CHOICES_LIMIT : PROJECT_CHOICES_LIMIT + 1].exists():
            # Too many projects for a select box (a province: thousands): the project stays a
            # hidden filter (the money tab's ``?project=`` links) and the search box finds
            # projects by code or name instead.
            self.filters["project"].extra["widget"] = forms.HiddenInput
            search = self.filters["q"]
            search.search_fields = [*search.search_fields, *PROJECT_SEARCH]
            search.label = _("ค้นหาเลขที่เอกสาร คู่สัญญา หรือรหัสหรือชื่อโครงการ")


class CommitmentFilterSet(RecordFilterSet):
    q = SearchFilter(
        label=_("ค้นหาเลขที่เอกสารหรือคู่สัญญา"),
        fields=["document_number", "counterpart", "description"],
    )
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Commitment.Status.choices)

    class Meta:
        model = Commitment
        fields = ["q", "fiscal_year", "unit", "project", "status", "date_from", "date_to"]


class DisbursementFilterSet(RecordFilterSet):
    KIND_CHOICES = (
        ("commitment", _("ตามข้อผูกพัน")),
        ("direct", _("เบิกจ่ายโดยตรง")),
    )

    q = SearchFilter(
        label=_("ค้นหาเลขที่เอกสารหรือคู่สัญญา"),
        fields=[
            "document_number",
            "description",
            "commitment__document_number",
            "commitment__counterpart",
        ],
    )
    kind = django_filters.ChoiceFilter(
        label=_("ลักษณะการเบิกจ่าย"), choices=KIND_CHOICES, method="filter_kind"
    )

    class Meta:
        model = Disbursement
        fields = ["q", "fiscal_year", "unit", "project", "kind", "date_from", "date_to"]

    def filter_kind(
        self, queryset: QuerySet[Disbursement], name: str, value: str
    ) -> QuerySet[Disbursement]:
        if value == "commitment":
            return queryset.filter(commitment__isnull=False)
        if value == "direct":
            return queryset.filter(commitment__isnull=True)
        return queryset
