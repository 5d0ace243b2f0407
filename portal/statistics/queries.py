"""The statistics of a year, aggregated by the database (GROUP BY): a fixed number of queries
whatever the number of initiatives, each returning one row per group or per distinct value.

Two audiences:
- the council's officers, the emulation office and the admin (`internal_*`): every initiative
  of the year past draft; the scores only of decided ones (recognised or rejected), never of
  one still in appraisal or returned (its running scores stay with the council; issue 10), and
  never of one the reader is named on (an author never sees the sheets of their own);
- readers (`public_*`): published initiatives only, read from the publication table that
  copies their public facts; no score at all.
"""
from sqlalchemy import Integer, and_, case, cast, distinct, func, literal, select

from portal.auth.models import Unit
from portal.council.models import Review, ReviewScore, ReviewStatus
from portal.extensions import db
from portal.initiatives.models import Field, Initiative, InitiativeAuthor
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication

SCORED_DECIDED = (Status.recognized, Status.rejected)


def _days(start, end):
    """Whole days from `start` to `end` (two UTC datetimes), in the database's own arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", end - start) / 86400), Integer)
    return cast(func.julianday(end) - func.julianday(start), Integer)  # whole days: truncation of a positive span


def _frequency(subquery_column_select):
    """[(value, count)] of the one-column select, grouped by its value."""
    inner = subquery_column_select.subquery()
    value = inner.c[0]
    return [(v, n) for v, n in db.session.execute(
        select(value, func.count()).group_by(value).order_by(value)).all() if v is not None]


def _sum_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _by(key_columns, where):
    """[(key…, filed, recognised, rejected)] of the year's filed initiatives grouped by the keys."""
    return db.session.execute(
        select(*key_columns, func.count(Initiative.id),
               _sum_if(Initiative.status == Status.recognized), _sum_if(Initiative.status == Status.rejected))
        .select_from(Initiative).outerjoin(Field, Field.id == Initiative.field_id)
        .join(Unit, Unit.id == Initiative.unit_id)
        .where(*where)
        .group_by(*key_columns)
        .order_by(func.count(Initiative.id).desc(), *key_columns)
    ).all()


def _filed(year):
    return (Initiative.year == year, Initiative.status != Status.draft)


def internal_counts(year):
    """{"field" | "unit" | "level": [(label, filed, recognised, rejected)], "achieved": [(level, n)]}.

    "level" is the level the authors applied for; "achieved" the level of the recognised ones."""
    fields = _by([Field.position, Field.name], _filed(year))
    units = _by([Unit.name], _filed(year))
    levels = _by([Initiative.requested_level], _filed(year))
    achieved = db.session.execute(
        select(Initiative.level, func.count(Initiative.id))
        .where(Initiative.year == year, Initiative.status == Status.recognized, Initiative.level.is_not(None))
        .group_by(Initiative.level)).all()
    return {
        "field": [(name, n, r, j) for _pos, name, n, r, j in fields],
        "unit": [tuple(row) for row in units],
        "level": [tuple(row) for row in levels],
        "achieved": [tuple(row) for row in achieved],
    }


def internal_decision_days(year):
    """[(days from filing to decision, how many)] of the year's recognised and rejected initiatives."""
    return _frequency(
        select(_days(Initiative.first_submitted_at, Initiative.decided_at).label("days"))
        .where(Initiative.year == year, Initiative.status.in_(SCORED_DECIDED),
               Initiative.first_submitted_at.is_not(None), Initiative.decided_at.is_not(None)))


def _counted_sheets(year, viewer):
    """Conditions on Review joined to Initiative: the submitted sheets of the decided round of the
    year's decided initiatives that `viewer` is not named on."""
    named = select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id == viewer.id)
    return (Initiative.year == year, Initiative.status.in_(SCORED_DECIDED),
            Review.status == ReviewStatus.submitted, Review.round == Initiative.round,
            Initiative.id.not_in(named))


def score_frequencies(year, viewer):
    """{criterion code: [(score, how many sheets gave it)]} over the counted sheets."""
    rows = db.session.execute(
        select(ReviewScore.criterion_code, ReviewScore.score, func.count(ReviewScore.id))
        .join(Review, Review.id == ReviewScore.review_id)
        .join(Initiative, Initiative.id == Review.initiative_id)
        .where(*_counted_sheets(year, viewer), ReviewScore.score.is_not(None))
        .group_by(ReviewScore.criterion_code, ReviewScore.score)
        .order_by(ReviewScore.criterion_code, ReviewScore.score)).all()
    found = {}
    for code, value, count in rows:
        found.setdefault(code, []).append((value, count))
    return found


def spread_frequencies(year, viewer):
    """[(spread, initiatives, unanimous)] per distinct spread of reviewers' totals.

    The spread of an initiative is its highest sheet total minus its lowest; it is unanimous
    when every sheet gave the same recommendation (all "đạt" or all "không đạt"). Initiatives
    with fewer than two counted sheets have no spread and are left out."""
    totals = (select(Review.id.label("review_id"), Review.initiative_id.label("initiative_id"),
                     Review.recommendation.label("recommendation"),
                     func.coalesce(func.sum(ReviewScore.score), 0).label("total"))
              .select_from(Review)
              .join(Initiative, Initiative.id == Review.initiative_id)
              .outerjoin(ReviewScore, ReviewScore.review_id == Review.id)
              .where(*_counted_sheets(year, viewer))
              .group_by(Review.id, Review.initiative_id, Review.recommendation)).subquery()
    per_initiative = (
        select((func.max(totals.c.total) - func.min(totals.c.total)).label("spread"),
               case((and_(func.count(totals.c.recommendation) == func.count(),
                          func.count(distinct(totals.c.recommendation)) == 1), literal(1)),
                    else_=literal(0)).label("unanimous"))
        .group_by(totals.c.initiative_id)
        .having(func.count() >= 2)).subquery()
    return [tuple(row) for row in db.session.execute(
        select(per_initiative.c.spread, func.count(), func.sum(per_initiative.c.unanimous))
        .group_by(per_initiative.c.spread).order_by(per_initiative.c.spread)).all()]


def _live(year):
    return (Publication.live.is_(True), Publication.year == year)


def public_counts(year):
    """{"field" | "unit" | "level": [(label, published)]} of the year's published initiatives."""
    def by(*columns, join=None):
        query = select(*columns, func.count(Publication.id)).select_from(Publication)
        if join is not None:
            query = query.join(*join)
        return db.session.execute(
            query.where(*_live(year)).group_by(*columns)
            .order_by(func.count(Publication.id).desc(), *columns)).all()

    fields = by(Field.position, Field.name, join=(Field, Field.id == Publication.field_id))
    units = by(Unit.name, join=(Unit, Unit.id == Publication.unit_id))
    levels = by(Publication.level)
    return {
        "field": [(name, n) for _pos, name, n in fields],
        "unit": [tuple(row) for row in units],
        "level": [(level, n) for level, n in levels if level],
    }


def public_decision_days(year):
    """[(days from filing to decision, how many)] of the year's published initiatives."""
    return _frequency(
        select(_days(Initiative.first_submitted_at, Initiative.decided_at).label("days"))
        .select_from(Publication).join(Initiative, Initiative.id == Publication.initiative_id)
        .where(*_live(year), Initiative.first_submitted_at.is_not(None), Initiative.decided_at.is_not(None)))


def public_years():
    """Years with at least one published initiative, newest first."""
    return list(db.session.execute(
        select(Publication.year).where(Publication.live.is_(True), Publication.year.is_not(None))
        .group_by(Publication.year).order_by(Publication.year.desc())).scalars())
