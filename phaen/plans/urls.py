from django.urls import path

from phaen.plans.views import analysis, documents, structure

app_name = "plans"

urlpatterns = [
    # Structure: fiscal years, plans, versions and their content ---------------------------------
    *structure.object_routes(
        "fiscal-years",
        "fiscalyear",
        list_view=structure.FiscalYearListView,
        detail_view=structure.FiscalYearDetailView,
        edit_view=structure.FiscalYearEditView,
        delete_view=structure.FiscalYearDeleteView,
        history_view=structure.FiscalYearHistoryView,
    ),
    *structure.object_routes(
        "plans",
        "actionplan",
        list_view=structure.ActionPlanListView,
        detail_view=structure.ActionPlanDetailView,
        edit_view=structure.ActionPlanEditView,
        history_view=structure.ActionPlanHistoryView,
    ),
    *structure.object_routes(
        "missions",
        "mission",
        edit_view=structure.MissionEditView,
        delete_view=structure.MissionDeleteView,
        history_view=structure.MissionHistoryView,
    ),
    *structure.object_routes(
        "issues",
        "strategicissue",
        detail_view=structure.StrategicIssueDetailView,
        edit_view=structure.StrategicIssueEditView,
        delete_view=structure.StrategicIssueDeleteView,
        history_view=structure.StrategicIssueHistoryView,
    ),
    *structure.object_routes(
        "goals",
        "goal",
        detail_view=structure.GoalDetailView,
        edit_view=structure.GoalEditView,
        delete_view=structure.GoalDeleteView,
        history_view=structure.GoalHistoryView,
    ),
    *structure.object_routes(
        "strategies",
        "strategy",
        detail_view=structure.StrategyDetailView,
        edit_view=structure.StrategyEditView,
        delete_view=structure.StrategyDeleteView,
        history_view=structure.StrategyHistoryView,
    ),
    *structure.object_routes(
        "indicators",
        "indicator",
        detail_view=structure.IndicatorDetailView,
        edit_view=structure.IndicatorEditView,
        delete_view=structure.IndicatorDeleteView,
        history_view=structure.IndicatorHistoryView,
    ),
    *structure.object_routes(
        "projects",
        "project",
        list_view=structure.ProjectListView,
        detail_view=structure.ProjectDetailView,
        edit_view=structure.ProjectEditView,
        delete_view=structure.ProjectDeleteView,
        history_view=structure.ProjectHistoryView,
    ),
    *structure.object_routes(
        "project-owners",
        "projectowner",
        edit_view=structure.ProjectOwnerEditView,
        delete_view=structure.ProjectOwnerDeleteView,
    ),
    *structure.object_routes(
        "activities",
        "activity",
        detail_view=structure.ActivityDetailView,
        edit_view=structure.ActivityEditView,
        delete_view=structure.ActivityDeleteView,
        history_view=structure.ActivityHistoryView,
    ),
    *structure.object_routes(
        "alignment-links",
        "alignmentlink",
        edit_view=structure.AlignmentLinkEditView,
        delete_view=structure.AlignmentLinkDeleteView,
    ),
    path("projects/months/", structure.project_months, name="project_months"),
    path("alignment-links/nodes/", structure.alignment_nodes, name="alignment_nodes"),
    path(
        "alignment-links/<int:pk>/primary/",
        structure.AlignmentLinkPrimaryView.as_view(),
        name="alignmentlink_primary",
    ),
    path("versions/<int:pk>/", structure.PlanVersionDetailView.as_view(), name="planversion"),
    path(
        "versions/<int:pk>/edit/", structure.PlanVersionEditView.as_view(), name="planversion_edit"
    ),
    path(
        "versions/<int:pk>/approve/",
        structure.PlanVersionApproveView.as_view(),
        name="planversion_approve",
    ),
    path(
        "versions/<int:pk>/publish/",
        structure.PlanVersionPublishView.as_view(),
        name="planversion_publish",
    ),
    path(
        "versions/<int:pk>/revise/",
        structure.PlanVersionReviseView.as_view(),
        name="planversion_revise",
    ),
    path(
        "versions/<int:pk>/history/",
        structure.PlanVersionHistoryView.as_view(),
        name="planversion_history",
    ),
    # Documents: the plan as a PDF ----------------------------------------------------------------
    path("versions/<int:pk>/pdf/", documents.PlanVersionPdfView.as_view(), name="planversion_pdf"),
    # Analysis: alignment, gap analysis, calendar, iCalendar, a unit's work ----------------------
    path("versions/<int:pk>/alignment/", analysis.AlignmentView.as_view(), name="alignment"),
    path("versions/<int:pk>/gaps/", analysis.GapAnalysisView.as_view(), name="gaps"),
    path("calendar/", analysis.CalendarView.as_view(), name="calendar"),
    path("calendar/units/<int:pk>/<str:token>.ics", analysis.unit_ical, name="unit_ical"),
    path("my-work/", analysis.MyWorkView.as_view(), name="my_work"),
]
