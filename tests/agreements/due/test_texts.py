"""agreements.due.texts: a message stored untranslated and shown in the reader's language."""

from django.utils import translation

from agreements.due.texts import Text, translated, untranslated


def test_a_text_is_the_message_in_the_active_language_and_keeps_it_untranslated():
    with translation.override("sv"):
        text = Text("Årsrapport %(year)s", {"year": 2026})
    assert text == "Årsrapport 2026" and isinstance(text, str)
    assert untranslated(text) == ("Årsrapport %(year)s", {"year": 2026})


def test_a_stored_message_is_shown_in_each_readers_language():
    message, values = untranslated(Text("Flyttad: %(reason)s", {"reason": "sjukdom"}))
    with translation.override("en"):
        assert translated(message, values) == "Moved: sjukdom"
        assert translated(*untranslated(Text("Rapport"))) == "Report"
    with translation.override("sv"):
        assert translated(message, values) == "Flyttad: sjukdom"


def test_words_a_person_wrote_are_shown_as_written():
    assert untranslated("Rapport") == ("Rapport", None)
    with translation.override("en"):
        assert translated(*untranslated("Rapport")) == "Rapport"
