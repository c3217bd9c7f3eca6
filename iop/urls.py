from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCLogoutView

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
    # Before Django's auth pages: logging out of a single sign-on session ends it at the
    # provider too (OIDC_OP_LOGOUT_URL_METHOD). POST only, as Django's.
    path("konto/logout/", never_cache(OIDCLogoutView.as_view()), name="logout"),
    path("konto/tvastegsverifiering/", include("iop.two_factor.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path("dokument/", include("agreements.document_urls")),
    path("finansiering/", include("funding.urls")),
    path("kalender/", include("agreements.feed_urls")),
    path("", include("agreements.urls")),
]
