"""The mail outbox: every message is a row written in the transaction that causes it.

`queue()` and `message_values()` + `add_all()` (one INSERT for many, from
`notifications.notify`) only write rows: the subject and body as a message key with its values
(a `Phrase`, in `message`), nothing rendered; no request talks to a mail server or renders a
template. The background worker (`portal.core.jobs`) calls `deliver_due()`, which

1. claims the due rows atomically (one UPDATE; on PostgreSQL over `FOR UPDATE SKIP LOCKED`),
   so several workers on several hosts never take the same row at the same time;
2. writes each new message's subject, text and HTML in its recipient's language at send time
   (`User.locale`, the language they chose; Vietnamese by default), kept on the row;
3. sends them over SMTP when MAIL_SERVER is set, otherwise writes `.eml` files under
   MAIL_OUTBOX_DIR (the demo and development);
4. records each outcome: `sent`; or `queued` again after an exponentially growing wait
   (MAIL_RETRY_BASE_SECONDS doubled per attempt, at most MAIL_RETRY_MAX_SECONDS); or
   `failed` with the reason once MAIL_GIVE_UP_SECONDS have passed since it was queued, or
   at once when the server refuses it permanently (an SMTP 5xx answer).

A worker killed in the middle of a send leaves its rows claimed (`sending`) until the lease
(MAIL_LEASE_SECONDS) runs out; another worker then sends them again, with the same
Message-ID, so that a duplicate is recognisable: delivery is at least once.
"""
import email.policy
import os
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_translations
from sqlalchemy import JSON, ForeignKey, Index, String, Text, delete, insert, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from portal.core.organisation import organisation, site_name
from portal.core.phrases import from_data, plain, render, to_data
from portal.core.timeutil import utcnow
from portal.extensions import db

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
# Python's folding of a long non-ASCII header drops the space at a fold between encoded words
# ("3 thông báo" arrived as "3thông báo"): fold only at RFC 5322's hard limit (a subject is at most
# 300 characters, under 998 once encoded).
HEADER_POLICY = email.policy.default.clone(max_line_length=998)
STATES = (QUEUED, SENDING, SENT, FAILED)
ERROR_CHARS = 1000


class MailMessage(db.Model):
    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)  # the give-up clock starts here
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))  # Vietnamese until rendered, then as sent
    # {"subject": …, "body": …} as phrases (portal.core.phrases.to_data); NULL on rows written
    # rendered (before the message keys). `locale` is set when the worker renders it.
    message: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(8))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(1000), default="")  # absolute
    message_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(ERROR_CHARS), default="")
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]

    user = relationship("User", lazy="select")  # by name: core does not import auth

    __table_args__ = (Index("ix_mail_outbox_state_next_try", "state", "next_try_at"),)


def absolute_link(link):
    """`/council/…` → `PUBLIC_BASE_URL/council/…`; an absolute link is kept."""
    if not link or "://" in link:
        return link or ""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/{link.lstrip('/')}"


def language_of(user):
    """The language a person reads their mail in: the one they chose, else the portal's default."""
    config = current_app.config
    wanted = getattr(user, "locale", None)
    return wanted if wanted in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def mail_gettext(locale=None):
    """gettext in `locale` (the portal's default language when None), loaded once per app and
    language: mail is written in its recipient's language, whatever the page that caused it."""
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    cache = current_app.extensions.setdefault("portal_mail_gettext", {})
    cached = cache.get(locale)
    if cached is None:
        with force_locale(locale):
            translations = get_translations()

        def cached(message, **variables):
            text = translations.ugettext(message)
            return text % variables if variables else text
        cache[locale] = cached
    return cached


def _render(template, gettext, **context):
    # The environment's template, not render_template: no request is needed (commands, worker)
    # and no context processor runs.
    return current_app.jinja_env.get_template(template).render(_=gettext, **context)


def _domain():
    sender = current_app.config["MAIL_FROM"]
    return sender.rpartition("@")[2] or "localhost"


def message_values(recipient, subject, body="", link="", *, user_id=None):
    """The columns of one outbox row (for `add_all`): the subject and body kept as phrases, to be
    written out in the recipient's language by the worker; only the Message-ID is made now."""
    now = utcnow()
    return {"recipient": recipient, "subject": plain(subject)[:300], "user_id": user_id,
            "message": {"subject": to_data(subject), "body": to_data(body or "")},
            "body_text": "", "body_html": "", "link": absolute_link(link)[:1000],
            "message_id": make_msgid(domain=_domain()), "state": QUEUED, "attempts": 0, "last_error": "",
            "created_at": now, "queued_at": now, "next_try_at": now}


