"""manage.py load_demo: idempotent, refuses demo accounts outside a demo database, accounts work,
the demo plans (the PEO's FY2561 plan in two versions and two agency plans) obey every rule, and
the demo budget tells the story its data module promises, figure by figure.

Loading the plans takes a few seconds, so the tests about organisations and accounts load
with ``--no-plans`` and the plan and budget tests share one load per class (rolled back
afterwards). Expected figures are computed from the data modules or written down from the budget
data's docstring, and recomputed here from the base tables, not taken from the code under test.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client

from phaen.budget import rollups
from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetRollup,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    Lapse,
    SpendingPlanLine,
)
from phaen.budget.selectors import projects_efficiency, unit_overview
from phaen.core.access import Action, Role
from phaen.core.models import AuditEvent, User
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, DEMO_SCHOOL, PEO, UNITS
from phaen.demo.plan_data import FISCAL_YEARS, PLAN_YEAR
from phaen.demo.plan_data.peo import PEO_PLAN
from phaen.demo.plan_data.school import SCHOOL_PLAN
from phaen.demo.plan_data.service_area import SERVICE_AREA_PLAN
from phaen.demo.plan_data.specs import Link
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.monitoring import services as monitoring
from phaen.monitoring.models import (
    ActivityProgress,
    CorrectiveAction,
    Evaluation,
    Evidence,
    IndicatorResult,
    LateEntryException,
    LessonLearned,
    Problem,
    ProgressReport,
    ReportDecision,
    ReportingPeriod,
)
from phaen.monitoring.selectors import current_settled_versions
from phaen.orgs.models import Membership, OrgUnit, child_path
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
from phaen.plans.selectors import alignment_report, current_version, gap_analysis, plan_outline
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db

FY = FiscalPeriod(PLAN_YEAR)
PLAN_MODELS = (
    FiscalYear,
    ActionPlan,
    PlanVersion,
    Mission,
    StrategicIssue,
    Goal,
    Strategy,
    Project,
    ProjectOwner,
    Activity,
    Indicator,
    IndicatorTarget,
    ScoringBand,
    Milestone,
    AlignmentLink,
)


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


BUDGET_MODELS = (
    Allocation,
    SpendingPlanLine,
    Commitment,
    Disbursement,
    BudgetTransfer,
    CarryOver,
    Lapse,
    BudgetRollup,
    BudgetMonthRollup,
)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, User, Membership, AuditEvent, *PLAN_MODELS, *BUDGET_MODELS)
    }


def test_loading_twice_adds_nothing_the_second_time():
    first = load("--no-plans")
    assert "Demo data loaded" in first
    after_first = counts()
    assert after_first["OrgUnit"] == len(UNITS)
    assert after_first["User"] == len(ACCOUNTS)
    assert after_first["Membership"] == len(ACCOUNTS)
    assert after_first["FiscalYear"] == len(FISCAL_YEARS)
    assert after_first["ActionPlan"] == 0
    assert after_first["Allocation"] == 0  # no plans, no budget
    second = load("--no-plans")
    assert "Demo data already present; nothing to add." in second
    assert counts() == after_first


def test_the_tree_is_built_with_paths_and_audited():
    load("--no-accounts", "--no-plans")
    peo = OrgUnit.objects.get(code=PEO)
    school = OrgUnit.objects.get(code=DEMO_SCHOOL)
    assert school.path.startswith(peo.path)
    assert school.depth == len(school.ancestor_ids())
    for unit in OrgUnit.objects.select_related("parent"):
        expected = child_path(unit.parent.path if unit.parent else None, unit.pk)
        assert unit.path == expected, unit.code
    assert AuditEvent.objects.filter(
        action="orgs.orgunit.created", reason="ข้อมูลสาธิต"
    ).count() == len(UNITS)


def test_demo_accounts_are_refused_when_phaen_demo_is_off(settings):
    settings.PHAEN_DEMO = False
    with pytest.raises(CommandError, match="Refusing to create the demo accounts"):
        load()
    assert not any(counts().values())


def test_force_demo_accounts_overrides_the_refusal(settings):
    settings.PHAEN_DEMO = False
    output = load("--force-demo-accounts", "--no-plans")
    assert User.objects.count() == len(ACCOUNTS)
    assert "Demo accounts (password phaen-demo)" in output


def test_no_accounts_loads_the_data_only(settings):
    settings.PHAEN_DEMO = False
    output = load("--no-accounts", "--no-plans")
    assert OrgUnit.objects.count() == len(UNITS)
    assert FiscalYear.objects.count() == len(FISCAL_YEARS)
    assert not ActionPlan.objects.exists()
    assert not User.objects.exists()
    assert "Demo accounts" not in output


def test_accounts_added_to_data_loaded_earlier():
    load("--no-accounts", "--no-plans")
    units = OrgUnit.objects.count()
    load("--no-plans")
    assert OrgUnit.objects.count() == units
    assert User.objects.count() == len(ACCOUNTS)


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_every_demo_account_logs_in_with_the_demo_password(username):
    load("--no-plans")
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    assert client.get("/").status_code == 200


def test_the_demo_accounts_hold_their_roles():
    load("--no-plans")
    roles = {
        (membership.user.username, membership.role, membership.unit.code)
        for membership in Membership.objects.select_related("user", "unit")
    }
    assert roles == {(account[0], account[3], account[4]) for account in ACCOUNTS}
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="planner").is_superuser


def test_the_school_account_sees_exactly_its_school():
    load("--no-plans")
    school_user = User.objects.get(username="school")
    visible = OrgUnit.objects.restrict(school_user, Action.VIEW)
    assert list(visible.values_list("code", flat=True)) == [DEMO_SCHOOL]
    assert not OrgUnit.objects.restrict(school_user, Action.CHANGE).exists()


def test_the_planner_manages_the_whole_province():
    load("--no-plans")
    planner = User.objects.get(username="planner")
    peo = OrgUnit.objects.get(code=PEO)
    changeable = OrgUnit.objects.restrict(planner, Action.CHANGE)
    assert changeable.count() == OrgUnit.objects.filter(path__startswith=peo.path).count()
    assert not changeable.filter(code="MOE").exists()
    assert planner.memberships.get().role == Role.PLANNER


# The demo plans -------------------------------------------------------------------------------

WORK_GROUPS = [code for code, *_rest in UNITS if code.startswith(f"{PEO}-WG")]


def revised_budgets() -> dict[str, Decimal]:
    """Project budgets of the PEO plan's revised version, from the data modules."""
    budgets = {project.code: Decimal(project.budget) for project in PEO_PLAN.projects}
    assert PEO_PLAN.revision is not None
    for cut in PEO_PLAN.revision.cuts:
        budgets[cut.project] = Decimal(cut.budget)
    return budgets


