"""State changes of the budget: allocating, planning spending, committing, disbursing,
transferring, closing the year. One transaction each, audited, with the running sums kept.

The one rule money obeys: on every allocation and each allocation above it, what is *used*
(disbursed + what open commitments still owe) never exceeds the amount after transfers, and
children never add up to more than their parent. Going over is refused, or — where the unit's
policy says "warn" — allowed with a written reason that the audit log keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from phaen.budget import rollups
from phaen.budget.models import (
    Allocation,
    BudgetPolicy,
    BudgetTransfer,
    CarryOver,
    Commitment,
    Disbursement,
    FundSource,
    Lapse,
    SpendingPlanLine,
)
from phaen.core.access import Action, can, can_at, user_grants
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.services import (
    audit_action,
    check_version,
    object_create,
    object_delete,
    object_update,
)
from phaen.core.trees import child_path, path_ids
from phaen.orgs.models import OrgUnit
from phaen.plans.models import FiscalYear
from phaen.thai.calendar import FiscalYear as FiscalPeriod
from phaen.thai.dates import format_date_short
from phaen.thai.money import format_baht

if TYPE_CHECKING:
    from phaen.core.models import User

ZERO = Decimal("0.00")
SATANG = Decimal("0.01")
CARRY_OVER_MONTHS = 6


# Figures of a branch ------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Money of an allocation and everything allocated below it."""

    amount: Decimal
    disbursed: Decimal
    open_commitments: Decimal  # what open commitments still owe

    @property
    def used(self) -> Decimal:
        return self.disbursed + self.open_commitments

    @property
    def available(self) -> Decimal:
        return self.amount - self.used


paid_on = rollups.open_commitments_with_paid


@dataclass(frozen=True)
class CommitmentState:
    """What a commitment contributes to the running sums: its month, gross amount and owed."""

    month: date
    gross: Decimal
    owed: Decimal


def commitment_state(commitment: Commitment) -> CommitmentState:
    gross = ZERO if commitment.status == Commitment.Status.CANCELLED else commitment.amount
    owed = ZERO
    if commitment.status == Commitment.Status.OPEN:
        owed = max(commitment_balance(commitment), ZERO)
    return CommitmentState(commitment.date, gross, owed)


def track_commitment(
    allocation: Allocation, before: CommitmentState | None, after: CommitmentState | None
) -> None:
    """Move a commitment's contribution in the running sums from ``before`` to ``after``."""
    key = rollups.key_of(allocation)
    if before is not None:
        rollups.add_month(key, before.month, committed=-before.gross, owed=-before.owed)
    if after is not None:
        rollups.add_month(key, after.month, committed=after.gross, owed=after.owed)


def branch_usage(allocation: Allocation) -> Usage:
    """Disbursed and still-owed money of an allocation's branch (three indexed queries)."""
    in_branch = {"allocation__tree_path__startswith": allocation.tree_path}
    disbursed = Disbursement.objects.filter(**in_branch).aggregate(total=Sum("amount"))["total"]
    open_rows = paid_on(Commitment.objects.filter(status=Commitment.Status.OPEN, **in_branch))
    owed = open_rows.aggregate(total=Sum(Greatest(F("amount") - F("paid"), Value(ZERO))))["total"]
    return Usage(allocation.amount, disbursed or ZERO, owed or ZERO)


def commitment_balance(commitment: Commitment) -> Decimal:
    paid = commitment.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO
    return commitment.amount - paid


def children_total(allocation: Allocation, *, exclude_pk: int | None = None) -> Decimal:
    children = Allocation.objects.filter(parent=allocation)
    if exclude_pk is not None:
        children = children.exclude(pk=exclude_pk)
    return children.aggregate(total=Sum("amount"))["total"] or ZERO


def policy_for(unit: OrgUnit) -> BudgetPolicy:
    """The policy of the unit or of the nearest unit above it (defaults when none)."""
    policies = {p.unit_id: p for p in BudgetPolicy.objects.filter(unit_id__in=path_ids(unit.path))}
    for unit_id in reversed(path_ids(unit.path)):
        if unit_id in policies:
            return policies[unit_id]
    return BudgetPolicy(unit=unit)


def chain(allocation: Allocation) -> list[Allocation]:
    """The allocation and every allocation above it, itself first (locked for the write)."""
    ids = path_ids(allocation.tree_path)
    rows = {a.pk: a for a in Allocation.objects.select_for_update().filter(pk__in=ids)}
    return [rows[pk] for pk in reversed(ids) if pk in rows]


def check_room(
    allocation: Allocation, extra_use: Decimal, *, override_reason: str, what: str
) -> None:
    """Refuse ``extra_use`` more on an allocation's branch when it, or any branch above, would
    exceed its amount — unless the unit's policy allows it with a reason."""
    for link in chain(allocation):
        usage = branch_usage(link)
        if usage.used + extra_use <= link.amount:
            continue
        over = usage.used + extra_use - link.amount
        message = _(
            "%(what)s %(extra)s บาท ทำให้ใช้จ่ายของ “%(allocation)s” รวม %(used)s บาท เกินวงเงิน "
            "%(amount)s บาท อยู่ %(over)s บาท"
        ) % {
            "what": what,
            "extra": format_baht(extra_use),
            "allocation": link,
            "used": format_baht(usage.used + extra_use),
            "amount": format_baht(link.amount),
            "over": format_baht(over),
        }
        policy = policy_for(allocation.unit)
        if policy.overspend_mode == BudgetPolicy.OverspendMode.WARN:
            if override_reason.strip():
                return
            raise DomainError(
                message + " " + _("หากจำเป็นต้องเกินวงเงิน ให้ระบุเหตุผลแล้วบันทึกอีกครั้ง"),
                field="override_reason",
            )
        raise DomainError(message + " " + _("ระบบจึงไม่บันทึก"), field="amount")


# Allocations --------------------------------------------------------------------------------


def _prepare_allocation(allocation: Allocation) -> None:
    if allocation.parent_id is not None:
        # The parent as it is now, locked: its amount and state decide what may be allocated.
        allocation.parent = (
            Allocation.objects.select_for_update(of=("self",))
            .select_related("unit", "top_category")
            .get(pk=allocation.parent_id)
        )
    parent = allocation.parent
    if allocation.activity_id:
        allocation.project = allocation.activity.project  # type: ignore[union-attr]
        allocation.level = Allocation.Level.ACTIVITY
    elif allocation.project_id:
        allocation.level = Allocation.Level.PROJECT
    else:
        allocation.level = Allocation.Level.UNIT
    project = allocation.project
    if project is not None:
        if project.lead_unit_id is None:
            raise DomainError(_("โครงการนี้ยังไม่มีเจ้าภาพหลัก จึงจัดสรรงบประมาณให้ไม่ได้"), field="project")
        allocation.unit = project.lead_unit  # type: ignore[assignment]
        allocation.project_lineage = project.lineage
    category = allocation.category
    allocation.economic_class = category.economic_class
    allocation.top_category = category.parent if category.parent_id else category  # type: ignore[assignment]
    allocation.unit_path = allocation.unit.path
    if parent is not None:
        if parent.fiscal_year_id != allocation.fiscal_year_id:
            raise DomainError(_("การจัดสรรต้องอยู่ในปีงบประมาณเดียวกับต้นทาง"), field="parent")
        if parent.fund_source_id != allocation.fund_source_id:
            raise DomainError(_("การจัดสรรต้องใช้แหล่งเงินเดียวกับต้นทาง"), field="fund_source")
        if parent.top_category_id != allocation.top_category_id:
            raise DomainError(
                _("งบรายจ่ายต้องอยู่ใน “%s” เช่นเดียวกับการจัดสรรต้นทาง (โอนข้ามงบใช้การโอนเปลี่ยนแปลง)")
                % parent.top_category,
                field="category",
            )
        if not allocation.unit.path.startswith(parent.unit.path):
            raise DomainError(_("จัดสรรได้เฉพาะหน่วยงานภายใต้ “%s”") % parent.unit, field="unit")
        if parent.level == Allocation.Level.ACTIVITY:
            raise DomainError(_("การจัดสรรให้กิจกรรมแบ่งต่อไม่ได้"), field="parent")
        _not_closed(parent, field="parent")
        if allocation.pk is None and (
            Commitment.objects.filter(allocation=parent).exists()
            or Disbursement.objects.filter(allocation=parent).exists()
        ):
            raise DomainError(
                _("“%s” มีการก่อหนี้หรือเบิกจ่ายโดยตรงแล้ว จึงแบ่งจัดสรรต่อไม่ได้") % parent,
                field="parent",
            )
        if (
            allocation.activity_id
            and parent.project_id
            and parent.project_id != allocation.project_id
        ):
            raise DomainError(_("กิจกรรมต้องอยู่ในโครงการของการจัดสรรต้นทาง"), field="activity")
    elif allocation.project_id:
        raise DomainError(_("การจัดสรรให้โครงการหรือกิจกรรมต้องจัดสรรจากวงเงินของหน่วยงาน"), field="parent")
    year = FiscalYear.objects.get(pk=allocation.fiscal_year_id)
    if not year.is_open:
        raise DomainError(_("ปีงบประมาณ พ.ศ. %s ปิดแล้ว") % year.year, field="fiscal_year")


def _not_closed(allocation: Allocation, *, field: str | None = None) -> None:
    """An allocation closed at year end (its remainder lapsed or was carried over) is final:
    no records, no new allocations under it, no corrections, plans or transfers."""
    if allocation.closed_at is not None:
        raise DomainError(
            _("ปิดปีงบประมาณของ “%(allocation)s” แล้วเมื่อ %(when)s จึงบันทึกเพิ่มหรือแก้ไขไม่ได้")
            % {"allocation": allocation, "when": format_date_short(allocation.closed_at.date())},
            field=field,
        )


def _check_within_parent(allocation: Allocation) -> None:
    parent = allocation.parent
    if parent is None:
        return
    siblings = children_total(parent, exclude_pk=allocation.pk)
    if siblings + allocation.amount > parent.amount:
        raise DomainError(
            _(
                "จัดสรรเกินวงเงินของ “%(parent)s”: วงเงิน %(amount)s บาท จัดสรรไปแล้ว %(given)s บาท "
                "เหลือจัดสรรได้ %(left)s บาท"
            )
            % {
                "parent": parent,
                "amount": format_baht(parent.amount),
                "given": format_baht(siblings),
                "left": format_baht(parent.amount - siblings),
            },
            field="amount",
        )


