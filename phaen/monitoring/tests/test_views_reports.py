"""Pages of progress reports through HTTP: the list, starting a report, the whole report in one
page (with a query count that does not grow with its rows), editing the header and an activity
(stale edits keep the input; a locked report is refused), every workflow step (submit, return,
resubmit, approve, reopen, bulk approval), delete and history; and who may see and do what
(anonymous, out of scope, a school of another province, a supporter)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D  # noqa: N817

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.monitoring import services
from phaen.monitoring.models import ActivityProgress, ProgressReport, ReportDecision
from phaen.monitoring.tests import factories as f
from phaen.monitoring.tests.access import home_report
from phaen.monitoring.views.reports import optional_url
from phaen.plans.models import Activity
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add

pytestmark = pytest.mark.django_db
State = ProgressReport.State


def html(response):
    return response.content.decode()


def text(response):
    """The page's text without tags (messages may hold markup around their words)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def director(world):
    return world.user(Role.APPROVER, world.province_a)


def login(client, user):
    client.force_login(user)
    return client


def url(name, report):
    return reverse(f"monitoring:{name}", args=[report.pk])


def header_data(report, **changes):
    data = {
        "progress_status": report.progress_status,
        "percent_complete": str(report.percent_complete),
        "outputs": report.outputs,
        "summary": report.summary,
        "version": report.version,
        "reason": "",
    }
    data.update(changes)
    return data


# The report page -----------------------------------------------------------------------------


def test_the_report_page_shows_the_whole_quarterly_report(client, world, plan):
    report = f.fill(f.start(plan))
    f.result(report, plan.achieved, "45")
    problem, _action = f.problem_with_action(report)
    services.evidence_add(
        actor=None, report=report, title="ภาพกิจกรรมอบรม", url="https://example.go.th/album"
    )
    services.contribution_add(
        actor=None, report=report, unit=world.school_b1, text="โรงเรียนจัดหาหนังสือแล้ว"
    )
    login(client, reporter(world))
    response = client.get(url("progressreport", report))
    assert response.status_code == 200
    page = html(response)
    line = report.activity_progress.order_by("pk").first()
    for anchor in (f'id="activity-{line.pk}"', f'id="problem-{problem.pk}"'):
        assert anchor in page
    for anchor in ('id="results"', 'id="evidence"', 'id="money"', 'id="timeline"'):
        assert anchor in page
    content = text(response)
    for words in (
        "โครงการส่งเสริมการอ่าน",
        "กลุ่มนโยบายและแผน ก",
        "ไตรมาสที่ 2",
        "ร่าง",
        "ร้อยละของโรงเรียนที่มีห้องสมุดมีชีวิต",
        "ครูไม่ว่างเข้ารับการอบรม",
        "จัดอบรมออนไลน์เพิ่มเติม",
        "ภาพกิจกรรมอบรม",
        "โรงเรียนจัดหาหนังสือแล้ว",
        "เบิกจ่าย",
    ):
        assert words in content, words
    # The activity lines link to their edit page; the workflow offers "submit".
    assert reverse("monitoring:activityprogress_edit", args=[line.pk]) in page
    assert url("progressreport_submit", report) in page
    assert url("progressreport_approve", report) not in page
    # A link kind of evidence opens outside, never as an inline file of ours.
    assert 'rel="noopener noreferrer nofollow"' in page


def test_a_reader_sees_the_report_without_edit_links(client, world, plan):
    report = f.fill(f.start(plan))
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(url("progressreport", report))
    assert response.status_code == 200
    page = html(response)
    assert url("progressreport_edit", report) not in page
    assert url("progressreport_submit", report) not in page
    line = report.activity_progress.first()
    assert reverse("monitoring:activityprogress_edit", args=[line.pk]) not in page


def page_queries(client, report):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("progressreport", report))
    assert response.status_code == 200
    return len(queries)


