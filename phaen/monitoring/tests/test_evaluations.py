"""Half-year and annual evaluations (cumulative and non-cumulative indicators, projects
completed on time) and lessons learned."""

from datetime import date
from decimal import Decimal as D  # noqa: N817

import pytest

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import Evaluation, IndicatorResult, LessonLearned, ProgressReport
from phaen.monitoring.tests import factories as f
from phaen.plans.models import Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(world):
    """Q1 and Q2 reported (submitted) with results; P03 ended in Q1 and was not completed
    then (a project reports only the quarters of its months, so it has no Q2 report)."""
    plan = f.monitored_plan(world, approve=False)
    late = add(
        Project(
            plan_version=plan.version,
            code="P03",
            name="โครงการสิ้นสุดไตรมาสแรก",
            start_month=date(2017, 10, 1),
            end_month=date(2017, 12, 1),
            lead_unit=world.group_a1,
        )
    )
    version_approve(actor=None, version=plan.version, expected_version=None)
    for kind, achieved, bands in (("Q1", "20", "20"), ("Q2", "45", "22")):
        report = f.fill(f.start(plan, kind))
        f.result(report, plan.achieved, achieved)
        f.result(report, plan.bands, bands)
        services.report_submit(actor=None, report=report, expected_version=report.version)
    f.open_period(f.period("Q2"))
    services.result_record(
        actor=None,
        instance=IndicatorResult(
            indicator=plan.goal_indicator, period=f.period("Q2"), actual_value=D("76")
        ),
    )
    report = f.start(plan, "Q1", project=late)
    services.report_submit(actor=None, report=report, expected_version=report.version)
    report = f.fill(f.start(plan, "Q2", project=plan.small.other_project), status="completed")
    report = services.report_update(
        actor=None,
        instance=ProgressReport(pk=report.pk, progress_status="completed", percent_complete=D(100)),
        expected_version=report.version,
    )
    services.report_submit(actor=None, report=report, expected_version=report.version)
    return plan, late


def evaluations(period_kind):
    rows = Evaluation.objects.filter(period=f.period(period_kind))
    return {(row.indicator_id or row.project_id, bool(row.indicator_id)): row for row in rows}


def test_the_half_year_combines_the_quarters_by_the_cumulative_rule(world, evaluated):
    plan, late = evaluated
    run = services.evaluation_prepare(
        actor=world.user(Role.PLANNER, world.province_a),
        period=f.period("H1"),
        unit=world.province_a,
    )
    assert run.created == 3 + 3  # the three indicators and the three projects
    rows = evaluations("H1")
    cumulative = rows[(plan.achieved.pk, True)]  # the last quarter's value against Q2's target
    assert (cumulative.target_value, cumulative.result_value) == (D(40), D(45))
    assert (cumulative.achieved, cumulative.score, cumulative.percent_of_target) == (
        True,
        D(5),
        D("112.50"),
    )
    summed = rows[(plan.bands.pk, True)]  # quarters add up, against the quarters' targets
    assert (summed.target_value, summed.result_value, summed.achieved) == (D(50), D(42), False)
    assert summed.percent_of_target == D("84.00")
    goal = rows[(plan.goal_indicator.pk, True)]
    assert (goal.target_value, goal.result_value, goal.achieved) == (D(75), D(76), True)
    assert goal.strategic_issue == plan.small.issue
    assert goal.unit_path == world.province_a.path
    assert rows[(plan.small.other_project.pk, False)].completed_on_time is True
    assert rows[(late.pk, False)].completed_on_time is False  # due in Q1, not completed
    assert rows[(plan.project.pk, False)].completed_on_time is None  # not due before Q4
    event = AuditEvent.objects.get(action="monitoring.evaluation.prepared")
    assert event.after["created"] == 6


def test_the_year_compares_with_the_annual_target(world, evaluated):
    plan, _late = evaluated
    services.evaluation_prepare(actor=None, period=f.period("YEAR"), unit=world.province_a)
    rows = evaluations("YEAR")
    cumulative = rows[(plan.achieved.pk, True)]
    assert (cumulative.target_value, cumulative.result_value, cumulative.achieved) == (
        D(100),
        D(45),
        False,
    )
    assert rows[(plan.bands.pk, True)].result_value == D(42)
    assert rows[(plan.project.pk, False)].completed_on_time is False  # the year is over


