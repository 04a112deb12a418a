"""Pages of quarterly progress reports (รายงานความก้าวหน้า), their activities and the workflow.

- the list (filters: fiscal year, quarter, unit, state), the "start a report" page and the
  bulk approval page of submitted reports;
- the report page: the whole quarterly report in one page, read by ``selectors.report_content``
  (a fixed number of queries), with the workflow buttons (submit, return, approve, reopen);
- the edit pages of the report header and of one activity's progress, delete (drafts never
  submitted) and the change history.

Every read goes through ``restrict``; every change through the monitoring services, whose Thai
refusals are shown on the page with the user's input kept. Links to the pages of a report's parts
(results, problems, corrective actions, evidence, contributions: views/parts.py) are built with
``optional_url``, so a page that does not exist is never linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action, can, can_at, covering_paths, has_any_role, user_grants
from phaen.core.audit import history_for
from phaen.core.exceptions import DomainError
from phaen.core.tables import Column, Table
from phaen.core.views.generic import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
    apply_domain_error,
    paginate,
    query_without,
)
from phaen.monitoring import services
from phaen.monitoring.forms.reports import (
    ActivityProgressForm,
    BulkApproveForm,
    ProgressReportFilterSet,
    ProgressReportForm,
    ReopenForm,
    ReturnForm,
    WorkflowForm,
)
from phaen.monitoring.models import (
    APPROVE,
    REPORT_WRITERS,
    ActivityProgress,
    ProgressReport,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS
from phaen.monitoring.selectors import (
    ReportContent,
    changes_since_approval,
    effective_deadline,
    report_content,
    required_projects,
    today,
)
from phaen.plans.models import Project, ProjectOwner
from phaen.plans.views.structure import Crumb

State = ProgressReport.State
REPORT_JOINS = ("project", "period__fiscal_year", "unit")

#: Who may approve reports: the roles of the approve right. The bulk approval page admits
#: them, and its menu item (``phaen.monitoring.menu``) shows to them, and to no one else.
APPROVERS: frozenset[str] = ProgressReport.access_rules.roles_for(APPROVE)


def optional_url(name: str, *args: Any) -> str | None:
    """The URL of a page, or None while that page does not exist (no dead links)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def list_crumb() -> Crumb:
    return Crumb(_("รายงานความก้าวหน้า"), reverse("monitoring:progressreport_list"))


def writer_paths(user: Any) -> list[str]:
    """The units (paths) where the user writes reports."""
    return covering_paths(g.unit_path for g in user_grants(user) if g.role in REPORT_WRITERS)


# The list ------------------------------------------------------------------------------------


class ProgressReportTable(Table):
    columns = [
        Column("project", gettext_lazy("โครงการ"), link=True, order_by="project__code"),
        Column(
            "period",
            gettext_lazy("ไตรมาส"),
            accessor=lambda r: r.period.label,
            order_by="period__ends_on",
        ),
        Column("unit", gettext_lazy("หน่วยงานผู้รายงาน"), accessor="unit.name", order_by="unit_path"),
        Column(
            "state", gettext_lazy("สถานะรายงาน"), accessor="get_state_display", order_by="state"
        ),
        Column(
            "progress_status",
            gettext_lazy("สถานะการดำเนินงาน"),
            accessor="get_progress_status_display",
            order_by="progress_status",
        ),
        Column(
            "percent_complete",
            gettext_lazy("ร้อยละความก้าวหน้า"),
            order_by="percent_complete",
            numeric=True,
        ),
        Column("is_late", gettext_lazy("ส่งล่าช้า"), order_by="is_late"),
        Column("submitted_at", gettext_lazy("ส่งล่าสุดเมื่อ"), order_by="submitted_at"),
    ]
    default_order = ("-period__fiscal_year__year", "-period__ends_on", "unit_path", "project_id")


