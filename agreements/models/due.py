"""Due items kept as rows, so the dashboard reads a region's to-do list with a few indexed
queries instead of computing every deadline of thousands of agreements on each visit.

The rules live in agreements.due, whose docstring draws the flow; these rows are their output,
refreshed per agreement when anything a deadline depends on changes (agreements.due.invalidation
marks it) and when the stored window is older than a month or from last year.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..due.texts import translated
from .agreements import Agreement
from .parties import Party


class DueItem(models.Model):
    """One open deadline of an agreement, as agreements.due computed it, once for each
    party of the agreement: a user sees the rows of their own organisations, read off the
    (party, due date) index however many agreements the instance holds."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="due_items",
        verbose_name=_("överenskommelse"),
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("synlig för part"),
        help_text=_("Tomt för en överenskommelse utan parter."),
    )
    first = models.BooleanField(
        _("första raden"), default=False, help_text=_("En rad per uppgift, för en överblick.")
    )
    kind = models.CharField(_("slag"), max_length=20)
    key = models.CharField(_("nyckel"), max_length=120)
    due_date = models.DateField(_("senast"))
    # Title and detail untranslated, as a message and its values (values null: words a
    # person wrote), translated for each reader when shown (agreements.due.texts).
    title_message = models.CharField(max_length=400)
    title_values = models.JSONField(null=True, blank=True)
    detail_message = models.CharField(max_length=400, blank=True)
    detail_values = models.JSONField(null=True, blank=True)
    # The report period of a report item.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    period = models.CharField(max_length=10, blank=True)
    responsible_party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    url = models.CharField(_("länk"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("förfallande uppgift")
        verbose_name_plural = _("förfallande uppgifter")
        ordering = ["due_date", "agreement_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key", "party"], name="due_item_once"),
        ]
        indexes = [
            models.Index(fields=["party", "due_date"], name="due_item_party_date"),
            # The dashboard's groups: one organisation's items of some kinds, by due date, and
            # who acts on each (store.acting_on) read off the index alone.
            models.Index(
                fields=["party", "kind", "due_date", "responsible_party", "agreement"],
                name="due_item_party_kind_acting",
            ),
            models.Index(
                fields=["due_date"], condition=models.Q(first=True), name="due_item_first_date"
            ),
        ]

    def __str__(self):
        return f"{self.due_date} {self.title}"

    @property
    def title(self):
        """The title in the active language."""
        return translated(self.title_message, self.title_values)

    @property
    def detail(self):
        return translated(self.detail_message, self.detail_values)


class DueState(models.Model):
    """When an agreement's due items were computed, and whether something they depend on
    changed since (dirty). Dirty, or a refresh from another year or more than a month ago: the
    items are recomputed before they are read. Every agreement saved gets a row (signals); one
    bulk-loaded without gets its items from the nightly run."""

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, primary_key=True, related_name="due_state"
    )
    # The day the items were computed for (the caller's today, not the wall clock): the rules
    # compare it with the same today when deciding whether the items are out of date.
    refreshed_on = models.DateField(null=True, blank=True)
    dirty = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["refreshed_on"], name="due_state_refreshed_on"),
            models.Index(
                fields=["agreement"], condition=models.Q(dirty=True), name="due_state_dirty"
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id}: {self.refreshed_on}"


class DueOverrideAction(models.TextChoices):
    CLOSED = "closed", _("Stängd")
    MOVED = "moved", _("Flyttad")


class DueOverride(models.Model):
    """A person's decision about one due item of an agreement: closed (nothing more to do),
    or moved to a new date, with the reason. The latest one for an item is what the deadline
    rules apply (agreements.due.rules.apply_overrides); the earlier ones are its history."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="due_overrides",
        verbose_name=_("överenskommelse"),
    )
    # The item's identity as the rules give it (Deadline.key), and what it is, for the history.
    key = models.CharField(_("nyckel"), max_length=120)
    kind = models.CharField(_("slag"), max_length=20)
    title = models.CharField(_("uppgift"), max_length=400)
    action = models.CharField(_("åtgärd"), max_length=10, choices=DueOverrideAction.choices)
    due_date = models.DateField(_("ny förfallodag"), null=True, blank=True)
    reason = models.TextField(_("skäl"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    at = models.DateTimeField(_("tidpunkt"))

    class Meta:
        verbose_name = _("ändrad förfallande uppgift")
        verbose_name_plural = _("ändrade förfallande uppgifter")
        ordering = ["agreement_id", "key", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="closed", due_date__isnull=True)
                | models.Q(action="moved", due_date__isnull=False),
                name="due_override_moved_has_date",
            ),
        ]
        indexes = [models.Index(fields=["agreement", "key"], name="due_override_item")]

    def __str__(self):
        return f"{self.key}: {self.get_action_display()}"
