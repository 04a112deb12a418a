"""Load the demo data through the same services the UI uses (so it is audited like real data).

Every step is idempotent: rows are found by their code or user name (plans by their unit and
fiscal year) and created only when missing, so running ``load_demo`` twice changes nothing
the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from phaen.core.models import User
from phaen.core.services import object_create
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, PROVINCES, UNITS
from phaen.demo.plan_data import FISCAL_YEARS, PLAN_YEAR
from phaen.demo.plan_data.peo import PEO_PLAN
from phaen.demo.plan_data.school import SCHOOL_PLAN
from phaen.demo.plan_data.service_area import SERVICE_AREA_PLAN
from phaen.demo.plan_data.specs import (
    ActivitySpec,
    IndicatorSpec,
    IssueSpec,
    Link,
    PlanSpec,
    ProjectSpec,
    RevisionSpec,
    month,
)
from phaen.frameworks.models import FrameworkNode
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.services import membership_create, orgunit_create
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
from phaen.plans.selectors import current_version
from phaen.plans.services import (
    content_create,
    content_update,
    plan_create,
    version_approve,
    version_create_revision,
    version_publish,
    version_update,
)

DEMO_REASON = "ข้อมูลสาธิต"

# The agency plans, built after the PEO plan they align to.
AGENCY_PLANS: tuple[PlanSpec, ...] = (SERVICE_AREA_PLAN, SCHOOL_PLAN)


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + count


@transaction.atomic
def load_orgs(report: LoadReport) -> dict[str, OrgUnit]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[row[0] for row in UNITS])}
    for code, name, short_name, kind, affiliation, parent_code in UNITS:
        if code in units:
            continue
        parent = units[parent_code] if parent_code else None
        units[code] = orgunit_create(
            actor=None,
            instance=OrgUnit(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                affiliation=affiliation,
                parent=parent,
                province=PROVINCES.get(code, parent.province if parent else ""),
            ),
            reason="ข้อมูลสาธิต",
        )
        report.add("หน่วยงาน")
    return units


@transaction.atomic
def load_accounts(report: LoadReport, units: dict[str, OrgUnit]) -> None:
    for username, full_name, position, role, unit_code, superuser in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                position=position,
                email=f"{username}@demo.phaen.invalid",
                is_superuser=superuser,
                is_staff=superuser,
                is_demo_account=True,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            report.add("บัญชีสาธิต")
        unit = units[unit_code]
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            membership_create(
                actor=None, instance=Membership(user=user, unit=unit, role=role), reason="ข้อมูลสาธิต"
            )
            report.add("บทบาทของผู้ใช้")


# Plans ---------------------------------------------------------------------------------------


@transaction.atomic
def load_fiscal_years(report: LoadReport) -> dict[int, FiscalYear]:
    years = {
        fy.year: fy for fy in FiscalYear.objects.filter(year__in=[y for y, _o, _n in FISCAL_YEARS])
    }
    for year, is_open, note in FISCAL_YEARS:
        if year in years:
            continue
        years[year] = object_create(
            actor=None,
            instance=FiscalYear(year=year, is_open=is_open, note=note),
            reason=DEMO_REASON,
        )
        report.add("ปีงบประมาณ")
    return years


@transaction.atomic
def load_plans(report: LoadReport, units: dict[str, OrgUnit]) -> dict[str, ActionPlan]:
    """The PEO plan (two versions) and the agency plans linked to it, by unit code."""
    fiscal_year = load_fiscal_years(report)[PLAN_YEAR]
    nodes = {
        (node.framework.code, node.code): node
        for node in FrameworkNode.objects.select_related("framework")
    }
    plans = {PEO_PLAN.unit: load_plan(PEO_PLAN, report, units, fiscal_year, nodes)}
    for spec in AGENCY_PLANS:
        plans[spec.unit] = load_plan(
            spec, report, units, fiscal_year, nodes, parent=plans[spec.parent_unit]
        )
    return plans


@transaction.atomic
def load_plan(
    spec: PlanSpec,
    report: LoadReport,
    units: dict[str, OrgUnit],
    fiscal_year: FiscalYear,
    nodes: dict[tuple[str, str], FrameworkNode],
    *,
    parent: ActionPlan | None = None,
) -> ActionPlan:
    """One plan: version 1 built, approved (and published); then the revised version, if any."""
    unit = units[spec.unit]
    existing = ActionPlan.objects.filter(unit=unit, fiscal_year=fiscal_year).first()
    if existing is not None:
        return existing
    plan = plan_create(
        actor=None,
        instance=ActionPlan(
            unit=unit, fiscal_year=fiscal_year, title=spec.title, parent_plan=parent
        ),
        reason=DEMO_REASON,
    )
    report.add("แผนปฏิบัติการ")
    report.add("ฉบับของแผน")
    version = PlanVersion.objects.get(plan=plan, number=1)
    version.vision, version.values, version.note = spec.vision, spec.values, spec.note
    version = version_update(
        actor=None, instance=version, expected_version=version.version, reason=DEMO_REASON
    )
    parent_issues = _issues_by_number(parent)
    _ContentBuilder(version, units, nodes, report).build(spec, parent_issues)
    version = version_approve(
        actor=None, version=version, expected_version=None, note=spec.approval_note
    )
    if spec.publish:
        version = version_publish(actor=None, version=version, expected_version=None)
    if spec.revision is not None:
        _revise(version, spec.revision, report)
    return plan


def _issues_by_number(plan: ActionPlan | None) -> dict[int, StrategicIssue]:
    """The strategic issues of a plan's current version (what agency plans align to)."""
    version = current_version(plan) if plan is not None else None
    if version is None:
        return {}
    return {issue.number: issue for issue in StrategicIssue.objects.filter(plan_version=version)}


