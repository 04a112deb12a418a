"""Load the demo data through the same services the UI uses (so it is audited like real data).

Every step is idempotent: rows are found by their code or user name (plans by their unit and
fiscal year, the budget by the PEO's FY2561 envelope) and created only when missing, so running
``load_demo`` twice changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from phaen.budget.models import (
    Allocation,
    BudgetTransfer,
    Commitment,
    Disbursement,
    ExpenseCategory,
    FundSource,
)
from phaen.budget.services import (
    allocation_create,
    commitment_create,
    disbursement_create,
    spending_plan_set,
    spread_by_activities,
    transfer_approve,
    transfer_request,
    year_end_close,
)
from phaen.core.access import can
from phaen.core.models import User
from phaen.core.services import object_create
from phaen.core.trees import path_ids
from phaen.demo.budget_data import BUDGET_YEAR
from phaen.demo.budget_data import peo as peo_budget
from phaen.demo.budget_data import service_area as service_area_budget
from phaen.demo.budget_data import specs as budget_specs
from phaen.demo.monitoring_data.build import load_monitoring
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, PEO, PROVINCES, UNITS
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


def demo_user(username: str, action: str, obj: models.Model) -> User | None:
    """The demo account that signs a decision (approvals show a name, not "–"), when it exists
    (``--no-accounts`` loads none) and may take that decision; otherwise the system (None)."""
    user = User.objects.filter(username=username, is_demo_account=True).first()
    return user if user is not None and can(user, action, obj) else None


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
        actor=demo_user("director", "approve", version),
        version=version,
        expected_version=None,
        note=spec.approval_note,
    )
    if spec.publish:
        version = version_publish(
            actor=demo_user("planner", "publish", version), version=version, expected_version=None
        )
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
        actor=demo_user("director", "approve", version),
        version=version,
        expected_version=None,
        note=spec.approval_note,
    )
    return version_publish(
        actor=demo_user("planner", "publish", version), version=version, expected_version=None
    )


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


# Budget --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Registers:
    """How an office numbers its orders, contracts and disbursements (per fiscal year)."""

    order: str
    contract: str
    disbursement: str


@dataclass
class _Leaf:
    """A leaf allocation and what the data spends on it."""

    allocation: Allocation
    records: tuple[budget_specs.Record, ...]


@dataclass
class _Payment:
    """A disbursement to record: against an order (``commitment``) or directly."""

    date: date
    position: int  # of the leaf in the data, to keep the order of same-day payments stable
    allocation: Allocation
    commitment: Commitment | None
    amount: Decimal
    description: str


def load_budget(report: LoadReport, units: dict[str, OrgUnit]) -> None:
    """The FY2561 budget (``load_budget_records``), then the FY2561 monitoring and evaluation
    of the demo plans (``phaen.demo.monitoring_data``); each part skips what is loaded."""
    load_budget_records(report, units)
    load_monitoring(report, units, demo_user)


@transaction.atomic
def load_budget_records(report: LoadReport, units: dict[str, OrgUnit]) -> None:
    """The FY2561 budget of the PEO and of สพป.นศ. เขต 1: allocated, planned, transferred, spent
    and closed, and the carried-over contract paid in FY2562. Skipped when the PEO already has a
    FY2561 envelope (the budget is loaded in one transaction, so it is all there or not at all)."""
    fiscal_year = FiscalYear.objects.get(year=BUDGET_YEAR)
    if Allocation.objects.filter(fiscal_year=fiscal_year, unit=units[PEO], parent=None).exists():
        return
    builder = _BudgetBuilder(fiscal_year, units, report)

    peo_projects = builder.projects(PEO)
    envelopes = {spec.category: builder.envelope(spec) for spec in peo_budget.ENVELOPES}
    peo_allocations = builder.allocate_projects(peo_budget.PROJECTS, peo_projects, envelopes)
    peo_leaves = builder.leaves(peo_budget.PROJECTS, peo_projects, peo_allocations)
    peo_leaves += [
        _Leaf(builder.equipment(spec, envelopes["investment"]), spec.spending)
        for spec in peo_budget.EQUIPMENT
    ]

    agency_projects = builder.projects(service_area_budget.SERVICE_AREA)
    agency_envelope = builder.envelope(service_area_budget.ENVELOPE)
    agency_allocations = builder.allocate_projects(
        service_area_budget.PROJECTS, agency_projects, {"operating": agency_envelope}
    )
    agency_leaves = builder.leaves(
        service_area_budget.PROJECTS, agency_projects, agency_allocations
    )

    for transfer in peo_budget.TRANSFERS:
        builder.transfer(transfer, peo_allocations)
    builder.plan_all()
    builder.record(
        peo_leaves,
        _Registers(
            peo_budget.ORDER_NUMBER, peo_budget.CONTRACT_NUMBER, peo_budget.DISBURSEMENT_NUMBER
        ),
    )
    builder.record(
        agency_leaves,
        _Registers(
            service_area_budget.ORDER_NUMBER,
            service_area_budget.CONTRACT_NUMBER,
            service_area_budget.DISBURSEMENT_NUMBER,
        ),
    )
    builder.close_year(units[PEO])


class _BudgetBuilder:
    """Allocates, plans, records and closes the demo budget through the budget services."""

    def __init__(
        self, fiscal_year: FiscalYear, units: dict[str, OrgUnit], report: LoadReport
    ) -> None:
        self.fiscal_year = fiscal_year
        self.units = units
        self.report = report
        self.funds = {fund.code: fund for fund in FundSource.objects.all()}
        self.categories = {
            category.code: category for category in ExpenseCategory.objects.select_related("parent")
        }
        self.units_by_pk = {unit.pk: unit for unit in units.values()}
        self.allocations: dict[int, Allocation] = {}
        self.planned_months: dict[int, date] = {}  # equipment: the month it is planned to be paid

    # Allocations

    def projects(self, unit_code: str) -> dict[str, Project]:
        """The projects of a unit's current plan version, by code."""
        plan = ActionPlan.objects.get(unit=self.units[unit_code], fiscal_year=self.fiscal_year)
        version = current_version(plan)
        projects = Project.objects.filter(plan_version=version).select_related("lead_unit")
        return {project.code: project for project in projects}

    def allocate(self, instance: Allocation, *, note: str = "") -> Allocation:
        instance.fiscal_year = self.fiscal_year
        instance.note = note or instance.note
        created = allocation_create(actor=None, instance=instance, reason=DEMO_REASON)
        self.allocations[created.pk] = created
        self.report.add("การจัดสรรงบประมาณ")
        return created

    def envelope(self, spec: budget_specs.EnvelopeSpec) -> Allocation:
        return self.allocate(
            Allocation(
                fund_source=self.funds[spec.fund],
                category=self.categories[spec.category],
                unit=self.units[spec.unit],
                amount=budget_specs.baht(spec.amount),
            ),
            note=spec.note,
        )

    def allocate_projects(
        self,
        specs: tuple[budget_specs.ProjectMoneySpec, ...],
        projects: dict[str, Project],
        envelopes: dict[str, Allocation],
    ) -> dict[str, Allocation]:
        """Each project's allocation (its budget in the plan), through its lead unit's share of
        the envelope when the lead unit is below the envelope's unit (a work group)."""
        shares: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        for spec in specs:
            project = projects[spec.code]
            shares[(spec.category, project.lead_unit_id)] += project.budget  # type: ignore[index]
        parents: dict[tuple[str, int], Allocation] = {}
        for (category, unit_id), amount in sorted(shares.items(), key=lambda s: (s[0][0], s[0][1])):
            envelope = envelopes[category]
            if unit_id == envelope.unit_id:
                parents[(category, unit_id)] = envelope
                continue
            parents[(category, unit_id)] = self.allocate(
                Allocation(
                    fund_source=envelope.fund_source,
                    category=envelope.category,
                    unit=self.units_by_pk[unit_id],
                    parent=envelope,
                    amount=amount,
                )
            )
        allocations = {}
        for spec in specs:
            project = projects[spec.code]
            parent = parents[(spec.category, project.lead_unit_id)]  # type: ignore[index]
            allocations[spec.code] = self.allocate(
                Allocation(
                    fund_source=parent.fund_source,
                    category=parent.category,
                    unit=project.lead_unit,
                    parent=parent,
                    project=project,
                    amount=project.budget,
                )
            )
        return allocations

    def leaves(
        self,
        specs: tuple[budget_specs.ProjectMoneySpec, ...],
        projects: dict[str, Project],
        allocations: dict[str, Allocation],
    ) -> list[_Leaf]:
        """The allocations spending is recorded on: the project's own, or one per top-level
        activity (by the activity's budget) when the project is allocated down to them."""
        leaves = []
        activities: dict[int, list[Activity]] = defaultdict(list)
        for activity in Activity.objects.filter(
            project__in=[projects[spec.code] for spec in specs], parent=None
        ).order_by("number"):
            activities[activity.project_id].append(activity)
        for spec in specs:
            project = projects[spec.code]
            allocation = allocations[spec.code]
            if not spec.to_activities:
                (only,) = spec.spending
                leaves.append(_Leaf(allocation, only.records))
                continue
            if sum((a.budget for a in activities[project.pk]), Decimal(0)) != project.budget:
                raise ValueError(f"{spec.code}: activities do not add up to the project's budget")
            spending = {int(leaf.activity): leaf for leaf in spec.spending}
            for activity in activities[project.pk]:
                leaf = spending.get(activity.number, budget_specs.Leaf(str(activity.number), ()))
                category = self.categories[leaf.category] if leaf.category else allocation.category
                activity.project = project
                child = self.allocate(
                    Allocation(
                        fund_source=allocation.fund_source,
                        category=category,
                        unit=project.lead_unit,
                        parent=allocation,
                        project=project,
                        activity=activity,
                        amount=activity.budget,
                    )
                )
                leaves.append(_Leaf(child, leaf.records))
        return leaves

    def equipment(self, spec: budget_specs.EquipmentSpec, envelope: Allocation) -> Allocation:
        allocation = self.allocate(
            Allocation(
                fund_source=envelope.fund_source,
                category=self.categories[spec.category],
                unit=self.units[spec.unit],
                parent=envelope,
                amount=budget_specs.baht(spec.amount),
            ),
            note=spec.name,
        )
        self.planned_months[allocation.pk] = month(spec.planned)
        return allocation

    # Transfers and spending plans

    def transfer(self, spec: budget_specs.TransferSpec, allocations: dict[str, Allocation]) -> None:
        """Request a transfer between two projects' allocations; approve it when the data says
        who approved it."""
        transfer = transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=allocations[spec.source],
                target=allocations[spec.target],
                amount=budget_specs.baht(spec.amount),
                reason=spec.reason,
            ),
        )
        self.report.add("การโอนเปลี่ยนแปลงงบประมาณ")
        if spec.decision_note:
            transfer_approve(
                actor=demo_user("director", "approve", transfer),
                transfer=transfer,
                expected_version=None,
                note=spec.decision_note,
            )

    def plan_all(self) -> None:
        """A monthly spending plan for every allocation above the activities, bottom-up and after
        the transfers: a project's follows its activities' months, a piece of equipment is paid
        in its planned month, a work group's and an envelope's add up their children's — so the
        plans add up exactly at every unit the money enters."""
        allocations = Allocation.objects.filter(
            pk__in=list(self.allocations), activity=None
        ).select_related("fiscal_year", "project")
        children: dict[int, list[int]] = defaultdict(list)
        for allocation in allocations:
            if allocation.parent_id is not None:
                children[allocation.parent_id].append(allocation.pk)
        plans: dict[int, dict[date, Decimal]] = {}
        for allocation in sorted(allocations, key=lambda a: -len(path_ids(a.tree_path))):
            if allocation.project_id:
                months = spread_by_activities(allocation)
            elif allocation.pk in self.planned_months:
                months = {self.planned_months[allocation.pk]: allocation.amount}
            else:
                months = defaultdict(Decimal)
                for child_id in children[allocation.pk]:
                    for month_start, amount in plans[child_id].items():
                        months[month_start] += amount
            plans[allocation.pk] = dict(months)
            lines = spending_plan_set(
                actor=None, allocation=allocation, amounts=months, reason=DEMO_REASON
            )
            self.report.add("แผนการใช้จ่ายรายเดือน", len(lines))

    # Commitments and disbursements

    def record(self, leaves: list[_Leaf], registers: _Registers) -> None:
        """Orders and contracts first (numbered in date order), then every payment in date order,
        against its order or directly."""
        year = self.fiscal_year.year
        orders = sorted(
            (
                (budget_specs.day(record.date), position, leaf.allocation, record)
                for position, leaf in enumerate(leaves)
                for record in leaf.records
                if isinstance(record, budget_specs.Order)
            ),
            key=lambda row: (row[0], row[1]),
        )
        payments: list[_Payment] = []
        numbers = {False: 0, True: 0}
        for order_date, position, allocation, spec in orders:
            numbers[spec.contract] += 1
            template = registers.contract if spec.contract else registers.order
            commitment = commitment_create(
                actor=None,
                instance=Commitment(
                    allocation=allocation,
                    date=order_date,
                    document_number=template.format(year=year, number=numbers[spec.contract]),
                    amount=budget_specs.baht(spec.amount),
                    counterpart=spec.counterpart,
                    description=spec.description,
                ),
                reason=DEMO_REASON,
            )
            self.report.add("การก่อหนี้ผูกพัน")
            payments += [
                _Payment(
                    budget_specs.day(paid_on),
                    position,
                    allocation,
                    commitment,
                    budget_specs.baht(amount),
                    spec.description,
                )
                for paid_on, amount in spec.payments
            ]
        payments += [
            _Payment(
                budget_specs.day(record.date),
                position,
                leaf.allocation,
                None,
                budget_specs.baht(record.amount),
                record.description,
            )
            for position, leaf in enumerate(leaves)
            for record in leaf.records
            if isinstance(record, budget_specs.Payment)
        ]
        payments.sort(key=lambda payment: (payment.date, payment.position, payment.description))
        for number, payment in enumerate(payments, start=1):
            self.disburse(payment, registers.disbursement.format(year=year, number=number))

    def disburse(self, payment: _Payment, document_number: str) -> None:
        disbursement_create(
            actor=None,
            instance=Disbursement(
                allocation=payment.allocation,
                commitment=payment.commitment,
                date=payment.date,
                document_number=document_number,
                amount=payment.amount,
                description=payment.description,
            ),
            reason=DEMO_REASON,
        )
        self.report.add("การเบิกจ่าย")

    # Year end

    def close_year(self, unit: OrgUnit) -> None:
        """Close FY2561 (carry-over and lapse), then pay the carried-over contract in FY2562."""
        result = year_end_close(
            actor=None, unit=unit, fiscal_year=self.fiscal_year, reason=peo_budget.YEAR_END_REASON
        )
        (carry_over,) = result.carried  # the data leaves exactly one contract open
        self.report.add("เงินกันไว้เบิกเหลื่อมปี")
        self.report.add("เงินพับสิ้นปีงบประมาณ", len(result.lapsed))
        # The carry-over is a new envelope and commitment in the next fiscal year.
        self.report.add("การจัดสรรงบประมาณ")
        self.report.add("การก่อหนี้ผูกพัน")
        commitment = Commitment.objects.select_related("allocation").get(
            pk=carry_over.new_commitment_id
        )
        next_year = self.fiscal_year.year + 1
        for number, (paid_on, amount, text) in enumerate(peo_budget.CARRIED_PAYMENTS, start=1):
            self.disburse(
                _Payment(
                    budget_specs.day(paid_on),
                    0,
                    commitment.allocation,
                    commitment,
                    budget_specs.baht(amount),
                    text,
                ),
                peo_budget.DISBURSEMENT_NUMBER.format(year=next_year, number=number),
            )
