"""Pages of fiscal years, action plans, plan versions and their content (phaen/plans/urls.py).

The plan page (``plans:planversion``) shows a whole version from ``plan_outline`` in a fixed
number of queries. Content pages are the generic views with the plan services: every change
goes through ``content_create`` / ``content_update`` / ``content_delete``, which refuse changes
to approved or published versions; the pages hide their buttons and say why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from phaen.core.access import Action, can
from phaen.core.audit import field_changes, history_for
from phaen.core.exceptions import DomainError
from phaen.core.fiscal import select_fiscal_year, selected_fiscal_year
from phaen.core.forms import ReasonForm
from phaen.core.models import BaseModel
from phaen.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
    apply_domain_error,
    paginate,
)
from phaen.frameworks.models import Framework
from phaen.orgs.selectors import units_for
from phaen.plans.filters import (
    ActionPlanFilterSet,
    FiscalYearFilterSet,
    ProjectFilterSet,
    current_version_id,
)
from phaen.plans.forms import (
    BAND_LEVELS,
    QUARTERS,
    ActionPlanForm,
    ActivityForm,
    AlignmentLinkForm,
    ApproveForm,
    FiscalYearForm,
    GoalForm,
    IndicatorForm,
    MissionForm,
    PlanVersionForm,
    ProjectForm,
    ProjectOwnerForm,
    RevisionForm,
    StrategicIssueForm,
    StrategyForm,
    VersionActionForm,
    framework_nodes,
    indicator_quarter_values,
    next_number,
    node_label,
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
from phaen.plans.sections import plan_sections, project_sections
from phaen.plans.selectors import gap_analysis, plan_outline
from phaen.plans.services import (
    approval_problems,
    content_create,
    content_delete,
    content_update,
    plan_create,
    plan_update,
    version_approve,
    version_create_revision,
    version_of,
    version_publish,
    version_update,
)
from phaen.plans.tables import ActionPlanTable, FiscalYearTable, ProjectTable

# Where things are ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def version_label(version: PlanVersion) -> str:
    return _("ฉบับที่ %(number)s") % {"number": version.number}


def version_crumbs(version: PlanVersion) -> list[Crumb]:
    return [
        Crumb(_("แผนปฏิบัติการ"), reverse("plans:actionplan_list")),
        Crumb(f"{version.plan} ({version_label(version)})", version.get_absolute_url()),
    ]


def crumbs_for(obj: Any) -> list[Crumb]:
    """The breadcrumb trail above a plan version or one of its rows (the row itself included)."""
    if isinstance(obj, PlanVersion):
        return version_crumbs(obj)
    if isinstance(obj, ActionPlan):
        return [Crumb(_("แผนปฏิบัติการ"), reverse("plans:actionplan_list")), Crumb(str(obj), "")]
    if isinstance(obj, Mission):
        return [*version_crumbs(obj.plan_version), Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, StrategicIssue):
        return [*version_crumbs(obj.plan_version), Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, Goal | Strategy):
        return [*crumbs_for(obj.strategic_issue), Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, Project):
        above = crumbs_for(obj.strategy) if obj.strategy else version_crumbs(obj.plan_version)
        return [*above, Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, Indicator):
        owner = obj.goal or obj.project
        return [*crumbs_for(owner), Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, Activity):
        above = crumbs_for(obj.parent) if obj.parent else crumbs_for(obj.project)
        return [*above, Crumb(str(obj), obj.get_absolute_url())]
    if isinstance(obj, ProjectOwner):
        return crumbs_for(obj.project)
    if isinstance(obj, AlignmentLink):
        return crumbs_for(obj.subject)
    return []


def parent_url(obj: Any) -> str:
    """Where to go after a row is deleted: the page of the row it belonged to."""
    if isinstance(obj, Mission | StrategicIssue):
        return obj.plan_version.get_absolute_url()
    if isinstance(obj, Goal | Strategy):
        return obj.strategic_issue.get_absolute_url()
    if isinstance(obj, Project):
        return obj.plan_version.get_absolute_url()
    if isinstance(obj, Indicator):
        owner = obj.goal or obj.project
        return str(owner.get_absolute_url()) if owner else reverse("plans:actionplan_list")
    if isinstance(obj, Activity):
        return (obj.parent or obj.project).get_absolute_url()
    if isinstance(obj, ProjectOwner):
        return obj.project.get_absolute_url() + "#owners"
    if isinstance(obj, AlignmentLink):
        return str(obj.subject.get_absolute_url()) + "#alignment"
    return reverse("plans:actionplan_list")


def safe_next(request: HttpRequest) -> str | None:
    """The ``next`` of the query string when it points inside this site."""
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return None


def analysis_links(version: PlanVersion) -> list[Crumb]:
    """Links to the analysis pages of a version (alignment, gaps, calendar)."""
    links = []
    for name, label, by_query in (
        ("plans:alignment", _("ความสอดคล้องกับกรอบ"), False),
        ("plans:gaps", _("วิเคราะห์ช่องว่าง"), False),
        ("plans:calendar", _("ปฏิทินกิจกรรม"), True),
    ):
        url = (
            f"{reverse(name)}?version={version.pk}"
            if by_query
            else reverse(name, args=[version.pk])
        )
        links.append(Crumb(label, url))
    return links


@dataclass(frozen=True)
class VersionState:
    """What can happen to a version now, for this user."""

    version: PlanVersion
    is_draft: bool
    year_open: bool
    can_edit: bool  # planners of the plan's unit, while it is a draft of an open year

    @property
    def locked_message(self) -> str:
        if not self.year_open:
            return _("ปีงบประมาณ พ.ศ. %(year)s ปิดแล้ว แผนของปีนี้ดูได้อย่างเดียว") % {
                "year": self.version.plan.fiscal_year.year
            }
        if not self.is_draft:
            return _(
                "ฉบับนี้อนุมัติแล้ว จึงแก้ไขไม่ได้ การเปลี่ยนแปลงทำในฉบับปรับปรุง "
                "(ผู้วางแผนของหน่วยงานสร้างได้จากหน้าแผน)"
            )
        return ""


def version_state(user: Any, version: PlanVersion) -> VersionState:
    is_draft = version.status == PlanVersion.Status.DRAFT
    year_open = version.plan.fiscal_year.is_open
    can_edit = is_draft and year_open and can(user, Action.CHANGE, version)
    return VersionState(version, is_draft, year_open, can_edit)


def may_add_under(user: Any, version: PlanVersion, project: Project | None = None) -> bool:
    """Planners of the plan add anything; reporters of a project's lead unit add to it."""
    if can(user, Action.CHANGE, version):
        return True
    return project is not None and can(user, Action.CHANGE, project)


