"""Access scenarios of every plans model (run by tests/test_access_matrix.py).

Rows live in a draft plan of ``home`` (school A2) with the school as every project's lead unit,
so a planner at province A is in scope and a planner at province B is not. Fiscal years are
global reference data: everyone reads them, and only planners or admins at a top-level unit
write them (``global_reference``: the matrix's tests at the end cover that case).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Model, QuerySet

from phaen.core.services import object_create
from phaen.core.testing import AccessScenario
from phaen.frameworks.models import FrameworkNode
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
    StrategicIssue,
    Strategy,
)
from phaen.plans.tests.factories import SmallPlan, add, fiscal_year, make_plan, small_plan

NEW_NAME = "แก้ไขในการทดสอบสิทธิ์"


class FiscalYearScenario(AccessScenario):
    model = FiscalYear
    ui_prefix = "plans:fiscalyear"
    api_path = "/api/v1/fiscal-years/"
    global_reference = True
    public = True

    def make(self) -> FiscalYear:
        return object_create(actor=None, instance=FiscalYear(year=2570))

    def ui_create_data(self) -> dict[str, Any]:
        return {"year": "2571", "is_open": "on", "note": "ปีใหม่"}

    def api_create_data(self) -> dict[str, Any]:
        return {"year": 2571, "note": "ปีใหม่"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"year": obj.year, "is_open": "on", "note": NEW_NAME, "version": obj.version}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"note": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[FiscalYear]:
        return FiscalYear.objects.filter(year=2571)

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.note == NEW_NAME)


class PlanScenario(AccessScenario):
    """Rows of a draft plan of ``home``; published rows would be public."""

    public = True
    #: The field that shows an update, and the model's text field for ``created()``.
    text_field = "title"

    @cached_property
    def plan(self) -> SmallPlan:
        return small_plan(self.home, self.home)

    @property
    def version(self) -> PlanVersion:
        return self.plan.version

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {self.text_field: NEW_NAME, "version": obj.version}

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(getattr(obj, self.text_field) == NEW_NAME)

    def created_with(self, model: type[Model], value: str) -> QuerySet[Any]:
        return model._default_manager.filter(**{self.text_field: value})


class ActionPlanScenario(PlanScenario):
    model = ActionPlan
    # The plan's page redirects to its current version's page, so the UI is not in the matrix.
    api_path = "/api/v1/plans/"
    # A plan is not deleted (its versions are records).
    api_actions = frozenset({"list", "detail", "create", "edit"})
    ui_actions = api_actions

    def make(self) -> ActionPlan:
        plan, _version = make_plan(self.home)
        return plan

    def ui_create_data(self) -> dict[str, Any]:
        year = fiscal_year(2562)
        return {"unit": self.home.pk, "fiscal_year": year.pk, "title": "แผนใหม่ในขอบเขต"}

    def api_create_data(self) -> dict[str, Any]:
        fiscal_year(2562)
        return {"unit": self.home.pk, "fiscal_year": 2562, "title": "แผนใหม่ในขอบเขต"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"title": NEW_NAME, "parent_plan": "", "version": obj.version}

    def created(self) -> QuerySet[Any]:
        return self.created_with(ActionPlan, "แผนใหม่ในขอบเขต")


class PlanVersionScenario(PlanScenario):
    model = PlanVersion
    api_path = "/api/v1/plan-versions/"
    # Versions come from creating a plan and from the revise action; they are not deleted.
    api_actions = frozenset({"list", "detail", "edit"})
    ui_actions = api_actions
    text_field = "vision"

    def make(self) -> PlanVersion:
        return self.version


class MissionScenario(PlanScenario):
    model = Mission
    api_path = "/api/v1/missions/"
    text_field = "text"

    def make(self) -> Mission:
        return add(Mission(plan_version=self.version, number=2, text="พันธกิจเดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"plan_version": self.version.pk, "number": 3, "text": "พันธกิจใหม่ในขอบเขต"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Mission, "พันธกิจใหม่ในขอบเขต")


class StrategicIssueScenario(PlanScenario):
    model = StrategicIssue
    api_path = "/api/v1/strategic-issues/"

    def make(self) -> StrategicIssue:
        return add(StrategicIssue(plan_version=self.version, number=2, title="ประเด็นเดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"plan_version": self.version.pk, "number": 3, "title": "ประเด็นใหม่ในขอบเขต"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(StrategicIssue, "ประเด็นใหม่ในขอบเขต")


class GoalScenario(PlanScenario):
    model = Goal
    api_path = "/api/v1/goals/"

    def make(self) -> Goal:
        return add(Goal(strategic_issue=self.plan.issue, number=2, title="เป้าประสงค์เดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": 3, "title": "เป้าประสงค์ใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Goal, "เป้าประสงค์ใหม่")


class StrategyScenario(PlanScenario):
    model = Strategy
    api_path = "/api/v1/strategies/"

    def make(self) -> Strategy:
        return add(Strategy(strategic_issue=self.plan.issue, number=2, title="กลยุทธ์เดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": 3, "title": "กลยุทธ์ใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Strategy, "กลยุทธ์ใหม่")


class IndicatorScenario(PlanScenario):
    model = Indicator
    api_path = "/api/v1/indicators/"
    text_field = "name"

    def make(self) -> Indicator:
        return add(
            Indicator(
                goal=self.plan.goal,
                number=2,
                name="ตัวชี้วัดเดิม",
                unit_of_measure="ร้อยละ",
                target_value=Decimal("80"),
            )
        )

    def api_create_data(self) -> dict[str, Any]:
        return {
            "goal": self.plan.goal.pk,
            "number": 3,
            "name": "ตัวชี้วัดใหม่",
            "unit_of_measure": "คน",
            "target_value": "100",
        }

    def created(self) -> QuerySet[Any]:
        return self.created_with(Indicator, "ตัวชี้วัดใหม่")


class IndicatorTargetScenario(PlanScenario):
    model = IndicatorTarget
    api_path = "/api/v1/indicator-targets/"

    def make(self) -> IndicatorTarget:
        return add(IndicatorTarget(indicator=self.plan.indicator, period="Q1", value=Decimal("70")))

    def api_create_data(self) -> dict[str, Any]:
        return {"indicator": self.plan.indicator.pk, "period": "Q3", "value": "78"}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"value": "71.5", "version": obj.version}

    def created(self) -> QuerySet[Any]:
        return IndicatorTarget.objects.filter(indicator=self.plan.indicator, period="Q3")

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.value == Decimal("71.5"))


class ScoringBandScenario(PlanScenario):
    model = ScoringBand
    api_path = "/api/v1/scoring-bands/"

    def make(self) -> ScoringBand:
        return add(ScoringBand(indicator=self.plan.indicator, level=2, threshold=Decimal("70")))

    def api_create_data(self) -> dict[str, Any]:
        return {"indicator": self.plan.indicator.pk, "level": 3, "threshold": "75"}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"threshold": "72", "version": obj.version}

    def created(self) -> QuerySet[Any]:
        return ScoringBand.objects.filter(indicator=self.plan.indicator, level=3)

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.threshold == Decimal("72"))


class MilestoneScenario(PlanScenario):
    model = Milestone
    api_path = "/api/v1/milestones/"
    text_field = "description"

    def make(self) -> Milestone:
        return add(Milestone(indicator=self.plan.indicator, step=1, description="ขั้นเดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"indicator": self.plan.indicator.pk, "step": 2, "description": "ขั้นใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Milestone, "ขั้นใหม่")


class ProjectScenario(PlanScenario):
    model = Project
    api_path = "/api/v1/projects/"
    text_field = "name"

    def make(self) -> Project:
        return add(
            Project(
                plan_version=self.version,
                code="P90",
                name="โครงการเดิม",
                start_month=date(2017, 10, 1),
                end_month=date(2018, 9, 1),
                budget=Decimal("1000.00"),
                lead_unit=self.home,
            )
        )

    def api_create_data(self) -> dict[str, Any]:
        return {
            "plan_version": self.version.pk,
            "strategy": self.plan.strategy.pk,
            "code": "P91",
            "name": "โครงการใหม่ในขอบเขต",
            "start_month": "2017-10-01",
            "end_month": "2018-09-01",
            "budget": "5000.00",
            "lead_unit": self.home.pk,
        }

    def created(self) -> QuerySet[Any]:
        return self.created_with(Project, "โครงการใหม่ในขอบเขต")


class ProjectOwnerScenario(PlanScenario):
    model = ProjectOwner
    api_path = "/api/v1/project-owners/"
    text_field = "role_description"

    def make(self) -> ProjectOwner:
        return add(
            ProjectOwner(
                project=self.plan.other_project,
                unit=self.world.group_a1,
                role=ProjectOwner.OwnerRole.SUPPORTER,
                role_description="หน้าที่เดิม",
            )
        )

    def api_create_data(self) -> dict[str, Any]:
        return {
            "project": self.plan.project.pk,
            "unit": self.world.group_a1.pk,
            "role": "co_owner",
            "role_description": "ร่วมจัดอบรม",
        }

    def created(self) -> QuerySet[Any]:
        return self.created_with(ProjectOwner, "ร่วมจัดอบรม")


class ActivityScenario(PlanScenario):
    model = Activity
    api_path = "/api/v1/activities/"
    text_field = "name"

    def make(self) -> Activity:
        return add(
            Activity(
                project=self.plan.project,
                number=2,
                name="กิจกรรมเดิม",
                start_month=date(2018, 4, 1),
                end_month=date(2018, 4, 1),
                budget=Decimal("1000.00"),
            )
        )

    def api_create_data(self) -> dict[str, Any]:
        return {
            "project": self.plan.project.pk,
            "number": 3,
            "name": "กิจกรรมใหม่ในขอบเขต",
            "start_month": "2018-05-01",
            "end_month": "2018-06-01",
            "budget": "2000.00",
        }

    def created(self) -> QuerySet[Any]:
        return self.created_with(Activity, "กิจกรรมใหม่ในขอบเขต")


class AlignmentLinkScenario(PlanScenario):
    model = AlignmentLink
    api_path = "/api/v1/alignment-links/"

    @cached_property
    def node(self) -> FrameworkNode:
        node = FrameworkNode.objects.filter(framework__owner=None).order_by("pk").first()
        assert node is not None, "the national frameworks are loaded by a migration"
        return node

    def make(self) -> AlignmentLink:
        return add(
            AlignmentLink(
                plan_version=self.version, node=self.node, strategic_issue=self.plan.issue
            )
        )

    def api_create_data(self) -> dict[str, Any]:
        return {"node": self.node.pk, "goal": self.plan.goal.pk, "is_primary": True}

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {"is_primary": True, "version": obj.version}

    def created(self) -> QuerySet[Any]:
        return AlignmentLink.objects.filter(goal=self.plan.goal)

    def changed(self, obj: Any) -> bool:
        obj.refresh_from_db()
        return bool(obj.is_primary)
