"""Who sits on which year's council, and who is assigned to what: the facts the policy reads.

Looked up once per request (a few queries whatever the page shows) and forgotten when an
operation changes them, so that the answer after a change in the same request is current.
"""
from flask import g, has_request_context
from sqlalchemy import select

from portal.council.models import AssignmentStatus, Council, CouncilMember, Review, ReviewAssignment, ReviewStatus
from portal.extensions import db
from portal.initiatives import policy

CACHE = "_council_facts"


def _cache():
    if not has_request_context():
        return {}
    return g.setdefault(CACHE, {})


def roles_of(user_id):
    """{year: role} for one person."""
    cache = _cache().setdefault("roles", {})
    if user_id not in cache:
        rows = db.session.execute(
            select(Council.year, CouncilMember.role).join(CouncilMember.council)
            .where(CouncilMember.user_id == user_id)
        ).all()
        cache[user_id] = {year: str(role) for year, role in rows}
    return cache[user_id]


def officers_of(year):
    """{role: frozenset(user ids)} of the year's council."""
    cache = _cache().setdefault("officers", {})
    if year not in cache:
        rows = db.session.execute(
            select(CouncilMember.role, CouncilMember.user_id).join(CouncilMember.council)
            .where(Council.year == year)
        ).all()
        holders = {}
        for role, user_id in rows:
            holders.setdefault(str(role), set()).add(user_id)
        cache[year] = {role: frozenset(ids) for role, ids in holders.items()}
    return cache[year]


def assignments_by_initiative(user_id):
    """{initiative id: [(round, assignment status, review status)]} of one reviewer, in one query."""
    cache = _cache().setdefault("assignments", {})
    if user_id not in cache:
        rows = db.session.execute(
            select(ReviewAssignment.initiative_id, ReviewAssignment.round, ReviewAssignment.status,
                   Review.status)
            .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
            .where(ReviewAssignment.reviewer_id == user_id)
        ).all()
        found = {}
        for initiative_id, round_, status, review_status in rows:
            found.setdefault(initiative_id, []).append((round_, status, review_status))
        cache[user_id] = found
    return cache[user_id]


def assignment_of(user_id, initiative):
    current, ever = None, False
    for round_, status, review_status in assignments_by_initiative(user_id).get(initiative.id, ()):
        if status == AssignmentStatus.withdrawn:
            continue
        ever = True
        if round_ == initiative.round and status == AssignmentStatus.active:
            current = "submitted" if review_status == ReviewStatus.submitted else "open"
    return current, ever


def assigned_ids(user_id):
    return {initiative_id for initiative_id, rows in assignments_by_initiative(user_id).items()
            if any(status != AssignmentStatus.withdrawn for _round, status, _review in rows)}


def forget():
    if has_request_context():
        g.pop(CACHE, None)


class Facts(policy.CouncilFacts):
    def roles_of(self, user_id):
        return roles_of(user_id)

    def officers_of(self, year):
        return officers_of(year)

    def assignment_of(self, user_id, initiative):
        return assignment_of(user_id, initiative)

    def assigned_ids(self, user_id):
        return assigned_ids(user_id)

    def forget(self):
        forget()


policy.install_council(Facts())
