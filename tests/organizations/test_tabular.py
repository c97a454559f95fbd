"""The shared CSV/XLSX writer every export uses (organizations/tabular.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from organizations.tabular import csv_chunks, csv_lines, table_response, write_table

HEADER = ["Nummer", "Tittel", "Opprettet", "Frist", "Timer", "Åpen"]
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
CREATED = dt.datetime(2026, 6, 1, 10, 30, 15, tzinfo=dt.UTC)  # 12:30 in Oslo (summer time)
ROWS = [
    [101, "Lekkasje på badet – Ærlig Østby, Åsgårdstrand", CREATED, dt.date(2026, 6, 9), 1.5, True],
    [102, '=HYPERLINK("http://evil")', None, None, Decimal("2.25"), False],
    [103, "-2+3 @mention\tand tab", CREATED, None, 0, False],
]


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_starts_with_a_bom_and_keeps_nordic_letters_through_excels_decoding():
    data = "".join(csv_lines(HEADER, ROWS)).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    # Excel decodes a file with a BOM as UTF-8: "utf-8-sig" is that decoding.
    rows = _csv_rows(data.decode("utf-8-sig"))
    assert rows[0] == HEADER
    assert rows[1][1] == "Lekkasje på badet – Ærlig Østby, Åsgårdstrand"
    assert len(rows) == 1 + len(ROWS)


def test_csv_neutralises_formulas_and_formats_values():
    with timezone.override(OSLO):
        rows = _csv_rows("".join(csv_lines(HEADER, ROWS)).removeprefix("\ufeff"))
    assert rows[1][2] == "2026-06-01 12:30"  # the user's time zone, to the minute
    assert rows[1][3] == "2026-06-09"
    assert rows[1][5] == "Yes"
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'
    assert rows[2][2] == ""
    assert rows[2][4] == "2.25"
    assert rows[3][1].startswith("'-2+3")


def test_xlsx_keeps_types_and_never_stores_a_formula():
    out = io.BytesIO()
    with timezone.override(OSLO):
        count = write_table("xlsx", out, HEADER, ROWS, title="Saker")
    assert count == len(ROWS)
    out.seek(0)
    sheet = load_workbook(out)["Saker"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert values[1][0] == 101
    assert values[1][2] == dt.datetime(2026, 6, 1, 12, 30)
    assert values[1][3] == dt.datetime(2026, 6, 9)  # openpyxl reads dates back as datetimes
    assert values[1][5] == "Yes"
    formula_cell = sheet.cell(row=3, column=2)
    assert formula_cell.data_type == "s"
    assert formula_cell.value == '=HYPERLINK("http://evil")'


def test_write_table_reports_progress_and_counts_rows():
    seen: list[int] = []
    rows = ([n, f"row {n}"] for n in range(2500))
    out = io.BytesIO()
    assert write_table("csv", out, ["n", "text"], rows, progress=seen.append) == 2500
    assert seen == [1000, 2000]
    assert out.getvalue().decode("utf-8-sig").count("\n") == 2501


def test_xlsx_progress_counts_rows_and_the_header_is_bold_and_frozen():
    seen: list[int] = []
    rows = ([n, f"rad {n}", dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)] for n in range(2500))
    out = io.BytesIO()
    with timezone.override(OSLO):
        count = write_table("xlsx", out, ["n", "tekst", "tid"], rows, progress=seen.append)
    assert count == 2500
    assert seen == [1000, 2000]
    out.seek(0)
    sheet = load_workbook(out).active
    assert sheet.title == "Saksflyt"
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["C2501"].value == dt.datetime(2026, 1, 16, 0, 30)  # Oslo, to the minute


def test_csv_download_comes_in_chunks_of_lines_with_the_same_text(monkeypatch):
    monkeypatch.setattr("organizations.tabular.CSV_CHUNK", 2)
    chunks = list(csv_chunks(HEADER, ROWS))
    assert "".join(chunks) == "".join(csv_lines(HEADER, ROWS))
    assert [chunk.count("\r\n") for chunk in chunks] == [3, 1]  # header + 2 rows, then 1
    out = io.BytesIO()
    write_table("csv", out, HEADER, ROWS)
    assert out.getvalue().decode("utf-8") == "".join(csv_lines(HEADER, ROWS))


def test_table_response_names_the_file_by_format():
    csv_response = table_response(fmt="csv", filename="saker", header=HEADER, rows=ROWS)
    assert csv_response["Content-Disposition"] == 'attachment; filename="saker.csv"'
    assert b"".join(csv_response.streaming_content).startswith(b"\xef\xbb\xbf")
    xlsx_response = table_response(
        fmt="xlsx", filename="saker", header=HEADER, rows=ROWS, widths=[8, 40]
    )
    assert xlsx_response["Content-Disposition"] == 'attachment; filename="saker.xlsx"'
    body = b"".join(xlsx_response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.max_row == 1 + len(ROWS)
    assert sheet.column_dimensions["B"].width == 40
    with pytest.raises(ValueError):
        table_response(fmt="pdf", filename="x", header=HEADER, rows=ROWS)
