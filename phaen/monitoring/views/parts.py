"""Pages of a report's parts: indicator results, problems, corrective actions, evidence and the
contributions of co-owners and supporters (see phaen/monitoring/urls.py).

Every page finds its report (or part) through ``restrict``: out of scope is 404, in scope without
the right is 403. Every change goes through ``phaen.monitoring.services``: their Thai refusals
(a locked or submitted report, a stale edit, "plan before results", a refused file) show on the
form, which keeps what the user typed. After saving, the user goes back to the report's page,
at the part that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action, can, can_at, covering_paths, user_grants
from phaen.core.audit import field_changes, history_for
from phaen.core.exceptions import DomainError
from phaen.core.forms import ReasonForm, ScopedModelForm
from phaen.core.tables import Column, Table
from phaen.core.views.generic import (
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
    apply_domain_error,
    paginate,
)
from phaen.monitoring import evidence as evidence_files
from phaen.monitoring import services
from phaen.monitoring.forms.parts import (
    CarriedActionForm,
    ContributionForm,
    CorrectiveActionCloseForm,
    CorrectiveActionFilterSet,
    CorrectiveActionForm,
    EvidenceForm,
    IndicatorResultForm,
    ProblemForm,
    contributing_units,
    measured_by_default,
)
from phaen.monitoring.models import (
    REPORT_WRITERS,
    Contribution,
    CorrectiveAction,
    Evidence,
    IndicatorResult,
    Problem,
    ProgressReport,
    ReportingPeriod,
)
from phaen.monitoring.periods import QUARTERS
from phaen.orgs.models import OrgUnit
from phaen.plans.models import Indicator, IndicatorTarget, ProjectOwner

REPORT_RELATED = ("project", "period__fiscal_year", "unit")


# Where things are ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def report_crumbs(report: ProgressReport | None) -> list[Crumb]:
    """The trail above a report's part: the report list and the report."""
    trail = [Crumb(_("รายงานความก้าวหน้า"), reverse("monitoring:progressreport_list"))]
    if report is not None:
        trail.append(Crumb(str(report), report.get_absolute_url()))
    return trail


def at_report(report: ProgressReport, anchor: str) -> str:
    """The report's page at one of its sections (``#problems``, ``#problem-12``...)."""
    return f"{report.get_absolute_url()}#{anchor}"


def report_refusal(report: ProgressReport, user: Any) -> str:
    """Why the report's parts cannot be written now (locked, submitted, past the lock date),
    or "" when they can: shown above the form instead of letting the user type in vain."""
    try:
        services.ensure_report_writable(report, user)
    except DomainError as error:
        return error.message
    return ""


def _reports(user: Any) -> models.QuerySet[ProgressReport]:
    return ProgressReport.objects.restrict(user, Action.VIEW).select_related(*REPORT_RELATED)


