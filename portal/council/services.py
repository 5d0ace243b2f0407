"""Councils and their members (recorded by admin, read by the policy), and the appraisal
queries shared by pages, API, documents and the demo."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.refusal import invalid
from portal.core.timeutil import local_date, today, utcnow
from portal.council import membership
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
    default_name,
)
from portal.council.scoring import Sheet, aggregate
from portal.council.suggestion import Candidate
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status
from portal.years import rules as year_rules
from portal.years import services as years

# The reason kept on the assignments withdrawn when a member leaves the council (shown translated).
REMOVED_FROM_COUNCIL = Phrase("Không còn là thành viên Hội đồng")


def get_or_create_council(year, actor=None, **fields):
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    if council is None:
        council = Council(year=year, name=fields.pop("name", None) or str(default_name(year)),
                          **fields)
        db.session.add(council)
        db.session.flush()
        audit.record("admin.council_created", actor=actor, obj=council, data={"year": year})
    return council


def add_council_member(year, user, role, actor=None):
    role = CouncilRole(role)
    council = get_or_create_council(year, actor=actor)
    if any(m.user_id == user.id for m in council.members):
        raise invalid(_l("%(name)s đã là thành viên Hội đồng năm %(year)s.", name=user.full_name, year=year),
                      field="user")
    if role in (CouncilRole.chair, CouncilRole.secretary) and any(m.role == role for m in council.members):
        raise invalid(_l("Hội đồng năm %(year)s đã có Chủ tịch.", year=year) if role == CouncilRole.chair
                      else _l("Hội đồng năm %(year)s đã có Thư ký.", year=year), field="role")
    member = CouncilMember(council=council, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    audit.record("admin.council_member_added", actor=actor, obj=member,
                 data={"year": year, "user": user.username, "role": role.value})
    membership.forget()
    return member


def remove_council_member(member, actor):
    """Take someone off a year's council: their open assignments of that year are withdrawn.

    Sheets they already submitted stay as they are; the secretary and the member are told
    which assignments went, so that others can be assigned.
    """
    year, user = member.council.year, member.user
    open_rows = db.session.execute(
        select(ReviewAssignment).join(Initiative, Initiative.id == ReviewAssignment.initiative_id)
        .where(ReviewAssignment.reviewer_id == user.id, Initiative.year == year,
               ReviewAssignment.status == AssignmentStatus.active,
               ReviewAssignment.round == Initiative.round,
               Initiative.status == Status.in_review)
        .options(selectinload(ReviewAssignment.review), selectinload(ReviewAssignment.initiative))
    ).scalars().all()
    withdrawn = [a for a in open_rows if not a.submitted]
    for assignment in withdrawn:
        assignment.status = AssignmentStatus.withdrawn
        assignment.recused_at = utcnow()
        assignment.recusal_reason = REMOVED_FROM_COUNCIL
    data = {"year": year, "user_id": user.id, "user": user.username, "role": member.role.value,
            "withdrawn_assignments": [a.id for a in withdrawn]}
    db.session.delete(member)
    db.session.flush()
    membership.forget()
    audit.record("admin.council_member_removed", actor=actor, object_type="council_member",
                 object_id=member.id, data=data,
                 summary=f"Bỏ {user.full_name} khỏi Hội đồng năm {year}"
                         + (f"; rút {len(withdrawn)} phân công chấm" if withdrawn else ""))
    if withdrawn:
        titles = "; ".join(f"“{a.initiative.title}”" for a in withdrawn)
        said = {"year": year, "titles": titles, "name": user.full_name}
        notify([user], Phrase("Bạn không còn là thành viên Hội đồng Sáng kiến năm %(year)s", **said),
               Phrase("Các phân công chấm chưa nộp phiếu đã được rút: %(titles)s.", **said), "/council/")
        secretaries = [u for u in _officers(year, "secretary") if u.id != user.id]
        notify(secretaries, Phrase("Cần phân công lại: %(name)s không còn trong Hội đồng năm %(year)s", **said),
               Phrase("Các phân công chấm đã rút: %(titles)s. Vui lòng phân công thành viên khác.", **said),
               f"/council/queue?year={year}")
    return withdrawn


def _officers(year, *roles):
    return [m.user for m in db.session.execute(
        select(CouncilMember).join(Council).where(Council.year == year, CouncilMember.role.in_(roles))
    ).scalars()]


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


def reviewer_candidates(initiative, members, assignments, open_sheets):
    """Each member of the year's council as the suggestion rule (portal.council.suggestion) sees
    them: `assignments` are the round's, `open_sheets` {user id: open sheets of the year}."""
    by_reviewer = {}
    for a in assignments:
        by_reviewer.setdefault(a.reviewer_id, []).append(a)
    found = []
    for member in members:
        mine = by_reviewer.get(member.user_id, [])
        if initiative.is_named(member.user):
            conflict = "author"
        elif any(a.is_active for a in mine):
            conflict = "assigned"
        elif any(a.status == AssignmentStatus.recused for a in mine):
            conflict = "recused"
        else:
            conflict = None
        found.append(Candidate(user_id=member.user_id, name=member.user.full_name, role=member.role.value,
                               same_unit=same_unit_warning(initiative, member.user),
                               open_sheets=open_sheets.get(member.user_id, 0), conflict=conflict,
                               withdrawn=any(a.status == AssignmentStatus.withdrawn for a in mine)))
    return found


