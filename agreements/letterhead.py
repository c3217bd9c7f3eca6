"""An organisation's letterhead on its printed documents: the logo it uploads and its house
font. Which organisation's letterhead a document carries is agreements.documents.context's
answer (the issuing organisation).

A logo is checked as report attachments are: its type is read from the content, never from
the name, and its size is limited. Only PNG and JPEG are taken: an SVG may carry script.
The image is then opened (Pillow) so a file that only starts like one is refused too.
"""

import base64
import io

from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 1024 * 1024
# Larger images are refused rather than scaled: a logo is printed about 15 mm high.
LOGO_MAX_PIXELS = 4000
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}

# House fonts: families installed with the system (make sysdeps-pdf installs DejaVu, and
# Debian's fonts-liberation ships Liberation). Nothing is downloaded when a document is
# printed; a family missing on the server falls back to DejaVu Sans. The key is stored and
# names the CSS class of static/css/print.css that sets the family.
DEFAULT_FONT = ""
HOUSE_FONTS = [
    (DEFAULT_FONT, _("Standard (DejaVu Sans)")),
    ("dejavu-serif", _("DejaVu Serif")),
    ("liberation-sans", _("Liberation Sans")),
    ("liberation-serif", _("Liberation Serif")),
]


def sniff_logo(data):
    """'png' or 'jpeg' from the content's magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def logo_kind(data):
    """'png' or 'jpeg' when data is a whole image of that type of a printable size, else
    None."""
    kind = sniff_logo(data)
    if kind is None:
        return None
    from PIL import Image  # WeasyPrint's dependency; loaded only when a logo is checked

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format.lower() != kind:
                return None
            width, height = image.size
            if max(width, height) > LOGO_MAX_PIXELS:
                return None
            image.load()  # decodes every byte: a truncated or forged file fails here
    except Exception:  # Pillow raises many kinds for a broken file
        return None
    return kind


def data_uri(data, kind):
    """The image as a data: URI, the only way a printed document loads it (the PDF's URL
    fetcher refuses every fetch)."""
    return f"data:{LOGO_TYPES[kind]};base64,{base64.b64encode(data).decode('ascii')}"


def font_class(key):
    """The CSS class of the document's font: 'font-dejavu-serif', or '' for the default."""
    return f"font-{key}" if key in dict(HOUSE_FONTS) and key else ""
