"""Request middleware: request ids, the request facts' lifetime, the Thai-first locale rules."""

import pytest
from django.conf import settings
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.middleware import IDLE_KEY
from phaen.core.request_context import current_request_info

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_long_request_id_is_cut_to_64_characters(client):
    response = client.get(reverse("login"), headers={"X-Request-ID": "x" * 100})
    assert response["X-Request-ID"] == "x" * 64


def test_the_request_facts_do_not_outlive_the_request(client):
    client.get(reverse("login"), headers={"X-Request-ID": "req-1"}, REMOTE_ADDR="10.0.0.9")
    info = current_request_info()
    assert (info.request_id, info.ip_address) == ("", None)


def test_anonymous_requests_leave_no_activity_time(client):
    client.get(reverse("login"))
    assert IDLE_KEY not in client.session


def test_the_api_prefers_the_language_cookie_over_accept_language(client, world):
    client.force_login(world.user(Role.VIEWER, world.province_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    response = client.get("/api/v1/org-units/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "th"


def test_the_api_speaks_thai_without_accept_language(client):
    response = client.get("/api/v1/org-units/")
    assert response.status_code == 401
    assert response["Content-Language"] == "th"


def test_the_api_in_english_when_asked(client):
    response = client.get("/api/v1/org-units/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response["Content-Language"] == "en"
