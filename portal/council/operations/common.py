"""What the council's operations share: links, authors, dates, the per-item check of bulk acts."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import User
from portal.core.refusal import Refusal, invalid
from portal.core.timeutil import today
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import InitiativeVersion


def author_link(initiative):
    """The authors' page of the initiative (the submission area's `Initiative.path`)."""
    return getattr(initiative, "path", None) or "/my"


def review_link(initiative):
    return f"/council/initiatives/{initiative.id}/review"


def _authors(initiative):
    return [a.user for a in initiative.authors if a.user is not None]


def _as_date(value, field_name):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid(_l("Ngày không hợp lệ (%(field)s): dùng dạng YYYY-MM-DD.", field=field_name),
                      fields={field_name: [_l("Ngày không hợp lệ.")]}) from None


def _latest_version(initiative):
    return db.session.execute(
        select(InitiativeVersion).where(InitiativeVersion.initiative_id == initiative.id)
        .order_by(InitiativeVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def _check_each(initiative, actor, action):
    """The policy's answer for one of several: a 404 stays a 404 (its title unseen); any other
    refusal names the initiative."""
    problem = policy.refusal_for(actor, action, initiative)
    if problem is not None:
        if problem.status == 404:
            raise problem
        raise Refusal(problem.status, _l("“%(title)s”: %(why)s", title=initiative.title, why=problem.message),
                      code=problem.code)


def acting_officers(initiative, *roles):
    """Who acts as each of `roles` ("secretary", "chair") for the initiative: the holder, or the
    deputy when the holder is named on it (so a message never goes to an author instead)."""

    ids = set()
    for role in roles:
        ids |= policy.acting(initiative, role)[0]
    if not ids:
        return []
    return list(db.session.execute(select(User).where(User.id.in_(ids))).scalars())


def _date_errors(day, *, not_before=None, before_what=None, field="decision_date"):
    """A decision's date: not in the future, and not before the step it follows."""
    if day > today():
        return {field: [_l("Ngày quyết định không được sau ngày hôm nay (%(today)s).",
                           today=today().strftime("%d/%m/%Y"))]}
    if not_before is not None and day < not_before:
        return {field: [_l("Ngày quyết định không được trước %(what)s (%(day)s).", what=before_what,
                           day=not_before.strftime("%d/%m/%Y"))]}
    return {}
