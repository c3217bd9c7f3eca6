"""Missing data in a document: a visible placeholder in the text and a warning on the preview."""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class Placeholder(str):
    """'[Handläggare saknas]': plain text in sentences, highlighted when printed on its own."""

    def __html__(self):
        return format_html('<span class="placeholder">{}</span>', str(self))


class Part:
    """The parts of an agreement's task list, each gap belongs to one."""

    PARTIES = "parties"
    TEXT = "text"
    FUNDING = "funding"
    UPLIFT = "uplift"
    PAYMENT_PLAN = "payment_plan"
    SIGNATORIES = "signatories"
    FOLLOWUP = "followup"
    DECISION = "decision"
    DOCUMENTS = "documents"


@dataclass(frozen=True, eq=False)
class Target:
    """The form that fills a gap: its URL name and the id it takes, the part of the
    agreement's task list (agreements.tasklist) it belongs to, the agreement, and the
    organisation whose record or line it is (for who may open the form)."""

    part: str
    name: str
    pk: int
    agreement: object = None
    party_id: int | None = None

    @property
    def url(self):
        return reverse(self.name, args=[self.pk])


class Gap(str):
    """A gap's message (compares as its text) with the form that fills it, if known."""

    def __new__(cls, message, target=None):
        gap = super().__new__(cls, message)
        gap.target = target
        return gap


class Gaps:
    """Collects what a document lacks while its context is built."""

    def __init__(self):
        self.warnings = []

    def missing(self, message, target=None):
        """Record the gap (with the form that fills it); return the placeholder to print
        in its place."""
        if message not in self.warnings:
            self.warnings.append(Gap(message, target))
        return Placeholder(f"[{message}]")

    def value(self, value, message, target=None):
        """The value if present, else the placeholder."""
        return value if value else self.missing(message, target)

    def paragraphs(self, text, message, target=None):
        """Blank-line separated paragraphs of a text field, or one placeholder."""
        found = split_paragraphs(text)
        return found or [self.missing(message, target)]


def split_paragraphs(text):
    """Paragraphs separated by blank lines; line breaks inside one read as spaces."""
    blocks = (text or "").replace("\r\n", "\n").split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


# Dates, org numbers, bankgiro and reference codes must not break at their hyphens. A word
# joiner (U+2060) on each side of the hyphen forbids the break and is invisible; a nowrap span
# would do the same but makes WeasyPrint break the line too early. The pattern looks at one
# character on each side of a hyphen, so its cost grows with the text's length: a pattern
# matching whole hyphenated words backtracked over every long word without a hyphen, and
# one word of 100 000 letters held a worker for minutes.
_CODE_HYPHEN = re.compile(r"(?<=\w)([-–])(?=\w)")
WORD_JOINER = "\u2060"


def typeset(text):
    """HTML for running text: hyphenated codes kept on one line, '§ 190' never split."""
    if isinstance(text, Placeholder) or not isinstance(text, str):
        return text
    html = _CODE_HYPHEN.sub(rf"{WORD_JOINER}\1{WORD_JOINER}", str(escape(text)))
    return mark_safe(html.replace("§ ", "§\u00a0"))  # noqa: S308 (escaped above)


def typeset_all(value):
    """typeset() over the strings of nested lists, tuples and dicts."""
    if isinstance(value, dict):
        return {key: typeset_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(typeset_all(item) for item in value)
    return typeset(value)
