"""Append-only, hash-chained and sealed audit log (nhật ký kiểm tra).

Three things make the log hard to rewrite without being noticed:

- Each event is **sealed** when it is written: `mac` is an HMAC of its id and content
  under the audit key, which is not in the database (derived from `AUDIT_KEY`, else
  from the instance's `SECRET_KEY`, with a label). Someone who can write SQL but does
  not hold the key cannot edit, forge or copy an event.
- Events are **chained**: each stores the hash of the one before it and its place
  (`seq`) in the chain; the head row keeps the last place and hash under its own HMAC,
  so deleting the tail and rewinding the head is noticed too.
- **Checkpoints** (`flask --app portal audit checkpoint`) append the head (place, hash,
  time, HMAC) to a file outside the database and print it for keeping off the server:
  a log wiped or rebuilt from scratch no longer holds what a checkpoint saw.

Writing and chaining are apart so that no request holds a lock for long: `record`
inserts the sealed event in the caller's transaction (no lock), and right after that
transaction commits the pending events are chained in id order in a short transaction
of their own, which is the only place the head row is locked. A rolled-back event is
never chained, so the chain has no gaps; an event without a valid seal is never chained.
"""
import hashlib
import hmac
import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import JSON, ForeignKey, Index, String, Text, bindparam, event, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db

GENESIS = "0" * 64
KEY_LABEL = b"sangkien audit seal v1"
PENDING = "audit_pending"
CHECKPOINT_PREFIX = "sangkien-audit-checkpoint v1"
CHECKPOINT_LINE = re.compile(
    r"^" + re.escape(CHECKPOINT_PREFIX) + r" seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64}) "
    r"at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{64})$")

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


def _same(a, b):
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


_table = AuditEvent.__table__
_head = AuditHead.__table__


