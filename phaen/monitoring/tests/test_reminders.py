"""Reminders before, on and after the due date (sent once however often the job runs), notices
of the workflow (submitted → approvers; returned, reopened, approved → the writers), and the
monitoring sections of "waiting for me"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Role, forget_grants
from phaen.core.inbox import inbox_for
from phaen.core.models import Notification
from phaen.core.scheduling import scheduled_jobs
from phaen.monitoring import reminders, services
from phaen.monitoring.inbox import reports_to_approve_section, reports_to_write_section
from phaen.monitoring.models import ProgressReport
from phaen.monitoring.tests import factories as f
from phaen.orgs.testing import make_user
from phaen.plans.models import Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add

pytestmark = pytest.mark.django_db
State = ProgressReport.State


@pytest.fixture
def plan(world):
    """Province A's approved plan: P01 and P02 led by group A1, which has a reporter."""
    reporter(world)
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def director(world):
    return world.user(Role.APPROVER, world.province_a)


def run(as_of=None, *, callbacks):
    with callbacks(execute=True):
        return reminders.send_reminders(as_of=as_of)


def reminders_of(user):
    return list(
        Notification.objects.filter(recipient=user, kind=reminders.REMINDER_KIND).order_by("pk")
    )


def test_reporters_are_reminded_a_week_before_once_however_often_the_job_runs(
    world, plan, django_capture_on_commit_callbacks
):
    q2 = f.open_period(f.period("Q2"), due_in=7)
    writer = reporter(world)
    viewer = world.user(Role.VIEWER, world.group_a1)
    above = world.user(Role.REPORTER, world.province_a)
    assert run(callbacks=django_capture_on_commit_callbacks) == 2  # P01 and P02
    assert run(callbacks=django_capture_on_commit_callbacks) == 0
    call_command("run_scheduled", reminders.JOB_NAME, "--now")
    sent = reminders_of(writer)
    assert len(sent) == 2
    first = sent[0]
    due = f"กำหนดส่ง {f.period('Q2').due_on.day}"
    assert first.title.startswith("อีก 7 วันถึงกำหนดส่งรายงานความก้าวหน้าไตรมาสที่ 2/2561 ของโครงการ P0")
    assert due in first.title
    assert "ยังไม่ได้เริ่มจัดทำรายงาน" in first.body
    assert first.url == reverse("monitoring:progressreport_start") + (
        f"?project={plan.project.pk}&period={q2.pk}"
    )
    assert [message.to for message in mail.outbox] == [[writer.email], [writer.email]]
    assert reminders_of(viewer) == reminders_of(above) == []


def test_a_missed_day_is_made_up_and_the_day_before_gets_its_own_reminder(
    world, plan, django_capture_on_commit_callbacks
):
    q2 = f.open_period(f.period("Q2"), due_in=10)
    today = timezone.localdate()
    report = f.start(plan)  # P01 has a draft
    assert run(today, callbacks=django_capture_on_commit_callbacks) == 0  # 10 days ahead
    assert run(today + timedelta(days=5), callbacks=django_capture_on_commit_callbacks) == 2
    assert run(today + timedelta(days=6), callbacks=django_capture_on_commit_callbacks) == 0
    assert run(today + timedelta(days=9), callbacks=django_capture_on_commit_callbacks) == 2
    titles = [n.title for n in reminders_of(reporter(world))]
    assert titles[0].startswith("อีก 5 วันถึงกำหนดส่ง")
    assert titles[-1].startswith("อีก 1 วันถึงกำหนดส่ง")
    draft_notice = Notification.objects.filter(url=report.get_absolute_url()).first()
    assert draft_notice is not None
    assert "รายงานยังเป็นฉบับร่างและยังไม่ได้ส่ง" in draft_notice.body
    assert q2.due_on == today + timedelta(days=10)