def test_draft_results_do_not_count(world):
    plan = f.monitored_plan(world)
    report = f.start(plan, "Q2")
    f.result(report, plan.achieved, "45")
    services.evaluation_prepare(actor=None, period=f.period("H1"), unit=world.province_a)
    row = Evaluation.objects.get(indicator=plan.achieved)
    assert (row.target_value, row.result_value, row.achieved, row.score) == (
        D(40),
        None,
        None,
        None,
    )


def test_preparing_again_refreshes_the_values_and_keeps_the_comment(world, evaluated):
    plan, _late = evaluated
    h1 = f.period("H1")
    services.evaluation_prepare(actor=None, period=h1, unit=world.province_a)
    row = Evaluation.objects.get(period=h1, indicator=plan.bands)
    evaluator = world.user(Role.REPORTER, world.group_a1)
    commented = services.evaluation_comment(
        actor=evaluator, evaluation=row, expected_version=row.version, comment="ควรเร่งอบรม"
    )
    assert commented.evaluator == evaluator
    q2_result = IndicatorResult.objects.get(indicator=plan.bands, period__kind="Q2")
    report = q2_result.report
    report = services.report_return(
        actor=None, report=report, expected_version=report.version, comment="แก้ผล"
    )
    q2_result.actual_value = D(30)
    services.result_update(actor=None, instance=q2_result, expected_version=q2_result.version)

    run = services.evaluation_prepare(actor=None, period=h1, unit=world.province_a)

    assert (run.created, run.updated) == (0, 6)
    row = Evaluation.objects.get(period=h1, indicator=plan.bands)
    assert (row.result_value, row.achieved, row.comment) == (D(50), True, "ควรเร่งอบรม")
    assert row.evaluator == evaluator


def test_evaluations_are_prepared_for_half_years_and_years_by_planners_in_scope(world):
    f.monitored_plan(world)
    with pytest.raises(DomainError, match="รอบ 6 เดือนหรือรอบ 12 เดือน"):
        services.evaluation_prepare(actor=None, period=f.period("Q2"), unit=world.province_a)
    with pytest.raises(OutOfScopeError):
        services.evaluation_prepare(
            actor=world.user(Role.REPORTER, world.province_a),
            period=f.period("H1"),
            unit=world.province_a,
        )
    assert not Evaluation.objects.exists()


def test_lessons_learned_belong_to_a_unit_and_a_year(world):
    plan = f.monitored_plan(world)
    reporter = world.user(Role.REPORTER, world.group_a1)
    lesson = services.lesson_add(
        actor=reporter,
        instance=LessonLearned(
            fiscal_year=plan.small.plan.fiscal_year,
            unit=world.group_a1,
            project=plan.project,
            topic="การอบรมออนไลน์",
            lesson="ครูเข้าร่วมได้มากกว่าการอบรมในห้อง",
            recommendation="จัดอบรมออนไลน์ในแผนปีถัดไป",
        ),
    )
    assert lesson.unit_path == world.group_a1.path
    other_year = small_plan(world.province_a, world.group_a1, year=2562)
    lesson.project = other_year.project
    with pytest.raises(DomainError, match="ปีงบประมาณเดียวกัน"):
        services.lesson_update(actor=reporter, instance=lesson, expected_version=lesson.version)
    lesson = LessonLearned.objects.get(pk=lesson.pk)
    lesson.recommendation = "จัดทั้งสองแบบ"
    lesson = services.lesson_update(
        actor=reporter, instance=lesson, expected_version=lesson.version
    )
    assert lesson.recommendation == "จัดทั้งสองแบบ"
    with pytest.raises(OutOfScopeError):
        services.lesson_add(
            actor=world.user(Role.REPORTER, world.school_b1),
            instance=LessonLearned(
                fiscal_year=plan.small.plan.fiscal_year,
                unit=world.group_a1,
                topic="นอกขอบเขต",
                lesson="ไม่ควรบันทึกได้",
            ),
        )
    services.lesson_delete(actor=reporter, instance=lesson, expected_version=lesson.version)
    assert not LessonLearned.objects.exists()
