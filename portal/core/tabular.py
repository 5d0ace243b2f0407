"""Spreadsheets in and out: reading one someone uploaded (.xlsx or .csv) into rows of cells,
and the one writer of every XLSX and CSV the portal makes.

Reading is shared by every import (users, emulation records); each import maps the header
to its own columns and judges the rows itself.

Writing: text that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab
or a carriage return; OWASP "CSV injection") is neutralised: in XLSX it is stored as text
with Excel's quote prefix (shown as typed, never run), in CSV it gets a leading apostrophe.
Characters XML cannot hold are removed (portal.core.text), so stored data never makes an
export fail. Numbers, dates and booleans are written as they are.
"""
import csv
import io
from copy import copy
from zipfile import BadZipFile

from portal.core.text import clean, xml_safe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file as a whole cannot be read; the message tells the person what to do."""


def cell(value):
    """A cell as clean text: None is blank, 12.0 is "12", runs of spaces are one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(clean(str(value)).split())


def read_cells(filename, data):
    """Every row of the first sheet (or the CSV) as a list of raw cell values."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if name.endswith(".csv"):
        return _csv_rows(data)
    raise TableError("Chỉ nhận tệp .xlsx hoặc .csv.")


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError("Không đọc được tệp Excel (.xlsx); hãy lưu lại bằng Excel hoặc LibreOffice.") from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    # Excel in a Vietnamese locale saves CSV with semicolons.
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_START)


def xlsx_value(value):
    """A value ready for an openpyxl cell: text without what XML cannot hold."""
    return xml_safe(value) if isinstance(value, str) else value


def append(sheet, values):
    """Append a row to an openpyxl sheet through the writer; returns the row's cells."""
    sheet.append([xlsx_value(v) for v in values])
    return sheet[sheet.max_row]


def put(sheet, row, column, value):
    """Write one cell of an openpyxl sheet through the writer; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    cell.value = xlsx_value(value)
    _neutralise(cell)
    return cell


def _neutralise(cell):
    if cell.data_type == "f" or formula_like(cell.value):
        cell.data_type = "s"  # text, never a formula: the portal writes no formulas
        cell.quotePrefix = True


def stream_workbook():
    """A workbook whose sheets write each row as it is appended (openpyxl's write-only mode), for
    the exports of thousands of rows: no cell objects kept, no pass over them at the end. Its
    sheets are made with `create_sheet`; widths, frozen panes and merged cells go before the rows."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def cell_style(sheet, **style):
    """A style (font, fill, border, alignment, number_format) for cells of a write-only `sheet`,
    made once: giving each of 100,000 cells its style objects costs more than writing them."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell._style


def stream_cell(sheet, value, style=None):
    """A cell of a write-only `sheet` through the writer (text XML-safe, formula-like text kept as
    text), with a style made by `cell_style`."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    if style is not None:
        cell._style = copy(style)
    if isinstance(cell.value, str):
        _neutralise(cell)
    return cell


def stream_bytes(workbook):
    """A write-only workbook as an XLSX file (its cells were neutralised as they were made)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(workbook):
    """The workbook as an XLSX file, every formula-like cell of every sheet neutralised."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    _neutralise(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_value(value):
    """A value as CSV text: formula-like text gets a leading apostrophe; None is blank."""
    text = "" if value is None else xml_safe(str(value))
    return "'" + text if formula_like(text) else text


def csv_text(rows, *, delimiter=","):
    """Rows as CSV text with a UTF-8 byte order mark (so that Excel shows Vietnamese)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return "\ufeff" + out.getvalue()
