"""Biên bản họp Hội đồng Sáng kiến: who sat, and per initiative the scores and votes."""
from portal.core.timeutil import today
from portal.council.documents import layout
from portal.council.documents.layout import JUSTIFY, LANDSCAPE, PORTRAIT, Signer
from portal.council.documents.organisation import council_officer, organisation_of_year
from portal.council.documents.sheet import council_header
from portal.council.documents.text import authors_text, date_text, score_text, vietnamese_date
from portal.council.models import COUNCIL_ROLE_LABELS

OUTCOME = {"recognized": "Công nhận", "rejected": "Không công nhận"}
NOT_ENOUGH = "Chưa đủ phiếu"
VOTE_HEADER = "Biểu quyết (đồng ý/ không đồng ý/ không biểu quyết)"


def proposal(appraisal):
    """The proposal the minutes carry, as the council's pages show it: the suggested outcome
    once every assigned sheet is in (`Appraisal.suggested`), "Chưa đủ phiếu" before."""
    return OUTCOME.get(appraisal.suggested, NOT_ENOUGH)


def votes(appraisal):
    """"k/n thành viên": k members recommend "đạt" of the n assigned (not of the sheets in)."""
    return f"{appraisal.aggregate.pass_count}/{len(appraisal.active)} thành viên"


def sheets_in(appraisal):
    return f"{appraisal.submitted_count}/{len(appraisal.active)}"


def meeting_vote(cast, initiative):
    """"5/0/1" (for / against / abstain) as the meeting voted, "–" where it did not vote on it;
    `cast` is {initiative id: MeetingVote} (one lookup per row of thousands)."""
    vote = cast.get(initiative.id)
    return vote.text if vote else "–"


def result_text(initiative):
    return OUTCOME.get(initiative.status.value, "Đang thẩm định")


def meeting_time_text(moment):
    """"08 giờ 30 phút, ngày 05 tháng 3 năm 2026" (a local wall-clock time)."""
    day = vietnamese_date(moment.date(), "").removeprefix(", ")
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {day}"


def _person(user, member_roles):
    role = member_roles.get(user.id)
    return f"{user.full_name}, {user.position or user.unit.name}" + (f" – {role}" if role else "")


