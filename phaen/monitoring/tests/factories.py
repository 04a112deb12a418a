"""Monitoring data for tests, built through the services (so every rule applies as in use).

``monitored_plan(world)`` is province A's FY2561 plan (``small_plan``) with a project indicator
for each scoring rule, a sub-activity, and a supporter in province B, approved so that its
projects must report. Periods are opened "today" with ``open_period`` because the real FY2561
dates lie in the past (every report would be past its lock date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from phaen.monitoring import services
from phaen.monitoring.models import (
    CorrectiveAction,
    IndicatorResult,
    Problem,
    ProgressReport,
    ReportingPeriod,
)
from phaen.plans.models import (
    Activity,
    Indicator,
    IndicatorTarget,
    Milestone,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
)
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import SmallPlan, add, fiscal_year, small_plan

D = Decimal


def period(kind: str = "Q2", year: int = 2561) -> ReportingPeriod:
    """A period of a fiscal year (created with the year by the monitoring hook)."""
    return ReportingPeriod.objects.select_related("fiscal_year").get(
        fiscal_year=fiscal_year(year), kind=kind
    )


def open_period(
    reporting_period: ReportingPeriod, *, due_in: int = 10, locks_in: int = 20
) -> ReportingPeriod:
    """Move a period's dates around today: open since a month, due in ``due_in`` days."""
    today = timezone.localdate()
    reporting_period.refresh_from_db()
    reporting_period.opens_on = today - timedelta(days=30)
    reporting_period.due_on = today + timedelta(days=due_in)
    reporting_period.locks_on = today + timedelta(days=locks_in)
    return services.period_update(
        actor=None, instance=reporting_period, expected_version=reporting_period.version
    )


def close_period(reporting_period: ReportingPeriod) -> ReportingPeriod:
    """A period whose due and lock dates have passed."""
    return open_period(reporting_period, due_in=-20, locks_in=-5)


@dataclass
class MonitoredPlan:
    small: SmallPlan
    project: Project  # P01, led by group A1; supported by school B1
    activity: Activity
    sub_activity: Activity
    achieved: Indicator  # project indicator, achieved/not, cumulative, higher is better
    bands: Indicator  # project indicator, 5-level bands, non-cumulative
    goal_indicator: Indicator  # the goal's indicator (targets Q2 75, Q4 80)

    @property
    def version(self) -> PlanVersion:
        return self.small.version


def project_indicator(project: Project, name: str, **fields: Any) -> Indicator:
    targets = fields.pop("targets", {})
    bands = fields.pop("bands", [])
    steps = fields.pop("steps", 0)
    fields.setdefault("unit_of_measure", "ร้อยละ")
    fields.setdefault("target_value", D("100"))
    indicator = add(Indicator(project=project, name=name, **fields))
    for kind, value in targets.items():
        add(IndicatorTarget(indicator=indicator, period=kind, value=D(value)))
    for level, threshold in bands:
        add(ScoringBand(indicator=indicator, level=level, threshold=D(threshold)))
    for step in range(1, steps + 1):
        add(Milestone(indicator=indicator, step=step, description=f"ขั้นที่ {step}"))
    return indicator


def monitored_plan(world: Any, *, approve: bool = True) -> MonitoredPlan:
    small = small_plan(world.province_a, world.group_a1)
    project = small.project
    sub = add(
        Activity(
            project=project,
            parent=small.activity,
            name="จัดซื้อหนังสือ",
            start_month=small.activity.start_month,
            end_month=small.activity.end_month,
            budget=D("10000.00"),
        )
    )
    achieved = project_indicator(
        project,
        "ร้อยละของโรงเรียนที่มีห้องสมุดมีชีวิต",
        targets={"Q1": "20", "Q2": "40", "Q3": "70", "Q4": "100"},
        target_value=D("100"),
        is_cumulative=True,
    )
    bands = project_indicator(
        project,
        "จำนวนครูที่ผ่านการอบรม",
        unit_of_measure="คน",
        targets={"Q1": "25", "Q2": "25", "Q3": "25", "Q4": "25"},
        target_value=D("100"),
        is_cumulative=False,
        scoring_rule=Indicator.ScoringRule.BANDS,
        bands=[(1, "5"), (2, "10"), (3, "15"), (4, "20"), (5, "25")],
    )
    add(ProjectOwner(project=project, unit=world.school_b1, role=ProjectOwner.OwnerRole.SUPPORTER))
    if approve:
        version_approve(actor=None, version=small.version, expected_version=None)
    return MonitoredPlan(small, project, small.activity, sub, achieved, bands, small.indicator)


def start(
    plan: MonitoredPlan, kind: str = "Q2", *, project: Project | None = None
) -> ProgressReport:
    """An open period's draft report of the plan's project (started by the system)."""
    return services.report_start(
        actor=None, project=project or plan.project, period=open_period(period(kind))
    )


def fill(report: ProgressReport, status: str = "on_schedule") -> ProgressReport:
    """Give every activity a status, so the report may be submitted."""
    for line in report.activity_progress.all():
        line.status = status
        services.activity_progress_update(actor=None, instance=line, expected_version=line.version)
    report.refresh_from_db()
    return report


def submitted(plan: MonitoredPlan, kind: str = "Q2") -> ProgressReport:
    report = fill(start(plan, kind))
    return services.report_submit(actor=None, report=report, expected_version=report.version)


def approved(plan: MonitoredPlan, kind: str = "Q2") -> ProgressReport:
    report = submitted(plan, kind)
    return services.report_approve(actor=None, report=report, expected_version=report.version)


def result(report: ProgressReport, indicator: Indicator, value: str) -> IndicatorResult:
    return services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=indicator, report=report, actual_value=D(value)),
    )


def problem_with_action(
    report: ProgressReport, *, due_on: date | None = None, description: str = "ครูไม่ว่างเข้ารับการอบรม"
) -> tuple[Problem, CorrectiveAction]:
    problem = services.problem_create(
        actor=None,
        instance=Problem(
            report=report, category=Problem.Category.PERSONNEL, description=description
        ),
    )
    action = services.corrective_action_create(
        actor=None,
        instance=CorrectiveAction(
            problem=problem,
            description="จัดอบรมออนไลน์เพิ่มเติม",
            owner_name="นางสาวครู ใจดี",
            due_on=due_on or timezone.localdate() + timedelta(days=30),
        ),
    )
    return problem, action
