from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .agreements import Agreement
from .parties import Party


class EventKind(models.TextChoices):
    CREATED = "created", _("Registrerade överenskommelsen")
    CHANGED = "changed", _("Ändrade uppgifterna och parterna")
    # One per life-cycle step (agreements.services.lifecycle.MOVES, by name).
    PROPOSE = "propose", _("Skickade till beslut")
    WITHDRAW = "withdraw", _("Tog tillbaka till utkast")
    DECIDE = "decide", _("Markerade som beslutad")
    SIGN = "sign", _("Markerade som undertecknad")
    ACTIVATE = "activate", _("Aktiverade")
    END = "end", _("Avslutade")
    TERMINATE = "terminate", _("Sade upp överenskommelsen")


class AgreementEvent(models.Model):
    """An act on an agreement its parties share, kept as the act of the organisation the user
    acted for: registering it, changing its terms, a step of its life cycle, notice included.

    One party's act never rewrites another party's commitments; this says whose act it was.
    """

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("överenskommelse"),
    )
    kind = models.CharField(_("vad"), max_length=20, choices=EventKind.choices)
    # None: a superuser acting for no organisation (the operator).
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("för organisationen"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    on = models.DateField(_("datum"), null=True, blank=True, help_text=_("T.ex. uppsägningsdag."))
    at = models.DateTimeField(_("registrerad"), default=timezone.now)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["agreement_id", "at", "id"]

    def __str__(self):
        return f"{self.agreement_id}: {self.get_kind_display()}"
