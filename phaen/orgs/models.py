"""The organisation tree and memberships (who holds which role where).

A unit's ``path`` is the materialised path of zero-padded ids from the root (see
phaen.core.trees), e.g. ``/0000000001/0000000004/``. The subtree of a unit is every unit whose
path starts with its path: one indexed prefix filter, never a recursive query (on PostgreSQL
the path column uses the "C" collation, so one B-tree index serves both the prefix filter and
tree order).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaen.core.access import MANAGERS, AccessRules, Action, Grant, Role
from phaen.core.models import BaseModel
from phaen.core.trees import PathField, child_path, path_ids

CODE_TAKEN_MESSAGE = _("รหัสหน่วยงานนี้มีอยู่แล้ว")


class OrgUnit(BaseModel):
    """หน่วยงาน: a ministry, office, work group, service area, school or other agency."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("กระทรวง")
        OFFICE = "office", _("ส่วนราชการส่วนกลาง")
        REGIONAL_OFFICE = "regional_office", _("สำนักงานศึกษาธิการภาค")
        PROVINCIAL_OFFICE = "provincial_office", _("สำนักงานศึกษาธิการจังหวัด")
        WORK_GROUP = "work_group", _("กลุ่มงาน")
        PRIMARY_SERVICE_AREA = "primary_service_area", _("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา")
        SECONDARY_SERVICE_AREA = "secondary_service_area", _("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา")
        SCHOOL = "school", _("โรงเรียน")
        VOCATIONAL_COLLEGE = "vocational_college", _("สถานศึกษาอาชีวศึกษา")
        NON_FORMAL_OFFICE = "non_formal_office", _("หน่วยงานส่งเสริมการเรียนรู้ (กศน./สกร.)")
        UNIVERSITY = "university", _("สถาบันอุดมศึกษา")
        LOCAL_GOVERNMENT = "local_government", _("องค์กรปกครองส่วนท้องถิ่น")
        OTHER = "other", _("หน่วยงานอื่น")

    class Affiliation(models.TextChoices):
        OPS = "ops", _("สำนักงานปลัดกระทรวงศึกษาธิการ (สป.)")
        OBEC = "obec", _("สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)")
        OPEC = "opec", _("สำนักงานคณะกรรมการส่งเสริมการศึกษาเอกชน (สช.)")
        OVEC = "ovec", _("สำนักงานคณะกรรมการการอาชีวศึกษา (สอศ.)")
        DOLE = "dole", _("กรมส่งเสริมการเรียนรู้ (สกร./กศน.)")
        MHESI = "mhesi", _("กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม (อว.)")
        DLA = "dla", _("องค์กรปกครองส่วนท้องถิ่น (อปท.)")
        BPP = "bpp", _("กองบัญชาการตำรวจตระเวนชายแดน (ตชด.)")
        NOB = "nob", _("สำนักงานพระพุทธศาสนาแห่งชาติ (พศ.)")
        OTHER = "other", _("อื่น ๆ")

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    code = models.CharField(
        _("รหัสหน่วยงาน"),
        max_length=20,
        blank=True,
        help_text=_("รหัสทางราชการ เช่น รหัสสถานศึกษา 10 หลัก (ไม่ซ้ำกัน)"),
    )
    kind = models.CharField(_("ประเภท"), max_length=40, choices=Kind.choices, db_index=True)
    affiliation = models.CharField(
        _("สังกัด"), max_length=20, choices=Affiliation.choices, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("หน่วยงานต้นสังกัด"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = PathField(_("ตำแหน่งในผัง"), editable=False, blank=True)  # see phaen.core.trees
    depth = models.PositiveSmallIntegerField(_("ระดับ"), default=0, editable=False)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True, db_index=True)
    province = models.CharField(_("จังหวัด"), max_length=100, blank=True)
    address = models.TextField(_("ที่อยู่"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(unit_path="path")
    audit_exclude = BaseModel.audit_exclude | {"path", "depth"}

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="orgs_unit_code_unique",
                violation_error_message=CODE_TAKEN_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="orgs_unit_name_required",
                violation_error_message=_("ต้องระบุชื่อหน่วยงาน"),
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="orgs_unit_path_idx"),
            models.Index(fields=["parent", "name"], name="orgs_unit_children_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:orgunit", args=[self.pk])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        """Ids on the path from the root down to (not including) this unit."""
        return path_ids(self.path)[:-1]

    def is_descendant_of(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


def _own_memberships(user: Any, action: str, grants: tuple[Grant, ...]) -> Q | None:
    """Everyone may see their own memberships."""
    return Q(user=user) if action == Action.VIEW else None


class Membership(BaseModel):
    """สมาชิกภาพ: a user's role in a unit, valid for the unit and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ใช้"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)

    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit__path",
        roles={
            # Directors (approvers) see who works where; only managers change it.
            Action.VIEW: MANAGERS | {Role.APPROVER},
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS,
            Action.DELETE: MANAGERS,
        },
        also_visible=_own_memberships,
    )

    class Meta:
        verbose_name = _("บทบาทของผู้ใช้")
        verbose_name_plural = _("ผู้ใช้และบทบาท")
        ordering = ["unit__path", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="orgs_membership_unique",
                violation_error_message=_("ผู้ใช้นี้มีบทบาทนี้ในหน่วยงานนี้อยู่แล้ว"),
            ),
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in Role]),
                name="orgs_membership_role_valid",
                violation_error_message=_("บทบาทไม่ถูกต้อง"),
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="orgs_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:membership", args=[self.pk])


__all__ = ["CODE_TAKEN_MESSAGE", "Membership", "OrgUnit", "child_path"]