def all_links() -> list[Link]:
    """Every alignment link of the PEO plan's data (issues, goals, indicators, projects)."""
    links: list[Link] = []
    for issue in PEO_PLAN.issues:
        links += issue.links
        for goal in issue.goals:
            links += goal.links
            for indicator in goal.indicators:
                links += indicator.links
    for spec in PEO_PLAN.projects:
        links += spec.links
        for indicator in spec.indicators:
            links += indicator.links
    return links


def top_code(code: str) -> str:
    return code.split(".")[0]


def expected_alignment(framework: str) -> tuple[dict[str, Decimal], list[str]]:
    """Budget per top-level node and the unserved nodes, worked out from the data modules.

    A project counts once per framework, at its link to that framework (the primary one if it
    has several); a node is served when anything links to it or below it.
    """
    budgets = revised_budgets()
    per_node: dict[str, Decimal] = defaultdict(Decimal)
    for project in PEO_PLAN.projects:
        links = [link for link in project.links if link.framework == framework]
        if links:
            counted = next((link for link in links if link.primary), links[0])
            per_node[top_code(counted.node)] += budgets[project.code]
    served = set()
    for link in all_links():
        if link.framework == framework:
            served |= {link.node, top_code(link.node)}
    nodes = FrameworkNode.objects.filter(framework__code=framework).order_by("path")
    return dict(per_node), [node.code for node in nodes if node.code not in served]


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The whole demo, loaded once for a class of tests and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.fixture
def peo_plan(demo_output) -> ActionPlan:
    return ActionPlan.objects.get(unit__code=PEO, fiscal_year__year=PLAN_YEAR)


@pytest.fixture
def peo_versions(peo_plan) -> tuple[PlanVersion, PlanVersion]:
    first, revised = PlanVersion.objects.filter(plan=peo_plan).order_by("number")
    return first, revised


