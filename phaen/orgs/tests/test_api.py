"""The org-unit and membership collections of the API: writes go through the same services."""

import pytest
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.orgs.models import Membership, OrgUnit, child_path
from phaen.orgs.testing import make_unit, make_user

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/org-units/"
MEMBERSHIPS = "/api/v1/memberships/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_unit(parent, **extra):
    return {
        "name": "โรงเรียนจาก API",
        "code": "API001",
        "kind": "school",
        "affiliation": "obec",
        "parent": parent.pk,
        **extra,
    }


# Org units ----------------------------------------------------------------------------------------


def test_a_unit_created_through_the_api_gets_its_path(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(UNITS, new_unit(world.group_a1, reason="จาก API"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    unit = OrgUnit.objects.get(code="API001")
    assert body["id"] == unit.pk
    assert body["path"] == unit.path == child_path(world.group_a1.path, unit.pk)
    assert (body["depth"], body["version"], body["is_active"]) == (4, 1, True)
    assert body["kind_display"] == "โรงเรียน"
    assert body["affiliation_display"] == "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)"
    event = AuditEvent.objects.get(action="orgs.orgunit.created", object_id=str(unit.pk))
    assert (event.actor, event.reason) == (planner, "จาก API")


def test_the_parent_must_be_in_the_add_scope(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(UNITS, new_unit(world.province_b), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"parent"}
    assert not OrgUnit.objects.filter(code="API001").exists()


def test_a_parent_the_user_only_reads_is_refused(world):
    """Reading a unit is not enough to add under it."""
    user = make_user("double", (Role.VIEWER, world.province_a), (Role.PLANNER, world.school_b1))
    response = api(user).post(UNITS, new_unit(world.school_a2), format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
    assert api(user).post(UNITS, new_unit(world.school_b1), format="json").status_code == 201


def test_path_depth_and_version_are_read_only(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(
        UNITS, new_unit(world.group_a1, path="/hack/", depth=0, version=99), format="json"
    )
    assert response.status_code == 201
    unit = OrgUnit.objects.get(code="API001")
    assert (unit.path.startswith(world.group_a1.path), unit.depth, unit.version) == (True, 4, 1)


def test_patching_the_parent_moves_the_unit_and_its_subtree(world):
    classroom = make_unit("ห้องเรียนสาขา", world.school_a2, "school")
    planner = world.user(Role.PLANNER, world.region)
    response = api(planner).patch(
        f"{UNITS}{world.school_a2.pk}/",
        {"parent": world.province_b.pk, "version": 1, "reason": "ย้ายผ่าน API"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    school_path = child_path(world.province_b.path, world.school_a2.pk)
    assert response.json()["path"] == school_path
    assert response.json()["version"] == 2
    classroom.refresh_from_db()
    assert classroom.path == child_path(school_path, classroom.pk)
    assert classroom.depth == 4
    event = AuditEvent.objects.get(action="orgs.orgunit.moved")
    assert event.reason == "ย้ายผ่าน API"


def test_patching_the_parent_out_of_the_add_scope_is_refused(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).patch(
        f"{UNITS}{world.school_a2.pk}/",
        {"parent": world.province_b.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
    assert OrgUnit.objects.get(pk=world.school_a2.pk).parent_id == world.province_a.pk


def test_patching_a_unit_under_its_own_descendant_is_refused(world):
    planner = world.user(Role.PLANNER, world.region)
    response = api(planner).patch(
        f"{UNITS}{world.province_a.pk}/",
        {"parent": world.school_a2.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "domain_error"
    assert error["fields"] == {"parent": ["ย้ายหน่วยงานไปอยู่ใต้ตัวเองหรือใต้หน่วยงานย่อยของตัวเองไม่ได้"]}


def test_a_put_replaces_the_details(world):
    school = world.school_a2
    planner = world.user(Role.PLANNER, world.province_a)
    data = {
        "name": "โรงเรียน ก2 (PUT)",
        "code": school.code,
        "kind": "school",
        "affiliation": "obec",
        "parent": world.province_a.pk,
        "version": 1,
    }
    response = api(planner).put(f"{UNITS}{school.pk}/", data, format="json")
    assert response.status_code == 200, response.json()
    school.refresh_from_db()
    assert (school.name, school.version) == ("โรงเรียน ก2 (PUT)", 2)


def test_deleting_an_empty_unit_through_the_api(world):
    planner = world.user(Role.PLANNER, world.province_b)
    response = api(planner).delete(f"{UNITS}{world.school_b1.pk}/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 204
    assert not OrgUnit.objects.filter(pk=world.school_b1.pk).exists()


def test_a_stale_delete_through_the_api_is_refused(world):
    planner = world.user(Role.PLANNER, world.province_b)
    response = api(planner).delete(f"{UNITS}{world.school_b1.pk}/", HTTP_IF_MATCH='"5"')
    assert response.status_code == 409
    assert OrgUnit.objects.filter(pk=world.school_b1.pk).exists()


# Memberships --------------------------------------------------------------------------------------


def test_a_membership_names_its_user_by_username(world):
    member = make_user("wanna")
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(
        MEMBERSHIPS,
        {"user": "wanna", "unit": world.school_a2.pk, "role": "reporter", "note": "ครูผู้รับผิดชอบ"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"] == "wanna"
    assert (body["unit_name"], body["role_display"]) == ("โรงเรียน ก2", "ผู้รายงาน")
    membership = Membership.objects.get(user=member)
    assert (membership.unit, membership.role, membership.created_by) == (
        world.school_a2,
        "reporter",
        planner,
    )
    listed = api(planner).get(MEMBERSHIPS, {"unit": world.school_a2.pk}).json()["results"]
    assert {row["user"] for row in listed} == {"wanna"}


def test_an_unknown_or_inactive_username_is_refused(world):
    retired = make_user("retired")
    type(retired).objects.filter(pk=retired.pk).update(is_active=False)
    planner = world.user(Role.PLANNER, world.province_a)
    for username in ("ghost", "retired"):
        response = api(planner).post(
            MEMBERSHIPS,
            {"user": username, "unit": world.school_a2.pk, "role": "viewer"},
            format="json",
        )
        assert response.status_code == 400
        assert "user" in response.json()["error"]["fields"]


def test_a_membership_unit_must_be_in_the_add_scope(world):
    make_user("wanna")
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(
        MEMBERSHIPS, {"user": "wanna", "unit": world.school_b1.pk, "role": "viewer"}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()["error"]["fields"]


def test_the_admin_role_from_a_non_admin_is_refused_with_403(world):
    make_user("wanna")
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(
        MEMBERSHIPS, {"user": "wanna", "unit": world.school_a2.pk, "role": "admin"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "out_of_scope",
        "message": "เฉพาะผู้ดูแลระบบเท่านั้นที่กำหนดบทบาทผู้ดูแลระบบได้",
    }
    assert not Membership.objects.filter(user__username="wanna").exists()


def test_a_membership_is_updated_with_its_version(world):
    membership = world.user(Role.VIEWER, world.school_a2).memberships.get()
    planner = world.user(Role.PLANNER, world.province_a)
    url = f"{MEMBERSHIPS}{membership.pk}/"
    response = api(planner).patch(url, {"role": "approver", "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 2
    stale = api(planner).patch(url, {"role": "planner", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Membership.objects.get(pk=membership.pk).role == "approver"


def test_everyone_reads_their_own_memberships_through_the_api(world):
    reporter = world.user(Role.REPORTER, world.school_a2)
    world.user(Role.VIEWER, world.school_a2)
    rows = api(reporter).get(MEMBERSHIPS).json()["results"]
    assert [row["user"] for row in rows] == [reporter.username]
