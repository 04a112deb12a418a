"""Pages of the reporting periods (รอบการรายงาน): the periods of each fiscal year, a period with
its opening, due and lock dates, its per-unit deadlines (กำหนดส่งเฉพาะหน่วยงาน) and late-entry
permissions (อนุญาตให้รายงานล่าช้า).

Periods are global reference data: every logged-in user reads them, planners at a top-level unit
change their dates (``services.period_update``). Deadlines and late-entry permissions belong to
a unit: planners set them for their own units and the units below (``deadline_set``/``_clear``,
``late_entry_grant``/``_revoke``, audited by the services); the period page lists those the user
may view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from phaen.core.access import Action, has_any_role
from phaen.core.exceptions import DomainError
from phaen.core.forms import ReasonForm
from phaen.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    PolicyView,
    apply_domain_error,
    paginate,
    query_without,
)
from phaen.monitoring import services
from phaen.monitoring.forms.periods import (
    LateEntryGrantForm,
    LateEntryRevokeForm,
    PeriodDeadlineForm,
    ReportingPeriodForm,
)
from phaen.monitoring.models import LateEntryException, PeriodDeadline, ReportingPeriod
from phaen.plans.models import FiscalYear

#: Fiscal years per page of the period list (six periods each).
YEARS_PER_PAGE = 5
#: Deadlines and late-entry permissions per page of a period's page.
ROWS_PER_PAGE = 50

PERIOD_QUERYSET = ReportingPeriod.objects.select_related("fiscal_year")


def period_anchor(period: ReportingPeriod, anchor: str) -> str:
    return f"{reverse('monitoring:reportingperiod', args=[period.pk])}#{anchor}"


# Periods ------------------------------------------------------------------------------------


class ReportingPeriodListView(PolicyView):
    """รอบการรายงาน: the periods of each fiscal year, newest year first (``?fiscal_year=``)."""

    queryset = PERIOD_QUERYSET
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        years = list(
            FiscalYear.objects.filter(reporting_periods__isnull=False)
            .distinct()
            .order_by("-year")
            .values_list("year", flat=True)
        )
        raw = request.GET.get("fiscal_year", "")
        chosen = int(raw) if raw.isdigit() and int(raw) in years else None
        shown = [chosen] if chosen is not None else years
        page = paginate(request, shown, YEARS_PER_PAGE)
        by_year: dict[int, list[ReportingPeriod]] = defaultdict(list)
        periods = self.restricted(Action.VIEW).filter(fiscal_year__year__in=list(page))
        for period in periods.order_by("-fiscal_year__year", "ends_on", "-starts_on"):
            by_year[period.fiscal_year.year].append(period)
        context = {
            **self.model_context(),
            "years": years,
            "chosen": chosen,
            "groups": [(year, by_year[year]) for year in page],
            "page": page,
            "query": query_without(request, "page"),
        }
        return render(request, "monitoring/reportingperiod_list.html", context)


class ReportingPeriodDetailView(ObjectDetailView):
    """A period: its dates, the per-unit deadlines and the late-entry permissions the user may
    view (each list paginated), with the links to change them."""

    queryset = PERIOD_QUERYSET
    template_name = "monitoring/reportingperiod_detail.html"
    public_read = False

    def extra_context(self, obj: ReportingPeriod) -> dict[str, Any]:
        user = self.request.user
        deadlines = (
            PeriodDeadline.objects.restrict(user, Action.VIEW)
            .filter(period=obj)
            .select_related("unit")
            .order_by("unit_path", "pk")
        )
        late_entries = (
            LateEntryException.objects.restrict(user, Action.VIEW)
            .filter(period=obj)
            .select_related("unit", "revoked_by")
            .order_by("unit_path", "-created_at", "-pk")
        )
        late_page = self._page(late_entries, "late_page")
        deadline_page = self._page(deadlines, "deadline_page")
        removable = set(
            PeriodDeadline.objects.restrict(user, Action.DELETE)
            .filter(pk__in=[row.pk for row in deadline_page])
            .values_list("pk", flat=True)
        )
        revocable = set(
            LateEntryException.objects.restrict(user, Action.CHANGE)
            .filter(pk__in=[row.pk for row in late_page], revoked_at__isnull=True)
            .values_list("pk", flat=True)
        )
        return {
            "deadline_page": deadline_page,
            "deadline_rows": [(row, row.pk in removable) for row in deadline_page],
            "deadline_query": query_without(self.request, "deadline_page"),
            "late_page": late_page,
            "late_rows": [(row, row.pk in revocable) for row in late_page],
            "late_query": query_without(self.request, "late_page"),
            "can_add_deadline": has_any_role(
                user, PeriodDeadline.access_rules.any_roles_for(Action.ADD)
            ),
            "can_grant": has_any_role(
                user, LateEntryException.access_rules.any_roles_for(Action.ADD)
            ),
        }

    def _page(self, rows: Any, param: str) -> Page[Any]:
        return Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get(param))


class ReportingPeriodEditView(ObjectEditView):
    """Change a period's opening, due and lock dates (planners at a top-level unit)."""

    queryset = PERIOD_QUERYSET
    form = ReportingPeriodForm
    template_name = "monitoring/reportingperiod_edit.html"
    update_service = staticmethod(services.period_update)

    def get_instance(self) -> Any:
        if "pk" not in self.kwargs:  # periods are generated with their fiscal year
            raise PermissionDenied(_("รอบการรายงานสร้างขึ้นพร้อมปีงบประมาณ เพิ่มเองไม่ได้"))
        return super().get_instance()