# Fiscal years --------------------------------------------------------------------------------


def may_manage_fiscal_years(user: Any, action: str = Action.ADD) -> bool:
    """Fiscal years are reference data: superusers and admins/planners of a top-level unit."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or FiscalYear.access_rules.scope_q(user, action) is not None)


class FiscalYearListView(ObjectListView):
    queryset = FiscalYear.objects.annotate(plan_count=Count("plans"))
    filterset = FiscalYearFilterSet
    table = FiscalYearTable
    export_stem = "fiscal-years"
    template_name = "plans/fiscalyear_list.html"

    def can_add(self) -> bool:
        return may_manage_fiscal_years(self.request.user)


class FiscalYearDetailView(ObjectDetailView):
    queryset = FiscalYear.objects.all()
    template_name = "plans/fiscalyear_detail.html"

    def extra_context(self, obj: FiscalYear) -> dict[str, Any]:
        plans = (
            ActionPlan.objects.restrict(self.request.user, Action.VIEW)
            .filter(fiscal_year=obj)
            .select_related("unit")
            .order_by("unit__path")
        )
        return {
            "plans": paginate(self.request, plans),
            "can_add_plan": obj.is_open and ActionPlanEditView.may_add_plans(self.request.user),
        }


class FiscalYearEditView(ObjectEditView):
    queryset = FiscalYear.objects.all()
    form = FiscalYearForm

    def can_add(self) -> bool:
        return may_manage_fiscal_years(self.request.user)


class FiscalYearDeleteView(ObjectDeleteView):
    queryset = FiscalYear.objects.all()
    success_url_name = "plans:fiscalyear_list"


class FiscalYearHistoryView(ObjectHistoryView):
    queryset = FiscalYear.objects.all()


# Action plans --------------------------------------------------------------------------------


def _current_version_value(field: str) -> Subquery:
    return Subquery(PlanVersion.objects.filter(pk=OuterRef("current_version_id")).values(field)[:1])


def _current_projects(value: Any, output: models.Field[Any, Any]) -> Subquery:
    return Subquery(
        Project.objects.filter(plan_version=OuterRef("current_version_id"))
        .values("plan_version")
        .annotate(value=value)
        .values("value")[:1],
        output_field=output,
    )


class ActionPlanListView(ObjectListView):
    queryset = ActionPlan.objects.select_related("unit", "fiscal_year")
    filterset = ActionPlanFilterSet
    table = ActionPlanTable
    export_stem = "action-plans"
    template_name = "plans/actionplan_list.html"

    def restricted(self, action: str = Action.VIEW) -> models.QuerySet[Any]:
        """With each plan's current version (among those the user may view) and its totals."""
        money = models.DecimalField(max_digits=17, decimal_places=2)
        return (
            super()
            .restricted(action)
            .annotate(current_version_id=current_version_id(user=self.request.user))
            .annotate(
                current_number=_current_version_value("number"),
                current_kind=_current_version_value("kind"),
                current_status=_current_version_value("status"),
                project_count=Coalesce(_current_projects(Count("pk"), models.IntegerField()), 0),
                budget_total=Coalesce(
                    _current_projects(Sum("budget"), money), Decimal(0), output_field=money
                ),
            )
        )


class ActionPlanDetailView(PolicyView):
    """A plan is read through its versions: go to the current one the user may see."""

    queryset = ActionPlan.objects.all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plan = self.get_object()
        versions = list(
            PlanVersion.objects.restrict(request.user, Action.VIEW)
            .filter(plan=plan)
            .order_by("-number")
        )
        if not versions:
            raise Http404
        settled = [v for v in versions if v.status != PlanVersion.Status.DRAFT]
        return redirect((settled or versions)[0])


class ActionPlanEditView(ObjectEditView):
    queryset = ActionPlan.objects.select_related("unit", "fiscal_year")
    form = ActionPlanForm
    template_name = "plans/content_edit.html"
    create_service = staticmethod(plan_create)
    update_service = staticmethod(plan_update)

    @staticmethod
    def may_add_plans(user: Any) -> bool:
        return units_for(user, ActionPlan, Action.ADD).exists()

    def can_add(self) -> bool:
        return self.may_add_plans(self.request.user)

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "pk" not in self.kwargs and "fiscal_year" not in initial:
            year = FiscalYear.objects.filter(
                year=selected_fiscal_year(self.request).be, is_open=True
            ).first()
            if year is not None:
                initial["fiscal_year"] = year.pk
        return initial

    def extra_context(self, instance: ActionPlan) -> dict[str, Any]:
        if instance.pk:
            return {
                "crumbs": [
                    *crumbs_for(instance)[:-1],
                    Crumb(str(instance), instance.get_absolute_url()),
                ],
                "cancel_url": instance.get_absolute_url(),
            }
        return {
            "crumbs": [Crumb(_("แผนปฏิบัติการ"), reverse("plans:actionplan_list"))],
            "cancel_url": reverse("plans:actionplan_list"),
            "intro": _(
                "แผนใหม่เริ่มต้นด้วยฉบับร่างฉบับที่ 1 จากนั้นเพิ่มวิสัยทัศน์ พันธกิจ "
                "ประเด็นยุทธศาสตร์ และโครงการได้ที่หน้าของแผน"
            ),
        }


