"""The analysis pages over HTTP: alignment, gap analysis, calendar, iCalendar feed, a unit's work.

Scoping follows the plan version's rules: inside the user's scope or published, else 404 (and
anonymous visitors are sent to log in). Each page runs the same number of queries for 5 and for
40 projects.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from phaen.core.access import Role
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.orgs.models import Membership
from phaen.plans.models import (
    Activity,
    Goal,
    Indicator,
    Project,
    ProjectOwner,
    StrategicIssue,
    Strategy,
)
from phaen.plans.selectors import gap_analysis
from phaen.plans.services import version_approve, version_publish
from phaen.plans.tests.factories import add, link, make_plan
from phaen.thai.calendar import FiscalMonth, FiscalYear

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def national(code: str, node_code: str) -> FrameworkNode:
    return FrameworkNode.objects.get(framework__code=code, code=node_code)


def build_plan(world, *, projects: int = 5, year: int = 2561, publish: bool = False):
    """A plan of province A: two issues with goal indicators, projects with activities, owners
    and links to the National Strategy and the National Education Plan."""
    plan, version = make_plan(world.province_a, year, title="แผนปฏิบัติการ ศธจ.ก")
    issues = [
        add(StrategicIssue(plan_version=version, number=n, title=f"ประเด็นที่ทดสอบ {n}"))
        for n in (1, 2)
    ]
    for issue in issues:
        add(Strategy(strategic_issue=issue, number=1, title=f"กลยุทธ์ {issue.number}"))
    goal = add(Goal(strategic_issue=issues[0], number=1, title="ผู้เรียนอ่านออกเขียนได้"))
    add(
        Indicator(
            goal=goal,
            name="ร้อยละของผู้เรียนที่อ่านออก",
            unit_of_measure="ร้อยละ",
            baseline_value=Decimal("67.5"),
            baseline_year=2560,
            target_value=Decimal("80"),
        )
    )
    add_projects(world, version, 0, projects)
    if publish:
        version = version_approve(actor=None, version=version, expected_version=version.version)
        version = version_publish(actor=None, version=version, expected_version=version.version)
    return plan, version


def add_projects(world, version, start: int, count: int) -> None:
    """Projects P{start+1}… alternating between the two strategies and two lead units; each
    has an activity of group A1, the province as supporter and (but every fifth) two links."""
    ce = version.plan.fiscal_year.year - 543
    strategies = list(
        Strategy.objects.filter(plan_version=version).order_by("strategic_issue__number")
    )
    ns3, ns6 = national("ns-2561", "3"), national("ns-2561", "6")
    nep = national("nep-2560", "3")
    for index in range(start, start + count):
        lead = world.group_a1 if index % 2 == 0 else world.school_a2
        project = add(
            Project(
                plan_version=version,
                strategy=strategies[index % 2],
                code=f"P{index + 1:02d}",
                name=f"โครงการทดสอบ {index + 1}",
                start_month=date(ce - 1, 10, 1),
                end_month=date(ce, 9, 1),
                budget=Decimal(10000 * (index + 1)),
                lead_unit=lead,
                lead_role="ดำเนินการหลัก",
            )
        )
        add(
            Activity(
                project=project,
                name=f"กิจกรรม {index + 1}",
                start_month=date(ce - 1, 11, 1),
                end_month=date(ce, 2, 1),
                budget=Decimal(1000),
                responsible_unit=world.group_a1,
            )
        )
        add(
            ProjectOwner(
                project=project,
                unit=world.province_a,
                role=ProjectOwner.OwnerRole.SUPPORTER,
                role_description="สนับสนุนงบประมาณ",
            )
        )
        if index % 5 != 4:  # every fifth project is aligned to nothing
            link(version, ns3 if index % 2 == 0 else ns6, primary=True, project=project)
            link(version, nep, project=project)


@pytest.fixture
def plan(world):
    return build_plan(world)


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


# Alignment ----------------------------------------------------------------------------------


def test_alignment_opens_on_the_final_national_strategy(client, world, plan, planner):
    _plan, version = plan
    login(client, planner)
    response = client.get(reverse("plans:alignment", args=[version.pk]))
    assert response.status_code == 200
    page = html(response)
    ns = Framework.objects.get(code="ns-2561")
    assert f'<option value="{ns.pk}" selected>' in page
    # P01: primary link to strategy 3 → a filled mark with its words for screen readers.
    assert 'class="mark primary"><span aria-hidden="true">●</span>' in page
    assert '<span class="visually-hidden">สอดคล้องหลัก</span>' in page
    assert "โครงการทดสอบ 5" in page  # aligned to nothing
    # Totals: 150,000 in all; 100,000 aligned (P05, 50,000, is aligned to nothing).
    assert "150,000.00" in page
    assert "100,000.00" in page
    assert 'class="bar-fill bar-w-40"' in page  # strategy 3: P01 + P03 = 40,000 of 100,000
    assert "style=" not in page


def test_alignment_one_level_down_and_another_framework(client, world, plan, planner):
    _plan, version = plan
    login(client, planner)
    nep = Framework.objects.get(code="nep-2560")
    response = client.get(
        reverse("plans:alignment", args=[version.pk]), {"framework": nep.pk, "depth": 1}
    )
    page = html(response)
    assert response.status_code == 200
    assert "กรอบนี้มีข้อเพียงชั้นเดียว" in page  # the education plan has one level
    assert 'class="mark secondary"><span aria-hidden="true">○</span>' in page


def test_an_unknown_framework_is_refused_on_the_form(client, world, plan, planner):
    _plan, version = plan
    login(client, planner)
    response = client.get(reverse("plans:alignment", args=[version.pk]), {"framework": 999999})
    assert response.status_code == 200
    page = html(response)
    assert "กรุณาเลือกกรอบจากรายการ" in page
    ns = Framework.objects.get(code="ns-2561")
    assert f'<option value="{ns.pk}" selected>' in page


def test_alignment_is_scoped_like_the_plan_version(client, world, plan):
    _plan, version = plan
    url = reverse("plans:alignment", args=[version.pk])
    login(client, world.user(Role.PLANNER, world.province_b))
    assert client.get(url).status_code == 404
    assert client.get(reverse("plans:gaps", args=[version.pk])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anyone_sees_the_analysis_of_a_published_plan(client, world):
    _plan, version = build_plan(world, publish=True)
    assert client.get(reverse("plans:alignment", args=[version.pk])).status_code == 200
    assert client.get(reverse("plans:gaps", args=[version.pk])).status_code == 200
    login(client, world.user(Role.VIEWER, world.school_b1))
    assert client.get(reverse("plans:alignment", args=[version.pk])).status_code == 200


def test_alignment_exports_the_budget_per_node_and_the_matrix(client, world, plan, planner):
    _plan, version = plan
    login(client, planner)
    response = client.get(reverse("plans:alignment", args=[version.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "งบประมาณตามข้อในกรอบ",
        "ตารางความสอดคล้อง",
        "ข้อที่ยังไม่มีรายการสนับสนุน",
        "โครงการที่ไม่สอดคล้องกับกรอบ",
    ]
    nodes = [row for row in workbook["งบประมาณตามข้อในกรอบ"].iter_rows(values_only=True) if row]
    by_code = {row[0]: row for row in nodes if row[0]}
    assert by_code["3"][4] == 40000  # P01 + P03
    assert by_code["6"][4] == 60000  # P02 + P04
    assert by_code["1"][4] == 0
    matrix = [row for row in workbook["ตารางความสอดคล้อง"].iter_rows(values_only=True) if row]
    header = next(row for row in matrix if row[0] == "ประเด็นยุทธศาสตร์ / โครงการ")
    p01 = next(row for row in matrix if row[0] and "P01" in row[0])
    assert p01[header.index(next(h for h in header if h and h.startswith("3 ")))] == "● หลัก"
    unaligned = list(workbook["โครงการที่ไม่สอดคล้องกับกรอบ"].iter_rows(values_only=True))
    assert any(row[0] == "P05" for row in unaligned if row)


# Gap analysis -------------------------------------------------------------------------------


def test_gap_analysis_page_and_export(client, world, plan, planner):
    _plan, version = plan
    login(client, planner)
    page = html(client.get(reverse("plans:gaps", args=[version.pk])))
    assert "ต้องเพิ่มขึ้นอีก 12.5 ร้อยละ" in page
    assert "67.5" in page
    assert "(ค่าฐาน)" in page
    assert "ประเด็นนี้ยังไม่มีตัวชี้วัดระดับเป้าประสงค์" in page  # issue 2
    response = client.get(reverse("plans:gaps", args=[version.pk]), {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row for row in workbook["ช่องว่างรายตัวชี้วัด"].iter_rows(values_only=True) if row]
    indicator = next(row for row in rows if row[2] == "ร้อยละของผู้เรียนที่อ่านออก")
    assert indicator[5:] == (67.5, 2560, 80, 67.5, "ค่าฐาน", 12.5, "ต้องเพิ่มขึ้นอีก 12.5 ร้อยละ")
    summary = [row for row in workbook["สรุปรายประเด็น"].iter_rows(values_only=True) if row]
    assert summary[-2][1:] == (1, 0, 1, 0)


def test_the_gap_summary_include_for_the_plan_page(world, plan):
    _plan, version = plan
    text = render_to_string(
        "plans/gaps_summary.html",
        {"gap_summaries": gap_analysis(version), "gaps_url": "/somewhere/"},
    )
    assert "การวิเคราะห์ช่องว่าง" in text
    assert "ประเด็นที่ 1 ประเด็นที่ทดสอบ 1" in text
    assert 'href="/somewhere/"' in text


# The calendar -------------------------------------------------------------------------------


@pytest.fixture
def fy2561(client):
    session = client.session
    session["phaen_fiscal_year"] = 2561
    session.save()


def test_the_calendar_opens_on_the_plan_of_the_users_unit(client, world, plan, planner, fy2561):
    _plan, _version = plan
    login(client, planner)
    response = client.get(reverse("plans:calendar"))
    assert response.status_code == 200
    page = html(response)
    assert "แผนปฏิบัติการ ศธจ.ก" in page
    labels = re.findall(r'<abbr title="[^"]+">([^<]+)</abbr>', page)
    assert labels[:3] == ["ต.ค. 60", "พ.ย. 60", "ธ.ค. 60"]
    assert labels[-1] == "ก.ย. 61"
    assert page.count('class="gantt-project"') == 5
    assert "กิจกรรม 1" in page
    # A bar from November to February: its first cell starts the bar, its last ends it.
    assert "gantt-cell bar-activity bar-start" in page
    assert "style=" not in page
    assert "เลือกกลุ่มงาน/หน่วยงานในตัวกรอง" in page  # no unit chosen: no feed link yet


def test_calendar_filters_by_unit_and_issue(client, world, plan, planner, fy2561):
    _plan, version = plan
    login(client, planner)
    url = reverse("plans:calendar")
    issue2 = StrategicIssue.objects.get(plan_version=version, number=2)
    page = html(client.get(url, {"issue": issue2.pk}))
    assert page.count('class="gantt-project"') == 2  # P02, P04
    page = html(client.get(url, {"unit": world.school_a2.pk}))
    assert page.count('class="gantt-project"') == 2  # led by the school: P02, P04
    # The unit picker offers the plan's units only.
    options = set(
        re.findall(r'<option value="(\d+)"', page.split('name="unit"')[1].split("</select>")[0])
    )
    assert options == {str(world.group_a1.pk), str(world.school_a2.pk)}
    page = html(client.get(url, {"unit": world.school_b1.pk}))
    assert "ไม่อยู่ในตัวเลือก" in page  # not one of the plan's units: said on the form
    assert page.count('class="gantt-project"') == 5  # and no filter applied


def test_calendar_plan_picker_is_scoped(client, world, plan, fy2561):
    other_plan, _other = make_plan(world.province_b, 2561, title="แผนของ ศธจ.ข")
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("plans:calendar")))
    assert "แผนของ ศธจ.ข" not in page
    assert client.get(reverse("plans:calendar"), {"plan": other_plan.pk}).status_code == 404


def test_calendar_empty_states(client, world, fy2561):
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("plans:calendar")))
    assert "ยังไม่มีแผนของปีงบประมาณ พ.ศ. 2561 ที่คุณดูได้" in page
    make_plan(world.province_a, 2561)
    page = html(client.get(reverse("plans:calendar")))
    assert "แผนฉบับนี้ยังไม่มีโครงการหรือกิจกรรม" in page


def test_calendar_marks_this_month(client, world, planner):
    current = FiscalYear.current()
    build_plan(world, year=current.be)
    session = client.session
    session["phaen_fiscal_year"] = current.be
    session.save()
    login(client, planner)
    page = html(client.get(reverse("plans:calendar")))
    this_month = FiscalMonth.of(timezone.localdate())
    assert f'aria-current="date"><abbr title="{this_month.long_label()}">' in page
    assert "เดือนปัจจุบัน" in page


def test_anonymous_visitors_see_published_plans_in_the_calendar(client, world, fy2561):
    make_plan(world.province_b, 2561, title="ร่างที่ยังไม่เผยแพร่")
    page = html(client.get(reverse("plans:calendar")))
    assert "ยังไม่มีแผนของปีงบประมาณ พ.ศ. 2561 ที่คุณดูได้" in page
    build_plan(world, publish=True)
    page = html(client.get(reverse("plans:calendar")))
    assert "แผนปฏิบัติการ ศธจ.ก" in page
    assert "ร่างที่ยังไม่เผยแพร่" not in page
    assert page.count('class="gantt-project"') == 5
    assert "เข้าสู่ระบบเพื่อรับลิงก์ปฏิทินของหน่วยงาน" in page


# The iCalendar feed -------------------------------------------------------------------------


def feed_url(page: str) -> str:
    match = re.search(r'id="ical-url" type="url" class="copy-field" readonly value="([^"]+)"', page)
    assert match, "no subscription link on the page"
    return match[1].replace("http://testserver", "")


def test_the_calendar_offers_a_feed_for_a_unit_the_user_may_view(client, world, plan, fy2561):
    _plan, _version = plan
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("plans:calendar"), {"unit": world.group_a1.pk}))
    url = feed_url(page)
    client.logout()
    response = client.get(url)  # calendar apps fetch it without a session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 5  # group A1 is responsible for every activity
    assert "SUMMARY:กิจกรรม 1\r\n" in text
    assert "DTSTART;VALUE=DATE:20171101" in text
    assert "DTEND;VALUE=DATE:20180301" in text


def test_a_feed_lists_the_units_activities_as_lead_too(client, world, plan, fy2561):
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("plans:calendar"), {"unit": world.school_a2.pk}))
    text = client.get(feed_url(page)).content.decode()
    assert text.count("BEGIN:VEVENT") == 2  # the school leads P02 and P04


def test_a_wrong_or_tampered_token_is_404(client, world, plan, fy2561):
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("plans:calendar"), {"unit": world.group_a1.pk}))
    url = feed_url(page)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(url.replace(token, token[:-2] + "xx")).status_code == 404
    assert client.get(url.replace(token, "nonsense")).status_code == 404
    other_unit = reverse("plans:unit_ical", args=[world.school_a2.pk, token])
    assert client.get(other_unit).status_code == 404  # a token names its unit


def test_a_feed_stops_when_its_user_loses_the_right(client, world, plan, fy2561):
    viewer = world.user(Role.VIEWER, world.province_a)
    login(client, viewer)
    url = feed_url(html(client.get(reverse("plans:calendar"), {"unit": world.group_a1.pk})))
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=viewer).update(is_active=False)
    assert client.get(url).status_code == 404


def test_no_feed_link_for_a_unit_the_user_may_not_view(client, world, fy2561):
    # A viewer of school B1 sees province A's published plan, but not group A1 itself.
    build_plan(world, publish=True)
    login(client, world.user(Role.VIEWER, world.school_b1))
    page = html(client.get(reverse("plans:calendar"), {"unit": world.group_a1.pk}))
    assert 'id="ical-url"' not in page
    # Group A1 leads P01, P03, P05 and is responsible for the activities of all five.
    assert page.count('class="gantt-project"') == 5


# A unit's work ------------------------------------------------------------------------------


def test_my_work_opens_on_the_users_unit(client, world, plan, fy2561):
    login(client, world.user(Role.REPORTER, world.school_a2))
    response = client.get(reverse("plans:my_work"))
    assert response.status_code == 200
    page = html(response)
    assert "งานของหน่วยงาน: โรงเรียน ก2" in page
    assert "โครงการที่เป็นเจ้าภาพหลัก (2)" in page
    assert "ดำเนินการหลัก" in page
    assert "ต.ค. 60 – ก.ย. 61" in page
    assert 'id="ical-url"' in page


def test_my_work_of_a_supporting_unit(client, world, plan, fy2561):
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(reverse("plans:my_work"), {"unit": world.province_a.pk}))
    assert "โครงการที่เป็นผู้สนับสนุน (5)" in page
    assert "สนับสนุนงบประมาณ" in page
    assert "โครงการที่เป็นเจ้าภาพหลัก (0)" in page


def test_my_work_is_scoped(client, world, plan, fy2561):
    login(client, world.user(Role.PLANNER, world.province_b))
    response = client.get(reverse("plans:my_work"), {"unit": world.school_a2.pk})
    assert response.status_code == 200
    page = html(response)
    assert "โครงการทดสอบ" not in page
    client.logout()
    assert client.get(reverse("plans:my_work")).status_code == 302


# Query counts -------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    ("name", "params", "limit"),
    [
        # Pages add the header's unread-notification count (the bell) to what they read.
        # session, user, grants, the version, the frameworks, the report's seven (+ the bell)
        ("alignment", {}, 13),
        ("alignment", {"depth": 1}, 13),
        ("alignment", {"export": "xlsx"}, 12),
        # session, user, grants, the version, indicators, issues, the latest measured values
        # (monitoring's results; + the bell on the page)
        ("gaps", {}, 8),
        ("gaps", {"export": "xlsx"}, 7),
        # session, user, grants, plans' current versions, versions, activities, projects, bell
        ("calendar", {}, 8),
        ("calendar", {"unit": "group"}, 9),  # + may the user view the unit (feed link)
        # session, user, grants, the unit, current versions, led, roles, the unit picker (2), bell
        ("my_work", {}, 10),
    ],
)
def test_pages_run_a_constant_number_of_queries(
    client, world, planner, fy2561, name, params, limit
):
    _plan, version = build_plan(world, projects=5)
    login(client, planner)
    query = {key: world.group_a1.pk if value == "group" else value for key, value in params.items()}
    if name in ("alignment", "gaps"):
        url = reverse(f"plans:{name}", args=[version.pk])
    else:
        url = reverse(f"plans:{name}")
    client.get(url, query)  # the session's first request also stores its activity time
    small = count_queries(client, url, query)
    add_projects(world, version, 5, 35)
    large = count_queries(client, url, query)
    assert small == large, (small, large)
    assert small <= limit
