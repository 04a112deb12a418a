"""Selectors against numbers computed independently in the test, and their query counts
(constant as the number of projects grows)."""

from collections import Counter
from datetime import date
from decimal import Decimal as D  # noqa: N817

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from phaen.budget.models import Commitment, Disbursement
from phaen.budget.services import commitment_create, disbursement_create
from phaen.budget.tests.factories import small_budget
from phaen.core.access import Role
from phaen.monitoring import services
from phaen.monitoring.models import IndicatorResult, ProgressReport
from phaen.monitoring.selectors import (
    NOT_STARTED,
    compliance_board,
    compliance_projects,
    evaluation_summary,
    latest_values,
    quarterly_overview,
    report_money,
    reports_awaiting_approval,
    reports_to_write,
    required_projects,
    score_rollup,
)
from phaen.monitoring.tests import factories as f
from phaen.plans.models import Goal, Indicator, IndicatorTarget, PlanVersion, Project
from phaen.plans.selectors import gap_analysis
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add, make_plan

pytestmark = pytest.mark.django_db
State = ProgressReport.State


def extra_projects(plan, lead, count, start=3):
    return [
        add(
            Project(
                plan_version=plan.version,
                strategy=plan.small.strategy,
                code=f"P{number:02d}",
                name=f"โครงการทดสอบ {number}",
                start_month=date(2017, 10, 1),
                end_month=date(2018, 9, 1),
                lead_unit=lead,
            )
        )
        for number in range(start, start + count)
    ]


def second_plan(world, count, start=40):
    """School A2's own approved plan with ``count`` projects it leads (more rows, same units)."""
    _plan, version = make_plan(world.school_a2)
    projects = [
        add(
            Project(
                plan_version=version,
                code=f"S{number:02d}",
                name=f"โครงการของโรงเรียน {number}",
                start_month=date(2017, 10, 1),
                end_month=date(2018, 9, 1),
                lead_unit=world.school_a2,
            )
        )
        for number in range(start, start + count)
    ]
    version_approve(actor=None, version=version, expected_version=None)
    return projects


def fresh(*users):
    """Forget the cached grants, so a count includes the one query that reads them."""
    for user in users:
        if hasattr(user, "_phaen_grants"):
            del user._phaen_grants


def board_world(world, per_unit=2):
    """Projects led by group A1 (P01, P02 and ``per_unit`` more) and school A2 (``per_unit`` +
    1) in varied states for Q2: approved and submitted on time, submitted late, returned, draft,
    not started."""
    plan = f.monitored_plan(world, approve=False)
    group = [
        plan.project,
        plan.small.other_project,
        *extra_projects(plan, world.group_a1, per_unit),
    ]
    school = extra_projects(plan, world.school_a2, per_unit + 1, start=3 + per_unit)
    version_approve(actor=None, version=plan.version, expected_version=None)
    q2 = f.open_period(f.period("Q2"))

    def report(project):
        return f.fill(services.report_start(actor=None, project=project, period=q2))

    def submit(r):
        return services.report_submit(actor=None, report=r, expected_version=r.version)

    on_time = submit(report(group[0]))
    services.report_approve(actor=None, report=on_time, expected_version=on_time.version)
    returned = submit(report(school[0]))
    services.report_return(
        actor=None, report=returned, expected_version=returned.version, comment="แก้"
    )
    f.open_period(q2, due_in=-1, locks_in=10)  # the due date has passed from here on
    submit(report(group[1]))  # late
    report(school[1])  # a draft, overdue
    return plan, f.period("Q2")


def independent_board(period, unit_path):
    """The board's numbers from plain Python over the rows (no grouping in the database)."""
    projects = [
        p
        for p in Project.objects.filter(lead_unit_path__startswith=unit_path)
        if p.plan_version.status != PlanVersion.Status.DRAFT
    ]
    reports = {r.project_lineage: r for r in ProgressReport.objects.filter(period=period)}
    states = Counter()
    timeliness = Counter()
    for project in projects:
        report = reports.get(project.lineage)
        state = report.state if report else NOT_STARTED
        states[state] += 1
        if report and report.state != State.DRAFT:
            timeliness["late" if report.is_late else "on_time"] += 1
        else:
            timeliness["overdue" if period.due_on < timezone.localdate() else "pending"] += 1
    return len(projects), states, timeliness


