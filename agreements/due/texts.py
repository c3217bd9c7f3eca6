"""Texts kept as a message and its values, and shown in the reader's language.

A deadline's title is stored (agreements.models.DueItem) as its untranslated message and the
values filled into it, and translated when it is shown: a Swedish and an English reader see
the same stored item each in their own language. Words a person wrote (a report's title) are
stored without values and shown as they were written.
"""

from django.utils.translation import gettext


class Text(str):
    """A translatable message with its values: the text in the active language, which keeps
    its message and values so that it can be stored untranslated."""

    def __new__(cls, message, values=None):
        values = values or {}
        text = super().__new__(cls, translated(message, values))
        text.message, text.values = message, values
        return text


def translated(message, values):
    """A stored message in the active language with its values filled in; with values None,
    a person's own words, as they were written."""
    if values is None:
        return message
    text = gettext(message)
    return text % values if values else text


def untranslated(text):
    """(message, values) to store for a text: values None for a person's own words."""
    if isinstance(text, Text):
        return text.message, text.values
    return str(text), None
