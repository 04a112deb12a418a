"""Reminders and notices of monitoring, and its section of "waiting for me".

- The scheduled job ``monitoring.send_reminders`` (``manage.py run_scheduled``, see
  docs/deployment.md) reminds the reporters of each lead unit whose report of an open quarter
  is not submitted yet (no report, or a draft): some days before the unit's due date
  (``settings.PHAEN_REPORT_REMINDER_DAYS``, default 7 and 1), on the due date, and once when it
  is overdue (until the unit's lock date, after which reporters can no longer send it).
- Notices of the workflow (``services.register_report_listener``): a submitted report goes to
  the nearest approvers above the lead unit; a returned, reopened or approved report to the
  reporter who sent it and the reporters of the lead unit. Steps taken by the system itself
  (data loading) send nothing.

Everything is sent through ``core.notifications.notify`` (in the app and by e-mail) with a key
naming the occasion, so however often the job runs, nobody gets the same notice twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phaen.core.access import Role, ancestor_paths
from phaen.core.inbox import register_inbox_source
from phaen.core.models import Notification, User
from phaen.core.notifications import notify
from phaen.core.scheduling import register_scheduled_job
from phaen.monitoring import inbox, services
from phaen.monitoring.models import PeriodDeadline, ProgressReport, ReportingPeriod
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import (
    EVER_SUBMITTED,
    Deadline,
    deadline_from,
    deadline_overrides,
    required_projects,
)
from phaen.orgs.models import Membership
from phaen.thai.dates import format_date_long

logger = logging.getLogger(__name__)

JOB_NAME = "monitoring.send_reminders"
#: Days before the due date on which reporters are reminded (``PHAEN_REPORT_REMINDER_DAYS``).
DEFAULT_REMINDER_DAYS = (7, 1)
REMINDER_KIND = "monitoring.reminder"
#: Recipients and keys looked up per query.
_CHUNK = 500

State = ProgressReport.State


def reminder_days() -> tuple[int, ...]:
    """The configured days before the due date, largest first (positive whole days)."""
    configured: Iterable[Any] = getattr(
        settings, "PHAEN_REPORT_REMINDER_DAYS", DEFAULT_REMINDER_DAYS
    )
    return tuple(sorted({int(days) for days in configured if int(days) > 0}, reverse=True))


def today() -> date:
    return timezone.localdate()


# Who hears about a report -------------------------------------------------------------------


def _active_members(role: str, unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active users holding ``role`` at each of the units (by unit id), in chunks."""
    wanted = sorted(set(unit_ids))
    members: dict[int, list[User]] = defaultdict(list)
    for start in range(0, len(wanted), _CHUNK):
        rows = (
            Membership.objects.filter(
                role=role,
                is_active=True,
                unit_id__in=wanted[start : start + _CHUNK],
                user__is_active=True,
            )
            .select_related("user")
            .order_by("unit_id", "user_id")
        )
        for membership in rows:
            members[membership.unit_id].append(membership.user)
    return members


def report_writers(report: ProgressReport) -> list[User]:
    """Who writes the report: whoever last submitted it, and the lead unit's reporters."""
    users = list(_active_members(Role.REPORTER, [report.unit_id]).get(report.unit_id, []))
    if report.submitted_by is not None and report.submitted_by.is_active:
        users.insert(0, report.submitted_by)
    return users


def report_approvers(report: ProgressReport) -> list[User]:
    """The approvers of the nearest unit at or above the lead unit that has any: the office
    director rather than everyone up to the ministry (one query)."""
    memberships = Membership.objects.filter(
        role=Role.APPROVER,
        is_active=True,
        unit__is_active=True,
        user__is_active=True,
        unit__path__in=ancestor_paths([report.unit_path]),
    ).select_related("user", "unit")
    by_path: dict[str, list[User]] = defaultdict(list)
    for membership in memberships.order_by("user_id"):
        by_path[membership.unit.path].append(membership.user)
    if not by_path:
        return []
    return by_path[max(by_path, key=len)]


# Notices of the workflow --------------------------------------------------------------------


def _report_name(report: ProgressReport) -> str:
    project = report.project
    return _("รายงานความก้าวหน้า%(period)s ของโครงการ %(project)s") % {
        "period": report.period,
        "project": f"{project.code} {project.name}".strip(),
    }


