"""Pages of the Hội đồng Sáng kiến: queue, screening, assignment, scoring, results and
decision, sector proposals, rubric, documents.

Routes are thin: load, check access, validate the form, call one operation,
redirect or render. Refusals of an operation answer with their status (403,
409, 422) and a Vietnamese message; nothing changes.
"""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from portal.admin.models import current_year, known_years
from portal.core.errors import abort_with
from portal.core.layout import register_nav
from portal.core.timeutil import today
from portal.council import bp, deadlines, operations
from portal.council.forms import (
    AcceptForm,
    AssignForm,
    BatchDecisionForm,
    DecisionForm,
    HigherLevelForm,
    RecuseForm,
    ReopenForm,
    ReturnForm,
    RubricForm,
    review_form_class,
)
from portal.council.models import (
    Council,
    CouncilDecision,
    CouncilMember,
    Review,
    ReviewAssignment,
    ReviewStatus,
)
from portal.council.services import (
    Appraisal,
    active_assignment,
    assignments_of,
    can_oversee,
    can_see_scores,
    rubric_for,
    rubric_frozen,
    same_unit_warning,
    similar_initiatives,
)
from portal.extensions import db
from portal.initiatives.access import get_initiative_or_404
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import CHAIR, SECRETARY, Status, TransitionError


def _council_visible(user):
    return user.is_authenticated and (user.is_council_member() or user.is_admin)


register_nav("Hội đồng Sáng kiến", "council.index", _council_visible, order=30)


# -- helpers ----------------------------------------------------------------------

def _year_arg():
    year = request.args.get("year", type=int)
    return year or current_year()


def _load(initiative_id):
    return get_initiative_or_404(initiative_id, current_user,
                                 options=[selectinload(Initiative.versions)])


def _require_oversight(initiative_or_year):
    year = getattr(initiative_or_year, "year", initiative_or_year)
    if not can_oversee(current_user, year):
        abort(403)


def _refused(error):
    """Answer a refused operation with its status and message (nothing was changed)."""
    db.session.rollback()
    abort_with(error.status, error.message)