def chain_pending(bind=None):
    """Give every committed, sealed and not yet chained event its place, in id order.

    The head row is locked (row lock on PostgreSQL, the write lock on SQLite) only for this
    short transaction. Returns how many events were chained."""
    bind = bind or db.engine
    with bind.begin() as conn:
        conn.execute(update(_head).where(_head.c.id == 1).values(seq=_head.c.seq))  # take the lock first
        head = conn.execute(select(_head.c.seq, _head.c.last_hash).where(_head.c.id == 1)).one_or_none()
        if head is None:
            conn.execute(_head.insert().values(id=1, seq=0, last_hash=GENESIS, mac=head_mac(0, GENESIS)))
            seq, prev = 0, GENESIS
        else:
            seq, prev = head
        rows = conn.execute(select(_table).where(_table.c.seq.is_(None)).order_by(_table.c.id)).all()
        links = []
        for row in rows:
            if not _same(row.mac, event_mac(row)):
                continue  # not written by the portal: left out of the chain, reported by verify
            seq += 1
            digest = compute_hash(prev, payload_of(row, seq))
            links.append({"row_id": row.id, "new_seq": seq, "new_prev": prev, "new_hash": digest})
            prev = digest
        if not links:
            return 0
        conn.execute(update(_table).where(_table.c.id == bindparam("row_id"), _table.c.seq.is_(None)).values(
            seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")), links)
        conn.execute(update(_head).where(_head.c.id == 1).values(seq=seq, last_hash=prev,
                                                                 mac=head_mac(seq, prev)))
    return len(links)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str

    @property
    def line(self):
        return f"{CHECKPOINT_PREFIX} seq={self.seq} hash={self.hash} at={self.at} mac={self.mac}"

    @property
    def moment(self):
        """When it was taken, as naive UTC like every stored time."""
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ")

    def genuine(self):
        return _same(self.mac, checkpoint_mac(self.seq, self.hash, self.at))


def checkpoint_path():
    configured = os.environ.get("PORTAL_AUDIT_CHECKPOINTS") or current_app.config.get("AUDIT_CHECKPOINT_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-checkpoints.log"


def read_checkpoints(path):
    """The checkpoint lines of a file: [(line number, Checkpoint or None when unreadable)]."""
    path = Path(path)
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = CHECKPOINT_LINE.match(line)
        found.append((number, Checkpoint(int(match["seq"]), match["hash"], match["at"], match["mac"])
                      if match else None))
    return found


def last_checkpoint(path):
    """The last line of the file that reads as a checkpoint (read from the end: the file only grows)."""
    path = Path(path)
    if not path.exists():
        return None
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 4096))
        tail = f.read().decode("utf-8", "replace").splitlines()
    for line in reversed(tail):
        match = CHECKPOINT_LINE.match(line.strip())
        if match:
            return Checkpoint(int(match["seq"]), match["hash"], match["at"], match["mac"])
    return None


def write_checkpoint(path=None):
    """Append the head to the checkpoint file (created 0600, opened for appending only)."""
    chain_pending()
    head = db.session.get(AuditHead, 1)
    db.session.refresh(head)
    at = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    point = Checkpoint(head.seq, head.last_hash, at, checkpoint_mac(head.seq, head.last_hash, at))
    path = Path(path or checkpoint_path())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (point.line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return point


def _walk(rows, seq, prev, problems):
    """Check chained rows in order after place `seq` with hash `prev`; return the last place,
    its hash, the hash found at each place, and how many carry no seal."""
    expected = seq + 1
    unsealed = 0
    for row in rows:
        if row.seq != expected:
            problems.append(f"event #{expected} is missing (next is #{row.seq})")
            expected = row.seq
        if row.prev_hash != prev:
            problems.append(f"event #{row.seq} does not follow the event before it")
        if row.mac is None:
            unsealed += 1
        if compute_hash(row.prev_hash or "", payload_of(row)) != row.hash or (
                row.mac is not None and not _same(row.mac, event_mac(row))):
            problems.append(f"event #{row.seq} was altered after it was written")
        prev = row.hash
        expected += 1
    return expected - 1, prev, unsealed


def _check_head(head, last, prev, problems):
    if head is None:
        if last:
            problems.append(f"the log ends at #{last} but its head is gone")
        return
    if head.seq != last or head.last_hash != prev:
        problems.append(f"the log ends at #{last} but {head.seq} events were written")
    if not _same(head.mac, head_mac(head.seq, head.last_hash)):
        problems.append("the head of the log was changed outside the portal")


def _check_beyond(head_seq, problems):
    """Chained events past the head read at the start: legitimate only when the head has moved
    past them since (they are chained in the same commit that moves it)."""
    first = db.session.execute(select(func.min(_table.c.seq)).where(_table.c.seq > head_seq)).scalar()
    if first is None:
        return
    now = db.session.execute(select(_head.c.seq).where(_head.c.id == 1)).scalar() or 0
    if now < first:
        problems.append(f"event #{first} lies beyond the head of the log (#{now})")


def _check_pending(problems):
    for row in db.session.execute(select(_table).where(_table.c.seq.is_(None)).order_by(_table.c.id)):
        if not _same(row.mac, event_mac(row)):
            problems.append(f"an event not written by the portal waits outside the chain (id {row.id})")


def _check_checkpoint(point, hashes, head_seq, problems, where):
    if point is None:
        problems.append(f"{where} is not a checkpoint line")
        return
    if not point.genuine():
        problems.append(f"{where} was not written by the portal (its HMAC is wrong)")
    if point.seq > head_seq:
        problems.append(f"the checkpoint of {point.at} saw #{point.seq} but the log now ends at #{head_seq}")
    elif point.seq and hashes(point.seq) != point.hash:
        problems.append(f"the log no longer holds what the checkpoint of {point.at} saw at #{point.seq}")


def verify(extra_checkpoints=()):
    """Walk the whole chain and check every seal, the head and every checkpoint (the
    instance's file and `extra_checkpoints`, such as off-site copies). Returns a list of
    problems, empty when the log is intact; when intact, the verified position moves to the head."""
    chain_pending()
    problems = []
    hashes = {}
    # The head first, then the events up to it: others may chain more meanwhile (on PostgreSQL
    # each statement sees the latest commits), and those are not this check's business.
    head = db.session.get(AuditHead, 1)
    if head is not None:
        db.session.refresh(head)
    rows = db.session.execute(
        select(_table).where(_table.c.seq.is_not(None), _table.c.seq <= (head.seq if head else 0))
        .order_by(_table.c.seq).execution_options(yield_per=2000))

    def remembered(stream):
        for row in stream:
            hashes[row.seq] = row.hash
            yield row

    last, prev, unsealed = _walk(remembered(rows), 0, GENESIS, problems)
    _check_head(head, last, prev, problems)
    _check_beyond(head.seq if head is not None else 0, problems)
    if unsealed:
        problems.append(f"{unsealed} events carry no seal: run `flask --app portal audit seal` "
                        "once after the upgrade that brought seals")
    _check_pending(problems)
    head_seq = head.seq if head is not None else 0
    for source in (checkpoint_path(), *extra_checkpoints):
        for number, point in read_checkpoints(source):
            _check_checkpoint(point, hashes.get, head_seq, problems, f"line {number} of {source}")
    _remember(head, problems)
    return problems


@dataclass
class RecentCheck:
    problems: list
    from_seq: int        # where this check started (0: from the first event)
    head_seq: int
    checkpoint: Checkpoint | None


def verify_recent():
    """The check the audit page makes: from the last verified position to the head, the head
    and the last checkpoint, in a fixed number of queries. A full check (`verify`) also
    re-reads the older events; it clears the verified position when it finds a problem, so that
    the page then walks the whole log and shows it."""
    chain_pending()
    problems = []
    head = db.session.execute(select(AuditHead).where(AuditHead.id == 1)
                              .execution_options(populate_existing=True)).scalar_one_or_none()
    start, prev = 0, GENESIS
    if head is not None and head.verified_seq and _same(
            head.verified_mac, verified_mac(head.verified_seq, head.verified_hash)):
        start, prev = head.verified_seq, head.verified_hash
    head_seq = head.seq if head is not None else 0
    # Only up to the head read above (more may be chained meanwhile); the limit keeps the
    # planner on the seq index even when its statistics are behind.
    rows = db.session.execute(select(_table).where(_table.c.seq >= max(start, 1), _table.c.seq <= head_seq)
                              .order_by(_table.c.seq).limit(head_seq - max(start, 1) + 1)).all()
    if start:
        if not rows or rows[0].seq != start or rows[0].hash != prev:
            problems.append(f"event #{start}, found intact before, is gone or was changed")
        else:
            rows = rows[1:]
    hashes = {row.seq: row.hash for row in rows}
    last, last_hash, unsealed = _walk(rows, start, prev, problems)
    _check_head(head, last, last_hash, problems)
    _check_beyond(head_seq, problems)
    if unsealed:
        problems.append(f"{unsealed} events carry no seal: run `flask --app portal audit seal` "
                        "once after the upgrade that brought seals")
    point = last_checkpoint(checkpoint_path())
    if point is not None:
        def hash_at(seq):
            if seq in hashes:
                return hashes[seq]
            return db.session.execute(select(_table.c.hash).where(_table.c.seq == seq)).scalar_one_or_none()
        _check_checkpoint(point, hash_at, head.seq if head is not None else 0, problems, "the last checkpoint")
    if not problems:  # a problem keeps the position where it was: the next view checks from there again
        _remember(head, problems)
    return RecentCheck(problems, start, head.seq if head is not None else 0, point)


def check_shown(events):
    """The seal and own hash of each event a page shows (read anyway), wherever it is in the log:
    an old event edited in place is seen when it is looked at, before the next full check."""
    return [f"event #{e.seq} was altered after it was written" for e in events if e.seq is not None and (
        compute_hash(e.prev_hash or "", payload_of(e)) != e.hash or (e.mac is not None and not _same(e.mac, event_mac(e))))]


def _remember(head, problems):
    """Store how far the log is known intact (sealed, so it cannot be moved by hand), or forget
    it. Written on a connection of its own, so the caller's transaction is left as it was."""
    if head is None:
        return
    if problems:
        values = {"verified_seq": None, "verified_hash": None, "verified_mac": None}
    else:
        values = {"verified_seq": head.seq, "verified_hash": head.last_hash,
                  "verified_mac": verified_mac(head.seq, head.last_hash), "verified_at": utcnow()}
    if head.verified_seq == values["verified_seq"] and head.verified_hash == values["verified_hash"]:
        return
    with db.engine.begin() as conn:
        conn.execute(update(_head).where(_head.c.id == 1).values(**values))


def seal_unsealed(force=False):
    """Seal the events written before seals existed, once, after the upgrade that added them.

    Refused (returns the problems) when their chain is broken, when they are not all older
    than the sealed events, or when a checkpoint file exists (sealing happened before, so an
    unsealed event now means someone stripped it) unless `force`. Returns (sealed, problems)."""
    chain_pending()
    unsealed = db.session.execute(select(func.count()).select_from(_table).where(
        _table.c.mac.is_(None), _table.c.seq.is_not(None))).scalar_one()
    if not unsealed:
        return 0, []
    problems = []
    if read_checkpoints(checkpoint_path()) and not force:
        problems.append(f"{checkpoint_path()} already holds checkpoints: the log was sealed before, "
                        "so events without a seal were stripped of it")
    newest_unsealed = db.session.execute(select(func.max(_table.c.seq)).where(_table.c.mac.is_(None))).scalar()
    oldest_sealed = db.session.execute(select(func.min(_table.c.seq)).where(
        _table.c.mac.is_not(None), _table.c.seq.is_not(None))).scalar()
    if oldest_sealed is not None and oldest_sealed < newest_unsealed:
        problems.append(f"event #{newest_unsealed} has no seal but comes after the sealed event #{oldest_sealed}")
    rows = db.session.execute(select(_table).where(_table.c.seq.is_not(None)).order_by(_table.c.seq)).all()
    last, prev, _ = _walk(rows, 0, GENESIS, problems)
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != last or head.last_hash != prev):
        problems.append(f"the log ends at #{last} but {head.seq} events were written")
    if problems:
        return 0, problems
    seals = [{"row_id": row.id, "new_mac": event_mac(row)} for row in rows if row.mac is None]
    db.session.execute(update(_table).where(_table.c.id == bindparam("row_id")).values(
        mac=bindparam("new_mac")), seals)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        mac=head_mac(last, prev), verified_seq=last, verified_hash=prev, verified_mac=verified_mac(last, prev),
        verified_at=utcnow()))
    db.session.commit()
    return len(seals), []
