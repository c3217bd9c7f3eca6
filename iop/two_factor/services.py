"""A user's two-factor devices: an authenticator app (TOTP) and ten recovery codes.

Who may call these is the views' answer (a session verified, or one that owes no code).
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.services import DomainError

from .policy import is_required

RECOVERY_CODES = 10
APP_NAME = "app"
RECOVERY_NAME = "reservkoder"


def confirmed_app(user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_app(user, *, create=True):
    """The app the user is setting up (its key is shown until a code from it confirms it);
    a new one if there is none and create, else None."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise(code):
    """A code as typed ('123 456', 'ABCD-EFGH') as the devices compare it."""
    return re.sub(r"[\s-]", "", code).lower()


def _refuse_if_throttled(device, now):
    allowed, data = device.verify_is_allowed()
    if not allowed:
        seconds = max(1, int((data["locked_until"] - now).total_seconds()) + 1)
        raise DomainError(
            ngettext(
                "För många felaktiga koder. Vänta %(seconds)d sekund och försök igen.",
                "För många felaktiga koder. Vänta %(seconds)d sekunder och försök igen.",
                seconds,
            )
            % {"seconds": seconds}
        )


def _new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODES new ones; the codes, to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_app(*, device, code):
    """Confirm the pending app by a code from it; it replaces any earlier app, and the user
    gets new recovery codes. (the device, the codes to show once).

    Wrong codes are throttled on the device as at login (django-otp's back-off)."""
    with transaction.atomic():
        # Locked: two tabs confirming at once confirm once.
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None or device.confirmed:
            raise DomainError(_("Appen är redan inställd. Ladda om sidan."))
        _refuse_if_throttled(device, timezone.now())
        confirmed = device.verify_token(normalise(code))
        if confirmed:
            TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(device.user)
    # Refused after the transaction: the wrong code's count on the throttle stays.
    if not confirmed:
        raise _wrong_code()
    return device, codes


def verify_code(*, user, code):
    """The device that accepts code: the app for six digits, else the recovery codes (each
    works once). DomainError for a wrong code, or while the device's throttle holds."""
    code = normalise(code)
    if code.isdigit() and len(code) == 6:
        device = confirmed_app(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise _wrong_code()
    _refuse_if_throttled(device, timezone.now())
    # django-otp locks the device while it checks: parallel guesses are counted one by one.
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise _wrong_code()
    return verified


def _wrong_code():
    return DomainError(_("Koden stämmer inte. Kontrollera den och försök igen."))


def regenerate_recovery_codes(*, user):
    """New recovery codes for a user with an app; the old ones stop working."""
    with transaction.atomic():
        if confirmed_app(user) is None:
            raise DomainError(_("Ställ in en app först."))
        return _new_recovery_codes(user)


def remove_two_factor(*, user):
    """Remove the user's app and recovery codes, unless an organisation of theirs requires
    them."""
    with transaction.atomic():
        if is_required(user):
            raise DomainError(
                _("Din organisation kräver tvåstegsverifiering. Du kan byta app, inte ta bort den.")
            )
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
