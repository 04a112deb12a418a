"""Access scenarios of every plans model (run by tests/test_access_matrix.py).

Rows live in a draft plan of ``home`` (school A2) with the school as every project's lead unit,
so a planner at province A is in scope and a planner at province B is not. Fiscal years are
global reference data: everyone reads them, and only planners or admins at a top-level unit
write them (``global_reference``: the matrix's tests at the end cover that case).

The UI pages are the real ones of phaen/plans/urls.py with the real forms: content is added
under a parent named in the query string (``?version=``, ``?issue=``, ``?goal=``,
``?project=``), which the add page looks up through ``restrict`` — so users who cannot see the
parent get 404 there. Content has no list pages; missions, project owners and alignment links
show on their parent's page (no detail page); quarterly targets, scoring bands and milestones
are edited inside the indicator form (no pages of their own: ``IndicatorScenario`` fills them).
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


class ContentScenario(PlanScenario):
    """Content of a plan version: added under a parent named in the add page's query string."""

    #: The add page's query-string parameter naming the parent (``?version=<id>``...).
    parent_param = "version"
    # The add page looks the parent up among what the user may see: 404 for no role and for
    # another province alike (GET and POST).
    ui_create_status_no_role = 404
    ui_create_status_out_of_scope = 404

    def parent(self) -> Model:
        """The row a new one is added under."""
        return self.version

    def ui_url(self, action: str, obj: Any = None) -> str:
        url = super().ui_url(action, obj)
        if action == "create":
            return f"{url}?{self.parent_param}={self.parent().pk}"
        return url


class ActionPlanScenario(PlanScenario):
    model = ActionPlan
    ui_prefix = "plans:actionplan"
    api_path = "/api/v1/plans/"
    # A plan is not deleted (its versions are records).
    api_actions = frozenset({"list", "detail", "create", "edit"})
    # The plan's own page only redirects to its current version's page (PlanVersionScenario).
    ui_actions = frozenset({"list", "create", "edit"})

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
    ui_prefix = "plans:planversion"
    api_path = "/api/v1/plan-versions/"
    # Versions come from creating a plan and from the revise action; they are not deleted.
    api_actions = frozenset({"list", "detail", "edit"})
    # The plan page and its edit page (vision, values, note); versions are listed by plan.
    ui_actions = frozenset({"detail", "edit"})
    text_field = "vision"

    def make(self) -> PlanVersion:
        return self.version

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"vision": NEW_NAME, "values": "ซื่อสัตย์", "note": "", "version": obj.version}


class MissionScenario(ContentScenario):
    model = Mission
    ui_prefix = "plans:mission"
    api_path = "/api/v1/missions/"
    # Missions show on the plan page: no list or detail page of their own.
    ui_actions = frozenset({"create", "edit", "delete"})
    text_field = "text"

    def make(self) -> Mission:
        return add(Mission(plan_version=self.version, number=2, text="พันธกิจเดิม"))

    def ui_create_data(self) -> dict[str, Any]:
        return {"number": "3", "text": "พันธกิจใหม่ในขอบเขต"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {"number": obj.number, "text": NEW_NAME, "version": obj.version}

    def api_create_data(self) -> dict[str, Any]:
        return {"plan_version": self.version.pk, "number": 3, "text": "พันธกิจใหม่ในขอบเขต"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Mission, "พันธกิจใหม่ในขอบเขต")


class StrategicIssueScenario(ContentScenario):
    model = StrategicIssue
    ui_prefix = "plans:strategicissue"
    api_path = "/api/v1/strategic-issues/"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})

    def make(self) -> StrategicIssue:
        return add(StrategicIssue(plan_version=self.version, number=2, title="ประเด็นเดิม"))

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "number": "3",
            "title": "ประเด็นใหม่ในขอบเขต",
            "description": "ยกระดับผลสัมฤทธิ์",
            "aligns_with": "",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "number": obj.number,
            "title": NEW_NAME,
            "description": "",
            "aligns_with": "",
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"plan_version": self.version.pk, "number": 3, "title": "ประเด็นใหม่ในขอบเขต"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(StrategicIssue, "ประเด็นใหม่ในขอบเขต")


