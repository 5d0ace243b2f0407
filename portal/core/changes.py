"""Named signals for changes to the data: the area that owns a model announces its changes, the
areas that react subscribe by name (as Flask's own signals do, with blinker).

An owning area declares, next to its models, which signal a flush of them sends:

    initiative_changed = changes.signal("initiative-changed")
    changes.announce(initiative_changed, Initiative)

and a reacting area subscribes where it reacts:

    @initiative_changed.connect
    def _index(session, changes): ...

The signals are sent from the ORM's flush, in the transaction of the change, for every change
made through the session (an operation's, a command's or a migration script's alike), so a
reaction can neither miss one nor commit apart from it. Before the flush (`when="before"`), a
subscriber may still change other objects of the same flush; after it (the default), the rows
have their ids and a subscriber may write rows of its own on `session.connection()`.
"""
from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

_signals = Namespace()
_announced = {"before": [], "after": []}

#: Sent once after every announced signal of a flush: (session). Subscribers that gathered work
#: from several signals write it here in one statement.
flush_announced = _signals.signal("flush-announced")


def signal(name):
    """A named signal of this namespace (the same object for the same name)."""
    return _signals.signal(name)


def announce(named_signal, *models, when="after"):
    """Send `named_signal` with (session, changes=[Change, ...]) when a flush holds objects of `models`."""
    _announced[when].append((named_signal, models))


@dataclass(frozen=True)
class Change:
    obj: object
    new: bool
    deleted: bool

    def changed(self, *names):
        """Whether any of these attributes was changed in this flush."""
        attrs = inspect(self.obj).attrs
        return any(attrs[name].history.has_changes() for name in names if name in attrs)

    def modified(self, session):
        """Whether the flush writes anything of it (a dirty object may have nothing to write)."""
        return self.new or self.deleted or session.is_modified(self.obj, include_collections=False)


def _changes(session, models, with_deleted=True):
    found = []
    for obj in session.new:
        if isinstance(obj, models):
            found.append(Change(obj, new=True, deleted=False))
    for obj in session.dirty:
        if isinstance(obj, models) and obj not in session.new:
            found.append(Change(obj, new=False, deleted=False))
    if with_deleted:
        for obj in session.deleted:
            if isinstance(obj, models):
                found.append(Change(obj, new=False, deleted=True))
    return found


def _send(session, when):
    sent = False
    for named_signal, models in _announced[when]:
        if not named_signal.receivers:
            continue
        found = _changes(session, models)
        if found:
            named_signal.send(session, changes=found)
            sent = True
    return sent


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    _send(session, "before")


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    if _send(session, "after"):
        flush_announced.send(session)
