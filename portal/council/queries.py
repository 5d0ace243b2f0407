"""The council's reads: each page's rows in a fixed number of queries, whatever the year holds."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import lazyload, selectinload

from portal.council.models import (
    AssignmentStatus,
    Council,
    CouncilDecision,
    CouncilMember,
    Review,
    ReviewAssignment,
    ReviewStatus,
)
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import DECIDED, Status

QUEUE_STATES = (Status.submitted, Status.in_review, Status.recognized, Status.rejected, Status.returned)


def council_of(year, *, with_members=False):
    query = select(Council).where(Council.year == year)
    if with_members:
        query = query.options(selectinload(Council.members).selectinload(CouncilMember.user))
    return db.session.execute(query).scalar_one_or_none()


def members_of(year):
    """Members of the year's council, in the order they were added."""
    return db.session.execute(
        select(CouncilMember).join(Council).where(Council.year == year)
        .options(selectinload(CouncilMember.user)).order_by(CouncilMember.id)
    ).scalars().all()


def my_assignments(user, year):
    """The person's assignments in the current round of the year's initiatives (active or not)."""
    return db.session.execute(
        select(ReviewAssignment)
        .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(ReviewAssignment.reviewer_id == user.id, ReviewAssignment.round == Initiative.round,
               Initiative.year == year)
        .options(selectinload(ReviewAssignment.initiative), selectinload(ReviewAssignment.review))
        .order_by(ReviewAssignment.due_on, ReviewAssignment.id)
    ).scalars().all()


def status_counts(year):
    return dict(db.session.execute(
        select(Initiative.status, func.count(Initiative.id))
        .where(Initiative.year == year, Initiative.status != Status.draft)
        .group_by(Initiative.status)
    ).all())


def queue(year):
    """(initiatives of the year in the council's hands, {initiative id: current-round assignments})."""
    initiatives = db.session.execute(
        select(Initiative)
        .where(Initiative.year == year, Initiative.status.in_(QUEUE_STATES))
        .options(selectinload(Initiative.authors), selectinload(Initiative.versions))
        .order_by(Initiative.submitted_at, Initiative.id)
    ).scalars().all()
    return initiatives, current_assignments([i.id for i in initiatives if i.status == Status.in_review])


def initiatives_by_id(ids):
    """{id: Initiative with its authors} for the rows a page shows."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Initiative).where(Initiative.id.in_(list(ids))).options(selectinload(Initiative.authors))
    ).scalars()
    return {i.id: i for i in rows}


def current_assignments(initiative_ids):
    by_initiative = {}
    if initiative_ids:
        rows = db.session.execute(
            select(ReviewAssignment)
            .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
            .where(ReviewAssignment.initiative_id.in_(initiative_ids), ReviewAssignment.round == Initiative.round)
            .options(selectinload(ReviewAssignment.review))
            .order_by(ReviewAssignment.id)
        ).scalars().all()
        for row in rows:
            by_initiative.setdefault(row.initiative_id, []).append(row)
    return by_initiative


# the sheets need an assignment's review and its scores, never the reviewer's account (joined
# to every assignment and review by default: 12,000 rows of users for 3,000 initiatives)
SHEET_ONLY = (lazyload(ReviewAssignment.reviewer),
              selectinload(ReviewAssignment.review).options(lazyload(Review.reviewer),
                                                            selectinload(Review.scores)))


def counted_assignments(initiatives):
    """{initiative id: every assignment of the round whose scores stand, oldest first, reviews
    loaded} for many initiatives at once: the round is `services.decided_round`'s (the current one
    in appraisal, else the latest decision's, else the current one). A fixed number of queries."""
    ids = [i.id for i in initiatives]
    if not ids:
        return {}
    decided = {}
    for initiative_id, round_ in db.session.execute(
            select(CouncilDecision.initiative_id, CouncilDecision.round)
            .where(CouncilDecision.initiative_id.in_(ids)).order_by(CouncilDecision.id)):
        decided[initiative_id] = round_  # the latest decision's, as the last one read
    counted = {i.id: i.round if i.status == Status.in_review else decided.get(i.id, i.round)
               for i in initiatives}
    by_initiative = {initiative_id: [] for initiative_id in ids}
    for row in db.session.execute(
            select(ReviewAssignment).where(ReviewAssignment.initiative_id.in_(ids))
            .options(*SHEET_ONLY).order_by(ReviewAssignment.id)).scalars():
        if row.round == counted[row.initiative_id]:
            by_initiative[row.initiative_id].append(row)
    return by_initiative


def decisions_of(initiative):
    return db.session.execute(
        select(CouncilDecision).where(CouncilDecision.initiative_id == initiative.id)
        .options(selectinload(CouncilDecision.decided_by))
        .order_by(CouncilDecision.id)
    ).scalars().all()


