"""Pages of the half-year and annual evaluations and of lessons learned through HTTP: the list
with the shares of indicators achieved and projects completed on time, one evaluation with its
quarters, the evaluator's comment (stale edits keep the input), preparing an evaluation, the
lessons' pages; query counts that do not grow with the rows; and who may see and do what
(anonymous, out of scope, a school of another province, a unit beside the owner)."""

from __future__ import annotations

import re
from decimal import Decimal as D  # noqa: N817
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.models import Evaluation, LessonLearned
from phaen.monitoring.tests import factories as f
from phaen.monitoring.tests.access import home_report
from phaen.plans.models import Project
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add, fiscal_year

pytestmark = pytest.mark.django_db

LIST = reverse("monitoring:evaluation_list")
PREPARE = reverse("monitoring:evaluation_prepare")
LESSONS = reverse("monitoring:lessonlearned_list")


def html(response):
    return response.content.decode()


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def login(client, user):
    client.force_login(user)
    return client


def planner(world):
    return world.user(Role.PLANNER, world.province_a)


def url(name, obj):
    return reverse(f"monitoring:{name}", args=[obj.pk])


def h1_query(world):
    return f"?fiscal_year=2561&kind=H1&unit={world.province_a.pk}"


@pytest.fixture
def prepared(world):
    """Province A's plan: Q1 and Q2 submitted with results (the achieved indicator reaches its
    Q2 target of 40 with 45, the bands one scores 22 of 25), the half year prepared."""
    plan = f.monitored_plan(world)
    for kind, achieved, bands in (("Q1", "20", "20"), ("Q2", "45", "22")):
        report = f.fill(f.start(plan, kind))
        f.result(report, plan.achieved, achieved)
        f.result(report, plan.bands, bands)
        services.report_submit(actor=None, report=report, expected_version=report.version)
    services.evaluation_prepare(actor=None, period=f.period("H1"), unit=world.province_a)
    return plan


def evaluation_of(plan, indicator=None, project=None):
    if indicator is not None:
        return Evaluation.objects.get(period=f.period("H1"), indicator=indicator)
    return Evaluation.objects.get(period=f.period("H1"), project=project or plan.project)


# The list and its shares ---------------------------------------------------------------------


def test_the_list_shows_each_row_and_the_shares(client, world, prepared):
    login(client, planner(world))
    response = client.get(LIST + h1_query(world))
    assert response.status_code == 200
    content = text(response)
    for words in (
        "ร้อยละของโรงเรียนที่มีห้องสมุดมีชีวิต",
        "จำนวนครูที่ผ่านการอบรม",
        "P01 โครงการส่งเสริมการอ่าน",
        "ตัวชี้วัดที่บรรลุค่าเป้าหมาย",
        "โครงการที่แล้วเสร็จตามกำหนด",
        "รายประเด็นยุทธศาสตร์",
        "รายหน่วยงาน",
        "บรรลุ",
    ):
        assert words in content, words
    rows = Evaluation.objects.filter(period=f.period("H1"))
    indicators = rows.filter(indicator__isnull=False)
    achieved = indicators.filter(achieved=True).count()
    assert 0 < achieved < indicators.count()
    rate = (D(achieved) / D(indicators.count()) * 100).quantize(D("0.01"))
    assert f"{rate}%" in content
    assert f"{achieved} จาก {indicators.count()} ตัวชี้วัด" in content
    for row in rows:
        assert row.get_absolute_url() in html(response)
    # Planners may prepare; the button leads to the prepare page.
    assert PREPARE in html(response)


def test_the_list_filters_by_kind_and_subject(client, world, prepared):
    login(client, planner(world))
    response = client.get(LIST + "?fiscal_year=2561&kind=YEAR")
    assert "ไม่พบรายการที่ตรงกับเงื่อนไขที่เลือก" in text(response)
    response = client.get(LIST + h1_query(world) + "&subject=project")
    content = html(response)
    assert evaluation_of(prepared).get_absolute_url() in content
    assert evaluation_of(prepared, indicator=prepared.achieved).get_absolute_url() not in content
    # The filters answer htmx with the results only (shares and table together).
    response = client.get(LIST + h1_query(world), headers={"HX-Request": "true"})
    assert html(response).startswith('<div id="evaluation-results">')
    assert "ตัวชี้วัดที่บรรลุค่าเป้าหมาย" in text(response)


