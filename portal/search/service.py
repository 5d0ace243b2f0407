"""The portal's side of search: indexes that catch up from the database, and asking them.

The database is the truth. Every change to a searchable initiative writes a
``SearchOutbox`` row in the same transaction (``outbox``). Before answering,
an index applies the rows it has not seen yet, holding an inter-process
lock; a reader that cannot get the lock quickly answers from the index as
it is. The position reached is kept beside the index (``directories``), so
several hosts, each with its own folder, catch up independently; a folder
that vanished is rebuilt. Every result is checked against the database
before it is shown.

Failures: only ``IndexCorrupt`` (files that cannot be read as an index) is
the index's fault: it is retried on fresh files, then rebuilt once. Any
other exception is a bug or a database failure and propagates (a logged
500), instead of being hidden by a rebuild.
"""
import logging
import math
import os
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication, live_condition
from portal.search import attachments, outbox  # noqa: F401 - outbox registers its listener
from portal.search.directories import (
    forget_indexes,
    get_index,
    index_lock,
    index_path,
    live_path,
    new_build,
    read_state,
    switch,
    write_state,
)
from portal.search.documents import (
    INDEXES,
    INTERNAL,
    PUBLIC,
    _qualifies,
    _qualifying_ids,
    documents,
    plain,
    published_ids,
)
from portal.search.engine import FACETS, IndexBusyError, IndexCorrupt, SearchResult
from portal.search.models import SearchOutbox

__all__ = ["INDEXES", "INTERNAL", "PUBLIC", "forget_indexes", "get_index", "index_lock", "live_path",
           "index_path", "plain", "published_ids", "read_state"]

log = logging.getLogger(__name__)

READ_WAIT = 0.2          # a reader waits this long for another process's update, then reads
WRITE_WAIT = 30.0        # reindex and tests wait this long
BATCH = 2000             # outbox rows applied per writer commit
GAP_TTL = 300            # seconds an outbox id missing below the position is looked for again
GAP_WINDOW = 1000        # at a rebuild, ids this far below the top are checked for gaps
MAX_GAPS = 10_000
SCHEMA = "initiatives_v2"  # bumped when what an index holds changes: a rebuild follows


def _pending(state, limit=BATCH):
    now = time.time()
    gaps = [i for i, seen in state["gaps"].items() if now - seen < GAP_TTL]
    condition = SearchOutbox.id > state["position"]
    if gaps:
        condition = or_(condition, SearchOutbox.id.in_(gaps))
    return db.session.execute(
        select(SearchOutbox.id, SearchOutbox.initiative_id).where(condition)
        .order_by(SearchOutbox.id).limit(limit)
    ).all()


def _advance(state, row_ids):
    """The state after applying `row_ids`: a new position and the ids skipped over.

    On PostgreSQL a transaction that took a lower id may commit after one
    that took a higher id; such ids are remembered as gaps and looked for
    again for GAP_TTL seconds.
    """
    now = time.time()
    position = state["position"]
    gaps = {i: t for i, t in state["gaps"].items() if now - t < GAP_TTL}
    seen = set(row_ids)
    for i in seen:
        gaps.pop(i, None)
    top = max(seen | {position})
    if top - position - len(seen) < MAX_GAPS:
        for i in range(position + 1, top):
            if i not in seen:
                gaps[i] = now
    return {**state, "position": top, "gaps": gaps, "applied_at": now}


def _apply_rows(index_name, ix, rows):
    ids = {r.initiative_id for r in rows}
    docs = list(documents(index_name, ids))
    keep = {d["id"] for d in docs}
    ix.apply(docs, sorted(ids - keep))


def _rebuild(index_name):
    """Build the index aside from the database, then switch to it (hold the lock)."""
    top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
    recent = set(db.session.execute(
        select(SearchOutbox.id).where(SearchOutbox.id > top - GAP_WINDOW)).scalars())
    now = time.time()
    gaps = {i: now for i in range(max(1, top - GAP_WINDOW + 1), top) if i not in recent}
    build, ix = new_build(index_name)
    expected = db.session.execute(
        select(func.count(Initiative.id)).outerjoin(
            Publication, Publication.initiative_id == Initiative.id)
        .where(_qualifies(index_name))).scalar_one()
    workers = current_app.config.get("SEARCH_BUILD_WORKERS") or min(2, os.cpu_count() or 1)
    try:
        count = ix.rebuild(documents(index_name), total=expected, workers=workers)
    finally:
        ix.close()
    switch(index_name, build, {"position": top, "gaps": gaps, "built_at": now, "applied_at": now,
                               "docs": count, "schema": SCHEMA})
    return count


