"""The council's DOCX and XLSX documents; each shows only what its reader may see."""
from flask import render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.core.refusal import not_found
from portal.core.textfold import slugify
from portal.council import bp, certificates, documents, meetings, queries
from portal.council.export import year_workbook
from portal.council.pages.common import latest_version, load
from portal.council.services import assignments_of, rubric_for, visible_appraisal
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act, YearAct

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _docx(document, filename):
    return send_file(documents.to_bytes(document), as_attachment=True, download_name=filename, mimetype=DOCX)


@bp.route("/initiatives/<int:initiative_id>/application.docx")
@login_required
def application_docx(initiative_id):
    initiative = load(initiative_id, Act.view)
    return _docx(documents.application_form(initiative, latest_version(initiative)),
                 f"don-sang-kien-{initiative.id}.docx")


@bp.route("/reviews/<int:review_id>/sheet.docx")
@login_required
def scoring_sheet_docx(review_id):
    """One reviewer's sheet: their own; for whoever may see the scores, named only for those
    who may see who scored ("Thành viên 2" for the others, as on the results page)."""
    review = queries.review(review_id)
    if review is None:
        raise not_found()
    initiative = load(review.initiative_id, Act.view)
    name = None
    if review.reviewer_id != current_user.id:
        if not review.assignment.submitted:
            raise not_found()
        appraisal = visible_appraisal(initiative, current_user, assignments=assignments_of(initiative, review.round))
        if appraisal is None:
            policy.check(current_user, Act.see_scores, initiative)
        name = appraisal.reviewer_label(review.assignment)
    return _docx(documents.scoring_sheet(review, rubric_for(initiative.year), name),
                 f"phieu-cham-{initiative.id}-{review.id}.docx")


@bp.route("/<int:year>/minutes.docx")
@login_required
def minutes_docx(year):
    policy.check_year(current_user, YearAct.oversee, year)
    decision_no = request.args.get("decision_no", "").strip() or None
    meeting_id = request.args.get("meeting", type=int)
    if meeting_id is not None:
        meeting = meetings.meeting_of(year, meeting_id)
        if meeting is None:
            raise not_found()
    else:  # the year's latest meeting, when one was recorded
        meeting = (meetings.meetings_of(year) or [None])[-1]
    rubric = rubric_for(year)
    reader = current_user._get_current_object()  # asked thousands of times: not through the proxy
    initiatives = [i for i in queries.for_minutes(year, decision_no) if i.can(Act.view, reader)]
    counted = queries.counted_assignments(initiatives)
    rows = [(i, visible_appraisal(i, reader, assignments=counted[i.id], rubric=rubric)) for i in initiatives]
    return _docx(documents.meeting_minutes(year, queries.council_of(year, with_members=True), rubric, rows,
                                           decision_no, meeting=meeting),
                 f"bien-ban-hop-hoi-dong-{year}.docx")


@bp.route("/<int:year>/decision.docx")
@login_required
def decision_docx(year):
    """One decision per number, listing exactly the initiatives it recognised. Without a number:
    the year's only decision, or the list of the year's decisions to choose from."""
    policy.check_year(current_user, YearAct.decisions, year)
    decision_no = request.args.get("decision_no", "").strip()
    if not decision_no:
        decisions = queries.decisions_in(year)
        if not decisions:
            raise not_found(_l("Năm %(year)s chưa có quyết định công nhận sáng kiến nào.", year=year))
        if len(decisions) > 1:
            return render_template("council/decisions.html", year=year, decisions=decisions)
        decision_no = decisions[0][0]
    reader = current_user._get_current_object()  # asked thousands of times: not through the proxy
    initiatives = [i for i in queries.recognized_by(year, decision_no) if i.can(Act.view, reader)]
    if not initiatives:
        raise not_found(_l("Không có sáng kiến được công nhận theo quyết định này."))
    council = queries.council_of(year, with_members=True)
    return _docx(documents.recognition_decision(year, council, initiatives, decision_no),
                 f"quyet-dinh-{slugify(decision_no)}-{year}.docx")


@bp.route("/initiatives/<int:initiative_id>/certificate.docx")
@login_required
def certificate_docx(initiative_id):
    initiative = load(initiative_id, Act.certificate)
    issued = certificates.issue(initiative, current_user)
    db.session.commit()
    council = queries.council_of(initiative.year, with_members=True)
    verification = (certificates.verification_code(initiative), certificates.verification_url(initiative))
    return _docx(documents.certificate(initiative, issued.number, council=council, verification=verification),
                 f"giay-chung-nhan-{initiative.id}.docx")


@bp.route("/<int:year>/initiatives.xlsx")
@login_required
def export_xlsx(year):
    policy.check_year(current_user, YearAct.export, year)
    return send_file(year_workbook(year, current_user._get_current_object()), as_attachment=True, download_name=f"sang-kien-{year}.xlsx",
                     mimetype=XLSX)
