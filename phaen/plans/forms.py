"""Forms of fiscal years, action plans, versions and the plan's content.

Every unit field is a unit picker limited by the access policy; months are chosen from the plan's
fiscal year (wider for multi-year projects); money is typed the Thai way. The KPI sheet of an
indicator also edits its quarterly targets, its five scoring bands and its milestone steps.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import reduce
from itertools import pairwise
from operator import or_
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action, covering_paths, user_grants
from phaen.core.forms import ScopedModelForm
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import CURRENT_FIRST
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    StrategicIssue,
    Strategy,
)
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.forms import EMPTY_CHOICE, MoneyField, MonthField, ThaiDecimalField, month_choices

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
BAND_LEVELS = (1, 2, 3, 4, 5)
#: A multi-year project may start this many fiscal years before its plan's and end this many after.
MULTI_YEAR_BEFORE = 2
MULTI_YEAR_AFTER = 4


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class FieldsetsMixin:
    """Forms that group their fields under headings (``fieldsets``: [(legend, [names])])."""

    fieldsets: ClassVar[list[tuple[Any, list[str]]]] = []

    def grouped_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        form: forms.BaseForm = self  # type: ignore[assignment]
        groups = []
        for legend, names in self.fieldsets:
            fields = [form[name] for name in names if name in form.fields]
            if fields:
                groups.append((str(legend), fields))
        return groups

    def ungrouped_fields(self) -> list[forms.BoundField]:
        form: forms.BaseForm = self  # type: ignore[assignment]
        grouped = {name for _legend, names in self.fieldsets for name in names}
        return [field for field in form.visible_fields() if field.name not in grouped]


class PlanUnitChoiceField(UnitChoiceField):
    """A unit picker that also offers the units of the model's further scopes.

    Reporters of a project's lead unit may change the project's activities and indicators
    (``AccessRules.scopes``), so they may pick a responsible or evaluating unit under their own.
    """

    def limit_to_user(self, user: Any) -> None:
        super().limit_to_user(user)
        if not user.is_authenticated or user.is_superuser:
            return
        rules = self.for_model.access_rules  # type: ignore[attr-defined]
        roles = set().union(*(scope.roles.get(self.action, ()) for scope in rules.scopes))
        paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in roles)
        if paths:
            scoped = OrgUnit.objects.filter(is_active=True).filter(
                reduce(or_, [Q(path__startswith=path) for path in paths])
            )
            self.queryset = (self.queryset | scoped).distinct().order_by("path")  # type: ignore[operator]


def keep_current(field: forms.Field, current_id: int | None) -> None:
    """A choice the user may not make (a reporter editing a project's unit) stays as it is."""
    queryset = getattr(field, "queryset", None)
    if current_id and queryset is not None and not queryset.filter(pk=current_id).exists():
        field.disabled = True
        field.queryset = queryset.model._default_manager.filter(pk=current_id)  # type: ignore[attr-defined]
        field.help_text = _("เปลี่ยนได้เฉพาะผู้วางแผนของหน่วยงานเจ้าของแผน")


def months_between(start: date, end: date) -> list[tuple[str, str]]:
    """Month choices from ``start`` to ``end`` (inclusive), BE labels."""
    first, last = FiscalPeriod.of(start), FiscalPeriod.of(end)
    return [
        (value, label)
        for value, label in month_choices(first, last)
        if start.replace(day=1).isoformat() <= value <= end.replace(day=1).isoformat()
    ]


def next_number(queryset: QuerySet[Any], field: str = "number") -> int:
    values = [value for value in queryset.values_list(field, flat=True) if value is not None]
    return (max(values) if values else 0) + 1


# Fiscal years and plans ---------------------------------------------------------------------


class FiscalYearForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = FiscalYear
        fields = ["year", "is_open", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.plans.exists():
            self.fields["year"].disabled = True
            self.fields["year"].help_text = _("ปีงบประมาณที่มีแผนแล้ว เปลี่ยนปีไม่ได้")

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        try:
            FiscalPeriod(year)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return year


def plan_label(plan: ActionPlan) -> str:
    return f"{plan.title} ({plan.unit} · {plan.fiscal_year.year})"


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ActionPlan) -> str:
        return plan_label(obj)


class ActionPlanForm(ScopedModelForm):
    """A new plan: its unit (where the user may add plans), an open fiscal year, its framework."""

    unit = UnitChoiceField(for_model=ActionPlan, action=Action.ADD, label=gettext_lazy("หน่วยงาน"))
    parent_plan = PlanChoiceField(
        queryset=ActionPlan.objects.all(),
        required=False,
        label=gettext_lazy("แผนที่เป็นกรอบ"),
        help_text=gettext_lazy(
            "แผนของหน่วยงานต้นสังกัดในปีงบประมาณเดียวกัน เช่น แผนปฏิบัติการของ ศธจ. (ไม่บังคับ)"
        ),
    )

    class Meta(ScopedModelForm.Meta):
        model = ActionPlan
        fields = ["unit", "fiscal_year", "title", "parent_plan"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_plans = self.fields["parent_plan"].queryset.select_related(  # type: ignore[attr-defined]
            "unit", "fiscal_year"
        )
        if self.instance.pk:
            # Unit and fiscal year are fixed once the plan exists (its content belongs to them).
            del self.fields["unit"]
            del self.fields["fiscal_year"]
            parent_plans = parent_plans.filter(
                fiscal_year_id=self.instance.fiscal_year_id,
                unit_id__in=self.instance.unit.ancestor_ids(),
            )
        else:
            years = self.fields["fiscal_year"]
            years.queryset = years.queryset.filter(is_open=True)  # type: ignore[attr-defined]
            years.help_text = _("เลือกได้เฉพาะปีงบประมาณที่เปิดอยู่")
            parent_plans = parent_plans.filter(fiscal_year__is_open=True)
        self.fields["parent_plan"].queryset = parent_plans.order_by(  # type: ignore[attr-defined]
            "-fiscal_year__year", "unit__path"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parent: ActionPlan | None = data.get("parent_plan")
        unit: OrgUnit | None = data.get("unit", self.instance.unit if self.instance.pk else None)
        fiscal_year = data.get("fiscal_year") or (
            self.instance.fiscal_year if self.instance.pk else None
        )
        if parent is not None and unit is not None and fiscal_year is not None:
            if parent.fiscal_year_id != fiscal_year.pk:
                self.add_error("parent_plan", _("แผนที่เป็นกรอบต้องเป็นแผนของปีงบประมาณเดียวกัน"))
            elif parent.unit_id == unit.pk or not unit.path.startswith(parent.unit.path):
                self.add_error("parent_plan", _("แผนที่เป็นกรอบต้องเป็นแผนของหน่วยงานต้นสังกัด"))
        return data


class PlanVersionForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = PlanVersion
        fields = ["vision", "values", "note"]
        widgets = {"vision": textarea(3), "values": textarea(3), "note": textarea(2)}


class VersionActionForm(forms.Form):
    """Approve or publish: carries the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(VersionActionForm):
    note = forms.CharField(
        label=gettext_lazy("ความเห็นของผู้อนุมัติ"),
        required=False,
        widget=textarea(3),
        help_text=gettext_lazy("บันทึกไว้กับฉบับที่อนุมัติและในประวัติการเปลี่ยนแปลง (ไม่บังคับ)"),
    )


class RevisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("ประเภทฉบับปรับปรุง"),
        choices=[
            (
                PlanVersion.Kind.REVISED_TO_ALLOCATION.value,
                PlanVersion.Kind.REVISED_TO_ALLOCATION.label,
            ),
            (PlanVersion.Kind.REVISION.value, PlanVersion.Kind.REVISION.label),
        ],
        widget=forms.RadioSelect,
        initial=PlanVersion.Kind.REVISED_TO_ALLOCATION,
    )
    note = forms.CharField(
        label=gettext_lazy("เหตุผลของการปรับปรุง"),
        required=False,
        widget=textarea(3),
        help_text=gettext_lazy("เช่น ปรับตามงบประมาณที่ได้รับจัดสรรจริง"),
    )


# Direction: missions, strategic issues, goals, strategies ------------------------------------


class MissionForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Mission
        fields = ["number", "text"]
        widgets = {"text": textarea(3)}


class IssueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StrategicIssue) -> str:
        return str(obj)


class StrategicIssueForm(ScopedModelForm):
    aligns_with = IssueChoiceField(
        queryset=StrategicIssue.objects.all(),
        required=False,
        label=gettext_lazy("สอดคล้องกับประเด็นยุทธศาสตร์ของแผนที่เป็นกรอบ"),
    )

    class Meta(ScopedModelForm.Meta):
        model = StrategicIssue
        fields = ["number", "title", "description", "aligns_with"]
        widgets = {"description": textarea(3)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["aligns_with"]
        parent_plan = self.instance.plan_version.plan.parent_plan
        parent_version = None
        if parent_plan is not None:  # its newest settled version this user may read
            parent_version = (
                PlanVersion.objects.restrict(self.actor, Action.VIEW)
                .filter(plan=parent_plan)
                .order_by(*CURRENT_FIRST)
                .first()
            )
        if parent_version is None:
            field.queryset = StrategicIssue.objects.none()  # type: ignore[attr-defined]
            field.help_text = _("แผนนี้ยังไม่ได้ระบุแผนที่เป็นกรอบ (แก้ไขได้ที่ “แก้ไขข้อมูลแผน”)")
        else:
            field.queryset = field.queryset.filter(  # type: ignore[attr-defined]
                plan_version=parent_version
            ).order_by("number")
            field.help_text = _("ประเด็นยุทธศาสตร์ของ %(plan)s ฉบับที่ %(number)s") % {
                "plan": parent_plan,
                "number": parent_version.number,
            }

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        taken = StrategicIssue.objects.filter(
            plan_version=self.instance.plan_version_id, number=number
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("ฉบับนี้มีประเด็นยุทธศาสตร์ลำดับนี้แล้ว"))
        return number


class UnderIssueForm(ScopedModelForm):
    """Goals and strategies: under one of the version's strategic issues."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["strategic_issue"]
        field.queryset = field.queryset.filter(  # type: ignore[attr-defined]
            plan_version=self.instance.plan_version_id
        ).order_by("number")


class GoalForm(UnderIssueForm):
    class Meta(ScopedModelForm.Meta):
        model = Goal
        fields = ["strategic_issue", "number", "title"]


class StrategyForm(UnderIssueForm):
    class Meta(ScopedModelForm.Meta):
        model = Strategy
        fields = ["strategic_issue", "number", "title"]


# Indicators: the KPI sheet with targets, bands and milestones --------------------------------


def plain_number(value: Decimal) -> Decimal:
    """80.0000 → 80, 12.5000 → 12.5 (shown without the stored trailing zeros)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def _number_field(label: Any) -> ThaiDecimalField:
    return ThaiDecimalField(label=label, required=False, max_digits=18, decimal_places=4)


class IndicatorForm(FieldsetsMixin, ScopedModelForm):
    """The full KPI sheet (DOMAIN.md §6), its quarterly targets, scoring bands and milestones."""

    target_q1 = _number_field(gettext_lazy("ไตรมาสที่ 1"))
    target_q2 = _number_field(gettext_lazy("ไตรมาสที่ 2"))
    target_q3 = _number_field(gettext_lazy("ไตรมาสที่ 3"))
    target_q4 = _number_field(gettext_lazy("ไตรมาสที่ 4"))
    band_1 = _number_field(gettext_lazy("ระดับ 1"))
    band_2 = _number_field(gettext_lazy("ระดับ 2"))
    band_3 = _number_field(gettext_lazy("ระดับ 3"))
    band_4 = _number_field(gettext_lazy("ระดับ 4"))
    band_5 = _number_field(gettext_lazy("ระดับ 5"))
    milestones = forms.CharField(
        label=gettext_lazy("ขั้นความสำเร็จ (บรรทัดละหนึ่งขั้น)"),
        required=False,
        widget=textarea(5),
        help_text=gettext_lazy(
            "ใช้กับเกณฑ์ “ระดับความสำเร็จ (ขั้นตอน)”: ขั้นที่ 1 คือบรรทัดแรก ผ่านกี่ขั้นได้คะแนนตามสัดส่วน"
        ),
    )
    evaluator_unit = PlanUnitChoiceField(
        for_model=Indicator,
        action=Action.ADD,
        required=False,
        label=gettext_lazy("หน่วยงานผู้ประเมิน"),
    )

    fieldsets: ClassVar[list[tuple[Any, list[str]]]] = [
        (
            gettext_lazy("ตัวชี้วัด"),
            ["number", "name", "definition", "unit_of_measure", "kind", "direction"],
        ),
        (
            gettext_lazy("ค่าฐานและค่าเป้าหมาย"),
            ["baseline_value", "baseline_year", "target_value", "is_cumulative"],
        ),
        (
            gettext_lazy("ค่าเป้าหมายรายไตรมาส"),
            ["target_q1", "target_q2", "target_q3", "target_q4"],
        ),
        (
            gettext_lazy("การวัดและการประเมิน"),
            [
                "formula",
                "data_source",
                "collection_method",
                "evaluator_unit",
                "evaluator_person",
                "frequency",
                "weight",
            ],
        ),
        (
            gettext_lazy("เกณฑ์การให้คะแนน"),
            ["scoring_rule", "band_1", "band_2", "band_3", "band_4", "band_5", "milestones"],
        ),
    ]

    class Meta(ScopedModelForm.Meta):
        model = Indicator
        fields = [
            "number",
            "name",
            "definition",
            "unit_of_measure",
            "kind",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "is_cumulative",
            "formula",
            "data_source",
            "collection_method",
            "evaluator_unit",
            "evaluator_person",
            "frequency",
            "weight",
            "scoring_rule",
        ]
        widgets = {
            "definition": textarea(3),
            "formula": textarea(2),
            "data_source": textarea(2),
            "collection_method": textarea(2),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_current(self.fields["evaluator_unit"], self.instance.evaluator_unit_id)
        self.fields["baseline_year"].help_text = _("เช่น 2560")
        for name in ("baseline_value", "target_value", "weight"):
            value = self.initial.get(name)
            if isinstance(value, Decimal):
                self.initial[name] = plain_number(value)
        for level in BAND_LEVELS:
            self.fields[f"band_{level}"].help_text = _("ค่าเกณฑ์ที่ได้ %(level)s คะแนน") % {
                "level": level
            }
        if self.instance.pk:
            for target in self.instance.targets.all():
                if target.period in QUARTERS:
                    self.initial[f"target_{target.period.lower()}"] = plain_number(target.value)
            for band in self.instance.bands.all():
                if band.level in BAND_LEVELS:
                    self.initial[f"band_{band.level}"] = plain_number(band.threshold)
            self.initial["milestones"] = "\n".join(
                m.description for m in self.instance.milestones.order_by("step")
            )

    # The parts, as the view saves them.

    def quarter_targets(self) -> dict[str, Decimal | None]:
        return {q: self.cleaned_data.get(f"target_{q.lower()}") for q in QUARTERS}

    def band_thresholds(self) -> dict[int, Decimal | None]:
        return {level: self.cleaned_data.get(f"band_{level}") for level in BAND_LEVELS}

    def milestone_steps(self) -> list[str]:
        text = self.cleaned_data.get("milestones") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        rule = data.get("scoring_rule")
        direction = data.get("direction")
        bands = self.band_thresholds()
        given = [(level, value) for level, value in bands.items() if value is not None]
        if rule in (Indicator.ScoringRule.BANDS, Indicator.ScoringRule.LINEAR):
            for level, value in bands.items():
                if value is None:
                    self.add_error(
                        f"band_{level}",
                        _("เกณฑ์นี้ต้องกำหนดค่าเกณฑ์ครบทั้ง 5 ระดับ (ยังไม่ได้กรอกระดับ %(level)s)")
                        % {"level": level},
                    )
        for (low, low_value), (high, high_value) in pairwise(given):
            if direction == Indicator.Direction.HIGHER and not high_value > low_value:
                self.add_error(
                    f"band_{high}",
                    _("ตัวชี้วัดนี้ยิ่งมากยิ่งดี ค่าเกณฑ์ระดับ %(high)s ต้องมากกว่าระดับ %(low)s")
                    % {"high": high, "low": low},
                )
                break
            if direction == Indicator.Direction.LOWER and not high_value < low_value:
                self.add_error(
                    f"band_{high}",
                    _("ตัวชี้วัดนี้ยิ่งน้อยยิ่งดี ค่าเกณฑ์ระดับ %(high)s ต้องน้อยกว่าระดับ %(low)s")
                    % {"high": high, "low": low},
                )
                break
        steps = self.milestone_steps()
        if rule == Indicator.ScoringRule.MILESTONES:
            target = data.get("target_value")
            if not steps:
                self.add_error(
                    "milestones",
                    _("เกณฑ์ “ระดับความสำเร็จ (ขั้นตอน)” ต้องกำหนดขั้นความสำเร็จอย่างน้อยหนึ่งขั้น"),
                )
            elif target is not None and target > len(steps):
                self.add_error(
                    "target_value",
                    _("ค่าเป้าหมายต้องไม่เกินจำนวนขั้นความสำเร็จ (%(count)s ขั้น)") % {"count": len(steps)},
                )
        q4 = data.get("target_q4")
        target_value = data.get("target_value")
        cumulative = bool(data.get("is_cumulative"))
        if cumulative and q4 is not None and target_value is not None and q4 != target_value:
            self.add_error(
                "target_q4",
                _(
                    "ตัวชี้วัดนี้เป็นค่าสะสม ค่าเป้าหมายไตรมาสที่ 4 ต้องเท่ากับค่าเป้าหมายทั้งปี "
                    "(%(target)s) หากไม่ใช่ค่าสะสม ให้ยกเลิกการเลือก “เป้าหมายรายไตรมาสเป็นค่าสะสม”"
                )
                % {"target": f"{target_value.normalize():,f}"},
            )
        return data


# Projects, owners, activities ---------------------------------------------------------------


class StrategyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Strategy) -> str:
        return str(obj)


class ProjectForm(FieldsetsMixin, ScopedModelForm):
    """Every field of a Thai project proposal (DOMAIN.md §3)."""

    strategy = StrategyChoiceField(
        queryset=Strategy.objects.all(),
        required=False,
        label=gettext_lazy("กลยุทธ์"),
        help_text=gettext_lazy("ว่างไว้ได้ หากยังไม่ได้จัดเข้ากลยุทธ์"),
    )
    start_month = MonthField(label=gettext_lazy("เดือนที่เริ่ม"))
    end_month = MonthField(label=gettext_lazy("เดือนที่สิ้นสุด"))
    budget = MoneyField(label=gettext_lazy("งบประมาณ (บาท)"), min_value=0)
    lead_unit = UnitChoiceField(
        for_model=Project,
        action=Action.ADD,
        required=False,
        label=gettext_lazy("เจ้าภาพหลัก"),
        help_text=gettext_lazy("ต้องมีเจ้าภาพหลักก่อนอนุมัติแผน"),
    )

    fieldsets: ClassVar[list[tuple[Any, list[str]]]] = [
        (gettext_lazy("ข้อมูลโครงการ"), ["code", "name", "strategy", "status"]),
        (
            gettext_lazy("หลักการ วัตถุประสงค์ และเป้าหมาย"),
            [
                "rationale",
                "objectives",
                "quantitative_targets",
                "qualitative_targets",
                "target_group",
                "area",
            ],
        ),
        (
            gettext_lazy("ระยะเวลาและงบประมาณ"),
            ["is_multi_year", "start_month", "end_month", "budget"],
        ),
        (gettext_lazy("ผลที่คาดว่าจะได้รับและความเสี่ยง"), ["expected_results", "risks"]),
        (
            gettext_lazy("ผู้รับผิดชอบ"),
            [
                "lead_unit",
                "lead_role",
                "responsible_name",
                "responsible_position",
                "responsible_phone",
                "responsible_email",
            ],
        ),
    ]

    class Meta(ScopedModelForm.Meta):
        model = Project
        fields = [
            "code",
            "name",
            "strategy",
            "rationale",
            "objectives",
            "quantitative_targets",
            "qualitative_targets",
            "target_group",
            "area",
            "start_month",
            "end_month",
            "is_multi_year",
            "budget",
            "expected_results",
            "risks",
            "status",
            "lead_unit",
            "lead_role",
            "responsible_name",
            "responsible_position",
            "responsible_phone",
            "responsible_email",
        ]
        widgets = {
            name: textarea(3)
            for name in (
                "rationale",
                "objectives",
                "quantitative_targets",
                "qualitative_targets",
                "target_group",
                "expected_results",
                "risks",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = self.instance.plan_version
        strategies = self.fields["strategy"]
        strategies.queryset = (  # type: ignore[attr-defined]
            strategies.queryset.filter(plan_version=version)  # type: ignore[attr-defined]
            .select_related("strategic_issue")
            .order_by("strategic_issue__number", "number")
        )
        keep_current(strategies, self.instance.strategy_id)
        keep_current(self.fields["lead_unit"], self.instance.lead_unit_id)
        multi_year = self.instance.is_multi_year
        if self.is_bound:
            multi_year = self.data.get(self.add_prefix("is_multi_year")) in ("on", "true", "1")
        self.set_month_range(version.plan.fiscal_year.period, multi_year=multi_year)
        self.fields["is_multi_year"].widget.attrs.update(
            {
                "hx-get": reverse("plans:project_months")
                + f"?plan_version={version.pk}"
                + (f"&project={self.instance.pk}" if self.instance.pk else ""),
                "hx-target": "#project-months",
                "hx-select": "#project-months",
                "hx-swap": "outerHTML",
                "hx-include": "#id_start_month, #id_end_month, #id_is_multi_year",
            }
        )

    def set_month_range(self, fiscal_year: FiscalPeriod, *, multi_year: bool) -> None:
        """The plan's fiscal year; a multi-year project gets years around it too."""
        first = last = fiscal_year
        if multi_year:
            first = FiscalPeriod(fiscal_year.be - MULTI_YEAR_BEFORE)
            last = FiscalPeriod(fiscal_year.be + MULTI_YEAR_AFTER)
        for value in (self.instance.start_month, self.instance.end_month):
            if value is not None:  # a saved month outside the range stays choosable
                first, last = min(first, FiscalPeriod.of(value)), max(last, FiscalPeriod.of(value))
        for name in ("start_month", "end_month"):
            field: MonthField = self.fields[name]  # type: ignore[assignment]
            field.set_fiscal_years(first, last)
        if not multi_year:
            self.fields["end_month"].help_text = _(
                "ภายในปีงบประมาณ พ.ศ. %(year)s หากโครงการต่อเนื่องหลายปี ให้เลือก “โครงการต่อเนื่องหลายปี”"
            ) % {"year": fiscal_year.be}


class ProjectOwnerForm(ScopedModelForm):
    unit = UnitChoiceField(for_model=ProjectOwner, action=Action.ADD, label=gettext_lazy("หน่วยงาน"))

    class Meta(ScopedModelForm.Meta):
        model = ProjectOwner
        fields = ["unit", "role", "role_description"]
        widgets = {"role_description": textarea(2)}

    def clean_unit(self) -> OrgUnit:
        unit: OrgUnit = self.cleaned_data["unit"]
        project = self.instance.project
        if unit.pk == project.lead_unit_id:
            raise forms.ValidationError(_("หน่วยงานนี้เป็นเจ้าภาพหลักของโครงการอยู่แล้ว"))
        others = ProjectOwner.objects.filter(project=project, unit=unit).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError(_("หน่วยงานนี้มีบทบาทในโครงการนี้แล้ว"))
        return unit


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.number}. {obj.name}"


class ActivityForm(ScopedModelForm):
    parent = ActivityChoiceField(
        queryset=Activity.objects.all(),
        required=False,
        label=gettext_lazy("อยู่ภายใต้กิจกรรมหลัก"),
        help_text=gettext_lazy("ว่างไว้สำหรับกิจกรรมหลักของโครงการ"),
    )
    responsible_unit = PlanUnitChoiceField(
        for_model=Activity,
        action=Action.ADD,
        required=False,
        label=gettext_lazy("หน่วยงานที่รับผิดชอบ"),
    )
    start_month = MonthField(label=gettext_lazy("เดือนที่เริ่ม"))
    end_month = MonthField(label=gettext_lazy("เดือนที่สิ้นสุด"))
    budget = MoneyField(label=gettext_lazy("งบประมาณ (บาท)"), min_value=0)

    class Meta(ScopedModelForm.Meta):
        model = Activity
        fields = [
            "parent",
            "number",
            "name",
            "responsible_unit",
            "start_month",
            "end_month",
            "budget",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.instance.project
        parents = self.fields["parent"]
        if self.instance.pk and self.instance.children.exists():
            del self.fields["parent"]  # an activity with sub-activities stays a main activity
        else:
            parents.queryset = parents.queryset.filter(  # type: ignore[attr-defined]
                project=project, parent=None
            ).exclude(pk=self.instance.pk)
        keep_current(self.fields["responsible_unit"], self.instance.responsible_unit_id)
        months = months_between(project.start_month, project.end_month)
        for name in ("start_month", "end_month"):
            field: MonthField = self.fields[name]  # type: ignore[assignment]
            field.choices = [("", EMPTY_CHOICE), *months]
            field.help_text = _("ภายในระยะเวลาโครงการ")


# Alignment ----------------------------------------------------------------------------------


def node_label(node: FrameworkNode) -> str:
    indent = "\u00a0\u00a0" * node.depth
    retired = _(" (ยกเลิกแล้ว)") if node.is_retired else ""
    return f"{indent}{node.code} {node.title}{retired}"


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FrameworkNode) -> str:
        return node_label(obj)


def framework_nodes(user: Any, framework: Framework | None) -> QuerySet[FrameworkNode]:
    """Nodes of a framework the user may align to (retired nodes are not offered)."""
    if framework is None:
        return FrameworkNode.objects.none()
    return (
        FrameworkNode.objects.restrict(user, Action.VIEW)
        .filter(framework=framework, is_retired=False)
        .order_by("path")
    )


class AlignmentLinkForm(ScopedModelForm):
    """เชื่อมโยงกับกรอบ: choose a framework, then one of its nodes (loaded with htmx)."""

    framework = forms.ModelChoiceField(
        queryset=Framework.objects.all(), label=gettext_lazy("กรอบการเชื่อมโยง")
    )
    node = NodeChoiceField(queryset=FrameworkNode.objects.none(), label=gettext_lazy("ข้อในกรอบ"))

    class Meta(ScopedModelForm.Meta):
        model = AlignmentLink
        fields = ["framework", "node", "is_primary"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        frameworks = self.fields["framework"]
        frameworks.queryset = frameworks.queryset.order_by(  # type: ignore[attr-defined]
            "level", "kind", "-year_start", "code"
        )
        framework = None
        raw = str(
            (self.data.get("framework") if self.is_bound else self.initial.get("framework")) or ""
        )
        if raw.isdigit():
            framework = frameworks.queryset.filter(pk=int(raw)).first()  # type: ignore[attr-defined]
        elif self.instance.pk:
            framework = self.instance.node.framework
            self.initial["framework"] = framework.pk
        self.fields["node"].queryset = framework_nodes(self.actor, framework)  # type: ignore[attr-defined]
        frameworks.widget.attrs.update(
            {
                "hx-get": reverse("plans:alignment_nodes"),
                "hx-target": "#id_node",
                "hx-trigger": "change",
            }
        )
        self.fields["is_primary"].help_text = _(
            "ความสอดคล้องหลักมีได้หนึ่งรายการ และใช้นับงบประมาณของโครงการเข้ากับข้อนี้"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        node: FrameworkNode | None = data.get("node")
        framework: Framework | None = data.get("framework")
        if node is not None and framework is not None and node.framework_id != framework.pk:
            self.add_error("node", _("ข้อที่เลือกไม่ได้อยู่ในกรอบนี้"))
        return data


def indicator_quarter_values(indicator: Indicator) -> list[Decimal | None]:
    """Q1–Q4 targets of an indicator (its prefetched ``targets``)."""
    by_period = {t.period: t.value for t in indicator.targets.all()}
    return [by_period.get(q) for q in QUARTERS]
