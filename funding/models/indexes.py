from decimal import Decimal

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IndexSeries(models.Model):
    """An index used for yearly uplift, e.g. LPIK exklusive läkemedel (SKR)."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    publisher = models.CharField(_("utgivare"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indexserie")
        verbose_name_plural = _("indexserier")
        ordering = ["name"]

    def __str__(self):
        return self.name


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
    history = HistoricalRecords()

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
