"""Forms of a report's parts: indicator results, problems, corrective actions, evidence and
contributions, and the filters of the corrective-action list.

The forms only read input (Thai digits and BE dates accepted); every change goes through
``phaen.monitoring.services``, whose Thai refusals the views show on the form.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action, covering_paths, user_grants
from phaen.core.forms import ScopedModelForm
from phaen.monitoring import evidence as evidence_files
from phaen.monitoring.models import (
    REPORT_WRITERS,
    Contribution,
    CorrectiveAction,
    IndicatorResult,
    Problem,
    ProgressReport,
)
from phaen.orgs.forms import UnitChoiceField
from phaen.orgs.models import OrgUnit
from phaen.plans.filters import SubtreeFilter, fiscal_years, with_visible_ancestors
from phaen.plans.forms import plain_number
from phaen.plans.models import Indicator, ProjectOwner
from phaen.thai.forms import ThaiDateField


def _evidence_help() -> str:
    return str(
        _("รับเฉพาะไฟล์ %(types)s ขนาดไม่เกิน %(size)s MB")
        % {
            "types": evidence_files.allowed_types_text(),
            "size": evidence_files.max_bytes() // (1024 * 1024),
        }
    )


class EvidenceFields:
    """A file or a link, with its title (the service checks the file and the link); mixed
    into a form."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    #: Prefix of the field names when the fields sit inside another form (the result form).
    field_prefix = ""
    title_required = True

    def add_evidence_fields(self) -> None:
        prefix = self.field_prefix
        self.fields[f"{prefix}title"] = forms.CharField(
            label=_("ชื่อหลักฐาน"),
            max_length=255,
            required=self.title_required,
            help_text=_("เช่น ภาพกิจกรรม รายชื่อผู้เข้าอบรม สรุปผลการประเมิน"),
        )
        self.fields[f"{prefix}file"] = forms.FileField(
            label=_("ไฟล์หลักฐาน"), required=False, help_text=_evidence_help()
        )
        self.fields[f"{prefix}url"] = forms.CharField(
            label=_("หรือลิงก์"),
            max_length=1000,
            required=False,
            help_text=_("ที่อยู่เว็บที่ขึ้นต้นด้วย http:// หรือ https:// เช่น อัลบั้มภาพ เอกสารออนไลน์"),
        )

    def evidence_given(self) -> bool:
        prefix = self.field_prefix
        data = self.cleaned_data
        return bool(data.get(f"{prefix}file") or (data.get(f"{prefix}url") or "").strip()) or bool(
            (data.get(f"{prefix}title") or "").strip()
        )

    def evidence_arguments(self) -> dict[str, Any]:
        """The arguments of ``services.evidence_add`` (besides actor and parent)."""
        prefix = self.field_prefix
        data = self.cleaned_data
        return {
            "title": data.get(f"{prefix}title") or "",
            "upload": data.get(f"{prefix}file") or None,
            "url": data.get(f"{prefix}url") or "",
        }

    def evidence_field(self, service_field: str | None) -> str | None:
        """The form field of a service error's field ("file", "url", "title")."""
        if service_field in ("file", "url", "title"):
            return f"{self.field_prefix}{service_field}"
        return None


