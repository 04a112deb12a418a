"""Access scenarios of every monitoring model (run by tests/test_access_matrix.py).

Rows belong to ``home`` (school A2): a project of province A's FY2561 plan led by the school,
its Q2 report and the report's parts, the school's deadline, late-entry permission, evaluation
and lesson, so that a role at province A is in scope and the same role at province B is not.
Reports and their parts are written by the lead unit's reporters (``writer_role``); reporting
periods are global reference data written by planners at a top-level unit.

Every scenario declares its pages (``ui_prefix`` and ``ui_actions``: route names under
``/monitoring/``) and, where the model has an API collection, its ``api_path`` and
``api_actions`` (reporting periods, progress reports, activity progress, indicator results,
problems, corrective actions and evaluations under ``/api/v1/``); tests/test_access_matrix.py
requests them anonymously, without a role, in scope and out of scope. Deadlines, late-entry
permissions, evidence, contributions, decisions and lessons have pages only; rows that only
the services make (decisions, evaluations) have no create or delete action.
``phaen/monitoring/tests/test_access.py`` also checks every scenario's rows against
``restrict()`` directly.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.testing import AccessScenario
from phaen.monitoring import services
from phaen.monitoring.models import (
    ActivityProgress,
    Contribution,
    CorrectiveAction,
    Evaluation,
    Evidence,
    IndicatorResult,
    LateEntryException,
    LessonLearned,
    PeriodDeadline,
    Problem,
    ProgressReport,
    ReportDecision,
    ReportingPeriod,
)
from phaen.monitoring.tests import factories as f
from phaen.plans.models import ProjectOwner
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add, fiscal_year, small_plan

NO_PAGES_YET = "the monitoring pages and API come with the monitoring UI (issue 5, part 2)"
NONE = frozenset[str]()


def home_report(world: Any) -> ProgressReport:
    """School A2's draft Q2 report of its project in province A's approved plan (group A1
    supports the project; the project has an indicator with a Q2 target)."""
    plan = small_plan(world.province_a, world.school_a2)
    add(ProjectOwner(project=plan.project, unit=world.group_a1, role="supporter"))
    f.project_indicator(plan.project, "จำนวนนักเรียนที่ยืมหนังสือ", targets={"Q2": "100"})
    version_approve(actor=None, version=plan.version, expected_version=None)
    return f.fill(
        services.report_start(
            actor=None, project=plan.project, period=f.open_period(f.period("Q2"))
        )
    )


class MonitoringScenario(AccessScenario):
    ui_prefix: ClassVar[str | None] = None
    api_path: ClassVar[str | None] = None
    no_ui_reason = NO_PAGES_YET
    ui_actions = NONE
    api_actions = NONE
    writer_role: ClassVar[str] = Role.REPORTER
    #: Whether ``writer_role`` in scope may change the row (False: only services write it).
    changeable: ClassVar[bool] = True

    def created(self) -> QuerySet[Any]:
        return self.model._default_manager.none()


class ReportingPeriodScenario(MonitoringScenario):
    model = ReportingPeriod
    writer_role = Role.PLANNER
    global_reference = True
    ui_prefix = "monitoring:reportingperiod"
    ui_actions = frozenset({"list", "detail", "edit"})  # periods come with their fiscal year
    api_path = "/api/v1/reporting-periods/"
    api_actions = frozenset({"list", "detail", "edit"})

    def make(self) -> ReportingPeriod:
        return f.period("Q3", year=fiscal_year(2562).year)

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "opens_on": "1/7/2562",
            "due_on": "20/7/2562",
            "locks_on": "31/7/2562",
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.due_on == date(2019, 7, 20))

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "opens_on": "2019-07-01",
            "due_on": "2019-07-20",
            "locks_on": "2019-07-31",
            "version": obj.version,
        }


class PeriodDeadlineScenario(MonitoringScenario):
    """Deadlines are listed on their period's page; setting one for a unit that has one
    changes it, so the create below sets home's deadline of another quarter (Q3)."""

    model = PeriodDeadline
    writer_role = Role.PLANNER
    ui_prefix = "monitoring:perioddeadline"
    ui_actions = frozenset({"create", "delete"})

    def make(self) -> PeriodDeadline:
        return services.deadline_set(
            actor=None,
            period=f.period("Q2"),
            unit=self.home,
            due_on=date(2018, 4, 20),
            locks_on=date(2018, 4, 30),
        )

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            return reverse("monitoring:perioddeadline_add", args=[f.period("Q3").pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"unit": self.home.pk, "due_on": "20/7/2561", "locks_on": "31/7/2561"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}  # the delete confirmation (deadlines have no edit page)

    def created(self) -> QuerySet[Any]:
        return PeriodDeadline.objects.filter(period=f.period("Q3"), unit=self.home)


class LateEntryExceptionScenario(MonitoringScenario):
    """Permissions are listed on their period's page and never deleted: "edit" is revoking
    one (with a reason); the create below grants home a permission for another quarter (Q3)."""

    model = LateEntryException
    writer_role = Role.PLANNER
    ui_prefix = "monitoring:lateentryexception"
    ui_actions = frozenset({"create", "edit"})

    def make(self) -> LateEntryException:
        return services.late_entry_grant(
            actor=None,
            period=f.period("Q2"),
            unit=self.home,
            until=timezone.localdate(),
            reason="ทดสอบสิทธิ์",
        )

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            return reverse("monitoring:lateentryexception_add", args=[f.period("Q3").pk])
        if action == "edit":
            return reverse("monitoring:lateentryexception_revoke", args=[obj.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        until = timezone.localdate() + timedelta(days=7)
        be_date = f"{until.day}/{until.month}/{until.year + 543}"
        return {"unit": self.home.pk, "until": be_date, "reason": "ส่งเอกสารไม่ทัน"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"reason": "ส่งรายงานครบแล้ว", "version": obj.version}

    def created(self) -> QuerySet[Any]:
        return LateEntryException.objects.filter(period=f.period("Q3"), unit=self.home)

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return obj.revoked_at is not None


class ProgressReportScenario(MonitoringScenario):
    model = ProgressReport
    ui_prefix = "monitoring:progressreport"
    ui_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    api_path = "/api/v1/progress-reports/"
    api_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    # Reports are started from a project (?project=): the page looks it up among the projects
    # the user sees, so no role and another province both get 404.
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> ProgressReport:
        report = home_report(self.world)
        self.project = report.project
        return report

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return f"{reverse('monitoring:progressreport_start')}?project={self.project.pk}"
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"project": self.project.pk, "period": f.open_period(f.period("Q3")).pk}

    def created(self) -> QuerySet[Any]:
        return ProgressReport.objects.filter(period__kind="Q3")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "progress_status": "on_schedule",
            "percent_complete": "35",
            "outputs": "ห้องสมุดมีชีวิต 3 แห่ง",
            "summary": "ดำเนินการตามแผน",
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.percent_complete == 35 and obj.outputs == "ห้องสมุดมีชีวิต 3 แห่ง")


class ActivityProgressScenario(MonitoringScenario):
    model = ActivityProgress
    # Lines are listed on their report's page; each has an edit page only.
    ui_prefix = "monitoring:activityprogress"
    ui_actions = frozenset({"edit"})
    api_path = "/api/v1/activity-progress/"
    api_actions = frozenset({"list", "detail", "edit"})

    def make(self) -> ActivityProgress:
        return home_report(self.world).activity_progress.get()

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "status": "behind",
            "percent_complete": "40",
            "actual_start": "",
            "actual_end": "",
            "note": "ล่าช้าเพราะฝนตก",
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.note == "ล่าช้าเพราะฝนตก")

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "progress_status": "behind",
            "percent_complete": "40",
            "note": "ล่าช้าเพราะฝนตก",
            "version": obj.version,
        }


