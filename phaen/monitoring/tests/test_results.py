"""Indicator results: "plan before results", scoring through results for every rule in both
directions (edge values at the band thresholds), and where results belong."""

from decimal import Decimal as D  # noqa: N817

import pytest

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import IndicatorResult
from phaen.monitoring.tests import factories as f
from phaen.plans.services import version_approve

pytestmark = pytest.mark.django_db

HIGHER_BANDS = [(1, "5"), (2, "10"), (3, "15"), (4, "20"), (5, "25")]
LOWER_BANDS = [(1, "15"), (2, "12"), (3, "9"), (4, "6"), (5, "3")]
LINEAR_BANDS = [(1, "60"), (2, "70"), (3, "80"), (4, "90"), (5, "100")]


def plan_with(world, **indicator):
    """The monitored plan with one more project indicator (Q2 target), approved; its Q2 report."""
    plan = f.monitored_plan(world, approve=False)
    added = f.project_indicator(plan.project, "ตัวชี้วัดทดสอบ", **indicator)
    version_approve(actor=None, version=plan.version, expected_version=None)
    return plan, added, f.start(plan)


CASES = [
    # rule, direction, Q2 target, bands / steps, actual → achieved, score, percent of target
    ("achieved", "higher", "40", {}, "40", True, "5", "100.00"),
    ("achieved", "higher", "40", {}, "39.99", False, "0", "99.98"),
    ("achieved", "lower", "10", {}, "10", True, "5", "100.00"),
    ("achieved", "lower", "10", {}, "10.01", False, "0", "99.90"),
    ("bands", "higher", "25", {"bands": HIGHER_BANDS}, "15", False, "3", "60.00"),
    ("bands", "higher", "25", {"bands": HIGHER_BANDS}, "14.99", False, "2", "59.96"),
    ("bands", "higher", "25", {"bands": HIGHER_BANDS}, "25", True, "5", "100.00"),
    ("bands", "higher", "25", {"bands": HIGHER_BANDS}, "4.99", False, "0", "19.96"),
    ("bands", "lower", "3", {"bands": LOWER_BANDS}, "9", False, "3", "33.33"),
    ("bands", "lower", "3", {"bands": LOWER_BANDS}, "9.01", False, "2", "33.30"),
    ("bands", "lower", "3", {"bands": LOWER_BANDS}, "3", True, "5", "100.00"),
    ("bands", "lower", "3", {"bands": LOWER_BANDS}, "15.01", False, "0", "19.99"),
    ("milestones", "higher", "4", {"steps": 5}, "4", True, "4", "100.00"),
    ("milestones", "higher", "4", {"steps": 5}, "3", False, "3", "75.00"),
    ("milestones", "higher", "3", {"steps": 4}, "2", False, "2.5", "66.67"),
    ("linear", "higher", "80", {"bands": LINEAR_BANDS}, "85", True, "3.5", "106.25"),
    ("linear", "higher", "80", {"bands": LINEAR_BANDS}, "80", True, "3", "100.00"),
    ("linear", "higher", "80", {"bands": LINEAR_BANDS}, "59.99", False, "0", "74.99"),
    ("linear", "higher", "80", {"bands": LINEAR_BANDS}, "100", True, "5", "125.00"),
    ("linear", "lower", "6", {"bands": LOWER_BANDS}, "7.5", False, "3.5", "80.00"),
    ("linear", "lower", "6", {"bands": LOWER_BANDS}, "6", True, "4", "100.00"),
]


@pytest.mark.parametrize(
    ("rule", "direction", "target", "parts", "actual", "achieved", "score", "percent"), CASES
)
def test_results_are_scored_by_the_indicators_rule(
    world, rule, direction, target, parts, actual, achieved, score, percent
):
    _plan, indicator, report = plan_with(
        world,
        scoring_rule=rule,
        direction=direction,
        targets={"Q2": target},
        **parts,
    )
    recorded = f.result(report, indicator, actual)
    assert recorded.target_value == D(target)
    assert recorded.achieved is achieved
    assert recorded.score == D(score)
    assert recorded.percent_of_target == D(percent)
    assert recorded.period == report.period
    assert recorded.indicator_lineage == indicator.lineage
    assert recorded.unit_path == world.group_a1.path


def test_a_milestone_result_is_a_whole_number_of_steps(world):
    _plan, indicator, report = plan_with(
        world, scoring_rule="milestones", targets={"Q2": "3"}, steps=5
    )
    with pytest.raises(DomainError, match="จำนวนเต็ม"):
        f.result(report, indicator, "2.5")
    assert not IndicatorResult.objects.exists()


