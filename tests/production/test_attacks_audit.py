"""Attacks on the audit trail by someone who can write SQL but holds neither the audit key nor
the copies of the checkpoints kept off the server: every rewrite is done with raw SQL, as such an
attacker would, and `audit verify` (and the audit page) must notice."""
import pytest
from sqlalchemy import text

from portal.core import audit
from portal.extensions import db


@pytest.fixture
def actor(make_user):
    return make_user("thu.ky", full_name="Trần Thư Ký")


@pytest.fixture
def admin(make_user):
    return make_user("quantri", roles=("admin",), full_name="Quản Trị Viên")


@pytest.fixture
def admin_client(client, admin):
    return client.login(admin)


def write_events(actor, n, start=0, action="test.event"):
    for i in range(start, start + n):
        audit.record(action, actor=actor, object_type="thing", object_id=i, initiative_id=7,
                     data={"n": i}, summary=f"Sự kiện {i}")
        if i % 50 == 49:
            db.session.commit()
    db.session.commit()


def sql(statement, **params):
    with db.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        rows = result.fetchall() if result.returns_rows else None
    db.session.expire_all()
    return rows


def rechain(from_seq=1):
    """Recompute every hash from `from_seq` on with the (public) SHA-256 formula, and the head."""
    rows = sql("SELECT * FROM audit_event WHERE seq IS NOT NULL ORDER BY seq")
    prev = audit.GENESIS
    with db.engine.begin() as conn:
        for row in rows:
            if row.seq >= from_seq:
                digest = audit.compute_hash(prev, audit.payload_of(_Row(row)))
                conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                             {"p": prev, "h": digest, "i": row.id})
                prev = digest
            else:
                prev = row.hash
        conn.execute(text("UPDATE audit_head SET seq = :s, last_hash = :h"), {"s": rows[-1].seq, "h": prev})
    db.session.expire_all()


class _Row:
    """A raw row read as the attacker's script would (JSON as text on SQLite)."""
    def __init__(self, row):
        import json
        from datetime import datetime

        self.__dict__.update(row._asdict())
        if isinstance(self.data, str):
            self.data = json.loads(self.data)
        if isinstance(self.created_at, str):
            self.created_at = datetime.fromisoformat(self.created_at)


def cli(runner, *args):
    return runner.invoke(args=["audit", *args])


def assert_tampered(runner, problems, expected):
    assert any(expected in p for p in problems), problems
    result = cli(runner, "verify")
    assert result.exit_code == 1, result.output
    assert "TAMPERED" in result.output and expected in result.output


def test_an_untouched_log_with_checkpoints_verifies(runner, actor):
    write_events(actor, 30)
    first = cli(runner, "checkpoint")
    assert first.exit_code == 0, first.output
    write_events(actor, 10, start=30)
    assert cli(runner, "checkpoint").exit_code == 0
    assert audit.verify() == []
    result = cli(runner, "verify")
    assert result.exit_code == 0 and "Audit log intact: 40 events." in result.output


def test_deleting_the_tail_and_rewinding_the_head_is_detected(runner, actor):
    write_events(actor, 40)
    sql("DELETE FROM audit_event WHERE seq > 35")
    sql("UPDATE audit_head SET seq = 35, last_hash = (SELECT hash FROM audit_event WHERE seq = 35)")
    assert_tampered(runner, audit.verify(), "the head of the log was changed outside the portal")


def test_deleting_the_tail_and_restoring_an_old_head_row_is_caught_by_the_checkpoint(runner, actor):
    write_events(actor, 35)
    old_head = sql("SELECT seq, last_hash, mac FROM audit_head")[0]  # e.g. from an old backup
    write_events(actor, 5, start=35)
    assert cli(runner, "checkpoint").exit_code == 0
    sql("DELETE FROM audit_event WHERE seq > 35")
    sql("UPDATE audit_head SET seq = :s, last_hash = :h, mac = :m", s=old_head.seq, h=old_head.last_hash,
        m=old_head.mac)
    assert_tampered(runner, audit.verify(), "saw #40 but the log now ends at #35")


def test_wiping_the_log_and_resetting_the_head_is_caught_by_the_checkpoint(runner, actor, app):
    fresh_head = sql("SELECT seq, last_hash, mac FROM audit_head")[0]  # as a fresh install has it
    write_events(actor, 40)
    assert cli(runner, "checkpoint").exit_code == 0
    sql("DELETE FROM audit_event")
    sql("UPDATE audit_head SET seq = :s, last_hash = :h, mac = :m, verified_seq = NULL",
        s=fresh_head.seq, h=fresh_head.last_hash, m=fresh_head.mac)
    assert_tampered(runner, audit.verify(), "saw #40 but the log now ends at #0")


