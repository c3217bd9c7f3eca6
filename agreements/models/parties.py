from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.letterhead import DEFAULT_FONT, HOUSE_FONTS
from agreements.numbers import (
    normalize_bankgiro,
    normalize_org_number,
    validate_bankgiro,
    validate_org_number,
)


def logo_path(instance, filename):
    return f"logos/{instance.pk}/{filename}"


class PartyKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommun")
    NONPROFIT = "nonprofit", _("Idéburen organisation")
    OTHER = "other", _("Annan")


PUBLIC_KINDS = (PartyKind.REGION, PartyKind.MUNICIPALITY)


class Party(models.Model):
    """An organisation that can be party to agreements: region, municipality, non-profit."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=PartyKind.choices)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=13,
        unique=True,
        validators=[validate_org_number],
        help_text=_("Tio siffror, t.ex. 802002-8711. Kontrollsiffran kontrolleras."),
    )
    unit = models.CharField(
        _("enhet/avdelning"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. avdelning Hälsa och vård"),
    )
    address_line = models.CharField(_("utdelningsadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("postort"), max_length=100, blank=True)
    bankgiro = models.CharField(
        _("bankgiro"), max_length=9, blank=True, validators=[validate_bankgiro]
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    # Who may change the record: its own administrators and coordinators; until it has any,
    # the administrators of the organisation that registered it (agreements.access).
    registered_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
        help_text=_(
            "Organisationen som registrerade den. Den ändrar uppgifterna tills organisationen "
            "har egna användare."
        ),
    )
    # Set by the organisation's own administrators (agreements.access.may_set_two_factor_policy);
    # enforced at every password login of its members (iop.two_factor).
    require_two_factor = models.BooleanField(
        _("kräv tvåstegsverifiering"),
        default=False,
        help_text=_(
            "Alla i organisationen loggar då in med lösenord och en kod från en app i mobilen. "
            "Den som saknar appen får ställa in den innan den kommer vidare."
        ),
    )
    # The letterhead of the documents it issues (agreements.letterhead), set by its own
    # administrators (agreements.access.may_set_letterhead). The file's type is checked.
    logo = models.FileField(_("logotyp"), upload_to=logo_path, blank=True, max_length=200)
    document_font = models.CharField(
        _("typsnitt i dokument"),
        max_length=30,
        choices=HOUSE_FONTS,
        blank=True,
        default=DEFAULT_FONT,
    )
    # Optimistic locking of the record and its contact people, as Agreement.version.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Store one canonical form so the unique constraint sees 802002–8711 and 8020028711 as one.
        if self.org_number:
            try:
                self.org_number = normalize_org_number(self.org_number)
            except Exception:
                pass  # full_clean reports it; save() never guesses
        if self.bankgiro:
            try:
                self.bankgiro = normalize_bankgiro(self.bankgiro)
            except Exception:
                pass
        super().save(*args, **kwargs)

    @property
    def is_public(self):
        return self.kind in PUBLIC_KINDS

    @property
    def postal_address(self):
        """One line as printed in agreements: 'Box 17 563, 118 91 Stockholm'."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.address_line, town) if p)


class ContactPerson(models.Model):
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("namn"), max_length=200)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["party_id", "name"]

    def __str__(self):
        return f"{self.name} ({self.party})"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Väntar på svar")
    ACCEPTED = "accepted", _("Godtagen")
    REJECTED = "rejected", _("Avslagen")


class PartyCorrection(models.Model):
    """A correction of an organisation's record proposed by someone who may not change it
    (a partner); the organisation accepts or rejects it."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("organisation")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("föreslagen av"),
    )
    organisation = models.ForeignKey(
        Party,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("för organisationen"),
    )
    proposed_at = models.DateTimeField(_("föreslagen"))
    # {field: value}: the values proposed, and each field's value when they were proposed.
    values = models.JSONField(_("föreslagna uppgifter"), default=dict)
    before = models.JSONField(_("uppgifter när förslaget lämnades"), default=dict)
    message = models.TextField(_("motivering"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.OPEN,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besvarad av"),
    )
    decided_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    reply = models.TextField(_("svar"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rättelseförslag")
        verbose_name_plural = _("rättelseförslag")
        ordering = ["party_id", "-proposed_at", "-id"]

    def __str__(self):
        return f"{self.party} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("agreements:correction", args=[self.pk])

    @property
    def is_open(self):
        return self.status == CorrectionStatus.OPEN


class Role(models.TextChoices):
    # One label for every public organisation: a municipality has administrators too.
    ADMINISTRATOR = "administrator", _("Administratör")
    COORDINATOR = "coordinator", _("Samordnare")
    SECRETARY = "secretary", _("Nämndsekreterare")


class Membership(models.Model):
    """A user's role in one organisation; a user may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("användare"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    # Optimistic locking of a change of role or a removal (agreements.services.members).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "party", "role"],
                name="membership_unique_role",
                violation_error_message=_("Användaren har redan den rollen i organisationen."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.party}"
