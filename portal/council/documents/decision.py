"""Quyết định công nhận sáng kiến: one per decision number, issued and signed by the head of the
unit on the council's proposal (Nghị định 13/2012/NĐ-CP, Điều 7)."""
from portal.council.documents import layout
from portal.council.documents.layout import CENTER, JUSTIFY, Header
from portal.council.documents.organisation import head_of_unit, organisation_of_year
from portal.council.documents.text import date_text, vietnamese_date

ANNEX_WIDTHS = [1.0, 6.6, 4.6, 3.8]


def recognition_decision(year, council, initiatives, decision_no, signer=None):
    """The decision `decision_no` recognising exactly `initiatives` (all carry that number)."""
    org = organisation_of_year(year)
    signer = signer or head_of_unit(council, year)
    days = sorted({i.decision_date for i in initiatives if i.decision_date})
    day = days[-1] if days else None
    document = layout.new_document()
    layout.national_header(document, Header(body=org.header, parent=org.parent, number=decision_no,
                                            place_date=vietnamese_date(day, org.place)))
    layout.title(document, "Quyết định", f"Về việc công nhận sáng kiến cấp cơ sở năm {year}",
                 space_after=layout.SPACING_PT)
    layout.para(document, f"{org.head_title} {org.name}".upper(), align=CENTER, bold=True,
                space_before=layout.SPACING_PT)
    grounds = [
        "Căn cứ Luật Tổ chức Viện kiểm sát nhân dân ngày 24 tháng 11 năm 2014;",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ Sáng kiến;",
    ]
    if council and council.decision_no:
        grounds.append(f"Căn cứ Quyết định số {council.decision_no}"
                       + (f" ngày {date_text(council.decision_date)}" if council.decision_date else "")
                       + f" của {org.head_title} {org.name} về việc thành lập Hội đồng Sáng kiến năm {year};")
    grounds.append(f"Xét đề nghị của {org.council_name} năm {year}.")
    for line in grounds:
        layout.para(document, line, italic=True, align=JUSTIFY, indent=True)
    layout.para(document, "QUYẾT ĐỊNH:", align=CENTER, bold=True, space_before=layout.SPACING_PT)
    articles = [
        ("Điều 1. ", f"Công nhận {len(initiatives)} sáng kiến cấp cơ sở năm {year} của các tác giả "
                    "(có danh sách kèm theo)."),
        ("Điều 2. ", "Sáng kiến được công nhận là căn cứ xét danh hiệu thi đua theo quy định và được đăng trên "
                    f"Trang thông tin điện tử của {org.name}."),
        ("Điều 3. ", "Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các đơn vị, "
                    f"{org.council_name} và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                    "Quyết định này."),
    ]
    for label, text in articles:
        paragraph = layout.para(document, align=JUSTIFY, indent=True)
        layout.run(paragraph, label, bold=True)
        layout.run(paragraph, text)
    layout.signatures(document, signer, recipients=["Như Điều 3", "Hội đồng Sáng kiến",
                                                    f"Lưu: {org.filing_code}, HĐSK"])
    document.add_page_break()
    layout.title(document, f"Danh sách sáng kiến được công nhận cấp cơ sở năm {year}", space_after=0)
    layout.para(document, f"(Kèm theo Quyết định số {decision_no}" + (f" ngày {date_text(day)}" if day else "")
                + f" của {org.head_title} {org.name})", align=CENTER, italic=True,
                space_after=layout.SPACING_PT * 2)
    rows = [[str(i), initiative.title, "\n".join(f"{a.display_name} ({a.share}%)" for a in initiative.authors),
             initiative.unit.name] for i, initiative in enumerate(initiatives, start=1)]
    layout.grid(document, ["TT", "Tên sáng kiến", "Tác giả (tỷ lệ đóng góp)", "Đơn vị"], rows, ANNEX_WIDTHS,
                numeric=(0,))
    return document
