"""Login throttling hooks for django-axes: the client address and the backend."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def client_ip(request):
    """The client's address: the proxy's header when configured, else the socket's peer."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "").split(",")[-1].strip()
        if value:
            return value
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
