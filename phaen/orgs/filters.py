"""FilterSets of org units and memberships (shared by the list pages, the API and exports)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Role
from phaen.core.filters import SearchFilter
from phaen.orgs.models import Membership, OrgUnit


class OrgUnitFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "short_name", "code"])
    kind = django_filters.ChoiceFilter(label=_("ประเภท"), choices=OrgUnit.Kind.choices)
    affiliation = django_filters.ChoiceFilter(label=_("สังกัด"), choices=OrgUnit.Affiliation.choices)
    is_active = django_filters.BooleanFilter(label=_("ใช้งานอยู่"))
    parent = django_filters.NumberFilter(label=_("รหัสหน่วยงานต้นสังกัด (id)"), field_name="parent_id")
    under = django_filters.NumberFilter(label=_("อยู่ภายใต้หน่วยงาน (id)"), method="filter_under")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "affiliation", "is_active", "parent", "under"]

    def filter_under(self, queryset: QuerySet[OrgUnit], name: str, value: Any) -> QuerySet[OrgUnit]:
        """The subtree of a unit (itself included); an unknown id gives nothing."""
        path = OrgUnit.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=path) if path else queryset.none()


class MembershipFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["user__username", "user__full_name", "unit__name", "note"])
    role = django_filters.ChoiceFilter(label=_("บทบาท"), choices=Role.choices)
    is_active = django_filters.BooleanFilter(label=_("ใช้งานอยู่"))
    unit = django_filters.NumberFilter(label=_("หน่วยงาน (id)"), field_name="unit_id")
    user = django_filters.NumberFilter(label=_("ผู้ใช้ (id)"), field_name="user_id")

    class Meta:
        model = Membership
        fields = ["q", "role", "is_active", "unit", "user"]
