"""Pages of a report's parts: indicator results, problems, corrective actions, evidence and
contributions — through HTTP, with the services' Thai refusals shown on the forms."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import (
    Contribution,
    CorrectiveAction,
    Evidence,
    IndicatorResult,
    Problem,
    evidence_storage,
)
from phaen.monitoring.tests import factories as f
from phaen.orgs.testing import make_unit
from phaen.plans.services import version_approve

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def report_url(report, anchor=""):
    return f"/monitoring/reports/{report.pk}/" + (f"#{anchor}" if anchor else "")


def stored_files(path="evidence"):
    """Every file under ``path`` in the evidence storage."""
    storage = evidence_storage()
    if not storage.exists(path):
        return set()
    directories, files = storage.listdir(path)
    found = {f"{path}/{name}" for name in files}
    for directory in directories:
        found |= stored_files(f"{path}/{directory}")
    return found


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def approve(report):
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    return services.report_approve(actor=None, report=report, expected_version=report.version)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def page_text(response):
    return response.content.decode()


def action_links(response):
    """The corrective actions a page links to."""
    return {int(pk) for pk in re.findall(r'href="/monitoring/actions/(\d+)/"', page_text(response))}


# Indicator results ---------------------------------------------------------------------------


def test_a_result_is_recorded_with_thai_digits_and_the_kpi_sheet_defaults(world, plan):
    report = f.start(plan)
    plan.achieved.evaluator_person = "นางสาวผู้ประเมิน ตัวชี้วัด"
    plan.achieved.collection_method = "สำรวจจากแบบรายงานของโรงเรียน"
    plan.achieved.save()
    client = client_for(reporter(world))
    url = reverse("monitoring:indicatorresult_add", args=[report.pk, plan.achieved.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "นางสาวผู้ประเมิน ตัวชี้วัด" in page_text(page)
    assert "สำรวจจากแบบรายงานของโรงเรียน" in page_text(page)
    response = client.post(
        url,
        {
            "actual_value": "๔๕",
            "note": "โรงเรียนเข้าร่วมเพิ่ม",
            "measured_by": "นางสาวผู้ประเมิน ตัวชี้วัด",
            "method": "สำรวจจากแบบรายงานของโรงเรียน",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(report, f"indicator-{plan.achieved.pk}")
    result = IndicatorResult.objects.get()
    assert result.actual_value == Decimal("45")
    assert result.report == report
    assert result.achieved is True
    assert result.score == 5
    assert result.percent_of_target == Decimal("112.50")
    detail = client.get(reverse("monitoring:indicatorresult", args=[result.pk]))
    text = page_text(detail)
    assert detail.status_code == 200
    for shown in ("112.5", "บรรลุ", "บรรลุ/ไม่บรรลุ", "ค่าเป้าหมายที่ใช้", "โรงเรียนเข้าร่วมเพิ่ม"):
        assert shown in text
    # One result per indicator and quarter: the add page now leads to the edit page.
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("monitoring:indicatorresult_edit", args=[result.pk])


def test_a_result_comes_with_its_evidence_and_a_refused_file_saves_nothing(world, plan):
    report = f.start(plan)
    client = client_for(reporter(world))
    url = reverse("monitoring:indicatorresult_add", args=[report.pk, plan.bands.pk])
    files_before = stored_files()
    refused = client.post(
        url,
        {
            "actual_value": "18",
            "note": "ครูเข้าอบรม 18 คน",
            "evidence_title": "รายชื่อผู้เข้าอบรม",
            "evidence_file": SimpleUploadedFile("รายชื่อ.html", HTML_BYTES, "text/html"),
        },
    )
    assert refused.status_code == 400
    assert "ไม่รับไฟล์ชนิดนี้" in page_text(refused)
    assert "ครูเข้าอบรม 18 คน" in page_text(refused)  # the input is kept
    assert not IndicatorResult.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files() == files_before
    accepted = client.post(
        url,
        {
            "actual_value": "18",
            "note": "ครูเข้าอบรม 18 คน",
            "evidence_title": "รายชื่อผู้เข้าอบรม",
            "evidence_file": upload("รายชื่อ.pdf", PDF_BYTES),
        },
    )
    assert accepted.status_code == 302
    result = IndicatorResult.objects.get()
    assert result.score == 3  # bands: 15 ≤ 18 < 20
    evidence = Evidence.objects.get()
    assert evidence.result == result
    assert evidence.original_name == "รายชื่อ.pdf"


def test_a_result_without_a_target_for_the_quarter_is_refused(world):
    plan = f.monitored_plan(world, approve=False)
    no_q2 = f.project_indicator(plan.project, "จำนวนเครือข่ายผู้ปกครอง", targets={"Q4": "10"})
    version_approve(actor=None, version=plan.version, expected_version=None)
    report = f.start(plan)
    client = client_for(reporter(world))
    url = reverse("monitoring:indicatorresult_add", args=[report.pk, no_q2.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "ยังไม่มีค่าเป้าหมาย" in page_text(page)
    response = client.post(url, {"actual_value": "๓", "note": "ประชุมเครือข่ายแล้ว"})
    assert response.status_code == 400
    text = page_text(response)
    assert "ยังไม่มีค่าเป้าหมาย" in text
    assert "ต้องกำหนดค่าเป้าหมายในแผนก่อนรายงานผล" in text
    assert "ประชุมเครือข่ายแล้ว" in text
    assert not IndicatorResult.objects.exists()


def test_a_stale_edit_of_a_result_is_refused_and_keeps_the_input(world, plan):
    report = f.start(plan)
    result = f.result(report, plan.achieved, "30")
    seen_version = result.version
    result.note = "แก้โดยผู้อื่น"
    services.result_update(actor=None, instance=result, expected_version=result.version)
    client = client_for(reporter(world))
    response = client.post(
        reverse("monitoring:indicatorresult_edit", args=[result.pk]),
        {"actual_value": "๓๕", "note": "ผลของฉัน", "version": seen_version},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in text
    assert "ผลของฉัน" in text
    result.refresh_from_db()
    assert result.actual_value == Decimal("30")
    assert result.note == "แก้โดยผู้อื่น"


def test_a_result_is_corrected_deleted_and_its_history_shown(world, plan):
    report = f.start(plan)
    result = f.result(report, plan.achieved, "30")
    client = client_for(reporter(world))
    response = client.post(
        reverse("monitoring:indicatorresult_edit", args=[result.pk]),
        {"actual_value": "41.5", "note": "ปรับตามข้อมูลล่าสุด", "version": result.version},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.actual_value == Decimal("41.5")
    assert result.achieved is True
    history = client.get(reverse("monitoring:indicatorresult_history", args=[result.pk]))
    assert history.status_code == 200
    assert "ปรับตามข้อมูลล่าสุด" in page_text(history)
    delete_url = reverse("monitoring:indicatorresult_delete", args=[result.pk])
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url, {"version": result.version, "reason": "บันทึกผิดตัว"})
    assert response.status_code == 302
    assert response["Location"] == report_url(report, f"indicator-{plan.achieved.pk}")
    assert not IndicatorResult.objects.exists()
    assert AuditEvent.objects.filter(action="monitoring.indicatorresult.deleted").exists()


def test_the_result_page_reads_a_fixed_number_of_queries(
    world, plan, django_assert_max_num_queries
):
    report = f.start(plan)
    result = f.result(report, plan.achieved, "30")
    client = client_for(reporter(world))
    url = reverse("monitoring:indicatorresult", args=[result.pk])
    services.evidence_add(actor=None, result=result, title="ลิงก์ 1", url="https://example.go.th/1")
    few = count_queries(client, url)
    for number in range(2, 7):
        services.evidence_add(
            actor=None, result=result, title=f"ลิงก์ {number}", url=f"https://example.go.th/{number}"
        )
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert page_text(response).count('class="evidence-list"') == 1
    assert "ลิงก์ 6" in page_text(response)


# Goal indicators' results (not tied to a report) -------------------------------------------


def goal_url(indicator, period):
    return reverse("monitoring:indicatorresult_goal_add", args=[indicator.pk, period.pk])


def test_a_goal_indicators_result_is_recorded_and_corrected_by_the_plans_unit(world, plan):
    q2 = f.open_period(f.period("Q2"))
    plan.goal_indicator.evaluator_person = "นายผู้ประเมิน เป้าประสงค์"
    plan.goal_indicator.collection_method = "ผลการทดสอบการอ่านของนักเรียน"
    plan.goal_indicator.save()
    client = client_for(world.user(Role.REPORTER, world.province_a))
    url = goal_url(plan.goal_indicator, q2)
    page = client.get(url)
    assert page.status_code == 200
    text = page_text(page)
    for shown in ("นายผู้ประเมิน เป้าประสงค์", "ผลการทดสอบการอ่านของนักเรียน", "75", "ภาพรวมรายไตรมาส"):
        assert shown in text, shown
    response = client.post(
        url,
        {
            "actual_value": "๗๖",
            "note": "ผลการทดสอบปลายภาค",
            "measured_by": "นายผู้ประเมิน เป้าประสงค์",
            "method": "ผลการทดสอบการอ่านของนักเรียน",
        },
    )
    assert response.status_code == 302
    result = IndicatorResult.objects.get()
    assert response["Location"] == reverse("monitoring:indicatorresult", args=[result.pk])
    assert (result.report, result.period, result.actual_value) == (None, q2, Decimal("76"))
    assert (result.target_value, result.achieved) == (Decimal("75"), True)
    assert result.unit_path == world.province_a.path
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    edit_url = reverse("monitoring:indicatorresult_edit", args=[result.pk])
    assert edit_url in page_text(detail)
    assert reverse("monitoring:overview") in page_text(detail)
    # Recorded once per period: the record page now leads to the edit page.
    again = client.get(url)
    assert (again.status_code, again["Location"]) == (302, edit_url)
    response = client.post(
        edit_url, {"actual_value": "๗๐", "note": "ตรวจทานใหม่", "version": result.version}
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.actual_value, result.achieved) == (Decimal("70"), False)
    # Deleted from its page, back to the overview of the plan's unit.
    delete_url = reverse("monitoring:indicatorresult_delete", args=[result.pk])
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url, {"version": result.version, "reason": "บันทึกผิดรอบ"})
    assert response.status_code == 302
    overview = reverse("monitoring:overview")
    assert response["Location"] == f"{overview}?unit={world.province_a.pk}&period={q2.pk}#scores"
    assert not IndicatorResult.objects.exists()


def test_a_goal_result_without_a_target_for_the_period_is_refused_and_keeps_the_input(world, plan):
    q1 = f.open_period(f.period("Q1"))  # the plan sets targets for Q2 and Q4 only
    client = client_for(world.user(Role.PLANNER, world.province_a))
    url = goal_url(plan.goal_indicator, q1)
    page = client.get(url)
    assert page.status_code == 200
    assert "ต้องกำหนดค่าเป้าหมายในแผนก่อนรายงานผล" in page_text(page)
    response = client.post(url, {"actual_value": "๗๐", "note": "ผลเบื้องต้นของไตรมาสแรก"})
    assert response.status_code == 400
    assert "ต้องกำหนดค่าเป้าหมายในแผนก่อนรายงานผล" in page_text(response)
    assert "ผลเบื้องต้นของไตรมาสแรก" in page_text(response)
    assert not IndicatorResult.objects.exists()


def test_a_goal_result_is_written_by_the_evaluator_unit_only(world, plan):
    q2 = f.open_period(f.period("Q2"))
    url = goal_url(plan.goal_indicator, q2)
    # Without an evaluator the plan's unit writes: a reader of the plan may not (403), and a
    # group below the plan's unit does not even see the plan (404).
    assert client_for(world.user(Role.VIEWER, world.province_a)).get(url).status_code == 403
    assert client_for(reporter(world)).get(url).status_code == 404
    plan.goal_indicator.evaluator_unit = world.group_a1
    plan.goal_indicator.save()
    client = client_for(reporter(world))
    assert client.get(url).status_code == 200
    response = client.post(url, {"actual_value": "80"})
    assert response.status_code == 302
    assert IndicatorResult.objects.get().unit_path == world.group_a1.path
    # A school of the same province is neither the evaluator nor the plan's unit.
    school = client_for(world.user(Role.REPORTER, world.school_a2))
    assert school.get(url).status_code == 404
    assert school.post(url, {"actual_value": "1"}).status_code == 404
    assert IndicatorResult.objects.count() == 1


def test_goal_result_pages_out_of_scope_are_a_404_and_anonymous_visitors_log_in(world, plan):
    q2 = f.open_period(f.period("Q2"))
    result = services.result_record(
        actor=None,
        instance=IndicatorResult(
            indicator=plan.goal_indicator, period=q2, actual_value=Decimal("76")
        ),
    )
    url = goal_url(plan.goal_indicator, q2)
    anonymous = Client()
    for page in (url, reverse("monitoring:indicatorresult", args=[result.pk])):
        response = anonymous.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    other_province = client_for(world.user(Role.PLANNER, world.province_b))
    for page in (
        url,
        reverse("monitoring:indicatorresult", args=[result.pk]),
        reverse("monitoring:indicatorresult_edit", args=[result.pk]),
    ):
        assert other_province.get(page).status_code == 404, page
    assert other_province.post(url, {"actual_value": "1"}).status_code == 404
    # A project indicator's result belongs to its report: not through this page.
    planner = client_for(world.user(Role.PLANNER, world.province_a))
    assert planner.get(goal_url(plan.achieved, q2)).status_code == 404
    # A period of another fiscal year is not the plan's.
    assert planner.get(goal_url(plan.goal_indicator, f.period("Q2", 2562))).status_code == 404
    assert IndicatorResult.objects.count() == 1


def test_a_goal_result_after_the_lock_date_is_refused_to_reporters(world, plan):
    q2 = f.close_period(f.period("Q2"))
    client = client_for(world.user(Role.REPORTER, world.province_a))
    url = goal_url(plan.goal_indicator, q2)
    page = client.get(url)
    assert page.status_code == 200
    assert "เลยวันปิดรับรายงาน" in page_text(page)
    response = client.post(url, {"actual_value": "๗๖", "note": "ส่งช้า"})
    assert response.status_code == 400
    assert "ส่งช้า" in page_text(response)
    assert not IndicatorResult.objects.exists()


# Problems, and a locked report ---------------------------------------------------------------


def test_problems_are_added_edited_and_deleted(world, plan):
    report = f.start(plan)
    client = client_for(reporter(world))
    add_url = reverse("monitoring:problem_add", args=[report.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {
            "category": "budget",
            "description": "ได้รับจัดสรรล่าช้า",
            "cause": "รอโอนเงิน",
            "add_action": "1",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:correctiveaction_add", args=[problem.pk])
    edit_url = reverse("monitoring:problem_edit", args=[problem.pk])
    response = client.post(
        edit_url,
        {
            "category": "budget",
            "description": "ได้รับจัดสรรล่าช้า",
            "cause": "รอโอนเงินจากส่วนกลาง",
            "version": problem.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(report, f"problem-{problem.pk}")
    problem.refresh_from_db()
    assert problem.cause == "รอโอนเงินจากส่วนกลาง"
    history = client.get(reverse("monitoring:problem_history", args=[problem.pk]))
    assert history.status_code == 200
    assert "รอโอนเงินจากส่วนกลาง" in page_text(history)
    response = client.post(
        reverse("monitoring:problem_delete", args=[problem.pk]), {"version": problem.version}
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(report, "problems")
    assert not Problem.objects.exists()


def test_a_locked_report_refuses_its_parts_with_a_thai_message(world, plan):
    report = f.fill(f.start(plan))
    problem, action = f.problem_with_action(report)
    report = approve(report)
    client = client_for(reporter(world))
    add_url = reverse("monitoring:problem_add", args=[report.pk])
    page = client.get(add_url)
    assert page.status_code == 200
    assert "ถูกล็อก" in page_text(page)
    response = client.post(add_url, {"category": "other", "description": "เพิ่มหลังอนุมัติ"})
    assert response.status_code == 400
    assert "ถูกล็อก" in page_text(response)
    assert "เพิ่มหลังอนุมัติ" in page_text(response)
    response = client.post(
        reverse("monitoring:problem_edit", args=[problem.pk]),
        {"category": "other", "description": "แก้หลังอนุมัติ", "version": problem.version},
    )
    assert response.status_code == 400
    assert "ถูกล็อก" in page_text(response)
    response = client.post(
        reverse("monitoring:evidence_add", args=[report.pk]),
        {"title": "ภาพ", "url": "https://example.go.th/late"},
    )
    assert response.status_code == 400
    assert "ถูกล็อก" in page_text(response)
    response = client.post(
        reverse("monitoring:correctiveaction_close", args=[action.pk]),
        {"status": "done", "version": action.version},
    )
    assert response.status_code == 400
    assert Problem.objects.get().description == problem.description
    assert Problem.objects.count() == 1
    assert not Evidence.objects.exists()
    assert CorrectiveAction.objects.get().status == CorrectiveAction.Status.OPEN


# Corrective actions --------------------------------------------------------------------------


def test_corrective_actions_are_added_edited_closed_and_deleted(world, plan):
    report = f.start(plan)
    problem, _action = f.problem_with_action(report)
    client = client_for(reporter(world))
    add_url = reverse("monitoring:correctiveaction_add", args=[problem.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {
            "description": "จัดอบรมซ่อมเสริม",
            "owner_name": "นายผู้รับผิดชอบ ดี",
            "owner_unit": world.group_a1.pk,
            "due_on": "๑๕/๑๒/๒๕๖๑",
            "status": "open",
        },
    )
    assert response.status_code == 302, page_text(response)
    action = CorrectiveAction.objects.get(description="จัดอบรมซ่อมเสริม")
    assert response["Location"] == report_url(report, f"action-{action.pk}")
    assert action.due_on.isoformat() == "2018-12-15"
    assert action.owner_unit == world.group_a1
    page = client.get(reverse("monitoring:correctiveaction", args=[action.pk]))
    assert page.status_code == 200
    assert "15 ธันวาคม 2561" in page_text(page)
    response = client.post(
        reverse("monitoring:correctiveaction_edit", args=[action.pk]),
        {
            "description": "จัดอบรมซ่อมเสริม",
            "owner_name": "นายผู้รับผิดชอบ ดี",
            "due_on": "15/12/2561",
            "status": "in_progress",
            "version": action.version,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.IN_PROGRESS
    close_url = reverse("monitoring:correctiveaction_close", args=[action.pk])
    assert client.get(close_url).status_code == 200
    response = client.post(
        close_url, {"status": "done", "result_note": "อบรมครบแล้ว", "version": action.version}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.DONE
    assert action.done_on == timezone.localdate()
    assert action.result_note == "อบรมครบแล้ว"
    history = client.get(reverse("monitoring:correctiveaction_history", args=[action.pk]))
    assert history.status_code == 200
    assert "อบรมครบแล้ว" in page_text(history)
    response = client.post(
        reverse("monitoring:correctiveaction_delete", args=[action.pk]), {"version": action.version}
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(report, f"problem-{problem.pk}")
    assert not CorrectiveAction.objects.filter(pk=action.pk).exists()


def test_a_stale_close_is_refused(world, plan):
    report = f.start(plan)
    _problem, action = f.problem_with_action(report)
    seen = action.version
    services.corrective_action_update(actor=None, instance=action, expected_version=action.version)
    response = client_for(reporter(world)).post(
        reverse("monitoring:correctiveaction_close", args=[action.pk]),
        {"status": "done", "result_note": "ปิดจากหน้าเก่า", "version": seen},
    )
    assert response.status_code == 400
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in page_text(response)
    assert "ปิดจากหน้าเก่า" in page_text(response)
    assert CorrectiveAction.objects.get().status == CorrectiveAction.Status.OPEN


def test_an_earlier_quarters_action_is_followed_up_from_the_later_report(world, plan):
    q1 = f.fill(f.start(plan, "Q1"))
    _problem, action = f.problem_with_action(q1)
    approve(q1)
    q2 = f.start(plan, "Q2")
    client = client_for(reporter(world))
    url = reverse("monitoring:correctiveaction_edit", args=[action.pk]) + f"?report={q2.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="description"' not in page_text(page)  # only the progress is followed up
    response = client.post(
        url,
        {"status": "in_progress", "due_on": action.due_on.isoformat(), "version": action.version},
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(q2, f"action-{action.pk}")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.IN_PROGRESS
    assert action.updated_in_report == q2
    # From its own (locked) report it cannot change.
    own = client.get(reverse("monitoring:correctiveaction_edit", args=[action.pk]))
    assert "ถูกล็อก" in page_text(own)
    # ...and both pages lead to the later report's follow-up instead.
    follow_up = f"/monitoring/actions/{action.pk}/edit/?report={q2.pk}"
    assert follow_up in page_text(own)
    detail = client.get(reverse("monitoring:correctiveaction", args=[action.pk]))
    assert follow_up in page_text(detail)
    assert f'href="/monitoring/actions/{action.pk}/edit/"' not in page_text(detail)


def test_the_action_list_filters_and_reads_a_fixed_number_of_queries(
    world, plan, django_assert_max_num_queries
):
    report = f.start(plan)
    today = timezone.localdate()
    f.problem_with_action(report, due_on=today - timedelta(days=3), description="เลยกำหนด")
    f.problem_with_action(report, due_on=today + timedelta(days=9), description="ยังไม่ถึง")
    client = client_for(world.user(Role.VIEWER, world.province_a))
    url = reverse("monitoring:correctiveaction_list")
    few = count_queries(client, url)
    for number in range(6):
        f.problem_with_action(report, due_on=today + timedelta(days=number))
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(action_links(response)) == 8
    overdue = client.get(url, {"overdue": "true"})
    assert overdue.status_code == 200
    overdue_ids = set(
        CorrectiveAction.objects.filter(due_on__lt=today).values_list("pk", flat=True)
    )
    assert action_links(overdue) == overdue_ids
    assert len(overdue_ids) == 1
    assert action_links(client.get(url, {"status": "done"})) == set()
    assert len(action_links(client.get(url, {"status": "open", "unit": world.group_a1.pk}))) == 8
    by_year = client.get(url, {"fiscal_year": 2561, "unit": world.province_a.pk})
    assert len(action_links(by_year)) == 8


def test_the_action_page_reads_a_fixed_number_of_queries(
    world, plan, django_assert_max_num_queries
):
    report = f.start(plan)
    _problem, action = f.problem_with_action(report)
    client = client_for(reporter(world))
    url = reverse("monitoring:correctiveaction", args=[action.pk])
    few = count_queries(client, url)
    for _ in range(4):
        f.problem_with_action(report)
        action.refresh_from_db()
        services.corrective_action_update(
            actor=None, instance=action, expected_version=action.version
        )
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


# Evidence ------------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_only_ever_downloaded_as_an_attachment(world, plan):
    report = f.start(plan)
    client = client_for(reporter(world))
    add_url = reverse("monitoring:evidence_add", args=[report.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url, {"title": "รายงานการอบรม", "file": upload("รายงาน การอบรม.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert response["Location"] == report_url(report, f"evidence-{evidence.pk}")
    download = client.get(reverse("monitoring:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES
    link = services.evidence_add(actor=None, report=report, title="อัลบั้ม", url="https://a.go.th")
    assert client.get(reverse("monitoring:evidence_download", args=[link.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("หน้าเว็บ.html", HTML_BYTES, "ไม่รับไฟล์ชนิดนี้"),
        ("โปรแกรม.exe", b"MZ\x90\x00", "ไม่รับไฟล์ชนิดนี้"),
        ("ปลอม.pdf", HTML_BYTES, "ไม่ใช่ไฟล์ PDF"),
    ],
)
def test_a_disallowed_upload_is_refused_and_nothing_is_stored(world, plan, name, content, message):
    report = f.start(plan)
    files_before = stored_files()
    response = client_for(reporter(world)).post(
        reverse("monitoring:evidence_add", args=[report.pk]),
        {"title": "หลักฐานต้องห้าม", "file": SimpleUploadedFile(name, content, "text/html")},
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert "หลักฐานต้องห้าม" in page_text(response)
    assert not Evidence.objects.exists()
    assert stored_files() == files_before


def test_evidence_attaches_to_a_result_and_is_deleted(world, plan):
    report = f.start(plan)
    result = f.result(report, plan.achieved, "30")
    client = client_for(reporter(world))
    url = reverse("monitoring:evidence_add", args=[report.pk]) + f"?result={result.pk}"
    response = client.post(url, {"title": "แบบสำรวจ", "url": "https://example.go.th/survey"})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.result == result
    assert response["Location"] == f"{result.get_absolute_url()}#evidence-{evidence.pk}"
    assert "แบบสำรวจ" in page_text(client.get(result.get_absolute_url()))
    delete_url = reverse("monitoring:evidence_delete", args=[evidence.pk])
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url, {"version": evidence.version})
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    # A result of another report is not found under this one.
    other = f.start(plan, "Q3")
    wrong = reverse("monitoring:evidence_add", args=[other.pk]) + f"?result={result.pk}"
    assert client.get(wrong).status_code == 404


def test_a_supporter_attaches_evidence_and_contributes(world, plan):
    report = f.start(plan)
    supporter = client_for(world.user(Role.REPORTER, world.school_b1))
    response = supporter.post(
        reverse("monitoring:evidence_add", args=[report.pk]),
        {"title": "ภาพห้องสมุดเคลื่อนที่", "url": "https://example.go.th/b1"},
    )
    assert response.status_code == 302
    add_url = reverse("monitoring:contribution_add", args=[report.pk])
    page = supporter.get(add_url)
    assert page.status_code == 200
    assert "โรงเรียน ข1" in page_text(page)
    response = supporter.post(add_url, {"unit": world.school_b1.pk, "text": "จัดห้องสมุดเคลื่อนที่ 3 ครั้ง"})
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert response["Location"] == report_url(report, f"contribution-{contribution.pk}")
    response = supporter.post(
        reverse("monitoring:contribution_edit", args=[contribution.pk]),
        {"text": "จัดห้องสมุดเคลื่อนที่ 4 ครั้ง", "version": contribution.version},
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.text == "จัดห้องสมุดเคลื่อนที่ 4 ครั้ง"
    history = supporter.get(reverse("monitoring:contribution_history", args=[contribution.pk]))
    assert history.status_code == 200
    assert "จัดห้องสมุดเคลื่อนที่ 4 ครั้ง" in page_text(history)
    # The lead unit reads contributions but does not write in the partner's name.
    lead = client_for(reporter(world))
    assert lead.get(add_url).status_code == 403
    edit_url = reverse("monitoring:contribution_edit", args=[contribution.pk])
    assert lead.get(edit_url).status_code == 403
    response = supporter.post(
        reverse("monitoring:contribution_delete", args=[contribution.pk]),
        {"version": contribution.version},
    )
    assert response.status_code == 302
    assert response["Location"] == report_url(report, "contributions")
    assert not Contribution.objects.exists()


def test_contributions_are_refused_on_an_approved_report(world, plan):
    report = approve(f.fill(f.start(plan)))
    supporter = client_for(world.user(Role.REPORTER, world.school_b1))
    add_url = reverse("monitoring:contribution_add", args=[report.pk])
    assert "ถูกล็อก" in page_text(supporter.get(add_url))
    response = supporter.post(add_url, {"unit": world.school_b1.pk, "text": "ส่งช้าไป"})
    assert response.status_code == 400
    assert "ถูกล็อก" in page_text(response)
    assert "ส่งช้าไป" in page_text(response)
    assert not Contribution.objects.exists()


# Who may open the pages ----------------------------------------------------------------------


def part_urls(report, result, problem, action, evidence):
    return {
        "result_add": reverse(
            "monitoring:indicatorresult_add", args=[report.pk, result.indicator_id]
        ),
        "result": reverse("monitoring:indicatorresult", args=[result.pk]),
        "result_edit": reverse("monitoring:indicatorresult_edit", args=[result.pk]),
        "result_history": reverse("monitoring:indicatorresult_history", args=[result.pk]),
        "problem_add": reverse("monitoring:problem_add", args=[report.pk]),
        "problem_edit": reverse("monitoring:problem_edit", args=[problem.pk]),
        "problem_history": reverse("monitoring:problem_history", args=[problem.pk]),
        "action_add": reverse("monitoring:correctiveaction_add", args=[problem.pk]),
        "action": reverse("monitoring:correctiveaction", args=[action.pk]),
        "action_close": reverse("monitoring:correctiveaction_close", args=[action.pk]),
        "action_history": reverse("monitoring:correctiveaction_history", args=[action.pk]),
        "evidence_add": reverse("monitoring:evidence_add", args=[report.pk]),
        "evidence_download": reverse("monitoring:evidence_download", args=[evidence.pk]),
        "evidence_delete": reverse("monitoring:evidence_delete", args=[evidence.pk]),
        "contribution_add": reverse("monitoring:contribution_add", args=[report.pk]),
    }


@pytest.fixture
def parts(world, plan):
    report = f.start(plan)
    result = f.result(report, plan.achieved, "30")
    problem, action = f.problem_with_action(report)
    evidence = services.evidence_add(
        actor=None, report=report, title="รายงาน", upload=upload("รายงาน.pdf", PDF_BYTES)
    )
    return report, result, problem, action, evidence


def test_anonymous_visitors_are_sent_to_log_in(parts):
    client = Client()
    for name, url in part_urls(*parts).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert client.get(reverse("monitoring:correctiveaction_list")).status_code == 302


def test_another_provinces_school_can_neither_read_nor_write_the_parts(world, parts):
    _report, _result, _problem, action, _evidence = parts
    school = make_unit("โรงเรียน ข2", world.province_b, "school")
    outsider = client_for(world.user(Role.REPORTER, school))
    for name, url in part_urls(*parts).items():
        assert outsider.get(url).status_code == 404, name
    posts = {
        "problem_add": {"category": "other", "description": "ข้ามจังหวัด"},
        "evidence_add": {"title": "ข้ามจังหวัด", "url": "https://example.go.th/x"},
        "action_close": {"status": "done", "version": action.version},
        "evidence_delete": {},
        "contribution_add": {"unit": school.pk, "text": "ข้ามจังหวัด"},
    }
    urls = part_urls(*parts)
    for name, data in posts.items():
        assert outsider.post(urls[name], data).status_code == 404, name
    listing = outsider.get(reverse("monitoring:correctiveaction_list"))
    assert listing.status_code == 200
    assert f"/monitoring/actions/{action.pk}/" not in page_text(listing)
    assert Problem.objects.count() == 1
    assert Evidence.objects.count() == 1
    assert not Contribution.objects.exists()
    assert CorrectiveAction.objects.get().status == CorrectiveAction.Status.OPEN


def test_a_school_of_the_same_province_cannot_read_another_units_report_parts(world, parts):
    neighbour = make_unit("โรงเรียน ก3", world.province_a, "school")
    client = client_for(world.user(Role.REPORTER, neighbour))
    for name, url in part_urls(*parts).items():
        assert client.get(url).status_code == 404, name


def test_readers_in_scope_read_but_do_not_write(world, parts):
    viewer = client_for(world.user(Role.VIEWER, world.province_a))
    urls = part_urls(*parts)
    for name in ("result", "result_history", "action", "action_history", "evidence_download"):
        assert viewer.get(urls[name]).status_code == 200, name
    for name in ("result_add", "result_edit", "problem_add", "action_add", "evidence_add"):
        assert viewer.get(urls[name]).status_code == 403, name
    assert (
        viewer.post(urls["problem_add"], {"category": "other", "description": "x"}).status_code
        == 403
    )
    assert Problem.objects.count() == 1
