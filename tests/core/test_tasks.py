"""Core's tasks and the registry: every area registers its own; the audit checkpoint once a day."""
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from huey.exceptions import TaskException
from sqlalchemy import text

from portal.core import audit, jobs, timeutil
from portal.extensions import db


@pytest.fixture
def app_config():
    return {"QUEUE_IMMEDIATE": True}


def test_each_area_registers_its_own_tasks_and_core_jobs_knows_none_of_them(app):
    owners = {job.name: job.run.__module__ for job in jobs.registered()}
    assert owners == {
        "send_mail": "portal.core.tasks", "send_digests": "portal.core.tasks", "prune": "portal.core.tasks",
        "audit_checkpoint": "portal.core.tasks",
        "prune_sign_in_attempts": "portal.auth",
        "daily_reminders": "portal.council.reminders", "secretary_reminders": "portal.council.reminders",
        "editor_reminders": "portal.publishing.reminders", "flush_views": "portal.publishing.views",
        "search_upkeep": "portal.search",
        "commendation_reminders": "portal.emulation.reminders",
    }
    source = Path(jobs.__file__).read_text(encoding="utf-8")
    assert "portal.council" not in source and "portal.search" not in source and "portal.auth" not in source


def at(day_offset, hour=3, today=None):
    today = today or timeutil.today()
    local = datetime(today.year, today.month, today.day, hour, 0, tzinfo=timeutil.zone()) + timedelta(days=day_offset)
    return local.astimezone(UTC)


def test_the_audit_checkpoint_is_written_once_a_day(app, make_user):
    audit.record("test.event", actor=make_user(), summary="Một sự kiện")
    db.session.commit()
    path = audit.checkpoint_path()
    today = timeutil.today()
    try:
        timeutil.set_clock(lambda: at(0, today=today))
        assert jobs.run("audit_checkpoint").get()["checkpoint"] == "written"
        assert jobs.run("audit_checkpoint").get()["checkpoint"] == "already today"
        timeutil.set_clock(lambda: at(1, today=today))
        assert jobs.run("audit_checkpoint").get()["checkpoint"] == "written"
    finally:
        timeutil.set_clock(None)
    points = audit.read_checkpoints(path)
    assert len(points) == 2 and all(point.genuine() for _, point in points)
    assert audit.verify() == []


def test_a_tampered_log_fails_the_checkpoint_task_which_records_why_and_writes_nothing(app, make_user):
    audit.record("test.event", actor=make_user(), summary="Sự kiện gốc")
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'Sửa lén'"))
    db.session.expire_all()
    with pytest.raises(TaskException):
        jobs.run("audit_checkpoint").get()
    db.session.expire_all()
    run = db.session.get(jobs.TaskRun, "audit_checkpoint")
    assert not run.ok and "audit log tampered" in run.error
    assert audit.read_checkpoints(audit.checkpoint_path()) == []
