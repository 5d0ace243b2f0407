"""Notifications and mail are stored as message keys with their values and said in the reader's
language when read: the page in its language, the mail in its recipient's, written out by the
worker. The request only writes rows: one INSERT for the notifications, one for the mail."""
from sqlalchemy import select

from portal.core import mail
from portal.core.notifications import Notification, notify
from portal.core.phrases import Listing, Phrase
from portal.extensions import db
from tests.core.mailserver import smtp_server

RETURNED = Phrase("Sáng kiến “%(title)s” được trả lại để bổ sung", title="Data map")
WHAT = Phrase("Nội dung cần bổ sung, hoàn thiện:\n%(note)s", note="Add the 2025 figures")


def outbox():
    db.session.expire_all()
    return db.session.execute(select(mail.MailMessage).order_by(mail.MailMessage.id)).scalars().all()


def people(make_user, count, prefix):
    return [make_user(f"{prefix}{i}", email=f"{prefix}{i}@vks.local") for i in range(count)]


def _loaded(users):
    """The people as a page has them: loaded by one query (after the commit expired them)."""
    from portal.auth.models import User

    ids = [u.id for u in users]
    return db.session.execute(select(User).where(User.id.in_(ids)).order_by(User.id)).unique().scalars().all()


def _inserts(count_queries, users):
    users = _loaded(users)
    with count_queries() as counter:
        notify(users, RETURNED, WHAT, "/my/initiatives/1")
        db.session.flush()  # whatever the call left for the session to write is counted too
    return [s for s in counter.statements if s.lstrip().upper().startswith("INSERT")], counter.count


def test_notifying_twenty_people_takes_as_many_statements_as_notifying_one(app, make_user, count_queries):
    one, twenty = people(make_user, 1, "mot"), people(make_user, 20, "hai")
    db.session.commit()
    inserts_one, count_one = _inserts(count_queries, one)
    inserts_twenty, count_twenty = _inserts(count_queries, twenty)
    assert count_twenty == count_one
    assert len(inserts_twenty) == 2  # one INSERT for the notifications, one for the mail
    db.session.commit()
    assert len(outbox()) == 21
    assert len(db.session.execute(select(Notification.id)).scalars().all()) == 21


def test_the_request_renders_no_mail_the_worker_does_in_the_recipients_language(app, make_user):
    english = make_user("reader.en", email="en@vks.local", full_name="Anna Reader")
    english.locale = "en"
    vietnamese = make_user("reader.vi", email="vi@vks.local", full_name="Trần Thị Lan")
    notify([english, vietnamese], RETURNED, WHAT, "/my/initiatives/7")
    db.session.commit()
    rows = outbox()
    assert [(r.body_text, r.body_html, r.locale) for r in rows] == [("", "", None)] * 2  # nothing rendered yet
    assert rows[0].subject == "Sáng kiến “Data map” được trả lại để bổ sung"  # the Vietnamese text, for the log
    with smtp_server() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
        assert mail.deliver_due()["sent"] == 2
    by_to = {m["To"]: m for m in inbox.messages}
    sent_en, sent_vi = by_to["en@vks.local"], by_to["vi@vks.local"]
    assert sent_en["Subject"] == "The initiative “Data map” was returned for completion"
    text_en = sent_en.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html_en = sent_en.get_body(("html",)).get_content()
    assert "To be added or completed:\nAdd the 2025 figures" in text_en and "Nội dung" not in text_en
    assert "Kính gửi" not in text_en and "Anna Reader" in text_en and '<html lang="en">' in html_en
    assert sent_vi["Subject"] == "Sáng kiến “Data map” được trả lại để bổ sung"
    assert "Nội dung cần bổ sung, hoàn thiện:" in sent_vi.get_body(("plain",)).get_content()
    # What was sent is kept on the row, with its Message-ID.
    rows = {r.recipient: r for r in outbox()}
    assert rows["en@vks.local"].locale == "en" and rows["vi@vks.local"].locale == "vi"
    assert rows["en@vks.local"].subject == sent_en["Subject"] and rows["en@vks.local"].message_id == sent_en["Message-ID"]
    assert "Add the 2025 figures" in rows["en@vks.local"].body_text


def test_the_notifications_page_says_each_message_in_its_own_language(app, client, make_user):
    user = make_user("reader", email=None)
    notify([user], RETURNED, Listing([WHAT, Phrase("Xem kết quả thẩm định trên Cổng Sáng kiến.")], "\n"))
    db.session.add(Notification(user_id=user.id, subject="Thông báo cũ, trước khi có khóa", body="Nội dung cũ"))
    db.session.commit()
    client.login(user)
    english = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "The initiative “Data map” was returned for completion" in english
    assert "See the appraisal results on the Initiative Portal." in english
    assert "Thông báo cũ, trước khi có khóa" in english  # an older row keeps its text as written
    vietnamese = client.get("/notifications?lang=vi").get_data(as_text=True)
    assert "Sáng kiến “Data map” được trả lại để bổ sung" in vietnamese
    assert "Xem kết quả thẩm định trên Cổng Sáng kiến." in vietnamese


def test_an_older_outbox_row_written_out_is_sent_as_it_was(app, make_user):
    user = make_user("cu", email="cu@vks.local")
    user.locale = "en"
    db.session.add(mail.MailMessage(recipient="cu@vks.local", user_id=user.id, subject="Thư cũ",
                                    body_text="Nội dung cũ", body_html="<p>Nội dung cũ</p>",
                                    message_id="<old@vks.local>"))
    db.session.commit()
    with smtp_server() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
        assert mail.deliver_due()["sent"] == 1
    [message] = inbox.messages
    assert message["Subject"] == "Thư cũ" and message["Message-ID"] == "<old@vks.local>"
    assert message.get_body(("plain",)).get_content().strip() == "Nội dung cũ"


def test_a_phrase_comes_back_from_its_stored_data():
    from portal.core.phrases import from_data, render, to_data

    phrase = Phrase("Nhắc việc: %(n)s sáng kiến chờ sơ duyệt quá hạn", n=2)
    body = Listing([phrase, "", Listing(["• ", "x", " — ", Phrase("hạn là hôm nay")], "")], "\n")
    again = from_data(to_data(body))
    assert render(again, lambda m: f"<{m}>") == render(body, lambda m: f"<{m}>")
    assert from_data(to_data(phrase)).msgid == phrase.msgid and from_data(to_data("plain")) == "plain"
