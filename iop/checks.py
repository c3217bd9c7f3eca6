"""System checks of the deployment that Django's own --deploy checks do not cover."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_client_address_behind_proxy(app_configs, **kwargs):
    """Behind a proxy, login throttling needs the client's address from the proxy's header."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.CLIENT_IP_HEADER:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is on (the app runs behind a proxy) but "
                "CLIENT_IP_HEADER is unset: every login seems to come from the proxy's "
                "address, so a few failed logins lock a user out for everyone.",
                hint="Let the proxy overwrite X-Real-IP with the client's address and set "
                "CLIENT_IP_HEADER=HTTP_X_REAL_IP (docs/deploy.md).",
                id="iop.W001",
            )
        ]
    return []
