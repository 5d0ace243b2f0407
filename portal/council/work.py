"""What the year's officers have waiting (their dashboard), read as plain columns and counts.

A year holds thousands of initiatives in appraisal: loading each with its authors, versions,
assignments, sheets and scores as ORM objects to count sheets took most of the dashboard's time.
Here the sheets are counted by the database and each initiative is a `WorkItem` holding what the
policy and the decision deadline read.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, or_, select

from portal.council.models import AssignmentStatus, Review, ReviewAssignment, ReviewStatus
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative, InitiativeAuthor
from portal.initiatives.workflow import SectorStatus, Status


@dataclass(frozen=True, slots=True)
class AuthorFact:
    user_id: int | None
    confirmed: bool


@dataclass(slots=True)
class WorkItem:
    """An initiative as the dashboard weighs it (the columns the policy and the deadline read)."""
    id: int
    title: str
    year: int
    status: Status
    round: int
    created_by_id: int
    sector_status: SectorStatus | None
    national_status: SectorStatus | None
    accepted_at: datetime | None
    first_application_requested: bool
    first_application_ended_on: date | None
    authors: list = field(default_factory=list)  # AuthorFact, in order
    active: int = 0          # active assignments of the current round
    submitted: int = 0       # of them, with the sheet submitted
    open_due: date | None = None  # the earliest due date of an active sheet still open

    def can(self, act, user):
        return policy.can(user, act, self)


def work_items(year, states=(Status.submitted, Status.in_review)):
    """The year's initiatives in `states`, in submission order, those in appraisal with their
    sheets counted: three queries whatever their number."""
    rows = db.session.execute(
        select(Initiative.id, Initiative.title, Initiative.year, Initiative.status, Initiative.round,
               Initiative.created_by_id, Initiative.sector_status, Initiative.national_status,
               Initiative.accepted_at, Initiative.first_application_requested,
               Initiative.first_application_ended_on)
        .where(Initiative.year == year, Initiative.status.in_(states))
        .order_by(Initiative.submitted_at, Initiative.id)
    ).all()
    items = {row.id: WorkItem(*row) for row in rows}
    if not items:
        return []
    in_year = select(Initiative.id).where(Initiative.year == year, Initiative.status.in_(states))
    for initiative_id, user_id, confirmed in db.session.execute(
            select(InitiativeAuthor.initiative_id, InitiativeAuthor.user_id, InitiativeAuthor.confirmed)
            .where(InitiativeAuthor.initiative_id.in_(in_year))
            .order_by(InitiativeAuthor.initiative_id, InitiativeAuthor.position, InitiativeAuthor.id)):
        items[initiative_id].authors.append(AuthorFact(user_id, bool(confirmed)))
    is_in = Review.status == ReviewStatus.submitted
    for initiative_id, active, submitted, open_due in db.session.execute(
            select(ReviewAssignment.initiative_id, func.count(ReviewAssignment.id),
                   func.coalesce(func.sum(case((is_in, 1), else_=0)), 0),
                   func.min(case((or_(Review.id.is_(None), Review.status != ReviewStatus.submitted),
                                  ReviewAssignment.due_on))))
            .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
            .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
            .where(Initiative.year == year, Initiative.status == Status.in_review,
                   ReviewAssignment.round == Initiative.round,
                   ReviewAssignment.status == AssignmentStatus.active)
            .group_by(ReviewAssignment.initiative_id)):
        item = items[initiative_id]
        item.active, item.submitted, item.open_due = active, int(submitted), open_due
    return list(items.values())


def officer_work(year, on_day, required, deadline_of):
    """What the year's officers have waiting, in a fixed number of queries.

    to_screen: submitted, not yet screened; to_assign: in appraisal with fewer active reviewers
    than `required`; incomplete: assigned but sheets still open; ready: scoring complete, to
    decide; late: past the decision deadline (`deadline_of(initiative, on_day)`) or with a
    sheet past its due date.
    """
    work = {"to_screen": [], "to_assign": [], "incomplete": [], "ready": [], "late": []}
    for item in work_items(year):
        if item.status == Status.submitted:
            work["to_screen"].append(item)
            continue
        if item.active < max(1, required):
            work["to_assign"].append(item)
        elif item.submitted == item.active:
            work["ready"].append(item)
        else:
            work["incomplete"].append(item)
        sheet_late = item.open_due is not None and item.open_due < on_day
        if sheet_late or deadline_of(item, on_day).late:
            work["late"].append(item)
    return work


@dataclass
class Slice:
    """One page of a list: its items, its number (1-based, within range), how many pages and items."""
    items: list
    page: int
    pages: int
    total: int


def page_of(rows, page, per_page):
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(page or 1, 1), pages)
    return Slice(rows[(page - 1) * per_page:page * per_page], page, pages, len(rows))
