"""Sign-in throttling, kept in the database so that it holds across workers and hosts."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from portal.auth.models import LoginAttempt
from portal.core.timeutil import utcnow
from portal.extensions import db


def _window():
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def retry_after(username, address):
    """Seconds to wait before trying again, or 0 when a try is allowed.

    After LOGIN_MAX_FAILURES failures for one account *or* from one address
    within the window, further tries wait until the oldest of them expires.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - _window()
    username = (username or "").strip().lower()
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.address, address)):
        failures = db.session.execute(
            select(LoginAttempt.created_at)
            .where(column == value, LoginAttempt.success.is_(False), LoginAttempt.created_at > since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(limit)
        ).scalars().all()
        if len(failures) >= limit:
            wait = (failures[-1] + _window() - utcnow()).total_seconds()
            return max(1, int(wait))
    return 0


def record_attempt(username, address, success):
    db.session.add(LoginAttempt(
        username=(username or "").strip().lower()[:64], address=address[:64], success=success))
    if success:
        # A correct password clears that account's failures (not the address's).
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.username == (username or "").strip().lower(),
            LoginAttempt.success.is_(False)))


def prune(older_than_days=30):
    cutoff = utcnow() - timedelta(days=older_than_days)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff))


def failures_count(username=None, address=None):
    since = utcnow() - _window()
    conditions = []
    if username:
        conditions.append(LoginAttempt.username == username)
    if address:
        conditions.append(LoginAttempt.address == address)
    return db.session.execute(
        select(func.count()).select_from(LoginAttempt)
        .where(or_(*conditions), LoginAttempt.success.is_(False), LoginAttempt.created_at > since)
    ).scalar_one()
