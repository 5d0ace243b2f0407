"""A year's evaluation kept between requests for as long as nothing it was computed from changes.

Evaluating 21,000 people takes most of a second, and the officer's page asks for it on every page
of the list and every filter. Each process keeps the last few evaluations, each under the stamp of
the data it read: one query per request reads the stamp again, and any change to those rows
changes it. Every change made through the portal writes an audit event (the newest event's id);
rows added or removed another way change a table's count or its newest id; an edited initiative
or record its newest `updated_at`.
"""
import threading
from collections import OrderedDict

from flask import current_app
from sqlalchemy import func, select

from portal.auth.models import Unit, User
from portal.core.audit import AuditEvent
from portal.council.models import CouncilDecision
from portal.emulation.models import (
    ArticleCount,
    Discipline,
    EmulationSettings,
    Registration,
    ServiceRecord,
    TitleAward,
    TitleRefusal,
)
from portal.extensions import db
from portal.initiatives.models import Initiative, InitiativeAuthor

KEPT = 4  # evaluations kept per process (year and unit scopes)
_lock = threading.Lock()


def data_stamp():
    """What the evaluation of any year reads, summed up in one query."""
    def top(column):
        return select(func.max(column)).scalar_subquery()

    def count(model):
        return select(func.count()).select_from(model).scalar_subquery()

    parts = [top(AuditEvent.id), count(User), top(User.id), count(Unit), top(Unit.id),
             count(Initiative), top(Initiative.id), top(Initiative.updated_at),
             count(InitiativeAuthor), top(InitiativeAuthor.id), count(CouncilDecision), top(CouncilDecision.id),
             count(EmulationSettings), top(EmulationSettings.updated_at)]
    for model in (TitleAward, TitleRefusal, Discipline, Registration, ArticleCount, ServiceRecord):
        parts += [count(model), top(model.id)]
    for column in (Registration.updated_at, ArticleCount.updated_at, ServiceRecord.updated_at):
        parts.append(top(column))
    return tuple(db.session.execute(select(*parts)).one())


def _kept():
    """This app's evaluations (an app is one database: tests make one each)."""
    return current_app.extensions.setdefault("emulation_evaluations", OrderedDict())


def evaluated(year, unit_id, evaluate):
    """`evaluate(year, unit_id)`, or what it gave before on the same data."""
    if not current_app.config.get("EMULATION_CACHE", True):
        return evaluate(year, unit_id)
    key, stamp, kept = (year, unit_id), data_stamp(), _kept()
    with _lock:
        found = kept.get(key)
        if found is not None and found[0] == stamp:
            kept.move_to_end(key)
            return found[1]
    value = evaluate(year, unit_id)
    with _lock:
        kept[key] = (stamp, value)
        kept.move_to_end(key)
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return value


def forget():
    with _lock:
        _kept().clear()
