"""The plan collections of the API: scoping, the plan's rules through the services, workflow."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.frameworks.models import FrameworkNode
from phaen.orgs.testing import make_unit
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Indicator,
    IndicatorTarget,
    PlanVersion,
    Project,
    ProjectOwner,
    StrategicIssue,
)
from phaen.plans.selectors import current_version
from phaen.plans.services import plan_create, version_approve, version_publish
from phaen.plans.tests.factories import SmallPlan, add, fiscal_year, small_plan

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error(response):
    return response.json()["error"]


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def url(collection, obj=None):
    return f"{API}{collection}/" if obj is None else f"{API}{collection}/{obj.pk}/"


@dataclass
class Peo:
    """The draft plan of province A: projects led by group A1, and one led by school A2."""

    small: SmallPlan
    school_project: Project

    @property
    def version(self):
        return self.small.version


@pytest.fixture
def peo(world):
    small = small_plan(world.province_a, world.group_a1)
    school_project = add(
        Project(
            plan_version=small.version,
            strategy=small.strategy,
            code="P03",
            name="โครงการห้องสมุดโรงเรียน",
            start_month=date(2017, 10, 1),
            end_month=date(2018, 9, 1),
            budget=Decimal("30000.00"),
            lead_unit=world.school_a2,
        )
    )
    return Peo(small, school_project)


def approve(version, world):
    version.refresh_from_db()
    return version_approve(
        actor=world.user(Role.APPROVER, world.province_a),
        version=version,
        expected_version=version.version,
    )


def national_node():
    return FrameworkNode.objects.filter(framework__owner=None).order_by("pk").first()


# CRUD of every content collection for a planner of the plan's unit --------------------------------


def content_cases(world, peo):
    small = peo.small
    v = small.version.pk
    return {
        "missions": (
            {"plan_version": v, "number": 2, "text": "ส่งเสริมการเรียนรู้ตลอดชีวิต"},
            {"text": "พันธกิจใหม่"},
        ),
        "strategic-issues": (
            {"plan_version": v, "number": 2, "title": "ขยายโอกาสทางการศึกษา"},
            {"title": "ประเด็นที่ปรับแล้ว"},
        ),
        "goals": (
            {"strategic_issue": small.issue.pk, "number": 2, "title": "ครูมีสมรรถนะ"},
            {"title": "ใหม่"},
        ),
        "strategies": (
            {"strategic_issue": small.issue.pk, "number": 2, "title": "พัฒนาครู"},
            {"title": "ใหม่"},
        ),
        "indicators": (
            {
                "goal": small.goal.pk,
                "name": "จำนวนโรงเรียนต้นแบบ",
                "unit_of_measure": "โรงเรียน",
                "target_value": "12",
            },
            {"name": "จำนวนโรงเรียนต้นแบบด้านการอ่าน", "scoring_rule": "milestones"},
        ),
        "indicator-targets": (
            {"indicator": small.indicator.pk, "period": "Q1", "value": "72.5"},
            {"value": "73.0000"},
        ),
        "scoring-bands": (
            {"indicator": small.indicator.pk, "level": 2, "threshold": "70"},
            {"threshold": "71.0000"},
        ),
        "milestones": (
            {"indicator": small.indicator.pk, "step": 1, "description": "มีแผนการอ่าน"},
            {"step": 2},
        ),
        "projects": (
            {
                "plan_version": v,
                "strategy": small.strategy.pk,
                "code": "P09",
                "name": "โครงการนิเทศติดตาม",
                "start_month": "2017-11-01",
                "end_month": "2018-02",
                "budget": "1234.50",
                "lead_unit": world.group_a1.pk,
            },
            {"budget": "2000.00", "status": "in_progress"},
        ),
        "project-owners": (
            {"project": small.other_project.pk, "unit": world.school_a2.pk, "role": "supporter"},
            {"role_description": "จัดสถานที่"},
        ),
        "activities": (
            {
                "project": small.project.pk,
                "name": "ประชุมชี้แจง",
                "start_month": "2018-04-01",
                "end_month": "2018-05-01",
                "budget": "10000.00",
            },
            {"budget": "20000.00"},
        ),
        "alignment-links": (
            {"node": national_node().pk, "project": small.project.pk},
            {"is_primary": True},
        ),
    }


CONTENT = [
    "missions",
    "strategic-issues",
    "goals",
    "strategies",
    "indicators",
    "indicator-targets",
    "scoring-bands",
    "milestones",
    "projects",
    "project-owners",
    "activities",
    "alignment-links",
]


@pytest.mark.parametrize("collection", CONTENT)
def test_a_planner_of_the_plan_unit_creates_reads_changes_and_deletes(collection, world, peo):
    data, change = content_cases(world, peo)[collection]
    client = api(world.user(Role.PLANNER, world.province_a))
    created = client.post(url(collection), {**data, "reason": "ทดสอบ API"}, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["version"] == 1
    if "plan_version" in row:
        assert row["plan_version"] == peo.version.pk
    detail = f"{API}{collection}/{row['id']}/"
    assert client.get(detail).json() == row
    assert row["id"] in ids(client.get(url(collection), {"page_size": 500}))
    patched = client.patch(detail, {**change, "version": 1}, format="json")
    assert patched.status_code == 200, patched.json()
    assert {key: patched.json()[key] for key in change} == change
    assert patched.json()["version"] == 2
    assert client.delete(detail, HTTP_IF_MATCH='"2"').status_code == 204
    assert client.get(detail).status_code == 404
    actions = set(
        AuditEvent.objects.filter(object_id=str(row["id"])).values_list("action", flat=True)
    )
    assert {a.rsplit(".", 1)[1] for a in actions} >= {"created", "updated", "deleted"}


def test_goal_and_activity_take_their_plan_version_from_their_parent(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    goal = client.post(
        url("goals"),
        {
            "strategic_issue": peo.small.issue.pk,
            "number": 3,
            "title": "ผู้เรียนมีทักษะ",
            "plan_version": 999,
        },
        format="json",
    ).json()
    assert (goal["plan_version"], goal["code"]) == (peo.version.pk, "1.3")


def test_money_is_a_string_with_two_decimals_and_months_are_iso_dates(world, peo):
    client = api(world.user(Role.VIEWER, world.province_a))
    project = client.get(url("projects", peo.small.other_project)).json()
    assert project["budget"] == "50000.50"
    assert (project["start_month"], project["end_month"]) == ("2017-10-01", "2018-09-01")
    assert project["status_display"] == "ยังไม่เริ่ม"
    assert project["lead_unit_name"] == world.group_a1.name
    activity = client.get(url("activities", peo.small.activity)).json()
    assert (activity["budget"], activity["start_month"]) == ("60000.00", "2018-01-01")


def test_any_day_of_a_month_is_stored_as_the_first(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("activities", peo.small.activity),
        {"end_month": "2018-03-31", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["end_month"] == "2018-03-01"
    bad = client.patch(
        url("activities", peo.small.activity),
        {"end_month": "31/03/2561", "version": 2},
        format="json",
    )
    assert bad.status_code == 400
    assert "end_month" in error(bad)["fields"]


def test_projects_show_their_owners_and_indicators_their_targets_bands_and_milestones(world, peo):
    client = api(world.user(Role.VIEWER, world.province_a))
    project = client.get(url("projects", peo.small.project)).json()
    assert [(o["unit"], o["role"], o["role_display"]) for o in project["owners"]] == [
        (world.province_a.pk, "co_owner", "เจ้าภาพรอง")
    ]
    indicator = client.get(url("indicators", peo.small.indicator)).json()
    assert [(t["period"], t["value"]) for t in indicator["targets"]] == [
        ("Q2", "75.0000"),
        ("Q4", "80.0000"),
    ]
    assert [(b["level"], b["threshold"]) for b in indicator["bands"]] == [(1, "60.0000")]
    assert indicator["milestones"] == []
    assert (indicator["kind_display"], indicator["scoring_rule_display"]) == (
        "เชิงปริมาณ",
        "บรรลุ/ไม่บรรลุ",
    )


def test_an_indicator_belongs_to_a_goal_or_a_project(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    base = {"name": "ตัวชี้วัด", "unit_of_measure": "ร้อยละ", "target_value": "1"}
    for owners in ({}, {"goal": peo.small.goal.pk, "project": peo.small.project.pk}):
        response = client.post(url("indicators"), {**base, **owners}, format="json")
        assert response.status_code == 400
        assert error(response)["fields"]["non_field_errors"] == [
            "ตัวชี้วัดต้องเป็นของเป้าประสงค์หรือของโครงการอย่างใดอย่างหนึ่ง"
        ]
    response = client.post(
        url("indicators"), {**base, "project": peo.small.project.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["plan_version"] == peo.version.pk


def test_an_alignment_link_has_exactly_one_subject(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    node = national_node()
    both = {"node": node.pk, "goal": peo.small.goal.pk, "project": peo.small.project.pk}
    response = client.post(url("alignment-links"), both, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in error(response)["fields"]
    response = client.post(
        url("alignment-links"), {"node": node.pk, "goal": peo.small.goal.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["plan_version"], body["framework"], body["node_label"]) == (
        peo.version.pk,
        node.framework_id,
        str(node),
    )


def test_related_rows_must_be_in_the_same_plan_version(world, peo):
    other = small_plan(world.school_a2, world.school_a2)
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("projects", peo.small.project),
        {"strategy": other.strategy.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert error(response)["fields"] == {"strategy": ["ต้องเป็นรายการในฉบับของแผนเดียวกัน"]}
    response = client.patch(
        url("goals", peo.small.goal),
        {"strategic_issue": other.issue.pk, "version": 1},
        format="json",
    )
    assert error(response)["fields"] == {"strategic_issue": ["ต้องเป็นรายการในฉบับของแผนเดียวกัน"]}


def test_the_lead_unit_cannot_also_be_a_co_owner(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.post(
        url("project-owners"),
        {"project": peo.small.project.pk, "unit": world.group_a1.pk, "role": "co_owner"},
        format="json",
    )
    assert response.status_code == 400
    assert error(response)["fields"] == {"unit": ["หน่วยงานนี้เป็นเจ้าภาพหลักของโครงการอยู่แล้ว"]}


def test_the_plan_version_of_a_row_is_fixed_once_created(world, peo):
    other = small_plan(world.school_a2, world.school_a2)
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("strategic-issues", peo.small.issue),
        {"plan_version": other.version.pk, "title": "ย้ายไม่ได้", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["plan_version"] == peo.version.pk
    assert StrategicIssue.objects.get(pk=peo.small.issue.pk).plan_version_id == peo.version.pk


# Fiscal years, plans and versions -----------------------------------------------------------------


def test_fiscal_years_are_read_by_everyone_and_written_at_the_top(world):
    fiscal_year(2561)
    assert [row["year"] for row in api().get(url("fiscal-years")).json()["results"]] == [2561]
    body = api(world.nobody()).get(url("fiscal-years")).json()["results"][0]
    assert (body["start"], body["end"], body["is_open"]) == ("2017-10-01", "2018-09-30", True)
    province = api(world.user(Role.PLANNER, world.province_a))
    response = province.post(url("fiscal-years"), {"year": 2562}, format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "out_of_scope"
    top = api(world.user(Role.PLANNER, world.root))
    created = top.post(url("fiscal-years"), {"year": 2562}, format="json")
    assert created.status_code == 201, created.json()
    year = FiscalYear.objects.get(year=2562)
    closed = top.patch(url("fiscal-years", year), {"is_open": False, "version": 1}, format="json")
    assert closed.json()["is_open"] is False
    assert (
        province.patch(
            url("fiscal-years", year), {"note": "x", "version": 2}, format="json"
        ).status_code
        == 403
    )
    assert top.post(url("fiscal-years"), {"year": 1999}, format="json").status_code == 400
    assert top.delete(url("fiscal-years", year)).status_code == 204


def test_a_fiscal_year_with_plans_is_not_deleted(world, peo):
    top = api(world.user(Role.ADMIN, world.root))
    response = top.delete(url("fiscal-years", peo.small.plan.fiscal_year))
    assert response.status_code == 409
    assert error(response)["code"] == "protected"


def test_creating_a_plan_starts_its_first_draft(world):
    fiscal_year(2561)
    planner = world.user(Role.PLANNER, world.province_a)
    client = api(planner)
    response = client.post(
        url("plans"),
        {"unit": world.school_a2.pk, "fiscal_year": 2561, "title": "แผนปฏิบัติการ โรงเรียน ก2 ปี 2561"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    plan = ActionPlan.objects.get(pk=body["id"])
    version = PlanVersion.objects.get(plan=plan)
    assert (body["fiscal_year"], body["unit_name"], body["is_published"]) == (
        2561,
        "โรงเรียน ก2",
        False,
    )
    assert body["current_version"] == version.pk
    assert body["versions"] == [
        {
            "id": version.pk,
            "number": 1,
            "kind": "initial",
            "kind_display": "ฉบับแรก",
            "status": "draft",
            "status_display": "ร่าง",
        }
    ]
    again = client.post(
        url("plans"),
        {"unit": world.school_a2.pk, "fiscal_year": 2561, "title": "ซ้ำ"},
        format="json",
    )
    assert again.status_code == 400
    assert error(again)["code"] == "validation_error"


def test_a_plan_is_made_only_for_units_in_the_planners_scope(world):
    fiscal_year(2561)
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.post(
        url("plans"),
        {"unit": world.school_b1.pk, "fiscal_year": 2561, "title": "แผนจังหวัดอื่น"},
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"unit"}


def test_no_plan_in_a_closed_fiscal_year(world):
    fiscal_year(2560, is_open=False)
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.post(
        url("plans"),
        {"unit": world.province_a.pk, "fiscal_year": 2560, "title": "แผนปีที่ปิดแล้ว"},
        format="json",
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "domain_error",
        "message": "ปีงบประมาณ พ.ศ. 2560 ปิดแล้ว จึงสร้างหรือแก้ไขแผนของปีนี้ไม่ได้",
    }


def test_a_plans_unit_and_year_are_fixed_and_it_is_not_deleted(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    plan = peo.small.plan
    response = client.patch(
        url("plans", plan),
        {"title": "ชื่อใหม่", "unit": world.school_a2.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["title"], response.json()["unit"]) == ("ชื่อใหม่", world.province_a.pk)
    assert client.delete(url("plans", plan)).status_code == 405
    assert ActionPlan.objects.filter(pk=plan.pk).exists()


def test_the_current_version_is_the_selectors_choice(world, peo):
    approve(peo.version, world)
    client = api(world.user(Role.PLANNER, world.province_a))
    revision = client.post(f"{url('plan-versions', peo.version)}revise/", {}, format="json").json()
    body = client.get(url("plans", peo.small.plan)).json()
    assert body["current_version"] == current_version(peo.small.plan).pk == peo.version.pk
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert revision["number"] == 2


def test_a_draft_versions_vision_is_edited_and_versions_are_not_posted_or_deleted(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("plan-versions", peo.version),
        {"vision": "ผู้เรียนมีคุณภาพ ครูมีคุณธรรม", "status": "published", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["vision"], response.json()["status"]) == (
        "ผู้เรียนมีคุณภาพ ครูมีคุณธรรม",
        "draft",
    )
    posted = client.post(url("plan-versions"), {"plan": peo.small.plan.pk}, format="json")
    assert posted.status_code == 405
    assert "revise" in error(posted)["message"]
    assert client.delete(url("plan-versions", peo.version)).status_code == 405


# Workflow: approve, publish, revise ---------------------------------------------------------------


def action_url(version, name):
    return f"{url('plan-versions', version)}{name}/"


def test_an_approver_approves_a_draft_with_a_note(world, peo):
    director = world.user(Role.APPROVER, world.province_a)
    response = api(director).post(
        action_url(peo.version, "approve"), {"version": 1, "note": "เห็นชอบตามเสนอ"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["status_display"], body["approval_note"]) == (
        "approved",
        "อนุมัติแล้ว",
        "เห็นชอบตามเสนอ",
    )
    assert (body["approved_by"], body["approved_by_name"], body["is_editable"]) == (
        director.pk,
        director.full_name,
        False,
    )
    assert body["version"] == 2
    event = AuditEvent.objects.get(action="plans.planversion.approved")
    assert (event.actor, event.reason) == (director, "เห็นชอบตามเสนอ")


def test_approval_refusals(world, peo):
    path = action_url(peo.version, "approve")
    planner = api(world.user(Role.PLANNER, world.province_a))
    response = planner.post(path, {"version": 1}, format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    director = api(world.user(Role.APPROVER, world.province_a))
    missing = director.post(path, {}, format="json")
    assert missing.status_code == 400
    assert set(error(missing)["fields"]) == {"version"}
    stale = director.post(path, {"version": 7}, format="json")
    assert (stale.status_code, error(stale)["code"]) == (409, "stale_edit")
    other_director = api(world.user(Role.APPROVER, world.province_b))
    assert other_director.post(path, {"version": 1}, format="json").status_code == 404
    assert director.post(path, {}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    again = director.post(path, {"version": 2}, format="json")
    assert again.status_code == 400
    assert error(again) == {"code": "domain_error", "message": "อนุมัติได้เฉพาะฉบับร่าง"}
    assert PlanVersion.objects.get(pk=peo.version.pk).status == "approved"


def test_a_version_with_a_project_without_a_lead_is_not_approved(world, peo):
    planner = api(world.user(Role.PLANNER, world.province_a))
    planner.patch(
        url("projects", peo.school_project), {"lead_unit": None, "version": 1}, format="json"
    )
    response = api(world.user(Role.APPROVER, world.province_a)).post(
        action_url(peo.version, "approve"), {"version": 1}, format="json"
    )
    assert response.status_code == 400
    assert error(response)["code"] == "domain_error"
    assert "โครงการ “P03 โครงการห้องสมุดโรงเรียน” ยังไม่มีเจ้าภาพหลัก" in error(response)["message"]


def test_publishing_needs_approval_and_the_right(world, peo):
    path = action_url(peo.version, "publish")
    planner = api(world.user(Role.PLANNER, world.province_a))
    draft = planner.post(path, {"version": 1}, format="json")
    assert draft.status_code == 400
    assert error(draft)["message"] == "เผยแพร่ได้เฉพาะฉบับที่อนุมัติแล้ว"
    approve(peo.version, world)
    viewer = api(world.user(Role.VIEWER, world.province_a))
    assert viewer.post(path, {"version": 2}, format="json").status_code == 403
    response = planner.post(path, {"version": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["version"]) == ("published", 3)
    assert response.json()["published_at"]
    assert api().get(url("plans", peo.small.plan)).json()["is_published"] is True


def test_a_revision_copies_an_approved_version_into_a_new_draft(world, peo):
    planner = api(world.user(Role.PLANNER, world.province_a))
    path = action_url(peo.version, "revise")
    draft = planner.post(path, {}, format="json")
    assert draft.status_code == 400
    assert error(draft)["message"] == "สร้างฉบับปรับปรุงได้จากฉบับที่อนุมัติแล้วเท่านั้น"
    approve(peo.version, world)
    viewer = api(world.user(Role.VIEWER, world.province_a))
    assert viewer.post(path, {}, format="json").status_code == 403
    bad_kind = planner.post(path, {"kind": "initial"}, format="json")
    assert set(error(bad_kind)["fields"]) == {"kind"}
    response = planner.post(
        path, {"kind": "revised_to_allocation", "note": "ตามงบที่ได้รับจัดสรร"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["kind"], body["status"], body["based_on"]) == (
        2,
        "revised_to_allocation",
        "draft",
        peo.version.pk,
    )
    projects = planner.get(url("projects"), {"plan_version": body["id"]}).json()
    assert projects["count"] == 3
    second = planner.post(path, {}, format="json")
    assert second.status_code == 400
    assert "มีฉบับร่างที่ยังไม่อนุมัติอยู่แล้ว" in error(second)["message"]


# The draft-only rule, the budget rule and stale edits ---------------------------------------------


def test_content_of_an_approved_version_is_read_only(world, peo):
    approve(peo.version, world)
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("projects", peo.small.project), {"name": "แก้หลังอนุมัติ", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "domain_error",
        "message": "แผนฉบับที่ 1 อนุมัติแล้ว จึงแก้ไขไม่ได้ หากต้องการเปลี่ยนแปลง ให้สร้างฉบับปรับปรุงใหม่",
    }
    for collection, obj in (("activities", peo.small.activity), ("goals", peo.small.goal)):
        assert client.delete(url(collection, obj)).status_code == 400
    vision = client.patch(
        url("plan-versions", peo.version), {"vision": "x", "version": 2}, format="json"
    )
    assert error(vision)["code"] == "domain_error"
    added = client.post(
        url("missions"),
        {"plan_version": peo.version.pk, "number": 5, "text": "เพิ่มหลังอนุมัติ"},
        format="json",
    )
    assert added.status_code == 400
    assert Project.objects.get(pk=peo.small.project.pk).name == "โครงการส่งเสริมการอ่าน"


def test_activity_budgets_may_not_exceed_the_project_budget(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.post(
        url("activities"),
        {
            "project": peo.small.project.pk,
            "name": "จัดซื้อหนังสือ",
            "start_month": "2018-02-01",
            "end_month": "2018-02-01",
            "budget": "40000.01",
        },
        format="json",
    )
    assert response.status_code == 400
    message = "งบประมาณกิจกรรมรวม 100,000.01 บาท เกินงบประมาณโครงการ 100,000.00 บาท"
    assert error(response) == {
        "code": "domain_error",
        "message": message,
        "fields": {"budget": [message]},
    }
    shrink = client.patch(
        url("projects", peo.small.project), {"budget": "59999.99", "version": 1}, format="json"
    )
    assert shrink.status_code == 400
    assert list(error(shrink)["fields"]) == ["budget"]


def test_project_months_lie_in_the_fiscal_year(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    response = client.patch(
        url("projects", peo.school_project),
        {"end_month": "2018-10-01", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["end_month"]
    assert "ปีงบประมาณ พ.ศ. 2561" in error(response)["message"]
    multi = client.patch(
        url("projects", peo.school_project),
        {"end_month": "2018-10-01", "is_multi_year": True, "version": 1},
        format="json",
    )
    assert multi.status_code == 200, multi.json()


def test_a_stale_patch_is_refused_with_409(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    first = client.patch(
        url("projects", peo.small.project), {"name": "ชื่อที่หนึ่ง", "version": 1}, format="json"
    )
    assert first.status_code == 200
    stale = client.patch(
        url("projects", peo.small.project), {"name": "ชื่อที่สอง", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert error(stale)["code"] == "stale_edit"
    assert Project.objects.get(pk=peo.small.project.pk).name == "ชื่อที่หนึ่ง"
    missing = client.patch(
        url("projects", peo.small.project), {"name": "ไม่มี version"}, format="json"
    )
    assert set(error(missing)["fields"]) == {"version"}


# Who may do what ----------------------------------------------------------------------------------


def test_reporters_of_the_lead_unit_change_their_project_and_its_activities(world, peo):
    reporter = api(world.user(Role.REPORTER, world.school_a2))
    project = peo.school_project
    response = reporter.patch(
        url("projects", project),
        {"responsible_name": "นางสาวใจดี รักอ่าน", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    added = reporter.post(
        url("activities"),
        {
            "project": project.pk,
            "name": "จัดมุมอ่านหนังสือ",
            "start_month": "2017-12-01",
            "end_month": "2018-01-01",
            "budget": "5000.00",
        },
        format="json",
    )
    assert added.status_code == 201, added.json()
    activity = Activity.objects.get(pk=added.json()["id"])
    changed = reporter.patch(
        url("activities", activity), {"budget": "6000.00", "version": 1}, format="json"
    )
    assert changed.status_code == 200
    indicator = reporter.post(
        url("indicators"),
        {
            "project": project.pk,
            "name": "จำนวนนักเรียนที่ยืมหนังสือ",
            "unit_of_measure": "คน",
            "target_value": "300",
        },
        format="json",
    )
    assert indicator.status_code == 201, indicator.json()
    assert reporter.delete(url("activities", activity)).status_code == 204


def test_reporters_cannot_change_another_project_or_the_plan_structure(world, peo):
    reporter = api(world.user(Role.REPORTER, world.school_a2))
    supported = peo.small.project  # led by group A1; the school only supports it
    add(ProjectOwner(project=supported, unit=world.school_a2, role="supporter"))
    assert reporter.get(url("projects", supported)).status_code == 200
    response = reporter.patch(
        url("projects", supported), {"name": "ไม่ใช่ของเรา", "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    # A supporter reads the project's activities but does not change them.
    patched = reporter.patch(url("activities", peo.small.activity), {"version": 1}, format="json")
    assert patched.status_code == 403
    # The rest of the province's draft plan is not the school's to see.
    for collection, obj in (
        ("projects", peo.small.other_project),
        ("strategic-issues", peo.small.issue),
    ):
        patched = reporter.patch(url(collection, obj), {"version": 1}, format="json")
        assert patched.status_code == 404, collection
    foreign = reporter.post(
        url("activities"),
        {
            "project": supported.pk,
            "name": "แทรก",
            "start_month": "2018-01-01",
            "end_month": "2018-01-01",
        },
        format="json",
    )
    assert foreign.status_code == 400
    assert set(error(foreign)["fields"]) == {"project"}
    assert reporter.post(url("projects"), {}, format="json").status_code == 403
    owner = reporter.post(
        url("project-owners"),
        {"project": peo.school_project.pk, "unit": world.group_a1.pk, "role": "supporter"},
        format="json",
    )
    assert owner.status_code == 403
    assert Project.objects.get(pk=supported.pk).name == "โครงการส่งเสริมการอ่าน"


def test_a_viewer_reads_but_gets_403_on_writes(world, peo):
    viewer = api(world.user(Role.VIEWER, world.province_a))
    for collection, obj in (
        ("plans", peo.small.plan),
        ("plan-versions", peo.version),
        ("strategic-issues", peo.small.issue),
        ("indicators", peo.small.indicator),
        ("projects", peo.small.project),
        ("activities", peo.small.activity),
    ):
        assert viewer.get(url(collection, obj)).status_code == 200
        response = viewer.patch(url(collection, obj), {"version": obj.version}, format="json")
        assert response.status_code == 403, collection
        assert error(response)["code"] == "permission_denied"
    assert viewer.post(url("projects"), {}, format="json").status_code == 403
    assert viewer.delete(url("activities", peo.small.activity)).status_code == 403


def test_another_provinces_rows_are_404(world, peo):
    outsider = api(world.user(Role.PLANNER, world.province_b))
    for collection, obj in (
        ("plans", peo.small.plan),
        ("plan-versions", peo.version),
        ("strategic-issues", peo.small.issue),
        ("goals", peo.small.goal),
        ("strategies", peo.small.strategy),
        ("indicators", peo.small.indicator),
        ("projects", peo.small.project),
        ("activities", peo.small.activity),
    ):
        assert ids(outsider.get(url(collection))) == set(), collection
        assert outsider.get(url(collection, obj)).status_code == 404, collection
        assert (
            outsider.patch(url(collection, obj), {"version": 1}, format="json").status_code == 404
        )
    response = outsider.post(
        url("missions"),
        {"plan_version": peo.version.pk, "number": 9, "text": "แทรก"},
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"plan_version"}


def test_anonymous_visitors_see_published_plans_only(world, peo):
    anonymous = api()
    assert ids(anonymous.get(url("plans"))) == set()
    assert anonymous.get(url("projects", peo.small.project)).status_code == 404
    approve(peo.version, world)
    version = PlanVersion.objects.get(pk=peo.version.pk)
    version_publish(actor=None, version=version, expected_version=version.version)
    assert ids(anonymous.get(url("plans"))) == {peo.small.plan.pk}
    assert peo.small.project.pk in ids(anonymous.get(url("projects")))
    assert peo.small.indicator.pk in ids(anonymous.get(url("indicators")))
    assert anonymous.get(url("activities", peo.small.activity)).status_code == 200
    planner = api(world.user(Role.PLANNER, world.province_a))
    revision = planner.post(action_url(peo.version, "revise"), {}, format="json").json()
    assert ids(anonymous.get(url("plan-versions"))) == {peo.version.pk}
    assert anonymous.get(url("plan-versions") + f"{revision['id']}/").status_code == 404
    draft_projects = ids(anonymous.get(url("projects"), {"plan_version": revision["id"]}))
    assert draft_projects == set()
    response = anonymous.patch(
        url("projects", peo.small.project), {"name": "x", "version": 1}, format="json"
    )
    assert response.status_code == 401


# Filters ------------------------------------------------------------------------------------------


def test_filters(world, peo):
    school_plan = small_plan(world.school_a2, world.school_a2)
    client = api(world.user(Role.PLANNER, world.province_a))
    small = peo.small
    assert ids(client.get(url("plans"), {"fiscal_year": 2561})) == {
        small.plan.pk,
        school_plan.plan.pk,
    }
    assert ids(client.get(url("plans"), {"fiscal_year": 2562})) == set()
    assert ids(client.get(url("plans"), {"unit": world.school_a2.pk})) == {school_plan.plan.pk}
    assert ids(client.get(url("plans"), {"q": "แผนทดสอบ"})) == {small.plan.pk, school_plan.plan.pk}
    every = {small.project.pk, small.other_project.pk, peo.school_project.pk}
    assert ids(client.get(url("projects"), {"plan": small.plan.pk})) == every
    assert ids(client.get(url("projects"), {"plan_version": small.version.pk})) == every
    assert ids(
        client.get(url("projects"), {"unit": world.province_a.pk, "lead_unit": world.school_a2.pk})
    ) == {
        peo.school_project.pk,
        school_plan.project.pk,
        school_plan.other_project.pk,
    }
    assert ids(client.get(url("projects"), {"unit": world.school_a2.pk})) == {
        school_plan.project.pk,
        school_plan.other_project.pk,
    }
    assert ids(client.get(url("projects"), {"strategic_issue": small.issue.pk})) == every
    assert ids(client.get(url("projects"), {"q": "ห้องสมุด"})) == {peo.school_project.pk}
    Project.objects.filter(pk=small.other_project.pk).update(status="in_progress")
    assert ids(client.get(url("projects"), {"status": "in_progress"})) == {small.other_project.pk}
    assert ids(client.get(url("activities"), {"strategic_issue": small.issue.pk})) == {
        small.activity.pk
    }
    assert ids(client.get(url("activities"), {"lead_unit": world.group_a1.pk})) == {
        small.activity.pk
    }
    assert ids(client.get(url("indicators"), {"strategic_issue": small.issue.pk})) == {
        small.indicator.pk
    }
    assert ids(client.get(url("goals"), {"fiscal_year": 2561, "unit": world.school_a2.pk})) == {
        school_plan.goal.pk
    }
    assert ids(client.get(url("plan-versions"), {"status": "draft", "plan": small.plan.pk})) == {
        small.version.pk
    }
    assert ids(client.get(url("indicator-targets"), {"plan": small.plan.pk})) == set(
        small.indicator.targets.values_list("pk", flat=True)
    )
    assert ids(client.get(url("project-owners"), {"owner_unit": world.province_a.pk})) == set(
        ProjectOwner.objects.filter(unit=world.province_a).values_list("pk", flat=True)
    )
    bad = client.get(url("projects"), {"fiscal_year": "สองพัน"})
    assert bad.status_code == 400
    assert set(error(bad)["fields"]) == {"fiscal_year"}
    assert ids(client.get(url("projects"), {"unit": 999999})) == set()


def test_ordering(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    rows = client.get(url("projects"), {"ordering": "-budget"}).json()["results"]
    assert [row["budget"] for row in rows] == ["100000.00", "50000.50", "30000.00"]


# Schema and query counts --------------------------------------------------------------------------


PLAN_PATHS = [
    "/api/v1/fiscal-years/",
    "/api/v1/plans/",
    "/api/v1/plan-versions/",
    "/api/v1/plan-versions/{id}/approve/",
    "/api/v1/plan-versions/{id}/publish/",
    "/api/v1/plan-versions/{id}/revise/",
    "/api/v1/missions/",
    "/api/v1/strategic-issues/",
    "/api/v1/goals/",
    "/api/v1/indicators/",
    "/api/v1/indicator-targets/",
    "/api/v1/scoring-bands/",
    "/api/v1/milestones/",
    "/api/v1/strategies/",
    "/api/v1/projects/",
    "/api/v1/project-owners/",
    "/api/v1/activities/",
    "/api/v1/alignment-links/",
]


def test_the_schema_is_valid_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert warnings == {}
    validate_schema(schema)
    for path in PLAN_PATHS:
        assert path in schema["paths"], path
    assert "post" not in schema["paths"]["/api/v1/plan-versions/"]
    assert "delete" not in schema["paths"]["/api/v1/plans/{id}/"]
    params = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {
        "fiscal_year",
        "plan",
        "plan_version",
        "unit",
        "lead_unit",
        "strategic_issue",
        "status",
        "q",
    } <= params
    budget = schema["components"]["schemas"]["Project"]["properties"]["budget"]
    assert (budget["type"], budget["format"]) == ("string", "decimal")


def grow(peo, world, count, start):
    """``count`` more projects, each with two activities, an indicator with a target, an owner and
    an alignment link; and as many plans of other units."""
    version = peo.version
    node = national_node()
    for index in range(start, start + count):
        project = add(
            Project(
                plan_version=version,
                strategy=peo.small.strategy,
                code=f"G{index:03d}",
                name=f"โครงการที่ {index}",
                start_month=date(2017, 10, 1),
                end_month=date(2018, 9, 1),
                budget=Decimal("1000.00"),
                lead_unit=world.group_a1 if index % 2 else world.school_a2,
            )
        )
        for month in (1, 2):
            add(
                Activity(
                    project=project,
                    name=f"กิจกรรม {index}.{month}",
                    start_month=date(2018, month, 1),
                    end_month=date(2018, month, 1),
                    budget=Decimal("100.00"),
                    responsible_unit=world.group_a1,
                )
            )
        indicator = add(
            Indicator(
                project=project,
                name=f"ตัวชี้วัด {index}",
                unit_of_measure="ร้อยละ",
                target_value=Decimal("80"),
            )
        )
        add(IndicatorTarget(indicator=indicator, period="Q4", value=Decimal("80")))
        add(ProjectOwner(project=project, unit=world.province_a, role="supporter"))
        add(AlignmentLink(plan_version=version, node=node, project=project))
        unit = make_unit(f"หน่วยงาน {index}", world.province_a, "school")
        plan_create(
            actor=None,
            instance=ActionPlan(
                unit=unit, fiscal_year=peo.small.plan.fiscal_year, title=f"แผน {index}"
            ),
        )


@pytest.mark.parametrize(
    "collection",
    [
        "plans",
        "plan-versions",
        "projects",
        "project-owners",
        "activities",
        "indicators",
        "indicator-targets",
        "alignment-links",
    ],
)
def test_lists_run_a_constant_number_of_queries(
    collection, world, peo, django_assert_max_num_queries
):
    client = api(world.user(Role.PLANNER, world.province_a))
    client.get(url(collection))

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url(collection), {"page_size": 500})
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    grow(peo, world, 2, 0)
    small, small_rows = count()
    grow(peo, world, 5, 2)
    large, large_rows = count()
    assert large_rows > small_rows
    assert small == large, (small, large)
    assert large <= 8


def test_a_second_primary_link_is_refused_for_the_record_as_a_whole(world, peo):
    client = api(world.user(Role.PLANNER, world.province_a))
    nodes = list(FrameworkNode.objects.filter(framework__owner=None).order_by("pk")[:2])
    for node, status in ((nodes[0], 201), (nodes[1], 400)):
        data = {"node": node.pk, "project": peo.small.project.pk, "is_primary": True}
        response = client.post(url("alignment-links"), data, format="json")
        assert response.status_code == status, response.json()
    assert error(response)["fields"] == {
        "non_field_errors": ["มีความสอดคล้องหลักแล้ว (หลักได้เพียงหนึ่งรายการ)"]
    }


def test_content_goes_only_into_versions_the_user_may_change(world, peo):
    school_planner = api(world.user(Role.PLANNER, world.school_a2))
    data = {"plan_version": peo.version.pk, "number": 7, "text": "จากโรงเรียน"}
    approve(peo.version, world)
    version = PlanVersion.objects.get(pk=peo.version.pk)
    version_publish(actor=None, version=version, expected_version=version.version)
    # The school's planner reads the published provincial plan but may not add to it.
    assert school_planner.get(url("plan-versions", peo.version)).status_code == 200
    response = school_planner.post(url("missions"), data, format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"plan_version"}
    # The province's planner may, but not while the version is published.
    response = api(world.user(Role.PLANNER, world.province_a)).post(
        url("missions"), data, format="json"
    )
    assert error(response)["code"] == "domain_error"
    assert "เผยแพร่แล้ว" in error(response)["message"]


def test_a_reporter_may_send_back_what_the_project_already_refers_to(world, peo):
    """The strategy and lead unit are not the reporter's to choose, but a full PUT repeats them."""
    reporter = api(world.user(Role.REPORTER, world.school_a2))
    body = reporter.get(url("projects", peo.school_project)).json()
    assert reporter.get(url("strategies", peo.small.strategy)).status_code == 404
    response = reporter.put(
        url("projects", peo.school_project), {**body, "name": "ห้องสมุดมีชีวิต"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["strategy"], response.json()["lead_unit"]) == (
        peo.small.strategy.pk,
        world.school_a2.pk,
    )
    moved = reporter.patch(
        url("projects", peo.school_project),
        {"lead_unit": world.group_a1.pk, "version": 2},
        format="json",
    )
    assert set(error(moved)["fields"]) == {"lead_unit"}
