"""Read the second step at login, so that pages after it cost no query (policy.pending_step)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .policy import remember


@receiver(user_logged_in, dispatch_uid="iop.two_factor.remember_at_login")
def remember_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember(request, user)
