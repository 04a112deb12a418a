"""The compliance board, the quarterly overview and its PDF, the สงป. 302 spreadsheet and the
monitoring menu: what they show against the rows, drill-down, filters and pagination, scoping
(out-of-scope units are a 404, another province's school sees nothing of province A), and fixed
query counts as the number of projects grows."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D  # noqa: N817
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from phaen.budget.models import Disbursement
from phaen.budget.services import disbursement_create, spending_plan_set
from phaen.budget.tests.factories import small_budget
from phaen.core.access import Role, has_any_role
from phaen.core.navigation import menu_for
from phaen.core.tests.pdf_tools import pdf_text, require_poppler, write_pdf
from phaen.monitoring import menu, services
from phaen.monitoring.models import IndicatorResult, ProgressReport
from phaen.monitoring.tests import factories as f
from phaen.monitoring.tests.test_selectors import board_world, second_plan
from phaen.orgs.testing import make_unit
from phaen.plans.models import Goal, Indicator, IndicatorTarget, PlanVersion, StrategicIssue
from phaen.plans.services import version_approve
from phaen.plans.tests.factories import add
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db

COMPLIANCE = reverse("monitoring:compliance")
OVERVIEW = reverse("monitoring:overview")
OVERVIEW_PDF = reverse("monitoring:overview_pdf")
FORM302 = reverse("monitoring:form302")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def squeeze(text: str) -> str:
    return "".join(text.split())


def counted(client: Client, url: str, params: dict) -> int:
    client.get(url, params)  # the first request of a session also stores the idle timer
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def has_route(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


# Anonymous visitors and scope ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (COMPLIANCE, OVERVIEW, OVERVIEW_PDF, FORM302):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_units_outside_the_users_scope_are_a_404(world):
    _plan, q2 = board_world(world)
    query = {"period": q2.pk, "unit": world.province_a.pk}
    for user in (
        world.user(Role.PLANNER, world.province_b),
        world.user(Role.REPORTER, world.school_b1),
        world.user(Role.VIEWER, world.school_a2),  # a school does not see its province
    ):
        client = client_for(user)
        for url in (COMPLIANCE, OVERVIEW, OVERVIEW_PDF):
            assert client.get(url, query).status_code == 404, (url, user)
        assert client.get(FORM302, {"unit": world.province_a.pk}).status_code == 404
        assert (
            client.get(FORM302, {"unit": world.province_a.pk, "fiscal_year": 2561}).status_code
            == 404
        )
    planner = client_for(world.user(Role.PLANNER, world.province_a))
    assert planner.get(COMPLIANCE, {"period": 999999}).status_code == 404
    assert planner.get(COMPLIANCE, {"unit": "abc"}).status_code == 404
    h1 = f.period("H1")  # the board is per quarter
    assert planner.get(COMPLIANCE, {"period": h1.pk}).status_code == 404
    assert planner.get(FORM302, {"fiscal_year": 1999}).status_code == 404


def test_another_provinces_school_sees_nothing_of_province_a(world):
    plan, q2 = board_world(world)
    client = client_for(world.user(Role.REPORTER, world.school_b1))
    for url in (COMPLIANCE, OVERVIEW):
        page = client.get(url, {"period": q2.pk}).content.decode()
        assert plan.small.other_project.name not in page
        assert world.group_a1.name not in page
        assert world.school_a2.name not in page
    sheet = load_workbook(io.BytesIO(client.get(FORM302, {"fiscal_year": 2561}).content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert plan.project.name not in " ".join(str(v) for v in values)
    assert "ไม่มีโครงการที่ต้องรายงานในปีงบประมาณนี้" in values


def test_a_user_without_any_role_gets_the_pages_without_data(world):
    client = client_for(world.nobody())
    for url in (COMPLIANCE, OVERVIEW, FORM302):
        response = client.get(url)
        assert response.status_code == 200
        assert "คุณยังไม่มีสิทธิ์ดูรายงานความก้าวหน้าของหน่วยงานใด" in response.content.decode()
    assert client.get(OVERVIEW_PDF).status_code == 404


# The compliance board -----------------------------------------------------------------------


def test_the_board_counts_each_units_projects_and_lists_them(world):
    plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    response = client.get(COMPLIANCE, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    board = response.context["summary"]
    # Group A1: P01 approved on time, P02 submitted late, two more not started; school A2:
    # one returned, one draft, one not started.
    by_unit = {row.unit.pk: row for row in board.rows}
    group, school = by_unit[world.group_a1.pk], by_unit[world.school_a2.pk]
    assert (group.required, group.approved, group.submitted, group.not_started) == (4, 1, 1, 2)
    assert (group.on_time, group.late) == (1, 1)
    assert (school.required, school.returned, school.draft, school.not_started) == (3, 1, 1, 1)
    assert board.total.required == 7
    html = response.content.decode()
    assert world.group_a1.name in html
    assert f"?period={q2.pk}&amp;unit={world.school_a2.pk}" in html  # drill down to the school
    assert plan.project.name in html
    assert plan.small.other_project.name in html
    assert "ส่งล่าช้า" in html
    if has_route("monitoring:progressreport"):
        report = ProgressReport.objects.get(project=plan.project, period=q2)
        assert reverse("monitoring:progressreport", args=[report.pk]) in html


def test_the_boards_project_list_filters_by_state_status_and_unit(world):
    plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    base = {"period": q2.pk, "unit": world.province_a.pk}

    def projects(**filters):
        response = client.get(COMPLIANCE, {**base, **filters})
        assert response.status_code == 200
        return {row.project.pk for row, _url, _timeliness in response.context["project_rows"]}

    assert projects(state="approved") == {plan.project.pk}
    assert projects(state="submitted") == {plan.small.other_project.pk}
    assert len(projects(state="not_started")) == 3
    school = projects(child=world.school_a2.pk)
    assert len(school) == 3
    assert plan.project.pk not in school
    assert len(projects(progress_status="not_reported")) == 3
    assert len(projects(state="nonsense")) == 7  # an unknown filter value is ignored
    outside = client.get(COMPLIANCE, {**base, "child": world.school_b1.pk})
    assert outside.status_code == 404


def test_a_school_sees_only_its_own_projects_on_the_board(world):
    plan, q2 = board_world(world)
    response = client_for(world.user(Role.REPORTER, world.school_a2)).get(
        COMPLIANCE, {"period": q2.pk}
    )
    assert response.status_code == 200
    assert response.context["unit"] == world.school_a2
    assert response.context["summary"].total.required == 3
    html = response.content.decode()
    assert plan.project.name not in html
    assert world.group_a1.name not in html


def test_the_board_runs_a_fixed_number_of_queries(world):
    _plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    params = {"period": q2.pk, "unit": world.province_a.pk}
    few = counted(client, COMPLIANCE, params)
    projects = second_plan(world, 30)
    for project in projects[:10]:
        f.fill(services.report_start(actor=None, project=project, period=q2))
    for number in range(5):
        make_unit(f"โรงเรียนทดสอบ {number}", world.province_a, "school")
    assert counted(client, COMPLIANCE, params) <= few
    assert counted(client, COMPLIANCE, {**params, "state": "draft", "page": 2}) <= few


# The quarterly overview and its PDF -----------------------------------------------------------


def test_the_overview_shows_the_quarter_with_drill_down_links(world):
    _plan, q2 = board_world(world)
    report = ProgressReport.objects.get(period=q2, state=ProgressReport.State.DRAFT)
    f.problem_with_action(report, due_on=date(2018, 3, 1), description="ครูย้ายกลางภาค")
    client = client_for(world.user(Role.PLANNER, world.province_a))
    response = client.get(OVERVIEW, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.project_count == 7
    assert overview.open_problem_count == 1
    assert overview.overdue_action_count == 1
    html = response.content.decode()
    for text in (
        "ภาพรวมการติดตามและประเมินผลรายไตรมาส",
        "ไตรมาสที่ 2/2561",
        "เป็นไปตามแผน",
        "ครูย้ายกลางภาค",
        "จัดอบรมออนไลน์เพิ่มเติม",
        "ตัวชี้วัดที่บรรลุค่าเป้าหมายตามประเด็นยุทธศาสตร์",
    ):
        assert text in html, text
    drill = f"{COMPLIANCE}?period={q2.pk}&amp;unit={world.province_a.pk}&amp;progress_status="
    assert f"{drill}not_reported#projects" in html  # 3 projects have no report yet
    assert f"{OVERVIEW_PDF}?period={q2.pk}&amp;unit={world.province_a.pk}" in html
    if has_route("monitoring:progressreport"):
        assert reverse("monitoring:progressreport", args=[report.pk]) in html


def test_the_overview_runs_a_fixed_number_of_queries(world):
    _plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    params = {"period": q2.pk, "unit": world.province_a.pk}
    few = counted(client, OVERVIEW, params)
    for project in second_plan(world, 25)[:8]:
        report = f.fill(services.report_start(actor=None, project=project, period=q2))
        f.problem_with_action(report, due_on=date(2018, 3, 1))
    assert counted(client, OVERVIEW, params) <= few


def test_the_overview_pdf_holds_the_title_unit_and_figures(world, tmp_path):
    _plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    response = client.get(OVERVIEW_PDF, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert 'filename="monitoring-overview-2561-Q2.pdf"' in disposition
    assert world.province_a.name in unquote(disposition.split("UTF-8''", 1)[1])
    require_poppler()
    text = squeeze(pdf_text(write_pdf(response.content, tmp_path)))
    for expected in (
        "สรุปผลการติดตามและประเมินผลรายไตรมาส",
        world.province_a.name,
        "ไตรมาสที่ 2/2561",
        "โครงการตามสถานะการดำเนินงาน",
        "เป็นไปตามแผน",
    ):
        assert squeeze(expected) in text, expected


def test_the_overview_pdf_in_english(world, tmp_path):
    _plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(OVERVIEW_PDF, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    require_poppler()
    text = squeeze(pdf_text(write_pdf(response.content, tmp_path)))
    assert squeeze(world.province_a.name) in text  # Thai names stay Thai in the English PDF
    assert "Page" in text or "หน้า" in text


# The plan's weighted scores on the overview ----------------------------------------------------


def goal_result(indicator, period, value):
    return services.result_record(
        actor=None,
        instance=IndicatorResult(indicator=indicator, period=period, actual_value=D(value)),
    )


def test_the_overview_shows_the_plans_scores_by_weight_with_result_links(world):
    plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    params = {"period": q2.pk, "unit": world.province_a.pk}
    response = client.get(OVERVIEW, params)
    assert response.context["rollup"].plan.measured_count == 0
    html = response.content.decode()
    record = reverse("monitoring:indicatorresult_goal_add", args=[plan.goal_indicator.pk, q2.pk])
    assert record in html  # no result yet: the planner may record it from here
    result = goal_result(plan.goal_indicator, q2, "76")  # target 75: achieved
    response = client.get(OVERVIEW, params)
    rollup = response.context["rollup"]
    assert rollup.version == plan.version
    assert (rollup.plan.measured_count, rollup.plan.achieved_count) == (1, 1)
    assert rollup.plan.score is not None
    assert rollup.plan.coverage == D("100.00")
    issue, issue_line, weight = response.context["issue_scores"][0]
    assert (issue.title, weight, issue_line.score) == ("พัฒนาคุณภาพการศึกษา", D(1), rollup.plan.score)
    html = response.content.decode()
    for text in ("คะแนนตามน้ำหนักของตัวชี้วัดระดับเป้าประสงค์", "ทั้งแผน", "ผู้เรียนมีคุณภาพ"):
        assert text in html, text
    assert reverse("monitoring:indicatorresult", args=[result.pk]) in html
    assert record not in html


def test_a_reader_sees_the_scores_without_a_record_link(world):
    plan, q2 = board_world(world)
    client = client_for(world.user(Role.VIEWER, world.province_a))
    response = client.get(OVERVIEW, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    assert response.context["rollup"] is not None
    html = response.content.decode()
    assert (
        reverse("monitoring:indicatorresult_goal_add", args=[plan.goal_indicator.pk, q2.pk])
        not in html
    )


def test_a_unit_without_its_own_plan_gets_a_notice_instead_of_scores(world):
    _plan, q2 = board_world(world)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    response = client.get(OVERVIEW, {"period": q2.pk, "unit": world.group_a1.pk})
    assert response.status_code == 200
    assert response.context["rollup"] is None
    assert "ไม่มีแผนปฏิบัติการที่อนุมัติแล้วของปีงบประมาณนี้" in response.content.decode()


def test_the_scores_read_a_fixed_number_of_queries_as_goal_indicators_grow(world):
    plan, q2 = board_world(world)
    goal_result(plan.goal_indicator, q2, "70")
    # One evaluator unit from the start, so the first count reads the evaluators too.
    Indicator.objects.filter(pk=plan.goal_indicator.pk).update(evaluator_unit=world.province_a)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    params = {"period": q2.pk, "unit": world.province_a.pk}
    few = counted(client, OVERVIEW, params)
    evaluator = make_unit("กลุ่มนิเทศ", world.province_a, "work_group")
    versions = PlanVersion.objects.filter(pk=plan.version.pk)
    versions.update(
        status=PlanVersion.Status.DRAFT
    )  # add to the approved plan, as a revision would
    added = []
    for number in range(2, 5):
        issue = add(
            StrategicIssue(plan_version=plan.version, number=number, title=f"ประเด็น {number}")
        )
        goal = add(Goal(strategic_issue=issue, number=1, title=f"เป้าประสงค์ {number}"))
        for n in range(1, 4):
            indicator = add(
                Indicator(
                    goal=goal,
                    number=n,
                    name=f"ตัวชี้วัด {number}.{n}",
                    unit_of_measure="ร้อยละ",
                    target_value=D("80"),
                    weight=D(n),
                    evaluator_unit=evaluator if n == 2 else None,
                )
            )
            add(IndicatorTarget(indicator=indicator, period="Q2", value=D("50")))
            if n != 3:
                added.append(indicator)
    versions.update(status=PlanVersion.Status.APPROVED)
    for indicator in added:
        goal_result(indicator, q2, "60")
    assert len(client.get(OVERVIEW, params).context["goal_indicators"]) == 10
    assert counted(client, OVERVIEW, params) <= few


def test_the_overview_pdf_holds_the_plans_scores(world, tmp_path):
    plan, q2 = board_world(world)
    goal_result(plan.goal_indicator, q2, "76")
    client = client_for(world.user(Role.PLANNER, world.province_a))
    response = client.get(OVERVIEW_PDF, {"period": q2.pk, "unit": world.province_a.pk})
    assert response.status_code == 200
    require_poppler()
    text = squeeze(pdf_text(write_pdf(response.content, tmp_path)))
    for expected in ("คะแนนตามน้ำหนักของตัวชี้วัดระดับเป้าประสงค์", "ผู้เรียนมีคุณภาพ", "ทั้งแผน"):
        assert squeeze(expected) in text, expected


# The สงป. 302 form ----------------------------------------------------------------------------


@pytest.fixture
def form302_world(world):
    """Province A's plan with money: a project allocation of 100,000 planned 25,000 a month
    from October to January, 10,000 disbursed in Q1 and 5,000 in Q2; an indicator with
    quarterly targets, results in Q1 and Q2, and the activity's status in both reports."""
    budget = small_budget(world)
    project = budget.plan.project
    indicator = f.project_indicator(
        project,
        "ร้อยละของนักเรียนที่อ่านคล่อง",
        targets={"Q1": "20", "Q2": "40", "Q3": "70", "Q4": "100"},
        is_cumulative=True,
    )
    version_approve(actor=None, version=budget.plan.version, expected_version=None)
    months = [month.start for month in FiscalPeriod(2561).months()]
    spending_plan_set(
        actor=None, allocation=budget.project, amounts=dict.fromkeys(months[:4], D("25000.00"))
    )
    for day, amount, number in (
        (date(2017, 11, 15), "10000.00", "ขบ01"),
        (date(2018, 2, 10), "5000.00", "ขบ02"),
    ):
        disbursement_create(
            actor=None,
            instance=Disbursement(
                allocation=budget.activity, date=day, document_number=number, amount=D(amount)
            ),
        )
    q1 = services.report_start(actor=None, project=project, period=f.open_period(f.period("Q1")))
    f.fill(q1, "on_schedule")
    f.result(q1, indicator, "22")
    q2 = services.report_start(actor=None, project=project, period=f.open_period(f.period("Q2")))
    f.fill(q2, "behind")
    f.result(q2, indicator, "35.5")
    return budget, indicator


