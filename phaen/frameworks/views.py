"""Pages of frameworks and their nodes, and the spreadsheet export and import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaen.core.access import Action, can
from phaen.core.exceptions import DomainError
from phaen.core.exports import XLSX_CONTENT_TYPE, csv_response, export_filename
from phaen.core.forms import ReasonForm
from phaen.core.imports import ImportUploadForm
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
)
from phaen.core.views.imports import import_flow
from phaen.frameworks.filters import FrameworkNodePageFilterSet, FrameworkPageFilterSet
from phaen.frameworks.forms import FrameworkForm, FrameworkNodeForm, NodeRetireForm
from phaen.frameworks.imports import (
    COLUMNS,
    NodeImportPlan,
    apply_node_import,
    export_headers,
    export_xlsx,
    node_rows,
    plan_node_import,
)
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.selectors import framework_tree, tree_order
from phaen.frameworks.services import (
    framework_create,
    framework_delete,
    framework_update,
    node_create,
    node_delete,
    node_restore,
    node_retire,
    node_update,
)

#: Deeper nodes are indented as much as this depth (the page stays readable on phones).
MAX_INDENT = 8


def indented(nodes: list[FrameworkNode], top: int = 0) -> list[tuple[FrameworkNode, int]]:
    """Nodes with their indentation level below depth ``top`` (for the ``depth-N`` classes)."""
    return [(node, min(max(node.depth - top, 0), MAX_INDENT)) for node in nodes]


# Frameworks ---------------------------------------------------------------------------------

#: Sort plan levels 1, 2, 3, then international frameworks without a level (e.g. SDGs).
LEVEL_RANK = Coalesce("level", 9)


def _owner_name(framework: Framework) -> str:
    return framework.owner.name if framework.owner else _("กรอบระดับชาติ")


class FrameworkTable(Table):
    columns = [
        Column("name", gettext_lazy("ชื่อกรอบ"), order_by="name", link=True),
        Column("kind", gettext_lazy("ประเภท"), accessor="get_kind_display", order_by="kind"),
        Column("level", gettext_lazy("ระดับ"), accessor="get_level_display", order_by="level_rank"),
        Column("years", gettext_lazy("ปี พ.ศ."), order_by="year_start"),
        Column("status", gettext_lazy("สถานะ"), accessor="get_status_display", order_by="status"),
        Column(
            "owner", gettext_lazy("หน่วยงานเจ้าของ"), accessor=_owner_name, order_by="owner__name"
        ),
        Column("node_count", gettext_lazy("จำนวนข้อ"), order_by="node_count", numeric=True),
    ]
    default_order = ("level_rank", "kind", "-year_start", "code")


class FrameworkListView(ObjectListView):
    queryset = Framework.objects.select_related("owner").annotate(
        node_count=Count("nodes"), level_rank=LEVEL_RANK
    )
    filterset = FrameworkPageFilterSet
    table = FrameworkTable
    export_stem = "frameworks"
    template_name = "frameworks/framework_list.html"


class FrameworkDetailView(ObjectDetailView):
    queryset = Framework.objects.select_related("owner", "updated_by")
    template_name = "frameworks/framework_detail.html"

    def extra_context(self, obj: Framework) -> dict[str, Any]:
        user = self.request.user
        nodes = framework_tree(obj)
        other_versions = (
            Framework.objects.restrict(user, Action.VIEW)
            .filter(family=obj.family)
            .exclude(pk=obj.pk)
            .order_by("-year_start", "code")
        )
        return {
            "nodes": nodes,
            "tree": indented(nodes),
            "retired_count": sum(1 for node in nodes if node.is_retired),
            "other_versions": other_versions,
            "can_edit_nodes": can(user, Action.CHANGE, obj),
            # Agencies read their province's framework without seeing the province's own page.
            "can_view_owner": obj.owner is not None and can(user, Action.VIEW, obj.owner),
        }


class FrameworkEditView(ObjectEditView):
    queryset = Framework.objects.select_related("owner")
    form = FrameworkForm
    create_service = staticmethod(framework_create)
    update_service = staticmethod(framework_update)


class FrameworkDeleteView(ObjectDeleteView):
    queryset = Framework.objects.annotate(node_count=Count("nodes"))
    success_url_name = "frameworks:framework_list"
    template_name = "frameworks/framework_delete.html"
    delete_service = staticmethod(framework_delete)


class FrameworkHistoryView(ObjectHistoryView):
    queryset = Framework.objects.all()


class FrameworkExportView(PolicyView):
    """A framework's nodes as Excel (with its details on a second sheet) or CSV."""

    queryset = Framework.objects.select_related("owner")

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        framework: Framework = self.get_object(Action.VIEW)
        stem = f"framework-{framework.code}"
        if request.GET.get("format") == "csv":
            return csv_response(stem, export_headers(), node_rows(framework))
        response = HttpResponse(export_xlsx(framework), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "xlsx")}"'
        return response


