"""Cells of exported tables (CSV, XLSX) that a spreadsheet shows as text, never runs."""

import csv
import io

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def keep_as_text(workbook):
    """Every string of an openpyxl workbook stored as text: openpyxl makes a string that starts
    with "=" a formula, and names the school's operator typed go into cells. A string a
    spreadsheet would read as a formula once edited is marked to stay text (Excel's
    quotePrefix, the leading apostrophe that is not shown)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True


def to_csv(header, rows):
    """A CSV text Excel opens as UTF-8, every cell defused (safe_cell), None as empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    # The byte order mark makes Excel read the file as UTF-8.
    return "\ufeff" + buffer.getvalue()
