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
