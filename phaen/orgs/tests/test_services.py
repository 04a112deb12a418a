"""Services of the organisation tree and memberships: create, move, (de)activate, delete, roles,
invitations."""

import re

import pytest
from django.core import mail
from django.test import Client

from phaen.core.access import Action, Role, user_grants
from phaen.core.exceptions import DomainError, OutOfScopeError, ProtectedDataError, StaleEditError
from phaen.core.models import AuditEvent, User
from phaen.core.services import object_delete
from phaen.orgs.models import Membership, OrgUnit, child_path
from phaen.orgs.services import (
    Invitation,
    membership_create,
    membership_update,
    orgunit_create,
    orgunit_move,
    orgunit_set_active,
    orgunit_update,
    user_invite,
)
from phaen.orgs.testing import make_unit

pytestmark = pytest.mark.django_db


def reload(*units):
    return [OrgUnit.objects.get(pk=unit.pk) for unit in units]


def new_unit(parent, name="หน่วยงานใหม่", **extra):
    return OrgUnit(name=name, kind="school", affiliation="obec", parent=parent, **extra)


# orgunit_create -----------------------------------------------------------------------------------


def test_create_gives_the_path_and_depth_under_the_parent(world):
    planner = world.user(Role.PLANNER, world.province_a)
    unit = orgunit_create(
        actor=planner, instance=new_unit(world.school_a2, code="C1"), reason="ตั้งใหม่"
    )
    assert unit.path == child_path(world.school_a2.path, unit.pk)
    assert unit.depth == world.school_a2.depth + 1 == 4
    stored = OrgUnit.objects.get(pk=unit.pk)
    assert (stored.path, stored.depth, stored.created_by) == (unit.path, 4, planner)
    event = AuditEvent.objects.get(action="orgs.orgunit.created", object_id=str(unit.pk))
    assert event.unit_path == unit.path
    assert event.reason == "ตั้งใหม่"
    assert event.after["parent"] == {"id": world.school_a2.pk, "label": "โรงเรียน ก2"}


def test_a_root_unit_has_its_own_id_as_path(world):
    root = orgunit_create(actor=world.superuser(), instance=new_unit(None, name="กระทรวงใหม่"))
    assert (root.path, root.depth) == (child_path(None, root.pk), 0)


def test_only_superusers_create_roots(world):
    admin = world.user(Role.ADMIN, world.root)
    with pytest.raises(OutOfScopeError) as caught:
        orgunit_create(actor=admin, instance=new_unit(None, name="กระทรวงใหม่"))
    assert caught.value.message == "เฉพาะผู้ดูแลระบบสูงสุดเท่านั้นที่สร้างหน่วยงานระดับบนสุดได้"
    assert not OrgUnit.objects.filter(name="กระทรวงใหม่").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REPORTER, Role.APPROVER])
def test_only_managers_create_units(world, role):
    with pytest.raises(OutOfScopeError):
        orgunit_create(actor=world.user(role, world.province_a), instance=new_unit(world.school_a2))


def test_create_outside_the_add_scope_is_refused(world):
    planner = world.user(Role.PLANNER, world.province_a)
    count = OrgUnit.objects.count()
    with pytest.raises(OutOfScopeError) as caught:
        orgunit_create(actor=planner, instance=new_unit(world.province_b))
    assert caught.value.message == "คุณไม่มีสิทธิ์เพิ่มหรือย้ายหน่วยงานไปไว้ใต้ “ศธจ.ข”"
    assert OrgUnit.objects.count() == count


def test_create_under_an_inactive_parent_is_refused(world):
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(is_active=False)
    world.school_a2.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        orgunit_create(actor=None, instance=new_unit(world.school_a2))
    assert caught.value.field == "parent"
    assert caught.value.message == "หน่วยงานต้นสังกัดที่เลือกปิดการใช้งานแล้ว"


