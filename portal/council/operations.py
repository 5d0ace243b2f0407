"""What the council does to an initiative. Each operation: check, change, flush, notify, audit.

Web pages and the JSON API call these functions, so a rule lives in one place. Who may
act is the policy's answer (portal.initiatives.policy); a refusal is a Refusal raised
before anything changes (403 wrong person, 404 not visible, 409 wrong state or conflict,
422 bad input).
"""
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from portal.auth.models import User
from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Listing, Phrase
from portal.core.refusal import Refusal, conflict, forbidden, invalid, wrong_state
from portal.core.textfold import fold
from portal.core.timeutil import local_date, today, utcnow, zone
from portal.council import discussion, membership, scoring
from portal.council.models import (
    OUTCOME_ACTIONS,
    OUTCOME_LABELS,
    OUTCOMES,
    AssignmentStatus,
    CouncilDecision,
    Criterion,
    Review,
    ReviewAssignment,
    ReviewScore,
    ReviewStatus,
)
from portal.council.services import (
    Appraisal,
    active_assignment,
    assignments_of,
    decided_round,
    rubric_for,
    rubric_frozen,
    same_unit_warning,
    similar_initiatives,
)
from portal.extensions import db
from portal.initiatives import policy, workflow
from portal.initiatives.models import Initiative, InitiativeVersion
from portal.initiatives.operations import transition
from portal.initiatives.policy import Act
from portal.initiatives.workflow import HIGHER_LEVEL_ACTIONS, Action, Level, SectorStatus, Status
from portal.years import services as years

REVIEW_REMINDER_DAYS = 3  # a reviewer is reminded when the sheet is due within three days, or late


def author_link(initiative):
    """The authors' page of the initiative (the submission area's `Initiative.path`)."""
    return getattr(initiative, "path", None) or "/my"


def review_link(initiative):
    return f"/council/initiatives/{initiative.id}/review"


def _authors(initiative):
    return [a.user for a in initiative.authors if a.user is not None]


def _as_date(value, field_name):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid(_l("Ngày không hợp lệ (%(field)s): dùng dạng YYYY-MM-DD.", field=field_name),
                      fields={field_name: [_l("Ngày không hợp lệ.")]}) from None


def accept(initiative, actor):
    """Tiếp nhận: the secretary accepts a submitted initiative into appraisal."""
    policy.check(actor, Action.accept, initiative)
    initiative.round = max(initiative.round or 0, 1)
    initiative.return_note = ""
    return transition(initiative, Action.accept, actor, data={"round": initiative.round},
                      summary="Tiếp nhận vào thẩm định")


def return_to_authors(initiative, actor, note):
    """Trả lại: back to the authors with a note; from appraisal it opens a new round."""
    policy.check(actor, Action.return_, initiative)
    note = (note or "").strip()
    if not note:
        raise invalid(_l("Vui lòng ghi rõ nội dung cần bổ sung, hoàn thiện để tác giả biết."),
                      code="missing_fields", fields={"note": [_l("Cần nhập nội dung trả lại.")]})
    old_round = initiative.round
    if initiative.status == Status.in_review:
        initiative.round = (initiative.round or 1) + 1
    initiative.return_note = note

    def tell_authors(init, old, new):
        notify(_authors(init), Phrase("Sáng kiến “%(title)s” được trả lại để bổ sung", title=init.title),
               Phrase("Nội dung cần bổ sung, hoàn thiện:\n%(note)s", note=note), author_link(init), initiative=init)

    return transition(initiative, Action.return_, actor, notify=tell_authors,
                      data={"note": note, "round": old_round, "new_round": initiative.round},
                      summary="Trả lại để bổ sung: " + note[:200])


