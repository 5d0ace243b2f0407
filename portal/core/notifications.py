"""In-app notifications (the bell) and e-mail.

E-mail goes out only after the transaction that caused it commits. Without a
configured MAIL_SERVER each message is written as an .eml file under the
instance folder, so a demo shows what would have been sent.
"""
import smtplib
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import ForeignKey, Index, String, Text, event, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)


_PENDING = "portal_pending_mail"


def notify(users, subject, body="", link=""):
    """Tell each user in-app, and by e-mail once the current transaction commits."""
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=link))
        if user.email:
            db.session.info.setdefault(_PENDING, []).append((user.email, subject, body, link))


def unread_count(user_id):
    return db.session.execute(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def mark_all_read(user_id):
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def build_message(to, subject, body, link, config):
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="sangkien.local")
    text = body
    if link:
        text += f"\n\n{config.get('PUBLIC_BASE_URL', '').rstrip('/')}{link}"
    msg.set_content(text or subject)
    return msg


def send_mail(messages, config):
    """Send through SMTP when configured, otherwise write .eml files."""
    if not messages:
        return
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for msg in messages:
                smtp.send_message(msg)
        return
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    for msg in messages:
        name = f"{utcnow():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (outbox / name).write_bytes(bytes(msg))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    config = current_app.config
    try:
        send_mail([build_message(*item, config) for item in pending], config)
    except (OSError, smtplib.SMTPException):
        # The change is committed and the in-app notification exists; a mail
        # server being down must not turn a saved action into an error page.
        current_app.logger.exception("sending %d notification mails failed", len(pending))


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(_PENDING, None)
