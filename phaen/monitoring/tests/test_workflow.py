"""The approval workflow: draft → submitted → approved, or returned → resubmitted; locked once
approved until reopened; who may take each step; lateness; bulk approval; what changed since
approval; listeners and audit records."""

from datetime import timedelta
from decimal import Decimal as D  # noqa: N817

import pytest
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import ProgressReport, ReportDecision
from phaen.monitoring.selectors import changes_since_approval
from phaen.monitoring.tests import factories as f

pytestmark = pytest.mark.django_db
State = ProgressReport.State


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def director(world):
    return world.user(Role.APPROVER, world.province_a)


def test_the_whole_round_trip(world, plan):
    report = f.fill(f.start(plan))
    report = services.report_submit(
        actor=reporter(world), report=report, expected_version=report.version
    )
    assert report.state == State.SUBMITTED
    assert report.submitted_by == reporter(world)
    assert report.first_submitted_at == report.submitted_at
    assert report.is_late is False

    report = services.report_return(
        actor=director(world),
        report=report,
        expected_version=report.version,
        comment="กรุณาเพิ่มผลตัวชี้วัด",
    )
    assert (report.state, report.return_comment) == (State.RETURNED, "กรุณาเพิ่มผลตัวชี้วัด")
    assert report.decided_by == director(world)

    f.result(report, plan.achieved, "45")
    first_submission = report.first_submitted_at
    report = services.report_submit(
        actor=reporter(world), report=report, expected_version=report.version, comment="เพิ่มแล้ว"
    )
    assert report.state == State.SUBMITTED
    assert report.first_submitted_at == first_submission

    report = services.report_approve(
        actor=director(world), report=report, expected_version=report.version
    )
    assert report.state == State.APPROVED
    assert report.is_locked
    assert report.approved_snapshot["results"]
    steps = list(ReportDecision.objects.filter(report=report).values_list("action", "actor"))
    assert steps == [
        ("submit", reporter(world).pk),
        ("return", director(world).pk),
        ("resubmit", reporter(world).pk),
        ("approve", director(world).pk),
    ]
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(report.pk), action__startswith="monitoring.progressreport"
        )
        .order_by("occurred_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "monitoring.progressreport.created",
        "monitoring.progressreport.submitted",
        "monitoring.progressreport.returned",
        "monitoring.progressreport.resubmitted",
        "monitoring.progressreport.approved",
    ]


def test_only_approvers_of_the_unit_or_above_return_and_approve(world, plan):
    report = f.submitted(plan)
    for outsider in (
        reporter(world),
        world.user(Role.PLANNER, world.province_a),
        world.user(Role.APPROVER, world.school_a2),  # a sibling unit's approver
        world.user(Role.APPROVER, world.province_b),
    ):
        with pytest.raises(OutOfScopeError):
            services.report_approve(actor=outsider, report=report, expected_version=report.version)
        with pytest.raises(OutOfScopeError):
            services.report_return(
                actor=outsider, report=report, expected_version=report.version, comment="ไม่ผ่าน"
            )
    assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED
    approved = services.report_approve(
        actor=world.user(Role.APPROVER, world.group_a1),
        report=report,
        expected_version=report.version,
    )
    assert approved.state == State.APPROVED


def test_a_return_needs_a_comment_and_a_reopening_needs_a_reason(world, plan):
    report = f.submitted(plan)
    with pytest.raises(DomainError, match="กรุณาระบุสิ่งที่ต้องแก้ไข"):
        services.report_return(
            actor=director(world), report=report, expected_version=report.version, comment=" "
        )
    report = services.report_approve(
        actor=director(world), report=report, expected_version=report.version
    )
    with pytest.raises(DomainError, match="กรุณาระบุเหตุผล"):
        services.report_reopen(
            actor=director(world), report=report, expected_version=report.version, reason=""
        )
    with pytest.raises(OutOfScopeError):
        services.report_reopen(
            actor=reporter(world), report=report, expected_version=report.version, reason="แก้"
        )
    assert ProgressReport.objects.get(pk=report.pk).state == State.APPROVED


