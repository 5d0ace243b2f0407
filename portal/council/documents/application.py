"""Đơn yêu cầu công nhận sáng kiến: the form of Thông tư 18/2013/TT-BKHCN (Phụ lục, mẫu đơn)."""
from portal.core.timeutil import local_date
from portal.council.documents import layout
from portal.council.documents.layout import CENTER, JUSTIFY, Signer
from portal.council.documents.organisation import organisation
from portal.council.documents.text import date_text, markdown_paragraphs, vietnamese_date
from portal.initiatives.rules import trial_people
from portal.initiatives.workflow import LEVEL_LABELS

AUTHOR_COLUMNS = ["Số TT", "Họ và tên", "Ngày tháng năm sinh", "Nơi công tác (hoặc nơi thường trú)",
                  "Chức danh", "Trình độ chuyên môn", "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến"]
AUTHOR_WIDTHS = [1.0, 3.2, 2.4, 3.2, 2.3, 2.1, 1.8]
TRIAL_COLUMNS = ["Số TT", "Họ và tên", "Ngày tháng năm sinh", "Nơi công tác", "Chức danh",
                 "Trình độ chuyên môn", "Nội dung công việc hỗ trợ"]
TRIAL_WIDTHS = [1.0, 3.2, 2.4, 2.9, 2.3, 2.1, 2.1]


def application_form(initiative, version=None):
    """The application as filed: from the frozen version when there is one."""
    org = organisation()
    snap = dict(version.snapshot) if version and version.snapshot else {}

    def value(key):
        return snap.get(key, getattr(initiative, key))

    filed = local_date(version.submitted_at) if version and version.submitted_at else None
    document = layout.new_document()
    for text, underline in ((layout.MOTTO_1, False), (layout.MOTTO_2, True)):
        paragraph = layout.para(document, align=CENTER, space_after=0)
        layout.run(paragraph, text, bold=True, size=13, underline=underline)
    layout.title(document, "Đơn yêu cầu công nhận sáng kiến", space_before=layout.SPACING_PT * 4,
                 space_after=layout.SPACING_PT * 2)
    paragraph = layout.para(document, align=CENTER)
    layout.run(paragraph, "Kính gửi: ")
    layout.run(paragraph, f"{org.council_name} năm {initiative.year}")
    layout.para(document, "Tôi (chúng tôi):")
    rows = []
    for i, author in enumerate(initiative.authors, start=1):
        user = author.user  # date of birth, position and qualification from the account, as it is now
        rows.append([str(i), author.display_name, date_text(user.birth_date) if user else "", author.workplace or "",
                     (user.position if user else "") or "", (user.qualification if user else "") or "",
                     f"{author.share}%"])
    layout.grid(document, AUTHOR_COLUMNS, rows, AUTHOR_WIDTHS, size=11, numeric=(0, 2, 6))
    paragraph = layout.para(document, align=JUSTIFY, indent=True, space_before=layout.SPACING_PT)
    layout.run(paragraph, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: ")
    layout.run(paragraph, value("title"), bold=True)
    layout.labelled(document, "- Chủ đầu tư tạo ra sáng kiến", org.name)
    layout.labelled(document, "- Lĩnh vực áp dụng sáng kiến", initiative.field.name if initiative.field else "")
    layout.labelled(document, "- Hình thức; cấp đề nghị công nhận",
                    f"{initiative.form_label}; {LEVEL_LABELS[initiative.requested_level]}")
    layout.labelled(document, "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử",
                    date_text(initiative.first_applied_on) + (" (áp dụng thử)" if initiative.trial_only else ""))
    _section(document, "- Mô tả bản chất của sáng kiến",
             [*markdown_paragraphs(value("summary")), *markdown_paragraphs(value("current_state")),
              *markdown_paragraphs(value("solution"))])
    confidential = markdown_paragraphs(value("confidential_info"))
    if initiative.ip_protected:
        confidential.append("Sáng kiến đang được bảo hộ quyền sở hữu trí tuệ.")
    _section(document, "- Những thông tin cần được bảo mật (nếu có)", confidential or ["Không có."])
    _section(document, "- Những điều kiện cần thiết để áp dụng sáng kiến", markdown_paragraphs(value("conditions")))
    _section(document, "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý "
                       "kiến của tác giả", markdown_paragraphs(value("benefits")))
    _section(document, "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến "
                       "theo ý kiến của tổ chức, cá nhân đã tham gia áp dụng sáng kiến lần đầu, kể cả "
                       "áp dụng thử (nếu có)", markdown_paragraphs(value("trial_assessment")))
    layout.labelled(document, "- Danh sách những người đã tham gia áp dụng thử hoặc áp dụng sáng kiến lần đầu "
                              "(nếu có)", "" if trial_people(value("trial_users")) else "Không có.")
    people = [[str(i), p["name"], p["birth_date"], p["workplace"], p["position"], p["qualification"], p["task"]]
              for i, p in enumerate(trial_people(value("trial_users")), start=1)]
    if people:
        layout.grid(document, TRIAL_COLUMNS, people, TRIAL_WIDTHS, size=11, numeric=(0, 2))
    if version:
        layout.labelled(document, "Phiên bản hồ sơ", f"{version.number}, nộp ngày {date_text(filed)}",
                        indent=False).paragraph_format.space_before = layout.Pt(layout.SPACING_PT)
    layout.para(document, "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật "
                          "và hoàn toàn chịu trách nhiệm trước pháp luật.", align=JUSTIFY, indent=True,
                space_before=layout.SPACING_PT)
    names = "\n".join(a.display_name for a in initiative.authors)
    table = layout.signatures(document, Signer(position="Người nộp đơn", name=names,
                                               note="(Ký và ghi rõ họ tên)"))
    right = table.rows[0].cells[1]
    first = right.paragraphs[0]
    dated = first.insert_paragraph_before()
    dated.alignment = CENTER
    layout.run(dated, vietnamese_date(filed, org.place), italic=True)
    return document


def _section(document, label, paragraphs):
    layout.labelled(document, label, paragraphs[0] if paragraphs else "")
    for text in paragraphs[1:]:
        layout.para(document, text, align=JUSTIFY, indent=True)
