"""The portal's side of search: what goes into the indexes and how they catch up.

Two indexes, each in its own directory under SEARCH_INDEX_DIR:
- ``public``: published articles (published flag set and still recognised);
- ``internal``: every initiative past draft, for the council's search and
  for the similarity check at screening.

The database is the truth. Every change to a searchable initiative writes a
``SearchOutbox`` row in the same transaction (the ``after_flush`` listener
below). Before answering, an index applies the rows it has not seen yet,
holding an inter-process lock; a reader that cannot get the lock quickly
answers from the index as it is. The position reached is kept in the index
directory itself (``state.json``), so several hosts, each with its own
directory, catch up independently; a directory that vanished is rebuilt.
Every result is checked against the database before it is shown.
"""
import fcntl
import json
import logging
import math
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import event, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.auth.models import User
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Field, Initiative, InitiativeAuthor
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication, live_condition
from portal.search.engine import FACETS, SearchIndex, SearchResult
from portal.search.models import SearchOutbox

log = logging.getLogger(__name__)

PUBLIC, INTERNAL = "public", "internal"
INDEXES = (PUBLIC, INTERNAL)
STATE_FILE = "state.json"
READ_WAIT = 0.2          # a reader waits this long for another process's update, then reads
WRITE_WAIT = 30.0        # reindex and tests wait this long
BATCH = 2000             # outbox rows applied per writer commit
GAP_TTL = 300            # seconds an outbox id missing below the position is looked for again
GAP_WINDOW = 1000        # at a rebuild, ids this far below the top are checked for gaps
MAX_GAPS = 10_000

# Columns whose change alters what an index holds.
_INITIATIVE_FIELDS = frozenset({
    "status", "title", "summary", "current_state", "solution", "conditions", "benefits",
    "field_id", "year", "unit_id", "level", "decision_no", "decision_date",
})
_PUBLICATION_FIELDS = frozenset({"is_published", "public_summary", "published_at", "initiative_id"})
_AUTHOR_FIELDS = frozenset({"user_id", "external_name", "position", "initiative_id"})


# -- the outbox, written in the transaction of the change ------------------------

_DONE = "search_outbox_done"


def _changed(obj, names):
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _old_status(obj):
    from sqlalchemy import inspect

    history = inspect(obj).attrs["status"].history
    return history.deleted[0] if history.deleted else obj.status


def _initiative_in_session(session, initiative_id):
    key = session.identity_key(Initiative, initiative_id)
    return session.identity_map.get(key)


@event.listens_for(Session, "after_flush")
def _write_outbox(session, flush_context):
    rows = {}

    def touch(initiative_id, op):
        if initiative_id is not None:
            rows[initiative_id] = op

    for obj in session.new:
        if isinstance(obj, Initiative) and obj.status != Status.draft:
            touch(obj.id, "upsert")
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        deleted = obj in session.deleted
        if isinstance(obj, Initiative):
            if deleted:
                touch(obj.id, "delete")
            elif obj not in session.new and _changed(obj, _INITIATIVE_FIELDS):
                if obj.status != Status.draft:
                    touch(obj.id, "upsert")
                elif _old_status(obj) != Status.draft:
                    touch(obj.id, "delete")
        elif isinstance(obj, Publication):
            if deleted or obj in session.new or _changed(obj, _PUBLICATION_FIELDS):
                touch(obj.initiative_id, "upsert")
        elif isinstance(obj, InitiativeAuthor):
            if deleted or obj in session.new or _changed(obj, _AUTHOR_FIELDS):
                parent = _initiative_in_session(session, obj.initiative_id)
                # A draft's co-authors change often and concern no index.
                if parent is None or parent.status != Status.draft:
                    touch(obj.initiative_id, "upsert")
    if not rows:
        return
    done = session.info.setdefault(_DONE, set())
    fresh = [(i, op) for i, op in rows.items() if (i, op) not in done]
    if not fresh:
        return
    done.update(fresh)
    now = utcnow()
    session.connection().execute(
        insert(SearchOutbox.__table__),
        [{"initiative_id": i, "op": op, "created_at": now} for i, op in fresh],
    )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_done(session, *args):
    session.info.pop(_DONE, None)


# -- documents: what an index holds for an initiative -----------------------------

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
        Initiative.level, Initiative.unit_id, Initiative.decided_at, Initiative.submitted_at,
        Field.code, Publication.public_summary, Publication.published_at,
    ).outerjoin(Field, Field.id == Initiative.field_id).outerjoin(
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
        for r in rows:
            summary = r.summary or ""
            if index_name == PUBLIC and r.public_summary:
                summary = r.public_summary
            yield {
                "id": r.id,
                "title": r.title or "",
                "summary": plain(summary),
                "authors": names.get(r.id, []),
                "body": "\n\n".join(plain(part) for part in (
                    r.current_state, r.solution, r.conditions, r.benefits) if part),
                "year": r.year,
                "field": r.code or "",
                "level": r.level.value if r.level else "",
                "unit": str(r.unit_id),
                "published_at": (r.published_at if index_name == PUBLIC else
                                 r.decided_at or r.submitted_at),
            }


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


# -- index directories, their state and lock ------------------------------------------

_open_indexes: dict[str, SearchIndex] = {}
_open_lock = threading.Lock()


def index_path(index_name):
    return Path(current_app.config["SEARCH_INDEX_DIR"]) / index_name


def _lock_path(index_name):
    # Beside the directory, so that deleting the directory does not free the lock.
    return Path(current_app.config["SEARCH_INDEX_DIR"]) / f"{index_name}.lock"


def read_state(index_name):
    try:
        with open(index_path(index_name) / STATE_FILE, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("position"), int):
        return None
    state["gaps"] = {int(k): float(v) for k, v in (state.get("gaps") or {}).items()}
    return state


def _write_state(index_name, state):
    path = index_path(index_name)
    path.mkdir(parents=True, exist_ok=True)
    data = dict(state, gaps={str(k): v for k, v in state["gaps"].items()})
    tmp = path / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path / STATE_FILE)


