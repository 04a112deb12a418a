"""Frameworks in use by plans: deleting is refused with a clear Thai message, retiring keeps the
links and refuses new ones. (Here, not in phaen/frameworks/tests: plans sit above frameworks, and
import-linter keeps that package from importing them.)"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, ProtectedDataError
from phaen.core.models import AuditEvent
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import framework_delete, node_delete, node_retire
from phaen.frameworks.tests.factories import make_framework, make_node, make_tree
from phaen.plans.models import ActionPlan, AlignmentLink, FiscalYear, PlanVersion, StrategicIssue
from phaen.plans.services import content_create, plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


@pytest.fixture
def issue(world):
    """A draft plan of school A2 with one strategic issue."""
    year, _created = FiscalYear.objects.get_or_create(year=2561)
    plan = plan_create(
        actor=None,
        instance=ActionPlan(unit=world.school_a2, fiscal_year=year, title="แผนปฏิบัติการ 2561"),
    )
    version = PlanVersion.objects.get(plan=plan, number=1)
    return content_create(
        actor=None,
        instance=StrategicIssue(plan_version=version, number=1, title="พัฒนาคุณภาพผู้เรียน"),
    )


def link(issue, node, primary=False):
    return content_create(
        actor=None,
        instance=AlignmentLink(
            plan_version=issue.plan_version, node=node, strategic_issue=issue, is_primary=primary
        ),
    )


def test_a_framework_in_use_is_not_deleted(world, planner, issue):
    framework = make_framework(world.province_a)
    _one, one_one, _one_two, two, *_ = make_tree(framework)
    link(issue, one_one, primary=True)
    link(issue, two)
    with pytest.raises(ProtectedDataError) as caught:
        framework_delete(actor=planner, instance=framework, expected_version=1)
    assert caught.value.message == (
        "กรอบ “แผนพัฒนาการศึกษาทดสอบ pep-2561” ถูกใช้ในแผนแล้ว (แผนเชื่อมโยงกับข้อในกรอบนี้ 2 รายการ) "
        "จึงลบไม่ได้ หากมีข้อที่ไม่ใช้แล้ว ให้ยกเลิกข้อที่ไม่ใช้แทน"
    )
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert framework.nodes.count() == 6
    assert not AuditEvent.objects.filter(action__endswith=".deleted").exists()


def test_a_node_in_use_is_not_deleted_nor_its_parent(world, planner, issue):
    framework = make_framework(world.province_a)
    one, one_one, *_ = make_tree(framework)
    link(issue, one_one)
    for node in (one_one, one):
        with pytest.raises(ProtectedDataError) as caught:
            node_delete(actor=planner, instance=node)
        assert "ถูกใช้ในแผนแล้ว (แผนเชื่อมโยงอยู่ 1 รายการ)" in caught.value.message
        assert "ให้ยกเลิกข้อนี้แทน" in caught.value.message
    assert framework.nodes.count() == 6


def test_a_retired_node_keeps_its_links_and_takes_no_new_ones(world, planner, issue):
    framework = make_framework(world.province_a)
    one, one_one, *_ = make_tree(framework)
    kept = link(issue, one_one)
    node_retire(actor=planner, node=one, expected_version=1, reason="ยกเลิกตามแผนฉบับใหม่")
    assert AlignmentLink.objects.filter(pk=kept.pk).exists()
    one.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        link(issue, one)
    assert caught.value.message == "ข้อในกรอบนี้ถูกยกเลิกแล้ว เชื่อมโยงเพิ่มไม่ได้"


def test_the_delete_page_shows_why_not(client, world, planner, issue):
    framework = make_framework(world.province_a)
    node = make_node(framework, "1")
    link(issue, node)
    client.force_login(planner)
    response = client.post(reverse("frameworks:framework_delete", args=[framework.pk]), {})
    assert response.status_code == 400
    assert "ถูกใช้ในแผนแล้ว" in response.content.decode()
    response = client.post(reverse("frameworks:frameworknode_delete", args=[node.pk]), {})
    assert response.status_code == 400
    assert "ให้ยกเลิกข้อนี้แทน" in response.content.decode()
    assert FrameworkNode.objects.filter(pk=node.pk).exists()


def test_the_api_refuses_with_409(world, planner, issue):
    framework = make_framework(world.province_a)
    node = make_node(framework, "1")
    link(issue, node)
    api = APIClient()
    api.force_authenticate(planner)
    response = api.delete(f"/api/v1/frameworks/{framework.pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "protected"
    response = api.delete(f"/api/v1/framework-nodes/{node.pk}/")
    assert response.status_code == 409
    assert FrameworkNode.objects.filter(pk=node.pk).exists()
