"""Defects found in review, each pinned by a test that failed before its fix:

1. the half-year evaluation counted completions reported in later quarters;
2. the "approve reports" menu item showed to roles the bulk approval page refuses;
3. a draft past its lock date (no late entry) still offered edit and submit on its page;
4. reports could be started for quarters outside the project's months.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817

import pytest
from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.exceptions import DomainError
from phaen.core.navigation import menu_for
from phaen.monitoring import services
from phaen.monitoring.models import Evaluation, ProgressReport
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import required_projects
from phaen.monitoring.tests import factories as f
from phaen.plans.models import Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def completed(plan, kind, project=None):
    """A submitted report of ``kind`` saying the project is completed."""
    report = f.fill(f.start(plan, kind, project=project), status="completed")
    report = services.report_update(
        actor=None,
        instance=ProgressReport(pk=report.pk, progress_status="completed", percent_complete=D(100)),
        expected_version=report.version,
    )
    return services.report_submit(actor=None, report=report, expected_version=report.version)


# 1. The half year counts only Q1–Q2 -----------------------------------------------------------


def test_the_half_year_ignores_completions_reported_in_later_quarters(world):
    """P01 runs the whole year (due in Q4); its Q4 report says completed. Prepared after Q4,
    the half year must not call it "completed on time": only Q1–Q2 reports count."""
    plan = f.monitored_plan(world)
    completed(plan, "Q4")
    for kind in ("H1", "YEAR"):
        services.evaluation_prepare(actor=None, period=f.period(kind), unit=world.province_a)
    rows = {
        row.period.kind: row
        for row in Evaluation.objects.filter(project=plan.project).select_related("period")
    }
    assert rows["H1"].completed_on_time is None  # not due yet, not completed by March
    assert rows["YEAR"].completed_on_time is True


def test_completed_on_time_needs_a_completion_inside_the_span(world):
    plan = f.monitored_plan(world)
    project = plan.project  # ends in September 2018 (Q4)
    march, september = date(2018, 3, 31), date(2018, 9, 30)
    assert services._completed_on_time(project, september, march) is None
    assert services._completed_on_time(project, march, march) is True
    assert services._completed_on_time(project, september, september) is True


# 2. The menu item of bulk approval matches the page ------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_bulk_approval_menu_item_shows_exactly_to_those_the_page_admits(client, world, role):
    user = world.user(role, world.province_a)
    links = {
        link.url
        for section in menu_for(user)
        if section.label == "ติดตามและประเมินผล"
        for link in section.links
    }
    bulk = reverse("monitoring:progressreport_bulk_approve")
    client.force_login(user)
    status = client.get(bulk).status_code
    assert status in (200, 403)
    assert (bulk in links) == (status == 200), role


# 3. A draft past its lock date offers no edit or submit to a reporter ------------------------


def test_a_draft_past_its_lock_date_shows_no_edit_or_submit_but_a_notice(client, world):
    plan = f.monitored_plan(world)
    report = f.fill(f.start(plan, "Q2"))
    f.close_period(report.period)
    page_url = reverse("monitoring:progressreport", args=[report.pk])
    submit_url = reverse("monitoring:progressreport_submit", args=[report.pk])
    edit_url = reverse("monitoring:progressreport_edit", args=[report.pk])
    line = report.activity_progress.first()
    line_url = reverse("monitoring:activityprogress_edit", args=[line.pk])
    reporter = world.user(Role.REPORTER, world.group_a1)
    client.force_login(reporter)
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    for link in (submit_url, edit_url, line_url):
        assert link not in page, link
    words = text(response)
    assert "ปิดรับรายงานแล้ว" in words
    assert "ขอให้ผู้วางแผนอนุญาตให้หน่วยงานรายงานล่าช้า" in words
    # The edit pages say so before the reporter types in vain (the services refuse the save).
    assert "เลยวันปิดรับรายงาน" in text(client.get(edit_url))
    assert "เลยวันปิดรับรายงาน" in text(client.get(line_url))
    with pytest.raises(DomainError):
        services.report_submit(actor=reporter, report=report, expected_version=report.version)

    # A planner may still write; a late entry reopens it for the reporter.
    client.force_login(world.user(Role.PLANNER, world.province_a))
    page = client.get(page_url).content.decode()
    assert submit_url in page
    assert edit_url in page
    assert "ปิดรับรายงานแล้ว" not in page
    services.late_entry_grant(
        actor=None,
        period=report.period,
        unit=world.group_a1,
        until=timezone.localdate() + timedelta(days=7),
        reason="ผู้รายงานลาป่วย",
    )
    client.force_login(reporter)
    response = client.get(page_url)
    assert submit_url in response.content.decode()
    assert "ปิดรับรายงานแล้ว" not in text(response)


def test_a_returned_report_past_its_lock_date_may_still_be_corrected(client, world):
    plan = f.monitored_plan(world)
    report = f.submitted(plan, "Q2")
    report = services.report_return(
        actor=None, report=report, expected_version=report.version, comment="แก้ไขผลผลิต"
    )
    f.close_period(report.period)
    client.force_login(world.user(Role.REPORTER, world.group_a1))
    response = client.get(reverse("monitoring:progressreport", args=[report.pk]))
    submit_url = reverse("monitoring:progressreport_submit", args=[report.pk])
    assert submit_url in response.content.decode()
    assert "ปิดรับรายงานแล้ว" not in text(response)


# 4. Reports only for quarters inside the project's months ------------------------------------


@pytest.fixture
def short_projects(world):
    """P03 ends in December 2017 (Q1); P04 starts in April 2018 (Q3); P01 runs all year."""
    plan = f.monitored_plan(world, approve=False)
    ended = add(
        Project(
            plan_version=plan.version,
            code="P03",
            name="โครงการสิ้นสุดไตรมาสแรก",
            start_month=date(2017, 10, 1),
            end_month=date(2017, 12, 1),
            lead_unit=world.group_a1,
        )
    )
    later = add(
        Project(
            plan_version=plan.version,
            code="P04",
            name="โครงการเริ่มไตรมาสที่สาม",
            start_month=date(2018, 4, 1),
            end_month=date(2018, 9, 1),
            lead_unit=world.group_a1,
        )
    )
    add(
        Project(
            plan_version=plan.version,
            code="P05",
            name="โครงการที่ยกเลิก",
            start_month=date(2017, 10, 1),
            end_month=date(2018, 9, 1),
            lead_unit=world.group_a1,
            status=Project.Status.CANCELLED,
        )
    )
    version_approve(actor=None, version=plan.version, expected_version=None)
    return plan, ended, later


def test_report_start_refuses_quarters_outside_the_projects_months(world, short_projects):
    plan, ended, later = short_projects
    with pytest.raises(DomainError) as refused:
        f.start(plan, "Q2", project=ended)
    assert "สิ้นสุดเดือนธันวาคม 2560" in refused.value.message
    assert refused.value.field == "period"
    with pytest.raises(DomainError) as refused:
        f.start(plan, "Q2", project=later)
    assert "เริ่มเดือนเมษายน 2561" in refused.value.message
    assert not ProgressReport.objects.exists()


def test_report_start_and_required_projects_follow_one_rule(world, short_projects):
    plan, ended, later = short_projects
    cancelled = Project.objects.get(plan_version=plan.version, code="P05")
    projects = [plan.project, plan.small.other_project, ended, later, cancelled]
    for kind in QUARTERS:
        period = f.open_period(f.period(kind))
        required = set(required_projects(period).values_list("pk", flat=True))
        for project in projects:
            try:
                services.report_start(actor=None, project=project, period=period)
            except DomainError:
                started = False
            else:
                started = True
            assert started == (project.pk in required), (kind, project.code)
    assert set(
        ProgressReport.objects.filter(project=ended).values_list("period__kind", flat=True)
    ) == {"Q1"}
    assert set(
        ProgressReport.objects.filter(project=later).values_list("period__kind", flat=True)
    ) == {"Q3", "Q4"}
    assert not ProgressReport.objects.filter(project=cancelled).exists()


def test_the_start_page_refuses_an_ended_project_with_a_thai_message(client, world, short_projects):
    _plan, ended, _later = short_projects
    q2 = f.open_period(f.period("Q2"))
    client.force_login(world.user(Role.REPORTER, world.group_a1))
    start_url = reverse("monitoring:progressreport_start")
    response = client.get(start_url, {"period": q2.pk})
    assert "โครงการสิ้นสุดไตรมาสแรก" not in text(response)  # not offered
    response = client.post(start_url, {"project": ended.pk, "period": q2.pk})
    assert response.status_code == 400
    assert "จึงไม่ต้องรายงานในไตรมาสนี้" in text(response)
    assert not ProgressReport.objects.exists()
