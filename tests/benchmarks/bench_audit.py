"""The audit log at size: the audit page (incremental check), the full check, one write.

    python tests/benchmarks/bench_audit.py [--events 100000] [--views 30] [--database-url URL]

SQLite in a temporary folder by default; PostgreSQL with --database-url (its tables are
dropped and made again: give it a scratch database). The events are written in bulk, sealed
and chained as `record` and the chaining after commit would (ids given up front), then:

- the audit page as an admin: the first view (no verified position yet: walks every event,
  which is what every view did before), then `--views` views each after a new event, as
  happens when someone signs in between two views (p50, p95, SQL statements per view),
  and the incremental check alone;
- `audit verify` (the full check: every event, seal and checkpoint);
- one event written and committed, chaining included (p50 over 200).
"""
import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.core import audit  # noqa: E402
from portal.core.timeutil import utcnow  # noqa: E402
from portal.extensions import db  # noqa: E402

ACTIONS = ("auth.login", "initiative.submit", "initiative.accept", "council.review_submitted",
           "council.decision", "publishing.publish")


def fill(n, actor_id):
    """n sealed and chained events, written in batches of 5,000."""
    start = utcnow() - timedelta(days=365)
    prev, batch = audit.GENESIS, []
    table = audit.AuditEvent.__table__
    for i in range(1, n + 1):
        row = {"id": i, "seq": i, "created_at": start + timedelta(seconds=i * 300), "actor_id": actor_id,
               "action": ACTIONS[i % len(ACTIONS)], "object_type": "initiative", "object_id": str(i % 3000),
               "initiative_id": i % 3000 or None, "data": {"n": i, "ghi_chú": "sự kiện thử"},
               "summary": f"Sự kiện thử số {i}"}
        view = type("Row", (), row)
        row["mac"] = audit.event_mac(view)
        row["prev_hash"] = prev
        row["hash"] = prev = audit.compute_hash(prev, audit.payload_of(view))
        batch.append(row)
        if len(batch) == 5000 or i == n:
            db.session.execute(insert(table), batch)
            batch = []
    db.session.execute(audit.AuditHead.__table__.update().where(audit.AuditHead.id == 1).values(
        seq=n, last_hash=prev, mac=audit.head_mac(n, prev)))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('audit_event_id_seq', :n)"), {"n": n})
    db.session.commit()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder / "instance"),
                      "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    from portal.auth.models import Role, Unit, UnitKind, User

    with app.app_context():
        db.drop_all()
        db.create_all()
        audit.ensure_head()
        unit = Unit(name="Văn phòng", kind=UnitKind.city_department)
        admin = User(username="quantri", full_name="Quản Trị Viên", unit=unit)
        admin.set_password("bench-password-42")
        admin.set_roles([Role.admin])
        db.session.add_all([unit, admin])
        db.session.commit()
        admin_id, actor = admin.get_id(), admin.id
        started = time.perf_counter()
        fill(args.events, admin.id)
        print(f"{args.events} events on {db.engine.dialect.name}, written in {time.perf_counter() - started:.1f} s")

        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = admin_id
            sess["_fresh"] = True

        statements = []
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))

        def view():
            statements.clear()
            t = time.perf_counter()
            response = client.get("/admin/audit")
            elapsed = time.perf_counter() - t
            assert response.status_code == 200 and b'data-testid="chain-ok"' in response.data, response.data[:2000]
            return elapsed, len(statements)

        first, first_queries = view()
        times, counts = [], []
        for i in range(args.views):
            audit.record("auth.login", actor=actor, object_type="user", summary=f"đăng nhập {i}")
            db.session.commit()
            elapsed, count = view()
            times.append(elapsed)
            counts.append(count)

        checks = []
        for i in range(args.views):
            audit.record("auth.login", actor=actor, object_type="user", summary=f"đăng nhập lại {i}")
            db.session.commit()
            t = time.perf_counter()
            assert audit.verify_recent().problems == []
            checks.append(time.perf_counter() - t)
            db.session.remove()

        t = time.perf_counter()
        problems = audit.verify()
        full = time.perf_counter() - t
        assert problems == [], problems

        writes = []
        for i in range(200):
            t = time.perf_counter()
            audit.record("test.write", actor=actor, object_type="thing", object_id=i)
            db.session.commit()
            writes.append(time.perf_counter() - t)

    ms = 1000
    print(f"audit page, first view (walks all {args.events} events, as every view did before): "
          f"{first * ms:.0f} ms, {first_queries} SQL statements")
    print(f"audit page, incremental, {args.views} views each after a new event: p50 "
          f"{statistics.median(times) * ms:.1f} ms, p95 {percentile(times, 95) * ms:.1f} ms "
          f"(target < 300 ms); SQL statements per view: {sorted(set(counts))}")
    print(f"of which the incremental check itself (verify_recent, after a new event): p50 "
          f"{statistics.median(checks) * ms:.1f} ms, p95 {percentile(checks, 95) * ms:.1f} ms")
    print(f"audit verify (full check): {full:.2f} s")
    print(f"one event written and committed, chaining included: p50 {statistics.median(writes) * ms:.2f} ms, "
          f"p95 {percentile(writes, 95) * ms:.2f} ms")


if __name__ == "__main__":
    main()
