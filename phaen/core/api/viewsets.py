"""Viewsets and serializers of the API: the access policy, services and versions built in.

Viewsets look objects up through ``restrict(user, "view")`` (404 outside the scope), check the
action's right on the object (403), and write through the same services as the UI, so the API
records the same audit events and refuses the same stale edits. Errors have one shape::

    {"error": {"code": "validation_error", "message": "ข้อมูลไม่ถูกต้อง", "fields": {...}}}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from phaen.core.access import AccessRules, Action, can, has_any_role
from phaen.core.filters import AuditEventFilterSet
from phaen.core.models import AuditEvent
from phaen.core.services import object_create, object_delete, object_update

if TYPE_CHECKING:
    from phaen.core.models import BaseModel, User


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-object fields accept only rows the requesting user may use.

    ``scope_actions`` names the action a related row must allow (``view`` by default).
    """

    scope_actions: ClassVar[dict[str, str]] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        for name, field in fields.items():
            related = (
                field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            )
            queryset = getattr(related, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                action = self.scope_actions.get(name, Action.VIEW)
                set_choices(related, queryset.restrict(request.user, action))
        return fields


def set_choices(field: serializers.Field, queryset: models.QuerySet[Any]) -> None:
    """Point a related field at the rows the user may choose."""
    field.queryset = queryset  # type: ignore[attr-defined]


CreateService = Callable[..., Any]


class PolicyViewSet(viewsets.ModelViewSet):
    """CRUD under the access policy, writing through services.

    Set ``queryset`` and ``serializer_class``; optionally ``create_service``, ``update_service``
    and ``delete_service`` (same keyword signatures as the generic ones in core.services).
    """

    queryset: models.QuerySet[Any]
    create_service: ClassVar[CreateService] = staticmethod(object_create)
    update_service: ClassVar[CreateService] = staticmethod(object_update)
    delete_service: ClassVar[CreateService] = staticmethod(object_delete)

    ACTIONS: ClassVar[dict[str, str]] = {
        "update": Action.CHANGE,
        "partial_update": Action.CHANGE,
        "destroy": Action.DELETE,
    }

    @property
    def rules(self) -> AccessRules:
        rules: AccessRules = self.queryset.model.access_rules
        return rules

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.queryset.restrict(self.request.user, Action.VIEW)  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        obj = super().get_object()
        policy_action = self.ACTIONS.get(self.action or "")
        if policy_action and not can(self.request.user, policy_action, obj):
            raise exceptions.PermissionDenied(_("คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้"))
        return obj

    @property
    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def _reason(self) -> str:
        return str(self.request.data.get("reason", "")) if hasattr(self.request.data, "get") else ""

    def _expected_version(self) -> int:
        raw = self.request.headers.get("If-Match", "").strip('"') or (
            self.request.data.get("version") if hasattr(self.request.data, "get") else None
        )
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise exceptions.ValidationError(
                {"version": [_("ต้องระบุ version ของข้อมูลที่แก้ไข (ค่า version ที่อ่านมาล่าสุด)")]}
            ) from None

    def _split_m2m(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        model = self.queryset.model
        m2m_names = {f.name for f in model._meta.many_to_many}
        plain = {k: v for k, v in data.items() if k not in m2m_names}
        m2m = {k: v for k, v in data.items() if k in m2m_names}
        return plain, m2m

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refuse users without any adding role before validating their input.
        if not has_any_role(self.actor, self.rules.any_roles_for(Action.ADD)):
            raise exceptions.PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มรายการประเภทนี้"))
        return super().create(request, *args, **kwargs)

    @transaction.atomic
    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        plain, m2m = self._split_m2m(dict(serializer.validated_data))
        instance = self.queryset.model(**plain)
        obj: BaseModel = self.create_service(
            actor=self.actor, instance=instance, reason=self._reason()
        )
        for name, values in m2m.items():
            getattr(obj, name).set(values)
        serializer.instance = obj

    @transaction.atomic
    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        expected_version = self._expected_version()
        instance = serializer.instance
        plain, m2m = self._split_m2m(dict(serializer.validated_data))
        for name, value in plain.items():
            setattr(instance, name, value)
        obj = self.update_service(
            actor=self.actor,
            instance=instance,
            expected_version=expected_version,
            reason=self._reason(),
        )
        for name, values in m2m.items():
            getattr(obj, name).set(values)
        serializer.instance = obj

    def perform_destroy(self, instance: Any) -> None:
        raw = self.request.headers.get("If-Match", "").strip('"')
        self.delete_service(
            actor=self.actor,
            instance=instance,
            expected_version=int(raw) if raw.isdigit() else None,
            reason=self._reason(),
        )


class ReadOnlyPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only collections (e.g. the audit log) under the same policy."""

    queryset: models.QuerySet[Any]

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.queryset.restrict(self.request.user, Action.VIEW)  # type: ignore[attr-defined]


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "reason",
            "request_id",
        ]

    def get_object_type(self, event: Any) -> str:
        ct = event.content_type
        return f"{ct.app_label}.{ct.model}" if ct else ""


class AuditEventViewSet(ReadOnlyPolicyViewSet):
    """บันทึกการเปลี่ยนแปลง: the audit log of the admin's subtree (read only)."""

    queryset = AuditEvent.objects.select_related("content_type")
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["occurred_at", "action"]
    ordering = ["-occurred_at", "-id"]
