"""Reads of plans: alignment report, gap analysis, activity calendar, iCalendar, a unit's work.

The expected figures are worked out by hand from the data each test builds, not by calling
the code under test a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from phaen.core.access import Role
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import framework_create, node_create, node_retire
from phaen.plans import selectors
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    Goal,
    Indicator,
    PlanVersion,
    Project,
    ProjectOwner,
    StrategicIssue,
    Strategy,
)
from phaen.plans.selectors import (
    activity_calendar,
    alignment_report,
    current_version_ids,
    gap_analysis,
    ical_feed,
    register_latest_values,
    unit_work,
)
from phaen.plans.services import version_approve, version_create_revision, version_publish
from phaen.plans.tests.factories import add, link, make_plan
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db

FY2561 = FiscalPeriod(2561)  # 1 Oct 2017 – 30 Sep 2018


def month(year: int, number: int) -> date:
    return date(year, number, 1)


# Frameworks and plans for the tests ---------------------------------------------------------


def make_framework(code: str, rows: list[tuple[str, str]]) -> dict[str, FrameworkNode]:
    """A framework with nodes given as (code, parent code); returns the nodes by code."""
    framework = framework_create(
        actor=None,
        instance=Framework(
            code=code,
            name=f"กรอบ {code}",
            family=code,
            kind=Framework.Kind.OTHER,
            year_start=2561,
            year_end=2565,
            status=Framework.Status.FINAL,
        ),
    )
    nodes: dict[str, FrameworkNode] = {}
    for node_code, parent_code in rows:
        nodes[node_code] = node_create(
            actor=None,
            instance=FrameworkNode(
                framework=framework,
                parent=nodes.get(parent_code),
                code=node_code,
                title=f"ข้อ {node_code}",
            ),
        )
    return nodes


def retire(node: FrameworkNode) -> None:
    node.refresh_from_db()
    node_retire(actor=None, node=node, expected_version=node.version, reason="ยกเลิกในการทบทวน")


def project(version, strategy, code, budget, *, lead=None, start=None, end=None, **extra):
    return add(
        Project(
            plan_version=version,
            strategy=strategy,
            code=code,
            name=f"โครงการ {code}",
            start_month=start or month(2017, 10),
            end_month=end or month(2018, 9),
            budget=Decimal(budget),
            lead_unit=lead,
            **extra,
        )
    )


@dataclass
class AlignmentCase:
    version: PlanVersion
    nodes: dict[str, FrameworkNode]
    other: dict[str, FrameworkNode]
    issues: list[StrategicIssue]
    projects: dict[str, Project]


@pytest.fixture
def case(world) -> AlignmentCase:
    """A framework F with two levels and a second framework G, and a plan linked to both.

    F:  A ─ A1, A2, A3      B ─ B1, B2 (retired after P7 linked to it)
        C (retired, unused)  D      E ─ E1
    """
    nodes = make_framework(
        "test-f",
        [
            ("A", ""),
            ("A1", "A"),
            ("A2", "A"),
            ("A3", "A"),
            ("B", ""),
            ("B1", "B"),
            ("B2", "B"),
            ("C", ""),
            ("D", ""),
            ("E", ""),
            ("E1", "E"),
        ],
    )
    other = make_framework("test-g", [("G1", "")])
    _plan, version = make_plan(world.province_a)
    issue1 = add(StrategicIssue(plan_version=version, number=1, title="คุณภาพผู้เรียน"))
    issue2 = add(StrategicIssue(plan_version=version, number=2, title="บริหารจัดการ"))
    goal = add(Goal(strategic_issue=issue1, number=1, title="ผู้เรียนมีคุณภาพ"))
    indicator = add(
        Indicator(goal=goal, name="ร้อยละผู้เรียน", unit_of_measure="ร้อยละ", target_value=80)
    )
    s1 = add(Strategy(strategic_issue=issue1, number=1, title="ส่งเสริมการอ่าน"))
    s2 = add(Strategy(strategic_issue=issue2, number=1, title="พัฒนาระบบ"))
    lead = world.group_a1
    p = {
        "P1": project(version, s1, "P1", "100000", lead=lead),
        "P2": project(version, s1, "P2", "40000", lead=lead),
        "P3": project(version, s2, "P3", "25000", lead=lead),
        "P4": project(version, s2, "P4", "10000", lead=lead),
        "P5": project(version, s2, "P5", "5000", lead=lead),
        "P6": project(version, None, "P6", "7000", lead=lead),
        "P7": project(version, s2, "P7", "3000", lead=lead),
    }
    link(version, nodes["A1"], primary=True, project=p["P1"])
    link(version, nodes["B1"], project=p["P1"])
    # P2: primary elsewhere (G1); in F only other links: counted at the first in F's order (A2).
    link(version, other["G1"], primary=True, project=p["P2"])
    link(version, nodes["B1"], project=p["P2"])
    link(version, nodes["A2"], project=p["P2"])
    link(version, nodes["A"], primary=True, project=p["P3"])  # a top-level node
    link(version, other["G1"], primary=True, project=p["P5"])  # P4: nothing at all
    link(version, nodes["B"], primary=True, project=p["P6"])  # a project without a strategy
    link(version, nodes["B2"], primary=True, project=p["P7"])
    link(version, nodes["D"], strategic_issue=issue1)
    link(version, nodes["A2"], primary=True, indicator=indicator)
    retire(nodes["B2"])
    retire(nodes["C"])
    for node in nodes.values():
        node.refresh_from_db()
    return AlignmentCase(version, nodes, other, [issue1, issue2], p)


def by_code(report) -> dict[str, selectors.NodeSummary]:
    return {summary.node.code: summary for summary in report.nodes}


def codes(projects) -> set[str]:
    return {p.code for p in projects}


# Alignment ----------------------------------------------------------------------------------


def test_budget_per_node_counts_each_project_once_and_rolls_up(case):
    report = alignment_report(case.version, case.nodes["A"].framework)
    nodes = by_code(report)
    direct = {code: s.direct_budget for code, s in nodes.items()}
    rolled = {code: s.budget for code, s in nodes.items()}
    assert direct == {
        "A": Decimal(25000),  # P3
        "A1": Decimal(100000),  # P1 (primary; its B1 link does not count money)
        "A2": Decimal(40000),  # P2 (no primary in F: its first link in F's order)
        "A3": 0,
        "B": Decimal(7000),  # P6
        "B1": 0,
        "B2": Decimal(3000),  # P7, linked before B2 was retired
        "C": 0,
        "D": 0,
        "E": 0,
        "E1": 0,
    }
    assert rolled["A"] == Decimal(165000)
    assert rolled["B"] == Decimal(10000)
    assert rolled["A1"] == Decimal(100000)
    assert rolled["E"] == 0
    assert report.aligned_budget == Decimal(175000)
    assert report.total_budget == Decimal(190000)


def test_project_counts_at_the_node_and_with_everything_below(case):
    nodes = by_code(alignment_report(case.version, case.nodes["A"].framework))
    ids = {code: p.pk for code, p in case.projects.items()}
    assert nodes["A"].project_ids == {ids["P3"]}
    assert nodes["A"].subtree_project_ids == {ids["P1"], ids["P2"], ids["P3"]}
    assert nodes["B"].subtree_project_ids == {ids["P6"], ids["P7"]}
    assert nodes["B1"].subtree_project_ids == set()  # linked, but its money counts elsewhere


def test_unserved_nodes_skip_retired_ones_and_count_links_below(case):
    report = alignment_report(case.version, case.nodes["A"].framework)
    # A3: its parent is served but it is not. E and E1: nothing. C: retired. D: an issue link.
    assert [n.code for n in report.unserved] == ["A3", "E", "E1"]


def test_projects_aligned_to_nothing_in_this_framework_and_at_all(case):
    report = alignment_report(case.version, case.nodes["A"].framework)
    assert codes(report.unaligned_projects) == {"P4", "P5"}
    assert codes(report.aligned_to_nothing) == {"P4"}
    assert codes(alignment_report(case.version, case.other["G1"].framework).unaligned_projects) == {
        "P1",
        "P3",
        "P4",
        "P6",
        "P7",
    }


def test_the_matrix_at_the_top_level(case):
    report = alignment_report(case.version, case.nodes["A"].framework, depth=0)
    # Retired C is gone (nothing links to it); B stays although B2 below it is retired.
    assert [c.code for c in report.columns] == ["A", "B", "D", "E"]
    rows = {row.label: row for row in report.rows}
    column = {c.code: c.pk for c in report.columns}
    p1 = rows[str(case.projects["P1"])]
    assert p1.marks == {column["A"]: "primary", column["B"]: "secondary"}
    assert rows[str(case.projects["P2"])].marks == {
        column["A"]: "secondary",
        column["B"]: "secondary",
    }
    assert rows[str(case.projects["P4"])].marks == {}
    # Rows: issue 1, its projects, issue 2, its projects, then projects without a strategy.
    assert [row.label for row in report.rows] == [
        str(case.issues[0]),
        "P1 โครงการ P1",
        "P2 โครงการ P2",
        str(case.issues[1]),
        "P3 โครงการ P3",
        "P4 โครงการ P4",
        "P5 โครงการ P5",
        "P7 โครงการ P7",
        "P6 โครงการ P6",
    ]
    issue1 = rows[str(case.issues[0])]
    # The issue's own link (D), its indicator (A2 → A) and its projects' links.
    assert issue1.marks == {
        column["A"]: "primary",
        column["B"]: "secondary",
        column["D"]: "secondary",
    }


def test_the_matrix_one_level_down(case):
    report = alignment_report(case.version, case.nodes["A"].framework, depth=1)
    # B2 is retired but P7 still links to it, so it stays a column.
    assert [c.code for c in report.columns] == ["A1", "A2", "A3", "B1", "B2", "E1"]
    rows = {row.label: row for row in report.rows}
    column = {c.code: c.pk for c in report.columns}
    assert rows["P1 โครงการ P1"].marks == {column["A1"]: "primary", column["B1"]: "secondary"}
    assert rows["P3 โครงการ P3"].marks == {}  # linked above this level only
    assert rows["P7 โครงการ P7"].marks == {column["B2"]: "primary"}


def test_a_framework_of_one_level_falls_back_to_its_top_level(case):
    report = alignment_report(case.version, case.other["G1"].framework, depth=1)
    assert [c.code for c in report.columns] == ["G1"]


def test_the_alignment_report_runs_a_fixed_number_of_queries(case, django_assert_num_queries):
    framework = case.nodes["A"].framework
    with django_assert_num_queries(7):
        alignment_report(case.version, framework, depth=1)


def independent_figures(version, framework):
    """Budget per node (own, rolled up) and unserved nodes, computed the slow, obvious way:
    one project at a time, walking up ``parent`` links instead of reading paths."""
    nodes = {n.pk: n for n in FrameworkNode.objects.filter(framework=framework)}

    def chain(pk):  # the ids from the top down to the node: framework order when sorted
        node = nodes[pk]
        return (*chain(node.parent_id), pk) if node.parent_id else (pk,)

    direct = dict.fromkeys(nodes, Decimal(0))
    rolled = dict.fromkeys(nodes, Decimal(0))
    for proj in Project.objects.filter(plan_version=version):
        links = [lk for lk in AlignmentLink.objects.filter(project=proj) if lk.node_id in nodes]
        if not links:
            continue
        primary = [lk for lk in links if lk.is_primary]
        counted = primary[0] if primary else min(links, key=lambda lk: (chain(lk.node_id), lk.pk))
        direct[counted.node_id] += proj.budget
        for pk in chain(counted.node_id):
            rolled[pk] += proj.budget
    linked = set()
    for lk in AlignmentLink.objects.filter(plan_version=version, node__framework=framework):
        linked.update(chain(lk.node_id))
    unserved = [
        nodes[pk].code
        for pk in sorted(nodes, key=chain)
        if pk not in linked and not nodes[pk].is_retired
    ]
    by_code = {n.code: n.pk for n in nodes.values()}
    return (
        {code: direct[pk] for code, pk in by_code.items()},
        {code: rolled[pk] for code, pk in by_code.items()},
        unserved,
    )


def assert_report_matches(version, framework):
    direct, rolled, unserved = independent_figures(version, framework)
    report = alignment_report(version, framework)
    assert {s.node.code: s.direct_budget for s in report.nodes} == direct
    assert {s.node.code: s.budget for s in report.nodes} == rolled
    assert [n.code for n in report.unserved] == unserved


def test_the_report_agrees_with_an_independent_computation(case):
    for framework in (case.nodes["A"].framework, case.other["G1"].framework):
        assert_report_matches(case.version, framework)


def test_the_demo_plan_agrees_for_the_national_strategy_and_education_plan():
    call_command("load_demo", stdout=StringIO())
    # (Found by name: plans may not import the demo app, which sits above them.)
    plan = ActionPlan.objects.filter(
        fiscal_year__year=2561, unit__name="สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช"
    ).first()
    if plan is None:
        pytest.skip("load_demo has no FY2561 plan of the PEO yet")
    version = selectors.current_version(plan)
    for code in ("ns-2561", "nep-2560"):
        framework = Framework.objects.get(code=code)
        assert_report_matches(version, framework)
        assert alignment_report(version, framework).aligned_budget > 0


# Versions -----------------------------------------------------------------------------------


def test_the_current_version_the_user_may_see(world):
    plan, first = make_plan(world.province_a)
    add(StrategicIssue(plan_version=first, number=1, title="ประเด็น"))
    project(first, None, "P1", "1000", lead=world.group_a1)
    first = version_approve(actor=None, version=first, expected_version=first.version)
    first = version_publish(actor=None, version=first, expected_version=first.version)
    second = version_create_revision(actor=None, source=first)
    second = version_approve(actor=None, version=second, expected_version=second.version)
    plans = ActionPlan.objects.filter(pk=plan.pk)
    planner = world.user(Role.PLANNER, world.province_a)
    outsider = world.user(Role.PLANNER, world.province_b)
    assert current_version_ids(plans) == [second.pk]
    assert current_version_ids(plans, user=planner) == [second.pk]
    assert current_version_ids(plans, user=outsider) == [first.pk]  # the published one
    assert current_version_ids(plans, user=AnonymousUser()) == [first.pk]


# Gap analysis -------------------------------------------------------------------------------


@pytest.fixture
def gaps_plan(world):
    _plan, version = make_plan(world.province_a)
    issue1 = add(StrategicIssue(plan_version=version, number=1, title="คุณภาพ"))
    issue2 = add(StrategicIssue(plan_version=version, number=2, title="โอกาส"))
    add(StrategicIssue(plan_version=version, number=3, title="ยังไม่มีตัวชี้วัด"))
    goal1 = add(Goal(strategic_issue=issue1, number=1, title="ผู้เรียนมีคุณภาพ"))
    goal2 = add(Goal(strategic_issue=issue2, number=1, title="ลดการออกกลางคัน"))

    def indicator(goal, number, baseline, target, direction=Indicator.Direction.HIGHER):
        return add(
            Indicator(
                goal=goal,
                number=number,
                name=f"ตัวชี้วัด {goal.code}.{number}",
                unit_of_measure="ร้อยละ",
                direction=direction,
                baseline_value=None if baseline is None else Decimal(baseline),
                baseline_year=2560,
                target_value=Decimal(target),
            )
        )

    return {
        "higher": indicator(goal1, 1, "67.5", "80"),
        "met": indicator(goal1, 2, "92", "90"),
        "unknown": indicator(goal1, 3, None, "50"),
        "lower": indicator(goal2, 1, "12.5", "5", Indicator.Direction.LOWER),
        "lower_met": indicator(goal2, 2, "3", "5", Indicator.Direction.LOWER),
        "version": version,
    }


def gaps_by_name(summaries):
    return {gap.indicator.name: gap for summary in summaries for gap in summary.gaps}


def test_gap_analysis_against_the_baseline(gaps_plan):
    summaries = gap_analysis(gaps_plan["version"])
    assert [s.issue.number for s in summaries] == [1, 2, 3]
    gaps = gaps_by_name(summaries)
    higher = gaps["ตัวชี้วัด 1.1.1"]
    assert (higher.latest, higher.latest_source, higher.gap, higher.met) == (
        Decimal("67.5"),
        "ค่าฐาน",
        Decimal("12.5"),
        False,
    )
    assert higher.gap_text == "ต้องเพิ่มขึ้นอีก 12.5 ร้อยละ"
    met = gaps["ตัวชี้วัด 1.1.2"]
    assert (met.gap, met.met, met.gap_text) == (0, True, "บรรลุค่าเป้าหมายแล้ว")
    unknown = gaps["ตัวชี้วัด 1.1.3"]
    assert (unknown.latest, unknown.gap, unknown.met) == (None, None, None)
    assert unknown.gap_text == "ยังไม่มีข้อมูลสภาพปัจจุบัน"
    lower = gaps["ตัวชี้วัด 2.1.1"]
    assert (lower.gap, lower.met, lower.gap_text) == (Decimal("7.5"), False, "ต้องลดลงอีก 7.5 ร้อยละ")
    assert gaps["ตัวชี้วัด 2.1.2"].met is True
    counts = [(s.indicator_count, s.met_count, s.open_count, s.unknown_count) for s in summaries]
    assert counts == [(3, 1, 1, 1), (2, 1, 1, 0), (0, 0, 0, 0)]


@pytest.fixture
def latest_values_provider():
    saved = selectors._latest_values
    yield register_latest_values
    selectors._latest_values = saved


def test_gap_analysis_uses_the_latest_measured_values(gaps_plan, latest_values_provider):
    measured = {
        gaps_plan["higher"].pk: (Decimal("85"), "ไตรมาสที่ 2/2561"),
        gaps_plan["unknown"].pk: (Decimal("20"), "ไตรมาสที่ 2/2561"),
        gaps_plan["lower_met"].pk: (Decimal("6.25"), "ไตรมาสที่ 1/2561"),
    }
    seen = []

    def provider(indicators):
        seen.extend(indicators)
        return measured

    latest_values_provider(provider)
    gaps = gaps_by_name(gap_analysis(gaps_plan["version"]))
    assert len(seen) == 5  # every goal indicator, in one call
    higher = gaps["ตัวชี้วัด 1.1.1"]
    assert (higher.latest, higher.latest_source, higher.met) == (
        Decimal("85"),
        "ไตรมาสที่ 2/2561",
        True,
    )
    unknown = gaps["ตัวชี้วัด 1.1.3"]
    assert unknown.gap_text == "ต้องเพิ่มขึ้นอีก 30 ร้อยละ"  # a result, though no baseline
    lower_met = gaps["ตัวชี้วัด 2.1.2"]
    assert (lower_met.met, lower_met.gap_text) == (False, "ต้องลดลงอีก 1.25 ร้อยละ")
    assert gaps["ตัวชี้วัด 1.1.2"].latest_source == "ค่าฐาน"  # no result yet


def test_gap_analysis_runs_a_fixed_number_of_queries(gaps_plan, django_assert_num_queries):
    # The indicators, their issues, and the latest measured values (the monitoring app's).
    with django_assert_num_queries(3):
        summaries = gap_analysis(gaps_plan["version"])
        [gap.gap_text for summary in summaries for gap in summary.gaps]


# The activity calendar ----------------------------------------------------------------------


def activity(proj, name, start, end, budget="0", **extra):
    return add(
        Activity(
            project=proj,
            name=name,
            start_month=start,
            end_month=end,
            budget=Decimal(budget),
            **extra,
        )
    )


@pytest.fixture
def calendar_plan(world):
    _plan, version = make_plan(world.province_a)
    single = project(version, None, "P1", "100000", lead=world.group_a1)
    multi = project(
        version,
        None,
        "P2",
        "50000",
        lead=world.group_a1,
        start=month(2017, 7),  # FY2560
        end=month(2019, 3),  # FY2562
        is_multi_year=True,
    )
    activity(single, "ข้ามปีปฏิทิน", month(2017, 11), month(2018, 2))
    activity(single, "เดือนสุดท้าย", month(2018, 9), month(2018, 9))
    activity(multi, "คร่อมปีงบประมาณ", month(2017, 8), month(2018, 11))
    activity(multi, "ปีถัดไปทั้งหมด", month(2018, 12), month(2019, 2))
    return version


def flags(*indexes: int) -> list[bool]:
    return [index in indexes for index in range(12)]


def test_calendar_months_follow_the_fiscal_year(calendar_plan):
    calendar = activity_calendar(Activity.objects.filter(plan_version=calendar_plan), FY2561)
    assert [m.label() for m in calendar.months][:4] == ["ต.ค. 60", "พ.ย. 60", "ธ.ค. 60", "ม.ค. 61"]
    assert calendar.months[-1].label() == "ก.ย. 61"
    rows = {row.activity.name: row for row in calendar.rows}
    crossing = rows["ข้ามปีปฏิทิน"]  # Nov 2017 – Feb 2018: across the calendar year
    assert crossing.months == flags(1, 2, 3, 4)
    assert (crossing.first, crossing.span) == (1, 4)
    assert rows["เดือนสุดท้าย"].months == flags(11)
    assert not rows["ข้ามปีปฏิทิน"].starts_before
    assert not rows["ข้ามปีปฏิทิน"].ends_after


def test_calendar_clips_multi_year_activities_to_the_year(calendar_plan):
    calendar = activity_calendar(Activity.objects.filter(plan_version=calendar_plan), FY2561)
    rows = {row.activity.name: row for row in calendar.rows}
    across = rows["คร่อมปีงบประมาณ"]  # Aug 2017 – Nov 2018
    assert across.months == [True] * 12
    assert (across.starts_before, across.ends_after) == (True, True)
    later = rows["ปีถัดไปทั้งหมด"]  # Dec 2018 – Feb 2019: FY2562 only
    assert later.months == [False] * 12
    assert later.span == 0
    next_year = activity_calendar(
        Activity.objects.filter(plan_version=calendar_plan), FiscalPeriod(2562)
    )
    rows = {row.activity.name: row for row in next_year.rows}
    assert rows["ปีถัดไปทั้งหมด"].months == flags(2, 3, 4)
    assert rows["คร่อมปีงบประมาณ"].months == flags(0, 1)


def test_calendar_runs_one_query(calendar_plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = activity_calendar(Activity.objects.filter(plan_version=calendar_plan), FY2561)
        [(row.project.lead_unit, row.issue, row.activity.responsible_unit) for row in calendar.rows]


# iCalendar ----------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: remove every CRLF followed by one space, then split the lines."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_ical_escapes_text_and_ends_lines_with_crlf(calendar_plan):
    proj = Project.objects.get(plan_version=calendar_plan, code="P1")
    tricky = activity(
        proj, "ประชุม; สรุปผล, รายงาน\\ไตรมาส\r\nบรรทัดใหม่", month(2018, 1), month(2018, 3)
    )
    text = ical_feed([tricky], name="กลุ่มงาน; ทดสอบ, ปฏิทิน", host="phaen.example")
    lines = unfold(text)
    assert "\n" not in text.replace("\r\n", "")  # no bare LF or CR anywhere
    assert "\r" not in text.replace("\r\n", "")
    assert "X-WR-CALNAME:กลุ่มงาน\\; ทดสอบ\\, ปฏิทิน" in lines
    assert "SUMMARY:ประชุม\\; สรุปผล\\, รายงาน\\\\ไตรมาส\\nบรรทัดใหม่" in lines
    assert f"DESCRIPTION:โครงการ: {proj}\\nเจ้าภาพหลัก: {proj.lead_unit}" in lines
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert f"UID:activity-{tricky.lineage}@phaen.example" in lines


def test_ical_folds_long_thai_lines_at_75_octets(calendar_plan):
    proj = Project.objects.get(plan_version=calendar_plan, code="P1")
    name = "อบรมเชิงปฏิบัติการพัฒนาครูผู้สอนภาษาไทยระดับประถมศึกษาเพื่อยกระดับผลสัมฤทธิ์ทางการเรียน"
    long = activity(proj, name, month(2018, 1), month(2018, 3))
    text = ical_feed([long], name="ปฏิทิน", host="phaen.example")
    physical = text.split("\r\n")[:-1]
    assert any(line.startswith(" ") for line in physical)  # something was folded
    for line in physical:
        encoded = line.encode("utf-8")
        assert len(encoded) <= 75, line
        encoded.decode("utf-8")  # never split inside a character's octets
    assert f"SUMMARY:{name}" in unfold(text)


def test_ical_dtend_is_exclusive(calendar_plan):
    proj = Project.objects.get(plan_version=calendar_plan, code="P1")
    quarter = activity(proj, "ไตรมาส 2", month(2018, 1), month(2018, 3))
    december = activity(proj, "ธันวาคม", month(2017, 12), month(2017, 12))
    february = activity(proj, "กุมภาพันธ์", month(2018, 2), month(2018, 2))
    lines = unfold(ical_feed([quarter, december, february], name="x", host="h"))
    starts = [line for line in lines if line.startswith("DTSTART")]
    ends = [line for line in lines if line.startswith("DTEND")]
    assert starts == [
        "DTSTART;VALUE=DATE:20180101",
        "DTSTART;VALUE=DATE:20171201",
        "DTSTART;VALUE=DATE:20180201",
    ]
    # The day after the last day of the end month: across a year and after 28 February.
    assert ends == [
        "DTEND;VALUE=DATE:20180401",
        "DTEND;VALUE=DATE:20180101",
        "DTEND;VALUE=DATE:20180301",
    ]


# A unit's work ------------------------------------------------------------------------------


@pytest.fixture
def work_plan(world):
    _plan, version = make_plan(world.province_a)
    project(version, None, "P1", "90000", lead=world.school_a2, lead_role="จัดอบรม")
    co = project(version, None, "P2", "50000", lead=world.group_a1)
    supported = project(version, None, "P3", "20000", lead=world.group_a1)
    unrelated = project(version, None, "P4", "10000", lead=world.group_a1)
    add(
        ProjectOwner(
            project=co,
            unit=world.school_a2,
            role=ProjectOwner.OwnerRole.CO_OWNER,
            role_description="จัดหาวิทยากร",
        )
    )
    add(
        ProjectOwner(
            project=supported,
            unit=world.school_a2,
            role=ProjectOwner.OwnerRole.SUPPORTER,
            role_description="สถานที่",
        )
    )
    add(ProjectOwner(project=unrelated, unit=world.province_a, role="supporter"))
    _other_plan, other_version = make_plan(world.province_b)
    project(other_version, None, "X1", "1000", lead=world.school_b1)
    return version, other_version


def test_unit_work_lists_roles_with_their_written_duties(world, work_plan):
    version, _other = work_plan
    planner = world.user(Role.PLANNER, world.province_a)
    work = unit_work(planner, world.school_a2, [version.pk])
    assert [(p.code, p.lead_role) for p in work.led] == [("P1", "จัดอบรม")]
    assert [(p.code, o.role_description) for p, o in work.co_owned] == [("P2", "จัดหาวิทยากร")]
    assert [(p.code, o.role_description) for p, o in work.supported] == [("P3", "สถานที่")]


def test_unit_work_is_scoped_to_the_user_and_the_versions(world, work_plan):
    version, other_version = work_plan
    outsider = world.user(Role.PLANNER, world.province_b)
    work = unit_work(outsider, world.school_a2, [version.pk, other_version.pk])
    assert (work.led, work.co_owned, work.supported) == ([], [], [])
    # The school's reporter sees the draft projects it leads or works on, not the plan's others.
    reporter = world.user(Role.REPORTER, world.school_a2)
    work = unit_work(reporter, world.school_a2, [version.pk])
    assert [p.code for p in work.led] == ["P1"]
    assert [p.code for p, _owner in work.co_owned] == ["P2"]
    assert unit_work(reporter, world.school_a2, [other_version.pk]).led == []


def test_unit_work_runs_a_fixed_number_of_queries(world, work_plan, django_assert_num_queries):
    version, _other = work_plan
    planner = world.user(Role.PLANNER, world.province_a)
    with django_assert_num_queries(3):  # grants, led, roles
        work = unit_work(planner, world.school_a2, [version.pk])
        [(p.plan_version.plan, p.strategy) for p in work.led]
        [(p.plan_version.plan, p.lead_unit) for p, _o in work.co_owned + work.supported]
