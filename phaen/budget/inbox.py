"""The budget section of "waiting for me" (งานที่รอฉัน): transfers the user may approve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.models import BudgetTransfer
from phaen.core.access import has_any_role
from phaen.core.inbox import INBOX_ITEM_LIMIT, InboxItem, InboxSection
from phaen.thai.money import format_baht

if TYPE_CHECKING:
    from phaen.core.models import User

APPROVE = "approve"
_LABEL_JOINS = ("unit", "fund_source", "category__parent", "project", "activity")


def transfers_to_approve(user: User) -> InboxSection | None:
    """Requested transfers (โอนเปลี่ยนแปลง) ``user`` may approve or reject, oldest first.

    Three queries (the grants, the count, the first items) however many are waiting.
    """
    if not has_any_role(user, BudgetTransfer.access_rules.roles_for(APPROVE)):
        return None
    waiting = BudgetTransfer.objects.restrict(user, APPROVE).filter(
        status=BudgetTransfer.Status.REQUESTED
    )
    total = waiting.count()
    transfers = (
        waiting.select_related(
            *[f"{side}__{join}" for side in ("source", "target") for join in _LABEL_JOINS]
        ).order_by("created_at", "pk")[:INBOX_ITEM_LIMIT]
        if total
        else []
    )
    items = [
        InboxItem(
            text=_("ขอโอนเปลี่ยนแปลง %(amount)s บาท") % {"amount": format_baht(transfer.amount)},
            url=reverse("budget:budgettransfer", args=[transfer.pk]),
            detail=_("จาก %(source)s ไปยัง %(target)s")
            % {"source": transfer.source, "target": transfer.target},
        )
        for transfer in transfers
    ]
    return InboxSection(
        title=gettext_lazy("คำขอโอนเปลี่ยนแปลงงบประมาณที่รออนุมัติ"),
        total=total,
        items=items,
        more_url=reverse("budget:budgettransfer_list") + "?status=requested",
        order=40,
    )
