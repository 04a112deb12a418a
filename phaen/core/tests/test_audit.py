"""The audit log: ``audit_record``, snapshots, readable changes, and the request facts."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.audit import (
    audit_record,
    day_bounds,
    display_value,
    field_changes,
    history_for,
    owning_unit_path,
    snapshot,
)
from phaen.core.models import AuditEvent, User

# core may not import orgs (layer order); the org models come from the app registry.
OrgUnit = apps.get_model("orgs", "OrgUnit")


def record(**kwargs):
    with transaction.atomic():
        return audit_record(**kwargs)


# audit_record -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=None, action="test.thing.updated", after={"name": "ใหม่"})
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_update_that_changed_nothing_is_not_recorded(world):
    unit = world.school_a2
    before = snapshot(unit)
    count = AuditEvent.objects.count()
    assert (
        record(actor=None, action="orgs.orgunit.updated", obj=unit, before=before, after=before)
        is None
    )
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db
def test_an_unchanged_update_with_a_reason_is_recorded(world):
    unit = world.school_a2
    before = snapshot(unit)
    event = record(
        actor=None,
        action="orgs.orgunit.reviewed",
        obj=unit,
        before=before,
        after=before,
        reason="ตรวจแล้ว",
    )
    assert event is not None
    assert event.reason == "ตรวจแล้ว"
    assert field_changes(event) == []


@pytest.mark.django_db
def test_an_event_names_the_actor_the_object_and_its_unit(world):
    planner = world.user(Role.PLANNER, world.province_a)
    unit = world.school_a2
    event = record(actor=planner, action="orgs.orgunit.updated", obj=unit, after=snapshot(unit))
    event.refresh_from_db()
    assert event.actor == planner
    assert event.actor_name == str(planner) == "ผู้ใช้ " + planner.username
    assert event.content_type.model_class() is OrgUnit
    assert event.object_id == str(unit.pk)
    assert event.object_repr == unit.name
    assert event.unit_path == unit.path
    # Outside a request there is no address or request id.
    assert event.ip_address is None
    assert event.request_id == ""


@pytest.mark.django_db
def test_a_system_event_has_no_actor_and_an_explicit_unit(world):
    event = record(actor=None, action="orgs.tree.checked", unit_path=world.province_b.path)
    assert event.actor is None
    assert event.actor_name == ""
    assert event.content_type is None
    assert event.unit_path == world.province_b.path


@pytest.mark.django_db
def test_the_owning_unit_follows_the_models_rules(world):
    membership = world.user(Role.VIEWER, world.school_a2).memberships.get()
    assert owning_unit_path(membership) == world.school_a2.path
    assert owning_unit_path(world.group_a1) == world.group_a1.path
    assert owning_unit_path(world.nobody()) == ""  # users are not owned by a unit


# Snapshots ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_snapshot_holds_content_not_bookkeeping(world):
    data = snapshot(world.school_a2)
    assert data["name"] == "โรงเรียน ก2"
    assert data["kind"] == "school"
    bookkeeping = ("id", "created_at", "updated_at", "created_by", "updated_by", "version")
    for left_out in (*bookkeeping, "path", "depth"):
        assert left_out not in data


@pytest.mark.django_db
def test_foreign_keys_keep_their_label_after_the_related_row_is_renamed(world):
    membership = world.user(Role.REPORTER, world.school_a2).memberships.get()
    before = snapshot(membership)
    assert before["unit"] == {"id": world.school_a2.pk, "label": "โรงเรียน ก2"}
    assert before["user"]["label"] == str(membership.user)
    membership.role = Role.APPROVER
    event = record(
        actor=None,
        action="orgs.membership.updated",
        obj=membership,
        before=before,
        after=snapshot(membership),
    )
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(name="ชื่อใหม่ของโรงเรียน")
    event.refresh_from_db()
    assert event.before["unit"]["label"] == "โรงเรียน ก2"
    created = history_for(membership).filter(action="orgs.membership.created").get()
    unit_change = next(c for c in field_changes(created) if c.name == "unit")
    assert unit_change.after == "โรงเรียน ก2"


@pytest.mark.django_db
def test_history_for_lists_one_objects_events_newest_first(world):
    unit = world.group_a1
    first = record(actor=None, action="orgs.orgunit.reviewed", obj=unit, reason="หนึ่ง")
    second = record(actor=None, action="orgs.orgunit.reviewed", obj=unit, reason="สอง")
    record(actor=None, action="orgs.orgunit.reviewed", obj=world.school_a2, reason="อื่น")
    events = list(history_for(unit))
    assert events[:2] == [second, first]
    assert {event.object_id for event in events} == {str(unit.pk)}
    assert events[-1].action == "orgs.orgunit.created"


# Readable changes ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_field_changes_use_thai_labels_and_choice_labels(world):
    unit = world.school_a2
    before = snapshot(unit)
    unit.name = "โรงเรียนบ้านใหม่"
    unit.kind = "vocational_college"
    unit.phone = "075-123456"
    event = record(
        actor=None, action="orgs.orgunit.updated", obj=unit, before=before, after=snapshot(unit)
    )
    changes = {change.name: change for change in field_changes(event)}
    assert set(changes) == {"name", "kind", "phone"}
    assert (changes["name"].label, changes["name"].before, changes["name"].after) == (
        "ชื่อหน่วยงาน",
        "โรงเรียน ก2",
        "โรงเรียนบ้านใหม่",
    )
    assert (changes["kind"].label, changes["kind"].before, changes["kind"].after) == (
        "ประเภท",
        "โรงเรียน",
        "สถานศึกษาอาชีวศึกษา",
    )
    assert (changes["phone"].before, changes["phone"].after) == ("–", "075-123456")


@pytest.mark.django_db
def test_field_changes_of_a_creation_show_the_new_values_only(world):
    created = history_for(world.province_b).get(action="orgs.orgunit.created")
    changes = {change.name: change for change in field_changes(created)}
    assert changes["name"].after == "ศธจ.ข"
    assert changes["name"].before == ""
    assert changes["is_active"].label == "ใช้งานอยู่"
    assert changes["is_active"].after == "ใช่"
    assert changes["parent"].after == "ภาคทดสอบ"


@pytest.mark.django_db
def test_field_changes_show_be_datetimes_and_unknown_fields_by_name(world):
    user = world.nobody()
    event = record(
        actor=None,
        action="core.user.updated",
        obj=user,
        before={"date_joined": "2017-10-01T07:30:00Z", "retired_field": 1},
        after={"date_joined": "2018-09-30T03:05:00Z", "retired_field": 2},
    )
    changes = {change.name: change for change in field_changes(event)}
    assert changes["date_joined"].label == str(User._meta.get_field("date_joined").verbose_name)
    assert changes["date_joined"].before == "1 ต.ค. 60 14:30 น."
    assert changes["date_joined"].after == "30 ก.ย. 61 10:05 น."
    assert (changes["retired_field"].label, changes["retired_field"].after) == (
        "retired_field",
        "2",
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (models.DateField(), "2017-10-01", "1 ตุลาคม 2560"),
        (models.DateField(), "not a date", "not a date"),
        (models.DateTimeField(), "2018-02-28T17:00:00+00:00", "1 มี.ค. 61 00:00 น."),
        (models.DecimalField(max_digits=15, decimal_places=2), "1234567.5", "1,234,567.50"),
        (models.DecimalField(max_digits=15, decimal_places=2), "abc", "abc"),
        (models.CharField(choices=[("a", "ก")]), "a", "ก"),
        (models.CharField(choices=[("a", "ก")]), "gone", "gone"),
        (None, None, "–"),
        (None, "", "–"),
        (None, True, "ใช่"),
        (None, False, "ไม่ใช่"),
        (None, {"id": 3, "label": "โรงเรียน ก"}, "โรงเรียน ก"),
        (None, ["ก", 1], '["ก", 1]'),
        (None, 42, "42"),
    ],
)
def test_display_value(field, value, expected):
    assert display_value(field, value) == expected


def test_day_bounds_are_the_local_day():
    start, end = day_bounds(dt.date(2017, 10, 1))
    assert start.isoformat() == "2017-10-01T00:00:00+07:00"
    assert end - start == dt.timedelta(days=1)


# The request facts, through a real request --------------------------------------------------------


def edit_school(client, world, **headers):
    school = world.school_a2
    client.force_login(world.user(Role.PLANNER, world.province_a))
    return client.post(
        reverse("orgs:orgunit_edit", args=[school.pk]),
        {
            "name": "โรงเรียน ก2 (ใหม่)",
            "code": school.code,
            "kind": school.kind,
            "affiliation": school.affiliation,
            "version": school.version,
            "reason": "แก้ชื่อตามประกาศ",
        },
        **headers,
    )


@pytest.mark.django_db
def test_the_request_id_and_address_land_on_the_event(client, world):
    response = edit_school(
        client, world, HTTP_X_REQUEST_ID="req-2561-0001", REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-2561-0001"
    event = history_for(world.school_a2).get(action="orgs.orgunit.updated")
    assert event.request_id == "req-2561-0001"
    assert event.ip_address == "10.20.30.40"
    assert event.reason == "แก้ชื่อตามประกาศ"
    assert event.actor_name == str(world.user(Role.PLANNER, world.province_a))


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one(client, world):
    response = edit_school(client, world)
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    event = history_for(world.school_a2).get(action="orgs.orgunit.updated")
    assert event.request_id == request_id
    assert event.ip_address == "127.0.0.1"
