"""The budget overview and efficiency pages: rates against the cabinet's targets computed
independently from the base tables, statuses at the thresholds, the chart data, drill-down to
work groups, scoping, and fixed query counts for wide units."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    Commitment,
    Disbursement,
)
from phaen.budget.selectors import (
    Status,
    assess,
    budget_by_issue,
    project_figures,
    projects_efficiency,
    unit_overview,
)
from phaen.budget.services import (
    commitment_create,
    disbursement_create,
    spending_plan_set,
    spread_evenly,
    transfer_approve,
    transfer_request,
)
from phaen.budget.tests.factories import allocate, small_budget
from phaen.core.access import Role
from phaen.core.services import object_create
from phaen.orgs.testing import make_unit
from phaen.plans.models import Indicator, Project
from phaen.plans.tests.factories import add, fiscal_year, make_plan
from phaen.thai.calendar import FiscalYear as FiscalPeriod

pytestmark = pytest.mark.django_db
D = Decimal
FY = FiscalPeriod(2561)
OVERVIEW = reverse("budget:overview")
EFFICIENCY = reverse("budget:efficiency")


def months() -> list[date]:
    return [month.start for month in FY.months()]


def disburse(allocation, amount, day, number):
    return disbursement_create(
        actor=None,
        instance=Disbursement(
            allocation=allocation, date=day, document_number=number, amount=D(amount)
        ),
    )


def commit(allocation, amount, day, number):
    return commitment_create(
        actor=None,
        instance=Commitment(
            allocation=allocation,
            date=day,
            document_number=number,
            amount=D(amount),
            counterpart="ร้านค้าทดสอบ",
        ),
    )


def build_money(world):
    """Province A: an operating envelope (1,000,000 → group A1 300,000 → P01 100,000 → an
    activity 60,000) and an investment envelope (500,000), spending plans, commitments and
    disbursements around the quarters' ends, and an approved transfer between the envelopes."""
    budget = small_budget(world)
    investment = allocate(unit=world.province_a, amount="500000.00", category_code="investment")
    spending_plan_set(
        actor=None, allocation=budget.envelope, amounts=spread_evenly(D("1000000.00"), months())
    )
    spending_plan_set(
        actor=None,
        allocation=budget.project,
        amounts=dict.fromkeys(months()[:4], D("25000.00")),  # all of it by January
    )
    # The activity (a leaf of the operating envelope): Q1, the last day of Q2, the first of Q3.
    disburse(budget.activity, "10000.00", date(2017, 11, 15), "D-1")
    disburse(budget.activity, "20000.25", date(2018, 3, 31), "D-2")
    disburse(budget.activity, "5000.00", date(2018, 4, 1), "D-3")
    commit(budget.activity, "12000.00", date(2018, 2, 1), "PO-1")
    # The investment envelope is a leaf itself.
    disburse(investment, "100000.00", date(2018, 3, 15), "D-4")
    disburse(investment, "50000.00", date(2018, 6, 30), "D-5")
    # A group's other leaf: money spent by the group directly.
    direct = allocate(amount="50000.00", parent=budget.group)
    disburse(direct, "7000.00", date(2018, 1, 10), "D-6")
    transfer = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=investment, target=budget.envelope, amount=D("40000.00"), reason="ปรับแผน"
        ),
    )
    transfer_approve(actor=None, transfer=transfer, expected_version=transfer.version)
    budget.investment = investment  # type: ignore[attr-defined]
    budget.direct = direct  # type: ignore[attr-defined]
    return budget


@pytest.fixture
def money(world):
    return build_money(world)


