from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("healthz", include("iop.health")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("django.contrib.auth.urls")),
    path("dokument/", include("agreements.document_urls")),
    path("finansiering/", include("funding.urls")),
    path("kalender/", include("agreements.feed_urls")),
    path("", include("agreements.urls")),
]
