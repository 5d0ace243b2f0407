"""The daily reminder task: from the configured hour, each reviewer reminded once a day."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs, mail, timeutil
from portal.council import operations
from portal.council.reminders import late_work
from portal.extensions import db
from portal.years.services import ensure_year, forget

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


def secretary_reminders():
    db.session.expire_all()
    # As the worker writes them out before sending (the request stores only the message keys).
    return [mail.render_now(row) for row in db.session.execute(select(mail.MailMessage).where(mail.MailMessage.subject.startswith("Nhắc việc"))
                              .order_by(mail.MailMessage.id)).scalars().all()]


def test_the_secretary_is_reminded_of_late_screenings_once_a_day(app, council, submitted):
    submitted.submitted_at = timeutil.utcnow() - timedelta(days=10)  # past the screening window
    db.session.commit()
    TODAY[:] = [timeutil.today()]
    try:
        timeutil.set_clock(lambda: at_local(6))
        assert jobs.run("secretary_reminders").get()["reminded"] == 0  # before REMINDER_HOUR
        timeutil.set_clock(lambda: at_local(8))
        assert jobs.run("secretary_reminders").get() == {"reminded": 1}
        timeutil.set_clock(lambda: at_local(10))
        assert jobs.run("secretary_reminders").get() == {"reminded": 0}
        timeutil.set_clock(lambda: at_local(8, day_offset=1))
        assert jobs.run("secretary_reminders").get() == {"reminded": 1}
    finally:
        timeutil.set_clock(None)
    first, second = secretary_reminders()
    assert first.recipient == "thuky@example.vn" and "chờ sơ duyệt quá hạn" in first.subject
    assert submitted.title in first.body_text and first.link.endswith("/council/queue")


def test_a_fresh_submission_is_no_late_screening(app, council, submitted):
    assert jobs.run("secretary_reminders").get() in ({"reminded": 0}, {"reminded": 0, "waiting_until_hour": 7})
    assert secretary_reminders() == []


def test_the_years_appraisal_deadline_passed_makes_a_decision_overdue(app, council, submitted):
    operations.accept(submitted, council["secretary"])
    ensure_year(submitted.year).review_deadline = timeutil.today() - timedelta(days=1)
    forget()
    db.session.commit()
    TODAY[:] = [timeutil.today()]
    try:
        timeutil.set_clock(lambda: at_local(8))
        assert jobs.run("secretary_reminders").get() == {"reminded": 1}
    finally:
        timeutil.set_clock(None)
    [row] = secretary_reminders()
    assert "quá hạn ra quyết định" in row.subject and submitted.title in row.body_text


def test_the_decision_window_of_the_year_counts_from_acceptance(app, council, submitted):
    operations.accept(submitted, council["secretary"])
    submitted.accepted_at = timeutil.utcnow() - timedelta(days=120)  # the window is 90 days
    db.session.commit()
    late = late_work(timeutil.today())
    assert {u.username for u in late} == {"thuky"}
    assert [i.id for i in late[council["secretary"]]["decision"]] == [submitted.id]
