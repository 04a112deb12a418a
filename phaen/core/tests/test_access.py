"""The access policy: ``restrict(user, action)``, ``can``, ``has_any_role`` and the grants.

core sits below orgs in the layer order (import-linter), so these tests reach the org models
through the app registry and the ``world`` fixture instead of importing them.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q

from phaen.core.access import (
    AccessRules,
    Action,
    RestrictedQuerySet,
    Role,
    can,
    covering_paths,
    forget_grants,
    has_any_role,
    user_grants,
)
from phaen.core.audit import audit_record
from phaen.core.models import AuditEvent, User

OrgUnit = apps.get_model("orgs", "OrgUnit")
Membership = apps.get_model("orgs", "Membership")

pytestmark = pytest.mark.django_db

WRITES = (Action.ADD, Action.CHANGE, Action.DELETE)


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def province_a_subtree(world):
    return {world.province_a.name, world.group_a1.name, world.school_a2.name}


# Org units: the default rules (everyone reads their subtree, managers write) ----------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_views_exactly_its_units_subtree(world, role):
    user = world.user(role, world.province_a)
    assert names(OrgUnit.objects.restrict(user, Action.VIEW)) == province_a_subtree(world)


@pytest.mark.parametrize("action", WRITES)
@pytest.mark.parametrize("role", [Role.PLANNER, Role.ADMIN])
def test_managers_write_within_their_subtree_only(world, role, action):
    user = world.user(role, world.province_a)
    assert names(OrgUnit.objects.restrict(user, action)) == province_a_subtree(world)


@pytest.mark.parametrize("action", WRITES)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.REPORTER, Role.APPROVER])
def test_other_roles_write_nothing(world, role, action):
    user = world.user(role, world.province_a)
    assert not OrgUnit.objects.restrict(user, action).exists()


def test_a_grant_lower_in_the_tree_sees_only_below_it(world):
    user = world.user(Role.PLANNER, world.school_a2)
    assert names(OrgUnit.objects.restrict(user, Action.VIEW)) == {world.school_a2.name}
    assert names(OrgUnit.objects.restrict(user, Action.CHANGE)) == {world.school_a2.name}


def test_grants_in_two_subtrees_add_up(world):
    user = world.user(Role.VIEWER, world.group_a1)
    Membership.objects.create(user=user, unit=world.school_b1, role=Role.VIEWER)
    forget_grants(user)
    assert names(OrgUnit.objects.restrict(user, Action.VIEW)) == {
        world.group_a1.name,
        world.school_b1.name,
    }


def test_roles_combine_per_subtree_not_across_them(world):
    """A viewer at A and a planner at school B1 may change B1 only."""
    user = world.user(Role.VIEWER, world.province_a)
    Membership.objects.create(user=user, unit=world.school_b1, role=Role.PLANNER)
    forget_grants(user)
    assert names(OrgUnit.objects.restrict(user, Action.CHANGE)) == {world.school_b1.name}
    assert names(OrgUnit.objects.restrict(user, Action.VIEW)) == province_a_subtree(world) | {
        world.school_b1.name
    }


def test_an_unknown_action_is_for_admins_only(world):
    """Admins may always act within their scope, whatever the rules list for an action."""
    assert OrgUnit.access_rules.roles_for("approve") == {Role.ADMIN}
    planner = world.user(Role.PLANNER, world.province_a)
    admin = world.user(Role.ADMIN, world.province_a)
    assert not OrgUnit.objects.restrict(planner, "approve").exists()
    assert names(OrgUnit.objects.restrict(admin, "approve")) == province_a_subtree(world)


def test_admins_are_allowed_even_when_the_rules_name_no_role(world):
    rules = AccessRules(unit_path="path", roles={Action.VIEW: frozenset()})
    admin = world.user(Role.ADMIN, world.province_b)
    viewer = world.user(Role.VIEWER, world.province_b)
    assert rules.scope_q(viewer, Action.VIEW) is None
    admin_scope = rules.scope_q(admin, Action.VIEW)
    assert admin_scope is not None
    assert names(OrgUnit.objects.filter(admin_scope)) == {
        world.province_b.name,
        world.school_b1.name,
    }


def test_the_audit_log_is_for_admins_of_the_subtree(world):
    with transaction.atomic():
        in_a = audit_record(
            actor=None, action="t.x.done", reason="a", unit_path=world.school_a2.path
        )
        in_b = audit_record(
            actor=None, action="t.x.done", reason="b", unit_path=world.school_b1.path
        )
    admin = world.user(Role.ADMIN, world.province_a)
    planner = world.user(Role.PLANNER, world.province_a)
    test_events = AuditEvent.objects.filter(action="t.x.done")
    assert list(test_events.restrict(admin, Action.VIEW)) == [in_a]
    assert not AuditEvent.objects.restrict(planner, Action.VIEW).exists()
    assert set(test_events.restrict(world.superuser(), Action.VIEW)) == {in_a, in_b}


# Superusers, anonymous visitors and public rows ---------------------------------------------------


@pytest.mark.parametrize("action", [Action.VIEW, Action.DELETE, "approve"])
def test_a_superuser_may_do_everything_everywhere(world, action):
    assert OrgUnit.objects.restrict(world.superuser(), action).count() == OrgUnit.objects.count()


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_visitors_see_nothing_without_public_rows(world, user):
    assert OrgUnit.access_rules.public is None
    assert not OrgUnit.objects.restrict(user, Action.VIEW).exists()
    assert not OrgUnit.objects.restrict(user, Action.CHANGE).exists()


@pytest.fixture
def schools_are_public(monkeypatch):
    """Declare (for one test) that schools are published, as a public model would."""
    rules = AccessRules(unit_path="path", public=Q(kind="school"))
    monkeypatch.setattr(OrgUnit, "access_rules", rules)
    return rules


def test_anonymous_visitors_see_the_public_rows_only_for_viewing(world, schools_are_public):
    anonymous = AnonymousUser()
    assert names(OrgUnit.objects.restrict(anonymous, Action.VIEW)) == {
        world.school_a2.name,
        world.school_b1.name,
    }
    assert not OrgUnit.objects.restrict(anonymous, Action.CHANGE).exists()
    assert not OrgUnit.objects.restrict(None, Action.ADD).exists()


def test_logged_in_users_see_public_rows_besides_their_scope(world, schools_are_public):
    viewer = world.user(Role.VIEWER, world.group_a1)
    assert names(OrgUnit.objects.restrict(viewer, Action.VIEW)) == {
        world.group_a1.name,
        world.school_a2.name,
        world.school_b1.name,
    }
    nobody = world.nobody()
    assert names(OrgUnit.objects.restrict(nobody, Action.VIEW)) == {
        world.school_a2.name,
        world.school_b1.name,
    }
    # Public rows are for reading only.
    planner = world.user(Role.PLANNER, world.group_a1)
    assert names(OrgUnit.objects.restrict(planner, Action.CHANGE)) == {world.group_a1.name}


def test_a_user_without_membership_sees_nothing(world):
    nobody = world.nobody()
    assert not OrgUnit.objects.restrict(nobody, Action.VIEW).exists()
    assert not has_any_role(nobody, Role)


def test_restrict_refuses_a_model_without_rules(world):
    with pytest.raises(TypeError, match="declares no access_rules"):
        RestrictedQuerySet(model=User).restrict(world.superuser(), Action.VIEW)


# also_visible: rows outside the scope that a user may still see -----------------------------------


def test_everyone_sees_their_own_memberships_but_not_their_colleagues(world):
    reporter = world.user(Role.REPORTER, world.school_a2)
    colleague = world.user(Role.VIEWER, world.school_a2)
    visible = Membership.objects.restrict(reporter, Action.VIEW)
    assert list(visible) == list(reporter.memberships.all())
    assert not visible.filter(user=colleague).exists()
    # Seeing one's own membership does not allow changing it.
    assert not Membership.objects.restrict(reporter, Action.CHANGE).exists()


def test_approvers_see_the_memberships_of_their_subtree(world):
    approver = world.user(Role.APPROVER, world.province_a)
    in_scope = world.user(Role.VIEWER, world.school_a2)
    out_of_scope = world.user(Role.VIEWER, world.school_b1)
    visible = Membership.objects.restrict(approver, Action.VIEW)
    assert visible.filter(user=in_scope).exists()
    assert visible.filter(user=approver).exists()
    assert not visible.filter(user=out_of_scope).exists()
    assert not Membership.objects.restrict(approver, Action.ADD).exists()


def test_also_visible_is_asked_with_the_action_and_the_grants(world):
    calls = []

    def extra(user, action, grants):
        calls.append((user, action, grants))
        return Q(code=world.school_b1.code) if action == Action.VIEW else None

    rules = AccessRules(unit_path="path", also_visible=extra)
    viewer = world.user(Role.VIEWER, world.group_a1)
    view_q = rules.scope_q(viewer, Action.VIEW)
    assert names(OrgUnit.objects.filter(view_q)) == {world.group_a1.name, world.school_b1.name}
    assert rules.scope_q(viewer, Action.CHANGE) is None
    assert calls == [
        (viewer, Action.VIEW, user_grants(viewer)),
        (viewer, Action.CHANGE, user_grants(viewer)),
    ]


# Grants: active only, cached per user -------------------------------------------------------------


def test_an_inactive_membership_grants_nothing(world):
    viewer = world.user(Role.VIEWER, world.province_a)
    viewer.memberships.update(is_active=False)
    fresh = User.objects.get(pk=viewer.pk)
    assert user_grants(fresh) == ()
    assert not OrgUnit.objects.restrict(fresh, Action.VIEW).exists()
    assert not has_any_role(fresh, {Role.VIEWER})


def test_a_membership_in_a_deactivated_unit_grants_nothing(world):
    planner = world.user(Role.PLANNER, world.group_a1)
    world.user(Role.PLANNER, world.province_a)  # a grant elsewhere stays unaffected
    OrgUnit.objects.filter(pk=world.group_a1.pk).update(is_active=False)
    fresh = User.objects.get(pk=planner.pk)
    assert user_grants(fresh) == ()
    assert not OrgUnit.objects.restrict(fresh, Action.VIEW).exists()


def test_grants_are_read_once_per_user_object(world, django_assert_num_queries):
    viewer = User.objects.get(pk=world.user(Role.VIEWER, world.province_a).pk)
    with django_assert_num_queries(1):
        grants = user_grants(viewer)
    assert [(g.unit_id, g.unit_path, g.role) for g in grants] == [
        (world.province_a.pk, world.province_a.path, Role.VIEWER)
    ]
    with django_assert_num_queries(0):
        assert user_grants(viewer) is grants
        has_any_role(viewer, {Role.PLANNER})


def test_forget_grants_reads_changed_memberships(world):
    viewer = world.user(Role.VIEWER, world.group_a1)
    assert names(OrgUnit.objects.restrict(viewer, Action.VIEW)) == {world.group_a1.name}
    Membership.objects.create(user=viewer, unit=world.school_b1, role=Role.VIEWER)
    # The cache still holds the old grants until told otherwise...
    assert names(OrgUnit.objects.restrict(viewer, Action.VIEW)) == {world.group_a1.name}
    forget_grants(viewer)
    assert names(OrgUnit.objects.restrict(viewer, Action.VIEW)) == {
        world.group_a1.name,
        world.school_b1.name,
    }
    forget_grants(viewer)
    forget_grants(viewer)  # forgetting twice is harmless


def test_anonymous_users_have_no_grants():
    assert user_grants(AnonymousUser()) == ()
    forget_grants(AnonymousUser())


# Paths: covering sets and sibling prefixes --------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([], []),
        (["/1/"], ["/1/"]),
        (["/1/2/5/", "/1/2/"], ["/1/2/"]),
        (["/1/2/", "/1/23/"], ["/1/2/", "/1/23/"]),
        (["/1/2/", "/1/2/", "/1/3/4/", "/1/"], ["/1/"]),
        (["/7/", "/1/23/", "/1/2/9/"], ["/1/2/9/", "/1/23/", "/7/"]),
    ],
)
def test_covering_paths_keeps_the_topmost_of_each_subtree(paths, expected):
    assert covering_paths(paths) == expected


def test_a_sibling_whose_id_extends_anothers_does_not_leak(world):
    """A grant on "/…/900002/" must not match "/…/9000023/" (a string prefix, not a subtree)."""
    region = world.region

    def unit(pk, name):
        return OrgUnit.objects.create(
            pk=pk,
            name=name,
            kind="provincial_office",
            affiliation="ops",
            parent=region,
            path=f"{region.path}{pk}/",
            depth=region.depth + 1,
        )

    two = unit(900002, "ศธจ.สอง")
    twenty_three = unit(9000023, "ศธจ.ยี่สิบสาม")
    assert twenty_three.path.startswith(two.path.rstrip("/"))  # the trap is real
    planner = world.user(Role.PLANNER, two)
    assert names(OrgUnit.objects.restrict(planner, Action.VIEW)) == {"ศธจ.สอง"}
    assert not can(planner, Action.CHANGE, twenty_three)
    assert covering_paths([two.path, twenty_three.path]) == sorted([two.path, twenty_three.path])


# can() and has_any_role() -------------------------------------------------------------------------


def test_can_answers_for_one_object(world, django_assert_num_queries):
    planner = world.user(Role.PLANNER, world.province_a)
    user_grants(planner)
    with django_assert_num_queries(1):
        assert can(planner, Action.CHANGE, world.school_a2)
    assert not can(planner, Action.CHANGE, world.school_b1)
    assert not can(planner, Action.CHANGE, world.region)
    assert not can(AnonymousUser(), Action.VIEW, world.school_a2)
    assert can(world.superuser(), Action.DELETE, world.root)


def test_has_any_role(world):
    approver = world.user(Role.APPROVER, world.school_b1)
    assert has_any_role(approver, {Role.APPROVER, Role.PLANNER})
    assert not has_any_role(approver, {Role.PLANNER})
    assert has_any_role(world.superuser(), set())
    assert not has_any_role(AnonymousUser(), set(Role))
