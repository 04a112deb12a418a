"""API of monitoring: reporting periods, quarterly progress reports with their workflow, the
activities of a report, indicator results, problems, corrective actions and evaluations.

Collections: /api/v1/reporting-periods/ (read; planners at a top-level unit change the dates),
progress-reports/ (started with a project and a quarter; the ``submit``, ``return``,
``approve`` and ``reopen`` actions), activity-progress/ (each activity's line of a report:
read and change), indicator-results/, problems/, corrective-actions/ and evaluations/ (read,
the evaluator's comment, and the ``prepare`` action).

Every write goes through phaen.monitoring.services, so the API refuses what the pages refuse
(a locked report, a result without a target, a stale edit, an edit after the lock date) with
the same Thai message. Writes of an existing row need the ``version`` read last (in the body or
as ``If-Match``). Nobody outside a report's circle sees it while it is a draft (the policy's
``restrict()``). Dates are ISO (Christian era); indicator values are strings with up to four
decimals, and Thai digits are accepted on input.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from phaen.budget.api import MoneyField, ProjectFilter, unit_filter
from phaen.core.access import Action
from phaen.core.api.viewsets import PolicyViewSet
from phaen.core.filters import SearchFilter
from phaen.monitoring import services
from phaen.monitoring.models import (
    ActivityProgress,
    CorrectiveAction,
    Evaluation,
    IndicatorResult,
    Problem,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import report_money
from phaen.orgs.models import OrgUnit
from phaen.plans.api import PlanModelSerializer, display, id_filter, name_of
from phaen.plans.models import Project
from phaen.thai.money import ThaiNumberError, parse_number

TAIL = ["version", "created_at", "updated_at"]
APPROVE = "approve"


# Fields -------------------------------------------------------------------------------------


class IndicatorValueField(serializers.DecimalField):
    """An indicator's value as a string with up to four decimals; Thai digits and thousands
    separators are accepted on input ("๑,๒๕๐.๕")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str):
            try:
                data = parse_number(data)
            except ThaiNumberError as error:
                raise serializers.ValidationError(error.message) from error
        value: Decimal = super().to_internal_value(data)
        return value


def value_field(**kwargs: Any) -> IndicatorValueField:
    return IndicatorValueField(**kwargs)


def read_value(**kwargs: Any) -> IndicatorValueField:
    return IndicatorValueField(read_only=True, **kwargs)


def percent_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), **kwargs
    )


def label_of(source: str) -> serializers.CharField:
    """The text of a related row (its ``__str__``)."""
    return serializers.CharField(source=source, read_only=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("version ของรายการที่อ่านมาล่าสุด (หรือส่งเป็น If-Match)"),
    )


class CommentSerializer(VersionSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("ความเห็น")
    )


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(allow_blank=True, help_text=gettext_lazy("สิ่งที่ต้องแก้ไข (ต้องระบุ)"))


class ReopenSerializer(VersionSerializer):
    reason = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("เหตุผลที่เปิดรายงานให้แก้ไขใหม่ (ต้องระบุ)")
    )


# Reporting periods --------------------------------------------------------------------------


class ReportingPeriodSerializer(PlanModelSerializer):
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    kind_display = display("kind")
    name = serializers.CharField(
        source="label", read_only=True, help_text=gettext_lazy("ชื่อรอบ เช่น ไตรมาสที่ 2/2561")
    )

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "fiscal_year",
            "kind",
            "kind_display",
            "name",
            "starts_on",
            "ends_on",
            "opens_on",
            "due_on",
            "locks_on",
            *TAIL,
        ]
        read_only_fields = ["kind", "starts_on", "ends_on", *TAIL]


# Progress reports ---------------------------------------------------------------------------


