"""The shapes of the demo plan data: frozen dataclasses that ``phaen.demo.loader`` turns into
plan rows through the plan services.

Conventions of the data modules:

- months are written as Thai officials write them, BE year and month: ``"2560-10"`` is
  October 2560 (the first month of FY2561); :func:`month` turns them into the first day of the
  month in CE, as the models store them;
- money and measures are strings read as ``Decimal`` (never floats);
- units are referred to by their code (``phaen.demo.orgs_data``), framework nodes by
  ``"<framework code>:<node code>"`` (the national frameworks of migration
  ``frameworks/0002``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BE_OFFSET = 543

Quarters = tuple[str | None, str | None, str | None, str | None]
NO_QUARTERS: Quarters = (None, None, None, None)


def month(text: str) -> date:
    """``"2560-11"`` (BE year and month) → ``date(2017, 11, 1)``."""
    year, number = text.split("-")
    return date(int(year) - BE_OFFSET, int(number), 1)


@dataclass(frozen=True)
class Link:
    """An alignment link to a framework node; one link of a subject is the primary one."""

    framework: str
    node: str
    primary: bool = False


def align(*references: str) -> tuple[Link, ...]:
    """Links from ``"framework:node"`` references; the first one is the primary link."""
    links = []
    for position, reference in enumerate(references):
        framework, node = reference.split(":")
        links.append(Link(framework, node, primary=position == 0))
    return tuple(links)


@dataclass(frozen=True)
class Person:
    """ผู้รับผิดชอบโครงการ with contact details."""

    name: str
    position: str
    phone: str
    email: str


@dataclass(frozen=True)
class Owner:
    """เจ้าภาพรอง (``co_owner``) or ผู้สนับสนุน (``supporter``) with a written role."""

    unit: str
    role: str
    description: str


def co_owner(unit: str, description: str) -> Owner:
    return Owner(unit, "co_owner", description)


def supporter(unit: str, description: str) -> Owner:
    return Owner(unit, "supporter", description)


@dataclass(frozen=True)
class ActivitySpec:
    """กิจกรรม: months inside the project; children (sub-activities) share the parent's budget."""

    name: str
    start: str
    end: str
    budget: str
    unit: str = ""  # the responsible unit's code; empty: the project's lead unit
    children: tuple[ActivitySpec, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """ตัวชี้วัด with its KPI sheet; ``quarters`` are the Q1–Q4 targets (None: no target)."""

    name: str
    unit_of_measure: str
    target: str
    quarters: Quarters = NO_QUARTERS
    cumulative: bool = True
    kind: str = "quantity"
    direction: str = "higher"
    baseline: str | None = None
    baseline_year: int | None = None
    definition: str = ""
    formula: str = ""
    data_source: str = ""
    collection_method: str = ""
    evaluator: str = ""  # unit code of the evaluating work group
    evaluator_person: str = ""
    frequency: str = "quarterly"
    weight: str = "1"
    scoring: str = "achieved"
    bands: tuple[str, ...] = ()  # thresholds of levels 1–5
    milestones: tuple[str, ...] = ()  # steps 1–5
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class GoalSpec:
    """เป้าประสงค์ with its indicators."""

    number: int
    title: str
    indicators: tuple[IndicatorSpec, ...]
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class ProjectSpec:
    """โครงการ: the fields of a Thai project proposal, owners, activities, KPIs, alignment."""

    code: str
    name: str
    lead: str
    lead_role: str
    budget: str
    start: str
    end: str
    rationale: str
    objectives: str
    quantitative_targets: str
    qualitative_targets: str
    target_group: str
    area: str
    responsible: Person
    activities: tuple[ActivitySpec, ...]
    owners: tuple[Owner, ...] = ()
    expected_results: str = ""
    risks: str = ""
    indicators: tuple[IndicatorSpec, ...] = ()
    links: tuple[Link, ...] = ()
    is_multi_year: bool = False


@dataclass(frozen=True)
class StrategySpec:
    """กลยุทธ์ and the projects that carry it out."""

    number: int
    title: str
    projects: tuple[ProjectSpec, ...]


@dataclass(frozen=True)
class IssueSpec:
    """ประเด็นยุทธศาสตร์; ``aligns_with`` is the number of the parent plan's issue it serves."""

    number: int
    title: str
    description: str
    goals: tuple[GoalSpec, ...]
    strategies: tuple[StrategySpec, ...]
    links: tuple[Link, ...] = ()
    aligns_with: int | None = None


@dataclass(frozen=True)
class BudgetCut:
    """A project's budget in a revised version, and the activities cut to fit it.

    Activities are named by their position: ``"2"`` is the second activity, ``"2.1"`` the
    first sub-activity of the second one.
    """

    project: str
    budget: str
    activities: tuple[tuple[str, str], ...]
    reason: str


@dataclass(frozen=True)
class RevisionSpec:
    """A revised version (e.g. revised to the allocated budget), approved and published."""

    kind: str
    note: str
    cuts: tuple[BudgetCut, ...]
    approval_note: str = ""


@dataclass(frozen=True)
class PlanSpec:
    """An annual action plan of one unit: direction, content, and how far it has gone."""

    unit: str
    title: str
    vision: str
    values: str
    missions: tuple[str, ...]
    issues: tuple[IssueSpec, ...]
    note: str = ""
    parent_unit: str = ""  # the unit whose plan is this plan's framework
    approval_note: str = ""
    publish: bool = True
    revision: RevisionSpec | None = None

    @property
    def projects(self) -> list[ProjectSpec]:
        return [p for issue in self.issues for s in issue.strategies for p in s.projects]