def _latest_version(initiative):
    return db.session.execute(
        select(InitiativeVersion).where(InitiativeVersion.initiative_id == initiative.id)
        .order_by(InitiativeVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def assign(initiative, actor, reviewer, due_on=None):
    """Phân công: the secretary asks a member of the year's council to score.

    An author or co-author is refused (409); a reviewer from the same unit is
    allowed with a warning (`assignment.same_unit`).
    """
    policy.check(actor, Act.assign, initiative)
    if reviewer is None:
        raise invalid(_l("Không tìm thấy người được phân công."), code="unknown_reviewer",
                      fields={"reviewer": [_l("Không tìm thấy tài khoản này.")]})
    if initiative.is_named(reviewer):
        raise conflict(_l("%(name)s là tác giả hoặc đồng tác giả của sáng kiến này nên không được chấm điểm. "
                          "Vui lòng chọn thành viên khác.", name=reviewer.full_name),
                       code="conflict_of_interest",
                       fields={"reviewer": [_l("Tác giả không được chấm sáng kiến của mình.")]})
    if policy.year_role(reviewer, initiative.year) is None:
        raise invalid(_l("%(name)s không phải thành viên Hội đồng năm %(year)s.", name=reviewer.full_name,
                         year=initiative.year), code="not_council_member",
                      fields={"reviewer": [_l("Chỉ phân công thành viên Hội đồng của năm.")]})
    earlier = [a for a in assignments_of(initiative) if a.reviewer_id == reviewer.id]
    if any(a.is_active for a in earlier):
        raise conflict(_l("%(name)s đã được phân công chấm sáng kiến này.", name=reviewer.full_name),
                       code="already_assigned", fields={"reviewer": [_l("Đã được phân công.")]})
    if any(a.status == AssignmentStatus.recused for a in earlier):
        raise conflict(_l("%(name)s đã từ chối chấm sáng kiến này trong vòng thẩm định hiện tại.",
                          name=reviewer.full_name),
                       code="recused", fields={"reviewer": [_l("Người này đã xin không tham gia chấm.")]})
    due = _as_date(due_on, "due_on") or years.rules_for(initiative.year).review_due(today())
    if due < today():
        raise invalid(_l("Hạn chấm không được trước ngày hôm nay."), fields={"due_on": [_l("Hạn chấm đã qua.")]})
    version = _latest_version(initiative)
    assignment = ReviewAssignment(
        initiative_id=initiative.id, reviewer_id=reviewer.id, round=initiative.round,
        version_id=version.id if version else None, assigned_by_id=actor.id, due_on=due,
        same_unit=same_unit_warning(initiative, reviewer),
    )
    db.session.add(assignment)
    db.session.flush()
    membership.forget()
    notify([reviewer], Phrase("Phân công chấm sáng kiến “%(title)s”", title=initiative.title),
           Phrase("Bạn được phân công chấm điểm sáng kiến “%(title)s” (năm %(year)s). Hạn nộp phiếu chấm: %(due)s.",
                  title=initiative.title, year=initiative.year, due=f"{due:%d/%m/%Y}"),
           review_link(initiative), initiative=initiative)
    audit.record("council.assigned", actor=actor, obj=assignment, initiative_id=initiative.id,
                 data={"reviewer": reviewer.username, "round": initiative.round,
                       "due_on": due.isoformat(), "same_unit": assignment.same_unit,
                       "version": version.number if version else None},
                 summary=f"Phân công {reviewer.full_name} chấm điểm")
    return assignment


def check_may_assign(initiative, actor):
    """Refuse unless `actor` may assign reviewers to the initiative now."""
    policy.check(actor, Act.assign, initiative)


def assign_many(initiative, actor, reviewers, due_on=None):
    """Phân công nhiều người một lần: every reviewer is checked as `assign` checks one; the first
    refusal names the person and, since the caller rolls back, nobody is assigned."""
    policy.check(actor, Act.assign, initiative)
    if any(r is None for r in reviewers):
        raise invalid(_l("Không tìm thấy người được phân công."), code="unknown_reviewer",
                      fields={"reviewers": [_l("Không tìm thấy tài khoản này.")]})
    unique = list({r.id: r for r in reviewers}.values())
    if not unique:
        raise invalid(_l("Chưa chọn thành viên nào để phân công."), code="missing_fields",
                      fields={"reviewers": [_l("Chọn ít nhất một thành viên.")]})
    return [assign(initiative, actor, reviewer, due_on) for reviewer in unique]


def withdraw_assignment(assignment, actor, reason):
    """Rút phân công: the secretary takes an assignment back, with a reason the reviewer is told.

    A submitted sheet is part of the appraisal: its assignment is never withdrawn (409
    `already_submitted`); the secretary reopens the sheet or returns the initiative instead.
    A draft sheet stays attached to the withdrawn assignment and counts for nothing.
    """
    initiative = assignment.initiative
    policy.check(actor, Act.assign, initiative)
    if not assignment.is_active or assignment.round != initiative.round:
        raise wrong_state(_l("Phân công này không còn hiệu lực (đã rút, đã từ chối hoặc thuộc vòng trước)."))
    if assignment.submitted:
        raise conflict(_l("%(name)s đã nộp phiếu chấm nên không rút được phân công. Nếu phiếu cần chấm lại, "
                          "hãy mở lại phiếu chấm (ghi lý do).", name=assignment.reviewer.full_name),
                       code="already_submitted")
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_l("Vui lòng nêu lý do rút phân công; người chấm sẽ nhận được lý do này."),
                      code="missing_fields", fields={"reason": [_l("Cần nêu lý do.")]})
    assignment.status = AssignmentStatus.withdrawn
    assignment.recusal_reason = reason
    assignment.recused_at = utcnow()
    db.session.flush()
    membership.forget()
    reviewer = assignment.reviewer
    notify([reviewer], Phrase("Rút phân công chấm sáng kiến “%(title)s”", title=initiative.title),
           Phrase("Thư ký Hội đồng đã rút phân công chấm sáng kiến “%(title)s” của bạn. Lý do: %(reason)s",
                  title=initiative.title, reason=reason),
           "/council/", initiative=initiative)
    audit.record("council.assignment_withdrawn", actor=actor, obj=assignment, initiative_id=initiative.id,
                 data={"reviewer": reviewer.username, "round": assignment.round, "reason": reason,
                       "draft": assignment.review is not None},
                 summary=f"Rút phân công {reviewer.full_name}: {reason[:200]}")
    return assignment


def replace_assignment(assignment, actor, reviewer, reason, due_on=None):
    """Thay người chấm: withdraw `assignment` and assign `reviewer` in its place, one transaction."""
    if reviewer is not None and reviewer.id == assignment.reviewer_id:
        raise invalid(_l("Người thay thế phải khác người đang được phân công."), code="same_reviewer",
                      fields={"replacement": [_l("Chọn một thành viên khác.")]})
    withdraw_assignment(assignment, actor, reason)
    return assign(assignment.initiative, actor, reviewer, due_on)


def plan_accept(initiatives, actor):
    """Check that every initiative can be accepted by `actor`, changing nothing (the confirmation)."""
    if not initiatives:
        raise invalid(_l("Chưa chọn sáng kiến nào."), code="missing_fields",
                      fields={"ids": [_l("Chọn ít nhất một sáng kiến.")]})
    for initiative in initiatives:
        _check_each(initiative, actor, Action.accept)
    return list(initiatives)


def accept_many(initiatives, actor):
    """Tiếp nhận nhiều hồ sơ: all are checked before any is accepted."""
    plan_accept(initiatives, actor)
    return [accept(initiative, actor) for initiative in initiatives]


def _check_each(initiative, actor, action):
    """The policy's answer for one of several: a 404 stays a 404 (its title unseen); any other
    refusal names the initiative."""
    problem = policy.refusal_for(actor, action, initiative)
    if problem is not None:
        if problem.status == 404:
            raise problem
        raise Refusal(problem.status, _l("“%(title)s”: %(why)s", title=initiative.title, why=problem.message),
                      code=problem.code)


def plan_reminders(assignments, actor):
    """The chosen assignments, each checked: the actor may assign on its initiative, and its sheet
    is still due (active, current round, not submitted)."""
    if not assignments:
        raise invalid(_l("Chưa chọn phiếu chấm nào để nhắc."), code="missing_fields",
                      fields={"ids": [_l("Chọn ít nhất một phiếu chấm.")]})
    for assignment in assignments:
        _check_each(assignment.initiative, actor, Act.assign)
        if (not assignment.is_active or assignment.submitted
                or assignment.round != assignment.initiative.round):
            raise conflict(_l("Phiếu chấm của %(name)s cho “%(title)s” không còn chờ nộp.",
                              name=assignment.reviewer.full_name, title=assignment.initiative.title),
                           code="not_due")
    return list(assignments)


def remind_many(assignments, actor, on_day=None):
    """Nhắc hạn chấm những phiếu đã chọn, now (the secretary's bulk reminder)."""
    plan_reminders(assignments, actor)
    on_day = on_day or today()
    for assignment in assignments:
        _remind(assignment, on_day)
    audit.record("council.reminders_sent", actor=actor, object_type="review_assignment",
                 data={"assignments": [a.id for a in assignments], "manual": True},
                 summary=f"Nhắc hạn chấm: {len(assignments)} phiếu")
    return list(assignments)


def record_first_application_end(initiative, actor, ended_on):
    """The end of the first application the authors asked for (Điều 7.1: the three months start then)."""
    policy.check(actor, Act.assign, initiative)
    if not initiative.first_application_requested:
        raise conflict(_l("Tác giả không đề nghị áp dụng lần đầu nên không có ngày kết thúc áp dụng để ghi."),
                       code="no_first_application")
    ended_on = _as_date(ended_on, "ended_on")
    if ended_on is None:
        raise invalid(_l("Cần nhập ngày kết thúc áp dụng lần đầu."), field="ended_on")
    errors = _date_errors(ended_on, not_before=local_date(initiative.accepted_at),
                          before_what=_l("ngày tiếp nhận hồ sơ vào thẩm định"), field="ended_on")
    if errors:
        raise invalid(fields=errors)
    before = initiative.first_application_ended_on
    initiative.first_application_ended_on = ended_on
    db.session.flush()
    audit.record("council.first_application_ended", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"ended_on": ended_on, "before": before},
                 summary=f"Kết thúc áp dụng lần đầu ngày {ended_on:%d/%m/%Y}")
    return initiative


