"""The council's daily reminders, run by the background worker from REMINDER_HOUR on.

- Reviewers: a sheet due within three days or late (`operations.send_reminders`).
- The secretary (or the deputy acting for them on an initiative they are named on): submissions
  waiting too long for screening, and decisions overdue (ND 13/2012 Điều 7.1 with the year's
  window, or the year's appraisal deadline passed).

Each person is reminded of each subject at most once a day, however often the task runs.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core import jobs
from portal.core.notifications import remind_once
from portal.core.phrases import Listing, Phrase
from portal.core.timeutil import local_date
from portal.council.operations import acting_officers, send_reminders
from portal.council.services import decision_deadline
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status
from portal.years import services as years

SCREENING_DAYS = 7  # a submission waiting longer than this for screening is late


def screening_late(initiative, on_day):
    """Submitted and not screened within SCREENING_DAYS, or the year's appraisal deadline passed."""
    waited = on_day - local_date(initiative.submitted_at) if initiative.submitted_at else None
    review_deadline = years.rules_for(initiative.year).review_deadline
    limit = timedelta(days=current_app.config.get("SCREENING_DAYS", SCREENING_DAYS))
    return (waited is not None and waited > limit) or (review_deadline is not None and on_day > review_deadline)


def decision_overdue(initiative, on_day):
    review_deadline = years.rules_for(initiative.year).review_deadline
    return decision_deadline(initiative, on_day).late or (review_deadline is not None and on_day > review_deadline)


def late_work(on_day):
    """{secretary: {"screening": [initiatives], "decision": [initiatives]}} of what is late on `on_day`."""
    rows = db.session.execute(
        select(Initiative).where(Initiative.status.in_((Status.submitted, Status.in_review)))
        .options(selectinload(Initiative.authors)).order_by(Initiative.submitted_at, Initiative.id)).scalars()
    found = {}
    for initiative in rows:
        if initiative.status == Status.submitted and screening_late(initiative, on_day):
            kind = "screening"
        elif initiative.status == Status.in_review and decision_overdue(initiative, on_day):
            kind = "decision"
        else:
            continue
        for user in acting_officers(initiative, "secretary"):
            found.setdefault(user, {"screening": [], "decision": []})[kind].append(initiative)
    return found


def _titles(initiatives):
    return Listing([Phrase("• %(title)s (năm %(year)s)", title=i.title, year=i.year) for i in initiatives], "\n")


def remind_secretaries(on_day):
    """One reminder a day per secretary and kind of late work; returns how many were sent."""
    sent = 0
    for user, late in late_work(on_day).items():
        if late["screening"]:
            sent += len(remind_once(
                [user], "council.late_screening", on_day,
                Phrase("Nhắc việc: %(n)s sáng kiến chờ sơ duyệt quá hạn", n=len(late["screening"])),
                Phrase("Các sáng kiến sau đã nộp nhưng chưa được sơ duyệt đúng hạn:\n%(titles)s",
                       titles=_titles(late["screening"])),
                "/council/queue"))
        if late["decision"]:
            sent += len(remind_once(
                [user], "council.decision_overdue", on_day,
                Phrase("Nhắc việc: %(n)s sáng kiến quá hạn ra quyết định", n=len(late["decision"])),
                Phrase("Hội đồng chưa quyết định các sáng kiến sau trong thời hạn:\n%(titles)s",
                       titles=_titles(late["decision"])),
                "/council/queue"))
    return sent


def reviewer_reminders():
    """From REMINDER_HOUR (local time) on, remind each reviewer with a sheet due once a day."""
    day = jobs.reminder_day()
    if day is None:
        return jobs.waiting_for_reminder_hour()
    return {"reminded": len(send_reminders(day, once_a_day=True))}


def secretary_reminders():
    day = jobs.reminder_day()
    if day is None:
        return jobs.waiting_for_reminder_hour()
    return {"reminded": remind_secretaries(day)}
