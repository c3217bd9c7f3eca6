"""Forms of the money pages: funding lines with their yearly shares, payments, index values."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from agreements.forms import ConstraintFieldsMixin, DateInput, RowsMixin
from agreements.models import Agreement, Party

from .models import FundingLine, IndexSeries, IndexValue, Payment, Share
from .models.lines import AMOUNT_TOO_LARGE
from .services import EDITED_LINE_FIELDS


class FundingLineForm(ConstraintFieldsMixin, forms.ModelForm):
    """A funding line with one amount field per year of the agreement's period."""

    constraint_fields = {"funding_line_once": "purpose"}

    class Meta:
        model = FundingLine
        fields = EDITED_LINE_FIELDS

    def __init__(self, *args, agreement=None, party_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = agreement.years if agreement else []
        existing = {}
        if self.instance.pk:
            existing = {share.year: share.amount for share in self.instance.shares.all()}
        for year in self.years:
            self.fields[f"amount_{year}"] = forms.IntegerField(
                label=_("%(year)s (kr)") % {"year": year},
                required=False,
                initial=existing.get(year),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        party_field = self.fields["party"]
        # Any organisation validates (the model says whether it is a party); only parties
        # are offered.
        party_field.queryset = Party.objects.all()
        if party_choices is not None:
            party_field.widget.choices = party_choices

    def year_fields(self):
        return [self[f"amount_{y}"] for y in self.years]

    def shares(self):
        """{year: amount or None} as entered, one per year of the agreement."""
        return {year: self.cleaned_data.get(f"amount_{year}") for year in self.years}

    def _post_clean(self):
        super()._post_clean()
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


class BaseFundingLineFormSet(RowsMixin, forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for one line per party on a new agreement, one more row later.
        # The agreement's parties, read once for every row's choice of payer.
        self.party_choices = [("", "---------")] + [
            (ap.party_id, ap.party.name) for ap in self.instance.parties.select_related("party")
        ]
        if self.instance.pk:
            parties = len(self.party_choices) - 1
            self.extra = max(1, parties - self.get_queryset().count())

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["agreement"] = self.instance
        kwargs["party_choices"] = self.party_choices
        return kwargs

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            agreement=self.instance,
            party_choices=self.party_choices,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

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


class PaymentForm(ConstraintFieldsMixin, forms.ModelForm):
    """A payment against one of the agreement's funding lines."""

    constraint_fields = {"payment_amount_positive": "amount"}

    class Meta:
        model = Payment
        fields = ["line", "year", "paid_on", "amount", "reference", "note"]
        widgets = {"paid_on": DateInput()}
        # Beyond the column's range the form field refuses the number before the model does.
        error_messages = {"amount": {"max_value": AMOUNT_TOO_LARGE}}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = FundingLine.objects.filter(
            agreement=agreement
        ).select_related("party")


class IndexValueForm(forms.ModelForm):
    class Meta:
        model = IndexValue
        fields = ["series", "year", "percent", "status", "published_on", "source"]


class IndexImportForm(forms.Form):
    series = forms.ModelChoiceField(queryset=IndexSeries.objects.all(), label=_("Indexserie"))
    file = forms.FileField(
        label=_("CSV-fil"),
        help_text=_("Kolumner: year, percent, status (preliminary/final), published_on, source"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("Filen är för stor (högst 512 kB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Filen måste vara UTF-8-kodad text.")) from None
