"""A one-sheet XLSX (Office Open XML, ECMA-376) writer for the exports.

The exports are flat tables of numbers, ISO dates and short strings, so the file needs only
a sheet, its shared strings and two styles (a bold header row, a date format). Written here
rather than with a library because of speed: a region's payments (18 000 rows of 13 cells)
took 2.0 s with openpyxl in write-only mode, 1.2 s with XlsxWriter and 0.9 s with
PyExcelerate, and takes 0.1 s here (see README, "Benchmark"). openpyxl stays in the tests,
which read every export back with it.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
# Characters XML 1.0 does not allow; a spreadsheet cannot hold them either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CELL = 32_767  # Excel's limit on the characters in one cell
# Excel reads _xHHHH_ in a text as an escaped character; a literal one is escaped in turn.
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument"

_PARTS = {
    # part name: content type
    "/xl/workbook.xml": f"{_TYPE}.spreadsheetml.sheet.main+xml",
    "/xl/worksheets/sheet1.xml": f"{_TYPE}.spreadsheetml.worksheet+xml",
    "/xl/styles.xml": f"{_TYPE}.spreadsheetml.styles+xml",
    "/xl/sharedStrings.xml": f"{_TYPE}.spreadsheetml.sharedStrings+xml",
}
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in _PARTS.items())
    + "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Cell styles: 0 plain, 1 ISO date, 2 bold (the header row).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _HEAD + f'<worksheet xmlns="{_MAIN}">'
    # The header row stays in view while scrolling.
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)


def column_letter(index):
    """A, B, …, Z, AA, … for the 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title):
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = _SHEET_NAME_FORBIDDEN.sub("-", _NOT_XML.sub("", str(title)))
    return name[:_MAX_SHEET_NAME].strip("'") or "Blad1"


def clean_text(value):
    """A string a cell can hold: no characters XML forbids, at most 32 767 characters, and
    read by Excel as written (a literal _x0041_ stays _x0041_, not "A")."""
    return _EXCEL_ESCAPE.sub(r"_x005F\1", _NOT_XML.sub("", value)[:_MAX_CELL])


def workbook(header, rows, *, title):
    """The bytes of an .xlsx file with one sheet: a bold, frozen header row, then rows of
    int, Decimal, date, str or None (None and "" leave the cell empty); anything else is
    written as its str()."""
    strings = {}  # text -> its index in the shared strings, in order of first use

    def shared(value):
        index = strings.get(value)
        if index is None:
            index = strings[value] = len(strings)
        return index

    # Every cell carries its reference (A2, B2, …): optional in the standard, but some
    # readers count on it. An empty cell is left out.
    letters = [column_letter(i) for i in range(len(header))]
    lines = [_SHEET_START, '<row r="1">']
    lines += [
        f'<c r="{letter}1" s="2" t="s"><v>{shared(str(h))}</v></c>'
        for letter, h in zip(letters, header, strict=True)
    ]
    lines.append("</row>")
    for number, row in enumerate(rows, start=2):
        if len(row) > len(letters):
            letters += [column_letter(i) for i in range(len(letters), len(row))]
        cells = []
        for letter, value in zip(letters, row, strict=False):  # a row may be shorter
            kind = type(value)
            if kind is str:
                if not value:
                    continue  # a blank cell, as Excel's ISBLANK and Go To Blanks see it
                # shared(), inlined: this runs for most of a large export's cells.
                index = strings.get(value)
                if index is None:
                    index = strings[value] = len(strings)
                cells.append(f'<c r="{letter}{number}" t="s"><v>{index}</v></c>')
            elif kind is int or kind is Decimal:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            elif kind is datetime.date:
                days = value.toordinal() - _EXCEL_EPOCH
                cells.append(f'<c r="{letter}{number}" s="1"><v>{days}</v></c>')
            elif value is None:
                continue
            elif kind is bool:
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}" t="s"><v>{shared(str(value))}</v></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    lines.append("</sheetData></worksheet>")

    # Each distinct text is cleaned once, here (two texts may clean to the same; a shared
    # string table may repeat an entry).
    shared_strings = [
        _HEAD,
        f'<sst xmlns="{_MAIN}" uniqueCount="{len(strings)}">',
    ]
    shared_strings += [
        f'<si><t xml:space="preserve">{escape(clean_text(s))}</t></si>' for s in strings
    ]
    shared_strings.append("</sst>")

    book = (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{escape(sheet_name(title), {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )
    buffer = io.BytesIO()
    # Level 1: the sheet is repetitive XML; more effort buys little size for much time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", book)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        package.writestr("xl/worksheets/sheet1.xml", "".join(lines))
        package.writestr("xl/sharedStrings.xml", "".join(shared_strings))
    return buffer.getvalue()
