"""The user's two-factor pages: set up the app, the recovery codes, removing both, and the
code asked after a password login (policy and middleware decide when)."""

from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from agreements.services import DomainError

from . import services
from .forms import CodeForm, ConfirmForm
from .policy import is_required, needs_code, organisations_requiring, remember

QR_SCALE, QR_BORDER = 4, 4  # pixels a module; the quiet zone the standard asks, in modules
# The recovery codes just made, kept in the session until the codes page shows them once.
NEW_CODES_KEY = "iop_two_factor_new_codes"


def _next_url(request, default="two_factor:overview"):
    """The local page the user was on the way to (never another site), or default's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _with_next(name, next_url):
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _to_verify(request):
    return redirect(_with_next("two_factor:verify", request.get_full_path()))


def _code_first(view):
    """Changing the user's devices takes the app, not only the password: a password login
    not yet verified is sent for the code first. Read now, not from the session's kept step,
    which an app set up in another session makes stale for minutes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if needs_code(request):
            remember(request, request.user)
            return _to_verify(request)
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@require_GET
def overview(request):
    user = request.user
    app = services.confirmed_app(user)
    context = {
        "app": app,
        "codes_left": services.recovery_codes_left(user) if app else 0,
        "requiring": organisations_requiring(user),
    }
    return render(request, "two_factor/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@_code_first
def setup(request):
    """Show a new key (as a QR code and as text) and confirm it with a code from the app."""
    # Only the page makes a key: a repeated confirmation finds none and is told it is done.
    device = services.pending_app(request.user, create=request.method == "GET")
    if device is None:
        messages.info(request, _("Appen är redan inställd."))
        return redirect("two_factor:overview")
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_("Sex siffror som appen visar nu."),
    )
    if form.is_bound and form.is_valid():
        try:
            device, codes = services.confirm_app(device=device, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", str(exc))
        else:
            otp_login(request, device)
            remember(request, request.user)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("Tvåstegsverifiering är inställd."))
            next_url = _next_url(request, "agreements:dashboard")
            return redirect(_with_next("two_factor:codes", next_url))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "key": " ".join(_groups(b32encode(device.bin_key).decode())),
        "qr": qr.svg_data_uri(scale=QR_SCALE, border=QR_BORDER),
        # Its own size: a scaled module would blur and scan worse.
        "qr_size": qr.symbol_size(scale=QR_SCALE, border=QR_BORDER)[0],
        "required": is_required(request.user),
        "next": _next_url(request, "agreements:dashboard"),
    }
    return render(request, "two_factor/setup.html", context)


def _groups(text, size=4):
    return [text[i : i + size] for i in range(0, len(text), size)]


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of a password login: a code from the app or a recovery code."""
    if not needs_code(request):
        remember(request, request.user)
        return redirect(_next_url(request, "agreements:dashboard"))
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_("Sex siffror från appen i mobilen, eller en av dina reservkoder."),
    )
    if form.is_bound and form.is_valid():
        try:
            device = services.verify_code(user=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", str(exc))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("Du loggade in med en reservkod. Du har %(left)d kvar.") % {"left": left},
                )
            return redirect(_next_url(request, "agreements:dashboard"))
    context = {"form": form, "next": _next_url(request, "agreements:dashboard")}
    return render(request, "two_factor/verify.html", context)


@login_required
@require_GET
def codes(request):
    """The new recovery codes, shown once; after that only how many are left."""
    new = request.session.pop(NEW_CODES_KEY, None)
    app = services.confirmed_app(request.user)
    if app is None:
        return redirect("two_factor:overview")
    context = {
        "codes": [" ".join(_groups(code)) for code in new or []],
        "codes_left": services.recovery_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "two_factor/codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@_code_first
def regenerate(request):
    """New recovery codes, after a page that says the old ones stop working."""
    if services.confirmed_app(request.user) is None:
        return redirect("two_factor:overview")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            codes = services.regenerate_recovery_codes(user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("two_factor:overview")
        request.session[NEW_CODES_KEY] = codes
        return redirect("two_factor:codes")
    return render(request, "two_factor/regenerate.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@_code_first
def remove(request):
    """Remove the app and the recovery codes, after a page that asks; refused (403) to a
    member of an organisation that requires two factors."""
    if services.confirmed_app(request.user) is None:
        return redirect("two_factor:overview")
    requiring = organisations_requiring(request.user)
    if requiring and request.method == "POST":
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.remove_two_factor(user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            remember(request, request.user)
            messages.success(request, _("Tvåstegsverifiering är borttagen."))
        return redirect("two_factor:overview")
    return render(request, "two_factor/remove.html", {"form": form, "requiring": requiring})