def _number(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() else None


def writes_for_partner(user: Any, project_id: int) -> bool:
    """Whether the user writes for a co-owner or supporter of the project (one query)."""
    paths = covering_paths(g.unit_path for g in user_grants(user) if g.role in REPORT_WRITERS)
    if not paths:
        return False
    units = ProjectOwner.objects.filter(project_id=project_id)
    return bool(
        units.filter(Q.create([("unit__path__startswith", p) for p in paths], Q.OR)).exists()
    )


def may_add_evidence(user: Any, report: ProgressReport) -> bool:
    """The lead unit's writers, and the writers of the project's co-owners and supporters."""
    return can_at(user, Evidence, Action.ADD, report.unit_path) or writes_for_partner(
        user, report.project_id
    )


# A form page for a part ----------------------------------------------------------------------


class PartEditView(PolicyView):
    """Add (under a parent in the URL) or edit a part of a report through its services.

    Subclasses say how the new row is attached (``new_instance``), which form it uses, which
    service saves it, and where the user goes afterwards.
    """

    public_read = False
    form: ClassVar[type[forms.BaseForm]]
    template_name: ClassVar[str]

    def new_instance(self) -> Any:
        raise NotImplementedError

    def get_instance(self) -> Any:
        if "pk" in self.kwargs:
            return self.get_object(Action.CHANGE)
        return self.new_instance()

    def report_of_instance(self, instance: Any) -> ProgressReport | None:
        report: ProgressReport | None = instance.report
        return report

    def get_form_class(self, instance: Any) -> type[forms.BaseForm]:
        return self.form

    def form_kwargs(self, instance: Any) -> dict[str, Any]:
        return {"instance": instance, "user": self.request.user}

    def get_initial(self, instance: Any) -> dict[str, Any]:
        return {}

    def refusal(self, instance: Any) -> str:
        report = self.report_of_instance(instance)
        return report_refusal(report, self.request.user) if report is not None else ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instance = self.get_instance()
        form_class = self.get_form_class(instance)
        form = form_class(initial=self.get_initial(instance), **self.form_kwargs(instance))
        return self.render_form(form, instance, refusal=self.refusal(instance))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instance = self.get_instance()
        creating = instance.pk is None
        form_class = self.get_form_class(instance)
        form = form_class(request.POST, request.FILES, **self.form_kwargs(instance))
        if form.is_valid():
            try:
                obj = self.save(form, instance, creating=creating)
            except DomainError as error:
                self.show_error(form, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if creating:
                    messages.success(request, _("เพิ่ม “%(object)s” แล้ว") % {"object": obj})
                else:
                    messages.success(request, _("บันทึกการแก้ไข “%(object)s” แล้ว") % {"object": obj})
                return redirect(self.success_url(obj))
        return self.render_form(form, instance, status=400)

    def show_error(self, form: forms.BaseForm, error: DomainError) -> None:
        apply_domain_error(form, error)

    def save(self, form: Any, instance: Any, *, creating: bool) -> Any:
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def render_form(
        self, form: forms.BaseForm, instance: Any, *, refusal: str = "", status: int = 200
    ) -> HttpResponse:
        report = self.report_of_instance(instance)
        context = {
            **self.model_context(),
            "form": form,
            "object": instance,
            "report": report,
            "refusal": refusal,
            "crumbs": report_crumbs(report),
            "cancel_url": report.get_absolute_url() if report is not None else "",
            **self.extra_context(instance),
        }
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self, instance: Any) -> dict[str, Any]:
        return {}

    def report_for_add(self, model: type[models.Model]) -> ProgressReport:
        """The report of the URL (404 out of scope), once the user may add ``model`` rows to
        it (403 otherwise)."""
        report: ProgressReport = get_object_or_404(
            _reports(self.request.user), pk=self.kwargs["report_pk"]
        )
        if not can_at(self.request.user, model, Action.ADD, report.unit_path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกข้อมูลในรายงานนี้"))
        return report


class PartDeleteView(PolicyView):
    """Confirm and delete a part through its service, then go back to where it was shown."""

    public_read = False
    template_name: ClassVar[str]

    def delete_object(self, obj: Any, form: ReasonForm) -> None:
        raise NotImplementedError

    def back_url(self, obj: Any) -> str:
        raise NotImplementedError

    def report_of(self, obj: Any) -> ProgressReport | None:
        report: ProgressReport | None = obj.report
        return report

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        form = ReasonForm(initial={"version": obj.version})
        return self.render_page(obj, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object(Action.DELETE)
        back = self.back_url(obj)  # worked out before the row is gone
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                self.delete_object(obj, form)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ลบ “%(object)s” แล้ว") % {"object": obj})
                return redirect(back)
        return self.render_page(obj, form, status=400)

    def refusal(self, obj: Any, report: ProgressReport | None) -> str:
        return report_refusal(report, self.request.user) if report is not None else ""

    def render_page(self, obj: Any, form: ReasonForm, status: int = 200) -> HttpResponse:
        report = self.report_of(obj)
        context = {
            **self.model_context(),
            "object": obj,
            "form": form,
            "report": report,
            "crumbs": report_crumbs(report),
            "cancel_url": self.back_url(obj),
            "refusal": self.refusal(obj, report),
        }
        return render(self.request, self.template_name, context, status=status)


def _delete_arguments(form: ReasonForm) -> dict[str, Any]:
    return {
        "expected_version": form.cleaned_data.get("version"),
        "reason": form.cleaned_data.get("reason", ""),
    }


class PartHistoryView(ObjectHistoryView):
    """The change history of a part, under its report's trail."""

    def report_of(self, obj: Any) -> ProgressReport | None:
        report: ProgressReport | None = obj.report
        return report

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        page = paginate(request, history_for(obj))
        events = [(event, field_changes(event)) for event in page]
        context = {
            **self.model_context(),
            "object": obj,
            "page": page,
            "events": events,
            "crumbs": report_crumbs(self.report_of(obj)),
        }
        return render(request, self.template_name, context)


# Indicator results ---------------------------------------------------------------------------

RESULT_QUERYSET = IndicatorResult.objects.select_related(
    "indicator__evaluator_unit",
    "indicator__plan_version__plan__unit",
    "period__fiscal_year",
    "report__project",
    "report__period__fiscal_year",
    "report__unit",
)


def _period_target(indicator: Indicator, kind: str) -> Any:
    """The plan's target of a quarter (None: "plan before results" refuses the result)."""
    if kind == "YEAR":
        return indicator.target_value
    return (
        IndicatorTarget.objects.filter(indicator=indicator, period=kind)
        .values_list("value", flat=True)
        .first()
    )


def goal_result_owner(indicator: Indicator) -> OrgUnit:
    """Who enters a goal indicator's result: its evaluator unit, else the plan's unit (as
    ``services._result_owner`` decides)."""
    owner: OrgUnit = indicator.evaluator_unit or indicator.plan_version.plan.unit
    return owner


def goal_result_refusal(result: IndicatorResult, user: Any) -> str:
    """Why a goal indicator's result cannot be written now (past the owner's lock date without
    a late-entry exception), or ""."""
    try:
        services.ensure_entry_open(result.period, goal_result_owner(result.indicator).path, user)
    except DomainError as error:
        return error.message
    return ""


def goal_result_crumbs(result: IndicatorResult) -> list[Crumb]:
    """The trail above a goal indicator's result: the quarterly overview of the plan's unit."""
    query = f"?unit={result.indicator.plan_version.plan.unit_id}"
    if result.period.kind in QUARTERS:
        query += f"&period={result.period_id}"
    return [Crumb(_("ภาพรวมรายไตรมาส"), reverse("monitoring:overview") + query + "#scores")]


def result_anchor(result: IndicatorResult) -> str:
    if result.report is not None:
        return at_report(result.report, f"indicator-{result.indicator_id}")
    return str(result.indicator.get_absolute_url())


class IndicatorResultEditView(PartEditView):
    """Record or correct an indicator's result in the report's quarter (evidence optional)."""

    queryset = RESULT_QUERYSET
    form = IndicatorResultForm
    template_name = "monitoring/indicatorresult_edit.html"

    def indicator_and_report(self) -> tuple[Indicator, ProgressReport]:
        report = self.report_for_add(IndicatorResult)
        indicator = get_object_or_404(
            Indicator.objects.restrict(self.request.user, Action.VIEW),
            pk=self.kwargs["indicator_pk"],
            project__lineage=report.project_lineage,
        )
        return indicator, report

    def new_instance(self) -> IndicatorResult:
        indicator, report = self.indicator_and_report()
        return IndicatorResult(indicator=indicator, report=report, period=report.period)

    def existing(self, instance: IndicatorResult) -> IndicatorResult | None:
        if instance.pk is not None:
            return None
        return (
            IndicatorResult.objects.restrict(self.request.user, Action.VIEW)
            .filter(indicator_lineage=instance.indicator.lineage, period_id=instance.period_id)
            .first()
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        instance = self.get_instance()
        recorded = self.existing(instance)
        if recorded is not None:  # one result per indicator and quarter: correct that one
            return redirect("monitoring:indicatorresult_edit", recorded.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self, instance: IndicatorResult) -> dict[str, Any]:
        if instance.pk is not None:
            return {}
        return {
            "measured_by": measured_by_default(instance.indicator),
            "method": instance.indicator.collection_method,
        }

    def refusal(self, instance: IndicatorResult) -> str:
        refused = super().refusal(instance)
        if not refused and instance.report_id is None:
            refused = goal_result_refusal(instance, self.request.user)
        if refused:
            return refused
        if _period_target(instance.indicator, instance.period.kind) is None:
            return services.plan_before_results(instance.indicator, instance.period).message
        return ""

    def extra_context(self, instance: IndicatorResult) -> dict[str, Any]:
        extra = {
            "indicator": instance.indicator,
            "period": instance.period,
            "target": _period_target(instance.indicator, instance.period.kind),
        }
        if instance.report_id is None:  # a goal indicator's result: back to the overview
            crumbs = goal_result_crumbs(instance)
            extra["crumbs"] = crumbs
            extra["cancel_url"] = crumbs[0].url
        return extra

    def show_error(self, form: forms.BaseForm, error: DomainError) -> None:
        if isinstance(form, IndicatorResultForm) and error.field in ("file", "url", "title"):
            form.add_error(form.evidence_field(error.field), error.message)
            return
        super().show_error(form, error)

    @transaction.atomic
    def save(self, form: IndicatorResultForm, instance: Any, *, creating: bool) -> IndicatorResult:
        result: IndicatorResult = form.save(commit=False)
        actor = self.request.user
        reason = form.cleaned_data.get("reason", "")
        if not creating:
            return services.result_update(
                actor=actor,  # type: ignore[arg-type]
                instance=result,
                expected_version=form.expected_version,
                reason=reason,
            )
        result = services.result_record(actor=actor, instance=result, reason=reason)  # type: ignore[arg-type]
        if form.evidence_given():
            # A refused file rolls the result back too: nothing is half saved.
            services.evidence_add(actor=actor, result=result, **form.evidence_arguments())  # type: ignore[arg-type]
        return result

    def success_url(self, obj: IndicatorResult) -> str:
        if obj.report_id is None:
            return obj.get_absolute_url()
        return result_anchor(obj)


GOAL_INDICATORS = Indicator.objects.filter(goal__isnull=False).select_related(
    "goal__strategic_issue", "evaluator_unit", "plan_version__plan__unit"
)


class GoalIndicatorResultAddView(IndicatorResultEditView):
    """Record a goal indicator's result for a period (not tied to a project's report): entered
    by the indicator's evaluator unit, else the plan's unit; the measurer and method default
    from the KPI sheet; no target for the period, no result ("plan before results")."""

    def new_instance(self) -> IndicatorResult:
        user = self.request.user
        indicator: Indicator = get_object_or_404(GOAL_INDICATORS, pk=self.kwargs["indicator_pk"])
        owner = goal_result_owner(indicator)
        # In scope: whoever may view the indicator, and the evaluator unit (which may write
        # the result without seeing the rest of the plan); the others get a 404.
        if not can_at(user, IndicatorResult, Action.ADD, owner.path):
            if not can(user, Action.VIEW, indicator):
                raise Http404
            raise PermissionDenied(
                _("ผลของตัวชี้วัดนี้บันทึกโดยหน่วยงานผู้ประเมิน (%(unit)s)") % {"unit": owner}
            )
        period: ReportingPeriod = get_object_or_404(
            ReportingPeriod.objects.restrict(user, Action.VIEW).select_related("fiscal_year"),
            pk=self.kwargs["period_pk"],
            fiscal_year_id=indicator.plan_version.plan.fiscal_year_id,
        )
        return IndicatorResult(indicator=indicator, period=period)


class IndicatorResultDetailView(ObjectDetailView):
    queryset = RESULT_QUERYSET.select_related("indicator__evaluator_unit", "updated_by")
    template_name = "monitoring/indicatorresult_detail.html"

    def extra_context(self, obj: IndicatorResult) -> dict[str, Any]:
        user = self.request.user
        evidence = list(
            Evidence.objects.restrict(user, Action.VIEW).filter(result=obj).order_by("pk")
        )
        deletable = set(
            Evidence.objects.restrict(user, Action.DELETE)
            .filter(result=obj)
            .values_list("pk", flat=True)
        )
        report = obj.report
        may_change = can(user, Action.CHANGE, obj)
        add_evidence_url = ""
        if report is not None and may_add_evidence(user, report):
            add_evidence_url = (
                reverse("monitoring:evidence_add", args=[report.pk]) + f"?result={obj.pk}"
            )
        if report is None:  # a goal indicator's result, entered on its own
            return {
                "indicator": obj.indicator,
                "report": None,
                "crumbs": goal_result_crumbs(obj),
                "evidence_rows": [(item, item.pk in deletable) for item in evidence],
                "add_evidence_url": "",
                "refusal": goal_result_refusal(obj, user) if may_change else "",
            }
        return {
            "indicator": obj.indicator,
            "report": report,
            "crumbs": report_crumbs(report),
            "evidence_rows": [(item, item.pk in deletable) for item in evidence],
            "add_evidence_url": add_evidence_url,
            "refusal": (
                report_refusal(report, user)
                if report is not None and (may_change or add_evidence_url)
                else ""
            ),
        }


class IndicatorResultDeleteView(PartDeleteView):
    queryset = RESULT_QUERYSET
    template_name = "monitoring/indicatorresult_delete.html"

    def delete_object(self, obj: IndicatorResult, form: ReasonForm) -> None:
        services.result_delete(actor=self.request.user, instance=obj, **_delete_arguments(form))  # type: ignore[arg-type]

    def back_url(self, obj: IndicatorResult) -> str:
        if obj.report_id is None:  # a goal indicator's result: back to the overview
            return goal_result_crumbs(obj)[0].url
        return result_anchor(obj)

    def refusal(self, obj: IndicatorResult, report: ProgressReport | None) -> str:
        if report is None:
            return goal_result_refusal(obj, self.request.user)
        return super().refusal(obj, report)


class IndicatorResultHistoryView(PartHistoryView):
    queryset = RESULT_QUERYSET
    template_name = "monitoring/indicatorresult_history.html"


# Problems ------------------------------------------------------------------------------------

PROBLEM_QUERYSET = Problem.objects.select_related(
    "report__project", "report__period__fiscal_year", "report__unit"
)


class ProblemEditView(PartEditView):
    queryset = PROBLEM_QUERYSET
    form = ProblemForm
    template_name = "monitoring/problem_edit.html"

    def new_instance(self) -> Problem:
        return Problem(report=self.report_for_add(Problem))

    @transaction.atomic
    def save(self, form: ProblemForm, instance: Any, *, creating: bool) -> Problem:
        problem: Problem = form.save(commit=False)
        reason = form.cleaned_data.get("reason", "")
        if creating:
            return services.problem_create(actor=self.request.user, instance=problem, reason=reason)  # type: ignore[arg-type]
        return services.problem_update(
            actor=self.request.user,  # type: ignore[arg-type]
            instance=problem,
            expected_version=form.expected_version,
            reason=reason,
        )

    def success_url(self, obj: Problem) -> str:
        if self.kwargs.get("pk") is None and "add_action" in self.request.POST:
            return reverse("monitoring:correctiveaction_add", args=[obj.pk])
        return str(obj.get_absolute_url())


class ProblemHistoryView(PartHistoryView):
    queryset = PROBLEM_QUERYSET
    template_name = "monitoring/problem_history.html"


class ProblemDeleteView(PartDeleteView):
    queryset = PROBLEM_QUERYSET
    template_name = "monitoring/problem_delete.html"

    def delete_object(self, obj: Problem, form: ReasonForm) -> None:
        services.problem_delete(actor=self.request.user, instance=obj, **_delete_arguments(form))  # type: ignore[arg-type]

    def back_url(self, obj: Problem) -> str:
        return at_report(obj.report, "problems")


# Corrective actions --------------------------------------------------------------------------

ACTION_QUERYSET = CorrectiveAction.objects.select_related(
    "problem__report__project",
    "problem__report__period__fiscal_year",
    "problem__report__unit",
    "owner_unit",
)


def is_overdue(action: CorrectiveAction) -> bool:
    return action.is_open and action.due_on < timezone.localdate()


class CorrectiveActionTable(Table):
    columns = [
        Column("description", gettext_lazy("แนวทางแก้ไข"), link=True),
        Column(
            "project",
            gettext_lazy("โครงการ"),
            accessor="problem.report.project",
            order_by="problem__report__project__code",
        ),
        Column(
            "period",
            gettext_lazy("รายงานไตรมาส"),
            accessor="problem.report.period",
            order_by="problem__report__period__ends_on",
        ),
        Column(
            "unit", gettext_lazy("หน่วยงาน"), accessor="problem.report.unit", order_by="unit_path"
        ),
        Column("owner_name", gettext_lazy("ผู้รับผิดชอบ"), order_by="owner_name"),
        Column("due_on", gettext_lazy("กำหนดแล้วเสร็จ"), order_by="due_on"),
        Column("status", gettext_lazy("สถานะ"), accessor="get_status_display", order_by="status"),
        Column("overdue", gettext_lazy("เลยกำหนด"), accessor=is_overdue),
    ]
    default_order = ("due_on", "pk")


class CorrectiveActionListView(ObjectListView):
    """Corrective actions of every report in the user's scope (overdue ones first to find)."""

    queryset = ACTION_QUERYSET
    filterset = CorrectiveActionFilterSet
    table = CorrectiveActionTable
    export_stem = "corrective-actions"
    template_name = "monitoring/correctiveaction_list.html"


def via_report(request: HttpRequest, action: CorrectiveAction) -> ProgressReport | None:
    """The later report an open action is followed up from (``?report=<id>``), if any."""
    pk = _number(request.GET.get("report"))
    if pk is None or pk == action.problem.report_id:
        return None
    report: ProgressReport = get_object_or_404(_reports(request.user), pk=pk)
    return report


def follow_up_reports(user: Any, action: CorrectiveAction) -> list[ProgressReport]:
    """The project's later reports still being written, from which the user may follow up an
    open action of an earlier (usually locked) quarter."""
    if not action.is_open:
        return []
    origin = action.problem.report
    return list(
        ProgressReport.objects.restrict(user, Action.CHANGE)
        .filter(
            project_lineage=action.project_lineage,
            period__ends_on__gt=origin.period.ends_on,
            state__in=(ProgressReport.State.DRAFT, ProgressReport.State.RETURNED),
        )
        .select_related("period__fiscal_year")
        .order_by("period__ends_on")
    )


def follow_up_links(user: Any, action: CorrectiveAction) -> list[Crumb]:
    edit = reverse("monitoring:correctiveaction_edit", args=[action.pk])
    return [
        Crumb(report.period.label, f"{edit}?report={report.pk}")
        for report in follow_up_reports(user, action)
    ]


class CorrectiveActionDetailView(ObjectDetailView):
    queryset = ACTION_QUERYSET.select_related(
        "updated_in_report__period__fiscal_year", "updated_by"
    )
    template_name = "monitoring/correctiveaction_detail.html"

    def extra_context(self, obj: CorrectiveAction) -> dict[str, Any]:
        report = obj.problem.report
        return {
            "problem": obj.problem,
            "report": report,
            "crumbs": report_crumbs(report),
            "overdue": is_overdue(obj),
            "follow_up": follow_up_links(self.request.user, obj),
            "refusal": report_refusal(report, self.request.user)
            if can(self.request.user, Action.CHANGE, obj)
            else "",
        }


class CorrectiveActionEditView(PartEditView):
    """Add an action to a problem, or edit it: from its own report, everything; from a later
    quarter's report of the project (``?report=<id>``), its progress only."""

    queryset = ACTION_QUERYSET
    form = CorrectiveActionForm
    template_name = "monitoring/correctiveaction_edit.html"

    def new_instance(self) -> CorrectiveAction:
        problem = get_object_or_404(
            PROBLEM_QUERYSET.restrict(self.request.user, Action.VIEW),
            pk=self.kwargs["problem_pk"],
        )
        if not can_at(self.request.user, CorrectiveAction, Action.ADD, problem.report.unit_path):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกข้อมูลในรายงานนี้"))
        return CorrectiveAction(problem=problem)

    def later_report(self, instance: CorrectiveAction) -> ProgressReport | None:
        """The later report of ``?report=`` (looked up once per request)."""
        if not hasattr(self, "_later_report"):
            self._later_report = via_report(self.request, instance) if instance.pk else None
        return self._later_report

    def report_of_instance(self, instance: CorrectiveAction) -> ProgressReport:
        return self.later_report(instance) or instance.problem.report

    def get_form_class(self, instance: CorrectiveAction) -> type[forms.BaseForm]:
        return CarriedActionForm if self.later_report(instance) else CorrectiveActionForm

    def extra_context(self, instance: CorrectiveAction) -> dict[str, Any]:
        later = self.later_report(instance)
        follow_up = []
        if instance.pk and later is None and self.refusal(instance):
            # Its own report is locked: offer the later reports it is followed up from.
            follow_up = follow_up_links(self.request.user, instance)
        return {"problem": instance.problem, "later_report": later, "follow_up": follow_up}

    @transaction.atomic
    def save(self, form: ScopedModelForm, instance: Any, *, creating: bool) -> CorrectiveAction:
        action: CorrectiveAction = form.save(commit=False)
        reason = form.cleaned_data.get("reason", "")
        if creating:
            return services.corrective_action_create(
                actor=self.request.user,  # type: ignore[arg-type]
                instance=action,
                reason=reason,
            )
        return services.corrective_action_update(
            actor=self.request.user,  # type: ignore[arg-type]
            instance=action,
            expected_version=form.expected_version,
            via_report=self.later_report(instance),
            reason=reason,
        )

    def success_url(self, obj: CorrectiveAction) -> str:
        return at_report(self.report_of_instance(obj), f"action-{obj.pk}")


class CorrectiveActionCloseView(CorrectiveActionEditView):
    """Close an action as done (today unless told) or cancelled, with its result."""

    template_name = "monitoring/correctiveaction_close.html"

    def get_instance(self) -> CorrectiveAction:
        action: CorrectiveAction = self.get_object(Action.CHANGE)
        return action

    def get_form_class(self, instance: CorrectiveAction) -> type[forms.BaseForm]:
        return CorrectiveActionCloseForm

    def form_kwargs(self, instance: CorrectiveAction) -> dict[str, Any]:
        return {}

    def get_initial(self, instance: CorrectiveAction) -> dict[str, Any]:
        return {"version": instance.version, "result_note": instance.result_note}

    @transaction.atomic
    def save(self, form: Any, instance: Any, *, creating: bool) -> CorrectiveAction:
        data = form.cleaned_data
        return services.corrective_action_close(
            actor=self.request.user,  # type: ignore[arg-type]
            action=instance,
            expected_version=data.get("version"),
            status=data["status"],
            done_on=data.get("done_on"),
            result_note=data.get("result_note", ""),
            via_report=self.later_report(instance),
        )


class CorrectiveActionDeleteView(PartDeleteView):
    queryset = ACTION_QUERYSET
    template_name = "monitoring/correctiveaction_delete.html"

    def report_of(self, obj: CorrectiveAction) -> ProgressReport:
        return obj.problem.report

    def delete_object(self, obj: CorrectiveAction, form: ReasonForm) -> None:
        services.corrective_action_delete(
            actor=self.request.user,  # type: ignore[arg-type]
            instance=obj,
            **_delete_arguments(form),
        )

    def back_url(self, obj: CorrectiveAction) -> str:
        return at_report(obj.problem.report, f"problem-{obj.problem_id}")


class CorrectiveActionHistoryView(PartHistoryView):
    queryset = ACTION_QUERYSET
    template_name = "monitoring/correctiveaction_history.html"

    def report_of(self, obj: CorrectiveAction) -> ProgressReport:
        return obj.problem.report


# Evidence ------------------------------------------------------------------------------------

EVIDENCE_QUERYSET = Evidence.objects.select_related(
    "report__project",
    "report__period__fiscal_year",
    "report__unit",
    "result__indicator",
    "result__report__project",
    "result__report__period__fiscal_year",
    "result__report__unit",
)


def evidence_report(evidence: Evidence) -> ProgressReport | None:
    if evidence.report is not None:
        return evidence.report
    return evidence.result.report if evidence.result is not None else None


class EvidenceAddView(PolicyView):
    """Attach a file or a link to a report, or to one of its results (``?result=<id>``)."""

    queryset = Evidence.objects.all()
    public_read = False
    template_name = "monitoring/evidence_add.html"

    def parents(self) -> tuple[ProgressReport, IndicatorResult | None]:
        user = self.request.user
        report = get_object_or_404(_reports(user), pk=self.kwargs["report_pk"])
        result = None
        if "result" in self.request.GET:
            result = get_object_or_404(
                IndicatorResult.objects.restrict(user, Action.VIEW).select_related("indicator"),
                pk=_number(self.request.GET["result"]) or 0,
                report=report,
            )
        if not may_add_evidence(user, report):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์แนบหลักฐานในรายงานนี้"))
        return report, result

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report, result = self.parents()
        return self.render_page(EvidenceForm(), report, result, refusal=self.refusal(report))

    def refusal(self, report: ProgressReport) -> str:
        return report_refusal(report, self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        report, result = self.parents()
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = services.evidence_add(
                    actor=request.user,  # type: ignore[arg-type]
                    report=None if result is not None else report,
                    result=result,
                    **form.evidence_arguments(),
                )
            except DomainError as error:
                form.add_error(form.evidence_field(error.field), error.message)
            else:
                messages.success(request, _("แนบหลักฐาน “%(object)s” แล้ว") % {"object": evidence})
                return redirect(evidence.get_absolute_url())
        return self.render_page(form, report, result, status=400)

    def render_page(
        self,
        form: EvidenceForm,
        report: ProgressReport,
        result: IndicatorResult | None,
        *,
        refusal: str = "",
        status: int = 200,
    ) -> HttpResponse:
        crumbs = report_crumbs(report)
        if result is not None:
            crumbs.append(Crumb(str(result.indicator), result.get_absolute_url()))
        context = {
            **self.model_context(),
            "form": form,
            "report": report,
            "result": result,
            "crumbs": crumbs,
            "refusal": refusal,
            "allowed_types": evidence_files.allowed_types_text(),
            "cancel_url": result.get_absolute_url()
            if result is not None
            else at_report(report, "evidence"),
        }
        return render(self.request, self.template_name, context, status=status)


class EvidenceDownloadView(PolicyView):
    """A file of evidence, always as an attachment (never shown inline), to its readers."""

    queryset = Evidence.objects.all()
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        evidence: Evidence = self.get_object()
        if evidence.kind != Evidence.Kind.FILE or not evidence.file:
            raise Http404
        try:
            return evidence_files.download_response(evidence)
        except FileNotFoundError as error:
            raise Http404(_("ไม่พบไฟล์หลักฐานนี้ในที่จัดเก็บ")) from error


class EvidenceDeleteView(PartDeleteView):
    queryset = EVIDENCE_QUERYSET
    template_name = "monitoring/evidence_delete.html"

    def report_of(self, obj: Evidence) -> ProgressReport | None:
        return evidence_report(obj)

    def delete_object(self, obj: Evidence, form: ReasonForm) -> None:
        services.evidence_delete(actor=self.request.user, evidence=obj, **_delete_arguments(form))  # type: ignore[arg-type]

    def back_url(self, obj: Evidence) -> str:
        if obj.result is not None:
            return f"{obj.result.get_absolute_url()}#evidence"
        return at_report(obj.report, "evidence")  # type: ignore[arg-type]


# Contributions -------------------------------------------------------------------------------

CONTRIBUTION_QUERYSET = Contribution.objects.select_related(
    "unit", "report__project", "report__period__fiscal_year", "report__unit"
)


class ContributionEditView(PartEditView):
    """A co-owner's or supporter's part of the report, in the name of one of its units."""

    queryset = CONTRIBUTION_QUERYSET
    form = ContributionForm
    template_name = "monitoring/contribution_edit.html"

    def new_instance(self) -> Contribution:
        report = get_object_or_404(_reports(self.request.user), pk=self.kwargs["report_pk"])
        if not contributing_units(self.request.user, report).exists():
            raise PermissionDenied(
                _("ส่งข้อมูลได้เฉพาะผู้รายงานของหน่วยงานที่เป็นเจ้าภาพรองหรือผู้สนับสนุนของโครงการนี้")
            )
        return Contribution(report=report)

    def form_kwargs(self, instance: Contribution) -> dict[str, Any]:
        return {**super().form_kwargs(instance), "report": instance.report}

    def refusal(self, instance: Contribution) -> str:
        # Partners contribute to a report in any state but approved.
        return services.locked_message(instance.report) if instance.report.is_locked else ""

    @transaction.atomic
    def save(self, form: ContributionForm, instance: Any, *, creating: bool) -> Contribution:
        reason = form.cleaned_data.get("reason", "")
        if creating:
            return services.contribution_add(
                actor=self.request.user,  # type: ignore[arg-type]
                report=instance.report,
                unit=form.cleaned_data["unit"],
                text=form.cleaned_data["text"],
                reason=reason,
            )
        return services.contribution_update(
            actor=self.request.user,  # type: ignore[arg-type]
            instance=form.save(commit=False),
            expected_version=form.expected_version,
            reason=reason,
        )


class ContributionHistoryView(PartHistoryView):
    queryset = CONTRIBUTION_QUERYSET
    template_name = "monitoring/contribution_history.html"


class ContributionDeleteView(PartDeleteView):
    queryset = CONTRIBUTION_QUERYSET
    template_name = "monitoring/contribution_delete.html"

    def delete_object(self, obj: Contribution, form: ReasonForm) -> None:
        services.contribution_delete(
            actor=self.request.user,  # type: ignore[arg-type]
            instance=obj,
            **_delete_arguments(form),
        )

    def back_url(self, obj: Contribution) -> str:
        return at_report(obj.report, "contributions")

    def refusal(self, obj: Contribution, report: ProgressReport | None) -> str:
        # Partners change their contributions in any state of the report but approved.
        return services.locked_message(obj.report) if obj.report.is_locked else ""


urlpatterns: list[URLPattern] = [
    # Indicator results
    path(
        "reports/<int:report_pk>/indicators/<int:indicator_pk>/result/",
        IndicatorResultEditView.as_view(),
        name="indicatorresult_add",
    ),
    path(
        "indicators/<int:indicator_pk>/periods/<int:period_pk>/result/",
        GoalIndicatorResultAddView.as_view(),
        name="indicatorresult_goal_add",
    ),
    path("results/<int:pk>/", IndicatorResultDetailView.as_view(), name="indicatorresult"),
    path("results/<int:pk>/edit/", IndicatorResultEditView.as_view(), name="indicatorresult_edit"),
    path(
        "results/<int:pk>/delete/",
        IndicatorResultDeleteView.as_view(),
        name="indicatorresult_delete",
    ),
    path(
        "results/<int:pk>/history/",
        IndicatorResultHistoryView.as_view(),
        name="indicatorresult_history",
    ),
    # Problems
    path("reports/<int:report_pk>/problems/add/", ProblemEditView.as_view(), name="problem_add"),
    path("problems/<int:pk>/edit/", ProblemEditView.as_view(), name="problem_edit"),
    path("problems/<int:pk>/delete/", ProblemDeleteView.as_view(), name="problem_delete"),
    path("problems/<int:pk>/history/", ProblemHistoryView.as_view(), name="problem_history"),
    # Corrective actions
    path("actions/", CorrectiveActionListView.as_view(), name="correctiveaction_list"),
    path(
        "problems/<int:problem_pk>/actions/add/",
        CorrectiveActionEditView.as_view(),
        name="correctiveaction_add",
    ),
    path("actions/<int:pk>/", CorrectiveActionDetailView.as_view(), name="correctiveaction"),
    path(
        "actions/<int:pk>/edit/",
        CorrectiveActionEditView.as_view(),
        name="correctiveaction_edit",
    ),
    path(
        "actions/<int:pk>/close/",
        CorrectiveActionCloseView.as_view(),
        name="correctiveaction_close",
    ),
    path(
        "actions/<int:pk>/delete/",
        CorrectiveActionDeleteView.as_view(),
        name="correctiveaction_delete",
    ),
    path(
        "actions/<int:pk>/history/",
        CorrectiveActionHistoryView.as_view(),
        name="correctiveaction_history",
    ),
    # Evidence
    path("reports/<int:report_pk>/evidence/add/", EvidenceAddView.as_view(), name="evidence_add"),
    path("evidence/<int:pk>/download/", EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/delete/", EvidenceDeleteView.as_view(), name="evidence_delete"),
    # Contributions
    path(
        "reports/<int:report_pk>/contributions/add/",
        ContributionEditView.as_view(),
        name="contribution_add",
    ),
    path("contributions/<int:pk>/edit/", ContributionEditView.as_view(), name="contribution_edit"),
    path(
        "contributions/<int:pk>/delete/",
        ContributionDeleteView.as_view(),
        name="contribution_delete",
    ),
    path(
        "contributions/<int:pk>/history/",
        ContributionHistoryView.as_view(),
        name="contribution_history",
    ),
]
