"""The name an attachment is shown and downloaded under: the user's, cleaned, its type's
extension."""

import pytest

from agreements.uploads import attachment_name


@pytest.mark.parametrize(
    "original, name",
    [
        ("evil.html", "evil.pdf"),
        ("Årsrapport 2026.PDF", "Årsrapport 2026.pdf"),
        ("..\\..\\Rapport.pdf", "Rapport.pdf"),
        ("/etc/passwd", "passwd.pdf"),
        ("rapport\u202efdp.exe", "rapportfdp.pdf"),  # no right-to-left override
        ("a\r\nb\x00c.pdf", "a bc.pdf"),
        ('<script>"x"|?*.pdf', "_script__x____.pdf"),
        (".html", "bilaga.pdf"),
        ("...", "bilaga.pdf"),
        ("", "bilaga.pdf"),
        (None, "bilaga.pdf"),
    ],
)
def test_name_keeps_the_users_base_and_takes_the_types_extension(original, name):
    assert attachment_name(original, "pdf") == name


def test_a_long_name_is_cut_to_the_column_keeping_its_extension():
    name = attachment_name("x" * 300 + ".html", "docx")
    assert len(name) == 255 and name.endswith("x.docx")
