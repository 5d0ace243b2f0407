"""The editor's daily reminder of recognised initiatives still not published past their deadline."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs, mail, timeutil
from portal.extensions import db


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def at_local(today, hour, days=0):
    local = datetime(today.year, today.month, today.day, hour, 30, tzinfo=timeutil.zone()) + timedelta(days=days)
    return local.astimezone(UTC)


def reminders():
    db.session.expire_all()
    # As the worker writes them out before sending (the request stores only the message keys).
    return [mail.render_now(row) for row in db.session.execute(select(mail.MailMessage).where(mail.MailMessage.subject.startswith("Nhắc việc"))
                              .order_by(mail.MailMessage.id)).scalars().all()]


def test_each_editor_is_reminded_once_a_day_of_overdue_publications(app, make_user, make_recognized):
    editors = [make_user("bientap1", roles=("editor",), email="bt1@vks.local"),
               make_user("bientap2", roles=("editor",), email="bt2@vks.local")]
    overdue = make_recognized("Sáng kiến chờ đăng đã lâu", decided_at=timeutil.utcnow() - timedelta(days=30))
    make_recognized("Sáng kiến vừa được công nhận", decided_at=timeutil.utcnow() - timedelta(days=1))
    today = timeutil.today()
    try:
        timeutil.set_clock(lambda: at_local(today, 6))
        assert jobs.run("editor_reminders").get()["reminded"] == 0
        timeutil.set_clock(lambda: at_local(today, 8))
        assert jobs.run("editor_reminders").get() == {"reminded": 2}
        assert jobs.run("editor_reminders").get() == {"reminded": 0}
        timeutil.set_clock(lambda: at_local(today, 8, days=1))
        assert jobs.run("editor_reminders").get() == {"reminded": 2}
    finally:
        timeutil.set_clock(None)
    rows = reminders()
    assert sorted(r.recipient for r in rows) == ["bt1@vks.local", "bt1@vks.local", "bt2@vks.local", "bt2@vks.local"]
    assert "1 sáng kiến" in rows[0].subject and overdue.title in rows[0].body_text
    assert "Sáng kiến vừa được công nhận" not in rows[0].body_text and rows[0].link.endswith("/editor")
    assert {r.user_id for r in rows} == {e.id for e in editors}


def test_nothing_overdue_nobody_reminded(app, make_user, make_recognized, publish):
    make_user("bientap1", roles=("editor",), email="bt1@vks.local")
    publish(make_recognized("Đã đăng", decided_at=timeutil.utcnow() - timedelta(days=30)))
    today = timeutil.today()
    try:
        timeutil.set_clock(lambda: at_local(today, 8))
        assert jobs.run("editor_reminders").get() == {"reminded": 0}
    finally:
        timeutil.set_clock(None)
    assert reminders() == []
