"""API of the budget: reference data, allocations, spending plans, commitments, disbursements,
transfers, carry-over and lapse, the cabinet's targets and the units' budget policies.

Collections: /api/v1/fund-sources/, expense-categories/, disbursement-targets/ (reference data),
allocations/ (with GET/POST ``{id}/spending-plan/``), spending-plans/ (the monthly lines, read
only), commitments/, disbursements/, transfers/ (with the ``approve`` and ``reject`` actions),
carry-overs/ (read, and the ``extend`` action), lapses/ (read) and budget-policies/.

Every write goes through phaen.budget.services (or the generic services for plain reference
rows), so over-spending is refused — or, where the unit's policy says "warn", allowed with an
``override_reason`` — with the same Thai message as on the pages, and nothing is saved. Money is
a string with two decimals; Thai digits and thousands separators are accepted on input. Dates
are ISO (Christian era).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from phaen.budget.forms import recordable_allocations
from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    DisbursementTarget,
    EconomicClass,
    ExpenseCategory,
    FundSource,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.selectors import allocation_figures
from phaen.budget.services import (
    allocation_create,
    allocation_delete,
    allocation_update,
    carry_over_extend,
    commitment_create,
    commitment_delete,
    commitment_update,
    disbursement_create,
    disbursement_delete,
    disbursement_update,
    paid_on,
    spending_plan_set,
    spread_by_activities,
    spread_evenly,
    transfer_approve,
    transfer_reject,
    transfer_request,
)
from phaen.core.access import Action, can_at
from phaen.core.api.viewsets import PolicyViewSet, ReadOnlyPolicyViewSet, set_choices
from phaen.core.audit import day_bounds
from phaen.core.exceptions import DomainError
from phaen.core.filters import SearchFilter, ThaiDateFilter
from phaen.core.trees import path_ids
from phaen.orgs.models import OrgUnit
from phaen.plans.api import PlanModelSerializer, SubtreeIdFilter, display, id_filter, name_of
from phaen.plans.models import FiscalYear, Project
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.money import ThaiNumberError, parse_number

ZERO = Decimal("0.00")
TAIL = ["version", "created_at", "updated_at"]


# Fields -------------------------------------------------------------------------------------


class MoneyField(serializers.DecimalField):
    """Baht as a string with two decimals; input may use Thai digits and thousands separators
    ("๑,๒๕๐.๕๐"), never more than two decimals."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str):
            try:
                data = parse_number(data)
            except ThaiNumberError as error:
                raise serializers.ValidationError(error.message) from error
        amount: Decimal = super().to_internal_value(data)
        return amount


def money(**kwargs: Any) -> MoneyField:
    """A money field of a record: never negative."""
    kwargs.setdefault("min_value", ZERO)
    return MoneyField(**kwargs)


def positive_money(**kwargs: Any) -> MoneyField:
    """The amount of a commitment, disbursement or transfer: more than zero."""
    field = MoneyField(**kwargs)
    field.validators.append(_must_be_positive)
    return field


def _must_be_positive(value: Decimal) -> None:
    if value <= 0:
        raise serializers.ValidationError(_("จำนวนเงินต้องมากกว่าศูนย์"))


def figure(source: str = "", *, nullable: bool = False, help_text: Any = None) -> serializers.Field:
    """A read-only computed amount (or percentage) of an allocation."""
    return serializers.DecimalField(
        max_digits=17,
        decimal_places=2,
        source=source or None,
        read_only=True,
        allow_null=nullable,
        help_text=help_text,
    )


def fiscal_year_field() -> serializers.SlugRelatedField[FiscalYear]:
    return serializers.SlugRelatedField(
        slug_field="year",
        queryset=FiscalYear.objects.all(),
        help_text=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"),
    )


# Reference data -----------------------------------------------------------------------------


class FundSourceSerializer(PlanModelSerializer):
    kind_display = display("kind")

    class Meta:
        model = FundSource
        fields = ["id", "code", "name", "kind", "kind_display", "order", "is_active", *TAIL]
        read_only_fields = TAIL


class ExpenseCategorySerializer(PlanModelSerializer):
    parent_name = name_of("parent.name")
    economic_class_display = display("economic_class")

    class Meta:
        model = ExpenseCategory
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "parent_name",
            "economic_class",
            "economic_class_display",
            "order",
            "is_active",
            *TAIL,
        ]
        read_only_fields = TAIL

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current: ExpenseCategory | None = self.instance if self.editing else None
        parent: ExpenseCategory | None = self.merged(attrs, "parent")
        if parent is not None:
            if parent.parent_id is not None or (current is not None and parent.pk == current.pk):
                raise serializers.ValidationError(
                    {"parent": [_("งบรายจ่ายมีสองระดับ: รายการต้องอยู่ใต้งบรายจ่ายระดับบน")]}
                )
            if current is not None and current.items.exists():
                raise serializers.ValidationError(
                    {"parent": [_("งบรายจ่ายนี้มีรายการอยู่ภายใต้ จึงย้ายไปเป็นรายการของงบอื่นไม่ได้")]}
                )
        if current is not None:
            # Allocations copy a category's top level and economic class for the running sums.
            moved = (
                parent != current.parent
                or self.merged(attrs, "economic_class") != current.economic_class
            )
            in_use = Allocation.objects.filter(Q(category=current) | Q(top_category=current))
            if moved and in_use.exists():
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            _(
                                "มีการจัดสรรงบประมาณที่ใช้งบรายจ่ายนี้แล้ว "
                                "จึงเปลี่ยนงบรายจ่ายระดับบนหรือลักษณะเศรษฐกิจไม่ได้"
                            )
                        ]
                    }
                )
        return attrs


