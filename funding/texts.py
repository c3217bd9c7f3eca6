"""Translation for the pure rule modules (uplift, payments).

Their arithmetic imports no Django; their words are still the user's language. Django's
translation is imported when a text is made, not when the rules are imported.
"""


def gettext(text):
    """The text in the active language."""
    from django.utils.translation import gettext as translate

    return translate(text)


def gettext_noop(text):
    """Mark a text for translation where it is defined; it is translated where shown."""
    return text


def month_name(month):
    """'oktober': the month's name in the active language, as in running text."""
    from django.utils.dates import MONTHS

    return str(MONTHS[month])
