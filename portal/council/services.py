"""Councils and their members (recorded by admin, used for every council permission)."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.council.models import (
    DEFAULT_CRITERIA,
    AssignmentStatus,
    Council,
    CouncilDecision,
    CouncilMember,
    CouncilRole,
    Criterion,
    Review,
    ReviewAssignment,
    ReviewScore,
    Rubric,
)
from portal.council.scoring import Sheet, aggregate
from portal.extensions import db


class CouncilError(ValueError):
    pass


def get_or_create_council(year, actor=None, **fields):
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    if council is None:
        council = Council(year=year, name=fields.pop("name", None) or f"Hội đồng Sáng kiến năm {year}",
                          **fields)
        db.session.add(council)
        db.session.flush()
        audit.record("admin.council_created", actor=actor, obj=council, data={"year": year})
    return council


def add_council_member(year, user, role, actor=None):
    role = CouncilRole(role)
    council = get_or_create_council(year, actor=actor)
    if any(m.user_id == user.id for m in council.members):
        raise CouncilError(f"{user.full_name} đã là thành viên Hội đồng năm {year}.")
    if role in (CouncilRole.chair, CouncilRole.secretary) and any(m.role == role for m in council.members):
        raise CouncilError(f"Hội đồng năm {year} đã có {('Chủ tịch' if role == CouncilRole.chair else 'Thư ký')}.")
    member = CouncilMember(council=council, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    audit.record("admin.council_member_added", actor=actor, obj=member,
                 data={"year": year, "user": user.username, "role": role.value})
    from flask import g, has_request_context

    if has_request_context():
        g.pop("_council_roles", None)
    return member


def remove_council_member(member, actor):
    data = {"year": member.council.year, "user_id": member.user_id, "role": member.role.value}
    db.session.delete(member)
    audit.record("admin.council_member_removed", actor=actor, object_type="council_member",
                 object_id=member.id, data=data)


def update_council(council, actor, *, name=None, decision_no=None, decision_date=None):
    """Record the establishing decision (số, ngày quyết định thành lập) and the council's name."""
    before = {"name": council.name, "decision_no": council.decision_no,
              "decision_date": council.decision_date}
    if name is not None:
        council.name = name.strip() or council.name
    if decision_no is not None:
        council.decision_no = decision_no.strip()
    council.decision_date = decision_date
    after = {"name": council.name, "decision_no": council.decision_no,
             "decision_date": council.decision_date}
    audit.record("admin.council_updated", actor=actor, obj=council,
                 data={"year": council.year,
                       "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return council


# -- appraisal queries shared by pages, API, documents and the demo ----------------

def rubric_for(year):
    """The year's rubric; made from the defaults of DESIGN.md the first time it is needed."""
    query = select(Rubric).where(Rubric.year == year)
    rubric = db.session.execute(query).scalar_one_or_none()
    if rubric is None:
        rubric = Rubric(year=year, criteria=[
            Criterion(code=code, name=name, guidance=guidance, max_score=maximum, position=i)
            for i, (code, name, guidance, maximum) in enumerate(DEFAULT_CRITERIA)
        ])
        # Two first reviewers of a year may get here at once: the loser of the
        # unique year constraint takes the winner's rubric instead of failing.
        try:
            with db.session.begin_nested():
                db.session.add(rubric)
        except IntegrityError:
            rubric = db.session.execute(query).scalar_one()
    return rubric


def rubric_frozen(year):
    """True once any reviewer has given any score for an initiative of `year`."""
    from portal.initiatives.models import Initiative

    return db.session.execute(
        select(ReviewScore.id)
        .join(Review, Review.id == ReviewScore.review_id)
        .join(Initiative, Initiative.id == Review.initiative_id)
        .where(Initiative.year == year, ReviewScore.score.is_not(None))
        .limit(1)
    ).first() is not None


def assignments_of(initiative, round=None):
    """Every assignment of the round (active and recused), oldest first, reviews loaded."""
    return list(db.session.execute(
        select(ReviewAssignment)
        .where(ReviewAssignment.initiative_id == initiative.id,
               ReviewAssignment.round == (initiative.round if round is None else round))
        .options(selectinload(ReviewAssignment.review))
        .order_by(ReviewAssignment.id)
    ).scalars())


def active_assignment(initiative, user):
    if user is None or not getattr(user, "id", None):
        return None
    return db.session.execute(
        select(ReviewAssignment).where(
            ReviewAssignment.initiative_id == initiative.id,
            ReviewAssignment.round == initiative.round,
            ReviewAssignment.reviewer_id == user.id,
            ReviewAssignment.status == AssignmentStatus.active)
    ).scalar_one_or_none()


def same_unit_warning(initiative, reviewer):
    """Same unit as the initiative or one of its authors: allowed, but worth a warning."""
    units = {initiative.unit_id} | {a.user.unit_id for a in initiative.authors if a.user}
    return reviewer.unit_id in units


def sheets_of(assignments):
    """The scoring sheets of the submitted reviews, in assignment order."""
    return [
        Sheet(key=a.id, scores=a.review.score_map(), recommendation=a.review.recommendation)
        for a in assignments if a.is_active and a.submitted
    ]


def scoring_complete(assignments, required=None):
    """Every active assignment submitted, and at least `required` of them."""
    from flask import current_app

    if required is None:
        required = current_app.config.get("REVIEWERS_PER_INITIATIVE", 3)
    active = [a for a in assignments if a.is_active]
    return len(active) >= max(1, required) and all(a.submitted for a in active)


class Appraisal:
    """Everything the council sees about one initiative's current round."""

    def __init__(self, initiative, assignments=None, rubric=None, required=None):
        self.initiative = initiative
        self.rubric = rubric or rubric_for(initiative.year)
        self.assignments = assignments_of(initiative) if assignments is None else assignments
        self.active = [a for a in self.assignments if a.is_active]
        self.aggregate = aggregate(self.rubric.specs(), sheets_of(self.assignments),
                                   self.rubric.thresholds())
        self.complete = scoring_complete(self.assignments, required)

    @property
    def suggested(self):
        return self.aggregate.suggested if self.complete else None

    def number_of(self, assignment):
        """Anonymised label: "Thành viên 1, 2, …" in assignment order."""
        return self.assignments.index(assignment) + 1


def council_role_in(user, year):
    if not user or not getattr(user, "is_authenticated", False):
        return None
    return user.council_role(year)


def can_oversee(user, year):
    """Chair, vice-chair and secretary of the year follow the whole appraisal."""
    return council_role_in(user, year) in ("chair", "vice_chair", "secretary")


def can_see_scores(initiative, user):
    """Who may see the scores of the current round, reviewer by reviewer.

    Scoring is independent: whoever holds an active assignment sees nothing
    until their own sheet is submitted. Authors never see individual scores.
    """
    if initiative.is_author(user):
        return False
    mine = active_assignment(initiative, user)
    if mine is not None:
        return mine.submitted
    return can_oversee(user, initiative.year)


def latest_decision(initiative):
    return db.session.execute(
        select(CouncilDecision).where(CouncilDecision.initiative_id == initiative.id)
        .order_by(CouncilDecision.id.desc()).limit(1)
    ).scalar_one_or_none()


def outcome_for_authors(initiative):
    """What the authors learn after the council decided: the outcome, the mean per
    criterion and the council's comments — never who gave which score.

    None while there is no decision to show. Comments are grouped by criterion
    and sorted, so they cannot be matched across criteria to one reviewer.
    """
    from portal.initiatives.workflow import Status

    if initiative.status not in (Status.recognized, Status.rejected, Status.returned):
        return None
    decision = latest_decision(initiative)
    if decision is None:
        return None  # returned at screening: the return note says it all
    assignments = assignments_of(initiative, round=decision.round)
    rubric = rubric_for(initiative.year)
    result = aggregate(rubric.specs(), sheets_of(assignments), rubric.thresholds())
    submitted = [a.review for a in assignments if a.is_active and a.submitted]
    comments = {}
    for review in submitted:
        for score in review.scores:
            if score.comment.strip():
                comments.setdefault(score.criterion_code, []).append(score.comment.strip())
    overall = sorted(r.overall_comment.strip() for r in submitted if r.overall_comment.strip())
    return {
        "outcome": decision.outcome,
        "decision_no": decision.decision_no,
        "decision_date": decision.decision_date,
        "round": decision.round,
        "count": result.count,
        "mean_total": result.mean_total,
        "max_total": result.max_total_possible,
        "criteria": [
            {"code": c.code, "name": c.name, "max_score": c.max_score, "mean": c.mean,
             "comments": sorted(comments.get(c.code, []))}
            for c in result.criteria
        ],
        "comments": overall,
        "note": initiative.return_note if decision.outcome == "returned" else "",
    }


def similar_initiatives(initiative, limit=5):
    """The search area's most similar earlier initiatives, when that area provides them."""
    import portal.search as search

    finder = getattr(search, "similar_initiatives", None)
    if finder is None:
        return None
    return finder(initiative, limit=limit)