class ReportingPeriodHistoryView(ObjectHistoryView):
    queryset = PERIOD_QUERYSET
    public_read = False


# Per-unit deadlines ---------------------------------------------------------------------------


class PeriodChildView(PolicyView):
    """Base of the pages that add a row to a period (the period is read by everyone)."""

    queryset = PERIOD_QUERYSET
    public_read = False
    row_model: type[PeriodDeadline] | type[LateEntryException]

    def get_period(self) -> ReportingPeriod:
        period: ReportingPeriod = get_object_or_404(
            self.restricted(Action.VIEW), pk=self.kwargs["period_pk"]
        )
        if not has_any_role(
            self.request.user, self.row_model.access_rules.any_roles_for(Action.ADD)
        ):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์ดำเนินการนี้"))
        return period


class PeriodDeadlineAddView(PeriodChildView):
    """กำหนดวันส่งรายงานเฉพาะหน่วยงาน: set (or change) a unit's own due and lock dates."""

    row_model = PeriodDeadline

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        initial = {"due_on": period.due_on, "locks_on": period.locks_on}
        return self.render_page(period, PeriodDeadlineForm(initial=initial, user=request.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        form = PeriodDeadlineForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.deadline_set(
                    actor=request.user,  # type: ignore[arg-type]
                    period=period,
                    unit=data["unit"],
                    due_on=data["due_on"],
                    locks_on=data["locks_on"],
                    reason=data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("บันทึกกำหนดส่งรายงานของ “%(unit)s” แล้ว") % {"unit": data["unit"].name},
                )
                return redirect(period_anchor(period, "deadlines"))
        return self.render_page(period, form, status=400)

    def render_page(
        self, period: ReportingPeriod, form: PeriodDeadlineForm, status: int = 200
    ) -> HttpResponse:
        context = {"period": period, "form": form}
        return render(self.request, "monitoring/perioddeadline_form.html", context, status=status)


class PeriodDeadlineDeleteView(PolicyView):
    """Remove a unit's own dates: it follows the unit above it (or the period) again."""

    queryset = PeriodDeadline.objects.select_related("unit", "period__fiscal_year")
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deadline = self.get_object(Action.DELETE)
        form = ReasonForm(initial={"version": deadline.version})
        return self.render_page(deadline, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deadline: PeriodDeadline = self.get_object(Action.DELETE)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.deadline_clear(
                    actor=request.user,  # type: ignore[arg-type]
                    period=deadline.period,
                    unit=deadline.unit,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("ยกเลิกกำหนดส่งรายงานเฉพาะของ “%(unit)s” แล้ว") % {"unit": deadline.unit.name},
                )
                return redirect(period_anchor(deadline.period, "deadlines"))
        return self.render_page(deadline, form, status=400)

    def render_page(self, deadline: PeriodDeadline, form: ReasonForm, status: int = 200) -> Any:
        context = {"object": deadline, "period": deadline.period, "form": form}
        return render(self.request, "monitoring/perioddeadline_delete.html", context, status=status)


# Late-entry permissions -----------------------------------------------------------------------


class LateEntryExceptionAddView(PeriodChildView):
    """อนุญาตให้รายงานล่าช้า: a unit may write after the lock date until a date (with a reason)."""

    row_model = LateEntryException

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        return self.render_page(period, LateEntryGrantForm(user=request.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        form = LateEntryGrantForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.late_entry_grant(
                    actor=request.user,  # type: ignore[arg-type]
                    period=period,
                    unit=data["unit"],
                    until=data["until"],
                    reason=data["reason"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("อนุญาตให้ “%(unit)s” รายงานล่าช้าแล้ว") % {"unit": data["unit"].name},
                )
                return redirect(period_anchor(period, "late-entries"))
        return self.render_page(period, form, status=400)

    def render_page(
        self, period: ReportingPeriod, form: LateEntryGrantForm, status: int = 200
    ) -> HttpResponse:
        context = {"period": period, "form": form}
        return render(
            self.request, "monitoring/lateentryexception_form.html", context, status=status
        )


class LateEntryExceptionRevokeView(PolicyView):
    """End a late-entry permission now (kept, marked revoked; a reason is required)."""

    queryset = LateEntryException.objects.select_related("unit", "period__fiscal_year")
    public_read = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        exception = self.get_object(Action.CHANGE)
        form = LateEntryRevokeForm(initial={"version": exception.version})
        return self.render_page(exception, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        exception: LateEntryException = self.get_object(Action.CHANGE)
        form = LateEntryRevokeForm(request.POST)
        if form.is_valid():
            try:
                services.late_entry_revoke(
                    actor=request.user,  # type: ignore[arg-type]
                    exception=exception,
                    expected_version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("ยกเลิกการอนุญาตให้ “%(unit)s” รายงานล่าช้าแล้ว") % {"unit": exception.unit.name},
                )
                return redirect(period_anchor(exception.period, "late-entries"))
        return self.render_page(exception, form, status=400)

    def render_page(
        self, exception: LateEntryException, form: LateEntryRevokeForm, status: int = 200
    ) -> HttpResponse:
        context = {"object": exception, "period": exception.period, "form": form}
        return render(
            self.request, "monitoring/lateentryexception_revoke.html", context, status=status
        )


urlpatterns = [
    path("periods/", ReportingPeriodListView.as_view(), name="reportingperiod_list"),
    path("periods/<int:pk>/", ReportingPeriodDetailView.as_view(), name="reportingperiod"),
    path("periods/<int:pk>/edit/", ReportingPeriodEditView.as_view(), name="reportingperiod_edit"),
    path(
        "periods/<int:pk>/history/",
        ReportingPeriodHistoryView.as_view(),
        name="reportingperiod_history",
    ),
    path(
        "periods/<int:period_pk>/deadlines/add/",
        PeriodDeadlineAddView.as_view(),
        name="perioddeadline_add",
    ),
    path(
        "deadlines/<int:pk>/delete/",
        PeriodDeadlineDeleteView.as_view(),
        name="perioddeadline_delete",
    ),
    path(
        "periods/<int:period_pk>/late-entries/add/",
        LateEntryExceptionAddView.as_view(),
        name="lateentryexception_add",
    ),
    path(
        "late-entries/<int:pk>/revoke/",
        LateEntryExceptionRevokeView.as_view(),
        name="lateentryexception_revoke",
    ),
]
