"""The one access policy: ``Model.objects.restrict(user, action)``.

A user holds memberships (user + org unit + role). A membership's scope is its unit and every
unit below it. A model declares ``access_rules``: where its owning unit's materialised path is
(``unit_path``), which roles may do which action, and what anonymous visitors may see. Every list,
lookup, form choice, API endpoint and export asks ``restrict()``; nothing else decides access.

The memberships live in ``orgs`` (a higher layer), so ``orgs`` registers a grant provider here
when its app is ready: this module never imports ``orgs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from phaen.core.models import User

    type AnyUser = User | AnonymousUser


class Role(models.TextChoices):
    """What a membership allows inside its unit's subtree."""

    VIEWER = "viewer", _("ผู้อ่าน")
    REPORTER = "reporter", _("ผู้รายงาน")
    APPROVER = "approver", _("ผู้อนุมัติ")
    PLANNER = "planner", _("ผู้วางแผน")
    ADMIN = "admin", _("ผู้ดูแลระบบ")


class Action:
    """The standard actions; models may add their own (e.g. ``approve``)."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


ALL_ROLES = frozenset(Role)
MANAGERS = frozenset({Role.PLANNER, Role.ADMIN})


@dataclass(frozen=True)
class Grant:
    """One membership as the policy sees it."""

    unit_id: int
    unit_path: str
    role: str


GrantProvider = Callable[["User"], Sequence[Grant]]
_grant_provider: GrantProvider | None = None


def register_grant_provider(provider: GrantProvider) -> None:
    """Called once by the app that stores memberships (``orgs``)."""
    global _grant_provider
    _grant_provider = provider


def user_grants(user: AnyUser) -> tuple[Grant, ...]:
    """The user's active grants, cached on the user object for the rest of the request."""
    if not user.is_authenticated:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_phaen_grants", None)
    if cached is None:
        cached = tuple(_grant_provider(user)) if _grant_provider else ()
        setattr(user, "_phaen_grants", cached)  # noqa: B010 - a per-request cache on the user
    return cached


def forget_grants(user: AnyUser) -> None:
    """Drop the cached grants (after the user's memberships changed)."""
    if hasattr(user, "_phaen_grants"):
        delattr(user, "_phaen_grants")


