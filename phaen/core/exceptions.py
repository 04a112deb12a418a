"""Domain errors. Views show their message on the form; the API maps them to one error shape."""

from __future__ import annotations

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the domain refused the change. ``message`` is for the user (Thai)."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(DomainError):
    """Someone else saved the record after this user opened it."""

    code = "stale_edit"
    status = 409

    def __init__(self, *, current_version: int, submitted_version: int) -> None:
        super().__init__(
            _(
                "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว (ขณะนี้เป็นฉบับที่ %(current)s "
                "แต่คุณแก้ไขจากฉบับที่ %(submitted)s) ระบบจึงไม่บันทึกการแก้ไขของคุณทับ "
                "กรุณาเปิดดูข้อมูลล่าสุดแล้วแก้ไขอีกครั้ง"
            )
            % {"current": current_version, "submitted": submitted_version}
        )
        self.current_version = current_version
        self.submitted_version = submitted_version


class OutOfScopeError(DomainError):
    """The change would leave the user's scope (e.g. moving a unit outside it)."""

    code = "out_of_scope"
    status = 403

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("คุณไม่มีสิทธิ์ดำเนินการกับข้อมูลนอกหน่วยงานที่คุณรับผิดชอบ"))


class ProtectedDataError(DomainError):
    """The record owns other data and cannot be deleted."""

    code = "protected"
    status = 409