def _apply_errors(form, error):
    """Put the operation's per-field errors next to the fields of `form`."""
    placed = False
    for name, message in getattr(error, "errors", {}).items():
        for candidate in (name, f"score_{name}"):
            field = getattr(form, candidate, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + [message]
                placed = True
                break
    if not placed:
        form.form_errors.append(error.message)


def _latest_version(initiative):
    return initiative.versions[-1] if initiative.versions else None


VERSION_SECTIONS = [
    ("summary", "Tóm tắt"),
    ("current_state", "Thực trạng, nhược điểm của giải pháp đã biết"),
    ("solution", "Nội dung giải pháp"),
    ("conditions", "Điều kiện cần thiết để áp dụng"),
    ("benefits", "Hiệu quả đạt được hoặc dự kiến"),
]


def _context(initiative, **extra):
    """What every council page about one initiative shows in its header."""
    today_ = today()
    filed_on = initiative.submitted_at or (initiative.versions[-1].submitted_at if initiative.versions else None)
    return {
        "initiative": initiative,
        "version": _latest_version(initiative),
        "sections": VERSION_SECTIONS,
        "filed_late": deadlines.filed_late(initiative.first_applied_on, filed_on),
        "filed_on": filed_on,
        "deadline": deadlines.decision_deadline(initiative.accepted_at, today_)
        if initiative.status == Status.in_review else None,
        "oversee": can_oversee(current_user, initiative.year),
        "is_secretary": SECRETARY in initiative.roles_of(current_user),
        "is_chair": CHAIR in initiative.roles_of(current_user),
        "my_assignment": active_assignment(initiative, current_user),
        **extra,
    }


# -- overview pages ---------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    if not _council_visible(current_user):
        abort(403)
    year = _year_arg()
    assignments = db.session.execute(
        select(ReviewAssignment)
        .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(ReviewAssignment.reviewer_id == current_user.id,
               ReviewAssignment.round == Initiative.round,
               Initiative.year == year)
        .options(selectinload(ReviewAssignment.initiative), selectinload(ReviewAssignment.review))
        .order_by(ReviewAssignment.due_on, ReviewAssignment.id)
    ).scalars().all()
    counts = dict(db.session.execute(
        select(Initiative.status, func.count(Initiative.id))
        .where(Initiative.year == year, Initiative.status != Status.draft)
        .group_by(Initiative.status)
    ).all())
    council = db.session.execute(
        select(Council).where(Council.year == year)
        .options(selectinload(Council.members).selectinload(CouncilMember.user))
    ).scalar_one_or_none()
    return render_template(
        "council/index.html", year=year, years=known_years(), assignments=assignments,
        counts=counts, council=council, oversee=can_oversee(current_user, year),
        role=current_user.council_role(year), today=today())


@bp.route("/queue")
@login_required
def queue():
    """The secretary's queue: submitted ones to screen, those in appraisal, decided ones."""
    year = _year_arg()
    _require_oversight(year)
    initiatives = db.session.execute(
        select(Initiative)
        .where(Initiative.year == year,
               Initiative.status.in_([Status.submitted, Status.in_review, Status.recognized,
                                      Status.rejected, Status.returned]))
        .options(selectinload(Initiative.authors), selectinload(Initiative.versions))
        .order_by(Initiative.submitted_at, Initiative.id)
    ).scalars().all()
    in_review_ids = [i.id for i in initiatives if i.status == Status.in_review]
    by_initiative = {}
    if in_review_ids:
        rows = db.session.execute(
            select(ReviewAssignment)
            .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
            .where(ReviewAssignment.initiative_id.in_(in_review_ids),
                   ReviewAssignment.round == Initiative.round)
            .options(selectinload(ReviewAssignment.review))
            .order_by(ReviewAssignment.id)
        ).scalars().all()
        for row in rows:
            by_initiative.setdefault(row.initiative_id, []).append(row)
    rubric = rubric_for(year)
    today_ = today()
    rows = []
    for initiative in initiatives:
        filed_on = initiative.submitted_at
        row = {
            "initiative": initiative,
            "age": deadlines.age_in_days(filed_on, today_),
            "filed_late": deadlines.filed_late(initiative.first_applied_on, filed_on),
            "deadline": deadlines.decision_deadline(initiative.accepted_at, today_),
        }
        if initiative.status == Status.in_review:
            appraisal = Appraisal(initiative, assignments=by_initiative.get(initiative.id, []),
                                  rubric=rubric)
            row["appraisal"] = appraisal
        rows.append(row)
    groups = {
        "submitted": [r for r in rows if r["initiative"].status == Status.submitted],
        "in_review": [r for r in rows if r["initiative"].status == Status.in_review],
        "decided": [r for r in rows if r["initiative"].status in (Status.recognized, Status.rejected)],
        "returned": [r for r in rows if r["initiative"].status == Status.returned],
    }
    return render_template(
        "council/queue.html", year=year, years=known_years(), groups=groups,
        batch_form=BatchDecisionForm(), is_chair=current_user.is_chair(year),
        is_secretary=current_user.is_secretary(year),
        required=operations.reviewers_per_initiative())


@bp.route("/initiatives/<int:initiative_id>")
@login_required
def initiative(initiative_id):
    """Send each person to the page of the appraisal they have work on."""
    initiative = _load(initiative_id)
    if active_assignment(initiative, current_user) and initiative.status == Status.in_review:
        return redirect(url_for(".review", initiative_id=initiative.id))
    _require_oversight(initiative)
    if initiative.status == Status.submitted:
        return redirect(url_for(".screening", initiative_id=initiative.id))
    return redirect(url_for(".results", initiative_id=initiative.id))


# -- screening --------------------------------------------------------------------

def _render_screening(initiative, accept_form=None, return_form=None, status=200):
    return render_template(
        "council/screening.html",
        **_context(initiative, accept_form=accept_form or AcceptForm(),
                   return_form=return_form or ReturnForm(),
                   similar=similar_initiatives(initiative, limit=5))), status


@bp.route("/initiatives/<int:initiative_id>/screening")
@login_required
def screening(initiative_id):
    initiative = _load(initiative_id)
    _require_oversight(initiative)
    return _render_screening(initiative)


@bp.route("/initiatives/<int:initiative_id>/accept", methods=["POST"])
@login_required
def accept(initiative_id):
    initiative = _load(initiative_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _render_screening(initiative, accept_form=form, status=422)
    try:
        operations.accept(initiative, current_user)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash("Đã tiếp nhận sáng kiến vào thẩm định. Hãy phân công người chấm.", "success")
    return redirect(url_for(".assignments", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/return", methods=["POST"])
@login_required
def return_(initiative_id):
    initiative = _load(initiative_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        if initiative.status not in (Status.submitted, Status.in_review):
            abort_with(409, "Sáng kiến không ở trạng thái có thể trả lại.")
        return _render_screening(initiative, return_form=form, status=422)
    try:
        operations.return_to_authors(initiative, current_user, form.note.data)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash("Đã trả lại sáng kiến cho tác giả kèm nội dung cần bổ sung.", "success")
    return redirect(url_for(".queue", year=initiative.year))


# -- assignment -------------------------------------------------------------------

def _reviewer_choices(initiative):
    members = db.session.execute(
        select(CouncilMember).join(Council)
        .where(Council.year == initiative.year)
        .options(selectinload(CouncilMember.user))
        .order_by(CouncilMember.id)
    ).scalars().all()
    return members


def _render_assignments(initiative, form=None, status=200):
    members = _reviewer_choices(initiative)
    rows = assignments_of(initiative)
    taken = {a.reviewer_id for a in rows}
    candidates = []
    for m in members:
        if m.user_id in taken:
            continue
        note = ""
        if initiative.is_author(m.user):
            note = " — tác giả, không được chấm"
        elif same_unit_warning(initiative, m.user):
            note = " — cùng đơn vị với tác giả"
        candidates.append(SelectChoice(m.user_id, f"{m.user.full_name} ({m.role_label}){note}"))
    if form is None:
        form = AssignForm()
    form.reviewer.choices = candidates
    return render_template(
        "council/assignments.html",
        **_context(initiative, form=form, assignments=rows, members=members,
                   required=operations.reviewers_per_initiative(),
                   active_count=sum(1 for a in rows if a.is_active),
                   reopen_form=ReopenForm())), status


@bp.route("/initiatives/<int:initiative_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(initiative_id):
    initiative = _load(initiative_id)
    _require_oversight(initiative)
    if request.method == "GET":
        return _render_assignments(initiative)
    form = AssignForm()
    form.reviewer.choices = [SelectChoice(m.user_id, m.user.full_name) for m in _reviewer_choices(initiative)]
    if not form.validate_on_submit():
        return _render_assignments(initiative, form, 422)
    from portal.auth.models import User

    reviewer = db.session.get(User, form.reviewer.data)
    try:
        assignment = operations.assign(initiative, current_user, reviewer, form.due_on.data)
    except operations.Refused as error:
        db.session.rollback()
        if error.status in (409, 422):
            form = AssignForm(formdata=None)
            form.form_errors.append(error.message)
            return _render_assignments(initiative, form, error.status)
        _refused(error)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash(f"Đã phân công {reviewer.full_name} chấm điểm, hạn {assignment.due_on:%d/%m/%Y}.", "success")
    if assignment.same_unit:
        flash(f"Lưu ý: {reviewer.full_name} cùng đơn vị với tác giả hoặc đơn vị có sáng kiến.",
              "warning")
    return redirect(url_for(".assignments", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/recuse", methods=["POST"])
@login_required
def recuse(initiative_id):
    initiative = _load(initiative_id)
    form = RecuseForm()
    if not form.validate_on_submit():
        return _render_review(initiative, recuse_form=form, status=422)
    try:
        operations.recuse(initiative, current_user, form.reason.data)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash("Bạn đã xin không tham gia chấm sáng kiến này; Thư ký Hội đồng sẽ phân công người khác.",
          "info")
    return redirect(url_for(".index", year=initiative.year))


# -- scoring ----------------------------------------------------------------------

def _review_form(rubric, review=None, formdata=None):
    form_class = review_form_class(rubric.criteria)
    if formdata is not None:
        return form_class()
    form = form_class(formdata=None)
    if review is not None:
        scores, comments = review.score_map(), review.comment_map()
        for c in rubric.criteria:
            getattr(form, f"score_{c.code}").data = scores.get(c.code)
            getattr(form, f"comment_{c.code}").data = comments.get(c.code, "")
        form.overall_comment.data = review.overall_comment
        form.recommendation.data = review.recommendation
    return form


def _render_review(initiative, form=None, recuse_form=None, status=200):
    assignment = active_assignment(initiative, current_user)
    if assignment is None:
        abort_with(403, "Bạn không được phân công chấm sáng kiến này.")
    rubric = rubric_for(initiative.year)
    review = assignment.review
    editable = initiative.status == Status.in_review and (
        review is None or review.status != ReviewStatus.submitted)
    if form is None:
        form = _review_form(rubric, review)
    others = []
    appraisal = None
    if assignment.submitted:
        appraisal = Appraisal(initiative, rubric=rubric)
        others = [a for a in appraisal.assignments if a.is_active and a.submitted and a.id != assignment.id]
    version = assignment.version or _latest_version(initiative)
    return render_template(
        "council/review.html",
        **_context(initiative, assignment=assignment, review=review, rubric=rubric, form=form,
                   editable=editable, recuse_form=recuse_form or RecuseForm(), others=others,
                   appraisal=appraisal, version=version,
                   can_see=can_see_scores(initiative, current_user))), status


@bp.route("/initiatives/<int:initiative_id>/review", methods=["GET", "POST"])
@login_required
def review(initiative_id):
    initiative = _load(initiative_id)
    if request.method == "GET":
        return _render_review(initiative)
    assignment = active_assignment(initiative, current_user)
    if assignment is None:
        abort_with(403, "Bạn không được phân công chấm sáng kiến này.")
    rubric = rubric_for(initiative.year)
    form = _review_form(rubric, formdata=True)
    if not form.validate_on_submit():
        return _render_review(initiative, form=form, status=422)
    fields = {
        "scores": {c.code: getattr(form, f"score_{c.code}").data for c in rubric.criteria},
        "comments": {c.code: getattr(form, f"comment_{c.code}").data or "" for c in rubric.criteria},
        "overall_comment": form.overall_comment.data or "",
        "recommendation": form.recommendation.data or "",
    }
    submitting = bool(form.submit_review.data)
    try:
        if submitting:
            operations.submit_review(initiative, current_user, **fields)
        else:
            operations.save_review(initiative, current_user, **fields)
    except operations.Refused as error:
        db.session.rollback()
        if error.status == 422:
            _apply_errors(form, error)
            return _render_review(initiative, form=form, status=422)
        _refused(error)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    if submitting:
        flash("Đã nộp phiếu chấm. Bạn có thể xem điểm của các thành viên khác.", "success")
    else:
        flash("Đã lưu nháp phiếu chấm.", "success")
    return redirect(url_for(".review", initiative_id=initiative.id))


@bp.route("/reviews/<int:review_id>/reopen", methods=["POST"])
@login_required
def reopen(review_id):
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    initiative = _load(review.initiative_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        abort_with(422, "Vui lòng nêu lý do mở lại phiếu chấm.")
    try:
        operations.reopen_review(review, current_user, form.reason.data)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash(f"Đã mở lại phiếu chấm của {review.reviewer.full_name}.", "success")
    return redirect(url_for(".results", initiative_id=initiative.id))


# -- results and decision ---------------------------------------------------------

def _render_results(initiative, form=None, status=200):
    if not can_see_scores(initiative, current_user):
        mine = active_assignment(initiative, current_user)
        if mine is not None:
            abort_with(403, "Bạn chỉ xem được điểm của các thành viên khác sau khi nộp phiếu chấm của mình.")
        abort(403)
    appraisal = Appraisal(initiative)
    decisions = db.session.execute(
        select(CouncilDecision).where(CouncilDecision.initiative_id == initiative.id)
        .options(selectinload(CouncilDecision.decided_by))
        .order_by(CouncilDecision.id)
    ).scalars().all()
    if form is None:
        form = DecisionForm(formdata=None)
        if appraisal.suggested:
            form.outcome.data = appraisal.suggested
        form.decision_date.data = today()
    oversee = can_oversee(current_user, initiative.year)
    return render_template(
        "council/results.html",
        **_context(initiative, appraisal=appraisal, form=form, decisions=decisions,
                   named=oversee, reopen_form=ReopenForm(),
                   outcome_labels=operations.OUTCOME_LABELS,
                   required=operations.reviewers_per_initiative())), status


@bp.route("/initiatives/<int:initiative_id>/results")
@login_required
def results(initiative_id):
    return _render_results(_load(initiative_id))


@bp.route("/initiatives/<int:initiative_id>/decision", methods=["POST"])
@login_required
def decision(initiative_id):
    initiative = _load(initiative_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        if CHAIR not in initiative.roles_of(current_user):
            abort(403)
        return _render_results(initiative, form, 422)
    try:
        operations.decide(initiative, current_user, form.outcome.data,
                          decision_no=form.decision_no.data, decision_date=form.decision_date.data,
                          reason=form.reason.data)
    except operations.Refused as error:
        db.session.rollback()
        if error.status == 422:
            _apply_errors(form, error)
            return _render_results(initiative, form, 422)
        _refused(error)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash(f"Đã ghi nhận quyết định: {operations.OUTCOME_LABELS[form.outcome.data]}.", "success")
    return redirect(url_for(".results", initiative_id=initiative.id))


@bp.route("/batch-decision", methods=["POST"])
@login_required
def batch_decision():
    form = BatchDecisionForm()
    year = request.form.get("year", type=int) or current_year()
    if not current_user.is_chair(year):
        abort(403)
    if not form.validate_on_submit() or not form.ids.data:
        messages = [e for errors in form.errors.values() for e in errors]
        if not form.ids.data:
            messages.append("Chưa chọn sáng kiến nào.")
        abort_with(422, " ".join(messages))
    initiatives = db.session.execute(
        select(Initiative).where(Initiative.id.in_(form.ids.data)).order_by(Initiative.id)
    ).scalars().all()
    if len(initiatives) != len(set(form.ids.data)):
        abort(404)
    try:
        rows = operations.decide_batch(initiatives, current_user, decision_no=form.decision_no.data,
                                       decision_date=form.decision_date.data)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    recognized = sum(1 for r in rows if r.outcome == "recognized")
    flash(f"Quyết định số {form.decision_no.data}: {len(rows)} sáng kiến "
          f"({recognized} được công nhận).", "success")
    return redirect(url_for(".queue", year=year))


# -- sector and national level ----------------------------------------------------

@bp.route("/sector")
@login_required
def sector():
    year = _year_arg()
    _require_oversight(year)
    rubric = rubric_for(year)
    recognized = db.session.execute(
        select(Initiative)
        .where(Initiative.year == year, Initiative.status == Status.recognized)
        .options(selectinload(Initiative.authors))
        .order_by(Initiative.decision_date, Initiative.id)
    ).scalars().all()
    means = _decided_means([i.id for i in recognized])
    rows = [{"initiative": i, "mean": means.get(i.id)} for i in recognized]
    proposals = [r for r in rows if (r["mean"] or 0) >= rubric.sector_threshold or r["initiative"].sector_status]
    others = [r for r in rows if r not in proposals]
    return render_template("council/sector.html", year=year, years=known_years(), rubric=rubric,
                           proposals=proposals, others=others, form=HigherLevelForm(formdata=None),
                           is_secretary=current_user.is_secretary(year))


def _decided_means(initiative_ids):
    """The mean total recorded with the latest decision of each initiative."""
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(CouncilDecision.initiative_id, CouncilDecision.mean_total)
        .where(CouncilDecision.initiative_id.in_(initiative_ids))
        .order_by(CouncilDecision.id)
    ).all()
    return {initiative_id: mean for initiative_id, mean in rows}


def _higher_level(initiative_id, record):
    initiative = _load(initiative_id)
    form = HigherLevelForm()
    if not form.validate_on_submit():
        abort_with(422, " ".join(e for errors in form.errors.values() for e in errors))
    try:
        record(initiative, current_user, form.status.data, form.decision_no.data, form.decision_date.data)
    except TransitionError as error:
        _refused(error)
    db.session.commit()
    flash(f"Đã ghi nhận kết quả cho “{initiative.title}”.", "success")
    return redirect(url_for(".sector", year=initiative.year))


@bp.route("/initiatives/<int:initiative_id>/sector", methods=["POST"])
@login_required
def record_sector(initiative_id):
    return _higher_level(initiative_id, operations.record_sector)


@bp.route("/initiatives/<int:initiative_id>/national", methods=["POST"])
@login_required
def record_national(initiative_id):
    return _higher_level(initiative_id, operations.record_national)


# -- rubric -----------------------------------------------------------------------

@bp.route("/rubric/<int:year>", methods=["GET", "POST"])
@login_required
def rubric(year):
    if not (current_user.is_admin or current_user.is_council_member(year)):
        abort(403)
    rubric_row = rubric_for(year)
    frozen = rubric_frozen(year)
    if request.method == "GET":
        form = RubricForm(obj=rubric_row)
        while len(form.criteria) < len(rubric_row.criteria) + 1:
            form.criteria.append_entry()
        for entry, criterion in zip(form.criteria, rubric_row.criteria, strict=False):
            entry.form.code.data = criterion.code
            entry.form.name.data = criterion.name
            entry.form.guidance.data = criterion.guidance
            entry.form.max_score.data = criterion.max_score
        return render_template("council/rubric.html", year=year, rubric=rubric_row, form=form,
                               frozen=frozen, editable=current_user.is_admin and not frozen)
    if not current_user.is_admin:
        abort(403)
    form = RubricForm()
    if frozen:
        db.session.rollback()
        abort_with(409, f"Đã có điểm chấm cho sáng kiến năm {year}: bộ tiêu chí đã khóa, không sửa được nữa.")
    status = 422
    if form.validate_on_submit():
        criteria = []
        for entry in form.criteria:
            f = entry.form
            if f.remove.data or not (f.code.data or "").strip():
                continue
            if not (f.name.data or "").strip() or f.max_score.data is None:
                f.name.errors = list(f.name.errors) + ["Cần nhập tên và điểm tối đa."]
                break
            criteria.append({"code": f.code.data.strip(), "name": f.name.data.strip(),
                             "guidance": (f.guidance.data or "").strip(), "max_score": f.max_score.data})
        else:
            try:
                operations.update_rubric(
                    year, current_user, recognition_threshold=form.recognition_threshold.data,
                    sector_threshold=form.sector_threshold.data,
                    approval_numerator=form.approval_numerator.data,
                    approval_denominator=form.approval_denominator.data,
                    novelty_zero_rule=form.novelty_zero_rule.data, criteria=criteria)
            except operations.Refused as error:
                db.session.rollback()
                if error.status != 422:
                    _refused(error)
                form.form_errors.append(error.message)
            except TransitionError as error:
                _refused(error)
            else:
                db.session.commit()
                flash(f"Đã lưu bộ tiêu chí chấm điểm năm {year}.", "success")
                return redirect(url_for(".rubric", year=year))
    return render_template("council/rubric.html", year=year, rubric=rubric_row, form=form,
                           frozen=frozen, editable=True), status


# -- documents --------------------------------------------------------------------

def _docx(document, filename):
    from portal.council.documents import to_bytes

    return send_file(to_bytes(document), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.route("/initiatives/<int:initiative_id>/application.docx")
@login_required
def application_docx(initiative_id):
    from portal.council import documents

    initiative = _load(initiative_id)
    version = _latest_version(initiative)
    return _docx(documents.application_form(initiative, version), f"don-sang-kien-{initiative.id}.docx")


@bp.route("/reviews/<int:review_id>/sheet.docx")
@login_required
def scoring_sheet_docx(review_id):
    from portal.council import documents

    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    initiative = _load(review.initiative_id)
    if review.reviewer_id != current_user.id and not can_see_scores(initiative, current_user):
        abort(403)
    return _docx(documents.scoring_sheet(review, rubric_for(initiative.year)),
                 f"phieu-cham-{initiative.id}-{review.id}.docx")


def _decided_in(year, decision_no=None):
    query = (select(Initiative)
             .where(Initiative.year == year,
                    Initiative.status.in_([Status.recognized, Status.rejected, Status.in_review]))
             .options(selectinload(Initiative.authors))
             .order_by(Initiative.id))
    if decision_no:
        query = query.where(Initiative.decision_no == decision_no)
    return db.session.execute(query).scalars().all()


@bp.route("/<int:year>/minutes.docx")
@login_required
def minutes_docx(year):
    from portal.council import documents

    _require_oversight(year)
    decision_no = request.args.get("decision_no", "").strip() or None
    initiatives = _decided_in(year, decision_no)
    appraisals = [(i, Appraisal(i, assignments=assignments_of(i, round=_scored_round(i)))) for i in initiatives]
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    return _docx(documents.meeting_minutes(year, council, appraisals, decision_no),
                 f"bien-ban-hop-hoi-dong-{year}.docx")


def _scored_round(initiative):
    """The round whose scores stand for the initiative: the decided one, or the current one."""
    if initiative.status == Status.in_review:
        return initiative.round
    from portal.council.services import latest_decision

    decision = latest_decision(initiative)
    return decision.round if decision else initiative.round


def _may_see_decisions(year):
    return can_oversee(current_user, year) or current_user.has_role("admin", "emulation_officer")


@bp.route("/<int:year>/decision.docx")
@login_required
def decision_docx(year):
    from portal.council import documents

    if not _may_see_decisions(year):
        abort(403)
    decision_no = request.args.get("decision_no", "").strip() or None
    query = (select(Initiative)
             .where(Initiative.year == year, Initiative.status == Status.recognized)
             .options(selectinload(Initiative.authors)).order_by(Initiative.id))
    if decision_no:
        query = query.where(Initiative.decision_no == decision_no)
    initiatives = db.session.execute(query).scalars().all()
    if not initiatives:
        abort_with(404, "Không có sáng kiến được công nhận theo quyết định này.")
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    means = _decided_means([i.id for i in initiatives])
    return _docx(documents.recognition_decision(year, council, initiatives, decision_no, means),
                 f"quyet-dinh-cong-nhan-{year}.docx")


@bp.route("/initiatives/<int:initiative_id>/certificate.docx")
@login_required
def certificate_docx(initiative_id):
    from portal.council import documents

    initiative = _load(initiative_id)
    if initiative.status != Status.recognized:
        abort_with(409, "Chỉ cấp giấy chứng nhận cho sáng kiến đã được công nhận.")
    if not (initiative.is_author(current_user) or _may_see_decisions(initiative.year)):
        abort(403)
    council = db.session.execute(select(Council).where(Council.year == initiative.year)).scalar_one_or_none()
    mean = _decided_means([initiative.id]).get(initiative.id)
    return _docx(documents.certificate(initiative, mean, documents.chair_name(council)),
                 f"giay-chung-nhan-{initiative.id}.docx")


@bp.route("/<int:year>/initiatives.xlsx")
@login_required
def export_xlsx(year):
    from portal.council.export import year_workbook

    if not _may_see_decisions(year):
        abort(403)
    data = year_workbook(year)
    return send_file(data, as_attachment=True, download_name=f"sang-kien-{year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.app_template_global("council_outcome")
def council_outcome(initiative):
    """For the authors' page: `{% include "council/_outcome_for_authors.html" %}`."""
    from portal.council.services import outcome_for_authors

    return outcome_for_authors(initiative)


@bp.app_template_filter("score")
def format_score(value):
    """Scores and means: at most two decimals, Vietnamese decimal comma."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")

