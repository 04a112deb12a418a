"""The audit log: who changed what, when, from which values to which, and why.

Services call ``audit_record`` inside their transaction, so a change and its record are
committed together or not at all. Snapshots are plain JSON (foreign keys keep their label too,
so the history stays readable after the related row is renamed or removed).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from phaen.core.models import AuditEvent
from phaen.core.request_context import current_request_info
from phaen.thai.dates import format_date_long, format_datetime
from phaen.thai.money import format_baht

if TYPE_CHECKING:
    from phaen.core.models import User

Snapshot = dict[str, Any]


def _json_safe(data: Snapshot) -> Snapshot:
    result: Snapshot = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def snapshot(obj: models.Model) -> Snapshot:
    """The content fields of ``obj`` as JSON-safe values (foreign keys as id and label)."""
    exclude: frozenset[str] = getattr(obj, "audit_exclude", frozenset())
    data: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in exclude:
            continue
        value = field.value_from_object(obj)
        if field.is_relation and value is not None:
            related = getattr(obj, field.name)
            data[field.name] = {"id": value, "label": str(related)}
        else:
            data[field.name] = value
    return _json_safe(data)


def owning_unit_path(obj: models.Model) -> str:
    """Follow the model's ``access_rules.unit_path`` lookup on the instance."""
    rules = getattr(obj, "access_rules", None)
    if rules is None:
        return ""
    value: Any = obj
    for part in rules.unit_path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    reason: str = "",
    unit_path: str | None = None,
) -> AuditEvent | None:
    """Write one audit event in the caller's transaction.

    ``action`` is namespaced ``<app>.<model>.<verb>`` (e.g. ``orgs.unit.moved``). An update
    whose snapshots are equal changed nothing and is not recorded.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must run inside the service's transaction")
    before = _json_safe(before) if before is not None else None
    after = _json_safe(after) if after is not None else None
    if before is not None and after is not None and before == after and not reason:
        return None
    info = current_request_info()
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=str(actor) if actor is not None and actor.is_authenticated else "",
        action=action,
        before=before,
        after=after,
        reason=reason,
        ip_address=info.ip_address,
        request_id=info.request_id,
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:255]
        event.unit_path = owning_unit_path(obj) if unit_path is None else unit_path
    elif unit_path is not None:
        event.unit_path = unit_path
    event.save()
    return event


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The events of one object, newest first. The caller has checked the user may view it."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent.objects.filter(
        content_type=content_type, object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class FieldChange:
    """One row of a readable history: a field, its old and its new value as text."""

    name: str
    label: str
    before: str
    after: str


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def display_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A snapshot value as a Thai reader expects it (BE dates, baht, choice labels)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed_dt = parse_datetime(value)
        return format_datetime(parsed_dt) if parsed_dt else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        parsed = parse_date(value)
        return format_date_long(parsed) if parsed else value
    if isinstance(field, models.DecimalField):
        try:
            return format_baht(Decimal(str(value)), places=field.decimal_places or 0)
        except (InvalidOperation, TypeError):
            return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_changes(event: AuditEvent) -> list[FieldChange]:
    """What an event changed, field by field, in the model's field order."""
    model = event.content_type.model_class() if event.content_type else None
    before = event.before or {}
    after = event.after or {}
    names = list(after) + [name for name in before if name not in after]
    changes = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if event.before is not None and event.after is not None and old == new:
            continue
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name
        changes.append(
            FieldChange(
                name=name,
                label=label,
                before=display_value(field, old) if event.before is not None else "",
                after=display_value(field, new) if event.after is not None else "",
            )
        )
    return changes


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware datetimes bounding a local day, for filtering the log by date."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)
