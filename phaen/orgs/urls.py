from django.urls import path

from phaen.orgs import views

app_name = "orgs"

urlpatterns = [
    path("tree/", views.OrgUnitTreeView.as_view(), name="tree"),
    path("tree/<int:pk>/", views.OrgUnitTreeView.as_view(), name="tree_children"),
    path("units/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("units/add/", views.OrgUnitEditView.as_view(), name="orgunit_add"),
    path("units/import/", views.orgunit_import, name="orgunit_import"),
    path(
        "units/import/template.csv", views.orgunit_import_template, name="orgunit_import_template"
    ),
    path("units/options/", views.unit_options, name="unit_options"),
    path("units/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit"),
    path("units/<int:pk>/edit/", views.OrgUnitEditView.as_view(), name="orgunit_edit"),
    path("units/<int:pk>/move/", views.OrgUnitMoveView.as_view(), name="orgunit_move"),
    path("units/<int:pk>/active/", views.OrgUnitActiveView.as_view(), name="orgunit_active"),
    path("units/<int:pk>/delete/", views.OrgUnitDeleteView.as_view(), name="orgunit_delete"),
    path("units/<int:pk>/history/", views.OrgUnitHistoryView.as_view(), name="orgunit_history"),
    path("memberships/", views.MembershipListView.as_view(), name="membership_list"),
    path("memberships/add/", views.MembershipEditView.as_view(), name="membership_add"),
    path("memberships/invite/", views.user_invite_view, name="user_invite"),
    path("memberships/<int:pk>/", views.MembershipDetailView.as_view(), name="membership"),
    path("memberships/<int:pk>/edit/", views.MembershipEditView.as_view(), name="membership_edit"),
    path(
        "memberships/<int:pk>/delete/",
        views.MembershipDeleteView.as_view(),
        name="membership_delete",
    ),
    path(
        "memberships/<int:pk>/history/",
        views.MembershipHistoryView.as_view(),
        name="membership_history",
    ),
]
