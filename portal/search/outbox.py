"""The search outbox, written in the transaction of the change it records.

Every change to what an index holds (an initiative's searchable columns, its
authors, its publication, its attachments and their extracted text) writes a
``SearchOutbox`` row from an ``after_flush`` listener, so the row commits or
rolls back with the change; the indexes catch up from the rows
(``service.catch_up``).
"""
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from portal.core.timeutil import utcnow
from portal.initiatives.models import Attachment, Initiative, InitiativeAuthor
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication
from portal.search.models import AttachmentText, SearchOutbox

# Columns whose change alters what an index holds.
_INITIATIVE_FIELDS = frozenset({
    "status", "title", "summary", "current_state", "solution", "conditions", "benefits",
    "field_id", "year", "unit_id", "level", "decision_no", "decision_date",
})
_PUBLICATION_FIELDS = frozenset({"is_published", "public_summary", "published_at", "initiative_id"})
_AUTHOR_FIELDS = frozenset({"user_id", "external_name", "position", "initiative_id"})


_DONE = "search_outbox_done"


def _changed(obj, names):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _old_status(obj):
    history = inspect(obj).attrs["status"].history
    return history.deleted[0] if history.deleted else obj.status


def _initiative_of_attachment(session, attachment_id):
    attachment = session.identity_map.get(session.identity_key(Attachment, attachment_id))
    if attachment is not None:
        return attachment.initiative_id
    return session.connection().execute(
        select(Attachment.initiative_id).where(Attachment.id == attachment_id)).scalar()


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
        elif isinstance(obj, Attachment):
            # A new file waits for its text (AttachmentText below); a removed
            # one, or one made public or private, changes what is indexed.
            if deleted or (obj not in session.new and _changed(obj, ("is_public",))):
                touch(obj.initiative_id, "upsert")
        elif isinstance(obj, AttachmentText):
            touch(_initiative_of_attachment(session, obj.attachment_id), "upsert")
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


