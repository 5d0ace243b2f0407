"""Screening flags (no Flask): late filings and the decision deadline.

ELIGIBILITY.md: an initiative is filed within `filing_window_days` (365) of the
date it was first applied; the council decides within `decision_due_days` (90)
of accepting it into appraisal.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FILING_WINDOW_DAYS = 365
DECISION_DUE_DAYS = 90
REVIEW_REMINDER_DAYS = 3


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def filed_late(first_applied_on, filed_on, window_days=FILING_WINDOW_DAYS):
    """True when the filing came more than `window_days` after the first application."""
    if not first_applied_on or not filed_on:
        return False
    return (_day(filed_on) - _day(first_applied_on)).days > window_days


def decision_due_on(accepted_at, due_days=DECISION_DUE_DAYS):
    return _day(accepted_at) + timedelta(days=due_days) if accepted_at else None


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    days_left: int | None

    @property
    def late(self):
        return self.days_left is not None and self.days_left < 0

    @property
    def soon(self):
        """Due within two weeks: worth a flag before it is late."""
        return self.days_left is not None and 0 <= self.days_left <= 14


def decision_deadline(accepted_at, today, due_days=DECISION_DUE_DAYS):
    due = decision_due_on(accepted_at, due_days)
    return Deadline(due, (due - today).days if due else None)


def age_in_days(since, today):
    return (today - _day(since)).days if since else None


def review_due_soon_or_late(due_on, today, days=REVIEW_REMINDER_DAYS):
    """A reviewer is reminded when the due date is within `days` or past."""
    return due_on is not None and (due_on - today).days <= days