def add_all(values):
    """Write the rows of `values` (from `message_values`) in one INSERT, in the caller's transaction."""
    if values:
        db.session.execute(insert(MailMessage), values)


def queue(recipient, subject, body="", link="", *, user=None):
    """Add one message to the outbox; it is sent once the caller's transaction commits."""
    message = MailMessage(**message_values(recipient, subject, body, link, user_id=getattr(user, "id", None)))
    db.session.add(message)
    return message


def rendered(row, user=None):
    """{subject, body_text, body_html, locale} of a row written as phrases, in the language of its
    recipient (`user`, else the row's); None for a row already written out."""
    if row.message is None or row.locale is not None:
        return None
    user = user if user is not None else row.user
    locale = language_of(user)
    gettext = mail_gettext(locale)
    config = current_app.config
    subject = render(from_data(row.message.get("subject")), gettext)[:300]
    body = render(from_data(row.message.get("body")), gettext)
    context = {"subject": subject, "body": body, "paragraphs": body.split("\n"), "link": row.link,
               "organisation": organisation().name, "site_name": site_name(gettext),
               "base_url": config["PUBLIC_BASE_URL"].rstrip("/"), "name": getattr(user, "full_name", "") or "",
               "lang": locale}
    return {"subject": subject, "body_text": _render("mail/message.txt", gettext, **context),
            "body_html": _render("mail/message.html", gettext, **context), "locale": locale}


def render_now(row, user=None):
    """Write the row out at once (a command, a test): what the worker does before sending."""
    for name, value in (rendered(row, user) or {}).items():
        setattr(row, name, value)
    return row


def build_message(row, config, text=None):
    """The e-mail of an outbox row: plain text and HTML alternatives, its own Message-ID; `text`
    (from `rendered`) replaces the row's subject and bodies."""
    text = text or {}
    subject = text.get("subject", row.subject)
    body_text, body_html = text.get("body_text", row.body_text), text.get("body_html", row.body_html)
    msg = EmailMessage(policy=HEADER_POLICY)
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = row.recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(row.created_at.replace(tzinfo=UTC))
    msg["Message-ID"] = row.message_id
    msg.set_content(body_text or subject)
    if body_html:
        msg.add_alternative(body_html, subtype="html")
    return msg


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    queued_at: datetime
    created_at: datetime
    rendered: dict = field(default_factory=dict)  # written out by this worker: saved with the outcome


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool = False


def _describe(error):
    return f"{type(error).__name__}: {error}"[:ERROR_CHARS]