@pytest.mark.parametrize(
    ("state", "step", "message"),
    [
        ("draft", "approve", "อนุมัติได้เฉพาะรายงานที่ส่งแล้ว"),
        ("draft", "return", "ส่งกลับได้เฉพาะรายงานที่ส่งแล้ว"),
        ("draft", "reopen", "เปิดแก้ไขใหม่ได้เฉพาะรายงานที่อนุมัติแล้ว"),
        ("submitted", "submit", "รอการพิจารณา"),
        ("approved", "submit", "ถูกล็อก"),
        ("approved", "approve", "อนุมัติแล้ว"),
    ],
)
def test_steps_out_of_order_are_refused(world, plan, state, step, message):
    report = {"draft": lambda: f.fill(f.start(plan)), "submitted": lambda: f.submitted(plan)}.get(
        state, lambda: f.approved(plan)
    )()
    call = {
        "submit": lambda: services.report_submit(
            actor=None, report=report, expected_version=report.version
        ),
        "approve": lambda: services.report_approve(
            actor=None, report=report, expected_version=report.version
        ),
        "return": lambda: services.report_return(
            actor=None, report=report, expected_version=report.version, comment="ไม่ผ่าน"
        ),
        "reopen": lambda: services.report_reopen(
            actor=None, report=report, expected_version=report.version, reason="แก้"
        ),
    }[step]
    with pytest.raises(DomainError, match=message):
        call()
    assert ProgressReport.objects.get(pk=report.pk).state == state


def test_a_stale_decision_is_refused(world, plan):
    report = f.submitted(plan)
    with pytest.raises(StaleEditError):
        services.report_approve(
            actor=director(world), report=report, expected_version=report.version - 1
        )
    assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED


def test_submission_checks_every_activity_and_a_plan_for_a_late_project(world, plan):
    report = f.start(plan)
    with pytest.raises(DomainError, match="ยังไม่ระบุสถานะของกิจกรรม “อบรมครูบรรณารักษ์”"):
        services.report_submit(actor=None, report=report, expected_version=report.version)
    report = f.fill(report)
    report = services.report_update(
        actor=None,
        instance=ProgressReport(pk=report.pk, progress_status="behind", percent_complete=D(20)),
        expected_version=report.version,
    )
    with pytest.raises(DomainError, match="ต้องระบุปัญหาอุปสรรคอย่างน้อยหนึ่งเรื่องพร้อมแนวทางแก้ไข"):
        services.report_submit(actor=None, report=report, expected_version=report.version)
    f.problem_with_action(report)
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    assert report.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("status", "percent", "summary", "message"),
    [
        ("completed", "90", "", "ร้อยละความก้าวหน้าต้องเป็น 100"),
        ("postponed", "0", "", "ต้องระบุเหตุผล"),
        ("cancelled", "0", "", "ต้องระบุเหตุผล"),
    ],
)
def test_submission_checks_the_status_against_the_rest(
    world, plan, status, percent, summary, message
):
    report = f.fill(f.start(plan))
    report = services.report_update(
        actor=None,
        instance=ProgressReport(
            pk=report.pk, progress_status=status, percent_complete=D(percent), summary=summary
        ),
        expected_version=report.version,
    )
    with pytest.raises(DomainError, match=message):
        services.report_submit(actor=None, report=report, expected_version=report.version)
    assert ProgressReport.objects.get(pk=report.pk).state == State.DRAFT


def test_an_open_action_from_an_earlier_quarter_covers_a_late_project(world, plan):
    q1 = f.fill(f.start(plan, "Q1"))
    f.problem_with_action(q1)
    q2 = f.fill(f.start(plan, "Q2"))
    q2 = services.report_update(
        actor=None,
        instance=ProgressReport(pk=q2.pk, progress_status="behind", percent_complete=D(20)),
        expected_version=q2.version,
    )
    assert services.submission_problems(q2) == []


def test_a_report_first_submitted_after_its_due_date_is_late(world, plan):
    report = f.fill(f.start(plan))
    f.open_period(report.period, due_in=-1, locks_in=5)
    report = services.report_submit(
        actor=reporter(world), report=report, expected_version=report.version
    )
    assert report.is_late is True
    # A unit's own later deadline counts.
    other = f.fill(f.start(plan, project=plan.small.other_project))
    today = timezone.localdate()
    services.deadline_set(
        actor=None,
        period=other.period,
        unit=world.group_a1,
        due_on=today + timedelta(days=2),
        locks_on=today + timedelta(days=5),
    )
    other = services.report_submit(actor=None, report=other, expected_version=other.version)
    assert other.is_late is False


def test_after_the_lock_date_a_draft_is_not_submitted_but_a_returned_report_is(world, plan):
    draft = f.fill(f.start(plan))
    returned = f.submitted(plan, "Q1")
    returned = services.report_return(
        actor=None, report=returned, expected_version=returned.version, comment="แก้"
    )
    f.close_period(draft.period)
    f.close_period(returned.period)
    with pytest.raises(DomainError, match="เลยวันปิดรับรายงาน"):
        services.report_submit(actor=reporter(world), report=draft, expected_version=draft.version)
    assert ProgressReport.objects.get(pk=draft.pk).state == State.DRAFT
    corrected = services.report_submit(
        actor=reporter(world), report=returned, expected_version=returned.version
    )
    assert corrected.state == State.SUBMITTED


