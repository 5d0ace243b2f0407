"""What the council does to an initiative. Each operation: check, change, flush, notify, audit.

Web pages and the JSON API call these functions, so a rule lives in one place.
A refusal raises before anything changes: `workflow.WrongState` (409) or
`workflow.NotAllowed` (403) for the state machine's refusals, `Refused` for the
council's own rules (409 conflict, 422 bad input, 403 wrong person).
"""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core import audit
from portal.core.notifications import notify
from portal.core.timeutil import today, utcnow
from portal.council import scoring
from portal.council.models import (
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
    rubric_for,
    rubric_frozen,
    same_unit_warning,
)
from portal.extensions import db
from portal.initiatives import workflow
from portal.initiatives.models import InitiativeVersion
from portal.initiatives.operations import transition
from portal.initiatives.workflow import (
    CHAIR,
    SECRETARY,
    Action,
    Level,
    NotAllowed,
    SectorStatus,
    Status,
    TransitionError,
    WrongState,
)

OUTCOMES = ("recognized", "rejected", "returned")
OUTCOME_LABELS = {"recognized": "Công nhận", "rejected": "Không công nhận",
                  "returned": "Trả lại để hoàn thiện (vòng thẩm định mới)"}
OUTCOME_ACTIONS = {"recognized": Action.recognize, "rejected": Action.reject,
                   "returned": Action.return_}
DEFAULT_REVIEW_DAYS = 14


