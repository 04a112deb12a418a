"""The REST API under /api/v1/: every app's collections in one router."""

from collections.abc import Collection
from typing import cast

from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from phaen.api.views import TokenView
from phaen.budget import api as budget_api
from phaen.core.api.viewsets import AuditEventViewSet
from phaen.frameworks.api import FrameworkNodeViewSet, FrameworkViewSet
from phaen.monitoring import api as monitoring_api
from phaen.orgs.api import MembershipViewSet, OrgUnitViewSet
from phaen.plans import api as plans_api

# Swagger UI sets inline style attributes; its scripts stay same-origin files (no inline code).
DOCS_CSP: dict[str, Collection[str] | str] = {
    **cast(dict[str, list[str]], settings.SECURE_CSP),
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}
api_docs = csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("framework-nodes", FrameworkNodeViewSet, basename="frameworknode")
# Plans (phaen/plans/api.py)
router.register("fiscal-years", plans_api.FiscalYearViewSet, basename="fiscalyear")
router.register("plans", plans_api.ActionPlanViewSet, basename="actionplan")
router.register("plan-versions", plans_api.PlanVersionViewSet, basename="planversion")
router.register("missions", plans_api.MissionViewSet, basename="mission")
router.register("strategic-issues", plans_api.StrategicIssueViewSet, basename="strategicissue")
router.register("goals", plans_api.GoalViewSet, basename="goal")
router.register("indicators", plans_api.IndicatorViewSet, basename="indicator")
router.register("indicator-targets", plans_api.IndicatorTargetViewSet, basename="indicatortarget")
router.register("scoring-bands", plans_api.ScoringBandViewSet, basename="scoringband")
router.register("milestones", plans_api.MilestoneViewSet, basename="milestone")
router.register("strategies", plans_api.StrategyViewSet, basename="strategy")
router.register("projects", plans_api.ProjectViewSet, basename="project")
router.register("project-owners", plans_api.ProjectOwnerViewSet, basename="projectowner")
router.register("activities", plans_api.ActivityViewSet, basename="activity")
router.register("alignment-links", plans_api.AlignmentLinkViewSet, basename="alignmentlink")
# Budget (phaen/budget/api.py)
router.register("fund-sources", budget_api.FundSourceViewSet, basename="fundsource")
router.register("expense-categories", budget_api.ExpenseCategoryViewSet, basename="expensecategory")
router.register("allocations", budget_api.AllocationViewSet, basename="allocation")
router.register("spending-plans", budget_api.SpendingPlanLineViewSet, basename="spendingplanline")
router.register("commitments", budget_api.CommitmentViewSet, basename="commitment")
router.register("disbursements", budget_api.DisbursementViewSet, basename="disbursement")
router.register("transfers", budget_api.BudgetTransferViewSet, basename="budgettransfer")
router.register("carry-overs", budget_api.CarryOverViewSet, basename="carryover")
router.register("lapses", budget_api.LapseViewSet, basename="lapse")
router.register(
    "disbursement-targets", budget_api.DisbursementTargetViewSet, basename="disbursementtarget"
)
router.register("budget-policies", budget_api.BudgetPolicyViewSet, basename="budgetpolicy")
# Monitoring (phaen/monitoring/api.py)
router.register(
    "reporting-periods", monitoring_api.ReportingPeriodViewSet, basename="reportingperiod"
)
router.register("progress-reports", monitoring_api.ProgressReportViewSet, basename="progressreport")
router.register(
    "activity-progress", monitoring_api.ActivityProgressViewSet, basename="activityprogress"
)
router.register(
    "indicator-results", monitoring_api.IndicatorResultViewSet, basename="indicatorresult"
)
router.register("problems", monitoring_api.ProblemViewSet, basename="problem")
router.register(
    "corrective-actions", monitoring_api.CorrectiveActionViewSet, basename="correctiveaction"
)
router.register("evaluations", monitoring_api.EvaluationViewSet, basename="evaluation")

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("", include(router.urls)),
]
