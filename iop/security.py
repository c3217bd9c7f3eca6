"""Throttling: django-axes' hooks for logins (the client address, the backend, the handler)
and the limits of the password-reset page."""

import hashlib
import ipaddress
import time

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.db.models import Sum
from django.shortcuts import render


def client_ip(request):
    """The client's address: the proxy's header when configured, else the socket's peer.

    The header's last entry is the one the proxy in front of the app wrote (a client can
    only put entries before it). A value that is not an address, which a proxy that
    overwrites the header never sends, counts as the peer's: it must not reach the lockout
    table, whose column PostgreSQL types as an address.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


class ThrottlingBackend(AxesStandaloneBackend):
    """Refuse locked-out logins; a login without a request (tests, shell) is not throttled.

    Every login over the web passes the request, so throttling covers all of them; only code
    that calls authenticate() itself, such as Django's test client, skips it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottlingHandler(AxesDatabaseHandler):
    """Axes' lockout per (user name, address), and one per address across all user names.

    Trying many user names from one address (password spraying) stays under the per-name
    limit; AXES_ADDRESS_FAILURE_LIMIT failures from one address within the cool-off lock that
    address out for every name. It is higher than the per-name limit so that the colleagues
    of one office behind a shared address do not lock each other out with a few typos.
    A successful login still forgets only that user's failures (AXES_RESET_ON_SUCCESS), so
    logging in with an account of one's own does not reset the address's count.
    """

    def get_failures(self, request, credentials=None):
        """The name's failures from this address, or the limit once the address passed its own."""
        failures = super().get_failures(request, credentials)
        from_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(n=Sum("failures_since_start"))["n"]
        if (from_address or 0) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def within_limit(key, limit, window):
    """Count one request under key; False once more than limit came within window.

    The cache keeps the recent requests' times (at most limit + 1), so the window slides and
    the count is shared by every worker and app server (the cache is the database).
    """
    seconds = window.total_seconds()
    now = time.time()
    recent = [t for t in cache.get(key, []) if t > now - seconds][-limit:] + [now]
    cache.set(key, recent, int(seconds))
    return len(recent) <= limit


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset page, refused (429) after too many requests from one client address or
    for one e-mail address. Both count whether or not the e-mail address belongs to a user,
    so the answer never tells whether it does."""

    def post(self, request, *args, **kwargs):
        window = settings.PASSWORD_RESET_WINDOW
        email = request.POST.get("email", "").strip().casefold()
        allowed = within_limit(
            f"reset:address:{client_ip(request)}", settings.PASSWORD_RESET_ADDRESS_LIMIT, window
        )
        if allowed and email:
            digest = hashlib.sha256(email.encode()).hexdigest()
            allowed = within_limit(
                f"reset:email:{digest}", settings.PASSWORD_RESET_EMAIL_LIMIT, window
            )
        if not allowed:
            minutes = int(window.total_seconds() // 60)
            context = {"minutes": minutes}
            return render(request, "registration/password_reset_limited.html", context, status=429)
        return super().post(request, *args, **kwargs)