TARGET_PERIODS = [(f"Q{n}", f"Q{n}") for n in range(1, 5)] + [
    (f"M{n:02d}", f"M{n:02d}") for n in range(1, 13)
]


class DisbursementTargetSerializer(PlanModelSerializer):
    period = serializers.ChoiceField(
        choices=TARGET_PERIODS,
        help_text=gettext_lazy("ไตรมาส Q1–Q4 หรือเดือน M01–M12 (M01 = ตุลาคม)"),
    )
    scope_display = display("scope")
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=ZERO, max_value=Decimal(100)
    )

    class Meta:
        model = DisbursementTarget
        fields = [
            "id",
            "fiscal_year",
            "period",
            "scope",
            "scope_display",
            "percent",
            "source",
            *TAIL,
        ]
        read_only_fields = TAIL


class BudgetPolicySerializer(PlanModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    overspend_mode_display = display("overspend_mode")

    create_only = ("unit",)
    unit_fields = ("unit",)

    class Meta:
        model = BudgetPolicy
        fields = [
            "id",
            "unit",
            "unit_name",
            "overspend_mode",
            "overspend_mode_display",
            "behind_points",
            "far_behind_points",
            *TAIL,
        ]
        read_only_fields = TAIL

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        behind, far = self.merged(attrs, "behind_points"), self.merged(attrs, "far_behind_points")
        if behind is not None and far is not None and far < behind:
            raise serializers.ValidationError(
                {"far_behind_points": [_("เกณฑ์ “ล่าช้ามาก” ต้องไม่น้อยกว่าเกณฑ์ “ล่าช้า”")]}
            )
        if not self.editing:
            # The policy follows its unit in the access policy (a copy of the unit's path).
            attrs["unit_path"] = attrs["unit"].path
        return attrs


# Allocations and spending plans -------------------------------------------------------------


def attach_figures(allocations: Sequence[Allocation]) -> None:
    """Give each allocation its ``figures`` and ``allocated_below`` (five queries in all)."""
    ids = [allocation.pk for allocation in allocations]
    figures = allocation_figures(Allocation.objects.filter(pk__in=ids))
    below = dict(
        Allocation.objects.filter(parent_id__in=ids)
        .values_list("parent_id")
        .annotate(total=Sum("amount"))
    )
    for allocation in allocations:
        allocation.figures = figures[allocation.pk]  # type: ignore[attr-defined]
        allocation.allocated_below = below.get(allocation.pk, ZERO)  # type: ignore[attr-defined]
        allocation.unallocated = allocation.amount - allocation.allocated_below  # type: ignore[attr-defined]


class AllocationSerializer(PlanModelSerializer):
    fiscal_year = fiscal_year_field()
    fund_source_name = serializers.CharField(source="fund_source.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    economic_class_display = display("economic_class")
    level_display = display("level")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "หน่วยงานที่ได้รับจัดสรร (การจัดสรรให้โครงการหรือกิจกรรมเป็นของหน่วยงานเจ้าภาพหลักของโครงการ)"
        ),
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    project_name = name_of("project.name")
    activity_name = name_of("activity.name")
    original_amount = MoneyField(read_only=True)
    amount = money()
    allocated_below = figure(help_text=gettext_lazy("จัดสรรต่อให้ระดับล่างแล้ว"))
    unallocated = figure(help_text=gettext_lazy("ยังไม่ได้จัดสรรต่อ"))
    planned = figure("figures.planned", help_text=gettext_lazy("แผนการใช้จ่ายทั้งปีของรายการนี้"))
    disbursed = figure("figures.disbursed", help_text=gettext_lazy("เบิกจ่ายแล้ว (รวมระดับล่าง)"))
    owed = figure("figures.owed", help_text=gettext_lazy("ก่อหนี้ผูกพันที่ยังไม่เบิกจ่าย (รวมระดับล่าง)"))
    used = figure("figures.used", help_text=gettext_lazy("ใช้จ่าย = เบิกจ่าย + ก่อหนี้ผูกพันคงเหลือ"))
    available = figure("figures.remaining", help_text=gettext_lazy("คงเหลือ = วงเงิน − ใช้จ่าย"))
    disbursement_rate = figure(
        "figures.disbursement_rate", nullable=True, help_text=gettext_lazy("ร้อยละการเบิกจ่าย")
    )
    usage_rate = figure(
        "figures.usage_rate", nullable=True, help_text=gettext_lazy("ร้อยละการใช้จ่าย")
    )

    create_only = ("fiscal_year", "fund_source", "parent", "unit", "project", "activity")
    unit_fields = ("unit",)
    scope_actions = {"parent": Action.ADD}

    class Meta:
        model = Allocation
        fields = [
            "id",
            "fiscal_year",
            "fund_source",
            "fund_source_name",
            "category",
            "category_name",
            "top_category",
            "economic_class",
            "economic_class_display",
            "parent",
            "root",
            "level",
            "level_display",
            "unit",
            "unit_name",
            "project",
            "project_name",
            "activity",
            "activity_name",
            "project_lineage",
            "original_amount",
            "amount",
            "note",
            "allocated_below",
            "unallocated",
            "planned",
            "disbursed",
            "owed",
            "used",
            "available",
            "disbursement_rate",
            "usage_rate",
            *TAIL,
        ]
        read_only_fields = [
            "top_category",
            "economic_class",
            "root",
            "level",
            "project_lineage",
            *TAIL,
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.editing:
            return attrs
        project, activity = attrs.get("project"), attrs.get("activity")
        if activity is not None:
            if project is not None and activity.project_id != project.pk:
                raise serializers.ValidationError({"activity": [_("กิจกรรมนี้ไม่ได้อยู่ในโครงการที่เลือก")]})
            project = attrs["project"] = activity.project
        unit = attrs.get("unit")
        if project is not None:
            if unit is not None and project.lead_unit_id is not None and unit != project.lead_unit:
                raise serializers.ValidationError(
                    {
                        "unit": [
                            _("การจัดสรรให้โครงการเป็นของหน่วยงานเจ้าภาพหลักของโครงการ (%s)")
                            % project.lead_unit
                        ]
                    }
                )
            if project.lead_unit_id is not None:
                attrs["unit"] = project.lead_unit
        elif unit is None:
            raise serializers.ValidationError({"unit": [_("กรุณาเลือกหน่วยงานที่ได้รับจัดสรร")]})
        return attrs

    def to_representation(self, instance: Allocation) -> dict[str, Any]:
        if not hasattr(instance, "figures"):
            attach_figures([instance])
        return super().to_representation(instance)


class SpendingPlanLineSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)

    class Meta:
        model = SpendingPlanLine
        fields = ["id", "allocation", "month", "amount", *TAIL]
        read_only_fields = fields


class SpendingPlanInputSerializer(serializers.Serializer):
    SPREADS: ClassVar[list[tuple[str, Any]]] = [
        ("evenly", gettext_lazy("เฉลี่ยเท่ากันทุกเดือน")),
        ("activities", gettext_lazy("ตามช่วงเวลาของกิจกรรม")),
    ]

    months = serializers.DictField(
        child=money(),
        required=False,
        help_text=gettext_lazy(
            'จำนวนเงินรายเดือน เช่น {"2017-10": "1000.00", "2017-11": "2500.00"}; '
            "เดือนที่ไม่ระบุเท่ากับศูนย์ และผลรวมต้องเท่ากับวงเงิน"
        ),
    )
    spread = serializers.ChoiceField(
        choices=SPREADS,
        required=False,
        help_text=gettext_lazy("แทน months: evenly = เฉลี่ยทุกเดือน, activities = ตามกิจกรรมของโครงการ"),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_months(self, value: dict[str, Decimal]) -> dict[date, Decimal]:
        months: dict[date, Decimal] = {}
        for key, amount in value.items():
            try:
                day = date.fromisoformat(key if len(key) > 7 else f"{key}-01")
            except ValueError:
                raise serializers.ValidationError(
                    _("“%s” ไม่ใช่เดือน ใช้รูปแบบ ปี-เดือน (ค.ศ.) เช่น 2017-10") % key
                ) from None
            month = day.replace(day=1)
            if month in months:
                raise serializers.ValidationError(_("ระบุเดือน %s ซ้ำ") % month.strftime("%Y-%m"))
            months[month] = amount
        return months

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("months" in attrs) == ("spread" in attrs):
            raise serializers.ValidationError(
                {"non_field_errors": [_("ระบุ months หรือ spread อย่างใดอย่างหนึ่ง")]}
            )
        return attrs


class PlanMonthSerializer(serializers.Serializer):
    month = serializers.DateField(read_only=True)
    amount = MoneyField(read_only=True)
    cumulative = MoneyField(read_only=True)


class PlanQuarterSerializer(serializers.Serializer):
    quarter = serializers.IntegerField(read_only=True)
    amount = MoneyField(read_only=True)
    cumulative = MoneyField(read_only=True)


class SpendingPlanSerializer(serializers.Serializer):
    """An allocation's whole spending plan: twelve months and four quarters, cumulative."""

    allocation = serializers.IntegerField(read_only=True)
    fiscal_year = serializers.IntegerField(read_only=True)
    amount = MoneyField(read_only=True, help_text=gettext_lazy("วงเงินของการจัดสรร"))
    planned = MoneyField(read_only=True, help_text=gettext_lazy("รวมแผนการใช้จ่าย"))
    months = PlanMonthSerializer(many=True, read_only=True)
    quarters = PlanQuarterSerializer(many=True, read_only=True)


def spending_plan_of(allocation: Allocation) -> dict[str, Any]:
    """The data of SpendingPlanSerializer for an allocation (one query)."""
    amounts = dict(
        SpendingPlanLine.objects.filter(allocation=allocation).values_list("month", "amount")
    )
    period = FiscalPeriod(allocation.fiscal_year.year)
    months, running = [], ZERO
    for month in period.months():
        amount = amounts.get(month.start, ZERO)
        running += amount
        months.append({"month": month.start, "amount": amount, "cumulative": running})
    quarters, running = [], ZERO
    for quarter in period.quarters():
        amount = sum((amounts.get(m.start, ZERO) for m in quarter.months()), ZERO)
        running += amount
        quarters.append({"quarter": quarter.number, "amount": amount, "cumulative": running})
    return {
        "allocation": allocation.pk,
        "fiscal_year": allocation.fiscal_year.year,
        "amount": allocation.amount,
        "planned": running,
        "months": months,
        "quarters": quarters,
    }


# Commitments and disbursements --------------------------------------------------------------


class RecordSerializer(PlanModelSerializer):
    """A commitment or disbursement: recorded against a leaf allocation the user may record on."""

    fiscal_year = serializers.IntegerField(source="allocation.fiscal_year.year", read_only=True)
    unit = serializers.IntegerField(source="allocation.unit_id", read_only=True)
    unit_name = serializers.CharField(source="allocation.unit.name", read_only=True)
    project = serializers.IntegerField(
        source="allocation.project_id", read_only=True, allow_null=True
    )
    amount = positive_money()
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("เหตุผลที่จำเป็นต้องใช้จ่ายเกินวงเงิน (เฉพาะหน่วยงานที่นโยบายอนุญาตเมื่อระบุเหตุผล)"),
    )

    create_only: ClassVar[tuple[str, ...]] = ("allocation",)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not self.editing:
            set_choices(fields["allocation"], recordable_allocations(request.user, self.Meta.model))
        return fields


class CommitmentSerializer(RecordSerializer):
    status_display = display("status")
    paid = MoneyField(read_only=True, help_text=gettext_lazy("เบิกจ่ายตามข้อผูกพันนี้แล้ว"))
    balance = MoneyField(read_only=True, help_text=gettext_lazy("ยอดคงเหลือที่ยังไม่เบิกจ่าย"))

    class Meta:
        model = Commitment
        fields = [
            "id",
            "allocation",
            "fiscal_year",
            "unit",
            "unit_name",
            "project",
            "date",
            "document_number",
            "amount",
            "counterpart",
            "description",
            "status",
            "status_display",
            "paid",
            "balance",
            "carried_from",
            "override_reason",
            *TAIL,
        ]
        read_only_fields = ["carried_from", *TAIL]

    def validate_status(self, value: str) -> str:
        if not self.editing and value != Commitment.Status.OPEN:
            raise serializers.ValidationError(_("ข้อผูกพันใหม่ต้องมีสถานะ “ผูกพันอยู่”"))
        current = getattr(self.instance, "status", None)
        if value == Commitment.Status.CARRIED_OVER and current != value:
            raise serializers.ValidationError(
                _("สถานะ “กันเงินไว้เบิกเหลื่อมปีแล้ว” กำหนดได้ด้วยการปิดปีงบประมาณเท่านั้น")
            )
        return value

    def to_representation(self, instance: Commitment) -> dict[str, Any]:
        if not hasattr(instance, "paid"):
            paid = instance.disbursements.aggregate(total=Sum("amount"))["total"]
            instance.paid = paid or ZERO  # type: ignore[attr-defined]
        instance.balance = instance.amount - instance.paid  # type: ignore[attr-defined]
        return super().to_representation(instance)


class DisbursementSerializer(RecordSerializer):
    create_only = ("allocation", "commitment")

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "allocation",
            "commitment",
            "fiscal_year",
            "unit",
            "unit_name",
            "project",
            "date",
            "document_number",
            "amount",
            "description",
            "override_reason",
            *TAIL,
        ]
        read_only_fields = TAIL


