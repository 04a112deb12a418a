"""FilterSets of frameworks and their nodes (shared by the list pages, the API and exports)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from phaen.core.filters import SearchFilter
from phaen.frameworks.models import Framework, FrameworkNode


class BEYearFilter(django_filters.NumberFilter):
    """A Buddhist-era year (2561); frameworks whose years include it."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        year = int(value)
        prefix = f"{self.field_name}__" if self.field_name != "year" else ""
        return qs.filter(**{f"{prefix}year_start__lte": year, f"{prefix}year_end__gte": year})


class FrameworkFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "short_name", "code", "source_document", "description"])
    kind = django_filters.ChoiceFilter(label=_("ประเภท"), choices=Framework.Kind.choices)
    level = django_filters.ChoiceFilter(label=_("ระดับของแผน"), choices=Framework.Level.choices)
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Framework.Status.choices)
    year = BEYearFilter(label=_("ใช้ในปี พ.ศ."), field_name="year", min_value=2400, max_value=2700)
    is_national = django_filters.BooleanFilter(
        label=_("กรอบระดับชาติ (ระบบจัดให้)"), field_name="owner", lookup_expr="isnull"
    )
    owner = django_filters.NumberFilter(label=_("หน่วยงานเจ้าของ (id)"), field_name="owner_id")
    family = django_filters.CharFilter(label=_("กลุ่มฉบับ"))

    class Meta:
        model = Framework
        fields = ["q", "kind", "level", "status", "year", "is_national", "owner", "family"]


class FrameworkNodeFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["code", "title", "level_name", "description"])
    framework = django_filters.NumberFilter(label=_("กรอบ (id)"), field_name="framework_id")
    kind = django_filters.ChoiceFilter(
        label=_("ประเภทกรอบ"), field_name="framework__kind", choices=Framework.Kind.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("สถานะของกรอบ"), field_name="framework__status", choices=Framework.Status.choices
    )
    year = BEYearFilter(
        label=_("กรอบที่ใช้ในปี พ.ศ."), field_name="framework", min_value=2400, max_value=2700
    )
    is_retired = django_filters.BooleanFilter(label=_("ยกเลิกแล้ว"))
    parent = django_filters.NumberFilter(label=_("ข้อแม่ (id)"), field_name="parent_id")
    under = django_filters.NumberFilter(label=_("อยู่ภายใต้ข้อ (id)"), method="filter_under")

    class Meta:
        model = FrameworkNode
        fields = ["q", "framework", "kind", "status", "year", "is_retired", "parent", "under"]

    def filter_under(
        self, queryset: QuerySet[FrameworkNode], name: str, value: Any
    ) -> QuerySet[FrameworkNode]:
        """The subtree of a node (itself included); an unknown id gives nothing."""
        found = FrameworkNode.objects.filter(pk=value).values_list("framework_id", "path").first()
        if found is None:
            return queryset.none()
        framework_id, path = found
        return queryset.filter(framework_id=framework_id, path__startswith=path)


class FrameworkPageFilterSet(FrameworkFilterSet):
    """The list page's filters: those a reader picks from (ids and family codes stay API-only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "family"):
            self.filters.pop(name)


class FrameworkNodePageFilterSet(FrameworkNodeFilterSet):
    """The node list's filters, with the framework chosen by name instead of by id."""

    framework = django_filters.ModelChoiceFilter(
        label=_("กรอบ"),
        queryset=lambda request: Framework.objects.restrict(
            request.user if request else None
        ).order_by("level", "kind", "-year_start", "code"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("parent", "under"):
            self.filters.pop(name)
