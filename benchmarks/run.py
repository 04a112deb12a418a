#!/usr/bin/env python
"""Benchmark the org tree, the access policy and the unit list at national scale.

    make bench                                                            # SQLite (var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phaen_bench make bench  # PostgreSQL

The numbers the issue asks for are PostgreSQL's. The script works only in a bench database: from
a PostgreSQL URL it takes the server and the credentials, and the database name only when that
name contains ``bench`` (``.../phaen_bench_budget``); otherwise it uses ``phaen_bench``. That
database is dropped if it exists, created through the ``postgres`` maintenance database,
migrated, filled, and dropped at the end unless ``--keep``. Without a PostgreSQL URL it uses the
file ``var/bench/phaen_bench.sqlite3``.

It builds ~35,000 units (ministry → office → 18 regions → 77 provinces → service areas, work
groups and other agencies → ~30,000 schools), five users (a school reporter, a service-area
planner, a provincial planner, a national admin and a superuser), then times, with warm-up and
repetitions (median and p95 in ms, and the number of SQL queries):

a. a subtree filter (count and first 50 rows) for a provincial and a regional office;
b. ``OrgUnit.objects.restrict(user, "view")``: first 50 rows by path, and the count;
c. the list page /orgs/units/ through Django's test client: first page, a middle page,
   a ``q=`` search and ``kind=school``;
d. the tree endpoint /orgs/tree/<id>/ of a service area (its ~100+ schools).

It prints a table and EXPLAIN (ANALYZE, BUFFERS) of the main queries, and writes everything to
``var/bench/results-<backend>.json``. Target (the issue): the subtree filter and the first page
of a restricted list each under 50 ms on PostgreSQL.

``--suite plans`` runs the plan-page benchmark of ``benchmarks/plans.py`` instead (a plan of 300
projects and 1,500 activities on the same tree; ``var/bench/plans-<backend>.json``), ``--suite
all`` both. ``--suite budget`` runs the budget benchmark of ``benchmarks/budget.py`` (a province
with 50,000 projects and 500,000 disbursements; ``var/bench/budget-<backend>.json``) on its own:
it builds the PEO's FY2561 plan itself, so it does not share a database with the plan suite.
``--suite monitoring`` runs the monitoring benchmark of ``benchmarks/monitoring.py`` on its own
(the budget suite's province, plus the progress reports of Q1 and Q2;
``var/bench/monitoring-<backend>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.database import BENCH_DIR, DEFAULT_NAME, BenchDatabase, bench_database  # noqa: E402

TARGET_MS = 50.0
SEARCH_TERM = "หนองบัว"
PROVINCE = "นครศรีธรรมราช"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a bench database kept by --keep instead of building it again",
    )
    parser.add_argument(
        "--db-name",
        default=None,
        help=f"bench database name (must contain 'bench'; default: the DATABASE_URL's database "
        f"if its name contains 'bench', else {DEFAULT_NAME})",
    )
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs per case")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per query case")
    parser.add_argument(
        "--page-repeat", type=int, default=30, help="timed runs per page (test client) case"
    )
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN output")
    parser.add_argument("--seed", type=int, default=2561, help="seed of the generated tree")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    parser.add_argument(
        "--suite",
        choices=["orgs", "plans", "all", "budget", "monitoring"],
        default="orgs",
        help="orgs: the org tree, policy and unit list (default); plans: the plan page of a "
        "300-project plan (benchmarks/plans.py); all: both; budget: the budget pages of a "
        "province with 50,000 projects and 500,000 disbursements (benchmarks/budget.py), "
        "on its own; monitoring: the compliance board, the quarterly overview and saving a "
        "report on the same province (benchmarks/monitoring.py), on its own",
    )
    from benchmarks import budget, monitoring, plans

    plans.add_arguments(parser)
    budget.add_arguments(parser)
    monitoring.add_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db = bench_database(os.environ.get("DATABASE_URL"), args.db_name)
    # Django must see the bench database only, whatever the caller's environment says.
    os.environ["DATABASE_URL"] = db.url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "phaen.settings"
    print(f"Bench database: {db.describe()}")
    reuse = args.reuse and db.exists()
    if not reuse:
        db.recreate()

    import django

    django.setup()
    from django.db import connections

    try:
        return run(args, db, reuse=reuse)
    finally:
        connections.close_all()
        if args.keep:
            print(f"\nKept {db.describe()} (--keep).")
        else:
            db.drop()
            print(f"\nDropped {db.describe()}.")


def run(args: argparse.Namespace, db: BenchDatabase, *, reuse: bool) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import tree as tree_module

    info: dict[str, Any] = {
        "backend": db.backend,
        "database": db.describe(),
        "load_before": load_average(),
    }
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    info["migrate_s"] = round(time.perf_counter() - started, 2)
    if reuse:
        print("Reusing the kept bench database (--reuse).")
    else:
        started = time.perf_counter()
        built = tree_module.build_tree(seed=args.seed)
        info["build_s"] = round(time.perf_counter() - started, 2)
        if connection.vendor == "postgresql":
            started = time.perf_counter()
            tree_module.analyze()
            info["analyze_s"] = round(time.perf_counter() - started, 2)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    status = 0
    if args.suite in ("orgs", "all"):
        status |= run_orgs(args, db, info, reuse=reuse, built=None if reuse else built)
    if args.suite in ("plans", "all"):
        from benchmarks import plans

        plan_info = {**info, "units": tree_summary(), **environment()}
        status |= plans.run(args, plan_info, db.backend)
    if args.suite == "budget":
        from benchmarks import budget

        budget_info = {**info, "units": tree_summary(), **environment()}
        status |= budget.run(args, budget_info, db.backend)
    if args.suite == "monitoring":
        from benchmarks import monitoring

        monitoring_info = {**info, "units": tree_summary(), **environment()}
        status |= monitoring.run(args, monitoring_info, db.backend)
    return status


def run_orgs(
    args: argparse.Namespace,
    db: BenchDatabase,
    info: dict[str, Any],
    *,
    reuse: bool,
    built: Any,
) -> int:
    """The org suite: subtree, restrict, the unit list and the tree endpoint."""
    picks = pick_units()
    users = make_users(picks)

    info.update(environment())
    info["units"] = tree_summary()
    info["picks"] = {key: {"id": unit.pk, "name": unit.name} for key, unit in picks.items()}
    if built is not None:
        info["build"] = f"{built.total} units built in {info['build_s']} s"
    print_header(info)

    results = []
    results += bench_subtree(picks, args)
    results += bench_restrict(users, args)
    results += bench_pages(users, picks, args)
    results += bench_tree(users, picks, args)
    print_results(results)

    explains = {} if args.no_explain else explain_all(users, picks)
    missed = [r for r in results if r.met is False]
    summary = {
        "target_ms": TARGET_MS,
        "checked": sum(1 for r in results if r.target_ms is not None),
        "missed": [f"{r.case} ({r.user})" for r in missed],
    }
    info["load_after"] = load_average()
    print(f"\nLoad average: {info['load_before']} before, {info['load_after']} after")
    print_summary(summary, db.backend)
    out = BENCH_DIR / f"results-{db.backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "info": info,
        "summary": summary,
        "results": [r.as_dict() for r in results],
        "explain": explains,
    }
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    print(f"Results written to {out.relative_to(REPO)}")
    return 1 if args.strict and missed else 0


# Data ------------------------------------------------------------------------------------------


def pick_units() -> dict[str, Any]:
    """The units the cases use: a province, its region, its largest service area, a school."""
    from django.db.models import Count

    from phaen.orgs.models import OrgUnit

    province = OrgUnit.objects.get(kind=OrgUnit.Kind.PROVINCIAL_OFFICE, province=PROVINCE)
    area = (
        OrgUnit.objects.filter(parent=province, kind=OrgUnit.Kind.PRIMARY_SERVICE_AREA)
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    )
    assert area is not None
    school = OrgUnit.objects.filter(parent=area).order_by("path").first()
    assert school is not None
    return {
        "ministry": OrgUnit.objects.get(kind=OrgUnit.Kind.MINISTRY),
        "region": province.parent,
        "province": province,
        "service_area": area,
        "school": school,
    }


def make_users(picks: dict[str, Any]) -> dict[str, Any]:
    """One user per typical scope (created if missing, so --reuse works)."""
    from benchmarks.bulk import bench_users
    from phaen.core.access import Role

    return bench_users(
        [
            ("school reporter", "bench-school", Role.REPORTER, picks["school"]),
            ("area planner", "bench-area", Role.PLANNER, picks["service_area"]),
            ("province planner", "bench-province", Role.PLANNER, picks["province"]),
            ("national admin", "bench-admin", Role.ADMIN, picks["ministry"]),
            ("superuser", "bench-root", None, None),
        ]
    )


def tree_summary() -> dict[str, Any]:
    from django.db.models import Count

    from phaen.orgs.models import OrgUnit

    by_depth = OrgUnit.objects.values_list("depth").annotate(n=Count("pk")).order_by("depth")
    by_kind = OrgUnit.objects.values_list("kind").annotate(n=Count("pk")).order_by("-n")
    return {
        "total": OrgUnit.objects.count(),
        "by_depth": {str(depth): n for depth, n in by_depth},
        "by_kind": dict(by_kind),
    }


def environment() -> dict[str, Any]:
    import django
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    return {
        "server": server,
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "debug": os.environ.get("DEBUG", ""),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def load_average() -> str:
    """The 1-, 5- and 15-minute load: other work on a shared machine shows in the timings."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# Cases -----------------------------------------------------------------------------------------


