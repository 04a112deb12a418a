#!/usr/bin/env python
"""Benchmark the plan page (and the alignment, gap and calendar pages) of a large action plan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phaen_bench DEBUG=1 \\
        .venv/bin/python benchmarks/plans.py          # the same as benchmarks/run.py --suite plans
    DEBUG=1 .venv/bin/python benchmarks/plans.py      # SQLite (var/bench/)

On top of the national org tree of ``benchmarks/tree.py`` it builds the FY2561 action plan of
ศธจ.นครศรีธรรมราช (``benchmarks/plan_data.py``: 300 projects led by the office's work groups,
1,500 activities, 6 strategic issues, ~40 goal indicators with Q1–Q4 targets, owners, project
indicators, alignment links), approves and publishes it as the director, and starts a revised
draft (a copy) as the planner. Then it times, with warm-up and repetitions (median and p95 in
ms, the SQL queries of one run, the response size):

a. ``plan_outline`` of the draft alone, and ``gap_analysis``;
b. the plan page through Django's test client as the PEO planner and the director (the draft),
   a work-group reporter (the published version: a draft of the PEO's plan is not theirs to
   see) and an anonymous visitor (the published version);
c. the alignment, gap analysis and calendar pages of the draft, as the planner.

Target (the issue): the plan page under 300 ms on PostgreSQL with a number of queries that does
not grow with the plan. Results go to ``var/bench/plans-<backend>.json``; ``--profile`` adds a
cProfile of the planner's plan page (the functions that take the time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PLAN_TARGET_MS = 300.0
PROVINCE = "นครศรีธรรมราช"
PLAN_YEAR = 2561


@dataclass
class Setup:
    peo: Any
    groups: list[Any]
    published: Any  # PlanVersion
    draft: Any  # PlanVersion
    users: dict[str, Any]
    counts: dict[str, int]
    build_s: float | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("plan page benchmark (--suite plans)")
    group.add_argument(
        "--plan-projects", type=int, default=300, help="projects in the plan (default 300)"
    )
    group.add_argument(
        "--plan-activities", type=int, default=1500, help="activities in the plan (default 1500)"
    )
    group.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the planner's plan page and print the functions that take the time",
    )


# Data ------------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> Setup:
    """The plan, its versions and the four kinds of reader (built unless already there)."""
    from django.db.models import Count

    from benchmarks.plan_data import PlanSize, build_plan, publish_and_revise
    from phaen.orgs.models import OrgUnit
    from phaen.plans.models import (
        ActionPlan,
        Activity,
        AlignmentLink,
        Goal,
        Indicator,
        IndicatorTarget,
        PlanVersion,
        Project,
        ProjectOwner,
        StrategicIssue,
        Strategy,
    )

    peo = OrgUnit.objects.get(kind=OrgUnit.Kind.PROVINCIAL_OFFICE, province=PROVINCE)
    groups = list(OrgUnit.objects.filter(parent=peo, kind=OrgUnit.Kind.WORK_GROUP).order_by("path"))
    areas = list(
        OrgUnit.objects.filter(
            parent=peo,
            kind__in=[OrgUnit.Kind.PRIMARY_SERVICE_AREA, OrgUnit.Kind.SECONDARY_SERVICE_AREA],
        ).order_by("path")
    )
    others = list(
        OrgUnit.objects.filter(parent=peo)
        .exclude(kind=OrgUnit.Kind.WORK_GROUP)
        .exclude(pk__in=[a.pk for a in areas])
        .order_by("path")[:20]
    )
    users = make_users(peo, groups[0])
    plan = ActionPlan.objects.filter(unit=peo, fiscal_year__year=PLAN_YEAR).first()
    build_s = None
    if plan is None:
        started = time.perf_counter()
        size = PlanSize(projects=args.plan_projects, activities=args.plan_activities)
        built = build_plan(
            unit=peo,
            lead_units=groups,
            partner_units=areas + others,
            year=PLAN_YEAR,
            size=size,
            seed=args.seed,
            actor=users["PEO planner"],
        )
        publish_and_revise(built, approver=users["director"], publisher=users["PEO planner"])
        build_s = round(time.perf_counter() - started, 2)
        plan = built.plan
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    published = next(v for v in versions if v.status == PlanVersion.Status.PUBLISHED)
    draft = next(v for v in versions if v.status == PlanVersion.Status.DRAFT)
    counts = {
        "projects": Project.objects.filter(plan_version=draft).count(),
        "activities": Activity.objects.filter(plan_version=draft).count(),
        "sub-activities": Activity.objects.filter(plan_version=draft, parent__isnull=False).count(),
    }
    counts |= {
        "strategic issues": StrategicIssue.objects.filter(plan_version=draft).count(),
        "goals": Goal.objects.filter(plan_version=draft).count(),
        "goal indicators": Indicator.objects.filter(plan_version=draft, goal__isnull=False).count(),
        "project indicators": Indicator.objects.filter(
            plan_version=draft, project__isnull=False
        ).count(),
        "indicator targets": IndicatorTarget.objects.filter(indicator__plan_version=draft).count(),
        "strategies": Strategy.objects.filter(plan_version=draft).count(),
        "owners": ProjectOwner.objects.filter(project__plan_version=draft).count(),
        "alignment links": AlignmentLink.objects.filter(plan_version=draft).count(),
        "lead units": Project.objects.filter(plan_version=draft)
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .count(),
    }
    return Setup(peo, groups, published, draft, users, counts, build_s)


def make_users(peo: Any, group: Any) -> dict[str, Any]:
    """The readers of the plan page (created if missing, so --reuse works); anonymous is None."""
    from phaen.core.access import Role
    from phaen.core.models import User
    from phaen.orgs.models import Membership

    specs = [
        ("PEO planner", "bench-peo-planner", Role.PLANNER, peo),
        ("director", "bench-peo-director", Role.APPROVER, peo),
        ("work-group reporter", "bench-wg-reporter", Role.REPORTER, group),
    ]
    users: dict[str, Any] = {}
    for label, username, role, unit in specs:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": f"ผู้ใช้ทดสอบ {label}"}
        )
        if created:
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, unit=unit, role=role)
        users[label] = user
    users["anonymous"] = None
    return users


# Cases -----------------------------------------------------------------------------------------


@dataclass
class Case:
    result: Any  # benchmarks.timing.Result
    bytes: int | None = None
    db_ms: float | None = None  # time inside the database driver, one run


def _client(user: Any) -> Any:
    from django.test import Client

    from benchmarks.run import _client_for

    return Client() if user is None else _client_for(user)


def _db_time(fn: Any) -> float:
    """Milliseconds spent executing SQL during one call of ``fn``."""
    from django.db import connection

    spent = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += (time.perf_counter_ns() - start) / 1e6

    with connection.execute_wrapper(timed):
        fn()
    return round(spent[0], 2)


def page_case(
    args: argparse.Namespace,
    *,
    group: str,
    case: str,
    user_label: str,
    user: Any,
    url: str,
    target_ms: float | None = None,
) -> Case:
    from benchmarks.run import _get
    from benchmarks.timing import measure

    fetch = _get(_client(user), url)
    result = measure(
        fetch,
        group=group,
        case=case,
        user=user_label,
        warmup=args.warmup,
        repeat=args.page_repeat,
        target_ms=target_ms,
        describe=lambda response: url,
    )
    return Case(result, bytes=len(fetch().content), db_ms=_db_time(fetch))


def run_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    from django.urls import reverse

    from benchmarks.timing import measure
    from phaen.plans.selectors import gap_analysis, plan_outline

    draft, published, users = setup.draft, setup.published, setup.users
    cases: list[Case] = []
    common = {"warmup": args.warmup, "repeat": args.repeat}
    outline = measure(
        lambda: plan_outline(draft),
        group="a. selector",
        case=f"plan_outline (draft #{draft.pk})",
        describe=lambda o: f"{o.project_count} projects, {o.activity_count} activities",
        **common,
    )
    cases.append(Case(outline, db_ms=_db_time(lambda: plan_outline(draft))))
    gaps = measure(
        lambda: gap_analysis(draft),
        group="a. selector",
        case=f"gap_analysis (draft #{draft.pk})",
        describe=lambda rows: f"{sum(r.indicator_count for r in rows)} indicators",
        **common,
    )
    cases.append(Case(gaps, db_ms=_db_time(lambda: gap_analysis(draft))))

    plan_page = [
        ("PEO planner", draft),
        ("director", draft),
        ("work-group reporter", published),
        ("anonymous", published),
        ("PEO planner", published),
    ]
    for label, version in plan_page:
        cases.append(
            page_case(
                args,
                group="b. plan page",
                case=f"{version.get_status_display()} #{version.pk}",
                user_label=label,
                user=users[label],
                url=version.get_absolute_url(),
                target_ms=PLAN_TARGET_MS,
            )
        )
    planner = users["PEO planner"]
    others = [
        ("alignment", reverse("plans:alignment", args=[draft.pk])),
        ("gap analysis", reverse("plans:gaps", args=[draft.pk])),
        ("calendar", f"{reverse('plans:calendar')}?version={draft.pk}"),
    ]
    for name, url in others:
        cases.append(
            page_case(
                args,
                group="c. other pages",
                case=f"{name} (draft #{draft.pk})",
                user_label="PEO planner",
                user=planner,
                url=url,
            )
        )
    return cases


def profile_plan_page(setup: Setup, limit: int = 30) -> str:
    """cProfile of the planner's plan page (after a warm-up): the top functions, by own time."""
    from benchmarks.run import _get

    fetch = _get(_client(setup.users["PEO planner"]), setup.draft.get_absolute_url())
    for _ in range(3):
        fetch()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        fetch()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


