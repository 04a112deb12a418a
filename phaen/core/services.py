"""Generic state changes for plain records: create, update with a version check, delete.

Each runs in one transaction: validate, write, re-check that the row is still inside the actor's
scope, and write the audit record. Workflows with their own rules (submit, approve, move a unit)
are services in their apps and follow the same pattern. ``actor=None`` means the system itself
(management commands, data loading) and skips the scope checks.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phaen.core.access import Action, can
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import OutOfScopeError, ProtectedDataError, StaleEditError

if TYPE_CHECKING:
    from phaen.core.models import BaseModel, User


def audit_action(model: type[models.Model], verb: str) -> str:
    """The namespaced action name, e.g. ``orgs.orgunit.created``."""
    return f"{model._meta.app_label}.{model._meta.model_name}.{verb}"


def ensure_in_scope(actor: User | None, obj: models.Model, action: str) -> None:
    """Raise (and so roll back the transaction) when ``obj`` is outside ``actor``'s scope."""
    if actor is None:
        return
    if not can(actor, action, obj):
        raise OutOfScopeError()


def check_version(obj: BaseModel, expected_version: int | None) -> None:
    """Refuse an edit made from an older version of the row."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleEditError(current_version=obj.version, submitted_version=expected_version)


@transaction.atomic
def object_create[M: BaseModel](*, actor: User | None, instance: M, reason: str = "") -> M:
    """Validate and save a new row, then audit it."""
    instance.created_by = actor
    instance.updated_by = actor
    instance.full_clean()
    instance.save()
    ensure_in_scope(actor, instance, Action.ADD)
    audit_record(
        actor=actor,
        action=audit_action(type(instance), "created"),
        obj=instance,
        after=snapshot(instance),
        reason=reason,
    )
    return instance


@transaction.atomic
def object_update[M: BaseModel](
    *, actor: User | None, instance: M, expected_version: int | None, reason: str = ""
) -> M:
    """Save the changed ``instance`` if nobody saved the row since ``expected_version``."""
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.CHANGE)
    before = snapshot(current)
    instance.version = current.version + 1
    instance.updated_by = actor
    instance.full_clean()
    instance.save()
    ensure_in_scope(actor, instance, Action.CHANGE)
    audit_record(
        actor=actor,
        action=audit_action(model, "updated"),
        obj=instance,
        before=before,
        after=snapshot(instance),
        reason=reason,
    )
    return instance


def protected_message(obj: models.Model, error: ProtectedError | RestrictedError) -> str:
    """Say in Thai what still refers to ``obj``."""
    related = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    counts = Counter(str(row._meta.verbose_name_plural) for row in related)
    parts = ", ".join(
        ngettext("%(label)s %(count)s รายการ", "%(label)s %(count)s รายการ", count)
        % {"label": label, "count": count}
        for label, count in sorted(counts.items())
    )
    return _("ลบ “%(object)s” ไม่ได้ เพราะยังมีข้อมูลที่อ้างถึงอยู่: %(parts)s") % {
        "object": obj,
        "parts": parts,
    }


@transaction.atomic
def object_delete(
    *,
    actor: User | None,
    instance: BaseModel,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Delete a row that nothing refers to; rows that own data are refused with a Thai message."""
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    ensure_in_scope(actor, current, Action.DELETE)
    audit_record(
        actor=actor,
        action=audit_action(model, "deleted"),
        obj=current,
        before=snapshot(current),
        reason=reason,
    )
    try:
        with transaction.atomic():
            current.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ProtectedDataError(protected_message(current, error)) from error
