"""Pages of the organisation tree and of memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action, can, has_any_role
from phaen.core.exceptions import DomainError
from phaen.core.exports import csv_response
from phaen.core.imports import ImportPlan, ImportUploadForm
from phaen.core.models import User
from phaen.core.tables import Column, Table
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
from phaen.core.views.imports import import_flow
from phaen.orgs.filters import MembershipFilterSet, OrgUnitFilterSet
from phaen.orgs.forms import (
    MembershipForm,
    OrgUnitActiveForm,
    OrgUnitForm,
    OrgUnitMoveForm,
    UserInviteForm,
    unit_option_label,
)
from phaen.orgs.imports import TEMPLATE_HEADERS, ImportRow, apply_import, plan_upload
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.selectors import ancestors, tree_children, units_for, user_memberships
from phaen.orgs.services import (
    Invitation,
    membership_create,
    membership_update,
    orgunit_create,
    orgunit_move,
    orgunit_set_active,
    orgunit_update,
    user_invite,
)

# Org units ----------------------------------------------------------------------------------


class OrgUnitTable(Table):
    columns = [
        Column("name", gettext_lazy("ชื่อหน่วยงาน"), order_by="name", link=True),
        Column("code", gettext_lazy("รหัส"), order_by="code"),
        Column("kind", gettext_lazy("ประเภท"), accessor="get_kind_display", order_by="kind"),
        Column(
            "affiliation",
            gettext_lazy("สังกัด"),
            accessor="get_affiliation_display",
            order_by="affiliation",
        ),
        Column("parent", gettext_lazy("ต้นสังกัด"), accessor="parent.name", order_by="parent__name"),
        Column("is_active", gettext_lazy("ใช้งานอยู่"), order_by="is_active"),
    ]
    default_order = ("path",)


class OrgUnitListView(ObjectListView):
    queryset = OrgUnit.objects.select_related("parent")
    filterset = OrgUnitFilterSet
    table = OrgUnitTable
    export_stem = "org-units"
    template_name = "orgs/orgunit_list.html"


class OrgUnitTreeView(PolicyView):
    """The tree as the user sees it: their top units, each opened level by level (htmx)."""

    queryset = OrgUnit.objects.all()

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        parent = None
        if pk is not None:
            parent = get_object_or_404(self.restricted(Action.VIEW), pk=pk)
        children = list(tree_children(request.user, parent))
        context = {"parent": parent, "units": children, "can_add": self.can_add()}
        if parent is not None:
            return render(request, "orgs/includes/tree_level.html", context)
        return render(request, "orgs/tree.html", context)


class OrgUnitDetailView(ObjectDetailView):
    queryset = OrgUnit.objects.select_related("parent", "created_by", "updated_by")
    template_name = "orgs/orgunit_detail.html"

    def extra_context(self, obj: OrgUnit) -> dict[str, Any]:
        user = self.request.user
        visible_ancestors = set(
            OrgUnit.objects.restrict(user, Action.VIEW)
            .filter(pk__in=obj.ancestor_ids())
            .values_list("pk", flat=True)
        )
        children = tree_children(user, obj)
        memberships = (
            Membership.objects.restrict(user, Action.VIEW)
            .filter(unit=obj)
            .select_related("user")
            .order_by("role", "user__username")
        )
        return {
            "ancestors": [(unit, unit.pk in visible_ancestors) for unit in ancestors(obj)],
            "children": paginate(self.request, children),
            "memberships": memberships,
            "can_add_child": obj.is_active and can(user, Action.ADD, obj),
            "can_view_memberships": has_any_role(
                user, Membership.access_rules.roles_for(Action.VIEW)
            ),
            "can_add_membership": units_for(user, Membership, Action.ADD)
            .filter(pk=obj.pk)
            .exists(),
        }


class OrgUnitEditView(ObjectEditView):
    queryset = OrgUnit.objects.all()
    form = OrgUnitForm
    template_name = "orgs/orgunit_edit.html"
    create_service = staticmethod(orgunit_create)
    update_service = staticmethod(orgunit_update)


class OrgUnitDeleteView(ObjectDeleteView):
    queryset = OrgUnit.objects.all()
    success_url_name = "orgs:orgunit_list"
    template_name = "orgs/orgunit_delete.html"


class OrgUnitHistoryView(ObjectHistoryView):
    queryset = OrgUnit.objects.all()


class OrgUnitMoveView(PolicyView):
    queryset = OrgUnit.objects.select_related("parent")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(Action.CHANGE)
        form = OrgUnitMoveForm(user=request.user, unit=unit)
        return self.render_form(unit, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(Action.CHANGE)
        form = OrgUnitMoveForm(request.POST, user=request.user, unit=unit)
        if form.is_valid():
            try:
                orgunit_move(
                    actor=request.user,  # type: ignore[arg-type]
                    unit=unit,
                    new_parent=form.cleaned_data["parent"],
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("ย้าย “%(unit)s” ไปอยู่ใต้ “%(parent)s” แล้ว")
                    % {"unit": unit, "parent": form.cleaned_data["parent"]},
                )
                return redirect(unit)
        return self.render_form(unit, form, status=400)

    def render_form(self, unit: OrgUnit, form: forms.Form, status: int = 200) -> HttpResponse:
        context = {**self.model_context(), "object": unit, "form": form}
        return render(self.request, "orgs/orgunit_move.html", context, status=status)


class OrgUnitActiveView(PolicyView):
    """Deactivate a unit with its subtree, or reactivate it (never delete units that own data)."""

    queryset = OrgUnit.objects.select_related("parent")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(Action.CHANGE)
        form = OrgUnitActiveForm(initial={"version": unit.version})
        return self.render_form(unit, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(Action.CHANGE)
        form = OrgUnitActiveForm(request.POST)
        if form.is_valid():
            activate = not unit.is_active
            try:
                count = orgunit_set_active(
                    actor=request.user,  # type: ignore[arg-type]
                    unit=unit,
                    active=activate,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if activate:
                    messages.success(request, _("เปิดใช้งาน “%s” แล้ว") % unit)
                else:
                    messages.success(
                        request,
                        _("ปิดการใช้งาน “%(unit)s” และหน่วยงานภายใต้ รวม %(count)s หน่วยงานแล้ว")
                        % {"unit": unit, "count": count},
                    )
                return redirect(unit)
        return self.render_form(unit, form, status=400)

    def render_form(self, unit: OrgUnit, form: forms.Form, status: int = 200) -> HttpResponse:
        subtree_count = OrgUnit.objects.filter(path__startswith=unit.path, is_active=True).count()
        context = {
            **self.model_context(),
            "object": unit,
            "form": form,
            "subtree_count": subtree_count,
        }
        return render(self.request, "orgs/orgunit_active.html", context, status=status)


IMPORT_SALT = "phaen.orgs.import"


def _upload_form(*args: Any, **kwargs: Any) -> ImportUploadForm:
    return ImportUploadForm(
        *args,
        extensions=(".csv",),
        type_message=_("รองรับเฉพาะไฟล์ .csv (บันทึกจาก Excel เป็น CSV UTF-8)"),
        label=_("ไฟล์ CSV"),
        **kwargs,
    )


@login_required
def orgunit_import(request: HttpRequest) -> HttpResponse:
    """Upload → check every row → show errors or a summary → confirm → apply all or nothing."""
    if not has_any_role(request.user, OrgUnit.access_rules.roles_for(Action.ADD)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์นำเข้าหน่วยงาน"))
    actor: User = request.user  # type: ignore[assignment]

    def check(name: str, data: bytes) -> ImportPlan[ImportRow]:
        return plan_upload(name, data, actor=actor)

    def apply(plan: ImportPlan[ImportRow], reason: str) -> str:
        added, updated = apply_import(plan, actor=actor, reason=reason)
        return _("นำเข้าแล้ว: เพิ่ม %(added)s หน่วยงาน แก้ไข %(updated)s หน่วยงาน") % {
            "added": added,
            "updated": updated,
        }

    return import_flow(
        request,
        salt=IMPORT_SALT,
        form_class=_upload_form,
        check=check,
        apply=apply,
        template_name="orgs/orgunit_import.html",
        done_url=reverse("orgs:orgunit_list"),
    )


@login_required
def orgunit_import_template(request: HttpRequest) -> HttpResponse:
    example = [
        [
            "1080210001",
            "โรงเรียนตัวอย่าง",
            "รร.ตัวอย่าง",
            "โรงเรียน",
            "สพฐ.",
            "80010000",
            "นครศรีธรรมราช",
            "",
            "",
            "",
        ]
    ]
    return csv_response("org-units-template", TEMPLATE_HEADERS, example)  # type: ignore[return-value]


@login_required
def unit_options(request: HttpRequest) -> HttpResponse:
    """Options of a unit picker: units where the user may ``action`` rows of ``for``."""
    try:
        model = apps.get_model(request.GET.get("for", ""))
    except (LookupError, ValueError):
        raise Http404 from None
    if not hasattr(model, "access_rules"):
        raise Http404
    action = request.GET.get("action", Action.VIEW)
    query = request.GET.get("q", "").strip()
    units = units_for(request.user, model, action)
    if query:
        units = units.filter(
            Q(name__icontains=query) | Q(code__startswith=query) | Q(short_name__icontains=query)
        )
    options = [(unit.pk, unit_option_label(unit)) for unit in units.order_by("path")[:50]]
    return render(request, "orgs/includes/unit_options.html", {"options": options, "query": query})


def my_units_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Home panel: the user's memberships."""
    if not request.user.is_authenticated:
        return None
    return {"memberships": list(user_memberships(request.user))}


