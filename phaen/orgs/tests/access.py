"""Access scenarios of org units and memberships (run by tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from phaen.core.access import Role
from phaen.core.models import User
from phaen.core.testing import AccessScenario
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.services import membership_create
from phaen.orgs.testing import make_unit, make_user


class OrgUnitScenario(AccessScenario):
    model = OrgUnit
    ui_prefix = "orgs:orgunit"
    api_path = "/api/v1/org-units/"

    def make(self) -> OrgUnit:
        return make_unit("ห้องเรียนสาขา", self.home, "school")

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "name": "โรงเรียนใหม่ในขอบเขต",
            "code": "NEW0001",
            "kind": "school",
            "affiliation": "obec",
            "parent": self.home.pk,
        }

    def ui_update_data(self, obj: OrgUnit) -> dict[str, Any]:
        return {
            "name": "ชื่อใหม่",
            "code": obj.code,
            "kind": obj.kind,
            "affiliation": obj.affiliation,
            "version": obj.version,
        }

    def api_update_data(self, obj: OrgUnit) -> dict[str, Any]:
        return {"name": "ชื่อใหม่", "version": obj.version}

    def created(self) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(code="NEW0001")

    def changed(self, obj: OrgUnit) -> bool:
        obj.refresh_from_db()
        return obj.name == "ชื่อใหม่"


class MembershipScenario(AccessScenario):
    model = Membership
    ui_prefix = "orgs:membership"
    api_path = "/api/v1/memberships/"
    reader_role = Role.APPROVER

    def make(self) -> Membership:
        member = make_user("existing-member")
        return membership_create(
            actor=None, instance=Membership(user=member, unit=self.home, role="viewer")
        )

    def new_member(self) -> str:
        if not User.objects.filter(username="new-member").exists():
            make_user("new-member")
        return "new-member"

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "user": self.new_member(),
            "unit": self.home.pk,
            "role": "reporter",
            "is_active": "on",
        }

    def api_create_data(self) -> dict[str, Any]:
        self.new_member()
        return {"user": "new-member", "unit": self.home.pk, "role": "reporter", "is_active": True}

    def ui_update_data(self, obj: Membership) -> dict[str, Any]:
        return {
            "user": obj.user.username,
            "unit": obj.unit_id,
            "role": "approver",
            "is_active": "on",
            "version": obj.version,
        }

    def api_update_data(self, obj: Membership) -> dict[str, Any]:
        return {"role": "approver", "version": obj.version}

    def created(self) -> QuerySet[Membership]:
        return Membership.objects.filter(user__username="new-member")

    def changed(self, obj: Membership) -> bool:
        obj.refresh_from_db()
        return obj.role == "approver"
