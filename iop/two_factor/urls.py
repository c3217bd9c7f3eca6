from django.urls import path

from . import views

app_name = "two_factor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("app/", views.setup, name="setup"),
    path("kod/", views.verify, name="verify"),
    path("reservkoder/", views.codes, name="codes"),
    path("reservkoder/nya/", views.regenerate, name="regenerate"),
    path("ta-bort/", views.remove, name="remove"),
]