def test_a_duplicate_code_is_refused_in_thai(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        orgunit_create(actor=None, instance=new_unit(world.province_a, code=world.school_a2.code))
    assert "รหัสหน่วยงานนี้มีอยู่แล้ว" in str(caught.value)


# orgunit_move / orgunit_update --------------------------------------------------------------------


@pytest.fixture
def classroom(world):
    """A unit two levels below province A, so a move has a deep subtree to carry."""
    return make_unit("ห้องเรียนสาขา", world.school_a2, "school")


def test_a_move_rewrites_the_paths_and_depths_of_the_whole_subtree(world, classroom):
    province_a, group_a1, school_a2 = world.province_a, world.group_a1, world.school_a2
    moved = orgunit_move(
        actor=world.superuser(),
        unit=province_a,
        new_parent=world.province_b,
        expected_version=1,
        reason="ควบรวมจังหวัด",
    )
    new_base = child_path(world.province_b.path, province_a.pk)
    assert moved.path == new_base
    province_a, group_a1, school_a2, classroom = reload(province_a, group_a1, school_a2, classroom)
    assert (province_a.path, province_a.depth) == (new_base, 3)
    assert (group_a1.path, group_a1.depth) == (child_path(new_base, group_a1.pk), 4)
    assert (school_a2.path, school_a2.depth) == (child_path(new_base, school_a2.pk), 4)
    school_base = child_path(new_base, school_a2.pk)
    assert (classroom.path, classroom.depth) == (child_path(school_base, classroom.pk), 5)
    assert province_a.parent_id == world.province_b.pk
    assert province_a.version == 2
    # The rest of the tree is untouched.
    assert reload(world.school_b1)[0].path == world.school_b1.path


def test_a_move_rewrites_the_registered_path_copies(world, classroom):
    old_school_path = world.school_a2.path
    elsewhere = AuditEvent.objects.filter(unit_path=world.school_b1.path).count()
    assert AuditEvent.objects.filter(unit_path=classroom.path).exists()
    orgunit_move(actor=None, unit=world.school_a2, new_parent=world.province_b, expected_version=1)
    school_a2, classroom = reload(world.school_a2, classroom)
    assert not AuditEvent.objects.filter(unit_path__startswith=old_school_path).exists()
    assert AuditEvent.objects.filter(unit_path=classroom.path).exists()
    assert AuditEvent.objects.filter(unit_path=school_a2.path).exists()
    assert AuditEvent.objects.filter(unit_path=world.school_b1.path).count() == elsewhere
    # An admin of province B now sees the moved unit's history in the log.
    admin_b = world.user(Role.ADMIN, world.province_b)
    visible = AuditEvent.objects.restrict(admin_b, Action.VIEW)
    assert visible.filter(object_id=str(classroom.pk), action="orgs.orgunit.created").exists()


def test_a_move_leaves_units_whose_id_merely_extends_the_moved_ones_alone(world):
    region = world.region

    def unit(pk):
        return OrgUnit.objects.create(
            pk=pk,
            name=f"หน่วย {pk}",
            kind="provincial_office",
            affiliation="ops",
            parent=region,
            path=f"{region.path}{pk}/",
            depth=region.depth + 1,
        )

    two, twenty_three = unit(900002), unit(9000023)
    orgunit_move(actor=None, unit=two, new_parent=world.province_b, expected_version=1)
    assert reload(twenty_three)[0].path == f"{region.path}9000023/"
    assert reload(two)[0].path == child_path(world.province_b.path, 900002)


def test_a_move_is_audited_with_its_reason(world):
    orgunit_move(
        actor=world.superuser(),
        unit=world.school_a2,
        new_parent=world.province_b,
        expected_version=1,
        reason="โอนย้ายสังกัด",
    )
    event = AuditEvent.objects.get(action="orgs.orgunit.moved")
    assert event.object_id == str(world.school_a2.pk)
    assert event.reason == "โอนย้ายสังกัด"
    assert event.before["parent"]["label"] == "ศธจ.ก"
    assert event.after["parent"]["label"] == "ศธจ.ข"
    assert event.unit_path == reload(world.school_a2)[0].path


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_unit_cannot_move_under_itself_or_its_descendants(world, classroom, target):
    destination = {"itself": world.province_a, "child": world.school_a2, "grandchild": classroom}
    with pytest.raises(DomainError) as caught:
        orgunit_move(
            actor=None, unit=world.province_a, new_parent=destination[target], expected_version=1
        )
    assert caught.value.field == "parent"
    assert caught.value.message == "ย้ายหน่วยงานไปอยู่ใต้ตัวเองหรือใต้หน่วยงานย่อยของตัวเองไม่ได้"
    assert reload(world.province_a)[0].path == world.province_a.path


def test_a_move_outside_the_actors_add_scope_is_refused(world):
    planner = world.user(Role.PLANNER, world.province_a)
    with pytest.raises(OutOfScopeError):
        orgunit_move(
            actor=planner, unit=world.school_a2, new_parent=world.province_b, expected_version=1
        )
    school = reload(world.school_a2)[0]
    assert (school.parent_id, school.path, school.version) == (
        world.province_a.pk,
        world.school_a2.path,
        1,
    )


def test_a_planner_of_both_places_may_move(world):
    planner = world.user(Role.PLANNER, world.region)
    orgunit_move(
        actor=planner,
        unit=world.school_a2,
        new_parent=world.province_b,
        expected_version=1,
        reason="ย้ายตามคำสั่งจัดตั้ง",
    )
    assert reload(world.school_a2)[0].parent_id == world.province_b.pk


def test_a_person_moving_a_unit_must_say_why(world):
    planner = world.user(Role.PLANNER, world.region)
    with pytest.raises(DomainError) as caught:
        orgunit_move(
            actor=planner, unit=world.school_a2, new_parent=world.province_b, expected_version=1
        )
    assert caught.value.field == "reason"
    assert reload(world.school_a2)[0].parent_id == world.province_a.pk


def test_moving_to_the_top_is_for_superusers_only(world):
    admin = world.user(Role.ADMIN, world.root)
    with pytest.raises(OutOfScopeError):
        orgunit_move(actor=admin, unit=world.province_a, new_parent=None, expected_version=1)
    orgunit_move(
        actor=world.superuser(),
        unit=world.province_a,
        new_parent=None,
        expected_version=1,
        reason="แยกเป็นหน่วยงานอิสระ",
    )
    province_a, school_a2 = reload(world.province_a, world.school_a2)
    assert (province_a.path, province_a.depth) == (child_path(None, province_a.pk), 0)
    assert (school_a2.path, school_a2.depth) == (child_path(province_a.path, school_a2.pk), 1)


def test_a_stale_move_is_refused(world):
    orgunit_update(actor=None, instance=reload(world.school_a2)[0], expected_version=1)
    with pytest.raises(StaleEditError):
        orgunit_move(
            actor=None, unit=world.school_a2, new_parent=world.province_b, expected_version=1
        )
    assert reload(world.school_a2)[0].parent_id == world.province_a.pk


def test_an_update_without_a_new_parent_keeps_path_and_depth(world):
    school = reload(world.school_a2)[0]
    school.name = "ชื่อใหม่"
    school.path, school.depth = "/tampered/", 9  # not editable: the service keeps the stored ones
    orgunit_update(actor=None, instance=school, expected_version=1)
    stored = reload(school)[0]
    assert (stored.name, stored.path, stored.depth) == ("ชื่อใหม่", world.school_a2.path, 3)
    assert AuditEvent.objects.filter(action="orgs.orgunit.updated").count() == 1


def test_the_movers_grants_follow_the_moved_tree(world):
    """A planner holding a role in the moved unit keeps seeing it at its new place."""
    mover = world.user(Role.PLANNER, world.region)
    membership_create(
        actor=None, instance=Membership(user=mover, unit=world.group_a1, role=Role.ADMIN)
    )
    user_grants(mover)  # cached before the move
    orgunit_move(
        actor=mover,
        unit=world.group_a1,
        new_parent=world.province_b,
        expected_version=1,
        reason="ย้ายกลุ่มงาน",
    )
    group = reload(world.group_a1)[0]
    admin_paths = {g.unit_path for g in user_grants(mover) if g.role == Role.ADMIN}
    assert admin_paths == {group.path}


# orgunit_set_active -------------------------------------------------------------------------------


def test_deactivation_covers_the_whole_subtree(world, classroom):
    planner = world.user(Role.PLANNER, world.province_a)
    count = orgunit_set_active(
        actor=planner, unit=world.province_a, active=False, expected_version=1, reason="ยุบรวม"
    )
    assert count == 4
    subtree = OrgUnit.objects.filter(path__startswith=world.province_a.path)
    assert not subtree.filter(is_active=True).exists()
    assert set(subtree.values_list("version", flat=True)) == {2}
    assert set(subtree.values_list("updated_by", flat=True)) == {planner.pk}
    events = AuditEvent.objects.filter(action="orgs.orgunit.deactivated")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in subtree.values_list("pk", flat=True)
    )
    assert set(events.values_list("reason", flat=True)) == {"ยุบรวม"}
    event = events.get(object_id=str(classroom.pk))
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)
    assert reload(world.province_b)[0].is_active


