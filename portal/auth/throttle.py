"""Sign-in throttling, kept in the database so that it holds across workers and hosts.

Two counters of failed tries within LOGIN_WINDOW_SECONDS:

- per account *and* address (LOGIN_MAX_FAILURES): guessing one account's password from one
  place. Another address, e.g. the owner at home while someone guesses from the office,
  is not held back by it.
- per address (LOGIN_MAX_FAILURES_PER_ADDRESS, higher): spraying many accounts from one
  place. It holds back only accounts that have not signed in from that address within
  LOGIN_KNOWN_ADDRESS_DAYS, so that behind an office NAT one person's guessing never locks
  a colleague out of an account they use there.

Each try is recorded *before* it is counted, in its own committed transaction: of any
number of parallel tries, each one counts every try committed before its count, its own
included, so at most the limit of them go on to check a password (whatever the workers,
threads and hosts). A try turned away is taken out of the count again; one that checked a
wrong password stays as a failure; a correct one becomes a success and clears the
failures of that account from that address.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from portal.auth.models import LoginAttempt
from portal.core.timeutil import utcnow
from portal.extensions import db


def _window():
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def storable(text):
    """What can be written to a 64-character column whatever was typed: lone surrogates and
    control characters (PostgreSQL refuses NUL in text) become "?"."""
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    return "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in text[:64])


def begin(username, address):
    """Record a try; (attempt, 0) when it may check a password, (None, seconds) when throttled."""
    attempt = LoginAttempt(username=storable(username), address=storable(address), success=False)
    db.session.add(attempt)
    db.session.commit()  # seen by every other worker before this try counts
    wait = _retry_after(attempt)
    if wait:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
        db.session.commit()
        return None, wait
    return attempt, 0


def finish(attempt, success):
    """After the password check; the caller commits."""
    if not success:
        return
    attempt.success = True
    db.session.execute(delete(LoginAttempt).where(
        LoginAttempt.username == attempt.username, LoginAttempt.address == attempt.address,
        LoginAttempt.success.is_(False), LoginAttempt.id != attempt.id))


def _failures(since, *conditions):
    return select(LoginAttempt.created_at).where(
        *conditions, LoginAttempt.success.is_(False), LoginAttempt.created_at > since)


def _retry_after(attempt):
    """Seconds until `attempt` would be allowed, counting every try committed so far."""
    config = current_app.config
    now = utcnow()
    since = now - _window()
    checks = [(config["LOGIN_MAX_FAILURES"],
               (LoginAttempt.username == attempt.username, LoginAttempt.address == attempt.address))]
    if not _known_here(attempt.username, attempt.address):
        checks.append((config["LOGIN_MAX_FAILURES_PER_ADDRESS"], (LoginAttempt.address == attempt.address,)))
    for limit, conditions in checks:
        count = db.session.execute(
            select(func.count()).select_from(_failures(since, *conditions).subquery())).scalar_one()
        if count > limit:
            # The others' tries, newest first: this one may go once the limit-th of them expires.
            others = db.session.execute(
                _failures(since, *conditions, LoginAttempt.id != attempt.id)
                .order_by(LoginAttempt.created_at.desc()).limit(limit)
            ).scalars().all()
            oldest = others[-1] if len(others) >= limit else now
            return max(1, int((oldest + _window() - now).total_seconds()) + 1)
    return 0


def _known_here(username, address):
    """The account signed in successfully from this address lately."""
    since = utcnow() - timedelta(days=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"])
    return db.session.execute(
        select(LoginAttempt.id).where(
            LoginAttempt.username == username, LoginAttempt.address == address,
            LoginAttempt.success.is_(True), LoginAttempt.created_at > since).limit(1)
    ).first() is not None


def prune(older_than_days=30):
    cutoff = utcnow() - timedelta(days=older_than_days)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff))

