from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import calendar
from .parties import Party

# Headings of the seed agreements, offered as a template for a new agreement's prose sections.
STANDARD_SECTION_HEADINGS = [
    "Bakgrund",
    "Syfte och mål med partnerskapet",
    "Målgrupp",
    "Verksamhet som partnerskapet omfattar",
    "Värdegrund för partnerskapet",
    "Särskilt sårbara grupper",
    "Samverkan och uppföljning",
    "Mål för gemensamt lärande",
    "Vårdgivaransvar",
]


# Bounds of what a person enters, so that the deadline and uplift arithmetic on them stays in
# the calendar's range: 32 767 months' notice (the column's limit) put the last day to give
# notice in year −702 and stopped the dashboard and the reminders.
PERIOD_DATE_VALIDATORS = [
    MinValueValidator(date(1900, 1, 1), message=_("Ange ett datum från 1900-01-01.")),
    MaxValueValidator(date(2200, 12, 31), message=_("Ange ett datum till och med 2200-12-31.")),
]
MONTHS_VALIDATORS = [MaxValueValidator(120, message=_("Ange högst 120 månader (tio år)."))]


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PROPOSED = "proposed", _("Föreslagen")
    DECIDED = "decided", _("Beslutad")
    SIGNED = "signed", _("Undertecknad")
    ACTIVE = "active", _("Aktiv")
    ENDED = "ended", _("Avslutad")
    TERMINATED = "terminated", _("Uppsagd")


class PredecessorRelation(models.TextChoices):
    CONTINUES = "continues", _("Fortsättning på")
    EXTENDS = "extends", _("Förlängning av")


