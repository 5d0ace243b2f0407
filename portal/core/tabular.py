"""Reading a spreadsheet someone uploaded (.xlsx or .csv) into rows of cells.

Shared by every import (users, emulation records); each import maps the header
to its own columns and judges the rows itself.
"""
import csv
import io
from zipfile import BadZipFile


class TableError(ValueError):
    """The file as a whole cannot be read; the message tells the person what to do."""


def cell(value):
    """A cell as clean text: None is blank, 12.0 is "12", runs of spaces are one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


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
