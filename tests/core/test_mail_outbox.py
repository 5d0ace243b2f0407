"""The mail outbox: rows written with the action, sent by the worker with retries, never lost.

Real SMTP servers on loopback (aiosmtpd in a thread; a silent socket for a hung server, a
closed port for a server that is down). The clock is moved with timeutil.set_clock.
"""
import threading
import uuid
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from portal.core import mail, timeutil
from portal.core.notifications import Notification, notify
from portal.extensions import db
from tests.core.mailserver import free_port, smtp_server

BASE = "https://sangkien.example.vn"
ORG = "Viện kiểm sát nhân dân tỉnh Thử Nghiệm"


@pytest.fixture
def clock():
    """clock.set(naive UTC) moves the portal's time; clock.advance(seconds)."""
    class Clock:
        moment = timeutil.utcnow()

        def set(self, moment):
            self.moment = moment
            timeutil.set_clock(lambda: self.moment.replace(tzinfo=UTC))

        def advance(self, seconds):
            self.set(self.moment + timedelta(seconds=seconds))

    c = Clock()
    c.set(c.moment)
    yield c
    timeutil.set_clock(None)


def rows():
    db.session.expire_all()
    return db.session.execute(select(mail.MailMessage).order_by(mail.MailMessage.id)).scalars().all()


def use_server(app, port, **more):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5, PUBLIC_BASE_URL=BASE,
                      ORGANISATION_NAME=ORG, **more)


# -- the request writes rows, it never talks to the mail server -------------------------

def test_the_outbox_row_is_part_of_the_transaction(app, make_user):
    user = make_user(email="nguoi.nhan@vks.local")
    notify([user], "Thông báo thử", "Nội dung", "/my")
    db.session.rollback()
    assert rows() == [] and db.session.execute(select(func.count(Notification.id))).scalar_one() == 0
    notify([user], "Thông báo thử", "Nội dung", "/my")
    db.session.commit()
    [row] = rows()
    assert row.user_id == user.id and row.state == mail.QUEUED and row.message_id.startswith("<")


def test_without_an_address_the_user_is_told_in_app_only(app, make_user):
    user = make_user(email=None)
    notify([user], "Chỉ trong ứng dụng")
    db.session.commit()
    assert rows() == []
    assert db.session.execute(select(func.count(Notification.id))).scalar_one() == 1


# -- the worker sends -------------------------------------------------------------------

def test_a_real_smtp_server_receives_text_and_html_with_the_absolute_link(app, make_user):
    user = make_user(email="ksv.lan@vks.local", full_name="Trần Thị Lan")
    with smtp_server() as (port, inbox):
        use_server(app, port)
        notify([user], "Sáng kiến “Số hóa hồ sơ” được trả lại để bổ sung",
               "Nội dung cần bổ sung:\nBảng số liệu <năm 2025>", "/my/initiatives/7")
        db.session.commit()
        assert inbox.messages == []  # nothing leaves before the worker runs
        assert mail.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    [message] = inbox.messages
    [row] = rows()
    assert row.state == mail.SENT and row.sent_at is not None and row.attempts == 1
    assert message["To"] == "ksv.lan@vks.local" and message["Message-ID"] == row.message_id
    assert message["Subject"] == "Sáng kiến “Số hóa hồ sơ” được trả lại để bổ sung"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{BASE}/my/initiatives/7"
    for part in (text, html):
        assert link in part and ORG in part and "Trần Thị Lan" in part
    assert "Bảng số liệu <năm 2025>" in text
    assert "Bảng số liệu &lt;năm 2025&gt;" in html and f'href="{link}"' in html


def test_without_a_mail_server_the_worker_writes_eml_files(app, make_user):
    from pathlib import Path

    user = make_user(email="a@vks.local")
    notify([user], "Thư thử", "Nội dung", "/my")
    db.session.commit()
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    assert list(folder.glob("*.eml")) == []
    assert mail.deliver_due()["sent"] == 1
    [eml] = folder.glob("*.eml")
    content = eml.read_text()
    assert "a@vks.local" in content and "text/html" in content and "text/plain" in content
    assert rows()[0].state == mail.SENT


def test_a_server_that_is_down_is_retried_with_backoff_then_the_message_fails(app, make_user, clock):
    use_server(app, free_port(), MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=3600,
               MAIL_GIVE_UP_SECONDS=3600)
    user = make_user(email="b@vks.local")
    notify([user], "Thư không gửi được")
    db.session.commit()
    queued_at = clock.moment
    waits = []
    for attempt in range(1, 6):
        assert mail.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
        [row] = rows()
        assert row.state == mail.QUEUED and row.attempts == attempt
        assert "ConnectionRefused" in row.last_error
        waits.append((row.next_try_at - clock.moment).total_seconds())
        assert mail.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet: not tried
        clock.set(row.next_try_at)
    assert waits == [60, 120, 240, 480, 960]
    # The sixth wait (1920 s) would pass the give-up time: the last try is at that time.
    assert mail.deliver_due()["retry"] == 1
    [row] = rows()
    assert row.next_try_at == queued_at + timedelta(seconds=3600)
    clock.set(row.next_try_at)
    assert mail.deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = rows()
    assert row.state == mail.FAILED and row.attempts == 7 and "ConnectionRefused" in row.last_error
    clock.advance(86400)
    assert mail.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # failed is final until resent


