from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the app (or, at login, a recovery code)."""

    code = forms.CharField(
        label=_("Kod"),
        max_length=20,
        error_messages={"required": _("Ange koden.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text


class ConfirmForm(forms.Form):
    """A button on a page that asks before something that cannot be undone."""
