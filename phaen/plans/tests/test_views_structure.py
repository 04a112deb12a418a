"""Pages of plans and their content, through HTTP: the planner's journey from an empty fiscal year
to a published plan and its revision, reporters' rights on their projects, forms that keep the
user's input, the KPI sheet's rules, list pages, and a plan page whose query count is constant.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.frameworks.models import FrameworkNode
from phaen.orgs.testing import make_user
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
    StrategicIssue,
    Strategy,
)
from phaen.plans.services import version_approve, version_publish
from phaen.plans.tests.factories import add, fiscal_year, make_plan, small_plan

pytestmark = pytest.mark.django_db

FY_START = "2017-10-01"  # October 2560, the first month of FY2561
FY_END = "2018-09-01"


def html(response):
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def field_errors(page, name):
    """The error list rendered under one field of a form."""
    match = re.search(
        r'<div class="field[^"]*has-error[^"]*">(?:(?!<div class="field).)*?'
        rf'name="{name}"(.*?)</div>',
        page,
        re.S,
    )
    return match[1] if match else ""


@pytest.fixture
def fy(db):
    return fiscal_year(2561)


@pytest.fixture
def people(world):
    class People:
        planner = world.user(Role.PLANNER, world.province_a)
        director = world.user(Role.APPROVER, world.province_a)
        viewer = world.user(Role.VIEWER, world.province_a)
        lead_reporter = world.user(Role.REPORTER, world.group_a1)
        school_reporter = world.user(Role.REPORTER, world.school_a2)
        outsider = world.user(Role.PLANNER, world.province_b)

    return People


def project_data(**overrides):
    data = {
        "code": "P01",
        "name": "โครงการส่งเสริมการอ่าน",
        "status": "not_started",
        "rationale": "นักเรียนอ่านออกเขียนได้ยังไม่ครบ",
        "objectives": "เพื่อยกระดับการอ่าน",
        "quantitative_targets": "นักเรียน 1,000 คน",
        "qualitative_targets": "อ่านคล่อง เขียนคล่อง",
        "target_group": "นักเรียนชั้นประถมศึกษา",
        "area": "จังหวัดทดสอบ",
        "start_month": FY_START,
        "end_month": FY_END,
        "budget": "150,000",
        "expected_results": "นักเรียนอ่านออกเขียนได้",
        "risks": "ครูย้าย",
        "lead_role": "จัดอบรมและติดตาม",
        "responsible_name": "นางสาวทดสอบ ใจดี",
        "responsible_position": "นักวิชาการศึกษา",
        "responsible_phone": "075-000000",
        "responsible_email": "test@example.go.th",
    }
    data.update(overrides)
    return data


def indicator_data(**overrides):
    data = {
        "number": "1",
        "name": "ร้อยละของนักเรียนที่อ่านออกเขียนได้",
        "definition": "นักเรียนที่ผ่านการประเมินการอ่าน",
        "unit_of_measure": "ร้อยละ",
        "kind": "quantity",
        "direction": "higher",
        "baseline_value": "70",
        "baseline_year": "2560",
        "target_value": "80",
        "is_cumulative": "on",
        "formula": "ผ่าน ÷ ทั้งหมด × 100",
        "data_source": "ผลการประเมิน",
        "collection_method": "แบบรายงาน",
        "evaluator_person": "กลุ่มนิเทศ",
        "frequency": "quarterly",
        "weight": "1",
        "scoring_rule": "bands",
        "target_q1": "72",
        "target_q2": "75",
        "target_q3": "78",
        "target_q4": "80",
        "band_1": "60",
        "band_2": "65",
        "band_3": "70",
        "band_4": "75",
        "band_5": "80",
        "milestones": "",
    }
    data.update(overrides)
    return data


# The journey -------------------------------------------------------------------------------


def test_a_planner_builds_a_plan_the_director_approves_and_a_revision_is_editable(
    client, world, fy, people
):
    login(client, people.planner)
    page = html(client.get(reverse("plans:actionplan_add")))
    assert "สร้างแผนปฏิบัติการ" in page or "เพิ่มแผนปฏิบัติการ" in page

    response = client.post(
        reverse("plans:actionplan_add"),
        {"unit": world.province_a.pk, "fiscal_year": fy.pk, "title": "แผนปฏิบัติการ ศธจ.ก 2561"},
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(unit=world.province_a)
    version = PlanVersion.objects.get(plan=plan)
    assert (version.number, version.status) == (1, "draft")
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()

    response = client.post(
        reverse("plans:planversion_edit", args=[version.pk]),
        {"vision": "ผู้เรียนมีคุณภาพ", "values": "ทำงานเป็นทีม", "note": "", "version": 1},
    )
    assert response.status_code == 302
    add_url = reverse("plans:mission_add") + f"?version={version.pk}"
    assert client.post(add_url, {"number": "1", "text": "จัดการศึกษาทั่วถึง"}).status_code == 302
    issue_url = reverse("plans:strategicissue_add") + f"?version={version.pk}"
    assert client.post(issue_url, {"number": "1", "title": "พัฒนาคุณภาพ"}).status_code == 302
    issue = StrategicIssue.objects.get(plan_version=version)
    goal_url = reverse("plans:goal_add") + f"?issue={issue.pk}"
    response = client.post(
        goal_url, {"strategic_issue": issue.pk, "number": "1", "title": "ผู้เรียนอ่านออก"}
    )
    assert response.status_code == 302
    goal = Goal.objects.get(strategic_issue=issue)
    response = client.post(reverse("plans:indicator_add") + f"?goal={goal.pk}", indicator_data())
    assert response.status_code == 302, html(response)
    indicator = Indicator.objects.get(goal=goal)
    assert dict(IndicatorTarget.objects.values_list("period", "value")) == {
        "Q1": Decimal("72"),
        "Q2": Decimal("75"),
        "Q3": Decimal("78"),
        "Q4": Decimal("80"),
    }
    assert ScoringBand.objects.filter(indicator=indicator).count() == 5
    strategy_url = reverse("plans:strategy_add") + f"?issue={issue.pk}"
    response = client.post(
        strategy_url, {"strategic_issue": issue.pk, "number": "1", "title": "ส่งเสริมการอ่าน"}
    )
    assert response.status_code == 302
    strategy = Strategy.objects.get(strategic_issue=issue)
    response = client.post(
        reverse("plans:project_add") + f"?strategy={strategy.pk}",
        project_data(strategy=strategy.pk, lead_unit=world.group_a1.pk),
    )
    assert response.status_code == 302, html(response)
    project = Project.objects.get(code="P01")
    assert (project.budget, project.lead_unit, project.strategy) == (
        Decimal("150000.00"),
        world.group_a1,
        strategy,
    )
    response = client.post(
        reverse("plans:activity_add") + f"?project={project.pk}",
        {
            "number": "1",
            "name": "อบรมครู",
            "responsible_unit": world.group_a1.pk,
            "start_month": "2018-01-01",
            "end_month": "2018-03-01",
            "budget": "60,000",
        },
    )
    assert response.status_code == 302, html(response)
    response = client.post(
        reverse("plans:project_add") + f"?version={version.pk}",
        project_data(code="P02", name="โครงการที่ยังไม่มีเจ้าภาพ", budget="1000"),
    )
    assert response.status_code == 302, html(response)
    orphan = Project.objects.get(code="P02")

    page = html(client.get(version.get_absolute_url()))
    for text in ("วิสัยทัศน์", "ผู้เรียนมีคุณภาพ", "พันธกิจ", "ค่านิยม", "ทำงานเป็นทีม"):
        assert text in page
    assert "ประเด็นยุทธศาสตร์ที่" in page
    assert "พัฒนาคุณภาพ" in page
    assert "ร้อยละของนักเรียนที่อ่านออกเขียนได้" in page
    assert "150,000.00" in page
    assert "151,000.00" in page
    assert "ต.ค. 60 – ก.ย. 61" in page
    assert "ยังไม่มีเจ้าภาพหลัก" in page
    assert "โครงการที่ยังไม่ระบุกลยุทธ์" in page

    # The director approves: refused while a project has no lead, with the reason in Thai.
    login(client, people.director)
    version.refresh_from_db()
    page = html(client.get(reverse("plans:planversion_approve", args=[version.pk])))
    assert "ยังไม่มีเจ้าภาพหลัก" in page
    response = client.post(
        reverse("plans:planversion_approve", args=[version.pk]),
        {"version": version.version, "note": ""},
    )
    assert response.status_code == 400
    assert "โครงการ “P02 โครงการที่ยังไม่มีเจ้าภาพ” ยังไม่มีเจ้าภาพหลัก" in html(response)
    assert PlanVersion.objects.get(pk=version.pk).status == "draft"

    login(client, people.planner)
    edit = reverse("plans:project_edit", args=[orphan.pk])
    response = client.post(
        edit,
        project_data(
            code="P02",
            name="โครงการที่ยังไม่มีเจ้าภาพ",
            budget="1000",
            lead_unit=world.school_a2.pk,
            version=orphan.version,
        ),
    )
    assert response.status_code == 302, html(response)

    login(client, people.director)
    version.refresh_from_db()
    response = client.post(
        reverse("plans:planversion_approve", args=[version.pk]),
        {"version": version.version, "note": "เห็นชอบ"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.approved_by, version.approval_note) == (
        "approved",
        people.director,
        "เห็นชอบ",
    )

    # Nothing changes once approved: the service refuses and the pages say why.
    login(client, people.planner)
    mission = Mission.objects.get(plan_version=version)
    response = client.post(
        reverse("plans:mission_edit", args=[mission.pk]),
        {"number": "1", "text": "แก้หลังอนุมัติ", "version": mission.version},
    )
    assert response.status_code == 400
    assert "อนุมัติแล้ว" in html(response)
    assert Mission.objects.get(pk=mission.pk).text == "จัดการศึกษาทั่วถึง"
    response = client.get(reverse("plans:project_edit", args=[project.pk]))
    assert response.status_code == 302
    page = html(client.get(version.get_absolute_url()))
    assert "ฉบับนี้อนุมัติแล้ว จึงแก้ไขไม่ได้" in page
    assert reverse("plans:planversion_edit", args=[version.pk]) not in page
    assert reverse("plans:mission_add") not in page
    assert "เผยแพร่" in page  # planners may publish an approved version

    login(client, people.director)
    response = client.post(
        reverse("plans:planversion_publish", args=[version.pk]), {"version": version.version}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "published"
    assert ActionPlan.objects.get(pk=plan.pk).is_published

    # A revision copies everything and is a draft the planner may edit.
    login(client, people.planner)
    response = client.post(
        reverse("plans:planversion_revise", args=[version.pk]),
        {"kind": "revised_to_allocation", "note": "ปรับตามงบที่ได้รับจัดสรร"},
    )
    assert response.status_code == 302
    revision = PlanVersion.objects.get(plan=plan, number=2)
    assert response["Location"] == revision.get_absolute_url()
    assert (revision.status, revision.kind) == ("draft", "revised_to_allocation")
    for model in (Mission, StrategicIssue, Goal, Strategy, Project, Activity, Indicator):
        assert (
            model.objects.filter(plan_version=revision).count()
            == model.objects.filter(plan_version=version).count()
        )
    page = html(client.get(revision.get_absolute_url()))
    assert reverse("plans:mission_add") in page
    assert "ฉบับที่ 1" in page
    assert "ฉบับที่ 2" in page
    response = client.post(
        reverse("plans:mission_add") + f"?version={revision.pk}",
        {"number": "2", "text": "พันธกิจเพิ่มในฉบับปรับปรุง"},
    )
    assert response.status_code == 302
    # A second revision is refused while this draft exists.
    response = client.post(
        reverse("plans:planversion_revise", args=[version.pk]), {"kind": "revision", "note": ""}
    )
    assert response.status_code == 400
    assert "มีฉบับร่างที่ยังไม่อนุมัติอยู่แล้ว" in html(response)
    assert AuditEvent.objects.filter(action="plans.planversion.approved").exists()


def test_a_new_plan_needs_an_open_fiscal_year_and_a_unit_the_planner_may_add_under(
    client, world, fy, people
):
    closed = fiscal_year(2560, is_open=False)
    login(client, people.planner)
    page = html(client.get(reverse("plans:actionplan_add")))
    assert f'<option value="{fy.pk}"' in page
    assert f'<option value="{closed.pk}"' not in page
    response = client.post(
        reverse("plans:actionplan_add"),
        {"unit": world.province_b.pk, "fiscal_year": fy.pk, "title": "แผนนอกขอบเขต"},
    )
    assert response.status_code == 400
    assert not ActionPlan.objects.exists()


def test_an_agency_plan_aligns_to_a_plan_of_an_ancestor_unit(client, world, fy, people):
    peo_plan, _version = make_plan(world.province_a, title="แผน ศธจ.ก")
    school_plan, _school_version = make_plan(world.school_a2, title="แผนโรงเรียน ก2")
    login(client, people.planner)
    url = reverse("plans:actionplan_edit", args=[school_plan.pk])
    page = html(client.get(url))
    assert f'<option value="{peo_plan.pk}"' in page
    response = client.post(
        url, {"title": "แผนโรงเรียน ก2", "parent_plan": peo_plan.pk, "version": 1}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=school_plan.pk).parent_plan == peo_plan


def test_strategic_issues_align_with_the_parent_plans_issues(client, world, fy, people):
    peo_plan, peo_version = make_plan(world.province_a, title="แผน ศธจ.ก")
    peo_issue = add(StrategicIssue(plan_version=peo_version, number=1, title="ยกระดับคุณภาพ"))
    school_plan = ActionPlan.objects.create(
        unit=world.school_a2, fiscal_year=fy, title="แผนโรงเรียน", parent_plan=peo_plan
    )
    school_version = PlanVersion.objects.create(plan=school_plan, number=1, kind="initial")
    login(client, people.planner)
    url = reverse("plans:strategicissue_add") + f"?version={school_version.pk}"
    page = html(client.get(url))
    assert "ยกระดับคุณภาพ" in page
    response = client.post(url, {"number": "1", "title": "พัฒนาการอ่าน", "aligns_with": peo_issue.pk})
    assert response.status_code == 302
    assert StrategicIssue.objects.get(plan_version=school_version).aligns_with == peo_issue


# Reporters of the lead unit -----------------------------------------------------------------


def test_reporters_of_the_lead_unit_edit_their_project_but_not_another(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    other = add(
        Project(
            plan_version=plan.version,
            name="โครงการของโรงเรียน",
            code="P09",
            start_month=date(2017, 10, 1),
            end_month=date(2018, 9, 1),
            lead_unit=world.school_a2,
        )
    )
    login(client, people.lead_reporter)
    page = html(client.get(plan.project.get_absolute_url()))
    assert reverse("plans:project_edit", args=[plan.project.pk]) in page
    assert reverse("plans:activity_add") in page
    assert reverse("plans:mission_add") not in page

    url = reverse("plans:project_edit", args=[plan.project.pk])
    page = html(client.get(url))
    assert 'name="lead_unit"' in page
    assert "disabled" in page
    response = client.post(
        url,
        project_data(
            code="P01",
            name="โครงการส่งเสริมการอ่าน (ปรับ)",
            strategy=plan.strategy.pk,
            budget="100,000",
            lead_unit=world.school_a2.pk,  # ignored: the field is fixed for reporters
            version=plan.project.version,
        ),
    )
    assert response.status_code == 302, html(response)
    changed = Project.objects.get(pk=plan.project.pk)
    assert changed.name == "โครงการส่งเสริมการอ่าน (ปรับ)"
    assert changed.lead_unit == world.group_a1

    response = client.post(
        reverse("plans:activity_add") + f"?project={plan.project.pk}",
        {
            "number": "2",
            "name": "ติดตามผล",
            "start_month": "2018-04-01",
            "end_month": "2018-06-01",
            "budget": "10,000",
        },
    )
    assert response.status_code == 302, html(response)
    assert Activity.objects.filter(project=plan.project, name="ติดตามผล").exists()
    months = client.get(
        reverse("plans:project_months"),
        {"plan_version": plan.version.pk, "project": plan.project.pk, "is_multi_year": "on"},
    )
    assert months.status_code == 200  # the multi-year switch works for them too
    response = client.post(
        reverse("plans:indicator_add") + f"?project={plan.project.pk}",
        indicator_data(name="จำนวนครูที่ผ่านการอบรม", scoring_rule="achieved"),
    )
    assert response.status_code == 302, html(response)

    # Another unit's project, the plan's own content and owners stay closed to them.
    assert client.get(reverse("plans:project_edit", args=[other.pk])).status_code in (403, 404)
    response = client.post(
        reverse("plans:project_edit", args=[other.pk]),
        project_data(name="เปลี่ยนของคนอื่น", version=other.version),
    )
    assert response.status_code in (403, 404)
    assert Project.objects.get(pk=other.pk).name == "โครงการของโรงเรียน"
    assert client.get(reverse("plans:goal_edit", args=[plan.goal.pk])).status_code in (403, 404)
    response = client.get(reverse("plans:projectowner_add") + f"?project={plan.project.pk}")
    assert response.status_code == 403

    # The school's reporter edits the school's project, not the group's.
    login(client, people.school_reporter)
    assert client.get(reverse("plans:project_edit", args=[other.pk])).status_code == 200
    url = reverse("plans:project_edit", args=[plan.project.pk])
    assert client.get(url).status_code in (403, 404)


def test_the_lead_units_reporter_edits_the_project_and_its_activities_while_it_is_a_draft(
    client, world, fy, people
):
    """Group A1 leads the project: its reporter edits the project and adds and edits its
    activities. A reporter elsewhere in the province (school A2) sees none of it. Once the
    version is approved, the lead unit's reporter changes nothing either."""
    plan = small_plan(world.province_a, world.group_a1)
    project, activity = plan.project, plan.activity
    project_url = reverse("plans:project_edit", args=[project.pk])
    add_url = reverse("plans:activity_add") + f"?project={project.pk}"
    activity_url = reverse("plans:activity_edit", args=[activity.pk])

    def project_post(name):
        project.refresh_from_db()
        data = project_data(name=name, strategy=plan.strategy.pk, budget="100,000")
        return client.post(project_url, {**data, "version": project.version})

    def activity_post(url, name, **values):
        data = {
            "number": "2",
            "name": name,
            "start_month": "2018-04-01",
            "end_month": "2018-06-01",
            "budget": "10,000",
            **values,
        }
        return client.post(url, data)

    # A reporter elsewhere in the province: not the project's, so nothing is there for them.
    login(client, people.school_reporter)
    for url in (
        project.get_absolute_url(),
        project_url,
        add_url,
        activity.get_absolute_url(),
        activity_url,
    ):
        assert client.get(url).status_code == 404, url
    assert project_post("เปลี่ยนโดยคนนอก").status_code == 404
    assert activity_post(add_url, "เพิ่มโดยคนนอก").status_code == 404
    response = activity_post(activity_url, "เปลี่ยนโดยคนนอก", version=activity.version)
    assert response.status_code == 404
    assert Project.objects.get(pk=project.pk).name == "โครงการส่งเสริมการอ่าน"
    assert not Activity.objects.filter(name__endswith="โดยคนนอก").exists()
    assert Activity.objects.get(pk=activity.pk).name == "อบรมครูบรรณารักษ์"

    # The lead unit's reporter, while the version is a draft.
    login(client, people.lead_reporter)
    assert client.get(project.get_absolute_url()).status_code == 200
    assert client.get(project_url).status_code == 200
    response = project_post("โครงการส่งเสริมการอ่าน (ปรับโดยเจ้าภาพ)")
    assert response.status_code == 302, html(response)
    assert Project.objects.get(pk=project.pk).name == "โครงการส่งเสริมการอ่าน (ปรับโดยเจ้าภาพ)"
    assert client.get(add_url).status_code == 200
    response = activity_post(add_url, "ติดตามผลโดยเจ้าภาพ")
    assert response.status_code == 302, html(response)
    added = Activity.objects.get(project=project, name="ติดตามผลโดยเจ้าภาพ")
    assert client.get(added.get_absolute_url()).status_code == 200
    assert client.get(activity_url).status_code == 200
    response = activity_post(
        activity_url, "อบรมครูบรรณารักษ์ (ปรับ)", number="1", version=activity.version
    )
    assert response.status_code == 302, html(response)
    assert Activity.objects.get(pk=activity.pk).name == "อบรมครูบรรณารักษ์ (ปรับ)"
    # The project itself is the plan's: its reporter neither deletes it nor adds projects.
    assert client.get(reverse("plans:project_delete", args=[project.pk])).status_code == 403
    version_add = reverse("plans:project_add") + f"?version={plan.version.pk}"
    assert client.get(version_add).status_code == 404  # the plan version is not theirs to see

    # Approved: the pages send them back with the reason, and the services refuse the change.
    version_approve(actor=None, version=plan.version, expected_version=plan.version.version)
    for url, back in (
        (project_url, project.get_absolute_url()),
        (activity_url, activity.get_absolute_url()),
        (add_url, plan.version.get_absolute_url()),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == back
    activity.refresh_from_db()
    for response in (
        project_post("เปลี่ยนหลังอนุมัติ"),
        activity_post(add_url, "เพิ่มหลังอนุมัติ"),
        activity_post(activity_url, "เปลี่ยนหลังอนุมัติ", version=activity.version),
    ):
        assert response.status_code == 400
        assert "จึงแก้ไขไม่ได้" in html(response)  # "the version is approved, so it is locked"
    assert Project.objects.get(pk=project.pk).name == "โครงการส่งเสริมการอ่าน (ปรับโดยเจ้าภาพ)"
    assert not Activity.objects.filter(name__endswith="หลังอนุมัติ").exists()
    assert Activity.objects.get(pk=activity.pk).name == "อบรมครูบรรณารักษ์ (ปรับ)"


def test_viewers_read_the_plan_without_any_edit_link(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.viewer)
    page = html(client.get(plan.version.get_absolute_url()))
    assert "พัฒนาคุณภาพการศึกษา" in page
    for name in ("planversion_edit", "planversion_approve", "planversion_revise"):
        assert reverse(f"plans:{name}", args=[plan.version.pk]) not in page
    assert reverse("plans:mission_add") not in page
    page = html(client.get(plan.project.get_absolute_url()))
    assert reverse("plans:project_edit", args=[plan.project.pk]) not in page
    assert client.get(reverse("plans:project_edit", args=[plan.project.pk])).status_code == 403
    response = client.get(reverse("plans:planversion_approve", args=[plan.version.pk]))
    assert response.status_code == 403


def test_outsiders_do_not_see_an_unpublished_plan(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.outsider)
    assert client.get(plan.version.get_absolute_url()).status_code == 404
    assert client.get(plan.project.get_absolute_url()).status_code == 404
    version_approve(actor=None, version=plan.version, expected_version=plan.version.version)
    plan.version.refresh_from_db()
    version_publish(actor=None, version=plan.version, expected_version=plan.version.version)
    assert client.get(plan.version.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(plan.version.get_absolute_url()).status_code == 200  # the public
    assert client.get(plan.project.get_absolute_url()).status_code == 200
    assert client.get(plan.plan.get_absolute_url())["Location"] == plan.version.get_absolute_url()


# Forms keep the user's input ------------------------------------------------------------------


def test_a_refused_activity_budget_shows_on_its_field_and_keeps_the_input(
    client, world, fy, people
):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    response = client.post(
        reverse("plans:activity_add") + f"?project={plan.project.pk}",
        {
            "number": "2",
            "name": "กิจกรรมที่เกินงบ",
            "start_month": "2018-01-01",
            "end_month": "2018-02-01",
            "budget": "50,000",
        },
    )
    assert response.status_code == 400
    page = html(response)
    errors = field_errors(page, "budget")
    assert "เกินงบประมาณโครงการ" in errors
    assert 'value="กิจกรรมที่เกินงบ"' in page
    assert 'value="50,000"' in page
    assert not Activity.objects.filter(name="กิจกรรมที่เกินงบ").exists()


def test_a_project_budget_below_its_activities_is_refused_on_the_budget_field(
    client, world, fy, people
):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    response = client.post(
        reverse("plans:project_edit", args=[plan.project.pk]),
        project_data(
            strategy=plan.strategy.pk,
            lead_unit=world.group_a1.pk,
            budget="10,000",
            name="ชื่อที่พิมพ์ไว้",
            version=plan.project.version,
        ),
    )
    assert response.status_code == 400
    page = html(response)
    assert "น้อยกว่างบประมาณของกิจกรรมรวม" in field_errors(page, "budget")
    assert 'value="ชื่อที่พิมพ์ไว้"' in page


def test_a_multi_year_project_may_end_after_the_fiscal_year(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    url = reverse("plans:project_add") + f"?version={plan.version.pk}"
    page = html(client.get(url))
    assert 'value="2018-10-01"' not in page  # October 2561 belongs to FY2562
    response = client.post(url, project_data(code="P10", end_month="2019-09-01"))
    assert response.status_code == 400
    months = html(
        client.get(
            reverse("plans:project_months"),
            {"plan_version": plan.version.pk, "is_multi_year": "on"},
            headers={"HX-Request": "true"},
        )
    )
    assert 'value="2019-09-01"' in months
    response = client.post(
        url, project_data(code="P10", end_month="2019-09-01", is_multi_year="on")
    )
    assert response.status_code == 302, html(response)
    assert Project.objects.get(code="P10").end_month == date(2019, 9, 1)


# The KPI sheet --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"band_3": ""}, "band_3", "ต้องกำหนดค่าเกณฑ์ครบทั้ง 5 ระดับ"),
        ({"band_4": "69"}, "band_4", "ต้องมากกว่าระดับ 3"),
        (
            {"direction": "lower", "target_q4": "80"},
            "band_2",
            "ต้องน้อยกว่าระดับ 1",
        ),
        (
            {"scoring_rule": "milestones", "target_value": "3", "target_q4": "3"},
            "milestones",
            "อย่างน้อยหนึ่งขั้น",
        ),
        ({"target_q4": "79"}, "target_q4", "ต้องเท่ากับค่าเป้าหมายทั้งปี"),
    ],
)
def test_the_kpi_sheet_checks_bands_milestones_and_cumulative_targets(
    client, world, fy, people, changes, field, message
):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    response = client.post(
        reverse("plans:indicator_add") + f"?goal={plan.goal.pk}",
        indicator_data(name="ตัวชี้วัดที่ผิดเกณฑ์", **changes),
    )
    assert response.status_code == 400
    page = html(response)
    assert message in field_errors(page, field)
    assert 'value="ตัวชี้วัดที่ผิดเกณฑ์"' in page
    assert not Indicator.objects.filter(name="ตัวชี้วัดที่ผิดเกณฑ์").exists()


def test_editing_a_kpi_sheet_updates_its_targets_bands_and_milestones(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    indicator = plan.indicator
    login(client, people.planner)
    url = reverse("plans:indicator_edit", args=[indicator.pk])
    page = html(client.get(url))
    assert 'name="target_q2" value="75"' in page  # existing targets are in the form
    response = client.post(
        url,
        indicator_data(
            scoring_rule="milestones",
            is_cumulative="",
            target_value="3",
            target_q1="",
            target_q2="1",
            target_q3="",
            target_q4="2",
            band_1="",
            band_2="",
            band_3="",
            band_4="",
            band_5="",
            milestones="แต่งตั้งคณะทำงาน\nจัดทำคู่มือ\n\nประเมินผล",
            version=indicator.version,
        ),
    )
    assert response.status_code == 302, html(response)
    assert dict(
        IndicatorTarget.objects.filter(indicator=indicator).values_list("period", "value")
    ) == {
        "Q2": Decimal("1"),
        "Q4": Decimal("2"),
    }
    assert not ScoringBand.objects.filter(indicator=indicator).exists()
    assert list(
        Milestone.objects.filter(indicator=indicator)
        .order_by("step")
        .values_list("description", flat=True)
    ) == ["แต่งตั้งคณะทำงาน", "จัดทำคู่มือ", "ประเมินผล"]
    page = html(client.get(indicator.get_absolute_url()))
    for text in ("ระดับความสำเร็จ (ขั้นตอน)", "จัดทำคู่มือ", "ค่าของแต่ละไตรมาส (ไม่สะสม)"):
        assert text in page


# Owners and alignment -------------------------------------------------------------------------


def test_co_owners_and_supporters_with_their_roles_show_on_the_project(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    response = client.post(
        reverse("plans:projectowner_add") + f"?project={plan.project.pk}",
        {"unit": world.school_a2.pk, "role": "supporter", "role_description": "จัดสถานที่อบรม"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("plans:projectowner_add") + f"?project={plan.project.pk}",
        {"unit": world.group_a1.pk, "role": "co_owner", "role_description": "ซ้ำกับเจ้าภาพหลัก"},
    )
    assert response.status_code == 400
    assert "เป็นเจ้าภาพหลักของโครงการอยู่แล้ว" in html(response)
    page = html(client.get(plan.project.get_absolute_url()))
    assert "ผู้สนับสนุน" in page
    assert "จัดสถานที่อบรม" in page
    assert "เจ้าภาพรอง" in page
    assert "อบรมครูบรรณารักษ์" in page
    assert "ม.ค. 61 – มี.ค. 61" in page
    assert "40,000.00" in page  # 100,000 budget − 60,000 of activities


def test_alignment_links_are_added_made_primary_and_removed(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    first, second = FrameworkNode.objects.filter(framework__owner=None).order_by(
        "framework", "path"
    )[:2]
    login(client, people.planner)
    options = html(client.get(reverse("plans:alignment_nodes"), {"framework": first.framework_id}))
    assert f'<option value="{first.pk}">' in options
    url = reverse("plans:alignmentlink_add") + f"?project={plan.project.pk}"
    assert "กรอบการเชื่อมโยง" in html(client.get(url))
    for node, primary in ((first, "on"), (second, "on")):
        response = client.post(
            url, {"framework": node.framework_id, "node": node.pk, "is_primary": primary}
        )
        assert response.status_code == 302, html(response)
    links = AlignmentLink.objects.filter(project=plan.project)
    assert set(links.filter(is_primary=True).values_list("node", flat=True)) == {second.pk}
    old = links.get(node=first)
    response = client.post(reverse("plans:alignmentlink_primary", args=[old.pk]))
    assert response.status_code == 302
    assert links.get(is_primary=True).node == first
    page = html(client.get(plan.project.get_absolute_url()))
    assert "ความสอดคล้องหลัก" in page
    assert first.title in page
    link = links.get(node=second)
    response = client.post(
        reverse("plans:alignmentlink_delete", args=[link.pk]), {"version": link.version}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(plan.project.get_absolute_url())
    assert not AlignmentLink.objects.filter(pk=link.pk).exists()


# Lists ----------------------------------------------------------------------------------------


def test_the_plan_list_starts_from_the_selected_fiscal_year(client, world, fy, people):
    fiscal_year(2562)
    make_plan(world.province_a, 2561, title="แผนปี 2561")
    make_plan(world.province_a, 2562, title="แผนปี 2562")
    login(client, people.planner)
    client.post(reverse("core:fiscal_year_select"), {"fiscal_year": "2562", "next": "/"})
    page = html(client.get(reverse("plans:actionplan_list")))
    assert "แผนปี 2562" in page
    assert "แผนปี 2561" not in page
    page = html(client.get(reverse("plans:actionplan_list"), {"fiscal_year": "2561"}))
    assert "แผนปี 2561" in page
    assert "แผนปี 2562" not in page
    assert "ฉบับที่ 1" in page
    assert "ร่าง" in page


def test_the_project_list_filters_sorts_and_exports(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    url = reverse("plans:project_list")
    page = html(client.get(url, {"fiscal_year": "2561", "versions": "current"}))
    assert "โครงการส่งเสริมการอ่าน" in page
    assert "โครงการพัฒนาครู" in page
    page = html(client.get(url, {"q": "พัฒนาครู", "versions": "current"}))
    assert "โครงการพัฒนาครู" in page
    assert "โครงการส่งเสริมการอ่าน" not in page
    page = html(
        client.get(url, {"plan": plan.plan.pk, "strategic_issue": plan.issue.pk, "sort": "-budget"})
    )
    assert page.index("โครงการส่งเสริมการอ่าน") < page.index("โครงการพัฒนาครู")
    page = html(client.get(url, {"lead_unit": world.province_a.pk}))  # the subtree of a unit
    assert "โครงการพัฒนาครู" in page
    page = html(client.get(url, {"lead_unit": world.group_a1.pk, "status": "completed"}))
    assert "โครงการพัฒนาครู" not in page
    response = client.get(url, {"fiscal_year": "2561", "export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "รหัส" in body
    assert "P01" in body
    assert "100000.00" in body


def test_the_project_list_shows_each_plans_current_version_once(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    version_approve(actor=None, version=plan.version, expected_version=plan.version.version)
    login(client, people.planner)
    client.post(reverse("plans:planversion_revise", args=[plan.version.pk]), {"kind": "revision"})
    url = reverse("plans:project_list")
    page = html(client.get(url, {"versions": "current"}))
    assert page.count("โครงการพัฒนาครู") == 1
    page = html(client.get(url, {"versions": "all"}))
    assert page.count("โครงการพัฒนาครู") == 2


# Fiscal years: reference data -----------------------------------------------------------------


def test_fiscal_years_are_read_by_everyone_and_changed_only_at_the_top(client, world, fy, people):
    login(client, people.viewer)
    page = html(client.get(reverse("plans:fiscalyear_list")))
    assert "2561" in page
    assert reverse("plans:fiscalyear_add") not in page
    login(client, people.planner)
    assert client.get(reverse("plans:fiscalyear_add")).status_code == 403
    assert client.get(reverse("plans:fiscalyear_edit", args=[fy.pk])).status_code == 403
    top_admin = make_user("top-admin", (Role.ADMIN, world.root))
    login(client, top_admin)
    response = client.post(reverse("plans:fiscalyear_add"), {"year": "๒๕๖๒", "is_open": "on"})
    assert response.status_code == 302
    assert FiscalYear.objects.filter(year=2562, is_open=True).exists()
    response = client.post(reverse("plans:fiscalyear_add"), {"year": "2017"})
    assert response.status_code == 400
    page = html(client.get(fy.get_absolute_url()))
    assert "1 ตุลาคม 2560" in page
    assert "30 กันยายน 2561" in page


# The plan page --------------------------------------------------------------------------------


def grow(plan, count):
    for number in range(count):
        project = add(
            Project(
                plan_version=plan.version,
                strategy=plan.strategy,
                code=f"X{number:03d}",
                name=f"โครงการเพิ่ม {number}",
                start_month=date(2017, 10, 1),
                end_month=date(2018, 9, 1),
                budget=Decimal("1000"),
                lead_unit=plan.project.lead_unit,
            )
        )
        add(
            Activity(
                project=project,
                name="กิจกรรม",
                start_month=date(2017, 11, 1),
                end_month=date(2017, 12, 1),
                budget=Decimal("500"),
            )
        )
        add(ProjectOwner(project=project, unit=plan.plan.unit, role="supporter"))
        add(
            Indicator(
                goal=plan.goal,
                number=number + 2,
                name=f"ตัวชี้วัดเพิ่ม {number}",
                unit_of_measure="ร้อยละ",
                target_value=Decimal("50"),
            )
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.PLANNER, Role.VIEWER])
def test_the_plan_page_makes_the_same_number_of_queries_for_5_or_40_projects(
    client, world, fy, role
):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, world.user(role, world.province_a))
    url = plan.version.get_absolute_url()
    client.get(url)  # the first request of a session also stores the idle timer
    grow(plan, 3)
    few = count_queries(client, url)
    grow(plan, 35)
    assert Project.objects.filter(plan_version=plan.version).count() == 40
    assert count_queries(client, url) == few


def test_the_project_list_makes_the_same_number_of_queries_for_more_rows(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    url = reverse("plans:project_list") + "?fiscal_year=2561&versions=current"
    client.get(url)
    few = count_queries(client, url)
    grow(plan, 10)
    assert count_queries(client, url) == few
    url = reverse("plans:actionplan_list") + "?fiscal_year=2561"
    few = count_queries(client, url)
    make_plan(world.school_a2)
    assert count_queries(client, url) == few


def test_thai_labels_and_the_menu(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    login(client, people.planner)
    page = html(client.get(reverse("plans:actionplan_list")))
    for text in ("แผนปฏิบัติการ", "โครงการ", "ปีงบประมาณ", "ฉบับที่ใช้อยู่", "งบประมาณ (บาท)"):
        assert text in page
    page = html(client.get(reverse("plans:project_add") + f"?version={plan.version.pk}"))
    for text in (
        "หลักการและเหตุผล",
        "เป้าหมายเชิงปริมาณ",
        "เป้าหมายเชิงคุณภาพ",
        "ผลที่คาดว่าจะได้รับ",
        "เจ้าภาพหลัก",
        "โครงการต่อเนื่องหลายปี",
        "ตุลาคม 2560",
    ):
        assert text in page
    page = html(client.get(reverse("plans:indicator_add") + f"?goal={plan.goal.pk}"))
    for text in ("คำนิยาม", "ค่าฐาน", "ไตรมาสที่ 4", "เกณฑ์การให้คะแนน", "ขั้นความสำเร็จ", "น้ำหนัก"):
        assert text in page
    for name in ("strategicissue", "goal", "strategy", "indicator", "project", "activity"):
        obj = {
            "strategicissue": plan.issue,
            "goal": plan.goal,
            "strategy": plan.strategy,
            "indicator": plan.indicator,
            "project": plan.project,
            "activity": plan.activity,
        }[name]
        page = html(client.get(obj.get_absolute_url()))
        assert reverse(f"plans:{name}_history", args=[obj.pk]) in page
        assert client.get(reverse(f"plans:{name}_history", args=[obj.pk])).status_code == 200


def test_lists_count_the_newest_version_each_user_may_see(client, world, fy, people):
    plan = small_plan(world.province_a, world.group_a1)
    version_approve(actor=None, version=plan.version, expected_version=plan.version.version)
    plan.version.refresh_from_db()
    version_publish(actor=None, version=plan.version, expected_version=plan.version.version)
    login(client, people.planner)
    client.post(reverse("plans:planversion_revise", args=[plan.version.pk]), {"kind": "revision"})
    revision = PlanVersion.objects.get(plan=plan.plan, number=2)
    version_approve(actor=None, version=revision, expected_version=revision.version)
    page = html(client.get(reverse("plans:actionplan_list"), {"fiscal_year": "2561"}))
    assert "ฉบับที่ 2" in page  # the planner works from the approved revision
    # The school sees only what is published: version 1, and its projects once.
    login(client, people.school_reporter)
    page = html(client.get(reverse("plans:actionplan_list"), {"fiscal_year": "2561"}))
    assert "ฉบับที่ 1" in page
    assert "ฉบับที่ 2" not in page
    page = html(client.get(reverse("plans:project_list"), {"versions": "current"}))
    assert page.count("โครงการพัฒนาครู") == 1


def test_visitors_read_a_published_plan_but_are_asked_to_log_in_for_its_workflow(client, world, fy):
    plan = small_plan(world.province_a, world.group_a1)
    version_approve(actor=None, version=plan.version, expected_version=plan.version.version)
    plan.version.refresh_from_db()
    version_publish(actor=None, version=plan.version, expected_version=plan.version.version)
    page = html(client.get(plan.version.get_absolute_url()))
    assert "พัฒนาคุณภาพการศึกษา" in page
    assert reverse("plans:planversion_revise", args=[plan.version.pk]) not in page
    for name in ("planversion_approve", "planversion_revise"):
        response = client.get(reverse(f"plans:{name}", args=[plan.version.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
