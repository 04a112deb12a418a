"""Pages of the organisation tree and of memberships, through HTTP, with query-count baselines."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.audit import audit_record
from phaen.core.models import AuditEvent, User
from phaen.orgs.models import Membership, OrgUnit, child_path
from phaen.orgs.testing import make_unit, make_user

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def option_values(page, select_name):
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"no select {select_name}"
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select[1])}


# The tree -----------------------------------------------------------------------------------------


def test_the_tree_starts_at_the_users_top_units(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 200
    page = html(response)
    assert f'<a href="{world.province_a.get_absolute_url()}">ศธจ.ก</a>' in page
    assert world.region.get_absolute_url() not in page
    assert world.province_b.get_absolute_url() not in page
    assert f'hx-get="{reverse("orgs:tree_children", args=[world.province_a.pk])}"' in page
    assert "2 หน่วยงานย่อย" in page


def test_the_tree_of_a_superuser_starts_at_the_roots(client, world):
    login(client, world.superuser())
    page = html(client.get(reverse("orgs:tree")))
    assert world.root.get_absolute_url() in page
    assert world.region.get_absolute_url() not in page  # one level at a time


def test_the_tree_of_a_user_without_roles_says_so(client, world):
    login(client, world.nobody())
    page = html(client.get(reverse("orgs:tree")))
    assert "คุณยังไม่มีบทบาทในหน่วยงานใด" in page


def test_the_children_endpoint_returns_one_level_as_a_fragment(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(
        reverse("orgs:tree_children", args=[world.province_a.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert page.lstrip().startswith('<li role="treeitem"')
    # Work groups are listed before schools (kind order), whatever their names.
    assert page.index("กลุ่มนโยบายและแผน ก") < page.index("โรงเรียน ก2")


def test_the_children_endpoint_is_scoped(client, world):
    login(client, world.user(Role.VIEWER, world.group_a1))
    assert client.get(reverse("orgs:tree_children", args=[world.province_a.pk])).status_code == 404
    assert client.get(reverse("orgs:tree_children", args=[world.province_b.pk])).status_code == 404
    response = client.get(reverse("orgs:tree_children", args=[world.group_a1.pk]))
    assert response.status_code == 200


def test_the_children_endpoint_leaves_out_children_outside_the_scope(client, world):
    """A viewer of two schools sees, under their common parent, only those schools."""
    viewer = world.user(Role.VIEWER, world.school_a2)
    login(client, world.superuser())
    page = html(client.get(reverse("orgs:tree_children", args=[world.province_a.pk])))
    assert "กลุ่มนโยบายและแผน ก" in page
    login(client, viewer)
    assert client.get(reverse("orgs:tree_children", args=[world.province_a.pk])).status_code == 404


def test_an_inactive_unit_is_marked_in_the_tree(client, world):
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(is_active=False)
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("orgs:tree_children", args=[world.province_a.pk])))
    assert '<li role="treeitem" class="inactive"' in page
    assert "ปิดการใช้งาน" in page


# Unit detail --------------------------------------------------------------------------------------


def test_the_detail_links_only_the_ancestors_the_user_may_see(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(world.school_a2.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert f'<li><a href="{world.province_a.get_absolute_url()}">ศธจ.ก</a></li>' in page
    assert "<li>กระทรวงทดสอบ</li>" in page
    assert "<li>ภาคทดสอบ</li>" in page
    assert world.root.get_absolute_url() not in page
    assert world.region.get_absolute_url() not in page


def test_the_detail_shows_children_and_actions_by_role(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(world.province_a.get_absolute_url()))
    assert world.group_a1.get_absolute_url() in page
    assert world.school_a2.get_absolute_url() in page
    assert reverse("orgs:orgunit_move", args=[world.province_a.pk]) not in page
    assert "ผู้ใช้และบทบาทในหน่วยงานนี้" not in page

    approver = world.user(Role.APPROVER, world.province_a)
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(world.province_a.get_absolute_url()))
    assert reverse("orgs:orgunit_move", args=[world.province_a.pk]) in page
    assert reverse("orgs:orgunit_active", args=[world.province_a.pk]) in page
    assert f"{reverse('orgs:orgunit_add')}?parent={world.province_a.pk}" in page
    assert "ผู้ใช้และบทบาทในหน่วยงานนี้" in page
    assert str(approver) in page


# Move and deactivate ------------------------------------------------------------------------------


def test_the_move_page_offers_only_allowed_destinations(client, world):
    login(client, world.user(Role.PLANNER, world.region))
    response = client.get(reverse("orgs:orgunit_move", args=[world.province_a.pk]))
    assert response.status_code == 200
    choices = option_values(html(response), "parent")
    assert world.province_b.pk in choices
    assert world.region.pk in choices
    assert not choices & {world.province_a.pk, world.group_a1.pk, world.school_a2.pk}
    assert world.root.pk not in choices


def test_moving_through_the_page_is_audited_with_the_reason(client, world):
    planner = world.user(Role.PLANNER, world.region)
    login(client, planner)
    url = reverse("orgs:orgunit_move", args=[world.school_a2.pk])
    response = client.post(
        url, {"parent": world.province_b.pk, "version": 1, "reason": "โอนไปจังหวัด ข"}
    )
    assert response.status_code == 302
    assert response["Location"] == world.school_a2.get_absolute_url()
    school = OrgUnit.objects.get(pk=world.school_a2.pk)
    assert school.path == child_path(world.province_b.path, school.pk)
    event = AuditEvent.objects.get(action="orgs.orgunit.moved")
    assert (event.actor, event.reason) == (planner, "โอนไปจังหวัด ข")
    assert "ย้าย “โรงเรียน ก2” ไปอยู่ใต้ “ศธจ.ข” แล้ว" in html(client.get(response["Location"]))


def test_a_move_needs_a_reason_and_an_allowed_destination(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    url = reverse("orgs:orgunit_move", args=[world.school_a2.pk])
    no_reason = client.post(url, {"parent": world.group_a1.pk, "version": 1, "reason": ""})
    assert no_reason.status_code == 400
    outside = client.post(url, {"parent": world.province_b.pk, "version": 1, "reason": "ลอง"})
    assert outside.status_code == 400
    assert OrgUnit.objects.get(pk=world.school_a2.pk).parent_id == world.province_a.pk


def test_a_stale_move_shows_the_thai_message(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(version=2)
    response = client.post(
        reverse("orgs:orgunit_move", args=[world.school_a2.pk]),
        {"parent": world.group_a1.pk, "version": 1, "reason": "ย้าย"},
    )
    assert response.status_code == 400
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in html(response)


def test_a_reader_cannot_open_the_move_page(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    assert client.get(reverse("orgs:orgunit_move", args=[world.school_a2.pk])).status_code == 403
    assert client.get(reverse("orgs:orgunit_active", args=[world.school_a2.pk])).status_code == 403


def test_deactivating_through_the_page_covers_the_subtree(client, world):
    planner = world.user(Role.PLANNER, world.province_a)
    login(client, planner)
    url = reverse("orgs:orgunit_active", args=[world.province_a.pk])
    page = html(client.get(url))
    assert "รวม 3 หน่วยงาน" in page
    response = client.post(url, {"version": 1, "reason": "ยุบสำนักงาน"})
    assert response.status_code == 302
    subtree = OrgUnit.objects.filter(path__startswith=world.province_a.path)
    assert not subtree.filter(is_active=True).exists()
    events = AuditEvent.objects.filter(action="orgs.orgunit.deactivated")
    assert events.count() == 3
    assert set(events.values_list("reason", flat=True)) == {"ยุบสำนักงาน"}
    message = "ปิดการใช้งาน “ศธจ.ก” และหน่วยงานภายใต้ รวม 3 หน่วยงานแล้ว"
    assert message in html(client.get(response["Location"]))


def test_reactivating_through_the_page(client, world):
    OrgUnit.objects.filter(pk=world.province_a.pk).update(is_active=False)
    login(client, world.user(Role.PLANNER, world.region))
    url = reverse("orgs:orgunit_active", args=[world.province_a.pk])
    assert "จะเปิดใช้งานเฉพาะหน่วยงานนี้" in html(client.get(url))
    response = client.post(url, {"version": 1, "reason": "เปิดใหม่"})
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=world.province_a.pk).is_active
    assert AuditEvent.objects.filter(action="orgs.orgunit.reactivated", reason="เปิดใหม่").exists()


def test_reactivating_under_an_inactive_parent_shows_why_not(client, world):
    OrgUnit.objects.filter(path__startswith=world.province_a.path).update(is_active=False)
    login(client, world.user(Role.PLANNER, world.region))
    response = client.post(
        reverse("orgs:orgunit_active", args=[world.school_a2.pk]), {"version": 1, "reason": "x"}
    )
    assert response.status_code == 400
    assert "ต้องเปิดใช้งานหน่วยงานต้นสังกัด “ศธจ.ก” ก่อน" in html(response)


# Adding units -------------------------------------------------------------------------------------


def test_the_add_form_offers_parents_in_the_add_scope_and_takes_one_from_the_url(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(reverse("orgs:orgunit_add"), {"parent": world.school_a2.pk}))
    assert option_values(page, "parent") == {
        world.province_a.pk,
        world.group_a1.pk,
        world.school_a2.pk,
    }
    assert f'<option value="{world.school_a2.pk}" selected>' in page


def test_a_unit_added_through_the_form_gets_its_path(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.post(
        reverse("orgs:orgunit_add"),
        {
            "name": "โรงเรียนบ้านใหม่",
            "code": "1080219999",
            "kind": "school",
            "affiliation": "obec",
            "parent": world.group_a1.pk,
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="1080219999")
    assert response["Location"] == unit.get_absolute_url()
    assert unit.path == child_path(world.group_a1.path, unit.pk)


# The unit-options endpoint ------------------------------------------------------------------------


def options(client, **params):
    response = client.get(reverse("orgs:unit_options"), params)
    assert response.status_code == 200
    return {int(value) for value in re.findall(r'<option value="(\d+)"', html(response))}


def test_unit_options_are_the_units_where_the_user_may_add(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    expected = {world.province_a.pk, world.group_a1.pk, world.school_a2.pk}
    assert options(client, **{"for": "orgs.orgunit", "action": "add"}) == expected
    assert options(client, **{"for": "orgs.membership", "action": "add"}) == expected
    assert options(client, **{"for": "orgs.orgunit", "action": "add", "q": "โรงเรียน"}) == {
        world.school_a2.pk
    }
    assert options(
        client, **{"for": "orgs.orgunit", "action": "add", "q": world.group_a1.code}
    ) == {world.group_a1.pk}


def test_unit_options_follow_the_models_roles(client, world):
    login(client, world.user(Role.APPROVER, world.province_a))
    assert options(client, **{"for": "orgs.orgunit", "action": "add"}) == set()
    assert len(options(client, **{"for": "orgs.membership", "action": "view"})) == 3


def test_unit_options_leave_out_inactive_units(client, world):
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(is_active=False)
    login(client, world.user(Role.PLANNER, world.province_a))
    assert world.school_a2.pk not in options(client, **{"for": "orgs.orgunit", "action": "add"})


@pytest.mark.parametrize("model", ["", "orgs.castle", "nonsense", "core.user"])
def test_unit_options_for_an_unknown_model_is_404(client, world, model):
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.get(reverse("orgs:unit_options"), {"for": model, "action": "add"})
    assert response.status_code == 404


def test_unit_options_need_a_login(client):
    assert client.get(reverse("orgs:unit_options"), {"for": "orgs.orgunit"}).status_code == 302


# Memberships --------------------------------------------------------------------------------------


def test_the_membership_list_shows_the_scope_only(client, world):
    inside = world.user(Role.REPORTER, world.school_a2)
    outside = world.user(Role.REPORTER, world.school_b1)
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(reverse("orgs:membership_list")))
    assert inside.username in page
    assert outside.username not in page
    assert reverse("orgs:user_invite") in page


def test_the_membership_form_hides_the_admin_role_from_non_admins(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(reverse("orgs:membership_add")))
    assert 'value="planner"' in page
    assert 'value="admin"' not in page
    login(client, world.user(Role.ADMIN, world.province_a))
    assert 'value="admin"' in html(client.get(reverse("orgs:membership_add")))


def test_a_membership_is_added_by_username(client, world):
    member = make_user("somchai")
    planner = world.user(Role.PLANNER, world.province_a)
    login(client, planner)
    response = client.post(
        reverse("orgs:membership_add"),
        {"user": "SOMCHAI", "unit": world.school_a2.pk, "role": "reporter", "is_active": "on"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=member)
    assert (membership.unit, membership.role, membership.created_by) == (
        world.school_a2,
        "reporter",
        planner,
    )


def test_an_unknown_username_is_explained(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.post(
        reverse("orgs:membership_add"),
        {"user": "ghost", "unit": world.school_a2.pk, "role": "reporter"},
    )
    assert response.status_code == 400
    assert "ไม่พบผู้ใช้ชื่อ “ghost”" in html(response)


def test_the_membership_detail_and_edit(client, world):
    membership = world.user(Role.VIEWER, world.school_a2).memberships.get()
    login(client, world.user(Role.PLANNER, world.province_a))
    assert client.get(membership.get_absolute_url()).status_code == 200
    page = html(client.get(reverse("orgs:membership_edit", args=[membership.pk])))
    assert f'value="{membership.user.username}"' in page
    response = client.post(
        reverse("orgs:membership_edit", args=[membership.pk]),
        {
            "user": membership.user.username,
            "unit": membership.unit_id,
            "role": "approver",
            "is_active": "on",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "approver"


def test_the_invite_page_creates_the_account_and_mails_the_link(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, world.user(Role.PLANNER, world.province_a))
    assert client.get(reverse("orgs:user_invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orgs:user_invite"),
            {
                "username": "malee",
                "full_name": "นางสาวมาลี ใจดี",
                "email": "malee@example.go.th",
                "unit": world.school_a2.pk,
                "role": "reporter",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:membership_list")
    user = User.objects.get(username="malee")
    assert Membership.objects.filter(user=user, unit=world.school_a2, role="reporter").exists()
    assert len(mailoutbox) == 1
    assert "http://testserver/accounts/reset/" in mailoutbox[0].body
    listing = html(client.get(response["Location"]))
    assert "สร้างบัญชี “นางสาวมาลี ใจดี” แล้ว และส่งลิงก์ตั้งรหัสผ่านไปที่ malee@example.go.th" in listing


def test_the_invite_page_refuses_a_taken_username(client, world, mailoutbox):
    make_user("malee")
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.post(
        reverse("orgs:user_invite"),
        {
            "username": "malee",
            "full_name": "ซ้ำ",
            "email": "x@example.go.th",
            "unit": world.school_a2.pk,
            "role": "viewer",
        },
    )
    assert response.status_code == 400
    assert "ชื่อผู้ใช้นี้มีอยู่แล้ว" in html(response)
    assert mailoutbox == []


def test_the_invite_page_is_for_managers(client, world):
    login(client, world.user(Role.APPROVER, world.province_a))
    assert client.get(reverse("orgs:user_invite")).status_code == 403


# Query counts: list pages cost the same whatever the number of rows -------------------------------


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_units(parent, count, start):
    for index in range(start, start + count):
        unit = make_unit(f"โรงเรียนลำดับ {index:03d}", parent, "school")
        if index % 5 == 0:
            make_unit(f"ห้องเรียนสาขา {index:03d}", unit, "school")


def add_members(unit, count, start):
    for index in range(start, start + count):
        make_user(f"member{index:03d}", (Role.REPORTER, unit))


def add_events(unit, count):
    with transaction.atomic():
        for index in range(count):
            audit_record(
                actor=None,
                action="test.thing.updated",
                before={"name": f"เดิม {index}"},
                after={"name": f"ใหม่ {index}"},
                unit_path=unit.path,
            )


@pytest.fixture
def big_pages(settings):
    settings.PHAEN_LIST_PAGE_SIZE = 200


def assert_constant(client, url, grow, django_assert_max_num_queries, limit, **params):
    """Same number of queries with 10 rows and with 60 rows (and within ``limit``)."""
    client.get(url, params)  # the first request of a session also records its activity time
    grow(10, 0)
    with django_assert_max_num_queries(limit):
        small = queries_for(client, url, **params)
    grow(50, 10)
    with django_assert_max_num_queries(limit):
        large = queries_for(client, url, **params)
    assert small == large, (small, large)


def test_the_unit_list_runs_a_constant_number_of_queries(
    client, world, big_pages, django_assert_max_num_queries
):
    login(client, world.user(Role.PLANNER, world.province_a))
    assert_constant(
        client,
        reverse("orgs:orgunit_list"),
        lambda count, start: add_units(world.group_a1, count, start),
        django_assert_max_num_queries,
        limit=7,
    )


def test_the_tree_children_run_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    login(client, world.user(Role.VIEWER, world.province_a))
    assert_constant(
        client,
        reverse("orgs:tree_children", args=[world.group_a1.pk]),
        lambda count, start: add_units(world.group_a1, count, start),
        django_assert_max_num_queries,
        limit=7,
    )


def test_the_membership_list_runs_a_constant_number_of_queries(
    client, world, big_pages, django_assert_max_num_queries
):
    login(client, world.user(Role.PLANNER, world.province_a))
    assert_constant(
        client,
        reverse("orgs:membership_list"),
        lambda count, start: add_members(world.school_a2, count, start),
        django_assert_max_num_queries,
        limit=7,
    )


def test_the_audit_list_runs_a_constant_number_of_queries(
    client, world, big_pages, django_assert_max_num_queries
):
    login(client, world.user(Role.ADMIN, world.province_a))
    assert_constant(
        client,
        reverse("core:auditevent_list"),
        lambda count, start: add_events(world.school_a2, count),
        django_assert_max_num_queries,
        limit=8,
    )


def test_the_unit_detail_runs_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    login(client, world.user(Role.PLANNER, world.province_a))
    assert_constant(
        client,
        world.group_a1.get_absolute_url(),
        lambda count, start: add_units(world.group_a1, count, start),
        django_assert_max_num_queries,
        limit=16,  # with the header's notification count
    )


def test_the_exports_run_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    login(client, world.user(Role.PLANNER, world.province_a))
    url = reverse("orgs:orgunit_list")
    client.get(url)
    add_units(world.group_a1, 10, 0)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"export": "xlsx"})
    add_units(world.group_a1, 50, 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
