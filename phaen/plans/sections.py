"""Sections that later apps add to the project page (e.g. the budget's money tab) and to the
plan page (a plan version, e.g. monitoring's lessons learned of the year before).

``plans`` may not import the apps above it; they register a section (a template and a function
that gives its context) when they are ready, and the page shows them in order. A section's
template may render nothing (e.g. when there is nothing to show the user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phaen.core.access import AnyUser
    from phaen.plans.models import PlanVersion, Project


@dataclass(frozen=True)
class ProjectSection:
    """``template_name`` is rendered with ``section`` set to ``context(user, project)``."""

    template_name: str
    context: Callable[[AnyUser, Project], dict[str, Any]]
    order: int = 100


_sections: list[ProjectSection] = []


def register_project_section(section: ProjectSection) -> None:
    if section not in _sections:
        _sections.append(section)


def project_sections(user: AnyUser, project: Project) -> list[tuple[str, dict[str, Any]]]:
    return [
        (section.template_name, section.context(user, project))
        for section in sorted(_sections, key=lambda s: s.order)
    ]


@dataclass(frozen=True)
class PlanSection:
    """A section of the plan page: ``template_name`` is rendered with ``section`` set to
    ``context(user, version)``."""

    template_name: str
    context: Callable[[AnyUser, PlanVersion], dict[str, Any]]
    order: int = 100


_plan_sections: list[PlanSection] = []


def register_plan_section(section: PlanSection) -> None:
    if section not in _plan_sections:
        _plan_sections.append(section)


def plan_sections(user: AnyUser, version: PlanVersion) -> list[tuple[str, dict[str, Any]]]:
    return [
        (section.template_name, section.context(user, version))
        for section in sorted(_plan_sections, key=lambda s: s.order)
    ]