IMPORT_SALT = "phaen.frameworks.import"


def _upload_form(*args: Any, **kwargs: Any) -> ImportUploadForm:
    return ImportUploadForm(
        *args,
        extensions=(".xlsx", ".csv"),
        type_message=_("รองรับเฉพาะไฟล์ Excel (.xlsx) หรือ CSV (.csv)"),
        max_bytes=1024 * 1024,
        label=_("ไฟล์ Excel หรือ CSV"),
        **kwargs,
    )


class FrameworkImportView(PolicyView):
    """Upload a spreadsheet of nodes → check → confirm → create and update all or nothing."""

    queryset = Framework.objects.select_related("owner")
    public_read = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.flow(request)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.flow(request)

    def flow(self, request: HttpRequest) -> HttpResponse:
        framework: Framework = self.get_object(Action.CHANGE)
        actor: User = request.user  # type: ignore[assignment]

        def check(name: str, data: bytes) -> NodeImportPlan:
            return plan_node_import(framework, name, data, actor=actor)

        def apply(plan: NodeImportPlan, reason: str) -> str:
            added, updated = apply_node_import(plan, actor=actor, reason=reason)
            return _("นำเข้าแล้ว: เพิ่ม %(added)s ข้อ แก้ไข %(updated)s ข้อ") % {
                "added": added,
                "updated": updated,
            }

        return import_flow(
            request,
            salt=f"{IMPORT_SALT}.{framework.pk}",
            form_class=_upload_form,
            check=check,
            apply=apply,
            template_name="frameworks/framework_import.html",
            done_url=framework.get_absolute_url(),
            context={"object": framework, "columns": [label for _key, label in COLUMNS]},
        )


# Nodes --------------------------------------------------------------------------------------


def _framework_label(node: FrameworkNode) -> str:
    return node.framework.short_name or node.framework.name


class FrameworkNodeTable(Table):
    columns = [
        Column("code", gettext_lazy("รหัส"), order_by="code"),
        Column("title", gettext_lazy("ชื่อ"), order_by="title", link=True),
        Column("level_name", gettext_lazy("ชั้นของข้อ"), order_by="level_name"),
        Column(
            "framework", gettext_lazy("กรอบ"), accessor=_framework_label, order_by="framework__name"
        ),
        Column("is_retired", gettext_lazy("ยกเลิกแล้ว"), order_by="is_retired"),
    ]
    # The frameworks of the user's offices first, then the national ones.
    default_order = ("national", "level_rank", "framework__kind", "-framework__year_start", "path")


class FrameworkNodeListView(ObjectListView):
    queryset = FrameworkNode.objects.select_related("framework").annotate(
        level_rank=Coalesce("framework__level", 9),
        national=ExpressionWrapper(Q(framework__owner__isnull=True), BooleanField()),
    )
    filterset = FrameworkNodePageFilterSet
    table = FrameworkNodeTable
    export_stem = "framework-nodes"
    template_name = "frameworks/frameworknode_list.html"


class FrameworkNodeDetailView(ObjectDetailView):
    queryset = FrameworkNode.objects.select_related("framework__owner", "parent", "updated_by")
    template_name = "frameworks/frameworknode_detail.html"

    def extra_context(self, obj: FrameworkNode) -> dict[str, Any]:
        subtree = list(
            FrameworkNode.objects.filter(framework_id=obj.framework_id).filter(
                Q(pk__in=obj.ancestor_ids()) | Q(path__startswith=obj.path)
            )
        )
        ancestors = sorted(
            (node for node in subtree if node.pk in obj.ancestor_ids()), key=lambda n: n.depth
        )
        below = tree_order(node for node in subtree if node.path.startswith(obj.path))
        return {
            "framework": obj.framework,
            "ancestors": ancestors,
            "descendants": indented([node for node in below if node.pk != obj.pk], obj.depth + 1),
            "can_edit_nodes": can(self.request.user, Action.CHANGE, obj.framework),
        }