def report_notice(event: str, report: ProgressReport, actor: User | None) -> list[Notification]:
    """Tell the people concerned about a step of a report's workflow (once per step: the key
    names the report's version after the step)."""
    name = _report_name(report)
    actor_name = actor.get_full_name() if actor is not None else ""
    if event in ("submitted", "resubmitted"):
        recipients = report_approvers(report)
        if event == "submitted":
            title = _("มี%(report)s ส่งมาให้พิจารณา") % {"report": name}
        else:
            title = _("มี%(report)s ที่แก้ไขแล้วส่งมาให้พิจารณาอีกครั้ง") % {"report": name}
        body = _("ส่งโดย %(actor)s") % {"actor": actor_name} if actor_name else ""
    elif event == "returned":
        recipients = report_writers(report)
        title = _("%(report)s ถูกส่งกลับให้แก้ไข") % {"report": name}
        body = _("สิ่งที่ต้องแก้ไข: %(comment)s") % {"comment": report.return_comment}
    elif event == "reopened":
        recipients = report_writers(report)
        title = _("%(report)s ถูกเปิดให้แก้ไขใหม่") % {"report": name}
        body = _("เหตุผล: %(reason)s") % {"reason": report.reopen_reason}
    elif event == "approved":
        recipients = report_writers(report)
        title = _("%(report)s ได้รับการอนุมัติแล้ว") % {"report": name}
        body = _("อนุมัติโดย %(actor)s") % {"actor": actor_name} if actor_name else ""
    else:
        return []
    if actor is not None:
        recipients = [user for user in recipients if user.pk != actor.pk]
    return notify(
        recipients,
        kind=f"monitoring.report.{event}",
        key=f"monitoring.report:{report.pk}:{event}:v{report.version}",
        title=title,
        body=body,
        url=reverse("monitoring:progressreport", args=[report.pk]),
    )


def _on_report_step(event: str, report: ProgressReport, actor: User | None) -> None:
    """The listener: the step has committed; a failure to notify must not undo or hide it.
    Steps of the system itself (``actor=None``: data loading) tell nobody."""
    if actor is None:
        return
    try:
        with translation.override(settings.LANGUAGE_CODE):
            report_notice(event, report, actor)
    except Exception:
        logger.exception("Could not send the %s notice of report %s", event, report.pk)


# Reminders of due reports -------------------------------------------------------------------


def occasion(day: date, deadline: Deadline, days_before: Sequence[int]) -> str | None:
    """Which reminder is due on ``day``: ``before-<n>`` (the smallest configured ``n`` at
    least the days left, so a missed run is made up), ``due`` on the due date, ``overdue``
    after it until the lock date; ``None`` otherwise."""
    left = (deadline.due_on - day).days
    if left < 0:
        return "overdue" if day <= deadline.locks_on else None
    if left == 0:
        return "due"
    fitting = [days for days in days_before if days >= left]
    return f"before-{min(fitting)}" if fitting else None