def test_reopening_unlocks_the_report_and_shows_what_changed_since_approval(world, plan):
    report = f.fill(f.start(plan))
    result = f.result(report, plan.achieved, "45")
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    report = services.report_approve(actor=None, report=report, expected_version=report.version)
    assert changes_since_approval(report) == []

    report = services.report_reopen(
        actor=director(world),
        report=report,
        expected_version=report.version,
        reason="ผลตัวชี้วัดพิมพ์ผิด",
    )
    assert (report.state, report.reopen_reason) == (State.RETURNED, "ผลตัวชี้วัดพิมพ์ผิด")
    assert report.reopened_by == director(world)
    result.actual_value = D("35")
    services.result_update(actor=None, instance=result, expected_version=result.version)
    f.problem_with_action(report)
    report = services.report_update(
        actor=None,
        instance=ProgressReport(pk=report.pk, progress_status="behind", percent_complete=D(35)),
        expected_version=report.version,
    )

    changes = {(c.section, c.kind): c for c in changes_since_approval(report)}
    assert set(changes) == {
        ("รายงาน", "changed"),
        ("ผลตัวชี้วัด", "changed"),
        ("ปัญหาอุปสรรค", "added"),
        ("แนวทางแก้ไข", "added"),
    }
    status = next(c for c in changes[("รายงาน", "changed")].changes if c.name == "progress_status")
    assert (status.label, status.before, status.after) == (
        "สถานะการดำเนินงาน",
        "ยังไม่เริ่ม",
        "ล่าช้ากว่าแผน",
    )
    value = next(c for c in changes[("ผลตัวชี้วัด", "changed")].changes if c.name == "actual_value")
    assert (value.before, value.after) == ("45.0000", "35.0000")
    assert AuditEvent.objects.get(action="monitoring.progressreport.reopened").reason == (
        "ผลตัวชี้วัดพิมพ์ผิด"
    )


def test_bulk_approval_reports_each_outcome_and_approves_the_rest(world, plan):
    first = f.submitted(plan)
    second = f.fill(f.start(plan, project=plan.small.other_project))
    second = services.report_submit(actor=None, report=second, expected_version=second.version)
    stale = ProgressReport.objects.get(pk=second.pk)
    stale.version -= 1
    draft = f.fill(f.start(plan, "Q3"))

    outcomes = services.reports_approve_bulk(
        actor=director(world), reports=[first, stale, draft], comment="อนุมัติตามเสนอ"
    )

    assert [(o.report_id, o.approved) for o in outcomes] == [
        (first.pk, True),
        (second.pk, False),
        (draft.pk, False),
    ]
    assert "มีผู้อื่นบันทึก" in outcomes[1].message
    assert "อนุมัติได้เฉพาะรายงานที่ส่งแล้ว" in outcomes[2].message
    assert ProgressReport.objects.get(pk=first.pk).state == State.APPROVED
    assert ProgressReport.objects.get(pk=second.pk).state == State.SUBMITTED
    assert AuditEvent.objects.filter(action="monitoring.progressreport.approved").count() == 1


def test_listeners_hear_of_each_step_after_it_commits(
    world, plan, django_capture_on_commit_callbacks
):
    heard = []

    def listener(event, report, actor):
        heard.append((event, actor))

    services.register_report_listener(listener)
    try:
        report = f.fill(f.start(plan))
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_submit(
                actor=reporter(world), report=report, expected_version=report.version
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.report_return(
                actor=director(world), report=report, expected_version=report.version, comment="แก้"
            )
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
            services.report_approve(actor=director(world), report=report, expected_version=99)
    finally:
        services._listeners.remove(listener)
    assert heard == [("submitted", reporter(world)), ("returned", director(world))]


def test_the_history_says_each_step_in_words(world, plan):
    report = f.submitted(plan)
    services.report_return(
        actor=director(world), report=report, expected_version=report.version, comment="แก้"
    )
    labels = [
        event.action_label
        for event in AuditEvent.objects.filter(object_id=str(report.pk)).order_by("pk")
        if event.action.startswith("monitoring.progressreport")
    ]
    assert labels == ["เพิ่มรายงานความก้าวหน้า", "ส่งรายงานความก้าวหน้า", "ส่งกลับรายงานความก้าวหน้า"]
