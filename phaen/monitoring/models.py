"""Quarterly monitoring and evaluation (การติดตามและประเมินผล, DOMAIN.md §1.4–1.5, §6).

Every quarter each project of an approved plan gets one progress report (รายงานความก้าวหน้า):
its status and percent complete, each activity's progress, the project's indicator results,
problems with corrective actions (carried into later quarters until closed), evidence and the
co-owners' contributions. The report goes draft → submitted → approved (or returned and
resubmitted); an approved report is locked until an approver reopens it. Money is never typed
here: it is read from the budget records. Half-year and annual evaluations score each indicator
and project from the quarters' results; lessons learned feed the next plan.

Reports follow a project across plan revisions by its ``lineage`` (``project_lineage``), and
copy their owning units' paths (``unit_path``: the project's lead unit; ``plan_unit_path``: the
plan's unit) so that scoping and the province-wide boards are indexed prefix filters.

Who sees what: a report and its parts belong to the lead unit (its people and the units above
it); the project's co-owners and supporters read it in every state and add contributions and
evidence; the plan's unit (when it is not above the lead unit) reads it once submitted; nobody
else sees it, and nothing is public yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import reduce
from operator import or_
from pathlib import PurePosixPath
from typing import Any, ClassVar

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from phaen.core.access import (
    ALL_ROLES,
    GLOBAL,
    MANAGERS,
    AccessRules,
    Action,
    Grant,
    Role,
    Scope,
    covering_paths,
)
from phaen.core.models import BaseModel
from phaen.core.trees import PathField
from phaen.monitoring.periods import QUARTERS, calendar_period, quarters_of
from phaen.plans.models import ProjectOwner

#: Who writes reports and their parts: the lead unit's reporters, and planners (and admins).
REPORT_WRITERS = MANAGERS | {Role.REPORTER}
APPROVE = "approve"

PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, **kwargs
    )


def _indicator_value(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """Indicator values: four decimal places, as in the plan's targets (never float)."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=4, **kwargs)


def _report_roles() -> dict[str, frozenset[str]]:
    return {
        Action.VIEW: ALL_ROLES,
        Action.ADD: REPORT_WRITERS,
        Action.CHANGE: REPORT_WRITERS,
        Action.DELETE: REPORT_WRITERS,
    }


def _any_path(lookup: str, paths: list[str]) -> Q:
    return reduce(or_, [Q(**{f"{lookup}__startswith": path}) for path in paths])


def partner_project_ids(paths: list[str]) -> models.QuerySet[ProjectOwner, Any]:
    """Projects co-owned or supported by a unit at or below one of ``paths`` (a subquery)."""
    return ProjectOwner.objects.filter(_any_path("unit__path", paths)).values("project_id")


ExtraRule = Callable[[Any, str, tuple[Grant, ...]], Q | None]