def bench_subtree(picks: dict[str, Any], args: argparse.Namespace) -> list[Any]:
    from benchmarks.timing import measure
    from phaen.orgs.models import OrgUnit

    results = []
    for key in ("province", "region"):
        unit = picks[key]
        subtree = OrgUnit.objects.filter(path__startswith=unit.path)
        common = {"group": "a. subtree", "warmup": args.warmup, "repeat": args.repeat}
        results.append(
            measure(
                lambda subtree=subtree: subtree.count(),
                case=f"count: {key} #{unit.pk}",
                describe=lambda n: f"{n} units",
                target_ms=TARGET_MS,
                **common,
            )
        )
        results.append(
            measure(
                lambda subtree=subtree: list(subtree[:50]),
                case=f"first 50: {key} #{unit.pk}",
                describe=lambda rows: f"{len(rows)} rows",
                target_ms=TARGET_MS,
                **common,
            )
        )
    return results


def bench_restrict(users: dict[str, Any], args: argparse.Namespace) -> list[Any]:
    """A fresh grant lookup on every run, as in a request (the grants are cached per request)."""
    from benchmarks.timing import measure
    from phaen.core.access import Action, forget_grants
    from phaen.orgs.models import OrgUnit

    results = []
    for label, user in users.items():

        def first_page(user: Any = user) -> list[Any]:
            forget_grants(user)
            return list(OrgUnit.objects.restrict(user, Action.VIEW).order_by("path")[:50])

        def count(user: Any = user) -> int:
            forget_grants(user)
            return int(OrgUnit.objects.restrict(user, Action.VIEW).count())

        common = {"group": "b. restrict", "user": label, "warmup": args.warmup}
        results.append(
            measure(
                first_page,
                case="first 50 by path",
                repeat=args.repeat,
                target_ms=TARGET_MS,
                describe=lambda rows: f"{len(rows)} rows",
                **common,
            )
        )
        results.append(
            measure(
                count,
                case="count",
                repeat=args.repeat,
                target_ms=TARGET_MS,
                describe=lambda n: f"{n} units",
                **common,
            )
        )
    return results


