"""DOCX documents of the appraisal in the Vietnamese administrative format (python-docx).

Nghị định 30/2020/NĐ-CP: Times New Roman 13–14 pt, A4, the issuing body at top
left and the national motto at top right ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM /
Độc lập - Tự do - Hạnh phúc"), the place and date in italics, the title in
capitals, the signature block at the right.

Each builder returns a `docx.Document`; `to_bytes` turns it into a file.
"""
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from portal.core.markup import plain_text
from portal.core.text import xml_safe
from portal.core.timeutil import local_date, today
from portal.council.models import COUNCIL_ROLE_LABELS, RECOMMENDATION_LABELS
from portal.initiatives.workflow import LEVEL_LABELS

FONT = "Times New Roman"
PARENT_ORG = "VIỆN KIỂM SÁT NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG"
COUNCIL_ORG = "HỘI ĐỒNG SÁNG KIẾN"
PLACE = "Đà Nẵng"
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"

SECTIONS = [
    ("current_state", "Thực trạng, nhược điểm của giải pháp đã biết"),
    ("solution", "Nội dung giải pháp"),
    ("conditions", "Các điều kiện cần thiết để áp dụng sáng kiến"),
    ("benefits", "Hiệu quả thu được hoặc dự kiến thu được"),
]


def to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def vietnamese_date(day, place=PLACE):
    """"Đà Nẵng, ngày 05 tháng 3 năm 2026": days below 10 and months 1–2 take a leading zero."""
    if day is None:
        return f"{place}, ngày     tháng     năm {today().year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def score_text(value):
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# -- building blocks --------------------------------------------------------------

def new_document():
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(13)
        # Vietnamese text needs the font for every script slot, not just ASCII.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.space_after = Pt(3)
    normal.line_spacing = 1.15
    return document


