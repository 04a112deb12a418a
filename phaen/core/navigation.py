"""The main menu. Apps register their entries when they are ready; core never imports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise

from phaen.core.access import has_any_role

if TYPE_CHECKING:
    from phaen.core.access import AnyUser


@dataclass(frozen=True)
class MenuItem:
    """One link of the main menu. ``roles=None`` means every logged-in user."""

    section: str | Promise
    label: str | Promise
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None
    public: bool = False


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class MenuSection:
    label: str
    links: list[MenuLink]


_items: list[MenuItem] = []


def register_menu_item(item: MenuItem) -> None:
    if item not in _items:
        _items.append(item)


def menu_for(user: AnyUser, current_path: str = "") -> list[MenuSection]:
    """The sections and links this user may see, in registration order of sections."""
    sections: dict[str, list[tuple[int, MenuLink]]] = {}
    for item in _items:
        if not item.public:
            if not user.is_authenticated:
                continue
            if item.roles is not None and not has_any_role(user, item.roles):
                continue
        url = reverse(item.url_name)
        active = current_path == url or (url != "/" and current_path.startswith(url))
        sections.setdefault(str(item.section), []).append(
            (item.order, MenuLink(label=str(item.label), url=url, active=active))
        )
    # Sections in the order of their first item, links by their own order.
    ordered = sorted(sections.items(), key=lambda section: min(order for order, _ in section[1]))
    return [
        MenuSection(label=label, links=[link for _, link in sorted(links, key=lambda p: p[0])])
        for label, links in ordered
    ]
