"""agreements.due.texts.Text: a translated message that can be shown again in another language."""

from django.utils import translation

from agreements.due.texts import Text, render


def test_a_text_is_the_message_in_the_active_language_and_renders_in_another():
    with translation.override("sv"):
        text = Text("Årsrapport %(year)s", {"year": 2026})
    assert text == "Årsrapport 2026" and isinstance(text, str)
    assert text.render("en") == "Annual report 2026"
    assert text.render("sv") == "Årsrapport 2026"


def test_nested_texts_and_plain_strings():
    with translation.override("sv"):
        moved = Text("Flyttad: %(reason)s", {"reason": "sjukdom"})
        label = Text("%(year)s årsrapport", {"year": 2025})
    assert render(moved, "en") == "Moved: sjukdom"
    assert render(label, "en") == "2025 annual report"
    assert render("Skrivet av en människa", "en") == "Skrivet av en människa"
    assert render(Text("Rapport"), "en") == "Report"