def test_the_off_site_copy_catches_a_wipe_that_also_removed_the_local_checkpoints(runner, actor, app,
                                                                                  tmp_path):
    fresh_head = sql("SELECT seq, last_hash, mac FROM audit_head")[0]
    write_events(actor, 20)
    printed = cli(runner, "checkpoint")
    offsite = tmp_path / "mailed-checkpoints.txt"
    offsite.write_text(printed.stdout)  # what cron mailed away
    sql("DELETE FROM audit_event")
    sql("UPDATE audit_head SET seq = :s, last_hash = :h, mac = :m", s=fresh_head.seq,
        h=fresh_head.last_hash, m=fresh_head.mac)
    audit.checkpoint_path().unlink()
    assert audit.verify() == []  # nothing left on the server to compare with …
    problems = audit.verify([offsite])  # … but the copy off the server remembers
    assert any("saw #20 but the log now ends at #0" in p for p in problems)
    result = cli(runner, "verify", "--checkpoints", str(offsite))
    assert result.exit_code == 1 and "saw #20" in result.output


def test_editing_an_old_reviews_scores_and_rechaining_the_later_events_is_detected(runner, actor):
    audit.record("council.review_submitted", actor=actor, object_type="review", object_id=1, initiative_id=7,
                 data={"scores": {"novelty": 10, "applicability": 12, "effectiveness": 15}, "total": 37},
                 summary="Phiếu chấm đã nộp")
    db.session.commit()
    write_events(actor, 300, start=1)
    as_json = "CAST(:d AS json)" if db.engine.dialect.name == "postgresql" else ":d"
    sql(f"UPDATE audit_event SET data = {as_json} WHERE seq = 1",
        d='{"scores": {"novelty": 30, "applicability": 30, "effectiveness": 40}, "total": 100}')
    rechain()
    problems = audit.verify()
    assert problems == ["event #1 was altered after it was written",
                        "the head of the log was changed outside the portal"]
    assert_tampered(runner, problems, "event #1 was altered")


def test_deleting_a_middle_event_and_rechaining_is_detected(runner, actor):
    write_events(actor, 40)
    sql("DELETE FROM audit_event WHERE seq = 12")
    # In two steps, as an attacker on PostgreSQL must: its unique check is per row,
    # in whatever order the rows lie on disk.
    sql("UPDATE audit_event SET seq = 1 - seq WHERE seq > 12")
    sql("UPDATE audit_event SET seq = -seq WHERE seq < 0")
    rechain()
    assert_tampered(runner, audit.verify(), "the head of the log was changed outside the portal")


def test_a_forged_event_is_never_chained(runner, actor):
    write_events(actor, 5)
    sql("INSERT INTO audit_event (created_at, action, object_type, data, summary) "
        "VALUES ('2026-01-01 00:00:00', 'initiative.recognize', 'initiative', '{}', 'giả mạo')")
    write_events(actor, 2, start=5)  # the next commit chains what is pending
    assert sql("SELECT seq FROM audit_event WHERE action = 'initiative.recognize'")[0].seq is None
    assert [r.seq for r in sql("SELECT seq FROM audit_event WHERE seq IS NOT NULL ORDER BY seq")] == list(
        range(1, 8))
    assert_tampered(runner, audit.verify(), "an event not written by the portal waits outside the chain")


def test_a_copied_event_keeps_no_valid_seal(runner, actor):
    write_events(actor, 5)
    sql("INSERT INTO audit_event (created_at, actor_id, action, object_type, object_id, initiative_id, data, "
        "summary, mac) SELECT created_at, actor_id, action, object_type, object_id, initiative_id, data, "
        "summary, mac FROM audit_event WHERE seq = 3")
    assert_tampered(runner, audit.verify(), "an event not written by the portal waits outside the chain")


def test_a_forged_checkpoint_line_is_reported(runner, actor):
    write_events(actor, 5)
    assert cli(runner, "checkpoint").exit_code == 0
    with audit.checkpoint_path().open("a") as f:
        f.write(f"{audit.CHECKPOINT_PREFIX} seq=3 hash={'a' * 64} at=2026-01-01T00:00:00Z mac={'b' * 64}\n")
    problems = audit.verify()
    assert any("was not written by the portal (its HMAC is wrong)" in p for p in problems)
    assert any("no longer holds what the checkpoint of 2026-01-01T00:00:00Z saw at #3" in p for p in problems)


def test_checkpoint_refuses_to_vouch_for_a_rewritten_log(runner, actor):
    write_events(actor, 10)
    sql("UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 10")
    result = cli(runner, "checkpoint")
    assert result.exit_code == 1 and "event #10 was altered" in result.output
    assert not audit.checkpoint_path().exists()


