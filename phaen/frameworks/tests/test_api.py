"""/api/v1/frameworks/ and /api/v1/framework-nodes/: filters, scoping, writes through the
services (audited, versioned), retire and restore, and the schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.tests.factories import make_framework, make_node, make_tree

pytestmark = pytest.mark.django_db

FRAMEWORKS = "/api/v1/frameworks/"
NODES = "/api/v1/framework-nodes/"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response, key="code"):
    assert response.status_code == 200, response.json()
    return {row[key] for row in response.json()["results"]}


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


@pytest.fixture
def peo_plan(world):
    framework = make_framework(world.province_a)
    make_tree(framework)
    return framework


def test_frameworks_are_scoped_like_the_pages(world, planner, peo_plan):
    national = {"ns-2560-draft", "ns-2561", "master-plans-2561", "nesdp-12", "nep-2560", "sdg-4"}
    make_framework(world.province_b, code="pep-b")
    assert codes(api().get(FRAMEWORKS)) == national
    assert codes(api(planner).get(FRAMEWORKS)) == national | {"pep-2561"}
    school = world.user(Role.VIEWER, world.school_a2)
    assert codes(api(school).get(FRAMEWORKS)) == national | {"pep-2561"}
    assert (
        api(world.user(Role.PLANNER, world.province_b))
        .get(f"{FRAMEWORKS}{peo_plan.pk}/")
        .status_code
        == 404
    )


def test_framework_filters(world, planner, peo_plan):
    client = api(planner)
    assert codes(client.get(FRAMEWORKS, {"year": 2580})) == {"ns-2561", "master-plans-2561"}
    assert codes(client.get(FRAMEWORKS, {"kind": "sdg"})) == {"sdg-4"}
    assert codes(client.get(FRAMEWORKS, {"family": "national-strategy", "status": "final"})) == {
        "ns-2561"
    }
    assert codes(client.get(FRAMEWORKS, {"is_national": "false"})) == {"pep-2561"}
    assert codes(client.get(FRAMEWORKS, {"owner": world.province_a.pk})) == {"pep-2561"}
    row = client.get(f"{FRAMEWORKS}{peo_plan.pk}/").json()
    assert (row["node_count"], row["owner_name"], row["kind_display"]) == (
        6,
        world.province_a.name,
        "แผนพัฒนาการศึกษาจังหวัด",
    )


def test_node_filters(world, planner, peo_plan):
    client = api(planner)
    one = peo_plan.nodes.get(code="1")
    assert codes(client.get(NODES, {"framework": peo_plan.pk})) == {
        "1",
        "1.1",
        "1.2",
        "2",
        "2.1",
        "2.2",
    }
    assert codes(client.get(NODES, {"under": one.pk})) == {"1", "1.1", "1.2"}
    assert codes(client.get(NODES, {"under": 999999})) == set()
    assert codes(client.get(NODES, {"kind": "sdg", "q": "ครู"})) == {"4.c"}
    assert codes(client.get(NODES, {"framework": peo_plan.pk, "is_retired": "true"})) == set()
    sdg = Framework.objects.get(code="sdg-4")
    assert (
        len(codes(client.get(NODES, {"framework": sdg.pk, "parent": sdg.nodes.get(code="4").pk})))
        == 10
    )


def test_creating_a_framework_and_nodes_through_the_api(world, planner):
    client = api(planner)
    response = client.post(
        FRAMEWORKS,
        {
            "code": "focus-2561",
            "name": "จุดเน้นเชิงนโยบายของรัฐมนตรีว่าการกระทรวงศึกษาธิการ ปีงบประมาณ 2561",
            "family": "minister-focus",
            "kind": "minister_focus",
            "level": 3,
            "year_start": 2561,
            "year_end": 2561,
            "status": "final",
            "owner": world.province_a.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    framework_id = response.json()["id"]
    response = client.post(
        NODES,
        {"framework": framework_id, "code": "1", "title": "การจัดการเรียนรู้เชิงรุก"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    parent = response.json()
    response = client.post(
        NODES,
        {
            "framework": framework_id,
            "parent": parent["id"],
            "code": "1.1",
            "title": "Active Learning",
        },
        format="json",
    )
    child = response.json()
    assert (child["depth"], child["order"]) == (1, 1)
    assert child["path"].startswith(parent["path"])
    assert AuditEvent.objects.filter(action="frameworks.frameworknode.created").count() == 2


def test_a_planner_cannot_add_to_a_national_framework(world, planner):
    national = Framework.objects.get(code="nep-2560")
    response = api(planner).post(
        NODES, {"framework": national.pk, "code": "7", "title": "ยุทธศาสตร์เพิ่มเอง"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "framework" in response.json()["error"]["fields"]
    node = national.nodes.get(code="1")
    response = api(planner).patch(f"{NODES}{node.pk}/", {"title": "x", "version": 1}, format="json")
    assert response.status_code == 403
    response = api(world.superuser()).patch(
        f"{NODES}{node.pk}/", {"title": node.title + " (ตรวจทานแล้ว)", "version": 1}, format="json"
    )
    assert response.status_code == 200


def test_moving_a_node_through_the_api(world, planner, peo_plan):
    node = peo_plan.nodes.get(code="1.1")
    target = peo_plan.nodes.get(code="2")
    client = api(planner)
    response = client.patch(f"{NODES}{node.pk}/", {"parent": target.pk}, format="json")
    assert response.status_code == 400  # the version is required
    response = client.patch(
        f"{NODES}{node.pk}/", {"parent": target.pk, "version": node.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["path"].startswith(target.path)
    response = client.patch(
        f"{NODES}{node.pk}/", {"title": "ช้าไป", "version": node.version}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_edit"
    other = make_framework(world.province_a, code="other-2561")
    response = client.patch(
        f"{NODES}{node.pk}/", {"framework": other.pk, "version": node.version + 1}, format="json"
    )
    assert response.status_code == 400
    assert FrameworkNode.objects.get(pk=node.pk).framework == peo_plan


def test_retire_and_restore_actions(world, planner, peo_plan):
    node = peo_plan.nodes.get(code="1")
    client = api(planner)
    response = client.post(f"{NODES}{node.pk}/retire/", {"version": 1}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = client.post(
        f"{NODES}{node.pk}/retire/", {"version": 1, "reason": "ยกเลิกตามแผนฉบับทบทวน"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["is_retired"], response.json()["version"]) == (True, 2)
    assert codes(client.get(NODES, {"framework": peo_plan.pk, "is_retired": "true"})) == {
        "1",
        "1.1",
        "1.2",
    }
    reader = api(world.user(Role.VIEWER, world.province_a))
    assert (
        reader.post(f"{NODES}{node.pk}/restore/", {"version": 2, "reason": "x"}).status_code == 403
    )
    response = client.post(
        f"{NODES}{node.pk}/restore/", {"version": 2, "reason": "ใช้ต่อ"}, format="json"
    )
    assert response.json()["is_retired"] is False
    assert AuditEvent.objects.filter(action="frameworks.frameworknode.restored").count() == 1


def test_the_node_list_runs_a_constant_number_of_queries(world, planner, peo_plan):
    client = api(planner)
    client.get(NODES)
    with CaptureQueriesContext(connection) as small:
        client.get(NODES, {"page_size": 200})
    for index in range(40):
        make_node(peo_plan, f"X{index}")
    with CaptureQueriesContext(connection) as large:
        client.get(NODES, {"page_size": 200})
    assert len(small) == len(large)


def test_the_schema_documents_both_collections_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    framework_warnings = {key: value for key, value in warnings.items() if "ramework" in key}
    assert framework_warnings == {}
    for path in (
        "/api/v1/frameworks/",
        "/api/v1/frameworks/{id}/",
        "/api/v1/framework-nodes/",
        "/api/v1/framework-nodes/{id}/retire/",
        "/api/v1/framework-nodes/{id}/restore/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/framework-nodes/"]["get"]["parameters"]}
    assert {"framework", "kind", "status", "is_retired", "q", "under"} <= params