def test_no_result_without_a_target_for_the_period(world):
    _plan, indicator, report = plan_with(world, targets={"Q4": "100"})
    with pytest.raises(DomainError, match="ยังไม่มีค่าเป้าหมายของไตรมาสที่ 2/2561 จึงบันทึกผลไม่ได้"):
        f.result(report, indicator, "50")
    assert not IndicatorResult.objects.exists()
    report.refresh_from_db()
    assert report.version == 1


def test_a_goal_indicators_result_stands_alone_and_is_entered_by_its_evaluator(world):
    plan = f.monitored_plan(world)
    q2 = f.open_period(f.period("Q2"))
    with pytest.raises(OutOfScopeError, match="หน่วยงานผู้ประเมิน"):
        services.result_record(
            actor=world.user(Role.REPORTER, world.group_a1),
            instance=IndicatorResult(
                indicator=plan.goal_indicator, period=q2, actual_value=D("76")
            ),
        )
    recorded = services.result_record(
        actor=world.user(Role.REPORTER, world.province_a),
        instance=IndicatorResult(indicator=plan.goal_indicator, period=q2, actual_value=D("76")),
    )
    assert recorded.report is None
    assert (recorded.target_value, recorded.achieved) == (D("75"), True)
    assert recorded.unit_path == world.province_a.path
    # The year's target is the indicator's annual target; Q1 has none in the plan.
    year = f.open_period(f.period("YEAR"))
    annual = services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=plan.goal_indicator, period=year, actual_value=D("79")),
    )
    assert (annual.target_value, annual.achieved) == (D("80"), False)
    with pytest.raises(DomainError, match="ยังไม่มีค่าเป้าหมาย"):
        services.result_record(
            actor=None,
            instance=IndicatorResult(
                indicator=plan.goal_indicator, period=f.period("Q1"), actual_value=D("70")
            ),
        )
    assert IndicatorResult.objects.count() == 2


def test_results_take_the_measurer_and_method_from_the_kpi_sheet(world):
    _plan, indicator, report = plan_with(
        world,
        targets={"Q2": "10"},
        evaluator_person="นายประเมิน ผล",
        collection_method="แบบสำรวจออนไลน์",
    )
    recorded = f.result(report, indicator, "11")
    assert (recorded.measured_by, recorded.method) == ("นายประเมิน ผล", "แบบสำรวจออนไลน์")


def test_project_results_belong_to_the_projects_report(world):
    plan = f.monitored_plan(world)
    report = f.start(plan)
    q2 = report.period
    with pytest.raises(DomainError, match="บันทึกในรายงานความก้าวหน้าของโครงการ"):
        services.result_record(
            actor=None,
            instance=IndicatorResult(indicator=plan.achieved, period=q2, actual_value=D("1")),
        )
    with pytest.raises(DomainError, match="บันทึกแยกจากรายงาน"):
        services.result_record(
            actor=None,
            instance=IndicatorResult(
                indicator=plan.goal_indicator, report=report, actual_value=D("1")
            ),
        )
    f.result(report, plan.achieved, "45")
    with pytest.raises(DomainError, match="มีผลของไตรมาสที่ 2/2561 แล้ว"):
        f.result(report, plan.achieved, "46")
    assert IndicatorResult.objects.count() == 1


def test_updating_a_result_rescores_it_and_the_audit_shows_both_values(world):
    plan = f.monitored_plan(world)
    report = f.start(plan)
    recorded = f.result(report, plan.bands, "25")
    assert recorded.score == D(5)
    recorded.actual_value = D("12")
    recorded.note = "อบรมได้ไม่ครบ"
    updated = services.result_update(
        actor=world.user(Role.REPORTER, world.group_a1),
        instance=recorded,
        expected_version=recorded.version,
    )
    assert (updated.score, updated.achieved, updated.note) == (D(2), False, "อบรมได้ไม่ครบ")
    event = AuditEvent.objects.get(action="monitoring.indicatorresult.updated")
    assert (D(event.before["score"]), D(event.after["score"])) == (D(5), D(2))
    assert (D(event.before["actual_value"]), D(event.after["actual_value"])) == (D(25), D(12))


def test_results_of_an_approved_report_are_locked(world):
    plan = f.monitored_plan(world)
    report = f.fill(f.start(plan))
    recorded = f.result(report, plan.achieved, "45")
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    services.report_approve(actor=None, report=report, expected_version=report.version)
    recorded.actual_value = D("10")
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.result_update(actor=None, instance=recorded, expected_version=recorded.version)
    with pytest.raises(DomainError, match="ถูกล็อก"):
        f.result(report, plan.bands, "20")
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.result_delete(actor=None, instance=recorded)
    assert IndicatorResult.objects.get().actual_value == D("45")