@contextmanager
def index_lock(index_name, timeout):
    """Hold the index's inter-process lock; yields False when `timeout` passed first."""
    path = _lock_path(index_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.01)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def get_index(index_name):
    """This process's engine for the directory (reopened when the directory vanished).

    One per process: the engine follows other processes' commits itself and
    keeps its caches per segment.
    """
    path = str(index_path(index_name))
    with _open_lock:
        ix = _open_indexes.get(path)
        if ix is None or not os.path.isdir(path):
            if ix is not None:
                ix.close()
            ix = SearchIndex(path)
            _open_indexes[path] = ix
        return ix


def forget_indexes():
    """Close this process's engines (after a directory was replaced)."""
    with _open_lock:
        for ix in _open_indexes.values():
            try:
                ix.close()
            except OSError:
                pass
        _open_indexes.clear()


# -- catching up ----------------------------------------------------------------------

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


def _rebuild(index_name, ix):
    top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
    recent = set(db.session.execute(
        select(SearchOutbox.id).where(SearchOutbox.id > top - GAP_WINDOW)).scalars())
    now = time.time()
    gaps = {i: now for i in range(max(1, top - GAP_WINDOW + 1), top) if i not in recent}
    count = ix.rebuild(documents(index_name))
    state = {"position": top, "gaps": gaps, "built_at": now, "applied_at": now, "docs": count}
    _write_state(index_name, state)
    return count


def _needs_rebuild(state, ix, top):
    if state is None:
        return True
    if state["position"] > top:
        return True  # the database was replaced under this index
    return bool(state.get("docs")) and ix.doc_count() == 0


def catch_up(index_name, wait=READ_WAIT):
    """Bring the index up to the outbox; False when another process held it too long.

    Costs one small query when nothing is pending.
    """
    state = read_state(index_name)
    if state is not None and not _pending(state, limit=1):
        return True
    with index_lock(index_name, wait) as locked:
        if not locked:
            return False
        ix = get_index(index_name)
        state = read_state(index_name)
        top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
        if _needs_rebuild(state, ix, top):
            log.info("search index %s: rebuilding from the database", index_name)
            _rebuild(index_name, ix)
            return True
        while True:
            rows = _pending(state)
            if not rows:
                break
            _apply_rows(index_name, ix, rows)
            state = _advance(state, [r.id for r in rows])
            _write_state(index_name, state)
            if len(rows) < BATCH:
                break
    return True


def reindex(index_name):
    """Rebuild `index_name` from the database; returns the number of documents."""
    with index_lock(index_name, WRITE_WAIT) as locked:
        if not locked:
            raise TimeoutError(f"search index {index_name} is busy; try again")
        return _rebuild(index_name, get_index(index_name))


def status(index_name):
    state = read_state(index_name)
    top = db.session.execute(select(func.max(SearchOutbox.id))).scalar() or 0
    in_db = db.session.execute(
        select(func.count(Initiative.id)).outerjoin(
            Publication, Publication.initiative_id == Initiative.id)
        .where(_qualifies(index_name))).scalar_one()
    return {
        "index": index_name,
        "path": str(index_path(index_name)),
        "position": state["position"] if state else None,
        "outbox_top": top,
        "pending": max(0, top - state["position"]) if state else None,
        "documents": get_index(index_name).doc_count() if state else None,
        "in_database": in_db,
    }


# -- asking ---------------------------------------------------------------------------

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
    """Catch up, then `ask(index)`.

    A failure is first retried on freshly opened files (a concurrent merge may
    have replaced them); only a second failure rebuilds the index, once, and a
    third gives up with an "unavailable" answer instead of an error page.
    """
    for attempt in range(3):
        try:
            fresh = catch_up(index_name)
            return ask(get_index(index_name)), not fresh
        except Exception:  # noqa: BLE001 - a derived index never turns a page into a 500
            db.session.rollback()
            log.exception("search index %s failed (attempt %d)", index_name, attempt + 1)
            forget_indexes()
            if attempt == 1:
                try:
                    with index_lock(index_name, WRITE_WAIT) as locked:
                        if locked:
                            _rebuild(index_name, get_index(index_name))
                except Exception:  # noqa: BLE001
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
    text = "\n".join(part for part in (
        initiative.title, initiative.summary, plain(initiative.current_state),
        plain(initiative.solution), plain(initiative.benefits)) if part)
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
    when it screens a submission.
    """
    return _similar(INTERNAL, initiative, limit,
                    lambda ids: _qualifying_ids(INTERNAL, ids))


def related_articles(initiative, limit=5):
    """Published articles most like `initiative` (for the article page)."""
    return _similar(PUBLIC, initiative, limit, published_ids)
