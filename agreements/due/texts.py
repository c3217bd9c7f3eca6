"""Texts that remember how they were made, so they can be shown again in another language.

Deadline titles are stored for the dashboard (agreements.models.DueItem); a title made while
one user's language was active must still read right for a user of the other language.
"""

from django.utils import translation
from django.utils.translation import gettext


class Text(str):
    """A translatable message with its values: the text in the active language, which can
    render itself again in another one (values that are Texts too are rendered along)."""

    def __new__(cls, message, values=None):
        text = super().__new__(cls, _format(message, values))
        text.message, text.values = message, values
        return text

    def render(self, language):
        with translation.override(language):
            return _format(self.message, self.values)


def _format(message, values):
    text = gettext(message)
    if values is None:
        return text
    return text % {
        key: _format(value.message, value.values) if isinstance(value, Text) else value
        for key, value in values.items()
    }


def render(text, language):
    """Any text in a language: a Text is rendered again, anything else stays as it is."""
    return text.render(language) if isinstance(text, Text) else str(text)
