"""Plan services: draft-only edits, data-quality rules, approval, publication, revisions."""

from datetime import date
from decimal import Decimal

import pytest

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.frameworks.models import FrameworkNode
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
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
from phaen.plans.services import (
    approval_problems,
    content_create,
    content_delete,
    content_update,
    plan_create,
    version_approve,
    version_create_revision,
    version_publish,
)
from phaen.plans.tests.factories import add, fiscal_year, link, make_plan, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return small_plan(world.province_a, world.group_a1)


def approve(version, actor=None):
    return version_approve(actor=actor, version=version, expected_version=version.version)


# Creating plans -----------------------------------------------------------------------------


def test_plan_create_starts_a_draft_first_version_and_audits_both(world):
    _plan, version = make_plan(world.province_a)
    assert (version.number, version.kind, version.status) == (1, "initial", "draft")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plans.actionplan.created", "plans.planversion.created"} <= actions


def test_a_closed_fiscal_year_takes_no_new_plan(world):
    fiscal_year(2560, is_open=False)
    with pytest.raises(DomainError, match="ปิดแล้ว"):
        plan_create(
            actor=None,
            instance=ActionPlan(unit=world.province_a, fiscal_year=fiscal_year(2560), title="แผน"),
        )


def test_one_plan_per_unit_and_year(world):
    make_plan(world.province_a)
    with pytest.raises(Exception, match="มีแผนของปีงบประมาณนี้อยู่แล้ว"):
        make_plan(world.province_a)


# Content rules ------------------------------------------------------------------------------


def test_projects_carry_the_paths_of_their_plan_and_lead_units(plan, world):
    assert plan.project.plan_unit_path == world.province_a.path
    assert plan.project.lead_unit_path == world.group_a1.path


def test_project_months_must_lie_inside_the_fiscal_year_unless_multi_year(plan):
    project = Project.objects.get(pk=plan.project.pk)
    project.end_month = date(2018, 10, 1)  # October 2018 is FY2562
    with pytest.raises(DomainError) as caught:
        content_update(actor=None, instance=project, expected_version=project.version)
    assert caught.value.field == "end_month"
    assert "ปีงบประมาณ พ.ศ. 2561" in caught.value.message
    project.is_multi_year = True
    content_update(actor=None, instance=project, expected_version=project.version)


def test_activity_budgets_may_not_exceed_the_project_budget(plan):
    with pytest.raises(DomainError) as caught:
        add(
            Activity(
                project=plan.project,
                name="กิจกรรมเกินงบ",
                start_month=date(2018, 1, 1),
                end_month=date(2018, 1, 1),
                budget=Decimal("40000.01"),
            )
        )
    assert caught.value.field == "budget"
    assert "100,000.01" in caught.value.message
    assert "100,000.00" in caught.value.message
    add(
        Activity(
            project=plan.project,
            name="พอดีงบ",
            start_month=date(2018, 1, 1),
            end_month=date(2018, 1, 1),
            budget=Decimal("40000.00"),
        )
    )


def test_sub_activities_stay_within_their_parent_and_project(plan):
    with pytest.raises(DomainError, match="กิจกรรมหลัก"):
        add(
            Activity(
                project=plan.project,
                parent=plan.activity,
                name="ย่อย",
                start_month=date(2018, 1, 1),
                end_month=date(2018, 1, 1),
                budget=Decimal("60000.01"),
            )
        )
    with pytest.raises(DomainError) as caught:
        add(
            Activity(
                project=plan.project,
                name="นอกระยะโครงการ",
                start_month=date(2017, 9, 1),
                end_month=date(2017, 10, 1),
            )
        )
    assert caught.value.field == "start_month"


def test_lowering_a_project_budget_below_its_activities_is_refused(plan):
    project = Project.objects.get(pk=plan.project.pk)
    project.budget = Decimal("59999.99")
    with pytest.raises(DomainError) as caught:
        content_update(actor=None, instance=project, expected_version=project.version)
    assert caught.value.field == "budget"


def test_stale_content_edits_are_refused(plan):
    first = Project.objects.get(pk=plan.project.pk)
    second = Project.objects.get(pk=plan.project.pk)
    first.name = "ชื่อใหม่"
    content_update(actor=None, instance=first, expected_version=1)
    second.name = "ชื่อจากฉบับเก่า"
    with pytest.raises(StaleEditError):
        content_update(actor=None, instance=second, expected_version=1)
    assert Project.objects.get(pk=plan.project.pk).name == "ชื่อใหม่"


