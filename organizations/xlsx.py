"""A one-sheet XLSX written as a stream: rows go straight into the compressed sheet, none is kept.

Why not a library (README.md's library list has the figures): writing the case list's 100,077
rows x 14 columns took openpyxl's write-only workbook 10-11 s of CPU, XlsxWriter
(constant_memory) 7 s and PyExcelerate 7 s (which also keeps the whole sheet in memory), against
issue 15's 10 s for reading and writing together; this module takes 1.1-1.5 s. A table of typed
cells needs little of the format, so it writes that little itself; the tests read its files
back with openpyxl.

What it writes: the package parts a spreadsheet needs (content types, relationships, workbook,
styles, one worksheet), each cell with its reference; text as inline strings (no shared-string
table, which would have to be kept in memory until the end), so text is never read as a formula;
ints, floats and Decimals as numbers; dates and datetimes as serial numbers with a
yyyy-mm-dd (hh:mm) format. Datetimes go through `localize`, which must make them naive in
the time zone to show (organizations.tabular passes its own). Text loses the characters XML
cannot hold and is cut at Excel's 32,767 characters per cell; values a cell cannot hold as a
number or date (NaN, dates before March 1900) are written as text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

# XML 1.0 cannot hold these (and surrogates cannot be encoded as UTF-8).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_CELL_TEXT = 32767
MAX_ROWS = 1048576
# Rows of XML joined before each write into the compressor.
_CHUNK_ROWS = 500
# zlib's fastest level: the sheet is a fifth larger than at the default level, in half the time.
_COMPRESSLEVEL = 1

STYLE_DATETIME = 1
STYLE_DATE = 2
STYLE_HEADER = 3
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH.toordinal()
# Before March 1900 Excel's serial numbers are off by its invented 29 February 1900: such old
# dates are written as ISO text instead.
_FIRST_SERIAL_DATE = dt.date(1900, 3, 1)

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{_SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SHEETML}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
    '<bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
# Cell styles: 0 plain, 1 date and time, 2 date, 3 bold (the header row).
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    "</numFmts>"
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews>"
    "{cols}<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """Column A for 0, Z for 25, AA for 26..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title: str) -> str:
    """A valid sheet name: none of []:*?/\\, at most 31 characters, not empty."""
    name = _SHEET_NAME_FORBIDDEN.sub("", _ILLEGAL_XML.sub("", title)).strip("'")[:31].strip()
    return name or "Sheet1"


def _escape(text: str) -> str:
    if not text.isprintable():  # control characters (rare: most text takes the fast path)
        text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT]
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _text_cell(ref: str, text: str, style: str = "") -> str:
    text = _escape(text)
    if not text:
        return ""
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _datetime_cell(ref: str, value: dt.datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError("XLSX datetimes must be naive (in the time zone to show)")
    if value.date() < _FIRST_SERIAL_DATE:
        return _text_cell(ref, value.isoformat(sep=" ", timespec="minutes"))
    delta = value - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'


def _date_cell(ref: str, value: dt.date) -> str:
    if value < _FIRST_SERIAL_DATE:
        return _text_cell(ref, value.isoformat())
    return f'<c r="{ref}" s="{STYLE_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'


def _number_cell(ref: str, value: float | Decimal) -> str:
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:  # a spreadsheet has no NaN or infinity
        return _text_cell(ref, str(value))
    return f'<c r="{ref}"><v>{value}</v></c>'


class _Cells:
    """Cells of the less common types, written as the caller asked."""

    def __init__(
        self, localize: Callable[[dt.datetime], dt.datetime], booleans: tuple[str, str]
    ) -> None:
        self.localize = localize
        self.booleans = booleans

    def cell(self, ref: str, value: object) -> str:
        """Any value by its type (subclasses too); None is no cell."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return _text_cell(ref, self.booleans[0] if value else self.booleans[1])
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{int(value)}</v></c>'
        if isinstance(value, float | Decimal):
            return _number_cell(ref, value)
        if isinstance(value, dt.datetime):
            return _datetime_cell(ref, self.localize(value))
        if isinstance(value, dt.date):
            return _date_cell(ref, value)
        return _text_cell(ref, str(value))


def _row(number: int, letters: Sequence[str], values: Sequence[object], other: _Cells) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        kind = type(value)  # the common types first, without isinstance chains
        if kind is str:
            if value:
                cells.append(_text_cell(f"{letter}{number}", value))
        elif kind is int:
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        elif kind is dt.datetime:
            cells.append(_datetime_cell(f"{letter}{number}", other.localize(value)))
        elif kind is dt.date:
            cells.append(_date_cell(f"{letter}{number}", value))
        elif value is not None:
            cells.append(other.cell(f"{letter}{number}", value))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _header(letters: Sequence[str], header: Sequence[str]) -> str:
    style = f' s="{STYLE_HEADER}"'
    cells = [_text_cell(f"{c}1", str(h), style) for c, h in zip(letters, header, strict=False)]
    return f'<row r="1">{"".join(cells)}</row>'


def _cols(widths: Sequence[float] | None) -> str:
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
        if w
    )
    return f"<cols>{cols}</cols>" if cols else ""


def write_xlsx(
    out: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str = "",
    widths: Sequence[float] | None = None,
    localize: Callable[[dt.datetime], dt.datetime] = lambda value: value,
    booleans: tuple[str, str] = ("TRUE", "FALSE"),
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to `out` (a binary file) and return the number of rows. The header
    row is bold and frozen; `widths` are column widths in characters; `localize` turns each
    datetime into the naive one to show (the default keeps it: an aware one is then refused);
    booleans are written as the texts `booleans` (true, false). `progress` is called with the
    number of rows written after every _CHUNK_ROWS rows."""
    letters = [column_letter(i) for i in range(max(len(header), 1))]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSLEVEL) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        name = _escape(sheet_name(title)).replace('"', "&quot;")
        book.writestr("xl/workbook.xml", _WORKBOOK.format(name=name))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            start = _SHEET_START.format(cols=_cols(widths))
            sheet.write((start + _header(letters, header)).encode())
            other = _Cells(localize, booleans)
            chunk: list[str] = []
            for row in rows:
                count += 1
                if count >= MAX_ROWS:  # the header is row 1; a sheet has no more rows
                    raise ValueError("more rows than a spreadsheet holds")
                if len(row) > len(letters):
                    letters = [column_letter(i) for i in range(len(row))]
                chunk.append(_row(count + 1, letters, row, other))
                if len(chunk) == _CHUNK_ROWS:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
                    if progress:
                        progress(count)
            sheet.write(("".join(chunk) + _SHEET_END).encode())
    return count
