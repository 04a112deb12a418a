"""Project URLs: the shell, each app under its prefix, the API, and admin for superusers."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from phaen.core.urls import account_urlpatterns, personal_urlpatterns
from phaen.core.views import shell

urlpatterns = [
    path("", shell.home, name="home"),
    path("healthz", shell.healthz, name="healthz"),
    path("accounts/", include(account_urlpatterns)),
    path("", include(personal_urlpatterns)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("thai/", include("phaen.thai.urls")),
    path("core/", include("phaen.core.urls")),
    path("orgs/", include("phaen.orgs.urls")),
    path("frameworks/", include("phaen.frameworks.urls")),
    path("plans/", include("phaen.plans.urls")),
    path("budget/", include("phaen.budget.urls")),
    path("monitoring/", include("phaen.monitoring.urls")),
    path("api/v1/", include("phaen.api.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "phaen.core.views.shell.error_403"
handler404 = "phaen.core.views.shell.error_404"
handler500 = "phaen.core.views.shell.error_500"
