"""Forms and filters of the half-year and annual evaluations (การประเมินผลรอบ 6 และ 12 เดือน)
and of the lessons learned (บทเรียนที่ได้รับ)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action
from phaen.core.filters import SearchFilter
from phaen.core.forms import ScopedModelForm
from phaen.monitoring.models import Evaluation, LessonLearned, ReportingPeriod
from phaen.monitoring.selectors import current_settled_versions
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import (
    SubtreeFilter,
    fiscal_years,
    selected_year_default,
    with_defaults,
    with_visible_ancestors,
)
from phaen.plans.models import FiscalYear, Project, StrategicIssue

EVALUATION_KINDS = (
    (ReportingPeriod.Kind.H1.value, ReportingPeriod.Kind.H1.label),
    (ReportingPeriod.Kind.YEAR.value, ReportingPeriod.Kind.YEAR.label),
)
SUBJECTS = (("indicator", _("ตัวชี้วัด")), ("project", _("โครงการ")))


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def evaluation_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units owning an evaluation the user may see (or whose plan has one), and those above."""
    rows = Evaluation.objects.restrict(_user(request), Action.VIEW)
    owners = OrgUnit.objects.filter(
        Q(path__in=rows.values("unit_path")) | Q(path__in=rows.values("plan_unit_path"))
    )
    return with_visible_ancestors(request, owners)


def lesson_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    rows = LessonLearned.objects.restrict(_user(request), Action.VIEW)
    return with_visible_ancestors(
        request, OrgUnit.objects.filter(path__in=rows.values("unit_path"))
    )


class UnitOrPlanFilter(SubtreeFilter):
    """Evaluations of a unit's subtree: owned there, or of a plan of a unit there."""

    def filter(self, qs: QuerySet[Any], value: OrgUnit | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(
            Q(unit_path__startswith=value.path) | Q(plan_unit_path__startswith=value.path)
        )


class EvaluationFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="period__fiscal_year",
    )
    kind = django_filters.ChoiceFilter(
        label=_("รอบการประเมิน"),
        choices=EVALUATION_KINDS,
        field_name="period__kind",
        empty_label=_("ทุกรอบ"),
    )
    unit = UnitOrPlanFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=evaluation_units, path_field="unit_path"
    )
    subject = django_filters.ChoiceFilter(
        label=_("ประเมิน"), choices=SUBJECTS, method="filter_subject", empty_label=_("ทั้งหมด")
    )
    q = SearchFilter(
        label=_("ค้นหาชื่อตัวชี้วัดหรือโครงการ"),
        fields=["indicator__name", "project__name", "project__code"],
    )

    class Meta:
        model = Evaluation
        fields = ["fiscal_year", "kind", "unit", "subject", "q"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)

    def filter_subject(
        self, queryset: QuerySet[Evaluation], name: str, value: str
    ) -> QuerySet[Evaluation]:
        if value == "indicator":
            return queryset.filter(indicator__isnull=False)
        if value == "project":
            return queryset.filter(project__isnull=False)
        return queryset


class LessonLearnedFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"), queryset=fiscal_years, to_field_name="year"
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=lesson_units, path_field="unit_path"
    )
    q = SearchFilter(label=_("ค้นหาเรื่องหรือบทเรียน"), fields=["topic", "lesson", "recommendation"])

    class Meta:
        model = LessonLearned
        fields = ["fiscal_year", "unit", "q"]


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class IssueChoiceField(forms.ModelChoiceField):
    """Strategic issues named with their plan's unit (issues of several plans are offered)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.plan_version.plan.unit})"


class EvaluationPrepareForm(forms.Form):
    """Prepare (or refresh) the evaluation of a half year or year for a unit and those below."""

    period = PeriodChoiceField(
        label=_("รอบการประเมิน"),
        queryset=ReportingPeriod.objects.none(),
        error_messages={"invalid_choice": _("กรุณาเลือกรอบ 6 เดือนหรือรอบ 12 เดือน")},
    )
    unit = UnitChoiceField(
        for_model=Evaluation,
        action=Action.ADD,
        label=_("หน่วยงาน"),
        help_text=_("ประเมินตัวชี้วัดและโครงการของแผนหน่วยงานนี้และหน่วยงานภายใต้"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        period_field: forms.ModelChoiceField = self.fields["period"]  # type: ignore[assignment]
        period_field.queryset = (
            ReportingPeriod.objects.restrict(user, Action.VIEW)
            .filter(kind__in=[kind for kind, _label in EVALUATION_KINDS])
            .select_related("fiscal_year")
            .order_by("-fiscal_year__year", "ends_on")
        )


class EvaluationCommentForm(forms.Form):
    """The evaluator's comment (an empty comment clears it)."""

    comment = forms.CharField(
        label=_("ความเห็นของผู้ประเมิน"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LessonLearnedForm(ScopedModelForm):
    unit = UnitChoiceField(for_model=LessonLearned, action=Action.ADD, label=_("หน่วยงาน"))
    strategic_issue = IssueChoiceField(
        label=_("ประเด็นยุทธศาสตร์"),
        queryset=StrategicIssue.objects.none(),
        required=False,
        help_text=_("ไม่บังคับ: ประเด็นยุทธศาสตร์ในแผนของปีงบประมาณเดียวกัน"),
    )

    class Meta(ScopedModelForm.Meta):
        model = LessonLearned
        fields = [
            "fiscal_year",
            "unit",
            "project",
            "strategic_issue",
            "topic",
            "lesson",
            "recommendation",
        ]
        widgets = {
            "lesson": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "project": _("ไม่บังคับ: โครงการในแผนฉบับปัจจุบันของปีงบประมาณเดียวกัน"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fiscal_year_field: forms.ModelChoiceField = self.fields["fiscal_year"]  # type: ignore[assignment]
        fiscal_year_field.queryset = fiscal_year_field.queryset.order_by("-year")  # type: ignore[union-attr]
        project_field: forms.ModelChoiceField = self.fields["project"]  # type: ignore[assignment]
        issue_field: forms.ModelChoiceField = self.fields["strategic_issue"]  # type: ignore[assignment]
        years = FiscalYear.objects.filter(is_open=True).values_list("pk", flat=True)
        current = [
            version
            for year in years
            for version in current_settled_versions(year).values_list("pk", flat=True)
        ]
        if self.instance.project_id:
            current.append(self.instance.project.plan_version_id)
        if self.instance.strategic_issue_id:
            current.append(self.instance.strategic_issue.plan_version_id)
        project_field.queryset = (
            Project.objects.restrict(self.actor, Action.VIEW)
            .filter(plan_version__in=current)
            .order_by("code", "pk")
        )
        issue_field.queryset = (
            StrategicIssue.objects.restrict(self.actor, Action.VIEW)
            .filter(plan_version__in=current)
            .select_related("plan_version__plan__unit")
            .order_by("plan_version__plan__unit__path", "number")
        )
