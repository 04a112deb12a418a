"""Repeated timing with warm-up, query counts and the EXPLAIN of what a case runs; and what the
plan, budget and monitoring suites do around their cases (:class:`Case`, :func:`finish_suite`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection


@dataclass
class Result:
    group: str
    case: str
    user: str
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    queries: int
    repeat: int
    detail: str = ""
    target_ms: float | None = None
    sql: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms < self.target_ms

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target_met"] = self.met
        return data


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 runs is the 48th fastest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def measure(
    fn: Callable[[], Any],
    *,
    group: str,
    case: str,
    user: str = "",
    warmup: int,
    repeat: int,
    target_ms: float | None = None,
    describe: Callable[[Any], str] | None = None,
) -> Result:
    """Run ``fn`` ``warmup`` times, once more counting its queries, then ``repeat`` timed times."""
    for _ in range(warmup):
        fn()
    with QueryRecorder() as recorder:
        outcome = fn()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return Result(
        group=group,
        case=case,
        user=user,
        median_ms=round(statistics.median(timings), 3),
        p95_ms=round(percentile(timings, 0.95), 3),
        min_ms=round(min(timings), 3),
        max_ms=round(max(timings), 3),
        queries=len(recorder.statements),
        repeat=repeat,
        detail=describe(outcome) if describe else "",
        target_ms=target_ms,
        sql=recorder.statements,
    )


class QueryRecorder:
    """Records every statement run on the default connection, parameters inlined.

    An execute wrapper rather than ``connection.queries``: a request through the test client
    resets that log when it starts, which would hide the request's own queries.
    """

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._context: Any = None

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        cursor = context["cursor"]
        self.statements.append(connection.ops.last_executed_query(cursor, sql, params))
        return result

    def __enter__(self) -> QueryRecorder:
        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)


def captured_sql(fn: Callable[[], Any]) -> list[str]:
    """The SQL statements ``fn`` runs, with their parameters inlined."""
    with QueryRecorder() as recorder:
        fn()
    return recorder.statements


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


_ACCESS = [
    re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\S+)"),
    re.compile(r"(Seq Scan) on (\S+)"),
    re.compile(r"(SEARCH|SCAN) (\S+(?: USING (?:COVERING )?INDEX \S+)?)"),
]
_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


def plan_highlights(plan: str) -> dict[str, Any]:
    """How the tables were read, and PostgreSQL's own execution time."""
    access = []
    for line in plan.splitlines():
        for pattern in _ACCESS:
            match = pattern.search(line)
            if match:
                access.append(f"{match.group(1)} {match.group(2)}")
                break
    execution = _TIME.search(plan)
    return {
        "access": access,
        "execution_ms": float(execution.group(1)) if execution else None,
    }


# What every suite does with its cases ----------------------------------------------------------


@dataclass
class Case:
    """One timed case of a suite: its result, and what one more run of it measured."""

    result: Result
    bytes: int | None = None  # the response's size (pages)
    db_ms: float | None = None  # time inside the database driver, one run
    #: The call the case times, kept when its statements may be EXPLAINed (pages, selectors;
    #: not services, which write).
    fetch: Callable[[], Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.result.as_dict(), "bytes": self.bytes, "db_ms": self.db_ms}


def db_time(fn: Callable[[], Any]) -> float:
    """Milliseconds spent executing SQL during one call of ``fn``."""
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


def measure_case(fn: Callable[[], Any], *, explainable: bool = False, **measure_args: Any) -> Case:
    """:func:`measure` ``fn``, then the time one more call spends in the database driver.

    ``explainable`` keeps ``fn`` on the case for the EXPLAIN of its statements (leave it off for
    what writes).
    """
    result = measure(fn, **measure_args)
    return Case(result, db_ms=db_time(fn), fetch=fn if explainable else None)


def measure_page(fetch: Callable[[], Any], url: str, **measure_args: Any) -> Case:
    """:func:`measure` a page ``fetch`` of ``url`` (the test client's GET), then the response's
    size and the time one more request spends in the database driver."""
    result = measure(fetch, describe=lambda response: url, **measure_args)
    return Case(result, bytes=len(fetch().content), db_ms=db_time(fetch), fetch=fetch)


