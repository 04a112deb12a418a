"""API of plans: fiscal years, action plans and their versions, and the plan's content.

Collections: /api/v1/fiscal-years/, plans/, plan-versions/ (with the approve, publish and revise
actions), missions/, strategic-issues/, goals/, strategies/, indicators/ (their targets, scoring
bands and milestones nested for reading, written through indicator-targets/, scoring-bands/ and
milestones/), projects/ (owners nested for reading, written through project-owners/),
activities/ and alignment-links/.

Each collection is one model with one set of access rules, and every write goes through
phaen.plans.services: content rows through content_create/update/delete (draft versions only,
open fiscal years, budgets and months), plans through plan_create/plan_update, versions through
version_update and the workflow services. Months are ISO dates of the month's first day and
money is a string with two decimals, so clients never meet floats or Buddhist-era years in data.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

import django_filters
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from phaen.core.access import Action
from phaen.core.api.viewsets import PolicyViewSet, ScopedModelSerializer, set_choices
from phaen.core.filters import SearchFilter
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import FiscalYearFilterSet, current_versions
from phaen.plans.filters import ProjectFilterSet as PageProjectFilterSet
from phaen.plans.forms import PlanUnitChoiceField
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
    StrategicIssue,
    Strategy,
)
from phaen.plans.services import (
    content_create,
    content_delete,
    content_update,
    plan_create,
    plan_update,
    version_approve,
    version_create_revision,
    version_publish,
    version_update,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SAME_VERSION_MESSAGE = gettext_lazy("ต้องเป็นรายการในฉบับของแผนเดียวกัน")


# Fields -------------------------------------------------------------------------------------


class MonthField(serializers.DateField):
    """A month as the ISO date of its first day ("2017-10-01"); "2017-10" or any day of the
    month is accepted and stored as the first day."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["iso-8601", "%Y-%m"])
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> date:
        day: date = super().to_internal_value(value)
        return day.replace(day=1)


def display(field: str) -> serializers.CharField:
    """The Thai label of a choice field (``status`` → ``get_status_display``)."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


def name_of(source: str) -> serializers.CharField:
    """The name of an optional related row, or null."""
    return serializers.CharField(source=source, read_only=True, allow_null=True)


# Serializers --------------------------------------------------------------------------------


def unit_choices(user: Any, model: type[models.Model], *, scoped: bool) -> QuerySet[OrgUnit]:
    """The units the web forms offer for a unit field of ``model``: where the user may add such
    rows, and with ``scoped`` also under the units of the model's further scopes (reporters of a
    project's lead unit choose a responsible unit for its activities)."""
    field_class = PlanUnitChoiceField if scoped else UnitChoiceField
    field = field_class(for_model=model, action=Action.ADD)
    field.limit_to_user(user)
    return cast(QuerySet[OrgUnit], field.queryset)


class PlanModelSerializer(ScopedModelSerializer):
    """Related rows limited by the policy, unit fields as in the forms, and plan-version rules.

    ``create_only`` fields are set when a row is created and read only afterwards (the plan
    version or the parent a row belongs to). ``unit_fields`` and ``scoped_unit_fields`` offer the
    units of ``unit_choices``. A related row the record already has stays acceptable.
    ``version_from`` names the fields the row's plan version comes from on creation, and
    ``same_version`` the related content rows that must belong to that same version.
    """

    create_only: ClassVar[tuple[str, ...]] = ()
    unit_fields: ClassVar[tuple[str, ...]] = ()
    scoped_unit_fields: ClassVar[tuple[str, ...]] = ()
    version_from: ClassVar[tuple[str, ...]] = ()
    same_version: ClassVar[tuple[str, ...]] = ()

    @property
    def editing(self) -> bool:
        return isinstance(self.instance, models.Model)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.editing:
            for name in self.create_only:
                fields[name].read_only = True
        request = self.context.get("request")
        if request is None:
            return fields
        units = dict.fromkeys(self.unit_fields, False)
        units |= dict.fromkeys(self.scoped_unit_fields, True)
        for name, scoped in units.items():
            set_choices(fields[name], unit_choices(request.user, self.Meta.model, scoped=scoped))
        if self.editing:
            # What a row already refers to stays acceptable (a reporter sends it back unchanged).
            for name, field in fields.items():
                queryset = getattr(field, "queryset", None)
                current = getattr(self.instance, f"{name}_id", None)
                if queryset is not None and current is not None and not field.read_only:
                    model = queryset.model
                    set_choices(
                        field,
                        model._default_manager.filter(
                            Q(pk__in=queryset.values("pk")) | Q(pk=current)
                        ),
                    )
        return fields

    def plan_version_id(self, attrs: dict[str, Any]) -> int | None:
        """The plan version the row belongs to (or will belong to)."""
        if self.editing:
            return getattr(self.instance, "plan_version_id", None)
        for name in self.version_from:
            value = attrs.get(name)
            if isinstance(value, PlanVersion):
                return value.pk
            if value is not None:
                return int(value.plan_version_id)
        return None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        version_id = self.plan_version_id(attrs)
        if version_id is not None:
            for name in self.same_version:
                related = attrs.get(name)
                if related is not None and related.plan_version_id != version_id:
                    raise serializers.ValidationError({name: [SAME_VERSION_MESSAGE]})
        return attrs

    def merged(self, attrs: dict[str, Any], name: str) -> Any:
        """A field's value after this write (sent, else the row's current value)."""
        if name in attrs:
            return attrs[name]
        return getattr(self.instance, name) if self.editing else None


