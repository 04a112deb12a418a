#!/usr/bin/env python
"""Benchmark the compliance board, the quarterly overview and saving a report on a province with
50,000 projects.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/phaen_bench_monitoring DEBUG=1 \\
        .venv/bin/python benchmarks/monitoring.py   # = benchmarks/run.py --suite monitoring
    DEBUG=1 .venv/bin/python benchmarks/monitoring.py   # SQLite (var/bench/)

On the national org tree of ``benchmarks/tree.py`` it builds the FY2561 budget of
ศธจ.นครศรีธรรมราช with ``benchmarks/budget_data.py`` (a published plan of 50,000 projects led by
its work groups, service areas and schools, with their allocations, spending plans, commitments
and 500,000 disbursements: the overview reads that money), then with
``benchmarks/monitoring_data.py`` the quarterly targets of the projects' indicators and the
progress reports of Q1 and Q2 for most of the projects that must report, in mixed states, with
activity lines, indicator results, problems, corrective actions and the timeline. Then it times,
with warm-up and repetitions (median, p95 and min in ms, the SQL queries of one run and the time
inside the database driver):

a. the selectors, with a fresh grant lookup each run (as in a request): ``compliance_board`` of
   the province (Q2 and Q1, the PEO's planner), of a service area (the planner) and of a work
   group (its reporter); ``compliance_projects``, the first page of the province's projects
   (all, and those with a submitted report), of a service area's and of the work group's;
   ``quarterly_overview`` of the province (Q2 and Q1) and of the work group;
b. the pages ``monitoring:compliance`` and ``monitoring:overview`` through Django's test client,
   when the project has them (``?unit=…&period=…``);
c. the services, committed: ``report_update`` (saving a draft report of Q2: as the work group's
   reporter, after the lock date under a late-entry exception the PEO's planner granted, and as
   the planner) and ``result_record`` (recording the indicator result of a fresh draft report).

Targets (the issue): the compliance board and the quarterly overview of the province under
500 ms on PostgreSQL; saving a report under 100 ms. It then prints EXPLAIN (ANALYZE, BUFFERS)
(PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the slowest SELECT statements of the selectors
and pages and writes everything to ``var/bench/monitoring-<backend>.json``; ``--profile`` adds
a cProfile of the province's quarterly overview (the selector).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from benchmarks.timing import Case

BOARD_TARGET_MS = 500.0
SAVE_TARGET_MS = 100.0
#: The note of the results the benchmark records (removed again by the next run).
RESULT_NOTE = "ผลจากการทดสอบความเร็ว (benchmarks/monitoring.py)"
BUDGET_YEAR = 2561


@dataclass
class Setup:
    budget: Any  # benchmarks.budget.Setup
    periods: dict[str, Any]  # kind -> ReportingPeriod
    users: dict[str, Any]
    draft: Any  # a draft Q2 report of the work group (report_update)
    fresh: list[tuple[Any, Any]]  # (draft report, its indicator) without a result yet
    counts: dict[str, int]
    build: dict[str, float] | None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The monitoring suite reuses the budget suite's options (``--budget-projects``,
    ``--budget-disbursements``, ``--slow-repeat``); it adds none of its own."""


