"""Each person's delivery choice: immediate mail, one daily digest, or in-app only."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import jobs, mail, notifications, timeutil
from portal.core.notifications import DIGEST, IMMEDIATE, IN_APP, Notification, notify
from portal.extensions import db
from tests.core.mailserver import smtp_server


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def outbox():
    db.session.expire_all()
    return db.session.execute(select(mail.MailMessage).order_by(mail.MailMessage.id)).scalars().all()


def at_local(day, hour):
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=timeutil.zone()).astimezone(UTC)


@pytest.fixture
def people(make_user):
    made = {}
    for delivery in (IMMEDIATE, DIGEST, IN_APP):
        user = make_user(f"nhan.{delivery}", email=f"{delivery}@vks.local", full_name=f"Người {delivery}")
        user.notification_delivery = delivery
        made[delivery] = user
    db.session.commit()
    return made


def test_a_new_account_gets_every_notification_by_mail_at_once(make_user):
    user = make_user(email="moi@vks.local")
    assert user.notification_delivery == IMMEDIATE


def test_notify_honours_each_persons_choice(people):
    notify(people.values(), "Sáng kiến được trả lại", "Cần bổ sung.", "/my")
    db.session.commit()
    assert [m.recipient for m in outbox()] == ["immediate@vks.local"]
    rows = {n.user_id: n for n in db.session.execute(select(Notification)).scalars()}
    assert len(rows) == 3  # everyone is told in-app
    assert rows[people[DIGEST].id].digest_pending and not rows[people[IN_APP].id].digest_pending
    assert not rows[people[IMMEDIATE].id].digest_pending


def test_a_digest_person_without_an_address_waits_for_no_digest(make_user):
    user = make_user(email=None)
    user.notification_delivery = DIGEST
    notify([user], "Không có thư")
    db.session.commit()
    assert not db.session.execute(select(Notification.digest_pending)).scalar_one()


def test_the_daily_digest_gathers_the_waiting_notifications_into_one_mail_over_smtp(app, people):
    day = timeutil.today()
    for subject in ("Thông báo một", "Thông báo hai", "Thông báo ba"):
        notify([people[DIGEST], people[IN_APP]], subject, "", "/council/queue")
    db.session.commit()
    with smtp_server() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5,
                          PUBLIC_BASE_URL="https://sangkien.vks.local")
        try:
            timeutil.set_clock(lambda: at_local(day, 6))
            assert jobs.run("send_digests").get() == {"digests": 0, "waiting_until_hour": 7}
            timeutil.set_clock(lambda: at_local(day, 8))
            assert jobs.run("send_digests").get() == {"digests": 1}
            assert jobs.run("send_digests").get() == {"digests": 0}  # again the same day: nothing twice
            notify([people[DIGEST]], "Thông báo bốn")
            db.session.commit()
            timeutil.set_clock(lambda: at_local(day, 9))
            assert jobs.run("send_digests").get() == {"digests": 0}  # one digest a day at most
            assert jobs.run("send_mail").get()["sent"] == 1
            timeutil.set_clock(lambda: at_local(day + timedelta(days=1), 8))
            assert jobs.run("send_digests").get() == {"digests": 1}  # the next day: what came since
            assert jobs.run("send_mail").get()["sent"] == 1
        finally:
            timeutil.set_clock(None)
        first, second = inbox.messages
    assert first["To"] == "digest@vks.local" and "3 thông báo mới" in first["Subject"]
    text = first.get_body(("plain",)).get_content()
    assert all(s in text for s in ("Thông báo một", "Thông báo hai", "Thông báo ba"))
    assert "https://sangkien.vks.local/council/queue" in text and "Thông báo bốn" not in text
    second_text = second.get_body(("plain",)).get_content()
    assert "1 thông báo mới" in second["Subject"] and "Thông báo bốn" in second_text
    assert "Thông báo một" not in second_text
    pending = db.session.execute(select(Notification).where(Notification.digest_pending.is_(True))).scalars().all()
    assert len(pending) == 4 and all(n.digested_at is not None for n in pending)


def test_a_digest_claimed_by_another_worker_is_not_sent_again(app, people):
    """Two runs the same day (two hosts): the ledger and the UPDATE that takes the rows let one through."""
    notify([people[DIGEST]], "Một lần thôi")
    db.session.commit()
    day = timeutil.today()
    assert notifications.send_digests(day) == 1
    db.session.commit()
    assert notifications.send_digests(day) == 0
    assert [m.recipient for m in outbox()] == ["digest@vks.local"]


def test_the_same_reminder_goes_to_a_person_once_a_day(people):
    user = people[IMMEDIATE]
    day = timeutil.today()
    assert notifications.remind_once([user, user], "x.late", day, "Nhắc việc") == [user]
    assert notifications.remind_once([user], "x.late", day, "Nhắc việc") == []
    assert notifications.remind_once([user], "x.other", day, "Việc khác") == [user]
    assert notifications.remind_once([user], "x.late", day + timedelta(days=1), "Nhắc việc") == [user]
    db.session.commit()
    assert len(outbox()) == 3


def test_workers_competing_on_reminders_and_digests_tell_each_person_once(app, people):
    """Three workers (threads, each its own session) run the day's reminders and digests at once."""
    import threading

    from portal.auth.models import User

    notify([people[DIGEST]], "Chờ thư tóm tắt")
    db.session.commit()
    ids = [u.id for u in people.values()]
    day = timeutil.today()
    start = threading.Barrier(3)
    results, errors = [], []

    def work():
        with app.app_context():
            try:
                users = db.session.execute(select(User).where(User.id.in_(ids))).scalars().all()
                start.wait()
                reminded = notifications.remind_once(users, "test.race", day, "Nhắc một lần")
                digests = notifications.send_digests(day)
                db.session.commit()
                results.append((len(reminded), digests))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r for r, _ in results) == 3 and sum(d for _, d in results) == 1
    told = db.session.execute(select(Notification.user_id).where(Notification.subject == "Nhắc một lần")).scalars().all()
    assert sorted(told) == sorted(ids)
    assert len([m for m in outbox() if m.recipient == "digest@vks.local"]) == 1
