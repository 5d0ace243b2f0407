"""The year's rules at their boundaries (portal/years/rules.py: no Flask, no database)."""
from datetime import date, timedelta

import pytest

from portal.years.rules import (
    REVIEW_DAYS,
    YearRules,
    deadline,
    decision_due_on,
    decision_starts_on,
    filed_late,
    valid_year,
)

DAY = date(2026, 10, 31)


def rules(**values):
    return YearRules(**{"year": 2026, "configured": True, "is_open": True, **values})


def test_a_year_takes_submissions_through_its_deadline_day_and_not_after():
    year = rules(submission_deadline=DAY)
    assert year.takes_submissions(DAY) and year.why_closed(DAY) is None
    assert not year.takes_submissions(DAY + timedelta(days=1))
    assert year.why_closed(DAY + timedelta(days=1)) == "late"


def test_a_closed_or_unknown_year_takes_nothing():
    assert rules(is_open=False).why_closed(DAY) == "closed"
    assert YearRules(year=2000).why_closed(DAY) == "not_configured"
    assert not YearRules(year=2000).takes_submissions(DAY)
    assert rules().takes_submissions(date(2099, 1, 1))  # open with no deadline: open


@pytest.mark.parametrize("days,late", [(365, False), (366, True), (30, False), (31, True)])
def test_the_filing_window_is_inclusive(days, late):
    window = 30 if days < 100 else 365
    applied = date(2025, 3, 1)
    assert filed_late(applied, applied + timedelta(days=days), window) is late


def test_no_filing_date_is_not_late():
    assert not filed_late(None, DAY, 365) and not filed_late(DAY, None, 365)


def test_the_decision_window_has_both_start_points():
    accepted = date(2026, 3, 1)
    assert decision_starts_on(accepted, False, None) == accepted
    assert decision_starts_on(accepted, True, None) is None            # waits for the application's end
    assert decision_starts_on(accepted, True, date(2026, 6, 1)) == date(2026, 6, 1)
    assert decision_due_on(accepted, 90) == date(2026, 5, 30)
    assert decision_due_on(None, 90) is None


def test_deadline_soon_and_late_boundaries():
    due = date(2026, 5, 30)
    assert deadline(due, due).soon and not deadline(due, due).late
    assert deadline(due, due - timedelta(days=14)).soon
    assert not deadline(due, due - timedelta(days=15)).soon
    assert deadline(due, due + timedelta(days=1)).late
    assert deadline(None, due).days_left is None and not deadline(None, due).late


def test_a_reviewer_is_due_at_the_years_review_deadline_or_in_two_weeks():
    assert rules(review_deadline=DAY).review_due(DAY) == DAY
    assert rules(review_deadline=DAY).review_due(DAY + timedelta(days=1)) == DAY + timedelta(days=1 + REVIEW_DAYS)
    assert rules().review_due(DAY) == DAY + timedelta(days=REVIEW_DAYS)


def test_days_to_commendation():
    assert rules(commendation_deadline=DAY).days_to_commendation(DAY - timedelta(days=3)) == 3
    assert rules().days_to_commendation(DAY) is None


@pytest.mark.parametrize("value,ok", [(2000, True), (2100, True), (1999, False), (2101, False), (True, False),
                                      ("2026", False)])
def test_the_year_range(value, ok):
    assert valid_year(value) is ok
