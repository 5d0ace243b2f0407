"""XLSX export of a year's initiatives with their scores and outcomes (openpyxl, written by
portal.core.tabular)."""
import io
from datetime import date

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core import numbers, tabular
from portal.council.models import CouncilDecision, ReviewAssignment
from portal.council.queries import SHEET_ONLY
from portal.council.scoring import aggregate
from portal.council.services import rubric_for, scoring_complete, sheets_of
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.workflow import LEVEL_LABELS, SECTOR_STATUS_LABELS, STATUS_LABELS, Status

OUTCOME_TEXT = {"recognized": "Công nhận", "rejected": "Không công nhận", None: ""}


def year_rows(year, viewer):
    """(rubric, [(initiative, aggregate or None, decision, shown)]) for the initiatives of `year`
    past draft that `viewer` may see.

    `shown` is what the viewer may see of the scores: "scores" (everything), "outcome" (the
    decided means only) or None (nothing; the aggregate is None). Four queries whatever the
    number of initiatives: initiatives, assignments with reviews and scores, decisions, rubric.
    """
    rubric = rubric_for(year)
    initiatives = db.session.execute(
        select(Initiative).where(Initiative.year == year, Initiative.status != Status.draft)
        .options(selectinload(Initiative.authors)).order_by(Initiative.id)
    ).scalars().all()
    ids = [i.id for i in initiatives]
    assignments, decisions = {}, {}
    if ids:
        for a in db.session.execute(
                select(ReviewAssignment).where(ReviewAssignment.initiative_id.in_(ids))
                .options(*SHEET_ONLY).order_by(ReviewAssignment.id)).scalars():
            assignments.setdefault((a.initiative_id, a.round), []).append(a)
        for d in db.session.execute(
                select(CouncilDecision).where(CouncilDecision.initiative_id.in_(ids))
                .order_by(CouncilDecision.id)).scalars():
            decisions[d.initiative_id] = d
    rows = []
    for initiative in initiatives:
        if not policy.can(viewer, Act.view, initiative):
            continue
        shown = ("scores" if policy.can(viewer, Act.see_scores, initiative)
                 else "outcome" if policy.can(viewer, Act.see_outcome, initiative) else None)
        decision = decisions.get(initiative.id)
        counted = initiative.round
        if initiative.status in (Status.recognized, Status.rejected) and decision:
            counted = decision.round
        ag = None
        if shown:
            counted_rows = assignments.get((initiative.id, counted), [])
            ag = aggregate(rubric.specs(), sheets_of(counted_rows), rubric.thresholds())
            if initiative.status == Status.in_review and not scoring_complete(counted_rows):
                ag.suggested = None  # no suggestion before every assigned sheet is in
        rows.append((initiative, ag, decision, shown))
    return rubric, rows


rounded = numbers.score_value  # numbers stay numbers, rounded as the pages write them
HEADER_STYLE = {"font": Font(bold=True, color="FFFFFF"), "fill": PatternFill("solid", fgColor="A61B1B"),
                "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center")}
BODY_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WIDTHS = {"C": 50, "D": 36, "E": 30}


def _values(n, initiative, ag, shown, rubric):
    scores = shown == "scores"
    return [
        n, initiative.id, initiative.title,
        "; ".join(f"{a.display_name} ({a.share})" for a in initiative.authors),
        initiative.unit.name, initiative.field.name if initiative.field else "", initiative.form_label,
        STATUS_LABELS[initiative.status], initiative.round, ag.count if ag else None,
        *([rounded(c.mean) for c in ag.criteria] if ag else [None] * len(rubric.criteria)),
        rounded(ag.mean_total) if ag else None,
        ag.min_total if scores else None, ag.max_total if scores else None,
        rounded(ag.std_dev) if scores else None,
        f"{ag.pass_count}/{ag.count}" if scores and ag.count else "",
        OUTCOME_TEXT.get(ag.suggested if scores else None, ""),
        initiative.decision_no or "", initiative.decision_date,
        LEVEL_LABELS[initiative.level] if initiative.level else "",
        SECTOR_STATUS_LABELS[initiative.sector_status] if initiative.sector_status else "",
        initiative.sector_decision_no or "", initiative.sector_decision_date,
    ]


def year_workbook(year, viewer):
    """The year's initiatives as an XLSX file, one row each, written as a stream (3,000 rows)."""
    rubric, rows = year_rows(year, viewer)
    book = tabular.stream_workbook()
    sheet = book.create_sheet(f"Sáng kiến {year}")
    headers = ["STT", "Mã", "Tên sáng kiến", "Tác giả (tỷ lệ %)", "Đơn vị", "Lĩnh vực", "Hình thức",
               "Trạng thái", "Vòng", "Số phiếu",
               *[f"{c.name} (TB/{c.max_score})" for c in rubric.criteria],
               "Điểm TB", "Thấp nhất", "Cao nhất", "Độ lệch chuẩn", "Đề nghị đạt", "Đề xuất",
               "Số QĐ", "Ngày QĐ", "Cấp", "Cấp Ngành", "Số QĐ cấp Ngành", "Ngày QĐ cấp Ngành"]
    for index in range(1, len(headers) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(letter, 14)
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    header = tabular.cell_style(sheet, **HEADER_STYLE)
    sheet.append([tabular.stream_cell(sheet, name, header) for name in headers])
    # a date shows as a date, a number stays a number (the reader's decimal mark shows it)
    styles = {kind: tabular.cell_style(sheet, alignment=BODY_ALIGNMENT, number_format=number_format)
              for kind, number_format in (("text", "General"), ("date", "DD/MM/YYYY"), ("float", "0.00"))}

    def style_of(value):
        return styles["date" if isinstance(value, date) else "float" if isinstance(value, float) else "text"]

    for n, (initiative, ag, _decision, shown) in enumerate(rows, start=1):
        sheet.append([tabular.stream_cell(sheet, value, style_of(value))
                      for value in _values(n, initiative, ag, shown, rubric)])
    return io.BytesIO(tabular.stream_bytes(book))