class IndicatorResultScenario(MonitoringScenario):
    model = IndicatorResult
    # Results are added from the report's indicator lines: the add page names the report and
    # the indicator, looked up among what the user sees (404 for no role and another province).
    # Each indicator has one result per quarter, so the plan here has a second indicator.
    ui_prefix = "monitoring:indicatorresult"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})
    api_path = "/api/v1/indicator-results/"
    api_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> IndicatorResult:
        plan = small_plan(self.world.province_a, self.home)
        first = f.project_indicator(plan.project, "จำนวนนักเรียนที่ยืมหนังสือ", targets={"Q2": "100"})
        self.second = f.project_indicator(plan.project, "จำนวนครูที่ใช้ห้องสมุด", targets={"Q2": "20"})
        version_approve(actor=None, version=plan.version, expected_version=None)
        period = f.open_period(f.period("Q2"))
        self.report = services.report_start(actor=None, project=plan.project, period=period)
        return f.result(self.report, first, "120")

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return reverse("monitoring:indicatorresult_add", args=[self.report.pk, self.second.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"actual_value": "๑๕", "note": "ครูใช้ห้องสมุดสัปดาห์ละครั้ง"}

    def api_create_data(self) -> dict[str, Any]:
        return {"indicator": self.second.pk, "report": self.report.pk, **self.ui_create_data()}

    def created(self) -> QuerySet[Any]:
        return IndicatorResult.objects.filter(note="ครูใช้ห้องสมุดสัปดาห์ละครั้ง")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"actual_value": "๙๕", "note": "แก้ไขผลแล้ว", "version": obj.version}

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.note == "แก้ไขผลแล้ว" and obj.actual_value == 95)