def report_audience(*reports: str, plan_unit_path: str | None = None) -> ExtraRule:
    """Who reads a report (or one of its parts) without belonging to the lead unit's scope.

    ``reports`` are the lookups from the row to its report ("" for the report itself,
    "report__" for its parts; several when a row hangs off one of several parents). The
    project's co-owners and supporters read it in every state (they contribute to the draft);
    the plan's unit reads it once it has been submitted. ``plan_unit_path`` is the row's own
    copy of the plan unit's path when it has one (standalone indicator results have no report).
    """

    def rule(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
        if action != Action.VIEW or not grants:
            return None
        paths = covering_paths(g.unit_path for g in grants)
        partners = reduce(
            or_,
            [Q(**{f"{report}project_id__in": partner_project_ids(paths)}) for report in reports],
        )
        not_draft = Q()
        for report in reports:
            not_draft &= ~Q(**{f"{report}state": ProgressReport.State.DRAFT})
        plan_lookup = plan_unit_path or f"{reports[0]}plan_unit_path"
        return partners | (_any_path(plan_lookup, paths) & not_draft)

    return rule


class ProgressStatus(models.TextChoices):
    """Status of a project (or an activity) in a quarter."""

    NOT_STARTED = "not_started", _("ยังไม่เริ่ม")
    ON_SCHEDULE = "on_schedule", _("เป็นไปตามแผน")
    BEHIND = "behind", _("ล่าช้ากว่าแผน")
    COMPLETED = "completed", _("เสร็จสิ้น")
    POSTPONED = "postponed", _("เลื่อน")
    CANCELLED = "cancelled", pgettext_lazy("state", "ยกเลิกแล้ว")


# Periods and deadlines ----------------------------------------------------------------------


class ReportingPeriod(BaseModel):
    """รอบการรายงาน: a quarter, the half year or the year of a fiscal year, with its dates.

    Generated for every fiscal year (``services.periods_generate``); planners at a top-level
    unit change the dates. Units may have their own due and lock dates (``PeriodDeadline``).
    """

    class Kind(models.TextChoices):
        Q1 = "Q1", _("ไตรมาสที่ 1")
        Q2 = "Q2", _("ไตรมาสที่ 2")
        Q3 = "Q3", _("ไตรมาสที่ 3")
        Q4 = "Q4", _("ไตรมาสที่ 4")
        H1 = "H1", _("รอบ 6 เดือน")
        YEAR = "YEAR", _("รอบ 12 เดือน")

    fiscal_year = models.ForeignKey(
        "plans.FiscalYear",
        verbose_name=_("ปีงบประมาณ"),
        on_delete=models.CASCADE,
        related_name="reporting_periods",
    )
    kind = models.CharField(_("รอบ"), max_length=4, choices=Kind.choices)
    starts_on = models.DateField(_("วันแรกของรอบ"), editable=False)
    ends_on = models.DateField(_("วันสุดท้ายของรอบ"), editable=False)
    opens_on = models.DateField(_("เปิดให้รายงานตั้งแต่วันที่"))
    due_on = models.DateField(_("กำหนดส่งรายงาน"))
    locks_on = models.DateField(
        _("ปิดรับรายงานหลังวันที่"),
        help_text=_("หลังวันนี้ผู้รายงานบันทึกหรือแก้ไขไม่ได้ เว้นแต่ได้รับอนุญาตให้รายงานล่าช้า"),
    )

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path=GLOBAL)

    class Meta:
        verbose_name = _("รอบการรายงาน")
        verbose_name_plural = _("รอบการรายงาน")
        # Newest year first; inside a year Q1, Q2, H1, Q3, Q4, YEAR (by the day each ends).
        ordering = ["-fiscal_year__year", "ends_on", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "kind"],
                name="monitoring_period_one_per_kind",
                violation_error_message=_("ปีงบประมาณนี้มีรอบการรายงานนี้แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["Q1", "Q2", "Q3", "Q4", "H1", "YEAR"]),
                name="monitoring_period_kind",
                violation_error_message=_(
                    "รอบการรายงานต้องเป็นไตรมาสที่ 1–4 รอบ 6 เดือน หรือรอบ 12 เดือน"
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="monitoring_period_days",
                violation_error_message=_("วันสุดท้ายของรอบต้องไม่ก่อนวันแรก"),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")) & Q(locks_on__gte=F("due_on")),
                name="monitoring_period_deadlines",
                violation_error_message=_("วันที่ต้องเรียงกัน: เปิดให้รายงาน ≤ กำหนดส่ง ≤ วันปิดรับรายงาน"),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("monitoring:reportingperiod", args=[self.pk])

    @property
    def label(self) -> str:
        """ "ไตรมาสที่ 2/2561", "รอบ 6 เดือน ปีงบประมาณ พ.ศ. 2561"… (reads the fiscal year)."""
        if self.is_quarter:
            return str(calendar_period(self.fiscal_year.year, self.kind).label())
        return str(
            _("%(kind)s ปีงบประมาณ พ.ศ. %(year)s")
            % {"kind": self.get_kind_display(), "year": self.fiscal_year.year}
        )

    @property
    def is_quarter(self) -> bool:
        return self.kind in QUARTERS

    @property
    def quarter_kinds(self) -> tuple[str, ...]:
        """The quarters this period is made of (a quarter: itself; H1: Q1, Q2; YEAR: Q1–Q4)."""
        return quarters_of(self.kind)


class PeriodDeadline(BaseModel):
    """กำหนดส่งเฉพาะหน่วยงาน: a unit's own due and lock dates for one period.

    The unit's whole subtree inherits it; the nearest override above a unit wins
    (``selectors.effective_deadline``).
    """

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("รอบการรายงาน"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="reporting_deadlines",
    )
    due_on = models.DateField(_("กำหนดส่งรายงาน"))
    locks_on = models.DateField(_("ปิดรับรายงานหลังวันที่"))
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path="unit_path")
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("กำหนดส่งรายงานของหน่วยงาน")
        verbose_name_plural = _("กำหนดส่งรายงานของหน่วยงาน")
        ordering = ["period_id", "unit_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                name="monitoring_deadline_one_per_unit",
                violation_error_message=_("หน่วยงานนี้มีกำหนดส่งของรอบนี้แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(locks_on__gte=F("due_on")),
                name="monitoring_deadline_order",
                violation_error_message=_("วันปิดรับรายงานต้องไม่ก่อนกำหนดส่ง"),
            ),
        ]
        indexes = [models.Index(fields=["period", "unit_path"], name="mon_deadline_path_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:reportingperiod", args=[self.period_id]) + "#deadlines"


class LateEntryException(BaseModel):
    """อนุญาตให้รายงานล่าช้า: a planner lets one unit (and the units below it) write after the
    lock date of one period, until a date, for a stated reason."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("รอบการรายงาน"),
        on_delete=models.CASCADE,
        related_name="late_entries",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="late_entries",
    )
    until = models.DateField(_("รายงานได้ถึงวันที่"))
    reason = models.TextField(_("เหตุผล"))
    revoked_at = models.DateTimeField(_("ยกเลิกเมื่อ"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ยกเลิก"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    revoke_reason = models.TextField(_("เหตุผลที่ยกเลิก"), blank=True, editable=False)
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path="unit_path")
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("การอนุญาตให้รายงานล่าช้า")
        verbose_name_plural = _("การอนุญาตให้รายงานล่าช้า")
        ordering = ["period_id", "unit_path", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="monitoring_late_entry_one_active",
                violation_error_message=_("หน่วยงานนี้ได้รับอนุญาตให้รายงานล่าช้าในรอบนี้อยู่แล้ว"),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="monitoring_late_entry_reason",
                violation_error_message=_("ต้องระบุเหตุผลที่อนุญาตให้รายงานล่าช้า"),
            ),
        ]
        indexes = [models.Index(fields=["period", "unit_path"], name="mon_late_entry_path_idx")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:reportingperiod", args=[self.period_id]) + "#late-entries"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.until >= timezone.localdate()


# The quarterly progress report --------------------------------------------------------------


class ProgressReport(BaseModel):
    """รายงานความก้าวหน้าโครงการรายไตรมาส: one per project (by lineage) per quarter."""

    class State(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        SUBMITTED = "submitted", _("ส่งแล้ว รอพิจารณา")
        RETURNED = "returned", _("ส่งกลับให้แก้ไข")
        APPROVED = "approved", _("อนุมัติแล้ว")

    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("ไตรมาส"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
        limit_choices_to={"kind__in": QUARTERS},
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงานผู้รายงาน (เจ้าภาพหลัก)"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="progress_reports",
    )
    state = models.CharField(
        _("สถานะรายงาน"),
        max_length=20,
        choices=State.choices,
        default=State.DRAFT,
        editable=False,
    )
    progress_status = models.CharField(
        _("สถานะการดำเนินงาน"),
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    percent_complete = _percent_field(_("ร้อยละความก้าวหน้า"), default=Decimal("0"))
    outputs = models.TextField(_("ผลผลิตที่ได้"), blank=True)
    summary = models.TextField(_("ผลการดำเนินงาน"), blank=True)
    first_submitted_at = models.DateTimeField(
        _("ส่งครั้งแรกเมื่อ"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("ส่งล่าสุดเมื่อ"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ส่งรายงาน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้พิจารณา"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    return_comment = models.TextField(_("ความเห็นเมื่อส่งกลับ"), blank=True, editable=False)
    approved_snapshot = models.JSONField(
        _("ข้อมูลรายงาน ณ เวลาที่อนุมัติ"), null=True, blank=True, editable=False
    )
    reopened_at = models.DateTimeField(_("เปิดแก้ไขใหม่เมื่อ"), null=True, blank=True, editable=False)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้เปิดแก้ไขใหม่"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reopen_reason = models.TextField(_("เหตุผลที่เปิดแก้ไขใหม่"), blank=True, editable=False)
    is_late = models.BooleanField(
        _("ส่งล่าช้า"),
        default=False,
        editable=False,
        help_text=_("ส่งครั้งแรกหลังกำหนดส่งของหน่วยงาน"),
    )
    # Copies kept by the services: the project's lineage (a report follows the project across
    # plan revisions) and the paths of the lead unit and of the plan's unit.
    project_lineage = models.UUIDField(editable=False)
    unit_path = PathField(editable=False)
    plan_unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={**_report_roles(), APPROVE: frozenset({Role.APPROVER})},
        also_visible=report_audience(""),
    )
    audit_exclude = BaseModel.audit_exclude | {
        "project_lineage",
        "unit_path",
        "plan_unit_path",
        "approved_snapshot",
    }

    class Meta:
        verbose_name = _("รายงานความก้าวหน้า")
        verbose_name_plural = _("รายงานความก้าวหน้า")
        ordering = ["period_id", "unit_path", "project_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_lineage", "period"],
                name="monitoring_report_one_per_quarter",
                violation_error_message=_("โครงการนี้มีรายงานของไตรมาสนี้แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="monitoring_report_percent",
                violation_error_message=_("ร้อยละความก้าวหน้าต้องอยู่ระหว่าง 0 ถึง 100"),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit_path"], name="mon_report_period_path_idx"),
            models.Index(
                fields=["period", "state", "project_lineage"], name="mon_report_period_state_idx"
            ),
            # The quarterly overview counts a quarter's projects by progress status.
            models.Index(
                fields=["period", "progress_status", "project_lineage"],
                name="mon_report_progress_idx",
            ),
            models.Index(fields=["state", "unit_path"], name="mon_report_state_path_idx"),
            models.Index(fields=["plan_unit_path"], name="mon_report_plan_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:progressreport", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        """Approved reports refuse every change until an approver reopens them."""
        return self.state == self.State.APPROVED

    @property
    def is_editable_state(self) -> bool:
        """Reporters edit drafts and returned reports; submitted ones wait for the approver."""
        return self.state in (self.State.DRAFT, self.State.RETURNED)


def _report_part_rules(**kwargs: Any) -> AccessRules:
    return AccessRules(
        unit_path="report__unit_path",
        roles=_report_roles(),
        also_visible=report_audience("report__"),
        **kwargs,
    )


class ActivityProgress(BaseModel):
    """ความก้าวหน้ารายกิจกรรม: one activity (or sub-activity) of the project in the report."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        related_name="activity_progress",
    )
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("กิจกรรม"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="progress",
    )
    status = models.CharField(_("สถานะ"), max_length=20, choices=ProgressStatus.choices, blank=True)
    percent_complete = _percent_field(_("ร้อยละความก้าวหน้า"), null=True, blank=True)
    actual_start = models.DateField(_("วันที่เริ่มจริง"), null=True, blank=True)
    actual_end = models.DateField(_("วันที่เสร็จจริง"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)

    access_rules: ClassVar[AccessRules] = _report_part_rules()

    class Meta:
        verbose_name = _("ความก้าวหน้ารายกิจกรรม")
        verbose_name_plural = _("ความก้าวหน้ารายกิจกรรม")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "activity"],
                name="monitoring_activity_once_per_report",
                violation_error_message=_("กิจกรรมนี้อยู่ในรายงานแล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | (Q(percent_complete__gte=0) & Q(percent_complete__lte=100)),
                name="monitoring_activity_percent",
                violation_error_message=_("ร้อยละความก้าวหน้าต้องอยู่ระหว่าง 0 ถึง 100"),
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="monitoring_activity_dates",
                violation_error_message=_("วันที่เสร็จจริงต้องไม่ก่อนวันที่เริ่มจริง"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.activity)

    def get_absolute_url(self) -> str:
        return reverse("monitoring:progressreport", args=[self.report_id]) + f"#activity-{self.pk}"


class IndicatorResult(BaseModel):
    """ผลการดำเนินงานตามตัวชี้วัด: an indicator's measured value in one period, scored against
    the period's target ("plan before results": no target, no result).

    A project indicator's result belongs to the project's report of the quarter; a goal
    indicator's stands alone, entered by the evaluator unit (or the plan's unit).
    """

    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("ตัวชี้วัด"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("รอบการรายงาน"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="results",
    )
    actual_value = _indicator_value(_("ผลการดำเนินงาน"))
    note = models.TextField(_("คำอธิบายผล"), blank=True)
    measured_by = models.CharField(_("ผู้วัดผล"), max_length=200, blank=True)
    method = models.TextField(_("วิธีการวัดและเก็บข้อมูล"), blank=True)
    # Computed by the services with phaen.plans.scoring from the period's target.
    target_value = _indicator_value(_("ค่าเป้าหมายที่ใช้"), editable=False)
    achieved = models.BooleanField(_("บรรลุค่าเป้าหมาย"), default=False, editable=False)
    score = models.DecimalField(
        _("คะแนน (0–5)"), max_digits=6, decimal_places=4, default=Decimal(0), editable=False
    )
    percent_of_target = models.DecimalField(
        _("ร้อยละของค่าเป้าหมาย"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    # Copies kept by the services: the indicator's lineage (results follow it across plan
    # revisions), its strategic issue (the overview counts results per issue without joining
    # the plan) and the paths of the owning unit and of the plan's unit.
    indicator_lineage = models.UUIDField(editable=False)
    strategic_issue = models.ForeignKey(
        "plans.StrategicIssue",
        verbose_name=_("ประเด็นยุทธศาสตร์"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    unit_path = PathField(editable=False)
    plan_unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles=_report_roles(),
        also_visible=report_audience("report__", plan_unit_path="plan_unit_path"),
    )
    audit_exclude = BaseModel.audit_exclude | {
        "indicator_lineage",
        "strategic_issue",
        "unit_path",
        "plan_unit_path",
    }

    class Meta:
        verbose_name = _("ผลตัวชี้วัด")
        verbose_name_plural = _("ผลตัวชี้วัด")
        ordering = ["period_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_lineage", "period"],
                name="monitoring_result_one_per_period",
                violation_error_message=_("ตัวชี้วัดนี้มีผลของรอบนี้แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=5),
                name="monitoring_result_score",
                violation_error_message=_("คะแนนต้องอยู่ระหว่าง 0 ถึง 5"),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit_path"], name="mon_result_period_path_idx"),
            models.Index(fields=["period", "plan_unit_path"], name="mon_result_period_plan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:indicatorresult", args=[self.pk])


class Problem(BaseModel):
    """ปัญหาอุปสรรค met in the quarter, with its category and cause."""

    class Category(models.TextChoices):
        BUDGET = "budget", _("งบประมาณ")
        PERSONNEL = "personnel", _("บุคลากร")
        MATERIALS = "materials", _("วัสดุอุปกรณ์")
        SCHEDULE = "schedule", _("ระยะเวลาดำเนินการ")
        MANAGEMENT = "management", _("การบริหารจัดการ")
        TARGET_GROUP = "target_group", _("กลุ่มเป้าหมาย")
        POLICY_EXTERNAL = "policy_external", _("นโยบายและปัจจัยภายนอก")
        OTHER = "other", _("อื่น ๆ")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    category = models.CharField(_("ประเภทปัญหา"), max_length=20, choices=Category.choices)
    description = models.TextField(_("ปัญหาอุปสรรค"))
    cause = models.TextField(_("สาเหตุ"), blank=True)

    access_rules: ClassVar[AccessRules] = _report_part_rules()

    class Meta:
        verbose_name = _("ปัญหาอุปสรรค")
        verbose_name_plural = _("ปัญหาอุปสรรค")
        ordering = ["report_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""),
                name="monitoring_problem_description",
                violation_error_message=_("ต้องระบุปัญหาอุปสรรค"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:progressreport", args=[self.report_id]) + f"#problem-{self.pk}"


class CorrectiveAction(BaseModel):
    """แนวทางแก้ไข: what will be done about a problem, by whom, by when.

    An action stays open until it is done or cancelled; until then the project's later quarterly
    reports show it and may update its progress (``updated_in_report``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("ยังไม่ดำเนินการ")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        DONE = "done", _("แก้ไขแล้ว")
        CANCELLED = "cancelled", pgettext_lazy("state", "ยกเลิกแล้ว")

    OPEN_STATUSES: ClassVar[tuple[str, ...]] = ("open", "in_progress")

    problem = models.ForeignKey(
        Problem, verbose_name=_("ปัญหาอุปสรรค"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("แนวทางแก้ไข"))
    owner_name = models.CharField(_("ผู้รับผิดชอบ"), max_length=200)
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงานที่รับผิดชอบ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
    )
    due_on = models.DateField(_("กำหนดแล้วเสร็จ"))
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("แก้ไขแล้วเสร็จเมื่อ"), null=True, blank=True)
    result_note = models.TextField(_("ผลการแก้ไข"), blank=True)
    updated_in_report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("ปรับปรุงล่าสุดในรายงาน"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    project_lineage = models.UUIDField(editable=False)
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles=_report_roles(),
        also_visible=report_audience("problem__report__"),
    )
    audit_exclude = BaseModel.audit_exclude | {"project_lineage", "unit_path"}

    class Meta:
        verbose_name = _("แนวทางแก้ไข")
        verbose_name_plural = _("แนวทางแก้ไข")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="monitoring_action_done_on",
                violation_error_message=_("แนวทางแก้ไขที่แก้ไขแล้วต้องระบุวันที่แล้วเสร็จ"),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="monitoring_action_description",
                violation_error_message=_("ต้องระบุแนวทางแก้ไข"),
            ),
        ]
        indexes = [
            models.Index(fields=["project_lineage", "status"], name="mon_action_lineage_idx"),
            # Overdue actions under a unit: open ones only, by due date.
            models.Index(
                fields=["unit_path", "due_on"],
                condition=Q(status__in=["open", "in_progress"]),
                name="mon_action_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("monitoring:correctiveaction", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def evidence_storage() -> Storage:
    """Where evidence files live: the ``evidence`` storage (a directory no URL serves), or the
    default storage where none is configured (the test settings keep files in memory)."""
    if "evidence" in settings.STORAGES:
        return storages["evidence"]
    return storages["default"]


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name that keeps only the (already checked) extension: never the user's name."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def _evidence_audience(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
    """Evidence is read like its report (or its result's report); partners of the project also
    add evidence, and delete what they added themselves."""
    if action == Action.VIEW:
        return report_audience("report__", "result__report__", plan_unit_path="plan_unit_path")(
            user, action, grants
        )
    writers = [g.unit_path for g in grants if g.role in REPORT_WRITERS]
    if action not in (Action.ADD, Action.DELETE) or not writers:
        return None
    partners = partner_project_ids(covering_paths(writers))
    clause = Q(report__project_id__in=partners) | Q(result__report__project_id__in=partners)
    return clause & Q(created_by=user) if action == Action.DELETE else clause


class Evidence(BaseModel):
    """หลักฐาน: a file or a link attached to a report or to an indicator result.

    Files are checked (extension and content), stored under a random name in a storage that no
    URL serves, and only ever sent back as a download (``evidence.download_response``).
    """

    class Kind(models.TextChoices):
        FILE = "file", _("ไฟล์")
        LINK = "link", _("ลิงก์")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    result = models.ForeignKey(
        IndicatorResult,
        verbose_name=_("ผลตัวชี้วัด"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    kind = models.CharField(_("ประเภทหลักฐาน"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("ชื่อหลักฐาน"), max_length=255)
    file = models.FileField(
        _("ไฟล์"),
        upload_to=evidence_upload_to,
        storage=evidence_storage,
        max_length=255,
        blank=True,
        editable=False,
    )
    url = models.URLField(_("ลิงก์"), max_length=1000, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True, editable=False)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("ค่า SHA-256"), max_length=64, blank=True, editable=False)
    unit_path = PathField(editable=False)
    plan_unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path", roles=_report_roles(), also_visible=_evidence_audience
    )
    audit_exclude = BaseModel.audit_exclude | {"unit_path", "plan_unit_path", "file"}

    class Meta:
        verbose_name = _("หลักฐาน")
        verbose_name_plural = _("หลักฐาน")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, result__isnull=True)
                | Q(report__isnull=True, result__isnull=False),
                name="monitoring_evidence_one_parent",
                violation_error_message=_("หลักฐานต้องแนบกับรายงานหรือผลตัวชี้วัดอย่างใดอย่างหนึ่ง"),
            ),
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="") & Q(url=""))
                | (Q(kind="link") & ~Q(url="") & Q(file="")),
                name="monitoring_evidence_file_or_link",
                violation_error_message=_("หลักฐานประเภทไฟล์ต้องมีไฟล์ ประเภทลิงก์ต้องมีลิงก์"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        parent = self.report or self.result
        return str(parent.get_absolute_url()).split("#")[0] + f"#evidence-{self.pk}"  # type: ignore[union-attr]


def _contribution_rule(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
    """Partners read contributions like the report; they write those of their own units."""
    if action == Action.VIEW:
        return report_audience("report__")(user, action, grants)
    writers = covering_paths(g.unit_path for g in grants if g.role in REPORT_WRITERS)
    if not writers:
        return None
    # The contribution's unit is one of the user's and a co-owner or supporter of the project.
    return _any_path("unit__path", writers) & Q(report__project__owners__unit=F("unit"))


class Contribution(BaseModel):
    """ข้อมูลจากเจ้าภาพรองและผู้สนับสนุน: what a co-owner or supporter contributes to a report."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="report_contributions",
    )
    text = models.TextField(_("ผลการดำเนินงานในส่วนของหน่วยงาน"))

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="report__unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: frozenset(),
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        also_visible=_contribution_rule,
    )

    class Meta:
        verbose_name = _("ข้อมูลจากหน่วยงานร่วม")
        verbose_name_plural = _("ข้อมูลจากหน่วยงานร่วม")
        ordering = ["report_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="monitoring_contribution_text",
                violation_error_message=_("ต้องระบุข้อมูลที่ส่ง"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return (
            reverse("monitoring:progressreport", args=[self.report_id]) + f"#contribution-{self.pk}"
        )


class ReportDecision(BaseModel):
    """A step of a report's timeline: submitted, returned, approved, reopened, resubmitted."""

    class Step(models.TextChoices):
        SUBMIT = "submit", _("ส่งรายงาน")
        RETURN = "return", _("ส่งกลับให้แก้ไข")
        APPROVE = "approve", _("อนุมัติ")
        REOPEN = "reopen", _("เปิดแก้ไขใหม่")
        RESUBMIT = "resubmit", _("ส่งรายงานอีกครั้ง")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("รายงานความก้าวหน้า"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    action = models.CharField(_("การดำเนินการ"), max_length=20, choices=Step.choices)
    comment = models.TextField(_("ความเห็น"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ดำเนินการ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("เมื่อ"), default=timezone.now)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="report__unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: frozenset(),
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        also_visible=report_audience("report__"),
    )

    class Meta:
        verbose_name = _("การพิจารณารายงาน")
        verbose_name_plural = _("การพิจารณารายงาน")
        ordering = ["report_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.report_id}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:progressreport", args=[self.report_id]) + "#timeline"


# Evaluation ---------------------------------------------------------------------------------


class Evaluation(BaseModel):
    """การประเมินผลรอบ 6 เดือน / 12 เดือน of one indicator or one project.

    Prepared from the quarters' results by ``services.evaluation_prepare`` (which refreshes the
    values and keeps the evaluator's comment); the evaluator adds the comment.
    """

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("รอบการประเมิน"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        limit_choices_to={"kind__in": ["H1", "YEAR"]},
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("ตัวชี้วัด"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="evaluations",
    )
    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="evaluations",
    )
    strategic_issue = models.ForeignKey(
        "plans.StrategicIssue",
        verbose_name=_("ประเด็นยุทธศาสตร์"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    target_value = _indicator_value(_("ค่าเป้าหมาย"), null=True, blank=True, editable=False)
    result_value = _indicator_value(_("ผลการดำเนินงาน"), null=True, blank=True, editable=False)
    achieved = models.BooleanField(_("บรรลุค่าเป้าหมาย"), null=True, blank=True, editable=False)
    score = models.DecimalField(
        _("คะแนน (0–5)"), max_digits=6, decimal_places=4, null=True, blank=True, editable=False
    )
    percent_of_target = models.DecimalField(
        _("ร้อยละของค่าเป้าหมาย"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    completed_on_time = models.BooleanField(
        _("แล้วเสร็จตามกำหนด"), null=True, blank=True, editable=False
    )
    comment = models.TextField(_("ความเห็นของผู้ประเมิน"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ประเมิน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    indicator_lineage = models.UUIDField(null=True, blank=True, editable=False)
    project_lineage = models.UUIDField(null=True, blank=True, editable=False)
    unit_path = PathField(editable=False)
    plan_unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS | {Role.REPORTER, Role.APPROVER},
            Action.DELETE: MANAGERS,
        },
        scopes=(Scope("plan_unit_path", {Action.VIEW: ALL_ROLES, Action.CHANGE: MANAGERS}),),
    )
    audit_exclude = BaseModel.audit_exclude | {
        "indicator_lineage",
        "project_lineage",
        "unit_path",
        "plan_unit_path",
    }

    class Meta:
        verbose_name = _("การประเมินผล")
        verbose_name_plural = _("การประเมินผล")
        ordering = ["period_id", "plan_unit_path", "indicator_id", "project_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, project__isnull=True)
                | Q(indicator__isnull=True, project__isnull=False),
                name="monitoring_evaluation_one_subject",
                violation_error_message=_("การประเมินผลต้องเป็นของตัวชี้วัดหรือโครงการอย่างใดอย่างหนึ่ง"),
            ),
            models.UniqueConstraint(
                fields=["period", "indicator_lineage"],
                condition=Q(indicator_lineage__isnull=False),
                name="monitoring_evaluation_indicator_once",
                violation_error_message=_("ตัวชี้วัดนี้มีการประเมินผลของรอบนี้แล้ว"),
            ),
            models.UniqueConstraint(
                fields=["period", "project_lineage"],
                condition=Q(project_lineage__isnull=False),
                name="monitoring_evaluation_project_once",
                violation_error_message=_("โครงการนี้มีการประเมินผลของรอบนี้แล้ว"),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "unit_path"], name="mon_eval_period_path_idx"),
            models.Index(fields=["period", "plan_unit_path"], name="mon_eval_period_plan_idx"),
        ]

    def __str__(self) -> str:
        subject = self.indicator if self.indicator_id else self.project
        return f"{subject} – {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:evaluation", args=[self.pk])


class LessonLearned(BaseModel):
    """บทเรียนที่ได้รับ: what a unit learned in a year, with a recommendation for the next plan."""

    fiscal_year = models.ForeignKey(
        "plans.FiscalYear",
        verbose_name=_("ปีงบประมาณ"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="lessons"
    )
    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
    )
    strategic_issue = models.ForeignKey(
        "plans.StrategicIssue",
        verbose_name=_("ประเด็นยุทธศาสตร์"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
    )
    topic = models.CharField(_("เรื่อง"), max_length=255)
    lesson = models.TextField(_("บทเรียนที่ได้รับ"))
    recommendation = models.TextField(_("ข้อเสนอแนะสำหรับแผนปีต่อไป"), blank=True)
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path="unit_path", roles=_report_roles())
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("บทเรียนที่ได้รับ")
        verbose_name_plural = _("บทเรียนที่ได้รับ")
        ordering = ["-fiscal_year__year", "unit_path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(topic="") & ~Q(lesson=""),
                name="monitoring_lesson_text",
                violation_error_message=_("ต้องระบุเรื่องและบทเรียนที่ได้รับ"),
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "unit_path"], name="mon_lesson_year_idx")]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("monitoring:lessonlearned", args=[self.pk])
