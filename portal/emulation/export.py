"""The officer's view of a year as an XLSX workbook, in the layout the emulation council works with
(written by portal.core.tabular)."""
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from portal.core import numbers, tabular
from portal.core.timeutil import today
from portal.emulation import engine
from portal.emulation.models import TITLE_LABELS

HEADER_ROW = 4
COLUMNS = ["STT", "Họ và tên", "Đơn vị", "Chức vụ", "Lãnh đạo", "Danh hiệu đăng ký",
           *(TITLE_LABELS[t] for t in engine.TITLES), "Số tin, bài", "Điểm sáng kiến cao nhất",
           "Lý do chưa đủ điều kiện"]
WIDTHS = [6, 26, 34, 28, 10, 26, 14, 14, 14, 14, 10, 12, 80]

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")


def yes_no(value):
    return "Có" if value else "Không"


def reasons(line):
    """Why the person is not eligible for the title that matters for them.

    The registered title when it is above Lao động tiên tiến, otherwise Chiến sỹ
    thi đua cơ sở: listing why nobody is a national emulation soldier would bury
    the reasons the council needs.
    """
    target = line.registered if line.registered and line.registered != engine.ADVANCED_WORKER \
        else engine.GRASSROOTS
    outcome = line.title(target)
    if outcome.eligible:
        return ""
    unmet = [c.detail for c in outcome.conditions if c.blocking]
    return f"{TITLE_LABELS[target]}: " + " ".join(unmet)


def workbook_bytes(report, *, unit_name=None, title=None):
    wb = Workbook()
    ws = wb.active
    ws.title = f"Xét thi đua {report.year}"
    last = get_column_letter(len(COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    tabular.put(ws, 1, 1, f"DANH SÁCH XÉT DANH HIỆU THI ĐUA CÁ NHÂN NĂM {report.year}")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    scope = unit_name or "Toàn Viện (tất cả đơn vị)"
    if title:
        scope += f" — danh hiệu: {TITLE_LABELS[title]}"
    ws.merge_cells(f"A2:{last}2")
    tabular.put(ws, 2, 1, f"Phạm vi: {scope}. Lập ngày {today():%d/%m/%Y}.")
    ws["A2"].alignment = Alignment(horizontal="center")
    for col, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = tabular.put(ws, HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    for offset, line in enumerate(report.lines, start=1):
        user = line.user
        values = [
            offset, user.full_name, user.unit.name if user.unit else "", user.position or "",
            yes_no(user.is_leader), TITLE_LABELS.get(line.registered, "") if line.registered else "",
            *(yes_no(line.title(t).eligible) for t in engine.TITLES),
            line.articles, line.best_score, reasons(line),
        ]
        for col, value in enumerate(values, start=1):
            cell = tabular.put(ws, HEADER_ROW + offset, col, value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 3, 4, 6, len(COLUMNS)))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(report.lines)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1

    caps = wb.create_sheet("Giới hạn CSTĐ cơ sở")
    tabular.append(caps, ["Đơn vị", "Số LĐTT", "Giới hạn CSTĐ cơ sở", "Đã đạt hoặc đủ điều kiện", "Vượt giới hạn",
                 "Thứ tự đề xuất (điểm sáng kiến cao nhất trước)"])
    for entry in report.caps:
        order = "; ".join(
            c.user.full_name + (f" ({numbers.score(c.best_score, locale='vi')})" if c.best_score is not None else "")
            for c in entry["candidates"])
        tabular.append(caps, [entry["unit"], entry["lddt_count"], entry["cap"], entry["count"],
                     yes_no(entry["over_cap"]), order])
    for col, width in enumerate((40, 10, 14, 16, 12, 80), start=1):
        caps.column_dimensions[get_column_letter(col)].width = width
        caps.cell(row=1, column=col).font = Font(bold=True)

    rules = wb.create_sheet("Thiết lập áp dụng")
    tabular.append(rules, ["Thiết lập", "Giá trị", "Mặc định", "Căn cứ"])
    for item in report.inputs.settings.describe():
        value, default = item["value"], item["default"]
        if isinstance(value, bool):
            value, default = ("Bật" if value else "Tắt"), ("Bật" if default else "Tắt")
        tabular.append(rules, [item["label"], value, default, engine.SETTING_SOURCES[item["key"]]])
    rules.column_dimensions["A"].width = 80
    rules.column_dimensions["B"].width = 12
    rules.column_dimensions["C"].width = 12
    rules.column_dimensions["D"].width = 60
    for col in (1, 2, 3, 4):
        rules.cell(row=1, column=col).font = Font(bold=True)

    return tabular.xlsx_bytes(wb)