class ProblemScenario(MonitoringScenario):
    model = Problem
    # Problems are listed on their report's page: add (under the report), edit and delete.
    ui_prefix = "monitoring:problem"
    ui_actions = frozenset({"create", "edit", "delete"})
    api_path = "/api/v1/problems/"
    api_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> Problem:
        self.report = home_report(self.world)
        return f.problem_with_action(self.report)[0]

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return reverse("monitoring:problem_add", args=[self.report.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"category": "budget", "description": "งบประมาณมาล่าช้า", "cause": "รอโอนจัดสรร"}

    def api_create_data(self) -> dict[str, Any]:
        return {"report": self.report.pk, **self.ui_create_data()}

    def created(self) -> QuerySet[Any]:
        return Problem.objects.filter(description="งบประมาณมาล่าช้า")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "category": obj.category,
            "description": obj.description,
            "cause": "ตรงกับช่วงสอบปลายภาค",
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.cause == "ตรงกับช่วงสอบปลายภาค")


class CorrectiveActionScenario(MonitoringScenario):
    model = CorrectiveAction
    # Added under a problem (looked up among what the user sees: 404 for no role and another
    # province); listed across reports and shown on a page of their own.
    ui_prefix = "monitoring:correctiveaction"
    ui_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    api_path = "/api/v1/corrective-actions/"
    api_actions = frozenset({"list", "detail", "create", "edit", "delete"})
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> CorrectiveAction:
        self.problem, action = f.problem_with_action(home_report(self.world))
        return action

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return reverse("monitoring:correctiveaction_add", args=[self.problem.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "description": "ขอครูแกนนำช่วยจัดอบรม",
            "owner_name": "นายวางแผน รอบคอบ",
            "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "status": "open",
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"problem": self.problem.pk, **self.ui_create_data()}

    def created(self) -> QuerySet[Any]:
        return CorrectiveAction.objects.filter(description="ขอครูแกนนำช่วยจัดอบรม")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "description": obj.description,
            "owner_name": "นางสาวติดตาม งานดี",
            "due_on": obj.due_on.isoformat(),
            "status": "in_progress",
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.owner_name == "นางสาวติดตาม งานดี" and obj.status == "in_progress")


class EvidenceScenario(MonitoringScenario):
    model = Evidence
    # Listed on the report's (or result's) page; attached under the report and deleted.
    ui_prefix = "monitoring:evidence"
    ui_actions = frozenset({"create", "delete"})
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> Evidence:
        self.report = home_report(self.world)
        return services.evidence_add(
            actor=None,
            report=self.report,
            title="ภาพกิจกรรม",
            url="https://example.go.th/album",
        )

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return reverse("monitoring:evidence_add", args=[self.report.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"title": "รายชื่อผู้เข้าร่วม", "url": "https://example.go.th/list"}

    def created(self) -> QuerySet[Any]:
        return Evidence.objects.filter(title="รายชื่อผู้เข้าร่วม")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}  # evidence is not edited: only the delete form posts


