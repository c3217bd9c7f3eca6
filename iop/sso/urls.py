from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("<slug:key>/", views.start, name="start"),
    # The redirect URI registered at the provider (docs/deploy.md).
    path("<slug:key>/retur/", views.callback, name="callback"),
]
