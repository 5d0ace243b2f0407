"""Background work on Huey: the mail outbox, daily reminders, pruning, search upkeep.

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
from flask_babel import lazy_gettext as _l
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


def send_mail():
    from portal.core import mail

    return mail.deliver_due()


def daily_reminders():
    """From REMINDER_HOUR (local time) on, remind each reviewer with a sheet due once a day."""
    from portal.council.operations import send_reminders

    if now().hour < current_app.config["REMINDER_HOUR"]:
        return {"reminded": 0, "waiting_until_hour": current_app.config["REMINDER_HOUR"]}
    sent = send_reminders(once_a_day=True)
    return {"reminded": len(sent)}


def prune():
    from portal.auth import throttle
    from portal.core import mail

    config = current_app.config
    mails = mail.prune(config["MAIL_KEEP_DAYS"])
    throttle.prune(older_than_days=config["LOGIN_ATTEMPTS_KEEP_DAYS"])
    return {"mail_rows": mails}


def search_upkeep():
    """Read the text of new attachments, then bring this host's indexes up to the outbox."""
    from portal.search import service
    from portal.search.attachments import extract_pending

    extracted = extract_pending(limit=100)
    caught_up = {name: service.catch_up(name, wait=service.WRITE_WAIT) for name in service.INDEXES}
    return {"extracted": extracted, "caught_up": caught_up}


@dataclass(frozen=True)
class Job:
    name: str
    run: object            # the function
    schedule: dict         # crontab fields
    label: object          # shown on the admin page (a lazy msgid)


JOBS = (
    Job("send_mail", send_mail, {"minute": "*"}, _l("Gửi thư trong hàng đợi")),
    Job("daily_reminders", daily_reminders, {"minute": "5"}, _l("Nhắc hạn chấm hằng ngày")),
    Job("prune", prune, {"minute": "15", "hour": "20"}, _l("Dọn thư cũ và lượt đăng nhập cũ")),
    Job("search_upkeep", search_upkeep, {"minute": "*/5"}, _l("Cập nhật chỉ mục tìm kiếm")),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


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
    return [(job, rows.get(job.name)) for job in JOBS]


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
        for job in JOBS:
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
               + ("no schedule" if no_periodic else "tasks: " + ", ".join(j.name for j in JOBS)), err=True)
    consumer = huey.create_consumer(workers=workers, periodic=not no_periodic, worker_type="thread")
    consumer.run()
