"""The site's form renderer: every required field that is left empty says what to do.

GOV.UK and Digg ask for an error that names the field and the action ("Ange
organisationsnummer", "Välj part") instead of a generic "Detta fält måste fyllas i.". One
bound-field class, set on the renderer (FORM_RENDERER), gives every form that message, so no
form has to spell it out; a form that sets its own "required" message keeps it.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import lazy
from django.utils.translation import gettext

DEFAULT_REQUIRED = forms.Field.default_error_messages["required"]

# Fields filled in by choosing, not typing.
CHOSEN = (
    forms.ChoiceField,
    forms.ModelChoiceField,
    forms.BooleanField,
    forms.FileField,
)


def _lower_first(label):
    """The label mid-sentence: "Organisationsnummer" → "organisationsnummer", "LPIK" kept."""
    label = str(label)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _required_message(field, label):
    if isinstance(field, CHOSEN) or isinstance(
        field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.Select
    ):
        return gettext("Välj %(label)s") % {"label": _lower_first(label)}
    return gettext("Ange %(label)s") % {"label": _lower_first(label)}


class BoundField(forms.BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        # The form's fields are its own copies (Field.__deepcopy__ copies error_messages). A
        # hidden field has no name the user knows: it keeps the generic message.
        if (
            field.error_messages.get("required") is DEFAULT_REQUIRED
            and self.label
            and not field.widget.is_hidden
        ):
            field.error_messages["required"] = lazy(_required_message, str)(field, self.label)


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField
