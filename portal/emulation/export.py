"""The officer's view of a year as an XLSX workbook, in the layout the emulation council works with
(written by portal.core.tabular)."""
import io

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


def _people_sheet(wb, report, unit_name, title):
    ws = wb.create_sheet(f"Xét thi đua {report.year}")
    last = get_column_letter(len(COLUMNS))
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(report.lines)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    centred = Alignment(horizontal="center")
    ws.append([tabular.stream_cell(ws, f"DANH SÁCH XÉT DANH HIỆU THI ĐUA CÁ NHÂN NĂM {report.year}",
                                   tabular.cell_style(ws, font=Font(bold=True, size=14), alignment=centred))])
    scope = unit_name or "Toàn Viện (tất cả đơn vị)"
    if title:
        scope += f" — danh hiệu: {TITLE_LABELS[title]}"
    ws.append([tabular.stream_cell(ws, f"Phạm vi: {scope}. Lập ngày {today():%d/%m/%Y}.",
                                   tabular.cell_style(ws, alignment=centred))])
    ws.append([])
    head = tabular.cell_style(ws, font=Font(bold=True), fill=HEAD_FILL, border=BORDER,
                              alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    ws.append([tabular.stream_cell(ws, name, head) for name in COLUMNS])
    wrapped = (2, 3, 4, 6, len(COLUMNS))
    body = [tabular.cell_style(ws, border=BORDER, alignment=Alignment(vertical="top", wrap_text=col in wrapped))
            for col in range(1, len(COLUMNS) + 1)]
    for offset, line in enumerate(report.lines, start=1):
        user = line.user
        values = [
            offset, user.full_name, user.unit.name if user.unit else "", user.position or "",
            yes_no(user.is_leader), TITLE_LABELS.get(line.registered, "") if line.registered else "",
            *(yes_no(line.title(t).eligible) for t in engine.TITLES),
            line.articles, line.best_score, reasons(line),
        ]
        ws.append([tabular.stream_cell(ws, value, style) for value, style in zip(values, body, strict=True)])


def _caps_sheet(wb, report):
    caps = wb.create_sheet("Giới hạn CSTĐ cơ sở")
    for col, width in enumerate((40, 10, 14, 16, 12, 80), start=1):
        caps.column_dimensions[get_column_letter(col)].width = width
    bold = tabular.cell_style(caps, font=Font(bold=True))
    caps.append([tabular.stream_cell(caps, name, bold) for name in (
        "Đơn vị", "Số LĐTT", "Giới hạn CSTĐ cơ sở", "Đã đạt hoặc đủ điều kiện", "Vượt giới hạn",
        "Thứ tự đề xuất (điểm sáng kiến cao nhất trước)")])
    for entry in report.caps:
        order = "; ".join(
            c.user.full_name + (f" ({numbers.score(c.best_score, locale='vi')})" if c.best_score is not None else "")
            for c in entry["candidates"])
        caps.append([tabular.stream_cell(caps, value) for value in (
            entry["unit"], entry["lddt_count"], entry["cap"], entry["count"], yes_no(entry["over_cap"]), order)])


def _rules_sheet(wb, report):
    rules = wb.create_sheet("Thiết lập áp dụng")
    for letter, width in (("A", 80), ("B", 12), ("C", 12), ("D", 60)):
        rules.column_dimensions[letter].width = width
    bold = tabular.cell_style(rules, font=Font(bold=True))
    rules.append([tabular.stream_cell(rules, name, bold) for name in ("Thiết lập", "Giá trị", "Mặc định", "Căn cứ")])
    for item in report.inputs.settings.describe():
        value, default = item["value"], item["default"]
        if isinstance(value, bool):
            value, default = ("Bật" if value else "Tắt"), ("Bật" if default else "Tắt")
        rules.append([tabular.stream_cell(rules, v) for v in (
            item["label"], value, default, engine.SETTING_SOURCES[item["key"]])])


def write_workbook(report, target, *, unit_name=None, title=None):
    """The year's list as an XLSX file written into `target` (a file or a path), row by row as a
    stream: 21,000 people are one pass, without a cell object kept for each."""
    wb = tabular.stream_workbook()
    _people_sheet(wb, report, unit_name, title)
    _caps_sheet(wb, report)
    _rules_sheet(wb, report)
    wb.save(target)


def workbook_bytes(report, *, unit_name=None, title=None):
    buffer = io.BytesIO()
    write_workbook(report, buffer, unit_name=unit_name, title=title)
    return buffer.getvalue()
