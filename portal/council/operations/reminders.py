"""Reminders of score sheets due soon or late: daily (at most one a day per sheet) and when the
secretary asks for them."""
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.refusal import conflict, invalid
from portal.core.timeutil import today, utcnow, zone
from portal.council.models import (
    AssignmentStatus,
    ReviewAssignment,
)
from portal.council.operations.common import _check_each, review_link
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status

REVIEW_REMINDER_DAYS = 3  # a reviewer is reminded when the sheet is due within three days, or late


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
