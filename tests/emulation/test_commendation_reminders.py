"""The emulation officer's reminder as a year's commendation deadline (hạn nộp hồ sơ khen thưởng) comes."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs, mail, timeutil
from portal.extensions import db
from portal.years.models import Year

DEADLINE = date(2026, 3, 10)


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def on(day, hour=8):
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=timeutil.zone()).astimezone(UTC)


def reminders():
    db.session.expire_all()
    # As the worker writes them out before sending (the request stores only the message keys).
    return [mail.render_now(row) for row in db.session.execute(select(mail.MailMessage).where(mail.MailMessage.subject.startswith("Nhắc hạn nộp hồ sơ"))
                              .order_by(mail.MailMessage.id)).scalars().all()]


def run_on(day, hour=8):
    timeutil.set_clock(lambda: on(day, hour))
    try:
        return jobs.run("commendation_reminders").get()
    finally:
        timeutil.set_clock(None)


def test_the_officer_is_reminded_each_day_of_the_last_two_weeks_once_a_day(app, make_user):
    make_user("thidua", roles=("emulation_officer",), email="thidua@vks.local")
    make_user("ksv", email="ksv@vks.local")  # not an officer: never reminded
    db.session.add(Year(year=2025, commendation_deadline=DEADLINE))
    db.session.commit()
    assert run_on(DEADLINE - timedelta(days=15)) == {"reminded": 0}  # not yet
    assert run_on(DEADLINE - timedelta(days=14), hour=6)["reminded"] == 0  # before REMINDER_HOUR
    assert run_on(DEADLINE - timedelta(days=14)) == {"reminded": 1}
    assert run_on(DEADLINE - timedelta(days=14), hour=15) == {"reminded": 0}  # the same day again
    assert run_on(DEADLINE) == {"reminded": 1}  # the day itself
    assert run_on(DEADLINE + timedelta(days=1)) == {"reminded": 0}  # past: nothing
    first, last = reminders()
    assert first.recipient == "thidua@vks.local" and "năm 2025: còn 14 ngày" in first.subject
    assert "10/03/2026" in first.body_text and first.link.endswith("/emulation/year/2025")
    assert "hạn là hôm nay" in last.subject


def test_the_window_is_configurable(app, make_user):
    app.config["COMMENDATION_REMINDER_DAYS"] = 3
    make_user("thidua", roles=("emulation_officer",), email="thidua@vks.local")
    db.session.add(Year(year=2025, commendation_deadline=DEADLINE))
    db.session.commit()
    assert run_on(DEADLINE - timedelta(days=4)) == {"reminded": 0}
    assert run_on(DEADLINE - timedelta(days=3)) == {"reminded": 1}
