"""Form fields for numbers as people type them: text inputs, not type=number.

GOV.UK and Digg ask for text inputs with inputmode for numbers: a type=number field changes
under the scroll wheel, and a browser reads "3,1" typed in it as 31 or as nothing. These
fields take "1 726 000", "1 726 000 kr" and a decimal comma ("3,1"), and refuse anything else
with a message that says how to write it.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# Spaces people and spreadsheets put between thousands: space, no-break and narrow no-break.
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
KRONOR_SUFFIX = re.compile(r"(kronor|kr\.?|sek)$", re.IGNORECASE)


def _compact(value):
    """The text without spaces, with a typographic minus as a hyphen."""
    return SPACES.sub("", str(value)).replace("\u2212", "-")


class WholeNumberField(forms.IntegerField):
    """A whole number (a count, a year's figure) typed with or without thousands spaces."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})
    default_error_messages = {"invalid": _("Ange ett heltal, t.ex. 70.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = _compact(value)
        return super().to_python(value)


class KronorField(WholeNumberField):
    """Whole kronor: "1 726 000", "1726000" or "1 726 000 kr"."""

    default_error_messages = {
        "invalid": _("Ange beloppet i hela kronor, t.ex. 1 726 000."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = KRONOR_SUFFIX.sub("", _compact(value))
        return super().to_python(value)


class PercentField(forms.DecimalField):
    """A percentage with a decimal comma or point: "3,1", "3.1", "3,1 %", "−0,4"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {"invalid": _("Ange procent med decimalkomma, t.ex. 3,1.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = _compact(value).removesuffix("%").replace(",", ".")
        return super().to_python(value)