# Data ------------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> Setup:
    """The province's budget and monitoring (built unless already there)."""
    from django.db.models import Count

    from benchmarks import budget
    from benchmarks.monitoring_data import build_monitoring
    from phaen.monitoring.models import (
        ActivityProgress,
        CorrectiveAction,
        IndicatorResult,
        LateEntryException,
        Problem,
        ProgressReport,
        ReportDecision,
        ReportingPeriod,
    )
    from phaen.monitoring.selectors import required_projects
    from phaen.monitoring.services import late_entry_grant
    from phaen.plans.models import IndicatorTarget

    started = time.perf_counter()
    base = budget.prepare(args)
    build: dict[str, float] | None = None
    if base.build is not None:
        build = {f"budget: {step}": s for step, s in base.build.items() if step != "total"}
        build["budget"] = base.build["total"]
    peo, year, group = base.peo, base.fiscal_year, base.group
    users = dict(base.users)
    mine = ProgressReport.objects.filter(
        period__fiscal_year=year, plan_unit_path__startswith=peo.path
    )
    if not mine.exists():
        step = time.perf_counter()
        built = build_monitoring(
            peo=peo,
            fiscal_year=year,
            director=users["director"],
            seed=args.seed,
            reserve_drafts_of=group,
        )
        build = build or {}
        build |= {f"monitoring: {name}": s for name, s in built.seconds.items()}
        build["monitoring"] = round(time.perf_counter() - step, 2)
    periods = {
        p.kind: p
        for p in ReportingPeriod.objects.filter(fiscal_year=year).select_related("fiscal_year")
    }
    q2 = periods["Q2"]
    if not LateEntryException.objects.filter(period=q2, unit=group, revoked_at=None).exists():
        late_entry_grant(
            actor=users["PEO planner"],
            period=q2,
            unit=group,
            until=date.today() + timedelta(days=30),
            reason="ทดสอบความเร็ว: ให้กลุ่มบันทึกรายงานไตรมาส 2 หลังวันปิดรับ",
        )
    drafts = list(
        ProgressReport.objects.filter(
            period=q2, state=ProgressReport.State.DRAFT, unit_path__startswith=group.path
        )
        .select_related("project")
        .order_by("pk")
    )
    if not drafts:
        raise SystemExit(f"no draft Q2 report of {group}: a bigger province?")
    draft = drafts[0]  # report_update saves this one; result_record uses the others
    # The results an earlier run recorded (--reuse) go, so that the drafts are fresh again.
    IndicatorResult.objects.filter(report__in=drafts, note=RESULT_NOTE).delete()
    with_result = set(
        IndicatorResult.objects.filter(report__in=drafts).values_list("report_id", flat=True)
    )
    fresh = []
    for report in drafts[1:]:
        indicator = report.project.indicators.order_by("pk").first()
        if indicator is not None and report.pk not in with_result:
            fresh.append((report, indicator))

    counts = {
        "projects": base.counts["projects"],
        "activities": base.counts["activities"],
        "disbursements": base.counts["disbursements"],
        "indicator targets": IndicatorTarget.objects.filter(
            indicator__project__plan_version__plan__unit=peo
        ).count(),
    }
    for kind in ("Q1", "Q2"):
        period = periods[kind]
        counts[f"{kind} must report"] = required_projects(period, peo.path).count()
        by_state = dict(
            mine.filter(period=period).values_list("state").annotate(n=Count("pk")).order_by()
        )
        counts[f"{kind} reports"] = sum(by_state.values())
        counts |= {f"{kind} {state}": n for state, n in sorted(by_state.items())}
    counts |= {
        "activity lines": ActivityProgress.objects.filter(report__in=mine).count(),
        "indicator results": IndicatorResult.objects.filter(
            period__fiscal_year=year, plan_unit_path__startswith=peo.path
        ).count(),
        "problems": Problem.objects.filter(report__in=mine).count(),
        "corrective actions": CorrectiveAction.objects.filter(
            unit_path__startswith=peo.path
        ).count(),
        "timeline steps": ReportDecision.objects.filter(report__in=mine).count(),
        "fresh drafts for result_record": len(fresh),
    }
    if build is not None:
        build["total"] = round(time.perf_counter() - started, 2)
    return Setup(base, periods, users, draft, fresh, counts, build)


# Cases -----------------------------------------------------------------------------------------