class ProgressReportListView(ObjectListView):
    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    filterset = ProgressReportFilterSet
    table = ProgressReportTable
    export_stem = "progress-reports"
    template_name = "monitoring/progressreport_list.html"

    def add_url(self) -> str | None:
        return reverse("monitoring:progressreport_start")

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        waiting = 0
        if has_any_role(user, APPROVERS):
            waiting = (
                ProgressReport.objects.restrict(user, APPROVE).filter(state=State.SUBMITTED).count()
            )
        return {"waiting_approval": waiting}


# Starting a report ---------------------------------------------------------------------------


def quarter_periods(user: Any) -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.restrict(user, Action.VIEW)
        .filter(kind__in=QUARTERS)
        .select_related("fiscal_year")
    )


class ProgressReportStartView(PolicyView):
    """เริ่มจัดทำรายงาน: ``?project=&period=`` confirms one report; without a project, the
    projects the user must report on in the chosen quarter that have no report yet. POST starts
    the report (``services.report_start``)."""

    queryset = ProgressReport.objects.all()
    public_read = False
    template_name = "monitoring/progressreport_start.html"

    def param(self, name: str) -> str:
        value = self.request.POST.get(name) or self.request.GET.get(name) or ""
        return value if value.isdigit() else ""

    def chosen_project(self) -> Project | None:
        """The project of the request among those the user sees (404 otherwise); 403 when the
        user may not report on it."""
        raw = self.param("project")
        if not raw and "project" not in self.request.GET and "project" not in self.request.POST:
            return None
        visible = Project.objects.restrict(self.request.user, Action.VIEW)
        project: Project = get_object_or_404(
            visible.select_related("lead_unit", "plan_version__plan__fiscal_year"), pk=raw or 0
        )
        if not can_at(self.request.user, ProgressReport, Action.ADD, project.lead_unit_path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์รายงานความก้าวหน้าของโครงการนี้"))
        return project

    def chosen_period(self, project: Project | None) -> ReportingPeriod | None:
        periods = quarter_periods(self.request.user)
        if project is not None:
            periods = periods.filter(fiscal_year=project.plan_version.plan.fiscal_year_id)
        raw = self.param("period")
        if raw:
            return get_object_or_404(periods, pk=raw)
        day = today()
        current = periods.filter(opens_on__lte=day).order_by("-ends_on").first()
        return current or periods.order_by("ends_on").first()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.chosen_project()
        if project is None and not self.can_add():
            raise PermissionDenied(_("คุณไม่มีสิทธิ์จัดทำรายงานความก้าวหน้า"))
        period = self.chosen_period(project)
        return self.render_page(project, period)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.chosen_project()
        if project is None:
            raise Http404
        period = self.chosen_period(project)
        if period is None:
            raise Http404
        try:
            report = services.report_start(actor=request.user, project=project, period=period)  # type: ignore[arg-type]
        except DomainError as error:
            return self.render_page(project, period, error=error.message, status=400)
        messages.success(
            request,
            _("เริ่มจัดทำรายงาน%(period)s ของโครงการ “%(project)s” แล้ว")
            % {"period": period, "project": project},
        )
        return redirect(report)

    def render_page(
        self,
        project: Project | None,
        period: ReportingPeriod | None,
        *,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        user = self.request.user
        periods = quarter_periods(user)
        existing: ProgressReport | None = None
        page = None
        if project is not None:
            periods = periods.filter(fiscal_year=project.plan_version.plan.fiscal_year_id)
            if period is not None:
                existing = (
                    ProgressReport.objects.restrict(user, Action.VIEW)
                    .filter(project_lineage=project.lineage, period=period)
                    .first()
                )
        elif period is not None:
            paths = writer_paths(user)
            projects = required_projects(
                period, base=Project.objects.restrict(user, Action.VIEW)
            ).exclude(
                lineage__in=ProgressReport.objects.filter(period=period)
                .order_by()
                .values("project_lineage")
            )
            if not user.is_superuser:
                clause = Q(pk__in=[])
                for unit_path in paths:
                    clause |= Q(lead_unit_path__startswith=unit_path)
                projects = projects.filter(clause)
            page = paginate(
                self.request,
                projects.select_related("lead_unit").order_by("lead_unit_path", "code", "pk"),
            )
        context = {
            "project": project,
            "period": period,
            "periods": periods.order_by("-fiscal_year__year", "ends_on"),
            "existing": existing,
            "page": page,
            "query": query_without(self.request, "page"),
            "error": error,
            "crumbs": [list_crumb()],
        }
        return render(self.request, self.template_name, context, status=status)


# The report page -----------------------------------------------------------------------------


@dataclass
class ReportLinks:
    """Links to the pages of the report's parts, where those pages exist and the user may
    write; every value None otherwise."""

    edit: bool
    problem_add: str | None
    evidence_add: str | None
    contribution_add: str | None


class ProgressReportDetailView(PolicyView):
    """The whole quarterly report in one page (``selectors.report_content``)."""

    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_object()
        return report_page(request, report)


def _is_partner_writer(user: Any, report: ProgressReport) -> bool:
    """Whether the user writes for a co-owner or supporter unit of the report's project."""
    paths = writer_paths(user)
    if not paths:
        return False
    owners = ProjectOwner.objects.filter(project_id=report.project_id).values_list(
        "unit__path", flat=True
    )
    return any(owner.startswith(p) for owner in owners for p in paths)


def report_page(
    request: HttpRequest,
    report: ProgressReport,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the report page (also after a refused workflow step, with that step's form)."""
    user = request.user
    content: ReportContent = report_content(report)
    report = content.report
    can_change = can(user, Action.CHANGE, report)
    can_approve = can(user, APPROVE, report)
    can_delete = (
        report.state == State.DRAFT
        and report.first_submitted_at is None
        and can(user, Action.DELETE, report)
    )
    deadline = effective_deadline(report.period, report.unit_path)
    # A draft whose period is closed for entry (after the lock date, no late entry) is not
    # writable for a reporter: the services' rule (``ensure_report_writable``).
    entry_closed = (
        services.report_entry_closed(report, user, deadline=deadline)  # type: ignore[arg-type]
        if can_change and report.is_editable_state
        else ""
    )
    writable = can_change and report.is_editable_state and not entry_closed
    can_delete = can_delete and not entry_closed
    # Co-owners and supporters contribute while the report is not approved, and add evidence
    # while it is a draft or returned (as the services allow).
    partner = _is_partner_writer(user, report) if not report.is_locked else False
    overdue = report.first_submitted_at is None and today() > deadline.due_on
    forms = dict(forms or {})
    initial = {"version": report.version}
    if writable:
        forms.setdefault("submit", WorkflowForm(initial=initial, prefix="submit"))
    if can_approve and report.state == State.SUBMITTED:
        forms.setdefault("approve", WorkflowForm(initial=initial, prefix="approve"))
        forms.setdefault("return", ReturnForm(initial=initial, prefix="return"))
    if can_approve and report.state == State.APPROVED:
        forms.setdefault("reopen", ReopenForm(initial=initial, prefix="reopen"))
    links = ReportLinks(
        edit=writable,
        problem_add=optional_url("monitoring:problem_add", report.pk) if writable else None,
        evidence_add=(
            optional_url("monitoring:evidence_add", report.pk)
            if writable or (partner and report.is_editable_state)
            else None
        ),
        contribution_add=(
            optional_url("monitoring:contribution_add", report.pk) if partner else None
        ),
    )
    _attach_links(content, writable, user, partner)
    context = {
        "object": report,
        "content": content,
        "money": content.money,
        "deadline": deadline,
        "overdue": overdue,
        "today": today(),
        "can_change": can_change,
        "can_approve": can_approve,
        "can_delete": can_delete,
        "writable": writable,
        "entry_closed": entry_closed,
        "locked_message": services.locked_message(report) if report.is_locked else "",
        "submission_problems": services.submission_problems(report) if writable else [],
        "changes": changes_since_approval(report) if report.reopened_at else [],
        "links": links,
        "forms": forms,
        "recent_history": history_for(report)[:5],
        "crumbs": [list_crumb()],
    }
    return render(request, "monitoring/progressreport_detail.html", context, status=status)


def _attach_links(content: ReportContent, writable: bool, user: Any, partner: bool) -> None:
    """Give each part of the report its ``links`` (by the contract's URL names; a page that
    does not exist, or that the user may not use, is None)."""
    report = content.report

    def link(name: str, *args: Any, allowed: bool = True) -> str | None:
        return optional_url(name, *args) if allowed else None

    partner_writes = partner and report.is_editable_state
    evidence_add = link("monitoring:evidence_add", report.pk, allowed=writable or partner_writes)
    for line in content.indicators:
        result = line.result
        links: dict[str, str | None] = {
            "add": link(
                "monitoring:indicatorresult_add",
                report.pk,
                line.indicator.pk,
                allowed=writable and result is None and line.target is not None,
            )
        }
        if result is not None:
            links["view"] = link("monitoring:indicatorresult", result.pk)
            links["edit"] = link("monitoring:indicatorresult_edit", result.pk, allowed=writable)
            links["evidence"] = f"{evidence_add}?result={result.pk}" if evidence_add else None
        setattr(line, "links", links)  # noqa: B010
    for activity in content.activities:
        setattr(  # noqa: B010
            activity,
            "links",
            {"edit": link("monitoring:activityprogress_edit", activity.pk, allowed=writable)},
        )
    for problem in content.problems:
        setattr(  # noqa: B010
            problem,
            "links",
            {
                "edit": link("monitoring:problem_edit", problem.pk, allowed=writable),
                "delete": link("monitoring:problem_delete", problem.pk, allowed=writable),
                "action_add": link("monitoring:correctiveaction_add", problem.pk, allowed=writable),
            },
        )
    actions = [a for p in content.problems for a in p.actions.all()]
    for action in actions:
        setattr(  # noqa: B010
            action,
            "links",
            {
                "view": link("monitoring:correctiveaction", action.pk),
                "edit": link("monitoring:correctiveaction_edit", action.pk, allowed=writable),
            },
        )
    # An earlier quarter's open action is followed up from this report (``?report=``).
    for action in content.carried_actions:
        edit = link("monitoring:correctiveaction_edit", action.pk, allowed=writable)
        setattr(  # noqa: B010
            action,
            "links",
            {
                "view": link("monitoring:correctiveaction", action.pk),
                "edit": f"{edit}?report={report.pk}" if edit else None,
            },
        )
    for item in content.evidence:
        setattr(  # noqa: B010
            item,
            "links",
            {
                "download": link("monitoring:evidence_download", item.pk, allowed=bool(item.file)),
                "delete": link(
                    "monitoring:evidence_delete",
                    item.pk,
                    allowed=writable or (partner_writes and item.created_by_id == user.pk),
                ),
            },
        )
    paths = writer_paths(user) if partner else []
    for contribution in content.contributions:
        own = any(contribution.unit.path.startswith(p) for p in paths)
        setattr(  # noqa: B010
            contribution,
            "links",
            {
                "edit": link("monitoring:contribution_edit", contribution.pk, allowed=own),
                "delete": link("monitoring:contribution_delete", contribution.pk, allowed=own),
            },
        )


# Workflow steps ------------------------------------------------------------------------------


class WorkflowStepView(PolicyView):
    """A workflow step (POST): the step's form, then its service; a refusal re-renders the
    report page with the message and the user's comment."""

    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    public_read = False
    http_method_names = ["post"]
    step: ClassVar[str]
    right: ClassVar[str] = APPROVE
    form_class: ClassVar[type[WorkflowForm]] = WorkflowForm

    def perform(self, report: ProgressReport, version: int, comment: str) -> ProgressReport:
        raise NotImplementedError

    def done_message(self, report: ProgressReport) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        report = self.get_object(self.right)
        form = self.form_class(request.POST, prefix=self.step)
        if form.is_valid():
            try:
                done = self.perform(
                    report, form.cleaned_data["version"], form.cleaned_data.get("comment", "")
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, self.done_message(done))
                return redirect(done)
        report.refresh_from_db()
        return report_page(request, report, {self.step: form}, status=400)


class SubmitView(WorkflowStepView):
    step = "submit"
    right = Action.CHANGE

    def perform(self, report: ProgressReport, version: int, comment: str) -> ProgressReport:
        return services.report_submit(
            actor=self.request.user,  # type: ignore[arg-type]
            report=report,
            expected_version=version,
            comment=comment,
        )

    def done_message(self, report: ProgressReport) -> str:
        return _("ส่งรายงานแล้ว รอผู้อนุมัติพิจารณา")


class ReturnView(WorkflowStepView):
    step = "return"
    form_class = ReturnForm

    def perform(self, report: ProgressReport, version: int, comment: str) -> ProgressReport:
        return services.report_return(
            actor=self.request.user,  # type: ignore[arg-type]
            report=report,
            expected_version=version,
            comment=comment,
        )

    def done_message(self, report: ProgressReport) -> str:
        return _("ส่งรายงานกลับให้แก้ไขแล้ว")


class ApproveView(WorkflowStepView):
    step = "approve"

    def perform(self, report: ProgressReport, version: int, comment: str) -> ProgressReport:
        return services.report_approve(
            actor=self.request.user,  # type: ignore[arg-type]
            report=report,
            expected_version=version,
            comment=comment,
        )

    def done_message(self, report: ProgressReport) -> str:
        return _("อนุมัติรายงานแล้ว รายงานถูกล็อกไม่ให้แก้ไข")


class ReopenView(WorkflowStepView):
    step = "reopen"
    form_class = ReopenForm

    def perform(self, report: ProgressReport, version: int, comment: str) -> ProgressReport:
        return services.report_reopen(
            actor=self.request.user,  # type: ignore[arg-type]
            report=report,
            expected_version=version,
            reason=comment,
        )

    def done_message(self, report: ProgressReport) -> str:
        return _("เปิดรายงานให้แก้ไขใหม่แล้ว")


class BulkApproveView(PolicyView):
    """อนุมัติหลายรายงาน: submitted reports the user may approve, ticked and approved at once;
    each report is approved on its own (``services.reports_approve_bulk``)."""

    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    public_read = False
    template_name = "monitoring/progressreport_bulk_approve.html"

    def waiting(self) -> QuerySet[ProgressReport]:
        if not has_any_role(self.request.user, APPROVERS):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์อนุมัติรายงานความก้าวหน้า"))
        return self.restricted(APPROVE).filter(state=State.SUBMITTED).order_by("submitted_at", "pk")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.waiting(), None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        waiting = self.waiting()
        ids = [int(v) for v in request.POST.getlist("reports") if v.isdigit()]
        chosen = {r.pk: r for r in waiting.filter(pk__in=ids)}
        form = BulkApproveForm(request.POST, choices=list(chosen))
        if not form.is_valid():
            return self.render_page(waiting, form, status=400)
        reports = []
        for pk in form.cleaned_data["reports"]:
            report = chosen[pk]
            seen = request.POST.get(f"version-{pk}", "")
            if seen.isdigit():
                report.version = int(seen)  # the version the approver saw
            reports.append(report)
        outcomes = services.reports_approve_bulk(
            actor=request.user,  # type: ignore[arg-type]
            reports=reports,
            comment=form.cleaned_data.get("comment", ""),
        )
        approved = [o for o in outcomes if o.approved]
        refused = [(chosen[o.report_id], o.message) for o in outcomes if not o.approved]
        if approved:
            messages.success(
                request, _("อนุมัติรายงานแล้ว %(count)d รายงาน") % {"count": len(approved)}
            )
        return self.render_page(
            self.waiting(),
            None,
            summary={
                "approved": [chosen[o.report_id] for o in approved],
                "refused": refused,
            },
        )

    def render_page(
        self,
        waiting: QuerySet[ProgressReport],
        form: BulkApproveForm | None,
        *,
        summary: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        page = paginate(self.request, waiting)
        selected = set()
        if form is not None:
            selected = set(self.request.POST.getlist("reports"))
        context = {
            "page": page,
            "query": query_without(self.request, "page"),
            "form": form,
            "selected": selected,
            "summary": summary,
            "crumbs": [list_crumb()],
        }
        return render(self.request, self.template_name, context, status=status)


# Edit, delete, history -----------------------------------------------------------------------


class ProgressReportEditView(ObjectEditView):
    """The report header (status, percent complete, outputs, results)."""

    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    form = ProgressReportForm
    template_name = "monitoring/progressreport_edit.html"
    update_service = staticmethod(services.report_update)

    def get_instance(self) -> Any:
        return self.get_object(Action.CHANGE)

    def extra_context(self, instance: ProgressReport) -> dict[str, Any]:
        return {"refusal": refusal(instance, self.request.user), "crumbs": [list_crumb()]}


def refusal(report: ProgressReport, user: Any) -> str:
    """Why the user cannot change the report now (locked, submitted, its period closed for
    entry: ``services.ensure_report_writable``); empty when they can."""
    try:
        services.ensure_report_writable(report, user)
    except DomainError as error:
        return error.message
    return ""


def delete_report(
    *, actor: Any, instance: ProgressReport, expected_version: int | None, reason: str = ""
) -> None:
    services.report_delete(
        actor=actor, report=instance, expected_version=expected_version, reason=reason
    )


class ProgressReportDeleteView(ObjectDeleteView):
    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)
    template_name = "monitoring/progressreport_delete.html"
    success_url_name = "monitoring:progressreport_list"
    delete_service = staticmethod(delete_report)


class ProgressReportHistoryView(ObjectHistoryView):
    queryset = ProgressReport.objects.select_related(*REPORT_JOINS)


class ActivityProgressEditView(ObjectEditView):
    """One activity's progress in a report."""

    queryset = ActivityProgress.objects.select_related(
        "activity__parent", *(f"report__{join}" for join in REPORT_JOINS)
    )
    form = ActivityProgressForm
    template_name = "monitoring/activityprogress_edit.html"
    update_service = staticmethod(services.activity_progress_update)

    def get_instance(self) -> Any:
        return self.get_object(Action.CHANGE)

    def extra_context(self, instance: ActivityProgress) -> dict[str, Any]:
        return {
            "refusal": refusal(instance.report, self.request.user),
            "crumbs": [list_crumb()],
        }


urlpatterns: list[URLPattern] = [
    path("reports/", ProgressReportListView.as_view(), name="progressreport_list"),
    path("reports/start/", ProgressReportStartView.as_view(), name="progressreport_start"),
    path("reports/approve/", BulkApproveView.as_view(), name="progressreport_bulk_approve"),
    path("reports/<int:pk>/", ProgressReportDetailView.as_view(), name="progressreport"),
    path("reports/<int:pk>/edit/", ProgressReportEditView.as_view(), name="progressreport_edit"),
    path(
        "reports/<int:pk>/delete/",
        ProgressReportDeleteView.as_view(),
        name="progressreport_delete",
    ),
    path(
        "reports/<int:pk>/history/",
        ProgressReportHistoryView.as_view(),
        name="progressreport_history",
    ),
    path("reports/<int:pk>/submit/", SubmitView.as_view(), name="progressreport_submit"),
    path("reports/<int:pk>/return/", ReturnView.as_view(), name="progressreport_return"),
    path("reports/<int:pk>/approve/", ApproveView.as_view(), name="progressreport_approve"),
    path("reports/<int:pk>/reopen/", ReopenView.as_view(), name="progressreport_reopen"),
    path(
        "reports/activities/<int:pk>/edit/",
        ActivityProgressEditView.as_view(),
        name="activityprogress_edit",
    ),
]