def _revise(source: PlanVersion, spec: RevisionSpec, report: LoadReport) -> PlanVersion:
    """A copy of ``source`` with the budget cuts of ``spec``, approved and published."""
    version = version_create_revision(actor=None, source=source, kind=spec.kind, note=spec.note)
    report.add("ฉบับของแผน")
    projects = {p.code: p for p in Project.objects.filter(plan_version=version)}
    activities = list(Activity.objects.filter(plan_version=version).select_related("project"))
    by_position: dict[tuple[int, int | None, int], Activity] = {
        (a.project_id, a.parent_id, a.number): a for a in activities
    }
    for cut in spec.cuts:
        project = projects[cut.project]
        for position, budget in cut.activities:
            activity = _activity_at(by_position, project, position)
            activity.budget = Decimal(budget)
            content_update(
                actor=None, instance=activity, expected_version=activity.version, reason=cut.reason
            )
        project.budget = Decimal(cut.budget)
        content_update(
            actor=None, instance=project, expected_version=project.version, reason=cut.reason
        )
    version = version_approve(
        actor=None, version=version, expected_version=None, note=spec.approval_note
    )
    return version_publish(actor=None, version=version, expected_version=None)


def _activity_at(
    by_position: dict[tuple[int, int | None, int], Activity], project: Project, position: str
) -> Activity:
    """The activity at ``position`` ("2", or "2.1" for the first sub-activity of the second)."""
    numbers = [int(number) for number in position.split(".")]
    activity = by_position[(project.pk, None, numbers[0])]
    for number in numbers[1:]:
        activity = by_position[(project.pk, activity.pk, number)]
    return activity


