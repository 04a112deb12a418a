from django.urls import path

from phaen.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.FrameworkListView.as_view(), name="framework_list"),
    path("add/", views.FrameworkEditView.as_view(), name="framework_add"),
    path("<int:pk>/", views.FrameworkDetailView.as_view(), name="framework"),
    path("<int:pk>/edit/", views.FrameworkEditView.as_view(), name="framework_edit"),
    path("<int:pk>/delete/", views.FrameworkDeleteView.as_view(), name="framework_delete"),
    path("<int:pk>/history/", views.FrameworkHistoryView.as_view(), name="framework_history"),
    path("<int:pk>/export/", views.FrameworkExportView.as_view(), name="framework_export"),
    path("<int:pk>/import/", views.FrameworkImportView.as_view(), name="framework_import"),
    path("nodes/", views.FrameworkNodeListView.as_view(), name="frameworknode_list"),
    path("nodes/add/", views.FrameworkNodeEditView.as_view(), name="frameworknode_add"),
    path("nodes/<int:pk>/", views.FrameworkNodeDetailView.as_view(), name="frameworknode"),
    path("nodes/<int:pk>/edit/", views.FrameworkNodeEditView.as_view(), name="frameworknode_edit"),
    path(
        "nodes/<int:pk>/retire/",
        views.FrameworkNodeRetireView.as_view(retire=True),
        name="frameworknode_retire",
    ),
    path(
        "nodes/<int:pk>/restore/",
        views.FrameworkNodeRetireView.as_view(retire=False),
        name="frameworknode_restore",
    ),
    path(
        "nodes/<int:pk>/delete/",
        views.FrameworkNodeDeleteView.as_view(),
        name="frameworknode_delete",
    ),
    path(
        "nodes/<int:pk>/history/",
        views.FrameworkNodeHistoryView.as_view(),
        name="frameworknode_history",
    ),
]
