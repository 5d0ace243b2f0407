"""Append-only, hash-chained audit log (nhật ký kiểm tra).

Each event stores the hash of the one before it, so an edited, inserted or
deleted event breaks the chain and `flask --app portal audit verify` says where.
Appends are serialised through the single `audit_head` row: the UPDATE that
opens an append takes a row lock on PostgreSQL and the write lock on SQLite,
so two workers can never chain onto the same predecessor.
"""
import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db

GENESIS = "0" * 64


class AuditHead(db.Model):
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    initiative_id: Mapped[int | None] = mapped_column(index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_audit_event_created_at", "created_at"),)

    actor = db.relationship("User", lazy="joined")

    def payload(self):
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "initiative_id": self.initiative_id,
            "data": self.data or {},
            "summary": self.summary or "",
        }


def compute_hash(prev_hash, payload):
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + "\n" + blob).encode()).hexdigest()


def ensure_head():
    if db.session.get(AuditHead, 1) is None:
        db.session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
        db.session.flush()


def record(action, *, actor=None, obj=None, object_type=None, object_id=None,
           initiative_id=None, data=None, summary=""):
    """Append one event in the caller's transaction; it commits with the change it describes."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    ensure_head()
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    seq, prev = db.session.execute(
        select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one()
    event = AuditEvent(
        seq=seq,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        initiative_id=initiative_id,
        data=_jsonable(data or {}),
        summary=summary,
        prev_hash=prev,
    )
    event.hash = compute_hash(prev, event.payload())
    db.session.add(event)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    return event


def _jsonable(data):
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def verify():
    """Walk the chain; return a list of problems (empty when the log is intact)."""
    problems = []
    prev = GENESIS
    expected_seq = 1
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for event in rows:
        if event.seq != expected_seq:
            problems.append(f"event #{expected_seq} is missing (next is #{event.seq})")
            expected_seq = event.seq
        if event.prev_hash != prev:
            problems.append(f"event #{event.seq} does not follow the event before it")
        if compute_hash(event.prev_hash, event.payload()) != event.hash:
            problems.append(f"event #{event.seq} was altered after it was written")
        prev = event.hash
        expected_seq += 1
    head = db.session.get(AuditHead, 1)
    last = expected_seq - 1
    if head is not None and (head.seq != last or head.last_hash != prev):
        problems.append(f"the log ends at #{last} but {head.seq} events were written")
    return problems