class _ContentBuilder:
    """Adds the content of a plan spec to a draft version, row by row through the services."""

    def __init__(
        self,
        version: PlanVersion,
        units: dict[str, OrgUnit],
        nodes: dict[tuple[str, str], FrameworkNode],
        report: LoadReport,
    ) -> None:
        self.version = version
        self.units = units
        self.nodes = nodes
        self.report = report

    def add(self, instance: Any, counted_as: str = "") -> Any:
        if counted_as:
            self.report.add(counted_as)
        return content_create(actor=None, instance=instance, reason=DEMO_REASON)

    def unit(self, code: str) -> OrgUnit | None:
        return self.units[code] if code else None

    def build(self, spec: PlanSpec, parent_issues: dict[int, StrategicIssue]) -> None:
        for number, text in enumerate(spec.missions, start=1):
            self.add(Mission(plan_version=self.version, number=number, text=text))
        for issue_spec in spec.issues:
            self.issue(issue_spec, parent_issues.get(issue_spec.aligns_with or 0))

    def issue(self, spec: IssueSpec, aligns_with: StrategicIssue | None) -> None:
        issue = self.add(
            StrategicIssue(
                plan_version=self.version,
                number=spec.number,
                title=spec.title,
                description=spec.description,
                aligns_with=aligns_with,
            )
        )
        self.links(spec.links, strategic_issue=issue)
        for goal_spec in spec.goals:
            goal = self.add(
                Goal(strategic_issue=issue, number=goal_spec.number, title=goal_spec.title)
            )
            self.links(goal_spec.links, goal=goal)
            for number, indicator_spec in enumerate(goal_spec.indicators, start=1):
                self.indicator(indicator_spec, number, goal=goal)
        for strategy_spec in spec.strategies:
            strategy = self.add(
                Strategy(
                    strategic_issue=issue, number=strategy_spec.number, title=strategy_spec.title
                )
            )
            for project_spec in strategy_spec.projects:
                self.project(project_spec, strategy)

    def links(self, links: tuple[Link, ...], **subject: Any) -> None:
        for link in links:
            self.add(
                AlignmentLink(
                    plan_version=self.version,
                    node=self.nodes[(link.framework, link.node)],
                    is_primary=link.primary,
                    **subject,
                ),
                counted_as="ความสอดคล้องกับกรอบ",
            )

    def indicator(self, spec: IndicatorSpec, number: int, **owner: Any) -> None:
        indicator = self.add(
            Indicator(
                number=number,
                name=spec.name,
                definition=spec.definition,
                unit_of_measure=spec.unit_of_measure,
                kind=spec.kind,
                direction=spec.direction,
                baseline_value=Decimal(spec.baseline) if spec.baseline is not None else None,
                baseline_year=spec.baseline_year,
                target_value=Decimal(spec.target),
                is_cumulative=spec.cumulative,
                formula=spec.formula,
                data_source=spec.data_source,
                collection_method=spec.collection_method,
                evaluator_unit=self.unit(spec.evaluator),
                evaluator_person=spec.evaluator_person,
                frequency=spec.frequency,
                weight=Decimal(spec.weight),
                scoring_rule=spec.scoring,
                **owner,
            ),
            counted_as="ตัวชี้วัด",
        )
        for quarter, value in enumerate(spec.quarters, start=1):
            if value is not None:
                self.add(
                    IndicatorTarget(indicator=indicator, period=f"Q{quarter}", value=Decimal(value))
                )
        for level, threshold in enumerate(spec.bands, start=1):
            self.add(ScoringBand(indicator=indicator, level=level, threshold=Decimal(threshold)))
        for step, description in enumerate(spec.milestones, start=1):
            self.add(Milestone(indicator=indicator, step=step, description=description))
        self.links(spec.links, indicator=indicator)

    def project(self, spec: ProjectSpec, strategy: Strategy) -> None:
        person = spec.responsible
        project = self.add(
            Project(
                plan_version=self.version,
                strategy=strategy,
                code=spec.code,
                name=spec.name,
                rationale=spec.rationale,
                objectives=spec.objectives,
                quantitative_targets=spec.quantitative_targets,
                qualitative_targets=spec.qualitative_targets,
                target_group=spec.target_group,
                area=spec.area,
                start_month=month(spec.start),
                end_month=month(spec.end),
                is_multi_year=spec.is_multi_year,
                budget=Decimal(spec.budget),
                expected_results=spec.expected_results,
                risks=spec.risks,
                lead_unit=self.units[spec.lead],
                lead_role=spec.lead_role,
                responsible_name=person.name,
                responsible_position=person.position,
                responsible_phone=person.phone,
                responsible_email=person.email,
            ),
            counted_as="โครงการ",
        )
        for owner in spec.owners:
            self.add(
                ProjectOwner(
                    project=project,
                    unit=self.units[owner.unit],
                    role=owner.role,
                    role_description=owner.description,
                )
            )
        self.activities(project, spec.activities, default_unit=spec.lead)
        for number, indicator_spec in enumerate(spec.indicators, start=1):
            self.indicator(indicator_spec, number, project=project)
        self.links(spec.links, project=project)

    def activities(
        self,
        project: Project,
        specs: tuple[ActivitySpec, ...],
        *,
        default_unit: str,
        parent: Activity | None = None,
    ) -> None:
        for number, spec in enumerate(specs, start=1):
            activity = self.add(
                Activity(
                    project=project,
                    parent=parent,
                    number=number,
                    name=spec.name,
                    responsible_unit=self.units[spec.unit or default_unit],
                    start_month=month(spec.start),
                    end_month=month(spec.end),
                    budget=Decimal(spec.budget),
                ),
                counted_as="กิจกรรม",
            )
            self.activities(project, spec.children, default_unit=default_unit, parent=activity)
