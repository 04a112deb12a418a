"""API of org units and memberships: /api/v1/org-units/, /api/v1/memberships/."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from phaen.core.access import Action
from phaen.core.api.viewsets import PolicyViewSet, ScopedModelSerializer, set_choices
from phaen.core.models import User
from phaen.orgs.filters import MembershipFilterSet, OrgUnitFilterSet
from phaen.orgs.models import CODE_TAKEN_MESSAGE, Membership, OrgUnit
from phaen.orgs.selectors import code_in_use, units_for
from phaen.orgs.services import membership_create, membership_update, orgunit_create, orgunit_update


class OrgUnitSerializer(ScopedModelSerializer):
    code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    affiliation_display = serializers.CharField(source="get_affiliation_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "kind",
            "kind_display",
            "affiliation",
            "affiliation_display",
            "parent",
            "path",
            "depth",
            "is_active",
            "province",
            "address",
            "phone",
            "email",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["path", "depth", "is_active", "version", "created_at", "updated_at"]

    def validate_code(self, value: str) -> str:
        code = value.strip()
        if code_in_use(code, exclude_pk=self.instance.pk if self.instance else None):
            raise serializers.ValidationError(CODE_TAKEN_MESSAGE)
        return code

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A unit may only be placed under a unit where the user may add units.
            set_choices(fields["parent"], units_for(request.user, OrgUnit, Action.ADD))
        return fields


class OrgUnitViewSet(PolicyViewSet):
    """หน่วยงาน: the organisation tree. Filter ``under=<id>`` for a whole subtree."""

    queryset = OrgUnit.objects.select_related("parent")
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    ordering_fields = ["name", "code", "path", "kind"]
    ordering = ["path"]
    create_service = staticmethod(orgunit_create)
    update_service = staticmethod(orgunit_update)


class MembershipSerializer(ScopedModelSerializer):
    # Users are not unit-owned rows: they are named by exact user name, never listed.
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "unit",
            "unit_name",
            "role",
            "role_display",
            "is_active",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # The same units the membership form offers: where the user may add memberships.
            set_choices(fields["unit"], units_for(request.user, Membership, Action.ADD))
        return fields


class MembershipViewSet(PolicyViewSet):
    """ผู้ใช้และบทบาท (memberships): who holds which role in which unit."""

    queryset = Membership.objects.select_related("user", "unit")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ["unit__path", "role"]
    ordering = ["unit__path", "user__username"]
    create_service = staticmethod(membership_create)
    update_service = staticmethod(membership_update)
