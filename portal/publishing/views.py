"""Article views, counted without a write per reading and written in batches.

Two ways, by configuration:

- With Redis (`PUBLIC_VIEWS_URL`, by default the public cache's `PORTAL_CACHE_URL=redis://…`):
  a view is an HINCRBY on one hash shared by every web worker and host; the background
  worker's `flush_views` task moves the hash into the database every minute (RENAME first, so
  no view counted meanwhile is lost). Redis down: the view is counted in the process instead.
- Without: each web process keeps a count per article and writes them all in one transaction
  at most every PUBLIC_VIEWS_FLUSH_SECONDS (10 s), from the end of the request that finds the
  batch due, and when the process exits (the `make run` case: one process).

A crash loses at most a batch window of counts: the counter is a reading statistic ("most
read"), not a record.
"""
import atexit
import logging
import threading
import time
import uuid
from collections import Counter

from flask import current_app
from sqlalchemy import update

from portal.extensions import db
from portal.publishing.models import Publication

log = logging.getLogger(__name__)


class _Batch:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = Counter()
        self.flushed_at = time.monotonic()


def _batch(app=None):
    return (app or current_app).extensions["portal_article_views"]


def _redis(app=None):
    """The shared counter's Redis client and key, or None when views are counted in-process."""
    app = app or current_app
    if "portal_article_views_redis" not in app.extensions:
        url = app.config.get("PUBLIC_VIEWS_URL") or app.config.get("PUBLIC_CACHE_URL") or ""
        client = None
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis  # production only: `pip install redis`

            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        app.extensions["portal_article_views_redis"] = client
    client = app.extensions["portal_article_views_redis"]
    return None if client is None else (client, app.config.get("PUBLIC_VIEWS_KEY", "portal-views"))


def count(initiative_id):
    shared = _redis()
    if shared is not None:
        client, key = shared
        try:
            client.hincrby(key, str(initiative_id), 1)
            return
        except Exception:  # noqa: BLE001  (Redis down: a reading never fails for a statistic)
            log.warning("article views: Redis unreachable, counted in this process", exc_info=True)
    batch = _batch()
    with batch.lock:
        batch.pending[initiative_id] += 1


def _write(counts):
    for initiative_id, n in counts.items():
        db.session.execute(
            update(Publication).where(Publication.initiative_id == initiative_id)
            # Keep updated_at: a reader's visit does not change the article.
            .values(view_count=Publication.view_count + n, updated_at=Publication.updated_at)
            .execution_options(synchronize_session=False))


def flush_shared():
    """The worker's task: move the shared Redis counts into the database; returns how many."""
    shared = _redis()
    if shared is None:
        return {"views": 0, "counter": "in-process"}
    client, key = shared
    taken = f"{key}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(key, taken)  # atomic: views counted from now on go to a new hash
    except Exception as error:  # noqa: BLE001
        if "no such key" in str(error).lower():
            return {"views": 0}
        raise
    counts = {int(k): int(v) for k, v in client.hgetall(taken).items()}
    try:
        _write(counts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        pipe = client.pipeline()  # given back for the next run
        for initiative_id, n in counts.items():
            pipe.hincrby(key, str(initiative_id), n)
        pipe.delete(taken)
        pipe.execute()
        raise
    client.delete(taken)
    return {"views": sum(counts.values())}


def flush(force=False):
    """Write the pending counts (when the batch is due, or always with force); returns how many."""
    batch = _batch()
    every = current_app.config.get("PUBLIC_VIEWS_FLUSH_SECONDS", 10)
    with batch.lock:
        if not batch.pending or (not force and time.monotonic() - batch.flushed_at < every):
            return 0
        counts = dict(batch.pending)
        batch.pending.clear()
        batch.flushed_at = time.monotonic()
    try:
        _write(counts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        with batch.lock:  # kept for the next batch
            batch.pending.update(counts)
        raise
    return sum(counts.values())


def install(app):
    app.extensions["portal_article_views"] = _Batch()

    @app.teardown_request
    def flush_when_due(_error=None):
        if _batch(app).pending:
            try:
                flush()
            except Exception:  # noqa: BLE001  (the counts stay pending for the next batch)
                app.logger.exception("article views: batch not written, kept for the next one")

    if not app.testing:
        def at_exit():
            with app.app_context():
                flush(force=True)
        atexit.register(at_exit)
