from django.contrib import admin
from django.urls import include, path

from iop.security import ThrottledPasswordResetView

urlpatterns = [
    path("healthz", include("iop.health")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Django's auth pages, the reset page with its request limits.
    path(
        "konto/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("konto/sso/", include("iop.sso.urls")),
    path("konto/tvastegsverifiering/", include("iop.two_factor.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path("dokument/", include("agreements.document_urls")),
    path("finansiering/", include("funding.urls")),
    path("kalender/", include("agreements.feed_urls")),
    path("", include("agreements.urls")),
]