def recognized_in(year):
    return db.session.execute(
        select(Initiative)
        .where(Initiative.year == year, Initiative.status == Status.recognized)
        .options(selectinload(Initiative.authors))
        .order_by(Initiative.decision_date, Initiative.id)
    ).scalars().all()


def decided_means(initiative_ids):
    """The mean total recorded with the latest decision of each initiative."""
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(CouncilDecision.initiative_id, CouncilDecision.mean_total)
        .where(CouncilDecision.initiative_id.in_(initiative_ids))
        .order_by(CouncilDecision.id)
    ).all()
    return {initiative_id: mean for initiative_id, mean in rows}


def review(review_id):
    return db.session.get(Review, review_id)


def for_minutes(year, decision_no=None):
    """The initiatives a meeting's minutes speak of: decided ones and those in appraisal."""
    query = (select(Initiative)
             .where(Initiative.year == year, Initiative.status.in_([*DECIDED, Status.in_review]))
             .options(selectinload(Initiative.authors))
             .order_by(Initiative.id))
    if decision_no:
        query = query.where(Initiative.decision_no == decision_no)
    return db.session.execute(query).scalars().all()


def recognized_by(year, decision_no=None):
    query = (select(Initiative)
             .where(Initiative.year == year, Initiative.status == Status.recognized)
             .options(selectinload(Initiative.authors)).order_by(Initiative.id))
    if decision_no:
        query = query.where(Initiative.decision_no == decision_no)
    return db.session.execute(query).scalars().all()


def decisions_in(year):
    """The year's recognition decisions: [(decision_no, decision_date, count)], oldest first."""
    return db.session.execute(
        select(Initiative.decision_no, func.max(Initiative.decision_date), func.count(Initiative.id))
        .where(Initiative.year == year, Initiative.status == Status.recognized, Initiative.decision_no != "")
        .group_by(Initiative.decision_no)
        .order_by(func.max(Initiative.decision_date), Initiative.decision_no)
    ).all()


def reviewer_work(user, year, on_day):
    """The person's open sheets of the year, soonest due first, with days left: 3 queries."""
    rows = []
    for assignment in my_assignments(user, year):
        if not assignment.is_active or assignment.submitted \
                or assignment.initiative.status != Status.in_review:
            continue
        days = (assignment.due_on - on_day).days if assignment.due_on else None
        rows.append({"assignment": assignment, "initiative": assignment.initiative, "days_left": days,
                     "late": days is not None and days < 0})
    rows.sort(key=lambda row: (row["days_left"] is None, row["days_left"] or 0))
    return rows


def open_sheets(year):
    """{reviewer id: active assignments of the year's initiatives in appraisal, sheet not submitted}."""
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id, func.count(ReviewAssignment.id))
        .join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .where(Initiative.year == year, Initiative.status == Status.in_review,
               ReviewAssignment.round == Initiative.round,
               ReviewAssignment.status == AssignmentStatus.active,
               or_(Review.id.is_(None), Review.status != ReviewStatus.submitted))
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    return dict(rows)


def _open_sheets(query, year, initiative_ids):
    query = (query.join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
             .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
             .where(Initiative.year == year, Initiative.status == Status.in_review,
                    ReviewAssignment.round == Initiative.round,
                    ReviewAssignment.status == AssignmentStatus.active,
                    or_(Review.id.is_(None), Review.status != ReviewStatus.submitted)))
    if initiative_ids is not None:
        query = query.where(ReviewAssignment.initiative_id.in_(list(initiative_ids)))
    return query


def due_sheets(year, assignment_ids=None, *, initiative_ids=None, limit=None, offset=0):
    """Active assignments of the year's initiatives in appraisal whose sheet is not submitted,
    soonest due first, with their initiative and reviewer (of `initiative_ids` only, one page of
    `limit` from `offset`, when given)."""
    query = (
        _open_sheets(select(ReviewAssignment), year, initiative_ids)
        .options(selectinload(ReviewAssignment.initiative).selectinload(Initiative.authors),
                 selectinload(ReviewAssignment.review))
        .order_by(ReviewAssignment.due_on, ReviewAssignment.id))
    if assignment_ids is not None:
        query = query.where(ReviewAssignment.id.in_(assignment_ids))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return db.session.execute(query).scalars().all()


def count_due_sheets(year, initiative_ids=None):
    return db.session.execute(
        _open_sheets(select(func.count(ReviewAssignment.id)), year, initiative_ids)).scalar_one()


def assignment(assignment_id):
    return db.session.execute(
        select(ReviewAssignment).where(ReviewAssignment.id == assignment_id)
        .options(selectinload(ReviewAssignment.initiative), selectinload(ReviewAssignment.review))
    ).scalar_one_or_none()
