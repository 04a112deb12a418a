"""A large action plan built with bulk inserts, for the plan-page benchmark and its scale test.

    build_plan(unit=peo, lead_units=work_groups, partner_units=..., size=PlanSize())

makes one plan version of ``unit`` (by default 300 projects and 1,500 activities, some of them
sub-activities) with 5 missions, 6 strategic issues, goals with ~40 indicators and their Q1–Q4
targets, strategies, projects led by ``lead_units`` with ~2 co-owners or supporters each,
project indicators and alignment links to the national frameworks of migration
``frameworks/0002`` (when they are there). Every row goes in with ``bulk_create`` (a few dozen
statements, not one service call per row); what the services would compute is computed here:
``plan_version`` of every content row, ``Project.plan_unit_path`` / ``lead_unit_path`` and the
lineage ids (seeded, so two runs build the same plan). The budgets and months obey the plan's
rules (activities inside their project's months and budget, sub-activities inside their
parent's), so the plan can be approved, published and revised through the real services:
:func:`publish_and_revise` does that, which gives a published version and a draft copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from benchmarks.bulk import BulkBuilder, create_plan
from phaen.frameworks.models import FrameworkNode
from phaen.orgs.models import OrgUnit
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
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

BE_OFFSET = 543
QUARTERS = ("Q1", "Q2", "Q3", "Q4")

ISSUE_TITLES = [
    "การจัดการศึกษาเพื่อความมั่นคง",
    "การพัฒนาหลักสูตร กระบวนการเรียนการสอน การวัดและประเมินผล",
    "การสร้างโอกาสและความเสมอภาคทางการศึกษา",
    "การพัฒนาครูและบุคลากรทางการศึกษา",
    "การจัดการศึกษาเพื่อสร้างเสริมคุณภาพชีวิตที่เป็นมิตรกับสิ่งแวดล้อม",
    "การพัฒนาประสิทธิภาพการบริหารจัดการ",
    "การส่งเสริมการมีส่วนร่วมของทุกภาคส่วน",
    "การพัฒนาเทคโนโลยีดิจิทัลเพื่อการศึกษา",
]
PROJECT_KINDS = [
    "โครงการส่งเสริม",
    "โครงการพัฒนา",
    "โครงการยกระดับ",
    "โครงการขับเคลื่อน",
    "โครงการสร้างเสริม",
]
PROJECT_TOPICS = [
    "การอ่านออกเขียนได้ของนักเรียนชั้นประถมศึกษา",
    "ผลสัมฤทธิ์ทางการเรียนระดับชาติ (O-NET)",
    "การจัดการเรียนรู้เชิงรุก (Active Learning)",
    "ทักษะภาษาอังกฤษเพื่อการสื่อสาร",
    "ความปลอดภัยของนักเรียนในสถานศึกษา",
    "การศึกษาปฐมวัยอย่างมีคุณภาพ",
    "ลูกเสือ เนตรนารี และยุวกาชาด",
    "การแนะแนวอาชีพและการศึกษาต่อ",
    "ครูและบุคลากรทางการศึกษาด้วยระบบคูปอง",
    "การนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    "ระบบดูแลช่วยเหลือนักเรียน",
    "โรงเรียนคุณภาพประจำตำบล",
    "การศึกษาเอกชนในจังหวัด",
    "สะเต็มศึกษา (STEM Education)",
    "การป้องกันยาเสพติดในสถานศึกษา",
    "คุณธรรม จริยธรรม และค่านิยมหลักของคนไทย",
]
ACTIVITY_NAMES = [
    "ประชุมเชิงปฏิบัติการจัดทำแผน",
    "อบรมพัฒนาครูแกนนำ",
    "นิเทศ ติดตามการดำเนินงานในสถานศึกษา",
    "จัดกิจกรรมแข่งขันทักษะทางวิชาการ",
    "จัดทำสื่อและคู่มือการดำเนินงาน",
    "ประเมินผลและสรุปรายงานโครงการ",
    "ประชุมคณะกรรมการขับเคลื่อน",
    "แลกเปลี่ยนเรียนรู้และถอดบทเรียน",
]
INDICATOR_NAMES = [
    "ร้อยละของนักเรียนที่มีผลสัมฤทธิ์ทางการเรียนระดับดีขึ้นไป",
    "จำนวนสถานศึกษาที่ผ่านเกณฑ์การประเมิน",
    "ร้อยละของครูที่ได้รับการพัฒนาตามแผน",
    "ระดับความสำเร็จของการขับเคลื่อนนโยบาย",
    "ร้อยละของประชากรวัยเรียนที่ได้รับการศึกษา",
    "จำนวนนักเรียนที่ได้รับทุนการศึกษา",
]
ROLE_TEXT = {
    ProjectOwner.OwnerRole.CO_OWNER: "ร่วมจัดกิจกรรมและติดตามผลในพื้นที่",
    ProjectOwner.OwnerRole.SUPPORTER: "สนับสนุนข้อมูล วิทยากร และสถานที่",
}


@dataclass(frozen=True)
class PlanSize:
    """How much the plan holds (the defaults: the issue's 300 projects, 1,500 activities)."""

    projects: int = 300
    activities: int = 1_500
    issues: int = 6
    goals_per_issue: int = 2
    goal_indicators: int = 40
    strategies_per_issue: int = 4
    missions: int = 5
    owners_per_project: int = 2
    #: one project in ``unassigned_every`` has no strategy yet (0: none)
    unassigned_every: int = 40
    #: one activity in ``sub_activity_every`` is a sub-activity of the one before it
    sub_activity_every: int = 5


@dataclass
class BuiltPlan:
    plan: ActionPlan
    version: PlanVersion
    counts: dict[str, int] = field(default_factory=dict)


def _month(year: int, month: int) -> date:
    return date(year, month, 1)


def fiscal_months(be_year: int) -> list[date]:
    """The twelve months of a fiscal year (first days, October first)."""
    ce = be_year - BE_OFFSET
    return [_month(ce - 1, m) for m in range(10, 13)] + [_month(ce, m) for m in range(1, 10)]


class _Builder(BulkBuilder):
    def split(self, total: int, parts: int) -> list[int]:
        """``total`` spread over ``parts`` parts, each at least 1, unevenly."""
        if parts <= 0:
            return []
        counts = [1] * parts
        for _ in range(max(0, total - parts)):
            counts[self.rng.randrange(parts)] += 1
        return counts


def _nodes(framework_code: str, depth: int | None = None) -> list[FrameworkNode]:
    nodes = FrameworkNode.objects.filter(framework__code=framework_code, is_retired=False)
    if depth is not None:
        nodes = nodes.filter(depth=depth)
    return list(nodes.order_by("path"))


@transaction.atomic
def build_plan(
    *,
    unit: OrgUnit,
    lead_units: list[OrgUnit],
    partner_units: list[OrgUnit],
    year: int = 2561,
    size: PlanSize | None = None,
    title: str = "",
    seed: int = 2561,
    actor: Any = None,
) -> BuiltPlan:
    """One draft plan version of ``unit`` for fiscal year ``year`` (BE), filled in bulk."""
    size = size or PlanSize()
    b = _Builder(seed)
    rng, insert = b.rng, b.insert
    fiscal_year, _created = FiscalYear.objects.get_or_create(year=year)
    plan, version = create_plan(
        unit=unit,
        fiscal_year=fiscal_year,
        title=title or f"แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {year} {unit.name}",
        actor=actor,
        vision="ผู้เรียนได้รับการศึกษาอย่างทั่วถึง มีคุณภาพ และมีทักษะในศตวรรษที่ 21",
        values="มุ่งผลสัมฤทธิ์ ทำงานเป็นทีม ยึดมั่นธรรมาภิบาล",
    )
    stamp = {"plan_version": version, "created_by": actor, "updated_by": actor}

    insert(
        Mission,
        [
            Mission(number=n, text=f"พันธกิจข้อที่ {n}: ส่งเสริมและพัฒนาการจัดการศึกษา", **stamp)
            for n in range(1, size.missions + 1)
        ],
    )
    issues = insert(
        StrategicIssue,
        [
            StrategicIssue(
                number=n,
                title=ISSUE_TITLES[(n - 1) % len(ISSUE_TITLES)],
                description="ประเด็นยุทธศาสตร์ตามแผนพัฒนาการศึกษาของจังหวัด",
                lineage=b.lineage(),
                **stamp,
            )
            for n in range(1, size.issues + 1)
        ],
    )
    goals = insert(
        Goal,
        [
            Goal(
                strategic_issue=issue,
                number=n,
                title=f"เป้าประสงค์ที่ {issue.number}.{n} ผู้เรียนและสถานศึกษามีคุณภาพตามมาตรฐาน",
                lineage=b.lineage(),
                **stamp,
            )
            for issue in issues
            for n in range(1, size.goals_per_issue + 1)
        ],
    )
    strategies = insert(
        Strategy,
        [
            Strategy(
                strategic_issue=issue,
                number=n,
                title=f"กลยุทธ์ที่ {issue.number}.{n} พัฒนาและยกระดับการจัดการศึกษา",
                lineage=b.lineage(),
                **stamp,
            )
            for issue in issues
            for n in range(1, size.strategies_per_issue + 1)
        ],
    )

    # Goal indicators with cumulative Q1–Q4 targets.
    per_goal = b.split(size.goal_indicators, len(goals)) if goals else []
    goal_indicators: list[Indicator] = []
    for goal, number in zip(goals, per_goal, strict=True):
        for n in range(1, number + 1):
            baseline = Decimal(rng.randrange(40, 80))
            goal_indicators.append(
                Indicator(
                    goal=goal,
                    number=n,
                    name=rng.choice(INDICATOR_NAMES),
                    unit_of_measure="ร้อยละ",
                    baseline_value=baseline,
                    baseline_year=year - 1,
                    target_value=baseline + Decimal(rng.randrange(5, 20)),
                    evaluator_unit=rng.choice(lead_units),
                    scoring_rule=Indicator.ScoringRule.BANDS,
                    lineage=b.lineage(),
                    **stamp,
                )
            )
    goal_indicators = insert(Indicator, goal_indicators)

    # Projects: spread over the strategies, a few without one; months inside the fiscal year.
    months = fiscal_months(year)
    projects: list[Project] = []
    for index in range(size.projects):
        unassigned = size.unassigned_every and index % size.unassigned_every == 0
        strategy = None if unassigned else strategies[index % len(strategies)]
        lead = lead_units[index % len(lead_units)]
        first = rng.randrange(0, 9)
        last = rng.randrange(first + 2, 12)
        projects.append(
            Project(
                strategy=strategy,
                code=f"{year}-{index + 1:04d}",
                name=f"{rng.choice(PROJECT_KINDS)}{rng.choice(PROJECT_TOPICS)} ปี {year}",
                rationale="หลักการและเหตุผลของโครงการ",
                objectives="1. เพื่อพัฒนาคุณภาพผู้เรียน\n2. เพื่อส่งเสริมการมีส่วนร่วม",
                target_group="นักเรียนและครูในจังหวัด",
                area=unit.province or unit.name,
                start_month=months[first],
                end_month=months[last],
                budget=b.money(50_000, 2_000_000, 1_000),
                lead_unit=lead,
                lead_role="รับผิดชอบการดำเนินงานโครงการ",
                responsible_name="นางสาวตัวอย่าง ใจดี",
                responsible_position="นักวิชาการศึกษา",
                responsible_phone="075-000000",
                plan_unit_path=unit.path,
                lead_unit_path=lead.path,
                lineage=b.lineage(),
                **stamp,
            )
        )
    projects = insert(Project, projects)

    # Activities: top-level ones first (their ids are the parents of the sub-activities).
    per_project = b.split(size.activities, len(projects))
    top: list[Activity] = []
    subs: list[tuple[int, Activity]] = []  # (index of the parent in ``top``, sub-activity)
    responsible = [*lead_units, *partner_units]
    serial = 0
    for project, number in zip(projects, per_project, strict=True):
        first, last = months.index(project.start_month), months.index(project.end_month)
        left = project.budget
        parent_index: int | None = None
        position = 0
        for _ in range(number):
            serial += 1
            start = rng.randrange(first, last + 1)
            end = rng.randrange(start, last + 1)
            name = rng.choice(ACTIVITY_NAMES)
            is_sub = (
                size.sub_activity_every
                and parent_index is not None
                and serial % size.sub_activity_every == 0
            )
            if is_sub:
                parent = top[parent_index]  # type: ignore[index]
                budget = (parent.budget / 2).quantize(Decimal("0.01"))
                sub = Activity(
                    project=project,
                    number=1,
                    name=f"{name} (กิจกรรมย่อย)",
                    responsible_unit=rng.choice(responsible),
                    start_month=parent.start_month,
                    end_month=parent.end_month,
                    budget=budget,
                    lineage=b.lineage(),
                    **stamp,
                )
                subs.append((parent_index, sub))  # type: ignore[arg-type]
                continue
            position += 1
            budget = min(left, (project.budget / number).quantize(Decimal("0.01")))
            left -= budget
            top.append(
                Activity(
                    project=project,
                    number=position,
                    name=name,
                    responsible_unit=rng.choice(responsible),
                    start_month=months[start],
                    end_month=months[end],
                    budget=budget,
                    lineage=b.lineage(),
                    **stamp,
                )
            )
            parent_index = len(top) - 1
    top = insert(Activity, top)
    for parent_index, sub in subs:
        sub.parent = top[parent_index]
    insert(Activity, [sub for _parent, sub in subs])

    # Project indicators (one or two each) and every indicator's targets.
    project_indicators = insert(
        Indicator,
        [
            Indicator(
                project=project,
                number=n,
                name=rng.choice(INDICATOR_NAMES),
                unit_of_measure="ร้อยละ",
                target_value=Decimal(rng.randrange(60, 100)),
                lineage=b.lineage(),
                **stamp,
            )
            for project in projects
            for n in range(1, rng.choice((1, 1, 2)) + 1)
        ],
    )
    targets: list[IndicatorTarget] = []
    bands: list[ScoringBand] = []
    for indicator in goal_indicators:
        baseline = indicator.baseline_value or Decimal(0)
        step = (indicator.target_value - baseline) / 4
        for q, period in enumerate(QUARTERS, start=1):
            value = (baseline + step * q).quantize(Decimal("0.01"))
            targets.append(IndicatorTarget(indicator=indicator, period=period, value=value))
        for level in range(1, 6):
            threshold = (baseline + step * level).quantize(Decimal("0.01"))
            bands.append(ScoringBand(indicator=indicator, level=level, threshold=threshold))
    for indicator in project_indicators:
        half = (indicator.target_value / 2).quantize(Decimal("0.01"))
        targets.append(IndicatorTarget(indicator=indicator, period="Q2", value=half))
        targets.append(
            IndicatorTarget(indicator=indicator, period="Q4", value=indicator.target_value)
        )
    insert(IndicatorTarget, targets)
    insert(ScoringBand, bands)

    # Co-owners and supporters: other units than the lead, one of each role at most.
    owners: list[ProjectOwner] = []
    roles = [ProjectOwner.OwnerRole.CO_OWNER, ProjectOwner.OwnerRole.SUPPORTER]
    candidates = [*lead_units, *partner_units]
    for project in projects:
        pool = [u for u in candidates if u.pk != project.lead_unit_id]
        chosen = rng.sample(pool, min(size.owners_per_project, len(pool)))
        for position, partner in enumerate(chosen):
            role = roles[position % 2]
            owners.append(
                ProjectOwner(
                    project=project,
                    unit=partner,
                    role=role,
                    role_description=ROLE_TEXT[role],
                    created_by=actor,
                    updated_by=actor,
                )
            )
    insert(ProjectOwner, owners)

    # Alignment: issues and goals to the National Strategy and the National Education Plan,
    # most projects to both (one link primary), one project in eight to nothing.
    strategy_nodes = _nodes("ns-2561", depth=0)
    education_nodes = _nodes("nep-2560", depth=0)
    sdg_nodes = _nodes("sdg-4", depth=1) or _nodes("sdg-4")
    links: list[AlignmentLink] = []
    if strategy_nodes and education_nodes:
        for issue in issues:
            links.append(
                AlignmentLink(
                    strategic_issue=issue,
                    node=strategy_nodes[(issue.number - 1) % len(strategy_nodes)],
                    is_primary=True,
                    **stamp,
                )
            )
            links.append(
                AlignmentLink(
                    strategic_issue=issue,
                    node=education_nodes[(issue.number - 1) % len(education_nodes)],
                    **stamp,
                )
            )
        for goal in goals:
            links.append(
                AlignmentLink(goal=goal, node=rng.choice(education_nodes), is_primary=True, **stamp)
            )
        for indicator in goal_indicators[: len(goal_indicators) // 2]:
            if sdg_nodes:
                links.append(
                    AlignmentLink(indicator=indicator, node=rng.choice(sdg_nodes), **stamp)
                )
        for index, project in enumerate(projects):
            if index % 8 == 7:
                continue  # aligned to nothing
            links.append(
                AlignmentLink(
                    project=project, node=rng.choice(strategy_nodes), is_primary=True, **stamp
                )
            )
            links.append(AlignmentLink(project=project, node=rng.choice(education_nodes), **stamp))
    insert(AlignmentLink, links)
    return BuiltPlan(plan=plan, version=version, counts=dict(b.counts))


def publish_and_revise(built: BuiltPlan, *, approver: Any, publisher: Any) -> PlanVersion:
    """Approve and publish the built version, then start a draft revision (a copy) of it.

    Through the real services: ``version_approve`` checks the plan, ``version_create_revision``
    copies its ~5,000 rows in bulk. Returns the new draft; ``built.version`` is the published one.
    """
    from phaen.plans.services import version_approve, version_create_revision, version_publish

    version = version_approve(actor=approver, version=built.version, expected_version=None)
    version = version_publish(actor=publisher, version=version, expected_version=None)
    built.version = version
    return version_create_revision(actor=publisher, source=version)
