"""Writing, sealing and chaining audit events; the keys and hashes the checks share."""
import hashlib
import hmac
import json
import logging
import os
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import JSON, ForeignKey, Index, String, Text, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db

GENESIS = "0" * 64
KEY_LABEL = b"sangkien audit seal v1"
PENDING = "audit_pending"
log = logging.getLogger(__name__)


class AuditHead(db.Model):
    """The chain's last place and hash (sealed), and how far the log was last found intact."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    mac: Mapped[str | None] = mapped_column(String(64))
    verified_seq: Mapped[int | None] = mapped_column()
    verified_hash: Mapped[str | None] = mapped_column(String(64))
    verified_mac: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column()


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(unique=True)  # its place in the chain, once chained
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    initiative_id: Mapped[int | None] = mapped_column(index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))  # the seal: HMAC of id and content
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_audit_event_created_at", "created_at"),)

    actor = db.relationship("User", lazy="joined")

    def payload(self):
        return payload_of(self)


def payload_of(row, seq=None):
    """What the chain hash covers (an ORM event or a Core row)."""
    return {
        "seq": row.seq if seq is None else seq,
        "created_at": row.created_at.isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "initiative_id": row.initiative_id,
        "data": row.data or {},
        "summary": row.summary or "",
    }


def _blob(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def compute_hash(prev_hash, payload):
    return hashlib.sha256((prev_hash + "\n" + _blob(payload)).encode()).hexdigest()


def audit_key(app=None):
    """The sealing key: HMAC(AUDIT_KEY or SECRET_KEY, label). Never stored in the database."""
    app = app or current_app
    key = app.extensions.get("audit_key")
    if key is None:
        material = os.environ.get("AUDIT_KEY") or app.config.get("AUDIT_KEY") or app.config["SECRET_KEY"]
        if isinstance(material, str):
            material = material.encode()
        key = app.extensions["audit_key"] = hmac.new(material, KEY_LABEL, hashlib.sha256).digest()
    return key


def _mac(*parts):
    message = "\n".join(str(p) for p in parts).encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def event_mac(row):
    """The seal of an event: its id and everything it says except its place in the chain."""
    content = payload_of(row)
    del content["seq"]
    return _mac("event", row.id, _blob(content))


def head_mac(seq, last_hash):
    return _mac("head", seq, last_hash)


def verified_mac(seq, last_hash):
    return _mac("verified", seq, last_hash)


def checkpoint_mac(seq, last_hash, at):
    return _mac("checkpoint", seq, last_hash, at)


def digests_equal(a, b):
    return a is not None and b is not None and hmac.compare_digest(a, b)


def ensure_head():
    if db.session.get(AuditHead, 1) is None:
        db.session.add(AuditHead(id=1, seq=0, last_hash=GENESIS, mac=head_mac(0, GENESIS)))
        db.session.flush()


def record(action, *, actor=None, obj=None, object_type=None, object_id=None,
           initiative_id=None, data=None, summary=""):
    """Write one sealed event in the caller's transaction; it commits with the change it
    describes and is chained right after that commit."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    event_row = AuditEvent(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        initiative_id=initiative_id,
        data=_jsonable(data or {}),
        summary=summary,
    )
    db.session.add(event_row)
    db.session.flush()  # the id, which the seal covers
    event_row.mac = event_mac(event_row)
    db.session.info[PENDING] = True
    return event_row


def _jsonable(data):
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


@event.listens_for(Session, "after_commit")
def _chain_after_commit(session):
    # SQLAlchemy sends after_commit for a savepoint's commit too; the outer transaction still
    # holds its locks then (on SQLite the write lock), so chaining waits for the real commit.
    if session.in_nested_transaction():
        return
    if session.info.pop(PENDING, False) and has_app_context():
        try:
            chain_pending(session.get_bind())
        except Exception:  # the change is committed; its events are chained by the next commit or check
            log.exception("audit: chaining pending events failed")


@event.listens_for(Session, "after_rollback")
def _forget_pending(session):
    session.info.pop(PENDING, None)


EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__


def chain_pending(bind=None):
    """Give every committed, sealed and not yet chained event its place, in id order.

    The head row is locked (row lock on PostgreSQL, the write lock on SQLite) only for this
    short transaction. Returns how many events were chained."""
    bind = bind or db.engine
    with bind.begin() as conn:
        conn.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=HEAD.c.seq))  # take the lock first
        head = conn.execute(select(HEAD.c.seq, HEAD.c.last_hash).where(HEAD.c.id == 1)).one_or_none()
        if head is None:
            conn.execute(HEAD.insert().values(id=1, seq=0, last_hash=GENESIS, mac=head_mac(0, GENESIS)))
            seq, prev = 0, GENESIS
        else:
            seq, prev = head
        rows = conn.execute(select(EVENTS).where(EVENTS.c.seq.is_(None)).order_by(EVENTS.c.id)).all()
        links = []
        for row in rows:
            if not digests_equal(row.mac, event_mac(row)):
                continue  # not written by the portal: left out of the chain, reported by verify
            seq += 1
            digest = compute_hash(prev, payload_of(row, seq))
            links.append({"row_id": row.id, "new_seq": seq, "new_prev": prev, "new_hash": digest})
            prev = digest
        if not links:
            return 0
        conn.execute(update(EVENTS).where(EVENTS.c.id == bindparam("row_id"), EVENTS.c.seq.is_(None)).values(
            seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")), links)
        conn.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=seq, last_hash=prev,
                                                                 mac=head_mac(seq, prev)))
    return len(links)


