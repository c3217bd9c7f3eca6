from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .policy import pending_step

# Pages a session may reach before its second step: the two steps' own (each sends on to the
# other when the user's devices changed since the step was read), leaving, and the language
# switch (the setup page is read in either language).
OPEN_BEFORE_STEP = {"two_factor:verify", "two_factor:setup", "logout", "login", "set_language"}


class TwoFactorMiddleware:
    """Send a password login that still owes its second factor to the code or setup page,
    from every other page (after django_otp's OTPMiddleware, which says who is verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = pending_step(request)
        if step is None or _url_name(request) in OPEN_BEFORE_STEP:
            return self.get_response(request)
        url = reverse(f"two_factor:{step}")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


def _url_name(request):
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
