"""Background work on Huey: the periodic tasks in immediate mode, once on real Redis, the worker.

The Redis test needs a server at PORTAL_TEST_REDIS_URL (default redis://127.0.0.1:6379/15);
it skips, saying so, when none answers (CI starts one and sets PORTAL_REQUIRE_REDIS=1).
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import func, select

from portal.auth.models import LoginAttempt
from portal.core import jobs, mail, timeutil
from portal.core.notifications import notify
from portal.extensions import db

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def test_the_queue_is_sqlite_in_the_instance_folder_by_default_and_redis_when_configured(tmp_path):
    from portal import create_app

    base = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"}
    app = create_app({**base, "INSTANCE_PATH": str(tmp_path / "one")})
    huey = jobs.huey_for(app)
    assert isinstance(huey, SqliteHuey) and huey.storage.filename == str(tmp_path / "one" / "queue.db")
    app = create_app({**base, "INSTANCE_PATH": str(tmp_path / "two"), "QUEUE_URL": "redis://127.0.0.1:1/0"})
    assert isinstance(jobs.huey_for(app), RedisHuey)  # made without connecting: the web never needs it
    with pytest.raises(ValueError, match="redis://"):
        jobs.huey_for(create_app({**base, "INSTANCE_PATH": str(tmp_path / "3"), "QUEUE_URL": "amqp://x"}))


def test_every_job_is_a_periodic_task_on_its_schedule(app):
    huey = jobs.huey_for(app)
    periodic = {t.__name__: t for t in huey._registry._periodic_tasks}
    assert set(periodic) == {"send_mail", "send_digests", "prune", "audit_checkpoint", "daily_reminders",
                             "secretary_reminders", "editor_reminders", "commendation_reminders",
                             "search_upkeep", "prune_sign_in_attempts", "flush_views"}

    def runs(name, moment):
        return periodic[name]().validate_datetime(moment)

    assert runs("send_mail", datetime(2026, 3, 1, 9, 17))
    assert runs("daily_reminders", datetime(2026, 3, 1, 9, 5)) and not runs("daily_reminders", datetime(2026, 3, 1, 9, 6))
    assert runs("prune", datetime(2026, 3, 1, 20, 15)) and not runs("prune", datetime(2026, 3, 1, 21, 15))
    assert runs("search_upkeep", datetime(2026, 3, 1, 9, 10)) and not runs("search_upkeep", datetime(2026, 3, 1, 9, 11))


def test_send_mail_runs_through_huey_and_records_its_run(app, make_user):
    user = make_user(email="a@vks.local")
    notify([user], "Thư qua hàng đợi")
    db.session.commit()
    result = jobs.run("send_mail")
    assert result.get() == {"sent": 1, "retry": 0, "failed": 0}
    db.session.expire_all()
    assert db.session.execute(select(mail.MailMessage.state)).scalar_one() == mail.SENT
    run = db.session.get(jobs.TaskRun, "send_mail")
    assert run.ok and run.error == "" and run.finished_at >= run.started_at and run.last_ok_at
    assert "'sent': 1" in run.result
    assert list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))


def test_each_periodic_task_runs_through_huey_immediate_mode(app):
    huey = jobs.huey_for(app)
    assert huey.immediate
    for job in jobs.registered():
        jobs.task(job.name)()  # as the scheduler enqueues it; immediate mode runs it here
    db.session.expire_all()
    runs = {r.name: r for r in db.session.execute(select(jobs.TaskRun)).scalars()}
    assert set(runs) == {job.name for job in jobs.registered()} and all(r.ok for r in runs.values())


def test_a_failing_task_records_the_error_and_keeps_the_last_success(app, monkeypatch):
    from huey.exceptions import TaskException

    jobs.run("prune").get()
    db.session.expire_all()
    good = db.session.get(jobs.TaskRun, "prune").last_ok_at

    def broken():
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setitem(jobs.JOBS_BY_NAME, "prune", jobs.Job("prune", broken, {}, ""))
    with pytest.raises(TaskException):
        jobs.run("prune").get()
    db.session.expire_all()
    run = db.session.get(jobs.TaskRun, "prune")
    assert not run.ok and run.error == "RuntimeError: ổ đĩa đầy" and run.last_ok_at == good


def test_prune_removes_old_mail_and_old_sign_in_attempts(app, make_user):
    user = make_user(email="p@vks.local")
    notify([user], "Cũ")
    notify([user], "Mới")
    notify([user], "Còn chờ")
    db.session.commit()
    old, new, waiting = db.session.execute(select(mail.MailMessage).order_by(mail.MailMessage.id)).scalars()
    long_ago = timeutil.utcnow() - timedelta(days=120)
    old.state, old.sent_at = mail.SENT, long_ago
    new.state, new.sent_at = mail.SENT, timeutil.utcnow()
    waiting.queued_at = long_ago  # never pruned while queued
    db.session.add_all([LoginAttempt(username="x", address="1.2.3.4", success=False, created_at=long_ago),
                        LoginAttempt(username="y", address="1.2.3.4", success=False)])
    db.session.commit()
    assert jobs.run("prune").get() == {"mail_rows": 1, "reminders": 0}
    assert jobs.run("prune_sign_in_attempts").get() == {}
    db.session.expire_all()
    assert sorted(db.session.execute(select(mail.MailMessage.subject)).scalars()) == ["Còn chờ", "Mới"]
    assert db.session.execute(select(LoginAttempt.username)).scalars().all() == ["y"]


def test_search_upkeep_extracts_attachments_and_catches_the_indexes_up(app):
    result = jobs.run("search_upkeep").get()
    assert result == {"extracted": {}, "caught_up": {"public": True, "internal": True}}
    from portal.search.service import read_state

    assert read_state("public") is not None  # the index was built between requests


# -- real Redis -------------------------------------------------------------------------

def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        reason = f"needs Redis at {REDIS_URL} (PORTAL_TEST_REDIS_URL): {error}"
        if os.environ.get("PORTAL_REQUIRE_REDIS") == "1":
            pytest.fail(reason)  # CI starts one: there, a missing server is a failure
        pytest.skip(reason)
    return client


@pytest.mark.redis
def test_the_periodic_tasks_run_once_through_real_redis(app, make_user):
    redis_or_skip()
    name = f"sangkien-test-{uuid.uuid4().hex[:8]}"
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=REDIS_URL, QUEUE_NAME=name)
    app.extensions.pop("huey", None)
    huey = jobs.huey_for(app)
    assert isinstance(huey, RedisHuey) and not huey.immediate
    try:
        user = make_user(email="redis@vks.local")
        notify([user], "Thư qua Redis")
        db.session.commit()
        for job in jobs.registered():
            jobs.task(job.name)()  # enqueued in Redis, as the consumer's scheduler does
        assert huey.pending_count() == len(jobs.registered())
        while (message := huey.dequeue()) is not None:  # what a consumer's worker does
            huey.execute(message)
        assert huey.pending_count() == 0
        db.session.expire_all()
        assert db.session.execute(select(mail.MailMessage.state)).scalar_one() == mail.SENT
        runs = {r.name: r for r in db.session.execute(select(jobs.TaskRun)).scalars()}
        assert set(runs) == {job.name for job in jobs.registered()} and all(r.ok for r in runs.values())
    finally:
        huey.storage.flush_all()


# -- the worker command -----------------------------------------------------------------

def test_flask_worker_runs_enqueued_tasks_and_stops_on_sigint(app, make_user, tmp_path):
    user = make_user(email="worker@vks.local")
    notify([user], "Thư do worker gửi")
    db.session.commit()
    app.config["QUEUE_IMMEDIATE"] = False
    app.extensions.pop("huey", None)
    huey = jobs.huey_for(app)
    env = {**os.environ, "PORTAL_INSTANCE_PATH": app.instance_path, "SECRET_KEY": "test-secret",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    env.pop("PORTAL_QUEUE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "worker", "--workers", "1",
                             "--no-periodic"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        jobs.task("send_mail")()  # into instance/queue.db, where the worker listens
        deadline = time.monotonic() + 60
        state = None
        while time.monotonic() < deadline:
            db.session.expire_all()
            state = db.session.execute(select(mail.MailMessage.state)).scalar_one()
            if state == mail.SENT:
                break
            time.sleep(0.2)
        assert state == mail.SENT, "the worker did not send the queued message"
        assert huey.pending_count() == 0
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "SqliteHuey" in output and "queue.db" in output
    assert db.session.execute(select(func.count(jobs.TaskRun.name))).scalar_one() == 1


def test_the_web_never_enqueues_so_a_dead_queue_does_not_stop_it(app, client, make_user):
    """PORTAL_QUEUE_URL pointing at nothing: pages and actions answer, the rows wait."""
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL="redis://127.0.0.1:1/0")
    app.extensions.pop("huey", None)
    admin = make_user(roles=("admin",), email="admin@vks.local")
    started = time.monotonic()
    assert client.login(admin).get("/notifications").status_code == 200
    notify([admin], "Chờ worker")
    db.session.commit()
    assert time.monotonic() - started < 3
    assert db.session.execute(select(mail.MailMessage.state)).scalar_one() == mail.QUEUED


def test_the_clock_used_by_reminders_is_the_portals(app):
    """The reminder task waits for REMINDER_HOUR in the portal's time zone, not the server's."""
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 06:30 in Đà Nẵng
    timeutil.set_clock(lambda: moment)
    try:
        assert jobs.run("daily_reminders").get() == {"reminded": 0, "waiting_until_hour": 7}
    finally:
        timeutil.set_clock(None)
