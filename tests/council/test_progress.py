"""Where an initiative stands (the authors' stepper): a plain function of dates."""
from datetime import date

import pytest

from portal.council.progress import ORDER, Expected, Facts, Mark, Step, steps
from portal.initiatives.workflow import Status

# The progress rules never open the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

TODAY = date(2026, 6, 1)
DEADLINES = Expected(submission=date(2026, 5, 1), review=date(2026, 6, 15), decision=date(2026, 8, 1))


def marks(views):
    return [v.mark for v in views]


def at(views):
    return [v.step for v in views if v.current]


def by_step(views):
    return {v.step: v for v in views}


@pytest.mark.parametrize("status, scored, published, current", [
    (Status.draft, None, None, Step.draft),
    (Status.submitted, None, None, Step.screening),
    (Status.returned, None, None, Step.submitted),
    (Status.in_review, None, None, Step.scoring),
    (Status.in_review, date(2026, 5, 20), None, Step.decision),
    (Status.recognized, date(2026, 5, 20), None, Step.published),
    (Status.recognized, date(2026, 5, 20), date(2026, 5, 30), Step.published),
    (Status.rejected, date(2026, 5, 20), None, Step.decision),
    (Status.withdrawn, None, None, Step.screening),
])
def test_one_step_is_current_and_those_before_it_are_done(status, scored, published, current):
    views = steps(Facts(status, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2), scored_on=scored,
                        published_on=published), DEADLINES, TODAY)
    assert [v.step for v in views] == ORDER
    assert at(views) == [current]
    index = ORDER.index(current)
    assert marks(views)[:index] == [Mark.done] * index


def test_the_days_done_and_the_days_expected():
    facts = Facts(Status.in_review, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2),
                  accepted_on=date(2026, 4, 5))
    views = by_step(steps(facts, DEADLINES, TODAY))
    assert views[Step.draft].done_on == date(2026, 3, 1)
    assert views[Step.submitted].done_on == date(2026, 4, 2)
    assert views[Step.submitted].expected_on == date(2026, 5, 1) and not views[Step.submitted].late
    assert views[Step.screening].done_on == date(2026, 4, 5)
    assert views[Step.scoring].done_on is None and views[Step.scoring].expected_on == date(2026, 6, 15)
    assert views[Step.decision].expected_on == date(2026, 8, 1)
    assert views[Step.published].expected_on is None
    assert not any(v.late for v in views.values())


def test_a_step_past_its_expected_day_is_late():
    facts = Facts(Status.in_review, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2),
                  accepted_on=date(2026, 4, 5))
    views = by_step(steps(facts, DEADLINES, date(2026, 6, 20)))
    assert views[Step.scoring].late and not views[Step.decision].late


def test_a_draft_past_the_submission_deadline_is_late():
    views = by_step(steps(Facts(Status.draft, created_on=date(2026, 3, 1)), DEADLINES, TODAY))
    assert views[Step.submitted].late and views[Step.draft].done_on == date(2026, 3, 1)


def test_a_rejected_initiative_is_never_published():
    views = steps(Facts(Status.rejected, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2),
                        accepted_on=date(2026, 4, 5), scored_on=date(2026, 5, 1), decided_on=date(2026, 5, 10)),
                  DEADLINES, TODAY)
    decision, published = views[-2], views[-1]
    assert decision.current and decision.finished and decision.done_on == date(2026, 5, 10)
    assert published.mark == Mark.skipped and not published.late


def test_a_published_initiative_has_every_step_done():
    views = steps(Facts(Status.recognized, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2),
                        accepted_on=date(2026, 4, 5), scored_on=date(2026, 5, 1), decided_on=date(2026, 5, 10),
                        published_on=date(2026, 5, 20)), DEADLINES, TODAY)
    assert views[-1].current and views[-1].finished and views[-1].done_on == date(2026, 5, 20)
    assert all(v.done_on for v in views)


def test_a_withdrawn_initiative_goes_no_further():
    views = steps(Facts(Status.withdrawn, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2)),
                  DEADLINES, date(2026, 9, 1))
    assert marks(views)[3:] == [Mark.skipped] * 3
    assert not any(v.late for v in views[3:])


def test_a_returned_initiative_waits_for_the_authors_to_submit_again():
    views = steps(Facts(Status.returned, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2)),
                  DEADLINES, TODAY)
    submitted = views[1]
    assert submitted.current and submitted.done_on is None and submitted.expected_on == date(2026, 5, 1)
    assert marks(views)[2:] == [Mark.upcoming] * 4


def test_a_year_without_deadlines_expects_nothing():
    views = steps(Facts(Status.submitted, created_on=date(2026, 3, 1), submitted_on=date(2026, 4, 2)),
                  Expected(), TODAY)
    assert all(v.expected_on is None and not v.late for v in views)
