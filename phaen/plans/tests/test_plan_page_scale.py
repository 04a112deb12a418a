"""The plan page at scale: the same number of queries for a plan of 5 projects and one of 60.

Both plans are built the quick way the benchmark builds its 300-project plan
(``benchmarks/plan_data.py``: bulk inserts, then approved, published and copied into a draft
through the services), so the test stays around a second and runs with the rest of the suite.
The readers are those of the benchmark: the planner and the director of the plan's unit (the
draft), a reporter of a work group and an anonymous visitor (the published version).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.plan_data import PlanSize, build_plan, publish_and_revise
from phaen.core.access import Role
from phaen.orgs.models import OrgUnit
from phaen.orgs.testing import make_unit
from phaen.plans.models import Activity, Project

pytestmark = pytest.mark.django_db

SMALL = PlanSize(
    projects=5,
    activities=25,
    issues=2,
    goals_per_issue=1,
    goal_indicators=2,
    strategies_per_issue=1,
    missions=1,
)
BIGGER = PlanSize(projects=60, activities=300, issues=6, goal_indicators=12)


def page_queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a session also stores the idle timer
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def test_the_plan_page_runs_the_same_queries_for_5_and_60_projects(world):
    groups = [
        world.group_a1,
        make_unit("กลุ่มส่งเสริมการจัดการศึกษา ก", world.province_a, OrgUnit.Kind.WORK_GROUP),
        make_unit("กลุ่มนิเทศ ติดตามและประเมินผล ก", world.province_a, OrgUnit.Kind.WORK_GROUP),
    ]
    partners = [world.school_a2, make_unit("โรงเรียน ก3", world.province_a, OrgUnit.Kind.SCHOOL)]
    planner = world.user(Role.PLANNER, world.province_a)
    director = world.user(Role.APPROVER, world.province_a)
    reporter = world.user(Role.REPORTER, world.group_a1)

    versions = {}
    for year, size in ((2561, SMALL), (2562, BIGGER)):
        built = build_plan(
            unit=world.province_a,
            lead_units=groups,
            partner_units=partners,
            year=year,
            size=size,
            actor=planner,
        )
        draft = publish_and_revise(built, approver=director, publisher=planner)
        versions[size.projects] = {"draft": draft, "published": built.version}
    bigger = versions[BIGGER.projects]["draft"]
    assert Project.objects.filter(plan_version=bigger).count() == 60
    assert Activity.objects.filter(plan_version=bigger).count() == 300
    assert Activity.objects.filter(plan_version=bigger, parent__isnull=False).exists()

    readers = {
        "planner": (planner, "draft"),
        "director": (director, "draft"),
        "work-group reporter": (reporter, "published"),
        "anonymous": (None, "published"),
    }
    counts: dict[str, dict[int, int]] = {}
    for label, (user, which) in readers.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for projects, by_status in versions.items():
            version = by_status[which]
            count, page = page_queries(client, version.get_absolute_url())
            assert page.count('<tr id="project-') == projects, (label, projects)
            counts.setdefault(label, {})[projects] = count

    # Identical for 5 and 60 projects (and 25 and 300 activities), for every reader.
    assert counts == {
        label: dict.fromkeys(by_size, by_size[SMALL.projects]) for label, by_size in counts.items()
    }
