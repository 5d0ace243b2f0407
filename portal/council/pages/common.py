"""What every council page about one initiative shares: loading it and its header."""
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.refusal import not_found
from portal.core.timeutil import local_date
from portal.council.services import active_assignment, decision_deadline, filed_late
from portal.extensions import db
from portal.initiatives.access import get_initiative_or_404, visible
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


def confirmation(*, title, intro, items, action, fields, confirm_label, back_url, warnings=()):
    """The confirmation page: what will happen, and the same values posted again with `confirmed`."""
    return render_template("council/confirm.html", title=title, intro=intro, items=items, action=action,
                           fields=fields, confirm_label=confirm_label, back_url=back_url, warnings=warnings)


def posted(form, *names):
    """[(name, value)] of the form's fields as they were posted, for the confirmation's hidden inputs."""
    pairs = []
    for name in names:
        for value in request.form.getlist(form[name].name):
            pairs.append((form[name].name, value))
    return pairs


def selected_initiatives(ids):
    """The initiatives of `ids` the reader may see, authors loaded; a 404 if any is not (or is hidden)."""
    initiatives = db.session.execute(
        select(Initiative).where(Initiative.id.in_(ids)).options(selectinload(Initiative.authors))
        .order_by(Initiative.id)).scalars().all() if ids else []
    if len(initiatives) != len(ids) or len(visible(initiatives, current_user)) != len(initiatives):
        raise not_found()
    return initiatives


def posted_year(initiatives=()):
    year = request.form.get("year", type=int)
    return year or (initiatives[0].year if initiatives else year_arg())