class ActionPlanHistoryView(ObjectHistoryView):
    queryset = ActionPlan.objects.all()
    template_name = "plans/content_history.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return history_page(self, request)


def history_page(view: ObjectHistoryView, request: HttpRequest) -> HttpResponse:
    """The readable history of a plan row, with the plan's breadcrumbs."""
    obj = view.get_object()
    page = paginate(request, history_for(obj))
    events = [(event, field_changes(event)) for event in page]
    context = {
        **view.model_context(),
        "object": obj,
        "page": page,
        "events": events,
        "crumbs": crumbs_for(obj),
    }
    return render(request, "plans/content_history.html", context)


# The plan page -------------------------------------------------------------------------------


VERSION_QUERYSET = PlanVersion.objects.select_related(
    "plan__unit", "plan__fiscal_year", "plan__parent_plan__unit", "approved_by", "based_on"
)


class PlanVersionDetailView(PolicyView):
    """แผนทั้งฉบับ: direction, issues, goals with KPIs, strategies with projects, totals."""

    queryset = VERSION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version: PlanVersion = self.get_object()
        user = request.user
        # Reading a plan switches the header's fiscal year to the plan's year.
        select_fiscal_year(request, version.plan.fiscal_year.period)
        state = version_state(user, version)
        outline = plan_outline(version)
        for issue in outline.issues:
            for goal in issue.goals:
                for indicator in goal.indicators:
                    indicator.quarter_values = indicator_quarter_values(indicator)  # type: ignore[attr-defined]
        versions = list(
            PlanVersion.objects.restrict(user, Action.VIEW)
            .filter(plan=version.plan_id)
            .order_by("number")
        )
        draft = next((v for v in versions if v.status == PlanVersion.Status.DRAFT), None)
        plan = version.plan
        parent_plan = plan.parent_plan
        if parent_plan is not None and not can(user, Action.VIEW, parent_plan):
            parent_plan = None
        is_approved = version.status == PlanVersion.Status.APPROVED
        context = {
            "object": version,
            "version": version,
            "plan": plan,
            "parent_plan": parent_plan,
            "state": state,
            "outline": outline,
            "versions": versions,
            "draft": draft if draft is not None and draft.pk != version.pk else None,
            "can_change_plan": plan.fiscal_year.is_open and can(user, Action.CHANGE, plan),
            "can_approve": state.is_draft and can(user, "approve", version),
            "can_publish": is_approved and can(user, "publish", version),
            "can_revise": not state.is_draft
            and state.year_open
            and draft is None
            and can(user, Action.CHANGE, version),
            "publish_form": VersionActionForm(initial={"version": version.version}),
            "unassigned_budget": sum(
                (row.project.budget for row in outline.unassigned_projects), Decimal(0)
            ),
            "analysis_links": analysis_links(version),
            "gap_summaries": gap_analysis(version),
            "gaps_url": reverse("plans:gaps", args=[version.pk]),
            "sections": plan_sections(user, version),
            "crumbs": version_crumbs(version)[:-1],
            "here": version.get_absolute_url(),
        }
        return render(request, "plans/planversion_detail.html", context)


class PlanVersionEditView(ObjectEditView):
    """Vision, values and the note of a draft version."""

    queryset = VERSION_QUERYSET
    form = PlanVersionForm
    template_name = "plans/content_edit.html"
    update_service = staticmethod(version_update)

    def get_instance(self) -> Any:
        if "pk" not in self.kwargs:
            raise Http404
        return self.get_object(Action.CHANGE)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_instance()
        if not version_state(request.user, version).can_edit:
            return locked_redirect(request, version, version)
        return super().get(request, *args, **kwargs)

    def extra_context(self, instance: PlanVersion) -> dict[str, Any]:
        return {
            "crumbs": version_crumbs(instance),
            "cancel_url": instance.get_absolute_url(),
            "heading": _("แก้ไขวิสัยทัศน์ ค่านิยม และหมายเหตุของฉบับ"),
        }


class PlanVersionHistoryView(ObjectHistoryView):
    queryset = VERSION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return history_page(self, request)


def locked_redirect(request: HttpRequest, version: PlanVersion, obj: Any) -> HttpResponse:
    """Edits of an approved version go nowhere: back to the page, with the reason."""
    state = version_state(request.user, version)
    messages.error(request, state.locked_message or _("คุณไม่มีสิทธิ์แก้ไขรายการนี้"))
    return redirect(obj.get_absolute_url())


