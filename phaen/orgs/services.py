"""State changes of the organisation tree and of memberships (one transaction each, audited)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from phaen.core.access import Action, Role, can, forget_grants, holds_at
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.models import AuditEvent, User
from phaen.core.services import (
    audit_action,
    check_version,
    ensure_in_scope,
    object_create,
    object_update,
)
from phaen.core.tasks import send_email
from phaen.orgs.models import Membership, OrgUnit, child_path

# Columns elsewhere that hold copies of unit paths (for fast subtree filters); a move rewrites them.
_path_copies: list[tuple[type[models.Model], str]] = [(AuditEvent, "unit_path")]


def register_path_copy(model: type[models.Model], field_name: str) -> None:
    """Declare a column that copies a unit's path, so moving a unit keeps it correct."""
    if (model, field_name) not in _path_copies:
        _path_copies.append((model, field_name))


# Called with (old path, new path) after a unit moved, inside the move's transaction, by apps
# that keep sums per unit and its ancestors (e.g. the budget's running sums).
MoveHook = Callable[[str, str], None]
_move_hooks: list[MoveHook] = []


def register_move_hook(hook: MoveHook) -> None:
    if hook not in _move_hooks:
        _move_hooks.append(hook)


def _check_parent(unit: OrgUnit, parent: OrgUnit | None) -> None:
    if parent is None:
        return
    if not parent.is_active:
        raise DomainError(_("หน่วยงานต้นสังกัดที่เลือกปิดการใช้งานแล้ว"), field="parent")
    if unit.pk is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise DomainError(_("ย้ายหน่วยงานไปอยู่ใต้ตัวเองหรือใต้หน่วยงานย่อยของตัวเองไม่ได้"), field="parent")


def _check_destination(actor: User | None, parent: OrgUnit | None) -> None:
    """A unit may only be placed where the actor may add units."""
    if actor is None or actor.is_superuser:
        return
    if parent is None:
        raise OutOfScopeError(_("เฉพาะผู้ดูแลระบบสูงสุดเท่านั้นที่สร้างหน่วยงานระดับบนสุดได้"))
    if not can(actor, Action.ADD, parent):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์เพิ่มหรือย้ายหน่วยงานไปไว้ใต้ “%s”") % parent)


@transaction.atomic
def orgunit_create(*, actor: User | None, instance: OrgUnit, reason: str = "") -> OrgUnit:
    """Add a unit under its parent (or as a root) and give it its path."""
    parent = instance.parent
    _check_parent(instance, parent)
    _check_destination(actor, parent)
    instance.created_by = actor
    instance.updated_by = actor
    instance.depth = parent.depth + 1 if parent else 0
    instance.path = ""
    instance.full_clean()
    instance.save()
    instance.path = child_path(parent.path if parent else None, instance.pk)
    OrgUnit.objects.filter(pk=instance.pk).update(path=instance.path)
    ensure_in_scope(actor, instance, Action.ADD)
    audit_record(
        actor=actor,
        action=audit_action(OrgUnit, "created"),
        obj=instance,
        after=snapshot(instance),
        reason=reason,
    )
    return instance


def _rewrite_paths(old_prefix: str, new_prefix: str, depth_delta: int) -> None:
    """Move every path under ``old_prefix`` to ``new_prefix`` in one UPDATE per table."""
    cut = len(old_prefix) + 1

    def moved(field: str) -> Concat:
        return Concat(Value(new_prefix), Substr(field, cut), output_field=models.CharField())

    OrgUnit.objects.filter(path__startswith=old_prefix).update(
        path=moved("path"), depth=F("depth") + depth_delta
    )
    for model, field in _path_copies:
        model._default_manager.filter(**{f"{field}__startswith": old_prefix}).update(
            **{field: moved(field)}
        )


@transaction.atomic
def orgunit_update(
    *, actor: User | None, instance: OrgUnit, expected_version: int | None, reason: str = ""
) -> OrgUnit:
    """Save a unit's details; a new parent moves it with its whole subtree."""
    current = OrgUnit.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    before = snapshot(current)
    moved = instance.parent_id != current.parent_id
    if moved:
        new_parent = instance.parent
        _check_parent(current, new_parent)
        _check_destination(actor, new_parent)
        if actor is not None and not reason.strip():
            raise DomainError(_("ต้องระบุเหตุผลของการย้ายหน่วยงาน"), field="reason")
        instance.path = child_path(new_parent.path if new_parent else None, instance.pk)
        instance.depth = new_parent.depth + 1 if new_parent else 0
    else:
        instance.path, instance.depth = current.path, current.depth
    instance.version = current.version + 1
    instance.updated_by = actor
    instance.full_clean()
    if moved:
        _rewrite_paths(current.path, instance.path, instance.depth - current.depth)
        if actor is not None:
            forget_grants(actor)
    instance.save()
    if moved:
        for hook in _move_hooks:
            hook(current.path, instance.path)
    ensure_in_scope(actor, instance, Action.CHANGE)
    audit_record(
        actor=actor,
        action=audit_action(OrgUnit, "moved" if moved else "updated"),
        obj=instance,
        before=before,
        after=snapshot(instance),
        reason=reason,
    )
    return instance


