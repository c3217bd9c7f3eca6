"""Login throttling hooks for django-axes: the client address, the backend and the handler."""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


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