class PlanVersionApproveView(PolicyView):
    """อนุมัติ: the approver sees what still stops approval, confirms, may leave a note."""

    public_read = False  # a workflow step: visitors are asked to log in
    queryset = VERSION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object("approve")
        form = ApproveForm(initial={"version": version.version})
        return self.render_page(version, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object("approve")
        form = ApproveForm(request.POST)
        if form.is_valid():
            try:
                version_approve(
                    actor=request.user,  # type: ignore[arg-type]
                    version=version,
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("อนุมัติ%(plan)s ฉบับที่ %(number)s แล้ว")
                    % {"plan": version.plan, "number": version.number},
                )
                return redirect(version)
        return self.render_page(version, form, status=400)

    def render_page(
        self, version: PlanVersion, form: ApproveForm, status: int = 200
    ) -> HttpResponse:
        is_draft = version.status == PlanVersion.Status.DRAFT
        context = {
            "object": version,
            "version": version,
            "form": form,
            "is_draft": is_draft,
            "problems": approval_problems(version) if is_draft else [],
            "crumbs": version_crumbs(version),
        }
        return render(self.request, "plans/planversion_approve.html", context, status=status)


class PlanVersionPublishView(PolicyView):
    """เผยแพร่: an approved version becomes readable by everyone."""

    public_read = False  # a workflow step: visitors are asked to log in
    queryset = VERSION_QUERYSET
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object("publish")
        form = VersionActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("ข้อมูลไม่ครบ กรุณาลองอีกครั้ง"))
            return redirect(version)
        try:
            version_publish(
                actor=request.user,  # type: ignore[arg-type]
                version=version,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("เผยแพร่%(plan)s ฉบับที่ %(number)s แล้ว")
                % {"plan": version.plan, "number": version.number},
            )
        return redirect(version)