class FiscalYearSerializer(PlanModelSerializer):
    start = serializers.DateField(source="period.start", read_only=True)
    end = serializers.DateField(source="period.end", read_only=True)

    class Meta:
        model = FiscalYear
        fields = [
            "id",
            "year",
            "start",
            "end",
            "is_open",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class VersionSummarySerializer(serializers.ModelSerializer):
    """A plan's version in the plan's listing."""

    kind_display = display("kind")
    status_display = display("status")

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "kind", "kind_display", "status", "status_display"]
        read_only_fields = fields


class ActionPlanSerializer(PlanModelSerializer):
    fiscal_year = serializers.SlugRelatedField(
        slug_field="year",
        queryset=FiscalYear.objects.all(),
        help_text=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"),
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    parent_plan_title = name_of("parent_plan.title")
    versions = VersionSummarySerializer(many=True, read_only=True)
    current_version = serializers.SerializerMethodField(
        help_text=gettext_lazy("ฉบับที่ใช้ทำงาน: ฉบับล่าสุดที่อนุมัติหรือเผยแพร่แล้ว หากยังไม่มี คือฉบับร่าง")
    )

    create_only = ("unit", "fiscal_year")
    unit_fields = ("unit",)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "unit",
            "unit_name",
            "fiscal_year",
            "title",
            "parent_plan",
            "parent_plan_title",
            "is_published",
            "current_version",
            "versions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_published", "version", "created_at", "updated_at"]

    def get_current_version(self, plan: ActionPlan) -> int | None:
        # The rule of selectors.current_version, on the prefetched versions (no query per plan).
        ranked = sorted(
            plan.versions.all(),
            key=lambda v: (v.status != PlanVersion.Status.DRAFT, v.number),
        )
        return ranked[-1].pk if ranked else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The framework plan is a plan of a unit above, in the same fiscal year (as the form)."""
        attrs = super().validate(attrs)
        parent: ActionPlan | None = self.merged(attrs, "parent_plan")
        unit: OrgUnit | None = self.merged(attrs, "unit")
        year: FiscalYear | None = self.merged(attrs, "fiscal_year")
        if parent is not None and unit is not None and year is not None:
            if parent.fiscal_year_id != year.pk:
                message = _("แผนที่เป็นกรอบต้องเป็นแผนของปีงบประมาณเดียวกัน")
            elif parent.unit_id == unit.pk or not unit.path.startswith(parent.unit.path):
                message = _("แผนที่เป็นกรอบต้องเป็นแผนของหน่วยงานต้นสังกัด")
            else:
                return attrs
            raise serializers.ValidationError({"parent_plan": [message]})
        return attrs


class PlanVersionSerializer(PlanModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    fiscal_year = serializers.IntegerField(source="plan.fiscal_year.year", read_only=True)
    unit = serializers.IntegerField(source="plan.unit_id", read_only=True)
    kind_display = display("kind")
    status_display = display("status")
    approved_by_name = name_of("approved_by.full_name")

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "plan_title",
            "fiscal_year",
            "unit",
            "number",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "is_editable",
            "based_on",
            "vision",
            "values",
            "note",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "approval_note",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "plan",
            "number",
            "kind",
            "status",
            "based_on",
            "approved_by",
            "approved_at",
            "approval_note",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]


class VersionApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("version ของฉบับที่อ่านมาล่าสุด (หรือส่งเป็น If-Match)"),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("ความเห็นผู้อนุมัติ")
    )


class VersionPublishSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("version ของฉบับที่อ่านมาล่าสุด (หรือส่งเป็น If-Match)"),
    )


class VersionReviseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=PlanVersion.Kind.choices,
        default=PlanVersion.Kind.REVISION.value,
        help_text=gettext_lazy("revised_to_allocation หรือ revision"),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_kind(self, value: str) -> str:
        if value == PlanVersion.Kind.INITIAL:
            raise serializers.ValidationError(
                _("ฉบับปรับปรุงต้องเป็นฉบับปรับปรุงตามงบประมาณที่ได้รับจัดสรรหรือฉบับปรับปรุง")
            )
        return value


class ContentSerializer(PlanModelSerializer):
    """A row of a plan version's content (its plan version is fixed once created)."""

    create_only: ClassVar[tuple[str, ...]] = ("plan_version",)
    version_from: ClassVar[tuple[str, ...]] = ("plan_version",)
    scope_actions: ClassVar[dict[str, str]] = {"plan_version": Action.CHANGE}


