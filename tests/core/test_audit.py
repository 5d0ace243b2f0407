"""The audit log is hash-chained: an edited, deleted or last-deleted event is detected."""
import pytest
from sqlalchemy import text

from portal.core import audit
from portal.extensions import db


@pytest.fixture
def events(make_user):
    actor = make_user("nguoi.ghi")
    for i in range(40):
        audit.record("test.event", actor=actor, object_type="thing", object_id=i,
                     initiative_id=i % 3 or None, data={"n": i, "chữ": "Tiếng Việt có dấu"},
                     summary=f"Sự kiện số {i}")
        if i % 10 == 9:
            db.session.commit()  # several transactions, as in real use
    db.session.commit()
    return 40


def verify_cli(runner):
    return runner.invoke(args=["audit", "verify"])


def test_chain_is_intact_after_many_events(runner, events):
    assert audit.verify() == []
    result = verify_cli(runner)
    assert result.exit_code == 0, result.output
    assert "Audit log intact" in result.output


def test_each_event_chains_onto_the_one_before(events):
    rows = db.session.execute(db.select(audit.AuditEvent).order_by(audit.AuditEvent.seq)).scalars().all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


def test_rolled_back_events_leave_no_gap(events, make_user):
    audit.record("test.discarded", summary="rolled back")
    db.session.rollback()
    audit.record("test.kept", summary="kept")
    db.session.commit()
    assert audit.verify() == []


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 7",
    "UPDATE audit_event SET actor_id = NULL WHERE seq = 7",
    "UPDATE audit_event SET action = 'test.other' WHERE seq = 7",
    "UPDATE audit_event SET created_at = created_at WHERE seq = 7 AND 1 = 0",  # no change: still intact
])
def test_edited_event_is_detected(runner, events, statement):
    with db.engine.begin() as conn:
        changed = conn.execute(text(statement)).rowcount
    db.session.expire_all()
    problems = audit.verify()
    result = verify_cli(runner)
    if changed:
        assert problems == ["event #7 was altered after it was written"]
        assert result.exit_code == 1
        assert "TAMPERED: event #7 was altered" in result.output
    else:
        assert problems == [] and result.exit_code == 0


def test_edited_event_with_a_recomputed_hash_is_detected(runner, events):
    """Rewriting an event and its own hash breaks its seal and the link to the next one."""
    event = db.session.execute(db.select(audit.AuditEvent).where(audit.AuditEvent.seq == 7)).scalar_one()
    event.summary = "đã sửa"
    forged = audit.compute_hash(event.prev_hash, event.payload())
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'đã sửa', hash = :h WHERE seq = 7"), {"h": forged})
    db.session.rollback()
    db.session.expire_all()
    assert audit.verify() == ["event #7 was altered after it was written",
                              "event #8 does not follow the event before it"]
    assert verify_cli(runner).exit_code == 1


def test_deleted_event_is_detected(runner, events):
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 12"))
    db.session.expire_all()
    problems = audit.verify()
    assert "event #12 is missing (next is #13)" in problems
    assert "event #13 does not follow the event before it" in problems
    result = verify_cli(runner)
    assert result.exit_code == 1 and "event #12 is missing" in result.output


def test_last_event_deleted_is_detected(runner, events):
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)"))
    db.session.expire_all()
    assert audit.verify() == ["the log ends at #39 but 40 events were written"]
    result = verify_cli(runner)
    assert result.exit_code == 1 and "ends at #39" in result.output


def test_every_event_deleted_is_detected(runner, events):
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    db.session.expire_all()
    assert audit.verify() == ["the log ends at #0 but 40 events were written"]
    assert verify_cli(runner).exit_code == 1


def test_inserted_event_is_detected(events):
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_event (seq, created_at, action, object_type, data, prev_hash, hash, summary) "
            "VALUES (41, '2026-01-01 00:00:00', 'test.forged', '', '{}', 'x', 'y', '')"))
    db.session.expire_all()
    problems = audit.verify()
    assert "event #41 lies beyond the head of the log (#40)" in problems