def profile_calls(fn: Callable[[], Any], *, warmup: int = 3, runs: int = 5, limit: int = 30) -> str:
    """cProfile of ``runs`` calls of ``fn`` after ``warmup`` untimed ones: the top ``limit``
    functions by own time, then by cumulative time."""
    for _ in range(warmup):
        fn()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def print_suite_header(info: dict[str, Any]) -> None:
    """The server, the versions, the machine, the load and the size of the org tree."""
    print()
    print(f"{info['server']} | Python {info['python']} | Django {info['django']}")
    print(f"{info['machine']} | DEBUG={info['debug']} | load {info['load_before']}")
    print(f"Org units: {info['units']['total']:,}")


def print_cases(cases: list[Case]) -> None:
    """The table of the cases: times, queries, database time, response size, target mark."""
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
    print("\nTimes in ms (median, p95 and min of the timed runs); queries, db ms and bytes of one")
    print("run (db ms: time inside the database driver)\n")
    print_table(rows, numeric={3, 4, 5, 6, 7, 8})


def print_table(rows: Sequence[Sequence[str]], *, numeric: set[int]) -> None:
    """``rows`` in columns, the first one a header with a rule under it; the columns whose
    index is in ``numeric`` right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


def finish_suite(
    args: argparse.Namespace,
    info: dict[str, Any],
    cases: list[Case],
    *,
    suite: str,
    backend: str,
    target: str,
    targets: dict[str, Any],
    several_targets: bool = False,
    notes: Sequence[str] = (),
    extra_summary: dict[str, Any] | None = None,
    explain: Callable[[list[Case]], list[dict[str, Any]]] | None = None,
    profile: Callable[[], str] | None = None,
    profile_title: str = "",
) -> int:
    """The end of a suite's run, once its cases are timed; its exit status.

    Prints the table of ``cases`` and the ``notes``, then whether the cases with a target met it
    (``target`` says what the target is; on SQLite it adds that the target is PostgreSQL's, or
    that the targets are with ``several_targets``), the EXPLAIN of ``explain(cases)`` (unless
    ``--no-explain``), the load average and, with ``--profile``, ``profile()`` under
    ``profile_title``. Writes ``var/bench/<suite>-<backend>.json``: ``info``; ``summary``
    (``targets``, the cases checked and missed, ``extra_summary``); ``results``; ``explain``
    (only for a suite that explains) and ``profile``. Returns 1 if ``--strict`` and a case
    missed its target, else 0.
    """
    from benchmarks.database import BENCH_DIR, REPO
    from benchmarks.run import load_average

    print_cases(cases)
    for note in notes:
        print(f"\n{note}")
    checked = [c.result for c in cases if c.result.target_ms is not None]
    missed = [r for r in checked if not r.met]
    summary = {
        **targets,
        "checked": len(checked),
        "missed": [f"{r.case} ({r.user})" for r in missed],
        **(extra_summary or {}),
    }
    if connection.vendor != "postgresql":
        which = "the targets are" if several_targets else "the target is"
        target += f" ({which} PostgreSQL's; SQLite shown for reference)"
    print()
    if missed:
        print(f"{target}: MISSED by {len(missed)} of {len(checked)} cases:")
        for line in summary["missed"]:
            print(f"  - {line}")
    else:
        print(f"{target}: all {len(checked)} cases met.")

    explains = [] if explain is None or args.no_explain else explain(cases)
    info["load_after"] = load_average()
    print(f"\nLoad average: {info['load_before']} before, {info['load_after']} after")
    profiled = profile() if profile is not None and args.profile else ""
    if profiled:
        print(f"\n{profile_title}\n")
        print(profiled)
    out = BENCH_DIR / f"{suite}-{backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "info": info,
        "summary": summary,
        "results": [c.as_dict() for c in cases],
    }
    if explain is not None:
        document["explain"] = explains
    document["profile"] = profiled
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    print(f"Results written to {out.relative_to(REPO)}")
    return 1 if args.strict and missed else 0


def suite_main(suite: str, argv: list[str] | None = None) -> int:
    """``benchmarks/run.py --suite <suite>`` with ``argv`` (by default the command line's)."""
    from benchmarks.run import main as run_main

    return run_main(["--suite", suite, *(sys.argv[1:] if argv is None else argv)])
