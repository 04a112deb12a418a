"""State changes of frameworks and their nodes (one transaction each, audited).

National frameworks belong to no unit, so the access policy lets only superusers change them.
A node that plans link to is never deleted (the links protect it): it is retired instead, keeps
its links, and takes no new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import F, Max, Value
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from phaen.core.access import Action
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import DomainError, ProtectedDataError
from phaen.core.services import (
    audit_action,
    check_version,
    ensure_in_scope,
    object_create,
    object_update,
)
from phaen.core.trees import child_path
from phaen.frameworks.models import Framework, FrameworkNode

if TYPE_CHECKING:
    from phaen.core.models import User

#: Kinds phaen ships as national reference data: they belong to no unit.
NATIONAL_KINDS = frozenset(
    {
        Framework.Kind.NATIONAL_STRATEGY,
        Framework.Kind.MASTER_PLAN,
        Framework.Kind.NESDP,
        Framework.Kind.NATIONAL_EDUCATION_PLAN,
        Framework.Kind.SDG,
    }
)


# Frameworks ---------------------------------------------------------------------------------


def _check_framework(framework: Framework) -> None:
    if framework.kind in NATIONAL_KINDS and framework.owner_id is not None:
        raise DomainError(
            _(
                "“%(kind)s” เป็นกรอบระดับชาติที่ระบบจัดให้ จึงไม่มีหน่วยงานเจ้าของ "
                "หากต้องการบันทึกกรอบของหน่วยงาน ให้เลือกประเภทอื่น"
            )
            % {"kind": framework.get_kind_display()},
            field="kind",
        )


@transaction.atomic
def framework_create(*, actor: User | None, instance: Framework, reason: str = "") -> Framework:
    """Add a framework (without nodes: add them one by one or import a spreadsheet)."""
    _check_framework(instance)
    return object_create(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def framework_update(
    *, actor: User | None, instance: Framework, expected_version: int | None, reason: str = ""
) -> Framework:
    _check_framework(instance)
    return object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )


def _deleted(actor: User | None, rows: Sequence[models.Model], reason: str) -> None:
    for row in rows:
        audit_record(
            actor=actor,
            action=audit_action(type(row), "deleted"),
            obj=row,
            before=snapshot(row),
            reason=reason,
        )


def _delete_protected(obj: models.Model, message: Callable[[int], str]) -> None:
    """Delete ``obj`` with its cascade; rows that protect it (plans' links) refuse with a message
    made from their number."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as error:
        raise ProtectedDataError(message(len(error.protected_objects))) from error


@transaction.atomic
def framework_delete(
    *,
    actor: User | None,
    instance: Framework,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Delete a framework and its nodes; refused when a plan links to any of its nodes."""
    current = (
        Framework.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=instance.pk)
    )
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.DELETE)
    nodes = list(
        FrameworkNode.objects.filter(framework=current).select_related("framework__owner", "parent")
    )
    _deleted(actor, [current, *nodes], reason)

    def message(count: int) -> str:
        return _(
            "กรอบ “%(framework)s” ถูกใช้ในแผนแล้ว (แผนเชื่อมโยงกับข้อในกรอบนี้ %(count)s รายการ) "
            "จึงลบไม่ได้ หากมีข้อที่ไม่ใช้แล้ว ให้ยกเลิกข้อที่ไม่ใช้แทน"
        ) % {"framework": current, "count": count}

    _delete_protected(current, message)


# Nodes --------------------------------------------------------------------------------------


def _check_parent(node: FrameworkNode, parent: FrameworkNode | None) -> None:
    if parent is None:
        return
    if parent.framework_id != node.framework_id:
        raise DomainError(_("ข้อแม่ต้องอยู่ในกรอบเดียวกัน"), field="parent")
    if node.pk is not None and (parent.pk == node.pk or parent.path.startswith(node.path)):
        raise DomainError(_("ย้ายข้อไปอยู่ใต้ตัวเองหรือใต้ข้อย่อยของตัวเองไม่ได้"), field="parent")
    if parent.is_retired and not node.is_retired:
        raise DomainError(
            _("ข้อแม่ “%(parent)s” ถูกยกเลิกแล้ว จึงเพิ่มหรือย้ายข้อที่ยังใช้อยู่ไปไว้ใต้ข้อนี้ไม่ได้")
            % {"parent": parent},
            field="parent",
        )


def next_order(framework: Framework | int, parent: FrameworkNode | None) -> int:
    """The display order after the node's last sibling."""
    last = FrameworkNode.objects.filter(framework=framework, parent=parent).aggregate(
        last=Max("order")
    )["last"]
    return (last or 0) + 1


@transaction.atomic
def node_create(*, actor: User | None, instance: FrameworkNode, reason: str = "") -> FrameworkNode:
    """Add a node under its parent (or at the top) of a framework and give it its path."""
    parent = instance.parent
    _check_parent(instance, parent)
    instance.depth = parent.depth + 1 if parent else 0
    instance.path = ""
    if not instance.order:
        instance.order = next_order(instance.framework_id, parent)
    if not instance.is_retired:
        instance.retired_reason = ""
    node = object_create(actor=actor, instance=instance, reason=reason)
    node.path = child_path(parent.path if parent else None, node.pk)
    FrameworkNode.objects.filter(pk=node.pk).update(path=node.path)
    return node


def _rewrite_subtree(framework_id: int, old_prefix: str, new_prefix: str, delta: int) -> None:
    """Move every path under ``old_prefix`` to ``new_prefix`` in one UPDATE."""
    cut = len(old_prefix) + 1
    FrameworkNode.objects.filter(framework_id=framework_id, path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", cut), output_field=models.CharField()),
        depth=F("depth") + delta,
    )


@transaction.atomic
def node_update(
    *,
    actor: User | None,
    instance: FrameworkNode,
    expected_version: int | None,
    reason: str = "",
) -> FrameworkNode:
    """Save a node's details; a new parent (in the same framework) moves its whole subtree.

    Retiring and restoring are their own services (they need a reason), so the flag is kept.
    """
    current = FrameworkNode.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    if instance.framework_id != current.framework_id:
        raise DomainError(_("ย้ายข้อไปอยู่ในกรอบอื่นไม่ได้"), field="framework")
    before = snapshot(current)
    instance.is_retired, instance.retired_reason = current.is_retired, current.retired_reason
    moved = instance.parent_id != current.parent_id
    if moved:
        new_parent = instance.parent
        instance.path = current.path  # for the "not under itself" check
        _check_parent(instance, new_parent)
        instance.path = child_path(new_parent.path if new_parent else None, instance.pk)
        instance.depth = new_parent.depth + 1 if new_parent else 0
    else:
        instance.path, instance.depth = current.path, current.depth
    instance.version = current.version + 1
    instance.updated_by = actor
    instance.full_clean()
    if moved:
        _rewrite_subtree(
            current.framework_id, current.path, instance.path, instance.depth - current.depth
        )
    instance.save()
    ensure_in_scope(actor, instance, Action.CHANGE)
    audit_record(
        actor=actor,
        action=audit_action(FrameworkNode, "moved" if moved else "updated"),
        obj=instance,
        before=before,
        after=snapshot(instance),
        reason=reason,
    )
    return instance


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("ต้องระบุเหตุผล"), field="reason")
    return reason


@transaction.atomic
def node_retire(
    *, actor: User | None, node: FrameworkNode, expected_version: int | None, reason: str
) -> int:
    """Retire a node with the nodes under it. Returns how many nodes were retired.

    Retired nodes keep their links (plans that cite them stay as they were) but take no new ones.
    """
    reason = _required_reason(reason)
    current = FrameworkNode.objects.select_for_update().get(pk=node.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    targets = list(
        FrameworkNode.objects.select_for_update(of=("self",))
        .filter(framework_id=current.framework_id, path__startswith=current.path, is_retired=False)
        .select_related("framework__owner", "parent")
    )
    _set_retired(actor, targets, retired=True, reason=reason)
    return len(targets)


@transaction.atomic
def node_restore(
    *, actor: User | None, node: FrameworkNode, expected_version: int | None, reason: str
) -> None:
    """Bring back one retired node (its parent must be in use; nodes under it stay retired)."""
    reason = _required_reason(reason)
    current = (
        FrameworkNode.objects.select_for_update(of=("self",))
        .select_related("framework__owner", "parent")
        .get(pk=node.pk)
    )
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    if not current.is_retired:
        return
    if current.parent is not None and current.parent.is_retired:
        raise DomainError(_("ต้องนำข้อแม่ “%s” กลับมาใช้ก่อน") % current.parent)
    _set_retired(actor, [current], retired=False, reason=reason)


def _set_retired(
    actor: User | None, targets: list[FrameworkNode], *, retired: bool, reason: str
) -> None:
    events = []
    for target in targets:
        before = snapshot(target)
        target.is_retired = retired
        target.retired_reason = reason if retired else ""
        events.append((target, before, snapshot(target)))
    FrameworkNode.objects.filter(pk__in=[t.pk for t in targets]).update(
        is_retired=retired,
        retired_reason=reason if retired else "",
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    verb = "retired" if retired else "restored"
    for target, before, after in events:
        target.version += 1
        audit_record(
            actor=actor,
            action=audit_action(FrameworkNode, verb),
            obj=target,
            before=before,
            after=after,
            reason=reason,
        )


@transaction.atomic
def node_delete(
    *,
    actor: User | None,
    instance: FrameworkNode,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Delete a node with the nodes under it; refused when a plan links to any of them."""
    current = FrameworkNode.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.DELETE)
    subtree = list(
        FrameworkNode.objects.filter(
            framework_id=current.framework_id, path__startswith=current.path
        )
        .select_related("framework__owner", "parent")
        .order_by("-depth", "path")
    )
    _deleted(actor, subtree, reason)

    def message(count: int) -> str:
        return _(
            "ข้อ “%(node)s” หรือข้อย่อยของข้อนี้ถูกใช้ในแผนแล้ว (แผนเชื่อมโยงอยู่ %(count)s รายการ) "
            "จึงลบไม่ได้ ให้ยกเลิกข้อนี้แทน"
        ) % {"node": current, "count": count}

    _delete_protected(current, message)
