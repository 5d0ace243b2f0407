"""Giấy chứng nhận sáng kiến: numbered, issued and signed by the head of the unit; no score; a
verification code, its URL and a QR code of the URL (made here, no outside service)."""
import io

import segno
from docx.shared import Cm

from portal.council.documents import layout
from portal.council.documents.layout import CENTER, Header
from portal.council.documents.organisation import head_of_unit, organisation, organisation_of_year
from portal.council.documents.text import date_text, vietnamese_date
from portal.initiatives.workflow import LEVEL_LABELS


def certificate_no(sequence):
    """"3/GCN-VKS" — the initiative's place among the year's recognitions (by decision date)."""
    return f"{sequence}/{organisation().certificate_suffix}"


def certificate(initiative, number, signer=None, council=None, verification=None):
    """`verification` is (code, url): printed at the bottom left, with the URL as a QR code."""
    org = organisation_of_year(initiative.year)
    signer = signer or head_of_unit(council, initiative.year)
    document = layout.new_document()
    layout.national_header(document, Header(body=org.header, parent=org.parent, number=number,
                                            place_date=vietnamese_date(initiative.decision_date, org.place)))
    layout.para(document, "GIẤY CHỨNG NHẬN\nSÁNG KIẾN", align=CENTER, bold=True, size=24,
                space_before=layout.SPACING_PT * 3, space_after=layout.SPACING_PT * 2)
    layout.para(document, f"{org.head_title} {org.name}".upper() + "\nCHỨNG NHẬN", align=CENTER, bold=True)
    layout.para(document, "Sáng kiến:", align=CENTER, space_after=0)
    layout.para(document, f"“{initiative.title}”", align=CENTER, bold=True, size=15)
    layout.para(document, "Tác giả:" if len(initiative.authors) == 1 else "Các tác giả:", align=CENTER,
                space_after=0)
    for author in initiative.authors:
        workplace = f" – {author.workplace}" if author.workplace else ""
        layout.para(document, f"{author.display_name} ({author.share}%){workplace}", align=CENTER, bold=True,
                    space_after=0)
    level = LEVEL_LABELS[initiative.level] if initiative.level else LEVEL_LABELS["grassroots"]
    text = f"Được công nhận là sáng kiến {level.lower()} năm {initiative.year}"
    if initiative.decision_no:
        text += f" theo Quyết định số {initiative.decision_no}"
        if initiative.decision_date:
            text += f" ngày {date_text(initiative.decision_date)}"
        text += f" của {org.head_title} {org.name}"
    if initiative.sector_decision_no and initiative.sector_status and initiative.sector_status.value == "recognized":
        text += (f"; được Viện kiểm sát nhân dân tối cao công nhận cấp Ngành theo Quyết định số "
                 f"{initiative.sector_decision_no}"
                 + (f" ngày {date_text(initiative.sector_decision_date)}" if initiative.sector_decision_date else ""))
    layout.para(document, text + ".", align=CENTER, italic=True, space_before=layout.SPACING_PT * 2)
    layout.signatures(document, signer, fill_left=_verification(verification) if verification else None)
    return document


def _verification(verification):
    code, url = verification

    def fill(cell):
        image = io.BytesIO()
        segno.make(url, error="m").save(image, kind="png", scale=4, border=2)
        image.seek(0)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = CENTER
        paragraph.add_run().add_picture(image, width=Cm(2.6))
        layout.cell_para(cell, f"Mã xác thực: {code}", align=CENTER, size=10, space_after=0)
        layout.cell_para(cell, f"Kiểm tra tại: {url}", align=CENTER, size=9, italic=True, space_after=0)
    return fill