def test_a_reporter_of_the_lead_unit_edits_the_project_but_not_the_plan(plan, world):
    reporter = world.user(Role.REPORTER, world.group_a1)
    project = Project.objects.get(pk=plan.project.pk)
    project.name = "ปรับชื่อโดยเจ้าภาพ"
    content_update(actor=reporter, instance=project, expected_version=project.version)
    issue = StrategicIssue.objects.get(pk=plan.issue.pk)
    issue.title = "ไม่ควรแก้ได้"
    with pytest.raises(OutOfScopeError):
        content_update(actor=reporter, instance=issue, expected_version=issue.version)
    outsider = world.user(Role.REPORTER, world.school_b1)
    with pytest.raises(OutOfScopeError):
        content_update(actor=outsider, instance=project, expected_version=project.version)


# Approval and publication -------------------------------------------------------------------


def test_approval_needs_a_lead_for_every_project(plan):
    project = Project.objects.get(pk=plan.other_project.pk)
    project.lead_unit = None
    content_update(actor=None, instance=project, expected_version=project.version)
    assert approval_problems(plan.version) == [f"โครงการ “{project}” ยังไม่มีเจ้าภาพหลัก"]
    with pytest.raises(DomainError, match="ยังไม่มีเจ้าภาพหลัก"):
        approve(plan.version)
    assert PlanVersion.objects.get(pk=plan.version.pk).status == "draft"


def test_only_approvers_of_the_unit_approve(plan, world):
    with pytest.raises(OutOfScopeError):
        approve(plan.version, world.user(Role.PLANNER, world.province_a))
    with pytest.raises(OutOfScopeError):
        approve(plan.version, world.user(Role.APPROVER, world.province_b))
    director = world.user(Role.APPROVER, world.province_a)
    approved = approve(plan.version, director)
    assert (approved.status, approved.approved_by) == ("approved", director)


def test_an_approved_version_is_read_only(plan):
    approve(plan.version)
    project = Project.objects.get(pk=plan.project.pk)
    project.name = "แก้หลังอนุมัติ"
    with pytest.raises(DomainError, match="อนุมัติแล้ว"):
        content_update(actor=None, instance=project, expected_version=project.version)
    with pytest.raises(DomainError):
        add(Mission(plan_version=plan.version, number=2, text="เพิ่มหลังอนุมัติ"))
    with pytest.raises(DomainError):
        content_delete(actor=None, instance=Activity.objects.get(pk=plan.activity.pk))
    assert Project.objects.get(pk=plan.project.pk).name == "โครงการส่งเสริมการอ่าน"


def test_publish_after_approval_makes_the_plan_public(plan):
    with pytest.raises(DomainError, match="อนุมัติแล้ว"):
        version_publish(actor=None, version=plan.version, expected_version=plan.version.version)
    approved = approve(plan.version)
    published = version_publish(actor=None, version=approved, expected_version=approved.version)
    assert published.status == "published"
    assert ActionPlan.objects.get(pk=plan.plan.pk).is_published
    assert ActionPlan.objects.restrict(None).filter(pk=plan.plan.pk).exists()
    assert Project.objects.restrict(None).filter(pk=plan.project.pk).exists()


def test_unpublished_plans_are_invisible_to_anonymous_and_other_provinces(plan, world):
    assert not Project.objects.restrict(None).exists()
    outsider = world.user(Role.VIEWER, world.province_b)
    assert not Project.objects.restrict(outsider).exists()


def test_co_owners_read_the_project(plan, world):
    # The plan's unit co-owns P01 in the factory; a co-owner elsewhere:
    add(
        ProjectOwner(
            project=plan.project, unit=world.school_b1, role=ProjectOwner.OwnerRole.SUPPORTER
        )
    )
    partner = world.user(Role.VIEWER, world.school_b1)
    assert list(Project.objects.restrict(partner)) == [Project.objects.get(pk=plan.project.pk)]


# Revisions ----------------------------------------------------------------------------------


