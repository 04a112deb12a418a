"""A user's own notifications (การแจ้งเตือน) and their notification setting.

Everything here reads through ``notifications_for(request.user)``: another user's notification
is 404, whoever asks.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phaen.core.models import User
from phaen.core.notifications import (
    is_safe_relative_url,
    notification_mark_read,
    notifications_for,
    notifications_mark_all_read,
    user_notification_settings_update,
)

NOTIFICATIONS_PER_PAGE = 20


def own_user(request: HttpRequest) -> User:
    """The logged-in user (the views are behind ``login_required``)."""
    return cast(User, request.user)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread marked."""
    own = notifications_for(request.user)
    page = Paginator(own, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notifications": page.object_list,
        "has_unread": own.filter(read_at__isnull=True).exists(),
    }
    return render(request, "core/notification_list.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (a path on this site only)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(user=own_user(request), notification=notification)
    url = notification.url
    if not url or not is_safe_relative_url(url):
        return redirect("notification_list")
    return HttpResponseRedirect(url)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """อ่านแล้วทั้งหมด (POST with the CSRF token)."""
    count = notifications_mark_all_read(user=own_user(request))
    if count:
        messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว %(count)s รายการ") % {"count": count})
    return redirect("notification_list")


class NotificationSettingsForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=gettext_lazy("รับการแจ้งเตือนทางอีเมล"),
        required=False,
        help_text=gettext_lazy(
            "การแจ้งเตือนยังแสดงในระบบ (รูปกระดิ่งที่ส่วนหัวของหน้า) เสมอ "
            "ตัวเลือกนี้กำหนดเฉพาะการส่งสำเนาไปยังอีเมลของคุณ"
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The user's own setting: whether notifications are also e-mailed."""
    user = own_user(request)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            user_notification_settings_update(
                actor=user, email_notifications=form.cleaned_data["email_notifications"]
            )
            messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
            return redirect("notification_settings")
    else:
        form = NotificationSettingsForm(initial={"email_notifications": user.email_notifications})
    context = {"form": form, "email": user.email, "site_name": settings.PHAEN_SITE_NAME}
    return render(request, "core/notification_settings.html", context)
