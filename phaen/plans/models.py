"""The annual action plan: fiscal years, plans and their versions, and the plan's content.

Content chain (DOMAIN.md §3): vision → missions → strategic issues → goals → indicators with
targets → strategies → projects → activities. Every content row belongs to one plan version; a
new version starts as a copy (rows keep a ``lineage`` id across versions) and an approved or
published version is read-only. Projects carry copies of their plan's and lead unit's paths so
that scoping a million projects stays one indexed prefix filter.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
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
from phaen.thai.calendar import FiscalYear as FiscalPeriod

PUBLISHED = "published"

CONTENT_ROLES = {
    Action.VIEW: ALL_ROLES,
    Action.ADD: MANAGERS,
    Action.CHANGE: MANAGERS,
    Action.DELETE: MANAGERS,
}


class FiscalYear(BaseModel):
    """ปีงบประมาณ: a fiscal year the office plans for, open for changes or closed."""

    year = models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"),
        unique=True,
        validators=[MinValueValidator(2400)],
        help_text=_("เช่น 2561 (1 ต.ค. 2560 – 30 ก.ย. 2561)"),
    )
    is_open = models.BooleanField(
        _("เปิดให้แก้ไข"),
        default=True,
        help_text=_("ปีงบประมาณที่ปิดแล้ว ยังดูได้ แต่สร้างหรือแก้ไขแผนไม่ได้"),
    )
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path=GLOBAL, public=Q())

    class Meta:
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = _("ปีงบประมาณ")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2400, year__lte=2700),
                name="plans_fiscal_year_be",
                violation_error_message=_("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2561"),
            )
        ]

    def __str__(self) -> str:
        return str(_("ปีงบประมาณ พ.ศ. %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("plans:fiscalyear", args=[self.pk])

    @property
    def period(self) -> FiscalPeriod:
        return FiscalPeriod(self.year)


class ActionPlan(BaseModel):
    """แผนปฏิบัติการประจำปี: one unit's plan for one fiscal year (its versions hold the content)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="plans"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("ชื่อแผน"), max_length=255)
    parent_plan = models.ForeignKey(
        "self",
        verbose_name=_("แผนที่เป็นกรอบ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_plans",
        help_text=_("เช่น แผนปฏิบัติการของ ศธจ. ที่หน่วยงานในจังหวัดใช้เป็นกรอบ"),
    )
    is_published = models.BooleanField(_("มีฉบับเผยแพร่แล้ว"), default=False, editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit__path", public=Q(is_published=True)
    )

    class Meta:
        verbose_name = _("แผนปฏิบัติการ")
        verbose_name_plural = _("แผนปฏิบัติการ")
        ordering = ["-fiscal_year__year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fiscal_year"],
                name="plans_plan_one_per_unit_year",
                violation_error_message=_("หน่วยงานนี้มีแผนของปีงบประมาณนี้อยู่แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:actionplan", args=[self.pk])


class PlanVersion(BaseModel):
    """ฉบับของแผน: the initial plan, the one revised to the allocated budget, later revisions."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("ฉบับแรก")
        REVISED_TO_ALLOCATION = "revised_to_allocation", _("ฉบับปรับปรุงตามงบประมาณที่ได้รับจัดสรร")
        REVISION = "revision", _("ฉบับปรับปรุง")

    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        APPROVED = "approved", _("อนุมัติแล้ว")
        PUBLISHED = PUBLISHED, _("เผยแพร่แล้ว")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("แผน"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    kind = models.CharField(_("ประเภทฉบับ"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("ปรับปรุงจากฉบับ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    vision = models.TextField(_("วิสัยทัศน์"), blank=True)
    values = models.TextField(_("ค่านิยม"), blank=True)
    note = models.TextField(_("หมายเหตุของฉบับ"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้อนุมัติ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"), null=True, blank=True)
    approval_note = models.TextField(_("ความเห็นผู้อนุมัติ"), blank=True)
    published_at = models.DateTimeField(_("เผยแพร่เมื่อ"), null=True, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="plan__unit__path",
        roles={
            **CONTENT_ROLES,
            "approve": frozenset({Role.APPROVER}),
            "publish": MANAGERS | {Role.APPROVER},
        },
        public=Q(status=PUBLISHED),
    )

    class Meta:
        verbose_name = _("ฉบับของแผน")
        verbose_name_plural = _("ฉบับของแผน")
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plans_version_number_unique",
                violation_error_message=_("แผนนี้มีฉบับที่นี้อยู่แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {_('ฉบับที่')} {self.number} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("plans:planversion", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


def _content_rules(
    version_path: str = "plan_version__", scopes: tuple[Scope, ...] = (), **kwargs: Any
) -> AccessRules:
    """Rules of plan content: owned by the plan's unit; public once its version is published."""
    return AccessRules(
        unit_path=f"{version_path}plan__unit__path",
        roles=CONTENT_ROLES,
        public=Q(**{f"{version_path}status": PUBLISHED}),
        scopes=scopes,
        **kwargs,
    )


class PlanContent(BaseModel):
    """A row of a plan version's content."""

    plan_version = models.ForeignKey(
        PlanVersion, verbose_name=_("ฉบับของแผน"), on_delete=models.CASCADE, related_name="+"
    )

    # The lineage id is bookkeeping across versions, not content a reader of the history needs.
    audit_exclude = BaseModel.audit_exclude | {"lineage"}

    class Meta:
        abstract = True


class Lineage(models.Model):
    """Identity of a row across versions: the copy in a revision keeps the same lineage."""

    lineage = models.UUIDField(_("รหัสติดตามข้ามฉบับ"), default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Mission(PlanContent):
    """พันธกิจ."""

    number = models.PositiveSmallIntegerField(_("ข้อที่"))
    text = models.TextField(_("พันธกิจ"))

    access_rules: ClassVar[AccessRules] = _content_rules()

    class Meta:
        verbose_name = _("พันธกิจ")
        verbose_name_plural = _("พันธกิจ")
        ordering = ["plan_version_id", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("plans:planversion", args=[self.plan_version_id]) + f"#mission-{self.pk}"


class StrategicIssue(PlanContent, Lineage):
    """ประเด็นยุทธศาสตร์."""

    number = models.PositiveSmallIntegerField(_("ประเด็นที่"))
    title = models.CharField(_("ประเด็นยุทธศาสตร์"), max_length=500)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    aligns_with = models.ForeignKey(
        "self",
        verbose_name=_("สอดคล้องกับประเด็นยุทธศาสตร์ของแผนที่เป็นกรอบ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_by",
    )

    access_rules: ClassVar[AccessRules] = _content_rules()

    class Meta:
        verbose_name = _("ประเด็นยุทธศาสตร์")
        verbose_name_plural = _("ประเด็นยุทธศาสตร์")
        ordering = ["plan_version_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "number"],
                name="plans_issue_number_unique",
                violation_error_message=_("ฉบับนี้มีประเด็นยุทธศาสตร์ลำดับนี้แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{_('ประเด็นที่')} {self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:strategicissue", args=[self.pk])


class Goal(PlanContent, Lineage):
    """เป้าประสงค์ of a strategic issue."""

    strategic_issue = models.ForeignKey(
        StrategicIssue,
        verbose_name=_("ประเด็นยุทธศาสตร์"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    number = models.PositiveSmallIntegerField(_("ข้อที่"))
    title = models.CharField(_("เป้าประสงค์"), max_length=500)

    access_rules: ClassVar[AccessRules] = _content_rules()

    class Meta:
        verbose_name = _("เป้าประสงค์")
        verbose_name_plural = _("เป้าประสงค์")
        ordering = ["strategic_issue_id", "number"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:goal", args=[self.pk])

    @property
    def code(self) -> str:
        return f"{self.strategic_issue.number}.{self.number}"


class Strategy(PlanContent, Lineage):
    """กลยุทธ์ under a strategic issue; projects carry it out."""

    strategic_issue = models.ForeignKey(
        StrategicIssue,
        verbose_name=_("ประเด็นยุทธศาสตร์"),
        on_delete=models.CASCADE,
        related_name="strategies",
    )
    number = models.PositiveSmallIntegerField(_("กลยุทธ์ที่"))
    title = models.CharField(_("กลยุทธ์"), max_length=500)

    access_rules: ClassVar[AccessRules] = _content_rules()

    class Meta:
        verbose_name = _("กลยุทธ์")
        verbose_name_plural = _("กลยุทธ์")
        ordering = ["strategic_issue_id", "number"]

    def __str__(self) -> str:
        return f"{_('กลยุทธ์ที่')} {self.strategic_issue.number}.{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:strategy", args=[self.pk])


def _partners_of(project_lookup: str) -> Any:
    """Co-owners and supporters read the projects they work on, with their activities and
    project indicators (``project_lookup``: the path from the row to the project's id)."""

    def rule(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
        if action != Action.VIEW or not grants:
            return None
        paths = covering_paths(g.unit_path for g in grants)
        partner_rows = ProjectOwner.objects.filter(
            Q(*[Q(unit__path__startswith=path) for path in paths], _connector=Q.OR)
        )
        return Q(**{f"{project_lookup}__in": partner_rows.values("project_id")})

    return rule


_project_partners = _partners_of("pk")


class Project(PlanContent, Lineage):
    """โครงการ: the unit of work and money; exactly one lead unit, any co-owners and supporters."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("ยังไม่เริ่ม")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        COMPLETED = "completed", _("เสร็จสิ้น")
        POSTPONED = "postponed", _("เลื่อน")
        CANCELLED = "cancelled", pgettext_lazy("state", "ยกเลิกแล้ว")

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("กลยุทธ์"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    code = models.CharField(_("รหัสโครงการ"), max_length=50, blank=True)
    name = models.CharField(_("ชื่อโครงการ"), max_length=500)
    rationale = models.TextField(_("หลักการและเหตุผล"), blank=True)
    objectives = models.TextField(_("วัตถุประสงค์"), blank=True)
    quantitative_targets = models.TextField(_("เป้าหมายเชิงปริมาณ"), blank=True)
    qualitative_targets = models.TextField(_("เป้าหมายเชิงคุณภาพ"), blank=True)
    target_group = models.TextField(_("กลุ่มเป้าหมาย"), blank=True)
    area = models.CharField(_("พื้นที่ดำเนินการ"), max_length=500, blank=True)
    start_month = models.DateField(_("เดือนที่เริ่ม"))
    end_month = models.DateField(_("เดือนที่สิ้นสุด"))
    is_multi_year = models.BooleanField(
        _("โครงการต่อเนื่องหลายปี"),
        default=False,
        help_text=_("เลือกเมื่อระยะเวลาโครงการเกินปีงบประมาณของแผน"),
    )
    budget = models.DecimalField(
        _("งบประมาณ (บาท)"),
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        max_digits=15,
        decimal_places=2,
    )
    expected_results = models.TextField(_("ผลที่คาดว่าจะได้รับ"), blank=True)
    risks = models.TextField(_("ความเสี่ยงและแนวทางป้องกัน"), blank=True)
    status = models.CharField(
        _("สถานะโครงการ"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("เจ้าภาพหลัก"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    lead_role = models.CharField(_("บทบาทของเจ้าภาพหลัก"), max_length=500, blank=True)
    responsible_name = models.CharField(_("ผู้รับผิดชอบโครงการ"), max_length=200, blank=True)
    responsible_position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    responsible_phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    responsible_email = models.EmailField(_("อีเมล"), blank=True)
    # Copies of paths, kept by the services (and rewritten when a unit moves).
    plan_unit_path = PathField(editable=False)
    lead_unit_path = PathField(editable=False, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="plan_unit_path",
        roles=CONTENT_ROLES,
        public=Q(plan_version__status=PUBLISHED),
        scopes=(
            Scope(
                "lead_unit_path",
                {Action.VIEW: ALL_ROLES, Action.CHANGE: frozenset({Role.REPORTER})},
            ),
        ),
        also_visible=_project_partners,
    )
    audit_exclude = BaseModel.audit_exclude | {"plan_unit_path", "lead_unit_path", "lineage"}

    class Meta:
        verbose_name = _("โครงการ")
        verbose_name_plural = _("โครงการ")
        ordering = ["plan_version_id", "code", "pk"]
        indexes = [
            models.Index(fields=["plan_version", "lead_unit"], name="plans_project_lead_idx"),
            # The default order of a plan's projects (a page of 50 out of thousands).
            models.Index(fields=["plan_version", "code", "id"], name="plans_project_order_idx"),
            models.Index(fields=["plan_unit_path"], name="plans_project_plan_path_idx"),
            models.Index(fields=["lead_unit_path"], name="plans_project_lead_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")),
                name="plans_project_months",
                violation_error_message=_("เดือนที่สิ้นสุดต้องไม่ก่อนเดือนที่เริ่ม"),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="plans_project_budget_positive",
                violation_error_message=_("งบประมาณต้องไม่ติดลบ"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("plans:project", args=[self.pk])


class ProjectOwner(BaseModel):
    """เจ้าภาพรอง / ผู้สนับสนุน of a project, each with a written role."""

    class OwnerRole(models.TextChoices):
        CO_OWNER = "co_owner", _("เจ้าภาพรอง")
        SUPPORTER = "supporter", _("ผู้สนับสนุน")

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="owners"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=OwnerRole.choices)
    role_description = models.CharField(_("หน้าที่ในโครงการ"), max_length=500, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="project__plan_unit_path",
        roles=CONTENT_ROLES,
        public=Q(project__plan_version__status=PUBLISHED),
        scopes=(Scope("project__lead_unit_path", {Action.VIEW: ALL_ROLES}),),
    )

    class Meta:
        verbose_name = _("เจ้าภาพรองหรือผู้สนับสนุน")
        verbose_name_plural = _("เจ้าภาพรองและผู้สนับสนุน")
        ordering = ["project_id", "role", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "unit"],
                name="plans_project_owner_unique",
                violation_error_message=_("หน่วยงานนี้มีบทบาทในโครงการนี้แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("plans:project", args=[self.project_id]) + "#owners"


class Activity(PlanContent, Lineage):
    """กิจกรรม of a project, with its months, responsible unit and budget."""

    project = models.ForeignKey(
        Project, verbose_name=_("โครงการ"), on_delete=models.CASCADE, related_name="activities"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("กิจกรรมหลัก"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    number = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    name = models.CharField(_("ชื่อกิจกรรม"), max_length=500)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงานที่รับผิดชอบ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    start_month = models.DateField(_("เดือนที่เริ่ม"))
    end_month = models.DateField(_("เดือนที่สิ้นสุด"))
    budget = models.DecimalField(
        _("งบประมาณ (บาท)"),
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        max_digits=15,
        decimal_places=2,
    )

    access_rules: ClassVar[AccessRules] = _content_rules(
        scopes=(
            Scope(
                "project__lead_unit_path",
                {
                    Action.VIEW: ALL_ROLES,
                    Action.ADD: frozenset({Role.REPORTER}),
                    Action.CHANGE: frozenset({Role.REPORTER}),
                    Action.DELETE: frozenset({Role.REPORTER}),
                },
            ),
            # The unit responsible for an activity sees it (and its calendar feed lists it).
            Scope("responsible_unit__path", {Action.VIEW: ALL_ROLES}),
        ),
        also_visible=_partners_of("project_id"),
    )

    class Meta:
        verbose_name = _("กิจกรรม")
        verbose_name_plural = _("กิจกรรม")
        ordering = ["project_id", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")),
                name="plans_activity_months",
                violation_error_message=_("เดือนที่สิ้นสุดต้องไม่ก่อนเดือนที่เริ่ม"),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="plans_activity_budget_positive",
                violation_error_message=_("งบประมาณต้องไม่ติดลบ"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:activity", args=[self.pk])


class Indicator(PlanContent, Lineage):
    """ตัวชี้วัด with its full KPI sheet (DOMAIN.md §6), at goal level or project level."""

    class Kind(models.TextChoices):
        QUANTITY = "quantity", _("เชิงปริมาณ")
        QUALITY = "quality", _("เชิงคุณภาพ")
        TIME = "time", _("เชิงเวลา")
        COST = "cost", _("เชิงต้นทุน")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("ยิ่งมากยิ่งดี")
        LOWER = "lower", _("ยิ่งน้อยยิ่งดี")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("รายเดือน")
        QUARTERLY = "quarterly", _("รายไตรมาส")
        HALF_YEARLY = "half_yearly", _("รายครึ่งปี")
        YEARLY = "yearly", _("รายปี")

    class ScoringRule(models.TextChoices):
        ACHIEVED = "achieved", _("บรรลุ/ไม่บรรลุ")
        BANDS = "bands", _("เกณฑ์ 5 ระดับ")
        MILESTONES = "milestones", _("ระดับความสำเร็จ (ขั้นตอน)")
        LINEAR = "linear", _("เทียบบัญญัติไตรยางศ์ระหว่างช่วงคะแนน")

    goal = models.ForeignKey(
        Goal,
        verbose_name=_("เป้าประสงค์"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("โครงการ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    number = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    name = models.CharField(_("ตัวชี้วัด"), max_length=500)
    definition = models.TextField(_("คำนิยาม"), blank=True)
    unit_of_measure = models.CharField(
        _("หน่วยนับ"), max_length=50, help_text=_("เช่น ร้อยละ จำนวนคน ระดับ โรงเรียน")
    )
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices, default=Kind.QUANTITY)
    direction = models.CharField(
        _("ทิศทาง"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline_value = models.DecimalField(
        _("ค่าฐาน"), null=True, blank=True, max_digits=18, decimal_places=4
    )
    baseline_year = models.PositiveSmallIntegerField(_("ปีของค่าฐาน (พ.ศ.)"), null=True, blank=True)
    target_value = models.DecimalField(_("ค่าเป้าหมายทั้งปี"), max_digits=18, decimal_places=4)
    is_cumulative = models.BooleanField(
        _("เป้าหมายรายไตรมาสเป็นค่าสะสม"),
        default=True,
        help_text=_("สะสม: ค่าเป้าหมายไตรมาสหลังรวมผลของไตรมาสก่อนหน้าแล้ว"),
    )
    formula = models.TextField(_("สูตรการคำนวณ"), blank=True)
    data_source = models.TextField(_("แหล่งข้อมูล"), blank=True)
    collection_method = models.TextField(_("วิธีการเก็บข้อมูล"), blank=True)
    evaluator_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงานผู้ประเมิน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluated_indicators",
    )
    evaluator_person = models.CharField(_("ผู้ประเมิน"), max_length=200, blank=True)
    frequency = models.CharField(
        _("ความถี่ในการวัด"), max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    weight = models.DecimalField(
        _("น้ำหนัก"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    scoring_rule = models.CharField(
        _("เกณฑ์การให้คะแนน"),
        max_length=20,
        choices=ScoringRule.choices,
        default=ScoringRule.ACHIEVED,
    )

    access_rules: ClassVar[AccessRules] = _content_rules(
        scopes=(
            Scope(
                "project__lead_unit_path",
                {
                    Action.VIEW: ALL_ROLES,
                    Action.ADD: frozenset({Role.REPORTER}),
                    Action.CHANGE: frozenset({Role.REPORTER}),
                    Action.DELETE: frozenset({Role.REPORTER}),
                },
            ),
        ),
        also_visible=_partners_of("project_id"),
    )

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["plan_version_id", "goal_id", "project_id", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(goal__isnull=False) & Q(project__isnull=True))
                | (Q(goal__isnull=True) & Q(project__isnull=False)),
                name="plans_indicator_goal_or_project",
                violation_error_message=_("ตัวชี้วัดต้องเป็นของเป้าประสงค์หรือของโครงการอย่างใดอย่างหนึ่ง"),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="plans_indicator_weight_positive",
                violation_error_message=_("น้ำหนักต้องไม่ติดลบ"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator", args=[self.pk])


def _indicator_part_rules() -> AccessRules:
    return AccessRules(
        unit_path="indicator__plan_version__plan__unit__path",
        roles=CONTENT_ROLES,
        public=Q(indicator__plan_version__status=PUBLISHED),
        scopes=(
            Scope(
                "indicator__project__lead_unit_path",
                {
                    Action.VIEW: ALL_ROLES,
                    Action.ADD: frozenset({Role.REPORTER}),
                    Action.CHANGE: frozenset({Role.REPORTER}),
                    Action.DELETE: frozenset({Role.REPORTER}),
                },
            ),
        ),
    )


class IndicatorTarget(BaseModel):
    """ค่าเป้าหมายรายไตรมาส (or half-year) of an indicator: results need a target first."""

    class Period(models.TextChoices):
        Q1 = "Q1", _("ไตรมาสที่ 1")
        Q2 = "Q2", _("ไตรมาสที่ 2")
        Q3 = "Q3", _("ไตรมาสที่ 3")
        Q4 = "Q4", _("ไตรมาสที่ 4")
        H1 = "H1", _("รอบ 6 เดือนแรก")
        H2 = "H2", _("รอบ 6 เดือนหลัง")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="targets"
    )
    period = models.CharField(_("ช่วงเวลา"), max_length=2, choices=Period.choices)
    value = models.DecimalField(_("ค่าเป้าหมาย"), max_digits=18, decimal_places=4)

    access_rules: ClassVar[AccessRules] = _indicator_part_rules()

    class Meta:
        verbose_name = _("ค่าเป้าหมายรายช่วง")
        verbose_name_plural = _("ค่าเป้าหมายรายช่วง")
        ordering = ["indicator_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="plans_target_one_per_period",
                violation_error_message=_("ตัวชี้วัดนี้มีค่าเป้าหมายของช่วงนี้แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()}: {self.value.normalize():f}"

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator", args=[self.indicator_id]) + "#targets"


class ScoringBand(BaseModel):
    """One level of a 5-level rule: a result at or beyond ``threshold`` scores ``level``.

    "Beyond" follows the indicator's direction: at least the threshold when higher is better,
    at most when lower is better. Linear scoring interpolates between the thresholds.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="bands"
    )
    level = models.PositiveSmallIntegerField(_("ระดับคะแนน"), validators=[MinValueValidator(1)])
    threshold = models.DecimalField(_("ค่าเกณฑ์"), max_digits=18, decimal_places=4)

    access_rules: ClassVar[AccessRules] = _indicator_part_rules()

    class Meta:
        verbose_name = _("เกณฑ์ระดับคะแนน")
        verbose_name_plural = _("เกณฑ์ระดับคะแนน")
        ordering = ["indicator_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level"],
                name="plans_band_one_per_level",
                violation_error_message=_("ระดับคะแนนนี้มีเกณฑ์แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.threshold.normalize():f}"

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator", args=[self.indicator_id]) + "#scoring"


class Milestone(BaseModel):
    """A step of a milestone checklist (ระดับความสำเร็จ): step ``step`` done scores ``step``."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ตัวชี้วัด"), on_delete=models.CASCADE, related_name="milestones"
    )
    step = models.PositiveSmallIntegerField(_("ขั้นที่"), validators=[MinValueValidator(1)])
    description = models.CharField(_("สิ่งที่ต้องสำเร็จ"), max_length=500)

    access_rules: ClassVar[AccessRules] = _indicator_part_rules()

    class Meta:
        verbose_name = _("ขั้นความสำเร็จ")
        verbose_name_plural = _("ขั้นความสำเร็จ")
        ordering = ["indicator_id", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "step"],
                name="plans_milestone_one_per_step",
                violation_error_message=_("มีขั้นที่นี้แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.step}. {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator", args=[self.indicator_id]) + "#scoring"


class AlignmentLink(PlanContent):
    """ความสอดคล้อง: a strategic issue, goal, indicator or project serves a framework node."""

    node = models.ForeignKey(
        "frameworks.FrameworkNode",
        verbose_name=_("ข้อในกรอบ"),
        on_delete=models.PROTECT,
        related_name="alignment_links",
    )
    strategic_issue = models.ForeignKey(
        StrategicIssue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alignment_links",
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="alignment_links"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="alignment_links"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="alignment_links"
    )
    is_primary = models.BooleanField(_("ความสอดคล้องหลัก"), default=False)

    SUBJECTS: ClassVar[tuple[str, ...]] = ("strategic_issue", "goal", "indicator", "project")

    access_rules: ClassVar[AccessRules] = _content_rules(
        scopes=(
            Scope(
                "project__lead_unit_path",
                {
                    Action.VIEW: ALL_ROLES,
                    Action.ADD: frozenset({Role.REPORTER}),
                    Action.CHANGE: frozenset({Role.REPORTER}),
                    Action.DELETE: frozenset({Role.REPORTER}),
                },
            ),
        )
    )

    class Meta:
        verbose_name = _("ความสอดคล้องกับกรอบ")
        verbose_name_plural = _("ความสอดคล้องกับกรอบ")
        ordering = ["plan_version_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(strategic_issue__isnull=False, goal=None, indicator=None, project=None)
                    | Q(strategic_issue=None, goal__isnull=False, indicator=None, project=None)
                    | Q(strategic_issue=None, goal=None, indicator__isnull=False, project=None)
                    | Q(strategic_issue=None, goal=None, indicator=None, project__isnull=False)
                ),
                name="plans_link_one_subject",
                violation_error_message=_("ความสอดคล้องต้องเป็นของรายการเดียว"),
            ),
            *[
                models.UniqueConstraint(
                    fields=[subject, "node"],
                    name=f"plans_link_{subject}_node_unique",
                    condition=Q(**{f"{subject}__isnull": False}),
                    violation_error_message=_("เชื่อมโยงกับข้อนี้แล้ว"),
                )
                for subject in ("strategic_issue", "goal", "indicator", "project")
            ],
            *[
                models.UniqueConstraint(
                    fields=[subject],
                    name=f"plans_link_{subject}_one_primary",
                    condition=Q(is_primary=True, **{f"{subject}__isnull": False}),
                    violation_error_message=_("มีความสอดคล้องหลักแล้ว (หลักได้เพียงหนึ่งรายการ)"),
                )
                for subject in ("strategic_issue", "goal", "indicator", "project")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.node}"

    @property
    def subject(self) -> Any:
        """The issue, goal, indicator or project this link is for."""
        for name in self.SUBJECTS:
            value = getattr(self, name)
            if value is not None:
                return value
        raise ValueError("alignment link without a subject")

    def get_absolute_url(self) -> str:
        return str(self.subject.get_absolute_url()) + "#alignment"
