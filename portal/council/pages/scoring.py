"""Chấm điểm: a reviewer's own sheet, a recusal, and the secretary reopening a sheet."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import forbidden, invalid, not_found
from portal.council import bp, operations, queries
from portal.council.forms import RecuseForm, ReopenForm, review_form_class
from portal.council.pages.common import context, latest_version, load
from portal.council.services import active_assignment, rubric_for, visible_appraisal
from portal.extensions import db
from portal.initiatives.policy import Act


def _review_form(rubric, review=None):
    form = review_form_class(rubric.criteria)()
    if request.method == "GET" and not form.restored and review is not None:
        scores, comments = review.score_map(), review.comment_map()
        for c in rubric.criteria:
            form[f"score_{c.code}"].data = scores.get(c.code)
            form[f"comment_{c.code}"].data = comments.get(c.code, "")
        form.overall_comment.data = review.overall_comment
        form.recommendation.data = review.recommendation
    return form


def _own_assignment(initiative):
    assignment = active_assignment(initiative, current_user)
    if assignment is None:
        raise forbidden(_("Bạn không được phân công chấm sáng kiến này."))
    return assignment


@bp.route("/initiatives/<int:initiative_id>/review", methods=["GET", "POST"])
@login_required
def review(initiative_id):
    initiative = load(initiative_id, Act.view)
    assignment = _own_assignment(initiative)
    rubric = rubric_for(initiative.year)
    form = _review_form(rubric, assignment.review)
    if request.method == "POST":
        if not form.validate_on_submit():
            raise invalid(fields=form.errors)
        fields = {
            "scores": {c.code: form[f"score_{c.code}"].data for c in rubric.criteria},
            "comments": {c.code: form[f"comment_{c.code}"].data or "" for c in rubric.criteria},
            "overall_comment": form.overall_comment.data or "",
            "recommendation": form.recommendation.data or "",
        }
        submitting = bool(form.submit_review.data)
        (operations.submit_review if submitting else operations.save_review)(initiative, current_user, **fields)
        db.session.commit()
        flash(_("Đã nộp phiếu chấm. Bạn có thể xem điểm của các thành viên khác.") if submitting
              else _("Đã lưu nháp phiếu chấm."), "success")
        return redirect(url_for(".review", initiative_id=initiative.id))
    appraisal = visible_appraisal(initiative, current_user, rubric=rubric)
    others = [a for a in appraisal.active if a.submitted and a.id != assignment.id] if appraisal else []
    return render_template(
        "council/review.html",
        **context(initiative, assignment=assignment, review=assignment.review, rubric=rubric, form=form,
                  editable=initiative.can(Act.score, current_user), recuse_form=RecuseForm(), others=others,
                  appraisal=appraisal, version=assignment.version or latest_version(initiative)))


@bp.route("/initiatives/<int:initiative_id>/recuse", methods=["POST"])
@login_required
def recuse(initiative_id):
    initiative = load(initiative_id, Act.view)
    form = RecuseForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    operations.recuse(initiative, current_user, form.reason.data)
    db.session.commit()
    flash(_("Bạn đã xin không tham gia chấm sáng kiến này; Thư ký Hội đồng sẽ phân công người khác."), "info")
    return redirect(url_for(".index", year=initiative.year))


@bp.route("/reviews/<int:review_id>/reopen", methods=["POST"])
@login_required
def reopen(review_id):
    sheet = queries.review(review_id)
    if sheet is None:
        raise not_found()
    initiative = load(sheet.initiative_id, Act.view)
    form = ReopenForm()
    if not form.validate_on_submit():
        raise invalid(_("Vui lòng nêu lý do mở lại phiếu chấm."), fields=form.errors)
    operations.reopen_review(sheet, current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã mở lại phiếu chấm của %(name)s.", name=sheet.reviewer.full_name), "success")
    return redirect(url_for(".results", initiative_id=initiative.id))