def independent_rate(unit, quarter: int) -> Decimal:
    """Disbursed to the quarter's end ÷ the envelopes after transfers, from the base tables."""
    end = FY.quarter(quarter).end
    disbursed = Disbursement.objects.filter(
        allocation__unit__path__startswith=unit.path, date__lte=end
    ).aggregate(total=Sum("amount"))["total"] or D(0)
    envelopes = Allocation.objects.filter(
        parent=None, unit__path__startswith=unit.path, fiscal_year__year=2561
    ).aggregate(total=Sum("amount"))["total"]
    return (disbursed * 100 / envelopes).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def chart_data(response) -> dict:
    found = re.search(
        r'<script id="quarter-chart-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the chart's data block is on the page"
    return json.loads(found.group(1))


def login(client: Client, user) -> Client:
    client.force_login(user)
    session = client.session
    session["phaen_fiscal_year"] = 2561
    session.save()
    return client


# Rates against the cabinet's targets ----------------------------------------------------------


@pytest.mark.parametrize(("quarter", "target"), [(2, D("52.29")), (3, D("74.29"))])
def test_disbursement_rate_at_q2_and_q3_matches_an_independent_computation(
    world, money, client, quarter, target
):
    expected = independent_rate(world.province_a, quarter)
    overview = unit_overview(world.province_a, fiscal_year(2561), FY.quarter(quarter))
    assert overview.total.allocated == D("1500000.00")  # a transfer moves, never adds
    assert overview.total.original == D("1500000.00")
    assert overview.total.disbursement_rate == expected
    assert overview.cabinet["overall"].target == target  # shipped with the reference data
    assert overview.cabinet["overall"].variance == expected - target

    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(OVERVIEW, {"unit": world.province_a.pk, "quarter": quarter})
    assert response.status_code == 200
    page = response.context
    assert page["total"].disbursement_rate == expected
    overall = page["assessments"][0]
    assert (overall.assessment.rate, overall.assessment.target) == (expected, target)
    assert f"{expected}%" in response.content.decode()
    assert str(target) in response.content.decode()


def test_q2_figures_by_hand(world, money):
    """The Q2 numbers spelled out: what the independent computation above relies on."""
    overview = unit_overview(world.province_a, fiscal_year(2561), FY.quarter(2))
    # 10,000 + 20,000.25 (31 March counts in Q2) + 100,000 + 7,000; 1 April is Q3.
    assert overview.total.disbursed == D("137000.25")
    assert overview.total.owed == D("12000.00")
    assert overview.total.used == D("149000.25")
    assert overview.total.disbursement_rate == D("9.13")  # 137,000.25 / 1,500,000
    current, capital = overview.by_class["current"], overview.by_class["capital"]
    assert (current.original, current.allocated) == (D("1000000.00"), D("1040000.00"))
    assert (capital.original, capital.allocated) == (D("500000.00"), D("460000.00"))
    assert capital.disbursed == D("100000.00")
    # Six months of the operating envelope's even plan (the investment one has none): the
    # even spread leaves the odd satang to the last months.
    assert overview.total.planned == D("83333.33") * 6
    assert overview.against_plan.target == D("33.33")


def test_cabinet_targets_by_scope_at_q3(world, money):
    overview = unit_overview(world.province_a, fiscal_year(2561), FY.quarter(3))
    assert overview.cabinet["overall"].target == D("74.29")
    assert overview.cabinet["current"].target == D("77.00")
    assert overview.cabinet["capital"].target == D("65.11")
    # Capital: 150,000 of 460,000.
    assert overview.cabinet["capital"].rate == D("32.61")
    assert overview.cabinet["capital"].status == Status.FAR_BEHIND


# Statuses at the thresholds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "status"),
    [
        (D("52.29"), Status.ON_TRACK),
        (D("60.00"), Status.ON_TRACK),
        (D("47.29"), Status.ON_TRACK),  # exactly 5 points short
        (D("47.28"), Status.BEHIND),
        (D("37.29"), Status.BEHIND),  # exactly 15 points short
        (D("37.28"), Status.FAR_BEHIND),
    ],
)
def test_status_thresholds_of_the_default_policy(world, rate, status):
    assert assess(rate, D("52.29"), BudgetPolicy(unit=world.province_a)).status == status


def test_no_target_and_no_rate():
    policy = BudgetPolicy()
    assert assess(None, D("52.29"), policy).status == Status.NO_TARGET
    assert assess(D("10.00"), None, policy).status == Status.NO_TARGET


def test_a_unit_policy_sets_the_thresholds_and_the_page_uses_it(world, money, client):
    object_create(
        actor=None,
        instance=BudgetPolicy(
            unit=world.province_a,
            unit_path=world.province_a.path,
            behind_points=D("40.00"),
            far_behind_points=D("43.16"),
        ),
    )
    overview = unit_overview(world.province_a, fiscal_year(2561), FY.quarter(2))
    shortfall = D("52.29") - overview.total.disbursement_rate  # 43.16
    assert shortfall == D("43.16")
    assert overview.cabinet["overall"].status == Status.BEHIND  # at the far-behind edge
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(OVERVIEW, {"unit": world.province_a.pk, "quarter": 2})
    overall = response.context["assessments"][0]
    assert overall.assessment.status == Status.BEHIND
    assert overall.status_class == "warn"
    assert overall.variance == "−43.16"
    assert "ต่ำกว่าเป้าหมายไม่เกิน 40 จุด" in response.content.decode()


def test_no_spending_plan_means_no_target_against_the_plan(world):
    budget = small_budget(world)
    disburse(budget.activity, "1000.00", date(2017, 11, 1), "D-1")
    overview = unit_overview(world.province_a, fiscal_year(2561), FY.quarter(1))
    assert overview.against_plan.status == Status.NO_TARGET


# The chart --------------------------------------------------------------------------------------


