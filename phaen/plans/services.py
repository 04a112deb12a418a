"""State changes of plans: creating a plan, editing its content while it is a draft, approving,
publishing and starting a revised version (a copy). One transaction each, audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from phaen.core.access import Action, can
from phaen.core.audit import audit_record, snapshot
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.services import (
    audit_action,
    check_version,
    object_create,
    object_delete,
    object_update,
)
from phaen.plans.models import (
    ActionPlan,
    Activity,
    AlignmentLink,
    FiscalYear,
    Goal,
    Indicator,
    IndicatorTarget,
    Milestone,
    Mission,
    PlanVersion,
    Project,
    ProjectOwner,
    ScoringBand,
    StrategicIssue,
    Strategy,
)
from phaen.thai.dates import format_month_year
from phaen.thai.money import format_baht

if TYPE_CHECKING:
    from phaen.core.models import BaseModel, User


# Guards -------------------------------------------------------------------------------------


def ensure_year_open(fiscal_year: FiscalYear) -> None:
    if not fiscal_year.is_open:
        raise DomainError(
            _("ปีงบประมาณ พ.ศ. %(year)s ปิดแล้ว จึงสร้างหรือแก้ไขแผนของปีนี้ไม่ได้")
            % {"year": fiscal_year.year}
        )


def ensure_editable(version: PlanVersion) -> None:
    """Only a draft version changes; approved and published ones are read-only."""
    current = PlanVersion.objects.select_related("plan__fiscal_year").get(pk=version.pk)
    if current.status != PlanVersion.Status.DRAFT:
        raise DomainError(
            _("แผนฉบับที่ %(number)s %(status)s จึงแก้ไขไม่ได้ หากต้องการเปลี่ยนแปลง ให้สร้างฉบับปรับปรุงใหม่")
            % {"number": current.number, "status": current.get_status_display()}
        )
    ensure_year_open(current.plan.fiscal_year)


def version_of(instance: models.Model) -> PlanVersion:
    """The plan version a content row (or a part of an indicator) belongs to."""
    if isinstance(instance, IndicatorTarget | ScoringBand | Milestone):
        return instance.indicator.plan_version
    if isinstance(instance, ProjectOwner):
        return instance.project.plan_version
    version: PlanVersion = instance.plan_version  # type: ignore[attr-defined]
    return version


# Data-quality rules -------------------------------------------------------------------------


def _months_inside(start: Any, end: Any, lower: Any, upper: Any) -> bool:
    return bool(lower <= start and end <= upper)


def check_project(project: Project) -> None:
    """Months inside the plan's fiscal year (unless multi-year) and room for its activities."""
    period = project.plan_version.plan.fiscal_year.period
    if not project.is_multi_year and not _months_inside(
        project.start_month, project.end_month, period.start, period.end
    ):
        raise DomainError(
            _(
                "ระยะเวลาโครงการต้องอยู่ในปีงบประมาณ พ.ศ. %(year)s (%(start)s – %(end)s) "
                "หากเป็นโครงการต่อเนื่องหลายปี ให้เลือก “โครงการต่อเนื่องหลายปี”"
            )
            % {
                "year": period.be,
                "start": format_month_year(period.start.year, period.start.month, long=True),
                "end": format_month_year(period.end.year, period.end.month, long=True),
            },
            field="end_month",
        )
    if project.pk:
        top_level = Activity.objects.filter(project=project, parent=None).aggregate(
            total=Sum("budget")
        )["total"] or Decimal(0)
        if top_level > project.budget:
            raise DomainError(
                _("งบประมาณโครงการ %(budget)s บาท น้อยกว่างบประมาณของกิจกรรมรวม %(total)s บาท")
                % {"budget": format_baht(project.budget), "total": format_baht(top_level)},
                field="budget",
            )
        outside = Activity.objects.filter(project=project).filter(
            models.Q(start_month__lt=project.start_month)
            | models.Q(end_month__gt=project.end_month)
        )
        if outside.exists():
            raise DomainError(
                _("มีกิจกรรมที่อยู่นอกระยะเวลาโครงการใหม่ เช่น “%(name)s” กรุณาปรับกิจกรรมก่อน")
                % {"name": outside.first()},
                field="start_month",
            )


