"""GET /healthz for load balancers: 200 with the database reachable, 503 without."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Answer whether this app server can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("healthz: database unreachable: %s", exc)
        # Drop the broken connection so the next probe opens a fresh one.
        connection.close()
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Included at /healthz by iop/urls.py; reverse("healthz").
urlpatterns = [path("", healthz, name="healthz")]