class PlanVersionReviseView(PolicyView):
    """สร้างฉบับปรับปรุง: a new draft copied from an approved or published version."""

    public_read = False  # a workflow step: visitors are asked to log in
    queryset = VERSION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object(Action.CHANGE)
        return self.render_page(version, RevisionForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object(Action.CHANGE)
        form = RevisionForm(request.POST)
        if form.is_valid():
            try:
                new = version_create_revision(
                    actor=request.user,  # type: ignore[arg-type]
                    source=version,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("สร้างฉบับที่ %(number)s (%(kind)s) แล้ว แก้ไขฉบับร่างนี้ได้")
                    % {"number": new.number, "kind": new.get_kind_display()},
                )
                return redirect(new)
        return self.render_page(version, form, status=400)

    def render_page(
        self, version: PlanVersion, form: RevisionForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "object": version,
            "version": version,
            "form": form,
            "crumbs": version_crumbs(version),
        }
        return render(self.request, "plans/planversion_revise.html", context, status=status)


# Content: the generic pages with the plan services ------------------------------------------


class ContentEditView(ObjectEditView):
    """Add (under a parent named in the query string) or edit a row of a draft version."""

    template_name = "plans/content_edit.html"
    create_service = staticmethod(content_create)
    update_service = staticmethod(content_update)
    #: The query-string parameter naming the parent of a new row, and its model.
    parents: ClassVar[dict[str, type[models.Model]]] = {}

    def parent(self, name: str, *, required: bool = True) -> Any:
        model = self.parents[name]
        raw = self.request.GET.get(name, "")
        if not raw.isdigit():
            if required:
                raise Http404
            return None
        return get_object_or_404(
            model._default_manager.restrict(self.request.user, Action.VIEW),  # type: ignore[attr-defined]
            pk=int(raw),
        )

    def new_instance(self) -> Any:
        """The unsaved row, attached to its parent (subclasses)."""
        raise NotImplementedError

    def owning_project(self, instance: Any) -> Project | None:
        return None

    def get_instance(self) -> Any:
        if "pk" in self.kwargs:
            return self.get_object(Action.CHANGE)
        instance = self.new_instance()
        version = version_of(instance)
        if not may_add_under(self.request.user, version, self.owning_project(instance)):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มรายการในแผนนี้"))
        return instance

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        version = version_of(instance)
        state = version_state(request.user, version)
        if not (state.is_draft and state.year_open):
            return locked_redirect(request, version, instance if instance.pk else version)
        form = self.form(instance=instance, initial=self.get_initial(), user=request.user)
        return self.render_form(form, instance)

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if "pk" not in self.kwargs:
            initial.update(self.new_initial())
        return initial

    def new_initial(self) -> dict[str, Any]:
        return {}

    def success_url(self, obj: Any) -> str:
        return safe_next(self.request) or str(obj.get_absolute_url())

    def extra_context(self, instance: Any) -> dict[str, Any]:
        if instance.pk:
            crumbs = crumbs_for(instance)
            cancel = instance.get_absolute_url()
        else:
            parent = self.parent_object(instance)
            crumbs = crumbs_for(parent)
            cancel = parent.get_absolute_url()
        return {
            "crumbs": crumbs,
            "cancel_url": safe_next(self.request) or cancel,
            "version": version_of(instance),
        }

    def parent_object(self, instance: Any) -> Any:
        return version_of(instance)


class ContentDetailView(ObjectDetailView):
    """A row of a plan with its version's state (draft or locked) and breadcrumbs."""

    def extra_context(self, obj: Any) -> dict[str, Any]:
        version = version_of(obj)
        state = version_state(self.request.user, version)
        return {
            "version": version,
            "state": state,
            "crumbs": crumbs_for(obj)[:-1],
            "here": obj.get_absolute_url(),
            **self.more_context(obj, state),
        }

    def more_context(self, obj: Any, state: VersionState) -> dict[str, Any]:
        return {}


class ContentDeleteView(ObjectDeleteView):
    template_name = "plans/content_delete.html"
    delete_service = staticmethod(content_delete)
    success_url_name = "plans:actionplan_list"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        version = version_of(obj)
        state = version_state(request.user, version)
        if not (state.is_draft and state.year_open):
            return locked_redirect(request, version, obj)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        back = parent_url(obj)  # the row it belonged to (worked out before it is gone)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                self.delete_service(
                    actor=request.user,  # type: ignore[arg-type]
                    instance=obj,
                    expected_version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ลบ “%(object)s” แล้ว") % {"object": obj})
                return redirect(safe_next(request) or back)
        context = {**self.model_context(), "object": obj, "form": form}
        return render(request, self.template_name, context, status=400)

    def model_context(self) -> dict[str, Any]:
        context = super().model_context()
        obj = self.get_object(Action.VIEW)
        context["crumbs"] = crumbs_for(obj)
        return context


class ContentHistoryView(ObjectHistoryView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return history_page(self, request)


def alignment_context(user: Any, subject: Any, state: VersionState) -> dict[str, Any]:
    """The links of a row to framework nodes, and whether the user may change them."""
    field = {
        StrategicIssue: "strategic_issue",
        Goal: "goal",
        Indicator: "indicator",
        Project: "project",
    }[type(subject)]
    links = list(
        AlignmentLink.objects.filter(**{field: subject})
        .select_related("node__framework")
        .order_by("-is_primary", "node__framework__name", "node__path")
    )
    project = subject if isinstance(subject, Project) else None
    editable = state.is_draft and state.year_open and may_add_under(user, state.version, project)
    return {
        "alignment_links": links,
        "can_align": editable,
        "alignment_add_url": f"{reverse('plans:alignmentlink_add')}?{field}={subject.pk}",
    }


# Missions --------------------------------------------------------------------------------------


class MissionEditView(ContentEditView):
    queryset = Mission.objects.select_related("plan_version__plan__fiscal_year")
    form = MissionForm
    parents = {"version": PlanVersion}

    def new_instance(self) -> Mission:
        return Mission(plan_version=self.parent("version"))

    def new_initial(self) -> dict[str, Any]:
        version = self.parent("version")
        return {"number": next_number(Mission.objects.filter(plan_version=version))}


class MissionDeleteView(ContentDeleteView):
    queryset = Mission.objects.select_related("plan_version__plan__fiscal_year")


class MissionHistoryView(ContentHistoryView):
    queryset = Mission.objects.select_related("plan_version__plan")


# Strategic issues ------------------------------------------------------------------------------


ISSUE_QUERYSET = StrategicIssue.objects.select_related(
    "plan_version__plan__fiscal_year", "plan_version__plan__unit", "aligns_with__plan_version__plan"
)


class StrategicIssueDetailView(ContentDetailView):
    queryset = ISSUE_QUERYSET
    template_name = "plans/strategicissue_detail.html"

    def more_context(self, obj: StrategicIssue, state: VersionState) -> dict[str, Any]:
        goals = obj.goals.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets"))
        ).order_by("number")
        for goal in goals:
            for indicator in goal.indicators.all():
                indicator.quarter_values = indicator_quarter_values(indicator)  # type: ignore[attr-defined]
        strategies = obj.strategies.prefetch_related(
            Prefetch(
                "projects",
                queryset=Project.objects.select_related("lead_unit").order_by("code", "pk"),
            )
        ).order_by("number")
        budget = sum((p.budget for s in strategies for p in s.projects.all()), Decimal(0))
        return {
            "goals": goals,
            "strategies": strategies,
            "budget": budget,
            # Agencies' issues that align with this issue in any version of the plan (they may
            # point at an earlier version), as far as the user may see them.
            "supported_by": StrategicIssue.objects.restrict(self.request.user, Action.VIEW)
            .filter(aligns_with__lineage=obj.lineage)
            .select_related("plan_version__plan__unit")
            .order_by("plan_version__plan__unit__path", "number"),
            **alignment_context(self.request.user, obj, state),
        }


class StrategicIssueEditView(ContentEditView):
    queryset = ISSUE_QUERYSET
    form = StrategicIssueForm
    parents = {"version": PlanVersion}

    def new_instance(self) -> StrategicIssue:
        return StrategicIssue(plan_version=self.parent("version"))

    def new_initial(self) -> dict[str, Any]:
        version = self.parent("version")
        return {"number": next_number(StrategicIssue.objects.filter(plan_version=version))}


class StrategicIssueDeleteView(ContentDeleteView):
    queryset = ISSUE_QUERYSET


class StrategicIssueHistoryView(ContentHistoryView):
    queryset = ISSUE_QUERYSET


# Goals and strategies -----------------------------------------------------------------------------


GOAL_QUERYSET = Goal.objects.select_related(
    "strategic_issue__plan_version__plan__fiscal_year", "plan_version__plan__fiscal_year"
)
STRATEGY_QUERYSET = Strategy.objects.select_related(
    "strategic_issue__plan_version__plan__fiscal_year", "plan_version__plan__fiscal_year"
)


class GoalDetailView(ContentDetailView):
    queryset = GOAL_QUERYSET
    template_name = "plans/goal_detail.html"

    def more_context(self, obj: Goal, state: VersionState) -> dict[str, Any]:
        indicators = list(
            obj.indicators.prefetch_related("targets").select_related("evaluator_unit")
        )
        for indicator in indicators:
            indicator.quarter_values = indicator_quarter_values(indicator)  # type: ignore[attr-defined]
        return {
            "indicators": indicators,
            "quarters": QUARTERS,
            **alignment_context(self.request.user, obj, state),
        }


class UnderIssueEditView(ContentEditView):
    parents = {"issue": StrategicIssue}

    def new_instance(self) -> Any:
        issue = self.parent("issue")
        return self.model(strategic_issue=issue, plan_version=issue.plan_version)

    def new_initial(self) -> dict[str, Any]:
        issue = self.parent("issue")
        siblings = self.model._default_manager.filter(strategic_issue=issue)
        return {"strategic_issue": issue.pk, "number": next_number(siblings)}

    def parent_object(self, instance: Any) -> Any:
        return instance.strategic_issue


class GoalEditView(UnderIssueEditView):
    queryset = GOAL_QUERYSET
    form = GoalForm


class GoalDeleteView(ContentDeleteView):
    queryset = GOAL_QUERYSET


class GoalHistoryView(ContentHistoryView):
    queryset = GOAL_QUERYSET


class StrategyDetailView(ContentDetailView):
    queryset = STRATEGY_QUERYSET
    template_name = "plans/strategy_detail.html"

    def more_context(self, obj: Strategy, state: VersionState) -> dict[str, Any]:
        projects = list(
            obj.projects.select_related("lead_unit")
            .annotate(activity_count=Count("activities"))
            .order_by("code", "pk")
        )
        return {
            "projects": projects,
            "budget": sum((p.budget for p in projects), Decimal(0)),
        }


class StrategyEditView(UnderIssueEditView):
    queryset = STRATEGY_QUERYSET
    form = StrategyForm


class StrategyDeleteView(ContentDeleteView):
    queryset = STRATEGY_QUERYSET


class StrategyHistoryView(ContentHistoryView):
    queryset = STRATEGY_QUERYSET


# Indicators: the KPI sheet and its parts ----------------------------------------------------


INDICATOR_QUERYSET = Indicator.objects.select_related(
    "plan_version__plan__fiscal_year",
    "goal__strategic_issue",
    "project__strategy__strategic_issue",
    "evaluator_unit",
)


class IndicatorDetailView(ContentDetailView):
    queryset = INDICATOR_QUERYSET
    template_name = "plans/indicator_detail.html"

    def more_context(self, obj: Indicator, state: VersionState) -> dict[str, Any]:
        targets = {t.period: t.value for t in obj.targets.all()}
        bands = {b.level: b.threshold for b in obj.bands.all()}
        return {
            "quarter_targets": [(q, targets.get(q)) for q in QUARTERS],
            "half_targets": [(h, targets[h]) for h in ("H1", "H2") if h in targets],
            "bands": [(level, bands.get(level)) for level in BAND_LEVELS],
            "milestones": list(obj.milestones.order_by("step")),
            **alignment_context(self.request.user, obj, state),
        }


def save_indicator_parts(*, actor: Any, indicator: Indicator, form: IndicatorForm) -> None:
    """Quarterly targets, scoring bands and milestone steps, through the content services."""

    def sync(existing: dict[Any, Any], wanted: dict[Any, Any], make: Any, change: Any) -> None:
        for key, value in wanted.items():
            row = existing.get(key)
            if value is None:
                if row is not None:
                    content_delete(actor=actor, instance=row)
            elif row is None:
                content_create(actor=actor, instance=make(key, value))
            elif change(row, value):
                content_update(actor=actor, instance=row, expected_version=None)
        for key, row in existing.items():
            if key not in wanted:
                content_delete(actor=actor, instance=row)

    def set_value(attribute: str) -> Any:
        def change(row: Any, value: Any) -> bool:
            if getattr(row, attribute) == value:
                return False
            setattr(row, attribute, value)
            return True

        return change

    quarter_rows = {t.period: t for t in indicator.targets.filter(period__in=QUARTERS)}
    sync(
        quarter_rows,
        form.quarter_targets(),
        lambda period, value: IndicatorTarget(indicator=indicator, period=period, value=value),
        set_value("value"),
    )
    sync(
        {b.level: b for b in indicator.bands.all()},
        form.band_thresholds(),
        lambda level, value: ScoringBand(indicator=indicator, level=level, threshold=value),
        set_value("threshold"),
    )
    steps = form.milestone_steps()
    sync(
        {m.step: m for m in indicator.milestones.all()},
        dict(enumerate(steps, start=1)),
        lambda step, text: Milestone(indicator=indicator, step=step, description=text),
        set_value("description"),
    )


class IndicatorEditView(ContentEditView):
    queryset = INDICATOR_QUERYSET
    form = IndicatorForm
    template_name = "plans/indicator_edit.html"
    parents = {"goal": Goal, "project": Project}

    def new_instance(self) -> Indicator:
        goal = self.parent("goal", required=False)
        if goal is not None:
            return Indicator(goal=goal, plan_version=goal.plan_version)
        project = self.parent("project")
        return Indicator(project=project, plan_version=project.plan_version)

    def owning_project(self, instance: Indicator) -> Project | None:
        return instance.project

    def new_initial(self) -> dict[str, Any]:
        instance = self.new_instance()
        owner = {"goal": instance.goal} if instance.goal else {"project": instance.project}
        return {"number": next_number(Indicator.objects.filter(**owner))}

    def parent_object(self, instance: Indicator) -> Any:
        return instance.goal or instance.project

    @transaction.atomic
    def save(self, form: Any, *, creating: bool) -> BaseModel:
        indicator = super().save(form, creating=creating)
        save_indicator_parts(actor=self.request.user, indicator=indicator, form=form)  # type: ignore[arg-type]
        return indicator


class IndicatorDeleteView(ContentDeleteView):
    queryset = INDICATOR_QUERYSET


class IndicatorHistoryView(ContentHistoryView):
    queryset = INDICATOR_QUERYSET


# Projects ------------------------------------------------------------------------------------


PROJECT_QUERYSET = Project.objects.select_related(
    "plan_version__plan__fiscal_year",
    "plan_version__plan__unit",
    "strategy__strategic_issue",
    "lead_unit",
)


class ProjectListView(ObjectListView):
    queryset = Project.objects.select_related(
        "plan_version__plan__unit",
        "plan_version__plan__fiscal_year",
        "strategy__strategic_issue",
        "lead_unit",
    )
    filterset = ProjectFilterSet
    table = ProjectTable
    export_stem = "projects"
    template_name = "plans/project_list.html"

    def add_url(self) -> str | None:
        return None  # projects are added on their plan's page, under a strategy


@dataclass
class ActivityLine:
    activity: Activity
    depth: int


class ProjectDetailView(ContentDetailView):
    queryset = PROJECT_QUERYSET
    template_name = "plans/project_detail.html"

    def more_context(self, obj: Project, state: VersionState) -> dict[str, Any]:
        user = self.request.user
        activities = list(
            obj.activities.select_related("responsible_unit").order_by("number", "pk")
        )
        children: dict[int | None, list[Activity]] = defaultdict(list)
        for activity in activities:
            children[activity.parent_id].append(activity)
        lines: list[ActivityLine] = []

        def walk(parent_id: int | None, depth: int) -> None:
            for activity in children.get(parent_id, []):
                lines.append(ActivityLine(activity, depth))
                walk(activity.pk, depth + 1)

        walk(None, 0)
        planned = sum((a.budget for a in children.get(None, [])), Decimal(0))
        indicators = list(obj.indicators.prefetch_related("targets").order_by("number", "pk"))
        for indicator in indicators:
            indicator.quarter_values = indicator_quarter_values(indicator)  # type: ignore[attr-defined]
        editable = state.is_draft and state.year_open
        can_change = editable and can(user, Action.CHANGE, obj)
        return {
            "owners": list(obj.owners.select_related("unit").order_by("role", "unit__path")),
            "activity_lines": lines,
            "activity_budget": planned,
            "remaining_budget": obj.budget - planned,
            "indicators": indicators,
            "can_edit_project": can_change,
            "can_manage_owners": editable and can(user, Action.CHANGE, version_of(obj)),
            "can_add_parts": editable and may_add_under(user, version_of(obj), obj),
            "sections": project_sections(user, obj),
            **alignment_context(user, obj, state),
        }


class ProjectEditView(ContentEditView):
    queryset = PROJECT_QUERYSET
    form = ProjectForm
    template_name = "plans/project_edit.html"
    parents = {"version": PlanVersion, "strategy": Strategy}

    def new_instance(self) -> Project:
        strategy = self.parent("strategy", required=False)
        version = strategy.plan_version if strategy is not None else self.parent("version")
        return Project(plan_version=version, strategy=strategy)

    def new_initial(self) -> dict[str, Any]:
        instance = self.new_instance()
        period = instance.plan_version.plan.fiscal_year.period
        initial: dict[str, Any] = {
            "start_month": period.start,
            "end_month": period.end.replace(day=1),
        }
        if instance.strategy is not None:
            initial["strategy"] = instance.strategy.pk
        return initial

    def parent_object(self, instance: Project) -> Any:
        return instance.strategy or instance.plan_version


class ProjectDeleteView(ContentDeleteView):
    queryset = PROJECT_QUERYSET


class ProjectHistoryView(ContentHistoryView):
    queryset = PROJECT_QUERYSET


@login_required
def project_months(request: HttpRequest) -> HttpResponse:
    """htmx: the month pickers of the project form, widened when "multi-year" is ticked.

    An existing project is found through itself (its lead unit's reporters may not see the
    draft plan version), a new one through the plan version it is added to.
    """
    user = request.user
    project_id = request.GET.get("project", "")
    version_id = request.GET.get("plan_version", "")
    if project_id.isdigit():
        instance = get_object_or_404(
            Project.objects.restrict(user, Action.VIEW).select_related(
                "plan_version__plan__fiscal_year"
            ),
            pk=int(project_id),
        )
    elif version_id.isdigit():
        version = get_object_or_404(
            PlanVersion.objects.restrict(user, Action.VIEW).select_related("plan__fiscal_year"),
            pk=int(version_id),
        )
        instance = Project(plan_version=version)
    else:
        raise Http404
    form = ProjectForm(request.GET, instance=instance, user=request.user)
    return render(request, "plans/includes/project_months.html", {"form": form})


# Owners and activities ------------------------------------------------------------------------


OWNER_QUERYSET = ProjectOwner.objects.select_related(
    "project__plan_version__plan__fiscal_year", "project__strategy__strategic_issue", "unit"
)


class ProjectOwnerEditView(ContentEditView):
    queryset = OWNER_QUERYSET
    form = ProjectOwnerForm
    parents = {"project": Project}

    def new_instance(self) -> ProjectOwner:
        return ProjectOwner(project=self.parent("project"))

    def parent_object(self, instance: ProjectOwner) -> Any:
        return instance.project

    def success_url(self, obj: Any) -> str:
        return safe_next(self.request) or obj.project.get_absolute_url() + "#owners"

    def extra_context(self, instance: ProjectOwner) -> dict[str, Any]:
        context = super().extra_context(instance)
        context["crumbs"] = crumbs_for(instance.project)
        return context


class ProjectOwnerDeleteView(ContentDeleteView):
    queryset = OWNER_QUERYSET


ACTIVITY_QUERYSET = Activity.objects.select_related(
    "plan_version__plan__fiscal_year",
    "project__strategy__strategic_issue",
    "project__plan_version",
    "parent",
    "responsible_unit",
)


class ActivityDetailView(ContentDetailView):
    queryset = ACTIVITY_QUERYSET
    template_name = "plans/activity_detail.html"

    def more_context(self, obj: Activity, state: VersionState) -> dict[str, Any]:
        children = list(obj.children.select_related("responsible_unit").order_by("number", "pk"))
        return {
            "children": children,
            "children_budget": sum((c.budget for c in children), Decimal(0)),
            "can_add_parts": state.is_draft
            and state.year_open
            and obj.parent_id is None
            and may_add_under(self.request.user, state.version, obj.project),
        }


class ActivityEditView(ContentEditView):
    queryset = ACTIVITY_QUERYSET
    form = ActivityForm
    parents = {"project": Project, "parent": Activity}

    def new_instance(self) -> Activity:
        parent = self.parent("parent", required=False)
        project = parent.project if parent is not None else self.parent("project")
        return Activity(project=project, parent=parent, plan_version=project.plan_version)

    def owning_project(self, instance: Activity) -> Project | None:
        return instance.project

    def new_initial(self) -> dict[str, Any]:
        instance = self.new_instance()
        siblings = Activity.objects.filter(project=instance.project, parent=instance.parent)
        initial: dict[str, Any] = {
            "number": next_number(siblings),
            "start_month": instance.project.start_month,
            "end_month": instance.project.end_month,
            "responsible_unit": instance.project.lead_unit_id,
        }
        if instance.parent is not None:
            initial.update(
                parent=instance.parent.pk,
                start_month=instance.parent.start_month,
                end_month=instance.parent.end_month,
            )
        return initial

    def parent_object(self, instance: Activity) -> Any:
        return instance.parent or instance.project


class ActivityDeleteView(ContentDeleteView):
    queryset = ACTIVITY_QUERYSET


class ActivityHistoryView(ContentHistoryView):
    queryset = ACTIVITY_QUERYSET


# Alignment links --------------------------------------------------------------------------------


LINK_QUERYSET = AlignmentLink.objects.select_related(
    "plan_version__plan__fiscal_year",
    "node__framework",
    "strategic_issue",
    "goal__strategic_issue",
    "indicator",
    "project",
)


class AlignmentLinkEditView(ContentEditView):
    """เชื่อมโยงกับกรอบ: a framework, then one of its nodes; one link may be primary."""

    queryset = LINK_QUERYSET
    form = AlignmentLinkForm
    template_name = "plans/framework_link_edit.html"
    parents = {
        "strategic_issue": StrategicIssue,
        "goal": Goal,
        "indicator": Indicator,
        "project": Project,
    }

    def new_instance(self) -> AlignmentLink:
        for name in self.parents:
            subject = self.parent(name, required=False)
            if subject is not None:
                return AlignmentLink(plan_version=subject.plan_version, **{name: subject})
        raise Http404

    def owning_project(self, instance: AlignmentLink) -> Project | None:
        return instance.project

    def new_initial(self) -> dict[str, Any]:
        framework = self.request.GET.get("framework", "")
        return {"framework": int(framework)} if framework.isdigit() else {}

    def parent_object(self, instance: AlignmentLink) -> Any:
        return instance.subject

    def success_url(self, obj: Any) -> str:
        return safe_next(self.request) or str(obj.subject.get_absolute_url()) + "#alignment"

    @transaction.atomic
    def save(self, form: Any, *, creating: bool) -> BaseModel:
        instance = form.instance
        if form.cleaned_data.get("is_primary"):
            clear_primary(self.request.user, instance)
        return super().save(form, creating=creating)

    def extra_context(self, instance: AlignmentLink) -> dict[str, Any]:
        context = super().extra_context(instance)
        context["subject"] = instance.subject
        context["crumbs"] = crumbs_for(instance.subject)
        if not instance.pk:  # the no-script "show nodes" button reloads the page by GET
            field = next(name for name in AlignmentLink.SUBJECTS if getattr(instance, name))
            context["subject_param"] = (field, getattr(instance, f"{field}_id"))
        return context


def clear_primary(actor: Any, link: AlignmentLink) -> None:
    """Only one primary link per subject: the others stop being primary first."""
    field = next(name for name in AlignmentLink.SUBJECTS if getattr(link, f"{name}_id"))
    others = AlignmentLink.objects.filter(
        **{field: getattr(link, f"{field}_id")}, is_primary=True
    ).exclude(pk=link.pk)
    for other in others:
        other.is_primary = False
        content_update(actor=actor, instance=other, expected_version=None)


class AlignmentLinkDeleteView(ContentDeleteView):
    queryset = LINK_QUERYSET


class AlignmentLinkPrimaryView(PolicyView):
    """ตั้งเป็นความสอดคล้องหลัก (POST)."""

    public_read = False  # a workflow step: visitors are asked to log in
    queryset = LINK_QUERYSET
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link = self.get_object(Action.CHANGE)
        try:
            with transaction.atomic():
                clear_primary(request.user, link)
                link.is_primary = True
                content_update(actor=request.user, instance=link, expected_version=None)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("ตั้ง “%(node)s” เป็นความสอดคล้องหลักแล้ว") % {"node": link.node})
        return redirect(parent_url(link))


