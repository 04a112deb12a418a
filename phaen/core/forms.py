"""Form bases: choices restricted by the access policy, Thai date/number fields, versioned edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from phaen.core.access import Action
from phaen.thai.forms import EMPTY_CHOICE, ThaiDateField, ThaiDecimalField, ThaiIntegerField

if TYPE_CHECKING:
    from phaen.core.access import AnyUser


def thai_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model fields get the Thai-aware form fields (BE dates, Thai digits, separators)."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("form_class", ThaiDateField)
    elif isinstance(field, models.DecimalField):
        kwargs.setdefault("form_class", ThaiDecimalField)
    elif isinstance(field, models.IntegerField) and not field.choices and not field.is_relation:
        kwargs.setdefault("form_class", ThaiIntegerField)
    return field.formfield(**kwargs)


def restrict_choice_fields(
    form: forms.BaseForm, user: AnyUser, actions: dict[str, str] | None = None
) -> None:
    """Limit every model choice field to the rows ``user`` may use (``view`` unless told)."""
    actions = actions or {}
    for name, field in form.fields.items():
        limit_to_user = getattr(field, "limit_to_user", None)
        if callable(limit_to_user):  # fields that know their own scope (e.g. unit pickers)
            limit_to_user(user)
        elif isinstance(field, forms.ModelChoiceField):
            if field.empty_label == "---------":
                field.empty_label = EMPTY_CHOICE
            queryset = field.queryset
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, actions.get(name, Action.VIEW))


class ScopedModelForm(forms.ModelForm):
    """A model form for a user: choice fields are restricted, edits carry version and reason.

    ``scope_actions`` names the action a choice must allow, e.g. ``{"parent": "add"}``: a new unit
    may only be placed under a unit where the user may add units.
    """

    scope_actions: ClassVar[dict[str, str]] = {}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("เหตุผลของการเปลี่ยนแปลง"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("บันทึกไว้ในประวัติการเปลี่ยนแปลง (ไม่บังคับ)"),
    )

    class Meta:
        # Subclasses write ``class Meta(ScopedModelForm.Meta)`` to keep the Thai form fields.
        formfield_callback = staticmethod(thai_formfield)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = user
        restrict_choice_fields(self, user, self.scope_actions)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    @property
    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None


class ReasonForm(forms.Form):
    """Confirmation forms (delete, deactivate) that record why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("เหตุผล"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


__all__ = [
    "ReasonForm",
    "ScopedModelForm",
    "ThaiDateField",
    "ThaiDecimalField",
    "ThaiIntegerField",
    "restrict_choice_fields",
    "thai_formfield",
]
