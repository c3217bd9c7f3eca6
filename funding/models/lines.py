from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, Party
from agreements.numbers import normalize_bankgiro, validate_bankgiro

from ..money import MAX_AMOUNT
from .indexes import IndexSeries, ValueStatus

# Amounts a person enters: bounded where they enter, so every sum and uplift stays in range.
AMOUNT_TOO_LARGE = _("Beloppet får vara högst 1 000 000 000 000 kr.")
AMOUNT_VALIDATORS = [MaxValueValidator(MAX_AMOUNT, message=AMOUNT_TOO_LARGE)]


class ShareKind(models.TextChoices):
    CASH = "cash", _("Pengar")
    IN_KIND = "in_kind", _("I annan form (värderat)")


class FundingLine(models.Model):
    """What one party contributes to one agreement for one purpose, split into yearly shares."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="funding_lines",
        verbose_name=_("överenskommelse"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="funding_lines", verbose_name=_("part")
    )
    receiver = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_lines",
        verbose_name=_("mottagare"),
        help_text=_("Den part som tar emot pengarna, oftast den idéburna organisationen."),
    )
    kind = models.CharField(_("form"), max_length=20, choices=ShareKind.choices, default="cash")
    purpose = models.CharField(
        _("ändamål"),
        max_length=200,
        blank=True,
        help_text=_("Skiljer flera finansieringsrader från samma part åt."),
    )
    budget = models.CharField(
        _("belastar budget"),
        max_length=300,
        blank=True,
        help_text=_("T.ex. hälso- och sjukvårdsnämndens budget för övrig hälso- och sjukvård"),
    )
    period_total = models.BigIntegerField(
        _("totalt för perioden (kr)"),
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
        help_text=_("När beloppet är avtalat för hela perioden; fördelas på år i andelarna."),
    )
    amount_pending = models.BooleanField(
        _("belopp ej fastställt"),
        default=False,
        help_text=_(
            "När beloppet ännu inte är bestämt. Överenskommelsen kan inte utfärdas eller "
            "aktiveras förrän beloppet är angivet."
        ),
    )
    uplift_series = models.ForeignKey(
        IndexSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("uppräknas enligt index"),
    )
    uplift_first_year = models.PositiveSmallIntegerField(
        _("första uppräkningsår"), null=True, blank=True, help_text=_("2027 för fr.o.m. 2027-01-01")
    )
    uplift_basis = models.CharField(
        _("indexvärde som gäller"),
        max_length=20,
        choices=ValueStatus.choices,
        blank=True,
    )
    uplift_published_month = models.PositiveSmallIntegerField(
        _("publicerat i månad året före"),
        null=True,
        blank=True,
        help_text=_("10 för det preliminära värdet som publiceras i oktober året före."),
    )
    uplift_fallback = models.TextField(
        _("om indexet upphör"),
        blank=True,
        help_text=_("Vad parterna gör om indexet inte längre publiceras."),
    )
    uplift_rule_text = models.TextField(
        _("uppräkning enligt andra regler"),
        blank=True,
        help_text=_(
            "När uppräkningen inte följer ett namngivet index, t.ex. "
            "”uppräknas enligt de regler som gäller för detta”."
        ),
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finansieringsrad")
        verbose_name_plural = _("finansieringsrader")
        # By the parent's id, not the parent: ordering by a foreign key follows the parent's own
        # ordering and joins its table into every read of these rows, prefetches too.
        ordering = ["agreement_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party", "kind", "purpose"],
                name="funding_line_once",
                violation_error_message=_(
                    "Parten har redan en finansieringsrad med samma form och ändamål."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_total__isnull=True) | Q(period_total__gte=0),
                name="funding_line_total_not_negative",
                violation_error_message=_("Beloppet kan inte vara negativt."),
            ),
            models.CheckConstraint(
                condition=Q(uplift_series__isnull=True)
                | (Q(uplift_first_year__isnull=False) & ~Q(uplift_basis="")),
                name="funding_line_uplift_complete",
                violation_error_message=_(
                    "En uppräkning behöver första uppräkningsår och vilket indexvärde som gäller."
                ),
            ),
            models.CheckConstraint(
                condition=Q(uplift_series__isnull=True) | Q(uplift_rule_text=""),
                name="funding_line_one_uplift_rule",
                violation_error_message=_(
                    "Ange antingen ett index eller uppräkning enligt andra regler, inte båda."
                ),
            ),
        ]

    def __str__(self):
        label = f"{self.party} – {self.get_kind_display()}"
        return f"{label} ({self.purpose})" if self.purpose else label

    def clean(self):
        super().clean()
        if not self.agreement_id:
            return
        parties = set(self.agreement.parties.values_list("party_id", flat=True))
        errors = {}
        if self.party_id and self.party_id not in parties:
            errors["party"] = _("Organisationen är inte part i överenskommelsen.")
        if self.receiver_id and self.receiver_id not in parties:
            errors["receiver"] = _("Mottagaren är inte part i överenskommelsen.")
        elif self.receiver_id and self.receiver_id == self.party_id:
            errors["receiver"] = _("Mottagaren kan inte vara samma part som betalar.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_uplift(self):
        """Uplifted by a named index series (the app computes the amounts)."""
        return self.uplift_series_id is not None

    @property
    def has_uplift_text(self):
        """Uplifted by a rule that names no index (printed as agreed, not computed)."""
        return bool(self.uplift_rule_text.strip())


class Share(models.Model):
    """One year's amount of a funding line, in whole kronor (the base amount before uplift)."""

    line = models.ForeignKey(
        FundingLine,
        on_delete=models.CASCADE,
        related_name="shares",
        verbose_name=_("finansieringsrad"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.BigIntegerField(_("belopp (kr)"), validators=AMOUNT_VALIDATORS)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("andel")
        verbose_name_plural = _("andelar")
        ordering = ["line_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year"],
                name="share_once_per_year",
                violation_error_message=_(
                    "Det finns redan en andel för samma part, år och form på den här raden."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="share_amount_not_negative",
                violation_error_message=_("Beloppet kan inte vara negativt."),
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.year}: {self.amount} kr"

    def clean(self):
        super().clean()
        if self.line_id and self.year:
            agreement = self.line.agreement
            if self.year not in agreement.funding_years:
                raise ValidationError(
                    {
                        "year": _("Året ligger utanför överenskommelsens period (%(a)s – %(b)s).")
                        % {
                            "a": agreement.period_start.isoformat(),
                            "b": agreement.period_end.isoformat(),
                        }
                    }
                )


class Frequency(models.IntegerChoices):
    YEARLY = 1, _("En gång per år")
    HALF_YEARLY = 2, _("Två gånger per år")
    QUARTERLY = 4, _("Kvartalsvis")
    MONTHLY = 12, _("Månadsvis")


class PaymentPlan(models.Model):
    """How a funding line is paid out: when, to which bankgiro, with which reference. The line's
    receiver is the payee."""

    line = models.OneToOneField(
        FundingLine,
        on_delete=models.CASCADE,
        related_name="payment_plan",
        verbose_name=_("finansieringsrad"),
    )
    installments_per_year = models.PositiveSmallIntegerField(
        _("betalningar per år"), choices=Frequency.choices, default=Frequency.YEARLY
    )
    first_month = models.PositiveSmallIntegerField(
        _("månad för (första) betalningen"), default=1, help_text=_("1 = januari")
    )
    due_day = models.PositiveSmallIntegerField(
        _("senast dag i månaden"), default=31, help_text=_("31 = sista dagen i månaden")
    )
    bankgiro = models.CharField(_("bankgiro"), max_length=9, validators=[validate_bankgiro])
    reference = models.CharField(_("referens"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("betalningsplan")
        verbose_name_plural = _("betalningsplaner")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__gte=1, first_month__lte=12),
                name="payment_plan_month_valid",
                violation_error_message=_("Månaden måste vara 1–12."),
            ),
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=31),
                name="payment_plan_day_valid",
                violation_error_message=_("Dagen måste vara 1–31."),
            ),
        ]

    def __str__(self):
        return f"{self.line} → bg {self.bankgiro}"

    def save(self, *args, **kwargs):
        try:
            self.bankgiro = normalize_bankgiro(self.bankgiro)
        except ValidationError:
            pass  # full_clean reports it
        super().save(*args, **kwargs)


class Payment(models.Model):
    line = models.ForeignKey(
        FundingLine,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("finansieringsrad"),
    )
    year = models.PositiveSmallIntegerField(_("avser år"))
    paid_on = models.DateField(_("betalningsdag"))
    amount = models.BigIntegerField(_("belopp (kr)"), validators=AMOUNT_VALIDATORS)
    reference = models.CharField(_("referens"), max_length=60, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    # Optimistic locking, as on Agreement.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("betalning")
        verbose_name_plural = _("betalningar")
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("Beloppet måste vara större än noll."),
            ),
        ]
        indexes = [models.Index(fields=["line", "year"], name="payment_line_year")]

    def __str__(self):
        return f"{self.paid_on.isoformat()}: {self.amount} kr"
