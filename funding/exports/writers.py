"""Writers of a header and rows: CSV with the csv module, XLSX with XlsxWriter.

Both take the rows one at a time: the CSV is yielded line by line, the XLSX is written in
XlsxWriter's constant-memory mode to a temporary file, so an export of any size is never held
in memory.
"""

import csv
import datetime
import re
import tempfile
from decimal import Decimal

import xlsxwriter

# Characters XML 1.0 does not allow; a spreadsheet cannot hold them either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A CSV cell starting with one of these is run as a formula by spreadsheet programs (OWASP:
# CSV injection), e.g. an organisation named =HYPERLINK(…) in an export someone opens.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write returns the text written, for csv.writer to yield."""

    def write(self, text):
        return text


def csv_chunks(header, rows, *, excel=True):
    """The encoded lines of a CSV file: semicolons and a BOM for Swedish Excel, or plain
    commas. None is an empty cell, a date its ISO form, text starting like a formula is
    prefixed with an apostrophe."""
    writer = csv.writer(_Line(), delimiter=";" if excel else ",", lineterminator="\r\n")
    if excel:
        yield "\ufeff".encode()
    yield writer.writerow(_csv_cells(header)).encode()
    for row in rows:
        yield writer.writerow(_csv_cells(row)).encode()


def _csv_cells(row):
    """The row's cells as CSV holds them: numbers, dates and None as they are; anything else
    is text, and text starting like a formula gets a leading apostrophe, which spreadsheet
    programs show as text. Decided by the value's type, so -5 stays a number and "-5" does
    not become one."""
    cells = []
    for value in row:
        if value is None or isinstance(value, int | Decimal | datetime.date):
            cells.append(value)
            continue
        text = str(value)
        cells.append(f"'{text}" if text.startswith(FORMULA_STARTS) else text)
    return cells


def to_csv(header, rows, *, excel=True):
    """The bytes of csv_chunks, for a CSV small enough to hold (the open data)."""
    return b"".join(csv_chunks(header, rows, excel=excel))


def _clean_text(value):
    """Text a cell can hold: no characters XML forbids (Excel's limit on the length is
    applied by XlsxWriter)."""
    return _NOT_XML.sub("", value)


def xlsx_file(header, rows, *, title):
    """An open temporary .xlsx file, at its start, with one sheet named title: a bold, frozen
    header row, then rows of int, Decimal, date, bool, str or None (None and "" leave the
    cell empty); anything else is written as its str()."""
    file = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            # Exported text is data: a leading "=" or a URL stays text.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True})
    iso_date = book.add_format({"num_format": "yyyy-mm-dd"})
    for column, text in enumerate(header):
        sheet.write_string(0, column, _clean_text(str(text)), bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            _write_cell(sheet, number, column, value, iso_date)
    book.close()
    file.seek(0)
    return file


def _write_cell(sheet, row, column, value, iso_date):
    if value is None or value == "":
        return  # a blank cell, as Excel's ISBLANK and Go To Blanks see it
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | Decimal):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, iso_date)
    else:
        sheet.write_string(row, column, _clean_text(str(value)))
