"""A year's statistics as XLSX: a summary sheet, then one sheet per figure (written by
portal.core.tabular, the portal's one spreadsheet writer, which neutralises formulas)."""
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.core import tabular

INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(name, used):
    name = name.translate(INVALID_SHEET_CHARS).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def workbook_bytes(report, title):
    book = Workbook()
    sheet = book.active
    used = set()
    sheet.title = _sheet_name(_("Tổng hợp"), used)
    tabular.append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=13)
    tabular.append(sheet, [_("Năm"), report.year])
    for label, value in report.facts:
        tabular.append(sheet, [label, "" if value is None else value])
    sheet.column_dimensions["A"].width = 60
    for figure in report.figures.values():
        sheet = book.create_sheet(_sheet_name(figure.sheet, used))
        tabular.append(sheet, [figure.title])
        sheet["A1"].font = Font(bold=True)
        if figure.note:
            tabular.append(sheet, [figure.note])
        header = tabular.append(sheet, figure.headers)
        for cell in header:
            cell.font = Font(bold=True)
        for row in figure.rows:
            tabular.append(sheet, row)
        sheet.column_dimensions["A"].width = 40
        for letter in "BCD":
            sheet.column_dimensions[letter].width = 18
    return tabular.xlsx_bytes(book)