def recuse(initiative, actor, reason):
    """Xin không tham gia chấm: the reviewer steps aside with a reason."""
    assignment = active_assignment(initiative, actor)
    if assignment is not None and assignment.submitted:
        raise conflict(_l("Bạn đã nộp phiếu chấm nên không thể xin rút."), code="already_submitted")
    policy.check(actor, Act.recuse, initiative)
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_l("Vui lòng nêu lý do không tham gia chấm."), code="missing_fields",
                      fields={"reason": [_l("Cần nêu lý do.")]})
    assignment.status = AssignmentStatus.recused
    assignment.recusal_reason = reason
    assignment.recused_at = utcnow()
    db.session.flush()
    membership.forget()
    notify(acting_officers(initiative, "secretary"),
           Phrase("%(name)s xin không chấm sáng kiến “%(title)s”", name=actor.full_name, title=initiative.title),
           Phrase("Lý do: %(reason)s\nVui lòng phân công thành viên khác.", reason=reason),
           f"/council/initiatives/{initiative.id}/assignments", initiative=initiative)
    audit.record("council.recused", actor=actor, obj=assignment, initiative_id=initiative.id,
                 data={"reason": reason, "round": assignment.round},
                 summary=f"{actor.full_name} xin không tham gia chấm: {reason[:200]}")
    return assignment


