"""The letterhead of a printed document: the issuing organisation's name, logo and font.

The logo goes into the HTML as a data: URI, so WeasyPrint's URL fetcher (which refuses every
fetch, agreements.documents.rendering) never opens a file or a URL for it.
"""

import logging

from agreements.letterhead import data_uri, font_class, sniff_logo

logger = logging.getLogger(__name__)


def party_logo_uri(party):
    """The organisation's logo as a data: URI, or None without one (or when its stored file
    is missing or not the image it was checked to be)."""
    if not party.logo:
        return None
    try:
        with party.logo.open("rb") as file:
            data = file.read()
    except OSError:
        logger.warning("The logo of organisation %s is missing: %s", party.pk, party.logo.name)
        return None
    kind = sniff_logo(data)
    return data_uri(data, kind) if kind else None


def letterhead(party):
    """What the page header shows of the issuing organisation (None: a plain header)."""
    if party is None:
        return {"name": "", "logo": None, "font": ""}
    return {
        "name": party.name,
        "logo": party_logo_uri(party),
        "font": font_class(party.document_font),
    }
