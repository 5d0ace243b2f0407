"""Article views, counted in memory and written in batches, so that reading is not a write.

Each worker process keeps a count per article and writes them all in one transaction at most
every PUBLIC_VIEWS_FLUSH_SECONDS (10 s), from the end of the request that finds the batch due,
and when the process exits. A crash loses at most that window's counts of that worker: the
counter is a reading statistic ("most read"), not a record.
"""
import atexit
import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy import update

from portal.extensions import db
from portal.publishing.models import Publication


class _Batch:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = Counter()
        self.flushed_at = time.monotonic()


def _batch(app=None):
    return (app or current_app).extensions["portal_article_views"]


def count(initiative_id):
    batch = _batch()
    with batch.lock:
        batch.pending[initiative_id] += 1


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
        for initiative_id, n in counts.items():
            db.session.execute(
                update(Publication).where(Publication.initiative_id == initiative_id)
                # Keep updated_at: a reader's visit does not change the article.
                .values(view_count=Publication.view_count + n, updated_at=Publication.updated_at)
                .execution_options(synchronize_session=False))
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
