"""Forms of the budget pages (setup and records)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.models import (
    ZERO,
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    Commitment,
    Disbursement,
    DisbursementTarget,
    ExpenseCategory,
    FundSource,
)
from phaen.budget.services import paid_on, policy_for
from phaen.core.access import Action, covering_paths, user_grants
from phaen.core.forms import ScopedModelForm
from phaen.core.trees import path_ids
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import current_versions
from phaen.plans.models import Activity, FiscalYear, Project
from phaen.thai.calendar import FiscalMonth
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import month_name
from phaen.thai.forms import (
    EMPTY_CHOICE,
    MoneyField,
    ThaiDateField,
    ThaiDecimalField,
    ThaiIntegerField,
)
from phaen.thai.money import ThaiNumberError, format_baht, parse_number

if TYPE_CHECKING:
    from phaen.core.access import AnyUser

# Setup ----------------------------------------------------------------------------------------
# Reference data, allocations, spending plans, transfers and year end (views/setup.py).


def period_label(key: str) -> str:
    """ "ไตรมาส 1 (ต.ค.–ธ.ค.)" for Q1, "เดือนที่ 1 (ต.ค.)" for M01: targets are cumulative to then."""
    if key.startswith("Q"):
        number = int(key[1:])
        first, last = FIRST_MONTH_OF_QUARTER[number], FIRST_MONTH_OF_QUARTER[number] + 2
        return _("ไตรมาส %(number)s (%(first)s–%(last)s)") % {
            "number": number,
            "first": month_name((first - 1) % 12 + 1, long=False),
            "last": month_name((last - 1) % 12 + 1, long=False),
        }
    index = int(key[1:])
    return _("เดือนที่ %(index)s (%(month)s)") % {
        "index": index,
        "month": month_name((index + 8) % 12 + 1, long=False),
    }


#: The calendar month that opens each fiscal quarter (October, January, April, July).
FIRST_MONTH_OF_QUARTER = {1: 10, 2: 13, 3: 16, 4: 19}
PERIOD_KEYS = [f"Q{n}" for n in range(1, 5)] + [f"M{n:02d}" for n in range(1, 13)]


def period_order(key: str) -> tuple[int, int]:
    """Periods in time order: a quarter right after its last month (M01 M02 M03 Q1 M04 …)."""
    if key.startswith("Q"):
        return (int(key[1:]) * 3, 1)
    return (int(key[1:]), 0)


class FiscalYearChoiceField(forms.ModelChoiceField):
    """A fiscal year by its BE year ("พ.ศ. 2561")."""

    def label_from_instance(self, obj: FiscalYear) -> str:
        return _("พ.ศ. %(year)s") % {"year": obj.year}


class CategoryChoiceField(forms.ModelChoiceField):
    """An expenditure category: a งบ… or one of its รายการ (indented under it)."""

    def label_from_instance(self, obj: ExpenseCategory) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


def category_choices() -> QuerySet[ExpenseCategory]:
    return ExpenseCategory.objects.filter(is_active=True).order_by("order", "code")


def allocation_choice_label(allocation: Allocation, *, with_amount: bool = True) -> str:
    """ "กลุ่มนโยบายและแผน · P01 โครงการ… · งบประมาณรายจ่าย… · งบดำเนินงาน (120,000.00 บาท)"
    (pickers show the amount after transfers; lists leave it out)."""
    parts = [allocation.unit.name]
    if allocation.activity_id:
        parts.append(str(allocation.activity.name))  # type: ignore[union-attr]
    elif allocation.project_id:
        parts.append(str(allocation.project))
    parts += [allocation.fund_source.name, allocation.category.name]
    label = " · ".join(parts)
    if with_amount:
        label += " " + _("(%(amount)s บาท)") % {"amount": format_baht(allocation.amount)}
    return label


class TransferAllocationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Allocation) -> str:
        return allocation_choice_label(obj)


ALLOCATION_LABEL_JOINS = ("unit", "fund_source", "category__parent", "project", "activity")


class FundSourceForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = FundSource
        fields = ["code", "name", "kind", "order", "is_active"]


class ExpenseCategoryForm(ScopedModelForm):
    parent = CategoryChoiceField(
        queryset=ExpenseCategory.objects.filter(parent=None),
        label=gettext_lazy("อยู่ภายใต้งบรายจ่าย"),
        required=False,
        help_text=gettext_lazy("เว้นว่างเมื่อเป็นงบรายจ่ายระดับบน (งบบุคลากร งบดำเนินงาน …)"),
    )

    class Meta(ScopedModelForm.Meta):
        model = ExpenseCategory
        fields = ["code", "name", "parent", "economic_class", "order", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent: forms.ModelChoiceField = self.fields["parent"]  # type: ignore[assignment]
        parents = ExpenseCategory.objects.filter(parent=None).order_by("order", "code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        parent.queryset = parents

    def clean_parent(self) -> ExpenseCategory | None:
        parent: ExpenseCategory | None = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.items.exists():
            raise forms.ValidationError(
                gettext_lazy("งบรายจ่ายนี้มีรายการย่อยอยู่ จึงย้ายไปอยู่ภายใต้งบรายจ่ายอื่นไม่ได้")
            )
        return parent


class DisbursementTargetForm(ScopedModelForm):
    fiscal_year = ThaiIntegerField(
        label=gettext_lazy("ปีงบประมาณ (พ.ศ.)"),
        min_value=2400,
        max_value=2700,
        help_text=gettext_lazy("ปีพุทธศักราช เช่น 2569"),
    )
    period = forms.ChoiceField(label=gettext_lazy("ภายในสิ้น"), choices=())
    percent = ThaiDecimalField(
        label=gettext_lazy("ร้อยละสะสม"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text=gettext_lazy("ร้อยละของวงเงินที่ต้องเบิกจ่ายสะสมถึงสิ้นไตรมาสหรือเดือนนั้น"),
    )

    class Meta(ScopedModelForm.Meta):
        model = DisbursementTarget
        fields = ["fiscal_year", "period", "scope", "percent", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period: forms.ChoiceField = self.fields["period"]  # type: ignore[assignment]
        period.choices = [("", EMPTY_CHOICE)] + [(key, period_label(key)) for key in PERIOD_KEYS]


class BudgetPolicyForm(ScopedModelForm):
    unit = UnitChoiceField(for_model=BudgetPolicy, action=Action.ADD, label=gettext_lazy("หน่วยงาน"))

    class Meta(ScopedModelForm.Meta):
        model = BudgetPolicy
        fields = ["unit", "overspend_mode", "behind_points", "far_behind_points"]
        widgets = {"overspend_mode": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]  # a policy belongs to its unit; another unit gets its own

    def clean_unit(self) -> OrgUnit | None:
        unit: OrgUnit | None = self.cleaned_data.get("unit")
        if unit is not None and BudgetPolicy.objects.filter(unit=unit).exists():
            raise forms.ValidationError(
                gettext_lazy("“%(unit)s” มีนโยบายของตนเองอยู่แล้ว ให้แก้ไขนโยบายนั้นแทน"),
                params={"unit": unit},
            )
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        behind, far = data.get("behind_points"), data.get("far_behind_points")
        if behind is not None and far is not None and far < behind:
            self.add_error(
                "far_behind_points",
                gettext_lazy("เกณฑ์ “ล่าช้ามาก” ต้องไม่น้อยกว่าเกณฑ์ “ล่าช้า” (%(behind)s)")
                % {"behind": behind},
            )
        unit = data.get("unit")
        if unit is not None:
            self.instance.unit_path = unit.path  # the copy the access policy filters on
        return data


class AllocationCreateForm(ScopedModelForm):
    """A unit's envelope (no parent), or part of an allocation given to a unit below it, to a
    project whose lead unit is inside it, or to an activity of such a project."""

    KIND_UNIT, KIND_PROJECT, KIND_ACTIVITY = "unit", "project", "activity"

    kind = forms.ChoiceField(label=gettext_lazy("จัดสรรให้"), widget=forms.RadioSelect, choices=())
    fiscal_year = FiscalYearChoiceField(
        queryset=FiscalYear.objects.none(), label=gettext_lazy("ปีงบประมาณ")
    )
    unit = UnitChoiceField(for_model=Allocation, action=Action.ADD, label=gettext_lazy("หน่วยงาน"))
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        label=gettext_lazy("โครงการ"),
        required=False,
        help_text=gettext_lazy(
            "โครงการในแผนฉบับที่ใช้อยู่ที่มีเจ้าภาพหลักอยู่ภายใต้หน่วยงานนี้ เงินจะเป็นของเจ้าภาพหลัก"
        ),
    )
    activity = forms.TypedChoiceField(
        label=gettext_lazy("กิจกรรม"),
        choices=(),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("จัดกลุ่มตามโครงการ"),
    )
    category = CategoryChoiceField(
        queryset=category_choices(), label=gettext_lazy("งบรายจ่าย/รายการ")
    )
    amount = MoneyField(label=gettext_lazy("จำนวนเงิน (บาท)"), min_value=Decimal("0.01"))

    class Meta(ScopedModelForm.Meta):
        model = Allocation
        fields = ["fiscal_year", "unit", "fund_source", "project", "category", "amount", "note"]

    FIELD_ORDER = (
        "kind",
        "fiscal_year",
        "unit",
        "fund_source",
        "project",
        "activity",
        "category",
        "amount",
        "note",
        "reason",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.FIELD_ORDER)
        self.parent: Allocation | None = self.instance.parent
        self.fields["category"].queryset = category_choices()  # type: ignore[attr-defined]
        unit: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        if self.parent is None:
            for name in ("kind", "project", "activity"):
                del self.fields[name]
            self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(  # type: ignore[attr-defined]
                is_open=True
            ).order_by("-year")
            self.fields["fund_source"].queryset = FundSource.objects.filter(  # type: ignore[attr-defined]
                is_active=True
            ).order_by("order", "code")
            return
        del self.fields["fiscal_year"]
        del self.fields["fund_source"]
        parent = self.parent
        unit.queryset = unit.queryset.filter(path__startswith=parent.unit_path)  # type: ignore[union-attr]
        unit.required = False
        unit.help_text = _("เมื่อจัดสรรให้หน่วยงาน: กลุ่มงานหรือหน่วยงานภายใต้ “%(unit)s”") % {
            "unit": parent.unit.name
        }
        self.projects = self.project_choices(parent)
        self.activities = self.activity_choices(parent)
        kinds = []
        if parent.level == Allocation.Level.UNIT:
            kinds += [
                (self.KIND_UNIT, gettext_lazy("หน่วยงาน (กลุ่มงาน หน่วยงานในสังกัด)")),
                (self.KIND_PROJECT, gettext_lazy("โครงการ")),
            ]
            self.fields["project"].queryset = self.projects  # type: ignore[attr-defined]
        else:
            del self.fields["unit"]
            del self.fields["project"]
        kinds.append((self.KIND_ACTIVITY, gettext_lazy("กิจกรรมของโครงการ")))
        kind: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind.choices = kinds
        kind.initial = kinds[0][0]
        activity: forms.TypedChoiceField = self.fields["activity"]  # type: ignore[assignment]
        activity.choices = [("", EMPTY_CHOICE), *self.grouped_activities()]
        if "project" in self.fields:
            self.fields["project"].label_from_instance = project_choice_label  # type: ignore[attr-defined]

    def project_choices(self, parent: Allocation) -> QuerySet[Project]:
        """Projects of the current plan versions of the parent's fiscal year whose lead unit is
        inside the parent's unit (a project allocation offers only its own project)."""
        if parent.project_id:
            return Project.objects.filter(pk=parent.project_id).select_related("lead_unit")
        return (
            Project.objects.restrict(self.actor, Action.VIEW)
            .filter(
                plan_version__in=current_versions(),
                plan_version__plan__fiscal_year=parent.fiscal_year_id,
                lead_unit_path__startswith=parent.unit_path,
            )
            .select_related("lead_unit")
            .order_by("lead_unit_path", "code", "pk")
        )

    def activity_choices(self, parent: Allocation) -> QuerySet[Activity]:
        projects = (
            self.projects if not parent.project_id else Project.objects.filter(pk=parent.project_id)
        )
        return (
            Activity.objects.filter(project__in=projects.values("pk"))
            .select_related("project")
            .order_by("project__code", "project_id", "parent_id", "number", "pk")
        )

    def grouped_activities(self) -> list[tuple[str, list[tuple[int, str]]]]:
        groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for activity in self.activities:
            _label, options = groups.setdefault(activity.project_id, (str(activity.project), []))
            prefix = "— " if activity.parent_id else ""
            options.append((activity.pk, f"{prefix}{activity.number}. {activity.name}"))
        return list(groups.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.parent is None:
            return data
        kind = data.get("kind")
        if kind == self.KIND_UNIT:
            if data.get("unit") is None:
                self.add_error("unit", gettext_lazy("กรุณาเลือกหน่วยงานที่จะจัดสรรให้"))
            data["project"] = None
            data["activity"] = None
        elif kind == self.KIND_PROJECT:
            project = data.get("project")
            if project is None:
                self.add_error("project", gettext_lazy("กรุณาเลือกโครงการ"))
            else:
                self._take_lead_unit(data, project, "project")
            data["activity"] = None
        elif kind == self.KIND_ACTIVITY:
            activity = self.activities.filter(pk=data.get("activity") or 0).first()
            if activity is None:
                self.add_error("activity", gettext_lazy("กรุณาเลือกกิจกรรม"))
            else:
                data["project"] = activity.project
                self._take_lead_unit(data, activity.project, "activity")
            data["activity"] = activity
        # ``activity`` is not a model field of the form (its choices are grouped by project).
        self.instance.activity = data.get("activity")
        return data

    def _take_lead_unit(self, data: dict[str, Any], project: Project, field: str) -> None:
        """Money of a project goes to its lead unit (the service does the same)."""
        if project.lead_unit_id is None:
            self.add_error(field, gettext_lazy("โครงการนี้ยังไม่มีเจ้าภาพหลัก จึงจัดสรรงบประมาณให้ไม่ได้"))
        else:
            data["unit"] = project.lead_unit


def project_choice_label(project: Project) -> str:
    lead = project.lead_unit.name if project.lead_unit_id else _("ยังไม่มีเจ้าภาพหลัก")  # type: ignore[union-attr]
    return f"{project} ({lead})"


class AllocationEditForm(ScopedModelForm):
    """Corrections: amount, category and note. Moving money to another allocation is a transfer."""

    category = CategoryChoiceField(
        queryset=category_choices(), label=gettext_lazy("งบรายจ่าย/รายการ")
    )
    amount = MoneyField(label=gettext_lazy("จำนวนเงินหลังโอนเปลี่ยนแปลง (บาท)"), min_value=Decimal(0))

    class Meta(ScopedModelForm.Meta):
        model = Allocation
        fields = ["category", "amount", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices()  # type: ignore[attr-defined]


class AllocationPickForm(forms.Form):
    """The unit and fiscal year of the allocation and year-end pages (a GET form)."""

    unit = UnitChoiceField(for_model=Allocation, action=Action.VIEW, label=gettext_lazy("หน่วยงาน"))
    fiscal_year = FiscalYearChoiceField(
        queryset=FiscalYear.objects.order_by("-year"),
        label=gettext_lazy("ปีงบประมาณ"),
        to_field_name="year",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit.limit_to_user(user)
        self.fields["fiscal_year"].widget.attrs["data-autosubmit"] = ""


def fiscal_months(year: int) -> list[FiscalMonth]:
    return list(FiscalPeriod(year).months())


class SpendingPlanForm(forms.Form):
    """แผนการใช้จ่ายรายเดือน: one amount per month of the allocation's fiscal year (ต.ค. … ก.ย.)."""

    reason = forms.CharField(
        label=gettext_lazy("เหตุผลของการเปลี่ยนแปลง"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("บันทึกไว้ในประวัติการเปลี่ยนแปลง (ไม่บังคับ)"),
    )

    def __init__(self, *args: Any, allocation: Allocation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allocation = allocation
        self.months = fiscal_months(allocation.fiscal_year.year)
        for month in self.months:
            self.fields[self.field_name(month)] = MoneyField(
                label=month.long_label(), required=False, min_value=Decimal(0)
            )
        self.order_fields([self.field_name(m) for m in self.months])

    @staticmethod
    def field_name(month: FiscalMonth) -> str:
        return f"m{month.index:02d}"

    @classmethod
    def initial_from(
        cls, amounts: dict[date, Decimal], months: list[FiscalMonth]
    ) -> dict[str, Any]:
        return {cls.field_name(m): amounts[m.start] for m in months if amounts.get(m.start)}

    def amounts(self) -> dict[date, Decimal]:
        """The months as the service takes them (empty months are zero)."""
        return {
            month.start: self.cleaned_data.get(self.field_name(month)) or ZERO
            for month in self.months
        }

    def typed_amounts(self) -> dict[date, Decimal]:
        """What was typed, read leniently (for the totals shown beside a form with errors)."""
        result: dict[date, Decimal] = {}
        for month in self.months:
            name = self.field_name(month)
            if self.is_bound:
                raw = self.data.get(self.add_prefix(name), "")
                try:
                    result[month.start] = parse_number(raw) if str(raw).strip() else ZERO
                except ThaiNumberError:
                    result[month.start] = ZERO
            else:
                value = self.initial.get(name)
                result[month.start] = value if isinstance(value, Decimal) else ZERO
        return result


class TransferRequestForm(ScopedModelForm):
    """ขอโอนเปลี่ยนแปลง: between two allocations of one fiscal year and fund source, both of
    which the user may change."""

    source = TransferAllocationField(
        queryset=Allocation.objects.none(), label=gettext_lazy("โอนจาก")
    )
    target = TransferAllocationField(
        queryset=Allocation.objects.none(), label=gettext_lazy("โอนไปยัง")
    )
    amount = MoneyField(label=gettext_lazy("จำนวนเงินที่โอน (บาท)"), min_value=Decimal("0.01"))
    reason = forms.CharField(
        label=gettext_lazy("เหตุผลการโอน"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("บันทึกไว้ในคำขอและประวัติการเปลี่ยนแปลง"),
    )

    class Meta(ScopedModelForm.Meta):
        model = BudgetTransfer
        fields = ["source", "target", "amount", "reason"]

    def __init__(self, *args: Any, fiscal_year: FiscalYear | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        changeable = (
            Allocation.objects.restrict(self.actor, Action.CHANGE)
            .select_related(*ALLOCATION_LABEL_JOINS)
            .order_by("unit_path", "tree_path")
        )
        source = self.chosen_source(changeable)
        year_id = source.fiscal_year_id if source is not None else getattr(fiscal_year, "pk", None)
        sources = changeable.filter(fiscal_year=year_id) if year_id else changeable
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
        self.fields["target"].queryset = transfer_targets(changeable, source, year_id)  # type: ignore[attr-defined]
        url = reverse("budget:budgettransfer_targets")
        self.fields["source"].widget.attrs.update(
            {"hx-get": url, "hx-target": "#id_target", "hx-trigger": "change"}
        )

    def chosen_source(self, changeable: QuerySet[Allocation]) -> Allocation | None:
        raw = self.data.get("source") if self.is_bound else self.initial.get("source")
        if raw is None or not str(raw).isdigit():
            return None
        return changeable.filter(pk=int(raw)).first()


def transfer_targets(
    changeable: QuerySet[Allocation], source: Allocation | None, year_id: int | None
) -> QuerySet[Allocation]:
    """Allocations money may move to: the source's fiscal year and fund source, outside its
    own branch (not the source, nor an allocation above or below it)."""
    targets = changeable.filter(fiscal_year=year_id) if year_id else changeable
    if source is None:
        return targets
    above = path_ids(source.tree_path)
    return (
        targets.filter(fund_source=source.fund_source_id)
        .exclude(pk__in=above)
        .exclude(tree_path__startswith=source.tree_path)
    )


class TransferDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("ความเห็นผู้พิจารณา"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("ต้องระบุเมื่อไม่อนุมัติ"),
    )


class CarryOverExtendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    extended_deadline = ThaiDateField(label=gettext_lazy("ขยายเวลาเบิกจ่ายถึงวันที่"))
    extension_reference = forms.CharField(
        label=gettext_lazy("หนังสืออนุมัติขยายเวลา"),
        max_length=255,
        help_text=gettext_lazy("เช่น เลขที่และวันที่หนังสือยินยอมของกระทรวงการคลัง"),
    )


class YearEndForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("หมายเหตุ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("บันทึกไว้ในประวัติของเงินกันและเงินพับทุกรายการ"),
    )


# Records --------------------------------------------------------------------------------------

#: Up to this many allocations a picker lists them all; beyond, it lists search results.
ALLOCATION_LIST_LIMIT = 300


def recordable_allocations(
    user: AnyUser, model: type[Commitment | Disbursement]
) -> QuerySet[Allocation]:
    """Allocations ``user`` may record ``model`` rows against: leaf allocations (nothing
    allocated further below them) of open fiscal years, not closed at year end (the services
    refuse those), in units where the user may add them."""
    queryset = (
        Allocation.objects.restrict(user, Action.VIEW)
        .filter(fiscal_year__is_open=True, closed_at=None)
        .exclude(Exists(Allocation.objects.filter(parent=OuterRef("pk"))))
    )
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        allowed = model.access_rules.roles_for(Action.ADD)
        paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in allowed)
        if not paths:
            return queryset.none()
        queryset = queryset.filter(reduce(or_, [Q(unit_path__startswith=p) for p in paths]))
    return queryset.select_related(
        "fiscal_year", "unit", "project", "activity", "fund_source", "category"
    ).order_by("-fiscal_year__year", "unit_path", "project__code", "activity__number", "pk")


def allocation_label(allocation: Allocation) -> str:
    """ "ปี 2561 · กลุ่มนโยบายและแผน · P01 กิจกรรม 1 อบรมครู · งบประมาณรายจ่ายประจำปี · ค่าใช้สอย" """
    parts = [
        _("ปี %s") % allocation.fiscal_year.year,
        allocation.unit.short_name or allocation.unit.name,
    ]
    if allocation.activity is not None:
        code = allocation.project.code if allocation.project else ""
        parts.append(
            f"{code} "
            + _("กิจกรรม %(number)s %(name)s")
            % {"number": allocation.activity.number, "name": allocation.activity.name}
        )
    elif allocation.project is not None:
        parts.append(f"{allocation.project.code} {allocation.project.name}".strip())
    parts += [allocation.fund_source.name, allocation.category.name]
    return " · ".join(part.strip() for part in parts)


def search_allocations(queryset: QuerySet[Allocation], text: str) -> QuerySet[Allocation]:
    """Allocations whose unit, project, activity or category matches ``text``."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(unit__name__icontains=text)
        | Q(unit__short_name__icontains=text)
        | Q(project__code__icontains=text)
        | Q(project__name__icontains=text)
        | Q(activity__name__icontains=text)
        | Q(category__name__icontains=text)
        | Q(fund_source__name__icontains=text)
    )


class AllocationSelect(forms.Select):
    """The allocation picker: a select with a search box (large scopes load matches through
    htmx) and, next to it, what is left to spend on the chosen allocation (``records_room``)."""

    def __init__(self, *, for_model: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.for_model = for_model

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        queryset = getattr(self.choices, "queryset", None)
        searchable = queryset is not None and queryset.count() > ALLOCATION_LIST_LIMIT
        if searchable and queryset is not None:
            chosen = queryset.filter(pk=value) if str(value or "").isdigit() else queryset.none()
            self.choices = [("", EMPTY_CHOICE), *((a.pk, allocation_label(a)) for a in chosen)]
        attrs = {**(attrs or {})}
        field_id = attrs.get("id", f"id_{name}")
        attrs["aria-describedby"] = "records-room"
        select = super().render(name, value, attrs, renderer)
        search = SafeString("")
        if searchable:
            search = format_html(
                '<input type="search" class="allocation-search" name="q" aria-label="{label}" '
                'placeholder="{placeholder}" autocomplete="off" hx-get="{url}?for={model}" '
                'hx-trigger="input changed delay:300ms, search" hx-target="#{target}" '
                'hx-include="this">',
                label=_("ค้นหาการจัดสรร"),
                placeholder=_("พิมพ์รหัสโครงการ ชื่อโครงการ หรือหน่วยงานเพื่อค้นหา"),
                url=reverse("budget:records_allocations"),
                model=self.for_model,
                target=field_id,
            )
        room = format_html(
            '<div id="records-room" class="records-room" aria-live="polite" hx-get="{url}" '
            'hx-trigger="load, change from:#{allocation}, change from:#id_commitment" '
            'hx-include="#{allocation}, #id_commitment"></div>',
            url=reverse("budget:records_room"),
            allocation=field_id,
        )
        return format_html(
            '<div class="allocation-select">{search}{select}</div>{room}',
            search=search,
            select=select,
            room=room,
        )


class AllocationChoiceField(forms.ModelChoiceField):
    """A leaf allocation the user may record ``for_model`` rows against (set per user)."""

    def __init__(self, *, for_model: type[Commitment | Disbursement], **kwargs: Any) -> None:
        kwargs.setdefault("widget", AllocationSelect(for_model=for_model._meta.model_name or ""))
        super().__init__(queryset=Allocation.objects.none(), **kwargs)
        self.for_model = for_model

    def label_from_instance(self, obj: Allocation) -> str:
        return allocation_label(obj)

    def limit_to_user(self, user: AnyUser) -> None:
        self.queryset = recordable_allocations(user, self.for_model)


class CommitmentChoiceField(forms.ModelChoiceField):
    """An open commitment, labelled with what it still owes (``paid`` annotated)."""

    def label_from_instance(self, obj: Commitment) -> str:
        balance = obj.amount - obj.paid  # type: ignore[attr-defined]
        return _("%(number)s · %(counterpart)s · คงเหลือ %(balance)s บาท") % {
            "number": obj.document_number,
            "counterpart": obj.counterpart,
            "balance": format_baht(balance),
        }


def open_commitments(user: AnyUser, allocation_id: int | None) -> QuerySet[Commitment]:
    """The open commitments of an allocation that ``user`` may see, with ``paid`` annotated."""
    if allocation_id is None:
        return Commitment.objects.none()
    return paid_on(
        Commitment.objects.restrict(user, Action.VIEW).filter(
            allocation_id=allocation_id, status=Commitment.Status.OPEN
        )
    ).order_by("date", "pk")


def _posted_id(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


OVERRIDE_HELP = gettext_lazy(
    "นโยบายของหน่วยงานอนุญาตให้ใช้จ่ายเกินวงเงินได้เมื่อระบุเหตุผล กรอกเฉพาะเมื่อจำเป็นต้องเกินวงเงิน "
    "(เหตุผลจะบันทึกไว้ในประวัติการเปลี่ยนแปลง)"
)


class RecordForm(ScopedModelForm):
    """What commitments and disbursements share: the allocation picker on adding (fixed once
    recorded), a money amount, and the over-spend reason where the unit's policy allows one."""

    amount = MoneyField(label=gettext_lazy("จำนวนเงิน (บาท)"))
    override_reason = forms.CharField(
        label=gettext_lazy("เหตุผลที่ต้องใช้จ่ายเกินวงเงิน"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OVERRIDE_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving a record to another allocation is refused by the services: delete and
            # record it again instead.
            self.fields.pop("allocation", None)
        else:
            self.narrow_to_project()
        self.fields["reason"].help_text = _("บันทึกไว้ในประวัติการเปลี่ยนแปลง (ไม่บังคับ)")
        if not self.override_allowed():
            del self.fields["override_reason"]

    def chosen_allocation_id(self) -> int | None:
        if self.instance.pk:
            return self.instance.allocation_id
        if self.is_bound:
            return _posted_id(self.data.get(self.add_prefix("allocation")))
        return _posted_id(self.initial.get("allocation"))

    def narrow_to_project(self) -> None:
        """Opened from a project's money tab (``?project=``): offer that project's allocations."""
        project_id = _posted_id(self.initial.get("project"))
        if project_id is None or self.is_bound:
            return
        field: AllocationChoiceField = self.fields["allocation"]  # type: ignore[assignment]
        lineage = (
            Project.objects.restrict(self.actor, Action.VIEW)
            .filter(pk=project_id)
            .values("lineage")
        )
        choices = recordable_allocations(self.actor, field.for_model)
        field.queryset = choices = choices.filter(project_lineage__in=lineage)
        only = choices.first() if choices.count() == 1 else None
        if only is not None and not self.initial.get("allocation"):
            self.initial["allocation"] = only.pk

    def override_allowed(self) -> bool:
        """Whether to offer the reason: the allocation's unit policy is "warn" (or the form was
        already showing it)."""
        if self.is_bound and self.add_prefix("override_reason") in self.data:
            return True
        if self.instance.pk and self.instance.override_reason:
            return True
        allocation_id = self.chosen_allocation_id()
        if allocation_id is None:
            return False
        allocation = (
            Allocation.objects.restrict(self.actor, Action.VIEW)
            .select_related("unit")
            .filter(pk=allocation_id)
            .first()
        )
        return (
            allocation is not None
            and policy_for(allocation.unit).overspend_mode == BudgetPolicy.OverspendMode.WARN
        )

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("จำนวนเงินต้องมากกว่าศูนย์"))
        return amount


class CommitmentForm(RecordForm):
    allocation = AllocationChoiceField(
        for_model=Commitment,
        label=gettext_lazy("การจัดสรรที่ก่อหนี้"),
        help_text=gettext_lazy("เฉพาะการจัดสรรระดับล่างสุดที่คุณมีสิทธิ์บันทึก"),
    )

    class Meta(ScopedModelForm.Meta):
        model = Commitment
        fields = [
            "allocation",
            "date",
            "document_number",
            "amount",
            "override_reason",
            "counterpart",
            "description",
            "status",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if not self.instance.pk:
            del self.fields["status"]
        elif self.instance.status == Commitment.Status.CARRIED_OVER:
            status.disabled = True
        else:
            status.choices = [  # type: ignore[attr-defined]
                (value, label)
                for value, label in Commitment.Status.choices
                if value != Commitment.Status.CARRIED_OVER
            ]
            status.help_text = _(
                "ปิดเมื่อไม่เบิกจ่ายส่วนที่เหลือแล้ว หรือยกเลิกเมื่อไม่ได้ก่อหนี้จริง ยอดที่ยังไม่เบิกจ่ายจะคืนสู่วงเงินที่ใช้ได้"
            )


class DisbursementForm(RecordForm):
    allocation = AllocationChoiceField(
        for_model=Disbursement,
        label=gettext_lazy("การจัดสรรที่เบิกจ่าย"),
        help_text=gettext_lazy("เฉพาะการจัดสรรระดับล่างสุดที่คุณมีสิทธิ์บันทึก"),
    )
    commitment = CommitmentChoiceField(
        queryset=Commitment.objects.none(),
        required=False,
        label=gettext_lazy("ตามข้อผูกพัน (ใบสั่งซื้อ/สัญญา)"),
        empty_label=gettext_lazy("— เบิกจ่ายโดยตรง ไม่มีข้อผูกพัน —"),
        help_text=gettext_lazy("เลือกได้เฉพาะข้อผูกพันที่ยังเปิดอยู่ของการจัดสรรที่เลือก"),
    )

    class Meta(ScopedModelForm.Meta):
        model = Disbursement
        fields = [
            "allocation",
            "commitment",
            "date",
            "document_number",
            "amount",
            "override_reason",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.get("initial") or {}
        commitment_id = _posted_id(initial.get("commitment"))
        if commitment_id is not None and not initial.get("allocation"):
            # Opened from a commitment's page: its allocation goes with it.
            found = (
                Commitment.objects.restrict(kwargs["user"], Action.VIEW)
                .filter(pk=commitment_id)
                .values_list("allocation_id", flat=True)
                .first()
            )
            kwargs["initial"] = {**initial, "allocation": found}
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["commitment"]
            return
        field: CommitmentChoiceField = self.fields["commitment"]  # type: ignore[assignment]
        field.queryset = open_commitments(self.actor, self.chosen_allocation_id())
        field.widget.attrs.update(
            {
                "hx-get": reverse("budget:records_commitments"),
                "hx-trigger": "change from:#id_allocation",
                "hx-include": "#id_allocation",
                "hx-target": "this",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        allocation = cleaned.get("allocation")
        commitment = cleaned.get("commitment")
        if (
            allocation is not None
            and commitment is not None
            and commitment.allocation_id != allocation.pk
        ):
            self.add_error("commitment", _("ข้อผูกพันที่เลือกไม่ได้อยู่ในการจัดสรรนี้"))
        return cleaned
