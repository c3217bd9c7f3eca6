from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .agreements import Agreement
from .decisions import Decision


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Beslutsförslag")
    AGREEMENT = "agreement", _("Överenskommelse")


class IssuedDocument(models.Model):
    """A frozen, issued PDF (sent to the committee or signed). Never edited, never deleted."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("överenskommelse"),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("beslut"),
    )
    kind = models.CharField(_("dokumenttyp"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    identifier = models.CharField(_("dokument-id"), max_length=120)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utfärdad av"),
    )
    issued_at = models.DateTimeField(_("utfärdad"))
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("ersätter"),
    )

    class Meta:
        verbose_name = _("utfärdat dokument")
        verbose_name_plural = _("utfärdade dokument")
        ordering = ["agreement_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "version"],
                name="issued_document_version_once",
                violation_error_message=_("Versionen finns redan."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.identifier} v{self.version}"


class ReminderLog(models.Model):
    """One reminder sent to one user; the key makes sending idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("användare"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("överenskommelse"),
    )
    key = models.CharField(_("nyckel"), max_length=200)
    due_date = models.DateField(_("förfallodag"))
    subject = models.CharField(_("ämne"), max_length=300)
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user")
        ]

    def __str__(self):
        return f"{self.subject} → {self.user}"


class CalendarFeed(models.Model):
    """A user's private iCalendar feed; revoking deletes the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("användare"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("kalenderflöde")
        verbose_name_plural = _("kalenderflöden")

    def __str__(self):
        return str(self.user)