@transaction.atomic
def allocation_create(*, actor: User | None, instance: Allocation, reason: str = "") -> Allocation:
    """Allocate money: a unit's envelope, or part of a parent allocation."""
    _prepare_allocation(instance)
    _check_within_parent(instance)
    instance.original_amount = instance.amount
    instance.tree_path = ""
    created = object_create(actor=actor, instance=instance, reason=reason)
    parent_path = instance.parent.tree_path if instance.parent else None
    created.tree_path = child_path(parent_path, created.pk)
    created.root_id = path_ids(created.tree_path)[0]
    Allocation.objects.filter(pk=created.pk).update(
        tree_path=created.tree_path, root=created.root_id
    )
    # Every allocation counts in the running sums of the units it brings money into.
    rollups.add_allocated(
        rollups.key_of(created), original=created.amount, allocated=created.amount
    )
    return created


@transaction.atomic
def allocation_update(
    *, actor: User | None, instance: Allocation, expected_version: int | None, reason: str = ""
) -> Allocation:
    """Correct an allocation (note, category, amount). Amounts may not drop below what is
    allocated further or already used; moving money between allocations is a transfer."""
    current = Allocation.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    _not_closed(current)
    for frozen in ("fiscal_year_id", "fund_source_id", "parent_id", "project_id", "activity_id"):
        if getattr(instance, frozen) != getattr(current, frozen):
            raise DomainError(_("แก้ไขได้เฉพาะจำนวนเงิน งบรายจ่าย และหมายเหตุ"))
    _prepare_allocation(instance)
    _check_within_parent(instance)
    below = children_total(current)
    used = branch_usage(current).used
    floor = max(below, used)
    if instance.amount < floor:
        raise DomainError(
            _("ลดวงเงินได้ไม่ต่ำกว่า %(floor)s บาท (จัดสรรต่อแล้ว %(below)s บาท ใช้จ่ายแล้ว %(used)s บาท)")
            % {"floor": format_baht(floor), "below": format_baht(below), "used": format_baht(used)},
            field="amount",
        )
    if instance.top_category_id != current.top_category_id and (
        used or below or SpendingPlanLine.objects.filter(allocation=current).exists()
    ):
        raise DomainError(
            _("เปลี่ยนงบรายจ่ายไม่ได้ เมื่อมีการจัดสรรต่อ แผนการใช้จ่าย หรือการใช้จ่ายแล้ว"),
            field="category",
        )
    if current.amount == current.original_amount:
        # No transfer has touched it yet: the correction is of the original allocation itself.
        instance.original_amount = instance.amount
    updated = object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )
    rollups.add_allocated(
        rollups.key_of(current), original=-current.original_amount, allocated=-current.amount
    )
    rollups.add_allocated(
        rollups.key_of(updated), original=updated.original_amount, allocated=updated.amount
    )
    return updated


