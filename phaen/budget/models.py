"""Budget: where the money comes from, where it is allocated, how it is planned to be spent,
what is committed and disbursed, transfers, carry-over and lapse, and the cabinet's targets.

Rules (DOMAIN.md §5): money is Decimal to the satang; *disbursed* (เบิกจ่าย) is money paid out;
*used* (ใช้จ่าย) is disbursed plus what open commitments still owe. An allocation keeps its
original amount and its amount after transfers; transfers, carry-over and lapse are records,
never edits that hide what was there. Rows that follow a unit copy its path (``unit_path``) for
the access policy; rows of a project keep the project's ``lineage`` so that budgets carry across
plan versions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from phaen.core.access import ALL_ROLES, GLOBAL, MANAGERS, AccessRules, Action, Role
from phaen.core.models import BaseModel
from phaen.core.trees import PathField
from phaen.thai.dates import format_date_short

ZERO = Decimal("0.00")
RECORDERS = MANAGERS | {Role.REPORTER}


def money(verbose_name: StrOrPromise, *, editable: bool = True) -> models.DecimalField[Any, Any]:
    """A baht amount: Decimal, two places, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        editable=editable,
    )


class EconomicClass(models.TextChoices):
    CURRENT = "current", _("รายจ่ายประจำ")
    CAPITAL = "capital", _("รายจ่ายลงทุน")


class FundSource(BaseModel):
    """แหล่งเงิน: the office's appropriation, agencies' budgets, off-budget money, carry-over…"""

    class Kind(models.TextChoices):
        APPROPRIATION = "appropriation", _("งบประมาณรายจ่ายประจำปี")
        AGENCY = "agency", _("งบประมาณของหน่วยงานทางการศึกษาในจังหวัด")
        OFF_BUDGET = "off_budget", _("เงินนอกงบประมาณ")
        CARRY_OVER = "carry_over", _("เงินกันไว้เบิกเหลื่อมปี")
        OTHER = "other", _("อื่น ๆ")

    code = models.SlugField(_("รหัส"), max_length=40, unique=True)
    name = models.CharField(_("ชื่อแหล่งเงิน"), max_length=200)
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path=GLOBAL)

    class Meta:
        verbose_name = _("แหล่งเงิน")
        verbose_name_plural = _("แหล่งเงิน")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("budget:fundsource", args=[self.pk])


