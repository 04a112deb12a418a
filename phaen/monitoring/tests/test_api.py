"""The monitoring collections of the API: a report written, submitted, returned, approved and
reopened through the API; scoping (another province's or another school's reports are 404 and
absent from lists, drafts hidden outside the report's circle); stale writes; the rules of the
services with their Thai messages; periods, evaluations, filters, the schema and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import (
    CorrectiveAction,
    Evaluation,
    IndicatorResult,
    Problem,
    ProgressReport,
)
from phaen.monitoring.tests import access
from phaen.monitoring.tests import factories as f
from phaen.orgs.testing import make_unit
from phaen.plans.models import Activity, Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add, small_plan

pytestmark = pytest.mark.django_db

API = "/api/v1/"
State = ProgressReport.State
COLLECTIONS = [
    "reporting-periods",
    "progress-reports",
    "activity-progress",
    "indicator-results",
    "problems",
    "corrective-actions",
    "evaluations",
]


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(collection, obj=None, action=None):
    path = f"{API}{collection}/" if obj is None else f"{API}{collection}/{getattr(obj, 'pk', obj)}/"
    return f"{path}{action}/" if action else path


def error(response):
    return response.json()["error"]


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def plan(world):
    """Province A's approved plan: P01 led by group A1 (school B1 supports it)."""
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def director(world):
    return world.user(Role.APPROVER, world.province_a)