@transaction.atomic
def allocation_delete(
    *,
    actor: User | None,
    instance: Allocation,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Remove an allocation nothing depends on (no children, no spending, no transfers)."""
    current = Allocation.objects.select_for_update().get(pk=instance.pk)
    _not_closed(current)
    if current.root_id == current.pk:
        # An envelope is its own root: that (protected) reference must not block its deletion.
        Allocation.objects.filter(pk=current.pk).update(root=None)
    SpendingPlanLine.objects.filter(allocation=current).delete()
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    rollups.add_allocated(
        rollups.key_of(current), original=-current.original_amount, allocated=-current.amount
    )


# Spending plans -----------------------------------------------------------------------------


def _months_of(allocation: Allocation) -> list[date]:
    return [m.start for m in FiscalPeriod(allocation.fiscal_year.year).months()]


@transaction.atomic
def spending_plan_set(
    *, actor: User | None, allocation: Allocation, amounts: Mapping[date, Decimal], reason: str = ""
) -> list[SpendingPlanLine]:
    """Replace an allocation's monthly spending plan; the months must add up to the allocation."""
    current = (
        Allocation.objects.select_for_update().select_related("fiscal_year").get(pk=allocation.pk)
    )
    if actor is not None and not can_at(actor, SpendingPlanLine, Action.CHANGE, current.unit_path):
        raise OutOfScopeError()
    _not_closed(current)
    months = set(_months_of(current))
    cleaned = {month.replace(day=1): amount for month, amount in amounts.items() if amount}
    outside = [m for m in cleaned if m not in months]
    if outside:
        raise DomainError(_("เดือนในแผนการใช้จ่ายต้องอยู่ในปีงบประมาณของการจัดสรร"))
    if any(amount < 0 for amount in cleaned.values()):
        raise DomainError(_("จำนวนเงินในแผนการใช้จ่ายต้องไม่ติดลบ"))
    total = sum(cleaned.values(), ZERO)
    if total != current.amount:
        raise DomainError(
            _(
                "แผนการใช้จ่ายรวม %(total)s บาท ไม่เท่ากับวงเงิน %(amount)s บาท "
                "(%(direction)s %(difference)s บาท)"
            )
            % {
                "total": format_baht(total),
                "amount": format_baht(current.amount),
                "direction": _("เกิน") if total > current.amount else _("ขาดอีก"),
                "difference": format_baht(abs(total - current.amount)),
            }
        )
    old = {line.month: line.amount for line in SpendingPlanLine.objects.filter(allocation=current)}
    before = {m.isoformat(): str(a) for m, a in sorted(old.items())}
    SpendingPlanLine.objects.filter(allocation=current).delete()
    lines = SpendingPlanLine.objects.bulk_create(
        [
            SpendingPlanLine(
                allocation=current, month=month, amount=amount, created_by=actor, updated_by=actor
            )
            for month, amount in sorted(cleaned.items())
        ]
    )
    key = rollups.key_of(current)
    for month in months:
        delta = cleaned.get(month, ZERO) - old.get(month, ZERO)
        rollups.add_month(key, month, planned=delta)
    audit_record(
        actor=actor,
        action="budget.spendingplan.updated",
        obj=current,
        before={"months": before},
        after={"months": {m.isoformat(): str(a) for m, a in sorted(cleaned.items())}},
        reason=reason,
    )
    return lines


def spread_evenly(amount: Decimal, months: list[date]) -> dict[date, Decimal]:
    """Equal monthly amounts to the satang; the last months take the remaining satang."""
    if not months:
        return {}
    share = (amount / len(months)).quantize(SATANG, rounding=ROUND_DOWN)
    result = dict.fromkeys(months, share)
    remainder = amount - share * len(months)
    index = len(months) - 1
    while remainder > 0:
        result[months[index]] += SATANG
        remainder -= SATANG
        index = index - 1 if index > 0 else len(months) - 1
    return result


def spread_by_activities(allocation: Allocation) -> dict[date, Decimal]:
    """Follow the activities' schedule: each activity's budget spread over its months, scaled to
    the allocation. Falls back to an even spread when the project has no activity budgets."""
    months = _months_of(allocation)
    project = allocation.project
    if project is None:
        return spread_evenly(allocation.amount, months)
    weights = dict.fromkeys(months, ZERO)
    activities = project.activities.filter(parent=None)
    if allocation.activity_id:
        activities = project.activities.filter(pk=allocation.activity_id)
    for activity in activities:
        active = [m for m in months if activity.start_month <= m <= activity.end_month]
        for month, share in spread_evenly(activity.budget, active).items():
            weights[month] += share
    total = sum(weights.values(), ZERO)
    if total == 0:
        return spread_evenly(allocation.amount, months)
    scaled = {
        m: (allocation.amount * w / total).quantize(SATANG, rounding=ROUND_DOWN)
        for m, w in weights.items()
    }
    remainder = allocation.amount - sum(scaled.values(), ZERO)
    last = max((m for m, w in weights.items() if w), default=months[-1])
    scaled[last] += remainder
    return scaled


# Commitments and disbursements --------------------------------------------------------------


def _allowed_dates(allocation: Allocation, commitment: Commitment | None) -> tuple[date, date]:
    period = FiscalPeriod(allocation.fiscal_year.year)
    start, end = period.start, period.end
    carry = getattr(commitment, "carried_in", None) if commitment is not None else None
    if carry is not None:
        end = carry.extended_deadline or carry.deadline
    return start, end


def _check_date(day: date, allocation: Allocation, commitment: Commitment | None = None) -> None:
    start, end = _allowed_dates(allocation, commitment)
    if not start <= day <= end:
        raise DomainError(
            _("วันที่ต้องอยู่ระหว่าง %(start)s ถึง %(end)s")
            % {"start": format_date_short(start), "end": format_date_short(end)},
            field="date",
        )


def _open_ok(allocation: Allocation) -> None:
    """No new money is recorded on an allocation whose fiscal year was closed."""
    _not_closed(allocation, field="allocation")


def _leaf_ok(allocation: Allocation) -> None:
    if Allocation.objects.filter(parent=allocation).exists():
        raise DomainError(
            _("บันทึกการใช้จ่ายที่ระดับที่จัดสรรต่อแล้วไม่ได้ กรุณาเลือกการจัดสรรระดับล่างสุด"),
            field="allocation",
        )


@transaction.atomic
def commitment_create(*, actor: User | None, instance: Commitment, reason: str = "") -> Commitment:
    allocation = Allocation.objects.select_related("fiscal_year", "unit").get(
        pk=instance.allocation_id
    )
    _open_ok(allocation)
    _leaf_ok(allocation)
    _check_date(instance.date, allocation)
    check_room(
        allocation, instance.amount, override_reason=instance.override_reason, what=_("ก่อหนี้ผูกพัน")
    )
    instance.unit_path = allocation.unit_path
    created = object_create(
        actor=actor, instance=instance, reason=reason or instance.override_reason
    )
    track_commitment(allocation, None, commitment_state(created))
    return created


@transaction.atomic
def commitment_update(
    *, actor: User | None, instance: Commitment, expected_version: int | None, reason: str = ""
) -> Commitment:
    """Correct a commitment (or close/cancel it through its status)."""
    current = Commitment.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    if instance.allocation_id != current.allocation_id:
        raise DomainError(_("ย้ายข้อผูกพันไปการจัดสรรอื่นไม่ได้ ให้ยกเลิกแล้วบันทึกใหม่"), field="allocation")
    if current.status == Commitment.Status.CARRIED_OVER:
        raise DomainError(_("ข้อผูกพันนี้กันเงินไว้เบิกเหลื่อมปีแล้ว แก้ไขไม่ได้"))
    allocation = Allocation.objects.select_related("fiscal_year").get(pk=current.allocation_id)
    _check_date(instance.date, allocation, current)
    paid = current.amount - commitment_balance(current)
    if instance.amount < paid:
        raise DomainError(
            _("จำนวนเงินต้องไม่น้อยกว่าที่เบิกจ่ายไปแล้ว %s บาท") % format_baht(paid), field="amount"
        )
    old_owed = current.amount - paid if current.status == Commitment.Status.OPEN else ZERO
    new_owed = instance.amount - paid if instance.status == Commitment.Status.OPEN else ZERO
    if new_owed > old_owed:
        check_room(
            allocation,
            new_owed - old_owed,
            override_reason=instance.override_reason,
            what=_("ก่อหนี้ผูกพันเพิ่ม"),
        )
    before = commitment_state(current)
    updated = object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )
    track_commitment(allocation, before, commitment_state(updated))
    return updated


