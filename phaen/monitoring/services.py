"""State changes of monitoring: periods and deadlines, progress reports and their parts, the
approval workflow, evidence, contributions, evaluations and lessons learned.

Each service runs in one transaction, checks the actor's scope (and re-checks it after the
write), refuses stale edits (``StaleEditError``, the shared Thai message), writes its audit
record, and refuses with a Thai ``DomainError`` what the rules forbid. ``actor=None`` is the
system itself (data loading, tests): it skips the scope checks and the lock dates.

The rules of writing a report and its parts (results, problems, corrective actions, evidence):

- only a draft or a returned report changes; a submitted one waits for the approver, an
  approved one is locked until an approver reopens it;
- after the lock date of the unit's deadline, reporters may not start or write a draft unless
  a late-entry exception covers the unit today; planners, admins and approvers still may, and a
  report an approver returned (or reopened) may always be corrected;
- a corrective action from an earlier quarter is updated from the project's later report while
  it is open, even though its own report is locked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from phaen.core.access import MANAGERS, Action, Role, can, can_at, holds_at, user_grants
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.services import (
    audit_action,
    check_version,
    ensure_in_scope,
    object_create,
    object_delete,
)
from phaen.monitoring import evidence as evidence_files
from phaen.monitoring.models import (
    REPORT_WRITERS,
    ActivityProgress,
    Contribution,
    CorrectiveAction,
    Evaluation,
    Evidence,
    IndicatorResult,
    LateEntryException,
    LessonLearned,
    PeriodDeadline,
    Problem,
    ProgressReport,
    ProgressStatus,
    ReportDecision,
    ReportingPeriod,
    evidence_storage,
)
from phaen.monitoring.periods import KINDS, default_dates, quarters_of
from phaen.monitoring.selectors import (
    Deadline,
    current_settled_versions,
    effective_deadline,
    indicator_inputs,
    late_entry_covers,
    report_snapshot,
    runs_during,
)
from phaen.orgs.models import OrgUnit
from phaen.plans import scoring
from phaen.plans.models import (
    Activity,
    FiscalYear,
    Indicator,
    IndicatorTarget,
    Milestone,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
)
from phaen.thai.calendar import FiscalQuarter
from phaen.thai.dates import format_date_long, format_month_year

if TYPE_CHECKING:
    from phaen.core.models import BaseModel, User

State = ProgressReport.State
Step = ReportDecision.Step

#: Roles that may still write after a period's lock date (reporters need an exception).
WRITE_AFTER_LOCK = MANAGERS | {Role.APPROVER}


def today() -> date:
    return timezone.localdate()


def _now(actor: User | None, now: datetime | None) -> datetime:
    """When a workflow step happens: now, or (for data loading by the system only) ``now``."""
    return now if now is not None and actor is None else timezone.now()


# Listeners: who wants to hear about a report's workflow (notifications) ----------------------

ReportListener = Callable[[str, ProgressReport, "User | None"], None]
_listeners: list[ReportListener] = []


def register_report_listener(listener: ReportListener) -> None:
    """Call ``listener(event, report, actor)`` after a workflow step commits. Events:
    ``submitted``, ``resubmitted``, ``returned``, ``approved``, ``reopened`` (e.g. the returned
    and approved notices). A rolled-back step calls nothing."""
    if listener not in _listeners:
        _listeners.append(listener)


def _announce(event: str, report: ProgressReport, actor: User | None) -> None:
    def call() -> None:
        for listener in list(_listeners):
            listener(event, report, actor)

    transaction.on_commit(call)


# Guards -------------------------------------------------------------------------------------


def _may_manage_global(actor: User | None, model: type[models.Model], action: str) -> bool:
    """Reference data owned by no unit (reporting periods): a role at a top-level unit."""
    if actor is None or actor.is_superuser:
        return True
    rules = model.access_rules  # type: ignore[attr-defined]
    return bool(rules.scope_q(actor, action) is not None)


def entry_closed_message(
    period: ReportingPeriod,
    unit_path: str,
    actor: User | None,
    *,
    deadline: Deadline | None = None,
) -> str:
    """Why the actor may not write the unit's reports of ``period`` now, or "" when they may:
    after the unit's lock date a reporter needs a late-entry exception of the unit (or a unit
    above it) covering today; planners, admins and approvers may write. ``deadline``: the
    unit's effective deadline when the caller has read it already."""
    if actor is None or holds_at(actor, WRITE_AFTER_LOCK, unit_path):
        return ""
    deadline = deadline or effective_deadline(period, unit_path)
    day = today()
    if day > deadline.locks_on and not late_entry_covers(period, unit_path, day):
        return _(
            "เลยวันปิดรับรายงาน%(period)s แล้ว (ปิดรับหลังวันที่ %(date)s) ผู้รายงานจึงบันทึกหรือแก้ไขไม่ได้ "
            "หากจำเป็น ขอให้ผู้วางแผนอนุญาตให้หน่วยงานรายงานล่าช้า"
        ) % {"period": period, "date": format_date_long(deadline.locks_on)}
    return ""


def ensure_entry_open(period: ReportingPeriod, unit_path: str, actor: User | None) -> None:
    """Refuse a reporter's write after the unit's lock date (``entry_closed_message``)."""
    message = entry_closed_message(period, unit_path, actor)
    if message:
        raise DomainError(message)


def locked_message(report: ProgressReport) -> str:
    return _(
        "รายงาน%(period)s ของโครงการนี้อนุมัติแล้วจึงถูกล็อก แก้ไขไม่ได้ "
        "หากต้องแก้ไข ผู้อนุมัติต้องเปิดรายงานให้แก้ไขใหม่พร้อมระบุเหตุผล"
    ) % {"period": report.period}


def report_entry_closed(
    report: ProgressReport, actor: User | None, *, deadline: Deadline | None = None
) -> str:
    """Why the actor may not write the report although it is a draft (its period is closed for
    entry: ``entry_closed_message``), or "". A returned report may always be corrected."""
    if report.state != State.DRAFT:
        return ""
    return entry_closed_message(report.period, report.unit_path, actor, deadline=deadline)


def ensure_report_writable(report: ProgressReport, actor: User | None) -> None:
    """Only drafts and returned reports change (see the module's rules)."""
    if report.state == State.APPROVED:
        raise DomainError(locked_message(report))
    if report.state == State.SUBMITTED:
        raise DomainError(_("รายงานนี้ส่งแล้วและรอการพิจารณา จึงแก้ไขไม่ได้จนกว่าผู้อนุมัติจะส่งกลับให้แก้ไข"))
    message = report_entry_closed(report, actor)
    if message:
        raise DomainError(message)


def _lock_report(report: ProgressReport | int) -> ProgressReport:
    pk = report if isinstance(report, int) else report.pk
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("project", "period__fiscal_year", "unit")
        .get(pk=pk)
    )


def _require_right(actor: User | None, action: str, obj: models.Model, message: str) -> None:
    if actor is not None and not can(actor, action, obj):
        raise OutOfScopeError(message)