def acting_officers(initiative, *roles):
    """Who acts as each of `roles` ("secretary", "chair") for the initiative: the holder, or the
    deputy when the holder is named on it (so a message never goes to an author instead)."""

    ids = set()
    for role in roles:
        ids |= policy.acting(initiative, role)[0]
    if not ids:
        return []
    return list(db.session.execute(select(User).where(User.id.in_(ids))).scalars())


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


def check_may_decide(initiative, actor):
    """Refuse unless `actor` may record the council's decision on the initiative now."""
    policy.check(actor, Action.recognize, initiative)


def _check_decision(initiative, actor, outcome, decision_no, decision_date, reason):
    if outcome not in OUTCOMES:
        raise invalid(_l("Kết quả phải là recognized, rejected hoặc returned."),
                      fields={"outcome": [_l("Chọn một kết quả.")]})
    # Deciding is the chair's (or the vice-chair's, when the chair is named on it); a return
    # for revision at the decision is the chair's return in the state machine.
    check_may_decide(initiative, actor)
    policy.check(actor, OUTCOME_ACTIONS[outcome], initiative)
    appraisal = Appraisal(initiative)
    if outcome != "returned" and not appraisal.complete:
        raise conflict(_l("Chưa đủ phiếu chấm đã nộp; chưa thể công nhận hay không công nhận."),
                       code="scoring_incomplete")
    errors = {}
    decision_date = _as_date(decision_date, "decision_date")
    if outcome != "returned":
        if not (decision_no or "").strip():
            errors["decision_no"] = [_l("Cần nhập số quyết định.")]
        if decision_date is None:
            errors["decision_date"] = [_l("Cần nhập ngày quyết định.")]
        else:
            errors.update(_date_errors(decision_date, not_before=local_date(initiative.accepted_at),
                                       before_what=_l("ngày tiếp nhận hồ sơ vào thẩm định")))
    reason = (reason or "").strip()
    if outcome != appraisal.suggested and not reason:
        if outcome == "returned":
            errors["reason"] = [_l("Cần ghi rõ nội dung tác giả phải hoàn thiện.")]
        else:
            errors["reason"] = [_l("Kết quả khác với đề xuất của hệ thống (%(suggested)s): cần ghi rõ lý do.",
                                   suggested=_l(OUTCOME_LABELS.get(appraisal.suggested, "chưa có")))]
    matches = recognized_like(initiative) if outcome == "recognized" else []
    if matches and not reason:
        errors.setdefault("reason", []).append(_l(
            "Sáng kiến này trùng hoặc rất giống sáng kiến đã được công nhận: %(which)s. Một giải pháp đã được "
            "công nhận thì không công nhận lại; nếu vẫn công nhận, cần ghi rõ lý do.",
            which="; ".join(f"“{m.title}” ({m.year})" for m in matches)))
    if errors:
        raise invalid(fields=errors)
    return appraisal, decision_date, reason, matches


