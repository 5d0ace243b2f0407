"""What every council page about one initiative shares: loading it and its header."""
from flask import request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.core.timeutil import local_date
from portal.council.services import active_assignment, decision_deadline, filed_late
from portal.initiatives.access import get_initiative_or_404
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.rules import SECTIONS
from portal.initiatives.workflow import Status
from portal.years import services as years
from portal.years.models import current_year

VERSION_SECTIONS = [("summary", "Tóm tắt"), *SECTIONS.items()]


def year_arg():
    return request.args.get("year", type=int) or current_year()


def load(initiative_id, act=Act.follow):
    """The initiative if the current user may `act` on it (404 when they may not even see it)."""
    return get_initiative_or_404(initiative_id, current_user, act,
                                 options=[selectinload(Initiative.versions), selectinload(Initiative.attachments)])


def latest_version(initiative):
    return initiative.versions[-1] if initiative.versions else None


def context(initiative, **extra):
    """What every council page about one initiative shows in its header."""
    filed_on = initiative.first_submitted_at or initiative.submitted_at
    return {
        "initiative": initiative,
        "version": latest_version(initiative),
        "sections": VERSION_SECTIONS,
        "rules": years.rules_for(initiative.year),
        "filed_late": filed_late(initiative),
        "filed_on": filed_on,
        "filed_on_day": local_date(filed_on),
        "deadline": decision_deadline(initiative) if initiative.status == Status.in_review else None,
        "my_assignment": active_assignment(initiative, current_user),
        "awaiting_screening": initiative.status == Status.submitted,
        **extra,
    }
