"""Monitoring's sections of the plans pages (registered in plans.sections).

The project page: the project's quarterly reports with their state and percent, a link to start
a report where the user may, the open corrective actions. The plan page: last year's lessons
learned of the plan's unit and those below. Scoped by restrict(), read in a fixed number of
queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.monitoring import services
from phaen.monitoring.models import CorrectiveAction, LessonLearned
from phaen.monitoring.sections import (
    LESSON_ROWS,
    plan_lessons_context,
    project_monitoring_context,
)
from phaen.monitoring.tests import factories as f
from phaen.plans.sections import plan_sections, project_sections
from phaen.plans.services import version_approve, version_publish
from phaen.plans.tests.factories import fiscal_year, small_plan

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
    f.open_period(f.period("Q3"))  # FY2561's own dates locked long ago
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


def test_a_closed_quarter_offers_no_start_link_until_a_late_entry_is_granted(world, plan):
    """The link follows the rule of saving (services.entry_closed_message): past its lock date
    a quarter is closed to the lead unit's reporters, unless a planner grants a late entry."""
    q3 = f.close_period(f.period("Q3"))
    reporter = client_for(world.user(Role.REPORTER, world.group_a1))
    assert start_link(plan, "Q3") not in page(reporter, plan)
    services.late_entry_grant(
        actor=None,
        period=q3,
        unit=world.group_a1,
        until=date.today() + timedelta(days=7),
        reason="ส่งเอกสารไม่ทันเพราะน้ำท่วม",
    )
    assert start_link(plan, "Q3") in page(reporter, plan)
    # Planners may still write after the lock date: their link never went away.
    assert start_link(plan, "Q4") in page(
        client_for(world.user(Role.PLANNER, world.province_a)), plan
    )


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


# The plan page: lessons learned of last year ------------------------------------------------

LESSONS = "monitoring/plan_lessons_section.html"


def lesson(unit, year: int = 2561, **fields) -> LessonLearned:
    fields.setdefault("topic", "การอบรมออนไลน์")
    fields.setdefault("lesson", "ครูเข้าร่วมได้มากกว่าการอบรมในห้อง")
    return services.lesson_add(
        actor=None, instance=LessonLearned(fiscal_year=fiscal_year(year), unit=unit, **fields)
    )


@pytest.fixture
def next_plan(world):
    """Province A's FY2562 plan (a draft), the year after ``plan``'s."""
    return small_plan(world.province_a, world.group_a1, year=2562).version


def plan_page(client: Client, version) -> str:
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_lessons_section_is_registered_on_the_plan_page(world, next_plan):
    user = world.user(Role.PLANNER, world.province_a)
    assert LESSONS in [name for name, _context in plan_sections(user, next_plan)]


def test_a_planner_sees_last_years_lessons_on_this_years_plan(world, plan, next_plan):
    first = lesson(
        world.group_a1,
        project=plan.project,
        recommendation="จัดอบรมออนไลน์ในแผนปีถัดไป",
    )
    second = lesson(
        world.school_a2,
        topic="ห้องสมุดมีชีวิต",
        lesson="นักเรียนยืมหนังสือมากขึ้น",
        strategic_issue=plan.small.issue,
    )
    html = plan_page(client_for(world.user(Role.PLANNER, world.province_a)), next_plan)
    assert "บทเรียนจากปีที่แล้ว" in html
    for row in (first, second):
        assert f'href="{row.get_absolute_url()}"' in html
    assert "จัดอบรมออนไลน์ในแผนปีถัดไป" in html
    assert "นักเรียนยืมหนังสือมากขึ้น" in html
    assert world.school_a2.name in html
    assert f'href="{plan.project.get_absolute_url()}"' in html
    assert f'href="{plan.small.issue.get_absolute_url()}"' in html
    list_url = reverse("monitoring:lessonlearned_list")
    query = f"?fiscal_year=2561&amp;unit={world.province_a.pk}"
    assert f'href="{list_url}{query}"' in html
    assert "ดูทั้งหมด" not in html  # all are shown
    # The link lists the same lessons (its filters are valid choices for the planner).
    listed = client_for(world.user(Role.PLANNER, world.province_a)).get(
        f"{list_url}?fiscal_year=2561&unit={world.province_a.pk}"
    )
    assert listed.status_code == 200
    assert first.get_absolute_url() in listed.content.decode()
    assert second.get_absolute_url() in listed.content.decode()


def test_lessons_of_other_years_and_units_are_not_shown(world, plan, next_plan):
    lesson(world.group_a1, year=2561, topic="บทเรียนปีที่แล้ว")
    old = lesson(world.group_a1, year=2560, topic="บทเรียนสองปีก่อน")
    same_year = lesson(world.group_a1, year=2562, topic="บทเรียนปีนี้")
    other = lesson(world.school_b1, year=2561, topic="บทเรียนจังหวัดข")
    html = plan_page(client_for(world.user(Role.PLANNER, world.province_a)), next_plan)
    assert "บทเรียนปีที่แล้ว" in html
    for row in (old, same_year, other):
        assert row.get_absolute_url() not in html
        assert row.topic not in html


def test_a_user_of_another_province_sees_no_lesson(world, plan, next_plan):
    mine = lesson(world.group_a1, recommendation="ขยายผลทุกโรงเรียน")
    version_approve(actor=None, version=next_plan, expected_version=None)
    version_publish(actor=None, version=next_plan, expected_version=None)
    outsider = world.user(Role.PLANNER, world.province_b)
    context = plan_lessons_context(outsider, next_plan)["lessons"]
    assert context["rows"] == []
    assert context["count"] == 0
    html = plan_page(client_for(outsider), next_plan)  # the published plan, without the section
    assert "บทเรียนจากปีที่แล้ว" not in html
    assert mine.get_absolute_url() not in html
    assert "ขยายผลทุกโรงเรียน" not in html
    anonymous = Client().get(next_plan.get_absolute_url())
    assert anonymous.status_code == 200
    assert "บทเรียนจากปีที่แล้ว" not in anonymous.content.decode()


def test_no_lesson_no_section(world, next_plan):
    html = plan_page(client_for(world.user(Role.PLANNER, world.province_a)), next_plan)
    assert "บทเรียนจากปีที่แล้ว" not in html


def test_the_lessons_read_a_fixed_number_of_queries(world, plan, next_plan):
    client = client_for(world.user(Role.PLANNER, world.province_a))
    url = next_plan.get_absolute_url()
    lesson(world.group_a1, project=plan.project, strategic_issue=plan.small.issue)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(7):
        lesson(
            world.school_a2 if number % 2 else world.group_a1,
            topic=f"บทเรียนที่ {number}",
            project=plan.project,
            strategic_issue=plan.small.issue,
        )
    with CaptureQueriesContext(connection) as eight:
        html = plan_page(client, next_plan)
    assert html.count('<li id="lesson-') == 8
    assert len(eight.captured_queries) <= len(one.captured_queries)
    # Beyond LESSON_ROWS: the first ten and a link to them all (one more query, the count).
    for number in range(4):
        lesson(world.group_a1, topic=f"บทเรียนเพิ่ม {number}")
    with CaptureQueriesContext(connection) as twelve:
        html = plan_page(client, next_plan)
    assert html.count('<li id="lesson-') == LESSON_ROWS
    assert "ดูทั้งหมด 12 รายการ" in html
    assert len(twelve.captured_queries) <= len(one.captured_queries) + 1
