from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .parties import Party, Role


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation with a role (agreements.services.members).

    The link's token is never stored, only its SHA-256: a copy of the database opens no
    invitation. An invitation is used once, and not after expires_at or once revoked.
    """

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-post"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inbjuden av"),
    )
    token_hash = models.CharField(_("nyckelns kontrollsumma"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skickad"))
    expires_at = models.DateTimeField(_("gäller till"))
    accepted_at = models.DateTimeField(_("antagen"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("antagen av"),
    )
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallad av"),
    )
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["party_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["email", "expires_at"], name="invitation_email_expires")]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()}, {self.party_id}"

    def is_pending(self, now):
        """Whether the link still opens: not used, not revoked, not expired at now."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at

    def state(self, now):
        """'accepted', 'revoked', 'expired' or 'pending' at now."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "pending" if now < self.expires_at else "expired"
