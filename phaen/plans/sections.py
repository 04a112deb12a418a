"""Sections that later apps add to the project page (e.g. the budget's money tab).

``plans`` may not import the apps above it; they register a section (a template and a function
that gives its context) when they are ready, and the project page shows them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phaen.core.access import AnyUser
    from phaen.plans.models import Project


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