def test_the_list_exports_to_excel(client, world, prepared):
    login(client, planner(world))
    response = client.get(LIST + h1_query(world) + "&export=xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


def list_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + query)
        assert response.status_code == 200
    return len(queries), response


def test_the_list_runs_the_same_queries_for_few_or_many_rows(
    client, world, django_assert_max_num_queries
):
    """The same page for one row (searched) and for all of them (29)."""
    plan = f.monitored_plan(world, approve=False)
    for number in range(12):
        f.project_indicator(plan.small.other_project, f"ตัวชี้วัดเพิ่มที่ {number}", targets={"Q2": "1"})
        add(
            Project(
                plan_version=plan.version,
                strategy=plan.project.strategy,
                code=f"P1{number:02d}",
                name=f"โครงการเพิ่มที่ {number}",
                start_month=plan.project.start_month,
                end_month=plan.project.end_month,
                lead_unit=world.group_a1,
            )
        )
    version_approve(actor=None, version=plan.version, expected_version=None)
    services.evaluation_prepare(actor=None, period=f.period("H1"), unit=world.province_a)
    total = Evaluation.objects.count()
    assert total >= 25
    login(client, planner(world))
    few = h1_query(world) + "&q=" + quote("โครงการส่งเสริมการอ่าน")
    list_queries(client, few)  # warm the session and the menu
    baseline, response = list_queries(client, few)
    assert "แสดง 1–1 จาก 1 รายการ" in text(response)
    with django_assert_max_num_queries(baseline):
        response = client.get(LIST + h1_query(world))
    assert f"จาก {total} รายการ" in text(response)


# One evaluation --------------------------------------------------------------------------------


def test_an_indicators_page_shows_target_result_score_and_its_quarters(client, world, prepared):
    evaluation = evaluation_of(prepared, indicator=prepared.achieved)
    services.evaluation_comment(
        actor=None, evaluation=evaluation, expected_version=None, comment="บรรลุเป้าหมายครึ่งปี"
    )
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(evaluation.get_absolute_url())
    assert response.status_code == 200
    content = text(response)
    for words in (
        "ร้อยละของโรงเรียนที่มีห้องสมุดมีชีวิต",
        "รอบ 6 เดือน ปีงบประมาณ พ.ศ. 2561",
        "ค่าเป้าหมาย 40",
        "ผลการดำเนินงาน 45",
        "บรรลุ",
        "บรรลุเป้าหมายครึ่งปี",
        "ไตรมาสที่ 1/2561",
        "ไตรมาสที่ 2/2561",
    ):
        assert words in content, words
    # A viewer reads; only those who may comment get the link.
    assert url("evaluation_comment", evaluation) not in html(response)


def test_a_projects_page_shows_its_quarterly_reports(client, world, prepared):
    evaluation = evaluation_of(prepared)
    login(client, planner(world))
    response = client.get(evaluation.get_absolute_url())
    content = text(response)
    assert "P01 โครงการส่งเสริมการอ่าน" in content
    assert "ยังไม่ถึงกำหนด" in content  # ends in September: not due at the half year
    assert "ส่งแล้ว รอพิจารณา" in content
    assert url("evaluation_comment", evaluation) in html(response)
    assert client.get(url("evaluation_history", evaluation)).status_code == 200


