"""Forms and filters of the progress report pages (views/reports.py): the report list's filters,
the report header, an activity's progress, the workflow steps and bulk approval."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action
from phaen.core.forms import ScopedModelForm
from phaen.monitoring.models import ActivityProgress, ProgressReport, ProgressStatus
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import (
    SubtreeFilter,
    fiscal_years,
    selected_year_default,
    with_defaults,
    with_visible_ancestors,
)

QUARTER_CHOICES = (
    ("Q1", _("ไตรมาสที่ 1")),
    ("Q2", _("ไตรมาสที่ 2")),
    ("Q3", _("ไตรมาสที่ 3")),
    ("Q4", _("ไตรมาสที่ 4")),
)


def report_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units whose reports the user may see, and the units above them."""
    reports = ProgressReport.objects.restrict(getattr(request, "user", None), Action.VIEW)
    units = OrgUnit.objects.filter(path__in=reports.values("unit_path"))
    return with_visible_ancestors(request, units)


class ProgressReportFilterSet(django_filters.FilterSet):
    """รายงานความก้าวหน้า: by fiscal year (the header's when opened without filters), quarter,
    reporting unit (and the units below it) and state."""

    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="period__fiscal_year",
    )
    period = django_filters.ChoiceFilter(
        label=_("ไตรมาส"), choices=QUARTER_CHOICES, field_name="period__kind"
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=report_units, path_field="unit_path"
    )
    state = django_filters.ChoiceFilter(
        label=_("สถานะรายงาน"), choices=ProgressReport.State.choices
    )
    progress_status = django_filters.ChoiceFilter(
        label=_("สถานะการดำเนินงาน"), choices=ProgressStatus.choices
    )

    class Meta:
        model = ProgressReport
        fields = ["fiscal_year", "period", "unit", "state", "progress_status"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)


class ProgressReportForm(ScopedModelForm):
    """The report header: status, percent complete, outputs and results (a draft or returned
    report; the version refuses stale edits)."""

    class Meta(ScopedModelForm.Meta):
        model = ProgressReport
        fields = ["progress_status", "percent_complete", "outputs", "summary"]
        widgets = {
            "outputs": forms.Textarea(attrs={"rows": 4}),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "percent_complete": _("0–100 ถ้าสถานะเป็นเสร็จสิ้น ต้องเป็น 100"),
            "summary": _("ถ้าโครงการเลื่อนหรือยกเลิก ให้ระบุเหตุผลไว้ที่นี่"),
        }


class ActivityProgressForm(ScopedModelForm):
    """One activity's status, percent complete, actual dates and note."""

    class Meta(ScopedModelForm.Meta):
        model = ActivityProgress
        fields = ["status", "percent_complete", "actual_start", "actual_end", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "percent_complete": _("เว้นว่างได้ ถ้าสถานะเป็นเสร็จสิ้น ระบบจะบันทึกเป็น 100"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        status.choices = [("", _("– ยังไม่ระบุ –")), *ProgressStatus.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("actual_start"), cleaned.get("actual_end")
        if start and end and end < start:
            self.add_error("actual_end", _("วันที่เสร็จจริงต้องไม่ก่อนวันที่เริ่มจริง"))
        return cleaned


class WorkflowForm(forms.Form):
    """A workflow step (submit, approve): the version the user saw and an optional comment."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("ความเห็น (ไม่บังคับ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(WorkflowForm):
    comment = forms.CharField(
        label=_("สิ่งที่ต้องแก้ไข"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาระบุสิ่งที่ต้องแก้ไขเมื่อส่งรายงานกลับ")},
    )


class ReopenForm(WorkflowForm):
    comment = forms.CharField(
        label=_("เหตุผลที่เปิดแก้ไขใหม่"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาระบุเหตุผลที่เปิดรายงานให้แก้ไขใหม่")},
    )


class BulkApproveForm(forms.Form):
    """The reports ticked on the bulk approval page (each with the version shown)."""

    reports = forms.TypedMultipleChoiceField(
        label=_("รายงานที่จะอนุมัติ"),
        coerce=int,
        error_messages={
            "required": _("กรุณาเลือกรายงานที่จะอนุมัติอย่างน้อยหนึ่งรายงาน"),
            "invalid_choice": _("รายงานที่เลือกไม่อยู่ในรายการที่รอคุณอนุมัติ (อาจถูกพิจารณาไปแล้ว)"),
        },
    )
    comment = forms.CharField(
        label=_("ความเห็น (ไม่บังคับ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = [(pk, str(pk)) for pk in choices]  # type: ignore[attr-defined]