def _refusal(error):
    """A Failure for an SMTP answer: permanent for 5xx, to be retried for 4xx."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return Failure(_describe(error), permanent=bool(codes) and all(c >= 500 for c in codes))
    code = getattr(error, "smtp_code", 0) or 0
    return Failure(_describe(error), permanent=code >= 500)


def send_smtp(pairs, config):
    """{row id: None (sent) or Failure} for [(row, message)], over one SMTP connection."""
    results = {}
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    except (OSError, smtplib.SMTPException) as error:
        return {row.id: Failure(_describe(error)) for row, _ in pairs}
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for row, msg in pairs:
            try:
                smtp.send_message(msg)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                results[row.id] = _refusal(error)
                smtp.rset()
            else:
                results[row.id] = None
    except (OSError, smtplib.SMTPException) as error:
        # The connection broke: what was not settled is tried again later.
        failure = Failure(_describe(error))
        for row, _ in pairs:
            results.setdefault(row.id, failure)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return results


def write_files(pairs, config):
    """Without a mail server: one .eml file per message (written aside, then renamed in)."""
    folder = Path(config["MAIL_OUTBOX_DIR"])
    results = {}
    for row, msg in pairs:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{row.created_at:%Y%m%d-%H%M%S}-{row.id:08d}.eml"
            temp = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
            temp.write_bytes(bytes(msg))
            os.replace(temp, folder / name)
        except OSError as error:
            results[row.id] = Failure(_describe(error))
        else:
            results[row.id] = None
    return results


def backoff(attempts, config):
    """Seconds before the next try after `attempts` tries."""
    base = config["MAIL_RETRY_BASE_SECONDS"]
    return min(config["MAIL_RETRY_MAX_SECONDS"], base * 2 ** max(0, attempts - 1))


def claim(limit, token):
    """Take up to `limit` due rows for `token`; returns them.

    The UPDATE repeats the "due" condition and moves `next_try_at` past the lease, so of
    two workers that chose the same rows only the first to write gets them (SQLite writes
    one at a time; PostgreSQL also skips rows another claim holds locked).
    """
    config = current_app.config
    now = utcnow()
    due = (MailMessage.state.in_((QUEUED, SENDING)), MailMessage.next_try_at <= now)
    chosen = select(MailMessage.id).where(*due).order_by(MailMessage.next_try_at, MailMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        # Lock the chosen rows first: PostgreSQL may run an IN (… LIMIT n) subquery more than once.
        chosen = db.session.execute(chosen.with_for_update(skip_locked=True)).scalars().all()
    else:
        # SQLite: one statement, so the transaction starts by writing (a read first could not
        # be upgraded to a write once another worker has written).
        chosen = chosen.scalar_subquery()
    db.session.execute(
        update(MailMessage).where(MailMessage.id.in_(chosen), *due)
        .values(state=SENDING, claimed_by=token, attempts=MailMessage.attempts + 1,
                next_try_at=now + timedelta(seconds=config["MAIL_LEASE_SECONDS"]))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.execute(
        select(MailMessage).where(MailMessage.claimed_by == token, MailMessage.state == SENDING)
        .options(selectinload(MailMessage.user)).order_by(MailMessage.id)).scalars().all()


def settle(row, failure, token, config, now=None):
    """Record the outcome of one try (only while `token` still holds the row), with the text it
    was sent with when this worker wrote it out."""
    now = now or utcnow()
    if failure is None:
        values = {"state": SENT, "sent_at": now, "last_error": "", "claimed_by": None}
    else:
        give_up_at = row.queued_at + timedelta(seconds=config["MAIL_GIVE_UP_SECONDS"])
        if failure.permanent or now >= give_up_at:
            values = {"state": FAILED, "last_error": failure.error, "claimed_by": None}
        else:
            wait = timedelta(seconds=backoff(row.attempts, config))
            values = {"state": QUEUED, "last_error": failure.error, "claimed_by": None,
                      "next_try_at": min(now + wait, give_up_at)}
    db.session.execute(
        update(MailMessage).where(MailMessage.id == row.id, MailMessage.claimed_by == token)
        .values(**getattr(row, "rendered", {}), **values).execution_options(synchronize_session=False))


def deliver_due(limit=None):
    """Send what is due, batch after batch; returns {"sent": n, "retry": n, "failed": n}."""
    config = current_app.config
    limit = limit or config["MAIL_BATCH"]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    db.session.rollback()  # start from a fresh transaction: the claim is its first statement
    while True:
        token = uuid.uuid4().hex
        rows = claim(limit, token)
        if not rows:
            return counts
        # Plain records, and the read transaction ended, so that the outcomes are written by a
        # transaction that starts with a write (SQLite) and nothing is held during the send.
        pairs = [_written_out(row, config) for row in rows]
        db.session.rollback()
        transport = send_smtp if config.get("MAIL_SERVER") else write_files
        results = transport(pairs, config)
        now = utcnow()
        for row, _ in pairs:
            failure = results.get(row.id, Failure("not sent"))
            settle(row, failure, token, config, now)
            if failure is None:
                counts["sent"] += 1
            elif failure.permanent or now >= row.queued_at + timedelta(seconds=config["MAIL_GIVE_UP_SECONDS"]):
                counts["failed"] += 1
            else:
                counts["retry"] += 1
        db.session.commit()
        if len(rows) < limit:
            return counts


def _written_out(row, config):
    """(Claimed, e-mail) of a claimed row, its text written in its recipient's language if new."""
    text = rendered(row) or {}  # saved by `settle` with the outcome; the row itself is left as read
    return Claimed(row.id, row.attempts, row.queued_at, row.created_at, text), build_message(row, config, text)


def resend(row):
    """A failed message back in the queue, its give-up clock started again."""
    now = utcnow()
    row.state, row.attempts, row.queued_at, row.next_try_at, row.claimed_by = QUEUED, 0, now, now, None
    return row


def prune(older_than_days):
    """Delete sent and failed messages older than the given days; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.session.execute(delete(MailMessage).where(or_(
        (MailMessage.state == SENT) & (MailMessage.sent_at < cutoff),
        (MailMessage.state == FAILED) & (MailMessage.queued_at < cutoff))))
    return result.rowcount or 0
