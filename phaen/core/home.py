"""Panels of the home page. Apps register theirs; each panel is a template and its context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    template_name: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def panels_for(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """The panels to show, with their context; a panel whose context is None is hidden."""
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template_name, context))
    return shown
