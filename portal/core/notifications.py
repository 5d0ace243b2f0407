"""In-app notifications (the bell) and e-mail.

`notify()` writes, in the caller's transaction, the in-app notification and one row of the
mail outbox (`portal.core.mail`) per recipient with an address; the background worker sends
the mail. Nothing here talks to a mail server, so a request never waits for one, and a
rolled-back action leaves neither notification nor mail behind.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import mail
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


def notify(users, subject, body="", link=""):
    """Tell each active user in-app, and by e-mail (queued in this transaction) when they have one."""
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=link))
        if user.email:
            mail.queue(user.email, subject, body, link, user=user)


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
