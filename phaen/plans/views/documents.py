"""Documents of a plan: the whole action plan as a PDF (``plans:planversion_pdf``).

The PDF shows what the plan page shows, laid out as a printed plan: a cover, the direction
(vision, missions, values), each strategic issue with its goals, indicators and targets and its
strategies with their projects, the projects without a strategy, and the budget per issue. It
reads the version through the same access policy as the plan page (404 outside the user's scope;
visitors only for published versions) and the whole plan from ``plan_outline``, so it runs the
same number of queries whatever the size of the plan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from phaen.core.access import Action, can
from phaen.core.pdf import document_filename, pdf_response, render_pdf
from phaen.core.views.generic import PolicyView
from phaen.plans.forms import indicator_quarter_values
from phaen.plans.models import PlanVersion
from phaen.plans.selectors import plan_outline
from phaen.plans.views.structure import VERSION_QUERYSET


def plan_document_context(version: PlanVersion, *, user: Any) -> dict[str, Any]:
    """What ``plans/pdf/plan.html`` needs: the version, its plan and the whole outline."""
    outline = plan_outline(version)
    for issue in outline.issues:
        for goal in issue.goals:
            for indicator in goal.indicators:
                indicator.quarter_values = indicator_quarter_values(indicator)  # type: ignore[attr-defined]
    plan = version.plan
    parent_plan = plan.parent_plan
    if parent_plan is not None and not can(user, Action.VIEW, parent_plan):
        parent_plan = None
    return {
        "version": version,
        "plan": plan,
        "parent_plan": parent_plan,
        "outline": outline,
        "unassigned_budget": sum(
            (row.project.budget for row in outline.unassigned_projects), Decimal(0)
        ),
    }


def plan_pdf_filename(version: PlanVersion) -> str:
    """The download's name: "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2561 … ฉบับที่ 2.pdf"."""
    name = _("%(title)s ฉบับที่ %(number)s") % {
        "title": version.plan.title,
        "number": version.number,
    }
    return document_filename(name)


class PlanVersionPdfView(PolicyView):
    """ดาวน์โหลด PDF: the whole plan version as a printable document."""

    queryset = VERSION_QUERYSET

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version: PlanVersion = self.get_object()
        context = plan_document_context(version, user=request.user)
        pdf = render_pdf("plans/pdf/plan.html", context, request=request)
        fallback = f"action-plan-{version.plan.fiscal_year.year}-{version.number}.pdf"
        return pdf_response(pdf, plan_pdf_filename(version), fallback=fallback)