class Refused(TransitionError):
    """A council rule refused the action; nothing changed."""

    def __init__(self, status, message, code="refused", errors=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.errors = errors or {}


# -- links in notifications (paths; mail adds the site's base URL) --------------

def author_link(initiative):
    """The authors' page of the initiative (the submission area's `Initiative.path`)."""
    return getattr(initiative, "path", None) or "/my"


def review_link(initiative):
    return f"/council/initiatives/{initiative.id}/review"


def _authors(initiative):
    return [a.user for a in initiative.authors if a.user is not None]


def _require(initiative, actor, role, message):
    if role not in initiative.roles_of(actor):
        raise NotAllowed(message)


def _require_state(initiative, *states, message=None):
    if initiative.status not in states:
        raise WrongState(message or (
            f"Sáng kiến đang ở trạng thái “{workflow.STATUS_LABELS[initiative.status]}”; "
            "thao tác này không thực hiện được."))


def _as_date(value, field_name):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Refused(422, f"Ngày không hợp lệ ({field_name}): dùng dạng YYYY-MM-DD.",
                      "invalid", {field_name: "Ngày không hợp lệ."}) from None


# -- screening -------------------------------------------------------------------

def accept(initiative, actor):
    """Tiếp nhận: the secretary accepts a submitted initiative into appraisal."""
    workflow.check(initiative.status, Action.accept, initiative.roles_of(actor))
    initiative.round = max(initiative.round or 0, 1)
    initiative.return_note = ""
    return transition(initiative, Action.accept, actor, data={"round": initiative.round},
                      summary="Tiếp nhận vào thẩm định")


def return_to_authors(initiative, actor, note):
    """Trả lại: back to the authors with a note; from appraisal it opens a new round."""
    workflow.check(initiative.status, Action.return_, initiative.roles_of(actor))
    note = (note or "").strip()
    if not note:
        raise Refused(422, "Vui lòng ghi rõ nội dung cần bổ sung, hoàn thiện để tác giả biết.",
                      "missing_fields", {"note": "Cần nhập nội dung trả lại."})
    old_round = initiative.round
    if initiative.status == Status.in_review:
        initiative.round = (initiative.round or 1) + 1
    initiative.return_note = note

    def tell_authors(init, old, new):
        notify(_authors(init), f"Sáng kiến “{init.title}” được trả lại để bổ sung",
               f"Nội dung cần bổ sung, hoàn thiện:\n{note}", author_link(init))

    return transition(initiative, Action.return_, actor, notify=tell_authors,
                      data={"note": note, "round": old_round, "new_round": initiative.round},
                      summary="Trả lại để bổ sung: " + note[:200])


# -- assignment ------------------------------------------------------------------

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
    _require_state(initiative, Status.in_review,
                   message="Chỉ phân công chấm khi sáng kiến đang được thẩm định.")
    _require(initiative, actor, SECRETARY, "Chỉ Thư ký Hội đồng của năm mới phân công người chấm.")
    if reviewer is None:
        raise Refused(422, "Không tìm thấy người được phân công.", "unknown_reviewer",
                      {"reviewer": "Không tìm thấy tài khoản này."})
    if initiative.is_author(reviewer):
        raise Refused(409, f"{reviewer.full_name} là tác giả hoặc đồng tác giả của sáng kiến này "
                           "nên không được chấm điểm. Vui lòng chọn thành viên khác.",
                      "conflict_of_interest", {"reviewer": "Tác giả không được chấm sáng kiến của mình."})
    if not reviewer.is_council_member(initiative.year):
        raise Refused(422, f"{reviewer.full_name} không phải thành viên Hội đồng năm {initiative.year}.",
                      "not_council_member", {"reviewer": "Chỉ phân công thành viên Hội đồng của năm."})
    earlier = [a for a in assignments_of(initiative) if a.reviewer_id == reviewer.id]
    if any(a.is_active for a in earlier):
        raise Refused(409, f"{reviewer.full_name} đã được phân công chấm sáng kiến này.",
                      "already_assigned", {"reviewer": "Đã được phân công."})
    if earlier:
        raise Refused(409, f"{reviewer.full_name} đã từ chối chấm sáng kiến này trong vòng thẩm định hiện tại.",
                      "recused", {"reviewer": "Người này đã xin không tham gia chấm."})
    due = _as_date(due_on, "due_on") or today() + timedelta(days=DEFAULT_REVIEW_DAYS)
    if due < today():
        raise Refused(422, "Hạn chấm không được trước ngày hôm nay.", "invalid",
                      {"due_on": "Hạn chấm đã qua."})
    version = _latest_version(initiative)
    assignment = ReviewAssignment(
        initiative_id=initiative.id, reviewer_id=reviewer.id, round=initiative.round,
        version_id=version.id if version else None, assigned_by_id=actor.id, due_on=due,
        same_unit=same_unit_warning(initiative, reviewer),
    )
    db.session.add(assignment)
    db.session.flush()
    notify([reviewer], f"Phân công chấm sáng kiến “{initiative.title}”",
           f"Bạn được phân công chấm điểm sáng kiến “{initiative.title}” (năm {initiative.year}). "
           f"Hạn nộp phiếu chấm: {due:%d/%m/%Y}.", review_link(initiative))
    audit.record("council.assigned", actor=actor, obj=assignment, initiative_id=initiative.id,
                 data={"reviewer": reviewer.username, "round": initiative.round,
                       "due_on": due.isoformat(), "same_unit": assignment.same_unit,
                       "version": version.number if version else None},
                 summary=f"Phân công {reviewer.full_name} chấm điểm")
    return assignment


def recuse(initiative, actor, reason):
    """Xin không tham gia chấm: the reviewer steps aside with a reason."""
    _require_state(initiative, Status.in_review)
    assignment = active_assignment(initiative, actor)
    if assignment is None:
        raise NotAllowed("Bạn không được phân công chấm sáng kiến này.")
    if assignment.submitted:
        raise Refused(409, "Bạn đã nộp phiếu chấm nên không thể xin rút.", "already_submitted")
    reason = (reason or "").strip()
    if not reason:
        raise Refused(422, "Vui lòng nêu lý do không tham gia chấm.", "missing_fields",
                      {"reason": "Cần nêu lý do."})
    assignment.status = AssignmentStatus.recused
    assignment.recusal_reason = reason
    assignment.recused_at = utcnow()
    db.session.flush()
    notify(_council_officers(initiative.year, "secretary"),
           f"{actor.full_name} xin không chấm sáng kiến “{initiative.title}”",
           f"Lý do: {reason}\nVui lòng phân công thành viên khác.",
           f"/council/initiatives/{initiative.id}/assignments")
    audit.record("council.recused", actor=actor, obj=assignment, initiative_id=initiative.id,
                 data={"reason": reason, "round": assignment.round},
                 summary=f"{actor.full_name} xin không tham gia chấm: {reason[:200]}")
    return assignment


def _council_officers(year, *roles):
    from portal.council.models import Council, CouncilMember

    return [m.user for m in db.session.execute(
        select(CouncilMember).join(Council).where(Council.year == year, CouncilMember.role.in_(roles))
    ).scalars()]


# -- scoring ---------------------------------------------------------------------

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
    _require_state(initiative, Status.in_review,
                   message="Sáng kiến không còn trong giai đoạn chấm điểm.")
    assignment = active_assignment(initiative, actor)
    if assignment is None:
        raise NotAllowed("Bạn không được phân công chấm sáng kiến này.")
    review = assignment.review
    if review is not None and review.status == ReviewStatus.submitted:
        raise Refused(409, "Phiếu chấm đã nộp, không sửa được nữa. Nếu cần chấm lại, "
                           "đề nghị Thư ký Hội đồng mở lại phiếu.", "already_submitted")
    return assignment, review


def save_review(initiative, actor, *, scores=None, comments=None, overall_comment=None,
                recommendation=None):
    """Lưu nháp phiếu chấm: integers within each criterion's range; missing ones allowed."""
    assignment, review = _own_open_review(initiative, actor)
    rubric = rubric_for(initiative.year)
    scores = _coerce_scores(scores)
    errors = scoring.validate_scores(rubric.specs(), scores, complete=False)
    if recommendation not in (None, "", scoring.PASS, scoring.FAIL):
        errors["recommendation"] = "Kiến nghị phải là “đạt” (pass) hoặc “không đạt” (fail)."
    comments = comments or {}
    unknown_comments = set(comments) - {c.code for c in rubric.criteria}
    for code in unknown_comments:
        errors[code] = f"Tiêu chí “{code}” không có trong bộ tiêu chí của năm."
    if errors:
        raise Refused(422, "Phiếu chấm chưa hợp lệ: " + " ".join(errors.values()), "invalid_scores",
                      errors)
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
            raise Refused(422, "Chưa có điểm nào được chấm.", "invalid_scores")
    rubric = rubric_for(initiative.year)
    errors = scoring.validate_scores(rubric.specs(), review.score_map(), complete=True)
    if review.recommendation not in (scoring.PASS, scoring.FAIL):
        errors["recommendation"] = "Vui lòng chọn kiến nghị “Đạt” hoặc “Không đạt”."
    if errors:
        raise Refused(422, "Chưa nộp được phiếu chấm: " + " ".join(errors.values()),
                      "incomplete_review", errors)
    review.status = ReviewStatus.submitted
    review.submitted_at = utcnow()
    db.session.flush()
    appraisal = Appraisal(initiative)
    if appraisal.complete:
        notify(_council_officers(initiative.year, "secretary", "chair"),
               f"Đã đủ phiếu chấm: “{initiative.title}”",
               "Các thành viên đã nộp đủ phiếu chấm; Hội đồng có thể xem kết quả và quyết định.",
               f"/council/initiatives/{initiative.id}/results")
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
    _require_state(initiative, Status.in_review)
    _require(initiative, actor, SECRETARY, "Chỉ Thư ký Hội đồng mới mở lại phiếu chấm.")
    if review.status != ReviewStatus.submitted or review.round != initiative.round:
        raise Refused(409, "Chỉ mở lại được phiếu chấm đã nộp của vòng thẩm định hiện tại.",
                      "wrong_state")
    reason = (reason or "").strip()
    if not reason:
        raise Refused(422, "Vui lòng nêu lý do mở lại phiếu chấm.", "missing_fields",
                      {"reason": "Cần nêu lý do."})
    review.status = ReviewStatus.reopened
    review.submitted_at = None
    db.session.flush()
    notify([review.reviewer], f"Phiếu chấm sáng kiến “{initiative.title}” được mở lại",
           f"Thư ký Hội đồng mở lại phiếu chấm của bạn. Lý do: {reason}", review_link(initiative))
    audit.record("council.review_reopened", actor=actor, obj=review, initiative_id=initiative.id,
                 data={"reason": reason, "reviewer": review.reviewer.username,
                       "scores": review.score_map()},
                 summary=f"Mở lại phiếu chấm của {review.reviewer.full_name}: {reason[:200]}")
    return review


# -- decisions -------------------------------------------------------------------

def _check_decision(initiative, actor, outcome, decision_no, decision_date, reason):
    if outcome not in OUTCOMES:
        raise Refused(422, "Kết quả phải là recognized, rejected hoặc returned.", "invalid",
                      {"outcome": "Chọn một kết quả."})
    workflow.check(initiative.status, OUTCOME_ACTIONS[outcome], initiative.roles_of(actor))
    if CHAIR not in initiative.roles_of(actor):
        raise NotAllowed("Chỉ Chủ tịch Hội đồng mới ghi nhận quyết định.")
    appraisal = Appraisal(initiative)
    if outcome != "returned" and not appraisal.complete:
        raise Refused(409, "Chưa đủ phiếu chấm đã nộp; chưa thể công nhận hay không công nhận.",
                      "scoring_incomplete")
    errors = {}
    decision_date = _as_date(decision_date, "decision_date")
    if outcome != "returned":
        if not (decision_no or "").strip():
            errors["decision_no"] = "Cần nhập số quyết định."
        if decision_date is None:
            errors["decision_date"] = "Cần nhập ngày quyết định."
    reason = (reason or "").strip()
    if outcome != appraisal.suggested and not reason:
        if outcome == "returned":
            errors["reason"] = "Cần ghi rõ nội dung tác giả phải hoàn thiện."
        else:
            errors["reason"] = ("Kết quả khác với đề xuất của hệ thống "
                                f"({OUTCOME_LABELS.get(appraisal.suggested, 'chưa có')}): "
                                "cần ghi rõ lý do.")
    if errors:
        raise Refused(422, " ".join(errors.values()), "invalid", errors)
    return appraisal, decision_date, reason


def decide(initiative, actor, outcome, *, decision_no="", decision_date=None, reason="",
           batch=False):
    """Quyết định của Hội đồng (Chủ tịch ký): recognized, rejected or returned (new round)."""
    appraisal, decision_date, reason = _check_decision(
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
            "recognized": f"Sáng kiến “{init.title}” được công nhận",
            "rejected": f"Sáng kiến “{init.title}” không được công nhận",
            "returned": f"Sáng kiến “{init.title}” được trả lại để hoàn thiện",
        }[outcome]
        body = (f"Quyết định số {decision_no} ngày {decision_date:%d/%m/%Y}." if decision_date
                else "")
        if outcome == "returned":
            body = f"Nội dung cần hoàn thiện:\n{reason}"
        notify(_authors(init), subject, body + "\nXem kết quả chấm điểm trên Cổng Sáng kiến.",
               author_link(init))

    data = {"outcome": outcome, "suggested": appraisal.suggested, "overruled": outcome != appraisal.suggested,
            "reason": reason, "decision_no": decision_no, "decision_date": decision_date,
            "round": round_, "mean_total": aggregate.mean_total, "count": aggregate.count,
            "batch": batch}
    transition(initiative, OUTCOME_ACTIONS[outcome], actor, notify=tell_authors, data=data,
               summary=f"Quyết định: {OUTCOME_LABELS[outcome]}"
                       + (f" (số {decision_no})" if decision_no else ""))
    audit.record("council.decision", actor=actor, obj=row, initiative_id=initiative.id, data=data,
                 summary=(f"{OUTCOME_LABELS[outcome]}; đề xuất: "
                          f"{OUTCOME_LABELS.get(appraisal.suggested, 'chưa có')}"
                          + (f"; lý do: {reason[:300]}" if reason else "")))
    return row


def decide_batch(initiatives, actor, *, decision_no, decision_date):
    """One decision for a council meeting: each selected initiative gets its suggested outcome.

    Every initiative is checked before any is changed; overruling a suggestion
    needs a reason and is done one by one.
    """
    if not initiatives:
        raise Refused(422, "Chưa chọn sáng kiến nào.", "missing_fields", {"ids": "Chọn ít nhất một sáng kiến."})
    plans = []
    for initiative in initiatives:
        _require_state(initiative, Status.in_review,
                       message=f"“{initiative.title}” không ở trạng thái đang thẩm định.")
        if CHAIR not in initiative.roles_of(actor):
            raise NotAllowed(f"Bạn không phải Chủ tịch Hội đồng có quyền quyết định “{initiative.title}”.")
        appraisal = Appraisal(initiative)
        if not appraisal.complete:
            raise Refused(409, f"“{initiative.title}” chưa đủ phiếu chấm.", "scoring_incomplete")
        plans.append((initiative, appraisal.suggested))
    rows = [decide(initiative, actor, suggested, decision_no=decision_no,
                   decision_date=decision_date, batch=True)
            for initiative, suggested in plans]
    audit.record("council.batch_decision", actor=actor, object_type="council_decision",
                 data={"decision_no": decision_no, "decision_date": _as_date(decision_date, "decision_date"),
                       "initiatives": {str(r.initiative_id): r.outcome for r in rows}},
                 summary=f"Quyết định số {decision_no}: {len(rows)} sáng kiến")
    return rows


# -- sector (VKSND tối cao) and national recognition ----------------------------------

def _record_higher_level(initiative, actor, status, decision_no, decision_date, *, prefix, level,
                         label):
    _require_state(initiative, Status.recognized,
                   message="Chỉ sáng kiến đã được công nhận cấp cơ sở mới được đề nghị cấp cao hơn.")
    _require(initiative, actor, SECRETARY, "Chỉ Thư ký Hội đồng mới ghi nhận kết quả đề nghị.")
    try:
        status = SectorStatus(status)
    except ValueError:
        raise Refused(422, "Trạng thái phải là proposed, recognized hoặc not_recognized.", "invalid",
                      {"status": "Trạng thái không hợp lệ."}) from None
    current = getattr(initiative, f"{prefix}_status")
    allowed = {None: {SectorStatus.proposed}, SectorStatus.proposed: {SectorStatus.recognized,
                                                                       SectorStatus.not_recognized}}
    if status not in allowed.get(current, set()):
        raise WrongState(f"Không thể chuyển kết quả {label} từ "
                         f"“{current.value if current else 'chưa đề nghị'}” sang “{status.value}”.")
    if prefix == "sector" and status == SectorStatus.proposed:
        appraisal = Appraisal(initiative, assignments=assignments_of(
            initiative, round=_decided_round(initiative)))
        threshold = appraisal.rubric.sector_threshold
        mean = appraisal.aggregate.mean_total
        if mean is None or mean < threshold:
            raise Refused(409, f"Điểm trung bình chưa đạt ngưỡng đề nghị cấp Ngành ({threshold}).",
                          "below_threshold")
    decision_date = _as_date(decision_date, "decision_date")
    decision_no = (decision_no or "").strip()
    if status != SectorStatus.proposed and (not decision_no or decision_date is None):
        errors = {}
        if not decision_no:
            errors["decision_no"] = "Cần nhập số quyết định."
        if decision_date is None:
            errors["decision_date"] = "Cần nhập ngày quyết định."
        raise Refused(422, " ".join(errors.values()), "missing_fields", errors)
    setattr(initiative, f"{prefix}_status", status)
    if status != SectorStatus.proposed:
        setattr(initiative, f"{prefix}_decision_no", decision_no)
        setattr(initiative, f"{prefix}_decision_date", decision_date)
    if status == SectorStatus.recognized:
        initiative.level = level
    db.session.flush()
    if status != SectorStatus.proposed:
        verdict = "được công nhận" if status == SectorStatus.recognized else "không được công nhận"
        notify(_authors(initiative), f"Sáng kiến “{initiative.title}” {verdict} {label}",
               f"Quyết định số {decision_no} ngày {decision_date:%d/%m/%Y}.", author_link(initiative))
    audit.record(f"council.{prefix}", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"status": status.value, "from": current.value if current else None,
                       "decision_no": decision_no, "decision_date": decision_date},
                 summary=f"{label.capitalize()}: {status.value}"
                         + (f" (số {decision_no})" if decision_no else ""))
    return initiative


