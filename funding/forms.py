"""Forms of the money pages: funding lines with their yearly shares, payments, index values."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from agreements.forms import (
    PARAGRAPHS_MAX_LENGTH,
    AddRowMixin,
    ConstraintFieldsMixin,
    DateInput,
    RowsMixin,
    TextLimitsMixin,
)
from agreements.models import Agreement, Party, PartyRole
from agreements.number_fields import KronorField, PercentField, WholeNumberField

from .models import FundingLine, IndexSeries, IndexValue, Payment, PaymentPlan, Share
from .models.lines import AMOUNT_TOO_LARGE
from .services import (
    CORRECTED_INDEX_FIELDS,
    EDITED_LINE_FIELDS,
    PLAN_FIELDS,
    line_amount_errors,
)


class FundingLineForm(TextLimitsMixin, ConstraintFieldsMixin, forms.ModelForm):
    """A funding line with one amount field per year of the agreement's period."""

    text_limits = dict.fromkeys(("uplift_fallback", "uplift_rule_text"), PARAGRAPHS_MAX_LENGTH)
    constraint_fields = {
        "funding_line_once": "purpose",
        "funding_line_total_not_negative": "period_total",
        "funding_line_uplift_complete": "uplift_first_year",
        "funding_line_one_uplift_rule": "uplift_rule_text",
    }

    class Meta:
        model = FundingLine
        fields = EDITED_LINE_FIELDS
        field_classes = {"period_total": KronorField, "uplift_first_year": WholeNumberField}
        widgets = {
            "uplift_published_month": forms.Select(
                choices=[("", "---------")] + [(m, m) for m in range(1, 13)]
            ),
            "uplift_fallback": forms.Textarea(attrs={"rows": 2}),
            "uplift_rule_text": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"period_total": {"max_value": AMOUNT_TOO_LARGE}}

    def __init__(
        self,
        *args,
        agreement=None,
        party_choices=None,
        receivers=None,
        receiver=None,
        editable=None,
        series=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Another party's line is shown, not changed: its fields ignore what is posted.
        self.locked = bool(
            self.instance.pk and editable is not None and self.instance.party_id not in editable
        )
        self.years = agreement.funding_years if agreement else []
        existing = {}
        if self.instance.pk:
            existing = {share.year: share.amount for share in self.instance.shares.all()}
        for year in self.years:
            self.fields[f"amount_{year}"] = KronorField(
                label=_("%(year)s (kr)") % {"year": agreement.year_label(year)},
                required=False,
                initial=existing.get(year),
            )
        # Any organisation validates (the model says whether it is a party); only parties
        # are offered.
        for name, choices in (("party", party_choices), ("receiver", receivers)):
            self.fields[name].queryset = Party.objects.all()
            if choices is not None:
                self.fields[name].widget.choices = choices
        # The series the user may use (national ones and their organisations' own), and the
        # one the line already has.
        if series is not None:
            queryset, choices = series
            self.fields["uplift_series"].queryset = queryset
            self.fields["uplift_series"].widget.choices = choices
        if not self.instance.pk and receiver is not None:
            self.fields["receiver"].initial = receiver
        for field in self.fields.values():
            field.disabled = field.disabled or self.locked

    def year_fields(self):
        return [self[f"amount_{y}"] for y in self.years]

    def shares(self):
        """{year: amount or None} as entered, one per year of the agreement."""
        return {year: self.cleaned_data.get(f"amount_{year}") for year in self.years}

    def clean(self):
        cleaned = super().clean()
        # The receiver offered by default is the agreement's non-profit; on a line it pays
        # itself, the default does not apply (choosing the payer on purpose is refused).
        receiver = cleaned.get("receiver")
        default = "receiver" not in self.changed_data
        if default and receiver is not None and receiver == cleaned.get("party"):
            cleaned["receiver"] = None
        return cleaned

    def uplift_fields(self):
        names = ["uplift_series", "uplift_first_year", "uplift_basis", "uplift_published_month"]
        return [self[name] for name in names]

    def _post_clean(self):
        super()._post_clean()
        errors = line_amount_errors(
            amount_pending=self.cleaned_data.get("amount_pending", False),
            period_total=self.cleaned_data.get("period_total"),
            shares=self.shares(),
        )
        for name, message in errors.items():
            if name in self.fields and not self.locked:
                self.add_error(name, message)
        for year, amount in self.shares().items():
            if amount is None:
                continue
            try:
                Share(line=self.instance, year=year, amount=amount).full_clean(
                    exclude=["line"], validate_unique=False
                )
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(f"amount_{year}", message)


class BaseFundingLineFormSet(AddRowMixin, RowsMixin, forms.BaseInlineFormSet):
    """Every line of the agreement; those of parties not in editable (ids of the parties
    whose lines the user may change; None: every party) are shown locked, and new lines are
    offered for the editable parties only; one more on request (AddRowMixin)."""

    def __init__(self, *args, editable=None, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The index series offered (those the user may use and those the lines have), read once
        # for every row.
        self.series = None
        if series is not None:
            used = self.get_queryset().exclude(uplift_series=None).values("uplift_series")
            queryset = IndexSeries.objects.filter(Q(pk__in=series.values("pk")) | Q(pk__in=used))
            self.series = (queryset, [("", "---------")] + [(s.pk, s.name) for s in queryset])
        # The agreement's parties, read once for every row's choice of payer and receiver.
        roles = list(self.instance.parties.select_related("party"))
        parties = {ap.party_id: ap.party for ap in roles}
        self.editable = set(parties) if editable is None else editable
        self.party_choices = [("", "---------")] + [
            (pk, party.name) for pk, party in parties.items() if pk in self.editable
        ]
        self.receivers = [("", "---------")] + [(pk, p.name) for pk, p in parties.items()]
        # A new line is paid to the agreement's non-profit party when there is only one.
        nonprofits = [ap.party_id for ap in roles if ap.role == PartyRole.NONPROFIT]
        self.receiver = nonprofits[0] if len(nonprofits) == 1 else None
        # Room for one line per party on a new agreement, one more row later.
        if self.instance.pk:
            own_lines = self.get_queryset().filter(party__in=self.editable).count()
            self.extra = max(1, len(self.party_choices) - 1 - own_lines)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["agreement"] = self.instance
        kwargs["party_choices"] = self.party_choices
        kwargs["receivers"] = self.receivers
        kwargs["receiver"] = self.receiver
        kwargs["editable"] = self.editable
        kwargs["series"] = self.series
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if getattr(form, "locked", False) and "DELETE" in form.fields:
            form.fields["DELETE"].disabled = True

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            agreement=self.instance,
            party_choices=self.party_choices,
            receivers=self.receivers,
            receiver=self.receiver,
            editable=self.editable,
            series=self.series,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def rows(self):
        """The rows of the lines the user may change; the locked ones stay as they are."""
        return [self.row(form) for form in self.forms if form.cleaned_data and not form.locked]

    def row(self, form):
        return super().row(form) | {"shares": form.shares()}


FundingLineFormSet = inlineformset_factory(
    Agreement,
    FundingLine,
    form=FundingLineForm,
    formset=BaseFundingLineFormSet,
    extra=3,
    can_delete=True,
)


class PaymentPlanForm(ConstraintFieldsMixin, forms.ModelForm):
    """How a funding line is paid out; the payee is the line's receiver."""

    constraint_fields = {
        "payment_plan_month_valid": "first_month",
        "payment_plan_day_valid": "due_day",
    }

    class Meta:
        model = PaymentPlan
        fields = PLAN_FIELDS
        widgets = {
            "first_month": forms.Select(choices=[(m, m) for m in range(1, 13)]),
            "due_day": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "due_day": {"required": _("Ange senaste dag i månaden för betalningen")},
        }


class PaymentForm(ConstraintFieldsMixin, forms.ModelForm):
    """A payment against one of the agreement's funding lines."""

    constraint_fields = {"payment_amount_positive": "amount"}

    class Meta:
        model = Payment
        fields = ["line", "year", "paid_on", "amount", "reference", "note"]
        field_classes = {"year": WholeNumberField, "amount": KronorField}
        widgets = {"paid_on": DateInput()}
        # Beyond the column's range the form field refuses the number before the model does.
        error_messages = {
            "year": {"required": _("Ange vilket år betalningen avser")},
            "amount": {"required": _("Ange belopp"), "max_value": AMOUNT_TOO_LARGE},
        }

    def __init__(self, *args, agreement, editable=None, **kwargs):
        super().__init__(*args, **kwargs)
        line_field = self.fields["line"]
        line_field.queryset = FundingLine.objects.filter(agreement=agreement).select_related(
            "party"
        )
        # Any line of the agreement validates (the view refuses another party's with 403);
        # the lines of the parties whose payments the user registers are offered.
        line_field.widget.choices = [("", "---------")] + [
            (line.pk, str(line))
            for line in line_field.queryset
            if editable is None or line.party_id in editable
        ]


class IndexSeriesForm(ConstraintFieldsMixin, forms.ModelForm):
    """An organisation's own index series, owned by one of the organisations the user
    administers."""

    constraint_fields = {"index_series_name_once_per_owner": "name"}

    class Meta:
        model = IndexSeries
        fields = ["owner", "name", "publisher", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].required = True
        self.fields["owner"].help_text = ""


# The labels "Förändring (procent)" and "Publicerat" would not read after "Ange".
INDEX_VALUE_REQUIRED = {
    "percent": {"required": _("Ange förändringen i procent")},
    "published_on": {"required": _("Ange när värdet publicerades")},
}


class IndexValueForm(forms.ModelForm):
    class Meta:
        model = IndexValue
        fields = ["year", "percent", "status", "published_on", "source"]
        field_classes = {"year": WholeNumberField, "percent": PercentField}
        widgets = {"published_on": DateInput()}
        error_messages = INDEX_VALUE_REQUIRED


REASON_MAX_LENGTH = 500


def reason_field(label, required):
    return forms.CharField(
        label=label,
        error_messages={"required": required},
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Visas i seriens historik, t.ex. SKR:s rättelse i cirkulär 26:50."),
    )


class IndexCorrectionForm(forms.ModelForm):
    """A correction of a published value: its new figures and why."""

    reason = reason_field(_("Varför rättas värdet?"), _("Ange varför värdet rättas"))

    class Meta:
        model = IndexValue
        fields = list(CORRECTED_INDEX_FIELDS)
        field_classes = {"percent": PercentField}
        widgets = {"published_on": DateInput()}
        error_messages = INDEX_VALUE_REQUIRED


class IndexWithdrawalForm(forms.Form):
    reason = reason_field(_("Varför dras värdet tillbaka?"), _("Ange varför värdet dras tillbaka"))


class IndexImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Kolumner: år, procent, status (preliminärt eller slutligt), publiceringsdag, källa"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("Filen är för stor (högst 512 kB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Filen måste vara UTF-8-kodad text.")) from None