@transaction.atomic
def commitment_delete(
    *,
    actor: User | None,
    instance: Commitment,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    current = Commitment.objects.select_for_update().get(pk=instance.pk)
    if current.disbursements.exists():
        raise DomainError(_("ข้อผูกพันนี้มีการเบิกจ่ายแล้ว ลบไม่ได้ ให้ปิดหรือยกเลิกแทน"))
    allocation = Allocation.objects.get(pk=current.allocation_id)
    before = commitment_state(current)
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    track_commitment(allocation, before, None)


def _extra_use(disbursement: Disbursement, commitment: Commitment | None) -> Decimal:
    """How much a disbursement adds to *used*: nothing within an open commitment's balance."""
    if commitment is None or commitment.status != Commitment.Status.OPEN:
        return disbursement.amount
    balance = commitment_balance(commitment)
    return max(disbursement.amount - max(balance, ZERO), ZERO)


@transaction.atomic
def disbursement_create(
    *, actor: User | None, instance: Disbursement, reason: str = ""
) -> Disbursement:
    allocation = Allocation.objects.select_related("fiscal_year", "unit").get(
        pk=instance.allocation_id
    )
    commitment = instance.commitment
    if commitment is not None:
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.allocation_id != allocation.pk:
            raise DomainError(_("ข้อผูกพันที่เลือกไม่ได้อยู่ในการจัดสรรนี้"), field="commitment")
        if commitment.status in (Commitment.Status.CANCELLED, Commitment.Status.CARRIED_OVER):
            raise DomainError(
                _("ข้อผูกพันนี้%sแล้ว เบิกจ่ายไม่ได้") % commitment.get_status_display(), field="commitment"
            )
        balance = commitment_balance(commitment)
        if instance.amount > balance:
            message = _(
                "จำนวนเงิน %(amount)s บาท เกินยอดคงเหลือของข้อผูกพัน (%(balance)s บาท) อยู่ %(over)s บาท"
            ) % {
                "amount": format_baht(instance.amount),
                "balance": format_baht(balance),
                "over": format_baht(instance.amount - balance),
            }
            if policy_for(allocation.unit).overspend_mode != BudgetPolicy.OverspendMode.WARN:
                raise DomainError(message, field="amount")
            if not instance.override_reason.strip():
                raise DomainError(
                    message + " " + _("หากจำเป็น ให้ระบุเหตุผลแล้วบันทึกอีกครั้ง"),
                    field="override_reason",
                )
    _open_ok(allocation)
    _leaf_ok(allocation)
    _check_date(instance.date, allocation, commitment)
    extra = _extra_use(instance, commitment)
    if extra:
        check_room(allocation, extra, override_reason=instance.override_reason, what=_("การเบิกจ่าย"))
    instance.unit_path = allocation.unit_path
    before = commitment_state(commitment) if commitment is not None else None
    created = object_create(
        actor=actor, instance=instance, reason=reason or instance.override_reason
    )
    rollups.add_month(rollups.key_of(allocation), created.date, disbursed=created.amount)
    if commitment is not None:
        track_commitment(allocation, before, commitment_state(commitment))
    return created


@transaction.atomic
def disbursement_update(
    *, actor: User | None, instance: Disbursement, expected_version: int | None, reason: str = ""
) -> Disbursement:
    current = Disbursement.objects.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    if (
        instance.allocation_id != current.allocation_id
        or instance.commitment_id != current.commitment_id
    ):
        raise DomainError(_("ย้ายรายการเบิกจ่ายไปการจัดสรรหรือข้อผูกพันอื่นไม่ได้ ให้ลบแล้วบันทึกใหม่"))
    allocation = Allocation.objects.select_related("fiscal_year").get(pk=current.allocation_id)
    _check_date(instance.date, allocation, instance.commitment)
    increase = instance.amount - current.amount
    if increase > 0:
        check_room(
            allocation, increase, override_reason=instance.override_reason, what=_("การเบิกจ่ายเพิ่ม")
        )
    commitment = current.commitment
    before = commitment_state(commitment) if commitment is not None else None
    updated = object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )
    key = rollups.key_of(allocation)
    rollups.add_month(key, current.date, disbursed=-current.amount)
    rollups.add_month(key, updated.date, disbursed=updated.amount)
    if commitment is not None:
        track_commitment(allocation, before, commitment_state(commitment))
    return updated