@pytest.mark.xdist_group("demo_plans")
class TestDemoPlans:
    def test_the_fiscal_years(self, demo_output):
        years = {fy.year: fy.is_open for fy in FiscalYear.objects.all()}
        assert years == {2560: False, 2561: True, 2562: True}

    def test_the_peo_plan_has_its_direction_and_content(self, peo_plan, peo_versions):
        assert peo_plan.title == (
            "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2561 สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช"
        )
        for version in peo_versions:
            assert version.vision
            assert version.values
            assert 4 <= Mission.objects.filter(plan_version=version).count() <= 5
            outline = plan_outline(version)
            assert len(outline.issues) >= 4
            assert outline.project_count >= 15
            assert not outline.unassigned_projects
            for issue in outline.issues:
                assert 1 <= len(issue.goals) <= 3, issue.issue
                assert issue.strategies, issue.issue
                for goal in issue.goals:
                    assert 1 <= len(goal.indicators) <= 3, goal.goal
                    for indicator in goal.indicators:
                        assert indicator.targets.all(), indicator
                        assert indicator.baseline_value is not None
                        assert indicator.baseline_year
                        assert indicator.data_source
                        assert indicator.collection_method
                        assert indicator.evaluator_unit.code in WORK_GROUPS
            for row in (p for i in outline.issues for s in i.strategies for p in s.projects):
                assert 2 <= row.activity_count <= 8, row.project  # 2–6 plus sub-activities
                assert row.owners, row.project

    def test_the_kpi_sheets_vary_as_real_ones_do(self, peo_versions):
        revised = peo_versions[1]
        indicators = Indicator.objects.filter(plan_version=revised)
        assert {i.unit_of_measure for i in indicators} >= {"ร้อยละ", "คน", "ระดับ"}
        assert {i.scoring_rule for i in indicators} == set(Indicator.ScoringRule.values)
        assert {i.is_cumulative for i in indicators} == {True, False}
        assert indicators.filter(direction=Indicator.Direction.LOWER).exists()
        assert indicators.filter(project__isnull=False).exists()
        for indicator in indicators.filter(scoring_rule__in=["bands", "linear"]):
            levels = list(indicator.bands.order_by("level").values_list("level", flat=True))
            assert levels == [1, 2, 3, 4, 5], indicator
        milestone = indicators.get(scoring_rule="milestones")
        assert list(milestone.milestones.values_list("step", flat=True)) == [1, 2, 3, 4, 5]
        quarters = set(
            IndicatorTarget.objects.filter(indicator__in=indicators).values_list(
                "period", flat=True
            )
        )
        assert quarters == {"Q1", "Q2", "Q3", "Q4"}

    def test_both_versions_exist_and_the_revised_one_is_current(self, peo_plan, peo_versions):
        first, revised = peo_versions
        assert (first.kind, first.status) == ("initial", "published")
        assert (revised.kind, revised.status) == ("revised_to_allocation", "published")
        assert revised.based_on == first
        assert current_version(peo_plan) == revised
        assert peo_plan.is_published
        # Decisions carry the demo accounts' names, as they would in the office.
        assert {v.approved_by.username for v in peo_versions} == {"director"}

    def test_the_revised_version_holds_the_allocated_budgets(self, peo_versions):
        first, revised = peo_versions
        requested = sum((Decimal(p.budget) for p in PEO_PLAN.projects), Decimal(0))
        allocated = sum(revised_budgets().values(), Decimal(0))
        assert plan_outline(first).budget == requested
        assert plan_outline(revised).budget == allocated
        assert allocated < requested
        assert Decimal(5_000_000) <= allocated <= requested <= Decimal(8_000_000)
        by_code = dict(Project.objects.filter(plan_version=revised).values_list("code", "budget"))
        assert by_code == revised_budgets()

    def test_every_project_has_a_lead_and_months_inside_the_fiscal_year(self, demo_output):
        projects = Project.objects.select_related("lead_unit", "plan_version__plan__fiscal_year")
        assert projects.count() >= 15 * 2 + 3 + 4
        for project in projects:
            assert project.lead_unit is not None, project
            assert project.responsible_email.endswith("@demo.phaen.invalid"), project
            required = (
                "lead_role",
                "responsible_name",
                "responsible_position",
                "responsible_phone",
                "rationale",
                "objectives",
                "quantitative_targets",
                "qualitative_targets",
                "target_group",
                "area",
            )
            assert all(getattr(project, name) for name in required), project
            assert project.start_month.day == 1
            assert project.end_month.day == 1
            if not project.is_multi_year:
                assert FY.start <= project.start_month <= project.end_month <= FY.end, project

    def test_the_peo_projects_are_spread_across_the_work_groups(self, peo_versions):
        projects = Project.objects.filter(plan_version=peo_versions[1])
        assert set(projects.values_list("lead_unit__code", flat=True)) == set(WORK_GROUPS)
        budgets = list(projects.values_list("budget", flat=True))
        assert min(budgets) >= 20_000
        assert max(budgets) <= 900_000
        owners = ProjectOwner.objects.filter(project__in=projects).select_related("unit")
        assert {o.role for o in owners} == {"co_owner", "supporter"}
        assert all(o.role_description for o in owners)
        assert {o.unit.code for o in owners} >= {"80010000", "NFE80", "PEO80-WG04"}

    def test_activity_budgets_and_months_stay_within_their_project(self, demo_output):
        top_level = dict(
            Activity.objects.filter(parent=None)
            .values_list("project_id")
            .annotate(total=Sum("budget"))
        )
        for project in Project.objects.all():
            assert top_level.get(project.pk, 0) <= project.budget, project
        children = dict(
            Activity.objects.exclude(parent=None)
            .values_list("parent_id")
            .annotate(total=Sum("budget"))
        )
        assert children, "some activities have sub-activities"
        for activity in Activity.objects.select_related("project"):
            assert children.get(activity.pk, 0) <= activity.budget, activity
            project = activity.project
            assert project.start_month <= activity.start_month <= activity.end_month
            assert activity.end_month <= project.end_month
            assert activity.responsible_unit_id is not None

    def test_each_subject_has_at_most_one_primary_link(self, demo_output):
        primaries: dict[tuple[str, int], int] = defaultdict(int)
        for link in AlignmentLink.objects.filter(is_primary=True):
            for subject in AlignmentLink.SUBJECTS:
                subject_id = getattr(link, f"{subject}_id")
                if subject_id:
                    primaries[(subject, subject_id)] += 1
        assert primaries
        assert max(primaries.values()) == 1

    @pytest.mark.parametrize("framework", ["ns-2561", "nep-2560", "master-plans-2561", "sdg-4"])
    def test_the_alignment_report_matches_the_data(self, peo_versions, framework):
        per_node, unserved = expected_alignment(framework)
        report = alignment_report(peo_versions[1], Framework.objects.get(code=framework))
        top_level = {n.node.code: n.budget for n in report.nodes if n.node.depth == 0}
        assert {code: budget for code, budget in top_level.items() if budget} == per_node
        assert [node.code for node in report.unserved] == unserved
        assert unserved, "the demo shows nodes nothing serves"
        assert {p.code for p in report.aligned_to_nothing} == {"ศธจ.นศ.61-20", "ศธจ.นศ.61-21"}
        aligned_to_nothing = sum((p.budget for p in report.aligned_to_nothing), Decimal(0))
        if framework in {"ns-2561", "nep-2560"}:  # every other project is aligned to them
            assert report.aligned_budget + aligned_to_nothing == report.total_budget

    def test_the_gap_analysis_starts_from_the_latest_results(self, peo_versions):
        """Every goal indicator has a FY2561 result in the demo monitoring: the gap is measured
        from it (not from the baseline); some targets are met, others not yet."""
        summaries = gap_analysis(peo_versions[1])
        assert len(summaries) == len(PEO_PLAN.issues)
        gaps = [gap for summary in summaries for gap in summary.gaps]
        for summary in summaries:
            assert summary.indicator_count
            assert summary.unknown_count == 0
        for gap in gaps:
            assert gap.gap is not None, gap.indicator
            assert gap.latest_source.startswith("ผล"), gap.indicator
        assert {gap.met for gap in gaps} == {True, False}

    def test_the_agency_plans_align_to_the_current_peo_plan(self, peo_plan, peo_versions):
        peo_issues = {
            i.number: i for i in StrategicIssue.objects.filter(plan_version=peo_versions[1])
        }
        for spec, status, issue_count in (
            (SCHOOL_PLAN, "approved", 2),
            (SERVICE_AREA_PLAN, "published", 3),
        ):
            plan = ActionPlan.objects.get(unit__code=spec.unit, fiscal_year__year=PLAN_YEAR)
            assert plan.parent_plan == peo_plan
            (version,) = PlanVersion.objects.filter(plan=plan)
            assert version.status == status
            assert plan.is_published == (status == "published")
            issues = StrategicIssue.objects.filter(plan_version=version)
            assert issues.count() == issue_count
            for issue in issues:
                spec_issue = next(i for i in spec.issues if i.number == issue.number)
                assert issue.aligns_with == peo_issues[spec_issue.aligns_with]
            assert len(spec.projects) == Project.objects.filter(plan_version=version).count()
        assert 3 <= len(SCHOOL_PLAN.projects) <= 4
        assert 4 <= len(SERVICE_AREA_PLAN.projects) <= 5

    def test_the_school_account_sees_its_school_and_the_published_plans(self, demo_output):
        school_user = User.objects.get(username="school")
        visible = ActionPlan.objects.restrict(school_user, Action.VIEW)
        assert set(visible.values_list("unit__code", flat=True)) == {
            DEMO_SCHOOL,
            PEO,
            SERVICE_AREA_PLAN.unit,
        }
        school_plan = ActionPlan.objects.get(unit__code=DEMO_SCHOOL)
        assert not school_plan.is_published
        assert not ActionPlan.objects.restrict(school_user, Action.CHANGE).exists()
        # The unpublished school plan stays inside the school (and the offices above it).
        reporter = User.objects.get(username="reporter")
        assert not ActionPlan.objects.restrict(reporter, Action.VIEW).filter(pk=school_plan.pk)

    def test_the_planner_sees_every_plan(self, demo_output):
        planner = User.objects.get(username="planner")
        visible = ActionPlan.objects.restrict(planner, Action.VIEW)
        assert visible.count() == ActionPlan.objects.count() == 3

    def test_the_plans_are_audited_as_demo_data(self, demo_output):
        created = AuditEvent.objects.filter(action="plans.project.created")
        first_versions = len(PEO_PLAN.projects) + len(SCHOOL_PLAN.projects)
        assert created.count() == first_versions + len(SERVICE_AREA_PLAN.projects)
        assert set(created.values_list("reason", flat=True)) == {"ข้อมูลสาธิต"}
        assert AuditEvent.objects.filter(action="plans.planversion.approved").count() == 4
        assert AuditEvent.objects.filter(action="plans.planversion.published").count() == 3
        assert AuditEvent.objects.filter(action="plans.planversion.copied").count() == 1

    def test_loading_again_adds_nothing(self, demo_output):
        assert "Demo data loaded" in demo_output
        for what in ("แผนปฏิบัติการ 3", "ฉบับของแผน 4", "ปีงบประมาณ 3"):
            assert what in demo_output
        before = counts()
        assert "Demo data already present; nothing to add." in load()
        assert counts() == before

    def test_the_months_are_stored_as_first_days(self, demo_output):
        months = Activity.objects.values_list("start_month", "end_month")
        assert all(isinstance(day, date) and day.day == 1 for pair in months for day in pair)