def test_the_report_page_runs_the_same_queries_for_2_or_10_activities_and_problems(
    client, world, django_assert_max_num_queries
):
    plan = f.monitored_plan(world, approve=False)
    other = plan.small.other_project
    for number in range(1, 11):
        add(
            Activity(
                project=other,
                number=number,
                name=f"กิจกรรมที่ {number}",
                start_month=date(2018, 1, 1),
                end_month=date(2018, 3, 1),
                budget=D("1000.00"),
            )
        )
    for name in ("ตัวชี้วัดหนึ่ง", "ตัวชี้วัดสอง"):
        f.project_indicator(other, name, targets={"Q2": "10"})
    version_approve(actor=None, version=plan.version, expected_version=None)
    small = f.fill(f.start(plan))
    large = f.fill(f.start(plan, project=other))
    assert small.activity_progress.count() == 2
    assert large.activity_progress.count() == 10
    for report, count in ((small, 2), (large, 10)):
        for number in range(count):
            f.problem_with_action(report, description=f"ปัญหาที่ {number}")
            services.evidence_add(
                actor=None, report=report, title=f"หลักฐาน {number}", url="https://example.go.th/"
            )
    f.result(small, plan.achieved, "45")
    f.result(large, other.indicators.first(), "5")
    login(client, reporter(world))
    baseline = page_queries(client, small)
    with django_assert_max_num_queries(baseline):
        assert client.get(url("progressreport", large)).status_code == 200


# The workflow through the pages ---------------------------------------------------------------