def _date_errors(day, *, not_before=None, before_what=None, field="decision_date"):
    """A decision's date: not in the future, and not before the step it follows."""
    if day > today():
        return {field: [_l("Ngày quyết định không được sau ngày hôm nay (%(today)s).",
                           today=today().strftime("%d/%m/%Y"))]}
    if not_before is not None and day < not_before:
        return {field: [_l("Ngày quyết định không được trước %(what)s (%(day)s).", what=before_what,
                           day=not_before.strftime("%d/%m/%Y"))]}
    return {}


def recognized_like(initiative):
    """Recognised initiatives of any year with the same title, or as similar as the year's level."""
    level = years.rules_for(initiative.year).similarity_percent / 100
    found = {}
    same_title = db.session.execute(
        select(Initiative).where(Initiative.id != initiative.id, Initiative.status == Status.recognized)
    ).scalars()
    for other in same_title:
        if fold(other.title).strip() == fold(initiative.title).strip():
            found[other.id] = other
    for other in similar_initiatives(initiative, limit=5) or []:
        if other.status == Status.recognized and getattr(other, "similarity", 0) >= level:
            found.setdefault(other.id, other)
    return list(found.values())


def decide(initiative, actor, outcome, *, decision_no="", decision_date=None, reason="",
           batch=False):
    """Quyết định của Hội đồng (Chủ tịch ký): recognized, rejected or returned (new round)."""
    appraisal, decision_date, reason, matches = _check_decision(
        initiative, actor, outcome, decision_no, decision_date, reason)
    decision_no = (decision_no or "").strip()
    aggregate = appraisal.aggregate
    round_ = initiative.round
    row = CouncilDecision(
        initiative_id=initiative.id, round=round_, outcome=outcome, suggested=appraisal.suggested,
        reason=reason, decision_no=decision_no, decision_date=decision_date,
        mean_total=aggregate.mean_total, decided_by_id=actor.id)
    db.session.add(row)
    if outcome == "returned":
        initiative.round = round_ + 1
        initiative.return_note = reason
    else:
        initiative.decision_no = decision_no
        initiative.decision_date = decision_date
        initiative.decision_reason = reason
        initiative.level = Level.grassroots if outcome == "recognized" else None

    def tell_authors(init, old, new):
        subject = {
            "recognized": Phrase("Sáng kiến “%(title)s” được công nhận", title=init.title),
            "rejected": Phrase("Sáng kiến “%(title)s” không được công nhận", title=init.title),
            "returned": Phrase("Sáng kiến “%(title)s” được trả lại để hoàn thiện", title=init.title),
        }[outcome]
        lines = []
        if outcome == "returned":
            lines.append(Phrase("Nội dung cần hoàn thiện:\n%(reason)s", reason=reason))
        elif decision_date:
            lines.append(Phrase("Quyết định số %(number)s ngày %(date)s.", number=decision_no,
                                date=f"{decision_date:%d/%m/%Y}"))
        if outcome != appraisal.suggested and outcome != "returned":
            lines.append(Phrase("Kết quả khác với đề xuất theo điểm chấm; lý do của Chủ tịch Hội đồng: %(reason)s",
                                reason=reason))
        lines += discussion.for_decision_notice(init, round_)
        lines.append(Phrase("Xem kết quả thẩm định trên Cổng Sáng kiến."))
        notify(_authors(init), subject, Listing(lines, "\n"), author_link(init), initiative=init)

    data = {"outcome": outcome, "suggested": appraisal.suggested, "overruled": outcome != appraisal.suggested,
            "reason": reason, "decision_no": decision_no, "decision_date": decision_date,
            "round": round_, "mean_total": aggregate.mean_total, "count": aggregate.count,
            "batch": batch, "recognized_before": [m.id for m in matches]}
    transition(initiative, OUTCOME_ACTIONS[outcome], actor, notify=tell_authors, data=data,
               summary=f"Quyết định: {OUTCOME_LABELS[outcome]}"
                       + (f" (số {decision_no})" if decision_no else ""))
    audit.record("council.decision", actor=actor, obj=row, initiative_id=initiative.id, data=data,
                 summary=(f"{OUTCOME_LABELS[outcome]}; đề xuất: "
                          f"{OUTCOME_LABELS.get(appraisal.suggested, 'chưa có')}"
                          + (f"; lý do: {reason[:300]}" if reason else "")))
    return row