def test_a_revision_copies_everything_and_keeps_lineages(plan):
    node = FrameworkNode.objects.get(framework__code="nep-2560", code="3")
    link(plan.version, node, primary=True, project=plan.project)
    link(plan.version, node, strategic_issue=plan.issue)
    sub = add(
        Activity(
            project=plan.project,
            parent=plan.activity,
            name="ย่อย",
            start_month=date(2018, 1, 1),
            end_month=date(2018, 2, 1),
            budget=Decimal("1000"),
        )
    )
    approved = approve(plan.version)
    revision = version_create_revision(actor=None, source=approved, kind="revised_to_allocation")
    assert (revision.number, revision.status, revision.based_on) == (2, "draft", approved)

    models = (Mission, StrategicIssue, Goal, Strategy, Project, Activity, Indicator, AlignmentLink)
    for model in models:
        old = model.objects.filter(plan_version=approved)
        new = model.objects.filter(plan_version=revision)
        assert old.count() == new.count() > 0, model.__name__
        assert not set(old.values_list("pk", flat=True)) & set(new.values_list("pk", flat=True))
    for model in (StrategicIssue, Goal, Strategy, Project, Activity, Indicator):
        old_lineages = set(
            model.objects.filter(plan_version=approved).values_list("lineage", flat=True)
        )
        new_lineages = set(
            model.objects.filter(plan_version=revision).values_list("lineage", flat=True)
        )
        assert old_lineages == new_lineages, model.__name__

    new_project = Project.objects.get(plan_version=revision, lineage=plan.project.lineage)
    assert new_project.strategy.plan_version == revision
    new_sub = Activity.objects.get(plan_version=revision, lineage=sub.lineage)
    assert new_sub.parent.plan_version == revision
    assert new_sub.project == new_project
    new_link = AlignmentLink.objects.get(plan_version=revision, project__isnull=False)
    assert (new_link.project, new_link.node, new_link.is_primary) == (new_project, node, True)
    new_indicator = Indicator.objects.get(plan_version=revision)
    assert new_indicator.goal.plan_version == revision
    assert IndicatorTarget.objects.filter(indicator=new_indicator).count() == 2
    assert ScoringBand.objects.filter(indicator=new_indicator).count() == 1
    assert ProjectOwner.objects.filter(project=new_project).count() == 1
    # The copy is a draft again: it can change while the approved version stays as it was.
    new_project.budget = Decimal("90000")
    content_update(actor=None, instance=new_project, expected_version=new_project.version)
    assert Project.objects.get(pk=plan.project.pk).budget == Decimal("100000.00")
    assert AuditEvent.objects.filter(action="plans.planversion.copied").count() == 1


def test_no_revision_of_a_draft_and_only_one_draft_at_a_time(plan):
    with pytest.raises(DomainError, match="อนุมัติแล้ว"):
        version_create_revision(actor=None, source=plan.version)
    approved = approve(plan.version)
    version_create_revision(actor=None, source=approved)
    with pytest.raises(DomainError, match="ฉบับร่าง"):
        version_create_revision(actor=None, source=approved)


def test_links_must_stay_in_one_version_and_avoid_retired_nodes(plan, world):
    other_plan = small_plan(world.province_b, world.school_b1)
    node = FrameworkNode.objects.get(framework__code="sdg-4", code="4.1")
    with pytest.raises(DomainError, match="ฉบับของแผนเดียวกัน"):
        link(plan.version, node, project=other_plan.project)
    node.is_retired = True
    node.save()
    with pytest.raises(DomainError) as caught:
        link(plan.version, node, project=plan.project)
    assert caught.value.field == "node"


def test_one_primary_link_per_subject(plan):
    first, second = FrameworkNode.objects.filter(framework__code="nep-2560").order_by("path")[:2]
    link(plan.version, first, primary=True, project=plan.project)
    with pytest.raises(Exception, match="ความสอดคล้องหลัก"):
        link(plan.version, second, primary=True, project=plan.project)


def test_goal_strategy_and_indicator_follow_their_parents_version(plan):
    goal = content_create(
        actor=None, instance=Goal(strategic_issue=plan.issue, number=2, title="อีกเป้าประสงค์")
    )
    assert goal.plan_version == plan.version
    indicator = content_create(
        actor=None,
        instance=Indicator(
            project=plan.project,
            name="จำนวนผู้เข้าร่วม",
            unit_of_measure="คน",
            target_value=Decimal(100),
        ),
    )
    assert indicator.plan_version == plan.version
