"""The shapes of the demo budget data: frozen dataclasses that ``phaen.demo.loader.load_budget``
turns into allocations, spending plans, commitments and disbursements through the budget
services.

Conventions (as in ``phaen.demo.plan_data``):

- dates are written as Thai officials write them, BE: ``"2561-01-19"`` is 19 January 2561
  (2018-01-19 CE); :func:`day` turns them into CE dates, as the models store them;
- money is a string with the usual separators, ``"12,345.67"``, read as ``Decimal`` (never a
  float) by :func:`baht`;
- projects are referred to by their code in the plan, activities by their position
  (``"2"`` is the project's second activity); units by their code (``phaen.demo.orgs_data``);
- document numbers of purchase orders, contracts and disbursements are not written in the data:
  the loader numbers them in date order (``ศธ 0293/2561-015``, ``สัญญาเลขที่ 04/2561``,
  ``ขบ. 0042/2561``), as an office's registers do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from phaen.demo.plan_data.specs import BE_OFFSET


def day(text: str) -> date:
    """``"2561-01-19"`` (BE) → ``date(2018, 1, 19)``."""
    year, month, number = (int(part) for part in text.split("-"))
    return date(year - BE_OFFSET, month, number)


def baht(text: str) -> Decimal:
    """``"12,345.67"`` → ``Decimal("12345.67")``."""
    return Decimal(text.replace(",", ""))


@dataclass(frozen=True)
class Payment:
    """เบิกจ่าย: money paid out, against the order it belongs to or directly (allowances,
    honoraria, small purchases paid on receipt)."""

    date: str
    amount: str
    description: str


@dataclass(frozen=True)
class Order:
    """ก่อหนี้ผูกพัน: a purchase/hire order or a contract and the payments made against it."""

    date: str
    amount: str
    counterpart: str
    description: str
    payments: tuple[tuple[str, str], ...]  # (date, amount)
    contract: bool = False  # a contract (สัญญา) rather than an order (ใบสั่งซื้อ/สั่งจ้าง)


Record = Payment | Order


def pay(date_text: str, amount: str, description: str) -> Payment:
    return Payment(date_text, amount, description)


def order(
    date_text: str,
    amount: str,
    counterpart: str,
    description: str,
    *payments: tuple[str, str],
) -> Order:
    return Order(date_text, amount, counterpart, description, payments)


def contract(
    date_text: str,
    amount: str,
    counterpart: str,
    description: str,
    *payments: tuple[str, str],
) -> Order:
    return Order(date_text, amount, counterpart, description, payments, contract=True)


THAI_MONTHS = (
    "",
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def monthly(day_of_month: int, first: str, description: str, *amounts: str) -> tuple[Payment, ...]:
    """One payment a month from ``first`` (BE ``"2560-10"``) on ``day_of_month``; ``{month}``
    in the description becomes the month, e.g. "ตุลาคม 2560"."""
    year, month = (int(part) for part in first.split("-"))
    payments = []
    for amount in amounts:
        label = f"{THAI_MONTHS[month]} {year}"
        payments.append(
            Payment(
                f"{year}-{month:02d}-{day_of_month:02d}", amount, description.format(month=label)
            )
        )
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return tuple(payments)


def each_month(day_of_month: int, first: str, *amounts: str) -> tuple[tuple[str, str], ...]:
    """Payments of an order, one a month from ``first`` (BE ``"2560-10"``) on ``day_of_month``."""
    return tuple(
        (payment.date, payment.amount) for payment in monthly(day_of_month, first, "", *amounts)
    )


@dataclass(frozen=True)
class Leaf:
    """The spending of one allocation at the bottom of a project: an activity's (``activity`` is
    its position) or, when the project is not allocated further, the project's own (``""``)."""

    activity: str
    records: tuple[Record, ...]
    category: str = ""  # a sub-item (รายการ) of the envelope's category, e.g. ค่าสาธารณูปโภค


def spend(activity: str, *records: Record | tuple[Record, ...], category: str = "") -> Leaf:
    flat: list[Record] = []
    for record in records:
        flat.extend(record if isinstance(record, tuple) else (record,))
    return Leaf(activity, tuple(flat), category)


@dataclass(frozen=True)
class ProjectMoneySpec:
    """A project's money: which envelope (category) pays for it, whether the allocation goes down
    to its activities (only when their budgets add up to the project's), and what was spent.

    ``story`` says in a line what happened (ahead of or behind its spending plan, and why)."""

    code: str
    story: str
    spending: tuple[Leaf, ...]
    category: str = "operating"
    to_activities: bool = True


@dataclass(frozen=True)
class EquipmentSpec:
    """A รายการครุภัณฑ์ of the งบลงทุน envelope: allocated to a work group, planned for a month,
    bought under an order or a contract."""

    unit: str
    name: str
    amount: str
    planned: str  # BE month the plan expected to pay, "2561-03"
    spending: tuple[Record, ...]
    category: str = "investment-equipment"


@dataclass(frozen=True)
class TransferSpec:
    """โอนเปลี่ยนแปลง between two projects' allocations (project codes; their leaf allocations)."""

    source: str
    target: str
    amount: str
    reason: str
    decision_note: str = ""  # empty: the request is still waiting for approval


@dataclass(frozen=True)
class EnvelopeSpec:
    """A unit's envelope (วงเงิน) of one fund source and category."""

    unit: str
    fund: str
    category: str
    amount: str
    note: str