def plan_decision(initiative, actor, outcome, *, decision_no="", decision_date=None, reason=""):
    """Everything `decide` checks, changing nothing: what the confirmation page shows.

    Returns a dict: outcome, suggested, overruled, decision_no, decision_date, reason, matches
    (recognised initiatives it resembles), mean_total, count.
    """
    appraisal, decision_date, reason, matches = _check_decision(
        initiative, actor, outcome, decision_no, decision_date, reason)
    return {"initiative": initiative, "outcome": outcome, "suggested": appraisal.suggested,
            "overruled": outcome != appraisal.suggested, "decision_no": (decision_no or "").strip(),
            "decision_date": decision_date, "reason": reason, "matches": matches,
            "mean_total": appraisal.aggregate.mean_total, "count": appraisal.aggregate.count}


def plan_batch(initiatives, actor, *, decision_no, decision_date):
    """Check a meeting's decision for every selected initiative, changing nothing.

    Returns [(initiative, suggested outcome)] in the order given.
    """
    if not initiatives:
        raise invalid(_l("Chưa chọn sáng kiến nào."), code="missing_fields",
                      fields={"ids": [_l("Chọn ít nhất một sáng kiến.")]})
    plans = []
    for initiative in initiatives:
        _check_each(initiative, actor, Action.recognize)  # what the chair may not see stays unseen
        appraisal = Appraisal(initiative)
        if not appraisal.complete:
            raise conflict(_l("“%(title)s” chưa đủ phiếu chấm.", title=initiative.title), code="scoring_incomplete")
        _check_decision(initiative, actor, appraisal.suggested, decision_no, decision_date, "")
        plans.append((initiative, appraisal.suggested))
    return plans


def decide_batch(initiatives, actor, *, decision_no, decision_date):
    """One decision for a council meeting: each selected initiative gets its suggested outcome.

    Every initiative is checked before any is changed; overruling a suggestion
    needs a reason and is done one by one.
    """
    plans = plan_batch(initiatives, actor, decision_no=decision_no, decision_date=decision_date)
    rows = [decide(initiative, actor, suggested, decision_no=decision_no,
                   decision_date=decision_date, batch=True)
            for initiative, suggested in plans]
    audit.record("council.batch_decision", actor=actor, object_type="council_decision",
                 data={"decision_no": decision_no, "decision_date": _as_date(decision_date, "decision_date"),
                       "initiatives": {str(r.initiative_id): r.outcome for r in rows}},
                 summary=f"Quyết định số {decision_no}: {len(rows)} sáng kiến")
    return rows


