"""What the public pages read: a fixed number of queries each, whatever the data size."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.auth.models import Unit
from portal.extensions import db
from portal.initiatives.models import Attachment, Field, Initiative
from portal.initiatives.workflow import LEVEL_LABELS, Level
from portal.publishing.cache import remembered
from portal.publishing.models import Publication, live_condition

SORTS = {
    "newest": ("Mới nhất", lambda: (Publication.published_at.desc(), Publication.id.desc())),
    "oldest": ("Cũ nhất", lambda: (Publication.published_at.asc(), Publication.id.asc())),
    "views": ("Đọc nhiều nhất", lambda: (Publication.view_count.desc(), Publication.id.desc())),
    "title": ("Theo tên (A–Z)", lambda: (Initiative.title.asc(), Publication.id.asc())),
    "year": ("Theo năm", lambda: (Publication.year.desc(), Publication.published_at.desc())),
}
FILTERS = ("year", "field", "level", "unit")


def _articles():
    """Live articles with their initiatives, authors, field and unit (eager, fixed queries)."""
    return (
        select(Publication)
        .where(Publication.live.is_(True))
        .options(selectinload(Publication.initiative).selectinload(Initiative.authors))
    )


def _live_count():
    return select(func.count(Publication.id)).where(Publication.live.is_(True))


def clean_filters(args):
    """The list's filters from a query string; unknown values are dropped, never an error."""
    out = {}
    year = (args.get("year") or "").strip()
    if year.isdigit() and len(year) == 4:
        out["year"] = int(year)
    field = (args.get("field") or "").strip()
    if field and len(field) <= 32:
        out["field"] = field
    level = (args.get("level") or "").strip()
    if level in {lv.value for lv in Level}:
        out["level"] = level
    unit = (args.get("unit") or "").strip()
    if unit.isdigit() and len(unit) < 10:
        out["unit"] = int(unit)
    return out


def _where(query, filters, skip=None):
    """Filters on the article's copied facts: no read of the (wide) initiative rows."""
    if "year" in filters and skip != "year":
        query = query.where(Publication.year == filters["year"])
    if "field" in filters and skip != "field":
        query = query.where(Publication.field_id == select(Field.id).where(
            Field.code == filters["field"]).scalar_subquery())
    if "level" in filters and skip != "level":
        query = query.where(Publication.level == filters["level"])
    if "unit" in filters and skip != "unit":
        query = query.where(Publication.unit_id == filters["unit"])
    return query


def facet_counts(filters):
    """For each filter, its values with the number of articles (other filters applied).

    {"year": [(2025, "2025", n)], "field": [(code, name, n)], "level": [...], "unit": [(id, name, n)]}
    Counted once per site generation for each set of filters (see `remembered`).
    """
    years, fields, levels, units = remembered(
        "facets|" + repr(sorted(filters.items())), lambda: _facet_rows(filters))
    level_order = list(Level)
    return {
        "year": [(y, str(y), n) for n, y in years],
        "field": [(code, name, n) for n, code, name in fields],
        "level": sorted(((lv, LEVEL_LABELS[Level(lv)], n) for n, lv in levels
                         if lv in Level.__members__),
                        key=lambda item: level_order.index(Level(item[0]))),
        "unit": [(uid, name, n) for n, uid, name in units],
    }


def _facet_rows(filters):
    base = select(func.count(Publication.id)).select_from(Publication).where(
        Publication.live.is_(True))
    years = db.session.execute(
        _where(base.add_columns(Publication.year), filters, "year")
        .group_by(Publication.year).order_by(Publication.year.desc())).all()
    fields = db.session.execute(
        _where(base.add_columns(Field.code, Field.name).join(Field, Field.id == Publication.field_id),
               filters, "field")
        .group_by(Field.code, Field.name, Field.position).order_by(Field.position, Field.name)).all()
    levels = db.session.execute(
        _where(base.add_columns(Publication.level), filters, "level")
        .where(Publication.level.is_not(None)).group_by(Publication.level)).all()
    units = db.session.execute(
        _where(base.add_columns(Unit.id, Unit.name).join(Unit, Unit.id == Publication.unit_id),
               filters, "unit")
        .group_by(Unit.id, Unit.name).order_by(Unit.name)).all()
    return ([tuple(r) for r in years], [tuple(r) for r in fields],
            [tuple(r) for r in levels], [tuple(r) for r in units])


