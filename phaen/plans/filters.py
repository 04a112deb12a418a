"""FilterSets of fiscal years, action plans and projects (list pages, their exports, the API).

The list pages open on the fiscal year chosen in the header: when a page is opened without any
filter, its FilterSet starts from that year (and, for projects, from each plan's current
version). The API passes its query parameters as they are, so it never gets those defaults.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from phaen.core.access import Action
from phaen.core.filters import SearchFilter
from phaen.core.fiscal import selected_fiscal_year
from phaen.core.trees import path_ids
from phaen.orgs.models import OrgUnit
from phaen.plans.models import ActionPlan, FiscalYear, PlanVersion, Project, StrategicIssue

#: The version people work from comes first: settled (approved or published) before drafts,
#: then the newest. Same rule as ``selectors.current_version``, in SQL.
CURRENT_FIRST = (
    Case(When(status=PlanVersion.Status.DRAFT, then=Value(0)), default=Value(1)).desc(),
    F("number").desc(),
    F("pk").desc(),
)


def current_version_id(plan_ref: str = "pk", *, user: Any = None) -> Subquery:
    """A subquery of the current version's id of the plan at ``plan_ref`` (an OuterRef name).

    With ``user``, the current one among the versions that user may view (someone who sees
    only what is published gets the newest published version, not a newer approved one).
    """
    versions = PlanVersion.objects.all() if user is None else PlanVersion.objects.restrict(user)
    return Subquery(
        versions.filter(plan=OuterRef(plan_ref)).order_by(*CURRENT_FIRST).values("pk")[:1]
    )


def current_versions(*, user: Any = None) -> QuerySet[PlanVersion]:
    """Every plan's current version (for ``user``: see ``current_version_id``), as a subquery."""
    return PlanVersion.objects.annotate(current_id=current_version_id("plan", user=user)).filter(
        pk=F("current_id")
    )


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def fiscal_years(request: HttpRequest | None) -> QuerySet[FiscalYear]:
    return FiscalYear.objects.restrict(_user(request), Action.VIEW).order_by("-year")


def with_visible_ancestors(
    request: HttpRequest | None, units: QuerySet[OrgUnit]
) -> QuerySet[OrgUnit]:
    """``units`` and the units above them that the user may see (the filters take subtrees)."""
    paths = units.values_list("path", flat=True)
    ids = {pk for path in paths for pk in path_ids(path)}
    return OrgUnit.objects.restrict(_user(request), Action.VIEW).filter(pk__in=ids).order_by("path")


def plan_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units that own a plan the user may see, and the units above them."""
    plans = ActionPlan.objects.restrict(_user(request), Action.VIEW)
    return with_visible_ancestors(request, OrgUnit.objects.filter(pk__in=plans.values("unit_id")))


def lead_units(request: HttpRequest | None) -> QuerySet[OrgUnit]:
    """Units that lead a project the user may see, and the units above them."""
    projects = Project.objects.restrict(_user(request), Action.VIEW)
    leads = OrgUnit.objects.filter(pk__in=projects.values("lead_unit_id"))
    return with_visible_ancestors(request, leads)


def visible_plans(request: HttpRequest | None) -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.restrict(_user(request), Action.VIEW)
        .select_related("unit", "fiscal_year")
        .order_by("-fiscal_year__year", "unit__path")
    )


class PlanField(ModelChoiceField):
    def label_from_instance(self, obj: ActionPlan) -> str:
        return f"{obj.title} ({obj.unit} · {obj.fiscal_year.year})"


class PlanFilter(django_filters.ModelChoiceFilter):
    """A plan, labelled with its unit and fiscal year."""

    field_class = PlanField


class IssueField(ModelChoiceField):
    def label_from_instance(self, obj: StrategicIssue) -> str:
        return f"{obj.plan_version.plan.unit} – {obj}"


class IssueFilter(django_filters.ModelChoiceFilter):
    """A strategic issue, labelled with its plan's unit."""

    field_class = IssueField


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """A unit and every unit below it (one indexed prefix filter on ``path_field``)."""

    def __init__(self, *args: Any, path_field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, qs: QuerySet[Any], value: OrgUnit | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


def with_defaults(data: QueryDict | None, request: HttpRequest | None, **defaults: str) -> Any:
    """A page opened without filters starts from the defaults (the header's fiscal year…)."""
    if data is not None or request is None:
        return data
    query = QueryDict(mutable=True)
    query.update(defaults)
    return query


def selected_year_default(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    year = selected_fiscal_year(request).be
    if FiscalYear.objects.filter(year=year).exists():
        return {"fiscal_year": str(year)}
    return {}


class FiscalYearFilterSet(django_filters.FilterSet):
    is_open = django_filters.BooleanFilter(label=_("เปิดให้แก้ไข"))

    class Meta:
        model = FiscalYear
        fields = ["is_open"]


class ActionPlanFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["title", "unit__name", "unit__short_name"])
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"), queryset=fiscal_years, to_field_name="year"
    )
    unit = SubtreeFilter(
        label=_("หน่วยงาน (รวมหน่วยงานภายใต้)"), queryset=plan_units, path_field="unit__path"
    )
    is_published = django_filters.BooleanFilter(label=_("เผยแพร่แล้ว"))

    class Meta:
        model = ActionPlan
        fields = ["q", "fiscal_year", "unit", "is_published"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)