class ProgressReportSerializer(PlanModelSerializer):
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(),
        help_text=gettext_lazy("โครงการ (id) ในแผนฉบับที่อนุมัติล่าสุด"),
    )
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.filter(kind__in=QUARTERS),
        help_text=gettext_lazy("ไตรมาส (id ของรอบการรายงาน Q1–Q4)"),
    )
    period_label = label_of("period")
    fiscal_year = serializers.IntegerField(source="period.fiscal_year.year", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_display = display("state")
    progress_status_display = display("progress_status")
    percent_complete = percent_field(required=False)
    submitted_by_name = name_of("submitted_by.full_name")
    decided_by_name = name_of("decided_by.full_name")

    create_only = ("project", "period")

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "project_lineage",
            "period",
            "period_label",
            "fiscal_year",
            "unit",
            "unit_name",
            "state",
            "state_display",
            "progress_status",
            "progress_status_display",
            "percent_complete",
            "outputs",
            "summary",
            "is_late",
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "submitted_by_name",
            "decided_at",
            "decided_by",
            "decided_by_name",
            "return_comment",
            "reopened_at",
            "reopen_reason",
            *TAIL,
        ]
        read_only_fields = [
            "project_lineage",
            "unit",
            "state",
            "is_late",
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "decided_at",
            "decided_by",
            "return_comment",
            "reopened_at",
            "reopen_reason",
            *TAIL,
        ]


class ActivityLineSerializer(serializers.ModelSerializer):
    activity_name = label_of("activity")
    progress_status = serializers.ChoiceField(
        source="status", choices=ProgressStatus.choices, read_only=True
    )
    progress_status_display = display("status")

    class Meta:
        model = ActivityProgress
        fields = [
            "id",
            "activity",
            "activity_name",
            "progress_status",
            "progress_status_display",
            "percent_complete",
            "actual_start",
            "actual_end",
            "note",
            "version",
        ]
        read_only_fields = fields


class ReportMoneySerializer(serializers.Serializer):
    allocated = MoneyField(read_only=True, help_text=gettext_lazy("งบประมาณที่ได้รับจัดสรร"))
    disbursed_in_quarter = MoneyField(read_only=True, help_text=gettext_lazy("เบิกจ่ายในไตรมาส"))
    used_in_quarter = MoneyField(read_only=True, help_text=gettext_lazy("ใช้จ่ายในไตรมาส"))
    disbursed_to_date = MoneyField(read_only=True, help_text=gettext_lazy("เบิกจ่ายสะสม"))
    used_to_date = MoneyField(read_only=True, help_text=gettext_lazy("ใช้จ่ายสะสม"))
    disbursement_rate = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("ร้อยละการเบิกจ่ายสะสม"),
    )


class ProgressReportDetailSerializer(ProgressReportSerializer):
    """One report with its activities and its money (read from the budget records)."""

    activities = ActivityLineSerializer(source="activity_progress", many=True, read_only=True)
    money = serializers.SerializerMethodField()

    class Meta(ProgressReportSerializer.Meta):
        fields = [*ProgressReportSerializer.Meta.fields, "activities", "money"]

    @extend_schema_field(ReportMoneySerializer)
    def get_money(self, report: ProgressReport) -> dict[str, Any]:
        return dict(ReportMoneySerializer(report_money(report)).data)


class ActivityProgressSerializer(PlanModelSerializer):
    """One activity's line of a report: its status, percent, actual dates and note."""

    report_period = label_of("report.period")
    project = serializers.IntegerField(source="report.project_id", read_only=True)
    activity_name = label_of("activity")
    progress_status = serializers.ChoiceField(
        source="status", choices=ProgressStatus.choices, required=False, allow_blank=True
    )
    progress_status_display = display("status")
    percent_complete = percent_field(required=False, allow_null=True)

    class Meta:
        model = ActivityProgress
        fields = [
            "id",
            "report",
            "report_period",
            "project",
            "activity",
            "activity_name",
            "progress_status",
            "progress_status_display",
            "percent_complete",
            "actual_start",
            "actual_end",
            "note",
            *TAIL,
        ]
        read_only_fields = ["report", "activity", *TAIL]


# Indicator results --------------------------------------------------------------------------