def test_on_the_due_date_and_once_when_overdue(world, plan, django_capture_on_commit_callbacks):
    q2 = f.open_period(f.period("Q2"), due_in=0, locks_in=10)
    today = timezone.localdate()
    assert run(today, callbacks=django_capture_on_commit_callbacks) == 2
    assert reminders_of(reporter(world))[0].title.startswith(
        "วันนี้เป็นวันกำหนดส่งรายงานความก้าวหน้าไตรมาสที่ 2/2561"
    )
    assert run(today + timedelta(days=1), callbacks=django_capture_on_commit_callbacks) == 2
    assert run(today + timedelta(days=3), callbacks=django_capture_on_commit_callbacks) == 0
    overdue = reminders_of(reporter(world))[-1]
    assert overdue.title.startswith("เลยกำหนดส่งรายงานความก้าวหน้าไตรมาสที่ 2/2561")
    # After the lock date reporters can no longer send: no more reminders.
    later = q2.locks_on + timedelta(days=1)
    assert run(later, callbacks=django_capture_on_commit_callbacks) == 0
    assert len(reminders_of(reporter(world))) == 4


def test_nothing_for_submitted_returned_or_approved_reports(
    world, plan, django_capture_on_commit_callbacks
):
    f.submitted(plan)  # P01
    other = f.fill(f.start(plan, project=plan.small.other_project))
    other = services.report_submit(actor=None, report=other, expected_version=other.version)
    services.report_return(actor=None, report=other, expected_version=other.version, comment="แก้ไข")
    f.open_period(f.period("Q2"), due_in=1)
    assert run(callbacks=django_capture_on_commit_callbacks) == 0
    # A returned report was submitted once; its notice told the reporters what to correct.
    assert ProgressReport.objects.filter(state=State.RETURNED).count() == 1
    assert reminders_of(reporter(world)) == []


def test_a_units_own_due_date_decides(world, plan, django_capture_on_commit_callbacks):
    q2 = f.open_period(f.period("Q2"), due_in=30, locks_in=40)
    today = timezone.localdate()
    services.deadline_set(
        actor=None,
        period=q2,
        unit=world.group_a1,
        due_on=today + timedelta(days=1),
        locks_on=today + timedelta(days=5),
    )
    assert run(today, callbacks=django_capture_on_commit_callbacks) == 2
    assert reminders_of(reporter(world))[0].title.startswith("อีก 1 วันถึงกำหนดส่ง")


@override_settings(PHAEN_REPORT_REMINDER_DAYS=[3])
def test_the_days_before_are_a_setting(world, plan, django_capture_on_commit_callbacks):
    f.open_period(f.period("Q2"), due_in=7)
    today = timezone.localdate()
    assert reminders.reminder_days() == (3,)
    assert run(today, callbacks=django_capture_on_commit_callbacks) == 0
    assert run(today + timedelta(days=4), callbacks=django_capture_on_commit_callbacks) == 2


def test_inactive_reporters_and_reporters_without_email_settings(
    world, plan, django_capture_on_commit_callbacks
):
    f.open_period(f.period("Q2"), due_in=1)
    writer = reporter(world)
    quiet = make_user("quiet-reporter", (Role.REPORTER, world.group_a1))
    quiet.email_notifications = False
    quiet.save()
    gone = make_user("gone-reporter", (Role.REPORTER, world.group_a1))
    gone.is_active = False
    gone.save()
    assert run(callbacks=django_capture_on_commit_callbacks) == 4
    assert len(reminders_of(quiet)) == 2
    assert reminders_of(gone) == []
    assert sorted(m.to[0] for m in mail.outbox) == [writer.email, writer.email]


def test_the_job_is_registered():
    names = [job.name for job in scheduled_jobs()]
    assert reminders.JOB_NAME in names


