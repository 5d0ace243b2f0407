"""What each index holds for an initiative, read from the database (the truth).

Two indexes: ``public`` holds published articles (published flag set and
still recognised) with their public attachments; ``internal`` holds every
initiative past draft with all its attachments, for the council's search
and the similarity check at screening.
"""
import re

from sqlalchemy import select

from portal.auth.models import Unit, User
from portal.extensions import db
from portal.initiatives.models import FORM_LABELS, Field, Initiative, InitiativeAuthor
from portal.initiatives.workflow import LEVEL_LABELS, Status
from portal.publishing.models import Publication, live_condition
from portal.search.attachments import texts_of

PUBLIC, INTERNAL = "public", "internal"
INDEXES = (PUBLIC, INTERNAL)

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_TAG = re.compile(r"<[^>]{0,200}>")
_MD_MARKS = re.compile(r"(^|\s)[#>*+-]+\s|[*_`~|]+")


def plain(markdown_text):
    """Markdown reduced to its words, cheaply: snippets show text, not markup."""
    if not markdown_text:
        return ""
    text = _MD_LINK.sub(r"\1", markdown_text)
    text = _MD_TAG.sub(" ", text)
    text = _MD_MARKS.sub(r"\1", text)
    return text


def _qualifies(index_name):
    if index_name == PUBLIC:
        return live_condition()
    return Initiative.status != Status.draft


def documents(index_name, ids=None, chunk=1000):
    """Yield the engine's documents for `index_name` (only those ids when given)."""
    columns = select(
        Initiative.id, Initiative.title, Initiative.summary, Initiative.current_state,
        Initiative.solution, Initiative.conditions, Initiative.benefits, Initiative.year,
        Initiative.level, Initiative.form, Initiative.unit_id, Initiative.decided_at,
        Initiative.submitted_at, Initiative.decision_no, Initiative.sector_decision_no,
        Initiative.national_decision_no, Field.code, Field.name.label("field_name"),
        Unit.name.label("unit_name"), Publication.public_summary, Publication.published_at,
    ).outerjoin(Field, Field.id == Initiative.field_id).outerjoin(
        Unit, Unit.id == Initiative.unit_id).outerjoin(
        Publication, Publication.initiative_id == Initiative.id,
    ).where(_qualifies(index_name)).order_by(Initiative.id)
    last = 0
    wanted = sorted(set(ids)) if ids is not None else None
    while True:
        if wanted is not None:
            batch_ids, wanted = wanted[:chunk], wanted[chunk:]
            if not batch_ids:
                return
            rows = db.session.execute(columns.where(Initiative.id.in_(batch_ids))).all()
        else:
            rows = db.session.execute(columns.where(Initiative.id > last).limit(chunk)).all()
            if not rows:
                return
            last = rows[-1].id
        names = _author_names([r.id for r in rows])
        files = texts_of([r.id for r in rows], public_only=index_name == PUBLIC)
        for r in rows:
            summary = r.summary or ""
            if index_name == PUBLIC and r.public_summary:
                summary = r.public_summary
            yield {
                "id": r.id,
                "title": r.title or "",
                "summary": plain(summary),
                "authors": names.get(r.id, []),
                "meta": metadata(r),
                "files": files.get(r.id, []),
                "body": "\n\n".join(plain(part) for part in (
                    r.current_state, r.solution, r.conditions, r.benefits) if part),
                "year": r.year,
                "field": r.code or "",
                "level": r.level.value if r.level else "",
                "unit": str(r.unit_id),
                "published_at": (r.published_at if index_name == PUBLIC else
                                 r.decided_at or r.submitted_at),
            }


def metadata(row):
    """What a reader types besides the text: field, unit, form, level, year, decision numbers."""
    parts = [row.field_name, row.unit_name, FORM_LABELS.get(row.form) if row.form else None,
             LEVEL_LABELS.get(row.level) if row.level else None, str(row.year) if row.year else None,
             row.decision_no, row.sector_decision_no, row.national_decision_no]
    return " · ".join(p for p in parts if p)


def _author_names(initiative_ids):
    rows = db.session.execute(
        select(InitiativeAuthor.initiative_id, User.full_name, InitiativeAuthor.external_name)
        .outerjoin(User, User.id == InitiativeAuthor.user_id)
        .where(InitiativeAuthor.initiative_id.in_(initiative_ids))
        .order_by(InitiativeAuthor.initiative_id, InitiativeAuthor.position)
    ).all()
    names = {}
    for initiative_id, full_name, external in rows:
        names.setdefault(initiative_id, []).append(full_name or external)
    return names


def _qualifying_ids(index_name, ids):
    if not ids:
        return set()
    query = select(Initiative.id).where(Initiative.id.in_(list(ids)), _qualifies(index_name))
    if index_name == PUBLIC:
        query = query.join(Publication, Publication.initiative_id == Initiative.id)
    return set(db.session.execute(query).scalars())


def published_ids(ids):
    """The ids among `ids` that are public articles right now (the database decides)."""
    return _qualifying_ids(PUBLIC, ids)