def test_deactivation_counts_only_units_still_active(world, classroom):
    orgunit_set_active(actor=None, unit=classroom, active=False, expected_version=1)
    count = orgunit_set_active(actor=None, unit=world.province_a, active=False, expected_version=1)
    assert count == 3


def test_reactivation_needs_an_active_parent_and_is_one_unit_at_a_time(world):
    orgunit_set_active(actor=None, unit=world.province_a, active=False, expected_version=1)
    with pytest.raises(DomainError) as caught:
        orgunit_set_active(actor=None, unit=world.school_a2, active=True, expected_version=2)
    assert caught.value.message == "ต้องเปิดใช้งานหน่วยงานต้นสังกัด “ศธจ.ก” ก่อน"
    assert (
        orgunit_set_active(actor=None, unit=world.province_a, active=True, expected_version=2) == 1
    )
    assert not reload(world.school_a2)[0].is_active
    assert (
        orgunit_set_active(actor=None, unit=world.school_a2, active=True, expected_version=2) == 1
    )
    assert reload(world.school_a2)[0].is_active
    assert AuditEvent.objects.filter(action="orgs.orgunit.reactivated").count() == 2


def test_reactivating_an_active_unit_changes_nothing(world):
    assert (
        orgunit_set_active(actor=None, unit=world.school_a2, active=True, expected_version=1) == 0
    )
    assert reload(world.school_a2)[0].version == 1