# Transfers, carry-over, lapse ---------------------------------------------------------------


def unit_of_path(path: str) -> int | None:
    ids = path_ids(path)
    return ids[-1] if ids else None


class BudgetTransferSerializer(PlanModelSerializer):
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    source_label = serializers.CharField(source="source", read_only=True)
    target_label = serializers.CharField(source="target", read_only=True)
    amount = positive_money()
    status_display = display("status")
    unit = serializers.SerializerMethodField(
        help_text=gettext_lazy("หน่วยงานต้นสังกัดร่วมของทั้งสองฝั่ง (ผู้อนุมัติของหน่วยงานนี้หรือสูงกว่าพิจารณา)")
    )
    requested_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    requested_by_name = name_of("created_by.full_name")
    decided_by_name = name_of("decided_by.full_name")
    approval_unit_name = name_of("approval_unit.name")

    scope_actions = {"source": Action.CHANGE, "target": Action.CHANGE}

    class Meta:
        model = BudgetTransfer
        fields = [
            "id",
            "fiscal_year",
            "source",
            "source_label",
            "target",
            "target_label",
            "amount",
            "reason",
            "status",
            "status_display",
            "unit",
            "requested_by",
            "requested_by_name",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "approval_unit",
            "approval_unit_name",
            *TAIL,
        ]
        read_only_fields = [
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "approval_unit",
            *TAIL,
        ]

    def get_unit(self, transfer: BudgetTransfer) -> int | None:
        return unit_of_path(transfer.unit_path)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("source") is not None and attrs.get("source") == attrs.get("target"):
            raise serializers.ValidationError(
                {"target": [_("ต้องโอนระหว่างการจัดสรรสองรายการที่ต่างกัน")]}
            )
        return attrs


class TransferDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("version ของคำขอที่อ่านมาล่าสุด (หรือส่งเป็น If-Match)"),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("ความเห็นผู้พิจารณา (ต้องระบุเมื่อไม่อนุมัติ)"),
    )


class CarryOverSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    document_number = serializers.CharField(source="commitment.document_number", read_only=True)
    counterpart = serializers.CharField(source="commitment.counterpart", read_only=True)
    fiscal_year = serializers.IntegerField(
        source="commitment.allocation.fiscal_year.year",
        read_only=True,
        help_text=gettext_lazy("ปีงบประมาณเดิมของข้อผูกพัน"),
    )
    unit = serializers.IntegerField(source="commitment.allocation.unit_id", read_only=True)
    effective_deadline = serializers.DateField(read_only=True)
    extension_approved_by_name = name_of("extension_approved_by.full_name")

    class Meta:
        model = CarryOver
        fields = [
            "id",
            "commitment",
            "new_commitment",
            "document_number",
            "counterpart",
            "fiscal_year",
            "unit",
            "amount",
            "deadline",
            "extended_deadline",
            "effective_deadline",
            "extension_reference",
            "extension_approved_by",
            "extension_approved_by_name",
            *TAIL,
        ]
        read_only_fields = fields


class CarryOverExtendSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("version ที่อ่านมาล่าสุด (หรือส่งเป็น If-Match)"),
    )
    extended_deadline = serializers.DateField(help_text=gettext_lazy("เบิกจ่ายได้ถึงวันที่ใหม่"))
    extension_reference = serializers.CharField(
        max_length=255, help_text=gettext_lazy("หนังสืออนุมัติการขยายเวลา")
    )


class LapseSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    allocation_label = serializers.CharField(source="allocation", read_only=True)
    fiscal_year = serializers.IntegerField(source="allocation.fiscal_year.year", read_only=True)
    unit = serializers.IntegerField(source="allocation.unit_id", read_only=True)

    class Meta:
        model = Lapse
        fields = ["id", "allocation", "allocation_label", "fiscal_year", "unit", "amount", *TAIL]
        read_only_fields = fields


# Filters ------------------------------------------------------------------------------------
# The parameters of the plan collections, for money: fiscal_year is a BE year, unit takes a
# unit's whole subtree (by the rows' copied unit_path), project an id (any version of it: the
# money follows the project's lineage) or the lineage itself.


class ProjectRefField(forms.CharField):
    """A project id, or a project lineage (UUID)."""

    def clean(self, value: Any) -> int | uuid.UUID | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if text.isdigit():
            return int(text)
        try:
            return uuid.UUID(text)
        except ValueError:
            raise forms.ValidationError(
                _("ระบุรหัสโครงการ (ตัวเลข) หรือ lineage ของโครงการ (UUID)")
            ) from None


def project_lineage(value: int | uuid.UUID) -> uuid.UUID | None:
    """The lineage of a project id (any version of the project), or the lineage itself."""
    if isinstance(value, uuid.UUID):
        return value
    lineage: uuid.UUID | None = (
        Project.objects.filter(pk=value).values_list("lineage", flat=True).first()
    )
    return lineage


class ProjectFilter(django_filters.Filter):
    """Rows of a project in every version of the plan (by its lineage)."""

    field_class = ProjectRefField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        lineage = project_lineage(value)
        return qs.filter(**{self.field_name: lineage}) if lineage else qs.none()


class MoneyFilterSet(django_filters.FilterSet):
    """``fiscal_year``, ``unit``, ``fund_source``, ``category`` and ``project`` of budget rows.

    ``allocation_lookup`` leads from the model to its allocation ("" on allocations);
    ``unit_path`` to the copied path of the owning unit.
    """

    allocation_lookup: ClassVar[str] = "allocation__"

    fiscal_year = django_filters.NumberFilter(
        label=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"), method="filter_fiscal_year"
    )
    fund_source = django_filters.NumberFilter(
        label=gettext_lazy("แหล่งเงิน (id)"), method="filter_fund_source"
    )
    category = django_filters.NumberFilter(
        label=gettext_lazy("งบรายจ่ายหรือรายการ (id): งบรายจ่ายระดับบนรวมรายการภายใต้"),
        method="filter_category",
    )
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id ของฉบับใดก็ได้ หรือ lineage)"),
        field_name="allocation__project_lineage",
    )

    def filter_fiscal_year(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(**{f"{self.allocation_lookup}fiscal_year__year": value})

    def filter_fund_source(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(**{f"{self.allocation_lookup}fund_source_id": value})

    def filter_category(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        lookup = self.allocation_lookup
        return qs.filter(
            Q(**{f"{lookup}category_id": value}) | Q(**{f"{lookup}top_category_id": value})
        )


def unit_filter(path_field: str) -> SubtreeIdFilter:
    return SubtreeIdFilter(
        label=gettext_lazy("หน่วยงาน (id) รวมหน่วยงานภายใต้"), path_field=path_field
    )


def date_range(field: str) -> tuple[ThaiDateFilter, ThaiDateFilter]:
    return (
        ThaiDateFilter(label=gettext_lazy("ตั้งแต่วันที่"), field_name=field, lookup_expr="gte"),
        ThaiDateFilter(label=gettext_lazy("ถึงวันที่"), field_name=field, lookup_expr="lte"),
    )


class FundSourceFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["code", "name"])
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("ประเภท"), choices=FundSource.Kind.choices
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("ใช้งานอยู่"))

    class Meta:
        model = FundSource
        fields = ["q", "kind", "is_active"]


class ExpenseCategoryFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["code", "name"])
    parent = id_filter(gettext_lazy("งบรายจ่ายระดับบน (id)"), "parent_id")
    top_level = django_filters.BooleanFilter(
        label=gettext_lazy("เฉพาะงบรายจ่ายระดับบน"), field_name="parent", lookup_expr="isnull"
    )
    economic_class = django_filters.ChoiceFilter(
        label=gettext_lazy("ลักษณะเศรษฐกิจ"), choices=EconomicClass.choices
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("ใช้งานอยู่"))

    class Meta:
        model = ExpenseCategory
        fields = ["q", "parent", "top_level", "economic_class", "is_active"]


class DisbursementTargetFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(label=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"))
    period = django_filters.ChoiceFilter(label=gettext_lazy("ช่วงเวลา"), choices=TARGET_PERIODS)
    scope = django_filters.ChoiceFilter(
        label=gettext_lazy("ขอบเขต"), choices=DisbursementTarget.Scope.choices
    )

    class Meta:
        model = DisbursementTarget
        fields = ["fiscal_year", "period", "scope"]


class BudgetPolicyFilterSet(django_filters.FilterSet):
    unit = unit_filter("unit_path")
    overspend_mode = django_filters.ChoiceFilter(
        label=gettext_lazy("เมื่อใช้จ่ายเกินวงเงิน"), choices=BudgetPolicy.OverspendMode.choices
    )

    class Meta:
        model = BudgetPolicy
        fields = ["unit", "overspend_mode"]


class AllocationFilterSet(MoneyFilterSet):
    allocation_lookup = ""

    q = SearchFilter(
        fields=["note", "unit__name", "project__code", "project__name", "activity__name"]
    )
    unit = unit_filter("unit_path")
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id ของฉบับใดก็ได้ หรือ lineage)"), field_name="project_lineage"
    )
    parent = id_filter(gettext_lazy("จัดสรรจาก (id): เฉพาะระดับล่างถัดไป"), "parent_id")
    root = id_filter(gettext_lazy("วงเงินต้นทาง (id): ทั้งสายการจัดสรร"), "root_id")
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("ระดับ"), choices=Allocation.Level.choices
    )
    economic_class = django_filters.ChoiceFilter(
        label=gettext_lazy("ลักษณะเศรษฐกิจ"), choices=EconomicClass.choices
    )
    leaf = django_filters.BooleanFilter(
        label=gettext_lazy("true = เฉพาะรายการที่ไม่ได้จัดสรรต่อ (บันทึกการใช้จ่ายได้)"), method="filter_leaf"
    )

    class Meta:
        model = Allocation
        fields = [
            "q",
            "fiscal_year",
            "unit",
            "fund_source",
            "category",
            "project",
            "parent",
            "root",
            "level",
            "economic_class",
            "leaf",
        ]

    def filter_leaf(self, qs: QuerySet[Allocation], name: str, value: Any) -> QuerySet[Allocation]:
        children = Exists(Allocation.objects.filter(parent=OuterRef("pk")))
        return qs.filter(~children) if value else qs.filter(children)


class SpendingPlanLineFilterSet(MoneyFilterSet):
    unit = unit_filter("allocation__unit_path")
    allocation = id_filter(gettext_lazy("การจัดสรร (id)"), "allocation_id")
    date_from = ThaiDateFilter(label=gettext_lazy("ตั้งแต่เดือนของวันที่"), method="filter_date_from")
    date_to = ThaiDateFilter(
        label=gettext_lazy("ถึงเดือนของวันที่"), field_name="month", lookup_expr="lte"
    )

    def filter_date_from(self, qs: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return qs.filter(month__gte=value.replace(day=1))

    class Meta:
        model = SpendingPlanLine
        fields = [
            "fiscal_year",
            "unit",
            "fund_source",
            "category",
            "project",
            "allocation",
            "date_from",
            "date_to",
        ]


class CommitmentFilterSet(MoneyFilterSet):
    q = SearchFilter(fields=["document_number", "counterpart", "description"])
    unit = unit_filter("unit_path")
    allocation = id_filter(gettext_lazy("การจัดสรร (id)"), "allocation_id")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะ"), choices=Commitment.Status.choices
    )
    date_from, date_to = date_range("date")

    class Meta:
        model = Commitment
        fields = [
            "q",
            "fiscal_year",
            "unit",
            "fund_source",
            "category",
            "project",
            "allocation",
            "status",
            "date_from",
            "date_to",
        ]


class DisbursementFilterSet(MoneyFilterSet):
    q = SearchFilter(fields=["document_number", "description"])
    unit = unit_filter("unit_path")
    allocation = id_filter(gettext_lazy("การจัดสรร (id)"), "allocation_id")
    commitment = id_filter(gettext_lazy("ข้อผูกพัน (id)"), "commitment_id")
    date_from, date_to = date_range("date")

    class Meta:
        model = Disbursement
        fields = [
            "q",
            "fiscal_year",
            "unit",
            "fund_source",
            "category",
            "project",
            "allocation",
            "commitment",
            "date_from",
            "date_to",
        ]


class BudgetTransferFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["reason", "decision_note"])
    fiscal_year = django_filters.NumberFilter(
        label=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"), field_name="fiscal_year__year"
    )
    unit = unit_filter("unit_path")
    fund_source = id_filter(gettext_lazy("แหล่งเงิน (id)"), "source__fund_source_id")
    allocation = django_filters.NumberFilter(
        label=gettext_lazy("การจัดสรร (id): ฝั่งโอนออกหรือรับโอน"), method="filter_allocation"
    )
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id หรือ lineage): ฝั่งโอนออกหรือรับโอน"),
        method="filter_project",
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะ"), choices=BudgetTransfer.Status.choices
    )
    date_from = ThaiDateFilter(label=gettext_lazy("ขอตั้งแต่วันที่"), method="filter_date_from")
    date_to = ThaiDateFilter(label=gettext_lazy("ขอถึงวันที่"), method="filter_date_to")

    class Meta:
        model = BudgetTransfer
        fields = [
            "q",
            "fiscal_year",
            "unit",
            "fund_source",
            "allocation",
            "project",
            "status",
            "date_from",
            "date_to",
        ]

    def filter_allocation(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(Q(source_id=value) | Q(target_id=value))

    def filter_project(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        lineage = project_lineage(value)
        if lineage is None:
            return qs.none()
        return qs.filter(Q(source__project_lineage=lineage) | Q(target__project_lineage=lineage))

    def filter_date_from(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(created_at__gte=day_bounds(value)[0])

    def filter_date_to(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(created_at__lt=day_bounds(value)[1])


class CarryOverFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(
        label=gettext_lazy("ปีงบประมาณเดิม (พ.ศ.)"),
        field_name="commitment__allocation__fiscal_year__year",
    )
    unit = unit_filter("unit_path")
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id หรือ lineage)"),
        field_name="commitment__allocation__project_lineage",
    )
    deadline_from, deadline_to = date_range("deadline")

    class Meta:
        model = CarryOver
        fields = ["fiscal_year", "unit", "project", "deadline_from", "deadline_to"]


class LapseFilterSet(MoneyFilterSet):
    unit = unit_filter("unit_path")

    class Meta:
        model = Lapse
        fields = ["fiscal_year", "unit", "fund_source", "category", "project"]


# Viewsets -----------------------------------------------------------------------------------


class FundSourceViewSet(PolicyViewSet):
    """แหล่งเงิน: reference data for everyone; planners and admins at a top-level unit write."""

    queryset = FundSource.objects.all()
    serializer_class = FundSourceSerializer
    filterset_class = FundSourceFilterSet
    ordering_fields = ["order", "code", "name"]
    ordering = ["order", "code"]


class ExpenseCategoryViewSet(PolicyViewSet):
    """งบรายจ่ายและรายการ (two levels), each current or capital; written at a top-level unit."""

    queryset = ExpenseCategory.objects.select_related("parent")
    serializer_class = ExpenseCategorySerializer
    filterset_class = ExpenseCategoryFilterSet
    ordering_fields = ["order", "code", "name"]
    ordering = ["order", "code"]


class DisbursementTargetViewSet(PolicyViewSet):
    """เป้าหมายการเบิกจ่ายตามมติคณะรัฐมนตรี: public; written at a top-level unit."""

    queryset = DisbursementTarget.objects.all()
    serializer_class = DisbursementTargetSerializer
    filterset_class = DisbursementTargetFilterSet
    ordering_fields = ["fiscal_year", "period", "scope"]
    ordering = ["-fiscal_year", "period", "scope"]


class BudgetPolicyViewSet(PolicyViewSet):
    """นโยบายการควบคุมงบ of a unit (units below without their own follow the nearest above)."""

    queryset = BudgetPolicy.objects.select_related("unit")
    serializer_class = BudgetPolicySerializer
    filterset_class = BudgetPolicyFilterSet
    ordering_fields = ["unit_path"]
    ordering = ["unit_path"]


class AllocationViewSet(PolicyViewSet):
    """การจัดสรรงบประมาณ: a unit's envelope and what is allocated from it, with its figures.

    ``{id}/spending-plan/`` reads (GET) or replaces (POST) the allocation's monthly plan.
    """

    queryset = Allocation.objects.select_related(
        "fiscal_year", "fund_source", "category", "unit", "project", "activity"
    )
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    ordering_fields = ["tree_path", "unit_path", "amount", "created_at"]
    ordering = ["-fiscal_year__year", "tree_path", "pk"]
    create_service = staticmethod(allocation_create)
    update_service = staticmethod(allocation_update)
    delete_service = staticmethod(allocation_delete)

    def paginate_queryset(self, queryset: QuerySet[Any] | Sequence[Any]) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_figures(page)
        return page

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("แผนการใช้จ่ายรายเดือนของการจัดสรร"),
        responses=SpendingPlanSerializer,
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("กำหนดแผนการใช้จ่ายทั้งปีของการจัดสรร (ผลรวมต้องเท่ากับวงเงิน)"),
        request=SpendingPlanInputSerializer,
        responses=SpendingPlanSerializer,
    )
    @action(detail=True, methods=["get", "post"], url_path="spending-plan")
    def spending_plan(self, request: Request, pk: str | None = None) -> Response:
        allocation: Allocation = self.get_object()
        if request.method == "POST":
            if not can_at(self.actor, SpendingPlanLine, Action.CHANGE, allocation.unit_path):
                raise exceptions.PermissionDenied(_("คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้"))
            data = SpendingPlanInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            months = data.validated_data.get("months")
            if months is None:
                months = (
                    spread_evenly(
                        allocation.amount,
                        [m.start for m in FiscalPeriod(allocation.fiscal_year.year).months()],
                    )
                    if data.validated_data["spread"] == "evenly"
                    else spread_by_activities(allocation)
                )
            try:
                spending_plan_set(
                    actor=self.actor,
                    allocation=allocation,
                    amounts=months,
                    reason=data.validated_data["reason"],
                )
            except DomainError as error:
                if error.field or type(error) is not DomainError:
                    raise
                # Every rule of the plan is about the months sent.
                raise DomainError(error.message, field="months") from error
        return Response(SpendingPlanSerializer(spending_plan_of(allocation)).data)


class SpendingPlanLineViewSet(ReadOnlyPolicyViewSet):
    """แผนการใช้จ่ายรายเดือน: one row per allocation and month (read only; write a whole plan
    with POST /api/v1/allocations/{id}/spending-plan/)."""

    queryset = SpendingPlanLine.objects.all()
    serializer_class = SpendingPlanLineSerializer
    filterset_class = SpendingPlanLineFilterSet
    ordering_fields = ["month", "amount"]
    ordering = ["allocation_id", "month"]


class CommitmentViewSet(PolicyViewSet):
    """การก่อหนี้ผูกพัน: purchase orders and contracts; close or cancel one through ``status``."""

    queryset = paid_on(
        Commitment.objects.select_related("allocation__fiscal_year", "allocation__unit")
    )
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    ordering_fields = ["date", "amount", "document_number"]
    ordering = ["-date", "-pk"]
    create_service = staticmethod(commitment_create)
    update_service = staticmethod(commitment_update)
    delete_service = staticmethod(commitment_delete)


class DisbursementViewSet(PolicyViewSet):
    """การเบิกจ่าย: money paid out, against a commitment or directly."""

    queryset = Disbursement.objects.select_related("allocation__fiscal_year", "allocation__unit")
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilterSet
    ordering_fields = ["date", "amount", "document_number"]
    ordering = ["-date", "-pk"]
    create_service = staticmethod(disbursement_create)
    update_service = staticmethod(disbursement_update)
    delete_service = staticmethod(disbursement_delete)


ALLOCATION_LABEL = ("activity", "project", "unit", "fund_source", "category__parent")


class BudgetTransferViewSet(PolicyViewSet):
    """การโอนเปลี่ยนแปลงงบประมาณ: requested by planners, approved or rejected by approvers of the
    unit above both sides. A request is not edited or deleted: it is decided."""

    queryset = BudgetTransfer.objects.select_related(
        "fiscal_year",
        "created_by",
        "decided_by",
        "approval_unit",
        *(f"source__{name}" for name in ALLOCATION_LABEL),
        *(f"target__{name}" for name in ALLOCATION_LABEL),
    )
    serializer_class = BudgetTransferSerializer
    filterset_class = BudgetTransferFilterSet
    ordering_fields = ["created_at", "amount", "status"]
    ordering = ["-created_at", "-pk"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(transfer_request)
    ACTIONS = {**PolicyViewSet.ACTIONS, "approve": "approve", "reject": "approve"}

    @extend_schema(
        summary=gettext_lazy("อนุมัติการโอน (ผู้อนุมัติของหน่วยงานต้นสังกัดร่วม)"),
        request=TransferDecisionSerializer,
        responses=BudgetTransferSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        data = TransferDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approved = transfer_approve(
            actor=self.actor,
            transfer=transfer,
            expected_version=self._expected_version(),
            note=data.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=approved.pk)).data)

    @extend_schema(
        summary=gettext_lazy("ไม่อนุมัติการโอน (ต้องระบุเหตุผลใน note)"),
        request=TransferDecisionSerializer,
        responses=BudgetTransferSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        data = TransferDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = transfer_reject(
            actor=self.actor,
            transfer=transfer,
            expected_version=self._expected_version(),
            note=data.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rejected.pk)).data)


