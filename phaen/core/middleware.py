"""Request middleware: idle log-out and the request facts the audit log records."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from phaen.core.request_context import (
    RequestInfo,
    client_ip,
    reset_request_info,
    set_request_info,
)

IDLE_KEY = "phaen_last_activity"


class SessionIdleTimeoutMiddleware:
    """Log a user out after ``PHAEN_SESSION_IDLE_MINUTES`` without a request.

    The timestamp is written at most once a minute, so an active session costs no extra writes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            idle_limit = settings.PHAEN_SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle_limit:
                logout(request)
                messages.info(request, _("หมดเวลาการใช้งานเนื่องจากไม่มีการใช้งานนาน กรุณาเข้าสู่ระบบอีกครั้ง"))
            elif last is None or now - int(last) >= 60:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


class RequestContextMiddleware:
    """Give each request an id (echoed in ``X-Request-ID``) and remember the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        info = RequestInfo(ip_address=client_ip(request), request_id=request_id)
        token = set_request_info(info)
        try:
            response = self.get_response(request)
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        return response


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the user chose otherwise with the language switch (a cookie).

    Browsers send Accept-Language on their own (an English Windows says "en-US"), which must not
    turn a Thai office's pages English; API clients set it on purpose, so the API honours it.
    """

    def __call__(self, request: HttpRequest) -> Any:
        # The language is the request's own: put back what was active before (a server thread,
        # or the next test, must not inherit the last request's choice).
        previous = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            translation.activate(previous or settings.LANGUAGE_CODE)

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = None
        if language is None and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