def _needs_rebuild(state, ix, top):
    if state is None or state.get("schema") != SCHEMA:
        return True
    if state["position"] > top:
        return True  # the database was replaced under this index
    return bool(state.get("docs")) and ix.doc_count() == 0


def catch_up(index_name, wait=READ_WAIT):
    """Bring the index up to the outbox; False when another process held it too long.

    Costs one small query when nothing is pending.
    """
    state = read_state(index_name)
    if state is not None and state.get("schema") == SCHEMA and not _pending(state, limit=1):
        return True
    with index_lock(index_name, wait) as locked:
        if not locked:
            return False
        state = read_state(index_name)
        ix = get_index(index_name, state)
        top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
        if _needs_rebuild(state, ix, top):
            log.info("search index %s: rebuilding from the database", index_name)
            _rebuild(index_name)
            return True
        while True:
            rows = _pending(state)
            if not rows:
                break
            try:
                _apply_rows(index_name, ix, rows)
            except IndexBusyError:
                return False
            state = _advance(state, [r.id for r in rows])
            write_state(index_name, state)
            if len(rows) < BATCH:
                break
    return True


def reindex(index_name):
    """Rebuild `index_name` from the database; returns the number of documents.

    Searches keep answering from the previous build until the new one is complete.
    """
    with index_lock(index_name, WRITE_WAIT) as locked:
        if not locked:
            raise TimeoutError(f"search index {index_name} is busy; try again")
        return _rebuild(index_name)


def status(index_name):
    state = read_state(index_name)
    top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
    in_db = db.session.execute(
        select(func.count(Initiative.id)).outerjoin(
            Publication, Publication.initiative_id == Initiative.id)
        .where(_qualifies(index_name))).scalar_one()
    return {
        "index": index_name,
        "path": str(live_path(index_name, state)),
        "position": state["position"] if state else None,
        "outbox_top": top,
        "pending": max(0, top - state["position"]) if state else None,
        "documents": get_index(index_name, state).doc_count() if state else None,
        "in_database": in_db,
        "attachments_pending": attachments.pending_count(),
    }


@dataclass
class SearchPage:
    """A page of results for a template or the API: hits with their initiatives."""
    query: str
    result: SearchResult
    items: list = field(default_factory=list)   # [(Hit, Initiative)], best first
    stale: bool = False        # another process was updating; answered from the index as it was
    unavailable: bool = False  # the index could not be read or rebuilt

    @property
    def pages(self):
        return max(1, math.ceil(self.result.total / self.result.per_page)) if self.result.total else 0


def _empty(q, page, per_page, error):
    return SearchResult(total=0, page=page, per_page=per_page, hits=[],
                        facets={name: {} for name in FACETS}, suggestion=None, query=q, error=error)


def _ask(index_name, ask):
    """Catch up, then `ask(index)`; ``(answer, stale)``, the answer None when unavailable.

    Unreadable index files are first retried on freshly opened files (a
    concurrent merge or switch may have replaced them); a second failure
    rebuilds the index once, and a third gives up with "unavailable".
    """
    for attempt in range(3):
        try:
            fresh = catch_up(index_name)
            return ask(get_index(index_name)), not fresh
        except (IndexCorrupt, OSError):
            # OSError: the index folder itself is unusable (gone, or a file).
            log.exception("search index %s unreadable (attempt %d)", index_name, attempt + 1)
            forget_indexes()
            if attempt == 1:
                try:
                    with index_lock(index_name, WRITE_WAIT) as locked:
                        if locked:
                            _rebuild(index_name)
                except (IndexCorrupt, OSError):
                    log.exception("rebuilding search index %s failed", index_name)
    return None, True