def _record_higher_level(initiative, actor, status, decision_no, decision_date, *, axis, level, label):
    try:
        status = SectorStatus(status)
    except ValueError:
        raise invalid(_l("Trạng thái phải là proposed, recognized hoặc not_recognized."),
                      fields={"status": [_l("Trạng thái không hợp lệ.")]}) from None
    action = HIGHER_LEVEL_ACTIONS[(axis, status)]
    policy.check(actor, action, initiative)
    if action == Action.propose_sector:
        appraisal = Appraisal(initiative, assignments=assignments_of(initiative, round=decided_round(initiative)))
        threshold = appraisal.rubric.sector_threshold
        mean = appraisal.aggregate.mean_total
        if mean is None or mean < threshold:
            raise conflict(_l("Điểm trung bình chưa đạt ngưỡng đề nghị cấp Ngành (%(t)s).", t=threshold),
                           code="below_threshold")
    decision_date = _as_date(decision_date, "decision_date")
    decision_no = (decision_no or "").strip()
    if status != SectorStatus.proposed:
        errors = {}
        if not decision_no:
            errors["decision_no"] = [_l("Cần nhập số quyết định.")]
        if decision_date is None:
            errors["decision_date"] = [_l("Cần nhập ngày quyết định.")]
        if errors:
            raise invalid(code="missing_fields", fields=errors)
        errors = _date_errors(decision_date, not_before=initiative.decision_date,
                              before_what=_l("ngày quyết định công nhận cấp cơ sở"))
        if errors:
            raise invalid(fields=errors)
        setattr(initiative, f"{axis}_decision_no", decision_no)
        setattr(initiative, f"{axis}_decision_date", decision_date)
    if status == SectorStatus.recognized:
        initiative.level = level

    def tell_authors(init, old, new):
        if status == SectorStatus.proposed:
            return
        subject = (Phrase("Sáng kiến “%(title)s” được công nhận %(level)s", title=init.title, level=label)
                   if status == SectorStatus.recognized else
                   Phrase("Sáng kiến “%(title)s” không được công nhận %(level)s", title=init.title, level=label))
        notify(_authors(init), subject,
               Phrase("Quyết định số %(number)s ngày %(date)s.", number=decision_no, date=f"{decision_date:%d/%m/%Y}"),
               author_link(init), initiative=init)

    transition(initiative, action, actor, notify=tell_authors,
               data={"level": axis, "decision_no": decision_no, "decision_date": decision_date},
               summary=f"{label.capitalize()}: {status.value}" + (f" (số {decision_no})" if decision_no else ""))
    return initiative


def record_sector(initiative, actor, status, decision_no="", decision_date=None):
    """Đề nghị / kết quả công nhận cấp Ngành (VKSND tối cao)."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                axis=workflow.SECTOR, level=Level.sector, label=Phrase("cấp Ngành"))


def record_national(initiative, actor, status, decision_no="", decision_date=None):
    """Công nhận phạm vi toàn quốc, recorded the same way as sector level."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                axis=workflow.NATIONAL, level=Level.national, label=Phrase("phạm vi toàn quốc"))


def update_rubric(year, actor, *, recognition_threshold, sector_threshold, approval_numerator,
                  approval_denominator, novelty_zero_rule, criteria):
    """Admin edits the year's rubric until the first score is given; then it is frozen."""
    if not policy.can_year(actor, policy.YearAct.edit_rubric, year):
        raise forbidden(_l("Chỉ quản trị viên mới sửa bộ tiêu chí chấm điểm."))
    if rubric_frozen(year):
        raise conflict(_l("Đã có điểm chấm cho sáng kiến năm %(year)s: bộ tiêu chí đã khóa, không sửa được nữa.",
                          year=year), code="rubric_frozen")
    errors = {}
    codes = [c["code"] for c in criteria]
    if not criteria:
        errors["criteria"] = Phrase("Cần ít nhất một tiêu chí.")
    if len(set(codes)) != len(codes):
        errors["criteria"] = Phrase("Mã tiêu chí bị trùng.")
    for c in criteria:
        if not (0 <= c.get("min_score", 0) < c["max_score"]):
            errors[c["code"]] = Phrase("Điểm tối đa của “%(name)s” phải lớn hơn điểm tối thiểu.", name=c["name"])
    total = sum(c["max_score"] for c in criteria)
    if not 0 < recognition_threshold <= total:
        errors["recognition_threshold"] = Phrase("Ngưỡng công nhận phải từ 1 đến %(total)s (tổng điểm tối đa).",
                                                 total=total)
    if not recognition_threshold <= sector_threshold <= total:
        errors["sector_threshold"] = Phrase("Ngưỡng đề nghị cấp Ngành phải từ ngưỡng công nhận đến tổng điểm tối đa.")
    if not 0 < approval_numerator <= approval_denominator:
        errors["approval"] = Phrase("Tỷ lệ tán thành phải lớn hơn 0 và không quá 1.")
    if errors:
        raise invalid(fields={key: [message] for key, message in errors.items()})
    rubric = rubric_for(year)
    before = {"recognition_threshold": rubric.recognition_threshold,
              "sector_threshold": rubric.sector_threshold,
              "criteria": [(c.code, c.max_score) for c in rubric.criteria]}
    rubric.recognition_threshold = recognition_threshold
    rubric.sector_threshold = sector_threshold
    rubric.approval_numerator = approval_numerator
    rubric.approval_denominator = approval_denominator
    rubric.novelty_zero_rule = novelty_zero_rule
    existing = {c.code: c for c in rubric.criteria}
    kept = []
    for position, c in enumerate(criteria):
        row = existing.get(c["code"]) or Criterion(code=c["code"])
        row.name = c["name"]
        row.guidance = c.get("guidance", "")
        row.min_score = c.get("min_score", 0)
        row.max_score = c["max_score"]
        row.position = position
        kept.append(row)
    rubric.criteria = kept
    db.session.flush()
    audit.record("council.rubric_updated", actor=actor, obj=rubric,
                 data={"year": year, "before": before,
                       "after": {"recognition_threshold": recognition_threshold,
                                 "sector_threshold": sector_threshold,
                                 "approval": f"{approval_numerator}/{approval_denominator}",
                                 "novelty_zero_rule": novelty_zero_rule,
                                 "criteria": [(c.code, c.max_score) for c in kept]}},
                 summary=f"Cập nhật bộ tiêu chí chấm điểm năm {year}")
    return rubric