def test_set_active_checks_version_and_scope(world):
    with pytest.raises(StaleEditError):
        orgunit_set_active(actor=None, unit=world.school_a2, active=False, expected_version=3)
    planner_b = world.user(Role.PLANNER, world.province_b)
    with pytest.raises(OutOfScopeError):
        orgunit_set_active(actor=planner_b, unit=world.school_a2, active=False, expected_version=1)
    assert reload(world.school_a2)[0].is_active


def test_members_of_a_deactivated_unit_lose_their_rights(world):
    planner = world.user(Role.PLANNER, world.school_a2)
    orgunit_set_active(actor=None, unit=world.province_a, active=False, expected_version=1)
    fresh = User.objects.get(pk=planner.pk)
    assert not OrgUnit.objects.restrict(fresh, Action.VIEW).exists()


# Deleting units -----------------------------------------------------------------------------------


def test_a_unit_with_children_cannot_be_deleted(world):
    with pytest.raises(ProtectedDataError) as caught:
        object_delete(actor=world.superuser(), instance=world.province_b)
    assert "หน่วยงาน 1 รายการ" in caught.value.message
    assert OrgUnit.objects.filter(pk=world.province_b.pk).exists()


def test_a_unit_with_memberships_cannot_be_deleted(world):
    world.user(Role.VIEWER, world.school_b1)
    with pytest.raises(ProtectedDataError) as caught:
        object_delete(actor=world.superuser(), instance=world.school_b1)
    assert caught.value.message == (
        "ลบ “โรงเรียน ข1” ไม่ได้ เพราะยังมีข้อมูลที่อ้างถึงอยู่: ผู้ใช้และบทบาท 1 รายการ"
    )


def test_a_unit_without_data_can_be_deleted(world):
    planner = world.user(Role.PLANNER, world.province_b)
    pk = world.school_b1.pk
    object_delete(actor=planner, instance=world.school_b1, expected_version=1, reason="ตั้งผิด")
    assert not OrgUnit.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="orgs.orgunit.deleted", object_id=str(pk))
    assert event.reason == "ตั้งผิด"
    assert event.before["name"] == "โรงเรียน ข1"


# Memberships --------------------------------------------------------------------------------------


def test_membership_create_refuses_the_admin_role_from_a_non_admin(world):
    planner = world.user(Role.PLANNER, world.province_a)
    member = world.nobody()
    with pytest.raises(OutOfScopeError) as caught:
        membership_create(
            actor=planner, instance=Membership(user=member, unit=world.school_a2, role=Role.ADMIN)
        )
    assert caught.value.message == "เฉพาะผู้ดูแลระบบเท่านั้นที่กำหนดบทบาทผู้ดูแลระบบได้"
    assert not Membership.objects.filter(user=member).exists()


def test_an_admin_grants_the_admin_role_within_their_subtree_only(world):
    admin = world.user(Role.ADMIN, world.province_a)
    member = world.nobody()
    membership_create(
        actor=admin, instance=Membership(user=member, unit=world.school_a2, role=Role.ADMIN)
    )
    assert Membership.objects.filter(user=member, role=Role.ADMIN).exists()
    with pytest.raises(OutOfScopeError):
        membership_create(
            actor=admin, instance=Membership(user=member, unit=world.school_b1, role=Role.ADMIN)
        )