def _run(paragraph, text, *, bold=False, italic=False, size=None, underline=False):
    # Every text of a document passes here: what XML cannot hold (data stored before the portal
    # refused it) is dropped rather than failing the whole document.
    run = paragraph.add_run(xml_safe(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, text="", *, align=None, bold=False, italic=False, size=None, space_after=None,
          indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _cell_text(cell, text, *, bold=False, align=None, size=None, italic=False):
    cell.text = ""
    lines = str(text).split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        _run(paragraph, line, bold=bold, size=size, italic=italic)


def national_header(document, *, org=COUNCIL_ORG, parent=PARENT_ORG, number=None, day=None):
    """The two-column header: issuing body and number | national motto and place, date."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    _cell_text(left, parent, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    paragraph = left.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, org, bold=True, size=12, underline=True)
    if number is not None:
        paragraph = left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, f"Số: {number or '      '}", size=13)
    _cell_text(right, MOTTO_1, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, MOTTO_2, bold=True, size=13, underline=True)
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, vietnamese_date(day), italic=True, size=13)
    _para(document)


def title(document, text, subtitle=None):
    _para(document, text.upper(), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, space_after=0)
    if subtitle:
        _para(document, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13, space_after=0)
    _para(document)


def signature(document, position, name, *, left=None):
    """Signature block(s): one at the right, optionally one at the left."""
    table = document.add_table(rows=1, cols=2)
    cells = table.rows[0].cells
    for cell, block in ((cells[0], left), (cells[1], (position, name))):
        if not block:
            continue
        role, person = block
        _cell_text(cell, role.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, "(Ký, ghi rõ họ tên)", italic=True, size=12)
        for _ in range(3):
            cell.add_paragraph()
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, person or "", bold=True)


def grid(document, headers, rows, widths=None, *, size=12):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            _cell_text(cell, score_text(value) if isinstance(value, float) else value,
                       align=WD_ALIGN_PARAGRAPH.CENTER if numeric else None, size=size)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _markdown_paragraphs(document, text):
    """Markdown reduced to plain paragraphs (one per block), justified and indented."""
    for block in str(text or "").replace("\r\n", "\n").split("\n\n"):
        for line in block.split("\n") if block.lstrip().startswith(("-", "*", "1.")) else [block]:
            clean = plain_text(line)
            if clean:
                _para(document, clean, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def _authors_text(initiative):
    return ", ".join(f"{a.display_name} ({a.share}%)" for a in initiative.authors)


def chair_name(council):
    if council is None:
        return ""
    chair = next((m for m in council.members if m.role.value == "chair"), None)
    return chair.user.full_name if chair else ""


def _secretary_name(council):
    if council is None:
        return ""
    member = next((m for m in council.members if m.role.value == "secretary"), None)
    return member.user.full_name if member else ""


# -- the documents ----------------------------------------------------------------

def application_form(initiative, version=None):
    """Đơn đề nghị công nhận sáng kiến, from the frozen version when there is one."""
    snap = dict(version.snapshot) if version and version.snapshot else {}
    content = {key: snap.get(key, getattr(initiative, key)) for key, _ in SECTIONS}
    document = new_document()
    national_header(document, org="", parent="", day=local_date(version.submitted_at) if version else None)
    title(document, "Đơn đề nghị công nhận sáng kiến")
    paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(paragraph, "Kính gửi: ", italic=True)
    _run(paragraph, f"Hội đồng Sáng kiến Viện kiểm sát nhân dân thành phố Đà Nẵng năm {initiative.year}")
    _para(document, "Tôi (chúng tôi):")
    rows = []
    for i, author in enumerate(initiative.authors, start=1):
        position = author.user.position if author.user else ""
        rows.append([str(i), author.display_name, author.workplace or "", position or "", f"{author.share}%"])
    grid(document, ["TT", "Họ và tên", "Nơi công tác", "Chức danh", "Tỷ lệ đóng góp"], rows,
         widths=[1, 4.5, 5, 3.5, 2.5])
    _para(document)
    paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _run(paragraph, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: ")
    _run(paragraph, snap.get("title") or initiative.title, bold=True)
    facts = [
        ("Lĩnh vực áp dụng", initiative.field.name if initiative.field else ""),
        ("Hình thức", initiative.form_label),
        ("Cấp đề nghị công nhận", LEVEL_LABELS[initiative.requested_level]),
        ("Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử",
         initiative.first_applied_on.strftime("%d/%m/%Y") if initiative.first_applied_on else ""),
    ]
    if version:
        facts.append(("Phiên bản hồ sơ", f"{version.number}, nộp ngày {version.submitted_at:%d/%m/%Y}"))
    for label, value in facts:
        paragraph = _para(document, indent=True)
        _run(paragraph, f"{label}: ", bold=True)
        _run(paragraph, value)
    summary = snap.get("summary", initiative.summary)
    if summary:
        _para(document, "Tóm tắt sáng kiến:", bold=True)
        _markdown_paragraphs(document, summary)
    for number, (key, label) in enumerate(SECTIONS, start=1):
        _para(document, f"{number}. {label}:", bold=True)
        _markdown_paragraphs(document, content[key])
    _para(document, "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật "
                    "và hoàn toàn chịu trách nhiệm trước pháp luật.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    signature(document, "Người nộp đơn", _authors_text(initiative).replace(", ", "\n"))
    return document


def scoring_sheet(review, rubric, reviewer_name=None):
    """Phiếu chấm điểm sáng kiến of one council member; `reviewer_name` is what the reader may
    know of who scored (the name, or "Thành viên 2")."""
    reviewer_name = reviewer_name or review.reviewer.full_name
    initiative = review.assignment.initiative
    document = new_document()
    national_header(document, day=(review.submitted_at or review.updated_at).date())
    title(document, "Phiếu chấm điểm sáng kiến", f"Năm {initiative.year} – vòng thẩm định {review.round}")
    for label, value in (
        ("Thành viên Hội đồng", reviewer_name),
        ("Tên sáng kiến", initiative.title),
        ("Tác giả", _authors_text(initiative)),
        ("Đơn vị", initiative.unit.name),
        ("Phiên bản hồ sơ được chấm", str(review.version.number) if review.version else ""),
    ):
        paragraph = _para(document)
        _run(paragraph, f"{label}: ", bold=True)
        _run(paragraph, value)
    scores, comments = review.score_map(), review.comment_map()
    rows = [[str(i), c.name, str(c.max_score),
             "" if scores.get(c.code) is None else str(scores.get(c.code)), comments.get(c.code, "")]
            for i, c in enumerate(rubric.criteria, start=1)]
    rows.append(["", "Tổng cộng", str(rubric.max_total), str(review.total), ""])
    _para(document)
    grid(document, ["TT", "Tiêu chí", "Điểm tối đa", "Điểm chấm", "Nhận xét"], rows,
         widths=[1, 4.5, 2.2, 2.2, 6.5])
    _para(document)
    paragraph = _para(document)
    _run(paragraph, "Kiến nghị: ", bold=True)
    for code, label in RECOMMENDATION_LABELS.items():
        _run(paragraph, ("☒ " if review.recommendation == code else "☐ ") + label + "    ")
    if review.overall_comment:
        paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _run(paragraph, "Nhận xét chung: ", bold=True)
        _run(paragraph, review.overall_comment)
    signature(document, "Thành viên Hội đồng", reviewer_name)
    return document


def meeting_minutes(year, council, rubric, appraisals, decision_no=None):
    """Biên bản họp Hội đồng Sáng kiến with the aggregated scores of each initiative.

    `appraisals` is a list of (initiative, services.Appraisal or None) for the round that
    counts; None where the reader may not see the scores (the row says so, nothing more).
    """
    document = new_document()
    national_header(document, day=today())
    title(document, "Biên bản họp Hội đồng Sáng kiến",
          f"Xét công nhận sáng kiến năm {year}" + (f" (Quyết định số {decision_no})" if decision_no else ""))
    established = ""
    if council and council.decision_no:
        established = (f" được thành lập theo Quyết định số {council.decision_no}"
                       + (f" ngày {council.decision_date:%d/%m/%Y}" if council.decision_date else ""))
    _para(document, f"Hội đồng Sáng kiến Viện kiểm sát nhân dân thành phố Đà Nẵng năm {year}{established} "
                    "họp xét, đánh giá các sáng kiến đề nghị công nhận.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, "I. Thành phần", bold=True)
    for member in (council.members if council else []):
        _para(document, f"- {member.user.full_name}, {member.user.position or member.user.unit.name} – "
                        f"{COUNCIL_ROLE_LABELS[member.role]}", indent=True)
    _para(document, "II. Kết quả chấm điểm", bold=True)
    criteria = rubric.criteria
    headers = ["TT", "Tên sáng kiến", "Tác giả", "Số phiếu",
               *[f"{c.name} (TB/{c.max_score})" for c in criteria], "Điểm TB", "Đề nghị đạt",
               "Đề xuất", "Kết quả"]
    rows = []
    for i, (initiative, appraisal) in enumerate(appraisals, start=1):
        result = {"recognized": "Công nhận", "rejected": "Không công nhận"}.get(initiative.status.value,
                                                                                "Đang thẩm định")
        if appraisal is None:
            rows.append([str(i), initiative.title, _authors_text(initiative), "–", *["–" for _c in criteria],
                         "–", "–", "–", result])
            continue
        ag = appraisal.aggregate
        rows.append([
            str(i), initiative.title, _authors_text(initiative), str(ag.count),
            *[score_text(c.mean) for c in ag.criteria], score_text(ag.mean_total),
            f"{ag.pass_count}/{ag.count}",
            {"recognized": "Công nhận", "rejected": "Không công nhận"}.get(appraisal.suggested, "Chưa đủ phiếu"),
            result,
        ])
    grid(document, headers, rows, size=10)
    _para(document)
    recognized = [i for i, _ in appraisals if i.status.value == "recognized"]
    _para(document, "III. Kết luận", bold=True)
    _para(document, f"Hội đồng thống nhất đề nghị công nhận {len(recognized)}/{len(appraisals)} sáng kiến "
                    "cấp cơ sở. Biểu quyết theo nguyên tắc ít nhất hai phần ba số thành viên chấm đề nghị "
                    "“đạt” và điểm trung bình đạt ngưỡng của bộ tiêu chí năm.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    signature(document, "Chủ tịch Hội đồng", chair_name(council),
              left=("Thư ký Hội đồng", _secretary_name(council)))
    return document


def recognition_decision(year, council, initiatives, decision_no=None, means=None):
    """Quyết định công nhận sáng kiến cấp cơ sở, with the list of initiatives and authors."""
    means = means or {}
    decision_no = decision_no or (initiatives[0].decision_no if initiatives else "")
    day = initiatives[0].decision_date if initiatives else None
    document = new_document()
    national_header(document, org="", parent="VIỆN KIỂM SÁT NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG",
                    number=decision_no, day=day)
    title(document, "Quyết định", f"Về việc công nhận sáng kiến cấp cơ sở năm {year}")
    _para(document, "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG",
          align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    grounds = [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ Sáng kiến;",
    ]
    if council and council.decision_no:
        grounds.append(f"Căn cứ Quyết định số {council.decision_no}"
                       + (f" ngày {council.decision_date:%d/%m/%Y}" if council.decision_date else "")
                       + f" về việc thành lập Hội đồng Sáng kiến năm {year};")
    grounds.append("Xét đề nghị của Hội đồng Sáng kiến Viện kiểm sát nhân dân thành phố Đà Nẵng.")
    for line in grounds:
        _para(document, line, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, "QUYẾT ĐỊNH:", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _run(paragraph, "Điều 1. ", bold=True)
    _run(paragraph, f"Công nhận {len(initiatives)} sáng kiến cấp cơ sở năm {year} "
                    "(có danh sách kèm theo).")
    paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _run(paragraph, "Điều 2. ", bold=True)
    _run(paragraph, "Sáng kiến được công nhận là căn cứ xét danh hiệu thi đua theo quy định và được đăng "
                    "trên Trang thông tin điện tử của Viện kiểm sát nhân dân thành phố Đà Nẵng.")
    paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _run(paragraph, "Điều 3. ", bold=True)
    _run(paragraph, "Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các đơn vị và các "
                    "cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")
    signature(document, "Chủ tịch Hội đồng Sáng kiến", chair_name(council))
    document.add_page_break()
    title(document, "Danh sách sáng kiến được công nhận",
          f"(Kèm theo Quyết định số {decision_no} của Viện trưởng VKSND thành phố Đà Nẵng)")
    rows = [[str(i), initiative.title, "\n".join(f"{a.display_name} ({a.share}%)" for a in initiative.authors),
             initiative.unit.name, score_text(means.get(initiative.id))]
            for i, initiative in enumerate(initiatives, start=1)]
    grid(document, ["TT", "Tên sáng kiến", "Tác giả (tỷ lệ đóng góp)", "Đơn vị", "Điểm TB"], rows,
         widths=[1, 6, 4.5, 3.5, 1.8], size=12)
    return document


def certificate(initiative, mean_total=None, chair_name=""):
    """Giấy chứng nhận sáng kiến for one recognised initiative."""
    document = new_document()
    national_header(document, org="", parent="VIỆN KIỂM SÁT NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG",
                    day=initiative.decision_date)
    _para(document)
    _para(document, "GIẤY CHỨNG NHẬN", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=26, space_after=0)
    _para(document, "SÁNG KIẾN", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=20)
    _para(document, "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG CHỨNG NHẬN",
          align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _para(document, "Sáng kiến:", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, f"“{initiative.title}”", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=15)
    _para(document, "Tác giả:", align=WD_ALIGN_PARAGRAPH.CENTER)
    for author in initiative.authors:
        _para(document, f"{author.display_name} – {author.workplace}", align=WD_ALIGN_PARAGRAPH.CENTER,
              bold=True, space_after=0)
    _para(document)
    level = LEVEL_LABELS[initiative.level] if initiative.level else LEVEL_LABELS["grassroots"]
    text = (f"Được công nhận là sáng kiến {level.lower()} năm {initiative.year} theo Quyết định số "
            f"{initiative.decision_no} ngày {initiative.decision_date:%d/%m/%Y}"
            if initiative.decision_date else f"Được công nhận là sáng kiến {level.lower()}")
    if initiative.sector_decision_no and initiative.sector_status and initiative.sector_status.value == "recognized":
        text += (f"; được Viện kiểm sát nhân dân tối cao công nhận cấp Ngành theo Quyết định số "
                 f"{initiative.sector_decision_no}")
    if mean_total is not None:
        text += f". Điểm trung bình của Hội đồng: {score_text(mean_total)}"
    _para(document, text + ".", align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    _para(document)
    signature(document, "Chủ tịch Hội đồng Sáng kiến", chair_name)
    return document