def test_the_whole_workflow_through_the_pages(client, world, plan):
    report = f.fill(f.start(plan))
    writer, approver = reporter(world), director(world)

    login(client, writer)
    response = client.post(
        url("progressreport_submit", report),
        {"submit-version": report.version, "submit-comment": "ส่งตามกำหนด"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    # The submitted report waits: the reporter's edit is refused with the reason.
    response = client.get(url("progressreport_edit", report))
    assert "รอการพิจารณา" in text(response)

    login(client, approver)
    page = html(client.get(url("progressreport", report)))
    assert url("progressreport_approve", report) in page
    assert url("progressreport_return", report) in page
    # Returning needs a comment: refused, nothing changes, the page says why.
    response = client.post(url("progressreport_return", report), {"return-version": report.version})
    assert response.status_code == 400
    assert "กรุณาระบุสิ่งที่ต้องแก้ไข" in text(response)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    response = client.post(
        url("progressreport_return", report),
        {"return-version": report.version, "return-comment": "กรุณาเพิ่มผลตัวชี้วัด"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.return_comment) == (State.RETURNED, "กรุณาเพิ่มผลตัวชี้วัด")

    login(client, writer)
    assert "กรุณาเพิ่มผลตัวชี้วัด" in text(client.get(url("progressreport", report)))
    f.result(report, plan.achieved, "45")
    report.refresh_from_db()
    response = client.post(url("progressreport_submit", report), {"submit-version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED

    login(client, approver)
    response = client.post(
        url("progressreport_approve", report), {"approve-version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.APPROVED
    steps = list(ReportDecision.objects.filter(report=report).values_list("action", flat=True))
    assert steps == ["submit", "return", "resubmit", "approve"]

    # Reopening needs an approver and a reason.
    response = client.post(url("progressreport_reopen", report), {"reopen-version": report.version})
    assert response.status_code == 400
    assert "กรุณาระบุเหตุผลที่เปิดรายงานให้แก้ไขใหม่" in text(response)
    login(client, writer)
    response = client.post(
        url("progressreport_reopen", report),
        {"reopen-version": report.version, "reopen-comment": "ขอแก้"},
    )
    assert response.status_code == 403
    login(client, approver)
    response = client.post(
        url("progressreport_reopen", report),
        {"reopen-version": report.version, "reopen-comment": "ตัวเลขร้อยละไม่ตรงกับหลักฐาน"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.RETURNED

    # The reporter corrects the report; the page shows what changed since approval.
    login(client, writer)
    response = client.post(
        url("progressreport_edit", report), header_data(report, percent_complete="55")
    )
    assert response.status_code == 302
    response = client.get(url("progressreport", report))
    content = text(response)
    assert 'id="changes"' in html(response)
    assert "การเปลี่ยนแปลงหลังการอนุมัติ" in content
    assert "ร้อยละความก้าวหน้า" in content
    assert "ตัวเลขร้อยละไม่ตรงกับหลักฐาน" in content


def test_submit_shows_what_stops_the_report(client, world, plan):
    report = f.start(plan)  # no activity has a status yet
    login(client, reporter(world))
    response = client.get(url("progressreport", report))
    assert "ยังไม่ระบุสถานะของกิจกรรม" in text(response)
    response = client.post(url("progressreport_submit", report), {"submit-version": report.version})
    assert response.status_code == 400
    assert "ยังส่งรายงานไม่ได้" in text(response)
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_a_stale_workflow_step_is_refused(client, world, plan):
    report = f.submitted(plan)
    login(client, director(world))
    response = client.post(
        url("progressreport_approve", report), {"approve-version": report.version - 1}
    )
    assert response.status_code == 400
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in text(response)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


# Editing ------------------------------------------------------------------------------------


def test_editing_the_header(client, world, plan):
    report = f.fill(f.start(plan))
    login(client, reporter(world))
    assert client.get(url("progressreport_edit", report)).status_code == 200
    response = client.post(
        url("progressreport_edit", report),
        header_data(
            report,
            progress_status="behind",
            percent_complete="๓๕",
            outputs="ห้องสมุดมีชีวิต 3 แห่ง",
            summary="ล่าช้าเพราะครูติดภารกิจ",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.progress_status, report.percent_complete) == ("behind", D("35"))
    assert report.outputs == "ห้องสมุดมีชีวิต 3 แห่ง"


def test_bad_input_is_refused_and_kept(client, world, plan):
    report = f.fill(f.start(plan))
    login(client, reporter(world))
    response = client.post(
        url("progressreport_edit", report),
        header_data(report, percent_complete="150", outputs="ผลผลิตที่พิมพ์ไว้"),
    )
    assert response.status_code == 400
    assert "ผลผลิตที่พิมพ์ไว้" in html(response)
    report.refresh_from_db()
    assert report.percent_complete == 0


def test_a_stale_edit_is_refused_and_the_input_kept(client, world, plan):
    report = f.fill(f.start(plan))
    seen = report.version
    services.report_update(
        actor=None,
        instance=ProgressReport(pk=report.pk, progress_status="on_schedule", percent_complete=10),
        expected_version=seen,
    )
    login(client, reporter(world))
    response = client.post(
        url("progressreport_edit", report),
        header_data(report, version=seen, percent_complete="20", outputs="ข้อความของฉัน"),
    )
    assert response.status_code == 400
    content = text(response)
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in content
    assert "ข้อมูลที่คุณกรอกยังอยู่ในแบบฟอร์มด้านล่าง" in content
    assert "ข้อความของฉัน" in html(response)
    report.refresh_from_db()
    assert (report.percent_complete, report.outputs) == (10, "")


def test_a_locked_report_refuses_edits_with_the_locked_message(client, world, plan):
    report = f.approved(plan)
    line = report.activity_progress.first()
    message = services.locked_message(report)
    login(client, reporter(world))
    response = client.get(url("progressreport_edit", report))
    assert response.status_code == 200
    assert message in html(response)
    assert "<form" not in html(response).split('id="main"')[1]
    before = report.version
    response = client.post(
        url("progressreport_edit", report), header_data(report, percent_complete="99")
    )
    assert response.status_code == 400
    assert message in html(response)
    assert 'value="99"' in html(response)  # the refused input stays in the form
    report.refresh_from_db()
    assert (report.version, report.percent_complete) == (before, 0)
    response = client.post(
        reverse("monitoring:activityprogress_edit", args=[line.pk]),
        {"status": "completed", "note": "แก้หลังอนุมัติ", "version": line.version},
    )
    assert response.status_code == 400
    assert message in html(response)
    line.refresh_from_db()
    assert line.note == ""
    page = html(client.get(url("progressreport", report)))
    assert message in page
    assert url("progressreport_edit", report) not in page


def test_editing_an_activity(client, world, plan):
    report = f.start(plan)
    line = report.activity_progress.order_by("pk").first()
    edit = reverse("monitoring:activityprogress_edit", args=[line.pk])
    login(client, reporter(world))
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "status": "behind",
            "percent_complete": "40",
            "actual_start": "15/01/2561",
            "actual_end": "10/01/2561",
            "note": "ฝนตก",
            "version": line.version,
        },
    )
    assert response.status_code == 400
    assert "วันที่เสร็จจริงต้องไม่ก่อนวันที่เริ่มจริง" in text(response)
    response = client.post(
        edit,
        {
            "status": "completed",
            "percent_complete": "",
            "actual_start": "15/01/2561",
            "actual_end": "20/03/2561",
            "note": "ฝนตก",
            "version": line.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{report.get_absolute_url()}#activity-{line.pk}"
    line.refresh_from_db()
    assert (line.status, line.percent_complete) == ("completed", D(100))
    assert (line.actual_start, line.actual_end) == (date(2018, 1, 15), date(2018, 3, 20))


# List, start, delete, history ---------------------------------------------------------------


def test_the_list_filters_and_keeps_its_queries(client, world, plan):
    login(client, director(world))
    list_url = reverse("monitoring:progressreport_list")
    f.submitted(plan, "Q1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url, {"fiscal_year": 2561})
    assert response.status_code == 200
    baseline = len(queries)
    f.start(plan, "Q2")
    for kind in ("Q1", "Q2", "Q3"):
        f.start(plan, kind, project=plan.small.other_project)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url, {"fiscal_year": 2561})
    assert len(queries) <= baseline
    assert html(response).count("/monitoring/reports/") >= 5
    response = client.get(list_url, {"fiscal_year": 2561, "state": "submitted"})
    rows = re.findall(r'href="/monitoring/reports/(\d+)/"', html(response))
    assert {int(pk) for pk in rows} == set(
        ProgressReport.objects.filter(state=State.SUBMITTED).values_list("pk", flat=True)
    )
    response = client.get(list_url, {"fiscal_year": 2561, "period": "Q3"})
    assert "ไตรมาสที่ 3" in text(response)
    assert "ไตรมาสที่ 1/2561" not in text(response)
    response = client.get(list_url, {"fiscal_year": 2561, "export": "csv"})
    assert response.status_code == 200
    exported = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "โครงการส่งเสริมการอ่าน" in exported
    # The approver is told how many reports wait for them.
    assert reverse("monitoring:progressreport_bulk_approve") in html(client.get(list_url))


def test_starting_a_report(client, world, plan):
    q2 = f.open_period(f.period("Q2"))
    start_url = reverse("monitoring:progressreport_start")
    login(client, reporter(world))
    response = client.get(start_url, {"period": q2.pk})
    assert response.status_code == 200
    assert "โครงการส่งเสริมการอ่าน" in text(response)
    response = client.get(start_url, {"project": plan.project.pk, "period": q2.pk})
    assert response.status_code == 200
    response = client.post(start_url, {"project": plan.project.pk, "period": q2.pk})
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=plan.project, period=q2)
    assert response["Location"] == report.get_absolute_url()
    assert report.activity_progress.count() == 2
    # A second start of the same quarter is refused with a Thai message.
    response = client.post(start_url, {"project": plan.project.pk, "period": q2.pk})
    assert response.status_code == 400
    assert "มีรายงานของ" in text(response)
    assert ProgressReport.objects.count() == 1
    # The started report no longer shows among the projects to start.
    response = client.get(start_url, {"period": q2.pk})
    assert "โครงการส่งเสริมการอ่าน" not in text(response)


def test_starting_is_for_the_lead_units_writers(client, world, plan):
    q2 = f.open_period(f.period("Q2"))
    start_url = reverse("monitoring:progressreport_start")
    data = {"project": plan.project.pk, "period": q2.pk}
    login(client, world.user(Role.VIEWER, world.province_a))
    assert client.get(start_url, data).status_code == 403
    assert client.post(start_url, data).status_code == 403
    assert client.get(start_url).status_code == 403
    # Province B sees the project (school B1 supports it) but does not lead it.
    login(client, world.user(Role.REPORTER, world.province_b))
    assert client.post(start_url, data).status_code == 403
    login(client, world.nobody())
    assert client.get(start_url, data).status_code == 404
    assert client.post(start_url, data).status_code == 404
    assert not ProgressReport.objects.exists()


def test_deleting_a_draft_and_refusing_a_submitted_report(client, world, plan):
    draft = f.start(plan, "Q1")
    login(client, reporter(world))
    assert client.get(url("progressreport_delete", draft)).status_code == 200
    response = client.post(url("progressreport_delete", draft), {"version": draft.version})
    assert response.status_code == 302
    assert not ProgressReport.objects.filter(pk=draft.pk).exists()
    sent = f.submitted(plan, "Q2")
    assert url("progressreport_delete", sent) not in html(client.get(url("progressreport", sent)))
    response = client.post(url("progressreport_delete", sent), {"version": sent.version})
    assert response.status_code == 400
    assert "ลบได้เฉพาะรายงานฉบับร่างที่ยังไม่เคยส่ง" in text(response)
    assert ProgressReport.objects.filter(pk=sent.pk).exists()


def test_the_history_page(client, world, plan):
    report = f.submitted(plan)
    login(client, reporter(world))
    response = client.get(url("progressreport_history", report))
    assert response.status_code == 200
    assert "ประวัติการเปลี่ยนแปลง" in text(response)


# Bulk approval ------------------------------------------------------------------------------


def test_bulk_approval_approves_each_and_reports_the_refused(client, world, plan):
    first = f.submitted(plan, "Q1")
    second = f.fill(f.start(plan, "Q1", project=plan.small.other_project))
    second = services.report_submit(actor=None, report=second, expected_version=second.version)
    bulk = reverse("monitoring:progressreport_bulk_approve")
    login(client, director(world))
    response = client.get(bulk)
    assert response.status_code == 200
    for report in (first, second):
        assert f'value="{report.pk}"' in html(response)
    # Someone changed the second report after the page was shown: it is refused, alone.
    services.report_return(actor=None, report=second, expected_version=second.version, comment="แก้")
    response = client.post(
        bulk,
        {
            "reports": [first.pk, second.pk],
            f"version-{first.pk}": first.version,
            f"version-{second.pk}": second.version,
        },
    )
    # The returned report is no longer waiting: the choice is refused, nothing approved.
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.state == State.SUBMITTED
    second.refresh_from_db()
    second = services.report_submit(actor=None, report=second, expected_version=second.version)
    response = client.post(
        bulk,
        {
            "reports": [first.pk, second.pk],
            f"version-{first.pk}": first.version,
            f"version-{second.pk}": second.version - 1,  # stale
        },
    )
    assert response.status_code == 200
    content = text(response)
    assert "อนุมัติแล้ว 1 รายงาน" in content
    assert "อนุมัติไม่ได้ 1 รายงาน" in content
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in content
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.APPROVED, State.SUBMITTED)


def test_bulk_approval_is_for_approvers_only(client, world, plan):
    report = f.submitted(plan)
    bulk = reverse("monitoring:progressreport_bulk_approve")
    login(client, reporter(world))
    assert client.get(bulk).status_code == 403
    data = {"reports": [report.pk], f"version-{report.pk}": report.version}
    assert client.post(bulk, data).status_code == 403
    login(client, world.user(Role.APPROVER, world.province_b))
    response = client.post(bulk, data)
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


# Who may see and do what ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world, plan):
    report = f.submitted(plan)
    login_url = reverse("login")
    for name in ("progressreport", "progressreport_edit", "progressreport_history"):
        response = client.get(url(name, report))
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
    for name in ("progressreport_approve", "progressreport_return", "progressreport_submit"):
        response = client.post(url(name, report), {"approve-version": report.version})
        assert response["Location"].startswith(login_url)
    for name in ("progressreport_list", "progressreport_start", "progressreport_bulk_approve"):
        assert client.get(reverse(f"monitoring:{name}"))["Location"].startswith(login_url)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_out_of_scope_users_get_404_and_change_nothing(client, world):
    report = home_report(world)  # school A2's report: nobody in province B takes part
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    line = report.activity_progress.first()
    for user in (
        world.user(Role.APPROVER, world.province_b),
        world.user(Role.PLANNER, world.province_b),
    ):
        login(client, user)
        assert client.get(url("progressreport", report)).status_code == 404
        assert client.get(url("progressreport_history", report)).status_code == 404
        for name, data in (
            ("progressreport_approve", {"approve-version": report.version}),
            ("progressreport_return", {"return-version": report.version, "return-comment": "x"}),
            ("progressreport_edit", header_data(report, percent_complete="90")),
        ):
            assert client.post(url(name, report), data).status_code == 404
        edit = reverse("monitoring:activityprogress_edit", args=[line.pk])
        assert client.post(edit, {"status": "behind", "version": line.version}).status_code == 404
        response = client.get(reverse("monitoring:progressreport_list"), {"fiscal_year": 2561})
        assert report.get_absolute_url() not in html(response)
    report.refresh_from_db()
    assert (report.state, report.percent_complete) == (State.SUBMITTED, 0)


def test_a_school_of_another_province_cannot_read_or_post(client, world):
    report = home_report(world)  # school A2's report; group A1 supports the project
    other_school = world.user(Role.REPORTER, world.school_b1)
    login(client, other_school)
    assert client.get(url("progressreport", report)).status_code == 404
    assert client.get(url("progressreport_edit", report)).status_code == 404
    response = client.post(url("progressreport_submit", report), {"submit-version": report.version})
    assert response.status_code == 404
    response = client.post(url("progressreport_delete", report), {"version": report.version})
    assert response.status_code == 404
    line = report.activity_progress.get()
    edit = reverse("monitoring:activityprogress_edit", args=[line.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"status": "behind", "version": line.version}).status_code == 404
    report.refresh_from_db()
    assert report.state == State.DRAFT
    assert ProgressReport.objects.filter(pk=report.pk).exists()
    # The school's own reporters work on it.
    login(client, world.user(Role.REPORTER, world.school_a2))
    assert client.get(url("progressreport", report)).status_code == 200


def test_a_supporter_reads_the_report_but_cannot_change_it(client, world, plan):
    report = f.fill(f.start(plan))  # school B1 (province B) supports the project
    login(client, world.user(Role.REPORTER, world.school_b1))
    response = client.get(url("progressreport", report))
    assert response.status_code == 200
    assert url("progressreport_submit", report) not in html(response)
    contribute = optional_url("monitoring:contribution_add", report.pk)
    if contribute:  # the page of the parts helper, when it exists
        assert contribute in html(response)
    assert client.get(url("progressreport_edit", report)).status_code == 403
    response = client.post(url("progressreport_submit", report), {"submit-version": report.version})
    assert response.status_code == 403
    line = ActivityProgress.objects.filter(report=report).first()
    edit = reverse("monitoring:activityprogress_edit", args=[line.pk])
    assert client.post(edit, {"status": "behind", "version": line.version}).status_code == 403
    report.refresh_from_db()
    assert report.state == State.DRAFT