@transaction.atomic
def disbursement_delete(
    *,
    actor: User | None,
    instance: Disbursement,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    current = Disbursement.objects.select_for_update().get(pk=instance.pk)
    allocation = Allocation.objects.get(pk=current.allocation_id)
    commitment = current.commitment
    before = commitment_state(commitment) if commitment is not None else None
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    rollups.add_month(rollups.key_of(allocation), current.date, disbursed=-current.amount)
    if commitment is not None:
        track_commitment(allocation, before, commitment_state(commitment))


# Transfers ----------------------------------------------------------------------------------


def common_unit(first: OrgUnit, second: OrgUnit) -> OrgUnit:
    """The lowest unit above (or equal to) both."""
    shared = [
        a for a, b in zip(path_ids(first.path), path_ids(second.path), strict=False) if a == b
    ]
    if not shared:
        raise DomainError(_("โอนระหว่างหน่วยงานที่ไม่มีต้นสังกัดร่วมกันไม่ได้"))
    return OrgUnit.objects.get(pk=shared[-1])


def _transfer_chains(
    source: Allocation, target: Allocation
) -> tuple[list[Allocation], list[Allocation]]:
    """The allocations whose amounts a transfer changes: each side up to (not including) the
    allocation both sides share; when they share none (two envelopes), the whole chains."""
    source_ids, target_ids = path_ids(source.tree_path), path_ids(target.tree_path)
    shared = 0
    while (
        shared < min(len(source_ids), len(target_ids)) and source_ids[shared] == target_ids[shared]
    ):
        shared += 1
    if shared and (shared == len(source_ids) or shared == len(target_ids)):
        raise DomainError(_("โอนระหว่างการจัดสรรกับการจัดสรรที่อยู่ภายใต้กันไม่ได้"), field="target")
    rows = {
        a.pk: a
        for a in Allocation.objects.select_for_update().filter(pk__in=source_ids + target_ids)
    }
    return [rows[pk] for pk in source_ids[shared:]], [rows[pk] for pk in target_ids[shared:]]


def _check_transfer(transfer: BudgetTransfer) -> tuple[list[Allocation], list[Allocation]]:
    source, target = transfer.source, transfer.target
    if (
        source.fiscal_year_id != target.fiscal_year_id
        or source.fiscal_year_id != transfer.fiscal_year_id
    ):
        raise DomainError(_("โอนได้เฉพาะภายในปีงบประมาณเดียวกัน"), field="target")
    if source.fund_source_id != target.fund_source_id:
        raise DomainError(_("โอนได้เฉพาะภายในแหล่งเงินเดียวกัน"), field="target")
    losing, gaining = _transfer_chains(source, target)
    for allocation, side in [(a, "source") for a in losing] + [(a, "target") for a in gaining]:
        _not_closed(allocation, field=side)
    for index, allocation in enumerate(losing):
        # An allocation above the source loses the amount, and so does its child on the way.
        children_after = children_total(allocation) - (
            transfer.amount if index < len(losing) - 1 else ZERO
        )
        floor = max(children_after, branch_usage(allocation).used)
        if allocation.amount - transfer.amount < floor:
            raise DomainError(
                _("“%(allocation)s” มีวงเงินที่โอนออกได้ไม่เกิน %(room)s บาท")
                % {
                    "allocation": allocation,
                    "room": format_baht(max(allocation.amount - floor, ZERO)),
                },
                field="amount",
            )
    return losing, gaining


@transaction.atomic
def transfer_request(
    *, actor: User | None, instance: BudgetTransfer, reason: str = ""
) -> BudgetTransfer:
    """Ask to move money; nothing moves until an approver approves."""
    instance.source = Allocation.objects.select_related("unit").get(pk=instance.source_id)
    instance.target = Allocation.objects.select_related("unit").get(pk=instance.target_id)
    instance.fiscal_year_id = instance.source.fiscal_year_id
    _check_transfer(instance)
    instance.unit_path = common_unit(instance.source.unit, instance.target.unit).path
    instance.status = BudgetTransfer.Status.REQUESTED
    return object_create(actor=actor, instance=instance, reason=reason or instance.reason)


def _decide(
    transfer: BudgetTransfer, actor: User | None, expected_version: int | None
) -> BudgetTransfer:
    current = (
        BudgetTransfer.objects.select_for_update()
        .select_related("source__unit", "target__unit")
        .get(pk=transfer.pk)
    )
    check_version(current, expected_version)
    if current.status != BudgetTransfer.Status.REQUESTED:
        raise DomainError(_("คำขอนี้พิจารณาไปแล้ว (%s)") % current.get_status_display())
    return current


def _approval_unit(actor: User | None, transfer: BudgetTransfer) -> OrgUnit | None:
    if actor is None:
        return None
    paths = [
        g.unit_path
        for g in user_grants(actor)
        if g.role == "approver" and transfer.unit_path.startswith(g.unit_path)
    ]
    if not paths:
        return None
    return OrgUnit.objects.filter(path=max(paths, key=len)).first()


@transaction.atomic
def transfer_approve(
    *, actor: User | None, transfer: BudgetTransfer, expected_version: int | None, note: str = ""
) -> BudgetTransfer:
    """Move the money: the source side loses, the target side gains; originals stay visible."""
    current = _decide(transfer, actor, expected_version)
    if actor is not None and not can(actor, "approve", current):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์อนุมัติการโอนนี้"))
    losing, gaining = _check_transfer(current)
    before = snapshot(current)
    reason = _("โอนเปลี่ยนแปลงตามคำขอเลขที่ %(number)s") % {"number": current.pk}
    for allocation, delta in [(a, -current.amount) for a in losing] + [
        (a, current.amount) for a in gaining
    ]:
        Allocation.objects.filter(pk=allocation.pk).update(
            amount=F("amount") + delta, version=F("version") + 1
        )
        rollups.add_allocated(rollups.key_of(allocation), original=ZERO, allocated=delta)
        # Each allocation's history shows its own amount before and after the transfer.
        audit_record(
            actor=actor,
            action=audit_action(Allocation, "transferred"),
            obj=allocation,
            before={"amount": str(allocation.amount)},
            after={"amount": str(allocation.amount + delta)},
            reason=reason,
        )
    current.status = BudgetTransfer.Status.APPROVED
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.decision_note = note
    current.approval_unit = _approval_unit(actor, current)
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=audit_action(BudgetTransfer, "approved"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=note,
    )
    return current


@transaction.atomic
def transfer_reject(
    *, actor: User | None, transfer: BudgetTransfer, expected_version: int | None, note: str
) -> BudgetTransfer:
    current = _decide(transfer, actor, expected_version)
    if actor is not None and not can(actor, "approve", current):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์พิจารณาการโอนนี้"))
    if not note.strip():
        raise DomainError(_("กรุณาระบุเหตุผลที่ไม่อนุมัติ"), field="note")
    before = snapshot(current)
    current.status = BudgetTransfer.Status.REJECTED
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.decision_note = note
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=audit_action(BudgetTransfer, "rejected"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=note,
    )
    return current


# Year end: carry-over and lapse -------------------------------------------------------------


@dataclass(frozen=True)
class YearEndResult:
    carried: list[CarryOver]
    lapsed: list[Lapse]
    withdrawn: list[BudgetTransfer] = field(default_factory=list)


def carry_over_deadline(fiscal_year: int) -> date:
    """Six months after the fiscal year ends (30 September): 31 March of the next fiscal year."""
    end = FiscalPeriod(fiscal_year).end
    return date(end.year + 1, 3, 31)


@transaction.atomic
def year_end_close(
    *, actor: User | None, unit: OrgUnit, fiscal_year: FiscalYear, reason: str = ""
) -> YearEndResult:
    """At the end of a fiscal year: open commitments are carried into the next year (as
    carry-over money payable for six more months); uncommitted money lapses. Both are recorded.
    Running it again only handles what is new."""
    if actor is not None and not can_at(actor, Lapse, Action.ADD, unit.path):
        raise OutOfScopeError()
    next_year = FiscalYear.objects.filter(year=fiscal_year.year + 1).first()
    carry_fund = (
        FundSource.objects.filter(kind=FundSource.Kind.CARRY_OVER, is_active=True)
        .order_by("order")
        .first()
    )
    allocations = list(
        Allocation.objects.select_for_update(of=("self",))
        .filter(fiscal_year=fiscal_year, unit_path__startswith=unit.path)
        .select_related("unit", "category", "project", "activity")
    )
    carried: list[CarryOver] = []
    open_commitments = paid_on(
        Commitment.objects.filter(allocation__in=allocations, status=Commitment.Status.OPEN)
    ).select_related("allocation")
    # Sums read back from SQLite carry more places than the column; amounts saved are to the satang.
    balances = [(c, (c.amount - c.paid).quantize(SATANG)) for c in open_commitments]  # type: ignore[attr-defined]
    if any(balance > 0 for _, balance in balances) and (next_year is None or carry_fund is None):
        raise DomainError(
            _("ต้องมีปีงบประมาณ พ.ศ. %s และแหล่งเงิน “เงินกันไว้เบิกเหลื่อมปี” ก่อน จึงจะกันเงินได้")
            % (fiscal_year.year + 1)
        )
    for commitment, balance in balances:
        if balance <= 0:
            settled = commitment_state(commitment)
            commitment.status = Commitment.Status.CLOSED
            commitment.save(update_fields=["status"])
            track_commitment(commitment.allocation, settled, commitment_state(commitment))
            continue
        if next_year is None or carry_fund is None:  # refused above; keeps the types exact
            continue
        source = commitment.allocation
        envelope = allocation_create(
            actor=None,
            instance=Allocation(
                fiscal_year=next_year,
                fund_source=carry_fund,
                category=source.category,
                unit=source.unit,
                amount=balance,
                note=_("เงินกันไว้เบิกเหลื่อมปีจาก %s") % commitment,
            ),
            reason=reason,
        )
        new = commitment_create(
            actor=None,
            instance=Commitment(
                allocation=envelope,
                date=FiscalPeriod(next_year.year).start,
                document_number=commitment.document_number,
                amount=balance,
                counterpart=commitment.counterpart,
                description=commitment.description,
                carried_from=commitment,
            ),
            reason=reason,
        )
        recorded = snapshot(commitment)
        state_before = commitment_state(commitment)
        commitment.status = Commitment.Status.CARRIED_OVER
        commitment.version += 1
        commitment.save(update_fields=["status", "version"])
        track_commitment(source, state_before, commitment_state(commitment))
        audit_record(
            actor=actor,
            action="budget.commitment.carried_over",
            obj=commitment,
            before=recorded,
            after=snapshot(commitment),
            reason=reason,
        )
        carried.append(
            object_create(
                actor=actor,
                instance=CarryOver(
                    commitment=commitment,
                    new_commitment=new,
                    amount=balance,
                    deadline=carry_over_deadline(fiscal_year.year),
                    unit_path=source.unit_path,
                ),
                reason=reason,
            )
        )
    lapsed: list[Lapse] = []
    already = set(
        Lapse.objects.filter(allocation__in=allocations).values_list("allocation_id", flat=True)
    )
    for allocation in allocations:
        if allocation.pk in already:
            continue
        own = _own_remainder(allocation)
        if own > 0:
            lapsed.append(
                object_create(
                    actor=actor,
                    instance=Lapse(
                        allocation=allocation, amount=own, unit_path=allocation.unit_path
                    ),
                    reason=reason,
                )
            )
    closed_ids = [a.pk for a in allocations]
    Allocation.objects.filter(pk__in=closed_ids, closed_at=None).update(closed_at=timezone.now())
    withdrawn = _withdraw_transfers_of(closed_ids, actor=actor)
    return YearEndResult(carried=carried, lapsed=lapsed, withdrawn=withdrawn)


def _withdraw_transfers_of(
    allocation_ids: list[int], *, actor: User | None
) -> list[BudgetTransfer]:
    """Requests still waiting when the year closes can no longer move money: withdraw them."""
    pending = list(
        BudgetTransfer.objects.select_for_update(of=("self",))
        .filter(status=BudgetTransfer.Status.REQUESTED)
        .filter(Q(source_id__in=allocation_ids) | Q(target_id__in=allocation_ids))
        .select_related("source", "target")
    )
    note = _("ถอนคำขอโดยระบบเมื่อปิดปีงบประมาณ เพราะยังไม่ได้พิจารณาก่อนปิดปี")
    for transfer in pending:
        before = snapshot(transfer)
        transfer.status = BudgetTransfer.Status.WITHDRAWN
        transfer.decided_at = timezone.now()
        transfer.decision_note = note
        transfer.version += 1
        transfer.save()
        audit_record(
            actor=actor,
            action=audit_action(BudgetTransfer, "withdrawn"),
            obj=transfer,
            before=before,
            after=snapshot(transfer),
            reason=note,
        )
    return pending


def _own_remainder(allocation: Allocation) -> Decimal:
    """What of an allocation is neither allocated further nor used at its own level."""
    disbursed = (
        Disbursement.objects.filter(allocation=allocation).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    committed = (
        Commitment.objects.filter(allocation=allocation)
        .exclude(status=Commitment.Status.CANCELLED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    paid_on_commitments = (
        Disbursement.objects.filter(allocation=allocation, commitment__isnull=False)
        .exclude(commitment__status=Commitment.Status.CANCELLED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    used = disbursed + committed - paid_on_commitments
    return (allocation.amount - children_total(allocation) - used).quantize(SATANG)


@transaction.atomic
def carry_over_extend(
    *,
    actor: User | None,
    carry_over: CarryOver,
    new_deadline: date,
    reference: str,
    expected_version: int | None,
) -> CarryOver:
    """Record an approved extension of a carry-over's deadline (e.g. the Comptroller's consent)."""
    current = CarryOver.objects.select_for_update().get(pk=carry_over.pk)
    check_version(current, expected_version)
    if actor is not None and not can(actor, "extend", current):
        raise OutOfScopeError()
    if new_deadline <= (current.extended_deadline or current.deadline):
        raise DomainError(_("วันที่ขยายต้องหลังกำหนดเดิม"), field="extended_deadline")
    if not reference.strip():
        raise DomainError(_("กรุณาระบุหนังสืออนุมัติการขยายเวลา"), field="extension_reference")
    before = snapshot(current)
    current.extended_deadline = new_deadline
    current.extension_reference = reference
    current.extension_approved_by = actor
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=audit_action(CarryOver, "extended"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=reference,
    )
    return current