def detail_queries(client, evaluation):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(evaluation.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_page_of_one_evaluation_does_not_grow_with_its_quarters(
    client, world, prepared, django_assert_max_num_queries
):
    """Q1 and Q2 results against one result only (the bands indicator's Q1 result removed)."""
    login(client, planner(world))
    two = evaluation_of(prepared, indicator=prepared.achieved)
    one = evaluation_of(prepared, indicator=prepared.bands)
    result = prepared.bands.results.get(period__kind="Q1")
    report = result.report
    services.report_return(actor=None, report=report, expected_version=None, comment="แก้ไขผล")
    services.result_delete(actor=None, instance=result)
    detail_queries(client, one)
    baseline = detail_queries(client, one)
    with django_assert_max_num_queries(baseline):
        assert client.get(two.get_absolute_url()).status_code == 200


# The evaluator's comment -----------------------------------------------------------------------


def test_the_evaluator_comments_and_the_comment_is_audited(client, world, prepared):
    evaluation = evaluation_of(prepared, indicator=prepared.achieved)
    user = world.user(Role.REPORTER, world.group_a1)
    login(client, user)
    page = client.get(url("evaluation_comment", evaluation))
    assert page.status_code == 200
    assert "ความเห็นของผู้ประเมิน" in text(page)
    response = client.post(
        url("evaluation_comment", evaluation),
        {"comment": "  ครูเข้าอบรมครบตามแผน  ", "version": evaluation.version},
    )
    assert response.status_code == 302
    assert response["Location"] == evaluation.get_absolute_url()
    evaluation.refresh_from_db()
    assert evaluation.comment == "ครูเข้าอบรมครบตามแผน"
    assert evaluation.evaluator == user
    assert AuditEvent.objects.filter(action="monitoring.evaluation.updated").exists()
    assert "บันทึกความเห็นของผู้ประเมินแล้ว" in text(client.get(evaluation.get_absolute_url()))


def test_a_stale_comment_is_refused_and_keeps_the_input(client, world, prepared):
    evaluation = evaluation_of(prepared, indicator=prepared.achieved)
    services.evaluation_comment(
        actor=None, evaluation=evaluation, expected_version=None, comment="ความเห็นแรก"
    )
    login(client, planner(world))
    response = client.post(
        url("evaluation_comment", evaluation),
        {"comment": "ความเห็นที่พิมพ์ไว้", "version": evaluation.version},
    )
    assert response.status_code == 400
    content = text(response)
    assert "ความเห็นที่พิมพ์ไว้" in content
    assert "ข้อมูลที่คุณกรอกยังอยู่ในแบบฟอร์มด้านล่าง" in content
    evaluation.refresh_from_db()
    assert evaluation.comment == "ความเห็นแรก"


def test_a_viewer_may_not_comment(client, world, prepared):
    evaluation = evaluation_of(prepared)
    login(client, world.user(Role.VIEWER, world.province_a))
    assert client.get(url("evaluation_comment", evaluation)).status_code == 403
    response = client.post(url("evaluation_comment", evaluation), {"comment": "ไม่ควรบันทึก"})
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.comment == ""


# Preparing ---------------------------------------------------------------------------------------


def test_a_planner_prepares_the_annual_evaluation(client, world, prepared):
    login(client, planner(world))
    page = client.get(PREPARE)
    assert page.status_code == 200
    assert "รอบ 12 เดือน ปีงบประมาณ พ.ศ. 2561" in text(page)
    assert "ไตรมาสที่ 2/2561" not in text(page)  # quarters are not evaluated
    year = f.period("YEAR")
    response = client.post(PREPARE, {"period": year.pk, "unit": world.province_a.pk})
    assert response.status_code == 302
    assert response["Location"] == LIST + f"?fiscal_year=2561&kind=YEAR&unit={world.province_a.pk}"
    rows = Evaluation.objects.filter(period=year)
    assert rows.filter(project=prepared.project).exists()
    assert rows.filter(indicator=prepared.achieved).exists()
    assert AuditEvent.objects.filter(action="monitoring.evaluation.prepared").exists()
    assert "จัดทำการประเมินผล" in text(client.get(response["Location"]))
    # Again: nothing new, the rows are refreshed.
    count = rows.count()
    client.post(PREPARE, {"period": year.pk, "unit": world.province_a.pk})
    assert rows.count() == count


def test_preparing_is_refused_for_a_quarter_or_another_province(client, world, prepared):
    login(client, planner(world))
    before = Evaluation.objects.count()
    response = client.post(PREPARE, {"period": f.period("Q2").pk, "unit": world.province_a.pk})
    assert response.status_code == 400
    assert "กรุณาเลือกรอบ 6 เดือนหรือรอบ 12 เดือน" in text(response)
    response = client.post(PREPARE, {"period": f.period("YEAR").pk, "unit": world.province_b.pk})
    assert response.status_code == 400
    assert Evaluation.objects.count() == before


def test_only_managers_prepare(client, world, prepared):
    before = Evaluation.objects.count()
    login(client, world.user(Role.REPORTER, world.province_a))
    assert client.get(PREPARE).status_code == 403
    data = {"period": f.period("YEAR").pk, "unit": world.province_a.pk}
    assert client.post(PREPARE, data).status_code == 403
    assert PREPARE not in html(client.get(LIST))
    assert Evaluation.objects.count() == before


# Who sees what --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world, prepared):
    evaluation = evaluation_of(prepared)
    lesson = services.lesson_add(
        actor=None,
        instance=LessonLearned(
            fiscal_year=fiscal_year(2561), unit=world.group_a1, topic="เรื่อง", lesson="บทเรียน"
        ),
    )
    for page in (
        LIST,
        PREPARE,
        evaluation.get_absolute_url(),
        url("evaluation_comment", evaluation),
        url("evaluation_history", evaluation),
        LESSONS,
        reverse("monitoring:lessonlearned_add"),
        lesson.get_absolute_url(),
        url("lessonlearned_history", lesson),
    ):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login"))
    response = client.post(url("evaluation_comment", evaluation), {"comment": "x"})
    assert response.status_code == 302
    response = client.post(PREPARE, {"period": f.period("YEAR").pk, "unit": world.province_a.pk})
    assert response.status_code == 302
    assert not Evaluation.objects.filter(period=f.period("YEAR")).exists()


def test_out_of_scope_evaluations_are_404(client, world, prepared):
    evaluation = evaluation_of(prepared)
    login(client, world.user(Role.PLANNER, world.province_b))
    response = client.get(LIST + "?fiscal_year=2561")
    assert response.status_code == 200
    assert evaluation.get_absolute_url() not in html(response)
    assert "0 จาก 0 ตัวชี้วัด" in text(response)
    for name in ("evaluation", "evaluation_comment", "evaluation_history"):
        assert client.get(url(name, evaluation)).status_code == 404, name
    response = client.post(url("evaluation_comment", evaluation), {"comment": "ไม่ควรบันทึก"})
    assert response.status_code == 404
    evaluation.refresh_from_db()
    assert evaluation.comment == ""


def test_a_school_cannot_read_another_schools_evaluation(client, world):
    """School A2's project: school B1 (another province) and group A1 (a unit beside it) get
    404; the school itself reads it."""
    report = home_report(world)
    services.evaluation_prepare(actor=None, period=f.period("H1"), unit=world.province_a)
    evaluation = Evaluation.objects.get(project=report.project)
    for outsider in (
        world.user(Role.REPORTER, world.school_b1),
        world.user(Role.REPORTER, world.group_a1),
    ):
        login(client, outsider)
        assert client.get(evaluation.get_absolute_url()).status_code == 404
        assert client.get(url("evaluation_comment", evaluation)).status_code == 404
        assert evaluation.get_absolute_url() not in html(client.get(LIST))
    login(client, world.user(Role.REPORTER, world.school_a2))
    assert client.get(evaluation.get_absolute_url()).status_code == 200


# Lessons learned -----------------------------------------------------------------------------


def lesson_data(world, **changes):
    data = {
        "fiscal_year": fiscal_year(2561).pk,
        "unit": world.group_a1.pk,
        "project": "",
        "strategic_issue": "",
        "topic": "การอบรมครูช่วงปิดภาคเรียน",
        "lesson": "ครูเข้าร่วมมากกว่าช่วงเปิดภาคเรียน",
        "recommendation": "จัดอบรมในเดือนตุลาคมและมีนาคม",
    }
    data.update(changes)
    return data


def test_a_reporter_records_edits_and_deletes_a_lesson(client, world, prepared):
    login(client, world.user(Role.REPORTER, world.group_a1))
    assert client.get(reverse("monitoring:lessonlearned_add")).status_code == 200
    response = client.post(
        reverse("monitoring:lessonlearned_add"), lesson_data(world, project=prepared.project.pk)
    )
    assert response.status_code == 302, text(response)[-2000:]
    lesson = LessonLearned.objects.get()
    assert (lesson.unit, lesson.project) == (world.group_a1, prepared.project)
    assert lesson.unit_path == world.group_a1.path
    page = client.get(lesson.get_absolute_url())
    for words in ("การอบรมครูช่วงปิดภาคเรียน", "จัดอบรมในเดือนตุลาคมและมีนาคม", "P01"):
        assert words in text(page)
    assert lesson.get_absolute_url() in html(client.get(LESSONS))
    response = client.post(
        url("lessonlearned_edit", lesson),
        {**lesson_data(world, topic="การอบรมครู"), "version": lesson.version},
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.topic == "การอบรมครู"
    assert client.get(url("lessonlearned_history", lesson)).status_code == 200
    response = client.post(url("lessonlearned_delete", lesson), {"version": lesson.version})
    assert response.status_code == 302
    assert not LessonLearned.objects.exists()


def test_a_lesson_without_its_text_keeps_the_input(client, world):
    login(client, world.user(Role.REPORTER, world.group_a1))
    response = client.post(reverse("monitoring:lessonlearned_add"), lesson_data(world, lesson=""))
    assert response.status_code == 400
    assert "การอบรมครูช่วงปิดภาคเรียน" in html(response)
    assert not LessonLearned.objects.exists()


def test_a_stale_lesson_edit_keeps_the_input(client, world):
    lesson = services.lesson_add(
        actor=None,
        instance=LessonLearned(
            fiscal_year=fiscal_year(2561), unit=world.group_a1, topic="เรื่องเดิม", lesson="บทเรียน"
        ),
    )
    services.lesson_update(
        actor=None,
        instance=LessonLearned(
            pk=lesson.pk,
            fiscal_year=lesson.fiscal_year,
            unit=lesson.unit,
            topic="แก้ไขโดยอีกคน",
            lesson="บทเรียน",
        ),
        expected_version=lesson.version,
    )
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.post(
        url("lessonlearned_edit", lesson),
        {**lesson_data(world, topic="ที่ฉันพิมพ์"), "version": lesson.version},
    )
    assert response.status_code == 400
    assert "ที่ฉันพิมพ์" in html(response)
    lesson.refresh_from_db()
    assert lesson.topic == "แก้ไขโดยอีกคน"


def test_lessons_of_another_province_are_404(client, world):
    lesson = services.lesson_add(
        actor=None,
        instance=LessonLearned(
            fiscal_year=fiscal_year(2561), unit=world.school_a2, topic="เรื่อง ก2", lesson="บทเรียน"
        ),
    )
    login(client, world.user(Role.REPORTER, world.school_b1))
    assert lesson.get_absolute_url() not in html(client.get(LESSONS))
    for name in ("lessonlearned", "lessonlearned_edit", "lessonlearned_delete"):
        assert client.get(url(name, lesson)).status_code == 404, name
    response = client.post(
        reverse("monitoring:lessonlearned_add"), lesson_data(world, unit=world.school_a2.pk)
    )
    assert response.status_code == 400
    assert LessonLearned.objects.count() == 1


def lessons_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LESSONS).status_code == 200
    return len(queries)


def test_the_lessons_list_runs_the_same_queries_for_few_or_many(
    client, world, prepared, django_assert_max_num_queries
):
    def lesson(number):
        services.lesson_add(
            actor=None,
            instance=LessonLearned(
                fiscal_year=fiscal_year(2561),
                unit=world.group_a1 if number % 2 else world.school_a2,
                project=prepared.project if number % 3 else None,
                strategic_issue=prepared.project.strategy.strategic_issue,
                topic=f"บทเรียนที่ {number}",
                lesson="บทเรียน",
            ),
        )

    lesson(1)
    lesson(2)
    login(client, planner(world))
    lessons_queries(client)
    baseline = lessons_queries(client)
    for number in range(3, 20):
        lesson(number)
    with django_assert_max_num_queries(baseline):
        assert client.get(LESSONS).status_code == 200
