"""Alignment frameworks: the national, ministry, regional and provincial plans a plan serves.

A framework is one version of a plan (the draft National Strategy 2560–2579 and the final one
2561–2580 are two frameworks of the same ``family``). Its nodes form a tree of any depth
(strategy → master plan → sub-plan → sub-plan target). National frameworks ship as data and
belong to no unit: everyone may read them, only superusers change them. Frameworks that offices
enter themselves (ministry strategy, provincial plans…) belong to a unit; the units below it may
read them, so an agency can align its plan to its province's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaen.core.access import AccessRules, Action, Grant, ancestor_paths
from phaen.core.models import BaseModel
from phaen.core.trees import PathField, path_ids


def _from_ancestors(owner_path: str) -> Any:
    """Frameworks of the user's ancestor units are readable (the PEO's plan for its agencies)."""

    def rule(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
        if action != Action.VIEW or not grants:
            return None
        return Q(**{f"{owner_path}__in": ancestor_paths(g.unit_path for g in grants)})

    return rule


class Framework(BaseModel):
    """กรอบการเชื่อมโยง: one version of a strategy or plan that action plans align to."""

    class Kind(models.TextChoices):
        NATIONAL_STRATEGY = "national_strategy", _("ยุทธศาสตร์ชาติ")
        MASTER_PLAN = "master_plan", _("แผนแม่บทภายใต้ยุทธศาสตร์ชาติ")
        REFORM_PLAN = "reform_plan", _("แผนการปฏิรูปประเทศ")
        NESDP = "nesdp", _("แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ")
        NATIONAL_SECURITY_POLICY = "national_security_policy", _("นโยบายความมั่นคงแห่งชาติ")
        GOVERNMENT_POLICY = "government_policy", _("นโยบายรัฐบาล")
        NATIONAL_EDUCATION_PLAN = "national_education_plan", _("แผนการศึกษาแห่งชาติ")
        SDG = "sdg", _("เป้าหมายการพัฒนาที่ยั่งยืน (SDGs)")
        MINISTRY_STRATEGY = "ministry_strategy", _("ยุทธศาสตร์กระทรวงศึกษาธิการ")
        MINISTER_FOCUS = "minister_focus", _("จุดเน้นเชิงนโยบายของรัฐมนตรี")
        REGIONAL_STRATEGY = "regional_strategy", _("ยุทธศาสตร์การพัฒนาการศึกษาของภาค")
        PROVINCIAL_STRATEGY = "provincial_strategy", _("ยุทธศาสตร์การพัฒนาจังหวัด")
        PROVINCIAL_EDUCATION_PLAN = "provincial_education_plan", _("แผนพัฒนาการศึกษาจังหวัด")
        OTHER = "other", _("อื่น ๆ")

    class Level(models.IntegerChoices):
        ONE = 1, _("ระดับที่ 1")
        TWO = 2, _("ระดับที่ 2")
        THREE = 3, _("ระดับที่ 3")

    class Status(models.TextChoices):
        DRAFT = "draft", _("ร่าง")
        FINAL = "final", _("ฉบับประกาศใช้")

    code = models.SlugField(
        _("รหัสกรอบ"),
        max_length=50,
        unique=True,
        help_text=_("ตัวอักษรอังกฤษ ตัวเลข และขีด เช่น nesdp-12"),
    )
    name = models.CharField(_("ชื่อ"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    family = models.SlugField(
        _("กลุ่มฉบับ"),
        max_length=50,
        help_text=_("ฉบับต่าง ๆ ของกรอบเดียวกันใช้กลุ่มเดียวกัน เช่น ร่างและฉบับประกาศใช้"),
    )
    kind = models.CharField(_("ประเภท"), max_length=40, choices=Kind.choices, db_index=True)
    level = models.PositiveSmallIntegerField(
        _("ระดับของแผน"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("ระดับตามมติคณะรัฐมนตรี 4 ธ.ค. 2560; ว่างไว้สำหรับกรอบระหว่างประเทศ เช่น SDGs"),
    )
    year_start = models.PositiveSmallIntegerField(_("ปีเริ่มต้น (พ.ศ.)"))
    year_end = models.PositiveSmallIntegerField(_("ปีสิ้นสุด (พ.ศ.)"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices)
    source_document = models.CharField(_("เอกสารอ้างอิง"), max_length=500, blank=True)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    owner = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("หน่วยงานเจ้าของกรอบ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        help_text=_("ว่างไว้สำหรับกรอบระดับชาติที่ระบบจัดให้"),
    )

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="owner__path",
        public=Q(owner__isnull=True),
        also_visible=_from_ancestors("owner__path"),
    )

    class Meta:
        verbose_name = _("กรอบการเชื่อมโยง")
        verbose_name_plural = _("กรอบการเชื่อมโยง")
        ordering = ["level", "kind", "-year_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=F("year_start")),
                name="frameworks_framework_years",
                violation_error_message=_("ปีสิ้นสุดต้องไม่ก่อนปีเริ่มต้น"),
            ),
            models.CheckConstraint(
                condition=Q(year_start__gte=2400, year_start__lte=2700),
                name="frameworks_framework_be_year",
                violation_error_message=_("ปีต้องเป็นปีพุทธศักราช เช่น 2561"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("frameworks:framework", args=[self.pk])

    @property
    def years(self) -> str:
        return f"{self.year_start}–{self.year_end}"

    @property
    def is_national(self) -> bool:
        return self.owner_id is None


class FrameworkNode(BaseModel):
    """ข้อในกรอบ: a strategy, master plan, sub-plan, target… at any depth of a framework."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("กรอบ"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("อยู่ภายใต้"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("ลำดับ/รหัส"), max_length=30, help_text=_("เช่น 3, 11.2, 4.a"))
    title = models.CharField(_("ชื่อ"), max_length=500)
    level_name = models.CharField(
        _("ชั้นของข้อ"), max_length=100, blank=True, help_text=_("เช่น ยุทธศาสตร์ แผนแม่บท แผนย่อย เป้าหมาย")
    )
    description = models.TextField(_("รายละเอียด"), blank=True)
    order = models.PositiveIntegerField(_("ลำดับการแสดง"), default=0)
    path = PathField(_("ตำแหน่งในกรอบ"), editable=False, blank=True)
    depth = models.PositiveSmallIntegerField(_("ชั้น"), default=0, editable=False)
    is_retired = models.BooleanField(_("ยกเลิกแล้ว"), default=False)
    retired_reason = models.CharField(_("เหตุผลที่ยกเลิก"), max_length=500, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="framework__owner__path",
        public=Q(framework__owner__isnull=True),
        also_visible=_from_ancestors("framework__owner__path"),
    )
    audit_exclude = BaseModel.audit_exclude | {"path", "depth"}

    class Meta:
        verbose_name = _("ข้อในกรอบ")
        verbose_name_plural = _("ข้อในกรอบ")
        ordering = ["framework_id", "path"]
        indexes = [models.Index(fields=["framework", "path"], name="frameworks_node_path_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="frameworks_node_code_unique",
                violation_error_message=_("รหัสนี้มีอยู่แล้วในกรอบนี้"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:frameworknode", args=[self.pk])

    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]
