"""Record the demo monitoring of FY2561 through ``phaen.monitoring.services`` (audited like
real data). Idempotent: the reports are built in one transaction and skipped when FY2561 has
any; the journey's late entry is renewed only when none is active.

FY2561 is in the past. The system (``actor=None``) writes the reports' content and sends them
on the days the data says (the services take ``now`` from the system only), so late reports
are late by their own dates; the director's demo account signs the decisions (returned,
approved: dated when the demo is loaded, as the budget demo's approvals are), the planner's
prepares and comments the evaluations, and lessons are signed by who learned them.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from phaen.core.access import Action, can_at
from phaen.core.models import User
from phaen.demo.monitoring_data import (
    JOURNEY_LATE_ENTRY_DAYS,
    JOURNEY_PROJECT,
    JOURNEY_QUARTER,
    MONITORING_YEAR,
    files,
)
from phaen.demo.monitoring_data.evaluation import COMMENTS, GOAL_RESULT_FACTORS, LESSONS
from phaen.demo.monitoring_data.reports import REPORTS
from phaen.demo.monitoring_data.specs import (
    APPROVED,
    DRAFT,
    MISSING,
    RETURNED,
    EvidenceSpec,
    ReportSpec,
    day,
)
from phaen.demo.orgs_data import DEVELOPMENT_GROUP, PEO
from phaen.monitoring import services
from phaen.monitoring.models import (
    ActivityProgress,
    CorrectiveAction,
    Evaluation,
    IndicatorResult,
    LateEntryException,
    LessonLearned,
    Problem,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
)
from phaen.monitoring.selectors import current_settled_versions, required_projects
from phaen.orgs.models import OrgUnit
from phaen.plans.models import Activity, FiscalYear, Indicator, IndicatorTarget, Project

DEMO_REASON = "ข้อมูลสาธิต"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
HUNDRED = Decimal(100)


class Counter(Protocol):
    """What the demo loader counts (``phaen.demo.loader.LoadReport``)."""

    def add(self, what: str, count: int = 1) -> None: ...


#: ``phaen.demo.loader.demo_user``: the demo account that signs a decision, or None.
Signer = Callable[[str, str, models.Model], User | None]


def account_at(
    username: str, model: type[models.Model], action: str, unit_path: str
) -> User | None:
    """The demo account that may ``action`` new rows of ``model`` at a unit, or the system."""
    user = User.objects.filter(username=username, is_demo_account=True).first()
    return user if user is not None and can_at(user, model, action, unit_path) else None


def load_monitoring(report: Counter, units: dict[str, OrgUnit], signer: Signer) -> None:
    """The FY2561 reports, results, evaluations and lessons; then keep the journey open."""
    fiscal_year = FiscalYear.objects.get(year=MONITORING_YEAR)
    services.periods_generate(actor=None, fiscal_year=fiscal_year)
    load_reports(report, units, signer, fiscal_year)
    keep_journey_open(report, units, fiscal_year)


@transaction.atomic
def load_reports(
    report: Counter, units: dict[str, OrgUnit], signer: Signer, fiscal_year: FiscalYear
) -> None:
    """Skipped when FY2561 has reports (they are loaded in one transaction: all or none)."""
    if ProgressReport.objects.filter(period__fiscal_year=fiscal_year).exists():
        return
    builder = _Builder(report, units, signer, fiscal_year)
    for quarter in QUARTERS:
        builder.quarter(quarter)
    builder.goal_results()
    builder.evaluations()
    builder.lessons()


@transaction.atomic
def keep_journey_open(report: Counter, units: dict[str, OrgUnit], fiscal_year: FiscalYear) -> None:
    """Let the reporter's unit write its Q2 reports today: FY2561 locked long ago, so the
    planner grants a late entry (again, when the one granted at an earlier load has expired)."""
    period = ReportingPeriod.objects.get(fiscal_year=fiscal_year, kind=JOURNEY_QUARTER)
    unit = units[DEVELOPMENT_GROUP]
    today = services.today()
    active = LateEntryException.objects.filter(
        period=period, unit=unit, revoked_at__isnull=True
    ).first()
    if active is not None and active.until >= today:
        return
    planner = account_at("planner", LateEntryException, Action.ADD, unit.path)
    if active is not None:
        services.late_entry_revoke(
            actor=planner,
            exception=active,
            expected_version=None,
            reason="หมดระยะเวลาที่อนุญาตแล้ว ให้สิทธิ์ใหม่สำหรับการสาธิต",
        )
    services.late_entry_grant(
        actor=planner,
        period=period,
        unit=unit,
        until=today + timedelta(days=JOURNEY_LATE_ENTRY_DAYS),
        reason=(
            f"ข้อมูลสาธิต: ให้กลุ่มพัฒนาการศึกษารายงานไตรมาสที่ 2 ของโครงการ {JOURNEY_PROJECT} ซึ่งยังไม่ได้รายงาน"
        ),
    )
    report.add("การอนุญาตให้รายงานล่าช้า")


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def months_between(start: date, end: date) -> int:
    """Months from the month of ``start`` to the month of ``end``, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class _Progress:
    status: str
    percent: Decimal
    started: date | None
    ended: date | None