def covering_paths(paths: Iterable[str]) -> list[str]:
    """The smallest set of paths whose subtrees cover all of ``paths``."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return sorted(result)


def ancestor_paths(paths: Iterable[str]) -> set[str]:
    """Every path on the way from the root to each of ``paths`` (themselves included)."""
    result: set[str] = set()
    for path in paths:
        parts = [part for part in path.split("/") if part]
        result.update("/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))
    return result


def is_root_path(path: str) -> bool:
    """A path of a top-level unit ("/0000000001/")."""
    return path.count("/") == 2


ExtraRule = Callable[["User", str, tuple[Grant, ...]], Q | None]

#: ``unit_path`` of reference data that belongs to no unit (fiscal years, national frameworks):
#: every logged-in user may view it; changing it needs an allowed role at a top-level unit.
GLOBAL = ""


@dataclass(frozen=True)
class Scope:
    """A further owner of a row: the lookup to its path and what roles there may do."""

    unit_path: str
    roles: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class AccessRules:
    """How one model is scoped.

    ``unit_path`` is the lookup from the model to the materialised path of the unit that owns a
    row (``"path"`` on the unit itself, ``"unit__path"`` on a membership). ``roles`` maps actions
    to the roles that may perform them; admins may always act within their scope. ``public`` is
    what anonymous visitors (and everyone) may view. ``scopes`` name further owners with their
    own roles (a project's lead unit, whose reporters edit it). ``also_visible`` adds rows a user
    may see that are not owned by their units (e.g. projects their unit co-owns).
    ``unit_path=GLOBAL`` marks reference data owned by nobody.
    """

    unit_path: str
    roles: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: {
            Action.VIEW: ALL_ROLES,
            Action.ADD: MANAGERS,
            Action.CHANGE: MANAGERS,
            Action.DELETE: MANAGERS,
        }
    )
    public: Q | None = None
    scopes: tuple[Scope, ...] = ()
    also_visible: ExtraRule | None = None

    def roles_for(self, action: str) -> frozenset[str]:
        return self.roles.get(action, frozenset()) | {Role.ADMIN}

    def any_roles_for(self, action: str) -> frozenset[str]:
        """Roles that may ``action`` some rows through the owner or a further scope."""
        further = (scope.roles.get(action, frozenset()) for scope in self.scopes)
        return self.roles_for(action).union(*further)

    def scope_q(self, user: User, action: str) -> Q | None:
        """The filter for what ``user`` may do ``action`` on, or None for nothing."""
        grants = user_grants(user)
        allowed = self.roles_for(action)
        if self.unit_path == GLOBAL:
            if action == Action.VIEW or any(
                g.role in allowed and is_root_path(g.unit_path) for g in grants
            ):
                return Q()
            return None
        paths = covering_paths(g.unit_path for g in grants if g.role in allowed)
        clauses = [Q(**{f"{self.unit_path}__startswith": path}) for path in paths]
        for scope in self.scopes:
            scope_roles = scope.roles.get(action, frozenset())
            scope_paths = covering_paths(g.unit_path for g in grants if g.role in scope_roles)
            clauses += [Q(**{f"{scope.unit_path}__startswith": path}) for path in scope_paths]
        if action == Action.VIEW and self.public is not None:
            clauses.append(self.public)
        if self.also_visible is not None:
            also = self.also_visible(user, action, grants)
            if also is not None:
                clauses.append(also)
        if not clauses:
            return None
        return reduce(or_, clauses)


class RestrictedQuerySet(models.QuerySet[Any]):
    """QuerySet with the access policy as a method."""

    def restrict(self, user: AnyUser | None, action: str = Action.VIEW) -> Self:
        """Only the rows ``user`` may ``action``; anonymous users get what is public."""
        rules: AccessRules | None = getattr(self.model, "access_rules", None)
        if rules is None:
            raise TypeError(f"{self.model.__name__} declares no access_rules")
        if user is None or not user.is_authenticated:
            if action == Action.VIEW and rules.public is not None:
                return self.filter(rules.public)
            return self.none()
        if user.is_superuser:
            return self
        q = rules.scope_q(user, action)
        if q is None:
            return self.none()
        return self.filter(q)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


class AccessControlled:
    """Mixin for models under the policy; declares the rules as a class attribute."""

    access_rules: ClassVar[AccessRules]


def can(user: AnyUser | None, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may ``action`` on ``obj`` (one indexed query)."""
    manager = type(obj)._default_manager
    return bool(manager.restrict(user, action).filter(pk=obj.pk).exists())  # type: ignore[attr-defined]


def can_at(user: AnyUser | None, model: type[models.Model], action: str, unit_path: str) -> bool:
    """Whether ``user`` may ``action`` rows of ``model`` owned by the unit at ``unit_path``
    (for rows that do not exist yet, e.g. a spending plan about to be written)."""
    rules: AccessRules = model.access_rules  # type: ignore[attr-defined]
    return holds_at(user, rules.roles_for(action), unit_path)


def holds_at(user: AnyUser | None, roles: Iterable[str], unit_path: str) -> bool:
    """Whether ``user`` holds one of ``roles`` at the unit at ``unit_path`` or above it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    wanted = frozenset(roles)
    return any(g.role in wanted and unit_path.startswith(g.unit_path) for g in user_grants(user))


def has_any_role(user: AnyUser, roles: Iterable[str]) -> bool:
    """Whether the user holds any of ``roles`` anywhere (for showing menus and buttons)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    wanted = set(roles)
    return any(g.role in wanted for g in user_grants(user))
