"""Loading an initiative for someone: the single gate every route goes through."""
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from portal.core import refusal
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative, InitiativeAuthor
from portal.initiatives.policy import Act
from portal.initiatives.workflow import DECIDED, Status


def get_initiative_or_404(initiative_id, user, act=Act.view, *, options=()):
    """The initiative, if `user` may `act` on it.

    Raises a 404 Refusal when it does not exist *or* the user may not see it, so that
    nobody learns that someone else's draft exists; otherwise the policy's Refusal
    (403 wrong person, 409 wrong state) when the user may see it but not do `act` now.
    """
    initiative = db.session.get(
        Initiative, initiative_id, options=[selectinload(Initiative.authors), *options])
    if initiative is None:
        raise refusal.not_found()
    policy.check(user, act, initiative)
    return initiative


def visible_clause(user):
    """The policy's `view` rule (READERS) as SQL, for lists that page in the database.

    It must say exactly what policy.can(user, Act.view, ·) says; a test holds the two equal.
    """
    if not getattr(user, "is_authenticated", False):
        return false()
    named = select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id == user.id)
    past_draft = Initiative.status != Status.draft
    clauses = [Initiative.id.in_(named)]
    years = policy.council_years(user)
    if years:
        clauses.append(and_(Initiative.year.in_(years), past_draft))
    assigned = policy.assigned_ids(user)
    if assigned:
        clauses.append(and_(Initiative.id.in_(assigned), past_draft))
    if user.has_role("editor"):
        clauses.append(Initiative.status == Status.recognized)
    if user.has_role("emulation_officer"):
        clauses.append(Initiative.status.in_(DECIDED))
    return or_(*clauses)


def visible(initiatives, user, act=Act.view):
    """Those of `initiatives` that `user` may `act` on (batch actions and lists)."""
    return [i for i in initiatives if policy.can(user, act, i)]


def get_attachment_or_404(initiative, attachment_id):
    """The attachment of an initiative already checked with get_initiative_or_404; 404 otherwise."""
    for attachment in initiative.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise refusal.not_found()


def get_version_or_404(initiative, number):
    """Frozen version `number` of an initiative already checked with get_initiative_or_404."""
    for version in initiative.versions:
        if version.number == number:
            return version
    raise refusal.not_found()