# Output ----------------------------------------------------------------------------------------


def print_cases(cases: list[Case]) -> None:
    header = ("group", "case", "user", "median", "p95", "min", "queries", "db ms", "bytes", "")
    rows = [header]
    for c in cases:
        r = c.result
        mark = "" if r.met is None else ("ok" if r.met else "MISSED")
        rows.append(
            (
                r.group,
                r.case,
                r.user,
                f"{r.median_ms:.1f}",
                f"{r.p95_ms:.1f}",
                f"{r.min_ms:.1f}",
                str(r.queries),
                "" if c.db_ms is None else f"{c.db_ms:.1f}",
                "" if c.bytes is None else f"{c.bytes:,}",
                mark if c.bytes is not None else r.detail,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5, 6, 7, 8}
    print("\nTimes in ms (median, p95 and min of the timed runs); queries, db ms and bytes of one")
    print("run (db ms: time inside the database driver)\n")
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


def run(args: argparse.Namespace, info: dict[str, Any], backend: str) -> int:
    """The plan suite (the database is migrated and holds the org tree)."""
    from django.db import connection

    from benchmarks import tree as tree_module
    from benchmarks.database import BENCH_DIR
    from benchmarks.run import load_average

    print()
    print(f"{info['server']} | Python {info['python']} | Django {info['django']}")
    print(f"{info['machine']} | DEBUG={info['debug']} | load {info['load_before']}")
    print(f"Org units: {info['units']['total']:,}")
    setup = prepare(args)
    if setup.build_s is not None:
        started = time.perf_counter()
        tree_module.analyze()
        info["plan_analyze_s"] = round(time.perf_counter() - started, 2)
    info["plan_build_s"] = setup.build_s
    info["plan"] = {
        "unit": setup.peo.name,
        "published_version": setup.published.pk,
        "draft_version": setup.draft.pk,
        **setup.counts,
    }
    print(f"\nPlan of {setup.peo.name}, FY{PLAN_YEAR}: published #{setup.published.pk}, ", end="")
    print(f"draft #{setup.draft.pk} (a copy)")
    print("  " + ", ".join(f"{n:,} {what}" for what, n in setup.counts.items()))
    if setup.build_s is not None:
        print(f"  built, approved, published and copied in {setup.build_s} s")
    else:
        print("  reused (--reuse)")

    cases = run_cases(setup, args)
    print_cases(cases)
    checked = [c.result for c in cases if c.result.target_ms is not None]
    missed = [r for r in checked if not r.met]
    summary = {
        "target_ms": PLAN_TARGET_MS,
        "checked": len(checked),
        "missed": [f"{r.case} ({r.user})" for r in missed],
    }
    target = f"Plan page target < {PLAN_TARGET_MS:.0f} ms"
    if connection.vendor != "postgresql":
        target += " (the target is PostgreSQL's; SQLite shown for reference)"
    print()
    if missed:
        print(f"{target}: MISSED by {len(missed)} of {len(checked)} cases:")
        for line in summary["missed"]:
            print(f"  - {line}")
    else:
        print(f"{target}: all {len(checked)} cases met.")

    info["load_after"] = load_average()
    print(f"\nLoad average: {info['load_before']} before, {info['load_after']} after")
    profile = profile_plan_page(setup) if args.profile else ""
    if profile:
        print("\ncProfile of 5 requests of the planner's plan page\n")
        print(profile)
    out = BENCH_DIR / f"plans-{backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "info": info,
        "summary": summary,
        "results": [{**c.result.as_dict(), "bytes": c.bytes, "db_ms": c.db_ms} for c in cases],
        "profile": profile,
    }
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    print(f"Results written to {out.relative_to(REPO)}")
    return 1 if args.strict and missed else 0


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import main as run_main

    return run_main(["--suite", "plans", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