class ExpenseCategory(BaseModel):
    """งบรายจ่ายและรายการ: งบบุคลากร, งบดำเนินงาน (ค่าตอบแทน, ค่าใช้สอย…), งบลงทุน…"""

    code = models.SlugField(_("รหัส"), max_length=40, unique=True)
    name = models.CharField(_("ชื่อ"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("งบรายจ่าย"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    economic_class = models.CharField(
        _("ลักษณะเศรษฐกิจ"), max_length=10, choices=EconomicClass.choices
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path=GLOBAL)

    class Meta:
        verbose_name = _("งบรายจ่าย")
        verbose_name_plural = _("งบรายจ่ายและรายการ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} – {self.name}" if self.parent_id else self.name  # type: ignore[union-attr]

    def get_absolute_url(self) -> str:
        return reverse("budget:expensecategory", args=[self.pk])


class Allocation(BaseModel):
    """การจัดสรร: money of one fund source given to a unit, a project or an activity.

    Allocations form a tree per fiscal year: a unit's envelope (no parent), split to work groups,
    projects and activities. ``original_amount`` is what was first allocated; ``amount`` is the
    amount after approved transfers. Children never add up to more than their parent.
    """

    class Level(models.TextChoices):
        UNIT = "unit", _("หน่วยงาน")
        PROJECT = "project", _("โครงการ")
        ACTIVITY = "activity", _("กิจกรรม")

    fiscal_year = models.ForeignKey(
        "plans.FiscalYear", verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="+"
    )
    fund_source = models.ForeignKey(
        FundSource, verbose_name=_("แหล่งเงิน"), on_delete=models.PROTECT, related_name="allocations"
    )
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name=_("งบรายจ่าย/รายการ"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    economic_class = models.CharField(
        _("ลักษณะเศรษฐกิจ"), max_length=10, choices=EconomicClass.choices, editable=False
    )
    top_category = models.ForeignKey(
        ExpenseCategory,
        verbose_name=_("งบรายจ่าย"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
        help_text=_("งบรายจ่ายระดับบนของรายการ (ใช้รวมยอดตามงบรายจ่าย)"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("จัดสรรจาก"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    root = models.ForeignKey(
        "self",
        verbose_name=_("วงเงินต้นทาง"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("การจัดสรรระดับบนสุดของสายนี้ (วงเงินของหน่วยงาน)"),
    )
    level = models.CharField(_("ระดับ"), max_length=10, choices=Level.choices, editable=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    project = models.ForeignKey(
        "plans.Project",
        verbose_name=_("โครงการ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("กิจกรรม"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    original_amount = money(_("จำนวนที่จัดสรรครั้งแรก (บาท)"), editable=False)
    amount = money(_("จำนวนเงินหลังโอนเปลี่ยนแปลง (บาท)"))
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    closed_at = models.DateTimeField(
        _("ปิดปีงบประมาณเมื่อ"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("หลังปิดปีงบประมาณ บันทึกก่อหนี้หรือเบิกจ่ายเพิ่มไม่ได้ (เงินที่กันไว้ย้ายไปปีถัดไปแล้ว)"),
    )
    # Kept by the services: the allocation tree's path (sums over a branch), the unit's path
    # (the access policy) and the project's lineage (budgets follow a plan's revisions).
    tree_path = PathField(editable=False, blank=True)
    unit_path = PathField(editable=False)
    project_lineage = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS,
            Action.DELETE: MANAGERS,
        },
    )
    audit_exclude = BaseModel.audit_exclude | {
        "tree_path",
        "unit_path",
        "project_lineage",
        "root",
        "top_category",
    }

    class Meta:
        verbose_name = _("การจัดสรรงบประมาณ")
        verbose_name_plural = _("การจัดสรรงบประมาณ")
        ordering = ["fiscal_year_id", "unit_path", "level", "pk"]
        indexes = [
            models.Index(fields=["unit_path"], name="budget_alloc_path_idx"),
            models.Index(fields=["fiscal_year", "fund_source"], name="budget_alloc_year_fund_idx"),
            models.Index(fields=["parent"], name="budget_alloc_parent_idx"),
            models.Index(
                fields=["fiscal_year", "project_lineage"], name="budget_alloc_lineage_idx"
            ),
            models.Index(fields=["root"], name="budget_alloc_root_idx"),
            models.Index(fields=["tree_path"], name="budget_alloc_tree_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(original_amount__gte=0),
                name="budget_alloc_amount_positive",
                violation_error_message=_("จำนวนเงินต้องไม่ติดลบ"),
            ),
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(project__isnull=False),
                name="budget_alloc_activity_needs_project",
                violation_error_message=_("การจัดสรรให้กิจกรรมต้องระบุโครงการด้วย"),
            ),
        ]

    def __str__(self) -> str:
        target = self.activity or self.project or self.unit
        return f"{target} · {self.fund_source} · {self.category}"

    def get_absolute_url(self) -> str:
        return reverse("budget:allocation", args=[self.pk])


class SpendingPlanLine(BaseModel):
    """แผนการใช้จ่าย: how much of an allocation is planned to be spent in a month."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("การจัดสรร"), on_delete=models.CASCADE, related_name="plan_lines"
    )
    month = models.DateField(_("เดือน"))
    amount = money(_("จำนวนเงิน (บาท)"))

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="allocation__unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: RECORDERS,
            Action.CHANGE: RECORDERS,
            Action.DELETE: RECORDERS,
        },
    )

    class Meta:
        verbose_name = _("แผนการใช้จ่ายรายเดือน")
        verbose_name_plural = _("แผนการใช้จ่ายรายเดือน")
        ordering = ["allocation_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "month"],
                name="budget_plan_line_unique",
                violation_error_message=_("มีแผนการใช้จ่ายของเดือนนี้แล้ว"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("budget:allocation", args=[self.allocation_id]) + "#spending-plan"


def _recorded_rules() -> AccessRules:
    return AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: RECORDERS,
            Action.CHANGE: RECORDERS,
            Action.DELETE: RECORDERS,
        },
    )


class Commitment(BaseModel):
    """ก่อหนี้ผูกพัน: a purchase order or contract against an allocation."""

    class Status(models.TextChoices):
        OPEN = "open", _("ผูกพันอยู่")
        CLOSED = "closed", _("ปิดแล้ว")
        CANCELLED = "cancelled", pgettext_lazy("state", "ยกเลิกแล้ว")
        CARRIED_OVER = "carried_over", _("กันเงินไว้เบิกเหลื่อมปีแล้ว")

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("การจัดสรร"), on_delete=models.PROTECT, related_name="commitments"
    )
    date = models.DateField(_("วันที่ก่อหนี้"))
    document_number = models.CharField(_("เลขที่ใบสั่งซื้อ/สัญญา"), max_length=100)
    amount = money(_("จำนวนเงิน (บาท)"))
    counterpart = models.CharField(_("คู่สัญญา/ผู้ขาย"), max_length=255)
    description = models.CharField(_("รายละเอียด"), max_length=500, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("ยกมาจากข้อผูกพันปีก่อน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    override_reason = models.TextField(_("เหตุผลที่อนุญาตให้เกินวงเงิน"), blank=True)
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = _recorded_rules()
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("การก่อหนี้ผูกพัน")
        verbose_name_plural = _("การก่อหนี้ผูกพัน")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["unit_path"], name="budget_commit_path_idx"),
            # The lists' default order (newest first), paged without sorting every record.
            models.Index(fields=["-date", "-id"], name="budget_commit_order_idx"),
            models.Index(fields=["allocation", "status"], name="budget_commit_alloc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_commit_amount_positive",
                violation_error_message=_("จำนวนเงินต้องมากกว่าศูนย์"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.counterpart}"

    def get_absolute_url(self) -> str:
        return reverse("budget:commitment", args=[self.pk])


class Disbursement(BaseModel):
    """เบิกจ่าย: money paid out of an allocation, against a commitment or directly."""

    allocation = models.ForeignKey(
        Allocation,
        verbose_name=_("การจัดสรร"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("ตามข้อผูกพัน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
    )
    date = models.DateField(_("วันที่เบิกจ่าย"))
    document_number = models.CharField(_("เลขที่เอกสารเบิกจ่าย"), max_length=100)
    amount = money(_("จำนวนเงิน (บาท)"))
    description = models.CharField(_("รายละเอียด"), max_length=500, blank=True)
    override_reason = models.TextField(_("เหตุผลที่อนุญาตให้เกินวงเงิน"), blank=True)
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = _recorded_rules()
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("การเบิกจ่าย")
        verbose_name_plural = _("การเบิกจ่าย")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["unit_path"], name="budget_disb_path_idx"),
            # The lists' default order (newest first), paged without sorting every record.
            models.Index(fields=["-date", "-id"], name="budget_disb_order_idx"),
            models.Index(fields=["allocation", "date"], name="budget_disb_alloc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_disb_amount_positive",
                violation_error_message=_("จำนวนเงินต้องมากกว่าศูนย์"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_number} ({format_date_short(self.date)})"

    def get_absolute_url(self) -> str:
        return reverse("budget:disbursement", args=[self.pk])


class BudgetTransfer(BaseModel):
    """โอนเปลี่ยนแปลง: moving money between two allocations, requested, then approved."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("รออนุมัติ")
        APPROVED = "approved", _("อนุมัติแล้ว")
        REJECTED = "rejected", _("ไม่อนุมัติ")
        WITHDRAWN = "withdrawn", _("ถอนคำขอ")

    fiscal_year = models.ForeignKey(
        "plans.FiscalYear", verbose_name=_("ปีงบประมาณ"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        Allocation, verbose_name=_("โอนจาก"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    target = models.ForeignKey(
        Allocation, verbose_name=_("โอนไปยัง"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    amount = money(_("จำนวนเงิน (บาท)"))
    reason = models.TextField(_("เหตุผลการโอน"))
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้พิจารณา"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_note = models.TextField(_("ความเห็นผู้พิจารณา"), blank=True)
    approval_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("อนุมัติในระดับหน่วยงาน"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The lowest unit above both allocations: who may request and approve.
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS,
            Action.DELETE: MANAGERS,
            "approve": frozenset({Role.APPROVER}),
        },
    )
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("การโอนเปลี่ยนแปลงงบประมาณ")
        verbose_name_plural = _("การโอนเปลี่ยนแปลงงบประมาณ")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit_path"], name="budget_transfer_path_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_transfer_amount_positive",
                violation_error_message=_("จำนวนเงินที่โอนต้องมากกว่าศูนย์"),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="budget_transfer_two_allocations",
                violation_error_message=_("ต้องโอนระหว่างการจัดสรรสองรายการที่ต่างกัน"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("budget:budgettransfer", args=[self.pk])


class CarryOver(BaseModel):
    """กันเงินไว้เบิกเหลื่อมปี: a commitment's unpaid balance carried into the next fiscal year.

    The balance becomes a commitment of a carry-over allocation in the next year, payable until
    the deadline (six months, extendable with a recorded approval).
    """

    commitment = models.OneToOneField(
        Commitment, verbose_name=_("ข้อผูกพันเดิม"), on_delete=models.PROTECT, related_name="carry_over"
    )
    new_commitment = models.OneToOneField(
        Commitment,
        verbose_name=_("ข้อผูกพันในปีถัดไป"),
        on_delete=models.PROTECT,
        related_name="carried_in",
    )
    amount = money(_("จำนวนเงินที่กันไว้ (บาท)"))
    deadline = models.DateField(_("เบิกจ่ายได้ถึงวันที่"))
    extended_deadline = models.DateField(_("ขยายเวลาเบิกจ่ายถึงวันที่"), null=True, blank=True)
    extension_reference = models.CharField(_("หนังสืออนุมัติขยายเวลา"), max_length=255, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้บันทึกการขยายเวลา"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS,
            Action.DELETE: frozenset(),
            "extend": MANAGERS | {Role.APPROVER},
        },
    )
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("เงินกันไว้เบิกเหลื่อมปี")
        verbose_name_plural = _("เงินกันไว้เบิกเหลื่อมปี")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["unit_path"], name="budget_carry_path_idx")]

    def __str__(self) -> str:
        return f"{self.commitment} → {self.deadline:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("budget:carryover", args=[self.pk])

    @property
    def effective_deadline(self) -> object:
        return self.extended_deadline or self.deadline


class Lapse(BaseModel):
    """เงินเหลือจ่ายที่พับไป: uncommitted money of an allocation at the end of the fiscal year."""

    allocation = models.OneToOneField(
        Allocation, verbose_name=_("การจัดสรร"), on_delete=models.PROTECT, related_name="lapse"
    )
    amount = money(_("จำนวนเงินที่พับ (บาท)"))
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path",
        roles={
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
    )
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("เงินพับสิ้นปีงบประมาณ")
        verbose_name_plural = _("เงินพับสิ้นปีงบประมาณ")
        ordering = ["allocation_id"]
        indexes = [models.Index(fields=["unit_path"], name="budget_lapse_path_idx")]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("budget:allocation", args=[self.allocation_id]) + "#lapse"


class DisbursementTarget(BaseModel):
    """เป้าหมายการเบิกจ่ายตามมติคณะรัฐมนตรี: a cumulative percentage by the end of a period."""

    class Scope(models.TextChoices):
        OVERALL = "overall", _("ภาพรวม")
        CURRENT = "current", _("รายจ่ายประจำ")
        CAPITAL = "capital", _("รายจ่ายลงทุน")

    # The BE year, not a FiscalYear row: the cabinet's targets exist whether or not an office
    # has opened that fiscal year in phaen.
    fiscal_year = models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"), validators=[MinValueValidator(2400), MaxValueValidator(2700)]
    )
    period = models.CharField(
        _("ช่วงเวลา"),
        max_length=3,
        help_text=_("ไตรมาส Q1–Q4 หรือเดือน M01–M12 (M01 = ตุลาคม)"),
    )
    scope = models.CharField(_("ขอบเขต"), max_length=10, choices=Scope.choices)
    percent = models.DecimalField(
        _("ร้อยละสะสม"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    source = models.CharField(_("ที่มา"), max_length=255, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path=GLOBAL, public=Q())

    class Meta:
        verbose_name = _("เป้าหมายการเบิกจ่าย")
        verbose_name_plural = _("เป้าหมายการเบิกจ่าย")
        ordering = ["-fiscal_year", "period", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "period", "scope"],
                name="budget_target_unique",
                violation_error_message=_("มีเป้าหมายของปี ช่วงเวลา และขอบเขตนี้แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=r"^(Q[1-4]|M(0[1-9]|1[0-2]))$"),
                name="budget_target_period_key",
                violation_error_message=_("ช่วงเวลาต้องเป็น Q1–Q4 หรือ M01–M12"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.period} {self.get_scope_display()} {self.percent}%"

    def get_absolute_url(self) -> str:
        return reverse("budget:disbursementtarget", args=[self.pk])


class BudgetPolicy(BaseModel):
    """นโยบายการควบคุมงบ of a unit (and the units below it that have none of their own)."""

    class OverspendMode(models.TextChoices):
        REFUSE = "refuse", _("ไม่อนุญาตให้เกินวงเงิน")
        WARN = "warn", _("อนุญาตเมื่อระบุเหตุผล (บันทึกไว้ในประวัติ)")

    unit = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงาน"),
        on_delete=models.PROTECT,
        related_name="budget_policy",
    )
    overspend_mode = models.CharField(
        _("เมื่อใช้จ่ายเกินวงเงิน"),
        max_length=10,
        choices=OverspendMode.choices,
        default=OverspendMode.REFUSE,
    )
    behind_points = models.DecimalField(
        _("ต่ำกว่าเป้าหมายเกินกี่จุดร้อยละจึงถือว่าล่าช้า"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    far_behind_points = models.DecimalField(
        _("ต่ำกว่าเป้าหมายเกินกี่จุดร้อยละจึงถือว่าล่าช้ามาก"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
    )
    unit_path = PathField(editable=False)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path="unit_path")
    audit_exclude = BaseModel.audit_exclude | {"unit_path"}

    class Meta:
        verbose_name = _("นโยบายการควบคุมงบประมาณ")
        verbose_name_plural = _("นโยบายการควบคุมงบประมาณ")
        ordering = ["unit_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(far_behind_points__gte=F("behind_points")),
                name="budget_policy_thresholds",
                violation_error_message=_("เกณฑ์ “ล่าช้ามาก” ต้องไม่น้อยกว่าเกณฑ์ “ล่าช้า”"),
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def get_absolute_url(self) -> str:
        return reverse("budget:budgetpolicy", args=[self.pk])


class RollupKey(models.Model):
    """The key of the running sums: fiscal year × unit (the allocation's unit and every unit
    above it) × fund source × expenditure category (the top level, งบ…; its economic class is
    copied for the cabinet's current/capital targets).

    The services keep the sums in the same transaction as each write, so province- and
    nation-wide overviews read a few hundred rows instead of millions and are never stale.
    ``phaen.budget.rollups.rebuild`` recomputes them from the base tables (tests compare both).
    """

    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    fund_source = models.ForeignKey(FundSource, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ExpenseCategory, on_delete=models.CASCADE, related_name="+")
    economic_class = models.CharField(max_length=10, choices=EconomicClass.choices)

    class Meta:
        abstract = True


class BudgetRollup(RollupKey):
    """Money allocated into each unit's subtree: an allocation counts at the units between its
    own unit and the unit of the allocation it came from (so nested ones count once)."""

    original = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)
    allocated = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("ยอดสรุปวงเงิน")
        verbose_name_plural = _("ยอดสรุปวงเงิน")
        ordering = ["fiscal_year_id", "unit_id", "fund_source_id", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "unit", "fund_source", "category"],
                name="budget_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}/{self.unit_id}/{self.fund_source_id}/{self.category_id}"


class BudgetMonthRollup(RollupKey):
    """Per month: planned (the spending plans of the allocations counted in BudgetRollup),
    committed (commitments made that month), owed (what those commitments still owe today) and
    disbursed. Used to date is disbursed plus owed, summed over the months so far."""

    month = models.DateField()
    planned = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)
    committed = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)
    owed = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)
    disbursed = models.DecimalField(max_digits=17, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("ยอดสรุปรายเดือน")
        verbose_name_plural = _("ยอดสรุปรายเดือน")
        ordering = ["fiscal_year_id", "unit_id", "fund_source_id", "category_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "unit", "fund_source", "category", "month"],
                name="budget_month_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}/{self.unit_id}/{self.fund_source_id}/{self.month}"