def rows_of(response) -> tuple[list[tuple], object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True)), sheet


def find(rows: list[tuple], text: str) -> tuple:
    for row in rows:
        if row[1] and text in str(row[1]):
            return row
    raise AssertionError(f"no row {text!r}")


def test_form302_holds_projects_activities_indicators_and_money_per_quarter(world, form302_world):
    budget, indicator = form302_world
    client = client_for(world.user(Role.PLANNER, world.province_a))
    page = client.get(FORM302)
    assert page.status_code == 200
    assert "แบบ สงป. 302" in page.content.decode()
    response = client.get(FORM302, {"fiscal_year": 2561, "unit": world.province_a.pk})
    rows, sheet = rows_of(response)
    assert "สงป. 302" in rows[0][0]
    assert world.province_a.name in rows[1][0]
    assert "2561" in rows[2][0]
    header = rows[6]
    assert header[:4] == (
        "ลำดับ",
        "ผลผลิต/โครงการ กิจกรรม และตัวชี้วัด",
        "หน่วยนับ",
        "ค่าเป้าหมาย/งบประมาณทั้งปี",
    )
    assert "ไตรมาสที่ 1/2561" in header[4]
    assert rows[7][4:6] == ("เป้าหมาย", "ผล")

    project = find(rows, budget.plan.project.name)
    assert project[3] == 100000  # the budget after transfers
    # Money per quarter from column 13: (planned, disbursed) × Q1…Q4, then the year's totals.
    assert project[12:20] == (75000, 10000, 25000, 5000, 0, 0, 0, 0)
    assert project[20:22] == (100000, 15000)
    assert project[22] == budget.plan.project.lead_unit.name
    number_format = sheet.cell(row=rows.index(project) + 1, column=13).number_format
    assert number_format == "#,##0.00"

    activity = find(rows, budget.plan.activity.name)
    assert activity[0] == "1.1"
    assert activity[5] == "เป็นไปตามแผน"  # Q1's status
    assert activity[7] == "ล่าช้ากว่าแผน"  # Q2's status

    line = find(rows, indicator.name)
    assert line[2] == indicator.unit_of_measure
    assert line[4:12] == (20, 22, 40, 35.5, 70, None, 100, None)

    total = find(rows, "รวมทั้งสิ้น")
    assert total[12:22] == (75000, 10000, 25000, 5000, 0, 0, 0, 0, 100000, 15000)