def sheets_of(assignments):
    """The scoring sheets of the submitted reviews, in assignment order."""
    return [
        Sheet(key=a.id, scores=a.review.score_map(), recommendation=a.review.recommendation)
        for a in assignments if a.is_active and a.submitted
    ]


def filed_late(initiative):
    """Filed more than the year's filing window after the first application (counted to the filing)."""
    rules = years.rules_for(initiative.year)
    filed = local_date(initiative.first_submitted_at or initiative.submitted_at)
    return year_rules.filed_late(initiative.first_applied_on, filed, rules.filing_window_days)


def decision_deadline(initiative, on_day=None):
    """When the council must decide (Điều 7.1 with the year's window), as a Deadline."""
    rules = years.rules_for(initiative.year)
    starts = year_rules.decision_starts_on(local_date(initiative.accepted_at), initiative.first_application_requested,
                                           initiative.first_application_ended_on)
    due = year_rules.decision_due_on(starts, rules.decision_due_days)
    waiting = initiative.first_application_requested and initiative.first_application_ended_on is None
    return year_rules.deadline(due, on_day or today(), waiting)


def reviewers_per_initiative():
    return current_app.config.get("REVIEWERS_PER_INITIATIVE", 3)


def scoring_complete(assignments, required=None):
    """Every active assignment submitted, and at least `required` of them."""
    required = reviewers_per_initiative() if required is None else required
    active = [a for a in assignments if a.is_active]
    return len(active) >= max(1, required) and all(a.submitted for a in active)


class Appraisal:
    """Everything derived from the sheets of one initiative's round.

    Operations use it to decide; a page, an export or a document shows it only through
    `visible_appraisal`, which asks the policy whether the reader may see scores.
    """

    def __init__(self, initiative, assignments=None, rubric=None, required=None):
        self.initiative = initiative
        self.rubric = rubric or rubric_for(initiative.year)
        self.assignments = assignments_of(initiative) if assignments is None else assignments
        self.active = [a for a in self.assignments if a.is_active]
        self.aggregate = aggregate(self.rubric.specs(), sheets_of(self.assignments),
                                   self.rubric.thresholds())
        self.complete = scoring_complete(self.assignments, required)
        self.named = False  # may the reader see who gave which sheet (set by visible_appraisal)

    @property
    def suggested(self):
        return self.aggregate.suggested if self.complete else None

    @property
    def submitted_count(self):
        return sum(1 for a in self.active if a.submitted)

    def number_of(self, assignment):
        """Anonymised label: "Thành viên 1, 2, …" in assignment order."""
        return self.assignments.index(assignment) + 1

    def reviewer_label(self, assignment):
        return assignment.reviewer.full_name if self.named else str(_l("Thành viên %(n)s", n=self.number_of(assignment)))


def visible_appraisal(initiative, user, assignments=None, rubric=None):
    """The appraisal as `user` may see it: None unless the policy lets them see its scores;
    reviewers anonymised unless they may see who scored."""
    if not policy.can(user, Act.see_scores, initiative):
        return None
    appraisal = Appraisal(initiative, assignments=assignments, rubric=rubric)
    appraisal.named = policy.can(user, Act.see_identities, initiative)
    return appraisal


def latest_decision(initiative):
    return db.session.execute(
        select(CouncilDecision).where(CouncilDecision.initiative_id == initiative.id)
        .order_by(CouncilDecision.id.desc()).limit(1)
    ).scalar_one_or_none()


def decided_round(initiative):
    """The round whose scores stand for the initiative: the decided one, or the current one."""
    if initiative.status == Status.in_review:
        return initiative.round
    decision = latest_decision(initiative)
    return decision.round if decision else initiative.round


def outcome_for(initiative, user):
    """What `user` may learn of a decided round: the outcome, the mean per criterion and the
    council's comments — never who gave which score. None when there is nothing to show or
    the policy says no (authors see it after the decision; so do the year's officers and
    the emulation office for decided initiatives).

    Comments are grouped by criterion and sorted, so they cannot be matched across
    criteria to one reviewer.
    """
    if not policy.can(user, Act.see_outcome, initiative):
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
        "label": {"recognized": "Được công nhận", "rejected": "Không công nhận"}.get(
            decision.outcome, "Trả lại để hoàn thiện"),
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
        "overruled": decision.overruled,
        "reason": decision.reason if decision.overruled or decision.outcome == "returned" else "",
        "note": initiative.return_note if decision.outcome == "returned" else "",
    }


_similarity = {"finder": None}


def provide_similarity(finder):
    """The search area installs its finder here: search sits above the council, not below it."""
    _similarity["finder"] = finder


def similar_initiatives(initiative, limit=5):
    """The most similar earlier initiatives (None when no search area is installed)."""
    finder = _similarity["finder"]
    return None if finder is None else finder(initiative, limit=limit)