def fill_through_api(client, report_id):
    lines = client.get(url("activity-progress"), {"report": report_id}).json()["results"]
    assert len(lines) == 2  # the activity and its sub-activity
    for line in lines:
        response = client.patch(
            url("activity-progress", line["id"]),
            {
                "progress_status": "on_schedule",
                "percent_complete": "๕๐",
                "version": line["version"],
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["progress_status_display"] == "เป็นไปตามแผน"


def test_a_report_goes_through_the_whole_workflow_in_the_api(world, plan):
    q2 = f.open_period(f.period("Q2"))
    writer = api(reporter(world))
    response = writer.post(
        url("progress-reports"),
        {
            "project": plan.project.pk,
            "period": q2.pk,
            "percent_complete": "30",
            "summary": "เริ่มแล้ว",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    report_id = body["id"]
    assert (body["state"], body["state_display"]) == ("draft", "ร่าง")
    assert (body["percent_complete"], body["summary"]) == ("30.00", "เริ่มแล้ว")
    assert body["unit"] == world.group_a1.pk
    fill_through_api(writer, report_id)

    response = writer.post(
        url("indicator-results"),
        {"indicator": plan.achieved.pk, "report": report_id, "actual_value": "๔๕"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    result = response.json()
    assert result["period"] == q2.pk
    assert (result["actual_value"], result["target_value"], result["achieved"]) == (
        "45.0000",
        "40.0000",
        True,
    )
    problem = writer.post(
        url("problems"),
        {"report": report_id, "category": "personnel", "description": "ครูไม่ว่าง"},
        format="json",
    )
    assert problem.status_code == 201, problem.json()
    action = writer.post(
        url("corrective-actions"),
        {
            "problem": problem.json()["id"],
            "description": "อบรมออนไลน์",
            "owner_name": "นางสาวครู ใจดี",
            "due_on": str(timezone.localdate() + timedelta(days=30)),
        },
        format="json",
    )
    assert action.status_code == 201, action.json()
    assert (action.json()["status"], action.json()["report"]) == ("open", report_id)

    detail = writer.get(url("progress-reports", report_id)).json()
    assert [line["progress_status"] for line in detail["activities"]] == ["on_schedule"] * 2
    assert detail["money"]["disbursed_to_date"] == "0.00"
    response = writer.post(
        url("progress-reports", report_id, "submit"), {"version": detail["version"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"

    # The reporter may not decide; the director returns it with what to correct.
    version = response.json()["version"]
    response = writer.post(url("progress-reports", report_id, "approve"), {"version": version})
    assert response.status_code == 403
    boss = api(director(world))
    response = boss.post(
        url("progress-reports", report_id, "return"), {"version": version, "comment": " "}
    )
    assert response.status_code == 400
    assert error(response)["fields"] == {"comment": ["กรุณาระบุสิ่งที่ต้องแก้ไขเมื่อส่งรายงานกลับ"]}
    response = boss.post(
        url("progress-reports", report_id, "return"),
        {"version": version, "comment": "เพิ่มผลการดำเนินงาน"},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["return_comment"]) == (
        "returned",
        "เพิ่มผลการดำเนินงาน",
    )

    # Corrected and resubmitted, then approved: the report is locked.
    version = response.json()["version"]
    response = writer.patch(
        url("progress-reports", report_id),
        {"summary": "ดำเนินการครบตามแผน", "version": version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    version = response.json()["version"]
    response = writer.post(url("progress-reports", report_id, "submit"), {"version": version})
    assert response.json()["state"] == "submitted"
    response = boss.post(
        url("progress-reports", report_id, "approve"),
        {"version": response.json()["version"], "comment": "เรียบร้อย"},
    )
    assert response.status_code == 200, response.json()
    approved = response.json()
    assert approved["state"] == "approved"
    assert approved["decided_by_name"] == director(world).full_name

    response = writer.patch(
        url("progress-reports", report_id),
        {"summary": "แก้หลังอนุมัติ", "version": approved["version"]},
        format="json",
    )
    assert response.status_code == 400
    assert "ถูกล็อก" in error(response)["message"]
    response = writer.patch(
        url("problems", problem.json()["id"]),
        {"description": "แก้หลังอนุมัติ", "version": problem.json()["version"]},
        format="json",
    )
    assert response.status_code == 400
    assert ProgressReport.objects.get(pk=report_id).summary == "ดำเนินการครบตามแผน"
    assert Problem.objects.get().description == "ครูไม่ว่าง"

    # Reopening needs an approver and a reason.
    response = writer.post(
        url("progress-reports", report_id, "reopen"),
        {"version": approved["version"], "reason": "แก้ตัวเลข"},
    )
    assert response.status_code == 403
    response = boss.post(
        url("progress-reports", report_id, "reopen"), {"version": approved["version"], "reason": ""}
    )
    assert error(response)["fields"] == {"reason": ["กรุณาระบุเหตุผลที่เปิดรายงานให้แก้ไขใหม่"]}
    response = boss.post(
        url("progress-reports", report_id, "reopen"),
        {"version": approved["version"], "reason": "แก้ตัวเลขผลตัวชี้วัด"},
    )
    assert response.json()["state"] == "returned"
    assert response.json()["reopen_reason"] == "แก้ตัวเลขผลตัวชี้วัด"
    actions = set(
        AuditEvent.objects.filter(action__startswith="monitoring.progressreport.").values_list(
            "action", flat=True
        )
    )
    assert {
        "monitoring.progressreport.created",
        "monitoring.progressreport.submitted",
        "monitoring.progressreport.returned",
        "monitoring.progressreport.resubmitted",
        "monitoring.progressreport.approved",
        "monitoring.progressreport.reopened",
    } <= actions


def test_stale_writes_are_refused_with_409_and_a_thai_message(world, plan):
    report = f.fill(f.start(plan))
    writer = api(reporter(world))
    old = report.version
    response = writer.patch(
        url("progress-reports", report), {"summary": "ฉบับแรก", "version": old}, format="json"
    )
    assert response.status_code == 200
    response = writer.patch(
        url("progress-reports", report), {"summary": "ทับของคนอื่น", "version": old}, format="json"
    )
    assert response.status_code == 409
    assert error(response)["code"] == "stale_edit"
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in error(response)["message"]
    response = writer.post(url("progress-reports", report, "submit"), {"version": old})
    assert response.status_code == 409
    response = writer.post(
        url("progress-reports", report, "submit"), {}, format="json", HTTP_IF_MATCH=f'"{old}"'
    )
    assert response.status_code == 409
    response = writer.patch(url("progress-reports", report), {"summary": "x"}, format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"version"}
    report.refresh_from_db()
    assert (report.summary, report.state) == ("ฉบับแรก", State.DRAFT)
    line = report.activity_progress.first()
    response = writer.patch(
        url("activity-progress", line),
        {"note": "x", "version": line.version - 1},
        format="json",
    )
    assert response.status_code == 409


def test_another_provinces_or_schools_users_get_404_and_empty_lists(world):
    report = access.home_report(world)  # school A2's draft Q2 report
    problem, corrective = f.problem_with_action(report)
    result = f.result(report, report.project.indicators.get(), "120")
    rows = {
        "progress-reports": report,
        "activity-progress": report.activity_progress.get(),
        "indicator-results": result,
        "problems": problem,
        "corrective-actions": corrective,
    }
    neighbour_school = make_unit("โรงเรียน ก3", world.province_a, "school")
    outsiders = [
        world.user(Role.REPORTER, world.province_b),
        world.user(Role.APPROVER, world.province_b),
        world.user(Role.REPORTER, neighbour_school),
        world.nobody(),
    ]
    for user in outsiders:
        client = api(user)
        for collection, row in rows.items():
            assert row.pk not in ids(client.get(url(collection))), (user, collection)
            assert client.get(url(collection, row)).status_code == 404, (user, collection)
            response = client.patch(url(collection, row), {"version": row.version}, format="json")
            assert response.status_code == 404, (user, collection)
        for action in ("submit", "approve", "return", "reopen"):
            response = client.post(url("progress-reports", report, action), {"version": 1})
            assert response.status_code == 404
        assert client.delete(url("problems", problem)).status_code == 404
    # Writing into the school's report from outside is refused: the report is not a choice.
    response = api(world.user(Role.REPORTER, neighbour_school)).post(
        url("problems"),
        {"report": report.pk, "category": "other", "description": "ข้ามโรงเรียน"},
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"report"}
    assert Problem.objects.count() == 1
    report.refresh_from_db()
    assert report.state == State.DRAFT
    # The school's own reporter and the province's viewer do see it.
    school = api(world.user(Role.REPORTER, world.school_a2))
    assert report.pk in ids(school.get(url("progress-reports")))
    viewer = api(world.user(Role.VIEWER, world.province_a))
    assert viewer.get(url("progress-reports", report)).status_code == 200
    response = viewer.patch(url("progress-reports", report), {"summary": "x", "version": 2})
    assert response.status_code == 403


def test_drafts_are_hidden_outside_the_reports_circle(world):
    """Province A's plan has a project led by school B1 (province B): province A sees the
    report only once it has been submitted."""
    plan = f.monitored_plan(world, approve=False)
    elsewhere = add(
        Project(
            plan_version=plan.version,
            code="P09",
            name="โครงการที่โรงเรียนในจังหวัดอื่นเป็นเจ้าภาพ",
            start_month=plan.project.start_month,
            end_month=plan.project.end_month,
            lead_unit=world.school_b1,
        )
    )
    version_approve(actor=None, version=plan.version, expected_version=None)
    report = f.fill(f.start(plan, project=elsewhere))
    plan_unit = api(world.user(Role.PLANNER, world.province_a))
    assert report.pk not in ids(plan_unit.get(url("progress-reports")))
    assert plan_unit.get(url("progress-reports", report)).status_code == 404
    assert report.pk in ids(
        api(world.user(Role.VIEWER, world.province_b)).get(url("progress-reports"))
    )
    services.report_submit(actor=None, report=report, expected_version=report.version)
    assert report.pk in ids(plan_unit.get(url("progress-reports")))
    assert plan_unit.get(url("progress-reports", report)).status_code == 200
    # Reading is not deciding: province A's approver is not above the lead unit.
    report.refresh_from_db()
    response = api(world.user(Role.APPROVER, world.province_a)).post(
        url("progress-reports", report, "approve"), {"version": report.version}
    )
    assert response.status_code == 403


def test_the_rules_of_the_services_answer_in_thai_and_save_nothing(world, plan):
    report = f.start(plan)
    writer = api(reporter(world))
    planner = api(world.user(Role.PLANNER, world.province_a))
    response = planner.post(
        url("indicator-results"),
        {"indicator": plan.goal_indicator.pk, "period": f.period("Q1").pk, "actual_value": "70"},
        format="json",
    )
    assert response.status_code == 400
    assert "ยังไม่มีค่าเป้าหมายของไตรมาสที่ 1/2561" in error(response)["fields"]["actual_value"][0]
    response = writer.post(
        url("indicator-results"),
        {"indicator": plan.achieved.pk, "report": report.pk, "actual_value": "สี่สิบ"},
        format="json",
    )
    assert response.status_code == 400
    assert "ไม่ใช่ตัวเลข" in error(response)["fields"]["actual_value"][0]
    assert not IndicatorResult.objects.exists()

    # Submitting without the activities' statuses says what is missing.
    response = writer.post(url("progress-reports", report, "submit"), {"version": report.version})
    assert response.status_code == 400
    assert "ยังไม่ระบุสถานะของกิจกรรม" in error(response)["message"]

    # A second report of the same quarter, a half-year "report", a percent above 100.
    response = writer.post(
        url("progress-reports"), {"project": plan.project.pk, "period": report.period_id}
    )
    assert response.status_code == 400
    assert "มีรายงานของ" in error(response)["message"]
    response = writer.post(
        url("progress-reports"), {"project": plan.project.pk, "period": f.period("H1").pk}
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"period"}
    response = writer.patch(
        url("progress-reports", report),
        {"percent_complete": "120", "version": report.version},
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"percent_complete"}
    assert ProgressReport.objects.count() == 1

    # A draft that was never submitted may be deleted, with its version.
    response = writer.delete(url("progress-reports", report), HTTP_IF_MATCH='"99"')
    assert response.status_code == 409
    response = writer.delete(url("progress-reports", report))
    assert response.status_code == 204
    assert not ProgressReport.objects.exists()


def test_an_open_action_is_followed_from_the_next_quarters_report(world, plan):
    q2 = f.start(plan, "Q2")
    _problem, action = f.problem_with_action(q2)
    q2 = f.fill(q2)
    services.report_submit(actor=None, report=q2, expected_version=q2.version)
    q3 = f.start(plan, "Q3")
    writer = api(reporter(world))
    response = writer.patch(
        url("corrective-actions", action),
        {
            "status": "done",
            "result_note": "อบรมครบแล้ว",
            "version": action.version,
            "via_report": q3.pk,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert (action.status, action.done_on, action.updated_in_report_id) == (
        "done",
        timezone.localdate(),
        q3.pk,
    )
    # Without the later report it is an edit of the submitted quarter: refused.
    response = writer.patch(
        url("corrective-actions", action),
        {"result_note": "แก้อีก", "version": action.version},
        format="json",
    )
    assert response.status_code == 400
    assert "ส่งแล้วและรอการพิจารณา" in error(response)["message"]
    overdue = f.problem_with_action(q3, due_on=timezone.localdate() - timedelta(days=1))[1]
    response = writer.get(url("corrective-actions"), {"overdue": "true"})
    assert ids(response) == {overdue.pk}
    assert response.json()["results"][0]["is_overdue"] is True
    assert ids(writer.get(url("corrective-actions"), {"is_open": "false"})) == {action.pk}


def test_reporting_periods_are_read_by_all_and_dated_at_the_top(world):
    q2 = f.period("Q2")
    reader = api(world.nobody())
    response = reader.get(url("reporting-periods"), {"fiscal_year": 2561})
    assert {row["kind"] for row in response.json()["results"]} == {
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "H1",
        "YEAR",
    }
    row = reader.get(url("reporting-periods", q2)).json()
    assert (row["name"], row["starts_on"], row["ends_on"]) == (
        str(q2),
        "2018-01-01",
        "2018-03-31",
    )
    assert ids(reader.get(url("reporting-periods"), {"kind": "H1"})) == {f.period("H1").pk}
    change = {"due_on": "2018-04-20", "locks_on": "2018-05-05", "version": q2.version}
    assert (
        api(world.user(Role.PLANNER, world.province_a))
        .patch(url("reporting-periods", q2), change, format="json")
        .status_code
        == 403
    )
    top = api(world.user(Role.PLANNER, world.root))
    response = top.patch(
        url("reporting-periods", q2), {**change, "locks_on": "2018-04-01"}, format="json"
    )
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    response = top.patch(url("reporting-periods", q2), change, format="json")
    assert response.status_code == 200, response.json()
    q2.refresh_from_db()
    assert (str(q2.due_on), str(q2.locks_on)) == ("2018-04-20", "2018-05-05")
    assert top.post(url("reporting-periods"), {}, format="json").status_code == 405
    assert top.delete(url("reporting-periods", q2)).status_code == 405


def test_evaluations_are_prepared_and_commented(world, plan):
    f.approved(plan, "Q2")
    planner = api(world.user(Role.PLANNER, world.province_a))
    h1 = f.period("H1")
    response = planner.post(
        url("evaluations", action="prepare"), {"period": h1.pk, "unit": world.province_a.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == Evaluation.objects.count() > 0
    response = planner.post(
        url("evaluations", action="prepare"), {"period": h1.pk, "unit": world.province_a.pk}
    )
    assert response.json() == {"created": 0, "updated": Evaluation.objects.count()}
    outsider = api(world.user(Role.PLANNER, world.province_b))
    response = outsider.post(
        url("evaluations", action="prepare"), {"period": h1.pk, "unit": world.province_a.pk}
    )
    assert set(error(response)["fields"]) == {"unit"}  # a unit the outsider cannot see
    response = api(reporter(world)).post(
        url("evaluations", action="prepare"), {"period": h1.pk, "unit": world.group_a1.pk}
    )
    assert response.status_code == 403
    response = planner.post(
        url("evaluations", action="prepare"),
        {"period": f.period("Q2").pk, "unit": world.province_a.pk},
    )
    assert set(error(response)["fields"]) == {"period"}
    assert planner.post(url("evaluations"), {}, format="json").status_code == 405

    evaluation = Evaluation.objects.get(indicator=plan.achieved)
    row = planner.get(url("evaluations", evaluation)).json()
    assert (row["target_value"], row["result_value"], row["indicator_name"]) == (
        "40.0000",
        None,
        plan.achieved.name,
    )
    writer = api(reporter(world))
    response = writer.patch(
        url("evaluations", evaluation),
        {"comment": "ต้องเร่งเก็บข้อมูล", "score": "5", "version": evaluation.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    evaluation.refresh_from_db()
    assert (evaluation.comment, evaluation.evaluator) == ("ต้องเร่งเก็บข้อมูล", reporter(world))
    assert row["score"] is None or evaluation.score == Decimal(row["score"])  # read only
    assert ids(planner.get(url("evaluations"), {"subject": "project"})) == set(
        Evaluation.objects.filter(project__isnull=False).values_list("pk", flat=True)
    )
    assert outsider.get(url("evaluations", evaluation)).status_code == 404


def test_filters(world, plan):
    draft = f.start(plan, "Q3")
    approved = f.approved(plan, "Q2")
    other = f.fill(f.start(plan, "Q2", project=plan.small.other_project))
    client = api(world.user(Role.VIEWER, world.province_a))
    assert ids(client.get(url("progress-reports"), {"state": "approved"})) == {approved.pk}
    assert ids(client.get(url("progress-reports"), {"kind": "Q2"})) == {approved.pk, other.pk}
    assert ids(client.get(url("progress-reports"), {"project": plan.project.pk})) == {
        draft.pk,
        approved.pk,
    }
    assert ids(client.get(url("progress-reports"), {"project": str(plan.project.lineage)})) == {
        draft.pk,
        approved.pk,
    }
    assert ids(client.get(url("progress-reports"), {"unit": world.group_a1.pk})) == {
        draft.pk,
        approved.pk,
        other.pk,
    }
    assert ids(client.get(url("progress-reports"), {"unit": world.school_a2.pk})) == set()
    assert ids(client.get(url("progress-reports"), {"fiscal_year": 2562})) == set()
    assert ids(client.get(url("progress-reports"), {"q": "P02"})) == {other.pk}
    result = f.result(draft, plan.bands, "20")
    assert ids(client.get(url("indicator-results"), {"report": draft.pk})) == {result.pk}
    assert ids(client.get(url("indicator-results"), {"achieved": "true"})) == set()
    assert ids(client.get(url("activity-progress"), {"report": other.pk})) == set(
        other.activity_progress.values_list("pk", flat=True)
    )
    response = client.get(url("progress-reports"), {"state": "unknown"})
    assert response.status_code == 400


def test_anonymous_callers_get_401(world):
    report = access.home_report(world)
    client = api()
    for collection in COLLECTIONS:
        assert client.get(url(collection)).status_code == 401
    assert client.get(url("progress-reports", report)).status_code == 401
    response = client.post(url("progress-reports", report, "submit"), {"version": 1})
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


def test_the_schema_has_the_monitoring_collections_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert warnings == {}
    validate_schema(schema)
    paths = schema["paths"]
    for collection in COLLECTIONS:
        assert f"/api/v1/{collection}/" in paths
    for action in ("submit", "return", "approve", "reopen"):
        assert set(paths[f"/api/v1/progress-reports/{{id}}/{action}/"]) == {"post"}
    assert "post" in paths["/api/v1/evaluations/prepare/"]
    assert "post" not in paths["/api/v1/reporting-periods/"]
    assert "post" not in paths["/api/v1/evaluations/"]
    assert "delete" not in paths["/api/v1/activity-progress/{id}/"]
    params = {p["name"] for p in paths["/api/v1/progress-reports/"]["get"]["parameters"]}
    assert {"fiscal_year", "period", "unit", "project", "state", "progress_status"} <= params
    properties = schema["components"]["schemas"]["IndicatorResult"]["properties"]
    assert (properties["actual_value"]["type"], properties["actual_value"]["format"]) == (
        "string",
        "decimal",
    )
    assert properties["score"]["readOnly"] is True


def grow(world, unit, count, prefix):
    """A plan of ``unit`` with ``count`` projects, each with an activity and an indicator, and
    a submitted Q2 report holding the activity's line, a result, a problem and a corrective
    action; then the unit's half-year evaluation."""
    small = small_plan(unit, unit)
    indicators = []
    for index in range(count):
        project = add(
            Project(
                plan_version=small.version,
                strategy=small.strategy,
                code=f"{prefix}{index:02d}",
                name=f"โครงการที่ {prefix}{index}",
                start_month=small.project.start_month,
                end_month=small.project.end_month,
                lead_unit=unit,
            )
        )
        add(
            Activity(
                project=project,
                name=f"กิจกรรม {prefix}{index}",
                start_month=small.activity.start_month,
                end_month=small.activity.end_month,
            )
        )
        indicators.append(f.project_indicator(project, f"ตัวชี้วัด {index}", targets={"Q2": "10"}))
    version_approve(actor=None, version=small.version, expected_version=None)
    q2 = f.open_period(f.period("Q2"))
    for indicator in indicators:
        report = f.fill(services.report_start(actor=None, project=indicator.project, period=q2))
        f.result(report, indicator, "12")
        f.problem_with_action(report)
        services.report_submit(actor=None, report=report, expected_version=report.version)
    services.evaluation_prepare(actor=None, period=f.period("H1"), unit=unit)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_lists_run_a_constant_number_of_queries(collection, world):
    client = api(world.user(Role.VIEWER, world.province_a))
    client.get(url(collection))  # the user's grants are read once per user object

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url(collection), {"page_size": 500})
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    grow(world, world.school_a2, 2, "S")
    small, small_rows = count()
    grow(world, world.group_a1, 6, "G")
    large, large_rows = count()
    if collection != "reporting-periods":
        assert large_rows > small_rows
    assert small == large, (small, large)
    assert large <= 3


def test_results_of_goal_indicators_stand_alone(world, plan):
    q2 = f.open_period(f.period("Q2"))
    planner = api(world.user(Role.PLANNER, world.province_a))
    response = planner.post(
        url("indicator-results"),
        {"indicator": plan.goal_indicator.pk, "actual_value": "76"},
        format="json",
    )
    assert set(error(response)["fields"]) == {"period"}
    response = planner.post(
        url("indicator-results"),
        {
            "indicator": plan.goal_indicator.pk,
            "period": q2.pk,
            "actual_value": "76",
            "note": "สำรวจ",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["report"], row["achieved"], row["target_value"]) == (None, True, "75.0000")
    response = planner.patch(
        url("indicator-results", row["id"]), {"actual_value": "70", "version": row["version"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["achieved"] is False
    assert api(reporter(world)).get(url("indicator-results", row["id"])).status_code == 404
    assert CorrectiveAction.objects.count() == 0
