"""manage.py load_demo: idempotent, refuses demo accounts outside a demo database, accounts work."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from phaen.core.access import Action, Role
from phaen.core.models import AuditEvent, User
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, DEMO_SCHOOL, PEO, UNITS
from phaen.orgs.models import Membership, OrgUnit, child_path

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return (
        OrgUnit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_loading_twice_adds_nothing_the_second_time():
    first = load()
    assert "Demo data loaded" in first
    after_first = counts()
    assert after_first[0] == len(UNITS)
    assert after_first[1] == len(ACCOUNTS)
    assert after_first[2] == len(ACCOUNTS)
    second = load()
    assert "Demo data already present; nothing to add." in second
    assert counts() == after_first


def test_the_tree_is_built_with_paths_and_audited():
    load("--no-accounts")
    peo = OrgUnit.objects.get(code=PEO)
    school = OrgUnit.objects.get(code=DEMO_SCHOOL)
    assert school.path.startswith(peo.path)
    assert school.depth == len(school.ancestor_ids())
    for unit in OrgUnit.objects.select_related("parent"):
        expected = child_path(unit.parent.path if unit.parent else None, unit.pk)
        assert unit.path == expected, unit.code
    assert AuditEvent.objects.filter(
        action="orgs.orgunit.created", reason="ข้อมูลสาธิต"
    ).count() == len(UNITS)


def test_demo_accounts_are_refused_when_phaen_demo_is_off(settings):
    settings.PHAEN_DEMO = False
    with pytest.raises(CommandError, match="Refusing to create the demo accounts"):
        load()
    assert counts() == (0, 0, 0, 0)


def test_force_demo_accounts_overrides_the_refusal(settings):
    settings.PHAEN_DEMO = False
    output = load("--force-demo-accounts")
    assert User.objects.count() == len(ACCOUNTS)
    assert "Demo accounts (password phaen-demo)" in output


def test_no_accounts_loads_the_data_only(settings):
    settings.PHAEN_DEMO = False
    output = load("--no-accounts")
    assert OrgUnit.objects.count() == len(UNITS)
    assert not User.objects.exists()
    assert "Demo accounts" not in output


def test_accounts_added_to_data_loaded_earlier():
    load("--no-accounts")
    units = OrgUnit.objects.count()
    load()
    assert OrgUnit.objects.count() == units
    assert User.objects.count() == len(ACCOUNTS)


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_every_demo_account_logs_in_with_the_demo_password(username):
    load()
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    assert client.get("/").status_code == 200


def test_the_demo_accounts_hold_their_roles():
    load()
    roles = {
        (membership.user.username, membership.role, membership.unit.code)
        for membership in Membership.objects.select_related("user", "unit")
    }
    assert roles == {(account[0], account[3], account[4]) for account in ACCOUNTS}
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="planner").is_superuser


def test_the_school_account_sees_exactly_its_school():
    load()
    school_user = User.objects.get(username="school")
    visible = OrgUnit.objects.restrict(school_user, Action.VIEW)
    assert list(visible.values_list("code", flat=True)) == [DEMO_SCHOOL]
    assert not OrgUnit.objects.restrict(school_user, Action.CHANGE).exists()


def test_the_planner_manages_the_whole_province():
    load()
    planner = User.objects.get(username="planner")
    peo = OrgUnit.objects.get(code=PEO)
    changeable = OrgUnit.objects.restrict(planner, Action.CHANGE)
    assert changeable.count() == OrgUnit.objects.filter(path__startswith=peo.path).count()
    assert not changeable.filter(code="MOE").exists()
    assert planner.memberships.get().role == Role.PLANNER