@login_required
def alignment_nodes(request: HttpRequest) -> HttpResponse:
    """htmx: the nodes of the chosen framework, as <option>s."""
    raw = request.GET.get("framework", "")
    framework = None
    if raw.isdigit():
        framework = (
            Framework.objects.restrict(request.user, Action.VIEW).filter(pk=int(raw)).first()
        )
    options = [(node.pk, node_label(node)) for node in framework_nodes(request.user, framework)]
    return render(
        request,
        "plans/includes/node_options.html",
        {"options": options, "framework": framework},
    )


# Routes ----------------------------------------------------------------------------------------


def object_routes(
    prefix: str,
    name: str,
    *,
    list_view: Any = None,
    detail_view: Any = None,
    edit_view: Any = None,
    delete_view: Any = None,
    history_view: Any = None,
) -> list[URLPattern]:
    """The URL scheme every model follows: ``<name>_list``, ``<name>``, ``_add``, ``_edit``…"""
    routes = []
    if list_view is not None:
        routes.append(path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"))
    if edit_view is not None:
        routes.append(path(f"{prefix}/add/", edit_view.as_view(), name=f"{name}_add"))
        routes.append(path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"))
    if detail_view is not None:
        routes.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=name))
    if delete_view is not None:
        routes.append(
            path(f"{prefix}/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete")
        )
    if history_view is not None:
        routes.append(
            path(f"{prefix}/<int:pk>/history/", history_view.as_view(), name=f"{name}_history")
        )
    return routes
