"""Where an initiative stands, as its authors follow it: draft → submitted → screening → scoring
→ decision → published, each step with the day it was done and the day it is expected by the
year's deadlines. A plain function of dates (no Flask, no database)."""
import enum
from dataclasses import dataclass
from datetime import date

from portal.initiatives.workflow import Status


class Step(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    screening = "screening"
    scoring = "scoring"
    decision = "decision"
    published = "published"


ORDER = list(Step)

STEP_LABELS = {
    Step.draft: "Soạn hồ sơ",
    Step.submitted: "Nộp hồ sơ",
    Step.screening: "Sơ duyệt",
    Step.scoring: "Chấm điểm",
    Step.decision: "Quyết định",
    Step.published: "Công bố",
}


class Mark(enum.StrEnum):
    done = "done"
    current = "current"
    upcoming = "upcoming"
    skipped = "skipped"    # will not happen (rejected: never published; withdrawn: nothing after)


@dataclass(frozen=True)
class Facts:
    """What happened to the initiative, in local days (None: not yet)."""
    status: Status
    created_on: date | None = None
    submitted_on: date | None = None      # the latest submission
    accepted_on: date | None = None
    scored_on: date | None = None         # the last sheet of a complete round
    decided_on: date | None = None
    published_on: date | None = None


@dataclass(frozen=True)
class Expected:
    """The year's deadlines that apply to the steps (None: the year sets none)."""
    submission: date | None = None   # YearRules.submission_deadline
    review: date | None = None       # YearRules.review_deadline
    decision: date | None = None     # Điều 7.1: acceptance + the year's decision window


@dataclass(frozen=True)
class StepView:
    step: Step
    mark: Mark
    done_on: date | None     # the day it was done (the draft: the day it was begun)
    expected_on: date | None
    late: bool               # expected, not done, and the day has passed
    finished: bool = False   # the current step is done too (decided and rejected; published)

    @property
    def label(self):
        return STEP_LABELS[self.step]

    @property
    def current(self):
        return self.mark == Mark.current

    @property
    def done(self):
        """Behind the initiative: a step before the current one, or the current one finished."""
        return self.mark == Mark.done or self.finished

    @property
    def skipped(self):
        return self.mark == Mark.skipped


def _current(facts):
    """(the step the initiative is at, whether that step is itself finished)."""
    status = facts.status
    if status == Status.draft:
        return Step.draft, False
    if status == Status.returned:
        return Step.submitted, False  # back to the authors to complete and submit again
    if status in (Status.submitted, Status.withdrawn):
        return Step.screening, False
    if status == Status.in_review:
        return (Step.decision if facts.scored_on else Step.scoring), False
    if status == Status.rejected:
        return Step.decision, True
    return Step.published, bool(facts.published_on)


def steps(facts, expected, today):
    """The six steps in order, each done, current, upcoming or skipped, with its days."""
    current, finished = _current(facts)
    at = ORDER.index(current)
    happened = {
        Step.draft: facts.created_on,
        Step.submitted: facts.submitted_on,
        Step.screening: facts.accepted_on,
        Step.scoring: facts.scored_on,
        Step.decision: facts.decided_on,
        Step.published: facts.published_on,
    }
    due = {Step.submitted: expected.submission, Step.scoring: expected.review, Step.decision: expected.decision}
    ends_here = facts.status in (Status.rejected, Status.withdrawn)
    views = []
    for index, step in enumerate(ORDER):
        if index < at:
            mark = Mark.done
        elif index == at:
            mark = Mark.current
        else:
            mark = Mark.skipped if ends_here else Mark.upcoming
        done = index < at or (index == at and finished) or step == Step.draft
        done_on = happened[step] if done else None
        expected_on = due.get(step)
        late = bool(expected_on and not done and mark != Mark.skipped and today > expected_on)
        views.append(StepView(step, mark, done_on, expected_on, late, finished=index == at and finished))
    return views
