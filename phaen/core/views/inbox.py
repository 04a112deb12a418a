"""งานที่รอฉัน: the "waiting for me" page and its home-page panel (sections come from
the apps through ``phaen.core.inbox.register_inbox_source``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from phaen.core.inbox import inbox_for, waiting_total
from phaen.core.models import User
from phaen.core.views.notifications import own_user


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """งานที่รอฉัน: every registered section that concerns the user."""
    sections = inbox_for(own_user(request))
    context = {
        "sections": sections,
        "total": waiting_total(sections),
    }
    return render(request, "core/inbox.html", context)


def inbox_panel(request: HttpRequest) -> dict[str, object] | None:
    """The home page's panel: the count of each section; hidden when no section concerns
    the user."""
    user = request.user
    if not isinstance(user, User):
        return None
    sections = inbox_for(user)
    if not sections:
        return None
    return {"sections": sections, "total": waiting_total(sections)}