class CarryOverViewSet(PolicyViewSet):
    """เงินกันไว้เบิกเหลื่อมปี: made by closing the fiscal year; ``extend`` records an approved
    extension of the deadline."""

    queryset = CarryOver.objects.select_related(
        "commitment__allocation__fiscal_year", "extension_approved_by"
    )
    serializer_class = CarryOverSerializer
    filterset_class = CarryOverFilterSet
    ordering_fields = ["deadline", "amount"]
    ordering = ["deadline", "pk"]
    http_method_names = ["get", "post", "head", "options"]
    ACTIONS = {**PolicyViewSet.ACTIONS, "extend": "extend"}

    @extend_schema(exclude=True)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(
            request.method or "POST",
            detail=_("เงินกันไว้เบิกเหลื่อมปีเกิดจากการปิดปีงบประมาณ ไม่ได้สร้างผ่าน API"),
        )

    @extend_schema(
        summary=gettext_lazy("บันทึกการขยายเวลาเบิกจ่ายที่ได้รับอนุมัติ"),
        request=CarryOverExtendSerializer,
        responses=CarryOverSerializer,
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        carry_over = self.get_object()
        data = CarryOverExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extended = carry_over_extend(
            actor=self.actor,
            carry_over=carry_over,
            new_deadline=data.validated_data["extended_deadline"],
            reference=data.validated_data["extension_reference"],
            expected_version=self._expected_version(),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=extended.pk)).data)


class LapseViewSet(ReadOnlyPolicyViewSet):
    """เงินเหลือจ่ายที่พับไป: recorded when a fiscal year is closed (read only)."""

    queryset = Lapse.objects.select_related(
        "allocation__fiscal_year", *(f"allocation__{name}" for name in ALLOCATION_LABEL)
    )
    serializer_class = LapseSerializer
    filterset_class = LapseFilterSet
    ordering_fields = ["amount"]
    ordering = ["allocation_id"]
