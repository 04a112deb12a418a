"""Access scenario of the audit log (read only; admins of the subtree)."""

from __future__ import annotations

from django.db import transaction

from phaen.core.access import Role
from phaen.core.audit import audit_record
from phaen.core.models import AuditEvent
from phaen.core.testing import AccessScenario


class AuditEventScenario(AccessScenario):
    model = AuditEvent
    ui_prefix = "core:auditevent"
    api_path = "/api/v1/audit-events/"
    ui_actions = frozenset({"list", "detail"})
    api_actions = frozenset({"list", "detail"})
    writer_role = Role.ADMIN
    reader_role = None

    def make(self) -> AuditEvent:
        with transaction.atomic():
            event = audit_record(
                actor=None,
                action="test.thing.updated",
                before={"name": "เดิม"},
                after={"name": "ใหม่"},
                unit_path=self.home.path,
            )
        assert event is not None
        return event
