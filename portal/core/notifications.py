"""In-app notifications (the bell), e-mail as each person chose, and the daily reminders' ledger.

`notify()` writes, in the caller's transaction, the in-app notification and, as the recipient
chose on their account page (`User.notification_delivery`):

- `immediate` (the default): one row of the mail outbox (`portal.core.mail`) per notification,
  written out in the recipient's language by the worker when it sends it;
- `digest`: nothing more now; the daily `send_digests` task mails one message gathering the
  notifications not yet sent (and marks them sent, so a second run sends nothing twice);
- `in_app`: no mail at all.

Nothing here talks to a mail server, so a request never waits for one, and a rolled-back
action leaves neither notification nor mail behind.

A notification about an initiative carries its id, so that the notifications page groups them.

Subject and body are given as phrases (`portal.core.phrases.Phrase`, a message key with its
values) and kept so in `message`: the page says them in its reader's language when it is read.
The `subject` and `body` columns hold the Vietnamese text (and are all that older rows have).
One INSERT writes the notifications of one call, and one the mail, however many people it tells.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import mail
from portal.core.i18n import translate
from portal.core.phrases import Listing, Phrase, from_data, plain, to_data
from portal.core.timeutil import local_date, utcnow
from portal.extensions import db

IMMEDIATE, DIGEST, IN_APP = "immediate", "digest", "in_app"
DELIVERIES = (IMMEDIATE, DIGEST, IN_APP)
REMINDERS_KEEP_DAYS = 60


class Notification(db.Model):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # The initiative it is about, when it is about one (the page groups by it).
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # {"subject": …, "body": …} as phrases (portal.core.phrases.to_data); NULL on older rows.
    message: Mapped[dict | None] = mapped_column(JSON)
    read_at: Mapped[datetime | None]
    # For a person who chose the daily digest: waiting for it until `digested_at` is set.
    digest_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    digested_at: Mapped[datetime | None]

    # By name: core does not import the areas whose models these are.
    user = relationship("User", lazy="select")
    initiative = relationship("Initiative", lazy="select")

    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),
                      Index("ix_notification_digest", "digest_pending", "digested_at"))

    def said(self, part):
        """The subject or body as a phrase (or the plain text an older row has)."""
        if self.message and part in self.message:
            return from_data(self.message[part])
        return getattr(self, part) or ""

    @property
    def shown_subject(self):
        """The subject in the language of the page that shows it."""
        return translate(self.said("subject"))

    @property
    def shown_body(self):
        return translate(self.said("body"))


class ReminderSent(db.Model):
    """One reminder of one subject to one person on one day: the unique key makes every daily
    reminder idempotent, however many workers run the task and however often."""
    __tablename__ = "reminder_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    on_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key", "on_day", name="uq_reminder_sent_user_key_day"),)


def delivery_of(user):
    return getattr(user, "notification_delivery", None) or IMMEDIATE


def _initiative_id(initiative):
    if initiative is None:
        return None
    if initiative.id is None:
        db.session.flush()
    return initiative.id


def notify(users, subject, body="", link="", *, initiative=None):
    """Tell each active user in-app, and by e-mail as they chose when they have an address.

    `subject` and `body` are phrases with their values (plain text is kept as it is). The rows
    are written in one INSERT for the notifications and one for the mail; nothing is rendered."""
    seen, notes, mails = set(), [], []
    message = {"subject": to_data(subject), "body": to_data(body or "")}
    initiative_id = _initiative_id(initiative)
    now = utcnow()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        delivery = delivery_of(user)
        notes.append({"user_id": user.id, "initiative_id": initiative_id, "created_at": now,
                      "subject": plain(subject)[:300], "body": plain(body or ""), "link": link or "",
                      "message": message, "digest_pending": bool(user.email) and delivery == DIGEST})
        if user.email and delivery == IMMEDIATE:
            mails.append(mail.message_values(user.email, subject, body, link, user_id=user.id))
    if notes:
        db.session.execute(insert(Notification), notes)
    mail.add_all(mails)


def claim_reminder(user_id, key, on_day):
    """True when `user_id` was not yet reminded of `key` on `on_day` (and now is, in this
    transaction); False when they were, by this run or another worker's."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(user_id=user_id, key=key[:200], on_day=on_day))
    except IntegrityError:
        return False
    return True


def remind_once(users, key, on_day, subject, body="", link="", *, initiative=None):
    """Notify each of `users` of `key` at most once on `on_day`; returns those reminded."""
    reminded = []
    for user in users:
        if user is None or not user.active or user in reminded:
            continue
        if claim_reminder(user.id, key, on_day):
            notify([user], subject, body, link, initiative=initiative)
            reminded.append(user)
    return reminded


def _digest_body(items):
    """The digest's body as phrases: each notification said in the recipient's language when the
    worker writes the mail out."""
    lines = []
    for item in items:
        parts = ["• ", f"{local_date(item.created_at):%d/%m/%Y}", " — ", item.said("subject")]
        if item.link:
            parts += ["\n  ", mail.absolute_link(item.link)]
        lines.append(Listing(parts, ""))
    return Listing([Phrase("Các thông báo mới của bạn trên Cổng Sáng kiến:"), "", Listing(lines, "\n")], "\n")