@transaction.atomic
def orgunit_move(
    *,
    actor: User | None,
    unit: OrgUnit,
    new_parent: OrgUnit | None,
    expected_version: int | None,
    reason: str = "",
) -> OrgUnit:
    """Move a unit and its subtree under ``new_parent``."""
    unit.parent = new_parent
    return orgunit_update(
        actor=actor, instance=unit, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def orgunit_set_active(
    *,
    actor: User | None,
    unit: OrgUnit,
    active: bool,
    expected_version: int | None,
    reason: str = "",
) -> int:
    """Deactivate a unit with its whole subtree, or reactivate one unit. Returns units changed.

    Units are never deleted once they own data; deactivation keeps their history and plans.
    """
    current = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    if active:
        if current.is_active:
            return 0
        if current.parent is not None and not current.parent.is_active:
            raise DomainError(_("ต้องเปิดใช้งานหน่วยงานต้นสังกัด “%s” ก่อน") % current.parent)
        targets = [current]
    else:
        targets = list(
            # Lock the units only: PostgreSQL refuses FOR UPDATE on the nullable side of the
            # outer join to the parent (which is read for the audit labels).
            OrgUnit.objects.select_for_update(of=("self",))
            .filter(path__startswith=current.path, is_active=True)
            .select_related("parent")
        )
    verb = "reactivated" if active else "deactivated"
    events = []
    now = timezone.now()
    for target in targets:
        before = snapshot(target)
        target.is_active = active
        events.append((target, before, snapshot(target)))
    OrgUnit.objects.filter(pk__in=[t.pk for t in targets]).update(
        is_active=active, version=F("version") + 1, updated_by=actor, updated_at=now
    )
    for target, before, after in events:
        audit_record(
            actor=actor,
            action=audit_action(OrgUnit, verb),
            obj=target,
            before=before,
            after=after,
            reason=reason,
        )
    return len(targets)


def _check_role_grant(actor: User | None, membership: Membership) -> None:
    """Only admins (of a unit above) may hand out the admin role."""
    if actor is None or actor.is_superuser or membership.role != Role.ADMIN:
        return
    if not holds_at(actor, [Role.ADMIN], membership.unit.path):
        raise OutOfScopeError(_("เฉพาะผู้ดูแลระบบเท่านั้นที่กำหนดบทบาทผู้ดูแลระบบได้"))


@transaction.atomic
def membership_create(*, actor: User | None, instance: Membership, reason: str = "") -> Membership:
    _check_role_grant(actor, instance)
    membership = object_create(actor=actor, instance=instance, reason=reason)
    forget_grants(membership.user)
    return membership


@transaction.atomic
def membership_update(
    *, actor: User | None, instance: Membership, expected_version: int | None, reason: str = ""
) -> Membership:
    _check_role_grant(actor, instance)
    return object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )


@dataclass(frozen=True)
class Invitation:
    username: str
    full_name: str
    email: str
    position: str
    phone: str
    unit: OrgUnit
    role: str


@transaction.atomic
def user_invite(*, actor: User | None, invitation: Invitation, base_url: str) -> User:
    """Create an account with a first membership and e-mail a link to set the password."""
    if User.objects.filter(username__iexact=invitation.username).exists():
        raise DomainError(_("ชื่อผู้ใช้นี้มีอยู่แล้ว"), field="username")
    user = User(
        username=invitation.username,
        full_name=invitation.full_name,
        email=invitation.email,
        position=invitation.position,
        phone=invitation.phone,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="core.user.created",
        obj=user,
        after={
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "position": user.position,
        },
        unit_path=invitation.unit.path,
    )
    membership_create(
        actor=actor,
        instance=Membership(user=user, unit=invitation.unit, role=invitation.role),
    )
    link = base_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "orgs/email/invitation.txt",
        {"user": user, "link": link, "unit": invitation.unit, "role": Role(invitation.role).label},
    )
    subject = _("เชิญเข้าใช้ระบบแผน (phaen): ตั้งรหัสผ่านของคุณ")
    transaction.on_commit(lambda: send_email.enqueue(to=[user.email], subject=subject, body=body))
    return user
