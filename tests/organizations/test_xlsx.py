"""The streamed XLSX writer (organizations/xlsx.py), read back with openpyxl as a user's
spreadsheet would read it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from organizations.xlsx import MAX_CELL_TEXT, column_letter, sheet_name, write_xlsx

HEADER = ["Nummer", "Tittel", "Beløp", "Frist", "Opprettet", "Åpen"]


def written(rows, header=HEADER, **options):
    out = io.BytesIO()
    count = write_xlsx(out, header, rows, **options)
    out.seek(0)
    assert zipfile.ZipFile(out).testzip() is None
    out.seek(0)
    return count, load_workbook(out)


def values(book) -> list[tuple]:
    return list(book.active.iter_rows(values_only=True))


def test_cells_keep_their_types_and_nordic_letters():
    rows = [
        [
            101,
            "Lekkasje på badet – Ærlig Østby, Åsgårdstrand",
            Decimal("2.25"),
            dt.date(2026, 6, 9),
            dt.datetime(2026, 6, 1, 12, 30),
            True,
        ],
        [102, "æøå ÆØÅ äöü", 1.5, None, None, False],
    ]
    count, book = written(rows, booleans=("Ja", "Nei"))
    assert count == 2
    table = values(book)
    assert table[0] == tuple(HEADER)
    assert table[1] == (
        101,
        "Lekkasje på badet – Ærlig Østby, Åsgårdstrand",
        2.25,
        dt.datetime(2026, 6, 9),  # openpyxl reads dates back as datetimes
        dt.datetime(2026, 6, 1, 12, 30),
        "Ja",
    )
    assert table[2] == (102, "æøå ÆØÅ äöü", 1.5, None, None, "Nei")
    sheet = book.active
    assert sheet["A2"].data_type == "n" and sheet["C2"].data_type == "n"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy-mm-dd hh:mm"


def test_formula_looking_text_is_text_never_a_formula():
    rows = [['=HYPERLINK("http://evil")'], ["+1+2"], ["-3"], ["@SUM(A1)"]]
    _, book = written(rows, header=["Tittel"])
    for number, (text,) in enumerate(rows, start=2):
        cell = book.active.cell(row=number, column=1)
        assert cell.data_type == "s"
        assert cell.value == text
    sheet_xml = zipfile.ZipFile(io.BytesIO(_raw(rows, ["Tittel"]))).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def _raw(rows, header) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, header, rows)
    return out.getvalue()


def test_text_is_escaped_cleaned_and_cut_to_what_a_cell_holds():
    rows = [
        ["<b>Tom & Jerry</b> \"sitat\" 'enkle'"],
        ["  mellomrom rundt  "],
        ["kontroll\x00tegn\x1b fjernet\tmen tab\nog linjeskift blir"],
        ["\x01\x02"],  # nothing left: an empty cell
        ["x" * (MAX_CELL_TEXT + 10)],
    ]
    _, book = written(rows, header=["Tekst"])
    column = [row[0] for row in values(book)[1:]]
    assert column[0] == "<b>Tom & Jerry</b> \"sitat\" 'enkle'"
    assert column[1] == "  mellomrom rundt  "
    assert column[2] == "kontrolltegn fjernet\tmen tab\nog linjeskift blir"
    assert column[3] is None
    assert column[4] == "x" * MAX_CELL_TEXT


def test_values_a_spreadsheet_cannot_hold_as_numbers_or_dates_become_text():
    rows = [[float("nan"), dt.date(1899, 1, 2), dt.datetime(1900, 2, 28, 8, 15), Decimal("NaN")]]
    _, book = written(rows, header=["a", "b", "c", "d"])
    assert values(book)[1] == ("nan", "1899-01-02", "1900-02-28 08:15", "NaN")


def test_datetimes_go_through_localize_and_aware_ones_are_refused_without_it():
    aware = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)
    _, book = written(
        [[aware]],
        header=["Opprettet"],
        localize=lambda value: value.replace(tzinfo=None) + dt.timedelta(hours=1),
    )
    assert values(book)[1] == (dt.datetime(2026, 1, 16, 0, 30),)
    with pytest.raises(ValueError):
        write_xlsx(io.BytesIO(), ["Opprettet"], [[aware]])


def test_header_is_bold_and_frozen_columns_have_their_widths_and_the_sheet_its_name():
    _, book = written([[1, "a"]], header=["No.", "Title"], widths=[8, 40], title="Saker: 2026/1")
    sheet = book.active
    assert sheet.title == "Saker 20261"  # : and / are not allowed in a sheet name
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 8
    assert sheet.column_dimensions["B"].width == 40


def test_rows_wider_than_the_header_and_many_columns():
    row = list(range(30))
    _, book = written([row], header=["a", "b"])
    assert values(book)[1] == tuple(row)
    assert book.active["AD2"].value == 29
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_sheet_names_are_made_valid():
    assert sheet_name("") == "Sheet1"
    assert sheet_name("[*?]") == "Sheet1"
    assert sheet_name("'Saker'") == "Saker"
    assert len(sheet_name("Å" * 40)) == 31


def test_rows_are_read_as_they_are_written_and_progress_is_reported():
    seen: list[tuple[int, int]] = []
    consumed: list[int] = []

    def rows():
        for n in range(1200):
            consumed.append(n)
            yield [n, f"rad {n}"]

    def progress(count: int) -> None:
        seen.append((count, len(consumed)))

    out = io.BytesIO()
    assert write_xlsx(out, ["n", "tekst"], rows(), progress=progress) == 1200
    # Each chunk is written before the next rows are read: memory stays flat.
    assert seen == [(500, 500), (1000, 1000)]
    out.seek(0)
    table = values(load_workbook(out))
    assert len(table) == 1201 and table[-1] == (1199, "rad 1199")


def test_an_empty_table_is_a_valid_workbook_with_its_header():
    count, book = written([], header=["Nummer"])
    assert count == 0
    assert values(book) == [("Nummer",)]