def test_form302_runs_a_fixed_number_of_queries(world, form302_world):
    client = client_for(world.user(Role.PLANNER, world.province_a))
    params = {"fiscal_year": 2561, "unit": world.province_a.pk}
    few = counted(client, FORM302, params)
    second_plan(world, 20)
    assert counted(client, FORM302, params) <= few


def test_form302_of_a_school_leaves_out_the_provinces_projects(world, form302_world):
    budget, _indicator = form302_world
    client = client_for(world.user(Role.VIEWER, world.school_a2))
    rows, _sheet = rows_of(client.get(FORM302, {"fiscal_year": 2561}))
    assert world.school_a2.name in rows[1][0]
    assert budget.plan.project.name not in " ".join(str(row[1]) for row in rows if row[1])


# The menu -----------------------------------------------------------------------------------


def test_the_menu_links_the_monitoring_pages_that_exist(world):
    planner = world.user(Role.PLANNER, world.province_a)
    sections = {section.label: section for section in menu_for(planner)}
    links = {link.label: link.url for link in sections["ติดตามและประเมินผล"].links}
    assert links["สถานะการรายงาน"] == COMPLIANCE
    assert links["ภาพรวมรายไตรมาส"] == OVERVIEW
    assert links["แบบ สงป. 302"] == FORM302
    assert links["รอบการรายงาน"] == reverse("monitoring:reportingperiod_list")
    # Items of pages not written yet are left out instead of linking nowhere; items of pages
    # for some roles only (bulk approval: approvers) show to those roles only.
    names = menu.route_names()
    for label, name, _order, roles in menu.ITEMS:
        shown = name in names and (roles is None or has_any_role(planner, roles))
        assert (str(label) in links) == shown, name
    viewer = world.user(Role.VIEWER, world.province_a)
    viewer_links = {
        link.label
        for section in menu_for(viewer)
        if section.label == "ติดตามและประเมินผล"
        for link in section.links
    }
    assert "อนุมัติรายงาน" not in viewer_links
