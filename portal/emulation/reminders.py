"""The emulation officer's daily reminder as a year's commendation deadline (hạn nộp hồ sơ khen
thưởng, 10 March in the seed) comes: every day of the last COMMENDATION_REMINDER_DAYS before it,
and on the day itself."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.auth.services import holders_of
from portal.core import jobs
from portal.core.notifications import remind_once
from portal.core.phrases import Phrase
from portal.extensions import db
from portal.years.models import Year

COMMENDATION_REMINDER_DAYS = 14


def deadlines_coming(on_day):
    """The years whose commendation deadline is within the reminder window of `on_day`."""
    days = current_app.config.get("COMMENDATION_REMINDER_DAYS", COMMENDATION_REMINDER_DAYS)
    return db.session.execute(
        select(Year).where(Year.commendation_deadline >= on_day,
                           Year.commendation_deadline <= on_day + timedelta(days=days))
        .order_by(Year.year)).scalars().all()


def remind_officers(on_day):
    sent = 0
    officers = None
    for year in deadlines_coming(on_day):
        officers = holders_of("emulation_officer") if officers is None else officers
        left = (year.commendation_deadline - on_day).days
        when = Phrase("hạn là hôm nay") if left == 0 else Phrase("còn %(n)s ngày", n=left)
        said = {"year": year.year, "when": when, "day": f"{year.commendation_deadline:%d/%m/%Y}"}
        sent += len(remind_once(
            officers, f"emulation.commendation:{year.year}", on_day,
            Phrase("Nhắc hạn nộp hồ sơ khen thưởng năm %(year)s: %(when)s", **said),
            Phrase("Hạn nộp hồ sơ khen thưởng năm %(year)s là ngày %(day)s (%(when)s). "
                   "Vui lòng rà soát danh sách đủ điều kiện và hoàn tất hồ sơ.", **said),
            f"/emulation/year/{year.year}"))
    return sent


def commendation_reminders():
    day = jobs.reminder_day()
    if day is None:
        return jobs.waiting_for_reminder_hour()
    return {"reminded": remind_officers(day)}
