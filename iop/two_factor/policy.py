"""Who must give a code before any page, and which step is next for a session."""

import time

from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp import user_has_device

from agreements.models import Membership

# The backends that log in by password. A session opened by any other (SSO) is exempt.
PASSWORD_BACKENDS = frozenset(
    {
        "django.contrib.auth.backends.ModelBackend",
        "iop.security.ThrottlingBackend",
        "axes.backends.AxesStandaloneBackend",
        "axes.backends.AxesBackend",
    }
)

VERIFY = "verify"
SETUP = "setup"

SESSION_KEY = "iop_two_factor"
# The step is read at login and again at most this often: an organisation that turns the
# policy on reaches its members' open sessions within minutes, and a page costs no query.
RECHECK_SECONDS = 300


def is_password_login(request):
    """Whether the session's user logged in with a password (the second factor applies)."""
    return request.session.get(BACKEND_SESSION_KEY) in PASSWORD_BACKENDS


def is_required(user):
    """Whether an organisation the user belongs to requires two factors."""
    return Membership.objects.filter(user=user, party__require_two_factor=True).exists()


def organisations_requiring(user):
    """Names of the user's organisations that require two factors."""
    return list(
        Membership.objects.filter(user=user, party__require_two_factor=True)
        .order_by("party__name")
        .values_list("party__name", flat=True)
        .distinct()
    )


def step_for(user):
    """VERIFY for a user with a confirmed device, SETUP for one who must have one, else None."""
    if user_has_device(user):
        return VERIFY
    if is_required(user):
        return SETUP
    return None


def remember(request, user):
    """Read the user's step now and keep it in the session."""
    step = step_for(user) if is_password_login(request) else None
    request.session[SESSION_KEY] = {"step": step, "checked": int(time.time())}
    return step


def pending_step(request):
    """The step the session must take before any other page, or None."""
    user = request.user
    if not user.is_authenticated or not is_password_login(request) or user.is_verified():
        return None
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not 0 <= time.time() - state["checked"] < RECHECK_SECONDS:
        return remember(request, user)
    return state["step"]


def needs_code(request):
    """Whether the session must give a code before it may change the user's devices: a
    password login of a user with a confirmed device, not yet verified (read now, not kept)."""
    user = request.user
    return is_password_login(request) and not user.is_verified() and user_has_device(user)
