"""Generic views: list, detail, history, edit and delete as declarations.

An app's view names its ``queryset`` (the base, with the joins its page needs), ``filterset``,
``table``, ``form`` and templates; the behaviour (access policy, pagination, sorting, export,
htmx partials, version checks, audit via services) lives here once. Every lookup goes through
``restrict(user, action)``: out of scope is 404, in scope without the right is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django_filters import FilterSet

from phaen.core.access import AccessRules, Action, can, has_any_role
from phaen.core.audit import field_changes, history_for
from phaen.core.exceptions import DomainError, StaleEditError
from phaen.core.exports import EXPORT_FORMATS, table_export
from phaen.core.forms import ReasonForm, ScopedModelForm
from phaen.core.models import BaseModel
from phaen.core.services import object_create, object_delete, object_update
from phaen.core.tables import Table


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page[Any]:
    paginator = Paginator(items, per_page or settings.PHAEN_LIST_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without some parameters (for pagination and sort links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def apply_domain_error(form: Any, error: DomainError) -> None:
    """Show a refused change on the form; the user's input stays in it."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    message = error.message
    if isinstance(error, StaleEditError):
        message += " " + _("ข้อมูลที่คุณกรอกยังอยู่ในแบบฟอร์มด้านล่าง")
    form.add_error(field, message)


class PolicyView(View):
    """Base of every object view: knows its model's access rules and the login rule."""

    queryset: ClassVar[models.QuerySet[Any]]
    #: Whether anonymous visitors may open the page for the model's public rows. Pages that
    #: change data (add, edit, delete, workflow steps) set False: visitors are asked to log in.
    public_read: ClassVar[bool] = True

    @property
    def model(self) -> type[models.Model]:
        return self.queryset.model

    @property
    def rules(self) -> AccessRules:
        rules: AccessRules = self.model.access_rules  # type: ignore[attr-defined]
        return rules

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Anonymous visitors may only see what a model makes public.
        if not request.user.is_authenticated and (
            self.rules.public is None
            or not self.public_read
            or request.method not in ("GET", "HEAD")
        ):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def restricted(self, action: str = Action.VIEW) -> models.QuerySet[Any]:
        return self.queryset.restrict(self.request.user, action)  # type: ignore[attr-defined]

    def get_object(self, action: str = Action.VIEW) -> Any:
        """The object of the URL: 404 when out of the user's view scope, 403 without the right."""
        obj = get_object_or_404(self.restricted(Action.VIEW), pk=self.kwargs["pk"])
        if action != Action.VIEW and not can(self.request.user, action, obj):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้"))
        return obj

    def can_add(self) -> bool:
        return has_any_role(self.request.user, self.rules.any_roles_for(Action.ADD))

    def model_context(self) -> dict[str, Any]:
        meta = self.model._meta
        return {
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "url_prefix": f"{meta.app_label}:{meta.model_name}",
        }