def _fresh_grants(user: Any, fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with the user's grants looked up again each run, as in a new request."""
    from phaen.core.access import forget_grants

    def run() -> Any:
        forget_grants(user)
        return fn()

    return run


def selector_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    from benchmarks.timing import measure_case
    from phaen.monitoring.selectors import (
        compliance_board,
        compliance_projects,
        quarterly_overview,
    )

    b = setup.budget
    peo, group, area = b.peo, b.group, b.area
    q1, q2 = setup.periods["Q1"], setup.periods["Q2"]
    planner, reporter = setup.users["PEO planner"], setup.users["work-group reporter"]

    def board(o: Any) -> str:
        total = o.total
        return f"{len(o.rows)} rows, {total.required} must report, {total.ever_submitted} submitted"

    def page(o: Any) -> str:
        return f"{len(o.rows)} of {o.page.paginator.count} projects"

    def overview(o: Any) -> str:
        return f"{o.project_count} projects, {o.activity_count} activities"

    specs: list[tuple[str, str, Any, Callable[[], Any], Callable[[Any], str], float | None]] = [
        (
            f"compliance_board (province #{peo.pk}, Q2)",
            "PEO planner",
            planner,
            lambda: compliance_board(planner, q2, peo),
            board,
            BOARD_TARGET_MS,
        ),
        (
            f"compliance_board (province #{peo.pk}, Q1)",
            "PEO planner",
            planner,
            lambda: compliance_board(planner, q1, peo),
            board,
            BOARD_TARGET_MS,
        ),
        (
            f"compliance_board (service area #{area.pk}, Q2)",
            "PEO planner",
            planner,
            lambda: compliance_board(planner, q2, area),
            board,
            None,
        ),
        (
            f"compliance_board (work group #{group.pk}, Q2)",
            "work-group reporter",
            reporter,
            lambda: compliance_board(reporter, q2, group),
            board,
            None,
        ),
        (
            f"compliance_projects, page 1 (province #{peo.pk}, Q2)",
            "PEO planner",
            planner,
            lambda: compliance_projects(planner, q2, peo),
            page,
            BOARD_TARGET_MS,
        ),
        (
            f"compliance_projects, state=submitted, page 1 (province #{peo.pk}, Q2)",
            "PEO planner",
            planner,
            lambda: compliance_projects(planner, q2, peo, state="submitted"),
            page,
            None,
        ),
        (
            f"compliance_projects, child=service area #{area.pk}, page 1 (Q2)",
            "PEO planner",
            planner,
            lambda: compliance_projects(planner, q2, peo, child=area),
            page,
            None,
        ),
        (
            f"compliance_projects, page 1 (work group #{group.pk}, Q2)",
            "work-group reporter",
            reporter,
            lambda: compliance_projects(reporter, q2, group),
            page,
            None,
        ),
        (
            f"quarterly_overview (province #{peo.pk}, Q2)",
            "PEO planner",
            planner,
            lambda: quarterly_overview(planner, q2, peo),
            overview,
            BOARD_TARGET_MS,
        ),
        (
            f"quarterly_overview (province #{peo.pk}, Q1)",
            "PEO planner",
            planner,
            lambda: quarterly_overview(planner, q1, peo),
            overview,
            BOARD_TARGET_MS,
        ),
        (
            f"quarterly_overview (work group #{group.pk}, Q2)",
            "work-group reporter",
            reporter,
            lambda: quarterly_overview(reporter, q2, group),
            overview,
            None,
        ),
    ]
    return [
        measure_case(
            _fresh_grants(user, fn),
            explainable=True,
            group="a. selectors",
            case=case,
            user=user_label,
            describe=describe,
            warmup=args.warmup,
            repeat=args.repeat,
            target_ms=target,
        )
        for case, user_label, user, fn, describe, target in specs
    ]


def page_cases(setup: Setup, args: argparse.Namespace) -> tuple[list[Case], list[str]]:
    """The monitoring pages through the test client, when the project has them."""
    from django.urls import NoReverseMatch, reverse

    from benchmarks.budget import page_case

    b = setup.budget
    q1, q2 = setup.periods["Q1"], setup.periods["Q2"]
    cases: list[Case] = []
    missing: list[str] = []
    for name in ("compliance", "overview"):
        try:
            base = reverse(f"monitoring:{name}")
        except NoReverseMatch:
            missing.append(f"monitoring:{name}")
            continue
        for label, user_label, unit, period, target in (
            ("province", "PEO planner", b.peo, q2, BOARD_TARGET_MS),
            ("province", "PEO planner", b.peo, q1, BOARD_TARGET_MS),
            ("work group", "work-group reporter", b.group, q2, None),
        ):
            cases.append(
                page_case(
                    args,
                    group="b. pages",
                    case=f"{name}: {label} #{unit.pk}, {period.kind}",
                    user_label=user_label,
                    user=setup.users[user_label],
                    url=f"{base}?unit={unit.pk}&period={period.pk}",
                    target_ms=target,
                )
            )
    return cases, missing


def service_cases(setup: Setup, args: argparse.Namespace) -> list[Case]:
    """Saving a report and recording a result through the real services, committed."""
    from benchmarks.timing import measure_case
    from phaen.core.access import forget_grants
    from phaen.monitoring.models import IndicatorResult, ProgressReport
    from phaen.monitoring.services import report_update, result_record

    reporter, planner = setup.users["work-group reporter"], setup.users["PEO planner"]
    draft = setup.draft
    cases = []
    percent = [Decimal(10)]

    for label, actor in (("work-group reporter", reporter), ("PEO planner", planner)):
        instance = ProgressReport.objects.get(pk=draft.pk)

        def save(actor: Any = actor, instance: Any = instance) -> Any:
            forget_grants(actor)
            percent[0] = percent[0] % 90 + 1
            instance.percent_complete = percent[0]
            instance.summary = f"ดำเนินการแล้วร้อยละ {percent[0]}"
            saved = report_update(actor=actor, instance=instance, expected_version=instance.version)
            instance.version = saved.version
            return saved

        cases.append(
            measure_case(
                save,
                group="c. services",
                case=f"report_update (draft Q2 report #{draft.pk})",
                user=label,
                warmup=args.warmup,
                repeat=args.repeat,
                target_ms=SAVE_TARGET_MS,
                describe=lambda row: f"version {row.version}",
            )
        )

    pool = iter(setup.fresh)

    def record() -> Any:
        forget_grants(reporter)
        report, indicator = next(pool)
        return result_record(
            actor=reporter,
            instance=IndicatorResult(
                indicator=indicator,
                period=report.period,
                report=report,
                actual_value=Decimal(indicator.target_value) / 2,
                note=RESULT_NOTE,
            ),
        )

    # Each run needs a report without a result: warm-up, the counted run, the db-time run.
    warmup = min(args.warmup, 2)
    repeat = min(args.repeat, len(setup.fresh) - warmup - 2)
    if repeat < 1:
        print(f"\nresult_record not timed: only {len(setup.fresh)} fresh draft reports")
    else:
        cases.append(
            measure_case(
                record,
                group="c. services",
                case=f"result_record (fresh draft Q2 reports of the work group, {repeat} runs)",
                user="work-group reporter",
                warmup=warmup,
                repeat=repeat,
                target_ms=SAVE_TARGET_MS,
                describe=lambda row: f"score {row.score}",
            )
        )
    return cases


def profile_overview(setup: Setup) -> str:
    """cProfile of five runs of the province's quarterly overview (Q2), after a warm-up."""
    from benchmarks.timing import profile_calls
    from phaen.monitoring.selectors import quarterly_overview

    planner = setup.users["PEO planner"]
    return profile_calls(
        _fresh_grants(
            planner, lambda: quarterly_overview(planner, setup.periods["Q2"], setup.budget.peo)
        )
    )


# Output ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, info: dict[str, Any], backend: str) -> int:
    """The monitoring suite (the database is migrated and holds the org tree)."""
    from benchmarks.budget import describe_data, explain_all
    from benchmarks.timing import finish_suite, print_suite_header

    print_suite_header(info)
    setup = prepare(args)
    b = setup.budget
    info["monitoring_build_s"] = setup.build
    info["monitoring"] = {
        "unit": b.peo.name,
        "fiscal_year": BUDGET_YEAR,
        "work_group": b.group.name,
        "service_area": b.area.name,
        "draft_report": setup.draft.pk,
        **setup.counts,
    }
    describe_data(
        info, f"Monitoring of {b.peo.name}, FY{BUDGET_YEAR} Q1–Q2", setup.counts, setup.build
    )

    cases = selector_cases(setup, args)
    pages, missing = page_cases(setup, args)
    cases += pages
    cases += service_cases(setup, args)
    return finish_suite(
        args,
        info,
        cases,
        suite="monitoring",
        backend=backend,
        target=(
            f"Targets: board and overview of the province < {BOARD_TARGET_MS:.0f} ms, "
            f"saving < {SAVE_TARGET_MS:.0f} ms"
        ),
        targets={"targets_ms": {"board and overview": BOARD_TARGET_MS, "saving": SAVE_TARGET_MS}},
        several_targets=True,
        notes=[f"Not timed (no such page yet): {', '.join(missing)}"] if missing else [],
        extra_summary={"pages_missing": missing},
        explain=explain_all,
        profile=lambda: profile_overview(setup),
        profile_title="cProfile of 5 runs of the province's quarterly overview (Q2)",
    )


def main(argv: list[str] | None = None) -> int:
    from benchmarks.timing import suite_main

    return suite_main("monitoring", argv)


if __name__ == "__main__":
    sys.exit(main())
