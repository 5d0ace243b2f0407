"""What a fresh installation needs to be usable, made by `flask --app portal init-db`.

The organisation's settings (from the configuration's first default), the fields of work, the current year (open for submissions) with its default rubric. Each is
made only when missing: an admin's edits are never overwritten, and running it again changes
nothing. The demo (`seed-demo`) adds the demo only.
"""
from sqlalchemy import func, select

from portal.core.organisation import ensure_settings, settings_row
from portal.council.services import rubric_for
from portal.extensions import db
from portal.initiatives.models import DEFAULT_FIELDS, Field
from portal.publishing.cache import ensure_generation
from portal.years import services as years
from portal.years.models import current_year


def ensure_defaults(year=None):
    """Make the defaults that are missing; returns what was made."""
    made = []
    if not db.session.execute(select(func.count(Field.id))).scalar_one():
        for position, (code, name) in enumerate(DEFAULT_FIELDS):
            db.session.add(Field(code=code, name=name, position=position))
        made.append(f"{len(DEFAULT_FIELDS)} fields of work")
    year = year or current_year()
    if db.session.get(years.Year, year) is None:
        years.ensure_year(year, is_open=True)
        made.append(f"year {year}")
    rubric_for(year)
    if settings_row() is None:
        ensure_settings()
        made.append("the organisation's settings")
    ensure_generation()
    db.session.commit()
    return made
