"""Starting and writing a quarterly report: who may, when (open, due, locked, late entry), and
the refusals that leave the data unchanged (locked report, stale edit, submitted report)."""

from datetime import timedelta
from decimal import Decimal as D  # noqa: N817

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import ActivityProgress, Problem, ProgressReport
from phaen.monitoring.tests import factories as f
from phaen.plans.models import PlanVersion
from phaen.plans.services import version_approve, version_create_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def test_a_report_starts_as_a_draft_with_every_activity_and_sub_activity(world, plan):
    q2 = f.open_period(f.period("Q2"))
    report = services.report_start(actor=reporter(world), project=plan.project, period=q2)
    assert report.state == ProgressReport.State.DRAFT
    assert report.unit == world.group_a1
    assert report.unit_path == world.group_a1.path
    assert report.plan_unit_path == world.province_a.path
    assert report.project_lineage == plan.project.lineage
    lines = list(report.activity_progress.select_related("activity"))
    assert [line.activity for line in lines] == [plan.activity, plan.sub_activity]
    assert all(line.status == "" for line in lines)
    assert AuditEvent.objects.filter(action="monitoring.progressreport.created").count() == 1


def test_a_report_carries_the_previous_quarters_statuses(world, plan):
    q1 = f.fill(f.start(plan, "Q1"), status="behind")
    services.report_update(
        actor=None,
        instance=ProgressReport(pk=q1.pk, progress_status="on_schedule", percent_complete=D("30")),
        expected_version=q1.version,
    )
    q2 = f.start(plan, "Q2")
    assert q2.progress_status == "on_schedule"
    assert q2.percent_complete == D("30")
    assert set(q2.activity_progress.values_list("status", flat=True)) == {"behind"}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("half_year", "รายไตรมาส"),
        ("draft_plan", "ไม่ได้อยู่ในแผนฉบับที่อนุมัติล่าสุด"),
        ("twice", "มีรายงานของไตรมาสที่ 2/2561 แล้ว"),
        ("not_open", "ยังไม่เปิดให้รายงาน"),
    ],
)
def test_a_report_cannot_start(world, case, message):
    plan = f.monitored_plan(world, approve=case != "draft_plan")
    q2 = f.open_period(f.period("Q2"))
    kwargs = {"actor": reporter(world), "project": plan.project, "period": q2}
    if case == "half_year":
        kwargs["period"] = f.period("H1")
    if case == "twice":
        services.report_start(**kwargs)
    if case == "not_open":
        q2.opens_on = timezone.localdate() + timedelta(days=1)
        q2 = services.period_update(actor=None, instance=q2, expected_version=q2.version)
        kwargs["period"] = q2
    before = ProgressReport.objects.count()
    with pytest.raises(DomainError, match=message):
        services.report_start(**kwargs)
    assert ProgressReport.objects.count() == before


def test_reports_follow_the_current_approved_version_of_the_plan(world, plan):
    plan.version.refresh_from_db()
    revision = version_create_revision(actor=None, source=plan.version)
    version_approve(actor=None, version=revision, expected_version=None)
    q2 = f.open_period(f.period("Q2"))
    with pytest.raises(DomainError, match="ฉบับปัจจุบัน"):
        services.report_start(actor=None, project=plan.project, period=q2)
    revised = revision.plan.versions.get(pk=revision.pk)
    assert revised.status == PlanVersion.Status.APPROVED
    new_project = type(plan.project).objects.get(
        plan_version=revision, lineage=plan.project.lineage
    )
    report = services.report_start(actor=None, project=new_project, period=q2)
    assert report.project_lineage == plan.project.lineage


def test_only_the_lead_units_reporters_and_planners_start_reports(world, plan):
    q2 = f.open_period(f.period("Q2"))
    for outsider in (
        world.user(Role.REPORTER, world.school_a2),  # a sibling unit
        world.user(Role.REPORTER, world.province_b),
        world.user(Role.VIEWER, world.province_a),
        world.user(Role.APPROVER, world.province_a),
    ):
        with pytest.raises(OutOfScopeError):
            services.report_start(actor=outsider, project=plan.project, period=q2)
    assert not ProgressReport.objects.exists()
    report = services.report_start(
        actor=world.user(Role.PLANNER, world.province_a), project=plan.project, period=q2
    )
    assert report.created_by == world.user(Role.PLANNER, world.province_a)


def test_after_the_lock_date_a_reporter_needs_a_late_entry_exception(world, plan):
    q2 = f.close_period(f.period("Q2"))
    with pytest.raises(DomainError, match="เลยวันปิดรับรายงาน"):
        services.report_start(actor=reporter(world), project=plan.project, period=q2)
    assert not ProgressReport.objects.exists()
    services.late_entry_grant(
        actor=world.user(Role.PLANNER, world.province_a),
        period=q2,
        unit=world.group_a1,
        until=timezone.localdate(),
        reason="ผู้รายงานลาคลอด",
    )
    report = services.report_start(actor=reporter(world), project=plan.project, period=q2)
    assert report.state == ProgressReport.State.DRAFT


def test_a_unit_deadline_extends_the_lock_for_its_reporters(world, plan):
    q2 = f.close_period(f.period("Q2"))
    today = timezone.localdate()
    services.deadline_set(
        actor=None, period=q2, unit=world.group_a1, due_on=today, locks_on=today + timedelta(days=5)
    )
    report = services.report_start(actor=reporter(world), project=plan.project, period=q2)
    assert report.pk


