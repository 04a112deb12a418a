from django.contrib.auth import views as auth_views
from django.urls import path

from phaen.core.views import accounts, inbox, notifications, shell

app_name = "core"

urlpatterns = [
    path("fiscal-year/", shell.fiscal_year_select, name="fiscal_year_select"),
    path("audit/", shell.AuditEventListView.as_view(), name="auditevent_list"),
    path("audit/<int:pk>/", shell.AuditEventDetailView.as_view(), name="auditevent"),
]

# A user's own pages, at the top level (/notifications/, /inbox/): they belong to no app.
personal_urlpatterns = [
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("inbox/", inbox.inbox, name="inbox"),
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
