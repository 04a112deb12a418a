"""The monitoring sections of "waiting for me" (งานที่รอฉัน): progress reports the user must
write or correct, and submitted reports the user may approve."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Role, has_any_role
from phaen.core.inbox import INBOX_ITEM_LIMIT, InboxItem, InboxSection
from phaen.monitoring.models import APPROVE, ProgressReport
from phaen.monitoring.selectors import (
    NOT_STARTED,
    ReportTask,
    reports_awaiting_approval,
    reports_to_write,
)
from phaen.thai.dates import format_date_short, to_local_date

if TYPE_CHECKING:
    from phaen.core.models import User

State = ProgressReport.State


def task_url(task: ReportTask) -> str:
    """The report's page, or the page that starts it when there is no report yet."""
    if task.report_id is not None:
        return reverse("monitoring:progressreport", args=[task.report_id])
    query = urlencode({"project": task.project.pk, "period": task.period.pk})
    return f"{reverse('monitoring:progressreport_start')}?{query}"


def _task_text(task: ReportTask) -> str:
    project = task.project
    return f"{project.code} {project.name}".strip()


def _state_label(task: ReportTask) -> str:
    if task.state == NOT_STARTED:
        return _("ยังไม่เริ่มจัดทำ")
    return str(State(task.state).label)


def _submitted_detail(task: ReportTask) -> str:
    if task.since is None:
        return str(task.period)
    return _("%(period)s · ส่งเมื่อ %(date)s") % {
        "period": task.period,
        "date": format_date_short(to_local_date(task.since)),
    }


def reports_to_write_section(user: User) -> InboxSection | None:
    """Reports the user must write (quarters due soon or past due whose projects, led by the
    user's units, have no report or a draft) or correct (returned); ``None`` for users who are
    not reporters (planners follow whole units on the compliance board instead). A fixed
    number of queries (``selectors.reports_to_write``)."""
    if not has_any_role(user, {Role.REPORTER}):
        return None
    tasks = reports_to_write(user, limit=INBOX_ITEM_LIMIT)
    items = [
        InboxItem(
            text=_task_text(task),
            url=task_url(task),
            detail=_("%(period)s · %(state)s")
            % {"period": task.period, "state": _state_label(task)},
            due_on=task.due_on,
            overdue=task.overdue,
        )
        for task in tasks.items
    ]
    return InboxSection(
        title=gettext_lazy("รายงานความก้าวหน้าที่ต้องจัดทำหรือแก้ไข"),
        total=tasks.total,
        items=items,
        more_url=reverse("monitoring:progressreport_start"),
        order=50,
    )


def reports_to_approve_section(user: User) -> InboxSection | None:
    """Submitted reports the user may approve or return, longest waiting first; ``None`` for
    users who approve nothing. Three queries however many wait."""
    if not has_any_role(user, ProgressReport.access_rules.roles_for(APPROVE)):
        return None
    tasks = reports_awaiting_approval(user, limit=INBOX_ITEM_LIMIT)
    items = [
        InboxItem(
            text=_task_text(task),
            url=task_url(task),
            detail=_submitted_detail(task),
        )
        for task in tasks.items
    ]
    return InboxSection(
        title=gettext_lazy("รายงานความก้าวหน้าที่รอการพิจารณา"),
        total=tasks.total,
        items=items,
        more_url=reverse("monitoring:progressreport_bulk_approve"),
        order=45,
    )