def reminder_periods(day: date, days_before: Sequence[int]) -> list[ReportingPeriod]:
    """Quarters open on ``day`` whose due date (the period's or a unit's) falls within the
    reminder window and whose entry has not locked (one query)."""
    window_end = day + timedelta(days=max(days_before, default=0))
    unit_dates = PeriodDeadline.objects.filter(
        period=OuterRef("pk"), due_on__lte=window_end, locks_on__gte=day
    )
    return list(
        ReportingPeriod.objects.filter(kind__in=QUARTERS, opens_on__lte=day)
        .filter(Q(due_on__lte=window_end, locks_on__gte=day) | Exists(unit_dates))
        .select_related("fiscal_year")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class Reminder:
    """One project's reminder of one period (sent to the lead unit's reporters)."""

    period: ReportingPeriod
    project_id: int
    lineage: Any
    label: str
    unit_id: int
    deadline: Deadline
    occasion: str
    report_id: int | None

    @property
    def key(self) -> str:
        return (
            f"{REMINDER_KIND}:{self.lineage}:{self.period.pk}:{self.occasion}:"
            f"{self.deadline.due_on.isoformat()}"
        )

    @property
    def url(self) -> str:
        if self.report_id is not None:
            return reverse("monitoring:progressreport", args=[self.report_id])
        query = urlencode({"project": self.project_id, "period": self.period.pk})
        return f"{reverse('monitoring:progressreport_start')}?{query}"

    def title(self, day: date) -> str:
        values = {
            "period": self.period,
            "project": self.label,
            "date": format_date_long(self.deadline.due_on),
            "days": (self.deadline.due_on - day).days,
        }
        if self.occasion == "due":
            return _("วันนี้เป็นวันกำหนดส่งรายงานความก้าวหน้า%(period)s ของโครงการ %(project)s") % values
        if self.occasion == "overdue":
            return (
                _("เลยกำหนดส่งรายงานความก้าวหน้า%(period)s ของโครงการ %(project)s (กำหนดส่ง %(date)s)")
                % values
            )
        return (
            _(
                "อีก %(days)s วันถึงกำหนดส่งรายงานความก้าวหน้า%(period)s ของโครงการ %(project)s "
                "(กำหนดส่ง %(date)s)"
            )
            % values
        )

    def body(self) -> str:
        state = (
            _("รายงานยังเป็นฉบับร่างและยังไม่ได้ส่ง")
            if self.report_id is not None
            else _("ยังไม่ได้เริ่มจัดทำรายงาน")
        )
        lock = _("ปิดรับรายงานหลังวันที่ %(date)s") % {"date": format_date_long(self.deadline.locks_on)}
        return f"{state} · {lock}"


def due_reminders(day: date, days_before: Sequence[int]) -> list[Reminder]:
    """The reminders due on ``day``, for every project that must report in an open quarter and
    has no submitted report. A fixed number of queries per period (overrides, projects,
    drafts), whatever the number of projects."""
    reminders: list[Reminder] = []
    for period in reminder_periods(day, days_before):
        overrides = deadline_overrides(period)
        submitted = ProgressReport.objects.filter(period=period, state__in=EVER_SUBMITTED)
        projects = (
            required_projects(period)
            .exclude(lineage__in=submitted.order_by().values("project_lineage"))
            .order_by("lead_unit_path", "code", "pk")
            .values_list("pk", "lineage", "code", "name", "lead_unit_id", "lead_unit_path")
        )
        drafts = dict(
            ProgressReport.objects.filter(period=period, state=State.DRAFT).values_list(
                "project_lineage", "pk"
            )
        )
        for pk, lineage, code, name, unit_id, unit_path in projects.iterator(chunk_size=2000):
            deadline = deadline_from(period, overrides, unit_path)
            when = occasion(day, deadline, days_before)
            if when is None:
                continue
            reminders.append(
                Reminder(
                    period=period,
                    project_id=pk,
                    lineage=lineage,
                    label=f"{code} {name}".strip(),
                    unit_id=unit_id,
                    deadline=deadline,
                    occasion=when,
                    report_id=drafts.get(lineage),
                )
            )
    return reminders


def _already_sent(keys: Sequence[str]) -> set[tuple[int, str]]:
    """(recipient, key) pairs that exist among ``keys`` (a query per chunk of keys)."""
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), _CHUNK):
        sent.update(
            Notification.objects.filter(key__in=keys[start : start + _CHUNK]).values_list(
                "recipient_id", "key"
            )
        )
    return sent


def send_reminders(*, as_of: date | None = None) -> int:
    """The scheduled job: send the reminders due today to the lead units' reporters; returns
    how many notifications were created. Idempotent: a second run the same day (or a run on
    another machine at once) sends nothing new."""
    day = as_of or today()
    days_before = reminder_days()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = due_reminders(day, days_before)
        if not reminders:
            return 0
        reporters = _active_members(Role.REPORTER, (r.unit_id for r in reminders))
        sent = _already_sent([r.key for r in reminders])
        created = 0
        for reminder in reminders:
            recipients = [
                user
                for user in reporters.get(reminder.unit_id, [])
                if (user.pk, reminder.key) not in sent
            ]
            if not recipients:
                continue
            created += len(
                notify(
                    recipients,
                    kind=REMINDER_KIND,
                    key=reminder.key,
                    title=reminder.title(day),
                    body=reminder.body(),
                    url=reminder.url,
                )
            )
    return created


def _scheduled_send_reminders() -> int:
    return send_reminders()


def register() -> None:
    """Register the scheduled jobs and inbox sources of monitoring (called from ready())."""
    register_scheduled_job(
        JOB_NAME,
        _scheduled_send_reminders,
        description=_("เตือนผู้รายงานก่อนถึงกำหนดส่ง ในวันกำหนดส่ง และเมื่อเลยกำหนดส่งรายงานความก้าวหน้า"),
    )
    services.register_report_listener(_on_report_step)
    register_inbox_source(inbox.reports_to_write_section)
    register_inbox_source(inbox.reports_to_approve_section)