CONTENT_TAIL = ["version", "created_at", "updated_at"]
CONTENT_READ_ONLY = ["lineage", "version", "created_at", "updated_at"]


class MissionSerializer(ContentSerializer):
    class Meta:
        model = Mission
        fields = ["id", "plan_version", "number", "text", *CONTENT_TAIL]
        read_only_fields = CONTENT_TAIL


class StrategicIssueSerializer(ContentSerializer):
    aligns_with_title = name_of("aligns_with.title")

    class Meta:
        model = StrategicIssue
        fields = [
            "id",
            "plan_version",
            "number",
            "title",
            "description",
            "aligns_with",
            "aligns_with_title",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = CONTENT_READ_ONLY


class GoalSerializer(ContentSerializer):
    code = serializers.CharField(read_only=True, help_text=gettext_lazy("ประเด็นที่.ข้อที่ เช่น 1.2"))

    create_only = ()
    version_from = ("strategic_issue",)
    same_version = ("strategic_issue",)
    scope_actions = {"strategic_issue": Action.CHANGE}

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan_version",
            "strategic_issue",
            "number",
            "code",
            "title",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = ["plan_version", *CONTENT_READ_ONLY]


class StrategySerializer(ContentSerializer):
    create_only = ()
    version_from = ("strategic_issue",)
    same_version = ("strategic_issue",)
    scope_actions = {"strategic_issue": Action.CHANGE}

    class Meta:
        model = Strategy
        fields = [
            "id",
            "plan_version",
            "strategic_issue",
            "number",
            "title",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = ["plan_version", *CONTENT_READ_ONLY]


class IndicatorTargetSerializer(PlanModelSerializer):
    period_display = display("period")

    create_only = ("indicator",)
    scope_actions = {"indicator": Action.CHANGE}

    class Meta:
        model = IndicatorTarget
        fields = ["id", "indicator", "period", "period_display", "value", *CONTENT_TAIL]
        read_only_fields = CONTENT_TAIL


class ScoringBandSerializer(PlanModelSerializer):
    create_only = ("indicator",)
    scope_actions = {"indicator": Action.CHANGE}

    class Meta:
        model = ScoringBand
        fields = ["id", "indicator", "level", "threshold", *CONTENT_TAIL]
        read_only_fields = CONTENT_TAIL


class MilestoneSerializer(PlanModelSerializer):
    create_only = ("indicator",)
    scope_actions = {"indicator": Action.CHANGE}

    class Meta:
        model = Milestone
        fields = ["id", "indicator", "step", "description", *CONTENT_TAIL]
        read_only_fields = CONTENT_TAIL


class IndicatorSerializer(ContentSerializer):
    kind_display = display("kind")
    direction_display = display("direction")
    frequency_display = display("frequency")
    scoring_rule_display = display("scoring_rule")
    evaluator_unit_name = name_of("evaluator_unit.name")
    targets = IndicatorTargetSerializer(many=True, read_only=True)
    bands = ScoringBandSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    create_only = ()
    scoped_unit_fields = ("evaluator_unit",)
    version_from = ("goal", "project")
    same_version = ("goal", "project")
    scope_actions = {"goal": Action.CHANGE, "project": Action.CHANGE}

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan_version",
            "goal",
            "project",
            "number",
            "name",
            "definition",
            "unit_of_measure",
            "kind",
            "kind_display",
            "direction",
            "direction_display",
            "baseline_value",
            "baseline_year",
            "target_value",
            "is_cumulative",
            "formula",
            "data_source",
            "collection_method",
            "evaluator_unit",
            "evaluator_unit_name",
            "evaluator_person",
            "frequency",
            "frequency_display",
            "weight",
            "scoring_rule",
            "scoring_rule_display",
            "targets",
            "bands",
            "milestones",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = ["plan_version", *CONTENT_READ_ONLY]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (self.merged(attrs, "goal") is None) == (self.merged(attrs, "project") is None):
            raise serializers.ValidationError(
                {"non_field_errors": [_("ตัวชี้วัดต้องเป็นของเป้าประสงค์หรือของโครงการอย่างใดอย่างหนึ่ง")]}
            )
        return super().validate(attrs)


class ProjectOwnerSerializer(PlanModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_display = display("role")

    create_only = ("project",)
    unit_fields = ("unit",)
    scope_actions = {"project": Action.CHANGE}

    class Meta:
        model = ProjectOwner
        fields = [
            "id",
            "project",
            "unit",
            "unit_name",
            "role",
            "role_display",
            "role_description",
            *CONTENT_TAIL,
        ]
        read_only_fields = CONTENT_TAIL

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        project, unit = self.merged(attrs, "project"), self.merged(attrs, "unit")
        if project is not None and unit is not None and project.lead_unit_id == unit.pk:
            raise serializers.ValidationError({"unit": [_("หน่วยงานนี้เป็นเจ้าภาพหลักของโครงการอยู่แล้ว")]})
        return attrs


class ProjectSerializer(ContentSerializer):
    start_month = MonthField(help_text=gettext_lazy("เดือนที่เริ่ม: วันที่ 1 ของเดือน เช่น 2017-10-01"))
    end_month = MonthField(help_text=gettext_lazy("เดือนที่สิ้นสุด: วันที่ 1 ของเดือน เช่น 2018-09-01"))
    status_display = display("status")
    lead_unit_name = name_of("lead_unit.name")
    owners = ProjectOwnerSerializer(many=True, read_only=True)

    unit_fields = ("lead_unit",)
    same_version = ("strategy",)

    class Meta:
        model = Project
        fields = [
            "id",
            "plan_version",
            "strategy",
            "code",
            "name",
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
            "status_display",
            "lead_unit",
            "lead_unit_name",
            "lead_role",
            "responsible_name",
            "responsible_position",
            "responsible_phone",
            "responsible_email",
            "owners",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = CONTENT_READ_ONLY


class ActivitySerializer(ContentSerializer):
    start_month = MonthField(help_text=gettext_lazy("เดือนที่เริ่ม: วันที่ 1 ของเดือน"))
    end_month = MonthField(help_text=gettext_lazy("เดือนที่สิ้นสุด: วันที่ 1 ของเดือน"))
    responsible_unit_name = name_of("responsible_unit.name")

    create_only = ("project",)
    scoped_unit_fields = ("responsible_unit",)
    version_from = ("project",)
    same_version = ("parent",)
    scope_actions = {"project": Action.CHANGE}

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan_version",
            "project",
            "parent",
            "number",
            "name",
            "responsible_unit",
            "responsible_unit_name",
            "start_month",
            "end_month",
            "budget",
            "lineage",
            *CONTENT_TAIL,
        ]
        read_only_fields = ["plan_version", *CONTENT_READ_ONLY]


class AlignmentLinkSerializer(ContentSerializer):
    node_label = serializers.CharField(source="node", read_only=True)
    framework = serializers.IntegerField(source="node.framework_id", read_only=True)

    create_only = AlignmentLink.SUBJECTS
    version_from = AlignmentLink.SUBJECTS
    scope_actions = dict.fromkeys(AlignmentLink.SUBJECTS, Action.CHANGE)

    class Meta:
        model = AlignmentLink
        fields = [
            "id",
            "plan_version",
            "node",
            "node_label",
            "framework",
            *AlignmentLink.SUBJECTS,
            "is_primary",
            *CONTENT_TAIL,
        ]
        read_only_fields = ["plan_version", *CONTENT_TAIL]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if not self.editing:
            subjects = [name for name in AlignmentLink.SUBJECTS if attrs.get(name) is not None]
            if len(subjects) != 1:
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            _(
                                "ระบุรายการที่สอดคล้องเพียงหนึ่งรายการ: "
                                "ประเด็นยุทธศาสตร์ เป้าประสงค์ ตัวชี้วัด หรือโครงการ"
                            )
                        ]
                    }
                )
            attrs["plan_version"] = attrs[subjects[0]].plan_version
        return attrs