def test_the_compliance_board_counts_states_timeliness_and_rates(world):
    _plan, q2 = board_world(world)
    viewer = world.user(Role.VIEWER, world.province_a)
    board = compliance_board(viewer, q2, world.province_a)

    required, states, timeliness = independent_board(q2, world.province_a.path)
    total = board.total
    assert total.required == required == 7
    assert {s: getattr(total, s) for s in states} == dict(states)
    assert (total.on_time, total.late, total.overdue, total.pending) == (
        timeliness["on_time"],
        timeliness["late"],
        timeliness["overdue"],
        timeliness["pending"],
    )
    assert (total.on_time, total.late, total.overdue) == (2, 1, 4)
    assert total.submitted_on_time_rate == D("28.57")  # 2 of 7
    assert total.approved_rate == D("14.29")  # 1 of 7
    by_unit = {row.unit: row for row in board.rows}
    assert set(by_unit) == {world.group_a1, world.school_a2}
    assert (by_unit[world.group_a1].required, by_unit[world.group_a1].approved) == (4, 1)
    assert (by_unit[world.school_a2].returned, by_unit[world.school_a2].draft) == (1, 1)
    assert board.deadline.due_on == q2.due_on


def test_the_board_shows_only_projects_the_user_may_view(world):
    _plan, q2 = board_world(world)
    school = compliance_board(world.user(Role.VIEWER, world.school_a2), q2, world.province_a)
    assert [row.unit for row in school.rows] == [world.school_a2]
    assert school.total.required == 3
    # Province B sees only P01, which its school supports; school B1 is nobody's lead unit.
    outsider = compliance_board(world.user(Role.VIEWER, world.province_b), q2, world.province_a)
    assert outsider.total.required == outsider.total.approved == 1
    stranger = compliance_board(world.user(Role.VIEWER, world.root), q2, world.province_b)
    assert stranger.rows == []


def test_the_board_drills_down_to_a_page_of_projects(world):
    _plan, q2 = board_world(world)
    viewer = world.user(Role.VIEWER, world.province_a)
    page = compliance_projects(viewer, q2, world.province_a, state=NOT_STARTED, page_size=2)
    assert page.page.paginator.count == 3
    assert len(page.rows) == 2
    assert all(row.state == NOT_STARTED and row.report_id is None for row in page.rows)
    assert all(row.timeliness == "overdue" for row in page.rows)
    late = compliance_projects(viewer, q2, world.province_a, state=State.SUBMITTED).rows
    assert [(row.project.code, row.timeliness) for row in late] == [("P02", "late")]
    school = compliance_projects(viewer, q2, world.province_a, child=world.school_a2)
    assert {row.project.lead_unit for row in school.rows} == {world.school_a2}


def count_queries(call):
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.parametrize("selector", ["board", "projects", "overview"])
def test_wide_selectors_run_a_fixed_number_of_queries(world, selector):
    _plan, q2 = board_world(world, per_unit=1)
    viewer = world.user(Role.VIEWER, world.province_a)
    call = {
        "board": lambda: compliance_board(viewer, q2, world.province_a),
        "projects": lambda: compliance_projects(viewer, q2, world.province_a),
        "overview": lambda: quarterly_overview(viewer, q2, world.province_a),
    }[selector]
    fresh(viewer)
    few = count_queries(call)
    for project in second_plan(world, 6)[:4]:
        f.fill(services.report_start(actor=None, project=project, period=q2))
    fresh(viewer)
    assert count_queries(call) == few


def test_the_quarterly_overview_matches_the_reports(world):
    plan, q2 = board_world(world)
    p01 = ProgressReport.objects.get(project=plan.project, period=q2)
    assert p01.state == State.APPROVED
    services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=plan.goal_indicator, period=q2, actual_value=D("70")),
    )
    viewer = world.user(Role.VIEWER, world.province_a)
    overview = quarterly_overview(viewer, q2, world.province_a)

    reports = list(ProgressReport.objects.filter(period=q2))
    by_status = Counter(r.progress_status for r in reports)
    counts = {b.key: b.count for b in overview.projects_by_status}
    assert counts["not_reported"] == 7 - len(reports)
    assert all(counts[status] == n for status, n in by_status.items())
    assert overview.project_count == 7
    lines = [line for r in reports for line in r.activity_progress.all()]
    assert overview.activity_count == len(lines)
    assert overview.activities_on_schedule == sum(1 for x in lines if x.status == "on_schedule")
    [issue] = overview.indicators_by_issue
    assert issue.issue == plan.small.issue
    # Targets for Q2: the goal indicator and the two project indicators of each ... project
    # that has them (P01); results: the goal indicator's (70 < 75: not achieved).
    assert (issue.expected, issue.measured, issue.achieved) == (3, 1, 0)
    assert overview.money.total.allocated == 0