class GoalScenario(ContentScenario):
    model = Goal
    ui_prefix = "plans:goal"
    api_path = "/api/v1/goals/"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})
    parent_param = "issue"

    def parent(self) -> Model:
        return self.plan.issue

    def make(self) -> Goal:
        return add(Goal(strategic_issue=self.plan.issue, number=2, title="เป้าประสงค์เดิม"))

    def ui_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": "3", "title": "เป้าประสงค์ใหม่"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "strategic_issue": obj.strategic_issue_id,
            "number": obj.number,
            "title": NEW_NAME,
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": 3, "title": "เป้าประสงค์ใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Goal, "เป้าประสงค์ใหม่")


class StrategyScenario(ContentScenario):
    model = Strategy
    ui_prefix = "plans:strategy"
    api_path = "/api/v1/strategies/"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})
    parent_param = "issue"

    def parent(self) -> Model:
        return self.plan.issue

    def make(self) -> Strategy:
        return add(Strategy(strategic_issue=self.plan.issue, number=2, title="กลยุทธ์เดิม"))

    def ui_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": "3", "title": "กลยุทธ์ใหม่"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "strategic_issue": obj.strategic_issue_id,
            "number": obj.number,
            "title": NEW_NAME,
            "version": obj.version,
        }

    def api_create_data(self) -> dict[str, Any]:
        return {"strategic_issue": self.plan.issue.pk, "number": 3, "title": "กลยุทธ์ใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Strategy, "กลยุทธ์ใหม่")


class IndicatorScenario(ContentScenario):
    """The KPI sheet, with its quarterly targets, scoring bands and milestone steps inline."""

    model = Indicator
    ui_prefix = "plans:indicator"
    api_path = "/api/v1/indicators/"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})
    parent_param = "goal"
    text_field = "name"

    def parent(self) -> Model:
        return self.plan.goal

    def sheet(self, **values: Any) -> dict[str, Any]:
        """Every field of the indicator form, including the inline targets, bands and steps."""
        return {
            "number": "3",
            "name": "ตัวชี้วัดใหม่",
            "definition": "นักเรียนที่ผ่านการประเมินการอ่าน",
            "unit_of_measure": "คน",
            "kind": "quantity",
            "direction": "higher",
            "baseline_value": "70",
            "baseline_year": "2560",
            "target_value": "100",
            "is_cumulative": "on",
            "formula": "นับจำนวน",
            "data_source": "แบบรายงาน",
            "collection_method": "สำรวจ",
            "evaluator_unit": self.home.pk,
            "evaluator_person": "กลุ่มนิเทศ",
            "frequency": "quarterly",
            "weight": "1",
            "scoring_rule": "bands",
            "target_q1": "25",
            "target_q2": "50",
            "target_q3": "75",
            "target_q4": "100",
            "band_1": "60",
            "band_2": "70",
            "band_3": "80",
            "band_4": "90",
            "band_5": "100",
            "milestones": "วางแผน\nดำเนินการ\nประเมินผล",
            **values,
        }

    def ui_create_data(self) -> dict[str, Any]:
        return self.sheet()

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return self.sheet(
            number=obj.number,
            name=NEW_NAME,
            unit_of_measure=obj.unit_of_measure,
            target_value="80",
            target_q4="80",
            scoring_rule="achieved",
            band_1="",
            band_2="",
            band_3="",
            band_4="",
            band_5="",
            milestones="",
            version=obj.version,
        )

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
    no_ui_reason = "no UI pages: quarterly targets are edited inside the indicator form"
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
    no_ui_reason = "no UI pages: scoring bands are edited inside the indicator form"
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
    no_ui_reason = "no UI pages: milestone steps are edited inside the indicator form"
    api_path = "/api/v1/milestones/"
    text_field = "description"

    def make(self) -> Milestone:
        return add(Milestone(indicator=self.plan.indicator, step=1, description="ขั้นเดิม"))

    def api_create_data(self) -> dict[str, Any]:
        return {"indicator": self.plan.indicator.pk, "step": 2, "description": "ขั้นใหม่"}

    def created(self) -> QuerySet[Any]:
        return self.created_with(Milestone, "ขั้นใหม่")


