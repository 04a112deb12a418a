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
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from benchmarks.timing import Case

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

    from benchmarks.bulk import province_units
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

    peo, groups, areas = province_units(PROVINCE)
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
    from benchmarks.bulk import bench_users
    from phaen.core.access import Role

    users: dict[str, Any] = bench_users(
        [
            ("PEO planner", "bench-peo-planner", Role.PLANNER, peo),
            ("director", "bench-peo-director", Role.APPROVER, peo),
            ("work-group reporter", "bench-wg-reporter", Role.REPORTER, group),
        ]
    )
    users["anonymous"] = None
    return users


# Cases -----------------------------------------------------------------------------------------


def _client(user: Any) -> Any:
    from django.test import Client

    from benchmarks.run import _client_for

    return Client() if user is None else _client_for(user)


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
    from benchmarks.timing import measure_page

    return measure_page(
        _get(_client(user), url),
        url,
        group=group,
        case=case,
        user=user_label,
        warmup=args.warmup,
        repeat=args.page_repeat,
        target_ms=target_ms,
    )


def run_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    from django.urls import reverse

    from benchmarks.timing import measure_case
    from phaen.plans.selectors import gap_analysis, plan_outline

    draft, published, users = setup.draft, setup.published, setup.users
    common = {"warmup": args.warmup, "repeat": args.repeat}
    cases = [
        measure_case(
            lambda: plan_outline(draft),
            group="a. selector",
            case=f"plan_outline (draft #{draft.pk})",
            describe=lambda o: f"{o.project_count} projects, {o.activity_count} activities",
            **common,
        ),
        measure_case(
            lambda: gap_analysis(draft),
            group="a. selector",
            case=f"gap_analysis (draft #{draft.pk})",
            describe=lambda rows: f"{sum(r.indicator_count for r in rows)} indicators",
            **common,
        ),
    ]

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


def profile_plan_page(setup: Setup) -> str:
    """cProfile of the planner's plan page (after a warm-up): the top functions, by own time."""
    from benchmarks.run import _get
    from benchmarks.timing import profile_calls

    return profile_calls(_get(_client(setup.users["PEO planner"]), setup.draft.get_absolute_url()))


# Output ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, info: dict[str, Any], backend: str) -> int:
    """The plan suite (the database is migrated and holds the org tree)."""
    from benchmarks import tree as tree_module
    from benchmarks.timing import finish_suite, print_suite_header

    print_suite_header(info)
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

    return finish_suite(
        args,
        info,
        run_cases(setup, args),
        suite="plans",
        backend=backend,
        target=f"Plan page target < {PLAN_TARGET_MS:.0f} ms",
        targets={"target_ms": PLAN_TARGET_MS},
        profile=lambda: profile_plan_page(setup),
        profile_title="cProfile of 5 requests of the planner's plan page",
    )


def main(argv: list[str] | None = None) -> int:
    from benchmarks.timing import suite_main

    return suite_main("plans", argv)


if __name__ == "__main__":
    sys.exit(main())
