"""The shell's own pages: home, fiscal-year switch, audit log, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phaen.core.access import Action
from phaen.core.audit import field_changes
from phaen.core.filters import AuditEventFilterSet
from phaen.core.fiscal import select_fiscal_year, selected_fiscal_year
from phaen.core.home import panels_for
from phaen.core.models import AuditEvent
from phaen.core.tables import Column, Table
from phaen.core.views.generic import ObjectListView, PolicyView
from phaen.thai.calendar import FiscalQuarter, FiscalYear


@login_required
def home(request: HttpRequest) -> HttpResponse:
    fiscal_year = selected_fiscal_year(request)
    context = {
        "fiscal_year": fiscal_year,
        "current_quarter": FiscalQuarter.of(timezone.localdate()),
        "panels": panels_for(request),
    }
    return render(request, "core/home.html", context)


@require_POST
def fiscal_year_select(request: HttpRequest) -> HttpResponse:
    """Switch the fiscal year the pages show, then go back where the user was."""
    try:
        fiscal_year = FiscalYear(int(request.POST.get("fiscal_year", "")))
    except ValueError:
        return HttpResponseBadRequest(_("ปีงบประมาณไม่ถูกต้อง"))
    select_fiscal_year(request, fiscal_year)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    return HttpResponseRedirect(next_url)


def changes_summary(event: AuditEvent) -> str:
    changes = field_changes(event)
    labels = ", ".join(change.label for change in changes[:4])
    return labels + ("…" if len(changes) > 4 else "")


class AuditEventTable(Table):
    columns = [
        Column("occurred_at", gettext_lazy("เวลา"), order_by="occurred_at", link=True),
        Column("actor_name", gettext_lazy("ผู้ดำเนินการ"), order_by="actor_name"),
        Column("action", gettext_lazy("การกระทำ"), order_by="action"),
        Column("object_repr", gettext_lazy("รายการ"), order_by="object_repr"),
        Column("fields", gettext_lazy("ข้อมูลที่เปลี่ยน"), accessor=changes_summary),
        Column("reason", gettext_lazy("เหตุผล")),
    ]
    default_order = ("-occurred_at", "-id")


class AuditEventListView(ObjectListView):
    """The whole log, searchable, for admins (of their subtree) and superusers."""

    queryset = AuditEvent.objects.select_related("content_type")
    filterset = AuditEventFilterSet
    table = AuditEventTable
    export_stem = "audit-log"
    template_name = "core/auditevent_list.html"


class AuditEventDetailView(PolicyView):
    queryset = AuditEvent.objects.select_related("content_type", "actor")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_object(Action.VIEW)
        context = {**self.model_context(), "object": event, "changes": field_changes(event)}
        return render(request, "core/auditevent_detail.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise (no login, no session)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be the database the context processors need.
    return HttpResponse(render_to_string("500.html"), status=500)