class EvidenceForm(EvidenceFields, forms.Form):
    """Attach a file or a link to a report or to an indicator result."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_evidence_fields()


# Indicator results ---------------------------------------------------------------------------


def measured_by_default(indicator: Indicator) -> str:
    """Who measures the indicator, from its KPI sheet (the evaluator, else the unit)."""
    if indicator.evaluator_person:
        return indicator.evaluator_person[:200]
    return str(indicator.evaluator_unit)[:200] if indicator.evaluator_unit_id else ""


class IndicatorResultForm(EvidenceFields, ScopedModelForm):
    """An indicator's result in the report's quarter; evidence may be attached at once."""

    field_prefix = "evidence_"
    title_required = False

    class Meta(ScopedModelForm.Meta):
        model = IndicatorResult
        fields = ["actual_value", "note", "measured_by", "method"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "actual_value": _("พิมพ์ตัวเลขไทยหรืออารบิกก็ได้ เช่น ๔๕ หรือ 45.5"),
            "measured_by": _("ค่าเริ่มต้นจากผู้ประเมินในรายละเอียดตัวชี้วัด"),
            "method": _("ค่าเริ่มต้นจากวิธีการเก็บข้อมูลในรายละเอียดตัวชี้วัด"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.actual_value is not None:
            # 274.0000 as stored is shown as 274 (as on the report page).
            self.initial["actual_value"] = plain_number(self.instance.actual_value)
        if self.instance.pk is None:
            self.add_evidence_fields()
            self.fields["evidence_title"].help_text = _(
                "ไม่บังคับ: แนบไฟล์หรือลิงก์หลักฐานพร้อมกับผลได้เลย (แนบเพิ่มภายหลังได้)"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "evidence_title" in self.fields and self.evidence_given():
            has_source = cleaned.get("evidence_file") or (cleaned.get("evidence_url") or "").strip()
            if not has_source:
                self.add_error("evidence_file", _("แนบไฟล์หรือระบุลิงก์ของหลักฐาน"))
            elif not (cleaned.get("evidence_title") or "").strip():
                self.add_error("evidence_title", _("กรุณาระบุชื่อหลักฐาน"))
        return cleaned


# Problems and corrective actions -------------------------------------------------------------


class ProblemForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Problem
        fields = ["category", "description", "cause"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
        }


class CorrectiveActionForm(ScopedModelForm):
    """An action from its own report: everything but the bookkeeping."""

    owner_unit = UnitChoiceField(
        for_model=OrgUnit, action=Action.VIEW, required=False, label=_("หน่วยงานที่รับผิดชอบ")
    )

    class Meta(ScopedModelForm.Meta):
        model = CorrectiveAction
        fields = [
            "description",
            "owner_name",
            "owner_unit",
            "due_on",
            "status",
            "done_on",
            "result_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "result_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "due_on": _("พิมพ์เป็น พ.ศ. หรือ ค.ศ. ก็ได้ เช่น 31/3/2561"),
            "done_on": _("เว้นว่างได้ เมื่อเลือกสถานะ “แก้ไขแล้ว” ระบบใส่วันนี้ให้"),
        }


class CarriedActionForm(ScopedModelForm):
    """An earlier quarter's open action, followed up from a later report: its progress only."""

    class Meta(ScopedModelForm.Meta):
        model = CorrectiveAction
        fields = ["status", "due_on", "done_on", "result_note"]
        widgets = {"result_note": forms.Textarea(attrs={"rows": 2})}


class CorrectiveActionCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(
        label=_("ปิดด้วยสถานะ"),
        choices=[
            (CorrectiveAction.Status.DONE, CorrectiveAction.Status.DONE.label),
            (CorrectiveAction.Status.CANCELLED, CorrectiveAction.Status.CANCELLED.label),
        ],
        initial=CorrectiveAction.Status.DONE,
    )
    done_on = ThaiDateField(
        label=_("แก้ไขแล้วเสร็จเมื่อ"),
        required=False,
        help_text=_("เว้นว่างได้ ระบบใส่วันนี้ให้ (ไม่ใช้เมื่อยกเลิก)"),
    )
    result_note = forms.CharField(
        label=_("ผลการแก้ไข"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _action_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units whose corrective actions the user may see, and the units above them."""
    actions = CorrectiveAction.objects.restrict(getattr(request, "user", None), Action.VIEW)
    units = OrgUnit.objects.filter(path__in=actions.values("unit_path"))
    return with_visible_ancestors(request, units)


class CorrectiveActionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("สถานะ"), choices=CorrectiveAction.Status.choices, empty_label=_("ทุกสถานะ")
    )
    overdue = django_filters.BooleanFilter(
        label=_("เลยกำหนดแล้วเสร็จ"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[("", _("ทั้งหมด")), ("true", _("เลยกำหนด")), ("false", _("ไม่เลยกำหนด"))]
        ),
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=_action_units, path_field="unit_path"
    )
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="problem__report__period__fiscal_year",
    )

    class Meta:
        model = CorrectiveAction
        fields = ["status", "overdue", "unit", "fiscal_year"]

    def filter_overdue(
        self, qs: QuerySet[CorrectiveAction], name: str, value: bool | None
    ) -> QuerySet[CorrectiveAction]:
        if value is None:
            return qs
        overdue = Q(status__in=CorrectiveAction.OPEN_STATUSES, due_on__lt=timezone.localdate())
        return qs.filter(overdue) if value else qs.exclude(overdue)


# Contributions -------------------------------------------------------------------------------


def contributing_units(user: Any, report: ProgressReport) -> QuerySet[OrgUnit]:
    """The project's co-owners and supporters in whose name the user writes."""
    partners = OrgUnit.objects.filter(
        pk__in=ProjectOwner.objects.filter(project_id=report.project_id).values("unit_id")
    ).order_by("path")
    if user.is_superuser:
        return partners
    paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in REPORT_WRITERS)
    if not paths:
        return partners.none()
    return partners.filter(Q.create([("path__startswith", path) for path in paths], Q.OR))


class ContributionForm(ScopedModelForm):
    """What a co-owner or supporter did for the project in the quarter."""

    class Meta(ScopedModelForm.Meta):
        model = Contribution
        fields = ["unit", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, report: ProgressReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
        else:
            field = self.fields["unit"]
            field.queryset = contributing_units(self.actor, report)  # type: ignore[attr-defined]
            field.label = _("ในนามของหน่วยงาน")
