"""Tables as downloads: CSV (UTF-8 with a BOM) and XLSX, streamed, safe to open in a spreadsheet.

Every export in Saksflyt (case lists, reports, deviations, the audit trail) goes through here, so
they agree on encoding, formula safety, dates and file names:

- CSV is UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (without it, "Ærlig
  Østby" arrives as "Ã†rlig Ã˜stby"); lines are produced one at a time as the response is sent.
- XLSX is written by openpyxl's write-only workbook, which keeps one row in memory at a time, into
  a temporary file that is then streamed; cells keep their types (numbers, dates), strings that
  look like formulas are stored as text.
- A text cell starting with = + - @ tab or CR is neutralised in CSV with a leading apostrophe (the
  OWASP advice against CSV injection); in XLSX it is typed as a string, which never runs.
- Datetimes are shown in the current time zone (the user's), naive, to the minute.

`rows` is any iterable of sequences (a generator reading the database in batches keeps memory flat);
`table_response` is for a view, `write_table` for a background export writing to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import BinaryIO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
# Rows written between two progress callbacks of a background export.
PROGRESS_EVERY = 1000


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet will show, not run as a formula."""
    return "'" + value if value and value.startswith(FORMULA_STARTS) else value


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def csv_cell(value: object) -> str:
    """One cell as CSV text: dates as ISO (datetimes local, to the minute), booleans translated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return spreadsheet_safe(str(value))


class _Echo:
    """A file-like object csv.writer writes to, handing each line back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text line by line, the first starting with the BOM."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def _xlsx_cell(sheet, value: object):
    """A value for openpyxl's write-only sheet. Plain values are appended as they are (a cell
    object per value costs more than the XML writing itself); only a datetime (for its format)
    and text that openpyxl would take for a formula get a cell of their own."""
    if value is None or isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        return value  # openpyxl's own date format is yyyy-mm-dd
    text = _clean_text(str(value))
    if text.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell
    return text


def _clean_text(text: str) -> str:
    # XML 1.0 (and so XLSX) cannot hold most control characters; openpyxl refuses them.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write_table(
    fmt: str,
    out: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Writes the table to a binary file in `fmt`; returns the number of rows. `progress` is
    called with the rows written so far every PROGRESS_EVERY rows."""
    count = 0
    if fmt == "csv":
        for number, line in enumerate(csv_lines(header, rows)):
            out.write(line.encode("utf-8"))
            count = number
            if progress and number and number % PROGRESS_EVERY == 0:
                progress(number)
        return count
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Saksflyt")[:31])
    sheet.append([_xlsx_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    book.save(out)
    return count


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(
    *,
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str = "",
) -> HttpResponse:
    """A download of the table. `filename` without extension. CSV streams as it is produced;
    XLSX (a zip, which cannot be written as a stream) is spooled to a temporary file with flat
    memory, then streamed from it."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CONTENT_TYPES[fmt])
        return _attachment(response, f"{filename}.csv")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_table("xlsx", spool, header, rows, title=title)
    spool.seek(0)
    response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    return _attachment(response, f"{filename}.xlsx")
