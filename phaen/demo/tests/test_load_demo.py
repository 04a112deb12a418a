"""manage.py load_demo: idempotent, refuses demo accounts outside a demo database, accounts work,
and the demo plans (the PEO's FY2561 plan in two versions and two agency plans) obey every rule.

Loading the plans takes a few seconds, so the tests about organisations and accounts load
with ``--no-plans`` and the plan tests share one load per class (rolled back afterwards).
Expected figures are computed from the data modules, not from the code under test.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client

from phaen.core.access import Action, Role
from phaen.core.models import AuditEvent, User
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, DEMO_SCHOOL, PEO, UNITS
from phaen.demo.plan_data import FISCAL_YEARS, PLAN_YEAR
from phaen.demo.plan_data.peo import PEO_PLAN
from phaen.demo.plan_data.school import SCHOOL_PLAN
from phaen.demo.plan_data.service_area import SERVICE_AREA_PLAN
from phaen.demo.plan_data.specs import Link
from phaen.frameworks.models import Framework, FrameworkNode
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


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, User, Membership, AuditEvent, *PLAN_MODELS)
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

    def test_the_gap_analysis_starts_from_the_baselines(self, peo_versions):
        summaries = gap_analysis(peo_versions[1])
        assert len(summaries) == len(PEO_PLAN.issues)
        for summary in summaries:
            assert summary.indicator_count
            assert summary.unknown_count == 0
            assert all(gap.gap is not None and gap.gap > 0 for gap in summary.gaps)

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
