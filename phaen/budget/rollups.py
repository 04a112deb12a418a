"""Keeping the budget's running sums (BudgetRollup, BudgetMonthRollup) in step with each write.

Every change of money adds a delta to one row per unit on the way from the allocation's unit to
the root, with one ``INSERT … ON CONFLICT DO UPDATE`` statement (PostgreSQL and SQLite both
support it), inside the service's transaction. ``rebuild`` recomputes everything from the base
tables: the tests compare both, and operators can run it after a bulk import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from phaen.budget.models import (
    Allocation,
    BudgetMonthRollup,
    BudgetRollup,
    Commitment,
    Disbursement,
    SpendingPlanLine,
)
from phaen.core.trees import path_ids

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Key:
    fiscal_year_id: int
    unit_path: str
    fund_source_id: int
    category_id: int
    economic_class: str
    parent_id: int | None = None  # the allocation this one was allocated from


def entry_unit_ids(unit_path: str, parent_unit_path: str | None) -> list[int]:
    """The units an allocation brings money into: its own unit and the units above it, up to
    (not including) the unit of the allocation it was allocated from — every unit up to the root
    for an envelope. A unit's budget is then the money entering its subtree, each baht once:
    a work group's share of its office's envelope counts at the work group (and the office counts
    the envelope), a project's share of its work group's money adds nothing new."""
    above = set(path_ids(parent_unit_path)) if parent_unit_path is not None else set()
    return [unit_id for unit_id in path_ids(unit_path) if unit_id not in above]


def _entry_ids(key: Key) -> list[int]:
    if key.parent_id is None:
        return path_ids(key.unit_path)
    parent_path = (
        Allocation.objects.filter(pk=key.parent_id).values_list("unit_path", flat=True).first()
    )
    return entry_unit_ids(key.unit_path, parent_path)


def open_commitments_with_paid(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Annotate ``paid``: what has been disbursed against each commitment."""
    paid = (
        Disbursement.objects.filter(commitment=OuterRef("pk"))
        .values("commitment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return commitments.annotate(paid=Coalesce(Subquery(paid), Value(ZERO)))


def key_of(allocation: Allocation) -> Key:
    return Key(
        allocation.fiscal_year_id,
        allocation.unit_path,
        allocation.fund_source_id,
        allocation.top_category_id,
        allocation.economic_class,
        allocation.parent_id,
    )


def _upsert(
    table: str,
    key_columns: list[str],
    value_columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    copied: list[str],
) -> None:
    """Add ``value_columns`` of ``rows`` to existing rows with the same key, or insert them.

    Each row is the key columns, then the ``copied`` columns (set on insert), then the values.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = key_columns + copied + value_columns
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(
        f"{quote(column)} = {quote(table)}.{quote(column)} + excluded.{quote(column)}"
        for column in value_columns
    )
    # Table and column names come from our own models, quoted; values are parameters.
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


KEY_COLUMNS = ["fiscal_year_id", "unit_id", "fund_source_id", "category_id"]


def add_allocated(key: Key, *, original: Decimal, allocated: Decimal) -> None:
    """Change the allocated totals of the units ``key``'s allocation brings money into."""
    if not original and not allocated:
        return
    rows = [
        (
            key.fiscal_year_id,
            unit_id,
            key.fund_source_id,
            key.category_id,
            key.economic_class,
            original,
            allocated,
        )
        for unit_id in _entry_ids(key)
    ]
    _upsert(
        BudgetRollup._meta.db_table,
        KEY_COLUMNS,
        ["original", "allocated"],
        rows,
        copied=["economic_class"],
    )


def add_month(
    key: Key,
    month: date,
    *,
    planned: Decimal = ZERO,
    committed: Decimal = ZERO,
    owed: Decimal = ZERO,
    disbursed: Decimal = ZERO,
) -> None:
    """Change one month's sums of ``key``'s unit and every unit above it (the planned amount
    only where the allocation brings money in, like its allocated amount)."""
    if not planned and not committed and not owed and not disbursed:
        return
    first = month.replace(day=1)
    entry = set(_entry_ids(key)) if planned else set()
    rows = []
    for unit_id in path_ids(key.unit_path):
        unit_planned = planned if unit_id in entry else ZERO
        if not unit_planned and not committed and not owed and not disbursed:
            continue
        rows.append(
            (
                key.fiscal_year_id,
                unit_id,
                key.fund_source_id,
                key.category_id,
                first,
                key.economic_class,
                unit_planned,
                committed,
                owed,
                disbursed,
            )
        )
    _upsert(
        BudgetMonthRollup._meta.db_table,
        [*KEY_COLUMNS, "month"],
        ["planned", "committed", "owed", "disbursed"],
        rows,
        copied=["economic_class"],
    )


@transaction.atomic
def rebuild(fiscal_year_ids: Iterable[int] | None = None) -> None:
    """Recompute the running sums of some fiscal years (all when None) from the base tables."""
    years = list(fiscal_year_ids) if fiscal_year_ids is not None else None
    envelope = BudgetRollup.objects.all()
    month = BudgetMonthRollup.objects.all()
    allocations = Allocation.objects.all()
    if years is not None:
        envelope = envelope.filter(fiscal_year_id__in=years)
        month = month.filter(fiscal_year_id__in=years)
        allocations = allocations.filter(fiscal_year_id__in=years)
    envelope.delete()
    month.delete()

    totals: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in allocations.values(
        "fiscal_year_id",
        "unit_path",
        "parent__unit_path",
        "fund_source_id",
        "top_category_id",
        "economic_class",
        "original_amount",
        "amount",
    ):
        for unit_id in entry_unit_ids(row["unit_path"], row["parent__unit_path"]):
            key = (
                row["fiscal_year_id"],
                unit_id,
                row["fund_source_id"],
                row["top_category_id"],
                row["economic_class"],
            )
            totals[key][0] += row["original_amount"]
            totals[key][1] += row["amount"]
    BudgetRollup.objects.bulk_create(
        [
            BudgetRollup(
                fiscal_year_id=key[0],
                unit_id=key[1],
                fund_source_id=key[2],
                category_id=key[3],
                economic_class=key[4],
                original=values[0],
                allocated=values[1],
            )
            for key, values in totals.items()
        ],
        batch_size=1000,
    )

    months: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])

    def add(rows: Iterable[dict[str, Any]], index: int, *, entry: bool = False) -> None:
        for row in rows:
            first = row["month"].replace(day=1)
            unit_ids = (
                entry_unit_ids(row["allocation__unit_path"], row["allocation__parent__unit_path"])
                if entry
                else path_ids(row["allocation__unit_path"])
            )
            for unit_id in unit_ids:
                key = (
                    row["allocation__fiscal_year_id"],
                    unit_id,
                    row["allocation__fund_source_id"],
                    row["allocation__top_category_id"],
                    row["allocation__economic_class"],
                    first,
                )
                months[key][index] += row["total"]

    fields = [
        "allocation__fiscal_year_id",
        "allocation__unit_path",
        "allocation__fund_source_id",
        "allocation__top_category_id",
        "allocation__economic_class",
    ]
    lines = SpendingPlanLine.objects.filter(allocation__in=allocations)
    add(
        lines.values(*fields, "allocation__parent__unit_path", "month").annotate(
            total=Sum("amount")
        ),
        0,
        entry=True,
    )
    commitments = Commitment.objects.filter(allocation__in=allocations).exclude(
        status=Commitment.Status.CANCELLED
    )
    add(
        [
            {**row, "month": row["date"]}
            for row in commitments.values(*fields, "date").annotate(total=Sum("amount"))
        ],
        1,
    )
    owed_rows = []
    for commitment in open_commitments_with_paid(
        Commitment.objects.filter(allocation__in=allocations, status=Commitment.Status.OPEN)
    ).select_related("allocation"):
        owed = max(commitment.amount - commitment.paid, ZERO)  # type: ignore[attr-defined]
        if owed:
            allocation = commitment.allocation
            owed_rows.append(
                {
                    "allocation__fiscal_year_id": allocation.fiscal_year_id,
                    "allocation__unit_path": allocation.unit_path,
                    "allocation__fund_source_id": allocation.fund_source_id,
                    "allocation__top_category_id": allocation.top_category_id,
                    "allocation__economic_class": allocation.economic_class,
                    "month": commitment.date,
                    "total": owed,
                }
            )
    add(owed_rows, 2)
    add(
        [
            {**row, "month": row["date"]}
            for row in Disbursement.objects.filter(allocation__in=allocations)
            .values(*fields, "date")
            .annotate(total=Sum("amount"))
        ],
        3,
    )
    BudgetMonthRollup.objects.bulk_create(
        [
            BudgetMonthRollup(
                fiscal_year_id=key[0],
                unit_id=key[1],
                fund_source_id=key[2],
                category_id=key[3],
                economic_class=key[4],
                month=key[5],
                planned=values[0],
                committed=values[1],
                owed=values[2],
                disbursed=values[3],
            )
            for key, values in months.items()
        ],
        batch_size=1000,
    )


def rebuild_after_move(old_path: str, new_path: str) -> None:
    """A unit moved: its allocations now sum into other ancestors; recompute their years."""
    years = set(
        Allocation.objects.filter(unit_path__startswith=new_path).values_list(
            "fiscal_year_id", flat=True
        )
    )
    if years:
        rebuild(years)
