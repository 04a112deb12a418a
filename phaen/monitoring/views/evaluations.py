"""Pages of the half-year and annual evaluations (การประเมินผลรอบ 6 และ 12 เดือน) and of the
lessons learned (บทเรียนที่ได้รับ).

An evaluation row is one indicator's or one project's result in a half year or a year,
prepared from the quarters by ``services.evaluation_prepare`` (planners, for a unit and the
units below it); the evaluator adds a comment (``services.evaluation_comment``). The list shows
the rows in the user's scope with the shares of indicators achieved and of projects completed
on time of what is listed (and, for one period and unit, per strategic issue and per unit).
Lessons learned are written by the unit's reporters and planners (``services.lesson_*``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.budget.selectors import percent
from phaen.core.access import Action
from phaen.core.exceptions import DomainError
from phaen.core.tables import Column, Table
from phaen.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    PolicyView,
    apply_domain_error,
)
from phaen.monitoring import services
from phaen.monitoring.forms.evaluations import (
    EvaluationCommentForm,
    EvaluationFilterSet,
    EvaluationPrepareForm,
    LessonLearnedFilterSet,
    LessonLearnedForm,
)
from phaen.monitoring.models import (
    Evaluation,
    IndicatorResult,
    LessonLearned,
    ProgressReport,
    ReportingPeriod,
)
from phaen.monitoring.selectors import EvaluationSummary, evaluation_summary
from phaen.orgs.models import OrgUnit

EVALUATION_QUERYSET = Evaluation.objects.select_related(
    "period__fiscal_year", "indicator", "project", "strategic_issue", "evaluator"
)


# Evaluations --------------------------------------------------------------------------------


def subject_of(evaluation: Evaluation) -> Any:
    return evaluation.indicator if evaluation.indicator_id else evaluation.project


def subject_kind(evaluation: Evaluation) -> str:
    return str(_("ตัวชี้วัด") if evaluation.indicator_id else _("โครงการ"))


def achieved_text(evaluation: Evaluation) -> str | None:
    """Indicators: achieved or not; projects: completed on time, late, or not due yet."""
    if evaluation.indicator_id:
        if evaluation.achieved is None:
            return str(_("ยังไม่มีผล"))
        return str(_("บรรลุ") if evaluation.achieved else _("ไม่บรรลุ"))
    if evaluation.completed_on_time is None:
        return str(_("ยังไม่ถึงกำหนด"))
    return str(_("แล้วเสร็จตามกำหนด") if evaluation.completed_on_time else _("ไม่แล้วเสร็จตามกำหนด"))


def comment_excerpt(evaluation: Evaluation) -> str | None:
    comment = evaluation.comment.strip()
    return comment if len(comment) <= 80 else comment[:79] + "…"


class EvaluationTable(Table):
    columns = [
        Column("subject", gettext_lazy("ตัวชี้วัด/โครงการ"), accessor=subject_of),
        Column("kind", gettext_lazy("ประเภท"), accessor=subject_kind),
        Column("period", gettext_lazy("รอบการประเมิน"), order_by="period__ends_on"),
        Column("target_value", gettext_lazy("ค่าเป้าหมาย"), numeric=True),
        Column("result_value", gettext_lazy("ผลการดำเนินงาน"), numeric=True),
        Column("achieved", gettext_lazy("ผลการประเมิน"), accessor=achieved_text),
        Column("score", gettext_lazy("คะแนน (0–5)"), order_by="score", numeric=True),
        Column("percent_of_target", gettext_lazy("ร้อยละของค่าเป้าหมาย"), numeric=True),
        Column("comment", gettext_lazy("ความเห็นของผู้ประเมิน"), accessor=comment_excerpt),
    ]
    default_order = ("-period__fiscal_year__year", "period__ends_on", "plan_unit_path", "pk")

    def cell(self, column: Column, row: Any) -> Any:
        if column.name == "subject":
            # The subject links to the evaluation (the model's own page).
            return Table.cell(self, Column("subject", column.label, subject_of, link=True), row)
        return super().cell(column, row)


def shares(evaluations: Any) -> dict[str, Any]:
    """The shares of indicators achieved and of projects completed on time (one query)."""
    totals = evaluations.aggregate(
        indicators=Count("pk", filter=Q(indicator__isnull=False)),
        measured=Count("pk", filter=Q(indicator__isnull=False, achieved__isnull=False)),
        achieved=Count("pk", filter=Q(achieved=True)),
        projects=Count("pk", filter=Q(project__isnull=False)),
        due=Count("pk", filter=Q(completed_on_time__isnull=False)),
        on_time=Count("pk", filter=Q(completed_on_time=True)),
    )
    return {
        **totals,
        "achieved_rate": percent(totals["achieved"], totals["indicators"]),
        "on_time_rate": percent(totals["on_time"], totals["due"]),
    }


class EvaluationListView(ObjectListView):
    """ผลการประเมิน: the rows in scope, filtered by fiscal year, period, unit and subject."""

    queryset = EVALUATION_QUERYSET
    filterset = EvaluationFilterSet
    table = EvaluationTable
    public_read = False
    export_stem = "evaluations"
    template_name = "monitoring/evaluation_list.html"
    partial_template_name = "monitoring/evaluation_results.html"

    def extra_context(self) -> dict[str, Any]:
        request = self.request
        filterset = EvaluationFilterSet(
            request.GET or None, queryset=self.restricted(Action.VIEW), request=request
        )
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
        return {
            "shares": shares(rows),
            "summary": self.summary(data),
            "kind_chosen": bool(data.get("kind")),
            "can_prepare": self.can_add(),
        }

    def summary(self, data: dict[str, Any]) -> EvaluationSummary | None:
        """Per strategic issue and per unit, when one period and one unit are chosen."""
        year, kind, unit = data.get("fiscal_year"), data.get("kind"), data.get("unit")
        if not (year and kind and unit):
            return None
        period = ReportingPeriod.objects.filter(fiscal_year=year, kind=kind).first()
        if period is None:
            return None
        return evaluation_summary(self.request.user, period, unit)


def quarter_results(user: Any, evaluation: Evaluation) -> list[IndicatorResult]:
    """An indicator's results of the year's quarters (those the user may see)."""
    if evaluation.indicator_lineage is None:
        return []
    return list(
        IndicatorResult.objects.restrict(user, Action.VIEW)
        .filter(
            indicator_lineage=evaluation.indicator_lineage,
            period__fiscal_year_id=evaluation.period.fiscal_year_id,
            period__kind__in=evaluation.period.quarter_kinds,
        )
        .select_related("period__fiscal_year", "report")
        .order_by("period__ends_on")
    )


def quarter_reports(user: Any, evaluation: Evaluation) -> list[ProgressReport]:
    """A project's quarterly reports of the period (those the user may see)."""
    if evaluation.project_lineage is None:
        return []
    return list(
        ProgressReport.objects.restrict(user, Action.VIEW)
        .filter(
            project_lineage=evaluation.project_lineage,
            period__fiscal_year_id=evaluation.period.fiscal_year_id,
            period__kind__in=evaluation.period.quarter_kinds,
        )
        .select_related("period__fiscal_year")
        .order_by("period__ends_on")
    )