def test_a_server_refusing_then_accepting_delivers_each_message_once(app, make_user, clock):
    users = [make_user(email=f"r{i}@vks.local") for i in range(3)]
    with smtp_server() as (port, inbox):
        use_server(app, port)
        inbox.refuse = ["451 4.3.0 Thử lại sau"] * 3
        notify(users, "Lịch họp Hội đồng")
        db.session.commit()
        assert mail.deliver_due() == {"sent": 0, "retry": 3, "failed": 0}
        assert all("451" in r.last_error for r in rows())
        clock.advance(60)
        assert mail.deliver_due() == {"sent": 3, "retry": 0, "failed": 0}
        clock.advance(3600)
        assert mail.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert sorted(m["To"] for m in inbox.messages) == [f"r{i}@vks.local" for i in range(3)]
    assert sorted(inbox.ids()) == sorted(r.message_id for r in rows())


def test_a_permanent_refusal_fails_at_once_with_the_reason(app, make_user):
    user = make_user(email="khongton@vks.local")
    with smtp_server() as (port, inbox):
        use_server(app, port)
        inbox.refuse = ["550 5.1.1 Hộp thư không tồn tại"]
        notify([user], "Thư bị từ chối")
        db.session.commit()
        assert mail.deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = rows()
    assert row.state == mail.FAILED and "550" in row.last_error


def test_an_hour_down_then_back_every_message_arrives_once(app, make_user, clock):
    port = free_port()
    use_server(app, port, MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=600)
    users = [make_user(email=f"h{i}@vks.local") for i in range(5)]
    notify(users, "Thông báo trong giờ mất kết nối")
    db.session.commit()
    end = clock.moment + timedelta(hours=1)
    while clock.moment < end:  # the worker runs every minute while the server is down
        mail.deliver_due()
        clock.advance(60)
    assert {r.state for r in rows()} == {mail.QUEUED}
    with smtp_server_on(port) as inbox:
        clock.advance(600)
        assert mail.deliver_due()["sent"] == 5
        clock.advance(600)
        mail.deliver_due()
    assert len(inbox.messages) == 5 and len(set(inbox.ids())) == 5
    assert {r.state for r in rows()} == {mail.SENT}


def smtp_server_on(port):
    from contextlib import contextmanager

    from aiosmtpd.controller import Controller

    from tests.core.mailserver import Inbox

    @contextmanager
    def run():
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            yield inbox
        finally:
            controller.stop()
    return run()


def test_a_worker_killed_mid_send_leaves_the_message_to_be_sent_again_once(app, make_user, clock):
    users = [make_user(email=f"k{i}@vks.local") for i in range(4)]
    with smtp_server() as (port, inbox):
        use_server(app, port, MAIL_LEASE_SECONDS=600)
        notify(users, "Thư khi worker bị dừng")
        db.session.commit()
        # A worker claimed two rows and died before settling them (killed mid-batch).
        dead = mail.claim(2, uuid.uuid4().hex)
        assert len(dead) == 2
        assert mail.deliver_due()["sent"] == 2  # the others go; the claimed ones wait for the lease
        assert sorted(m["To"] for m in inbox.messages) == ["k2@vks.local", "k3@vks.local"]
        clock.advance(599)
        assert mail.deliver_due()["sent"] == 0
        clock.advance(2)
        assert mail.deliver_due()["sent"] == 2
        clock.advance(3600)
        assert mail.deliver_due()["sent"] == 0
    assert sorted(m["To"] for m in inbox.messages) == [f"k{i}@vks.local" for i in range(4)]
    by_id = {r.id: r for r in rows()}
    assert all(by_id[d.id].message_id in inbox.ids() for d in dead)  # sent with the Message-ID it had


def test_two_workers_competing_never_send_a_message_twice(app, make_user):
    users = [make_user(email=f"w{i}@vks.local") for i in range(40)]
    with smtp_server() as (port, inbox):
        use_server(app, port, MAIL_BATCH=5)
        notify(users, "Thư cho 40 người")
        db.session.commit()
        results, errors = [], []
        start = threading.Barrier(3)

        def work():
            with app.app_context():
                try:
                    start.wait()
                    results.append(mail.deliver_due())
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
    assert sum(r["sent"] for r in results) == 40
    ids = inbox.ids()
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {r.state for r in rows()} == {mail.SENT}


# -- resend and prune -------------------------------------------------------------------

def test_resend_and_prune(app, make_user, clock):
    user = make_user(email="p@vks.local")
    notify([user], "Cũ")
    notify([user], "Mới")
    db.session.commit()
    old, new = rows()
    old.state, old.sent_at = mail.SENT, clock.moment - timedelta(days=91)
    new.state, new.last_error = mail.FAILED, "550 x"
    db.session.commit()
    assert mail.prune(90) == 1
    db.session.commit()
    [row] = rows()
    mail.resend(row)
    db.session.commit()
    assert row.state == mail.QUEUED and row.attempts == 0 and row.next_try_at == clock.moment