def test_membership_update_refuses_promoting_to_admin_from_a_non_admin(world):
    planner = world.user(Role.PLANNER, world.province_a)
    membership = world.user(Role.VIEWER, world.school_a2).memberships.get()
    membership.role = Role.ADMIN
    with pytest.raises(OutOfScopeError):
        membership_update(actor=planner, instance=membership, expected_version=1)
    assert Membership.objects.get(pk=membership.pk).role == Role.VIEWER
    membership.role = Role.APPROVER
    membership_update(actor=planner, instance=membership, expected_version=1)
    assert Membership.objects.get(pk=membership.pk).role == Role.APPROVER


def test_a_new_membership_takes_effect_at_once_for_the_member(world):
    member = world.nobody()
    assert user_grants(member) == ()
    membership_create(
        actor=None, instance=Membership(user=member, unit=world.school_b1, role=Role.VIEWER)
    )
    assert [g.unit_id for g in user_grants(member)] == [world.school_b1.pk]


# Invitations --------------------------------------------------------------------------------------


def invitation(world, **overrides):
    values = {
        "username": "somsri",
        "full_name": "นางสมศรี ตั้งใจ",
        "email": "somsri@example.go.th",
        "position": "นักวิเคราะห์นโยบายและแผน",
        "phone": "075-111111",
        "unit": world.group_a1,
        "role": Role.REPORTER,
        **overrides,
    }
    return Invitation(**values)


def test_user_invite_creates_the_account_membership_and_audit_events(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    planner = world.user(Role.PLANNER, world.province_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = user_invite(
            actor=planner, invitation=invitation(world), base_url="https://phaen.example.go.th"
        )
        # Nothing is sent before the transaction commits.
        assert mailoutbox == []
    assert len(callbacks) == 1
    stored = User.objects.get(username="somsri")
    assert stored == user
    assert not stored.has_usable_password()
    assert (stored.full_name, stored.email, stored.position, stored.phone) == (
        "นางสมศรี ตั้งใจ",
        "somsri@example.go.th",
        "นักวิเคราะห์นโยบายและแผน",
        "075-111111",
    )
    membership = Membership.objects.get(user=user)
    assert (membership.unit, membership.role, membership.created_by) == (
        world.group_a1,
        Role.REPORTER,
        planner,
    )
    created = AuditEvent.objects.get(action="core.user.created")
    assert (created.actor, created.unit_path, created.object_id) == (
        planner,
        world.group_a1.path,
        str(user.pk),
    )
    assert created.after["username"] == "somsri"
    assert "password" not in created.after
    assert AuditEvent.objects.filter(
        action="orgs.membership.created", object_id=str(membership.pk)
    ).exists()

    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["somsri@example.go.th"]
    assert message.subject == "เชิญเข้าใช้ระบบแผน (phaen): ตั้งรหัสผ่านของคุณ"
    assert "เรียน นางสมศรี ตั้งใจ" in message.body
    assert "ในบทบาท “ผู้รายงาน” ของ กลุ่มนโยบายและแผน ก" in message.body
    assert "ชื่อผู้ใช้: somsri" in message.body


def test_the_invitation_link_sets_the_password(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(actor=None, invitation=invitation(world), base_url="http://testserver")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    client = Client()
    form = client.get(link[1], follow=True)
    assert form.context["validlink"] is True
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "แผนปี-2561-Strong!", "new_password2": "แผนปี-2561-Strong!"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="somsri").check_password("แผนปี-2561-Strong!")
    logged_in = client.post(
        "/accounts/login/", {"username": "somsri", "password": "แผนปี-2561-Strong!"}
    )
    assert logged_in.status_code == 302


def test_an_invitation_for_a_taken_username_is_refused(world, django_capture_on_commit_callbacks):
    world.user(Role.VIEWER, world.province_a)
    taken = world.user(Role.VIEWER, world.province_a).username.upper()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as caught:
        user_invite(actor=None, invitation=invitation(world, username=taken), base_url="http://x")
    assert caught.value.field == "username"
    assert caught.value.message == "ชื่อผู้ใช้นี้มีอยู่แล้ว"
    assert mail.outbox == []


def test_a_refused_invitation_leaves_no_account_and_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    planner = world.user(Role.PLANNER, world.province_a)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(OutOfScopeError),
    ):
        user_invite(
            actor=planner,
            invitation=invitation(world, role=Role.ADMIN),
            base_url="http://testserver",
        )
    assert callbacks == []
    assert not User.objects.filter(username="somsri").exists()
    assert not AuditEvent.objects.filter(action="core.user.created").exists()
    assert mail.outbox == []