class FrameworkNodeEditView(ObjectEditView):
    queryset = FrameworkNode.objects.select_related("framework", "parent")
    form = FrameworkNodeForm
    template_name = "frameworks/frameworknode_edit.html"
    create_service = staticmethod(node_create)
    update_service = staticmethod(node_update)

    def success_url(self, obj: FrameworkNode) -> str:
        if "_addanother" in self.request.POST:
            query = f"?framework={obj.framework_id}"
            if obj.parent_id:
                query += f"&parent={obj.parent_id}"
            return reverse("frameworks:frameworknode_add") + query
        return f"{obj.framework.get_absolute_url()}#node-{obj.pk}"

    def extra_context(self, instance: FrameworkNode) -> dict[str, Any]:
        framework = None
        if instance.pk:
            framework = instance.framework
        else:
            framework_id = self.request.POST.get("framework") or self.request.GET.get("framework")
            if framework_id and str(framework_id).isdigit():
                framework = (
                    Framework.objects.restrict(self.request.user, Action.VIEW)
                    .filter(pk=framework_id)
                    .first()
                )
        return {"framework": framework}


class FrameworkNodeDeleteView(ObjectDeleteView):
    queryset = FrameworkNode.objects.select_related("framework")
    success_url_name = "frameworks:framework_list"
    template_name = "frameworks/frameworknode_delete.html"
    delete_service = staticmethod(node_delete)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        node: FrameworkNode = self.get_object(Action.DELETE)
        context = {
            **self.model_context(),
            "object": node,
            "form": ReasonForm(initial={"version": node.version}),
            "below_count": _below_count(node),
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        node: FrameworkNode = self.get_object(Action.DELETE)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                node_delete(
                    actor=request.user,  # type: ignore[arg-type]
                    instance=node,
                    expected_version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("ลบ “%(object)s” แล้ว") % {"object": node})
                return redirect(node.framework)
        context = {
            **self.model_context(),
            "object": node,
            "form": form,
            "below_count": _below_count(node),
        }
        return render(request, self.template_name, context, status=400)


def _below_count(node: FrameworkNode) -> int:
    return (
        FrameworkNode.objects.filter(framework_id=node.framework_id, path__startswith=node.path)
        .exclude(pk=node.pk)
        .count()
    )


class FrameworkNodeHistoryView(ObjectHistoryView):
    queryset = FrameworkNode.objects.all()


class FrameworkNodeRetireView(PolicyView):
    """Retire a node with the nodes under it, or bring one retired node back (with a reason)."""

    queryset = FrameworkNode.objects.select_related("framework", "parent")
    public_read = False
    retire: bool = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        node = self.get_object(Action.CHANGE)
        return self.render_form(node, NodeRetireForm(initial={"version": node.version}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        node = self.get_object(Action.CHANGE)
        form = NodeRetireForm(request.POST)
        if form.is_valid():
            actor: User = request.user  # type: ignore[assignment]
            data = form.cleaned_data
            try:
                if self.retire:
                    count = node_retire(
                        actor=actor,
                        node=node,
                        expected_version=data["version"],
                        reason=data["reason"],
                    )
                    messages.success(
                        request,
                        _("ยกเลิก “%(node)s” แล้ว (รวมข้อย่อย ทั้งหมด %(count)s ข้อ)")
                        % {"node": node, "count": count},
                    )
                else:
                    node_restore(
                        actor=actor,
                        node=node,
                        expected_version=data["version"],
                        reason=data["reason"],
                    )
                    messages.success(request, _("นำ “%s” กลับมาใช้แล้ว") % node)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect(node)
        return self.render_form(node, form, status=400)

    def render_form(self, node: FrameworkNode, form: forms.Form, status: int = 200) -> HttpResponse:
        context = {
            **self.model_context(),
            "object": node,
            "form": form,
            "retire": self.retire,
            "below_count": _below_count(node),
        }
        return render(self.request, "frameworks/frameworknode_retire.html", context, status=status)
