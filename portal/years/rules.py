"""A year's rules as one object, and the plain rules that read it (no Flask, no database).

`YearRules` is what every rule of a year reads about its calendar: whether it takes
submissions and until when, the review and commendation deadlines, the filing window
(ND 13/2012 Điều 5.2), the decision window (Điều 7.1) and the re-recognition check's level.
The rubric (thresholds and the 2/3 vote) is the council's part of the year
(portal.council.models.Rubric), the emulation settings the emulation office's part
(portal.emulation); each setting has exactly one home.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.years.models import DECISION_DUE_DAYS, FILING_WINDOW_DAYS, SIMILARITY_PERCENT

YEAR_MIN, YEAR_MAX = 2000, 2100  # the years the portal takes anywhere
REVIEW_DAYS = 14                 # a reviewer's default time to score when the year sets no deadline


@dataclass(frozen=True)
class YearRules:
    year: int
    configured: bool = False      # False: no such year on record (nothing is filed into it)
    is_open: bool = False
    registration_deadline: date | None = None
    submission_deadline: date | None = None
    review_deadline: date | None = None
    commendation_deadline: date | None = None
    filing_window_days: int = FILING_WINDOW_DAYS
    decision_due_days: int = DECISION_DUE_DAYS
    similarity_percent: int = SIMILARITY_PERCENT
    note: str = field(default="", compare=False)

    @classmethod
    def of(cls, row, year):
        if row is None:
            return cls(year)
        return cls(year=row.year, configured=True, is_open=row.is_open,
                   registration_deadline=row.registration_deadline, submission_deadline=row.submission_deadline,
                   review_deadline=row.review_deadline, commendation_deadline=row.commendation_deadline,
                   filing_window_days=row.filing_window_days, decision_due_days=row.decision_due_days,
                   similarity_percent=row.similarity_percent, note=row.note or "")

    def takes_submissions(self, today):
        return self.configured and self.is_open and (self.submission_deadline is None
                                                     or today <= self.submission_deadline)

    def why_closed(self, today):
        """None when the year takes submissions today; otherwise ("not_configured" | "closed" | "late")."""
        if not self.configured:
            return "not_configured"
        if not self.is_open:
            return "closed"
        if self.submission_deadline is not None and today > self.submission_deadline:
            return "late"
        return None

    def review_due(self, today):
        """A new assignment's default due date: the year's review deadline, else two weeks."""
        if self.review_deadline is not None and self.review_deadline >= today:
            return self.review_deadline
        return today + timedelta(days=REVIEW_DAYS)

    def days_to_commendation(self, today):
        return (self.commendation_deadline - today).days if self.commendation_deadline else None


def valid_year(value):
    return isinstance(value, int) and not isinstance(value, bool) and YEAR_MIN <= value <= YEAR_MAX


def filed_late(first_applied_on, first_filed_on, window_days):
    """ND 13/2012 Điều 5.2: more than `window_days` between the first application and the filing.

    The filing is the first submission; a resubmission after a return does not move it.
    """
    if not first_applied_on or not first_filed_on:
        return False
    return (first_filed_on - first_applied_on).days > window_days


def decision_starts_on(accepted_on, first_application_requested, first_application_ended_on):
    """ND 13/2012 Điều 7.1: the three months run from the valid filing (its acceptance), or, when
    a first application was asked for after it, from the end of that application (None until then)."""
    if first_application_requested:
        return first_application_ended_on
    return accepted_on


def decision_due_on(starts_on, due_days):
    return starts_on + timedelta(days=due_days) if starts_on else None


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    days_left: int | None
    waiting_for_first_application: bool = False  # Điều 7.1: the clock starts when it ends

    @property
    def late(self):
        return self.days_left is not None and self.days_left < 0

    @property
    def soon(self):
        """Due within two weeks: worth a flag before it is late."""
        return self.days_left is not None and 0 <= self.days_left <= 14


def deadline(due_on, today, waiting=False):
    return Deadline(due_on, (due_on - today).days if due_on else None, waiting)


def age_in_days(since, today):
    return (today - since).days if since else None
