#!/usr/bin/env python
"""Benchmark the budget pages and services on a province with 50,000 projects and 500,000
disbursement records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phaen_bench DEBUG=1 \\
        .venv/bin/python benchmarks/budget.py         # the same as benchmarks/run.py --suite budget
    DEBUG=1 .venv/bin/python benchmarks/budget.py     # SQLite (var/bench/)

On the national org tree of ``benchmarks/tree.py`` it builds, with ``benchmarks/budget_data.py``,
the FY2561 budget of ศธจ.นครศรีธรรมราช and the units below it: a published plan of 50,000
projects led by the PEO's work groups, its service areas and their schools; the PEO's envelopes
allocated to its work groups and the agencies' own envelopes, allocated to the projects and
(one in four) to their activities; spending plans; ~50,000 commitments; 500,000 disbursements;
the running sums rebuilt with ``phaen.budget.rollups.rebuild``. Then it times, with warm-up and
repetitions (median, p95 and min in ms, the SQL queries of one run, the time inside the database
driver and the response size):

a. the selectors alone: ``unit_overview`` and ``child_units_overview`` of the province,
   ``project_figures`` and ``unit_months_by_category`` of the province, ``project_money`` of
   the project with the most records;
b. the budget overview page through Django's test client, logged in, at each quarter: the
   province (the PEO's planner), a work group (its reporter) and a school (its reporter);
c. the other pages as the PEO's planner: the child units' second page of the province's
   overview, the project money page of the project with the most records (also as its work
   group's reporter), the disbursement list (first page, also as a school's reporter; by
   service area and direct payments; by project; a search), the form สงป. 301 export of the
   province and the efficiency page (the province and a work group);
d. the services: ``disbursement_create`` and ``commitment_create`` (one record each run, with
   the room check over the allocation chain and the running sums' upsert, committed) on an
   activity of the work group's heavy project and on a school's project.

Target (the issue): the budget overview of the province under 500 ms on PostgreSQL. It then
prints EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the slowest
SELECT statements of the page cases, then the slowest of the target cases (the province's
overview) besides, and writes everything to ``var/bench/budget-<backend>.json``; ``--profile``
adds a cProfile of the province's overview page.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from benchmarks.timing import Case

BUDGET_TARGET_MS = 500.0
PROVINCE = "นครศรีธรรมราช"
BUDGET_YEAR = 2561
#: The day the timed services record on (inside FY2561, after every generated record).
RECORD_DAY = date(2018, 9, 28)
#: How many of the slowest SELECT statements of the page cases get an EXPLAIN.
EXPLAIN_TOP = 10
#: And how many of the slowest of the target cases (the province's overview), besides.
EXPLAIN_TARGET_TOP = 4


@dataclass
class Setup:
    peo: Any
    group: Any
    area: Any
    school: Any
    children: list[Any]  # the province's child units (the overview's unit table)
    fiscal_year: Any
    heavy: Any  # the project with the most records
    leaves: dict[str, Any]  # label -> a leaf allocation the services record on
    users: dict[str, Any]
    counts: dict[str, int]
    build: dict[str, float] | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("budget benchmark (--suite budget)")
    group.add_argument(
        "--budget-projects", type=int, default=50_000, help="projects in the province (50000)"
    )
    group.add_argument(
        "--budget-disbursements",
        type=int,
        default=500_000,
        help="disbursement records in the province (500000)",
    )
    group.add_argument(
        "--slow-repeat",
        type=int,
        default=5,
        help="timed runs (after one warm-up) of the pages and selectors that read many rows: "
        "the money page, the lists, the export, efficiency (default 5; at most --page-repeat)",
    )


# Data ------------------------------------------------------------------------------------------


def make_users(peo: Any, group: Any, school: Any) -> dict[str, Any]:
    """The PEO's planner and director, a work group's and a school's reporter (created if
    missing, so --reuse works)."""
    from benchmarks.bulk import bench_users
    from phaen.core.access import Role

    return bench_users(
        [
            ("PEO planner", "bench-budget-planner", Role.PLANNER, peo),
            ("director", "bench-budget-director", Role.APPROVER, peo),
            ("work-group reporter", "bench-budget-group", Role.REPORTER, group),
            ("school reporter", "bench-budget-school", Role.REPORTER, school),
        ]
    )


def prepare(args: argparse.Namespace) -> Setup:
    """The province's budget (built unless already there) and the units the cases use."""
    from django.db.models import Count, Q

    from benchmarks.budget_data import BudgetSize, build_budget
    from benchmarks.bulk import province_units
    from phaen.budget.models import (
        Allocation,
        BudgetMonthRollup,
        BudgetRollup,
        Commitment,
        Disbursement,
        SpendingPlanLine,
    )
    from phaen.orgs.models import OrgUnit
    from phaen.plans.models import ActionPlan, Activity, FiscalYear, Project

    peo, groups, areas = province_units(PROVINCE)
    schools = list(
        OrgUnit.objects.filter(parent__in=areas, kind=OrgUnit.Kind.SCHOOL).order_by("path")
    )
    area = max(areas, key=lambda a: (sum(1 for s in schools if s.parent_id == a.pk), -a.pk))
    school = next(s for s in schools if s.parent_id == area.pk)
    users = make_users(peo, groups[0], school)

    year = FiscalYear.objects.filter(year=BUDGET_YEAR).first()
    built = (
        year is not None
        and Allocation.objects.filter(fiscal_year=year, unit_path__startswith=peo.path).exists()
    )
    build: dict[str, float] | None = None
    if not built:
        if ActionPlan.objects.filter(unit=peo, fiscal_year__year=BUDGET_YEAR).exists():
            raise SystemExit(
                f"{peo.name} already has an FY{BUDGET_YEAR} plan without a budget (the plans "
                "suite's?): run --suite budget on a database of its own"
            )
        started = time.perf_counter()
        size = BudgetSize(projects=args.budget_projects, disbursements=args.budget_disbursements)
        result = build_budget(
            peo=peo,
            groups=groups,
            areas=areas,
            schools=schools,
            year=BUDGET_YEAR,
            size=size,
            seed=args.seed,
            planner=users["PEO planner"],
            director=users["director"],
        )
        build = {**result.seconds, "total": round(time.perf_counter() - started, 2)}
        year = result.fiscal_year
    assert year is not None
    heavy_id = (
        Disbursement.objects.filter(allocation__fiscal_year=year, unit_path__startswith=peo.path)
        .values("allocation__project_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "allocation__project_id")
        .values_list("allocation__project_id", flat=True)
        .first()
    )
    if heavy_id is None:
        raise SystemExit(f"no disbursement under {peo.name} in FY{BUDGET_YEAR}")
    heavy = Project.objects.get(pk=heavy_id)

    def leaf(**filters: Any) -> Any:
        return (
            Allocation.objects.filter(fiscal_year=year, children__isnull=True, **filters)
            .select_related("unit")
            .order_by("tree_path")
            .first()
        )

    leaves = {
        "heavy project's activity": leaf(project=heavy, level=Allocation.Level.ACTIVITY),
        "school's project": leaf(unit=school, level=Allocation.Level.PROJECT),
    }
    in_province = Q(unit_path__startswith=peo.path)
    allocations = Allocation.objects.filter(in_province, fiscal_year=year)
    counts = {
        "projects": Project.objects.filter(plan_version__plan__unit=peo).count(),
        "activities": Activity.objects.filter(plan_version__plan__unit=peo).count(),
        "lead units": Project.objects.filter(plan_version__plan__unit=peo)
        .values("lead_unit")
        .distinct()
        .count(),
        "allocations": allocations.count(),
        **{
            f"allocations ({level})": n
            for level, n in allocations.values_list("level")
            .annotate(n=Count("pk"))
            .order_by("level")
        },
        "spending plan lines": SpendingPlanLine.objects.filter(allocation__in=allocations).count(),
        "commitments": Commitment.objects.filter(in_province).count(),
        "disbursements": Disbursement.objects.filter(in_province).count(),
        "heavy project's disbursements": Disbursement.objects.filter(
            allocation__project=heavy
        ).count(),
        "rollup rows": BudgetRollup.objects.filter(fiscal_year=year).count(),
        "month rollup rows": BudgetMonthRollup.objects.filter(fiscal_year=year).count(),
    }
    children = list(OrgUnit.objects.filter(parent=peo).order_by("path"))
    return Setup(peo, groups[0], area, school, children, year, heavy, leaves, users, counts, build)


def database_size() -> dict[str, Any]:
    """The bench database's size, and the largest budget and plan tables (PostgreSQL)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(c.oid)), "
                "pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' "
                "ORDER BY 3 DESC LIMIT 10"
            )
            tables = {name: size for name, size, _bytes in cursor.fetchall()}
        return {"total": total, "largest tables": tables}
    path = Path(str(settings.DATABASES["default"]["NAME"]))
    size = sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )
    return {"total": f"{size / 2**20:.0f} MB"}


# Cases -----------------------------------------------------------------------------------------


def budget_client(user: Any) -> Any:
    """A test client logged in as ``user`` with FY2561 chosen in the header (the session)."""
    from benchmarks.run import _client_for
    from phaen.core.fiscal import SESSION_KEY

    client = _client_for(user)
    session = client.session
    session[SESSION_KEY] = BUDGET_YEAR
    session.save()
    return client


def page_case(
    args: argparse.Namespace,
    *,
    group: str,
    case: str,
    user_label: str,
    user: Any,
    url: str,
    target_ms: float | None = None,
    slow: bool = False,
) -> Case:
    """A page through the test client, logged in as ``user``; a ``slow`` page (one that reads
    many rows) gets one warm-up and at most ``--slow-repeat`` timed runs."""
    from benchmarks.run import _get
    from benchmarks.timing import measure_page

    return measure_page(
        _get(budget_client(user), url),
        url,
        group=group,
        case=case,
        user=user_label,
        warmup=min(args.warmup, 1) if slow else args.warmup,
        repeat=min(args.page_repeat, args.slow_repeat) if slow else args.page_repeat,
        target_ms=target_ms,
    )


def selector_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    from benchmarks.timing import measure_case
    from phaen.budget.selectors import (
        child_units_overview,
        project_figures,
        project_money,
        unit_months_by_category,
        unit_overview,
    )
    from phaen.thai.calendar import FiscalYear as FiscalPeriod

    period = FiscalPeriod(BUDGET_YEAR)
    peo, year = setup.peo, setup.fiscal_year
    q2, q4 = period.quarter(2), period.quarter(4)
    specs: list[tuple[str, Any, Any, bool]] = [
        (
            f"unit_overview (province, Q2) #{peo.pk}",
            lambda: unit_overview(peo, year, q2),
            lambda o: f"{o.total.disbursement_rate} % disbursed",
            False,
        ),
        (
            f"child_units_overview (province, {len(setup.children)} units)",
            lambda: child_units_overview(peo, year, setup.children, q4),
            lambda rows: f"{len(rows)} rows",
            False,
        ),
        (
            "project_figures (province, Q4)",
            lambda: project_figures(year, q4.end, unit=peo),
            lambda money: f"{len(money)} projects",
            True,
        ),
        (
            "unit_months_by_category (province, Q4)",
            lambda: unit_months_by_category(peo, year, q4.end),
            lambda rows: f"{len(rows)} rows",
            True,
        ),
        (
            f"project_money (heavy project #{setup.heavy.pk})",
            lambda: project_money(setup.heavy, year),
            lambda money: f"{len(money.disbursements)} disbursements",
            True,
        ),
    ]
    return [
        measure_case(
            fn,
            group="a. selectors",
            case=case,
            describe=describe,
            warmup=min(args.warmup, 1) if slow else args.warmup,
            repeat=min(args.repeat, args.slow_repeat) if slow else args.repeat,
        )
        for case, fn, describe, slow in specs
    ]


def page_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    from django.urls import reverse
    from django.utils.http import urlencode

    from phaen.budget.exports import DEFAULT_GROUPS

    users, peo = setup.users, setup.peo
    planner = users["PEO planner"]
    overview = reverse("budget:overview")
    cases = []
    for label, user_label, unit, target in (
        ("province", "PEO planner", peo, BUDGET_TARGET_MS),
        ("work group", "work-group reporter", setup.group, None),
        ("school", "school reporter", setup.school, None),
    ):
        for quarter in (1, 2, 3, 4):
            cases.append(
                page_case(
                    args,
                    group="b. overview",
                    case=f"{label} #{unit.pk}, Q{quarter}",
                    user_label=user_label,
                    user=users[user_label],
                    url=f"{overview}?unit={unit.pk}&quarter={quarter}",
                    target_ms=target,
                )
            )
    money = reverse("budget:project_money", args=[setup.heavy.pk])
    disbursements = reverse("budget:disbursement_list")
    form301 = (
        reverse("budget:form301")
        + "?"
        + urlencode(
            {"unit": peo.pk, "quarter": 4, "layout": "months", "groups": sorted(DEFAULT_GROUPS)},
            doseq=True,
        )
    )
    efficiency = reverse("budget:efficiency")
    others: list[tuple[str, str, str, bool]] = [
        (
            f"child units, page 2 (province, {len(setup.children)} units)",
            "PEO planner",
            f"{overview}?unit={peo.pk}&quarter=4&units_page=2",
            False,
        ),
        (f"project money (heavy project #{setup.heavy.pk})", "PEO planner", money, True),
        (f"project money (heavy project #{setup.heavy.pk})", "work-group reporter", money, True),
        ("disbursements, first page", "PEO planner", disbursements, True),
        (
            # The money tab's link to a project's disbursements.
            f"disbursements, project={setup.heavy.pk}",
            "PEO planner",
            f"{disbursements}?project={setup.heavy.pk}",
            True,
        ),
        ("disbursements, first page", "school reporter", disbursements, True),
        (
            f"disbursements, unit={setup.group.pk} kind=direct",
            "work-group reporter",
            f"{disbursements}?unit={setup.group.pk}&kind=direct",
            True,
        ),
        ("form 301 export (province, Q4)", "PEO planner", form301, True),
        ("efficiency (province, Q4)", "PEO planner", f"{efficiency}?unit={peo.pk}&quarter=4", True),
        (
            f"efficiency (work group #{setup.group.pk}, Q4)",
            "work-group reporter",
            f"{efficiency}?unit={setup.group.pk}&quarter=4",
            True,
        ),
    ]
    for case, user_label, url, slow in others:
        cases.append(
            page_case(
                args,
                group="c. pages",
                case=case,
                user_label=user_label,
                user=users.get(user_label, planner),
                url=url,
                slow=slow,
            )
        )
    return cases


def service_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    """One record per run through the real service, committed (as a request would)."""
    from benchmarks.timing import measure_case
    from phaen.budget.models import Commitment, Disbursement
    from phaen.budget.services import commitment_create, disbursement_create

    serial = itertools.count(1)
    stamp = time.strftime("%H%M%S")
    reporters = {
        "heavy project's activity": setup.users["work-group reporter"],
        "school's project": setup.users["school reporter"],
    }
    cases = []
    for label, leaf in setup.leaves.items():
        actor = reporters[label]

        def disburse(leaf: Any = leaf, actor: Any = actor) -> Any:
            return disbursement_create(
                actor=actor,
                instance=Disbursement(
                    allocation=leaf,
                    date=RECORD_DAY,
                    document_number=f"BENCH-{stamp}-{next(serial)}",
                    amount=Decimal("1.00"),
                ),
            )

        def commit(leaf: Any = leaf, actor: Any = actor) -> Any:
            return commitment_create(
                actor=actor,
                instance=Commitment(
                    allocation=leaf,
                    date=RECORD_DAY,
                    document_number=f"BENCH-PO-{stamp}-{next(serial)}",
                    amount=Decimal("1.00"),
                    counterpart="ร้านทดสอบความเร็ว",
                ),
            )

        depth = len(leaf.tree_path.strip("/").split("/"))
        for name, fn in (("disbursement_create", disburse), ("commitment_create", commit)):
            cases.append(
                measure_case(
                    fn,
                    group="d. services",
                    case=f"{name} ({label} #{leaf.pk}, chain of {depth})",
                    user="",
                    warmup=args.warmup,
                    repeat=args.repeat,
                    describe=lambda row: f"#{row.pk}",
                )
            )
    return cases


# EXPLAIN ---------------------------------------------------------------------------------------


def slowest_statements(cases: list[Case]) -> list[dict[str, Any]]:
    """Every SELECT of one run of each case with a ``fetch``, with its time, slowest first."""
    from django.db import connection

    found: dict[str, dict[str, Any]] = {}
    for case in cases:
        fetch = case.fetch
        if fetch is None:
            continue
        timings: list[tuple[str, float]] = []

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            start = time.perf_counter_ns()
            try:
                return execute(sql, params, many, context)
            finally:
                spent = (time.perf_counter_ns() - start) / 1e6
                text = connection.ops.last_executed_query(context["cursor"], sql, params)
                timings.append((text, spent))  # noqa: B023

        with connection.execute_wrapper(timed):
            fetch()
        for text, spent in timings:
            if not text.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            label = f"{case.result.case} ({case.result.user})"
            if text not in found or found[text]["ms"] < spent:
                found[text] = {"sql": text, "ms": round(spent, 2), "case": label}
    return sorted(found.values(), key=lambda s: -s["ms"])


def short_select(sql: str) -> str:
    """The statement with a long list of plain columns before its first FROM shortened (the
    JSON keeps the whole statement)."""
    head, sep, tail = sql.partition(" FROM ")
    if not sep or len(head) < 300 or "(" in head:
        return sql
    columns = head.count(",") + 1
    return f"SELECT … {columns} columns …{sep}{tail}"


def explain_slowest(
    cases: list[Case],
    limit: int = EXPLAIN_TOP,
    *,
    what: str = "the timed cases",
    skip: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """EXPLAIN the ``limit`` slowest SELECTs of ``cases`` (those with a ``fetch``), leaving out
    the statements in ``skip`` (already explained)."""
    from django.db import connection

    from benchmarks.timing import explain, plan_highlights

    statements = [s for s in slowest_statements(cases) if s["sql"] not in skip][:limit]
    title = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    print(f"\n{title} of the {len(statements)} slowest SELECTs of {what}\n{'=' * len(title)}")
    for statement in statements:
        plan = explain(statement["sql"])
        statement.update(plan=plan, **plan_highlights(plan))
        sql = short_select(statement["sql"])
        print(f"\n-- {statement['ms']} ms in {statement['case']}\n{sql}\n{plan}")
    print("\nHighlights")
    for statement in statements:
        took = (
            f", {statement['execution_ms']} ms in EXPLAIN ANALYZE"
            if statement["execution_ms"] is not None
            else ""
        )
        access = "; ".join(statement["access"][:6])
        print(f"  {statement['ms']:>8.2f} ms  {statement['case']}: {access}{took}")
    return statements


def explain_all(cases: list[Case]) -> list[dict[str, Any]]:
    """The slowest statements of all the page cases, then those of the target cases (which
    slower pages would otherwise hide)."""
    explains = explain_slowest(cases)
    targeted = [c for c in cases if c.result.target_ms is not None]
    skip = frozenset(s["sql"] for s in explains)
    return explains + explain_slowest(
        targeted, EXPLAIN_TARGET_TOP, what="the target cases", skip=skip
    )


def profile_overview(setup: Setup) -> str:
    """cProfile of five requests of the province's overview (after a warm-up)."""
    from django.urls import reverse

    from benchmarks.run import _get
    from benchmarks.timing import profile_calls

    url = f"{reverse('budget:overview')}?unit={setup.peo.pk}&quarter=2"
    return profile_calls(_get(budget_client(setup.users["PEO planner"]), url))


# Output ----------------------------------------------------------------------------------------


def describe_data(
    info: dict[str, Any], title: str, counts: dict[str, int], build: dict[str, float] | None
) -> None:
    """After the data of the budget or the monitoring suite is there: ANALYZE if it was just
    built (its time goes in ``build``), record the database's size in ``info``, and print
    ``title``, the ``counts``, how it was built (or that it was reused) and the size."""
    from benchmarks import tree as tree_module

    if build is not None:
        started = time.perf_counter()
        tree_module.analyze()
        build["analyze"] = round(time.perf_counter() - started, 2)
    info["database_size"] = size = database_size()
    print(f"\n{title}")
    print("  " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
    if build is not None:
        steps = ", ".join(f"{step} {s} s" for step, s in build.items() if step != "total")
        print(f"  built in {build['total']} s ({steps})")
    else:
        print("  reused (--reuse)")
    print(f"  database size: {size['total']}")
    for table, pretty in size.get("largest tables", {}).items():
        print(f"    {table}: {pretty}")


def run(args: argparse.Namespace, info: dict[str, Any], backend: str) -> int:
    """The budget suite (the database is migrated and holds the org tree)."""
    from benchmarks.timing import finish_suite, print_suite_header

    print_suite_header(info)
    setup = prepare(args)
    info["budget_build_s"] = setup.build
    info["budget"] = {
        "unit": setup.peo.name,
        "fiscal_year": BUDGET_YEAR,
        "heavy_project": setup.heavy.pk,
        "work_group": setup.group.name,
        "service_area": setup.area.name,
        "school": setup.school.name,
        **setup.counts,
    }
    describe_data(info, f"Budget of {setup.peo.name}, FY{BUDGET_YEAR}", setup.counts, setup.build)

    cases = selector_cases(setup, args)
    cases += page_cases(setup, args)
    cases += service_cases(setup, args)
    return finish_suite(
        args,
        info,
        cases,
        suite="budget",
        backend=backend,
        target=f"Budget overview of the province, target < {BUDGET_TARGET_MS:.0f} ms",
        targets={"target_ms": BUDGET_TARGET_MS},
        explain=explain_all,
        profile=lambda: profile_overview(setup),
        profile_title="cProfile of 5 requests of the province's overview (Q2)",
    )


def main(argv: list[str] | None = None) -> int:
    from benchmarks.timing import suite_main

    return suite_main("budget", argv)


if __name__ == "__main__":
    sys.exit(main())
