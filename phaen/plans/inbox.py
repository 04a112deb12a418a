"""The plans section of "waiting for me" (งานที่รอฉัน): plan versions the user may approve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import has_any_role
from phaen.core.inbox import INBOX_ITEM_LIMIT, InboxItem, InboxSection
from phaen.plans.models import PlanVersion, Project

if TYPE_CHECKING:
    from phaen.core.models import User

APPROVE = "approve"


def plan_versions_to_approve(user: User) -> InboxSection | None:
    """Draft versions of open fiscal years that ``user`` may approve (``version_approve``).

    A plan has no "submitted" state: every draft is waiting for its approver. Drafts without
    a project are left out, since they cannot be approved yet. Three queries (the grants, the
    count, the first items) however many plans there are.
    """
    if not has_any_role(user, PlanVersion.access_rules.roles_for(APPROVE)):
        return None
    waiting = (
        PlanVersion.objects.restrict(user, APPROVE)
        .filter(status=PlanVersion.Status.DRAFT, plan__fiscal_year__is_open=True)
        .filter(Exists(Project.objects.filter(plan_version=OuterRef("pk"))))
    )
    total = waiting.count()
    versions = (
        waiting.select_related("plan__unit", "plan__fiscal_year").order_by(
            "plan__fiscal_year__year", "plan__unit__path", "number"
        )[:INBOX_ITEM_LIMIT]
        if total
        else []
    )
    items = [
        InboxItem(
            text=_("%(plan)s ฉบับที่ %(number)s") % {"plan": version.plan, "number": version.number},
            url=reverse("plans:planversion_approve", args=[version.pk]),
            detail=f"{version.plan.unit.label} · {version.plan.fiscal_year}",
        )
        for version in versions
    ]
    return InboxSection(
        title=gettext_lazy("แผนปฏิบัติการที่รออนุมัติ"),
        total=total,
        items=items,
        more_url=reverse("plans:actionplan_list"),
        order=20,
    )