class ProjectScenario(ContentScenario):
    model = Project
    ui_prefix = "plans:project"
    api_path = "/api/v1/projects/"
    text_field = "name"

    def proposal(self, **values: Any) -> dict[str, Any]:
        """Every field of the project form."""
        return {
            "code": "P91",
            "name": "โครงการใหม่ในขอบเขต",
            "strategy": self.plan.strategy.pk,
            "status": "not_started",
            "rationale": "นักเรียนอ่านออกเขียนได้ยังไม่ครบ",
            "objectives": "เพื่อยกระดับการอ่าน",
            "quantitative_targets": "นักเรียน 100 คน",
            "qualitative_targets": "อ่านคล่อง",
            "target_group": "นักเรียนชั้นประถมศึกษา",
            "area": "โรงเรียน ก2",
            "start_month": "2017-10-01",
            "end_month": "2018-09-01",
            "budget": "5000",
            "expected_results": "นักเรียนอ่านออกเขียนได้",
            "risks": "ครูย้าย",
            "lead_unit": self.home.pk,
            "lead_role": "จัดอบรม",
            "responsible_name": "นางสาวทดสอบ ใจดี",
            "responsible_position": "ครู",
            "responsible_phone": "075-000000",
            "responsible_email": "test@example.go.th",
            **values,
        }

    def ui_create_data(self) -> dict[str, Any]:
        return self.proposal()

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return self.proposal(
            code=obj.code,
            name=NEW_NAME,
            strategy="",
            budget="1000",
            version=obj.version,
        )

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


class ProjectOwnerScenario(ContentScenario):
    model = ProjectOwner
    ui_prefix = "plans:projectowner"
    api_path = "/api/v1/project-owners/"
    # Owners show on their project's page: no list or detail page of their own.
    ui_actions = frozenset({"create", "edit", "delete"})
    parent_param = "project"
    text_field = "role_description"

    def parent(self) -> Model:
        return self.plan.project

    def ui_create_data(self) -> dict[str, Any]:
        return {"unit": self.world.group_a1.pk, "role": "co_owner", "role_description": "ร่วมจัดอบรม"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "unit": obj.unit_id,
            "role": obj.role,
            "role_description": NEW_NAME,
            "version": obj.version,
        }

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


class ActivityScenario(ContentScenario):
    model = Activity
    ui_prefix = "plans:activity"
    api_path = "/api/v1/activities/"
    ui_actions = frozenset({"detail", "create", "edit", "delete"})
    parent_param = "project"
    text_field = "name"

    def parent(self) -> Model:
        return self.plan.project

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "parent": "",
            "number": "3",
            "name": "กิจกรรมใหม่ในขอบเขต",
            "responsible_unit": self.home.pk,
            "start_month": "2018-05-01",
            "end_month": "2018-06-01",
            "budget": "2000",
        }

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "parent": "",
            "number": obj.number,
            "name": NEW_NAME,
            "responsible_unit": "",
            "start_month": obj.start_month.isoformat(),
            "end_month": obj.end_month.isoformat(),
            "budget": "1500",
            "version": obj.version,
        }

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


class AlignmentLinkScenario(ContentScenario):
    model = AlignmentLink
    ui_prefix = "plans:alignmentlink"
    api_path = "/api/v1/alignment-links/"
    # Links show on their subject's page: no list or detail page of their own.
    ui_actions = frozenset({"create", "edit", "delete"})
    parent_param = "goal"

    def parent(self) -> Model:
        return self.plan.goal

    def ui_create_data(self) -> dict[str, Any]:
        return {"framework": self.node.framework_id, "node": self.node.pk, "is_primary": "on"}

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        return {
            "framework": obj.node.framework_id,
            "node": obj.node_id,
            "is_primary": "on",
            "version": obj.version,
        }

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
