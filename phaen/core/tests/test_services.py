"""The generic services: object_create, object_update (version and scope checks), object_delete.

core may not import orgs (layer order), so the rows under test are org units and memberships
reached through the app registry and the ``world`` fixture.
"""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from phaen.core.access import Role
from phaen.core.exceptions import OutOfScopeError, ProtectedDataError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.core.services import audit_action, object_create, object_delete, object_update

OrgUnit = apps.get_model("orgs", "OrgUnit")
Membership = apps.get_model("orgs", "Membership")

pytestmark = pytest.mark.django_db


def events(obj, verb):
    return AuditEvent.objects.filter(action=audit_action(type(obj), verb), object_id=str(obj.pk))


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


@pytest.fixture
def membership(world):
    member = world.user(Role.VIEWER, world.school_a2)
    return member.memberships.get()


# object_create ------------------------------------------------------------------------------------


def test_object_create_saves_stamps_and_audits(world, planner):
    member = world.nobody()
    created = object_create(
        actor=planner,
        instance=Membership(user=member, unit=world.group_a1, role=Role.REPORTER),
        reason="ย้ายมาช่วยงาน",
    )
    assert created.pk is not None
    assert (created.created_by, created.updated_by, created.version) == (planner, planner, 1)
    event = events(created, "created").get()
    assert event.before is None
    assert event.after["role"] == "reporter"
    assert event.reason == "ย้ายมาช่วยงาน"
    assert event.actor == planner


def test_object_create_outside_the_actors_scope_is_rolled_back(world, planner):
    before = Membership.objects.count(), AuditEvent.objects.count()
    with pytest.raises(OutOfScopeError) as caught:
        object_create(
            actor=planner,
            instance=Membership(user=world.nobody(), unit=world.school_b1, role=Role.VIEWER),
        )
    assert caught.value.message == "คุณไม่มีสิทธิ์ดำเนินการกับข้อมูลนอกหน่วยงานที่คุณรับผิดชอบ"
    assert caught.value.status == 403
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_object_create_validates_with_the_models_thai_messages(world, membership):
    duplicate = Membership(user=membership.user, unit=membership.unit, role=membership.role)
    with pytest.raises(ValidationError) as caught:
        object_create(actor=None, instance=duplicate)
    assert "ผู้ใช้นี้มีบทบาทนี้ในหน่วยงานนี้อยู่แล้ว" in str(caught.value)


# object_update ------------------------------------------------------------------------------------


def test_object_update_bumps_the_version_and_audits_the_change(planner, membership):
    membership.role = Role.APPROVER
    updated = object_update(actor=planner, instance=membership, expected_version=1, reason="เลื่อน")
    membership.refresh_from_db()
    assert (membership.role, membership.version, membership.updated_by) == ("approver", 2, planner)
    assert updated.version == 2
    event = events(membership, "updated").get()
    assert (event.before["role"], event.after["role"]) == ("viewer", "approver")


def test_object_update_refuses_a_stale_version_and_writes_nothing(planner, membership):
    # Someone else saved the row first (version 1 → 2).
    other = Membership.objects.get(pk=membership.pk)
    other.note = "บันทึกของผู้อื่น"
    object_update(actor=planner, instance=other, expected_version=1)
    audit_count = AuditEvent.objects.count()

    membership.role = Role.APPROVER
    with pytest.raises(StaleEditError) as caught:
        object_update(actor=planner, instance=membership, expected_version=1)

    error = caught.value
    assert (error.code, error.status) == ("stale_edit", 409)
    assert (error.current_version, error.submitted_version) == (2, 1)
    # Thai, and says which version is current and which one the edit started from.
    assert error.message.startswith("มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว")
    assert re.search(r"ฉบับที่ 2\b.*ฉบับที่ 1\b", error.message)
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.role, stored.note, stored.version) == ("viewer", "บันทึกของผู้อื่น", 2)
    assert AuditEvent.objects.count() == audit_count


def test_object_update_without_an_expected_version_skips_the_check(membership):
    membership.note = "ระบบแก้ไข"
    object_update(actor=None, instance=membership, expected_version=None)
    membership.refresh_from_db()
    assert (membership.note, membership.version) == ("ระบบแก้ไข", 2)


def test_object_update_of_a_row_outside_the_scope_is_refused(world, planner):
    outside = world.user(Role.VIEWER, world.school_b1).memberships.get()
    outside.note = "แอบแก้"
    with pytest.raises(OutOfScopeError):
        object_update(actor=planner, instance=outside, expected_version=1)
    assert Membership.objects.get(pk=outside.pk).note == ""


def test_an_update_that_moves_the_row_out_of_scope_is_rolled_back(world, planner, membership):
    """The scope is checked again after the write: planners cannot push rows out of their reach."""
    audit_count = AuditEvent.objects.count()
    membership.unit = world.school_b1
    with pytest.raises(OutOfScopeError):
        object_update(actor=planner, instance=membership, expected_version=1)
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.unit_id, stored.version) == (world.school_a2.pk, 1)
    assert AuditEvent.objects.count() == audit_count


def test_the_same_move_by_a_planner_of_both_units_is_allowed(world, membership):
    regional = world.user(Role.PLANNER, world.region)
    membership.unit = world.school_b1
    object_update(actor=regional, instance=membership, expected_version=1)
    assert Membership.objects.get(pk=membership.pk).unit_id == world.school_b1.pk


def test_object_update_validates_before_writing(planner, membership):
    membership.role = "chief"
    with pytest.raises(ValidationError):
        object_update(actor=planner, instance=membership, expected_version=1)
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


# object_delete ------------------------------------------------------------------------------------


def test_object_delete_removes_the_row_and_keeps_its_last_state(planner, membership):
    pk = membership.pk
    object_delete(actor=planner, instance=membership, expected_version=1, reason="ลาออก")
    assert not Membership.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="orgs.membership.deleted", object_id=str(pk))
    assert event.after is None
    assert event.before["role"] == "viewer"
    assert event.reason == "ลาออก"


def test_object_delete_refuses_a_stale_version(planner, membership):
    with pytest.raises(StaleEditError):
        object_delete(actor=planner, instance=membership, expected_version=7)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_object_delete_outside_the_scope_is_refused(world, planner):
    outside = world.user(Role.VIEWER, world.school_b1).memberships.get()
    with pytest.raises(OutOfScopeError):
        object_delete(actor=planner, instance=outside)
    assert Membership.objects.filter(pk=outside.pk).exists()


def test_deleting_a_row_others_refer_to_says_in_thai_what_refers_to_it(world):
    world.user(Role.VIEWER, world.province_a)  # a membership in the unit
    units_before = OrgUnit.objects.count()
    audit_count = AuditEvent.objects.count()
    with pytest.raises(ProtectedDataError) as caught:
        object_delete(actor=world.superuser(), instance=world.province_a, reason="ยุบ")
    error = caught.value
    assert (error.code, error.status) == ("protected", 409)
    assert error.message == (
        "ลบ “ศธจ.ก” ไม่ได้ เพราะยังมีข้อมูลที่อ้างถึงอยู่: ผู้ใช้และบทบาท 1 รายการ, หน่วยงาน 2 รายการ"
    )
    assert OrgUnit.objects.count() == units_before
    # The "deleted" event written before the attempt is rolled back with it.
    assert AuditEvent.objects.count() == audit_count
