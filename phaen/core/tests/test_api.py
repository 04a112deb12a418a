"""The API base through HTTP: token log-in, the one error shape, schema and docs, pagination,
filters, the audit-log collection. The collections used are the org units' (by URL only: core may
not import orgs)."""

import json
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.audit import audit_record
from phaen.core.models import User
from phaen.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = reverse("api:token")
UNITS = "/api/v1/org-units/"
EVENTS = "/api/v1/audit-events/"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def unit_url(unit):
    return f"{UNITS}{unit.pk}/"


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


# Token log-in -------------------------------------------------------------------------------------


def test_the_token_endpoint_exchanges_a_password_for_a_token_that_works(world):
    user = world.user(Role.VIEWER, world.province_a)
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get(UNITS)
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()["results"]} == {
        world.province_a.pk,
        world.group_a1.pk,
        world.school_a2.pk,
    }
    # Asking again gives the same token.
    again = APIClient().post(
        TOKEN, {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert again.json()["token"] == token


def test_the_token_endpoint_accepts_a_form_post(world):
    user = world.user(Role.VIEWER, world.province_a)
    response = APIClient().post(TOKEN, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize("password", ["wrong", ""])
def test_bad_credentials_get_the_thai_error_shape(world, password):
    user = world.user(Role.VIEWER, world.province_a)
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": password or " "}, format="json"
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid_credentials",
        "message": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
    }


def test_an_inactive_account_gets_no_token(world):
    user = world.user(Role.VIEWER, world.province_a)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert not Token.objects.filter(user=user).exists()


def test_missing_credentials_are_a_validation_error():
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "ข้อมูลไม่ถูกต้อง"
    assert set(error["fields"]) == {"username", "password"}


def test_an_unknown_token_is_refused_with_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get(UNITS)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


# The error shape ----------------------------------------------------------------------------------


def test_401_for_anonymous_requests():
    response = APIClient().get(UNITS)
    assert response.status_code == 401
    assert error_of(response) == {
        "code": "not_authenticated",
        "message": "กรุณาเข้าสู่ระบบ (ส่ง Authorization: Token <token>)",
    }
    assert response["WWW-Authenticate"] == "Token"


def test_400_with_the_fields_in_error(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).post(
        UNITS,
        {"kind": "castle", "affiliation": "obec", "parent": world.province_a.pk},
        format="json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "ข้อมูลไม่ถูกต้อง"
    assert set(error["fields"]) >= {"name", "kind"}


def test_403_for_a_reader_writing_in_scope(world):
    viewer = world.user(Role.VIEWER, world.province_a)
    response = api(viewer).patch(
        unit_url(world.school_a2), {"name": "ใหม่", "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "permission_denied",
        "message": "คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้",
    }


def test_403_for_adding_without_a_managing_role(world):
    viewer = world.user(Role.VIEWER, world.province_a)
    response = api(viewer).post(UNITS, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert error_of(response)["message"] == "คุณไม่มีสิทธิ์เพิ่มรายการประเภทนี้"


def test_404_outside_the_scope(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).get(unit_url(world.school_b1))
    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "ไม่พบข้อมูล หรือคุณไม่มีสิทธิ์เข้าถึงข้อมูลนี้",
    }


def test_409_for_a_stale_patch(world):
    planner = world.user(Role.PLANNER, world.province_a)
    client = api(planner)
    url = unit_url(world.school_a2)
    first = client.patch(url, {"name": "ชื่อแรก", "version": 1}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(url, {"name": "ชื่อจากฉบับเก่า", "version": 1}, format="json")
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "stale_edit"
    assert error["message"].startswith("มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว")
    assert re.search(r"ฉบับที่ 2\b.*ฉบับที่ 1\b", error["message"])
    world.school_a2.refresh_from_db()
    assert world.school_a2.name == "ชื่อแรก"


def test_the_version_may_come_in_if_match(world):
    planner = world.user(Role.PLANNER, world.province_a)
    client = api(planner)
    url = unit_url(world.school_a2)
    assert client.patch(url, {"name": "ก"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    stale = client.patch(url, {"name": "ข"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409


def test_a_patch_without_a_version_is_refused(world):
    planner = world.user(Role.PLANNER, world.province_a)
    response = api(planner).patch(unit_url(world.school_a2), {"name": "ใหม่"}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert "version" in error["fields"]
    assert "version" in error["fields"]["version"][0]
    world.school_a2.refresh_from_db()
    assert world.school_a2.name == "โรงเรียน ก2"


def test_409_for_deleting_a_unit_that_owns_data(world):
    planner = world.user(Role.PLANNER, world.region)
    response = api(planner).delete(unit_url(world.province_a))
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "protected"
    assert error["message"].startswith("ลบ “ศธจ.ก” ไม่ได้")


def test_405_has_the_same_shape(world):
    response = api(world.superuser()).post(EVENTS, {}, format="json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_session_auth_in_the_api_needs_the_csrf_token(world):
    planner = world.user(Role.PLANNER, world.province_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    response = client.patch(
        unit_url(world.school_a2),
        json.dumps({"name": "แก้โดยไม่มี CSRF", "version": 1}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]
    world.school_a2.refresh_from_db()
    assert world.school_a2.name == "โรงเรียน ก2"


# Schema and docs ----------------------------------------------------------------------------------


def test_the_schema_describes_the_collections():
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "phaen API"
    for path in ("/api/v1/org-units/", "/api/v1/memberships/", "/api/v1/audit-events/"):
        assert path in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    yaml = Client().get("/api/v1/schema/").content.decode()
    assert "/api/v1/org-units/{id}/:" in yaml


def test_the_docs_use_no_outside_urls(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the docs page loads its assets"
    outside = [url for url in assets if re.match(r"(https?:)?//", url)]
    assert outside == []
    for url in assets:
        assert client.get(url).status_code == 200, url
    script = client.get("/api/v1/docs/", {"script": ""}).content.decode()
    assert not re.search(r"https?://(?!testserver)", script)


# Pagination and filters ---------------------------------------------------------------------------


@pytest.fixture
def many_units(world):
    """520 schools under school A2's province (bulk: paths only matter for the filters)."""
    unit_model = type(world.school_a2)
    parent = world.group_a1
    unit_model.objects.bulk_create(
        unit_model(
            name=f"โรงเรียนทดสอบ {index:03d}",
            code=f"P{index:05d}",
            kind="school",
            affiliation="obec",
            parent=parent,
            path=f"{parent.path}b{index}/",
            depth=parent.depth + 1,
        )
        for index in range(520)
    )
    return unit_model.objects.count()


def test_pagination_follows_page_size_up_to_500(world, many_units):
    client = api(world.superuser())
    default = client.get(UNITS).json()
    assert default["count"] == many_units
    assert len(default["results"]) == 50
    assert "page=2" in default["next"]
    small = client.get(UNITS, {"page_size": 7, "page": 2}).json()
    assert len(small["results"]) == 7
    assert small["previous"] is not None
    capped = client.get(UNITS, {"page_size": 10000}).json()
    assert len(capped["results"]) == 500
    assert capped["next"] is not None


def test_a_page_past_the_end_is_404(world):
    response = api(world.superuser()).get(UNITS, {"page": 99})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_filter_under_gives_the_subtree(world):
    client = api(world.superuser())
    assert ids(client.get(UNITS, {"under": world.province_a.pk})) == {
        world.province_a.pk,
        world.group_a1.pk,
        world.school_a2.pk,
    }
    assert ids(client.get(UNITS, {"under": 987654321})) == set()


def test_filter_under_stays_within_the_users_scope(world):
    viewer = world.user(Role.VIEWER, world.group_a1)
    assert ids(api(viewer).get(UNITS, {"under": world.province_a.pk})) == {world.group_a1.pk}


def test_filter_by_kind_and_text(world):
    client = api(world.superuser())
    assert ids(client.get(UNITS, {"kind": "school"})) == {world.school_a2.pk, world.school_b1.pk}
    assert ids(client.get(UNITS, {"q": "ข1"})) == {world.school_b1.pk}
    assert ids(client.get(UNITS, {"q": world.group_a1.code})) == {world.group_a1.pk}
    assert ids(client.get(UNITS, {"kind": "school", "under": world.province_b.pk})) == {
        world.school_b1.pk
    }


def test_an_unknown_kind_is_a_validation_error(world):
    response = api(world.superuser()).get(UNITS, {"kind": "castle"})
    assert response.status_code == 400
    assert "kind" in error_of(response)["fields"]


def test_ordering(world):
    response = api(world.superuser()).get(UNITS, {"ordering": "-name", "kind": "school"})
    assert [row["name"] for row in response.json()["results"]] == ["โรงเรียน ข1", "โรงเรียน ก2"]


# The audit-log collection -------------------------------------------------------------------------


def test_audit_events_are_listed_for_admins_of_the_subtree_only(world):
    with transaction.atomic():
        mine = audit_record(
            actor=None, action="t.x.done", reason="ของ ก", unit_path=world.school_a2.path
        )
        audit_record(actor=None, action="t.x.done", reason="ของ ข", unit_path=world.school_b1.path)
    admin = world.user(Role.ADMIN, world.province_a)
    response = api(admin).get(EVENTS, {"q": "ของ"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["reason"] == "ของ ก"
    assert rows[0]["object_type"] == ""
    assert ids(api(world.user(Role.PLANNER, world.province_a)).get(EVENTS)) == set()


def test_an_audit_event_names_its_object_type(world):
    admin = world.user(Role.ADMIN, world.province_a)
    response = api(admin).get(EVENTS, {"action": "orgs.orgunit.created"})
    rows = response.json()["results"]
    assert rows
    assert {row["object_type"] for row in rows} == {"orgs.orgunit"}
