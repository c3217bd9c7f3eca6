"""The form of an organisation's letterhead page: logo and house font."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .letterhead import HOUSE_FONTS


class LetterheadForm(forms.Form):
    logo = forms.FileField(
        label=_("Logotyp"),
        required=False,
        help_text=_(
            "PNG eller JPEG, högst 1 MB. Den står överst på varje sida i de dokument "
            "organisationen utfärdar. Tomt: logotypen som finns står kvar."
        ),
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)
    document_font = forms.ChoiceField(
        label=_("Typsnitt i dokumenten"),
        choices=HOUSE_FONTS,
        required=False,
        help_text=_(
            "Typsnittet i överenskommelser och beslutsförslag som organisationen utfärdar."
        ),
    )

    def __init__(self, data=None, files=None, *, party):
        super().__init__(data, files, initial={"document_font": party.document_font})
        if not party.logo:
            del self.fields["remove_logo"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            self.add_error("remove_logo", _("Välj antingen en ny logotyp eller att ta bort den."))
        return cleaned

    def details(self):
        return {
            "logo": self.cleaned_data["logo"] or None,
            "remove_logo": self.cleaned_data.get("remove_logo", False),
            "font": self.cleaned_data["document_font"],
        }