class Agreement(models.Model):
    title = models.CharField(_("titel"), max_length=300)
    # A case number is the registering organisation's; several agreements of one case share
    # it, and another organisation may use the same number for its own case: not unique.
    case_number = models.CharField(
        _("diarienummer"),
        max_length=60,
        blank=True,
        help_text=_("Samma nummer kan stå på flera överenskommelser i samma ärende."),
    )
    subject = models.TextField(
        _("överenskommelsen avser"), blank=True, help_text=_("Vad överenskommelsen omfattar.")
    )
    period_start = models.DateField(_("gäller från"), validators=PERIOD_DATE_VALIDATORS)
    period_end = models.DateField(_("gäller till och med"), validators=PERIOD_DATE_VALIDATORS)
    extension_months = models.PositiveSmallIntegerField(
        _("möjlig förlängning (månader)"),
        null=True,
        blank=True,
        help_text=_("T.ex. 24 för möjlighet till två års förlängning."),
        validators=MONTHS_VALIDATORS,
    )
    notice_months = models.PositiveSmallIntegerField(
        _("uppsägningstid (månader)"), null=True, blank=True, validators=MONTHS_VALIDATORS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("föregående överenskommelse"),
    )
    predecessor_relation = models.CharField(
        _("förhållande till föregående"),
        max_length=20,
        choices=PredecessorRelation.choices,
        blank=True,
    )
    contributions_intro = models.TextField(_("inledning till parternas resursbidrag"), blank=True)
    renegotiation_text = models.TextField(
        _("omförhandling och uppsägning"),
        blank=True,
        help_text=_("Villkoren i ord; uppsägningstiden läggs till ur fältet ovan."),
    )
    signed_digitally = models.BooleanField(_("signeras digitalt"), default=False)
    signed_on = models.DateField(_("undertecknad"), null=True, blank=True)
    terminated_on = models.DateField(_("uppsagd den"), null=True, blank=True)
    # An agreement entered after it began: the reports and meetings due before this day were
    # followed up outside the app, and are not asked for here (agreements.due.rules).
    followup_done_before = models.DateField(
        _("uppföljning gjord före"),
        null=True,
        blank=True,
        help_text=_("Rapporter och möten före det här datumet är redan gjorda utanför appen."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # Optimistic locking: each save through the app bumps the version it was read at, so two
    # people editing the same agreement (or its funding) cannot silently overwrite each other.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    funding_version = models.PositiveIntegerField(
        _("version av finansieringen"), default=1, editable=False
    )
    obligations_version = models.PositiveIntegerField(
        _("version av åtagandena"), default=1, editable=False
    )
    sections_version = models.PositiveIntegerField(
        _("version av texten"), default=1, editable=False
    )
    signatories_version = models.PositiveIntegerField(
        _("version av undertecknarna"), default=1, editable=False
    )
    contributions_version = models.PositiveIntegerField(
        _("version av resursbidragen"), default=1, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="agreement_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "period_end"], name="agreement_status_end"),
            # The list's order: the first page is read off the index, not sorted.
            models.Index(fields=["-period_start", "title", "id"], name="agreement_list_order"),
        ]

    def __str__(self):
        return f"{self.title} ({self.period_start.year}–{self.period_end.year})"

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.predecessor_id and not self.predecessor_relation:
            raise ValidationError(
                {"predecessor_relation": _("Ange om den föregående fortsätts eller förlängs.")}
            )
        if self.predecessor_id and self.pk and self.predecessor_id == self.pk:
            raise ValidationError(
                {"predecessor": _("En överenskommelse kan inte föregå sig själv.")}
            )

    @property
    def years(self):
        """The calendar years the period touches (annual reports follow these)."""
        return list(range(self.period_start.year, self.period_end.year + 1))

    @property
    def funding_years(self):
        """The start year of each agreement year (twelve months from the period's start): the
        years shares are agreed for. The same as years when the period starts on 1 January."""
        return [start.year for start, _end in calendar.agreement_years(*self._period)]

    def year_dates(self, year):
        """(start, end) of the agreement year starting in year, or None."""
        return calendar.agreement_year_dates(*self._period, year)

    def year_label(self, year):
        """'2020-11-01 – 2021-10-31' for an agreement year; the bare year when it is a
        calendar year."""
        span = self.year_dates(year)
        if span is None or (span[0].month, span[0].day, span[1].month, span[1].day) == (
            1,
            1,
            12,
            31,
        ):
            return str(year)
        return f"{span[0].isoformat()} – {span[1].isoformat()}"

    @property
    def _period(self):
        return (self.period_start, self.period_end)

    def predecessor_chain(self):
        """This agreement's predecessors, nearest first (cycle-safe)."""
        chain, seen, current = [], {self.pk}, self.predecessor
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.predecessor
        return chain


class AgreementSection(models.Model):
    """One prose section of the agreement text, in order (Bakgrund, Syfte och mål …)."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("överenskommelse"),
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    heading = models.CharField(_("rubrik"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        # By the parent's id, not the parent: ordering by a foreign key follows the parent's own
        # ordering and joins its table into every read of these rows, prefetches too.
        ordering = ["agreement_id", "position", "id"]

    def __str__(self):
        return self.heading


class PartyRole(models.TextChoices):
    PUBLIC = "public", _("Offentlig part")
    NONPROFIT = "nonprofit", _("Idéburen part")
    OTHER = "other", _("Övrig part")


class AgreementParty(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=_("överenskommelse"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="agreement_roles", verbose_name=_("part")
    )
    role = models.CharField(_("roll"), max_length=20, choices=PartyRole.choices)
    unit = models.CharField(
        _("enhet i överenskommelsen"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Röda Korsets behandlingscentrum i Malmö. Tomt: organisationens enhet."),
    )
    short_name = models.CharField(
        _("förkortning"), max_length=40, blank=True, help_text=_("T.ex. SRK")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("part i överenskommelse")
        verbose_name_plural = _("parter i överenskommelse")
        ordering = ["agreement_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                name="agreement_party_once",
                violation_error_message=_("Organisationen är redan part i överenskommelsen."),
            )
        ]
        indexes = [models.Index(fields=["party", "agreement"], name="agreementparty_party")]

    def __str__(self):
        return f"{self.party} ({self.get_role_display()})"

    @property
    def display_unit(self):
        return self.unit or self.party.unit


class Signatory(models.Model):
    agreement_party = models.ForeignKey(
        AgreementParty, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("part")
    )
    name = models.CharField(_("namn"), max_length=200)
    title = models.CharField(_("titel"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("undertecknare")
        verbose_name_plural = _("undertecknare")
        ordering = ["agreement_party_id", "position", "id"]

    def __str__(self):
        return f"{self.name}, {self.title}"


class ResourceContribution(models.Model):
    """One listed item of a party's resource contribution ('Parternas resursbidrag')."""

    agreement_party = models.ForeignKey(
        AgreementParty,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("part"),
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    description = models.TextField(_("beskrivning"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resursbidrag")
        verbose_name_plural = _("resursbidrag")
        ordering = ["agreement_party_id", "position", "id"]

    def __str__(self):
        return self.description[:80]