def _client_for(user: Any) -> Any:
    """A test client logged in as ``user`` through the project's model backend."""
    from django.conf import settings
    from django.contrib.auth import load_backend
    from django.contrib.auth.backends import ModelBackend
    from django.test import Client

    # Not the first backend blindly: django-axes' comes first and loads no users.
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if isinstance(load_backend(path), ModelBackend)
    )
    client = Client()
    client.force_login(user, backend=backend)
    return client


def _get(client: Any, url: str, expect: int = 200) -> Callable[[], Any]:
    def fetch() -> Any:
        response = client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url}: {response.status_code}, expected {expect}")
        return response

    return fetch


def _page_detail(response: Any) -> str:
    return f"{response.status_code}, {len(response.content) // 1024} KiB"


def bench_pages(
    users: dict[str, Any], picks: dict[str, Any], args: argparse.Namespace
) -> list[Any]:
    from django.conf import settings
    from django.urls import reverse
    from django.utils.http import urlencode

    from benchmarks.timing import measure
    from phaen.core.access import Action
    from phaen.orgs.models import OrgUnit

    url = reverse("orgs:orgunit_list")
    results = []
    for label, user in users.items():
        client = _client_for(user)
        total = OrgUnit.objects.restrict(user, Action.VIEW).count()
        pages = max(1, -(-total // settings.PHAEN_LIST_PAGE_SIZE))
        cases = [
            ("first page", url, TARGET_MS),
            (f"middle page {pages // 2 or 1}/{pages}", f"{url}?page={pages // 2 or 1}", None),
            (f"q={SEARCH_TERM}", f"{url}?{urlencode({'q': SEARCH_TERM})}", None),
            ("kind=school", f"{url}?kind=school", None),
        ]
        for case, target, target_ms in cases:
            results.append(
                measure(
                    _get(client, target),
                    group="c. list page",
                    case=case,
                    user=label,
                    warmup=args.warmup,
                    repeat=args.page_repeat,
                    target_ms=target_ms,
                    describe=_page_detail,
                )
            )
    return results


def bench_tree(users: dict[str, Any], picks: dict[str, Any], args: argparse.Namespace) -> list[Any]:
    from django.urls import reverse

    from benchmarks.timing import measure

    area = picks["service_area"]
    url = reverse("orgs:tree_children", args=[area.pk])
    results = []
    for label, user in users.items():
        if label == "school reporter":
            continue  # the service area is above the school: out of scope (404)
        results.append(
            measure(
                _get(_client_for(user), url),
                group="d. tree",
                case=f"service area {area.pk} ({area.children.count()} children)",
                user=label,
                warmup=args.warmup,
                repeat=args.page_repeat,
                describe=_page_detail,
            )
        )
    return results


# EXPLAIN ---------------------------------------------------------------------------------------


def explain_all(users: dict[str, Any], picks: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.timing import captured_sql, explain, plan_highlights
    from phaen.core.access import Action, forget_grants
    from phaen.orgs.filters import OrgUnitFilterSet
    from phaen.orgs.models import OrgUnit
    from phaen.orgs.views import OrgUnitListView

    province = picks["province"]
    subtree = OrgUnit.objects.filter(path__startswith=province.path)
    planner = users["province planner"]
    school = users["school reporter"]
    admin = users["national admin"]

    def listed(user: Any, **params: str) -> Any:
        """The list view's query: base queryset, policy, filters, default order."""
        forget_grants(user)
        queryset = OrgUnitListView.queryset.restrict(user, Action.VIEW)
        if params:
            queryset = OrgUnitFilterSet(params, queryset=queryset).qs
        return queryset.order_by("path")

    statements = {
        "subtree count (province)": lambda: subtree.count(),
        "subtree first 50 (province)": lambda: list(subtree[:50]),
        "list page rows (province planner)": lambda: list(listed(planner)[:50]),
        "list page count (province planner)": lambda: listed(planner).count(),
        "list page rows (school reporter)": lambda: list(listed(school)[:50]),
        "list page rows (national admin)": lambda: list(listed(admin)[:50]),
        f"list page count, q={SEARCH_TERM} (national admin)": lambda: listed(
            admin, q=SEARCH_TERM
        ).count(),
        "list page count, kind=school (province planner)": lambda: listed(
            planner, kind="school"
        ).count(),
    }
    title = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    print(f"\n{title}\n{'=' * len(title)}")
    explains = {}
    for name, fn in statements.items():
        sql = [s for s in captured_sql(fn) if "orgs_orgunit" in s][-1]
        plan = explain(sql)
        highlights = plan_highlights(plan)
        explains[name] = {"sql": sql, "plan": plan, **highlights}
        print(f"\n-- {name}\n{sql}\n{plan}")
    print("\nHighlights")
    for name, data in explains.items():
        took = f", {data['execution_ms']} ms" if data["execution_ms"] is not None else ""
        print(f"  {name}: {'; '.join(data['access'])}{took}")
    explains["list page rows, every province"] = every_province()
    return explains


def every_province() -> dict[str, Any]:
    """The list page's row query for a planner of each of the 77 provinces: plans and times.

    The plan depends on the row estimate of each prefix, so one province says little: this
    shows every plan PostgreSQL picks and the slowest.
    """
    from collections import Counter

    from benchmarks.timing import captured_sql, explain, plan_highlights
    from phaen.orgs.models import OrgUnit
    from phaen.orgs.views import OrgUnitListView

    plans: Counter[str] = Counter()
    times = []
    for province in OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCIAL_OFFICE):
        rows = OrgUnitListView.queryset.filter(path__startswith=province.path).order_by("path")
        sql = captured_sql(lambda rows=rows: list(rows[:50]))[-1]
        data = plan_highlights(explain(sql))
        plans[data["access"][0] if data["access"] else "?"] += 1
        if data["execution_ms"] is not None:
            times.append((data["execution_ms"], province.path))
    result: dict[str, Any] = {"plans": dict(plans)}
    if times:
        times.sort()
        result["median_ms"] = times[len(times) // 2][0]
        result["max_ms"], result["slowest"] = times[-1]
    print(f"  list page rows, a planner of each of {sum(plans.values())} provinces: ", end="")
    print("; ".join(f"{plan} x{n}" for plan, n in plans.most_common()), end="")
    if times:
        print(f"; median {result['median_ms']} ms, max {result['max_ms']} ms ({result['slowest']})")
    else:
        print()
    return result


# Output ----------------------------------------------------------------------------------------


def print_header(info: dict[str, Any]) -> None:
    print()
    print(f"{info['server']} | Python {info['python']} | Django {info['django']}")
    print(f"{info['machine']} | DEBUG={info['debug']} | load {info['load_before']}")
    units = info["units"]
    depths = ", ".join(f"{d}: {n}" for d, n in units["by_depth"].items())
    print(f"Org units: {units['total']} (by depth {depths})")
    if "build" in info:
        print(f"Built: {info['build']} (migrate {info['migrate_s']} s)")
    picks = ", ".join(f"{key} #{p['id']} {p['name']}" for key, p in info["picks"].items())
    print(f"Cases use: {picks}")


def print_results(results: list[Any]) -> None:
    from benchmarks.timing import print_table

    rows = [("group", "case", "user", "median", "p95", "min", "queries", "target", "result")]
    for r in results:
        mark = "" if r.met is None else ("ok" if r.met else "MISSED")
        rows.append(
            (
                r.group,
                r.case,
                r.user,
                f"{r.median_ms:.2f}",
                f"{r.p95_ms:.2f}",
                f"{r.min_ms:.2f}",
                str(r.queries),
                mark,
                r.detail,
            )
        )
    print("\nTimes in ms (median and p95 of the timed runs; queries of one run)\n")
    print_table(rows, numeric={3, 4, 5, 6})


def print_summary(summary: dict[str, Any], backend: str) -> None:
    checked, missed = summary["checked"], summary["missed"]
    target = f"Target < {summary['target_ms']:.0f} ms"
    if backend != "postgresql":
        target += " (the target is PostgreSQL's; SQLite shown for reference)"
    print()
    if missed:
        print(f"{target}: MISSED by {len(missed)} of {checked} checked cases:")
        for case in missed:
            print(f"  - {case}")
    else:
        print(f"{target}: all {checked} checked cases met.")


if __name__ == "__main__":
    sys.exit(main())
