"""The REST API under /api/v1/: every app's collections in one router."""

from collections.abc import Collection
from typing import cast

from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from phaen.api.views import TokenView
from phaen.core.api.viewsets import AuditEventViewSet
from phaen.orgs.api import MembershipViewSet, OrgUnitViewSet

# Swagger UI sets inline style attributes; its scripts stay same-origin files (no inline code).
DOCS_CSP: dict[str, Collection[str] | str] = {
    **cast(dict[str, list[str]], settings.SECURE_CSP),
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}
api_docs = csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("audit-events", AuditEventViewSet, basename="auditevent")

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("", include(router.urls)),
]
