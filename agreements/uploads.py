"""Report attachments: the types accepted, and the name a file is shown and downloaded under.

The type is read from the content (services.followup.sniff_type), never from the name; the
name keeps what the user called the file, cleaned, with the extension of the checked type, so
a PDF uploaded as evil.html downloads as evil.pdf.
"""

import unicodedata

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}

# Characters Windows refuses in a file name; path separators of every system are among them.
_REFUSED = str.maketrans(dict.fromkeys('<>:"/\\|?*', "_"))
FALLBACK_NAME = "bilaga"
MAX_NAME_LENGTH = 255  # ReportAttachment.original_name


def attachment_name(original, extension):
    """The user's base name, cleaned, with extension: '..\\Rapport 2026.html', 'pdf' ->
    'Rapport 2026.pdf'; nothing left of the name gives 'bilaga.pdf'."""
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = name.rsplit(".", 1)[0] if "." in name else name
    # Control and format characters (a right-to-left override can show 'rapport.exe' as
    # 'exe.tropper') go; line breaks and tabs read as spaces.
    base = "".join(c for c in base if c.isspace() or not unicodedata.category(c).startswith("C"))
    base = " ".join(base.translate(_REFUSED).split()).strip(". ")
    base = base[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(". ") or FALLBACK_NAME
    return f"{base}.{extension}"
