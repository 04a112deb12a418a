"""The monitoring section of the project page (registered in plans.sections): the project's
quarterly reports with their state and percent, a link to start a report where the user may,
the open corrective actions; scoped by restrict() and read in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.monitoring import services
from phaen.monitoring.models import CorrectiveAction
from phaen.monitoring.sections import project_monitoring_context
from phaen.monitoring.tests import factories as f
from phaen.plans.sections import project_sections
from phaen.plans.services import version_publish

pytestmark = pytest.mark.django_db

SECTION = "monitoring/project_section.html"


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, plan) -> str:
    response = client.get(plan.project.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def start_link(plan, kind: str) -> str:
    period = f.period(kind)
    start = reverse("monitoring:progressreport_start")
    return f"{start}?project={plan.project.pk}&amp;period={period.pk}"


def test_the_section_is_registered_after_the_money(world, plan):
    user = world.user(Role.PLANNER, world.province_a)
    names = [name for name, _context in project_sections(user, plan.project)]
    assert SECTION in names
    if "budget/project_money_section.html" in names:  # after the project's money
        assert names.index(SECTION) > names.index("budget/project_money_section.html")


def test_the_project_page_lists_its_reports_and_open_actions(world, plan):
    report = f.start(plan, "Q2")
    _problem, action = f.problem_with_action(report, due_on=date(2018, 1, 15))
    _problem, done = f.problem_with_action(report, description="งบประมาณล่าช้า")
    done.status = CorrectiveAction.Status.CANCELLED
    services.corrective_action_update(actor=None, instance=done, expected_version=done.version)
    html = page(client_for(world.user(Role.REPORTER, world.group_a1)), plan)
    assert "การติดตามผลการดำเนินงาน" in html
    assert f'href="{report.get_absolute_url()}"' in html
    assert "ร่าง" in html
    # The lead unit's reporter may start the quarters without a report that are open.
    assert start_link(plan, "Q3") in html
    assert start_link(plan, "Q2") not in html
    assert action.get_absolute_url() in html
    assert "เลยกำหนด" in html  # due in January 2018
    assert done.get_absolute_url() not in html  # cancelled: no longer open


def test_readers_see_the_reports_without_start_links(world, plan):
    report = f.start(plan, "Q2")
    html = page(client_for(world.user(Role.VIEWER, world.province_a)), plan)
    assert f'href="{report.get_absolute_url()}"' in html
    assert reverse("monitoring:progressreport_start") not in html


def test_another_school_sees_the_published_project_but_not_its_reports(world, plan):
    report = f.start(plan, "Q2")
    f.problem_with_action(report)
    version_publish(actor=None, version=plan.version, expected_version=None)
    school = world.user(Role.REPORTER, world.school_a2)
    html = page(client_for(school), plan)
    assert "การติดตามผลการดำเนินงาน" in html
    assert report.get_absolute_url() not in html
    assert reverse("monitoring:progressreport_start") not in html
    context = project_monitoring_context(school, plan.project)["monitoring"]
    assert all(line.report is None for line in context["quarters"])
    assert context["actions"] == []
    # and the report itself stays out of reach
    assert client_for(school).get(report.get_absolute_url()).status_code == 404


def test_an_unpublished_project_is_out_of_scope_for_another_school(world, plan):
    f.start(plan, "Q2")
    client = client_for(world.user(Role.REPORTER, world.school_a2))
    assert client.get(plan.project.get_absolute_url()).status_code == 404


def test_the_section_reads_a_fixed_number_of_queries(world, plan):
    client = client_for(world.user(Role.PLANNER, world.province_a))
    url = plan.project.get_absolute_url()
    report = f.start(plan, "Q1")
    f.problem_with_action(report)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for kind in ("Q2", "Q3", "Q4"):
        report = f.start(plan, kind)
        for number in range(4):
            f.problem_with_action(report, description=f"ปัญหา {kind} {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_a_project_of_a_draft_plan_offers_no_report_to_start(world):
    draft = f.monitored_plan(world, approve=False)
    html = page(client_for(world.user(Role.PLANNER, world.province_a)), draft)
    assert "การติดตามผลการดำเนินงาน" in html
    assert reverse("monitoring:progressreport_start") not in html
