"""A province's FY2561 Q1–Q2 monitoring at scale, built with bulk inserts, for the monitoring
benchmark.

    build_monitoring(peo=..., fiscal_year=..., size=MonitoringSize(), ...)

On the budget of ``benchmarks/budget_data.py`` (the PEO's published plan of 50,000 projects led
by its work groups, its service areas and their schools, with their money) it adds:

- quarterly targets (Q1–Q4, cumulative: a quarter, half, three quarters and all of the year's
  target) for every project indicator, so that results may be recorded ("plan before results");
- one reporter per lead unit (a user with a reporter membership) who writes its reports;
- the progress reports of Q1 and Q2 for most of the projects that must report in each quarter
  (``selectors.required_projects``), in mixed states: approved, submitted (some of them
  resubmitted after a return), returned, draft, and none at all; first submissions around the
  unit's due date, a share of them late (``is_late`` decided as ``report_submit`` decides it);
- one activity line per activity of the project (as ``report_start`` makes them), with statuses
  that agree with the report's; drafts leave some without a status;
- the indicator result of the project's indicator in most submitted reports and some drafts,
  scored with ``phaen.plans.scoring`` against the quarter's target exactly as
  ``services.result_record`` scores it (the copies ``indicator_lineage``, ``strategic_issue``,
  ``unit_path`` and ``plan_unit_path`` set as it sets them);
- problems with a corrective action (open, in progress, done) in every report behind schedule
  and in a few others, so that every submitted report passes ``submission_problems``;
- the timeline (``ReportDecision``) of every report that was submitted.

What the real services also write and this leaves out: the audit records of each step and the
approved reports' ``approved_snapshot`` (only read when an approved report is reopened).
Everything is seeded: two runs build the same data.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from benchmarks.bulk import BulkBuilder
from phaen.core.access import Role
from phaen.core.models import User
from phaen.monitoring.models import (
    ActivityProgress,
    CorrectiveAction,
    IndicatorResult,
    Problem,
    ProgressReport,
    ProgressStatus,
    ReportDecision,
    ReportingPeriod,
)
from phaen.monitoring.selectors import required_projects
from phaen.orgs.models import Membership, OrgUnit
from phaen.plans import scoring
from phaen.plans.models import Activity, FiscalYear, Indicator, IndicatorTarget, Project

State = ProgressReport.State
Step = ReportDecision.Step

#: Share of each cumulative quarterly target in the year's target.
QUARTER_SHARES = {
    "Q1": Decimal("0.25"),
    "Q2": Decimal("0.5"),
    "Q3": Decimal("0.75"),
    "Q4": Decimal(1),
}

#: How the reports of a quarter stand (the rest of the projects have no report): Q1 is long
#: closed, Q2 is the quarter being worked on.
STATE_MIX = {
    "Q1": [(State.APPROVED, 70), (State.SUBMITTED, 10), (State.RETURNED, 4), (State.DRAFT, 8)],
    "Q2": [(State.APPROVED, 38), (State.SUBMITTED, 20), (State.RETURNED, 8), (State.DRAFT, 19)],
}
NO_REPORT = "none"
#: Progress of the project in the quarter.
STATUS_MIX = [
    (ProgressStatus.ON_SCHEDULE, 55),
    (ProgressStatus.BEHIND, 20),
    (ProgressStatus.NOT_STARTED, 10),
    (ProgressStatus.COMPLETED, 9),
    (ProgressStatus.POSTPONED, 4),
    (ProgressStatus.CANCELLED, 2),
]
PROBLEMS = [
    (Problem.Category.BUDGET, "ได้รับจัดสรรงบประมาณล่าช้า", "การโอนเงินงวดล่าช้า"),
    (Problem.Category.PERSONNEL, "บุคลากรไม่เพียงพอ", "ครูย้ายระหว่างปี"),
    (Problem.Category.SCHEDULE, "กิจกรรมเลื่อนออกไป", "ชนกับกิจกรรมของเขตพื้นที่"),
    (Problem.Category.MATERIALS, "จัดซื้อวัสดุไม่ทันกำหนด", "ผู้ขายส่งของล่าช้า"),
    (Problem.Category.TARGET_GROUP, "กลุ่มเป้าหมายเข้าร่วมน้อยกว่าแผน", "ช่วงสอบปลายภาค"),
    (Problem.Category.POLICY_EXTERNAL, "น้ำท่วมในพื้นที่", "อุทกภัยภาคใต้"),
]
ACTIONS = [
    "ประสานเขตพื้นที่เพื่อกำหนดวันจัดกิจกรรมใหม่",
    "เร่งรัดการเบิกจ่ายและติดตามทุกสัปดาห์",
    "มอบหมายผู้รับผิดชอบเพิ่มเติม",
    "ปรับแผนการจัดซื้อจัดจ้าง",
]


@dataclass(frozen=True)
class MonitoringSize:
    """How many of the projects that must report have a report in each quarter (the mix of
    states in ``STATE_MIX``), and how often a report carries a problem without being behind."""

    other_problem_share: float = 0.04
    draft_result_share: float = 0.3


@dataclass
class BuiltMonitoring:
    periods: dict[str, ReportingPeriod]
    reporters: dict[int, User]  # lead unit id -> its reporter
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _aware(day: date, rng: random.Random) -> datetime:
    moment = datetime.combine(day, clock(8 + rng.randrange(9), rng.randrange(60)))
    return timezone.make_aware(moment)


def _pick(rng: random.Random, mix: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _w in mix], weights=[w for _v, w in mix])[0]


@transaction.atomic
def build_monitoring(
    *,
    peo: OrgUnit,
    fiscal_year: FiscalYear,
    director: User,
    size: MonitoringSize | None = None,
    seed: int = 2561,
    reserve_drafts_of: OrgUnit | None = None,
) -> BuiltMonitoring:
    """Q1 and Q2 of the province's monitoring (see the module's docstring). Drafts of Q2 under
    ``reserve_drafts_of`` get no indicator result (the benchmark records them)."""
    size = size or MonitoringSize()
    b = BulkBuilder(seed, batch_size=5000)
    rng, insert = b.rng, b.insert
    started = time.perf_counter()
    periods = {
        p.kind: p
        for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year).select_related(
            "fiscal_year"
        )
    }
    if not {"Q1", "Q2"} <= set(periods):  # every new fiscal year gets them (apps.ready)
        from phaen.monitoring.services import periods_generate

        periods = {p.kind: p for p in periods_generate(actor=None, fiscal_year=fiscal_year)}

    # Quarterly targets of every project indicator of the province's plans -----------------
    indicators = list(
        Indicator.objects.filter(
            project__plan_version__plan__unit=peo,
            project__plan_version__plan__fiscal_year=fiscal_year,
        ).order_by("pk")
    )
    insert(
        IndicatorTarget,
        [
            IndicatorTarget(
                indicator=indicator,
                period=kind,
                value=_target(indicator, share),
                created_by=director,
                updated_by=director,
            )
            for indicator in indicators
            for kind, share in QUARTER_SHARES.items()
        ],
    )
    indicator_of = {i.project_id: i for i in indicators}
    targets = {
        (i.pk, kind): _target(i, share)
        for i in indicators
        for kind, share in QUARTER_SHARES.items()
    }
    b.timed("targets", started)

    # A reporter per lead unit --------------------------------------------------------------
    started = time.perf_counter()
    lead_ids = sorted(
        set(
            Project.objects.filter(plan_version__plan__unit=peo).values_list(
                "lead_unit_id", flat=True
            )
        )
    )
    users = insert(
        User,
        [
            User(
                username=f"bench-mon-reporter-{pk}",
                full_name=f"ผู้รายงานทดสอบ หน่วยงาน {pk}",
                password=make_password(None),  # unusable, as set_unusable_password makes it
            )
            for pk in lead_ids
        ],
        batch_size=1000,
    )
    reporters = dict(zip(lead_ids, users, strict=True))
    insert(
        Membership,
        [Membership(user=user, unit_id=pk, role=Role.REPORTER) for pk, user in reporters.items()],
    )
    b.timed("reporters", started)

    # Reports, activity lines, results, problems, actions, decisions per quarter ------------
    activities_of: dict[int, list[Activity]] = defaultdict(list)
    for activity in Activity.objects.filter(project__plan_version__plan__unit=peo).order_by(
        "number", "pk"
    ):
        activities_of[activity.project_id].append(activity)
    q1_of: dict[Any, ProgressReport] = {}  # lineage -> the Q1 report, for Q2's carried state
    open_actions_of: dict[Any, list[CorrectiveAction]] = defaultdict(list)
    for kind in ("Q1", "Q2"):
        started = time.perf_counter()
        period = periods[kind]
        projects = list(
            required_projects(period, peo.path)
            .select_related("strategy", "lead_unit")
            .order_by("pk")
        )
        b.counts[f"required projects {kind}"] = len(projects)
        mix: list[tuple[str, int]] = [*STATE_MIX[kind]]
        mix.append((NO_REPORT, 100 - sum(w for _s, w in mix)))
        reports: list[ProgressReport] = []
        plans: list[dict[str, Any]] = []
        for project in projects:
            state = _pick(rng, mix)
            if state == NO_REPORT:
                continue
            earlier = q1_of.get(project.lineage)
            status = _pick(rng, STATUS_MIX)
            if earlier is not None and earlier.progress_status == ProgressStatus.COMPLETED:
                status = ProgressStatus.COMPLETED
            percent = _percent(rng, status, kind)
            report = ProgressReport(
                project=project,
                period=period,
                unit=project.lead_unit,
                state=state,
                progress_status=status,
                percent_complete=percent,
                outputs="ผู้เข้าร่วมกิจกรรมตามแผน" if status != ProgressStatus.NOT_STARTED else "",
                summary=_summary(status),
                project_lineage=project.lineage,
                unit_path=project.lead_unit_path,
                plan_unit_path=project.plan_unit_path,
                created_by=reporters[project.lead_unit_id],  # type: ignore[index]
                updated_by=reporters[project.lead_unit_id],  # type: ignore[index]
            )
            plan = _workflow(rng, report, period, reporters, director)
            report.version = 1 + len(plan["steps"])
            reports.append(report)
            plans.append(plan)
        reports = insert(ProgressReport, reports, batch_size=2000)
        if kind == "Q1":
            q1_of = {r.project_lineage: r for r in reports}

        lines: list[ActivityProgress] = []
        results: list[IndicatorResult] = []
        problems: list[tuple[Problem, ProgressReport]] = []
        decisions: list[ReportDecision] = []
        reserved = (
            reserve_drafts_of.path if reserve_drafts_of is not None and kind == "Q2" else None
        )
        for report, plan in zip(reports, plans, strict=True):
            project = report.project
            reporter = reporters[project.lead_unit_id]  # type: ignore[index]
            stamp = {"created_by": reporter, "updated_by": reporter}
            submitted = report.state != State.DRAFT
            for activity in activities_of[project.pk]:
                lines.append(
                    ActivityProgress(
                        report=report,
                        activity=activity,
                        **_activity(rng, report, submitted),
                        **stamp,
                    )
                )
            indicator = indicator_of.get(project.pk)
            wants_result = (
                rng.random() < 0.95
                if submitted
                else rng.random() < size.draft_result_share
                and not (reserved and report.unit_path.startswith(reserved))
            )
            if indicator is not None and wants_result and (indicator.pk, kind) in targets:
                results.append(
                    _result(rng, report, indicator, targets[(indicator.pk, kind)], stamp)
                )
            carried = open_actions_of.get(project.lineage)
            behind = report.progress_status == ProgressStatus.BEHIND
            if (behind and not carried) or rng.random() < size.other_problem_share:
                category, description, cause = rng.choice(PROBLEMS)
                problems.append(
                    (
                        Problem(
                            report=report,
                            category=category,
                            description=description,
                            cause=cause,
                            **stamp,
                        ),
                        report,
                    )
                )
            for step, at, actor, comment in plan["steps"]:
                decisions.append(
                    ReportDecision(
                        report=report,
                        action=step,
                        comment=comment,
                        actor=actor,
                        at=at,
                        created_by=actor,
                        updated_by=actor,
                    )
                )
        insert(ActivityProgress, lines)
        insert(IndicatorResult, results)
        created = insert(Problem, [p for p, _r in problems])
        actions = []
        for problem, (_p, report) in zip(created, problems, strict=True):
            action = _action(rng, problem, report, period)
            actions.append(action)
        actions = insert(CorrectiveAction, actions)
        for action in actions:
            if action.status in CorrectiveAction.OPEN_STATUSES:
                open_actions_of[action.project_lineage].append(action)
        insert(ReportDecision, decisions)
        b.timed(f"reports {kind}", started)
    return BuiltMonitoring(
        periods=periods, reporters=reporters, counts=dict(b.counts), seconds=b.seconds
    )


def _target(indicator: Indicator, share: Decimal | int) -> Decimal:
    return (indicator.target_value * Decimal(share)).quantize(Decimal("1"))


def _percent(rng: random.Random, status: str, kind: str) -> Decimal:
    quarter = int(kind[1])
    if status == ProgressStatus.COMPLETED:
        return Decimal(100)
    if status in (ProgressStatus.NOT_STARTED, ProgressStatus.POSTPONED):
        return Decimal(0)
    if status == ProgressStatus.CANCELLED:
        return Decimal(rng.randrange(0, 30))
    if status == ProgressStatus.BEHIND:
        return Decimal(rng.randrange(5, 20 * quarter))
    return Decimal(rng.randrange(15 * quarter, min(95, 40 * quarter)))


def _summary(status: str) -> str:
    if status in (ProgressStatus.POSTPONED, ProgressStatus.CANCELLED):
        return "เลื่อนการดำเนินงานตามมติที่ประชุม เนื่องจากสถานการณ์ในพื้นที่"
    if status == ProgressStatus.NOT_STARTED:
        return ""
    return "ดำเนินกิจกรรมตามแผนที่กำหนด"


def _workflow(
    rng: random.Random,
    report: ProgressReport,
    period: ReportingPeriod,
    reporters: dict[int, User],
    director: User,
) -> dict[str, Any]:
    """Fill the workflow fields of the report's state and return its timeline steps (as the
    services would have written them)."""
    steps: list[tuple[str, datetime, User, str]] = []
    if report.state == State.DRAFT:
        return {"steps": steps}
    reporter = reporters[report.project.lead_unit_id]  # type: ignore[index]
    late = rng.random() < 0.18
    offset = rng.randrange(1, 21) if late else -rng.randrange(0, 20)
    first = _aware(period.due_on + timedelta(days=offset), rng)
    report.first_submitted_at = report.submitted_at = first
    report.submitted_by = reporter
    report.is_late = timezone.localdate(first) > period.due_on
    steps.append((Step.SUBMIT, first, reporter, ""))
    decided = first + timedelta(days=rng.randrange(1, 10), hours=rng.randrange(8))
    returned_first = report.state == State.RETURNED or rng.random() < 0.15
    if returned_first:
        report.return_comment = "กรุณาระบุผลผลิตให้ชัดเจนและแนบหลักฐาน"
        report.decided_at, report.decided_by = decided, director
        steps.append((Step.RETURN, decided, director, report.return_comment))
        if report.state == State.RETURNED:
            return {"steps": steps}
        again = decided + timedelta(days=rng.randrange(1, 7))
        report.submitted_at = again
        steps.append((Step.RESUBMIT, again, reporter, ""))
        decided = again + timedelta(days=rng.randrange(1, 7))
    if report.state == State.APPROVED:
        report.decided_at, report.decided_by = decided, director
        steps.append((Step.APPROVE, decided, director, ""))
    return {"steps": steps}


def _activity(rng: random.Random, report: ProgressReport, submitted: bool) -> dict[str, Any]:
    """An activity line that agrees with the report (every line has a status once submitted)."""
    status = report.progress_status
    if not submitted and rng.random() < 0.3:
        return {}
    if status == ProgressStatus.COMPLETED:
        line_status: str = ProgressStatus.COMPLETED
    elif status == ProgressStatus.ON_SCHEDULE:
        line_status = _pick(
            rng, [(ProgressStatus.ON_SCHEDULE, 70), (ProgressStatus.COMPLETED, 20), ("ns", 10)]
        )
        line_status = ProgressStatus.NOT_STARTED if line_status == "ns" else line_status
    elif status == ProgressStatus.BEHIND:
        line_status = _pick(
            rng,
            [
                (ProgressStatus.BEHIND, 60),
                (ProgressStatus.ON_SCHEDULE, 25),
                (ProgressStatus.NOT_STARTED, 15),
            ],
        )
    else:
        line_status = status
    percent = {
        str(ProgressStatus.COMPLETED): Decimal(100),
        str(ProgressStatus.NOT_STARTED): Decimal(0),
        str(ProgressStatus.POSTPONED): Decimal(0),
    }.get(line_status, Decimal(rng.randrange(5, 95)))
    started = report.period.starts_on + timedelta(days=rng.randrange(0, 40))
    return {
        "status": line_status,
        "percent_complete": percent,
        "actual_start": None if percent == 0 else started,
        "actual_end": started + timedelta(days=rng.randrange(1, 30))
        if line_status == ProgressStatus.COMPLETED
        else None,
    }


def _result(
    rng: random.Random,
    report: ProgressReport,
    indicator: Indicator,
    target: Decimal,
    stamp: dict[str, Any],
) -> IndicatorResult:
    """The quarter's result of the project's indicator, scored as ``result_record`` scores it
    (the generated indicators use the default rule: achieved or not)."""
    actual = (target * Decimal(rng.uniform(0.5, 1.3))).quantize(Decimal("1"), ROUND_HALF_UP)
    scored = scoring.evaluate(
        rule=indicator.scoring_rule,
        actual=actual,
        target=target,
        direction=indicator.direction,
    )
    strategy = report.project.strategy
    return IndicatorResult(
        indicator=indicator,
        period=report.period,
        report=report,
        actual_value=actual,
        measured_by=indicator.evaluator_person or "",
        method=indicator.collection_method,
        target_value=target,
        achieved=scored.achieved,
        score=scored.score.quantize(scoring.PLACES),
        percent_of_target=scored.percent_of_target,
        indicator_lineage=indicator.lineage,
        strategic_issue_id=strategy.strategic_issue_id if strategy is not None else None,
        unit_path=report.unit_path,
        plan_unit_path=report.plan_unit_path,
        **stamp,
    )


def _action(
    rng: random.Random, problem: Problem, report: ProgressReport, period: ReportingPeriod
) -> CorrectiveAction:
    status = _pick(
        rng,
        [
            (CorrectiveAction.Status.OPEN, 45),
            (CorrectiveAction.Status.IN_PROGRESS, 30),
            (CorrectiveAction.Status.DONE, 25),
        ],
    )
    due_on = period.ends_on + timedelta(days=rng.randrange(15, 120))
    return CorrectiveAction(
        problem=problem,
        description=rng.choice(ACTIONS),
        owner_name="หัวหน้าโครงการ",
        owner_unit_id=report.unit_id,
        due_on=due_on,
        status=status,
        done_on=due_on - timedelta(days=rng.randrange(0, 10))
        if status == CorrectiveAction.Status.DONE
        else None,
        result_note="ดำเนินการแล้ว" if status == CorrectiveAction.Status.DONE else "",
        project_lineage=report.project_lineage,
        unit_path=report.unit_path,
        created_by=problem.created_by,
        updated_by=problem.updated_by,
    )


__all__ = ["BuiltMonitoring", "MonitoringSize", "build_monitoring"]
