"""Forms of the reporting periods, their per-unit deadlines and late-entry permissions, and the
pickers of the compliance board, the quarterly overview and the สงป. 302 form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action
from phaen.core.forms import ScopedModelForm
from phaen.monitoring.models import (
    LateEntryException,
    PeriodDeadline,
    ProgressReport,
    ReportingPeriod,
)
from phaen.orgs.forms import UnitChoiceField
from phaen.thai.forms import ThaiDateField


class ReportingPeriodForm(ScopedModelForm):
    """The dates of a period a planner may change (the days it covers never change)."""

    class Meta(ScopedModelForm.Meta):
        model = ReportingPeriod
        fields = ["opens_on", "due_on", "locks_on"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_on, due_on, locks_on = (
            cleaned.get("opens_on"),
            cleaned.get("due_on"),
            cleaned.get("locks_on"),
        )
        if opens_on and due_on and due_on < opens_on:
            self.add_error("due_on", _("กำหนดส่งรายงานต้องไม่ก่อนวันที่เปิดให้รายงาน"))
        if due_on and locks_on and locks_on < due_on:
            self.add_error("locks_on", _("วันปิดรับรายงานต้องไม่ก่อนกำหนดส่งรายงาน"))
        return cleaned


class PeriodDeadlineForm(forms.Form):
    """A unit's own due and lock dates for one period (setting them again changes them)."""

    unit = UnitChoiceField(
        for_model=PeriodDeadline,
        action=Action.ADD,
        label=gettext_lazy("หน่วยงาน"),
        help_text=gettext_lazy("หน่วยงานในสังกัดทั้งหมดใช้กำหนดนี้ด้วย เว้นแต่มีกำหนดของตนเอง"),
    )
    due_on = ThaiDateField(label=gettext_lazy("กำหนดส่งรายงาน"))
    locks_on = ThaiDateField(label=gettext_lazy("ปิดรับรายงานหลังวันที่"))
    reason = forms.CharField(
        label=gettext_lazy("เหตุผลของการเปลี่ยนแปลง"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("บันทึกไว้ในประวัติการเปลี่ยนแปลง (ไม่บังคับ)"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        due_on, locks_on = cleaned.get("due_on"), cleaned.get("locks_on")
        if due_on and locks_on and locks_on < due_on:
            self.add_error("locks_on", _("วันปิดรับรายงานต้องไม่ก่อนกำหนดส่งรายงาน"))
        return cleaned


class LateEntryGrantForm(forms.Form):
    """Let a unit (and the units below it) write a period's reports after the lock date."""

    unit = UnitChoiceField(
        for_model=LateEntryException,
        action=Action.ADD,
        label=gettext_lazy("หน่วยงาน"),
        help_text=gettext_lazy("หน่วยงานในสังกัดได้รับอนุญาตด้วย"),
    )
    until = ThaiDateField(label=gettext_lazy("รายงานได้ถึงวันที่"))
    reason = forms.CharField(
        label=gettext_lazy("เหตุผล"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("กรุณาระบุเหตุผลที่อนุญาตให้รายงานล่าช้า")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)


class LateEntryRevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("เหตุผลที่ยกเลิก"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("กรุณาระบุเหตุผลที่ยกเลิกการอนุญาต")},
    )


class BoardPickerForm(forms.Form):
    """The picker of the compliance board and the quarterly overview (shown, never validated:
    the view reads the query string itself, so an out-of-scope unit is a 404)."""

    period = forms.ChoiceField(label=gettext_lazy("ไตรมาส"))
    unit = UnitChoiceField(
        for_model=ProgressReport, action=Action.VIEW, label=gettext_lazy("หน่วยงาน")
    )

    def __init__(
        self, *args: Any, user: Any, periods: list[ReportingPeriod], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (period.pk, period.label) for period in periods
        ]
        for name in self.fields:
            self.fields[name].widget.attrs["data-autosubmit"] = ""


class Form302PickerForm(forms.Form):
    """The picker of the สงป. 302 download: the fiscal year and the unit."""

    fiscal_year = forms.ChoiceField(label=gettext_lazy("ปีงบประมาณ"))
    unit = UnitChoiceField(
        for_model=ProgressReport, action=Action.VIEW, label=gettext_lazy("หน่วยงาน")
    )

    def __init__(self, *args: Any, user: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            (year, _("ปีงบประมาณ พ.ศ. %(year)s") % {"year": year}) for year in years
        ]
