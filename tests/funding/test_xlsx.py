"""The exports' XLSX files, read back with openpyxl as a spreadsheet program would."""

from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from funding.exports.writers import xlsx_file


def open_sheet(header, rows, title="t"):
    return load_workbook(xlsx_file(header, rows, title=title)).active


def values(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_values_come_back_with_their_types():
    rows = [
        [1, "Röda Korset & <Region> \"Skåne\" 'IOP'", date(2026, 1, 1), Decimal("1726000"), None],
        [2_000_000_000, "  inledande mellanslag", date(2028, 12, 31), Decimal("12.50"), True],
    ]
    sheet = open_sheet(["Id", "Namn", "Datum", "Belopp", "Tom"], rows, title="payments")
    assert sheet.title == "payments"
    assert values(sheet) == [
        ["Id", "Namn", "Datum", "Belopp", "Tom"],
        [1, "Röda Korset & <Region> \"Skåne\" 'IOP'", datetime(2026, 1, 1), 1726000, None],
        [2_000_000_000, "  inledande mellanslag", datetime(2028, 12, 31), 12.5, True],
    ]
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_text_a_cell_cannot_hold_is_cleaned_not_refused():
    hostile = "a\x00b\x07c\x1fd\ufffe" + "x" * 40_000
    sheet = open_sheet(["h\x01"], [[hostile]])
    assert sheet["A1"].value == "h"
    assert sheet["A2"].value.startswith("abcd")
    assert len(sheet["A2"].value) == 32_767  # Excel's limit on the characters in a cell


def test_text_stays_text_as_written():
    texts = ["=SUM(A1:A2)", "https://example.se", "0123", "ref _x0041_ end"]
    sheet = open_sheet(["a", "b", "c", "d"], [texts])
    # Excel would read _x0041_ as "A": its underscore is escaped, which openpyxl leaves as is.
    assert values(sheet)[1] == [*texts[:3], "ref _x005F_x0041_ end"]
    assert all(cell.data_type == "s" for cell in sheet[2])


def test_empty_cells_and_shorter_rows_are_blank():
    sheet = open_sheet(["a", "b", "c"], [["", "x", None], [1]])
    assert values(sheet)[1:] == [[None, "x", None], [1, None, None]]


def test_many_rows_read_back_row_by_row():
    count = 5000
    rows = [
        [n, f"text {n % 7}", date(2026, 1, 1 + n % 28), "" if n % 1000 == 5 else "x"]
        for n in range(count)
    ]
    got = values(open_sheet(["Nr", "Text", "Datum", "Ibland tom"], rows))[1:]
    assert len(got) == count
    for read, row in zip(got, rows, strict=True):
        assert read == [
            row[0],
            row[1],
            datetime.combine(row[2], datetime.min.time()),
            row[3] or None,
        ]


def test_a_sheet_with_only_a_header():
    sheet = open_sheet(["h"], [])
    assert sheet.max_row == 1 and sheet["A1"].value == "h"