def meeting_minutes(year, council, rubric, appraisals, decision_no=None, meeting=None):
    """`appraisals` is a list of (initiative, services.Appraisal or None) for the round that
    counts; None where the reader may not see the scores (the row says so, nothing more).
    `meeting` (a CouncilMeeting) gives the time, place, who chaired, who sat and the votes."""
    org = organisation_of_year(year)
    document = layout.new_document()
    day = meeting.starts_at.date() if meeting else today()
    number = meeting.number if meeting else None
    layout.national_header(document, council_header(org, day, number))
    layout.title(document, "Biên bản", f"Họp Hội đồng Sáng kiến xét công nhận sáng kiến năm {year}"
                 + (f"\n(Quyết định số {decision_no})" if decision_no else ""))
    established = ""
    if council and council.decision_no:
        established = (f" được thành lập theo Quyết định số {council.decision_no}"
                       + (f" ngày {date_text(council.decision_date)}" if council.decision_date else "")
                       + f" của {org.head_title} {org.name}")
    layout.para(document, f"{org.council_name} năm {year}{established} họp xét, đánh giá các sáng kiến "
                          "đề nghị công nhận.", align=JUSTIFY, indent=True)
    members = council.members if council else []
    roles = {m.user_id: COUNCIL_ROLE_LABELS[m.role] for m in members}
    if meeting:
        layout.labelled(document, "Thời gian", meeting_time_text(meeting.starts_at), indent=False)
        layout.labelled(document, "Địa điểm", meeting.place, indent=False)
    layout.para(document, "I. Thành phần", bold=True, keep_with_next=True)
    if meeting:
        chair, secretary = meeting.chair, meeting.secretary
        present = [a.user for a in meeting.attendance if a.present]
        absent = [a.user for a in meeting.attendance if not a.present]
        layout.para(document, f"Chủ trì: {_person(chair, roles)}.", indent=True)
        layout.para(document, f"Thư ký: {_person(secretary, roles)}.", indent=True)
        layout.para(document, f"Thành viên có mặt: {len(present)}/{len(meeting.attendance)}", indent=True,
                    keep_with_next=True)
        for user in present:
            layout.para(document, f"- {_person(user, roles)}", indent=True)
        layout.para(document, f"Thành viên vắng mặt: {len(absent)}" + ("" if absent else " (không có)"),
                    indent=True, keep_with_next=bool(absent))
        for user in absent:
            layout.para(document, f"- {_person(user, roles)}", indent=True)
    else:
        for member in members:
            layout.para(document, f"- {_person(member.user, roles)}", indent=True)
        chair, secretary = council_officer(council, "chair"), council_officer(council, "secretary")
        layout.para(document, f"Chủ trì: {chair.full_name if chair else ''}. "
                              f"Thư ký: {secretary.full_name if secretary else ''}.", indent=True)

    layout.new_section(document, LANDSCAPE)
    layout.para(document, "II. Kết quả chấm điểm và biểu quyết", bold=True, keep_with_next=True)
    criteria = rubric.criteria
    headers = ["TT", "Tên sáng kiến", "Tác giả (tỷ lệ đóng góp)", "Phiếu đã nộp",
               *[f"{c.name} (TB/{c.max_score})" for c in criteria], "Điểm TB",
               "Thành viên đề nghị đạt", *([VOTE_HEADER] if meeting else []), "Đề xuất", "Kết quả"]
    weights = ([0.9, 4.4, 3.3, 1.3, *[1.4] * len(criteria), 1.3, 2.5, 1.9, 2.6, 2.3] if meeting
               else [0.9, 5.0, 4.0, 1.4, *[1.4] * len(criteria), 1.3, 2.4, 2.5, 2.1])
    widths = layout.scale(weights, layout.text_width(LANDSCAPE))
    rows = []

    cast = {v.initiative_id: v for v in meeting.votes} if meeting else {}

    def vote(initiative):  # the meeting's column, when a meeting was recorded
        return [meeting_vote(cast, initiative)] if meeting else []

    for i, (initiative, appraisal) in enumerate(appraisals, start=1):
        if appraisal is None or not appraisal.active:  # not for the reader's eyes, or never appraised
            rows.append([str(i), initiative.title, authors_text(initiative), "–", *["–"] * len(criteria),
                         "–", "–", *vote(initiative), "–", result_text(initiative)])
            continue
        ag = appraisal.aggregate
        rows.append([str(i), initiative.title, authors_text(initiative), sheets_in(appraisal),
                     *[score_text(c.mean) for c in ag.criteria], score_text(ag.mean_total),
                     votes(appraisal), *vote(initiative), proposal(appraisal), result_text(initiative)])
    numeric = (0, 3, *range(4, 4 + len(criteria)), 4 + len(criteria), 5 + len(criteria),
               *([6 + len(criteria)] if meeting else []))
    layout.grid(document, headers, rows, widths, size=11, numeric=numeric)

    layout.new_section(document, PORTRAIT)
    recognized = [i for i, _ in appraisals if i.status.value == "recognized"]
    layout.para(document, "III. Kết luận", bold=True, keep_with_next=True)
    layout.para(document, f"Hội đồng thống nhất đề nghị {org.head_title} công nhận {len(recognized)}/"
                          f"{len(appraisals)} sáng kiến cấp cơ sở. Biểu quyết theo nguyên tắc ít nhất hai phần "
                          "ba số thành viên được phân công chấm đề nghị “đạt” và điểm trung bình đạt ngưỡng "
                          "của bộ tiêu chí năm; sáng kiến chưa đủ phiếu chấm chưa được đề xuất.",
                align=JUSTIFY, indent=True)
    layout.para(document, "Biên bản được lập xong và thông qua tại cuộc họp.", align=JUSTIFY, indent=True)
    layout.signatures(document, Signer(position="Chủ tịch Hội đồng", name=chair.full_name if chair else ""),
                      left=Signer(position="Thư ký Hội đồng", name=secretary.full_name if secretary else ""))
    layout.recipients_after(document, [f"{org.head_title} (để báo cáo)", "Thành viên Hội đồng",
                                       f"Lưu: {org.filing_code}, HĐSK"])
    return document

