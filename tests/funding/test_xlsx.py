"""The exports' XLSX writer, read back with openpyxl as a spreadsheet program would."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

from openpyxl import load_workbook

from funding import xlsx


def open_sheet(body):
    return load_workbook(io.BytesIO(body)).active


def test_values_come_back_with_their_types():
    rows = [
        [1, "Röda Korset & <Region> \"Skåne\" 'IOP'", date(2026, 1, 1), Decimal("1726000"), None],
        [2_000_000_000, "  inledande mellanslag", date(2028, 12, 31), Decimal("12.50"), True],
    ]
    sheet = open_sheet(xlsx.workbook(["Id", "Namn", "Datum", "Belopp", "Tom"], rows, title="t"))
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values == [
        ["Id", "Namn", "Datum", "Belopp", "Tom"],
        [1, "Röda Korset & <Region> \"Skåne\" 'IOP'", datetime(2026, 1, 1), 1726000, None],
        [2_000_000_000, "  inledande mellanslag", datetime(2028, 12, 31), 12.5, True],
    ]
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_text_a_cell_cannot_hold_is_cleaned_not_refused():
    hostile = "a\x00b\x07c\x1fd\ufffe" + "x" * 40_000
    sheet = open_sheet(xlsx.workbook(["h\x01"], [[hostile]], title="t"))
    assert sheet["A1"].value == "h"
    assert sheet["A2"].value.startswith("abcd")
    assert len(sheet["A2"].value) == 32_767


def test_sheet_name_is_one_excel_accepts():
    body = xlsx.workbook(["h"], [], title="Betalningar [2026]: region/kommun? " + "x" * 40)
    sheet = open_sheet(body)
    assert sheet.title == "Betalningar -2026-- region-komm"  # 31 characters
    assert xlsx.sheet_name("") == "Blad1"
    assert xlsx.sheet_name("'" + "x" * 30 + "'y") == "x" * 30  # no quote left at either end
    assert sheet.max_row == 1


def test_repeated_text_is_stored_once():
    rows = [["Region Västerbotten", n] for n in range(100)]
    body = xlsx.workbook(["Part", "Nr"], rows, title="t")
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        assert package.testzip() is None
        strings = ElementTree.fromstring(package.read("xl/sharedStrings.xml"))
    assert [s[0].text for s in strings] == ["Part", "Nr", "Region Västerbotten"]
    assert open_sheet(body).max_row == 101


def test_cells_carry_their_references():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    body = xlsx.workbook(["a", "b"], [[1, None, "längre rad"]], title="t")
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        sheet = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    refs = [c.get("r") for c in sheet.iterfind(".//m:c", ns)]
    assert refs == ["A1", "B1", "A2", "C2"]  # the empty B2 is left out
    assert open_sheet(body)["C2"].value == "längre rad"


def test_empty_text_is_a_blank_cell_and_excel_escapes_stay_literal():
    body = xlsx.workbook(["a", "b", "c"], [["", "ref _x0041_ end", None]], title="t")
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
        strings = package.read("xl/sharedStrings.xml").decode()
    assert '<c r="A2"' not in sheet and '<c r="B2"' in sheet
    # Excel would show _x0041_ as "A"; escaping its underscore keeps the text as written.
    assert "ref _x005F_x0041_ end" in strings


def test_a_sheet_of_several_parts_reads_back_row_by_row():
    count = 2 * xlsx._CHUNK_ROWS + 3
    rows = [
        [n, f"text {n % 7}", date(2026, 1, 1 + n % 28), "" if n % 1000 == 5 else "x", None]
        for n in range(count)
    ]
    rows[-1] = [1, 2]  # a shorter row: the rest of its cells are empty
    body = xlsx.workbook(["Nr", "Text", "Datum", "Ibland tom", "Tom"], rows, title="t")
    values = [list(r) for r in open_sheet(body).iter_rows(min_row=2, values_only=True)]
    assert len(values) == count
    for got, row in zip(values, rows[:-1], strict=False):
        assert got == [row[0], row[1], datetime.combine(row[2], datetime.min.time())] + [
            row[3] or None,
            None,
        ]
    assert values[-1] == [1, 2, None, None, None]
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        strings = package.read("xl/sharedStrings.xml").decode()
    assert strings.count("<si>") == 5 + 7 + 1  # the header, "text 0".."text 6" and "x"


def test_shared_strings_are_escaped_together_or_cleaned_one_by_one():
    clean = ["Röda Korset & <Region>", "a > b", "x"]
    expected = "".join(
        f'<si><t xml:space="preserve">{text}</t></si>'
        for text in ["Röda Korset &amp; &lt;Region&gt;", "a &gt; b", "x"]
    )
    assert xlsx._string_items(clean) == expected
    assert xlsx._string_items([*clean, "b\x01"]) == expected + (
        '<si><t xml:space="preserve">b</t></si>'
    )
    assert xlsx._string_items([]) == ""


def test_equal_numbers_are_written_as_given():
    # Decimal("2.5") == Decimal("2.50") == 2.5 and 1 == Decimal("1.00"): no value may take
    # another's written form.
    body = xlsx.workbook(
        ["n"], [[Decimal("2.50")], [Decimal("2.5")], [1], [Decimal("1.00")]], title="t"
    )
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    values = [v.text for v in ElementTree.fromstring(sheet).iter() if v.tag.endswith("}v")]
    assert values[1:] == ["2.50", "2.5", "1", "1.00"]
