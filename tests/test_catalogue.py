"""The English catalogue translates every string the code and templates mark for translation.

Swedish is the source language, so its "catalogue" is the marked strings themselves; the English
one is locale/en/LC_MESSAGES/django.po with its compiled django.mo. The test runs makemessages
into a copy of locale/ (the committed files stay untouched) and asks gettext's own tools what is
left untranslated or fuzzy. It needs the Debian package gettext, as makemessages itself does.
The other half, that nothing Swedish escapes gettext, is checked for the templates here (text
outside translate tags); tests/test_language.py looks at pages in English.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = Path("en") / "LC_MESSAGES" / "django.po"

# What makemessages must not read: the virtualenv, npm's packages, build output, and code that
# shows nothing to users (tests, scripts). The same list as `make messages`.
IGNORE = [".venv", "node_modules", "build", "tests", "scripts", "docs"]


@pytest.fixture(scope="module")
def current_catalogue(tmp_path_factory):
    """The English .po as makemessages would leave it for today's code and templates.

    makemessages writes into any locale/ directory next to the files it reads, so it runs in a
    directory of links to the project's folders beside a copy of locale/."""
    root = tmp_path_factory.mktemp("catalogue")
    shutil.copytree(LOCALE, root / "locale")
    for child in Path(settings.BASE_DIR).iterdir():
        if child.is_dir() and child.name not in {"locale", *IGNORE} and child.name[0] != ".":
            (root / child.name).symlink_to(child)
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[root / "locale"]):
        patch.chdir(root)
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=IGNORE,
            symlinks=True,
            no_obsolete=True,
            verbosity=0,
        )
    return root / "locale" / PO


def msgids(po, *selection):
    """The msgids of the entries msgattrib selects, e.g. --untranslated or --only-fuzzy."""
    output = subprocess.run(
        ["msgattrib", *selection, "--no-wrap", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line.removeprefix("msgid ").strip('"')
        for line in output.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


def test_every_marked_string_has_an_english_translation(current_catalogue):
    missing = msgids(current_catalogue, "--untranslated")
    assert not missing, (
        f"{len(missing)} strings lack an English translation (run `make messages` and "
        f"translate them in locale/en/LC_MESSAGES/django.po): {missing[:20]}"
    )


def test_no_english_translation_is_a_fuzzy_guess(current_catalogue):
    fuzzy = msgids(current_catalogue, "--only-fuzzy")
    assert not fuzzy, (
        f"{len(fuzzy)} English translations are fuzzy, gettext's guesses from similar strings, "
        f"not shown to users until checked: {fuzzy[:20]}"
    )


def test_the_committed_mo_matches_the_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(LOCALE / PO)], check=True)
    with compiled.open("rb") as fresh, (LOCALE / PO).with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        ), "locale/en/LC_MESSAGES/django.mo is stale: run compilemessages and commit it"


# Words a template may show without translation: names, formats and the language switcher's
# names of the languages, each in its own language.
UNTRANSLATED_WORDS = {"IOP", "Svenska", "English", "SHA-256", "Excel", "CSV", "CSV (;)", "CSV (,)"}
TEMPLATE_MARKUP = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"  # marked text
    r"|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"  # comments
    r"|\{%.*?%\}|\{\{.*?\}\}"  # tags (among them {% translate %}) and variables
    r"|<(script|style)\b.*?</\1>",
    re.DOTALL,
)
SHOWN_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')


def unmarked_text(template):
    """Words a template shows that no translate tag covers."""
    source = TEMPLATE_MARKUP.sub(" ", template)
    shown = SHOWN_ATTRIBUTE.findall(source) + re.split(r"<[^>]*>|\n", source)
    found = (" ".join(text.replace("–", " ").split()) for text in shown)
    return {text for text in found if re.search(r"[^\W\d_]{2,}", text)} - UNTRANSLATED_WORDS


def test_templates_show_no_text_outside_translate_tags():
    templates = Path(settings.BASE_DIR) / "templates"
    unmarked = {
        str(path.relative_to(templates)): words
        for path in sorted(templates.rglob("*"))
        if path.suffix in {".html", ".txt"} and (words := unmarked_text(path.read_text()))
    }
    assert not unmarked, f"Text in templates without {{% translate %}}: {unmarked}"
