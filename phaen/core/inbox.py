"""The "waiting for me" inbox (งานที่รอฉัน): what each user should act on, from every app.

Apps register sources when they are ready (``register_inbox_source(plan_versions_to_approve)``).
A source is a function of the user returning an ``InboxSection`` (a title, the first few items
and the total), or ``None`` when the section does not concern the user (a reporter has no
approvals). A source answers in a fixed number of queries however much is waiting: typically
one ``COUNT`` and one query for the first ``INBOX_ITEM_LIMIT`` items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from phaen.core.models import User

#: How many items a section shows; the total says how many there are.
INBOX_ITEM_LIMIT = 10


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting: what it is, where to act on it, and by when."""

    text: str
    url: str
    detail: str = ""
    due_on: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class InboxSection:
    """One kind of work waiting, e.g. plan versions to approve."""

    title: str | Promise
    total: int
    items: list[InboxItem] = field(default_factory=list)
    #: A page listing all of them (shown when there are more than the items).
    more_url: str = ""
    order: int = 100

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)


InboxSource = Callable[["User"], InboxSection | None]

_sources: list[InboxSource] = []


def register_inbox_source(source: InboxSource) -> None:
    """Add a section to everyone's inbox (called from ``AppConfig.ready``)."""
    if source not in _sources:
        _sources.append(source)


def inbox_for(user: User) -> list[InboxSection]:
    """The sections that concern ``user`` (empty ones included), in their order."""
    if not user.is_authenticated:
        return []
    sections = [section for source in _sources if (section := source(user)) is not None]
    return sorted(sections, key=lambda section: section.order)


def waiting_total(sections: list[InboxSection]) -> int:
    return sum(section.total for section in sections)
