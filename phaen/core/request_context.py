"""Per-request facts (address, request id) that services record without taking a request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None = None
    request_id: str = ""


_NO_REQUEST = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("phaen_request_info", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind ``PHAEN_TRUSTED_PROXIES`` proxies, the address the nearest
    trusted proxy saw (counted from the right of X-Forwarded-For, which clients can forge)."""
    proxies = settings.PHAEN_TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' hook (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request)


def current_request_info() -> RequestInfo:
    return _current.get() or _NO_REQUEST


def set_request_info(info: RequestInfo) -> object:
    """Set the info for the current context; returns a token for ``reset_request_info``."""
    return _current.set(info)


def reset_request_info(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
