"""FilterSets of core (the audit log) and the Thai-aware filter fields every app uses."""

from __future__ import annotations

from typing import Any

import django_filters
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from phaen.core.audit import day_bounds
from phaen.core.models import AuditEvent
from phaen.thai.forms import ThaiDateField


class ThaiDateFilter(django_filters.DateFilter):
    """A date filter that accepts BE or CE dates and Thai digits."""

    field_class = ThaiDateField


class SearchFilter(django_filters.CharFilter):
    """Free-text search over several fields (``fields=[...]``), case-insensitive."""

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label", _("ค้นหา"))
        super().__init__(*args, **kwargs)
        self.search_fields = fields

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value:
            return qs
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return qs.filter(query)


def phaen_content_types() -> QuerySet[ContentType]:
    labels = [config.label for config in apps.get_app_configs() if config.name.startswith("phaen.")]
    return ContentType.objects.filter(app_label__in=labels).order_by("app_label", "model")


class AuditEventFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["object_repr", "actor_name", "reason", "action"])
    action = django_filters.CharFilter(label=_("การกระทำ"), lookup_expr="startswith")
    content_type = django_filters.ModelChoiceFilter(
        label=_("ประเภทข้อมูล"),
        queryset=lambda request: phaen_content_types(),
    )
    actor_name = django_filters.CharFilter(label=_("ผู้ดำเนินการ"), lookup_expr="icontains")
    date_from = ThaiDateFilter(label=_("ตั้งแต่วันที่"), method="filter_date_from")
    date_to = ThaiDateFilter(label=_("ถึงวันที่"), method="filter_date_to")

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "content_type", "actor_name", "date_from", "date_to"]

    def filter_date_from(
        self, qs: QuerySet[AuditEvent], name: str, value: Any
    ) -> QuerySet[AuditEvent]:
        return qs.filter(occurred_at__gte=day_bounds(value)[0]) if value else qs

    def filter_date_to(
        self, qs: QuerySet[AuditEvent], name: str, value: Any
    ) -> QuerySet[AuditEvent]:
        return qs.filter(occurred_at__lt=day_bounds(value)[1]) if value else qs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["content_type"].field.label_from_instance = content_type_label


def content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model
