from django.urls import path

from phaen.plans.views import analysis, structure  # noqa: F401 - each section uses its module

app_name = "plans"

urlpatterns = [
    # Structure: fiscal years, plans, versions and their content ---------------------------------
    # Analysis: alignment, gap analysis, calendar, iCalendar, a unit's work ----------------------
]
