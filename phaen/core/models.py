"""Core models: users, the base model every domain model extends, and the audit log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaen.core.access import AccessRules, Action, RestrictedManager, Role
from phaen.core.trees import PathField


class User(AbstractUser):
    """ผู้ใช้ระบบ: a person who logs in. What they may do comes from their memberships."""

    full_name = models.CharField(_("ชื่อ-นามสกุล"), max_length=200, blank=True)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    is_demo_account = models.BooleanField(
        _("บัญชีสาธิต"),
        default=False,
        editable=False,
        help_text=_("บัญชีสาธิตที่มีรหัสผ่านสาธารณะ ใช้ได้เฉพาะในฐานข้อมูลสาธิต"),
    )
    email_notifications = models.BooleanField(
        _("รับการแจ้งเตือนทางอีเมล"),
        default=True,
        help_text=_("การแจ้งเตือนยังแสดงในระบบเสมอ ตัวเลือกนี้กำหนดเฉพาะการส่งสำเนาทางอีเมล"),
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name or super().get_short_name() or self.username


class BaseModel(models.Model):
    """Timestamps, who created and last changed the row, and a version for optimistic locking.

    ``version`` grows by one on every change made through a service; an edit based on an older
    version is refused instead of overwriting someone else's work.
    """

    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้สร้าง"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้แก้ไขล่าสุด"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("ฉบับที่"), default=1, editable=False)

    objects = RestrictedManager()

    access_rules: ClassVar[AccessRules]
    #: Fields left out of audit snapshots (bookkeeping, not content).
    audit_exclude: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "updated_at", "created_by", "updated_by", "version"}
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """บันทึกการเปลี่ยนแปลง: one state change, written by a service in the same transaction."""

    occurred_at = models.DateTimeField(_("เวลา"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ดำเนินการ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_name = models.CharField(_("ชื่อผู้ดำเนินการ"), max_length=200, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("ประเภทข้อมูล"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    object_id = models.CharField(_("รหัสรายการ"), max_length=64, blank=True)
    object_repr = models.CharField(_("รายการ"), max_length=255, blank=True)
    unit_path = PathField(_("หน่วยงานเจ้าของ (path)"), blank=True)
    before = models.JSONField(_("ก่อนเปลี่ยน"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("หลังเปลี่ยน"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("เหตุผล"), blank=True)
    ip_address = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True)
    request_id = models.CharField(_("รหัสคำขอ"), max_length=64, blank=True)

    objects = RestrictedManager()

    # Admins search the log of their subtree; the history of one object is shown to whoever
    # may view that object (see phaen.core.audit.history_for).
    access_rules: ClassVar[AccessRules] = AccessRules(
        unit_path="unit_path", roles={Action.VIEW: frozenset({Role.ADMIN})}
    )

    class Meta:
        verbose_name = _("บันทึกการเปลี่ยนแปลง")
        verbose_name_plural = _("บันทึกการเปลี่ยนแปลง")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-occurred_at"], name="audit_object_idx"
            ),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_idx"),
            models.Index(fields=["unit_path"], name="audit_unit_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def get_absolute_url(self) -> str:
        return reverse("core:auditevent", args=[self.pk])

    @property
    def action_label(self) -> str:
        """The action in words ("แก้ไข โครงการ"), for readers of a history."""
        verb = self.action.rsplit(".", 1)[-1]
        label = ACTION_VERBS.get(verb)
        if label is None:
            return self.action
        model = self.content_type.model_class() if self.content_type is not None else None
        noun = str(model._meta.verbose_name) if model is not None else ""
        return _("%(verb)s%(noun)s") % {"verb": label, "noun": noun} if noun else str(label)


#: Verbs of audit actions (``<app>.<model>.<verb>``) in words; apps add theirs.
ACTION_VERBS: dict[str, object] = {
    "created": _("เพิ่ม"),
    "updated": _("แก้ไข"),
    "deleted": _("ลบ"),
    "moved": _("ย้าย"),
    "deactivated": _("ปิดการใช้งาน"),
    "reactivated": _("เปิดใช้งาน"),
    "approved": _("อนุมัติ"),
    "rejected": _("ไม่อนุมัติ"),
    "published": _("เผยแพร่"),
    "copied": _("คัดลอกเนื้อหาเข้า"),
    "retired": _("เลิกใช้"),
    "restored": _("นำกลับมาใช้"),
    "extended": _("ขยายเวลา"),
    "carried_over": _("กันเงินไว้เบิกเหลื่อมปี: "),
    "transferred": _("โอนเปลี่ยนแปลงวงเงิน: "),
    "withdrawn": _("ถอน"),
}


class Notification(models.Model):
    """การแจ้งเตือน: a message to one user, shown in the app and, if they wish, e-mailed once.

    ``key`` names the occasion ("monitoring.reminder:report=12:due-7"); the unique constraint on
    (recipient, key) is what guarantees that nothing is sent twice, even when two workers run
    the same job at once. Notifications are personal: they declare no ``access_rules`` and are
    read only through ``phaen.core.notifications.notifications_for(user)``.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้รับ"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("ประเภท"), max_length=100)
    title = models.CharField(_("เรื่อง"), max_length=255)
    body = models.TextField(_("รายละเอียด"), blank=True)
    url = models.CharField(_("ลิงก์ในระบบ"), max_length=500, blank=True)
    key = models.CharField(_("รหัสกันส่งซ้ำ"), max_length=255)
    created_at = models.DateTimeField(_("แจ้งเมื่อ"), default=timezone.now)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("ส่งอีเมลเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="core_notification_once",
                violation_error_message=_("ผู้รับนี้ได้รับการแจ้งเตือนเรื่องนี้แล้ว"),
            )
        ]
        indexes = [
            # The bell: the unread of one user (a partial index, so it stays small).
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="core_notification_unread_idx",
            ),
            # The notifications page: all of one user, newest first.
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="core_notification_list_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notification_open", args=[self.pk])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