# The demo budget ------------------------------------------------------------------------------

HUNDRED = Decimal(100)
SCOPES = ("overall", "current", "capital")
# The figures promised by phaen/demo/budget_data/__init__.py, written down again.
PEO_ENVELOPES = {"operating": "6340000.00", "investment": "640000.00", "other-expense": "400000.00"}
PEO_DISBURSED = {1: "901911.59", 2: "3441401.65", 3: "5266360.96", 4: "6904481.48"}
PEO_RATES = {
    1: {"overall": "12.22", "current": "13.38", "capital": "0.00"},
    2: {"overall": "46.63", "current": "47.81", "capital": "34.19"},
    3: {"overall": "71.36", "current": "74.89", "capital": "34.19"},
    4: {"overall": "93.56", "current": "97.42", "capital": "52.87"},
}
PROVINCE_RATES = {2: "46.80", 3: "71.33", 4: "93.76"}
AGENCY_DISBURSED = {2: "620650.00", 3: "924950.00", 4: "1234050.00"}
CARRIED = Decimal("278950.00")
PEO_LAPSED = Decimal("196568.52")
AGENCY_LAPSED = Decimal("65950.00")


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Ledger:
    """The FY2561 budget read straight from the base tables; the allocation tree is walked by
    its parent links, not by the paths, roots and running sums the services keep."""

    def __init__(self) -> None:
        self.peo = OrgUnit.objects.get(code=PEO)
        self.allocations = {
            a.pk: a
            for a in Allocation.objects.filter(fiscal_year__year=PLAN_YEAR).select_related(
                "unit", "fund_source", "category", "project", "activity"
            )
        }
        self.disbursements = list(
            Disbursement.objects.filter(allocation__fiscal_year__year=PLAN_YEAR)
        )
        self.commitments = list(Commitment.objects.filter(allocation__fiscal_year__year=PLAN_YEAR))

    def chain(self, allocation_id: int) -> list[Allocation]:
        """The allocation and every allocation above it."""
        chain = [self.allocations[allocation_id]]
        while chain[-1].parent_id is not None:
            chain.append(self.allocations[chain[-1].parent_id])
        return chain

    def envelope_of(self, allocation_id: int) -> Allocation:
        return self.chain(allocation_id)[-1]

    def own_envelopes(self) -> list[Allocation]:
        return [a for a in self.allocations.values() if a.parent_id is None and a.unit == self.peo]

    def province_envelopes(self) -> list[Allocation]:
        return [
            a
            for a in self.allocations.values()
            if a.parent_id is None and a.unit.path.startswith(self.peo.path)
        ]

    def disbursed(
        self, envelopes: list[Allocation], until: date, scope: str = "overall"
    ) -> Decimal:
        ids = {e.pk for e in envelopes if scope == "overall" or e.economic_class == scope}
        return sum(
            (
                d.amount
                for d in self.disbursements
                if d.date <= until and self.envelope_of(d.allocation_id).pk in ids
            ),
            Decimal("0.00"),
        )

    def rate(self, envelopes: list[Allocation], until: date, scope: str = "overall") -> Decimal:
        allocated = sum(
            (e.amount for e in envelopes if scope == "overall" or e.economic_class == scope),
            Decimal(0),
        )
        return percent(self.disbursed(envelopes, until, scope), allocated)

    def used(self) -> dict[int, Decimal]:
        """Disbursed plus what open commitments still owe, for each allocation's branch."""
        used: dict[int, Decimal] = defaultdict(Decimal)
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for disbursement in self.disbursements:
            if disbursement.commitment_id:
                paid[disbursement.commitment_id] += disbursement.amount
            for allocation in self.chain(disbursement.allocation_id):
                used[allocation.pk] += disbursement.amount
        for commitment in self.commitments:
            if commitment.status == Commitment.Status.OPEN:
                for allocation in self.chain(commitment.allocation_id):
                    used[allocation.pk] += commitment.amount - paid[commitment.pk]
        return used

    def project_money(self, until: date) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        """Each PEO project's amount, planned (its own spending plan) and disbursed to ``until``."""
        planned: dict[int, Decimal] = defaultdict(Decimal)
        for line in SpendingPlanLine.objects.filter(allocation__in=list(self.allocations)):
            if line.month <= until:
                planned[line.allocation_id] += line.amount
        disbursed: dict[int, Decimal] = defaultdict(Decimal)
        for d in self.disbursements:
            if d.date <= until:
                for allocation in self.chain(d.allocation_id):
                    disbursed[allocation.pk] += d.amount
        return {
            a.project.code: (a.amount, planned[a.pk], disbursed[a.pk])
            for a in self.allocations.values()
            if a.level == Allocation.Level.PROJECT and self.envelope_of(a.pk).unit == self.peo
        }


def short(code: str) -> str:
    return code.removeprefix("ศธจ.นศ.")


def rollup_snapshot() -> tuple[dict, dict]:
    key = ("fiscal_year_id", "unit_id", "fund_source_id", "category_id", "economic_class")
    envelopes = {
        tuple(getattr(row, name) for name in key): (row.original, row.allocated)
        for row in BudgetRollup.objects.all()
        if row.original or row.allocated
    }
    months = {
        (*(getattr(row, name) for name in key), row.month): (
            row.planned,
            row.committed,
            row.owed,
            row.disbursed,
        )
        for row in BudgetMonthRollup.objects.all()
        if row.planned or row.committed or row.owed or row.disbursed
    }
    return envelopes, months


