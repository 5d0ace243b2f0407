"""Phiếu chấm điểm sáng kiến: one council member's sheet."""
from portal.core.timeutil import local_date
from portal.council.documents import layout
from portal.council.documents.layout import JUSTIFY, Header, Signer
from portal.council.documents.organisation import organisation
from portal.council.documents.text import authors_text, vietnamese_date
from portal.council.models import RECOMMENDATION_LABELS


def council_header(org, day, number=None):
    return Header(body="Hội đồng Sáng kiến", parent=org.header, number=number,
                  place_date=vietnamese_date(day, org.place))


def scoring_sheet(review, rubric, reviewer_name=None):
    """`reviewer_name` is what the reader may know of who scored (the name, or "Thành viên 2")."""
    org = organisation()
    reviewer_name = reviewer_name or review.reviewer.full_name
    initiative = review.assignment.initiative
    document = layout.new_document()
    layout.national_header(document, council_header(org, local_date(review.submitted_at or review.updated_at)))
    layout.title(document, "Phiếu chấm điểm sáng kiến", f"Năm {initiative.year} – vòng thẩm định {review.round}")
    for label, value in (
        ("Thành viên Hội đồng", reviewer_name),
        ("Tên sáng kiến", initiative.title),
        ("Tác giả", authors_text(initiative)),
        ("Đơn vị", initiative.unit.name),
        ("Phiên bản hồ sơ được chấm", str(review.version.number) if review.version else ""),
    ):
        layout.labelled(document, label, value, indent=False)
    scores, comments = review.score_map(), review.comment_map()
    rows = [[str(i), c.name, str(c.max_score),
             "" if scores.get(c.code) is None else str(scores.get(c.code)), comments.get(c.code, "")]
            for i, c in enumerate(rubric.criteria, start=1)]
    rows.append(["", "Tổng cộng", str(rubric.max_total), "" if review.total is None else str(review.total), ""])
    table = layout.grid(document, ["TT", "Tiêu chí", "Điểm tối đa", "Điểm chấm", "Nhận xét"], rows,
                        [1.0, 4.6, 2.0, 2.0, 6.4], numeric=(0, 2, 3))
    for cell in table.rows[-1].cells:
        for paragraph in cell.paragraphs:
            for r in paragraph.runs:
                r.bold = True
    paragraph = layout.para(document, space_before=layout.SPACING_PT)
    layout.run(paragraph, "Kiến nghị: ", bold=True)
    for code, label in RECOMMENDATION_LABELS.items():
        layout.run(paragraph, ("☒ " if review.recommendation == code else "☐ ") + label + "    ")
    if review.overall_comment:
        paragraph = layout.para(document, align=JUSTIFY)
        layout.run(paragraph, "Nhận xét chung: ", bold=True)
        layout.lines(paragraph, review.overall_comment)
    layout.signatures(document, Signer(position="Thành viên Hội đồng", name=reviewer_name,
                                       note="(Ký, ghi rõ họ tên)"))
    return document
