"""Forms of the organisation tree and memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action, Role, has_any_role
from phaen.core.forms import ScopedModelForm
from phaen.core.models import User
from phaen.orgs.models import CODE_TAKEN_MESSAGE, Membership, OrgUnit
from phaen.orgs.selectors import code_in_use, units_for
from phaen.thai.forms import EMPTY_CHOICE

#: Up to this many units a select box lists them all; beyond, it lists search results.
FULL_LIST_LIMIT = 300


def unit_option_label(unit: OrgUnit) -> str:
    return f"{unit.name} ({unit.code})" if unit.code else unit.name


class UnitSelect(forms.Select):
    """A select of units with a search box; large scopes load matching units through htmx."""

    def __init__(self, *, for_model: str, action: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.for_model = for_model
        self.action = action

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None and queryset.count() > FULL_LIST_LIMIT:
            chosen = queryset.filter(pk=value) if value else queryset.none()
            self.choices = [("", EMPTY_CHOICE), *((u.pk, unit_option_label(u)) for u in chosen)]
        select = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id", f"id_{name}")
        url = reverse("orgs:unit_options")
        return format_html(
            '<div class="unit-select"><input type="search" class="unit-search" name="q" '
            'aria-label="{label}" placeholder="{placeholder}" autocomplete="off" '
            'hx-get="{url}?for={model}&amp;action={action}" '
            'hx-trigger="input changed delay:300ms, search" hx-target="#{target}" '
            'hx-include="this">{select}</div>',
            label=_("ค้นหาหน่วยงาน"),
            placeholder=_("พิมพ์ชื่อหรือรหัสเพื่อค้นหา"),
            url=url,
            model=self.for_model,
            action=self.action,
            target=field_id,
            select=select,
        )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit where the user may ``action`` rows of ``for_model`` (set per user by the form)."""

    def __init__(self, *, for_model: type[Model], action: str, **kwargs: Any) -> None:
        label = f"{for_model._meta.app_label}.{for_model._meta.model_name}"
        kwargs.setdefault("widget", UnitSelect(for_model=label, action=action))
        super().__init__(queryset=OrgUnit.objects.none(), **kwargs)
        self.for_model = for_model
        self.action = action

    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_option_label(obj)

    def limit_to_user(self, user: Any) -> None:
        self.queryset = units_for(user, self.for_model, self.action).order_by("path")


class OrgUnitForm(ScopedModelForm):
    parent = UnitChoiceField(for_model=OrgUnit, action=Action.ADD, label=_("หน่วยงานต้นสังกัด"))

    class Meta(ScopedModelForm.Meta):
        model = OrgUnit
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "affiliation",
            "parent",
            "province",
            "address",
            "phone",
            "email",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving is its own page: it moves the whole subtree and needs a reason.
            del self.fields["parent"]
        else:
            self.fields["parent"].required = not self.actor.is_superuser

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code", "")).strip()
        if code_in_use(code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(CODE_TAKEN_MESSAGE)
        return code


class OrgUnitMoveForm(forms.Form):
    parent = UnitChoiceField(for_model=OrgUnit, action=Action.ADD, label=_("ย้ายไปอยู่ใต้หน่วยงาน"))
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("เหตุผลของการย้าย"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args: Any, user: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: UnitChoiceField = self.fields["parent"]  # type: ignore[assignment]
        field.limit_to_user(user)
        field.queryset = field.queryset.exclude(path__startswith=unit.path)  # type: ignore[union-attr]
        self.fields["version"].initial = unit.version


class OrgUnitActiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class UserByUsernameField(forms.CharField):
    """Pick an existing account by its exact user name (no list of every user is shown)."""

    def clean(self, value: Any) -> User:
        username = super().clean(value).strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("ไม่พบผู้ใช้ชื่อ “%(username)s” (ถ้ายังไม่มีบัญชี ให้ใช้ “เชิญผู้ใช้ใหม่”)"),
                params={"username": username},
            )
        return user


def role_choices_for(user: Any) -> list[tuple[str, str]]:
    """Only admins may hand out the admin role."""
    choices = [(str(value), str(label)) for value, label in Role.choices]
    if user.is_superuser or has_any_role(user, {Role.ADMIN}):
        return choices
    return [choice for choice in choices if choice[0] != Role.ADMIN]


class MembershipForm(ScopedModelForm):
    user = UserByUsernameField(label=_("ชื่อผู้ใช้ (username)"), max_length=150)
    unit = UnitChoiceField(for_model=Membership, action=Action.ADD, label=_("หน่วยงาน"))

    class Meta(ScopedModelForm.Meta):
        model = Membership
        fields = ["user", "unit", "role", "is_active", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(self.actor)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["user"] = self.instance.user.username


class UserInviteForm(forms.Form):
    username = forms.RegexField(
        label=_("ชื่อผู้ใช้ (username)"),
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={"invalid": _("ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . @ + - _")},
    )
    full_name = forms.CharField(label=_("ชื่อ-นามสกุล"), max_length=200)
    email = forms.EmailField(label=_("อีเมล (สำหรับส่งลิงก์ตั้งรหัสผ่าน)"))
    position = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=50, required=False)
    unit = UnitChoiceField(for_model=Membership, action=Action.ADD, label=_("หน่วยงาน"))
    role = forms.ChoiceField(label=_("บทบาท"), choices=Role.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.limit_to_user(user)
        self.fields["role"].choices = role_choices_for(user)  # type: ignore[attr-defined]
