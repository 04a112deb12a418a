from django.urls import path

from phaen.thai import views

app_name = "thai"

urlpatterns = [
    path("date-hint/", views.date_hint, name="date-hint"),
]