@pytest.fixture
def ledger(demo_output) -> Ledger:
    return Ledger()


@pytest.mark.xdist_group("demo_budget")
class TestDemoBudget:
    def test_the_peo_envelopes_cover_the_revised_plan(self, ledger):
        own = ledger.own_envelopes()
        assert {e.category.code: e.amount for e in own} == {
            code: Decimal(amount) for code, amount in PEO_ENVELOPES.items()
        }
        assert {e.fund_source.code for e in own} == {"appropriation"}
        assert {e.category.code: e.economic_class for e in own} == {
            "operating": "current",
            "investment": "capital",
            "other-expense": "current",
        }
        plan_budget = sum(revised_budgets().values(), Decimal(0))
        total = sum((e.amount for e in own), Decimal(0))
        assert plan_budget < total <= plan_budget * Decimal("1.10")  # "or a bit more"

    def test_every_project_of_the_current_version_gets_its_budget(self, ledger, peo_versions):
        budgets = revised_budgets()
        projects = {
            a.project.code: a
            for a in ledger.allocations.values()
            if a.level == Allocation.Level.PROJECT and a.project.plan_version == peo_versions[1]
        }
        assert set(projects) == set(budgets)
        transferred = {"ศธจ.นศ.61-15": Decimal(-40000), "ศธจ.นศ.61-06": Decimal(40000)}
        for code, allocation in projects.items():
            assert allocation.original_amount == budgets[code], code
            assert allocation.amount == budgets[code] + transferred.get(code, 0), code
            assert allocation.unit == allocation.project.lead_unit, code
            assert allocation.parent.unit == allocation.project.lead_unit, code  # a work group
            assert allocation.parent.parent.unit.code == PEO, code
        by_project: dict[int, list[Allocation]] = defaultdict(list)
        for a in ledger.allocations.values():
            if a.level == Allocation.Level.ACTIVITY:
                by_project[a.parent_id].append(a)
                assert a.amount == a.activity.budget, a
                assert a.activity.parent_id is None, a
        down_to_activities = [a for a in projects.values() if by_project[a.pk]]
        assert len(down_to_activities) >= len(projects) // 2 + 1  # most projects
        for allocation in down_to_activities:
            top_activities = Activity.objects.filter(project=allocation.project, parent=None)
            assert len(by_project[allocation.pk]) == top_activities.count()

    def test_each_work_group_gets_the_sum_of_its_projects(self, ledger):
        groups = {
            (a.unit.code, a.category.code): a.original_amount
            for a in ledger.allocations.values()
            if a.level == Allocation.Level.UNIT and a.parent_id and not a.note
        }
        expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for a in ledger.allocations.values():
            if a.level == Allocation.Level.PROJECT and ledger.envelope_of(a.pk).unit.code == PEO:
                expected[(a.unit.code, a.parent.category.code)] += a.original_amount
        assert groups == dict(expected)
        assert {code for code, _category in groups} == set(WORK_GROUPS)
        equipment = [a for a in ledger.allocations.values() if a.economic_class == "capital"]
        assert {a.category.code for a in equipment} == {"investment", "investment-equipment"}
        assert all(a.note for a in equipment if a.parent_id)  # the item's name

    def test_every_allocation_stays_within_its_parent(self, demo_output):
        children: dict[int, list[Allocation]] = defaultdict(list)
        for allocation in Allocation.objects.exclude(parent=None):
            children[allocation.parent_id].append(allocation)
            assert allocation.fiscal_year_id == allocation.parent.fiscal_year_id
            assert allocation.fund_source_id == allocation.parent.fund_source_id
            assert allocation.economic_class == allocation.parent.economic_class
        assert children
        for parent in Allocation.objects.filter(pk__in=list(children)):
            assert sum(c.amount for c in children[parent.pk]) <= parent.amount, parent
            assert sum(c.original_amount for c in children[parent.pk]) <= parent.original_amount

    def test_nothing_is_over_spent(self, ledger):
        used = ledger.used()
        for allocation in ledger.allocations.values():
            assert used[allocation.pk] <= allocation.amount, allocation
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for disbursement in Disbursement.objects.exclude(commitment=None):
            paid[disbursement.commitment_id] += disbursement.amount
            assert disbursement.allocation_id == disbursement.commitment.allocation_id
        for commitment in Commitment.objects.all():
            assert paid[commitment.pk] <= commitment.amount, commitment
        assert not Disbursement.objects.exclude(override_reason="").exists()
        assert not Commitment.objects.exclude(override_reason="").exists()

    def test_spending_plans_add_up_and_follow_the_activities(self, ledger):
        lines: dict[int, dict[date, Decimal]] = defaultdict(dict)
        for line in SpendingPlanLine.objects.all():
            lines[line.allocation_id][line.month] = line.amount
        planned = {a.pk for a in ledger.allocations.values() if a.activity_id is None}
        assert set(lines) == planned  # envelopes, work groups, equipment and projects
        for allocation_id, months in lines.items():
            allocation = ledger.allocations[allocation_id]
            assert sum(months.values()) == allocation.amount, allocation
            assert all(FY.start <= m <= FY.end and m.day == 1 for m in months), allocation
            children = [a for a in ledger.allocations.values() if a.parent_id == allocation_id]
            if allocation.project_id is None and children:
                added: dict[date, Decimal] = defaultdict(Decimal)
                for child in children:
                    for month_start, amount in lines[child.pk].items():
                        added[month_start] += amount
                assert months == dict(added), allocation
            if allocation.project_id:
                activity_months = {
                    m
                    for activity in Activity.objects.filter(project=allocation.project, parent=None)
                    for m in lines[allocation_id]
                    if activity.start_month <= m <= activity.end_month
                }
                assert set(months) == activity_months, allocation

    @pytest.mark.parametrize("quarter", [1, 2, 3, 4])
    def test_the_peo_rates_match_the_data_module(self, ledger, quarter):
        own = ledger.own_envelopes()
        end = FY.quarter(quarter).end
        assert ledger.disbursed(own, end) == Decimal(PEO_DISBURSED[quarter])
        rates = {scope: ledger.rate(own, end, scope) for scope in SCOPES}
        assert rates == {scope: Decimal(rate) for scope, rate in PEO_RATES[quarter].items()}

    @pytest.mark.parametrize("quarter", [2, 3, 4])
    def test_the_overview_matches_an_independent_computation(self, ledger, quarter):
        end = FY.quarter(quarter).end
        overview = unit_overview(
            ledger.peo, FiscalYear.objects.get(year=PLAN_YEAR), FY.quarter(quarter)
        )
        own, province = ledger.own_envelopes(), ledger.province_envelopes()
        # The PEO's own budget is its appropriation; the agency's money is its own fund.
        funds = {fund.code: figures for fund, figures in overview.by_fund}
        assert funds["appropriation"].allocated == sum(e.amount for e in own)
        assert funds["appropriation"].disbursed == ledger.disbursed(own, end)
        assert funds["appropriation"].disbursement_rate == Decimal(PEO_RATES[quarter]["overall"])
        assert funds["agency"].disbursed == Decimal(AGENCY_DISBURSED[quarter])
        # The overview of the PEO is the province's: the PEO and the units below it.
        assert overview.total.allocated == sum(e.amount for e in province) == Decimal(8_680_000)
        assert overview.total.allocated > funds["appropriation"].allocated
        for scope in SCOPES:
            assert overview.cabinet[scope].rate == ledger.rate(province, end, scope), scope
        assert overview.cabinet["overall"].rate == Decimal(PROVINCE_RATES[quarter])
        # No agency has capital money: the province's capital rate is the PEO's own.
        assert overview.by_class["capital"].disbursement_rate == Decimal(
            PEO_RATES[quarter]["capital"]
        )
        point = overview.quarters[quarter - 1]
        assert point.figures.disbursement_rate == Decimal(PROVINCE_RATES[quarter])

    def test_behind_the_cabinet_at_mid_year_near_it_at_q3_capital_lagging(self, ledger):
        year = FiscalYear.objects.get(year=PLAN_YEAR)
        q2 = unit_overview(ledger.peo, year, FY.quarter(2)).cabinet
        assert (q2["overall"].target, q2["overall"].status) == (Decimal("52.29"), "behind")
        q3 = unit_overview(ledger.peo, year, FY.quarter(3)).cabinet
        assert {scope: (a.target, a.status) for scope, a in q3.items()} == {
            "overall": (Decimal("74.29"), "on_track"),
            "current": (Decimal("77.00"), "on_track"),
            "capital": (Decimal("65.11"), "far_behind"),
        }
        for scope in SCOPES:
            assert q3[scope].rate < q3[scope].target, scope
        own = ledger.own_envelopes()
        assert Decimal(45) <= ledger.rate(own, FY.quarter(2).end) < Decimal("52.29")
        assert Decimal(70) <= ledger.rate(own, FY.quarter(3).end) < Decimal("74.29")
        assert ledger.rate(own, FY.quarter(3).end, "capital") < Decimal("65.11")
        assert Decimal(93) <= ledger.rate(own, FY.end) <= Decimal(97)

    def test_some_projects_are_ahead_of_their_plans_and_some_far_behind(self, ledger):
        def gaps(quarter: int) -> dict[str, Decimal]:
            """Disbursed minus planned, in points of the project's budget."""
            money = ledger.project_money(FY.quarter(quarter).end)
            return {
                short(code): percent(done, amount) - percent(planned, amount)
                for code, (amount, planned, done) in money.items()
            }

        q2, q3 = gaps(2), gaps(3)
        assert {code for code, gap in q2.items() if gap < -15} == {
            "61-02",
            "61-09",
            "61-12",
            "61-13",
            "61-18",
            "61-19",
        }
        assert {code for code, gap in q2.items() if gap > 10} == {
            "61-05",
            "61-06",
            "61-10",
            "61-17",
        }
        assert {code for code, gap in q3.items() if gap < -15} == {"61-09", "61-13", "61-19"}
        assert {code for code, gap in q3.items() if gap > 5} == {"61-03", "61-06", "61-12"}
        # The efficiency page reads the same gaps.
        projects = list(
            Project.objects.filter(plan_version__plan__unit__code=PEO).filter(
                allocations__level=Allocation.Level.PROJECT
            )
        )
        year = FiscalYear.objects.get(year=PLAN_YEAR)
        money = ledger.project_money(FY.quarter(3).end)
        for row in projects_efficiency(projects, year, FY.quarter(3).end):
            _amount, planned, disbursed = money[row.project.code]
            assert row.plan_gap == planned - disbursed, row.project

    def test_one_transfer_approved_and_one_withdrawn_at_the_close(self, ledger):
        approved = BudgetTransfer.objects.select_related("source__project", "target__project").get(
            status=BudgetTransfer.Status.APPROVED
        )
        assert (approved.source.project.code, approved.target.project.code) == (
            "ศธจ.นศ.61-15",
            "ศธจ.นศ.61-06",
        )
        assert approved.amount == Decimal(40000)
        assert (approved.source.original_amount, approved.source.amount) == (150000, 110000)
        assert (approved.target.original_amount, approved.target.amount) == (420000, 460000)
        assert approved.reason
        assert "อนุมัติ" in approved.decision_note
        assert approved.decided_at is not None
        assert approved.decided_by.username == "director"
        groups = {
            a.unit.code: (a.original_amount, a.amount)
            for a in (approved.source.parent, approved.target.parent)
        }
        assert groups == {"PEO80-WG05": (800000, 760000), "PEO80-WG03": (1540000, 1580000)}
        assert AuditEvent.objects.filter(action="budget.budgettransfer.approved").count() == 1
        # The request nobody decided before the year was closed was withdrawn by the close.
        waiting = BudgetTransfer.objects.get(status=BudgetTransfer.Status.WITHDRAWN)
        assert (short(waiting.source.project.code), short(waiting.target.project.code)) == (
            "61-19",
            "61-18",
        )
        assert "ปิดปีงบประมาณ" in waiting.decision_note
        assert waiting.source.amount == waiting.source.original_amount
        assert waiting.target.amount == waiting.target.original_amount
        assert not BudgetTransfer.objects.filter(status=BudgetTransfer.Status.REQUESTED).exists()

    def test_the_equipment_contract_is_carried_over_and_the_rest_lapses(self, ledger):
        (carry,) = CarryOver.objects.select_related(
            "commitment__allocation__category", "new_commitment__allocation__fund_source"
        )
        old, new = carry.commitment, carry.new_commitment
        assert old.status == Commitment.Status.CARRIED_OVER
        assert old.allocation.economic_class == "capital"
        assert old.allocation.category.code == "investment-equipment"
        paid_before = sum(d.amount for d in old.disbursements.all())
        assert carry.amount == old.amount - paid_before == CARRIED
        assert carry.deadline == date(2019, 3, 31)  # 31 March 2562
        assert (new.allocation.fiscal_year.year, new.allocation.fund_source.kind) == (
            PLAN_YEAR + 1,
            "carry_over",
        )
        assert new.allocation.amount == new.amount == carry.amount
        assert (new.document_number, new.counterpart) == (old.document_number, old.counterpart)
        payments = list(new.disbursements.all())
        assert len(payments) == 2
        assert sum(p.amount for p in payments) == carry.amount
        next_year = FiscalPeriod(PLAN_YEAR + 1)
        assert all(next_year.start <= p.date <= carry.deadline for p in payments)
        assert not Commitment.objects.filter(
            allocation__fiscal_year__year=PLAN_YEAR, status=Commitment.Status.OPEN
        ).exists()
        # Every baht of FY2561 is disbursed, carried over or lapsed (and the lapse recorded).
        lapsed: dict[str, Decimal] = defaultdict(Decimal)
        for lapse in Lapse.objects.all():
            assert lapse.amount > 0
            lapsed[ledger.envelope_of(lapse.allocation_id).unit.code] += lapse.amount
        own = ledger.own_envelopes()
        assert lapsed[PEO] == PEO_LAPSED
        assert ledger.disbursed(own, FY.end) + CARRIED + lapsed[PEO] == sum(e.amount for e in own)
        assert lapsed["80010000"] == AGENCY_LAPSED

    def test_the_agency_has_its_own_envelope_and_spending(self, ledger):
        (envelope,) = [e for e in ledger.province_envelopes() if e.unit.code == "80010000"]
        assert (envelope.fund_source.code, envelope.amount) == ("agency", Decimal(1_300_000))
        projects = {
            a.project.code
            for a in ledger.allocations.values()
            if a.level == Allocation.Level.PROJECT and ledger.envelope_of(a.pk) == envelope
        }
        assert projects == {spec.code for spec in SERVICE_AREA_PLAN.projects}
        for quarter, disbursed in AGENCY_DISBURSED.items():
            end = FY.quarter(quarter).end
            assert ledger.disbursed([envelope], end) == Decimal(disbursed)
        assert ledger.disbursed([envelope], FY.end) + AGENCY_LAPSED == envelope.amount

    def test_documents_look_like_an_office_registers(self, demo_output):
        peo_order = r"^(ศธ 0293/2561-\d{3}|สัญญาเลขที่ \d{2}/2561)$"
        agency_order = r"^ศธ 04034/2561-\d{3}$"
        commitments = Commitment.objects.filter(allocation__fiscal_year__year=PLAN_YEAR)
        assert commitments.filter(document_number__regex=peo_order).exists()
        assert commitments.filter(document_number__regex=agency_order).exists()
        assert not commitments.exclude(document_number__regex=peo_order).exclude(
            document_number__regex=agency_order
        )
        counterparts = set(commitments.values_list("counterpart", flat=True))
        for kind in ("โรงแรม", "ร้าน", "บริษัท", "หจก."):
            assert any(name.startswith(kind) for name in counterparts), kind
        numbers = list(Disbursement.objects.values_list("document_number", flat=True))
        assert len(numbers) == len(set(numbers))
        for record in (
            *commitments,
            *Disbursement.objects.filter(allocation__fiscal_year__year=PLAN_YEAR),
        ):
            assert FY.start <= record.date <= FY.end, record
            assert record.description, record
        assert any(d.amount % 1 for d in Disbursement.objects.all())  # satang where natural

    def test_the_running_sums_equal_a_rebuild(self, demo_output):
        before = rollup_snapshot()
        assert all(before)
        rollups.rebuild()
        assert rollup_snapshot() == before

    def test_the_budget_is_audited_as_demo_data(self, demo_output):
        created = AuditEvent.objects.filter(action="budget.allocation.created")
        assert created.count() == Allocation.objects.count()
        assert AuditEvent.objects.filter(action="budget.disbursement.created").count() == (
            Disbursement.objects.count()
        )
        assert "ข้อมูลสาธิต" in set(created.values_list("reason", flat=True))

    def test_loading_again_adds_nothing(self, demo_output):
        for what in ("การจัดสรรงบประมาณ", "การเบิกจ่าย", "เงินกันไว้เบิกเหลื่อมปี 1"):
            assert what in demo_output
        before = counts()
        assert "Demo data already present; nothing to add." in load()
        assert counts() == before


