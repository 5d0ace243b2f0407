"""Assignment: reviewers assigned, withdrawn, replaced; recusal; reminders asked for by the secretary."""

from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.refusal import conflict, invalid, wrong_state
from portal.core.timeutil import today, utcnow
from portal.council import membership
from portal.council.models import (
    AssignmentStatus,
    ReviewAssignment,
)
from portal.council.operations.common import (
    _as_date,
    _latest_version,
    acting_officers,
    review_link,
)
from portal.council.services import (
    active_assignment,
    assignments_of,
    same_unit_warning,
)
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act
from portal.years import services as years


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
