"""API of frameworks and their nodes: /api/v1/frameworks/, /api/v1/framework-nodes/."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from phaen.core.access import Action
from phaen.core.api.viewsets import PolicyViewSet, ScopedModelSerializer, set_choices
from phaen.frameworks.filters import FrameworkFilterSet, FrameworkNodeFilterSet
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import (
    framework_create,
    framework_delete,
    framework_update,
    node_create,
    node_delete,
    node_restore,
    node_retire,
    node_update,
)
from phaen.orgs.selectors import units_for


class FrameworkSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None)
    node_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "family",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "year_start",
            "year_end",
            "status",
            "status_display",
            "source_document",
            "description",
            "owner",
            "owner_name",
            "node_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A framework belongs to a unit where the user may add frameworks (none: national,
            # which only superusers may change).
            set_choices(fields["owner"], units_for(request.user, Framework, Action.ADD))
        return fields


class FrameworkViewSet(PolicyViewSet):
    """กรอบการเชื่อมโยง: national frameworks (everyone reads them, only superusers change them)
    and the frameworks units enter themselves (read by the units below them). Filter
    ``year=<BE year>`` for the frameworks in force that year."""

    queryset = Framework.objects.select_related("owner").annotate(node_count=Count("nodes"))
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilterSet
    ordering_fields = ["name", "code", "kind", "level", "year_start", "status"]
    ordering = ["level", "kind", "-year_start", "code"]
    create_service = staticmethod(framework_create)
    update_service = staticmethod(framework_update)
    delete_service = staticmethod(framework_delete)


class FrameworkNodeSerializer(ScopedModelSerializer):
    scope_actions = {"framework": Action.CHANGE}

    framework_name = serializers.CharField(source="framework.name", read_only=True)

    class Meta:
        model = FrameworkNode
        fields = [
            "id",
            "framework",
            "framework_name",
            "parent",
            "code",
            "title",
            "level_name",
            "description",
            "order",
            "path",
            "depth",
            "is_retired",
            "retired_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "path",
            "depth",
            "is_retired",
            "retired_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"order": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A node stays in its framework (moving between frameworks would break its links).
        current = self.instance.framework if self.instance is not None else None
        if current is not None and attrs.get("framework", current) != current:
            raise serializers.ValidationError(
                {"framework": [gettext_lazy("ย้ายข้อไปอยู่ในกรอบอื่นไม่ได้")]}
            )
        return attrs


class NodeRetireSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text=gettext_lazy("version ของข้อที่อ่านมาล่าสุด"))
    reason = serializers.CharField(max_length=500, help_text=gettext_lazy("เหตุผล (บังคับ)"))


class FrameworkNodeViewSet(PolicyViewSet):
    """ข้อในกรอบ: the nodes of frameworks. Filter ``framework=<id>`` for one framework and
    ``under=<node id>`` for a subtree. Retire and restore with their own actions (a reason is
    required); a node that plans link to cannot be deleted."""

    queryset = FrameworkNode.objects.select_related("framework").annotate(
        national=ExpressionWrapper(Q(framework__owner__isnull=True), BooleanField())
    )
    serializer_class = FrameworkNodeSerializer
    filterset_class = FrameworkNodeFilterSet
    ordering_fields = ["code", "title", "order", "path", "depth"]
    # The nodes of the user's offices' frameworks first, then the national ones.
    ordering = ["national", "framework_id", "path"]
    create_service = staticmethod(node_create)
    update_service = staticmethod(node_update)
    delete_service = staticmethod(node_delete)
    ACTIONS = {**PolicyViewSet.ACTIONS, "retire": Action.CHANGE, "restore": Action.CHANGE}

    @extend_schema(
        summary=gettext_lazy("ยกเลิกข้อ (พร้อมข้อย่อย) ข้อที่ยกเลิกแล้วเชื่อมโยงแผนเพิ่มไม่ได้"),
        request=NodeRetireSerializer,
        responses=FrameworkNodeSerializer,
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        node = self.get_object()
        data = NodeRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        node_retire(
            actor=self.actor,
            node=node,
            expected_version=data.validated_data["version"],
            reason=data.validated_data["reason"],
        )
        node.refresh_from_db()
        return Response(self.get_serializer(node).data)

    @extend_schema(
        summary=gettext_lazy("นำข้อที่ยกเลิกแล้วกลับมาใช้"),
        request=NodeRetireSerializer,
        responses=FrameworkNodeSerializer,
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        node = self.get_object()
        data = NodeRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        node_restore(
            actor=self.actor,
            node=node,
            expected_version=data.validated_data["version"],
            reason=data.validated_data["reason"],
        )
        node.refresh_from_db()
        return Response(self.get_serializer(node).data)
