"""The search outbox, written in the transaction of the change it records.

Every change to what an index holds (an initiative's searchable columns, its authors, its
publication, its attachments and their extracted text) writes a ``SearchOutbox`` row. The
areas that own those rows announce their flushes by name (``initiative_changed``,
``author_changed``, ``attachment_changed``: portal.initiatives.signals; ``publication_changed``:
portal.publishing.signals); search subscribes here, gathers what each flush touched and writes
it in one statement (``flush_announced``), so the row commits or rolls back with the change. The
indexes catch up from the rows (``service.catch_up``).
"""
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from portal.core import changes as data_changes
from portal.core.timeutil import utcnow
from portal.initiatives.models import Attachment, Initiative
from portal.initiatives.signals import attachment_changed, author_changed, initiative_changed
from portal.initiatives.workflow import Status
from portal.publishing.signals import publication_changed
from portal.search.models import AttachmentText, SearchOutbox

# Columns whose change alters what an index holds.
_INITIATIVE_FIELDS = frozenset({
    "status", "title", "summary", "current_state", "solution", "conditions", "benefits",
    "field_id", "year", "unit_id", "level", "decision_no", "decision_date",
})
_PUBLICATION_FIELDS = frozenset({"is_published", "public_summary", "published_at", "initiative_id"})
_AUTHOR_FIELDS = frozenset({"user_id", "external_name", "position", "initiative_id"})
_TOUCHED = "search_outbox_touched"
# The extracted text is search's own row; announced like the others so that one place gathers.
text_changed = data_changes.signal("attachment-text-changed")
data_changes.announce(text_changed, AttachmentText)


_DONE = "search_outbox_done"


def _initiative_of_attachment(session, attachment_id):
    attachment = session.identity_map.get(session.identity_key(Attachment, attachment_id))
    if attachment is not None:
        return attachment.initiative_id
    return session.connection().execute(
        select(Attachment.initiative_id).where(Attachment.id == attachment_id)).scalar()


def _initiative_in_session(session, initiative_id):
    key = session.identity_key(Initiative, initiative_id)
    return session.identity_map.get(key)


def _touch(session, initiative_id, op):
    if initiative_id is not None:
        session.info.setdefault(_TOUCHED, {})[initiative_id] = op


def _old_status(change):
    history = inspect(change.obj).attrs["status"].history
    return history.deleted[0] if history.deleted else change.obj.status


@initiative_changed.connect
def _initiatives(session, changes):
    for change in changes:
        initiative = change.obj
        if change.deleted:
            _touch(session, initiative.id, "delete")
        elif change.new:
            if initiative.status != Status.draft:
                _touch(session, initiative.id, "upsert")
        elif change.changed(*_INITIATIVE_FIELDS):
            if initiative.status != Status.draft:
                _touch(session, initiative.id, "upsert")
            elif _old_status(change) != Status.draft:
                _touch(session, initiative.id, "delete")


@publication_changed.connect
def _publications(session, changes):
    for change in changes:
        if change.deleted or change.new or change.changed(*_PUBLICATION_FIELDS):
            _touch(session, change.obj.initiative_id, "upsert")


@attachment_changed.connect
def _attachments(session, changes):
    # A new file waits for its text (below); a removed one, or one made public or private,
    # changes what is indexed.
    for change in changes:
        if change.deleted or (not change.new and change.changed("is_public")):
            _touch(session, change.obj.initiative_id, "upsert")


@text_changed.connect
def _texts(session, changes):
    for change in changes:
        _touch(session, _initiative_of_attachment(session, change.obj.attachment_id), "upsert")


@author_changed.connect
def _authors(session, changes):
    for change in changes:
        if change.deleted or change.new or change.changed(*_AUTHOR_FIELDS):
            parent = _initiative_in_session(session, change.obj.initiative_id)
            # A draft's co-authors change often and concern no index.
            if parent is None or parent.status != Status.draft:
                _touch(session, change.obj.initiative_id, "upsert")


@data_changes.flush_announced.connect
def _write_outbox(session):
    rows = session.info.pop(_TOUCHED, None)
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


