"""Checking the log: the whole chain (`verify`), the part since the last check (`verify_recent`,
the audit page's), the events a page shows, and sealing the events older than seals."""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update

from portal.core.audit.chain import (
    EVENTS,
    GENESIS,
    HEAD,
    AuditHead,
    chain_pending,
    compute_hash,
    digests_equal,
    event_mac,
    head_mac,
    payload_of,
    verified_mac,
)
from portal.core.audit.checkpoints import Checkpoint, checkpoint_path, last_checkpoint, read_checkpoints
from portal.core.timeutil import utcnow
from portal.extensions import db


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
                row.mac is not None and not digests_equal(row.mac, event_mac(row))):
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
    if not digests_equal(head.mac, head_mac(head.seq, head.last_hash)):
        problems.append("the head of the log was changed outside the portal")


def _check_beyond(head_seq, problems):
    """Chained events past the head read at the start: legitimate only when the head has moved
    past them since (they are chained in the same commit that moves it)."""
    first = db.session.execute(select(func.min(EVENTS.c.seq)).where(EVENTS.c.seq > head_seq)).scalar()
    if first is None:
        return
    now = db.session.execute(select(HEAD.c.seq).where(HEAD.c.id == 1)).scalar() or 0
    if now < first:
        problems.append(f"event #{first} lies beyond the head of the log (#{now})")


def _check_pending(problems):
    for row in db.session.execute(select(EVENTS).where(EVENTS.c.seq.is_(None)).order_by(EVENTS.c.id)):
        if not digests_equal(row.mac, event_mac(row)):
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
        select(EVENTS).where(EVENTS.c.seq.is_not(None), EVENTS.c.seq <= (head.seq if head else 0))
        .order_by(EVENTS.c.seq).execution_options(yield_per=2000))

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
    if head is not None and head.verified_seq and digests_equal(
            head.verified_mac, verified_mac(head.verified_seq, head.verified_hash)):
        start, prev = head.verified_seq, head.verified_hash
    head_seq = head.seq if head is not None else 0
    # Only up to the head read above (more may be chained meanwhile); the limit keeps the
    # planner on the seq index even when its statistics are behind.
    rows = db.session.execute(select(EVENTS).where(EVENTS.c.seq >= max(start, 1), EVENTS.c.seq <= head_seq)
                              .order_by(EVENTS.c.seq).limit(head_seq - max(start, 1) + 1)).all()
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
            return db.session.execute(select(EVENTS.c.hash).where(EVENTS.c.seq == seq)).scalar_one_or_none()
        _check_checkpoint(point, hash_at, head.seq if head is not None else 0, problems, "the last checkpoint")
    if not problems:  # a problem keeps the position where it was: the next view checks from there again
        _remember(head, problems)
    return RecentCheck(problems, start, head.seq if head is not None else 0, point)


def check_shown(events):
    """The seal and own hash of each event a page shows (read anyway), wherever it is in the log:
    an old event edited in place is seen when it is looked at, before the next full check."""
    return [f"event #{e.seq} was altered after it was written" for e in events if e.seq is not None and (
        compute_hash(e.prev_hash or "", payload_of(e)) != e.hash or (e.mac is not None and not digests_equal(e.mac, event_mac(e))))]


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
        conn.execute(update(HEAD).where(HEAD.c.id == 1).values(**values))


def seal_unsealed(force=False):
    """Seal the events written before seals existed, once, after the upgrade that added them.

    Refused (returns the problems) when their chain is broken, when they are not all older
    than the sealed events, or when a checkpoint file exists (sealing happened before, so an
    unsealed event now means someone stripped it) unless `force`. Returns (sealed, problems)."""
    chain_pending()
    unsealed = db.session.execute(select(func.count()).select_from(EVENTS).where(
        EVENTS.c.mac.is_(None), EVENTS.c.seq.is_not(None))).scalar_one()
    if not unsealed:
        return 0, []
    problems = []
    if read_checkpoints(checkpoint_path()) and not force:
        problems.append(f"{checkpoint_path()} already holds checkpoints: the log was sealed before, "
                        "so events without a seal were stripped of it")
    newest_unsealed = db.session.execute(select(func.max(EVENTS.c.seq)).where(EVENTS.c.mac.is_(None))).scalar()
    oldest_sealed = db.session.execute(select(func.min(EVENTS.c.seq)).where(
        EVENTS.c.mac.is_not(None), EVENTS.c.seq.is_not(None))).scalar()
    if oldest_sealed is not None and oldest_sealed < newest_unsealed:
        problems.append(f"event #{newest_unsealed} has no seal but comes after the sealed event #{oldest_sealed}")
    rows = db.session.execute(select(EVENTS).where(EVENTS.c.seq.is_not(None)).order_by(EVENTS.c.seq)).all()
    last, prev, _ = _walk(rows, 0, GENESIS, problems)
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != last or head.last_hash != prev):
        problems.append(f"the log ends at #{last} but {head.seq} events were written")
    if problems:
        return 0, problems
    seals = [{"row_id": row.id, "new_mac": event_mac(row)} for row in rows if row.mac is None]
    db.session.execute(update(EVENTS).where(EVENTS.c.id == bindparam("row_id")).values(
        mac=bindparam("new_mac")), seals)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        mac=head_mac(last, prev), verified_seq=last, verified_hash=prev, verified_mac=verified_mac(last, prev),
        verified_at=utcnow()))
    db.session.commit()
    return len(seals), []