def test_planners_still_write_after_the_lock_date(world, plan):
    report = f.start(plan)
    f.close_period(report.period)
    planner = world.user(Role.PLANNER, world.province_a)
    updated = services.report_update(
        actor=planner,
        instance=ProgressReport(pk=report.pk, progress_status="behind", percent_complete=D("10")),
        expected_version=report.version,
    )
    assert updated.progress_status == "behind"
    with pytest.raises(DomainError, match="เลยวันปิดรับรายงาน"):
        services.report_update(
            actor=reporter(world),
            instance=ProgressReport(pk=report.pk, progress_status="on_schedule"),
            expected_version=updated.version,
        )
    assert ProgressReport.objects.get(pk=report.pk).progress_status == "behind"


def test_report_update_changes_only_its_own_fields(world, plan):
    report = f.start(plan)
    edited = ProgressReport.objects.get(pk=report.pk)
    edited.summary = "จัดอบรมครบ 4 รุ่น"
    edited.outputs = "ครู 120 คน"
    edited.percent_complete = D("55.50")
    edited.state = ProgressReport.State.APPROVED  # not an editable field: ignored
    edited.unit_path = "/0000000099/"
    updated = services.report_update(
        actor=reporter(world), instance=edited, expected_version=report.version
    )
    updated.refresh_from_db()
    assert (updated.summary, updated.outputs, updated.percent_complete) == (
        "จัดอบรมครบ 4 รุ่น",
        "ครู 120 คน",
        D("55.50"),
    )
    assert updated.state == ProgressReport.State.DRAFT
    assert updated.unit_path == world.group_a1.path
    assert updated.version == report.version + 1
    event = AuditEvent.objects.get(action="monitoring.progressreport.updated")
    assert event.after["summary"] == "จัดอบรมครบ 4 รุ่น"


def test_percent_complete_stays_between_0_and_100(world, plan):
    report = f.start(plan)
    with pytest.raises(ValidationError):
        services.report_update(
            actor=None,
            instance=ProgressReport(pk=report.pk, percent_complete=D("100.01")),
            expected_version=report.version,
        )
    assert ProgressReport.objects.get(pk=report.pk).percent_complete == D("0")


def test_a_stale_edit_is_refused_and_changes_nothing(world, plan):
    report = f.start(plan)
    first = ProgressReport.objects.get(pk=report.pk)
    second = ProgressReport.objects.get(pk=report.pk)
    first.summary = "ฉบับของคนแรก"
    services.report_update(actor=reporter(world), instance=first, expected_version=first.version)
    second.summary = "ฉบับของคนที่สอง"
    with pytest.raises(StaleEditError, match="มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว"):
        services.report_update(
            actor=reporter(world), instance=second, expected_version=second.version
        )
    assert ProgressReport.objects.get(pk=report.pk).summary == "ฉบับของคนแรก"


def test_an_approved_report_refuses_every_edit_with_a_thai_message(world, plan):
    report = f.start(plan)
    line = report.activity_progress.first()
    f.fill(report)
    report.refresh_from_db()
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    report = services.report_approve(actor=None, report=report, expected_version=report.version)
    edited = ProgressReport.objects.get(pk=report.pk)
    edited.summary = "แก้หลังอนุมัติ"
    with pytest.raises(DomainError, match="อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้"):
        services.report_update(
            actor=reporter(world), instance=edited, expected_version=report.version
        )
    line.refresh_from_db()
    line.note = "แก้หลังอนุมัติ"
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.activity_progress_update(
            actor=reporter(world), instance=line, expected_version=line.version
        )
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.problem_create(
            actor=reporter(world),
            instance=Problem(report=report, category="other", description="หลังอนุมัติ"),
        )
    assert ProgressReport.objects.get(pk=report.pk).summary == ""
    assert ActivityProgress.objects.get(pk=line.pk).note == ""
    assert not Problem.objects.exists()
    assert ProgressReport.objects.get(pk=report.pk).version == report.version


def test_a_submitted_report_waits_for_the_approver(world, plan):
    report = f.submitted(plan)
    edited = ProgressReport.objects.get(pk=report.pk)
    edited.summary = "แก้ระหว่างรอพิจารณา"
    with pytest.raises(DomainError, match="รอการพิจารณา"):
        services.report_update(actor=None, instance=edited, expected_version=report.version)
    assert ProgressReport.objects.get(pk=report.pk).summary == ""


def test_activity_progress_is_saved_and_completed_means_100_percent(world, plan):
    report = f.start(plan)
    line = report.activity_progress.first()
    line.status = "completed"
    line.actual_start = timezone.localdate() - timedelta(days=10)
    line.actual_end = timezone.localdate()
    saved = services.activity_progress_update(
        actor=reporter(world), instance=line, expected_version=line.version
    )
    assert saved.percent_complete == D(100)
    saved.actual_end = saved.actual_start - timedelta(days=1)
    with pytest.raises(ValidationError, match="วันที่เสร็จจริงต้องไม่ก่อนวันที่เริ่มจริง"):
        services.activity_progress_update(
            actor=None, instance=saved, expected_version=saved.version
        )
    other = world.user(Role.REPORTER, world.school_a2)
    line = ActivityProgress.objects.get(pk=line.pk)
    line.note = "ไม่ใช่ของฉัน"
    with pytest.raises(OutOfScopeError):
        services.activity_progress_update(actor=other, instance=line, expected_version=line.version)


def test_a_draft_started_by_mistake_can_be_deleted_until_first_submitted(world, plan):
    report = f.start(plan)
    services.report_delete(actor=reporter(world), report=report, expected_version=report.version)
    assert not ProgressReport.objects.exists()
    assert not ActivityProgress.objects.exists()
    report = f.submitted(plan)
    report = services.report_return(
        actor=None, report=report, expected_version=report.version, comment="แก้"
    )
    with pytest.raises(DomainError, match="ยังไม่เคยส่ง"):
        services.report_delete(actor=None, report=report, expected_version=report.version)
    assert ProgressReport.objects.filter(pk=report.pk).exists()
