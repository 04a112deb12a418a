"""Repeated timing with warm-up, query counts and the EXPLAIN of what a case runs."""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable
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