# Filters ------------------------------------------------------------------------------------
# Same parameter names and meanings as the list pages' FilterSets (phaen/plans/filters.py):
# fiscal_year is a BE year, unit and lead_unit take a unit's whole subtree. The pages' filters
# build choice lists for their drop-downs; an API needs none, so ids are plain numbers here and
# an id the user may not see simply matches nothing (the rows are restricted already).


def unit_path(unit_id: Any) -> str | None:
    path: str | None = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return path


def id_filter(label: StrOrPromise, field_name: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(label=label, field_name=field_name)


class SubtreeIdFilter(django_filters.NumberFilter):
    """A unit id: rows whose ``path_field`` lies in that unit's subtree (an unknown id: none)."""

    def __init__(self, *args: Any, path_field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        path = unit_path(value)
        return qs.filter(**{f"{self.path_field}__startswith": path}) if path else qs.none()


def lead_unit_filter(path_field: str) -> SubtreeIdFilter:
    return SubtreeIdFilter(
        label=gettext_lazy("เจ้าภาพหลัก (id) รวมหน่วยงานภายใต้"), path_field=path_field
    )


def strategic_issue_filter(field_name: str) -> django_filters.NumberFilter:
    return id_filter(gettext_lazy("ประเด็นยุทธศาสตร์ (id)"), field_name)


class InPlanFilterSet(django_filters.FilterSet):
    """``fiscal_year``, ``plan``, ``plan_version`` and ``unit`` of rows that live in a plan.

    ``version_lookup`` leads from the model to its plan version ("" on the version itself);
    ``plan_unit_path`` to the path of the plan's unit (projects keep an indexed copy).
    """

    version_lookup: ClassVar[str] = "plan_version__"
    plan_unit_path: ClassVar[str] = "plan_version__plan__unit__path"

    fiscal_year = django_filters.NumberFilter(
        label=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"), method="filter_fiscal_year"
    )
    plan = django_filters.NumberFilter(label=gettext_lazy("แผน (id)"), method="filter_plan")
    plan_version = django_filters.NumberFilter(
        label=gettext_lazy("ฉบับของแผน (id)"), method="filter_plan_version"
    )
    unit = django_filters.NumberFilter(
        label=gettext_lazy("หน่วยงานเจ้าของแผน (id) รวมหน่วยงานภายใต้"), method="filter_unit"
    )

    def filter_fiscal_year(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(**{f"{self.version_lookup}plan__fiscal_year__year": value})

    def filter_plan(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(**{f"{self.version_lookup}plan_id": value})

    def filter_plan_version(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(**{f"{self.version_lookup}pk": value})

    def filter_unit(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        path = unit_path(value)
        return qs.filter(**{f"{self.plan_unit_path}__startswith": path}) if path else qs.none()


class ActionPlanFilterSet(InPlanFilterSet):
    plan_unit_path = "unit__path"
    plan = None
    plan_version = None

    q = SearchFilter(fields=["title", "unit__name", "unit__short_name"])
    parent_plan = id_filter(gettext_lazy("แผนที่เป็นกรอบ (id)"), "parent_plan_id")
    is_published = django_filters.BooleanFilter(label=gettext_lazy("เผยแพร่แล้ว"))

    class Meta:
        model = ActionPlan
        fields = ["q", "fiscal_year", "unit", "parent_plan", "is_published"]

    def filter_fiscal_year(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs.filter(fiscal_year__year=value)


class PlanVersionFilterSet(InPlanFilterSet):
    version_lookup = ""
    plan_unit_path = "plan__unit__path"
    plan_version = None

    q = SearchFilter(fields=["plan__title", "note"])
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะ"), choices=PlanVersion.Status.choices
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("ประเภทฉบับ"), choices=PlanVersion.Kind.choices
    )

    class Meta:
        model = PlanVersion
        fields = ["q", "fiscal_year", "plan", "unit", "status", "kind"]


class MissionFilterSet(InPlanFilterSet):
    q = SearchFilter(fields=["text"])

    class Meta:
        model = Mission
        fields = ["q", "fiscal_year", "plan", "plan_version", "unit"]


class StrategicIssueFilterSet(InPlanFilterSet):
    q = SearchFilter(fields=["title", "description"])
    aligns_with = id_filter(gettext_lazy("สอดคล้องกับประเด็นยุทธศาสตร์ (id)"), "aligns_with_id")

    class Meta:
        model = StrategicIssue
        fields = ["q", "fiscal_year", "plan", "plan_version", "unit", "aligns_with"]


class GoalFilterSet(InPlanFilterSet):
    q = SearchFilter(fields=["title"])
    strategic_issue = strategic_issue_filter("strategic_issue_id")

    class Meta:
        model = Goal
        fields = ["q", "fiscal_year", "plan", "plan_version", "unit", "strategic_issue"]


class StrategyFilterSet(GoalFilterSet):
    class Meta:
        model = Strategy
        fields = ["q", "fiscal_year", "plan", "plan_version", "unit", "strategic_issue"]


class IndicatorFilterSet(InPlanFilterSet):
    q = SearchFilter(fields=["name", "definition"])
    strategic_issue = django_filters.NumberFilter(
        label=gettext_lazy("ประเด็นยุทธศาสตร์ (id)"), method="filter_strategic_issue"
    )
    goal = id_filter(gettext_lazy("เป้าประสงค์ (id)"), "goal_id")
    project = id_filter(gettext_lazy("โครงการ (id)"), "project_id")
    lead_unit = lead_unit_filter("project__lead_unit_path")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("ประเภท"), choices=Indicator.Kind.choices)

    class Meta:
        model = Indicator
        fields = [
            "q",
            "fiscal_year",
            "plan",
            "plan_version",
            "unit",
            "strategic_issue",
            "goal",
            "project",
            "lead_unit",
            "kind",
        ]

    def filter_strategic_issue(
        self, qs: QuerySet[Indicator], name: str, value: Any
    ) -> QuerySet[Indicator]:
        """Indicators of the issue's goals and of the projects under its strategies."""
        return qs.filter(
            Q(goal__strategic_issue_id=value) | Q(project__strategy__strategic_issue_id=value)
        )


class IndicatorPartFilterSet(InPlanFilterSet):
    version_lookup = "indicator__plan_version__"
    plan_unit_path = "indicator__plan_version__plan__unit__path"

    indicator = id_filter(gettext_lazy("ตัวชี้วัด (id)"), "indicator_id")


class IndicatorTargetFilterSet(IndicatorPartFilterSet):
    period = django_filters.ChoiceFilter(
        label=gettext_lazy("ช่วงเวลา"), choices=IndicatorTarget.Period.choices
    )

    class Meta:
        model = IndicatorTarget
        fields = ["fiscal_year", "plan", "plan_version", "unit", "indicator", "period"]


class ScoringBandFilterSet(IndicatorPartFilterSet):
    class Meta:
        model = ScoringBand
        fields = ["fiscal_year", "plan", "plan_version", "unit", "indicator"]


class MilestoneFilterSet(IndicatorPartFilterSet):
    class Meta:
        model = Milestone
        fields = ["fiscal_year", "plan", "plan_version", "unit", "indicator"]


class ProjectFilterSet(InPlanFilterSet):
    plan_unit_path = "plan_unit_path"

    q = SearchFilter(fields=["code", "name", "lead_unit__name", "responsible_name"])
    strategic_issue = strategic_issue_filter("strategy__strategic_issue_id")
    strategy = id_filter(gettext_lazy("กลยุทธ์ (id)"), "strategy_id")
    lead_unit = lead_unit_filter("lead_unit_path")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะโครงการ"), choices=Project.Status.choices
    )
    versions = django_filters.ChoiceFilter(
        label=gettext_lazy("ฉบับของแผน: current = ฉบับที่ใช้อยู่ของแต่ละแผน, all = ทุกฉบับ (ค่าเริ่มต้น)"),
        choices=PageProjectFilterSet.VERSION_CHOICES,
        method="filter_versions",
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "fiscal_year",
            "plan",
            "plan_version",
            "unit",
            "strategic_issue",
            "strategy",
            "lead_unit",
            "status",
            "versions",
        ]

    def filter_versions(self, qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return qs.filter(plan_version__in=current_versions()) if value == "current" else qs


class ProjectOwnerFilterSet(InPlanFilterSet):
    version_lookup = "project__plan_version__"
    plan_unit_path = "project__plan_unit_path"

    project = id_filter(gettext_lazy("โครงการ (id)"), "project_id")
    owner_unit = id_filter(gettext_lazy("หน่วยงานเจ้าภาพรองหรือผู้สนับสนุน (id)"), "unit_id")
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("บทบาท"), choices=ProjectOwner.OwnerRole.choices
    )

    class Meta:
        model = ProjectOwner
        fields = ["fiscal_year", "plan", "plan_version", "unit", "project", "owner_unit", "role"]


class ActivityFilterSet(InPlanFilterSet):
    plan_unit_path = "project__plan_unit_path"

    q = SearchFilter(fields=["name"])
    project = id_filter(gettext_lazy("โครงการ (id)"), "project_id")
    strategic_issue = strategic_issue_filter("project__strategy__strategic_issue_id")
    lead_unit = lead_unit_filter("project__lead_unit_path")
    responsible_unit = id_filter(gettext_lazy("หน่วยงานที่รับผิดชอบ (id)"), "responsible_unit_id")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะโครงการ"),
        choices=Project.Status.choices,
        field_name="project__status",
    )

    class Meta:
        model = Activity
        fields = [
            "q",
            "fiscal_year",
            "plan",
            "plan_version",
            "unit",
            "project",
            "strategic_issue",
            "lead_unit",
            "responsible_unit",
            "status",
        ]


class AlignmentLinkFilterSet(InPlanFilterSet):
    q = SearchFilter(fields=["node__code", "node__title"])
    node = id_filter(gettext_lazy("ข้อในกรอบ (id)"), "node_id")
    framework = id_filter(gettext_lazy("กรอบ (id)"), "node__framework_id")
    strategic_issue = strategic_issue_filter("strategic_issue_id")
    goal = id_filter(gettext_lazy("เป้าประสงค์ (id)"), "goal_id")
    indicator = id_filter(gettext_lazy("ตัวชี้วัด (id)"), "indicator_id")
    project = id_filter(gettext_lazy("โครงการ (id)"), "project_id")
    is_primary = django_filters.BooleanFilter(label=gettext_lazy("ความสอดคล้องหลัก"))

    class Meta:
        model = AlignmentLink
        fields = [
            "q",
            "fiscal_year",
            "plan",
            "plan_version",
            "unit",
            "node",
            "framework",
            "strategic_issue",
            "goal",
            "indicator",
            "project",
            "is_primary",
        ]


# Viewsets -----------------------------------------------------------------------------------


class FiscalYearViewSet(PolicyViewSet):
    """ปีงบประมาณ: reference data for everyone; planners and admins at a top-level unit write."""

    queryset = FiscalYear.objects.all()
    serializer_class = FiscalYearSerializer
    filterset_class = FiscalYearFilterSet
    ordering_fields = ["year"]
    ordering = ["-year"]


class ActionPlanViewSet(PolicyViewSet):
    """แผนปฏิบัติการ: one unit's plan for a fiscal year. Creating one starts its first draft."""

    queryset = ActionPlan.objects.select_related(
        "unit", "fiscal_year", "parent_plan"
    ).prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.order_by("-number")))
    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilterSet
    ordering_fields = ["fiscal_year__year", "unit__path", "title"]
    ordering = ["-fiscal_year__year", "unit__path", "pk"]
    # A plan keeps its versions (approved ones are records): it is not deleted through the API.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_service = staticmethod(plan_create)
    update_service = staticmethod(plan_update)


class PlanVersionViewSet(PolicyViewSet):
    """ฉบับของแผน: edit a draft's vision, values and note; approve, publish, start a revision.

    Versions are made by creating a plan (the first draft) and by ``revise`` (a copy).
    """

    queryset = PlanVersion.objects.select_related("plan__unit", "plan__fiscal_year", "approved_by")
    serializer_class = PlanVersionSerializer
    filterset_class = PlanVersionFilterSet
    ordering_fields = ["number", "plan__fiscal_year__year", "status"]
    ordering = ["-plan__fiscal_year__year", "plan_id", "-number"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    update_service = staticmethod(version_update)
    ACTIONS = {
        **PolicyViewSet.ACTIONS,
        "approve": "approve",
        "publish": "publish",
        "revise": Action.CHANGE,
    }

    @extend_schema(exclude=True)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(
            request.method or "POST",
            detail=_("ฉบับใหม่ของแผนสร้างด้วย POST /api/v1/plan-versions/{id}/revise/ จากฉบับที่อนุมัติแล้ว"),
        )

    @extend_schema(
        summary=gettext_lazy("อนุมัติฉบับร่าง (ผู้อนุมัติ)"),
        request=VersionApproveSerializer,
        responses=PlanVersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        version = self.get_object()
        data = VersionApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approved = version_approve(
            actor=self.actor,
            version=version,
            expected_version=self._expected_version(),
            note=data.validated_data["note"],
        )
        return Response(self.get_serializer(approved).data)

    @extend_schema(
        summary=gettext_lazy("เผยแพร่ฉบับที่อนุมัติแล้ว"),
        request=VersionPublishSerializer,
        responses=PlanVersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        version = self.get_object()
        VersionPublishSerializer(data=request.data).is_valid(raise_exception=True)
        published = version_publish(
            actor=self.actor, version=version, expected_version=self._expected_version()
        )
        return Response(self.get_serializer(published).data)

    @extend_schema(
        summary=gettext_lazy("เริ่มฉบับปรับปรุง (คัดลอกเนื้อหาทั้งหมดเป็นฉบับร่างใหม่)"),
        request=VersionReviseSerializer,
        responses={201: PlanVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        source = self.get_object()
        data = VersionReviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = version_create_revision(
            actor=self.actor,
            source=source,
            kind=data.validated_data["kind"],
            note=data.validated_data["note"],
        )
        return Response(self.get_serializer(revision).data, status=status.HTTP_201_CREATED)


class ContentViewSet(PolicyViewSet):
    """Plan content: written only while its version is a draft (services.content_*)."""

    create_service = staticmethod(content_create)
    update_service = staticmethod(content_update)
    delete_service = staticmethod(content_delete)


class MissionViewSet(ContentViewSet):
    """พันธกิจ of a plan version."""

    queryset = Mission.objects.all()
    serializer_class = MissionSerializer
    filterset_class = MissionFilterSet
    ordering_fields = ["number"]
    ordering = ["plan_version_id", "number", "pk"]


class StrategicIssueViewSet(ContentViewSet):
    """ประเด็นยุทธศาสตร์ of a plan version."""

    queryset = StrategicIssue.objects.select_related("aligns_with")
    serializer_class = StrategicIssueSerializer
    filterset_class = StrategicIssueFilterSet
    ordering_fields = ["number", "title"]
    ordering = ["plan_version_id", "number", "pk"]


class GoalViewSet(ContentViewSet):
    """เป้าประสงค์ of a strategic issue."""

    queryset = Goal.objects.select_related("strategic_issue")
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    ordering_fields = ["number", "title"]
    ordering = ["plan_version_id", "strategic_issue__number", "number", "pk"]


class StrategyViewSet(ContentViewSet):
    """กลยุทธ์ under a strategic issue."""

    queryset = Strategy.objects.all()
    serializer_class = StrategySerializer
    filterset_class = StrategyFilterSet
    ordering_fields = ["number", "title"]
    ordering = ["plan_version_id", "strategic_issue__number", "number", "pk"]


class IndicatorViewSet(ContentViewSet):
    """ตัวชี้วัด with its targets, scoring bands and milestones (written in their collections)."""

    queryset = Indicator.objects.select_related("evaluator_unit").prefetch_related(
        "targets", "bands", "milestones"
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    ordering_fields = ["number", "name"]
    ordering = ["plan_version_id", "goal_id", "project_id", "number", "pk"]


class IndicatorTargetViewSet(ContentViewSet):
    """ค่าเป้าหมายรายไตรมาส (or half-year) of an indicator."""

    queryset = IndicatorTarget.objects.all()
    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilterSet
    ordering_fields = ["period"]
    ordering = ["indicator_id", "period"]


class ScoringBandViewSet(ContentViewSet):
    """เกณฑ์ระดับคะแนน: one level of an indicator's 5-level (or linear) scoring rule."""

    queryset = ScoringBand.objects.all()
    serializer_class = ScoringBandSerializer
    filterset_class = ScoringBandFilterSet
    ordering_fields = ["level"]
    ordering = ["indicator_id", "level"]


class MilestoneViewSet(ContentViewSet):
    """ขั้นความสำเร็จ: one step of an indicator's milestone checklist."""

    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering_fields = ["step"]
    ordering = ["indicator_id", "step"]


class ProjectViewSet(ContentViewSet):
    """โครงการ with its co-owners and supporters (written in /api/v1/project-owners/).

    Reporters of the lead unit may change their project while the plan version is a draft.
    """

    queryset = Project.objects.select_related("lead_unit").prefetch_related(
        Prefetch("owners", queryset=ProjectOwner.objects.select_related("unit"))
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["code", "name", "budget", "start_month"]
    ordering = ["plan_version_id", "code", "pk"]


class ProjectOwnerViewSet(ContentViewSet):
    """เจ้าภาพรองและผู้สนับสนุน of projects (the lead unit is the project's ``lead_unit``)."""

    queryset = ProjectOwner.objects.select_related("unit")
    serializer_class = ProjectOwnerSerializer
    filterset_class = ProjectOwnerFilterSet
    ordering_fields = ["role"]
    ordering = ["project_id", "role", "unit_id"]


class ActivityViewSet(ContentViewSet):
    """กิจกรรม of projects; reporters of the project's lead unit add and change them."""

    queryset = Activity.objects.select_related("responsible_unit")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    ordering_fields = ["number", "start_month", "budget"]
    ordering = ["project_id", "number", "pk"]


class AlignmentLinkViewSet(ContentViewSet):
    """ความสอดคล้อง: an issue, goal, indicator or project serves a framework node."""

    queryset = AlignmentLink.objects.select_related("node")
    serializer_class = AlignmentLinkSerializer
    filterset_class = AlignmentLinkFilterSet
    ordering_fields = ["pk"]
    ordering = ["plan_version_id", "pk"]