def send_digests(on_day):
    """One mail per person with notifications waiting for their digest, at most once on `on_day`;
    returns how many mails were queued. The notifications gathered are marked in the UPDATE that
    takes them, so two workers never put the same one in two mails."""
    waiting = db.session.execute(
        select(Notification.user_id).where(Notification.digest_pending.is_(True), Notification.digested_at.is_(None))
        .group_by(Notification.user_id).order_by(Notification.user_id)).scalars().all()
    queued = 0
    for user_id in waiting:
        if not claim_reminder(user_id, "digest", on_day):
            continue
        taken = db.session.execute(
            update(Notification).where(Notification.user_id == user_id, Notification.digest_pending.is_(True),
                                       Notification.digested_at.is_(None))
            .values(digested_at=utcnow())
            .returning(Notification).execution_options(synchronize_session=False)).scalars().all()
        if not taken:
            continue
        user = taken[0].user
        if not user.email or not user.active:
            continue
        items = sorted(taken, key=lambda n: (n.created_at, n.id))
        day = on_day.strftime("%d/%m/%Y")
        mail.queue(user.email, Phrase("Tóm tắt thông báo ngày %(day)s: %(n)s thông báo mới", day=day, n=len(items)),
                   _digest_body(items), "/notifications", user=user)
        queued += 1
    return queued


def prune_reminders(older_than_days=REMINDERS_KEEP_DAYS):
    cutoff = utcnow().date() - timedelta(days=older_than_days)
    result = db.session.execute(delete(ReminderSent).where(ReminderSent.on_day < cutoff))
    return result.rowcount or 0


def unread_count(user_id):
    return db.session.execute(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


NO_INITIATIVE = "none"  # the group of notifications about no initiative, in filters and forms


def _about(initiative_id):
    """The condition for one group: an initiative's id, or NO_INITIATIVE."""
    if initiative_id == NO_INITIATIVE:
        return Notification.initiative_id.is_(None)
    return Notification.initiative_id == initiative_id


def mark_read(user_id, initiative_id=None):
    """Mark read every unread notification of `user_id`, or those of one group."""
    conditions = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if initiative_id is not None:
        conditions.append(_about(initiative_id))
    db.session.execute(update(Notification).where(and_(*conditions)).values(read_at=utcnow())
                       .execution_options(synchronize_session=False))


def mark_all_read(user_id):
    mark_read(user_id)


@dataclass
class Group:
    """The notifications of one person about one initiative (or about none)."""
    initiative_id: int | None
    title: str
    count: int
    unread: int
    newest_at: datetime
    items: list = field(default_factory=list)

    @property
    def key(self):
        return self.initiative_id if self.initiative_id is not None else NO_INITIATIVE


@dataclass
class GroupPage:
    groups: list
    page: int
    pages: int
    total: int


def _initiative_model():
    # Reached through the relationship, not imported: core sits below the area that owns it.
    return Notification.initiative.property.mapper.class_


def initiatives_of(user_id):
    """[(id, title)] of the initiatives `user_id` has notifications about, by title (one query)."""
    initiative = _initiative_model()
    about = select(Notification.initiative_id).where(
        Notification.user_id == user_id, Notification.initiative_id.is_not(None)).distinct()
    return db.session.execute(select(initiative.id, initiative.title).where(initiative.id.in_(about))
                              .order_by(initiative.title, initiative.id)).all()


def grouped(user_id, *, unread_only=False, about=None, page=1, per_page=20, items_per_group=5, titles=None):
    """One page of `user_id`'s notifications grouped by initiative, the group with the newest
    first; each group with its count, its unread count and its newest `items_per_group`.
    `about` keeps one group (an initiative id or NO_INITIATIVE). Three queries whatever the page
    holds; `titles` ({id: title}, from `initiatives_of`) names the groups."""
    conditions = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    if about is not None:
        conditions.append(_about(about))
    key = Notification.initiative_id
    total = db.session.execute(select(func.count()).select_from(
        select(key).where(*conditions).group_by(key).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    newest = func.max(Notification.id).label("newest_id")
    rows = db.session.execute(
        select(key, func.count(Notification.id), func.count(case((Notification.read_at.is_(None), 1))),
               func.max(Notification.created_at), newest)
        .where(*conditions).group_by(key).order_by(newest.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    titles = titles or {}
    groups = [Group(initiative_id, titles.get(initiative_id, ""), count, unread, newest_at)
              for initiative_id, count, unread, newest_at, _ in rows]
    if groups:
        ids = [g.initiative_id for g in groups if g.initiative_id is not None]
        place = or_(key.in_(ids), key.is_(None)) if len(ids) < len(groups) else key.in_(ids)
        number = func.row_number().over(partition_by=key, order_by=Notification.id.desc()).label("number")
        ranked = select(Notification.id, number).where(*conditions, place).subquery()
        items = db.session.execute(
            select(Notification).join(ranked, ranked.c.id == Notification.id)
            .where(ranked.c.number <= items_per_group).order_by(Notification.id.desc())).scalars().all()
        by_key = {g.initiative_id: g for g in groups}
        for item in items:
            by_key[item.initiative_id].items.append(item)
    return GroupPage(groups, page, pages, total)