def _load(ids):
    if not ids:
        return {}
    rows = db.session.execute(
        select(Initiative).where(Initiative.id.in_(ids))
        .options(selectinload(Initiative.authors))
    ).scalars()
    return {i.id: i for i in rows}


def _search(index_name, q, filters, page, per_page, allowed):
    def ask(ix):
        return ix.search(q, filters=filters, page=page, per_page=per_page, allowed_ids=allowed)

    result, stale = _ask(index_name, ask)
    if result is None:
        return SearchPage(q, _empty(q, page, per_page, "unavailable"), unavailable=True)
    by_id = _load([h.id for h in result.hits])
    items = [(h, by_id[h.id]) for h in result.hits if h.id in by_id]
    return SearchPage(q, result, items, stale=stale)


def search_public(q, filters=None, page=1, per_page=10):
    """Published articles matching `q` (and the filters), best first."""
    return _search(PUBLIC, q, filters, page, per_page, published_ids)


def may_search_internal(user):
    """Whoever reads initiatives beyond their own (the policy says which; results are filtered by it)."""
    return policy.may_search_internal(user)


def _visible_ids(user):
    def allowed(ids):
        rows = db.session.execute(
            select(Initiative).where(Initiative.id.in_(list(ids)), Initiative.status != Status.draft)
            .options(selectinload(Initiative.authors))
        ).scalars()
        return {i.id for i in rows if policy.can(user, Act.view, i)}
    return allowed


def search_internal(q, user, filters=None, page=1, per_page=20):
    """Every initiative past draft that `user` may see, matching `q`."""
    return _search(INTERNAL, q, filters, page, per_page, _visible_ids(user))


def _similar(index_name, initiative, limit, allowed):
    own_files = attachments.texts_of([initiative.id], public_only=index_name == PUBLIC)
    text = "\n".join(part for part in (
        initiative.title, initiative.summary, plain(initiative.current_state),
        plain(initiative.solution), plain(initiative.benefits),
        *(t for _name, t in own_files.get(initiative.id, []))) if part)
    found, _stale = _ask(index_name, lambda ix: ix.similar(
        text, limit=limit * 3, exclude_ids={initiative.id}))
    if not found:
        return []
    scores = dict(found)
    ok = allowed(list(scores))
    by_id = _load([i for i in scores if i in ok])
    result = []
    for initiative_id, score in found:
        other = by_id.get(initiative_id)
        if other is not None:
            other.similarity = score
            result.append(other)
        if len(result) >= limit:
            break
    return result


def similar_initiatives(initiative, limit=5):
    """The initiatives past draft, any year, most like `initiative` (for screening).

    Each returned Initiative carries `.similarity` from 0 to 1. A solution
    already recognised cannot be recognised again, so the council sees these
    when it screens a submission; attachments count as much as the text.
    """
    return _similar(INTERNAL, initiative, limit,
                    lambda ids: _qualifying_ids(INTERNAL, ids))


def related_articles(initiative, limit=5):
    """Published articles most like `initiative` (for the article page)."""
    return _similar(PUBLIC, initiative, limit, published_ids)


def suggest(q, limit=8):
    """Search as you type on the public index: ``{"phrases": [...], "titles": [...]}``.

    Titles come back as ``(initiative id, title, slug)`` of live articles only.
    """
    found, _stale = _ask(PUBLIC, lambda ix: ix.complete(q, limit * 2))
    if not found:
        return {"phrases": [], "titles": []}
    ids = [pk for pk, _title in found["titles"]]
    slugs = dict(db.session.execute(
        select(Publication.initiative_id, Publication.slug)
        .join(Initiative, Initiative.id == Publication.initiative_id)
        .where(Publication.initiative_id.in_(ids), live_condition())).all()) if ids else {}
    titles = [(pk, title, slugs[pk]) for pk, title in found["titles"] if pk in slugs]
    n_phrases = min(len(found["phrases"]), max(limit // 2, limit - len(titles)))
    return {"phrases": found["phrases"][:n_phrases], "titles": titles[: limit - n_phrases]}


def example_queries(n=3):
    """Phrases that several published titles share: example queries that always find something."""
    found, _stale = _ask(PUBLIC, lambda ix: ix.examples(n))
    return found or []