def test_the_checkpoint_file_is_private_and_only_grows(runner, actor):
    write_events(actor, 3)
    first = cli(runner, "checkpoint").stdout.strip()
    write_events(actor, 3, start=3)
    second = cli(runner, "checkpoint").stdout.strip()
    path = audit.checkpoint_path()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().splitlines() == [first, second]
    assert " seq=3 " in first and " seq=6 " in second


def test_seals_need_the_key_an_app_with_another_key_sees_every_event_as_forged(app, actor):
    write_events(actor, 5)
    app.extensions.pop("audit_key", None)
    app.config["SECRET_KEY"] = "another-secret"
    try:
        problems = audit.verify()
    finally:
        app.config["SECRET_KEY"] = "test-secret"
        app.extensions.pop("audit_key", None)
    assert "event #1 was altered after it was written" in problems
    assert "the head of the log was changed outside the portal" in problems


def test_audit_key_keeps_the_seals_when_the_secret_key_is_rotated(app, actor):
    write_events(actor, 5)
    app.extensions.pop("audit_key", None)
    app.config.update(SECRET_KEY="rotated-secret", AUDIT_KEY="test-secret")
    try:
        assert audit.verify() == []
    finally:
        app.config.update(SECRET_KEY="test-secret")
        app.config.pop("AUDIT_KEY")
        app.extensions.pop("audit_key", None)


# -- the audit page ---------------------------------------------------------------------------------

def test_the_page_notices_a_rewound_tail(admin_client, admin):
    write_events(admin, 30)
    assert 'data-testid="chain-ok"' in admin_client.get("/admin/audit").get_data(as_text=True)
    write_events(admin, 5, start=30)
    sql("DELETE FROM audit_event WHERE seq > 32")
    sql("UPDATE audit_head SET seq = 32, last_hash = (SELECT hash FROM audit_event WHERE seq = 32)")
    for _ in range(2):  # and again on the next view: a problem does not move the verified position
        page = admin_client.get("/admin/audit").get_data(as_text=True)
        assert 'data-testid="chain-broken"' in page and "the head of the log was changed" in page


def test_the_page_notices_a_rechained_past_before_its_verified_position(admin_client, admin):
    write_events(admin, 30)
    assert 'data-testid="chain-ok"' in admin_client.get("/admin/audit").get_data(as_text=True)
    sql("UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 4")
    rechain()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-broken"' in page and "found intact before, is gone or was changed" in page


def test_the_verified_position_cannot_be_moved_by_hand(admin_client, admin):
    write_events(admin, 20)
    sql("UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 15")
    # Moving the verified position past the edit is not enough: the position is sealed too.
    head = sql("SELECT seq, last_hash, verified_mac FROM audit_head")[0]
    sql("UPDATE audit_head SET verified_seq = :s, verified_hash = :h, verified_mac = :m",
        s=head.seq, h=head.last_hash, m="0" * 64)
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-broken"' in page and "event #15 was altered" in page


def test_the_page_checks_the_last_checkpoint(admin_client, admin, runner):
    fresh_head = sql("SELECT seq, last_hash, mac FROM audit_head")[0]
    write_events(admin, 20)
    assert cli(runner, "checkpoint").exit_code == 0
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-ok"' in page and "#20" in page
    sql("DELETE FROM audit_event")
    sql("UPDATE audit_head SET seq = :s, last_hash = :h, mac = :m, verified_seq = NULL", s=fresh_head.seq,
        h=fresh_head.last_hash, m=fresh_head.mac)
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-broken"' in page and "saw #20 but the log now ends at #0" in page


def test_the_page_makes_the_same_number_of_queries_at_any_size(admin_client, admin, count_queries):
    def queries():
        admin_client.get("/admin/audit")  # brings the verified position up to date
        write_events(admin, 3, start=10_000)
        with count_queries() as counter:
            assert 'data-testid="chain-ok"' in admin_client.get("/admin/audit").get_data(as_text=True)
        return counter.count

    write_events(admin, 20)
    small = queries()
    write_events(admin, 400, start=20)
    assert queries() == small


def test_an_old_event_edited_in_place_is_seen_on_the_page_that_shows_it(admin_client, admin):
    write_events(admin, 80)
    assert 'data-testid="chain-ok"' in admin_client.get("/admin/audit").get_data(as_text=True)
    sql("UPDATE audit_event SET summary = 'đã sửa' WHERE seq = 5")  # before the verified position
    page = admin_client.get("/admin/audit?page=2").get_data(as_text=True)
    assert 'data-testid="chain-broken"' in page and "event #5 was altered" in page