class IndicatorResultSerializer(PlanModelSerializer):
    indicator_name = label_of("indicator.name")
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(),
        required=False,
        help_text=gettext_lazy("รอบการรายงาน (id): ไม่ต้องระบุเมื่อระบุรายงาน (ใช้ไตรมาสของรายงาน)"),
    )
    period_label = label_of("period")
    report = serializers.PrimaryKeyRelatedField(
        queryset=ProgressReport.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "รายงานความก้าวหน้า (id): ผลของตัวชี้วัดโครงการบันทึกในรายงานของโครงการ "
            "ผลของตัวชี้วัดเป้าประสงค์ไม่ต้องระบุ"
        ),
    )
    actual_value = value_field(help_text=gettext_lazy("ผลการดำเนินงาน"))
    target_value = read_value(help_text=gettext_lazy("ค่าเป้าหมายของรอบที่ใช้ประเมิน"))
    score = serializers.DecimalField(max_digits=6, decimal_places=4, read_only=True)
    percent_of_target = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )

    create_only = ("indicator", "period", "report")
    scope_actions = {"report": Action.CHANGE}

    class Meta:
        model = IndicatorResult
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "indicator_lineage",
            "period",
            "period_label",
            "report",
            "actual_value",
            "note",
            "measured_by",
            "method",
            "target_value",
            "achieved",
            "score",
            "percent_of_target",
            "strategic_issue",
            *TAIL,
        ]
        read_only_fields = [
            "indicator_lineage",
            "target_value",
            "achieved",
            "strategic_issue",
            *TAIL,
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.editing:
            return attrs
        report: ProgressReport | None = attrs.get("report")
        if report is not None:
            attrs["period"] = report.period
        elif attrs.get("period") is None:
            raise serializers.ValidationError(
                {"period": [_("ระบุรอบการรายงาน หรือรายงานความก้าวหน้าที่ผลนี้อยู่")]}
            )
        return attrs


# Problems and corrective actions ------------------------------------------------------------


class ProblemSerializer(PlanModelSerializer):
    report = serializers.PrimaryKeyRelatedField(
        queryset=ProgressReport.objects.all(), help_text=gettext_lazy("รายงานความก้าวหน้า (id)")
    )
    period_label = label_of("report.period")
    project = serializers.IntegerField(source="report.project_id", read_only=True)
    category_display = display("category")

    create_only = ("report",)
    scope_actions = {"report": Action.CHANGE}

    class Meta:
        model = Problem
        fields = [
            "id",
            "report",
            "period_label",
            "project",
            "category",
            "category_display",
            "description",
            "cause",
            *TAIL,
        ]
        read_only_fields = TAIL


class CorrectiveActionSerializer(PlanModelSerializer):
    problem = serializers.PrimaryKeyRelatedField(
        queryset=Problem.objects.all(), help_text=gettext_lazy("ปัญหาอุปสรรค (id)")
    )
    report = serializers.IntegerField(source="problem.report_id", read_only=True)
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("หน่วยงานที่รับผิดชอบ (id)"),
    )
    owner_unit_name = name_of("owner_unit.name")
    status_display = display("status")
    is_overdue = serializers.SerializerMethodField()
    via_report = serializers.PrimaryKeyRelatedField(
        queryset=ProgressReport.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text=gettext_lazy(
            "เมื่อติดตามแนวทางแก้ไขที่ยังไม่ปิดจากรายงานไตรมาสถัดไปของโครงการ: id ของรายงานนั้น "
            "(แก้ไขได้เฉพาะสถานะ วันที่แล้วเสร็จ ผลการแก้ไข และกำหนดแล้วเสร็จ)"
        ),
    )

    create_only = ("problem",)
    scope_actions = {"problem": Action.CHANGE, "via_report": Action.CHANGE}

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "problem",
            "report",
            "description",
            "owner_name",
            "owner_unit",
            "owner_unit_name",
            "due_on",
            "status",
            "status_display",
            "done_on",
            "result_note",
            "is_overdue",
            "updated_in_report",
            "project_lineage",
            "via_report",
            *TAIL,
        ]
        read_only_fields = ["updated_in_report", "project_lineage", *TAIL]

    def get_is_overdue(self, corrective_action: CorrectiveAction) -> bool:
        return corrective_action.is_open and corrective_action.due_on < services.today()


# Evaluations --------------------------------------------------------------------------------


class EvaluationSerializer(serializers.ModelSerializer):
    period_label = label_of("period")
    indicator_name = name_of("indicator.name")
    project_name = name_of("project.name")
    strategic_issue_title = name_of("strategic_issue.title")
    target_value = read_value(allow_null=True)
    result_value = read_value(allow_null=True)
    score = serializers.DecimalField(
        max_digits=6, decimal_places=4, read_only=True, allow_null=True
    )
    percent_of_target = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    evaluator_name = name_of("evaluator.full_name")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "period",
            "period_label",
            "indicator",
            "indicator_name",
            "project",
            "project_name",
            "strategic_issue",
            "strategic_issue_title",
            "target_value",
            "result_value",
            "achieved",
            "score",
            "percent_of_target",
            "completed_on_time",
            "comment",
            "evaluator",
            "evaluator_name",
            *TAIL,
        ]
        read_only_fields = [name for name in fields if name != "comment"]


class EvaluationPrepareSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.filter(kind__in=["H1", "YEAR"]),
        help_text=gettext_lazy("รอบ 6 เดือนหรือรอบ 12 เดือน (id ของรอบการรายงาน)"),
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        help_text=gettext_lazy("หน่วยงาน (id): ประเมินแผนของหน่วยงานนี้และหน่วยงานภายใต้"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            field = self.fields["unit"]
            field.queryset = OrgUnit.objects.restrict(user, Action.VIEW)  # type: ignore[attr-defined]


class EvaluationRunSerializer(serializers.Serializer):
    created = serializers.IntegerField(read_only=True)
    updated = serializers.IntegerField(read_only=True)


# Filters ------------------------------------------------------------------------------------
# As in the other apps: fiscal_year is a BE year, unit takes a unit's whole subtree (by the
# rows' copied paths), project an id (any version of it: reports follow the project's lineage)
# or the lineage itself.


def fiscal_year_filter(field_name: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=gettext_lazy("ปีงบประมาณ (พ.ศ.) เช่น 2561"), field_name=field_name
    )


def kind_filter(field_name: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=gettext_lazy("รอบ (Q1–Q4, H1, YEAR)"),
        field_name=field_name,
        choices=ReportingPeriod.Kind.choices,
    )


class ReportingPeriodFilterSet(django_filters.FilterSet):
    fiscal_year = fiscal_year_filter("fiscal_year__year")
    kind = kind_filter("kind")

    class Meta:
        model = ReportingPeriod
        fields = ["fiscal_year", "kind"]


class ProgressReportFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["project__code", "project__name", "summary"])
    fiscal_year = fiscal_year_filter("period__fiscal_year__year")
    period = id_filter(gettext_lazy("รอบการรายงาน (id)"), "period_id")
    kind = kind_filter("period__kind")
    unit = unit_filter("unit_path")
    plan_unit = unit_filter("plan_unit_path")
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id ของฉบับใดก็ได้ หรือ lineage)"), field_name="project_lineage"
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะรายงาน"), choices=ProgressReport.State.choices
    )
    progress_status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะการดำเนินงาน"), choices=ProgressStatus.choices
    )
    is_late = django_filters.BooleanFilter(label=gettext_lazy("ส่งล่าช้า"))

    class Meta:
        model = ProgressReport
        fields = [
            "q",
            "fiscal_year",
            "period",
            "kind",
            "unit",
            "plan_unit",
            "project",
            "state",
            "progress_status",
            "is_late",
        ]


class ActivityProgressFilterSet(django_filters.FilterSet):
    report = id_filter(gettext_lazy("รายงานความก้าวหน้า (id)"), "report_id")
    activity = id_filter(gettext_lazy("กิจกรรม (id)"), "activity_id")
    progress_status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะ"), field_name="status", choices=ProgressStatus.choices
    )

    class Meta:
        model = ActivityProgress
        fields = ["report", "activity", "progress_status"]


class IndicatorResultFilterSet(django_filters.FilterSet):
    fiscal_year = fiscal_year_filter("period__fiscal_year__year")
    period = id_filter(gettext_lazy("รอบการรายงาน (id)"), "period_id")
    kind = kind_filter("period__kind")
    unit = unit_filter("unit_path")
    plan_unit = unit_filter("plan_unit_path")
    report = id_filter(gettext_lazy("รายงานความก้าวหน้า (id)"), "report_id")
    indicator = id_filter(gettext_lazy("ตัวชี้วัด (id)"), "indicator_id")
    strategic_issue = id_filter(gettext_lazy("ประเด็นยุทธศาสตร์ (id)"), "strategic_issue_id")
    achieved = django_filters.BooleanFilter(label=gettext_lazy("บรรลุค่าเป้าหมาย"))

    class Meta:
        model = IndicatorResult
        fields = [
            "fiscal_year",
            "period",
            "kind",
            "unit",
            "plan_unit",
            "report",
            "indicator",
            "strategic_issue",
            "achieved",
        ]


class ProblemFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["description", "cause"])
    fiscal_year = fiscal_year_filter("report__period__fiscal_year__year")
    period = id_filter(gettext_lazy("รอบการรายงาน (id)"), "report__period_id")
    unit = unit_filter("report__unit_path")
    report = id_filter(gettext_lazy("รายงานความก้าวหน้า (id)"), "report_id")
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id ของฉบับใดก็ได้ หรือ lineage)"),
        field_name="report__project_lineage",
    )
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("ประเภทปัญหา"), choices=Problem.Category.choices
    )

    class Meta:
        model = Problem
        fields = ["q", "fiscal_year", "period", "unit", "report", "project", "category"]


class CorrectiveActionFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["description", "owner_name", "result_note"])
    fiscal_year = fiscal_year_filter("problem__report__period__fiscal_year__year")
    unit = unit_filter("unit_path")
    problem = id_filter(gettext_lazy("ปัญหาอุปสรรค (id)"), "problem_id")
    report = id_filter(gettext_lazy("รายงานความก้าวหน้า (id) ที่บันทึกปัญหา"), "problem__report_id")
    project = ProjectFilter(
        label=gettext_lazy("โครงการ (id ของฉบับใดก็ได้ หรือ lineage)"), field_name="project_lineage"
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("สถานะ"), choices=CorrectiveAction.Status.choices
    )
    is_open = django_filters.BooleanFilter(
        label=gettext_lazy("true = เฉพาะที่ยังไม่ปิด"), method="filter_is_open"
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("true = ยังไม่ปิดและเลยกำหนดแล้วเสร็จ"), method="filter_overdue"
    )

    class Meta:
        model = CorrectiveAction
        fields = [
            "q",
            "fiscal_year",
            "unit",
            "problem",
            "report",
            "project",
            "status",
            "is_open",
            "overdue",
        ]

    def filter_is_open(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        open_ = Q(status__in=CorrectiveAction.OPEN_STATUSES)
        return qs.filter(open_) if value else qs.exclude(open_)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        overdue = Q(status__in=CorrectiveAction.OPEN_STATUSES, due_on__lt=services.today())
        return qs.filter(overdue) if value else qs.exclude(overdue)


class EvaluationFilterSet(django_filters.FilterSet):
    fiscal_year = fiscal_year_filter("period__fiscal_year__year")
    period = id_filter(gettext_lazy("รอบการประเมิน (id)"), "period_id")
    kind = kind_filter("period__kind")
    unit = unit_filter("unit_path")
    plan_unit = unit_filter("plan_unit_path")
    subject = django_filters.ChoiceFilter(
        label=gettext_lazy("indicator = เฉพาะตัวชี้วัด, project = เฉพาะโครงการ"),
        choices=[("indicator", gettext_lazy("ตัวชี้วัด")), ("project", gettext_lazy("โครงการ"))],
        method="filter_subject",
    )
    strategic_issue = id_filter(gettext_lazy("ประเด็นยุทธศาสตร์ (id)"), "strategic_issue_id")
    achieved = django_filters.BooleanFilter(label=gettext_lazy("บรรลุค่าเป้าหมาย"))

    class Meta:
        model = Evaluation
        fields = [
            "fiscal_year",
            "period",
            "kind",
            "unit",
            "plan_unit",
            "subject",
            "strategic_issue",
            "achieved",
        ]

    def filter_subject(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{value}__isnull": False})


# Viewsets -----------------------------------------------------------------------------------


class ReportingPeriodViewSet(PolicyViewSet):
    """รอบการรายงาน: generated with each fiscal year (Q1–Q4, H1, YEAR); planners at a top-level
    unit change the opening, due and lock dates. Units' own dates are set on the pages."""

    queryset = ReportingPeriod.objects.select_related("fiscal_year")
    serializer_class = ReportingPeriodSerializer
    filterset_class = ReportingPeriodFilterSet
    ordering_fields = ["due_on", "ends_on"]
    ordering = ["-fiscal_year__year", "ends_on", "-starts_on"]
    http_method_names = ["get", "put", "patch", "head", "options"]
    update_service = staticmethod(services.period_update)


REPORT_JOINS = (
    "project",
    "period__fiscal_year",
    "unit",
    "submitted_by",
    "decided_by",
)


class ProgressReportViewSet(PolicyViewSet):
    """รายงานความก้าวหน้ารายไตรมาส: one per project per quarter, written by the lead unit's
    reporters while a draft or returned, then submitted, returned or approved (and reopened)
    by approvers of the lead unit or above.

    POST with ``project`` and ``period`` starts the draft (with a line per activity); the
    activities are changed through /api/v1/activity-progress/.
    """

    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    ordering_fields = ["submitted_at", "updated_at", "unit_path", "percent_complete"]
    ordering = ["-period__ends_on", "unit_path", "project_id", "pk"]
    update_service = staticmethod(services.report_update)
    ACTIONS = {
        **PolicyViewSet.ACTIONS,
        "submit": Action.CHANGE,
        "return_report": APPROVE,
        "approve": APPROVE,
        "reopen": APPROVE,
    }

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            lines = ActivityProgress.objects.select_related("activity").order_by("pk")
            queryset = queryset.prefetch_related(Prefetch("activity_progress", queryset=lines))
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return ProgressReportDetailSerializer
        return ProgressReportSerializer

    @transaction.atomic
    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        report = services.report_start(
            actor=self.actor, project=data["project"], period=data["period"]
        )
        changes = {
            name: data[name]
            for name in services.REPORT_FIELDS
            if name in data and data[name] != getattr(report, name)
        }
        if changes:
            for name, value in changes.items():
                setattr(report, name, value)
            report = services.report_update(
                actor=self.actor, instance=report, expected_version=report.version
            )
        serializer.instance = self._fresh(report)

    def perform_destroy(self, instance: ProgressReport) -> None:
        raw = self.request.headers.get("If-Match", "").strip('"')
        services.report_delete(
            actor=self.actor,
            report=instance,
            expected_version=int(raw) if raw.isdigit() else None,
            reason=self._reason(),
        )

    def _fresh(self, report: ProgressReport) -> ProgressReport:
        fresh: ProgressReport = self.queryset.get(pk=report.pk)
        return fresh

    def _decide(
        self,
        request: Request,
        serializer: type[serializers.Serializer[Any]],
        service: Callable[..., ProgressReport],
        argument: str,
    ) -> Response:
        """A step of the workflow: the report in scope, the step's text checked, the service."""
        report = self.get_object()
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = service(
            actor=self.actor,
            report=report,
            expected_version=self._expected_version(),
            **{argument: data.validated_data[argument]},
        )
        return self._answer(decided)

    def _answer(self, report: ProgressReport) -> Response:
        return Response(
            ProgressReportSerializer(
                self._fresh(report), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        summary=gettext_lazy("ส่งรายงาน (หรือส่งอีกครั้งหลังแก้ไข) ให้ผู้อนุมัติ"),
        request=CommentSerializer,
        responses=ProgressReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, CommentSerializer, services.report_submit, "comment")

    @extend_schema(
        summary=gettext_lazy("ส่งรายงานกลับให้แก้ไข (ผู้อนุมัติ; ต้องระบุสิ่งที่ต้องแก้ไข)"),
        request=ReturnSerializer,
        responses=ProgressReportSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, ReturnSerializer, services.report_return, "comment")

    @extend_schema(
        summary=gettext_lazy("อนุมัติรายงาน (ผู้อนุมัติ) รายงานที่อนุมัติแล้วถูกล็อก"),
        request=CommentSerializer,
        responses=ProgressReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, CommentSerializer, services.report_approve, "comment")

    @extend_schema(
        summary=gettext_lazy("เปิดรายงานที่อนุมัติแล้วให้แก้ไขใหม่ (ผู้อนุมัติ; ต้องระบุเหตุผล)"),
        request=ReopenSerializer,
        responses=ProgressReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, ReopenSerializer, services.report_reopen, "reason")


class ActivityProgressViewSet(PolicyViewSet):
    """ความก้าวหน้ารายกิจกรรม: the lines a report is started with (one per activity); change a
    line's status, percent, actual dates and note while the report may be written."""

    queryset = ActivityProgress.objects.select_related("activity", "report__period__fiscal_year")
    serializer_class = ActivityProgressSerializer
    filterset_class = ActivityProgressFilterSet
    ordering_fields = ["report_id", "pk"]
    ordering = ["report_id", "pk"]
    http_method_names = ["get", "put", "patch", "head", "options"]
    update_service = staticmethod(services.activity_progress_update)


class IndicatorResultViewSet(PolicyViewSet):
    """ผลตัวชี้วัด: a project indicator's result in its project's quarterly report, or a goal
    indicator's result of any period; scored against the plan's target of the period (a period
    without a target takes no result)."""

    queryset = IndicatorResult.objects.select_related("indicator", "period__fiscal_year")
    serializer_class = IndicatorResultSerializer
    filterset_class = IndicatorResultFilterSet
    ordering_fields = ["updated_at", "score"]
    ordering = ["-period__ends_on", "indicator_id", "pk"]
    create_service = staticmethod(services.result_record)
    update_service = staticmethod(services.result_update)
    delete_service = staticmethod(services.result_delete)


class ProblemViewSet(PolicyViewSet):
    """ปัญหาอุปสรรค of a report, each with a category and cause (its corrective actions are
    at /api/v1/corrective-actions/?problem=<id>)."""

    queryset = Problem.objects.select_related("report__period__fiscal_year")
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    ordering_fields = ["updated_at"]
    ordering = ["report_id", "pk"]
    create_service = staticmethod(services.problem_create)
    update_service = staticmethod(services.problem_update)
    delete_service = staticmethod(services.problem_delete)


class CorrectiveActionViewSet(PolicyViewSet):
    """แนวทางแก้ไข: an owner and a due date for a problem. Open actions are followed in the
    project's later quarterly reports (``via_report``) until done or cancelled."""

    queryset = CorrectiveAction.objects.select_related("problem", "owner_unit")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    ordering_fields = ["due_on", "updated_at"]
    ordering = ["due_on", "pk"]
    create_service = staticmethod(services.corrective_action_create)
    delete_service = staticmethod(services.corrective_action_delete)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.validated_data.pop("via_report", None)
        super().perform_create(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        expected_version = self._expected_version()
        data = dict(serializer.validated_data)
        via_report = data.pop("via_report", None)
        instance: CorrectiveAction = serializer.instance  # type: ignore[assignment]
        for name, value in data.items():
            setattr(instance, name, value)
        serializer.instance = services.corrective_action_update(
            actor=self.actor,
            instance=instance,
            expected_version=expected_version,
            via_report=via_report,
            reason=self._reason(),
        )


class EvaluationViewSet(PolicyViewSet):
    """การประเมินผลรอบ 6 และ 12 เดือน of each indicator and project: made (and refreshed) by
    ``prepare`` for a unit's plans; the evaluator writes the ``comment``."""

    queryset = Evaluation.objects.select_related(
        "period__fiscal_year", "indicator", "project", "strategic_issue", "evaluator"
    )
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    ordering_fields = ["score", "updated_at"]
    ordering = ["period_id", "plan_unit_path", "indicator_id", "project_id", "pk"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(exclude=True)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(
            request.method or "POST",
            detail=_("การประเมินผลจัดทำด้วย POST /api/v1/evaluations/prepare/ สำหรับรอบและหน่วยงาน"),
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        expected_version = self._expected_version()
        serializer.instance = services.evaluation_comment(
            actor=self.actor,
            evaluation=serializer.instance,  # type: ignore[arg-type]
            expected_version=expected_version,
            comment=serializer.validated_data.get(
                "comment",
                serializer.instance.comment,  # type: ignore[union-attr]
            ),
        )

    @extend_schema(
        summary=gettext_lazy(
            "จัดทำ (หรือปรับปรุง) การประเมินผลของตัวชี้วัดและโครงการในแผนของหน่วยงานและหน่วยงานภายใต้"
        ),
        request=EvaluationPrepareSerializer,
        responses=EvaluationRunSerializer,
    )
    @action(detail=False, methods=["post"])
    def prepare(self, request: Request) -> Response:
        data = EvaluationPrepareSerializer(data=request.data, user=self.actor)
        data.is_valid(raise_exception=True)
        run = services.evaluation_prepare(
            actor=self.actor,
            period=data.validated_data["period"],
            unit=data.validated_data["unit"],
        )
        return Response(
            EvaluationRunSerializer({"created": run.created, "updated": run.updated}).data,
            status=status.HTTP_200_OK,
        )
