from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from ..due.texts import Text
from ..uploads import EXTENSIONS, attachment_name
from .agreements import Agreement
from .obligations import CapacityTarget, Obligation
from .parties import Party


class Meeting(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("överenskommelse"),
    )
    date = models.DateField(_("datum"))
    called_by = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kallad av"),
    )
    participants = models.TextField(_("deltagare"), blank=True)
    minutes = models.TextField(_("minnesanteckningar"), blank=True)
    # Optimistic locking, as on Agreement.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samverkansmöte")
        verbose_name_plural = _("samverkansmöten")
        ordering = ["-date"]
        indexes = [models.Index(fields=["agreement", "date"], name="meeting_agreement_date")]

    def __str__(self):
        return f"{self.date.isoformat()} – {self.agreement.title}"


class ReportPeriod(models.TextChoices):
    T1 = "T1", _("Tertial 1 (jan–apr)")
    T2 = "T2", _("Tertial 2 (maj–aug)")
    T3 = "T3", _("Tertial 3 (sep–dec)")
    ANNUAL = "annual", _("Årsrapport")
    ONE_OFF = "", _("Enstaka")


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ej påbörjad")
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inlämnad")
    RETURNED = "returned", _("Returnerad för komplettering")
    APPROVED = "approved", _("Godkänd")


# Statuses in which the reporting organisation writes the report; the others are handed in.
EDITABLE_REPORT_STATUSES = (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED)
# Statuses in which the duty to report is met.
HANDED_IN_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class Report(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("överenskommelse"),
    )
    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("åtagande"),
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("rapporterande part"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("period"), max_length=10, choices=ReportPeriod.choices, blank=True)
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    due_date = models.DateField(_("ska lämnas senast"))
    original_due_date = models.DateField(_("ursprunglig förfallodag"), null=True, blank=True)
    due_date_reason = models.CharField(
        _("skäl till ändrad förfallodag"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.NOT_STARTED,
    )
    text = models.TextField(_("redovisning"), blank=True)
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inlämnad av"),
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    review_comment = models.TextField(_("kommentar vid granskning"), blank=True)
    # Optimistic locking, as on Agreement.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-year", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "period"],
                condition=~Q(period=""),
                name="report_once_per_period",
                violation_error_message=_("Det finns redan en rapport för den perioden."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "draft"]) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
                violation_error_message=_("En inlämnad rapport måste ha inlämningstid."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="report_status_due"),
        ]

    def __str__(self):
        label = self.title or self.get_period_display()
        return f"{self.year} {label} – {self.agreement.title}"

    @property
    def period_label(self):
        if self.period == ReportPeriod.ANNUAL:
            return Text(gettext_noop("%(year)s årsrapport"), {"year": self.year})
        return f"{self.year} {self.period or self.title}"


class ReportFigure(models.Model):
    """A figure reported against one of the agreement's capacity targets."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="figures", verbose_name=_("rapport")
    )
    target = models.ForeignKey(
        CapacityTarget, on_delete=models.PROTECT, related_name="figures", verbose_name=_("mål")
    )
    value = models.PositiveIntegerField(_("utfall"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapporterat utfall")
        verbose_name_plural = _("rapporterade utfall")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"],
                name="report_figure_once",
                violation_error_message=_("Utfallet för målet är redan angivet."),
            )
        ]

    def __str__(self):
        return f"{self.target.description}: {self.value}"


def attachment_path(instance, filename):
    return f"attachments/{instance.report.agreement_id}/{instance.report_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("rapport")
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uppladdad av"),
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self):
        """The name to show and download under, its extension that of the checked type (a
        file uploaded before names were derived from it may have kept another)."""
        return attachment_name(self.original_name, EXTENSIONS.get(self.content_type, "bin"))
