from django.contrib.auth import views as auth_views
from django.urls import path

from phaen.core.views import accounts, shell

app_name = "core"

urlpatterns = [
    path("fiscal-year/", shell.fiscal_year_select, name="fiscal_year_select"),
    path("audit/", shell.AuditEventListView.as_view(), name="auditevent_list"),
    path("audit/<int:pk>/", shell.AuditEventDetailView.as_view(), name="auditevent"),
]

# Django's auth views, at the names Django's own templates and redirects expect.
account_urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
