"""Building plans for tests through the services (so every rule applies as in real use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from phaen.frameworks.models import FrameworkNode
from phaen.orgs.models import OrgUnit
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
    StrategicIssue,
    Strategy,
)
from phaen.plans.services import content_create, plan_create


def fiscal_year(year: int = 2561, *, is_open: bool = True) -> FiscalYear:
    found, _created = FiscalYear.objects.get_or_create(year=year, defaults={"is_open": is_open})
    return found


def make_plan(
    unit: OrgUnit, year: int = 2561, title: str = "แผนทดสอบ"
) -> tuple[ActionPlan, PlanVersion]:
    plan = plan_create(
        actor=None, instance=ActionPlan(unit=unit, fiscal_year=fiscal_year(year), title=title)
    )
    return plan, PlanVersion.objects.get(plan=plan, number=1)


def add(instance: Any) -> Any:
    return content_create(actor=None, instance=instance)


@dataclass
class SmallPlan:
    """One issue, one goal with an indicator, one strategy, two projects with activities."""

    plan: ActionPlan
    version: PlanVersion
    issue: StrategicIssue
    goal: Goal
    indicator: Indicator
    strategy: Strategy
    project: Project
    other_project: Project
    activity: Activity


def small_plan(unit: OrgUnit, lead: OrgUnit, *, year: int = 2561) -> SmallPlan:
    plan, version = make_plan(unit, year)
    add(Mission(plan_version=version, number=1, text="จัดการศึกษาให้ทั่วถึง"))
    issue = add(StrategicIssue(plan_version=version, number=1, title="พัฒนาคุณภาพการศึกษา"))
    goal = add(Goal(strategic_issue=issue, number=1, title="ผู้เรียนมีคุณภาพ"))
    indicator = add(
        Indicator(
            goal=goal,
            name="ร้อยละของผู้เรียนที่อ่านออกเขียนได้",
            unit_of_measure="ร้อยละ",
            baseline_value=Decimal("70"),
            baseline_year=2560,
            target_value=Decimal("80"),
        )
    )
    for period, value in (("Q2", "75"), ("Q4", "80")):
        add(IndicatorTarget(indicator=indicator, period=period, value=Decimal(value)))
    add(ScoringBand(indicator=indicator, level=1, threshold=Decimal("60")))
    strategy = add(Strategy(strategic_issue=issue, number=1, title="ส่งเสริมการอ่าน"))
    start, end = date(year - 544, 10, 1), date(year - 543, 9, 1)
    project = add(
        Project(
            plan_version=version,
            strategy=strategy,
            code="P01",
            name="โครงการส่งเสริมการอ่าน",
            start_month=start,
            end_month=end,
            budget=Decimal("100000.00"),
            lead_unit=lead,
        )
    )
    other = add(
        Project(
            plan_version=version,
            strategy=strategy,
            code="P02",
            name="โครงการพัฒนาครู",
            start_month=start,
            end_month=end,
            budget=Decimal("50000.50"),
            lead_unit=lead,
        )
    )
    activity = add(
        Activity(
            project=project,
            name="อบรมครูบรรณารักษ์",
            start_month=date(year - 543, 1, 1),
            end_month=date(year - 543, 3, 1),
            budget=Decimal("60000.00"),
        )
    )
    add(ProjectOwner(project=project, unit=unit, role=ProjectOwner.OwnerRole.CO_OWNER))
    return SmallPlan(plan, version, issue, goal, indicator, strategy, project, other, activity)


def link(
    version: PlanVersion, node: FrameworkNode, *, primary: bool = False, **subject: Any
) -> AlignmentLink:
    return add(AlignmentLink(plan_version=version, node=node, is_primary=primary, **subject))
