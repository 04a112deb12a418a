"""A small organisation world for tests of every app: two provinces, users in and out of scope.

    root (ministry)
    └── region
        ├── province A  ── group A1 (work group), school A2
        └── province B  ── school B1

Objects under test live in school A2 (or group A1); ``user(role, unit)`` makes a user holding
``role`` at ``unit``. A role at province A is "in scope" for A2; at province B, "out of scope".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from phaen.core.models import User
from phaen.core.tests.factories import TEST_PASSWORD
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.services import membership_create, orgunit_create

_serial = count(1)


def make_unit(name: str, parent: OrgUnit | None, kind: str, code: str = "") -> OrgUnit:
    return orgunit_create(
        actor=None,
        instance=OrgUnit(
            name=name,
            code=code or f"W{next(_serial):06d}",
            kind=kind,
            affiliation=OrgUnit.Affiliation.OPS if kind != "school" else OrgUnit.Affiliation.OBEC,
            parent=parent,
        ),
    )


def make_user(username: str, *grants: tuple[str, OrgUnit], superuser: bool = False) -> User:
    user = User(username=username, full_name=f"ผู้ใช้ {username}", email=f"{username}@example.go.th")
    user.is_superuser = superuser
    user.is_staff = superuser
    user.set_password(TEST_PASSWORD)
    user.save()
    for role, unit in grants:
        membership_create(actor=None, instance=Membership(user=user, unit=unit, role=role))
    return user


@dataclass
class World:
    root: OrgUnit
    region: OrgUnit
    province_a: OrgUnit
    group_a1: OrgUnit
    school_a2: OrgUnit
    province_b: OrgUnit
    school_b1: OrgUnit
    _users: dict[tuple[str, int], User] = field(default_factory=dict)

    def user(self, role: str, unit: OrgUnit) -> User:
        """A user holding ``role`` at ``unit`` (one per role and unit)."""
        key = (role, unit.pk)
        if key not in self._users:
            self._users[key] = make_user(f"{role}-{unit.pk}", (role, unit))
        return self._users[key]

    def nobody(self) -> User:
        """A logged-in user without any membership."""
        if ("none", 0) not in self._users:
            self._users[("none", 0)] = make_user("nobody")
        return self._users[("none", 0)]

    def superuser(self) -> User:
        if ("super", 0) not in self._users:
            self._users[("super", 0)] = make_user("root", superuser=True)
        return self._users[("super", 0)]


def build_world() -> World:
    root = make_unit("กระทรวงทดสอบ", None, "ministry")
    region = make_unit("ภาคทดสอบ", root, "regional_office")
    province_a = make_unit("ศธจ.ก", region, "provincial_office")
    province_b = make_unit("ศธจ.ข", region, "provincial_office")
    return World(
        root=root,
        region=region,
        province_a=province_a,
        group_a1=make_unit("กลุ่มนโยบายและแผน ก", province_a, "work_group"),
        school_a2=make_unit("โรงเรียน ก2", province_a, "school"),
        province_b=province_b,
        school_b1=make_unit("โรงเรียน ข1", province_b, "school"),
    )