def test_open_problems_and_overdue_actions_are_listed_with_their_counts(world):
    plan = f.monitored_plan(world)
    q1 = f.start(plan, "Q1")
    _problem, overdue = f.problem_with_action(q1, due_on=date(2018, 1, 31))
    q2 = f.start(plan, "Q2")
    solved, action = f.problem_with_action(q2, description="แก้แล้ว")
    services.corrective_action_close(actor=None, action=action, expected_version=action.version)
    open_problem, _ = f.problem_with_action(q2, description="ยังไม่แก้")
    overview = quarterly_overview(
        world.user(Role.VIEWER, world.province_a), q2.period, world.province_a
    )
    assert overview.open_problem_count == 1
    assert overview.open_problems == [open_problem]
    assert overview.overdue_action_count == 1
    assert overview.overdue_actions == [overdue]
    assert solved not in overview.open_problems


def test_report_money_reads_the_budget_records(world):
    budget = small_budget(world)
    version_approve(actor=None, version=budget.plan.version, expected_version=None)
    for day, amount in ((date(2017, 11, 15), "10000.00"), (date(2018, 2, 10), "5000.00")):
        disbursement_create(
            actor=None,
            instance=Disbursement(
                allocation=budget.activity,
                date=day,
                document_number=f"ขบ{day:%m}",
                amount=D(amount),
            ),
        )
    commitment_create(
        actor=None,
        instance=Commitment(
            allocation=budget.activity,
            date=date(2018, 3, 1),
            document_number="PO-1",
            amount=D("20000.00"),
            counterpart="ร้านหนังสือ",
        ),
    )
    q2 = f.open_period(f.period("Q2"))
    report = services.report_start(actor=None, project=budget.plan.project, period=q2)
    money = report_money(report)
    assert money.allocated == D("100000.00")
    assert (money.disbursed_in_quarter, money.disbursed_to_date) == (D("5000.00"), D("15000.00"))
    assert (money.used_in_quarter, money.used_to_date) == (D("25000.00"), D("35000.00"))
    assert money.disbursement_rate == D("15.00")


def test_scores_roll_up_by_weight_and_unmeasured_indicators_are_left_out(world):
    plan = f.monitored_plan(world, approve=False)
    heavy = add(
        Indicator(
            goal=plan.small.goal,
            name="ร้อยละของครูที่ผ่านการพัฒนา",
            unit_of_measure="ร้อยละ",
            target_value=D(60),
            weight=D(3),
        )
    )
    add(IndicatorTarget(indicator=heavy, period="Q2", value=D(50)))
    second_goal = add(Goal(strategic_issue=plan.small.issue, number=2, title="ครูมีคุณภาพ"))
    unmeasured = add(
        Indicator(
            goal=second_goal, name="ไม่มีผล", unit_of_measure="ร้อยละ", target_value=D(1), weight=D(2)
        )
    )
    add(IndicatorTarget(indicator=unmeasured, period="Q2", value=D(1)))
    version_approve(actor=None, version=plan.version, expected_version=None)
    q2 = f.open_period(f.period("Q2"))
    for indicator, value in ((plan.goal_indicator, "76"), (heavy, "40")):
        services.result_record(
            actor=None,
            instance=IndicatorResult(indicator=indicator, period=q2, actual_value=D(value)),
        )

    rollup = score_rollup(PlanVersion.objects.get(pk=plan.version.pk), q2)

    goals = dict(rollup.goals)
    assert goals[plan.small.goal].score == D("1.25")  # (5 × 1 + 0 × 3) ÷ 4
    assert goals[second_goal].score is None
    assert goals[second_goal].coverage == D("0.00")
    [(_issue, line)] = rollup.issues
    assert (line.score, line.coverage) == (D("1.25"), D("66.67"))  # weight 4 of 6 measured
    assert rollup.plan.score == D("1.25")
    assert (rollup.plan.achieved_count, rollup.plan.measured_count) == (1, 2)

    h1 = score_rollup(PlanVersion.objects.get(pk=plan.version.pk), f.period("H1"))
    goals = dict(h1.goals)
    [first, second] = goals[plan.small.goal].indicators
    assert (first.outcome.target, first.outcome.result, first.outcome.score) == (D(75), D(76), D(5))
    assert (second.outcome.target, second.outcome.result) == (D(50), D(40))


