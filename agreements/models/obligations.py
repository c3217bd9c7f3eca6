from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agreements import Agreement
from .parties import Party


class ObligationKind(models.TextChoices):
    TERTIAL_REPORT = "tertial_report", _("Skriftlig uppföljning varje tertial")
    ANNUAL_REPORT = "annual_report", _("Årlig rapport")
    MEETINGS = "meetings", _("Samverkansmöten")
    ONE_OFF_REPORT = "one_off_report", _("Enstaka rapport")
    EVALUATION = "evaluation", _("Utvärdering")
    OTHER = "other", _("Annan uppföljning")


# Kinds that hand in something written on one date: each expects one report row.
DATED_KINDS = (ObligationKind.ONE_OFF_REPORT, ObligationKind.EVALUATION)


class Obligation(models.Model):
    """A follow-up duty written into the agreement, as data the calendar computes on."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=_("överenskommelse"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ObligationKind.choices)
    responsible = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("ansvarig part"),
        help_text=_("Den som lämnar rapporten eller kallar till mötet."),
    )
    recipient = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations_received",
        verbose_name=_("mottagare"),
    )
    recipient_description = models.CharField(
        _("mottagare (beskrivning)"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. utsedd kontaktperson i Regionen"),
    )
    parts = models.JSONField(
        _("delar"),
        default=list,
        blank=True,
        help_text=_("Rapportens delar, t.ex. verksamhetsberättelse, verksamhetsplan."),
    )
    days_after_period = models.PositiveSmallIntegerField(
        _("dagar efter periodens slut"),
        null=True,
        blank=True,
        help_text=_("För tertialrapporter: hur långt efter tertialets slut den ska lämnas."),
    )
    due_before_month = models.PositiveSmallIntegerField(
        _("lämnas före (månad)"), null=True, blank=True, help_text=_("3 för 'före 1 mars'")
    )
    due_before_day = models.PositiveSmallIntegerField(
        _("lämnas före (dag)"), null=True, blank=True, help_text=_("1 för 'före 1 mars'")
    )
    due_date = models.DateField(_("förfallodag"), null=True, blank=True)
    min_per_year = models.PositiveSmallIntegerField(_("minst antal per år"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("åtagande")
        verbose_name_plural = _("åtaganden")
        ordering = ["agreement_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_before_month__isnull=True)
                | Q(due_before_month__gte=1, due_before_month__lte=12),
                name="obligation_month_valid",
                violation_error_message=_("Månaden måste vara 1–12."),
            ),
            models.CheckConstraint(
                condition=Q(due_before_day__isnull=True)
                | Q(due_before_day__gte=1, due_before_day__lte=31),
                name="obligation_day_valid",
                violation_error_message=_("Dagen måste vara 1–31."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        errors = {}
        if self.kind != ObligationKind.MEETINGS and not self.responsible_id:
            errors["responsible"] = _("Ange vilken part som ansvarar.")
        if self.kind == ObligationKind.ANNUAL_REPORT and not (
            self.due_before_month and self.due_before_day
        ):
            errors["due_before_month"] = _("Ange före vilket datum årsrapporten ska lämnas.")
        if self.kind == ObligationKind.MEETINGS and not self.min_per_year:
            errors["min_per_year"] = _("Ange minsta antal möten per år.")
        if self.kind in DATED_KINDS and not self.due_date:
            errors["due_date"] = _("Ange förfallodag för rapporten.")
        if self.kind in (ObligationKind.EVALUATION, ObligationKind.OTHER) and not (
            self.description.strip()
        ):
            errors["description"] = _("Beskriv vad som ska göras.")
        if not isinstance(self.parts, list) or not all(isinstance(p, str) for p in self.parts):
            errors["parts"] = _("Delarna ska vara en lista med text.")
        if errors:
            raise ValidationError(errors)


class CapacityTarget(models.Model):
    """A yearly target the agreement states, e.g. about 70 children and 40 parents."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="capacity_targets",
        verbose_name=_("överenskommelse"),
    )
    description = models.CharField(_("vad"), max_length=200, help_text=_("T.ex. barn"))
    quantity = models.PositiveIntegerField(_("antal per år"))
    approximate = models.BooleanField(_("ungefärligt (ca)"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kapacitetsmål")
        verbose_name_plural = _("kapacitetsmål")
        ordering = ["agreement_id", "id"]

    def __str__(self):
        prefix = "ca " if self.approximate else ""
        return f"{prefix}{self.quantity} {self.description}"


class Exclusion(models.Model):
    """Something the agreement explicitly does not cover, e.g. the exercise of public authority."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="exclusions",
        verbose_name=_("överenskommelse"),
    )
    description = models.CharField(
        _("omfattar inte"),
        max_length=500,
        help_text=_("T.ex. myndighetsutövning"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("undantag")
        verbose_name_plural = _("undantag")
        ordering = ["agreement_id", "id"]

    def __str__(self):
        return self.description
