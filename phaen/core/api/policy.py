"""Permission and pagination of the API (kept free of DRF's views to avoid an import cycle)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from phaen.core.access import AccessRules


class StandardPagination(PageNumberPagination):
    page_size = settings.PHAEN_LIST_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 500


def _rules(view: Any) -> AccessRules | None:
    queryset = getattr(view, "queryset", None)
    return getattr(queryset.model, "access_rules", None) if queryset is not None else None


class PolicyPermission(BasePermission):
    """Reading needs a login unless the model has public rows; writing always needs one.

    What a user may read or change is decided per row by ``restrict()`` in the viewset.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.user and request.user.is_authenticated:
            return True
        rules = _rules(view)
        return request.method in SAFE_METHODS and rules is not None and rules.public is not None
