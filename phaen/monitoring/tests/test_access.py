"""Who sees and changes monitoring rows: every model's scenario against ``restrict()``, a
school's reports hidden from another school, drafts hidden from everyone outside the report's
circle, partners reading, approvers deciding, nothing public."""

import pytest
from django.contrib.auth.models import AnonymousUser

from phaen.core.access import Action, Role, can
from phaen.core.exceptions import OutOfScopeError
from phaen.monitoring import services
from phaen.monitoring.models import (
    ActivityProgress,
    Contribution,
    IndicatorResult,
    Problem,
    ProgressReport,
)
from phaen.monitoring.tests import access
from phaen.monitoring.tests import factories as f
from phaen.orgs.testing import make_unit
from phaen.plans.models import Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add

pytestmark = pytest.mark.django_db

SCENARIOS = [
    scenario
    for scenario in access.MonitoringScenario.__subclasses__()
    if not scenario.global_reference
]


def visible(user, obj, action=Action.VIEW):
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("scenario_class", SCENARIOS, ids=lambda s: s.__name__)
def test_every_model_is_scoped_to_its_unit(world, scenario_class):
    scenario = scenario_class(world)
    obj = scenario.make()
    assert visible(world.user(Role.VIEWER, world.province_a), obj)
    assert visible(world.user(scenario.writer_role, world.school_a2), obj)
    assert not visible(world.user(scenario.writer_role, world.province_b), obj)
    assert not visible(world.user(Role.VIEWER, world.province_b), obj)
    assert not visible(world.nobody(), obj)
    assert not visible(AnonymousUser(), obj)  # nothing of monitoring is public yet
    writer = world.user(scenario.writer_role, world.province_a)
    assert visible(writer, obj, Action.CHANGE) is scenario.changeable
    assert not visible(world.user(Role.VIEWER, world.province_a), obj, Action.CHANGE)
    assert not visible(world.user(scenario.writer_role, world.province_b), obj, Action.CHANGE)


def test_reporting_periods_are_read_by_everyone_and_changed_at_the_top(world):
    period = access.ReportingPeriodScenario(world).make()
    assert visible(world.nobody(), period)
    assert not visible(world.user(Role.PLANNER, world.province_a), period, Action.CHANGE)
    assert visible(world.user(Role.PLANNER, world.root), period, Action.CHANGE)


def test_a_schools_user_cannot_see_or_change_another_schools_report(world):
    other_school = make_unit("โรงเรียน ก3", world.province_a, "school")
    report = access.home_report(world)  # school A2's
    problem, _action = f.problem_with_action(report)
    neighbour = world.user(Role.REPORTER, other_school)
    for row in (report, problem, report.activity_progress.get()):
        assert not visible(neighbour, row)
    with pytest.raises(OutOfScopeError):
        services.report_update(
            actor=neighbour,
            instance=ProgressReport(pk=report.pk, summary="แก้ข้ามโรงเรียน"),
            expected_version=report.version,
        )
    with pytest.raises(OutOfScopeError):
        services.problem_create(
            actor=neighbour,
            instance=Problem(report=report, category="other", description="ข้ามโรงเรียน"),
        )
    with pytest.raises(OutOfScopeError):
        services.report_submit(actor=neighbour, report=report, expected_version=report.version)
    report.refresh_from_db()
    assert (report.summary, report.state, Problem.objects.count()) == ("", "draft", 1)


def test_drafts_are_hidden_from_the_plans_unit_when_it_is_not_above_the_lead_unit(world):
    """Province A's plan has a project led by school B1 (province B): province A reads the
    report once it is submitted; province B (above the lead unit) reads the draft too."""
    plan = f.monitored_plan(world, approve=False)
    led_elsewhere = add(
        Project(
            plan_version=plan.version,
            code="P09",
            name="โครงการที่โรงเรียนในจังหวัดอื่นเป็นเจ้าภาพ",
            start_month=plan.project.start_month,
            end_month=plan.project.end_month,
            lead_unit=world.school_b1,
        )
    )
    version_approve(actor=None, version=plan.version, expected_version=None)
    report = f.fill(f.start(plan, project=led_elsewhere))
    problem, _action = f.problem_with_action(report)
    plan_unit = world.user(Role.VIEWER, world.province_a)
    lead_province = world.user(Role.VIEWER, world.province_b)
    parts = [report, problem, ActivityProgress.objects.filter(report=report).first()]
    assert [visible(plan_unit, row) for row in parts if row] == [False, False]
    assert all(visible(lead_province, row) for row in parts if row)
    assert all(visible(world.user(Role.VIEWER, world.region), row) for row in parts if row)

    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    assert visible(plan_unit, report)
    assert visible(plan_unit, problem)
    assert not visible(plan_unit, report, Action.CHANGE)
    assert not can(world.user(Role.APPROVER, world.province_a), "approve", report)
    assert can(world.user(Role.APPROVER, world.province_b), "approve", report)


def test_partners_read_the_report_and_its_parts_but_do_not_change_them(world):
    plan = f.monitored_plan(world)  # school B1 supports P01
    report = f.start(plan)
    result = f.result(report, plan.achieved, "45")
    problem, action = f.problem_with_action(report)
    contribution = services.contribution_add(
        actor=None, report=report, unit=world.school_b1, text="ข้อมูลจากโรงเรียน"
    )
    supporter = world.user(Role.VIEWER, world.school_b1)
    for row in (report, result, problem, action, contribution):
        assert visible(supporter, row), row
        assert not visible(supporter, row, Action.CHANGE), row
    writer = world.user(Role.REPORTER, world.school_b1)
    assert visible(writer, contribution, Action.CHANGE)
    with pytest.raises(OutOfScopeError):
        services.report_update(
            actor=writer,
            instance=ProgressReport(pk=report.pk, summary="ผู้สนับสนุนแก้รายงาน"),
            expected_version=report.version,
        )
    # The other project of the plan is not theirs.
    other = f.start(plan, project=plan.small.other_project)
    assert not visible(supporter, other)


def test_standalone_results_are_read_in_the_evaluators_and_plans_units(world):
    plan = f.monitored_plan(world)
    q2 = f.open_period(f.period("Q2"))
    result = services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=plan.goal_indicator, period=q2, actual_value=76),
    )
    assert visible(world.user(Role.VIEWER, world.province_a), result)
    assert not visible(world.user(Role.VIEWER, world.group_a1), result)
    assert not visible(world.user(Role.VIEWER, world.province_b), result)


def test_contributions_are_changed_by_their_own_units_writers_only(world):
    plan = f.monitored_plan(world)
    report = f.start(plan)
    contribution = services.contribution_add(
        actor=None, report=report, unit=world.school_b1, text="ข้อมูลจากโรงเรียน"
    )
    lead_reporter = world.user(Role.REPORTER, world.group_a1)
    assert visible(lead_reporter, contribution)
    assert not visible(lead_reporter, contribution, Action.CHANGE)
    contribution.text = "แก้แทน"
    with pytest.raises(OutOfScopeError):
        services.contribution_update(
            actor=lead_reporter, instance=contribution, expected_version=contribution.version
        )
    assert Contribution.objects.get().text == "ข้อมูลจากโรงเรียน"
