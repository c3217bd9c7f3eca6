from decimal import Decimal

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Party


class IndexSeries(models.Model):
    """An index used for yearly uplift, e.g. LPIK exklusive läkemedel (SKR).

    A series without an owner is national: its values change other organisations' amounts,
    so only users the operator has given the permission maintain_national_index change them.
    A series with an owner is that organisation's own, changed by its administrators.
    """

    name = models.CharField(_("namn"), max_length=200)
    owner = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="index_series",
        verbose_name=_("ägare"),
        help_text=_(
            "Organisationen vars administratörer för in värdena. Tomt: en nationell serie, "
            "som bara förvaltare av nationella index ändrar."
        ),
    )
    publisher = models.CharField(_("utgivare"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indexserie")
        verbose_name_plural = _("indexserier")
        ordering = ["name"]
        permissions = [("maintain_national_index", _("Får förvalta nationella indexserier"))]
        constraints = [
            # Names are unique per owner: a name taken by another organisation's own series
            # tells nothing about it.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(owner__isnull=True),
                name="index_series_national_name_once",
                violation_error_message=_(
                    "Det finns redan en nationell indexserie med det namnet."
                ),
            ),
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="index_series_name_once_per_owner",
                violation_error_message=_("Organisationen har redan en indexserie med det namnet."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_national(self):
        return self.owner_id is None


# The largest yearly change an index value may state, in percent: far above any index in use
# (LPIK moves a few percent a year). The smallest is above −100, a constraint.
MAX_INDEX_PERCENT = Decimal(100)


class ValueStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminärt")
    FINAL = "final", _("Slutligt")


class IndexValue(models.Model):
    series = models.ForeignKey(
        IndexSeries, on_delete=models.CASCADE, related_name="values", verbose_name=_("indexserie")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    percent = models.DecimalField(
        _("förändring (procent)"),
        max_digits=6,
        decimal_places=3,
        help_text=_("T.ex. 3.100"),
        validators=[
            MaxValueValidator(
                MAX_INDEX_PERCENT, message=_("Förändringen får vara högst 100 procent.")
            )
        ],
    )
    status = models.CharField(_("status"), max_length=20, choices=ValueStatus.choices)
    published_on = models.DateField(_("publicerat"))
    source = models.CharField(
        _("källa"),
        max_length=300,
        help_text=_("Varifrån värdet kommer; exempelvärden märks som exempel."),
    )
    # Who added, corrected or withdrew a value, when and why: corrections keep what was there.
    # Optimistic locking of corrections (agreements.services.conflicts).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("indexvärde")
        verbose_name_plural = _("indexvärden")
        ordering = ["series_id", "year", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "status"],
                name="index_value_once",
                violation_error_message=_("Det finns redan ett sådant värde för året."),
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=-100),
                name="index_value_above_minus_100",
                violation_error_message=_("Förändringen måste vara större än −100 procent."),
            ),
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.percent} % ({self.get_status_display()})"