class ObjectListView(PolicyView):
    """Filter, sort, paginate and export a restricted queryset."""

    filterset: ClassVar[type[FilterSet] | None] = None
    table: ClassVar[type[Table]]
    template_name: ClassVar[str] = "core/object_list.html"
    partial_template_name: ClassVar[str] = "core/includes/object_table.html"
    export_stem: ClassVar[str] = "export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = self.restricted(Action.VIEW)
        filterset = None
        if self.filterset is not None:
            filterset = self.filterset(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        table = self.table(queryset, request)
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return table_export(
                export, self.export_stem, table.export_headers(), table.export_rows()
            )
        page = paginate(request, table.queryset)
        context = {
            **self.model_context(),
            **self.extra_context(),
            "filterset": filterset,
            "table": table,
            "page": page,
            "rows": table.rows(page),
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "can_add": self.can_add(),
            "add_url": self.add_url(),
        }
        template = self.partial_template_name if request.htmx else self.template_name  # type: ignore[attr-defined]
        return render(request, template, context)

    def add_url(self) -> str | None:
        meta = self.model._meta
        try:
            return reverse(f"{meta.app_label}:{meta.model_name}_add")
        except NoReverseMatch:  # a model without an add page simply has no button
            return None

    def extra_context(self) -> dict[str, Any]:
        return {}


class ObjectDetailView(PolicyView):
    template_name: ClassVar[str]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        context = {
            **self.model_context(),
            "object": obj,
            "can_change": can(request.user, Action.CHANGE, obj),
            "can_delete": can(request.user, Action.DELETE, obj),
            "recent_history": history_for(obj)[:5],
            **self.extra_context(obj),
        }
        return render(request, self.template_name, context)

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {}


class ObjectHistoryView(PolicyView):
    """The readable change history of one object (visible to whoever may view the object)."""

    template_name: ClassVar[str] = "core/object_history.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        page = paginate(request, history_for(obj))
        events = [(event, field_changes(event)) for event in page]
        context = {**self.model_context(), "object": obj, "page": page, "events": events}
        return render(request, self.template_name, context)


class ObjectEditView(PolicyView):
    """Create (no ``pk`` in the URL) or edit an object through its service."""

    public_read = False

    form: ClassVar[type[ScopedModelForm]]
    template_name: ClassVar[str] = "core/object_edit.html"
    create_service: ClassVar[Callable[..., Any]] = staticmethod(object_create)
    update_service: ClassVar[Callable[..., Any]] = staticmethod(object_update)

    def get_instance(self) -> Any:
        if "pk" in self.kwargs:
            return self.get_object(Action.CHANGE)
        if not self.can_add():
            raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มรายการประเภทนี้"))
        return self.model()

    def get_initial(self) -> dict[str, Any]:
        return {
            key: value for key, value in self.request.GET.items() if key in self.form.base_fields
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        form = self.form(instance=instance, initial=self.get_initial(), user=request.user)
        return self.render_form(form, instance)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        creating = instance.pk is None
        form = self.form(request.POST, request.FILES, instance=instance, user=request.user)
        if form.is_valid():
            try:
                obj = self.save(form, creating=creating)
            except DomainError as error:
                apply_domain_error(form, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if creating:
                    messages.success(request, _("เพิ่ม “%(object)s” แล้ว") % {"object": obj})
                else:
                    messages.success(request, _("บันทึกการแก้ไข “%(object)s” แล้ว") % {"object": obj})
                return redirect(self.success_url(obj))
        return self.render_form(form, instance, status=400 if form.errors else 200)

    @transaction.atomic
    def save(self, form: ScopedModelForm, *, creating: bool) -> BaseModel:
        """Call the service that owns the change (``create_service`` / ``update_service``)."""
        instance = form.save(commit=False)
        reason = form.cleaned_data.get("reason", "")
        obj: BaseModel
        if creating:
            obj = self.create_service(actor=self.request.user, instance=instance, reason=reason)
        else:
            obj = self.update_service(
                actor=self.request.user,
                instance=instance,
                expected_version=form.expected_version,
                reason=reason,
            )
        form.save_m2m()
        return obj

    def success_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def render_form(self, form: ScopedModelForm, instance: Any, status: int = 200) -> HttpResponse:
        context = {
            **self.model_context(),
            "form": form,
            "object": instance,
            **self.extra_context(instance),
        }
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self, instance: Any) -> dict[str, Any]:
        return {}


class ObjectDeleteView(PolicyView):
    """Confirm and delete; rows that own data are refused with the reason shown."""

    public_read = False

    template_name: ClassVar[str] = "core/object_delete.html"
    success_url_name: ClassVar[str]
    delete_service: ClassVar[Callable[..., Any]] = staticmethod(object_delete)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        form = ReasonForm(initial={"version": obj.version})
        return render(
            request, self.template_name, {**self.model_context(), "object": obj, "form": form}
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(Action.DELETE)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                self.delete_service(
                    actor=request.user,
                    instance=obj,
                    expected_version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ลบ “%(object)s” แล้ว") % {"object": obj})
                return redirect(self.success_url_name)
        context = {**self.model_context(), "object": obj, "form": form}
        return render(request, self.template_name, context, status=400)
