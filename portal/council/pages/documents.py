"""The council's DOCX and XLSX documents; each shows only what its reader may see."""
from flask import request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.core.refusal import not_found
from portal.council import bp, documents, queries
from portal.council.export import year_workbook
from portal.council.pages.common import latest_version, load
from portal.council.services import assignments_of, decided_round, rubric_for, visible_appraisal
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
    rows = [(i, visible_appraisal(i, current_user, assignments=assignments_of(i, round=decided_round(i))))
            for i in queries.for_minutes(year, decision_no) if i.can(Act.view, current_user)]
    return _docx(documents.meeting_minutes(year, queries.council_of(year), rubric_for(year), rows, decision_no),
                 f"bien-ban-hop-hoi-dong-{year}.docx")


@bp.route("/<int:year>/decision.docx")
@login_required
def decision_docx(year):
    policy.check_year(current_user, YearAct.decisions, year)
    decision_no = request.args.get("decision_no", "").strip() or None
    initiatives = [i for i in queries.recognized_by(year, decision_no) if i.can(Act.view, current_user)]
    if not initiatives:
        raise not_found(_l("Không có sáng kiến được công nhận theo quyết định này."))
    means = queries.decided_means([i.id for i in initiatives if i.can(Act.see_outcome, current_user)])
    return _docx(documents.recognition_decision(year, queries.council_of(year), initiatives, decision_no, means),
                 f"quyet-dinh-cong-nhan-{year}.docx")


@bp.route("/initiatives/<int:initiative_id>/certificate.docx")
@login_required
def certificate_docx(initiative_id):
    initiative = load(initiative_id, Act.certificate)
    mean = queries.decided_means([initiative.id]).get(initiative.id) \
        if initiative.can(Act.see_outcome, current_user) else None
    return _docx(documents.certificate(initiative, mean, documents.chair_name(queries.council_of(initiative.year))),
                 f"giay-chung-nhan-{initiative.id}.docx")


@bp.route("/<int:year>/initiatives.xlsx")
@login_required
def export_xlsx(year):
    policy.check_year(current_user, YearAct.export, year)
    return send_file(year_workbook(year, current_user), as_attachment=True, download_name=f"sang-kien-{year}.xlsx",
                     mimetype=XLSX)