# Notices of the workflow --------------------------------------------------------------------


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def test_the_workflow_notifies_approvers_and_writers_once_per_step(
    world, plan, django_capture_on_commit_callbacks
):
    writer, boss = reporter(world), director(world)
    regional = world.user(Role.APPROVER, world.region)  # not the nearest approver
    report = f.fill(f.start(plan))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            actor=writer, report=report, expected_version=report.version
        )
    (submitted,) = notices(boss, "monitoring.report.submitted")
    assert submitted.title == (
        "มีรายงานความก้าวหน้าไตรมาสที่ 2/2561 ของโครงการ P01 โครงการส่งเสริมการอ่าน ส่งมาให้พิจารณา"
    )
    assert submitted.url == reverse("monitoring:progressreport", args=[report.pk])
    assert notices(regional, "monitoring.report.submitted") == []
    assert notices(writer, "monitoring.report.submitted") == []  # not told of one's own step

    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(
            actor=boss, report=report, expected_version=report.version, comment="เพิ่มผลตัวชี้วัด"
        )
    (returned,) = notices(writer, "monitoring.report.returned")
    assert "ถูกส่งกลับให้แก้ไข" in returned.title
    assert returned.body == "สิ่งที่ต้องแก้ไข: เพิ่มผลตัวชี้วัด"
    assert notices(boss, "monitoring.report.returned") == []

    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            actor=writer, report=report, expected_version=report.version
        )
        report = services.report_approve(actor=boss, report=report, expected_version=report.version)
    assert len(notices(boss, "monitoring.report.resubmitted")) == 1
    (approved,) = notices(writer, "monitoring.report.approved")
    assert "ได้รับการอนุมัติแล้ว" in approved.title
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_reopen(
            actor=boss, report=report, expected_version=report.version, reason="แก้ตัวเลข"
        )
    assert notices(writer, "monitoring.report.reopened")[0].body == "เหตุผล: แก้ตัวเลข"

    # The same step announced again (a retried task) sends nothing new.
    assert reminders.report_notice("reopened", report, boss) == []
    assert Notification.objects.filter(recipient=writer).count() == 3
    assert len([m for m in mail.outbox if m.to == [writer.email]]) == 3


def test_the_nearest_approvers_are_told_and_the_systems_own_steps_tell_nobody(
    world, plan, django_capture_on_commit_callbacks
):
    own = world.user(Role.APPROVER, world.group_a1)
    boss = director(world)
    with django_capture_on_commit_callbacks(execute=True):
        f.submitted(plan)  # by the system (data loading)
    assert not Notification.objects.exists()
    other = f.fill(f.start(plan, project=plan.small.other_project))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=reporter(world), report=other, expected_version=other.version)
    assert len(notices(own, "monitoring.report.submitted")) == 1
    assert notices(boss, "monitoring.report.submitted") == []  # the nearest approvers only


