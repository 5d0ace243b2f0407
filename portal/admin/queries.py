"""What needs the administrator's attention, for the home page: a fixed number of queries."""
from sqlalchemy import case, func, select

from portal.auth.models import User
from portal.council.models import Council, CouncilRole
from portal.extensions import db
from portal.years.models import Year

DEADLINES = ("registration_deadline", "submission_deadline", "review_deadline", "commendation_deadline")


def attention(year):
    """{"no_email": n, "never_changed_password": n, "year_missing", "deadlines_missing": [names],
    "council_missing", "roles_missing": [role]} for the year: 4 queries."""
    no_email, fresh = db.session.execute(
        select(func.coalesce(func.sum(case((func.coalesce(User.email, "") == "", 1), else_=0)), 0),
               func.coalesce(func.sum(case((User.password_changed_at.is_(None), 1), else_=0)), 0))
        .where(User.active.is_(True))
    ).one()
    row = db.session.get(Year, year)
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    held = set()
    if council is not None:
        held = {str(m.role) for m in council.members}
    return {
        "year": year,
        "no_email": no_email,
        "never_changed_password": fresh,
        "year_missing": row is None,
        "deadlines_missing": [name for name in DEADLINES if row is not None and getattr(row, name) is None],
        "council_missing": council is None,
        "roles_missing": [] if council is None else
        [role for role in (CouncilRole.chair, CouncilRole.secretary) if role.value not in held],
    }
