"""Background work on Huey: the registry of tasks and the runner that records each run.

The tasks belong to the areas that own their work and are registered by them (`register(Job(…))`
in their `init_app`): the council's reminders, the editor's and the emulation officer's, search
upkeep, pruning of sign-in attempts, and core's own (`portal.core.tasks`: mail, digests, mail
pruning, the audit checkpoint). This module imports no area.

Huey is the task queue: a small, maintained library whose SqliteHuey keeps the queue in a
file of the instance folder (no server for `make run`) and whose RedisHuey uses Redis in
production (`PORTAL_QUEUE_URL=redis://…`), with periodic tasks built in. `flask --app portal
worker` runs its consumer; the consumer's scheduler enqueues the periodic tasks below.

Every task is idempotent: several workers (several hosts on Redis each schedule the periodic
tasks) may run the same one; mail rows are claimed atomically, a reviewer is reminded at most
once a day, pruning deletes what is old. Each run is recorded in `task_run` (started, finished,
ok or the error), shown on the admin's outbox page.

The web never enqueues anything: a request writes rows in its own transaction and returns,
so a queue that is down (Redis stopped) does not stop the portal; the rows wait in the
database and the worker catches up.
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import now, utcnow
from portal.extensions import db

log = logging.getLogger(__name__)
ERROR_CHARS = 1000


class TaskRun(db.Model):
    """The last run of each background task."""
    __tablename__ = "task_run"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(String(ERROR_CHARS), default="")
    result: Mapped[str] = mapped_column(String(500), default="")
    last_ok_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Job:
    name: str
    run: object            # the function, called with no argument in an app context
    schedule: dict         # crontab fields
    label: object          # shown on the admin page (a lazy msgid)


# The registry: each area registers its own tasks (from its init_app), so that this module
# knows none of them. Registering a name again replaces it (one app per test).
JOBS_BY_NAME = {}


def register(job):
    JOBS_BY_NAME[job.name] = job
    return job


def registered():
    """Every registered job, in the order they were registered."""
    return tuple(JOBS_BY_NAME.values())


def reminder_day():
    """Today (the portal's) once REMINDER_HOUR has come, else None: the day's reminders wait for it."""
    moment = now()
    if moment.hour < current_app.config["REMINDER_HOUR"]:
        return None
    return moment.date()


def waiting_for_reminder_hour():
    return {"reminded": 0, "waiting_until_hour": current_app.config["REMINDER_HOUR"]}


def _row(name):
    row = db.session.get(TaskRun, name)
    if row is None:
        row = TaskRun(name=name)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # another worker made it a moment ago
            db.session.rollback()
            row = db.session.get(TaskRun, name)
    return row


def run_recorded(name):
    """Run job `name` now in this app context, recording the run; returns its result."""
    job = JOBS_BY_NAME[name]
    db.session.rollback()
    row = _row(name)
    row.started_at = utcnow()
    db.session.commit()
    try:
        result = job.run()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        row = _row(name)
        row.finished_at, row.ok = utcnow(), False
        row.error = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
        db.session.commit()
        raise
    row = _row(name)
    finished = utcnow()
    row.finished_at, row.last_ok_at, row.ok, row.error = finished, finished, True, ""
    row.result = str(result)[:500]
    db.session.commit()
    return result


def last_runs():
    rows = {r.name: r for r in db.session.query(TaskRun).all()}
    return [(job, rows.get(job.name)) for job in registered()]


def _make_huey(app):
    from huey import RedisHuey, SqliteHuey

    config = app.config
    name = config.get("QUEUE_NAME") or "sangkien"
    immediate = bool(config.get("QUEUE_IMMEDIATE"))
    url = config.get("QUEUE_URL")
    if url:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"PORTAL_QUEUE_URL must be a redis:// URL, not {url!r}")
        return RedisHuey(name, url=url, immediate=immediate)
    path = Path(config.get("QUEUE_FILE") or Path(app.instance_path) / "queue.db")
    return SqliteHuey(name, filename=str(path), immediate=immediate)


def _task_function(app, name):
    def task():
        with app.app_context():
            return run_recorded(name)
    task.__name__ = task.__qualname__ = name
    return task


def huey_for(app=None):
    """The app's Huey, with every job registered as a periodic task (made on first use)."""
    from huey import crontab

    app = app or current_app._get_current_object()
    huey = app.extensions.get("huey")
    if huey is None:
        huey = _make_huey(app)
        tasks = {}
        for job in registered():
            tasks[job.name] = huey.periodic_task(crontab(**job.schedule), name=job.name)(
                _task_function(app, job.name))
        huey.portal_tasks = tasks

        @huey.task(name="run_job")
        def run_job(name):
            with app.app_context():
                return run_recorded(name)

        huey.portal_run_job = run_job
        app.extensions["huey"] = huey
    return huey


def task(name, app=None):
    """The periodic Huey task of job `name`: calling it enqueues it as the scheduler does (it
    keeps no result: see `run`)."""
    return huey_for(app).portal_tasks[name]


def run(name, app=None):
    """Enqueue job `name` now, outside its schedule; returns Huey's Result (immediate mode: done)."""
    if name not in JOBS_BY_NAME:
        raise KeyError(name)
    return huey_for(app).portal_run_job(name)


def describe(huey):
    storage = type(huey.storage).__name__
    where = getattr(huey.storage, "filename", None) or getattr(huey, "name", "")
    return f"{type(huey).__name__} ({storage}: {where})"


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
@click.option("--no-periodic", is_flag=True, help="Run enqueued tasks only; schedule nothing.")
@with_appcontext
def worker_command(workers, no_periodic):
    """Run the background worker (Huey's consumer): mail, reminders, pruning, search upkeep."""
    app = current_app._get_current_object()
    huey = huey_for(app)
    if huey.immediate:
        raise click.ClickException("QUEUE_IMMEDIATE is set: tasks run in the caller; no worker is needed.")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"Worker: {describe(huey)}, {workers} threads, "
               + ("no schedule" if no_periodic else "tasks: " + ", ".join(j.name for j in registered())), err=True)
    consumer = huey.create_consumer(workers=workers, periodic=not no_periodic, worker_type="thread")
    consumer.run()