def check_activity(activity: Activity) -> None:
    """Inside the project's months; activity budgets within the project's (or parent's) budget."""
    project = activity.project
    parent = activity.parent
    if parent is not None and parent.project_id != activity.project_id:
        raise DomainError(_("กิจกรรมหลักต้องอยู่ในโครงการเดียวกัน"), field="parent")
    if parent is not None and parent.parent_id is not None:
        raise DomainError(_("กิจกรรมย่อยมีได้เพียงระดับเดียว"), field="parent")
    if not _months_inside(
        activity.start_month, activity.end_month, project.start_month, project.end_month
    ):
        raise DomainError(
            _("เดือนของกิจกรรมต้องอยู่ในระยะเวลาโครงการ (%(start)s – %(end)s)")
            % {
                "start": format_month_year(
                    project.start_month.year, project.start_month.month, long=True
                ),
                "end": format_month_year(
                    project.end_month.year, project.end_month.month, long=True
                ),
            },
            field="start_month",
        )
    siblings = Activity.objects.filter(project=project, parent=activity.parent_id)
    if activity.pk:
        siblings = siblings.exclude(pk=activity.pk)
    total = (siblings.aggregate(total=Sum("budget"))["total"] or Decimal(0)) + activity.budget
    if parent is None:
        limit, what = project.budget, _("งบประมาณโครงการ")
    else:
        limit, what = parent.budget, _("งบประมาณของกิจกรรมหลัก")
    if total > limit:
        raise DomainError(
            _("งบประมาณกิจกรรมรวม %(total)s บาท เกิน%(what)s %(limit)s บาท")
            % {"total": format_baht(total), "what": what, "limit": format_baht(limit)},
            field="budget",
        )
    if activity.pk:
        children = Activity.objects.filter(parent=activity).aggregate(total=Sum("budget"))["total"]
        if children and children > activity.budget:
            raise DomainError(
                _("งบประมาณกิจกรรมย่อยรวม %(total)s บาท เกินงบประมาณของกิจกรรมนี้")
                % {"total": format_baht(children)},
                field="budget",
            )


def check_link(link: AlignmentLink) -> None:
    subject = link.subject
    if getattr(subject, "plan_version_id", None) != link.plan_version_id:
        raise DomainError(_("รายการที่เชื่อมโยงต้องอยู่ในฉบับของแผนเดียวกัน"))
    if link.node.is_retired and link._state.adding:
        raise DomainError(_("ข้อในกรอบนี้ถูกยกเลิกแล้ว เชื่อมโยงเพิ่มไม่ได้"), field="node")


def _prepare(instance: models.Model) -> None:
    """Keep copies and cross-row rules right before a content row is written."""
    if isinstance(instance, Project):
        instance.plan_unit_path = instance.plan_version.plan.unit.path
        instance.lead_unit_path = instance.lead_unit.path if instance.lead_unit else ""
        check_project(instance)
    elif isinstance(instance, Activity):
        instance.plan_version = instance.project.plan_version
        check_activity(instance)
    elif isinstance(instance, Goal | Strategy):
        instance.plan_version = instance.strategic_issue.plan_version
    elif isinstance(instance, Indicator):
        owner = instance.goal or instance.project
        if owner is not None:
            instance.plan_version = owner.plan_version
    elif isinstance(instance, AlignmentLink):
        check_link(instance)


# Content: create, update, delete while the version is a draft ------------------------------