def activity_progress(activity: Activity, period: ReportingPeriod, behind: bool) -> _Progress:
    """An activity's progress at the end of a quarter, from its months: done when it ended by
    then (unless ``behind`` and it was due in this quarter), under way, or not started."""
    ends = month_end(activity.end_month)
    if activity.start_month > period.ends_on:
        return _Progress(ProgressStatus.NOT_STARTED, Decimal(0), None, None)
    due_now = ends >= period.starts_on
    if ends <= period.ends_on and not (behind and due_now):
        return _Progress(ProgressStatus.COMPLETED, HUNDRED, activity.start_month, ends)
    done = months_between(activity.start_month, min(ends, period.ends_on))
    share = HUNDRED * done / months_between(activity.start_month, ends)
    if behind:
        share = share * Decimal("0.6")
        status = ProgressStatus.BEHIND
    else:
        status = ProgressStatus.ON_SCHEDULE
    percent = min(share, Decimal(95)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _Progress(status, percent, activity.start_month, None)


def _aware(when: date, minutes: int) -> datetime:
    at = datetime.combine(when, time(9, 0)) + timedelta(minutes=minutes)
    return timezone.make_aware(at)


class _Builder:
    """Builds the quarters in order, so that each report follows the one before it."""

    def __init__(
        self, report: Counter, units: dict[str, OrgUnit], signer: Signer, fiscal_year: FiscalYear
    ) -> None:
        self.report = report
        self.units = units
        self.signer = signer
        self.fiscal_year = fiscal_year
        self.periods = {
            period.kind: period
            for period in ReportingPeriod.objects.filter(fiscal_year=fiscal_year).select_related(
                "fiscal_year"
            )
        }
        self.projects = list(
            Project.objects.filter(plan_version__in=current_settled_versions(fiscal_year.pk))
            .select_related("lead_unit")
            .order_by("plan_unit_path", "code")
        )
        self.specs = {(spec.project, spec.quarter): spec for spec in REPORTS}
        unknown = {code for code, _quarter in self.specs} - {p.code for p in self.projects}
        if unknown:
            raise ValueError(f"demo reports of unknown projects: {sorted(unknown)}")
        # Corrective actions by (project code, quarter, position), to follow them up later.
        self.actions: dict[tuple[str, str, int], int] = {}
        self.files = 0

    # Reports

    def quarter(self, quarter: str) -> None:
        """The reports of the projects that must report in the quarter (those whose months
        overlap it: ``selectors.required_projects``, the rule ``report_start`` applies)."""
        period = self.periods[quarter]
        required = set(required_projects(period).values_list("pk", flat=True))
        running = {project.code for project in self.projects if project.pk in required}
        outside = sorted(
            code
            for (code, kind), spec in self.specs.items()
            if kind == quarter and spec.state != MISSING and code not in running
        )
        if outside:
            raise ValueError(f"demo reports of projects not running in {quarter}: {outside}")
        for position, project in enumerate(self.projects):
            if project.pk not in required:
                continue
            spec = self.specs.get((project.code, quarter)) or ReportSpec(project.code, quarter)
            if spec.state == MISSING:
                continue
            self.build(project, period, spec, position)

    def build(
        self, project: Project, period: ReportingPeriod, spec: ReportSpec, position: int
    ) -> None:
        report = services.report_start(actor=None, project=project, period=period)
        self.report.add("รายงานความก้าวหน้า")
        self.fill(report, period, spec)
        self.follow_up(report, project, period)
        for number in range(len(spec.problems)):
            self.problem(report, project, spec, number)
        results = [self.result(report, project, period, result) for result in spec.results]
        for evidence in spec.evidence:
            self.evidence(report, results, evidence)
        if spec.state == DRAFT:
            return
        sent = (
            day(spec.submitted) if spec.submitted else period.due_on - timedelta(1 + position % 9)
        )
        report = services.report_submit(
            actor=None, report=report, expected_version=None, now=_aware(sent, position * 7)
        )
        decided = _aware(sent + timedelta(days=3), 60 + position * 7)
        if spec.state == RETURNED:
            services.report_return(
                actor=self.signer("director", "approve", report),
                report=report,
                expected_version=None,
                comment=spec.comment,
                now=decided,
            )
        elif spec.state == APPROVED:
            services.report_approve(
                actor=self.signer("director", "approve", report),
                report=report,
                expected_version=None,
                comment=spec.comment,
                now=decided,
            )

    def fill(self, report: ProgressReport, period: ReportingPeriod, spec: ReportSpec) -> None:
        """Each activity's progress from its months, then the project's status and percent."""
        rows = list(
            ActivityProgress.objects.filter(report=report).select_related("activity").order_by("pk")
        )
        top: list[_Progress] = []
        for row in rows:
            progress = activity_progress(row.activity, period, spec.behind)
            row.status = progress.status
            row.percent_complete = progress.percent
            row.actual_start = progress.started
            row.actual_end = progress.ended
            services.activity_progress_update(
                actor=None, instance=row, expected_version=row.version, reason=DEMO_REASON
            )
            if row.activity.parent_id is None:
                top.append(progress)
        percent = (sum((p.percent for p in top), Decimal(0)) / max(len(top), 1)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        done = sum(1 for p in top if p.status == ProgressStatus.COMPLETED)
        if top and done == len(top):
            status = ProgressStatus.COMPLETED
        elif spec.behind:
            status = ProgressStatus.BEHIND
        elif all(p.status == ProgressStatus.NOT_STARTED for p in top):
            status = ProgressStatus.NOT_STARTED
        else:
            status = ProgressStatus.ON_SCHEDULE
        report.progress_status = status
        report.percent_complete = HUNDRED if status == ProgressStatus.COMPLETED else percent
        report.summary = spec.summary or (
            f"ดำเนินกิจกรรมแล้วเสร็จ {done} จาก {len(top)} กิจกรรมหลัก กิจกรรมที่เหลือดำเนินการตามแผน"
            if status != ProgressStatus.COMPLETED
            else "ดำเนินกิจกรรมครบทุกกิจกรรมตามแผนแล้ว"
        )
        report.outputs = spec.outputs
        services.report_update(
            actor=None, instance=report, expected_version=report.version, reason=DEMO_REASON
        )

    def problem(
        self, report: ProgressReport, project: Project, spec: ReportSpec, number: int
    ) -> None:
        problem_spec = spec.problems[number]
        problem = services.problem_create(
            actor=None,
            instance=Problem(
                report=report,
                category=problem_spec.category,
                description=problem_spec.description,
                cause=problem_spec.cause,
            ),
            reason=DEMO_REASON,
        )
        action = services.corrective_action_create(
            actor=None,
            instance=CorrectiveAction(
                problem=problem,
                description=problem_spec.action,
                owner_name=problem_spec.owner,
                owner_unit=self.units[problem_spec.owner_unit]
                if problem_spec.owner_unit
                else project.lead_unit,
                due_on=day(problem_spec.due),
            ),
            reason=DEMO_REASON,
        )
        self.actions[(project.code, spec.quarter, number)] = action.pk
        self.report.add("ปัญหาอุปสรรค")
        self.report.add("แนวทางแก้ไข")

    def follow_up(self, report: ProgressReport, project: Project, period: ReportingPeriod) -> None:
        """What this quarter's report says about the project's open actions of earlier ones."""
        for spec in REPORTS:
            if spec.project != project.code:
                continue
            for number, problem in enumerate(spec.problems):
                pk = self.actions.get((project.code, spec.quarter, number))
                follow = next((f for f in problem.follow_ups if f.quarter == period.kind), None)
                if pk is None or follow is None:
                    continue
                action = CorrectiveAction.objects.get(pk=pk)
                if follow.status == CorrectiveAction.Status.IN_PROGRESS:
                    action.status = follow.status
                    action.result_note = follow.note
                    services.corrective_action_update(
                        actor=None,
                        instance=action,
                        expected_version=action.version,
                        via_report=report,
                        reason=DEMO_REASON,
                    )
                else:
                    services.corrective_action_close(
                        actor=None,
                        action=action,
                        expected_version=action.version,
                        status=follow.status,
                        done_on=day(follow.done) if follow.done else None,
                        result_note=follow.note,
                        via_report=report,
                    )

    def result(
        self, report: ProgressReport, project: Project, period: ReportingPeriod, spec: Any
    ) -> IndicatorResult:
        indicator = Indicator.objects.get(project=project, number=spec.number)
        result = services.result_record(
            actor=None,
            instance=IndicatorResult(
                indicator=indicator,
                report=report,
                period=period,
                actual_value=Decimal(spec.value),
                note=spec.note,
            ),
            reason=DEMO_REASON,
        )
        self.report.add("ผลตัวชี้วัด")
        return result

    def evidence(
        self, report: ProgressReport, results: list[IndicatorResult], spec: EvidenceSpec
    ) -> None:
        on_result = results[0] if spec.on_result and results else None
        upload = None
        if spec.kind != "link":
            self.files += 1
            content = {
                "pdf": lambda: files.pdf_bytes(self.files),
                "png": lambda: files.png_bytes(self.files),
                "xlsx": lambda: files.xlsx_bytes(spec.title, self.files),
            }[spec.kind]()
            upload = ContentFile(content, name=f"{spec.title}.{spec.kind}")
        services.evidence_add(
            actor=None,
            title=spec.title,
            report=None if on_result else report,
            result=on_result,
            upload=upload,
            url=spec.url,
            reason=DEMO_REASON,
        )
        self.report.add("หลักฐาน")

    # Goal indicators, evaluations and lessons

    def goal_results(self) -> None:
        """The goal indicators' standalone results, for every quarter with a target."""
        indicators = (
            Indicator.objects.filter(
                plan_version__in=current_settled_versions(self.fiscal_year.pk), goal__isnull=False
            )
            .select_related("goal__strategic_issue")
            .order_by("plan_version_id", "goal__strategic_issue__number", "goal__number", "number")
        )
        targets: dict[int, dict[str, Decimal]] = {}
        for indicator_id, kind, value in IndicatorTarget.objects.filter(
            indicator__in=indicators, period__in=QUARTERS
        ).values_list("indicator_id", "period", "value"):
            targets.setdefault(indicator_id, {})[kind] = value
        for position, indicator in enumerate(indicators):
            for turn, quarter in enumerate(QUARTERS):
                target = targets.get(indicator.pk, {}).get(quarter)
                if target is None:
                    continue
                factor = GOAL_RESULT_FACTORS[(position + turn) % len(GOAL_RESULT_FACTORS)]
                services.result_record(
                    actor=None,
                    instance=IndicatorResult(
                        indicator=indicator,
                        period=self.periods[quarter],
                        actual_value=goal_value(indicator, target, factor),
                    ),
                    reason=DEMO_REASON,
                )
                self.report.add("ผลตัวชี้วัด")

    def evaluations(self) -> None:
        """The half-year and annual evaluations under the PEO, with the evaluators' comments."""
        peo = self.units[PEO]
        planner = account_at("planner", Evaluation, Action.ADD, peo.path)
        for kind in ("H1", "YEAR"):
            run = services.evaluation_prepare(actor=planner, period=self.periods[kind], unit=peo)
            self.report.add("การประเมินผล", run.created)
        current = Evaluation.objects.filter(period__fiscal_year=self.fiscal_year)
        for spec in COMMENTS:
            rows = current.filter(period__kind=spec.period)
            rows = (
                rows.filter(project__code=spec.project)
                if spec.project
                else rows.filter(indicator__name__startswith=spec.indicator)
            )
            evaluation = rows.get()
            services.evaluation_comment(
                actor=self.signer("planner", Action.CHANGE, evaluation),
                evaluation=evaluation,
                expected_version=None,
                comment=spec.comment,
            )

    def lessons(self) -> None:
        projects = {project.code: project for project in self.projects}
        for spec in LESSONS:
            unit = self.units[spec.unit]
            services.lesson_add(
                actor=account_at(spec.author, LessonLearned, Action.ADD, unit.path),
                instance=LessonLearned(
                    fiscal_year=self.fiscal_year,
                    unit=unit,
                    project=projects[spec.project] if spec.project else None,
                    topic=spec.topic,
                    lesson=spec.lesson,
                    recommendation=spec.recommendation,
                ),
                reason=DEMO_REASON,
            )
            self.report.add("บทเรียนที่ได้รับ")


def goal_value(indicator: Indicator, target: Decimal, factor: Decimal) -> Decimal:
    """A goal indicator's result: the target times ``factor`` (mirrored for lower-is-better),
    whole steps for milestone indicators, at most 100 for percentages."""
    if indicator.scoring_rule == Indicator.ScoringRule.MILESTONES:
        steps = int(target)
        return Decimal(steps if factor >= 1 else max(steps - 1, 0))
    if indicator.direction == Indicator.Direction.LOWER:
        factor = 2 - factor
    value = (target * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if indicator.unit_of_measure == "ร้อยละ":
        value = min(value, HUNDRED)
    return value
