from django.urls import path

from phaen.budget.views import overview, records, setup
from phaen.plans.views.structure import object_routes

app_name = "budget"

urlpatterns = [
    # Setup: reference data, allocations, spending plans, transfers, year end --------------------
    path("setup/", setup.setup_index, name="setup"),
    *object_routes(
        "fund-sources",
        "fundsource",
        list_view=setup.FundSourceListView,
        detail_view=setup.FundSourceDetailView,
        edit_view=setup.FundSourceEditView,
        delete_view=setup.FundSourceDeleteView,
        history_view=setup.FundSourceHistoryView,
    ),
    *object_routes(
        "expense-categories",
        "expensecategory",
        list_view=setup.ExpenseCategoryListView,
        detail_view=setup.ExpenseCategoryDetailView,
        edit_view=setup.ExpenseCategoryEditView,
        delete_view=setup.ExpenseCategoryDeleteView,
        history_view=setup.ExpenseCategoryHistoryView,
    ),
    *object_routes(
        "disbursement-targets",
        "disbursementtarget",
        list_view=setup.DisbursementTargetListView,
        detail_view=setup.DisbursementTargetDetailView,
        edit_view=setup.DisbursementTargetEditView,
        delete_view=setup.DisbursementTargetDeleteView,
        history_view=setup.DisbursementTargetHistoryView,
    ),
    *object_routes(
        "policies",
        "budgetpolicy",
        list_view=setup.BudgetPolicyListView,
        detail_view=setup.BudgetPolicyDetailView,
        edit_view=setup.BudgetPolicyEditView,
        delete_view=setup.BudgetPolicyDeleteView,
        history_view=setup.BudgetPolicyHistoryView,
    ),
    path("allocations/", setup.AllocationTreeView.as_view(), name="allocation_list"),
    path("allocations/add/", setup.AllocationAddView.as_view(), name="allocation_add"),
    *object_routes(
        "allocations",
        "allocation",
        detail_view=setup.AllocationDetailView,
        delete_view=setup.AllocationDeleteView,
        history_view=setup.AllocationHistoryView,
    ),
    path(
        "allocations/<int:pk>/edit/",
        setup.AllocationEditView.as_view(),
        name="allocation_edit",
    ),
    path(
        "allocations/<int:pk>/spending-plan/",
        setup.SpendingPlanView.as_view(),
        name="allocation_spending_plan",
    ),
    path("transfers/", setup.BudgetTransferListView.as_view(), name="budgettransfer_list"),
    path("transfers/add/", setup.BudgetTransferAddView.as_view(), name="budgettransfer_add"),
    path(
        "transfers/targets/",
        setup.transfer_target_options,
        name="budgettransfer_targets",
    ),
    path("transfers/<int:pk>/", setup.BudgetTransferDetailView.as_view(), name="budgettransfer"),
    path(
        "transfers/<int:pk>/approve/",
        setup.BudgetTransferApproveView.as_view(),
        name="budgettransfer_approve",
    ),
    path(
        "transfers/<int:pk>/reject/",
        setup.BudgetTransferRejectView.as_view(),
        name="budgettransfer_reject",
    ),
    path(
        "transfers/<int:pk>/history/",
        setup.BudgetTransferHistoryView.as_view(),
        name="budgettransfer_history",
    ),
    path("year-end/", setup.YearEndView.as_view(), name="yearend"),
    path("carry-overs/", setup.CarryOverListView.as_view(), name="carryover_list"),
    path("carry-overs/<int:pk>/", setup.CarryOverDetailView.as_view(), name="carryover"),
    path(
        "carry-overs/<int:pk>/extend/",
        setup.CarryOverExtendView.as_view(),
        name="carryover_extend",
    ),
    path(
        "carry-overs/<int:pk>/history/",
        setup.CarryOverHistoryView.as_view(),
        name="carryover_history",
    ),
    path("lapses/", setup.LapseListView.as_view(), name="lapse_list"),
    # Records: commitments, disbursements, imports, a project's money ----------------------------
    path("commitments/", records.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/add/", records.CommitmentEditView.as_view(), name="commitment_add"),
    path("commitments/import/", records.commitment_import, name="commitment_import"),
    path(
        "commitments/import/template.xlsx",
        records.commitment_import_template,
        name="commitment_import_template",
    ),
    path("commitments/<int:pk>/", records.CommitmentDetailView.as_view(), name="commitment"),
    path(
        "commitments/<int:pk>/edit/",
        records.CommitmentEditView.as_view(),
        name="commitment_edit",
    ),
    path(
        "commitments/<int:pk>/delete/",
        records.CommitmentDeleteView.as_view(),
        name="commitment_delete",
    ),
    path(
        "commitments/<int:pk>/history/",
        records.CommitmentHistoryView.as_view(),
        name="commitment_history",
    ),
    path("disbursements/", records.DisbursementListView.as_view(), name="disbursement_list"),
    path("disbursements/add/", records.DisbursementEditView.as_view(), name="disbursement_add"),
    path("disbursements/import/", records.disbursement_import, name="disbursement_import"),
    path(
        "disbursements/import/template.xlsx",
        records.disbursement_import_template,
        name="disbursement_import_template",
    ),
    path("disbursements/<int:pk>/", records.DisbursementDetailView.as_view(), name="disbursement"),
    path(
        "disbursements/<int:pk>/edit/",
        records.DisbursementEditView.as_view(),
        name="disbursement_edit",
    ),
    path(
        "disbursements/<int:pk>/delete/",
        records.DisbursementDeleteView.as_view(),
        name="disbursement_delete",
    ),
    path(
        "disbursements/<int:pk>/history/",
        records.DisbursementHistoryView.as_view(),
        name="disbursement_history",
    ),
    path("records/room/", records.records_room, name="records_room"),
    path("records/allocations/", records.records_allocations, name="records_allocations"),
    path("records/commitments/", records.records_commitments, name="records_commitments"),
    path("projects/<int:pk>/money/", records.ProjectMoneyView.as_view(), name="project_money"),
    # Overview: the budget overview, efficiency, the Budget Bureau's form ------------------------
    path("overview/", overview.OverviewView.as_view(), name="overview"),
    path("efficiency/", overview.EfficiencyView.as_view(), name="efficiency"),
    path("form-301/", overview.Form301View.as_view(), name="form301"),
]
