"""One error shape for the whole API, with Thai messages (English with Accept-Language: en).

{"error": {"code": "validation_error", "message": "ข้อมูลไม่ถูกต้อง", "fields": {...}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from phaen.core.exceptions import DomainError


def _error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every error to the one shape, with a Thai message (English with Accept-Language: en)."""
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(_error_body(exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        # A model's own validation (e.g. a conditional unique constraint) names the record as a
        # whole "__all__"; the API calls it "non_field_errors", as serializers do.
        fields = (
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
                for name, messages in exc.message_dict.items()
            }
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
        return Response(
            _error_body("validation_error", _("ข้อมูลไม่ถูกต้อง"), fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _error_body("validation_error", _("ข้อมูลไม่ถูกต้อง"), exc.detail)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = _("กรุณาเข้าสู่ระบบ (ส่ง Authorization: Token <token>)")
        if isinstance(exc, exceptions.AuthenticationFailed):
            message = str(exc.detail)
        response.data = _error_body(exc.default_code, message)
    elif isinstance(exc, exceptions.NotFound):
        response.data = _error_body("not_found", _("ไม่พบข้อมูล หรือคุณไม่มีสิทธิ์เข้าถึงข้อมูลนี้"))
    elif isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        if detail == str(exceptions.PermissionDenied.default_detail):
            detail = _("คุณไม่มีสิทธิ์ดำเนินการนี้")
        response.data = _error_body("permission_denied", detail)
    elif isinstance(exc, exceptions.APIException):
        response.data = _error_body(str(exc.default_code), str(exc.detail))
    return response