def test_the_inbox_lists_what_waits_for_each_user(world):
    _plan, q2 = board_world(world)
    f.open_period(q2, due_in=5, locks_in=10)
    director = world.user(Role.APPROVER, world.province_a)
    waiting = reports_awaiting_approval(director)
    assert waiting.total == 1  # P02 (P01 is approved, the returned one is back with its unit)
    assert [task.project.code for task in waiting.items] == ["P02"]
    assert reports_awaiting_approval(world.user(Role.REPORTER, world.group_a1)).total == 0

    group = reports_to_write(world.user(Role.REPORTER, world.group_a1))
    assert group.total == 2  # two projects of group A1 not reported yet
    assert {task.state for task in group.items} == {NOT_STARTED}
    assert all(task.due_on == f.period("Q2").due_on and not task.overdue for task in group.items)
    school = reports_to_write(world.user(Role.REPORTER, world.school_a2))
    states = Counter(task.state for task in school.items)
    assert school.total == 3
    assert states == {NOT_STARTED: 1, State.DRAFT: 1, State.RETURNED: 1}
    assert reports_to_write(world.user(Role.VIEWER, world.province_a)).total == 0


def test_the_inbox_runs_a_fixed_number_of_queries(world):
    _plan, q2 = board_world(world, per_unit=1)
    f.open_period(q2, due_in=5, locks_in=10)
    reporter = world.user(Role.REPORTER, world.province_a)
    director = world.user(Role.APPROVER, world.province_a)

    def both():
        fresh(reporter, director)
        reports_to_write(reporter)
        reports_awaiting_approval(director)

    few = count_queries(both)
    for project in second_plan(world, 5)[:3]:
        r = f.fill(services.report_start(actor=None, project=project, period=q2))
        services.report_submit(actor=None, report=r, expected_version=r.version)
    assert count_queries(both) == few


def test_the_gap_analysis_reads_the_latest_settled_result(world):
    plan = f.monitored_plan(world)
    q2 = f.open_period(f.period("Q2"))
    services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=plan.goal_indicator, period=q2, actual_value=D("78")),
    )
    report = f.start(plan, "Q2")
    f.result(report, plan.achieved, "45")  # a draft report's result is not shown
    version = PlanVersion.objects.get(pk=plan.version.pk)
    [issue] = gap_analysis(version)
    [gap] = issue.gaps
    assert (gap.latest, gap.latest_source) == (D("78"), "ผลไตรมาสที่ 2/2561")
    assert latest_values([plan.achieved]) == {}


def test_the_evaluation_summary_counts_achievement_and_completion(world):
    plan = f.monitored_plan(world)
    q2 = f.open_period(f.period("Q2"))
    services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=plan.goal_indicator, period=q2, actual_value=D("76")),
    )
    h1 = f.period("H1")
    services.evaluation_prepare(actor=None, period=h1, unit=world.province_a)
    summary = evaluation_summary(world.user(Role.VIEWER, world.province_a), h1, world.province_a)
    [issue] = summary.by_issue
    assert (issue.issue, issue.indicators, issue.measured, issue.achieved) == (
        plan.small.issue,
        3,
        1,
        1,
    )
    assert issue.achieved_rate == D("33.33")
    [unit] = summary.by_unit
    assert (unit.unit, unit.projects, unit.due, unit.on_time) == (world.group_a1, 2, 0, 0)
    assert summary.projects.on_time_rate is None
    outsider = evaluation_summary(world.user(Role.VIEWER, world.province_b), h1, world.province_a)
    assert outsider.indicators.indicators == 0


def test_projects_of_draft_plans_do_not_have_to_report(world):
    plan = f.monitored_plan(world, approve=False)
    assert not required_projects(f.period("Q2")).exists()
    version_approve(actor=None, version=plan.version, expected_version=None)
    assert set(required_projects(f.period("Q2"))) == {plan.project, plan.small.other_project}


def test_score_rollup_and_evaluation_summary_run_fixed_queries(world, django_assert_num_queries):
    plan = f.monitored_plan(world)
    h1 = f.period("H1")
    services.evaluation_prepare(actor=None, period=h1, unit=world.province_a)
    version = PlanVersion.objects.select_related("plan").get(pk=plan.version.pk)
    viewer = world.user(Role.VIEWER, world.province_a)
    fresh(viewer)
    with django_assert_num_queries(6):  # indicators, targets, bands, steps, results, issues
        score_rollup(version, h1)
    with django_assert_num_queries(5):  # grants, by issue, issues, by unit, units
        evaluation_summary(viewer, h1, world.province_a)