def _save_changes[T: "BaseModel"](
    *,
    actor: User | None,
    current: T,
    instance: models.Model,
    fields: Sequence[str],
    reason: str,
    prepare: Callable[[T], None] | None = None,
) -> T:
    """Copy the editable ``fields`` of ``instance`` onto the locked ``current`` row (then let
    ``prepare`` recompute what depends on them), bump its version, validate, save, re-check the
    scope and audit. Other fields (states, copies of paths, computed values) cannot be changed
    through ``instance``."""
    before = snapshot(current)
    for name in fields:
        attname = current._meta.get_field(name).attname  # type: ignore[union-attr]
        setattr(current, attname, getattr(instance, attname))
    if prepare is not None:
        prepare(current)
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    ensure_in_scope(actor, current, Action.CHANGE)
    audit_record(
        actor=actor,
        action=audit_action(type(current), "updated"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=reason,
    )
    return current


def _locked[T: "BaseModel"](model: type[T], instance: models.Model, actor: User | None) -> T:
    """The row locked for the update, after checking the actor may change it."""
    current = cast(T, model._default_manager.select_for_update().get(pk=instance.pk))
    ensure_in_scope(actor, current, Action.CHANGE)
    return current


def _required(text: str, message: str, field: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError(message, field=field)
    return cleaned


# Periods, deadlines and late entry -----------------------------------------------------------


@transaction.atomic
def _generate(fiscal_year: FiscalYear, actor: User | None) -> list[ReportingPeriod]:
    existing = set(
        ReportingPeriod.objects.filter(fiscal_year=fiscal_year).values_list("kind", flat=True)
    )
    new = []
    for kind in KINDS:
        if kind in existing:
            continue
        dates = default_dates(fiscal_year.year, kind)
        new.append(
            ReportingPeriod(
                fiscal_year=fiscal_year,
                kind=kind,
                starts_on=dates.starts_on,
                ends_on=dates.ends_on,
                opens_on=dates.opens_on,
                due_on=dates.due_on,
                locks_on=dates.locks_on,
                created_by=actor,
                updated_by=actor,
            )
        )
    if new:
        ReportingPeriod.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="monitoring.reportingperiod.generated",
            obj=fiscal_year,
            after={"periods": [period.kind for period in new]},
            unit_path="",
        )
    return list(
        ReportingPeriod.objects.filter(fiscal_year=fiscal_year)
        .select_related("fiscal_year")
        .order_by("ends_on", "-starts_on")
    )


def periods_generate(*, actor: User | None, fiscal_year: FiscalYear) -> list[ReportingPeriod]:
    """Create the missing periods of a fiscal year (Q1–Q4, H1, YEAR) with the default dates;
    periods that exist keep their (possibly edited) dates. Idempotent."""
    if not _may_manage_global(actor, ReportingPeriod, Action.ADD):
        raise OutOfScopeError(_("เฉพาะผู้วางแผนของหน่วยงานระดับบนสุดเท่านั้นที่กำหนดรอบการรายงานได้"))
    return _generate(fiscal_year, actor)


def periods_generate_for_new_year(*, fiscal_year: FiscalYear) -> list[ReportingPeriod]:
    """Called when a fiscal year is created (the creator had the right; they are the actor)."""
    return _generate(fiscal_year, fiscal_year.created_by)


@transaction.atomic
def period_update(
    *, actor: User | None, instance: ReportingPeriod, expected_version: int | None, reason: str = ""
) -> ReportingPeriod:
    """Change a period's opening, due and lock dates (the days it covers come from the
    calendar and never change)."""
    current = ReportingPeriod.objects.select_for_update().get(pk=instance.pk)
    if not _may_manage_global(actor, ReportingPeriod, Action.CHANGE):
        raise OutOfScopeError(_("เฉพาะผู้วางแผนของหน่วยงานระดับบนสุดเท่านั้นที่แก้ไขรอบการรายงานได้"))
    check_version(current, expected_version)
    return _save_changes(
        actor=actor,
        current=current,
        instance=instance,
        fields=("opens_on", "due_on", "locks_on"),
        reason=reason,
    )


@transaction.atomic
def deadline_set(
    *,
    actor: User | None,
    period: ReportingPeriod,
    unit: OrgUnit,
    due_on: date,
    locks_on: date,
    expected_version: int | None = None,
    reason: str = "",
) -> PeriodDeadline:
    """Give a unit (and the units below it) its own due and lock dates for a period, or change
    them. Planners of the unit or above."""
    if actor is not None and not can_at(actor, PeriodDeadline, Action.ADD, unit.path):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์กำหนดวันส่งรายงานของ “%s”") % unit)
    current = PeriodDeadline.objects.select_for_update().filter(period=period, unit=unit).first()
    if current is None:
        return object_create(
            actor=actor,
            instance=PeriodDeadline(
                period=period, unit=unit, unit_path=unit.path, due_on=due_on, locks_on=locks_on
            ),
            reason=reason,
        )
    check_version(current, expected_version)
    changed = PeriodDeadline(due_on=due_on, locks_on=locks_on)
    return _save_changes(
        actor=actor,
        current=current,
        instance=changed,
        fields=("due_on", "locks_on"),
        reason=reason,
    )


@transaction.atomic
def deadline_clear(
    *, actor: User | None, period: ReportingPeriod, unit: OrgUnit, reason: str = ""
) -> None:
    """Remove a unit's own dates: it follows the unit above it (or the period) again."""
    current = PeriodDeadline.objects.filter(period=period, unit=unit).first()
    if current is not None:
        object_delete(actor=actor, instance=current, reason=reason)


@transaction.atomic
def late_entry_grant(
    *,
    actor: User | None,
    period: ReportingPeriod,
    unit: OrgUnit,
    until: date,
    reason: str,
) -> LateEntryException:
    """Let a unit (and the units below it) write a period's reports after the lock date, until
    ``until``. A reason is required; it is kept in the audit log."""
    reason = _required(reason, _("กรุณาระบุเหตุผลที่อนุญาตให้รายงานล่าช้า"), "reason")
    if actor is not None and not can_at(actor, LateEntryException, Action.ADD, unit.path):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์อนุญาตให้ “%s” รายงานล่าช้า") % unit)
    if actor is not None and until < today():
        raise DomainError(_("วันที่อนุญาตให้รายงานได้ต้องไม่ก่อนวันนี้"), field="until")
    if LateEntryException.objects.filter(
        period=period, unit=unit, revoked_at__isnull=True
    ).exists():
        raise DomainError(
            _("“%(unit)s” ได้รับอนุญาตให้รายงาน%(period)s ล่าช้าอยู่แล้ว ยกเลิกรายการเดิมก่อนหากต้องการเปลี่ยน")
            % {"unit": unit, "period": period},
            field="unit",
        )
    return object_create(
        actor=actor,
        instance=LateEntryException(
            period=period, unit=unit, unit_path=unit.path, until=until, reason=reason
        ),
        reason=reason,
    )


@transaction.atomic
def late_entry_revoke(
    *,
    actor: User | None,
    exception: LateEntryException,
    expected_version: int | None,
    reason: str,
) -> LateEntryException:
    """End a late-entry permission now (kept, marked revoked; a reason is required)."""
    reason = _required(reason, _("กรุณาระบุเหตุผลที่ยกเลิกการอนุญาต"), "reason")
    current = _locked(LateEntryException, exception, actor)
    check_version(current, expected_version)
    if current.revoked_at is not None:
        raise DomainError(_("การอนุญาตนี้ถูกยกเลิกไปแล้ว"))
    before = snapshot(current)
    current.revoked_at = timezone.now()
    current.revoked_by = actor
    current.revoke_reason = reason
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        actor=actor,
        action=audit_action(LateEntryException, "revoked"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=reason,
    )
    return current


# Starting and editing a report ---------------------------------------------------------------


def _activities_in_order(project: Project) -> list[Activity]:
    """The project's activities, each main activity followed by its sub-activities."""
    rows = list(Activity.objects.filter(project=project).order_by("number", "pk"))
    children: dict[int | None, list[Activity]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Activity] = []

    def walk(parent_id: int | None) -> None:
        for row in children.get(parent_id, []):
            ordered.append(row)
            walk(row.pk)

    walk(None)
    return ordered


def not_running_message(project: Project, period: ReportingPeriod) -> str:
    """Why a project has no report of a period its months do not overlap (``runs_during``)."""

    def month(first: date) -> str:
        return format_month_year(first.year, first.month, long=True)

    if project.start_month > period.ends_on:
        return _(
            "โครงการนี้เริ่มเดือน%(month)s หลังสิ้น%(period)s จึงยังไม่ต้องรายงาน"
            "ในไตรมาสนี้ ให้รายงานตั้งแต่ไตรมาสที่โครงการเริ่ม"
        ) % {"month": month(project.start_month), "period": period}
    return _(
        "โครงการนี้สิ้นสุดเดือน%(month)s ก่อนเริ่ม%(period)s จึงไม่ต้องรายงานในไตรมาสนี้ "
        "รายงานได้เฉพาะไตรมาสที่อยู่ในระยะเวลาดำเนินโครงการ"
    ) % {"month": month(project.end_month), "period": period}


@transaction.atomic
def report_start(
    *, actor: User | None, project: Project, period: ReportingPeriod
) -> ProgressReport:
    """Start a project's report of a quarter: a draft with one activity line per activity (and
    sub-activity) of the project, carrying the statuses of the previous quarter's report.
    Open corrective actions of earlier quarters show in it by query (``carried_actions``).
    Only a quarter that overlaps the project's months has a report (``runs_during``)."""
    project = Project.objects.select_related("plan_version__plan__fiscal_year", "lead_unit").get(
        pk=project.pk
    )
    period = ReportingPeriod.objects.select_related("fiscal_year").get(pk=period.pk)
    if not period.is_quarter:
        raise DomainError(
            _("รายงานความก้าวหน้าจัดทำเป็นรายไตรมาส (รอบ 6 และ 12 เดือนใช้การประเมินผล)"), field="period"
        )
    if project.plan_version.plan.fiscal_year_id != period.fiscal_year_id:
        raise DomainError(_("ไตรมาสที่เลือกไม่อยู่ในปีงบประมาณของแผนที่มีโครงการนี้"), field="period")
    if project.lead_unit is None:
        raise DomainError(_("โครงการนี้ยังไม่มีเจ้าภาพหลัก จึงยังรายงานความก้าวหน้าไม่ได้"))
    if project.status == Project.Status.CANCELLED:
        raise DomainError(_("โครงการนี้ยกเลิกแล้ว จึงไม่ต้องรายงานความก้าวหน้า"))
    if (
        not current_settled_versions(period.fiscal_year_id)
        .filter(pk=project.plan_version_id)
        .exists()
    ):
        raise DomainError(
            _(
                "โครงการนี้ไม่ได้อยู่ในแผนฉบับที่อนุมัติล่าสุด (แผนยังไม่อนุมัติ หรือมีฉบับปรับปรุงที่ใหม่กว่า) "
                "ให้รายงานจากโครงการในแผนฉบับปัจจุบัน"
            )
        )
    if not Project.objects.filter(runs_during(period), pk=project.pk).exists():
        raise DomainError(not_running_message(project, period), field="period")
    if actor is not None and not can_at(actor, ProgressReport, Action.ADD, project.lead_unit_path):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์รายงานความก้าวหน้าของโครงการนี้"))
    if actor is not None and period.opens_on > today():
        raise DomainError(
            _("ยังไม่เปิดให้รายงาน%(period)s (เปิดวันที่ %(date)s)")
            % {"period": period, "date": format_date_long(period.opens_on)}
        )
    ensure_entry_open(period, project.lead_unit_path, actor)
    if ProgressReport.objects.filter(project_lineage=project.lineage, period=period).exists():
        raise DomainError(_("โครงการนี้มีรายงานของ%(period)s แล้ว") % {"period": period})
    previous = (
        ProgressReport.objects.filter(
            project_lineage=project.lineage,
            period__fiscal_year=period.fiscal_year,
            period__kind__in=["Q1", "Q2", "Q3", "Q4"],
            period__ends_on__lt=period.starts_on,
        )
        .order_by("-period__ends_on")
        .first()
    )
    report = object_create(
        actor=actor,
        instance=ProgressReport(
            project=project,
            period=period,
            unit=project.lead_unit,
            progress_status=previous.progress_status if previous else ProgressStatus.NOT_STARTED,
            percent_complete=previous.percent_complete if previous else Decimal(0),
            project_lineage=project.lineage,
            unit_path=project.lead_unit_path,
            plan_unit_path=project.plan_unit_path,
        ),
    )
    carried: dict[Any, dict[str, Any]] = {}
    if previous is not None:
        for lineage, status, percent, started, ended in ActivityProgress.objects.filter(
            report=previous
        ).values_list(
            "activity__lineage", "status", "percent_complete", "actual_start", "actual_end"
        ):
            carried[lineage] = {
                "status": status,
                "percent_complete": percent,
                "actual_start": started,
                "actual_end": ended,
            }
    ActivityProgress.objects.bulk_create(
        [
            ActivityProgress(
                report=report,
                activity=activity,
                created_by=actor,
                updated_by=actor,
                **carried.get(activity.lineage, {}),
            )
            for activity in _activities_in_order(project)
        ]
    )
    return report


REPORT_FIELDS = ("progress_status", "percent_complete", "outputs", "summary")


@transaction.atomic
def report_update(
    *, actor: User | None, instance: ProgressReport, expected_version: int | None, reason: str = ""
) -> ProgressReport:
    """Save the report's status, percent complete, outputs and summary (draft or returned)."""
    current = _lock_report(instance)
    ensure_in_scope(actor, current, Action.CHANGE)
    ensure_report_writable(current, actor)
    check_version(current, expected_version)
    return _save_changes(
        actor=actor, current=current, instance=instance, fields=REPORT_FIELDS, reason=reason
    )


def _delete_files(names: Iterable[str | None]) -> None:
    """Delete evidence files once the transaction that removed their rows commits."""
    files = [name for name in names if name]
    if not files:
        return
    storage = evidence_storage()

    def delete() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def report_delete(
    *,
    actor: User | None,
    report: ProgressReport,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Remove a draft that was never submitted (started by mistake), with everything in it."""
    current = _lock_report(report)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    if current.state != State.DRAFT or current.first_submitted_at is not None:
        raise DomainError(_("ลบได้เฉพาะรายงานฉบับร่างที่ยังไม่เคยส่ง"))
    ensure_report_writable(current, actor)
    followed_later = (
        CorrectiveAction.objects.filter(problem__report=current)
        .exclude(updated_in_report=None)
        .exclude(updated_in_report=current)
    )
    if followed_later.exists():
        raise DomainError(_("ลบไม่ได้ เพราะแนวทางแก้ไขในรายงานนี้ถูกปรับปรุงในรายงานไตรมาสถัดไปแล้ว"))
    files = Evidence.objects.filter(
        models.Q(report=current) | models.Q(result__report=current)
    ).values_list("file", flat=True)
    names = list(files)
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    _delete_files(names)


ACTIVITY_FIELDS = ("status", "percent_complete", "actual_start", "actual_end", "note")


@transaction.atomic
def activity_progress_update(
    *,
    actor: User | None,
    instance: ActivityProgress,
    expected_version: int | None,
    reason: str = "",
) -> ActivityProgress:
    """Save one activity's status, percent complete, actual dates and note."""
    current = _locked(ActivityProgress, instance, actor)
    ensure_report_writable(_lock_report(current.report_id), actor)
    check_version(current, expected_version)
    if instance.status == ProgressStatus.COMPLETED and instance.percent_complete is None:
        instance.percent_complete = Decimal(100)
    return _save_changes(
        actor=actor, current=current, instance=instance, fields=ACTIVITY_FIELDS, reason=reason
    )


# Indicator results ---------------------------------------------------------------------------


def plan_before_results(indicator: Indicator, period: ReportingPeriod) -> DomainError:
    return DomainError(
        _(
            "ตัวชี้วัด “%(indicator)s” ยังไม่มีค่าเป้าหมายของ%(period)s จึงบันทึกผลไม่ได้ "
            "(ต้องกำหนดค่าเป้าหมายในแผนก่อนรายงานผล)"
        )
        % {"indicator": indicator, "period": period},
        field="actual_value",
    )


def _target_of(indicator: Indicator, period: ReportingPeriod) -> Decimal | None:
    """The plan's target for the period: its own (Q1–Q4, H1); the year's is the annual one."""
    if period.kind == ReportingPeriod.Kind.YEAR:
        return indicator.target_value
    value: Decimal | None = (
        IndicatorTarget.objects.filter(indicator=indicator, period=period.kind)
        .values_list("value", flat=True)
        .first()
    )
    return value


def _score(result: IndicatorResult, indicator: Indicator, target: Decimal) -> None:
    """Fill the target, achieved, score and percent of target (phaen.plans.scoring)."""
    if indicator.scoring_rule == Indicator.ScoringRule.MILESTONES and (
        result.actual_value != int(result.actual_value) or result.actual_value < 0
    ):
        raise DomainError(
            _("ตัวชี้วัดแบบระดับความสำเร็จบันทึกผลเป็นจำนวนขั้นที่สำเร็จ (จำนวนเต็ม)"), field="actual_value"
        )
    scored = scoring.evaluate(
        rule=indicator.scoring_rule,
        actual=result.actual_value,
        target=target,
        direction=indicator.direction,
        bands=list(
            ScoringBand.objects.filter(indicator=indicator).values_list("level", "threshold")
        ),
        total_steps=Milestone.objects.filter(indicator=indicator).count()
        if indicator.scoring_rule == Indicator.ScoringRule.MILESTONES
        else 0,
    )
    result.target_value = target
    result.achieved = scored.achieved
    result.score = scored.score.quantize(scoring.PLACES)
    result.percent_of_target = scored.percent_of_target


def _result_owner(
    result: IndicatorResult, indicator: Indicator, actor: User | None
) -> tuple[ProgressReport | None, str, str]:
    """Where a result belongs: (its report, unit path, plan unit path), after checking the
    report or the standalone entry may be written."""
    if indicator.project_id is not None:
        if result.report_id is None:
            raise DomainError(
                _("ผลของตัวชี้วัดโครงการบันทึกในรายงานความก้าวหน้าของโครงการ"), field="report"
            )
        report = _lock_report(result.report_id)
        if report.project_lineage != indicator.project.lineage:  # type: ignore[union-attr]
            raise DomainError(_("ตัวชี้วัดนี้ไม่ใช่ตัวชี้วัดของโครงการในรายงาน"), field="indicator")
        ensure_report_writable(report, actor)
        return report, report.unit_path, report.plan_unit_path
    if result.report_id is not None:
        raise DomainError(_("ผลของตัวชี้วัดเป้าประสงค์บันทึกแยกจากรายงานของโครงการ"), field="report")
    plan_unit = indicator.plan_version.plan.unit
    owner = indicator.evaluator_unit or plan_unit
    if actor is not None and not can_at(actor, IndicatorResult, Action.ADD, owner.path):
        raise OutOfScopeError(_("ผลของตัวชี้วัดนี้บันทึกโดยหน่วยงานผู้ประเมิน (%(unit)s)") % {"unit": owner})
    ensure_entry_open(result.period, owner.path, actor)
    return None, owner.path, plan_unit.path


def _load_indicator(pk: int) -> Indicator:
    return Indicator.objects.select_related(
        "goal", "project__strategy", "evaluator_unit", "plan_version__plan__unit"
    ).get(pk=pk)


def issue_of(indicator: Indicator) -> int | None:
    """The strategic issue of an indicator: its goal's, or its project's strategy's."""
    if indicator.goal is not None:
        return indicator.goal.strategic_issue_id
    strategy = indicator.project.strategy if indicator.project is not None else None
    return strategy.strategic_issue_id if strategy is not None else None


@transaction.atomic
def result_record(
    *, actor: User | None, instance: IndicatorResult, reason: str = ""
) -> IndicatorResult:
    """Record an indicator's result for a period, scored against the period's target.

    A project indicator's result goes into the project's report (its quarter); a goal
    indicator's stands alone (any period; entered by the evaluator unit, else the plan's unit).
    Refused when the plan has no target for the period ("plan before results").
    """
    indicator = _load_indicator(instance.indicator_id)
    if instance.report_id is not None:
        instance.period = (
            ProgressReport.objects.select_related("period__fiscal_year")
            .get(pk=instance.report_id)
            .period
        )
    period = ReportingPeriod.objects.select_related("fiscal_year").get(pk=instance.period_id)
    instance.period = period
    if indicator.plan_version.plan.fiscal_year_id != period.fiscal_year_id:
        raise DomainError(_("รอบที่เลือกไม่อยู่ในปีงบประมาณของแผนที่มีตัวชี้วัดนี้"), field="period")
    _report, unit_path, plan_unit_path = _result_owner(instance, indicator, actor)
    target = _target_of(indicator, period)
    if target is None:
        raise plan_before_results(indicator, period)
    if IndicatorResult.objects.filter(indicator_lineage=indicator.lineage, period=period).exists():
        raise DomainError(
            _("ตัวชี้วัดนี้มีผลของ%(period)s แล้ว ให้แก้ไขรายการเดิม") % {"period": period},
            field="indicator",
        )
    instance.indicator_lineage = indicator.lineage
    instance.strategic_issue_id = issue_of(indicator)
    instance.unit_path = unit_path
    instance.plan_unit_path = plan_unit_path
    if not instance.measured_by:
        evaluator = indicator.evaluator_person or (
            str(indicator.evaluator_unit) if indicator.evaluator_unit else ""
        )
        instance.measured_by = evaluator[:200]
    if not instance.method:
        instance.method = indicator.collection_method
    _score(instance, indicator, target)
    return object_create(actor=actor, instance=instance, reason=reason)


RESULT_FIELDS = ("actual_value", "note", "measured_by", "method")


@transaction.atomic
def result_update(
    *, actor: User | None, instance: IndicatorResult, expected_version: int | None, reason: str = ""
) -> IndicatorResult:
    """Correct a result's value, note, who measured it and how; the score is recomputed."""
    current = _locked(IndicatorResult, instance, actor)
    current.period = ReportingPeriod.objects.select_related("fiscal_year").get(pk=current.period_id)
    indicator = _load_indicator(current.indicator_id)
    _result_owner(current, indicator, actor)
    check_version(current, expected_version)
    target = _target_of(indicator, current.period)
    if target is None:
        raise plan_before_results(indicator, current.period)
    return _save_changes(
        actor=actor,
        current=current,
        instance=instance,
        fields=RESULT_FIELDS,
        reason=reason,
        prepare=lambda row: _score(row, indicator, target),
    )


@transaction.atomic
def result_delete(
    *,
    actor: User | None,
    instance: IndicatorResult,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    current = IndicatorResult.objects.select_related("period__fiscal_year").get(pk=instance.pk)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    _result_owner(current, _load_indicator(current.indicator_id), actor)
    names = list(Evidence.objects.filter(result=current).values_list("file", flat=True))
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    _delete_files(names)


# Problems and corrective actions -------------------------------------------------------------


@transaction.atomic
def problem_create(*, actor: User | None, instance: Problem, reason: str = "") -> Problem:
    """Add a problem (category, description, cause) to a report."""
    report = _lock_report(instance.report_id)
    ensure_report_writable(report, actor)
    return object_create(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def problem_update(
    *, actor: User | None, instance: Problem, expected_version: int | None, reason: str = ""
) -> Problem:
    current = _locked(Problem, instance, actor)
    ensure_report_writable(_lock_report(current.report_id), actor)
    check_version(current, expected_version)
    return _save_changes(
        actor=actor,
        current=current,
        instance=instance,
        fields=("category", "description", "cause"),
        reason=reason,
    )


def _updated_later(problem: Problem) -> bool:
    return (
        CorrectiveAction.objects.filter(problem=problem)
        .exclude(updated_in_report=None)
        .exclude(updated_in_report=problem.report_id)
        .exists()
    )


@transaction.atomic
def problem_delete(
    *, actor: User | None, instance: Problem, expected_version: int | None = None, reason: str = ""
) -> None:
    """Remove a problem with its actions, unless a later report has updated one of them."""
    current = Problem.objects.get(pk=instance.pk)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    ensure_report_writable(_lock_report(current.report_id), actor)
    if _updated_later(current):
        raise DomainError(_("ลบไม่ได้ เพราะแนวทางแก้ไขของปัญหานี้ถูกติดตามต่อในรายงานไตรมาสถัดไปแล้ว"))
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)


def _check_action(action: CorrectiveAction) -> None:
    if action.status == CorrectiveAction.Status.DONE and action.done_on is None:
        action.done_on = today()
    if action.status != CorrectiveAction.Status.DONE:
        action.done_on = (
            None if action.status != CorrectiveAction.Status.CANCELLED else action.done_on
        )


@transaction.atomic
def corrective_action_create(
    *, actor: User | None, instance: CorrectiveAction, reason: str = ""
) -> CorrectiveAction:
    """Add a corrective action (owner, due date) to a problem of a report."""
    problem = Problem.objects.get(pk=instance.problem_id)
    report = _lock_report(problem.report_id)
    ensure_report_writable(report, actor)
    instance.project_lineage = report.project_lineage
    instance.unit_path = report.unit_path
    instance.updated_in_report = report
    _check_action(instance)
    return object_create(actor=actor, instance=instance, reason=reason)


#: What a later quarter's report may change of an earlier quarter's action.
CARRIED_ACTION_FIELDS = ("status", "done_on", "result_note", "due_on")
ACTION_FIELDS = ("description", "owner_name", "owner_unit", *CARRIED_ACTION_FIELDS)


@transaction.atomic
def corrective_action_update(
    *,
    actor: User | None,
    instance: CorrectiveAction,
    expected_version: int | None,
    via_report: ProgressReport | None = None,
    reason: str = "",
) -> CorrectiveAction:
    """Update an action from its own report, or — while it is open — from a later quarter's
    report of the same project (``via_report``): then only its status, completion date, result
    and due date change, and the later report records that it updated it."""
    current = _locked(CorrectiveAction, instance, actor)
    origin = _lock_report(
        Problem.objects.values_list("report_id", flat=True).get(pk=current.problem_id)
    )
    if via_report is None or via_report.pk == origin.pk:
        ensure_report_writable(origin, actor)
        fields: Sequence[str] = ACTION_FIELDS
        updated_in = origin
    else:
        later = _lock_report(via_report)
        if later.project_lineage != current.project_lineage:
            raise DomainError(_("แนวทางแก้ไขนี้ไม่ใช่ของโครงการในรายงานนี้"))
        if later.period.ends_on <= origin.period.ends_on:
            raise DomainError(_("ติดตามแนวทางแก้ไขได้จากรายงานของไตรมาสถัดไปเท่านั้น"))
        if not current.is_open and current.updated_in_report_id != later.pk:
            raise DomainError(_("แนวทางแก้ไขนี้ปิดแล้ว"))
        ensure_report_writable(later, actor)
        fields = CARRIED_ACTION_FIELDS
        updated_in = later
    check_version(current, expected_version)
    _check_action(instance)

    def record_where(row: CorrectiveAction) -> None:
        row.updated_in_report = updated_in

    return _save_changes(
        actor=actor,
        current=current,
        instance=instance,
        fields=fields,
        reason=reason,
        prepare=record_where,
    )


@transaction.atomic
def corrective_action_close(
    *,
    actor: User | None,
    action: CorrectiveAction,
    expected_version: int | None,
    status: str = CorrectiveAction.Status.DONE,
    done_on: date | None = None,
    result_note: str = "",
    via_report: ProgressReport | None = None,
) -> CorrectiveAction:
    """Close an action as done (on ``done_on``, default today) or cancelled, with its result."""
    if status not in (CorrectiveAction.Status.DONE, CorrectiveAction.Status.CANCELLED):
        raise DomainError(_("ปิดแนวทางแก้ไขได้ด้วยสถานะ “แก้ไขแล้ว” หรือ “ยกเลิก”"), field="status")
    changed = CorrectiveAction.objects.get(pk=action.pk)
    changed.status = status
    changed.done_on = (done_on or today()) if status == CorrectiveAction.Status.DONE else None
    changed.result_note = result_note or changed.result_note
    return corrective_action_update(
        actor=actor, instance=changed, expected_version=expected_version, via_report=via_report
    )


@transaction.atomic
def corrective_action_delete(
    *,
    actor: User | None,
    instance: CorrectiveAction,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Remove an action from its own report, unless a later report has updated it."""
    current = CorrectiveAction.objects.select_related("problem").get(pk=instance.pk)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    ensure_report_writable(_lock_report(current.problem.report_id), actor)
    if current.updated_in_report_id not in (None, current.problem.report_id):
        raise DomainError(_("ลบไม่ได้ เพราะแนวทางแก้ไขนี้ถูกติดตามต่อในรายงานไตรมาสถัดไปแล้ว"))
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)


# Evidence and contributions ------------------------------------------------------------------


def _partner_writer(actor: User, project_id: int) -> bool:
    """Whether the actor writes for a co-owner or supporter of the project."""
    paths = [g.unit_path for g in user_grants(actor) if g.role in REPORT_WRITERS]
    return any(
        unit_path.startswith(path)
        for unit_path in ProjectOwner.objects.filter(project_id=project_id).values_list(
            "unit__path", flat=True
        )
        for path in paths
    )


def _evidence_parent(
    report: ProgressReport | None, result: IndicatorResult | None, actor: User | None
) -> tuple[ProgressReport | None, IndicatorResult | None, str, str]:
    if (report is None) == (result is None):
        raise DomainError(_("หลักฐานต้องแนบกับรายงานหรือผลตัวชี้วัดอย่างใดอย่างหนึ่ง"))
    if result is not None:
        result = IndicatorResult.objects.select_related("period__fiscal_year").get(pk=result.pk)
        owner = _lock_report(result.report_id) if result.report_id else None
        if owner is not None:
            ensure_report_writable(owner, actor)
        else:
            ensure_entry_open(result.period, result.unit_path, actor)
        return None, result, result.unit_path, result.plan_unit_path
    if report is None:  # unreachable: exactly one of report and result was checked above
        raise DomainError(_("หลักฐานต้องแนบกับรายงานหรือผลตัวชี้วัดอย่างใดอย่างหนึ่ง"))
    locked = _lock_report(report)
    ensure_report_writable(locked, actor)
    return locked, None, locked.unit_path, locked.plan_unit_path


@transaction.atomic
def evidence_add(
    *,
    actor: User | None,
    title: str,
    report: ProgressReport | None = None,
    result: IndicatorResult | None = None,
    upload: File[Any] | None = None,
    url: str = "",
    reason: str = "",
) -> Evidence:
    """Attach a file (checked: type by extension and content, size; stored under a random
    name with its SHA-256) or a link (http or https) to a report or a result. The lead unit's
    reporters and the project's co-owners and supporters add evidence."""
    title = _required(title, _("กรุณาระบุชื่อหลักฐาน"), "title")[:255]
    report, result, unit_path, plan_unit_path = _evidence_parent(report, result, actor)
    if actor is not None and not can_at(actor, Evidence, Action.ADD, unit_path):
        project_id = (
            report.project_id
            if report
            else (result.report.project_id if result and result.report else None)
        )
        if project_id is None or not _partner_writer(actor, project_id):
            raise OutOfScopeError(_("คุณไม่มีสิทธิ์แนบหลักฐานในรายงานนี้"))
    evidence = Evidence(
        report=report,
        result=result,
        title=title,
        unit_path=unit_path,
        plan_unit_path=plan_unit_path,
    )
    if (upload is None) == (not url.strip()):
        raise DomainError(_("แนบไฟล์หรือระบุลิงก์อย่างใดอย่างหนึ่ง"), field="file")
    if upload is not None:
        checked = evidence_files.check_upload(upload)
        evidence.kind = Evidence.Kind.FILE
        evidence.original_name = checked.original_name
        evidence.content_type = checked.content_type
        evidence.size = checked.size
        evidence.sha256 = checked.sha256
        evidence.file.save(f"evidence{checked.extension}", upload, save=False)
    else:
        cleaned = url.strip()
        try:
            URLValidator(schemes=["http", "https"])(cleaned)
        except Exception as error:
            raise DomainError(
                _("ลิงก์ต้องเป็นที่อยู่เว็บที่ขึ้นต้นด้วย http:// หรือ https://"), field="url"
            ) from error
        evidence.kind = Evidence.Kind.LINK
        evidence.url = cleaned
    try:
        return object_create(actor=actor, instance=evidence, reason=reason)
    except Exception:
        if evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise


@transaction.atomic
def evidence_delete(
    *,
    actor: User | None,
    evidence: Evidence,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Remove evidence (and its file, once the transaction commits)."""
    current = Evidence.objects.get(pk=evidence.pk)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    _evidence_parent(
        ProgressReport(pk=current.report_id) if current.report_id else None,
        IndicatorResult(pk=current.result_id) if current.result_id else None,
        actor,
    )
    name = current.file.name if current.file else None
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)
    _delete_files([name])


def _check_contributor(actor: User | None, report: ProgressReport, unit: OrgUnit) -> None:
    if not ProjectOwner.objects.filter(project_id=report.project_id, unit=unit).exists():
        raise DomainError(_("“%s” ไม่ได้เป็นเจ้าภาพรองหรือผู้สนับสนุนของโครงการนี้") % unit, field="unit")
    if actor is not None and not holds_at(actor, REPORT_WRITERS, unit.path):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์ส่งข้อมูลในนามของ “%s”") % unit)


@transaction.atomic
def contribution_add(
    *, actor: User | None, report: ProgressReport, unit: OrgUnit, text: str, reason: str = ""
) -> Contribution:
    """A co-owner or supporter of the project adds its part to the report (any state but
    approved; the lock date applies to the contributing unit's reporters)."""
    text = _required(text, _("กรุณาระบุข้อมูลที่ส่ง"), "text")
    current = _lock_report(report)
    if current.is_locked:
        raise DomainError(locked_message(current))
    _check_contributor(actor, current, unit)
    if current.state == State.DRAFT:
        ensure_entry_open(current.period, unit.path, actor)
    return object_create(
        actor=actor, instance=Contribution(report=current, unit=unit, text=text), reason=reason
    )


@transaction.atomic
def contribution_update(
    *, actor: User | None, instance: Contribution, expected_version: int | None, reason: str = ""
) -> Contribution:
    current = _locked(Contribution, instance, actor)
    report = _lock_report(current.report_id)
    if report.is_locked:
        raise DomainError(locked_message(report))
    check_version(current, expected_version)
    instance.text = _required(instance.text, _("กรุณาระบุข้อมูลที่ส่ง"), "text")
    return _save_changes(
        actor=actor, current=current, instance=instance, fields=("text",), reason=reason
    )


@transaction.atomic
def contribution_delete(
    *,
    actor: User | None,
    instance: Contribution,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    current = Contribution.objects.get(pk=instance.pk)
    if actor is not None and not can(actor, Action.DELETE, current):
        raise OutOfScopeError()
    report = _lock_report(current.report_id)
    if report.is_locked:
        raise DomainError(locked_message(report))
    object_delete(actor=actor, instance=current, expected_version=expected_version, reason=reason)


# The workflow --------------------------------------------------------------------------------


def submission_problems(report: ProgressReport) -> list[str]:
    """What stops a report from being submitted (empty when it may be):

    every activity has a status; a report "behind schedule" names at least one problem with a
    corrective action (or the project still has an open action from an earlier quarter);
    "postponed" and "cancelled" say why in the summary; "completed" is at 100 percent.
    """
    problems: list[str] = []
    missing = list(
        ActivityProgress.objects.filter(report=report, status="")
        .select_related("activity")
        .order_by("pk")
    )
    if missing:
        names = ", ".join(f"“{row.activity}”" for row in missing[:5])
        more = _(" และอีก %d กิจกรรม") % (len(missing) - 5) if len(missing) > 5 else ""
        problems.append(
            _("ยังไม่ระบุสถานะของกิจกรรม %(names)s%(more)s") % {"names": names, "more": more}
        )
    if report.progress_status == ProgressStatus.BEHIND:
        with_action = Problem.objects.filter(report=report).filter(
            Exists(CorrectiveAction.objects.filter(problem=OuterRef("pk")))
        )
        carried_open = CorrectiveAction.objects.filter(
            project_lineage=report.project_lineage,
            status__in=CorrectiveAction.OPEN_STATUSES,
            problem__report__period__ends_on__lt=report.period.ends_on,
        )
        if not with_action.exists() and not carried_open.exists():
            problems.append(_("โครงการล่าช้ากว่าแผน ต้องระบุปัญหาอุปสรรคอย่างน้อยหนึ่งเรื่องพร้อมแนวทางแก้ไข"))
    postponed = (ProgressStatus.POSTPONED, ProgressStatus.CANCELLED)
    if report.progress_status in postponed and not report.summary.strip():
        problems.append(_("โครงการเลื่อนหรือยกเลิก ต้องระบุเหตุผลในผลการดำเนินงาน"))
    if report.progress_status == ProgressStatus.COMPLETED and report.percent_complete != 100:
        problems.append(_("โครงการเสร็จสิ้นแล้ว ร้อยละความก้าวหน้าต้องเป็น 100"))
    return problems


def _decide(
    *,
    actor: User | None,
    report: ProgressReport,
    step: str,
    comment: str,
    at: datetime,
    audit_verb: str,
    before: dict[str, Any],
) -> None:
    """Save the report's new state, add the timeline step and the audit record."""
    report.version += 1
    report.updated_by = actor
    report.save()
    ReportDecision.objects.create(
        report=report,
        action=step,
        comment=comment,
        actor=actor,
        at=at,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        actor=actor,
        action=audit_action(ProgressReport, audit_verb),
        obj=report,
        before=before,
        after=snapshot(report),
        reason=comment,
    )
    _announce(audit_verb, report, actor)


@transaction.atomic
def report_submit(
    *,
    actor: User | None,
    report: ProgressReport,
    expected_version: int | None,
    comment: str = "",
    now: datetime | None = None,
) -> ProgressReport:
    """Send a draft (or a corrected returned report) to the approvers. The first submission
    decides whether the report was late (after the unit's due date)."""
    current = _lock_report(report)
    ensure_in_scope(actor, current, Action.CHANGE)
    ensure_report_writable(current, actor)
    check_version(current, expected_version)
    problems = submission_problems(current)
    if problems:
        raise DomainError(_("ยังส่งรายงานไม่ได้: ") + "; ".join(problems))
    at = _now(actor, now)
    before = snapshot(current)
    resubmit = current.first_submitted_at is not None
    if not resubmit:
        current.first_submitted_at = at
        due_on = effective_deadline(current.period, current.unit_path).due_on
        current.is_late = timezone.localdate(at) > due_on
    current.state = State.SUBMITTED
    current.submitted_at = at
    current.submitted_by = actor
    _decide(
        actor=actor,
        report=current,
        step=Step.RESUBMIT if resubmit else Step.SUBMIT,
        comment=comment,
        at=at,
        audit_verb="resubmitted" if resubmit else "submitted",
        before=before,
    )
    return current


def _for_decision(
    actor: User | None, report: ProgressReport, expected_version: int | None
) -> ProgressReport:
    current = _lock_report(report)
    if actor is not None and not can(actor, Action.VIEW, current):
        raise OutOfScopeError()
    _require_right(actor, "approve", current, _("คุณไม่มีสิทธิ์พิจารณารายงานนี้"))
    return current


@transaction.atomic
def report_return(
    *,
    actor: User | None,
    report: ProgressReport,
    expected_version: int | None,
    comment: str,
    now: datetime | None = None,
) -> ProgressReport:
    """Send a submitted report back to the reporter with what to correct (required)."""
    current = _for_decision(actor, report, expected_version)
    if current.state != State.SUBMITTED:
        raise DomainError(_("ส่งกลับได้เฉพาะรายงานที่ส่งแล้วและรอพิจารณา"))
    check_version(current, expected_version)
    comment = _required(comment, _("กรุณาระบุสิ่งที่ต้องแก้ไขเมื่อส่งรายงานกลับ"), "comment")
    at = _now(actor, now)
    before = snapshot(current)
    current.state = State.RETURNED
    current.return_comment = comment
    current.decided_at = at
    current.decided_by = actor
    _decide(
        actor=actor,
        report=current,
        step=Step.RETURN,
        comment=comment,
        at=at,
        audit_verb="returned",
        before=before,
    )
    return current


@transaction.atomic
def report_approve(
    *,
    actor: User | None,
    report: ProgressReport,
    expected_version: int | None,
    comment: str = "",
    now: datetime | None = None,
) -> ProgressReport:
    """Approve a submitted report: it is locked, and its content as approved is kept so that
    a later reopening shows what changed (``selectors.changes_since_approval``)."""
    current = _for_decision(actor, report, expected_version)
    if current.state != State.SUBMITTED:
        if current.state == State.APPROVED:
            raise DomainError(_("รายงานนี้อนุมัติแล้ว"))
        raise DomainError(_("อนุมัติได้เฉพาะรายงานที่ส่งแล้วและรอพิจารณา"))
    check_version(current, expected_version)
    at = _now(actor, now)
    before = snapshot(current)
    current.state = State.APPROVED
    current.decided_at = at
    current.decided_by = actor
    current.approved_snapshot = report_snapshot(current)
    _decide(
        actor=actor,
        report=current,
        step=Step.APPROVE,
        comment=comment,
        at=at,
        audit_verb="approved",
        before=before,
    )
    return current


@transaction.atomic
def report_reopen(
    *,
    actor: User | None,
    report: ProgressReport,
    expected_version: int | None,
    reason: str,
    now: datetime | None = None,
) -> ProgressReport:
    """Unlock an approved report for correction (an approver, with a reason): it goes back to
    the reporter as returned; the approved content is kept to show what changes."""
    current = _for_decision(actor, report, expected_version)
    if current.state != State.APPROVED:
        raise DomainError(_("เปิดแก้ไขใหม่ได้เฉพาะรายงานที่อนุมัติแล้ว"))
    check_version(current, expected_version)
    reason = _required(reason, _("กรุณาระบุเหตุผลที่เปิดรายงานให้แก้ไขใหม่"), "reason")
    at = _now(actor, now)
    before = snapshot(current)
    current.state = State.RETURNED
    current.return_comment = reason
    current.reopened_at = at
    current.reopened_by = actor
    current.reopen_reason = reason
    _decide(
        actor=actor,
        report=current,
        step=Step.REOPEN,
        comment=reason,
        at=at,
        audit_verb="reopened",
        before=before,
    )
    return current


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one report of a bulk approval."""

    report_id: int
    approved: bool
    message: str = ""


def reports_approve_bulk(
    *, actor: User | None, reports: Iterable[ProgressReport], comment: str = ""
) -> list[BulkOutcome]:
    """Approve several reports, each in its own transaction with its own audit record; a
    report that cannot be approved (stale, not submitted, out of scope) is reported and does
    not stop the others. Each report's ``version`` is the one the approver saw."""
    outcomes = []
    for report in reports:
        try:
            report_approve(
                actor=actor, report=report, expected_version=report.version, comment=comment
            )
        except ProgressReport.DoesNotExist:
            outcomes.append(BulkOutcome(report.pk, False, _("ไม่พบรายงานนี้")))
        except DomainError as error:
            outcomes.append(BulkOutcome(report.pk, False, error.message))
        else:
            outcomes.append(BulkOutcome(report.pk, True))
    return outcomes


# Evaluations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationRun:
    created: int
    updated: int


def _completed_on_time(
    project: Project, first_completed: date | None, period_end: date
) -> bool | None:
    """Completed by the end of the quarter of its end month: True; due by the period's end and
    not completed in time: False; not due yet and not completed: None. Only a completion
    within the evaluated span (ending by ``period_end``) counts."""
    due_end = FiscalQuarter.of(project.end_month).end
    if first_completed is not None and first_completed <= min(due_end, period_end):
        return True
    if due_end <= period_end:
        return False
    return None


@transaction.atomic
def evaluation_prepare(
    *, actor: User | None, period: ReportingPeriod, unit: OrgUnit
) -> EvaluationRun:
    """Prepare (or refresh) the half-year or annual evaluation of every indicator and project
    of the current approved plans of ``unit`` and the units below it: target, result, achieved,
    score and percent for indicators (``selectors.indicator_outcome``), completed on time for
    projects. Idempotent: values are recomputed, evaluators' comments kept. Results and
    completions of draft reports, and completions reported in quarters after the evaluated
    span, do not count."""
    period = ReportingPeriod.objects.select_related("fiscal_year").get(pk=period.pk)
    if period.kind not in (ReportingPeriod.Kind.H1, ReportingPeriod.Kind.YEAR):
        raise DomainError(_("การประเมินผลทำในรอบ 6 เดือนหรือรอบ 12 เดือน"), field="period")
    if actor is not None and not can_at(actor, Evaluation, Action.ADD, unit.path):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์จัดทำการประเมินผลของ “%s”") % unit)
    versions = PlanVersion.objects.filter(
        pk__in=current_settled_versions(period.fiscal_year_id),
        plan__unit__path__startswith=unit.path,
    )
    indicators = list(
        Indicator.objects.filter(plan_version__in=versions).select_related(
            "goal", "project__strategy", "evaluator_unit", "plan_version__plan__unit"
        )
    )
    inputs = indicator_inputs(indicators, period.fiscal_year_id)
    projects = list(
        Project.objects.filter(plan_version__in=versions, start_month__lte=period.ends_on)
        .exclude(lead_unit_path="")
        .select_related("strategy", "plan_version__plan__unit")
    )
    first_completed: dict[Any, date] = {}
    for lineage, ends_on in (
        ProgressReport.objects.filter(
            project_lineage__in=[p.lineage for p in projects],
            period__fiscal_year_id=period.fiscal_year_id,
            # Only the quarters of the evaluated span: Q1–Q2 for the half year, whenever it
            # is prepared (a later quarter's completion is no completion at the half year).
            period__kind__in=quarters_of(period.kind),
            progress_status=ProgressStatus.COMPLETED,
        )
        .exclude(state=State.DRAFT)
        .values_list("project_lineage", "period__ends_on")
    ):
        if lineage not in first_completed or ends_on < first_completed[lineage]:
            first_completed[lineage] = ends_on
    existing = {
        (row.indicator_lineage or row.project_lineage): row
        for row in Evaluation.objects.select_for_update()
        .filter(period=period)
        .filter(
            models.Q(indicator_lineage__in=[i.lineage for i in indicators])
            | models.Q(project_lineage__in=[p.lineage for p in projects])
        )
    }
    stamp = {"created_by": actor, "updated_by": actor}
    new: list[Evaluation] = []
    changed: list[Evaluation] = []

    def put(lineage: Any, values: dict[str, Any]) -> None:
        row = existing.get(lineage)
        if row is None:
            new.append(Evaluation(period=period, **values, **stamp))
            return
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_by = actor
        changed.append(row)

    for indicator in indicators:
        outcome = inputs.outcome(indicator, period.kind)
        plan_unit = indicator.plan_version.plan.unit
        issue_id = issue_of(indicator)
        owner_path = (
            indicator.project.lead_unit_path
            if indicator.project and indicator.project.lead_unit_path
            else (indicator.evaluator_unit or plan_unit).path
        )
        put(
            indicator.lineage,
            {
                "indicator": indicator,
                "project": None,
                "indicator_lineage": indicator.lineage,
                "strategic_issue_id": issue_id,
                "target_value": outcome.target,
                "result_value": outcome.result,
                "achieved": outcome.achieved,
                "score": outcome.score,
                "percent_of_target": outcome.percent_of_target,
                "unit_path": owner_path,
                "plan_unit_path": plan_unit.path,
            },
        )
    for project in projects:
        put(
            project.lineage,
            {
                "project": project,
                "indicator": None,
                "project_lineage": project.lineage,
                "strategic_issue_id": project.strategy.strategic_issue_id
                if project.strategy
                else None,
                "completed_on_time": _completed_on_time(
                    project, first_completed.get(project.lineage), period.ends_on
                ),
                "unit_path": project.lead_unit_path,
                "plan_unit_path": project.plan_version.plan.unit.path,
            },
        )
    Evaluation.objects.bulk_create(new, batch_size=500)
    if changed:
        Evaluation.objects.bulk_update(
            changed,
            [
                "indicator",
                "project",
                "strategic_issue",
                "target_value",
                "result_value",
                "achieved",
                "score",
                "percent_of_target",
                "completed_on_time",
                "unit_path",
                "plan_unit_path",
                "version",
                "updated_by",
            ],
            batch_size=500,
        )
    audit_record(
        actor=actor,
        action="monitoring.evaluation.prepared",
        after={
            "period": str(period),
            "unit": str(unit),
            "indicators": len(indicators),
            "projects": len(projects),
            "created": len(new),
            "updated": len(changed),
        },
        unit_path=unit.path,
    )
    return EvaluationRun(created=len(new), updated=len(changed))


@transaction.atomic
def evaluation_comment(
    *, actor: User | None, evaluation: Evaluation, expected_version: int | None, comment: str
) -> Evaluation:
    """The evaluator's comment on one indicator's or project's evaluation."""
    current = _locked(Evaluation, evaluation, actor)
    check_version(current, expected_version)
    changed = Evaluation(comment=comment.strip(), evaluator=actor)
    return _save_changes(
        actor=actor, current=current, instance=changed, fields=("comment", "evaluator"), reason=""
    )


# Lessons learned -----------------------------------------------------------------------------


def _prepare_lesson(lesson: LessonLearned) -> None:
    lesson.unit_path = lesson.unit.path
    year_id = lesson.fiscal_year_id
    project = lesson.project
    if project is not None and project.plan_version.plan.fiscal_year_id != year_id:
        raise DomainError(_("โครงการต้องอยู่ในแผนของปีงบประมาณเดียวกัน"), field="project")
    issue = lesson.strategic_issue
    if issue is not None and issue.plan_version.plan.fiscal_year_id != year_id:
        raise DomainError(_("ประเด็นยุทธศาสตร์ต้องอยู่ในแผนของปีงบประมาณเดียวกัน"), field="strategic_issue")


@transaction.atomic
def lesson_add(*, actor: User | None, instance: LessonLearned, reason: str = "") -> LessonLearned:
    """Record a lesson learned of a unit's year (optionally of a project or strategic issue)."""
    _prepare_lesson(instance)
    return object_create(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def lesson_update(
    *, actor: User | None, instance: LessonLearned, expected_version: int | None, reason: str = ""
) -> LessonLearned:
    current = _locked(LessonLearned, instance, actor)
    check_version(current, expected_version)
    _prepare_lesson(instance)
    return _save_changes(
        actor=actor,
        current=current,
        instance=instance,
        fields=(
            "fiscal_year",
            "unit",
            "project",
            "strategic_issue",
            "topic",
            "lesson",
            "recommendation",
            "unit_path",
        ),
        reason=reason,
    )


@transaction.atomic
def lesson_delete(
    *,
    actor: User | None,
    instance: LessonLearned,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    object_delete(actor=actor, instance=instance, expected_version=expected_version, reason=reason)
