"""One "now" and one "today" for the whole portal, in the configured timezone.

The database keeps naive UTC datetimes (`utcnow`). Every default, deadline, document, export
and rule takes its date from `today()` and its moment from `now()`, both in the portal's
timezone (PORTAL_TIMEZONE, default Asia/Ho_Chi_Minh), so that between 00:00 and 07:00 in
Đà Nẵng a decision made "today" is dated today, not yesterday as UTC would have it.
Tests move the clock with `set_clock`.
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def _system_clock():
    return datetime.now(UTC)


_clock = _system_clock


def set_clock(clock=None):
    """Make `clock()` (an aware UTC datetime) the portal's time; None puts the real clock back."""
    global _clock
    _clock = clock or _system_clock


@contextmanager
def frozen_at(moment):
    """Within the block, the portal's time is `moment` (an aware datetime, or naive in the portal's
    timezone): the demo makes its history at the times it happened."""
    fixed = moment if moment.tzinfo else moment.replace(tzinfo=zone())
    previous = _clock
    set_clock(lambda: fixed.astimezone(UTC))
    try:
        yield
    finally:
        set_clock(previous)


def zone():
    name = current_app.config.get("PORTAL_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def utcnow():
    """Now as a naive UTC datetime: what the database stores."""
    return _clock().astimezone(UTC).replace(tzinfo=None)


def now():
    """Now in the portal's timezone (aware)."""
    return _clock().astimezone(zone())


def today():
    """Today's date in the portal's timezone."""
    return now().date()


def local(moment):
    """A stored naive UTC datetime as an aware datetime in the portal's timezone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_date(moment):
    """The portal-timezone date of a stored moment (a date is returned as it is)."""
    if moment is None or (isinstance(moment, date) and not isinstance(moment, datetime)):
        return moment
    return local(moment).date()