class EvaluationDetailView(ObjectDetailView):
    queryset = EVALUATION_QUERYSET.select_related("indicator__plan_version__plan__unit")
    public_read = False
    template_name = "monitoring/evaluation_detail.html"

    def extra_context(self, obj: Evaluation) -> dict[str, Any]:
        user = self.request.user
        return {
            "subject": subject_of(obj),
            "outcome": achieved_text(obj),
            "results": quarter_results(user, obj),
            "reports": quarter_reports(user, obj),
            "list_url": reverse("monitoring:evaluation_list")
            + "?"
            + urlencode(
                {"fiscal_year": str(obj.period.fiscal_year.year), "kind": str(obj.period.kind)}
            ),
        }


class EvaluationHistoryView(ObjectHistoryView):
    queryset = EVALUATION_QUERYSET
    public_read = False
    template_name = "monitoring/evaluation_history.html"


class EvaluationCommentView(PolicyView):
    """The evaluator's comment on one evaluation (reporters, approvers and planners of the
    unit; planners of the plan's unit)."""

    queryset = EVALUATION_QUERYSET
    public_read = False
    template_name = "monitoring/evaluation_comment.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.CHANGE)
        form = EvaluationCommentForm(initial={"comment": obj.comment, "version": obj.version})
        return self.render_form(obj, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.CHANGE)
        form = EvaluationCommentForm(request.POST)
        if form.is_valid():
            try:
                services.evaluation_comment(
                    actor=request.user,  # type: ignore[arg-type]
                    evaluation=obj,
                    expected_version=form.cleaned_data.get("version"),
                    comment=form.cleaned_data.get("comment", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("บันทึกความเห็นของผู้ประเมินแล้ว"))
                return redirect(obj.get_absolute_url())
        return self.render_form(obj, form, status=400)

    def render_form(
        self, obj: Evaluation, form: EvaluationCommentForm, status: int = 200
    ) -> HttpResponse:
        context = {
            **self.model_context(),
            "object": obj,
            "subject": subject_of(obj),
            "outcome": achieved_text(obj),
            "form": form,
        }
        return render(self.request, self.template_name, context, status=status)


class EvaluationPrepareView(PolicyView):
    """Prepare (or refresh) the evaluations of a period for a unit and the units below it."""

    queryset = EVALUATION_QUERYSET
    public_read = False
    template_name = "monitoring/evaluation_prepare.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not self.can_add():
            raise PermissionDenied(_("คุณไม่มีสิทธิ์จัดทำการประเมินผล"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {key: request.GET[key] for key in ("period", "unit") if key in request.GET}
        form = EvaluationPrepareForm(initial=initial, user=request.user)
        return render(request, self.template_name, {**self.model_context(), "form": form})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EvaluationPrepareForm(request.POST, user=request.user)
        if form.is_valid():
            period: ReportingPeriod = form.cleaned_data["period"]
            unit: OrgUnit = form.cleaned_data["unit"]
            try:
                run = services.evaluation_prepare(
                    actor=request.user,  # type: ignore[arg-type]
                    period=period,
                    unit=unit,
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "จัดทำการประเมินผล%(period)s ของ%(unit)s แล้ว: "
                        "เพิ่มใหม่ %(created)d รายการ ปรับปรุง %(updated)d รายการ"
                    )
                    % {
                        "period": period.label,
                        "unit": unit,
                        "created": run.created,
                        "updated": run.updated,
                    },
                )
                query = urlencode(
                    {
                        "fiscal_year": str(period.fiscal_year.year),
                        "kind": str(period.kind),
                        "unit": str(unit.pk),
                    }
                )
                return redirect(reverse("monitoring:evaluation_list") + "?" + query)
        context = {**self.model_context(), "form": form}
        return render(request, self.template_name, context, status=400)


# Lessons learned ----------------------------------------------------------------------------

LESSON_QUERYSET = LessonLearned.objects.select_related(
    "fiscal_year", "unit", "project", "strategic_issue"
)


class LessonLearnedTable(Table):
    columns = [
        Column("topic", gettext_lazy("เรื่อง"), order_by="topic", link=True),
        Column("unit", gettext_lazy("หน่วยงาน"), order_by="unit_path"),
        Column("fiscal_year", gettext_lazy("ปีงบประมาณ"), order_by="fiscal_year__year"),
        Column("project", gettext_lazy("โครงการ"), order_by="project__code"),
        Column("recommendation", gettext_lazy("ข้อเสนอแนะสำหรับแผนปีต่อไป")),
    ]
    default_order = ("-fiscal_year__year", "unit_path", "pk")


class LessonLearnedListView(ObjectListView):
    queryset = LESSON_QUERYSET
    filterset = LessonLearnedFilterSet
    table = LessonLearnedTable
    public_read = False
    export_stem = "lessons-learned"
    template_name = "monitoring/lessonlearned_list.html"


class LessonLearnedDetailView(ObjectDetailView):
    queryset = LESSON_QUERYSET.select_related("created_by", "updated_by")
    public_read = False
    template_name = "monitoring/lessonlearned_detail.html"


class LessonLearnedEditView(ObjectEditView):
    queryset = LESSON_QUERYSET
    form = LessonLearnedForm
    template_name = "monitoring/lessonlearned_edit.html"
    create_service = staticmethod(services.lesson_add)
    update_service = staticmethod(services.lesson_update)


class LessonLearnedDeleteView(ObjectDeleteView):
    queryset = LESSON_QUERYSET
    template_name = "monitoring/lessonlearned_delete.html"
    success_url_name = "monitoring:lessonlearned_list"
    delete_service = staticmethod(services.lesson_delete)


class LessonLearnedHistoryView(ObjectHistoryView):
    queryset = LESSON_QUERYSET
    public_read = False
    template_name = "monitoring/lessonlearned_history.html"


urlpatterns: list[URLPattern] = [
    path("evaluations/", EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/prepare/", EvaluationPrepareView.as_view(), name="evaluation_prepare"),
    path("evaluations/<int:pk>/", EvaluationDetailView.as_view(), name="evaluation"),
    path(
        "evaluations/<int:pk>/comment/",
        EvaluationCommentView.as_view(),
        name="evaluation_comment",
    ),
    path(
        "evaluations/<int:pk>/history/",
        EvaluationHistoryView.as_view(),
        name="evaluation_history",
    ),
    path("lessons/", LessonLearnedListView.as_view(), name="lessonlearned_list"),
    path("lessons/add/", LessonLearnedEditView.as_view(), name="lessonlearned_add"),
    path("lessons/<int:pk>/", LessonLearnedDetailView.as_view(), name="lessonlearned"),
    path("lessons/<int:pk>/edit/", LessonLearnedEditView.as_view(), name="lessonlearned_edit"),
    path(
        "lessons/<int:pk>/delete/", LessonLearnedDeleteView.as_view(), name="lessonlearned_delete"
    ),
    path(
        "lessons/<int:pk>/history/",
        LessonLearnedHistoryView.as_view(),
        name="lessonlearned_history",
    ),
]
