"""Reads of the organisation tree that are more than a filter."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Model, Q, QuerySet, Value, When

from phaen.core.access import AccessRules, Action, covering_paths, user_grants
from phaen.orgs.models import Membership, OrgUnit

if TYPE_CHECKING:
    from phaen.core.access import AnyUser


#: Units of one level are listed by kind in the order of OrgUnit.Kind, then by name.
KIND_ORDER = Case(
    *[When(kind=kind, then=Value(index)) for index, kind in enumerate(OrgUnit.Kind.values)],
    default=Value(len(OrgUnit.Kind.values)),
)


def subtree(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    """The unit and everything below it: one indexed prefix filter."""
    queryset = OrgUnit.objects.filter(path__startswith=unit.path)
    return queryset if include_self else queryset.exclude(pk=unit.pk)


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit``, root first (one query by primary key)."""
    ids = unit.ancestor_ids()
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def visible_roots(user: AnyUser) -> QuerySet[OrgUnit]:
    """The top units of what the user may see: the roots of their tree."""
    if user.is_superuser:
        return OrgUnit.objects.filter(parent__isnull=True)
    paths = {g.unit_path for g in user_grants(user)}
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return OrgUnit.objects.filter(path__in=roots)


def with_child_counts(queryset: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Annotate ``child_count`` (all children) and ``active_child_count``."""
    return queryset.annotate(
        child_count=Count("children", distinct=True),
        active_child_count=Count("children", filter=Q(children__is_active=True), distinct=True),
    )


def tree_children(user: AnyUser, parent: OrgUnit | None) -> QuerySet[OrgUnit]:
    """One level of the tree as the user sees it (roots when ``parent`` is None)."""
    if parent is None:
        level = visible_roots(user)  # in the user's scope by construction
    else:
        level = OrgUnit.objects.restrict(user, Action.VIEW).filter(parent=parent)
    return with_child_counts(level).order_by(KIND_ORDER, "name", "pk")


def user_memberships(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def units_for(user: AnyUser, model: type[Model], action: str) -> QuerySet[OrgUnit]:
    """Active units in whose subtree ``user`` may ``action`` rows of ``model``.

    For choosing where a new row goes: "units where you may add a membership", "units where you
    may add a unit below". Uses the model's own access rules, so it never disagrees with them.
    """
    queryset = OrgUnit.objects.filter(is_active=True)
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    rules: AccessRules = model.access_rules  # type: ignore[attr-defined]
    allowed = rules.roles_for(action)
    paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in allowed)
    if not paths:
        return queryset.none()
    return queryset.filter(reduce(or_, [Q(path__startswith=path) for path in paths]))


def code_in_use(code: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another unit already has this official code (codes are unique when given)."""
    if not code:
        return False
    others = OrgUnit.objects.filter(code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()