@transaction.atomic
def content_create(*, actor: User | None, instance: BaseModel, reason: str = "") -> BaseModel:
    """Add a row to a draft plan version."""
    _prepare(instance)
    ensure_editable(version_of(instance))
    return object_create(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def content_update(
    *, actor: User | None, instance: BaseModel, expected_version: int | None, reason: str = ""
) -> BaseModel:
    """Change a row of a draft plan version (refused once the version is approved)."""
    _prepare(instance)
    ensure_editable(version_of(instance))
    return object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def content_delete(
    *,
    actor: User | None,
    instance: BaseModel,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    ensure_editable(version_of(instance))
    object_delete(actor=actor, instance=instance, expected_version=expected_version, reason=reason)


# Plans and versions -------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User | None, instance: ActionPlan, reason: str = "") -> ActionPlan:
    """A unit's plan for a fiscal year, with its first (draft) version."""
    ensure_year_open(instance.fiscal_year)
    plan = object_create(actor=actor, instance=instance, reason=reason)
    object_create(
        actor=actor,
        instance=PlanVersion(plan=plan, number=1, kind=PlanVersion.Kind.INITIAL),
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor: User | None, instance: ActionPlan, expected_version: int | None, reason: str = ""
) -> ActionPlan:
    ensure_year_open(instance.fiscal_year)
    return object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def version_update(
    *, actor: User | None, instance: PlanVersion, expected_version: int | None, reason: str = ""
) -> PlanVersion:
    """Vision, values and notes of a draft version."""
    ensure_editable(instance)
    return object_update(
        actor=actor, instance=instance, expected_version=expected_version, reason=reason
    )


def approval_problems(version: PlanVersion) -> list[str]:
    """What stops a version from being approved (empty when it is ready)."""
    problems = []
    projects = list(Project.objects.filter(plan_version=version).select_related("lead_unit"))
    if not projects:
        problems.append(_("แผนยังไม่มีโครงการ"))
    without_lead = [p for p in projects if p.lead_unit_id is None]
    for project in without_lead[:5]:
        problems.append(_("โครงการ “%(project)s” ยังไม่มีเจ้าภาพหลัก") % {"project": project})
    if len(without_lead) > 5:
        problems.append(_("และโครงการอื่นที่ยังไม่มีเจ้าภาพหลักอีก %d โครงการ") % (len(without_lead) - 5))
    totals = dict(
        Activity.objects.filter(plan_version=version, parent=None)
        .values_list("project_id")
        .annotate(total=Sum("budget"))
    )
    for project in projects:
        if totals.get(project.pk, Decimal(0)) > project.budget:
            problems.append(
                _("งบประมาณกิจกรรมของโครงการ “%(project)s” เกินงบประมาณโครงการ")
                % {"project": project}
            )
    return problems


@transaction.atomic
def version_approve(
    *, actor: User | None, version: PlanVersion, expected_version: int | None, note: str = ""
) -> PlanVersion:
    """The director approves a draft: it becomes read-only."""
    current = PlanVersion.objects.select_for_update().get(pk=version.pk)
    check_version(current, expected_version)
    if actor is not None and not can(actor, "approve", current):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์อนุมัติแผนฉบับนี้"))
    if current.status != PlanVersion.Status.DRAFT:
        raise DomainError(_("อนุมัติได้เฉพาะฉบับร่าง"))
    problems = approval_problems(current)
    if problems:
        raise DomainError(_("ยังอนุมัติไม่ได้: ") + "; ".join(problems))
    before = snapshot(current)
    current.status = PlanVersion.Status.APPROVED
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.approval_note = note
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        actor=actor,
        action=audit_action(PlanVersion, "approved"),
        obj=current,
        before=before,
        after=snapshot(current),
        reason=note,
    )
    return current


@transaction.atomic
def version_publish(
    *, actor: User | None, version: PlanVersion, expected_version: int | None
) -> PlanVersion:
    """Publish an approved version: the public and every agency may read it."""
    current = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    check_version(current, expected_version)
    if actor is not None and not can(actor, "publish", current):
        raise OutOfScopeError(_("คุณไม่มีสิทธิ์เผยแพร่แผนฉบับนี้"))
    if current.status != PlanVersion.Status.APPROVED:
        raise DomainError(_("เผยแพร่ได้เฉพาะฉบับที่อนุมัติแล้ว"))
    before = snapshot(current)
    current.status = PlanVersion.Status.PUBLISHED
    current.published_at = timezone.now()
    current.version += 1
    current.updated_by = actor
    current.save()
    ActionPlan.objects.filter(pk=current.plan_id).update(is_published=True)
    audit_record(
        actor=actor,
        action=audit_action(PlanVersion, "published"),
        obj=current,
        before=before,
        after=snapshot(current),
    )
    return current


@dataclass
class CopyMaps:
    """Old id → new row, per model, while a version is copied."""

    rows: dict[type[models.Model], dict[int, Any]]

    def __init__(self) -> None:
        self.rows = defaultdict(dict)

    def new(self, model: type[models.Model], old_id: int | None) -> Any:
        return self.rows[model].get(old_id) if old_id is not None else None


def _clone(row: Any, **changes: Any) -> Any:
    """An unsaved copy of ``row`` with ``changes`` applied."""
    clone = type(row)()
    for field in row._meta.concrete_fields:
        if field.primary_key:
            continue
        setattr(clone, field.attname, getattr(row, field.attname))
    for name, value in changes.items():
        setattr(clone, name, value)
    clone.version = 1  # a new row starts its own edit history
    return clone


@transaction.atomic
def version_create_revision(
    *,
    actor: User | None,
    source: PlanVersion,
    kind: str = PlanVersion.Kind.REVISION,
    note: str = "",
) -> PlanVersion:
    """Start a new draft version as a copy of ``source`` (rows keep their lineage)."""
    plan = (
        ActionPlan.objects.select_for_update().select_related("fiscal_year").get(pk=source.plan_id)
    )
    ensure_year_open(plan.fiscal_year)
    if source.status == PlanVersion.Status.DRAFT:
        raise DomainError(_("สร้างฉบับปรับปรุงได้จากฉบับที่อนุมัติแล้วเท่านั้น"))
    if PlanVersion.objects.filter(plan=plan, status=PlanVersion.Status.DRAFT).exists():
        raise DomainError(_("แผนนี้มีฉบับร่างที่ยังไม่อนุมัติอยู่แล้ว กรุณาแก้ไขฉบับร่างนั้น"))
    if actor is not None and not can(actor, Action.CHANGE, source):
        raise OutOfScopeError()
    number = (PlanVersion.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0) + 1
    new = object_create(
        actor=actor,
        instance=PlanVersion(
            plan=plan,
            number=number,
            kind=kind,
            based_on=source,
            vision=source.vision,
            values=source.values,
            note=note,
        ),
        reason=_("ฉบับปรับปรุงจากฉบับที่ %s") % source.number,
    )
    maps = copy_content(source=source, target=new, actor=actor)
    audit_record(
        actor=actor,
        action=audit_action(PlanVersion, "copied"),
        obj=new,
        after={str(model._meta.model_name): len(rows) for model, rows in maps.rows.items()},
        reason=_("คัดลอกเนื้อหาจากฉบับที่ %s") % source.number,
    )
    return new


def copy_content(*, source: PlanVersion, target: PlanVersion, actor: User | None) -> CopyMaps:
    """Copy every content row of ``source`` into ``target`` with bulk inserts (parents first)."""
    maps = CopyMaps()
    stamp = {"plan_version": target, "created_by": actor, "updated_by": actor}

    def copy(model: type[models.Model], rows: list[Any], fix: Any = None) -> None:
        clones = []
        for row in rows:
            clone = _clone(row, **stamp)
            if fix is not None:
                fix(row, clone)
            clones.append(clone)
        created = model._default_manager.bulk_create(clones)
        for row, clone in zip(rows, created, strict=True):
            maps.rows[model][row.pk] = clone

    of = {"plan_version": source}
    copy(Mission, list(Mission.objects.filter(**of)))
    copy(StrategicIssue, list(StrategicIssue.objects.filter(**of)))

    def issue(row: Any, clone: Any) -> None:
        clone.strategic_issue = maps.new(StrategicIssue, row.strategic_issue_id)

    copy(Goal, list(Goal.objects.filter(**of)), issue)
    copy(Strategy, list(Strategy.objects.filter(**of)), issue)
    copy(
        Project,
        list(Project.objects.filter(**of)),
        lambda row, clone: setattr(clone, "strategy", maps.new(Strategy, row.strategy_id)),
    )
    activities = list(Activity.objects.filter(**of).order_by("parent_id", "pk"))
    top, nested = (
        [a for a in activities if a.parent_id is None],
        [a for a in activities if a.parent_id],
    )

    def activity(row: Any, clone: Any) -> None:
        clone.project = maps.new(Project, row.project_id)
        clone.parent = maps.new(Activity, row.parent_id)

    for layer in _layers(top, nested):
        copy(Activity, layer, activity)

    def owner(row: Any, clone: Any) -> None:
        clone.goal = maps.new(Goal, row.goal_id)
        clone.project = maps.new(Project, row.project_id)

    copy(Indicator, list(Indicator.objects.filter(**of)), owner)
    part_stamp = {"created_by": actor, "updated_by": actor}
    parts: tuple[type[IndicatorTarget | ScoringBand | Milestone], ...] = (
        IndicatorTarget,
        ScoringBand,
        Milestone,
    )
    for part in parts:
        rows: list[Any] = list(part.objects.filter(indicator__plan_version=source))
        part.objects.bulk_create(
            [
                _clone(row, indicator=maps.new(Indicator, row.indicator_id), **part_stamp)
                for row in rows
            ]
        )
    ProjectOwner.objects.bulk_create(
        [
            _clone(row, project=maps.new(Project, row.project_id), **part_stamp)
            for row in ProjectOwner.objects.filter(project__plan_version=source)
        ]
    )

    def link(row: Any, clone: Any) -> None:
        clone.strategic_issue = maps.new(StrategicIssue, row.strategic_issue_id)
        clone.goal = maps.new(Goal, row.goal_id)
        clone.indicator = maps.new(Indicator, row.indicator_id)
        clone.project = maps.new(Project, row.project_id)

    copy(AlignmentLink, list(AlignmentLink.objects.filter(**of)), link)
    return maps


def _layers(top: list[Activity], nested: list[Activity]) -> list[list[Activity]]:
    """Activities by depth, so each layer's parents exist before it is inserted."""
    layers = [top]
    placed = {a.pk for a in top}
    remaining = nested
    while remaining:
        layer = [a for a in remaining if a.parent_id in placed]
        if not layer:
            break
        layers.append(layer)
        placed.update(a.pk for a in layer)
        remaining = [a for a in remaining if a.pk not in placed]
    return layers