# Monitoring (issue 5) -------------------------------------------------------------------------

MONITORING_MODELS = (
    ProgressReport,
    ActivityProgress,
    IndicatorResult,
    Problem,
    CorrectiveAction,
    Evidence,
    ReportDecision,
    Evaluation,
    LessonLearned,
    LateEntryException,
)


def monitoring_counts():
    return {model.__name__: model.objects.count() for model in MONITORING_MODELS}


def demo_report(code: str, quarter: str) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(project__code=code, period__kind=quarter)
        .select_related("period", "project")
        .first()
    )


@pytest.mark.xdist_group("demo_monitoring")
class TestDemoMonitoring:
    def test_every_state_is_there(self, demo_output):
        state = ProgressReport.State
        states = set(ProgressReport.objects.values_list("state", flat=True))
        assert states == {state.DRAFT, state.SUBMITTED, state.RETURNED, state.APPROVED}
        for kind in ("Q1", "Q2", "Q3", "Q4"):
            assert ProgressReport.objects.filter(period__kind=kind, state=state.APPROVED).exists()
        late = ProgressReport.objects.filter(is_late=True)
        assert {
            (r.project.code, r.period.kind) for r in late.select_related("project", "period")
        } >= {
            ("ศธจ.นศ.61-19", "Q1"),
            ("ศธจ.นศ.61-09", "Q2"),
        }
        for report in late.select_related("period"):
            assert report.first_submitted_at.date() > report.period.due_on
        on_time = ProgressReport.objects.filter(is_late=False).exclude(state=state.DRAFT)
        for report in on_time.select_related("period"):
            assert report.period.ends_on < report.first_submitted_at.date() <= report.period.due_on
        returned = ProgressReport.objects.get(state=state.RETURNED)
        assert returned.project.code == "ศธจ.นศ.61-13"
        assert "รายชื่อผู้เข้ารับการอบรม" in returned.return_comment
        # Missing: required (the project had started) but never started.
        assert demo_report("ศธจ.นศ.61-10", "Q1") is None
        assert demo_report("ศธจ.นศ.61-21", "Q4") is None
        # Nothing before a project starts: 61-09 starts in January 2561.
        assert demo_report("ศธจ.นศ.61-09", "Q1") is None

    def test_the_journeys_q2_report_is_left_to_the_reporter(self, demo_output):
        """ศธจ.นศ.61-06 (led by the reporter's group) has no Q2 report; the reporter may start,
        fill and submit it today, FY2561 being long closed, thanks to the planner's late entry."""
        assert demo_report("ศธจ.นศ.61-06", "Q1").state == ProgressReport.State.APPROVED
        assert demo_report("ศธจ.นศ.61-06", "Q2") is None
        project = Project.objects.get(
            code="ศธจ.นศ.61-06",
            plan_version__in=current_settled_versions(FiscalYear.objects.get(year=PLAN_YEAR).pk),
        )
        period = ReportingPeriod.objects.get(fiscal_year__year=PLAN_YEAR, kind="Q2")
        assert IndicatorTarget.objects.filter(indicator__project=project, period="Q2").exists()
        (grant,) = LateEntryException.objects.filter(period=period, revoked_at=None)
        assert grant.unit == project.lead_unit
        assert grant.is_active
        assert grant.created_by.username == "planner"
        reporter = User.objects.get(username="reporter")
        report = monitoring.report_start(actor=reporter, project=project, period=period)
        for line in report.activity_progress.all():
            line.status = "on_schedule"
            monitoring.activity_progress_update(
                actor=reporter, instance=line, expected_version=line.version
            )
        report = monitoring.report_submit(actor=reporter, report=report, expected_version=None)
        assert report.state == ProgressReport.State.SUBMITTED
        assert report.submitted_by == reporter

    def test_decisions_are_signed_by_the_director(self, demo_output):
        decided = ReportDecision.objects.filter(action__in=["approve", "return"])
        assert decided.exists()
        assert set(decided.values_list("actor__username", flat=True)) == {"director"}
        # Submissions are dated in FY2561 (sent by the system on the data's days).
        for decision in ReportDecision.objects.filter(action="submit"):
            assert FY.start < decision.at.date() < date(2018, 11, 1)

    def test_corrective_actions_closed_and_carried(self, demo_output):
        today = date.today()
        actions = CorrectiveAction.objects.select_related("problem__report__period")
        closed = [a for a in actions if a.status == CorrectiveAction.Status.DONE]
        assert len(closed) >= 2
        for action in closed:
            assert action.done_on is not None
            assert action.updated_in_report_id != action.problem.report_id  # a later quarter
        carried = [
            a
            for a in actions
            if a.is_open and a.due_on < today and a.updated_in_report_id != a.problem.report_id
        ]
        assert carried, "an open, overdue action followed up in a later quarter"
        categories = set(Problem.objects.values_list("category", flat=True))
        assert len(categories) >= 5
        assert not Problem.objects.filter(cause="").exists()

    def test_results_only_where_the_plan_has_targets(self, demo_output):
        results = IndicatorResult.objects.select_related("period")
        assert results.filter(report__isnull=False).exists()
        assert results.filter(report__isnull=True).exists()  # goal indicators, standalone
        targets = {
            (indicator_id, kind): value
            for indicator_id, kind, value in IndicatorTarget.objects.values_list(
                "indicator_id", "period", "value"
            )
        }
        for result in results:
            assert targets[(result.indicator_id, result.period.kind)] == result.target_value
        assert results.filter(achieved=True).exists()
        assert results.filter(achieved=False).exists()

    def test_evidence_files_and_links(self, demo_output):
        evidence = Evidence.objects.all()
        assert {e.content_type for e in evidence if e.kind == "file"} >= {
            "application/pdf",
            "image/png",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        assert evidence.filter(kind="link").exists()
        assert evidence.filter(result__isnull=False).exists()
        for row in evidence.filter(kind="file"):
            with row.file.open("rb") as stored:
                assert len(stored.read()) == row.size

    def test_half_year_and_annual_evaluations(self, demo_output):
        evaluations = Evaluation.objects.select_related("period", "evaluator")
        versions = current_settled_versions(FiscalYear.objects.get(year=PLAN_YEAR).pk)
        projects = Project.objects.filter(plan_version__in=versions).count()
        indicators = Indicator.objects.filter(plan_version__in=versions).count()
        for kind in ("H1", "YEAR"):
            rows = evaluations.filter(period__kind=kind)
            assert rows.filter(project__isnull=False).count() == projects
            assert rows.filter(indicator__isnull=False).count() == indicators
        annual = evaluations.filter(period__kind="YEAR")
        assert annual.filter(achieved=True).exists()
        assert annual.filter(achieved=False).exists()
        assert annual.filter(completed_on_time=True).exists()
        assert annual.filter(completed_on_time=False).exists()
        commented = evaluations.exclude(comment="")
        assert {e.period.kind for e in commented} == {"H1", "YEAR"}
        assert {e.evaluator.username for e in commented} == {"planner"}
        lessons = LessonLearned.objects.select_related("created_by")
        assert lessons.count() >= 4
        assert {lesson.created_by.username for lesson in lessons} >= {"planner", "reporter"}

    def test_the_monitoring_is_audited(self, demo_output):
        approved = ProgressReport.objects.filter(state="approved").count()
        assert AuditEvent.objects.filter(action="monitoring.progressreport.approved").count() == (
            approved
        )
        assert AuditEvent.objects.filter(action="monitoring.evaluation.prepared").count() == 2

    def test_loading_again_adds_no_monitoring(self, demo_output):
        for what in ("รายงานความก้าวหน้า", "การประเมินผล", "บทเรียนที่ได้รับ"):
            assert what in demo_output
        before = monitoring_counts()
        assert "Demo data already present; nothing to add." in load()
        assert monitoring_counts() == before

    def test_an_expired_late_entry_is_renewed(self, demo_output):
        grant = LateEntryException.objects.get(revoked_at=None)
        LateEntryException.objects.filter(pk=grant.pk).update(until=date(2020, 1, 1))
        load()
        grant.refresh_from_db()
        assert grant.revoked_at is not None
        renewed = LateEntryException.objects.get(revoked_at=None)
        assert renewed.is_active
        assert (renewed.period, renewed.unit) == (grant.period, grant.unit)
