"""The plans section of "waiting for me": draft plan versions, for those who may approve them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role, forget_grants
from phaen.plans.inbox import plan_versions_to_approve
from phaen.plans.models import FiscalYear, PlanVersion
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import make_plan, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return small_plan(world.province_a, world.group_a1)


def titles(section):
    return [item.text for item in section.items]


def test_approvers_in_scope_see_the_draft_with_a_link_to_approve_it(plan, world):
    section = plan_versions_to_approve(world.user(Role.APPROVER, world.province_a))
    assert section.total == 1
    (item,) = section.items
    assert item.text == "แผนทดสอบ ฉบับที่ 1"
    assert item.url == reverse("plans:planversion_approve", args=[plan.version.pk])
    assert item.detail == f"{world.province_a.label} · ปีงบประมาณ พ.ศ. 2561"
    admin = world.user(Role.ADMIN, world.region)
    assert plan_versions_to_approve(admin).total == 1  # admins may approve too


def test_others_do_not(plan, world):
    assert plan_versions_to_approve(world.user(Role.APPROVER, world.province_b)).total == 0
    # Approvers of a unit below the plan's may not approve it.
    assert plan_versions_to_approve(world.user(Role.APPROVER, world.school_a2)).total == 0
    for role in (Role.VIEWER, Role.REPORTER, Role.PLANNER):
        assert plan_versions_to_approve(world.user(role, world.province_a)) is None


def test_only_drafts_with_projects_of_open_years_wait(plan, world):
    approver = world.user(Role.APPROVER, world.province_a)
    make_plan(world.school_a2, title="แผนที่ยังไม่มีโครงการ")  # cannot be approved yet
    assert titles(plan_versions_to_approve(approver)) == ["แผนทดสอบ ฉบับที่ 1"]
    FiscalYear.objects.filter(year=2561).update(is_open=False)
    assert plan_versions_to_approve(approver).total == 0
    FiscalYear.objects.filter(year=2561).update(is_open=True)
    version_approve(actor=approver, version=plan.version, expected_version=plan.version.version)
    assert plan_versions_to_approve(approver).total == 0


def test_a_fixed_number_of_queries_however_many_plans_wait(plan, world):
    approver = world.user(Role.APPROVER, world.region)

    def queries():
        forget_grants(approver)
        with CaptureQueriesContext(connection) as captured:
            section = plan_versions_to_approve(approver)
        return len(captured), section

    few, section = queries()
    assert (few, section.total) == (3, 1)  # the grants, the count, the items
    for year in (2562, 2563):
        small_plan(world.province_a, world.group_a1, year=year)
        small_plan(world.province_b, world.province_b, year=year)
    many, section = queries()
    assert (many, section.total) == (few, 5)
    assert len(section.items) == 5
    assert PlanVersion.objects.filter(status="draft").count() == 5


def test_the_inbox_page_lists_the_plan_to_approve(plan, world, client):
    client.force_login(world.user(Role.APPROVER, world.province_a))
    page = client.get(reverse("inbox")).content.decode()
    assert "แผนปฏิบัติการที่รออนุมัติ" in page
    assert reverse("plans:planversion_approve", args=[plan.version.pk]) in page
    home = client.get(reverse("home")).content.decode()
    assert 'แผนปฏิบัติการที่รออนุมัติ</a> <span class="badge warn">1</span>' in home


def test_the_inbox_page_of_a_reporter_has_no_plan_section(plan, world, client):
    client.force_login(world.user(Role.REPORTER, world.group_a1))
    assert "แผนปฏิบัติการที่รออนุมัติ" not in client.get(reverse("inbox")).content.decode()