@dataclass
class ArticlePage:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def article_list(filters, sort="newest", page=1, per_page=12):
    total = remembered("count|" + repr(sorted(filters.items())),
                       lambda: db.session.execute(_where(_live_count(), filters)).scalar_one())
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = SORTS.get(sort, SORTS["newest"])[1]()
    query = _where(_articles(), filters)
    if sort == "title":
        query = query.join(Publication.initiative)
    items = db.session.execute(
        query.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return ArticlePage(items, total, page, per_page)


def newest(limit=6):
    return db.session.execute(
        _articles().order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)
    ).scalars().all()


def most_read(limit=5):
    return db.session.execute(
        _articles().where(Publication.view_count > 0)
        .order_by(Publication.view_count.desc(), Publication.id.desc()).limit(limit)
    ).scalars().all()


def live_total():
    return remembered("live_total", lambda: db.session.execute(_live_count()).scalar_one())


def live_publication(initiative_id):
    """The article of `initiative_id`, or None when it is not public (checked on the initiative)."""
    return db.session.execute(
        select(Publication).join(Publication.initiative)
        .where(Publication.initiative_id == initiative_id, live_condition())
        .options(selectinload(Publication.initiative).selectinload(Initiative.authors),
                 selectinload(Publication.old_slugs))
    ).scalars().one_or_none()


def public_attachments(initiative_id):
    return db.session.execute(
        select(Attachment).where(Attachment.initiative_id == initiative_id,
                                 Attachment.is_public.is_(True)).order_by(Attachment.id)
    ).scalars().all()


def publications_of(initiatives):
    """{initiative id: live Publication} for initiatives shown elsewhere (search, related)."""
    ids = [i.id for i in initiatives]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Publication).join(Publication.initiative)
        .where(live_condition(), Publication.initiative_id.in_(ids))
    ).scalars()
    return {p.initiative_id: p for p in rows}


def feed_entries(field_code=None, limit=30):
    query = _articles().order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)
    if field_code:
        query = _where(query, {"field": field_code})
    return db.session.execute(query).scalars().all()


def sitemap_count():
    return db.session.execute(
        select(func.count(Publication.initiative_id)).where(Publication.live.is_(True))).scalar_one()


def sitemap_rows(page=1, per_page=None):
    """One page of the sitemap's articles, in a stable order (by initiative), so that a new
    publication adds to the last page instead of shifting every page."""
    query = (select(Publication.initiative_id, Publication.slug, Publication.updated_at)
             .where(Publication.live.is_(True))
             .order_by(Publication.initiative_id))
    if per_page:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return db.session.execute(query).all()


def last_modified():
    """When any article last changed (publication or its initiative)."""
    return db.session.execute(select(func.max(Publication.updated_at))).scalar()


def field_by_code(code):
    return db.session.execute(select(Field).where(Field.code == code)).scalar_one_or_none()


_related = {"finder": None}


def provide_related(finder):
    """The search area installs its finder of similar articles here (search sits above publishing)."""
    _related["finder"] = finder


def related_articles(initiative, limit=5):
    """Published initiatives most like `initiative`; none when no search area is installed.

    Found once per site generation (the similarity search reads every term's frequency: it
    was most of an article's render), then loaded by id in one query."""
    finder = _related["finder"]
    if finder is None:
        return []
    ids = remembered(f"related|{initiative.id}|{limit}",
                     lambda: [other.id for other in finder(initiative, limit)])
    if not ids:
        return []
    rows = db.session.execute(
        select(Initiative).where(Initiative.id.in_(ids)).options(selectinload(Initiative.field))
    ).scalars()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]
