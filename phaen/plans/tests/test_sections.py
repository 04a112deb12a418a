"""The sections later apps add to the plan page (plans.sections.register_plan_section): shown
in their order, each rendered with its own context for the reader, after the plan's own parts.
The registry is swapped for a test one, so these tests know no app above plans."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from phaen.core.access import Role
from phaen.plans import sections
from phaen.plans.sections import PlanSection, plan_sections, register_plan_section
from phaen.plans.tests.factories import small_plan

pytestmark = pytest.mark.django_db


def reader_context(user, version):
    return {"reader": getattr(user, "username", "") or "-", "title": version.plan.title}


@pytest.fixture
def registry(monkeypatch, settings, tmp_path):
    """An empty registry and two section templates in a template folder of the test's own."""
    monkeypatch.setattr(sections, "_plan_sections", [])
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "first.html").write_text(
        '<section id="first">first {{ section.reader }} {{ section.title }}</section>'
    )
    (folder / "second.html").write_text('<section id="second">second</section>')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], str(tmp_path)]
    settings.TEMPLATES = templates
    return sections


def test_sections_are_given_in_order_with_their_context(world, registry):
    version = small_plan(world.province_a, world.group_a1).version
    planner = world.user(Role.PLANNER, world.province_a)
    second = PlanSection("extra/second.html", lambda user, version: {}, order=30)
    first = PlanSection("extra/first.html", reader_context, order=10)
    register_plan_section(second)
    register_plan_section(first)
    register_plan_section(first)  # registering twice (ready() runs again) adds it once
    assert plan_sections(planner, version) == [
        ("extra/first.html", {"reader": planner.username, "title": version.plan.title}),
        ("extra/second.html", {}),
    ]


def test_the_plan_page_renders_the_sections(world, registry):
    version = small_plan(world.province_a, world.group_a1).version
    register_plan_section(PlanSection("extra/second.html", lambda user, version: {}, order=30))
    register_plan_section(PlanSection("extra/first.html", reader_context, order=10))
    planner = world.user(Role.PLANNER, world.province_a)
    client = Client()
    client.force_login(planner)
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<section id="first">first {planner.username} {version.plan.title}</section>' in html
    assert html.index('id="first"') < html.index('id="second"')
    assert html.index('id="totals"') < html.index('id="first"')  # after the plan's own parts
