"""Score sheets: saved, submitted, reopened."""

from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Listing, Phrase
from portal.core.refusal import conflict, invalid, wrong_state
from portal.core.timeutil import utcnow
from portal.council import membership, scoring
from portal.council.models import (
    Review,
    ReviewScore,
    ReviewStatus,
)
from portal.council.operations.common import (
    acting_officers,
    review_link,
)
from portal.council.services import (
    Appraisal,
    active_assignment,
    rubric_for,
)
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status


def _coerce_scores(raw):
    """Scores as given by a form or JSON: ints stay, digit strings become ints, the rest is kept
    as it is so that validation names it."""
    scores = {}
    for code, value in (raw or {}).items():
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
            elif value.lstrip("-").isdigit():
                value = int(value)
        scores[str(code)] = value
    return scores


def _own_open_review(initiative, actor):
    """The actor's open sheet: only a current member of the year's council, assigned in this
    round, whose sheet is not submitted, may save or submit it."""
    assignment = active_assignment(initiative, actor)
    review = assignment.review if assignment is not None else None
    if review is not None and review.status == ReviewStatus.submitted and initiative.status == Status.in_review:
        raise conflict(_l("Phiếu chấm đã nộp, không sửa được nữa. Nếu cần chấm lại, "
                          "đề nghị Thư ký Hội đồng mở lại phiếu."), code="already_submitted")
    policy.check(actor, Act.score, initiative)
    return assignment, review


def save_review(initiative, actor, *, scores=None, comments=None, overall_comment=None,
                recommendation=None):
    """Lưu nháp phiếu chấm: integers within each criterion's range; missing ones allowed."""
    assignment, review = _own_open_review(initiative, actor)
    rubric = rubric_for(initiative.year)
    scores = _coerce_scores(scores)
    errors = scoring.validate_scores(rubric.specs(), scores, complete=False)
    if recommendation not in (None, "", scoring.PASS, scoring.FAIL):
        errors["recommendation"] = Phrase("Kiến nghị phải là “đạt” (pass) hoặc “không đạt” (fail).")
    comments = comments or {}
    unknown_comments = set(comments) - {c.code for c in rubric.criteria}
    for code in unknown_comments:
        errors[code] = Phrase("Tiêu chí “%(code)s” không có trong bộ tiêu chí của năm.", code=code)
    if errors:
        raise invalid(Phrase("Phiếu chấm chưa hợp lệ: %(errors)s", errors=Listing(errors.values(), " ")),
                      code="invalid_scores", fields=errors)
    if review is None:
        review = Review(assignment=assignment, initiative_id=initiative.id, reviewer_id=actor.id,
                        round=assignment.round, version_id=assignment.version_id)
        db.session.add(review)
    rows = {s.criterion_code: s for s in review.scores}
    for criterion in rubric.criteria:
        row = rows.get(criterion.code)
        if row is None:
            row = ReviewScore(criterion_id=criterion.id, criterion_code=criterion.code)
            review.scores.append(row)
        if criterion.code in scores:
            row.score = scores[criterion.code]
        if criterion.code in comments:
            row.comment = str(comments[criterion.code] or "").strip()
    if overall_comment is not None:
        review.overall_comment = str(overall_comment).strip()
    if recommendation is not None:
        review.recommendation = recommendation or None
    review.updated_at = utcnow()
    db.session.flush()
    audit.record("council.review_saved", actor=actor, obj=review, initiative_id=initiative.id,
                 data={"round": review.round,
                       "scored": sorted(c for c, v in review.score_map().items() if v is not None)},
                 summary="Lưu nháp phiếu chấm")
    return review


def submit_review(initiative, actor, **fields):
    """Nộp phiếu chấm: every criterion scored and a recommendation given; no edits after."""
    if any(v is not None for v in fields.values()):
        review = save_review(initiative, actor, **fields)
    else:
        _, review = _own_open_review(initiative, actor)
        if review is None:
            raise invalid(_l("Chưa có điểm nào được chấm."), code="invalid_scores")
    rubric = rubric_for(initiative.year)
    errors = scoring.validate_scores(rubric.specs(), review.score_map(), complete=True)
    if review.recommendation not in (scoring.PASS, scoring.FAIL):
        errors["recommendation"] = Phrase("Vui lòng chọn kiến nghị “Đạt” hoặc “Không đạt”.")
    if errors:
        raise invalid(Phrase("Chưa nộp được phiếu chấm: %(errors)s", errors=Listing(list(errors.values()), " ")),
                      code="incomplete_review", fields=errors)
    review.status = ReviewStatus.submitted
    review.submitted_at = utcnow()
    db.session.flush()
    membership.forget()
    appraisal = Appraisal(initiative)
    if appraisal.complete:
        notify(acting_officers(initiative, "secretary", "chair"),
               Phrase("Đã đủ phiếu chấm: “%(title)s”", title=initiative.title),
               Phrase("Các thành viên đã nộp đủ phiếu chấm; Hội đồng có thể xem kết quả và quyết định."),
               f"/council/initiatives/{initiative.id}/results", initiative=initiative)
    audit.record("council.review_submitted", actor=actor, obj=review, initiative_id=initiative.id,
                 data={"round": review.round, "scores": review.score_map(), "total": review.total,
                       "recommendation": review.recommendation,
                       "version": review.version.number if review.version else None},
                 summary=f"Nộp phiếu chấm: {review.total} điểm, "
                         f"{review.recommendation_label.lower()}")
    return review


def reopen_review(review, actor, reason):
    """Mở lại phiếu chấm: the secretary lets a reviewer change a submitted sheet."""
    initiative = review.assignment.initiative
    policy.check(actor, Act.reopen_sheet, initiative)
    if review.status != ReviewStatus.submitted or review.round != initiative.round:
        raise wrong_state(_l("Chỉ mở lại được phiếu chấm đã nộp của vòng thẩm định hiện tại."))
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_l("Vui lòng nêu lý do mở lại phiếu chấm."), code="missing_fields",
                      fields={"reason": [_l("Cần nêu lý do.")]})
    review.status = ReviewStatus.reopened
    review.submitted_at = None
    db.session.flush()
    membership.forget()
    notify([review.reviewer], Phrase("Phiếu chấm sáng kiến “%(title)s” được mở lại", title=initiative.title),
           Phrase("Thư ký Hội đồng mở lại phiếu chấm của bạn. Lý do: %(reason)s", reason=reason),
           review_link(initiative), initiative=initiative)
    audit.record("council.review_reopened", actor=actor, obj=review, initiative_id=initiative.id,
                 data={"reason": reason, "reviewer": review.reviewer.username,
                       "scores": review.score_map()},
                 summary=f"Mở lại phiếu chấm của {review.reviewer.full_name}: {reason[:200]}")
    return review
