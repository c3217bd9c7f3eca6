from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agreements import Agreement
from .parties import Party


class DecisionKind(models.TextChoices):
    FRAMEWORK = "framework", _("Ramöverenskommelse")
    AGREEMENT = "agreement", _("Ingå överenskommelse")
    EXTENSION = "extension", _("Förlängning")
    TERMINATION = "termination", _("Uppsägning")
    OTHER = "other", _("Övrigt")


class DecisionOutcome(models.TextChoices):
    PROPOSED = "proposed", _("Förslag")
    APPROVED = "approved", _("Bifall")
    REJECTED = "rejected", _("Avslag")
    WITHDRAWN = "withdrawn", _("Återtaget")


class Decision(models.Model):
    """A decision of a body (nämnd, fullmäktige), and while pending, its proposal."""

    organisation = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organisation")
    )
    body = models.CharField(
        _("beslutande organ"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Hälso- och sjukvårdsnämnden"),
    )
    kind = models.CharField(
        _("typ"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.AGREEMENT
    )
    outcome = models.CharField(
        _("utfall"),
        max_length=20,
        choices=DecisionOutcome.choices,
        default=DecisionOutcome.PROPOSED,
    )
    title = models.CharField(_("ärende"), max_length=300, blank=True)
    case_number = models.CharField(_("diarienummer"), max_length=60, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    paragraph = models.CharField(
        _("paragraf"), max_length=20, blank=True, help_text=_("Utan §-tecken, t.ex. 190")
    )
    summary = models.TextField(
        _("vad beslutades"),
        blank=True,
        help_text=_("Som i ärendets historik: 'att anta ett förslag till överenskommelse …'"),
    )
    agreements = models.ManyToManyField(
        Agreement,
        through="DecisionAgreement",
        blank=True,
        related_name="decisions",
        verbose_name=_("överenskommelser"),
    )
    cites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        verbose_name=_("tidigare beslut i ärendet"),
    )
    # The proposal (beslutsförslag) that goes to the body.
    proposal_date = models.DateField(_("förslagets datum"), null=True, blank=True)
    case_officer_name = models.CharField(_("handläggare"), max_length=200, blank=True)
    case_officer_email = models.EmailField(_("handläggarens e-post"), blank=True)
    document_identifier = models.CharField(
        _("dokument-id"),
        max_length=120,
        blank=True,
        help_text=_("Ärendesystemets id, tryckt på varje sida."),
    )
    proposal_summary = models.TextField(_("sammanfattning"), blank=True)
    background = models.TextField(
        _("beskrivning av ärendet"),
        blank=True,
        help_text=_(
            "Skälen för förslaget. Historiken skapas ur tidigare beslut och överenskommelser."
        ),
    )
    legal_assessment = models.TextField(_("juridisk bedömning"), blank=True)
    environmental_impact = models.TextField(_("miljökonsekvenser"), blank=True)
    union_consultation = models.TextField(
        _("samverkan med berörda fackliga organisationer"), blank=True
    )
    follow_up = models.TextField(_("uppföljning"), blank=True)
    chair_name = models.CharField(_("ordförande"), max_length=200, blank=True)
    chair_title = models.CharField(
        _("ordförandens titel"), max_length=200, blank=True, default="Ordförande"
    )
    director_name = models.CharField(_("direktör"), max_length=200, blank=True)
    director_title = models.CharField(_("direktörens titel"), max_length=200, blank=True)
    # Optimistic locking, as on Agreement: the proposal with its rows, and what was decided.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-decided_on", "-proposal_date", "-id"]
        indexes = [models.Index(fields=["organisation", "outcome"], name="decision_org_outcome")]

    def __str__(self):
        when = self.decided_on.isoformat() if self.decided_on else _("ej beslutat")
        paragraph = f" § {self.paragraph}" if self.paragraph else ""
        return f"{self.body} {when}{paragraph}"

    def get_absolute_url(self):
        return reverse("agreements:decision", args=[self.pk])

    @property
    def reference(self):
        """'2015-12-02 § 190' as cited in documents."""
        parts = [self.decided_on.isoformat()] if self.decided_on else []
        if self.paragraph:
            parts.append(f"§ {self.paragraph}")
        return " ".join(parts)

    def agreements_in_order(self):
        """The agreements the decision covers, in the order the secretary listed them."""
        return self.agreements.order_by(*AGREEMENTS_IN_ORDER)


class DecisionAgreement(models.Model):
    """An agreement a decision covers, at its place in the decision's list."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, verbose_name=_("beslut"))
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, verbose_name=_("överenskommelse")
    )
    # Links added without a place (0) keep the agreements' own order among themselves.
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        # The table Django created for the field before it had a through model.
        db_table = "agreements_decision_agreements"
        verbose_name = _("överenskommelse i beslut")
        verbose_name_plural = _("överenskommelser i beslut")
        ordering = ["decision_id", "position", "id"]
        # unique_together, not a UniqueConstraint: it is the constraint the table already has.
        unique_together = [("decision", "agreement")]

    def __str__(self):
        return str(self.agreement)


# A decision's agreements as listed: by their place, links without one in the agreements' order.
AGREEMENTS_IN_ORDER = ("decisionagreement__position", *Agreement._meta.ordering, "id")


class DecisionItem(models.Model):
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="items", verbose_name=_("beslut")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("beslutspunkt"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutspunkt")
        verbose_name_plural = _("beslutspunkter")
        ordering = ["decision_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "number"],
                name="decision_item_number_once",
                violation_error_message=_("Beslutspunkten har redan det numret."),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class CaseDocument(models.Model):
    """A document listed in the case ('I ärendet finns följande dokument')."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="case_documents", verbose_name=_("beslut")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("dokument"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dokument i ärendet")
        verbose_name_plural = _("dokument i ärendet")
        ordering = ["decision_id", "number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ConditionStatus(models.TextChoices):
    MET = "met", _("Uppfyllt")
    WAITING = "waiting", _("Väntar på beslut")


class DecisionCondition(models.Model):
    """The decision holds only if another party decides the same."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("beslut")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("part som ska besluta")
    )
    body = models.CharField(
        _("organ"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Arbetsmarknads- och socialnämnden"),
    )
    satisfied_by = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="satisfies",
        verbose_name=_("uppfyllt genom beslut"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("villkor på annan parts beslut")
        verbose_name_plural = _("villkor på andra parters beslut")

    def __str__(self):
        return f"{self.party} {self.body}".strip()

    @property
    def is_met(self):
        return self.satisfied_by_id is not None

    @property
    def status(self):
        """The condition's status, as every page shows it (agreements/_condition_status.html)."""
        return ConditionStatus.MET if self.is_met else ConditionStatus.WAITING


class DecisionRecord(models.Model):
    """What a body decided, as recorded: the first recording of a decision, or a correction
    of the record before it. A record is never changed: a mistake is corrected by a new record
    with a reason (agreements.services.lifecycle.correct_decision), the one it corrects stays
    and is shown as corrected, and the decision carries the values of its latest record."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="records", verbose_name=_("beslut")
    )
    body = models.CharField(_("beslutande organ"), max_length=200, blank=True)
    # None only on a record kept for a decision recorded without a date before records were.
    decided_on = models.DateField(_("beslutsdatum"), null=True)
    paragraph = models.CharField(_("paragraf"), max_length=20, blank=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=DecisionOutcome.choices)
    summary = models.TextField(_("vad beslutades"), blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("rättar"),
    )
    reason = models.TextField(_("skäl till rättelsen"), blank=True)
    # Unknown (None) for a decision recorded before records were kept.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerat av"),
    )
    recorded_at = models.DateTimeField(_("registrerat"), null=True, blank=True)

    # The fields a record holds, in the order a correction shows them.
    FIELDS = ("outcome", "decided_on", "paragraph", "body", "summary")

    class Meta:
        verbose_name = _("registrerat beslut")
        verbose_name_plural = _("registrerade beslut")
        ordering = ["decision_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="proposed"),
                name="decision_record_is_decided",
                violation_error_message=_("Ange vad som beslutades."),
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="decision_correction_has_reason",
                violation_error_message=_("Skriv varför beslutet rättas."),
            ),
        ]

    def __str__(self):
        paragraph = f" § {self.paragraph}" if self.paragraph else ""
        return f"{self.get_outcome_display()} {self.shown('decided_on')}{paragraph}"

    def changes(self):
        """(field label, before, after) of each value this correction changed."""
        if self.corrects is None:
            return []
        return [
            (
                self._meta.get_field(name).verbose_name,
                self.corrects.shown(name),
                self.shown(name),
            )
            for name in self.FIELDS
            if getattr(self.corrects, name) != getattr(self, name)
        ]

    def shown(self, name):
        """A field's value as the decision page shows it."""
        if name == "outcome":
            return self.get_outcome_display()
        if name == "decided_on" and self.decided_on:
            return self.decided_on.isoformat()
        return getattr(self, name) or "–"