def test_a_failing_notice_does_not_undo_the_step(
    world, plan, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(reminders, "notify", broken)
    report = f.fill(f.start(plan))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(
            actor=reporter(world), report=report, expected_version=report.version
        )
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert "Could not send the submitted notice" in caplog.text


# "Waiting for me" ---------------------------------------------------------------------------


def test_reporters_see_reports_to_write_and_to_correct(world, plan):
    writer = reporter(world)
    draft = f.start(plan)  # P01's draft; P02 has none yet
    f.open_period(f.period("Q2"), due_in=-1, locks_in=10)
    section = reports_to_write_section(writer)
    assert section.total == 2
    texts = {item.text: item for item in section.items}
    started = texts["P01 โครงการส่งเสริมการอ่าน"]
    assert started.url == reverse("monitoring:progressreport", args=[draft.pk])
    assert started.detail == "ไตรมาสที่ 2/2561 · ร่าง"
    assert started.overdue is True
    missing = texts["P02 โครงการพัฒนาครู"]
    assert missing.url.startswith(reverse("monitoring:progressreport_start") + "?project=")
    assert missing.detail == "ไตรมาสที่ 2/2561 · ยังไม่เริ่มจัดทำ"

    draft = f.fill(draft)
    draft = services.report_submit(actor=None, report=draft, expected_version=draft.version)
    assert reports_to_write_section(writer).total == 1
    services.report_return(actor=None, report=draft, expected_version=draft.version, comment="x")
    section = reports_to_write_section(writer)
    assert section.total == 2
    assert "ส่งกลับให้แก้ไข" in {item.detail.split(" · ")[1] for item in section.items}
    # Viewers write nothing, planners follow the compliance board; another province's
    # reporters have nothing to write here.
    assert reports_to_write_section(world.user(Role.VIEWER, world.group_a1)) is None
    assert reports_to_write_section(world.user(Role.PLANNER, world.province_a)) is None
    assert reports_to_write_section(world.user(Role.REPORTER, world.province_b)).total == 0


def test_approvers_see_submitted_reports(world, plan):
    f.open_period(f.period("Q2"))
    boss = director(world)
    assert reports_to_approve_section(boss).total == 0
    report = f.submitted(plan)
    section = reports_to_approve_section(boss)
    assert section.total == 1
    (item,) = section.items
    assert item.text == "P01 โครงการส่งเสริมการอ่าน"
    assert item.url == reverse("monitoring:progressreport", args=[report.pk])
    assert item.detail.startswith("ไตรมาสที่ 2/2561 · ส่งเมื่อ ")
    assert section.more_url == reverse("monitoring:progressreport_bulk_approve")
    assert reports_to_approve_section(world.user(Role.APPROVER, world.province_b)).total == 0
    assert reports_to_approve_section(reporter(world)) is None
    services.report_approve(actor=None, report=report, expected_version=report.version)
    assert reports_to_approve_section(boss).total == 0
    titles = [str(section.title) for section in inbox_for(boss)]
    assert "รายงานความก้าวหน้าที่รอการพิจารณา" in titles


def test_the_inbox_sections_run_a_fixed_number_of_queries(world):
    plan = f.monitored_plan(world, approve=False)
    for index in range(8):
        add(
            Project(
                plan_version=plan.version,
                code=f"X{index}",
                name=f"โครงการเพิ่ม {index}",
                start_month=plan.project.start_month,
                end_month=plan.project.end_month,
                lead_unit=world.group_a1,
            )
        )
    version_approve(actor=None, version=plan.version, expected_version=None)
    f.open_period(f.period("Q2"))
    writer, boss = reporter(world), director(world)

    def queries(source, user):
        forget_grants(user)
        with CaptureQueriesContext(connection) as captured:
            section = source(user)
            [(item.text, item.url, item.detail) for item in section.items]
        return len(captured), section.total

    def returned(project):
        report = f.fill(f.start(plan, project=project))
        report = services.report_submit(actor=None, report=report, expected_version=report.version)
        services.report_return(
            actor=None, report=report, expected_version=report.version, comment="x"
        )

    projects = list(Project.objects.filter(plan_version=plan.version).order_by("pk"))
    for project in projects[:2]:
        report = f.fill(f.start(plan, project=project))
        services.report_submit(actor=None, report=report, expected_version=report.version)
    returned(projects[2])
    few_write, waiting = queries(reports_to_write_section, writer)
    few_approve, submitted = queries(reports_to_approve_section, boss)
    assert (waiting, submitted) == (len(projects) - 2, 2)
    for project in projects[3:7]:
        returned(project)
    for project in projects[7:9]:
        f.start(plan, project=project)
    many_write, waiting = queries(reports_to_write_section, writer)
    many_approve, submitted = queries(reports_to_approve_section, boss)
    assert (waiting, submitted) == (len(projects) - 2, 2)
    assert few_write == many_write
    assert few_approve == many_approve <= 4


def test_the_inbox_page_shows_the_monitoring_sections(client, world, plan):
    report = f.submitted(plan)
    client.force_login(director(world))
    page = client.get(reverse("inbox")).content.decode()
    assert "รายงานความก้าวหน้าที่รอการพิจารณา" in page
    assert f'href="{reverse("monitoring:progressreport", args=[report.pk])}"' in page
    client.force_login(reporter(world))
    page = client.get(reverse("inbox")).content.decode()
    assert "รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข" in page
    assert "P02 โครงการพัฒนาครู" in page  # due within two weeks and not started
    assert "รายงานความก้าวหน้าที่รอการพิจารณา" not in page