class ProjectFilterSet(django_filters.FilterSet):
    VERSION_CHOICES = (
        ("current", _("ฉบับที่ใช้อยู่ของแต่ละแผน")),
        ("all", _("ทุกฉบับ")),
    )

    q = SearchFilter(fields=["code", "name", "lead_unit__name", "responsible_name"])
    fiscal_year = django_filters.ModelChoiceFilter(
        label=_("ปีงบประมาณ"),
        queryset=fiscal_years,
        to_field_name="year",
        field_name="plan_version__plan__fiscal_year",
    )
    plan = PlanFilter(
        label=_("แผนปฏิบัติการ"), queryset=visible_plans, field_name="plan_version__plan"
    )
    strategic_issue = IssueFilter(
        label=_("ประเด็นยุทธศาสตร์"),
        queryset=StrategicIssue.objects.none(),
        field_name="strategy__strategic_issue",
    )
    lead_unit = SubtreeFilter(
        label=_("เจ้าภาพหลัก (รวมหน่วยงานภายใต้)"), queryset=lead_units, path_field="lead_unit_path"
    )
    status = django_filters.ChoiceFilter(label=_("สถานะโครงการ"), choices=Project.Status.choices)
    versions = django_filters.ChoiceFilter(
        label=_("ฉบับของแผน"),
        choices=VERSION_CHOICES,
        method="filter_versions",
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = ["q", "fiscal_year", "plan", "strategic_issue", "lead_unit", "status", "versions"]

    def __init__(
        self, data: QueryDict | None = None, *args: Any, request: Any = None, **kwargs: Any
    ) -> None:
        data = with_defaults(data, request, versions="current", **selected_year_default(request))
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["strategic_issue"].queryset = self.issue_choices(data or {}, request)

    @staticmethod
    def issue_choices(data: Any, request: Any) -> QuerySet[StrategicIssue]:
        """Strategic issues of the current versions of the chosen plan (or fiscal year)."""
        issues = (
            StrategicIssue.objects.restrict(_user(request), Action.VIEW)
            .filter(plan_version__in=current_versions(user=_user(request)))
            .select_related("plan_version__plan__unit")
            .order_by("plan_version__plan__unit__path", "number")
        )
        plan = str(data.get("plan") or "")
        year = str(data.get("fiscal_year") or "")
        if plan.isdigit():
            return issues.filter(plan_version__plan_id=int(plan))
        if year.isdigit():
            return issues.filter(plan_version__plan__fiscal_year__year=int(year))
        return issues.none()

    def filter_versions(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        if value == "current":
            return queryset.filter(plan_version__in=current_versions(user=_user(self.request)))
        return queryset