# Memberships --------------------------------------------------------------------------------


class MembershipTable(Table):
    columns = [
        Column("user", gettext_lazy("ผู้ใช้"), accessor="user", order_by="user__username", link=True),
        Column(
            "username", gettext_lazy("ชื่อผู้ใช้"), accessor="user.username", order_by="user__username"
        ),
        Column("unit", gettext_lazy("หน่วยงาน"), accessor="unit.name", order_by="unit__name"),
        Column("role", gettext_lazy("บทบาท"), accessor="get_role_display", order_by="role"),
        Column("is_active", gettext_lazy("ใช้งานอยู่"), order_by="is_active"),
    ]
    default_order = ("unit__path", "user__username", "role")


class MembershipListView(ObjectListView):
    queryset = Membership.objects.select_related("user", "unit")
    filterset = MembershipFilterSet
    table = MembershipTable
    export_stem = "memberships"
    template_name = "orgs/membership_list.html"


class MembershipDetailView(ObjectDetailView):
    queryset = Membership.objects.select_related("user", "unit")
    template_name = "orgs/membership_detail.html"


class MembershipEditView(ObjectEditView):
    queryset = Membership.objects.select_related("user", "unit")
    form = MembershipForm
    create_service = staticmethod(membership_create)
    update_service = staticmethod(membership_update)


class MembershipDeleteView(ObjectDeleteView):
    queryset = Membership.objects.select_related("user", "unit")
    success_url_name = "orgs:membership_list"


class MembershipHistoryView(ObjectHistoryView):
    queryset = Membership.objects.all()


@login_required
def user_invite_view(request: HttpRequest) -> HttpResponse:
    """Create an account with its first membership; the person sets a password from the e-mail."""
    if not has_any_role(request.user, Membership.access_rules.roles_for(Action.ADD)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มผู้ใช้"))
    form = UserInviteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_invite(
                actor=request.user,  # type: ignore[arg-type]
                invitation=Invitation(
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    position=data["position"],
                    phone=data["phone"],
                    unit=data["unit"],
                    role=data["role"],
                ),
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("สร้างบัญชี “%(user)s” แล้ว และส่งลิงก์ตั้งรหัสผ่านไปที่ %(email)s")
                % {"user": user, "email": user.email},
            )
            return redirect("orgs:membership_list")
    status = 400 if form.errors else 200
    return render(request, "orgs/user_invite.html", {"form": form}, status=status)
