"""Forms of frameworks and their nodes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action
from phaen.core.forms import ScopedModelForm
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.selectors import tree_order
from phaen.frameworks.services import NATIONAL_KINDS
from phaen.orgs.forms import UnitChoiceField
from phaen.thai.forms import ThaiIntegerField


class YearField(ThaiIntegerField):
    """A Buddhist-era year, typed as 2561 or ๒๕๖๑ (no thousands separator when shown)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4", "size": "6"})
        )
        kwargs.setdefault("min_value", 2400)
        kwargs.setdefault("max_value", 2700)
        super().__init__(**kwargs)


class FrameworkForm(ScopedModelForm):
    owner = UnitChoiceField(
        for_model=Framework,
        action=Action.ADD,
        label=_("หน่วยงานเจ้าของกรอบ"),
        required=False,
        help_text=_("หน่วยงานที่จัดทำกรอบนี้ หน่วยงานภายใต้หน่วยงานนี้จะเห็นและใช้เชื่อมโยงแผนได้"),
    )
    year_start = YearField(label=_("ปีเริ่มต้น (พ.ศ.)"))
    year_end = YearField(label=_("ปีสิ้นสุด (พ.ศ.)"))

    class Meta(ScopedModelForm.Meta):
        model = Framework
        fields = [
            "name",
            "short_name",
            "kind",
            "level",
            "year_start",
            "year_end",
            "status",
            "owner",
            "source_document",
            "description",
            "code",
            "family",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.actor.is_superuser:
            # National frameworks ship with phaen; offices enter their own kinds.
            self.fields["owner"].required = True
            kind: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
            kind.choices = [("", BLANK_CHOICE_LABEL)] + [
                (value, label)
                for value, label in Framework.Kind.choices
                if value not in NATIONAL_KINDS
            ]
        else:
            self.fields["owner"].help_text = _("ว่างไว้สำหรับกรอบระดับชาติที่ทุกหน่วยงานใช้")


class NodeChoiceField(forms.ModelChoiceField):
    """A node, listed in reading order and indented by depth."""

    def label_from_instance(self, obj: FrameworkNode) -> str:
        title = obj.title if len(obj.title) <= 90 else obj.title[:89] + "…"
        return f"{'— ' * obj.depth}{obj.code} {title}"

    def set_nodes(self, nodes: QuerySet[FrameworkNode]) -> None:
        """Accept ``nodes`` and list them as a tree (one query when the form renders)."""
        self.queryset = nodes

        def choices() -> list[tuple[Any, Any]]:
            groups: dict[int, list[FrameworkNode]] = {}
            for node in nodes:
                groups.setdefault(node.framework_id, []).append(node)
            flat = [
                [(node.pk, self.label_from_instance(node)) for node in tree_order(group)]
                for group in groups.values()
            ]
            if len(groups) == 1:
                return [("", BLANK_CHOICE_LABEL), *flat[0]]
            # Nodes of several frameworks: one group per framework.
            names = [str(group[0].framework) for group in groups.values()]
            return [("", BLANK_CHOICE_LABEL), *zip(names, flat, strict=True)]

        self.choices = choices


class FrameworkNodeForm(ScopedModelForm):
    scope_actions = {"framework": Action.CHANGE}

    parent = NodeChoiceField(
        queryset=FrameworkNode.objects.all(),
        label=_("อยู่ภายใต้ข้อ"),
        required=False,
        help_text=_("ว่างไว้ถ้าเป็นข้อระดับบนสุดของกรอบ"),
    )
    order = ThaiIntegerField(
        label=_("ลำดับการแสดง"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "6"}),
        help_text=_("ว่างไว้เพื่อต่อท้ายข้ออื่นที่อยู่ภายใต้ข้อเดียวกัน"),
    )

    class Meta(ScopedModelForm.Meta):
        model = FrameworkNode
        fields = ["framework", "parent", "code", "title", "level_name", "description", "order"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent: NodeChoiceField = self.fields["parent"]  # type: ignore[assignment]
        usable = Q(is_retired=False)
        if self.instance.pk:
            # A node stays in its framework; it may move, but not under itself.
            del self.fields["framework"]
            node = self.instance
            in_framework = Q(framework_id=node.framework_id) & ~Q(path__startswith=node.path)
            usable |= Q(pk=node.parent_id)  # the current parent, even if retired since
        else:
            self.initial.pop("order", None)  # blank: after the last sibling
            frameworks = Framework.objects.restrict(self.actor, Action.CHANGE)
            framework_id = self._chosen_framework()
            if framework_id is not None:
                frameworks = frameworks.filter(pk=framework_id)
            in_framework = Q(framework__in=frameworks)
        parent.set_nodes(
            FrameworkNode.objects.restrict(self.actor, Action.VIEW)
            .filter(in_framework & usable)
            .select_related("framework")
            .order_by("framework__name", "framework_id", "path")
        )

    def _chosen_framework(self) -> int | None:
        value = self.data.get("framework") if self.is_bound else self.initial.get("framework")
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_order(self) -> int:
        return int(self.cleaned_data.get("order") or 0)


class NodeRetireForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("เหตุผล"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("เช่น ยกเลิกตามประกาศฉบับปรับปรุง พ.ศ. 2563 (บันทึกไว้ในประวัติการเปลี่ยนแปลง)"),
    )
