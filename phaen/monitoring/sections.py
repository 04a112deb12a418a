"""Monitoring's sections of the plans pages (plans.sections).

- The project page: the project's quarterly progress reports and its open corrective actions.
  Five queries whatever the number of reports and actions.
- The plan page (a plan version): "บทเรียนจากปีที่แล้ว", the lessons learned of the year before
  the plan's fiscal year by the plan's unit and the units below it, with their recommendations
  for the next plan. One query (two when there are more than ``LESSON_ROWS``); no section when
  the user sees no lesson.

``plans`` may not import monitoring, so monitoring registers the sections (``register()``, from
``menu.register_ui()`` in the app's ready()). Everything is read through ``restrict``: a user
who may view the project or plan but not its reports or lessons sees none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Action, can_at
from phaen.core.models import User
from phaen.monitoring.models import (
    CorrectiveAction,
    LessonLearned,
    ProgressReport,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import current_settled_versions, project_runs_during
from phaen.monitoring.services import entry_closed_message

if TYPE_CHECKING:
    from phaen.core.access import AnyUser
    from phaen.plans.models import PlanVersion, Project

#: Open corrective actions listed on the project page (the rest through the action list).
ACTION_ROWS = 10
#: Lessons of last year listed on the plan page (the rest through the lesson list).
LESSON_ROWS = 10


@dataclass
class QuarterLine:
    """A quarter of the project's fiscal year: its report (if any and visible) or a link to
    start it (when the user may, the quarter is open and the project runs in it)."""

    period: ReportingPeriod
    report: ProgressReport | None
    start_url: str = ""


@dataclass
class ActionLine:
    action: CorrectiveAction
    overdue: bool


def project_monitoring_context(user: AnyUser, project: Project) -> dict[str, Any]:
    """The context of ``monitoring/project_section.html``: ``{"monitoring": {...}}``."""
    periods = list(
        ReportingPeriod.objects.filter(
            fiscal_year_id=project.plan_version.plan.fiscal_year_id, kind__in=QUARTERS
        )
        .select_related("fiscal_year")
        .order_by("starts_on")
    )
    reports = {
        report.period_id: report
        for report in ProgressReport.objects.restrict(user, Action.VIEW).filter(
            project_lineage=project.lineage, period__in=periods
        )
    }
    day = timezone.localdate()
    # Reports are started on the projects of the plan's newest approved version only.
    may_start = (
        bool(project.lead_unit_path)
        and project.status != project.Status.CANCELLED
        and can_at(user, ProgressReport, Action.ADD, project.lead_unit_path)
        and current_settled_versions(project.plan_version.plan.fiscal_year_id)
        .filter(pk=project.plan_version_id)
        .exists()
    )
    start = reverse("monitoring:progressreport_start")
    writer = user if may_start and isinstance(user, User) else None
    quarters = []
    for period in periods:
        line = QuarterLine(period, reports.get(period.pk))
        if (
            line.report is None
            and writer is not None
            and project_runs_during(project, period)
            and period.opens_on <= day
            and not entry_closed_message(period, project.lead_unit_path, writer)
        ):
            line.start_url = f"{start}?project={project.pk}&period={period.pk}"
        quarters.append(line)
    open_actions = CorrectiveAction.objects.restrict(user, Action.VIEW).filter(
        project_lineage=project.lineage, status__in=CorrectiveAction.OPEN_STATUSES
    )
    actions = [
        ActionLine(action, action.due_on < day)
        for action in open_actions.select_related(
            "problem__report__period__fiscal_year", "owner_unit"
        ).order_by("due_on", "pk")[:ACTION_ROWS]
    ]
    action_count = open_actions.count()
    return {
        "monitoring": {
            "quarters": quarters,
            "actions": actions,
            "action_count": action_count,
            "actions_url": reverse("monitoring:correctiveaction_list"),
        }
    }


def plan_lessons_context(user: AnyUser, version: PlanVersion) -> dict[str, Any]:
    """The context of ``monitoring/plan_lessons_section.html``: ``{"lessons": {...}}``, the
    lessons learned of the year before the plan's by its unit and those below, that the user
    may view (in the order of the lesson list, at most ``LESSON_ROWS``; ``count`` of them all)."""
    plan = version.plan
    year = plan.fiscal_year.year - 1
    found = LessonLearned.objects.restrict(user, Action.VIEW).filter(
        fiscal_year__year=year, unit_path__startswith=plan.unit.path
    )
    rows = list(
        found.select_related("unit", "project", "strategic_issue").order_by("unit_path", "pk")[
            :LESSON_ROWS
        ]
    )
    count = len(rows) if len(rows) < LESSON_ROWS else found.count()
    query = urlencode({"fiscal_year": year, "unit": plan.unit_id})
    return {
        "lessons": {
            "year": year,
            "rows": rows,
            "count": count,
            "list_url": f"{reverse('monitoring:lessonlearned_list')}?{query}",
        }
    }


def register() -> None:
    """Show the sections: on the project page after the budget's money (order 10); on the plan
    page the lessons of last year."""
    from phaen.plans.sections import (
        PlanSection,
        ProjectSection,
        register_plan_section,
        register_project_section,
    )

    register_project_section(
        ProjectSection("monitoring/project_section.html", project_monitoring_context, order=20)
    )
    register_plan_section(
        PlanSection("monitoring/plan_lessons_section.html", plan_lessons_context, order=20)
    )
