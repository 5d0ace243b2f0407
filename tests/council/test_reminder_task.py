"""The daily reminder task: from the configured hour, each reviewer reminded once a day."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs, mail, timeutil
from portal.council import operations
from portal.extensions import db

TODAY = []


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def at_local(hour, day_offset=0, today=None):
    today = today or TODAY[0]
    local = datetime(today.year, today.month, today.day, hour, 30, tzinfo=timeutil.zone())
    return (local + timedelta(days=day_offset)).astimezone(UTC)


def test_reminders_go_out_once_a_day_however_often_the_task_runs(app, council, submitted):
    operations.accept(submitted, council["secretary"])
    assignment = operations.assign(submitted, council["secretary"], council["m2"],
                                   due_on=timeutil.today() + timedelta(days=1))
    db.session.commit()
    TODAY[:] = [timeutil.today()]
    reminders = select(mail.MailMessage).where(mail.MailMessage.subject.startswith("Nhắc hạn chấm"))
    try:
        timeutil.set_clock(lambda: at_local(6))
        assert jobs.run("daily_reminders").get()["reminded"] == 0  # before REMINDER_HOUR
        timeutil.set_clock(lambda: at_local(8))
        assert jobs.run("daily_reminders").get() == {"reminded": 1}
        assert jobs.run("daily_reminders").get() == {"reminded": 0}  # the next hour, another host
        timeutil.set_clock(lambda: at_local(9))
        assert jobs.run("daily_reminders").get() == {"reminded": 0}
        db.session.expire_all()
        [row] = db.session.execute(reminders).scalars().all()
        assert row.recipient == "hoidong2@example.vn" and "/council/initiatives/" in row.link
        timeutil.set_clock(lambda: at_local(8, day_offset=1))
        assert jobs.run("daily_reminders").get() == {"reminded": 1}  # the next day: again
    finally:
        timeutil.set_clock(None)
    db.session.expire_all()
    assert len(db.session.execute(reminders).scalars().all()) == 2
    assert db.session.get(type(assignment), assignment.id).reminded_at is not None
