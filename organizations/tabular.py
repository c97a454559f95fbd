"""Tables as downloads: CSV (UTF-8 with a BOM) and XLSX, streamed, safe to open in a spreadsheet.

Every export in Saksflyt (case lists, reports, deviations, the audit trail) goes through here, so
they agree on encoding, formula safety, dates and file names:

- CSV is UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (without it, "Ærlig
  Østby" arrives as "Ã†rlig Ã˜stby"); a download is sent as it is produced, CSV_CHUNK lines at
  a time (one chunk per line cost the response more than writing the lines).
- XLSX is written by organizations/xlsx.py straight into the compressed sheet, one chunk of rows
  in memory at a time, into a temporary file that is then streamed; cells keep their types
  (numbers, dates), text is stored as text (never a formula), the header row is bold and frozen.
- A text cell starting with = + - @ tab or CR is neutralised in CSV with a leading apostrophe (the
  OWASP advice against CSV injection); in XLSX it is a string, which never runs.
- Datetimes are shown in the current time zone (the user's), naive, to the minute; naive ones are
  taken as already in it.

`rows` is any iterable of sequences (a generator reading the database in batches keeps memory flat);
`table_response` is for a view, `write_table` for a background export writing to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import BinaryIO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.xlsx import write_xlsx

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
# Rows written between two progress callbacks of a background export.
PROGRESS_EVERY = 1000
# CSV lines per chunk of a streamed download.
CSV_CHUNK = 500


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
        return _local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return spreadsheet_safe(str(value))


def _csv_row(row: Sequence[object]) -> list[object]:
    """csv_cell of each value, the common types without a call: csv.writer writes ints as
    str() does, and None as an empty field."""
    cells: list[object] = []
    for value in row:
        kind = type(value)
        if kind is str:
            cells.append("'" + value if value.startswith(FORMULA_STARTS) else value)
        elif kind is int or value is None:
            cells.append(value)
        else:
            cells.append(csv_cell(value))
    return cells


class _Echo:
    """A file-like object csv.writer writes to, handing each line back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text line by line, the first starting with the BOM."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow(_csv_row(row))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text CSV_CHUNK lines at a time, the first starting with the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([csv_cell(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow(_csv_row(row))
        if count % CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_table(
    fmt: str,
    out: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str = "",
    widths: Sequence[float] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Writes the table to a binary file in `fmt`; returns the number of rows. `progress` is
    called with the rows written so far every PROGRESS_EVERY rows (XLSX: at the end of the
    first chunk of rows past that many); `widths` are the XLSX columns' widths in characters
    (CSV has none)."""
    if fmt == "csv":
        return _write_csv(out, header, rows, progress)
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")

    reported = 0

    def written(count: int) -> None:  # called by write_xlsx after each chunk of rows
        nonlocal reported
        if progress and count - reported >= PROGRESS_EVERY:
            reported = count
            progress(count)

    return write_xlsx(
        out,
        [str(h) for h in header],
        rows,
        title=title or "Saksflyt",
        widths=widths,
        localize=_local,
        booleans=(_("Yes"), _("No")),
        progress=written,
    )


def _write_csv(
    out: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int], None] | None,
) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        text.write(BOM)
        writer = csv.writer(text)
        writer.writerow([csv_cell(h) for h in header])
        count = 0
        for row in rows:
            writer.writerow(_csv_row(row))
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                text.flush()
                progress(count)
        text.flush()
    finally:
        text.detach()  # the caller's file stays open
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
    widths: Sequence[float] | None = None,
) -> HttpResponse:
    """A download of the table. `filename` without extension. CSV streams as it is produced;
    XLSX (a zip, which cannot be written as a stream) is spooled to a temporary file with flat
    memory, then streamed from it."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CONTENT_TYPES[fmt])
        return _attachment(response, f"{filename}.csv")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_table("xlsx", spool, header, rows, title=title, widths=widths)
    spool.seek(0)
    response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    return _attachment(response, f"{filename}.xlsx")