class ContributionScenario(MonitoringScenario):
    model = Contribution
    # Written by the partner unit's writers: group A1, a supporter inside province A. Listed on
    # the report's page: add (under the report), edit and delete.
    ui_prefix = "monitoring:contribution"
    ui_actions = frozenset({"create", "edit", "delete"})
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def make(self) -> Contribution:
        self.report = home_report(self.world)
        return services.contribution_add(
            actor=None,
            report=self.report,
            unit=self.world.group_a1,
            text="ส่งข้อมูลส่วนของกลุ่ม",
        )

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "create":
            from django.urls import reverse

            return reverse("monitoring:contribution_add", args=[self.report.pk])
        return super().ui_url(action, obj)

    def ui_create_data(self) -> dict[str, Any]:
        return {"unit": self.world.group_a1.pk, "text": "จัดวิทยากรให้ 2 คน"}

    def created(self) -> QuerySet[Any]:
        return Contribution.objects.filter(text="จัดวิทยากรให้ 2 คน")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"text": "จัดวิทยากรให้ 3 คน", "version": obj.version}

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.text == "จัดวิทยากรให้ 3 คน")


class ReportDecisionScenario(MonitoringScenario):
    model = ReportDecision
    changeable = False  # written by the workflow services only
    # Decisions are shown on their report's page (#timeline), not on pages of their own.
    ui_prefix = "monitoring:progressreport"
    ui_actions = frozenset({"detail"})

    def ui_url(self, action: str, obj: Any = None) -> str:
        from django.urls import reverse

        return reverse("monitoring:progressreport", args=[obj.report_id])

    def make(self) -> ReportDecision:
        report = home_report(self.world)
        services.report_submit(actor=None, report=report, expected_version=report.version)
        return ReportDecision.objects.get(report=report)


class EvaluationScenario(MonitoringScenario):
    """Evaluations are prepared by the services (a planner's "prepare" for a unit); the page
    of one row has no add or delete: "edit" is the evaluator's comment."""

    model = Evaluation
    ui_prefix = "monitoring:evaluation"
    ui_actions = frozenset({"list", "detail", "edit"})
    api_path = "/api/v1/evaluations/"
    api_actions = frozenset({"list", "detail", "edit"})  # rows are made by POST .../prepare/

    def make(self) -> Evaluation:
        report = home_report(self.world)
        services.evaluation_prepare(actor=None, period=f.period("H1"), unit=self.world.province_a)
        return Evaluation.objects.get(project=report.project)

    def ui_url(self, action: str, obj: Any = None) -> str:
        if action == "edit":
            return reverse("monitoring:evaluation_comment", args=[obj.pk])
        return super().ui_url(action, obj)

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"comment": "โครงการดำเนินการตามแผน", "version": obj.version}

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.comment == "โครงการดำเนินการตามแผน")


class LessonLearnedScenario(MonitoringScenario):
    model = LessonLearned
    ui_prefix = "monitoring:lessonlearned"
    ui_actions = frozenset({"list", "detail", "create", "edit", "delete"})

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "fiscal_year": fiscal_year(2561).pk,
            "unit": self.home.pk,
            "topic": "การประสานงานกับผู้ปกครอง",
            "lesson": "ผู้ปกครองร่วมกิจกรรมมากขึ้นเมื่อแจ้งล่วงหน้า",
            "recommendation": "",
        }

    def created(self) -> QuerySet[Any]:
        return LessonLearned.objects.filter(topic="การประสานงานกับผู้ปกครอง")

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "fiscal_year": obj.fiscal_year_id,
            "unit": obj.unit_id,
            "topic": "การรายงานผลรายไตรมาส",
            "lesson": obj.lesson,
            "recommendation": obj.recommendation,
            "version": obj.version,
        }

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.topic == "การรายงานผลรายไตรมาส")

    def make(self) -> LessonLearned:
        return services.lesson_add(
            actor=None,
            instance=LessonLearned(
                fiscal_year=fiscal_year(2561),
                unit=self.home,
                topic="การรายงานผล",
                lesson="รายงานตรงเวลาเมื่อมีปฏิทิน",
                recommendation="กำหนดปฏิทินการรายงานไว้ในแผน",
            ),
        )
