from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IndexSeries, IndexValue


class PaymentForm(forms.Form):
    line = forms.ModelChoiceField(queryset=None, label=_("Finansieringsrad"))
    year = forms.IntegerField(label=_("Avser år"), min_value=1900, max_value=2200)
    paid_on = forms.DateField(label=_("Betalningsdag"), help_text=_("ÅÅÅÅ-MM-DD"))
    amount = forms.IntegerField(label=_("Belopp (kr)"), min_value=1)
    reference = forms.CharField(label=_("Referens"), max_length=60, required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines


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
