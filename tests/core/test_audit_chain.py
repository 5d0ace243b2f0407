"""Chaining after commit: parallel writers get one gap-free chain, an open transaction holding an
event blocks no other writer, events written before seals existed are sealed once."""
import threading

import pytest
from sqlalchemy import select, text

from portal.core import audit
from portal.extensions import db


def _writer(app, errors, n, name, barrier):
    try:
        with app.app_context():
            barrier.wait()
            for i in range(n):
                audit.record("test.parallel", object_type="thing", object_id=f"{name}-{i}", summary=name)
                db.session.commit()
            db.session.remove()
    except Exception as error:  # reported by the test
        errors.append(error)


def test_parallel_writers_make_one_gap_free_chain(app):
    threads, errors, barrier = [], [], threading.Barrier(6)
    for t in range(6):
        threads.append(threading.Thread(target=_writer, args=(app, errors, 15, f"w{t}", barrier)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    seqs = db.session.execute(select(audit.AuditEvent.seq).order_by(audit.AuditEvent.seq)).scalars().all()
    assert seqs == list(range(1, 91))
    assert audit.verify() == []


def test_events_are_chained_when_their_transaction_commits(app):
    event = audit.record("test.one", summary="một")
    assert event.seq is None and event.mac  # sealed at once, placed in the chain at commit
    db.session.commit()
    assert event.seq == 1 and event.prev_hash == audit.GENESIS
    head = db.session.get(audit.AuditHead, 1)
    db.session.refresh(head)
    assert (head.seq, head.last_hash) == (1, event.hash)


def test_an_event_left_unchained_by_a_failure_is_chained_by_the_next_check(app, monkeypatch):
    monkeypatch.setattr(audit.chain, "chain_pending", lambda bind=None: (_ for _ in ()).throw(RuntimeError("down")))
    audit.record("test.late", summary="muộn")
    db.session.commit()  # the change is kept; chaining failed and was logged
    monkeypatch.undo()
    assert db.session.execute(text("SELECT seq FROM audit_event")).scalar() is None
    assert audit.verify() == []
    assert db.session.execute(text("SELECT seq FROM audit_event")).scalar() == 1


@pytest.mark.postgres_only
def test_an_open_transaction_with_an_event_does_not_block_another_writer(app):
    """Before: the first writer's UPDATE of audit_head held its row lock until commit."""
    holding, release, errors = threading.Event(), threading.Event(), []

    def slow_request():
        try:
            with app.app_context():
                audit.record("test.slow", summary="chậm")
                holding.set()
                release.wait(30)
                db.session.commit()
                db.session.remove()
        except Exception as error:
            errors.append(error)
            holding.set()

    thread = threading.Thread(target=slow_request)
    thread.start()
    assert holding.wait(30)
    try:
        db.session.execute(text("SET LOCAL lock_timeout = '3s'"))
        audit.record("test.fast", summary="nhanh")
        db.session.commit()  # would wait for the slow request's lock, and time out
    finally:
        release.set()
        thread.join(30)
    assert errors == []
    actions = db.session.execute(select(audit.AuditEvent.action).order_by(audit.AuditEvent.seq)).scalars().all()
    assert actions == ["test.fast", "test.slow"]  # in the order they committed
    assert audit.verify() == []


def _as_before_seals(n):
    """Events as the code before seals wrote them: chained under the plain SHA-256, no seal."""
    for i in range(n):
        audit.record("test.old", object_type="thing", object_id=i, summary=f"cũ {i}")
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET mac = NULL"))
        conn.execute(text("UPDATE audit_head SET mac = NULL"))
    db.session.expire_all()


def test_events_from_before_seals_are_reported_until_sealed(runner):
    _as_before_seals(5)
    assert audit.verify() == [
        "the head of the log was changed outside the portal",
        "5 events carry no seal: run `flask --app portal audit seal` once after the upgrade that brought seals"]
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 0 and "Sealed 5 events" in result.output
    assert audit.checkpoint_path().read_text().count(audit.CHECKPOINT_PREFIX) == 1
    assert audit.verify() == []


def test_init_db_seals_the_earlier_events(runner):
    from flask_migrate import stamp

    from tests.production.helpers import preserved_logging

    _as_before_seals(3)
    with preserved_logging():
        stamp()  # the test database is made from the models, so at the head revision already
    with preserved_logging():
        result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "sealed 3 earlier events" in result.output
    assert audit.verify() == []


def test_seal_refuses_a_broken_chain(runner):
    _as_before_seals(5)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 2"))
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 1 and "REFUSED: event #2 was altered" in result.output
    assert db.session.execute(text("SELECT COUNT(*) FROM audit_event WHERE mac IS NOT NULL")).scalar() == 0


def test_seal_refuses_once_the_log_has_checkpoints(runner):
    """Stripping the seals of a sealed log and asking for new ones would bless an edit."""
    for i in range(4):
        audit.record("test.new", summary=f"mới {i}")
    db.session.commit()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET mac = NULL"))
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 1 and "already holds checkpoints" in result.output


def test_a_savepoint_inside_the_transaction_does_not_chain_early(app, caplog):
    """SQLAlchemy sends after_commit for a savepoint too: chaining then would wait on the outer
    transaction's own lock (on SQLite: 15 s, then "database is locked")."""
    import time

    audit.record("test.outer", summary="trước điểm lưu")
    start = time.perf_counter()
    with db.session.begin_nested():
        audit.record("test.inner", summary="trong điểm lưu")
    assert time.perf_counter() - start < 2
    assert "chaining pending events failed" not in caplog.text
    db.session.commit()
    seqs = db.session.execute(select(audit.AuditEvent.seq).where(
        audit.AuditEvent.action.in_(["test.outer", "test.inner"]))).scalars().all()
    assert len(seqs) == 2 and None not in seqs
