"""Authentication: demo accounts (public password) work only on a demo database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def demo_account_blocked(user: Any) -> bool:
    """A demo account outside a demo database (PHAEN_DEMO off) must not log in."""
    return bool(getattr(user, "is_demo_account", False)) and not settings.PHAEN_DEMO


class PhaenModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_account_blocked(user)


class PhaenTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if demo_account_blocked(user):
            raise exceptions.AuthenticationFailed(_("บัญชีสาธิตใช้ได้เฉพาะในระบบสาธิต"))
        return user, token
