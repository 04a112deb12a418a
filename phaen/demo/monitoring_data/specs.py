"""The shapes of the demo monitoring data: frozen dataclasses that
``phaen.demo.monitoring_data.build`` turns into reports through ``phaen.monitoring.services``.

Conventions (as in ``phaen.demo.plan_data``): dates are written as Thai officials write them,
BE year, month and day (``"2561-01-12"`` is 12 January 2018); values are strings read as
``Decimal``; projects are referred to by their code without the office prefix (``"61-06"``),
units by their code (``phaen.demo.orgs_data``), indicators of a project by their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BE_OFFSET = 543

#: The states a demo report is left in; "missing" reports are not created at all.
APPROVED = "approved"
RETURNED = "returned"
SUBMITTED = "submitted"
DRAFT = "draft"
MISSING = "missing"


def day(text: str) -> date:
    """``"2561-01-12"`` (BE) → ``date(2018, 1, 12)``."""
    year, month, number = (int(part) for part in text.split("-"))
    return date(year - BE_OFFSET, month, number)


@dataclass(frozen=True)
class FollowUp:
    """What a later quarter's report of the project says about an open corrective action:
    still in progress (with a note), or closed (done on ``done``, or cancelled)."""

    quarter: str
    status: str  # "in_progress", "done" or "cancelled"
    note: str
    done: str = ""  # BE date, for "done"


@dataclass(frozen=True)
class ProblemSpec:
    """ปัญหาอุปสรรค with its cause and one corrective action (owner, due date)."""

    category: str
    description: str
    cause: str
    action: str
    owner: str
    due: str  # BE date
    owner_unit: str = ""  # unit code; empty: the project's lead unit
    follow_ups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True)
class EvidenceSpec:
    """หลักฐาน: a generated file (``pdf``, ``png``, ``xlsx``) or a ``link``; attached to the
    report, or to its first indicator result (``on_result``)."""

    title: str
    kind: str
    url: str = ""
    on_result: bool = False


@dataclass(frozen=True)
class ResultSpec:
    """ผลตัวชี้วัด of the project's indicator ``number`` in the report's quarter."""

    number: int
    value: str
    note: str = ""


@dataclass(frozen=True)
class ReportSpec:
    """One project's report of one quarter. The activities' progress is derived from their
    months (done, under way or not yet started at the quarter's end); ``behind`` slows the
    activities under way. ``submitted`` is the day it was (first) sent; a day after the unit's
    due date makes it late. ``comment`` is the approver's (required when ``returned``)."""

    project: str
    quarter: str
    state: str = APPROVED
    behind: bool = False
    summary: str = ""
    outputs: str = ""
    submitted: str = ""
    comment: str = ""
    results: tuple[ResultSpec, ...] = ()
    problems: tuple[ProblemSpec, ...] = ()
    evidence: tuple[EvidenceSpec, ...] = ()


@dataclass(frozen=True)
class CommentSpec:
    """The evaluator's comment on a project's (``project``) or a goal indicator's
    (``indicator``: the start of its name) half-year (``H1``) or annual (``YEAR``) evaluation."""

    period: str
    comment: str
    project: str = ""
    indicator: str = ""


@dataclass(frozen=True)
class LessonSpec:
    """บทเรียนที่ได้รับ of a unit's year, optionally about one of its projects; ``author`` is the
    demo account that records it (when it exists and may)."""

    unit: str
    author: str
    topic: str
    lesson: str
    recommendation: str
    project: str = ""