def _decided_round(initiative):
    from portal.council.services import latest_decision

    decision = latest_decision(initiative)
    return decision.round if decision else initiative.round


def record_sector(initiative, actor, status, decision_no="", decision_date=None):
    """Đề nghị / kết quả công nhận cấp Ngành (VKSND tối cao)."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                prefix="sector", level=Level.sector, label="cấp Ngành")


def record_national(initiative, actor, status, decision_no="", decision_date=None):
    """Công nhận phạm vi toàn quốc, recorded the same way as sector level."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                prefix="national", level=Level.national, label="phạm vi toàn quốc")


# -- rubric ----------------------------------------------------------------------

def update_rubric(year, actor, *, recognition_threshold, sector_threshold, approval_numerator,
                  approval_denominator, novelty_zero_rule, criteria):
    """Admin edits the year's rubric until the first score is given; then it is frozen."""
    if actor is None or not actor.is_admin:
        raise NotAllowed("Chỉ quản trị viên mới sửa bộ tiêu chí chấm điểm.")
    if rubric_frozen(year):
        raise Refused(409, f"Đã có điểm chấm cho sáng kiến năm {year}: bộ tiêu chí đã khóa, "
                           "không sửa được nữa.", "rubric_frozen")
    errors = {}
    codes = [c["code"] for c in criteria]
    if not criteria:
        errors["criteria"] = "Cần ít nhất một tiêu chí."
    if len(set(codes)) != len(codes):
        errors["criteria"] = "Mã tiêu chí bị trùng."
    for c in criteria:
        if not (0 <= c.get("min_score", 0) < c["max_score"]):
            errors[c["code"]] = f"Điểm tối đa của “{c['name']}” phải lớn hơn điểm tối thiểu."
    total = sum(c["max_score"] for c in criteria)
    if not 0 < recognition_threshold <= total:
        errors["recognition_threshold"] = f"Ngưỡng công nhận phải từ 1 đến {total} (tổng điểm tối đa)."
    if not recognition_threshold <= sector_threshold <= total:
        errors["sector_threshold"] = "Ngưỡng đề nghị cấp Ngành phải từ ngưỡng công nhận đến tổng điểm tối đa."
    if not 0 < approval_numerator <= approval_denominator:
        errors["approval"] = "Tỷ lệ tán thành phải lớn hơn 0 và không quá 1."
    if errors:
        raise Refused(422, " ".join(errors.values()), "invalid", errors)
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
    from portal.council.deadlines import REVIEW_REMINDER_DAYS
    from portal.initiatives.models import Initiative

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


def send_reminders(on_day=None):
    """Mail (and notify in-app) each reviewer with a sheet due soon or late; returns what was sent."""
    on_day = on_day or today()
    sent = []
    for assignment in reminders_due(on_day):
        initiative = assignment.initiative
        days = (assignment.due_on - on_day).days
        when = (f"đã quá hạn {-days} ngày" if days < 0 else
                "hạn là hôm nay" if days == 0 else f"còn {days} ngày")
        notify([assignment.reviewer], f"Nhắc hạn chấm sáng kiến “{initiative.title}”",
               f"Phiếu chấm của bạn cho sáng kiến “{initiative.title}” {when} "
               f"(hạn {assignment.due_on:%d/%m/%Y}).", review_link(initiative))
        assignment.reminded_at = utcnow()
        sent.append((assignment, when))
    if sent:
        audit.record("council.reminders_sent", data={"assignments": [a.id for a, _ in sent]},
                     object_type="review_assignment", summary=f"Nhắc hạn chấm: {len(sent)} phiếu")
    return sent


def reviewers_per_initiative():
    return current_app.config.get("REVIEWERS_PER_INITIATIVE", 3)