def test_chart_data_has_planned_used_disbursed_and_the_cabinet_line(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(OVERVIEW, {"unit": world.province_a.pk, "quarter": 2})
    data = chart_data(response)
    assert data["kind"] == "quarters"
    assert len(data["categories"]) == 4
    assert data["categories"][0].startswith("ไตรมาส 1")
    planned, used, disbursed, target = data["series"]
    assert [s["type"] for s in data["series"]] == ["bar", "bar", "bar", "line"]
    assert planned["name"] == "แผนการใช้จ่ายสะสม"
    # Plans are known for the whole year; results only up to the chosen quarter.
    assert planned["values"] == ["16.67", "33.33", "50.00", "66.67"]
    assert disbursed["values"][1] == str(independent_rate(world.province_a, 2))
    assert disbursed["values"][2:] == [None, None]
    assert used["values"][1] == "9.93"  # 149,000.25 of 1,500,000
    assert disbursed["amounts"][1] == "137,000.25"
    assert target["values"] == [None, "52.29", "74.29", None]
    # Decimal text, never a float: the numbers keep their satang.
    assert all(isinstance(v, str | None) for s in data["series"] for v in s["values"])


def test_pages_load_the_vendored_chart_library_and_no_inline_script(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    html = client.get(OVERVIEW).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/budget/js/charts.js" in html
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in scripts), scripts
    assert "style=" not in html


# Drill-down, defaults, projects -----------------------------------------------------------------


def test_work_groups_show_the_money_allocated_to_them(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(OVERVIEW, {"unit": world.province_a.pk, "quarter": 4})
    line, own = response.context["child_lines"]
    assert line.label == world.group_a1.name
    # What the province holds itself: the rest of its envelopes and their spending.
    assert own.url == ""
    assert own.figures.allocated == D("1200000.00")
    assert own.figures.disbursed == D("150000.00")
    assert line.figures.allocated == D("300000.00")
    assert line.figures.disbursed == D("42000.25")  # 35,000.25 on P01's activity + 7,000
    assert line.url == f"?unit={world.group_a1.pk}&quarter=4"
    group = client.get(OVERVIEW + line.url)
    assert group.context["total"].allocated == D("300000.00")
    assert group.context["total"].disbursed == D("42000.25")
    # Back up the drill-down, as far as the viewer's scope reaches.
    assert [u.pk for u in group.context["trail"]] == [world.province_a.pk]
    rows = group.context["project_rows"]
    assert [row.project.code for row, _line in rows] == ["P01", "P02"]
    p01 = rows[0][0]
    assert (p01.figures.allocated, p01.figures.disbursed) == (D("100000.00"), D("35000.25"))
    assert p01.figures.owed == D("12000.00")
    assert reverse("budget:project_money", args=[p01.project.pk]) in group.content.decode()


def test_defaults_are_the_users_own_unit_and_the_last_quarter_of_a_past_year(world, money, client):
    login(client, world.user(Role.REPORTER, world.group_a1))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["unit"] == world.group_a1
    assert response.context["as_of"].number == 4


def test_a_user_without_budget_rights_sees_an_explanation(world, client):
    fiscal_year(2561)
    login(client, world.nobody())
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert "คุณยังไม่มีสิทธิ์ดูงบประมาณของหน่วยงานใด" in response.content.decode()


def test_a_missing_fiscal_year_is_explained(world, client):
    client.force_login(world.user(Role.VIEWER, world.province_a))
    session = client.session
    session["phaen_fiscal_year"] = 2599
    session.save()
    response = client.get(OVERVIEW)
    assert "ยังไม่มีปีงบประมาณ พ.ศ. 2599 ในระบบ" in response.content.decode()


# Scoping ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [OVERVIEW, EFFICIENCY, reverse("budget:form301")])
def test_pages_are_scoped_to_the_users_units(world, money, client, url):
    assert client.get(url).status_code == 302  # anonymous: log in first
    login(client, world.user(Role.PLANNER, world.province_b))
    assert client.get(url, {"unit": world.province_a.pk}).status_code == 404
    assert client.get(url, {"unit": world.group_a1.pk}).status_code == 404
    assert client.get(url, {"unit": "x"}).status_code == 404
    assert client.get(url, {"unit": world.province_b.pk}).status_code == 200
    # A viewer of the work group may not look at the province above it.
    login(client, world.user(Role.VIEWER, world.group_a1))
    assert client.get(url, {"unit": world.province_a.pk}).status_code == 404
    assert client.get(url, {"unit": world.group_a1.pk}).status_code == 200


# Efficiency -------------------------------------------------------------------------------------


def test_efficiency_lists_projects_behind_their_plan_and_shares_by_issue(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(EFFICIENCY, {"unit": world.province_a.pk, "quarter": 2})
    assert response.status_code == 200
    (late,) = response.context["behind"]
    # P01 planned 100,000 by January; 30,000.25 disbursed by the end of March.
    assert late.project.code == "P01"
    assert late.plan_gap == D("69999.75")
    assert late.plan_gap_rate == D("70.00")
    issues = {row.kind: row for row in response.context["issues"]}
    assert issues["issue"].figures.allocated == D("100000.00")  # P01 is under issue 1
    assert issues["issue"].share == D("6.67")  # of 1,500,000
    assert issues["unallocated"].figures.allocated == D("1400000.00")
    assert sum(row.figures.allocated for row in response.context["issues"]) == D("1500000.00")
    rows = {row.project.code: row for row in response.context["project_rows"]}
    (output,) = rows["P01"].outputs or [None]
    assert output is None  # the small plan's indicator is a goal indicator, not a project's


def test_cost_per_unit_of_output(world, money):
    project = money.plan.project
    add(
        Indicator(
            project=project,
            name="ครูบรรณารักษ์ที่ผ่านการอบรม",
            unit_of_measure="คน",
            target_value=D("40"),
        )
    )
    add(
        Indicator(
            project=project,
            number=2,
            name="ร้อยละของครูที่นำความรู้ไปใช้",
            unit_of_measure="ร้อยละ",
            target_value=D("80"),
        )
    )
    (row,) = projects_efficiency([project], fiscal_year(2561), FY.end)
    assert row.figures.used == D("47000.25")  # 35,000.25 disbursed + 12,000 owed
    (output,) = row.outputs  # a rate is not an output to cost
    assert output.cost_per_unit == D("1175.01")


def test_project_figures_by_unit_match_the_base_tables(world, money):
    found = project_figures(fiscal_year(2561), FY.quarter(3).end, unit=world.province_a)
    p01 = found[money.plan.project.lineage]
    assert p01.figures.allocated == D("100000.00")
    assert p01.plan_total == D("100000.00")
    assert p01.figures.disbursed == D("35000.25")
    assert set(found) == {money.plan.project.lineage}


def test_issue_shares_hide_issues_of_plans_the_user_may_not_read(world, money):
    overview = unit_overview(world.group_a1, fiscal_year(2561))
    found = project_figures(fiscal_year(2561), FY.end, unit=world.group_a1)
    reader = world.user(Role.VIEWER, world.group_a1)  # the plan is province A's draft
    rows = budget_by_issue(world.group_a1, fiscal_year(2561), found, overview.total, user=reader)
    assert [row.kind for row in rows] == ["hidden", "unallocated"]
    assert rows[0].figures.allocated == D("100000.00")
    assert rows[1].figures.allocated == D("200000.00")


def test_efficiency_export(world, money, client):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(EFFICIENCY, {"unit": world.province_a.pk, "quarter": 2, "export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "โครงการที่เบิกจ่ายล่าช้ากว่าแผน",
        "ประสิทธิภาพรายโครงการ",
        "สัดส่วนงบประมาณตามประเด็น",
    ]
    rows = list(workbook["โครงการที่เบิกจ่ายล่าช้ากว่าแผน"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "ลำดับ"))
    first = rows[header + 1]
    assert first[1] == "P01"
    assert Decimal(str(first[7])) == D("69999.75")  # a number in the sheet, not text


# Query counts -----------------------------------------------------------------------------------


def projects_for(world, unit, count: int, year: int):
    """``count`` projects of a plan of ``unit`` led by ``unit``, each with an allocation, a plan
    and a disbursement (through the services)."""
    _plan, version = make_plan(unit, year)
    envelope = allocate(unit=unit, amount="10000000.00", year=fiscal_year(year))
    period = FiscalPeriod(year)
    first_month = period.start
    for number in range(count):
        project = add(
            Project(
                plan_version=version,
                code=f"P{number:03d}",
                name=f"โครงการทดสอบ {number}",
                start_month=first_month,
                end_month=period.months()[-1].start,
                budget=D("10000.00"),
                lead_unit=unit,
            )
        )
        allocation = allocate(amount="10000.00", parent=envelope, project=project)
        spending_plan_set(actor=None, allocation=allocation, amounts={first_month: D("10000.00")})
        disburse(allocation, "1000.00", first_month, f"D-{number}")


def counted(client: Client, url: str, params: dict) -> int:
    client.get(url, params)  # the first request of a session also stores the idle timer
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [OVERVIEW, EFFICIENCY])
def test_pages_run_the_same_queries_for_5_and_50_projects(world, client, url):
    small = make_unit("กลุ่มเล็ก", world.province_a, "work_group")
    wide = make_unit("กลุ่มใหญ่", world.province_a, "work_group")
    fiscal_year(2561)
    projects_for(world, small, 5, 2561)
    projects_for(world, wide, 50, 2561)
    login(client, world.user(Role.PLANNER, world.province_a))
    few = counted(client, url, {"unit": small.pk, "quarter": 4})
    many = counted(client, url, {"unit": wide.pk, "quarter": 4})
    assert few == many
    assert many <= 30