def reminders_due(on_day=None):
    """Active assignments of initiatives in appraisal whose sheet is due within 3 days or late."""

    on_day = on_day or today()
    rows = db.session.execute(
        select(ReviewAssignment).join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(Initiative.status == Status.in_review,
               ReviewAssignment.round == Initiative.round,
               ReviewAssignment.status == AssignmentStatus.active,
               ReviewAssignment.due_on <= on_day + timedelta(days=REVIEW_REMINDER_DAYS))
        .order_by(ReviewAssignment.due_on, ReviewAssignment.id)
    ).scalars().all()
    return [a for a in rows if not a.submitted]


def _claim_reminder(assignment, on_day):
    """Mark the assignment reminded unless it already was on `on_day`; True when this caller may remind.

    One UPDATE with the condition in it, so two workers at the same moment remind once.
    """
    day_starts = datetime.combine(on_day, time.min, tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
    result = db.session.execute(
        update(ReviewAssignment).where(
            ReviewAssignment.id == assignment.id,
            or_(ReviewAssignment.reminded_at.is_(None), ReviewAssignment.reminded_at < day_starts))
        .values(reminded_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def send_reminders(on_day=None, *, once_a_day=False):
    """Mail (and notify in-app) each reviewer with a sheet due soon or late; returns what was sent.

    With `once_a_day` (the background worker, which may run it several times a day or on
    several hosts), a reviewer already reminded of that sheet on `on_day` is not reminded again.
    """
    on_day = on_day or today()
    sent = []
    for assignment in reminders_due(on_day):
        if once_a_day and not _claim_reminder(assignment, on_day):
            continue
        sent.append((assignment, _remind(assignment, on_day)))
    if sent:
        audit.record("council.reminders_sent", data={"assignments": [a.id for a, _ in sent]},
                     object_type="review_assignment", summary=f"Nhắc hạn chấm: {len(sent)} phiếu")
    return sent


def _remind(assignment, on_day):
    """Tell the reviewer how long is left on the sheet (the daily reminder and the secretary's, at
    once); returns that phrase (`time_left`)."""
    initiative = assignment.initiative
    when = time_left(assignment.due_on, on_day)
    said = {"title": initiative.title, "when": when}
    body = (Phrase("Phiếu chấm của bạn cho sáng kiến “%(title)s” %(when)s (hạn %(due)s).",
                   due=f"{assignment.due_on:%d/%m/%Y}", **said) if assignment.due_on
            else Phrase("Phiếu chấm của bạn cho sáng kiến “%(title)s” %(when)s.", **said))
    notify([assignment.reviewer], Phrase("Nhắc hạn chấm sáng kiến “%(title)s”", **said), body,
           review_link(initiative), initiative=initiative)
    assignment.reminded_at = utcnow()
    return when


def time_left(due_on, on_day):
    """How long a sheet has left, as a phrase: late by n days, due today, n days left, no due date."""
    if due_on is None:
        return Phrase("chưa có hạn")
    days = (due_on - on_day).days
    if days < 0:
        return Phrase("đã quá hạn %(n)s ngày", n=-days)
    return Phrase("hạn là hôm nay") if days == 0 else Phrase("còn %(n)s ngày", n=days)
