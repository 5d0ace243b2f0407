"""Demo: most recognised initiatives published as articles, a couple left waiting."""
import random
from datetime import timedelta

from sqlalchemy import select

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status
from portal.publishing import operations

LEFT_WAITING = 2  # the editor's queue shows overdue work


def seed(ctx):
    given = ctx.get("recognized") or []
    ids = [getattr(item, "id", item) for item in given]
    query = select(Initiative).where(Initiative.status == Status.recognized)
    if ids:
        query = query.where(Initiative.id.in_(ids))
    recognized = db.session.execute(query).scalars().all()
    now = utcnow()
    recognized = sorted((i for i in recognized if i.status == Status.recognized),
                        key=lambda i: (i.decided_at or now, i.id))
    editor = ctx["users"].get("bientap")
    if editor is None or not recognized:
        return {"published": 0}
    rng = random.Random(2021)
    # The longest waiting stay in the queue.
    waiting = recognized[:LEFT_WAITING] if len(recognized) > LEFT_WAITING else []
    published = []
    for initiative in recognized:
        if initiative in waiting:
            continue
        public_files = [a.id for a in initiative.attachments[:1]]
        publication = operations.publish(initiative, editor, public_attachment_ids=public_files)
        published.append(publication)
    # Spread publication dates and readings as months of use would have.
    for n, publication in enumerate(published):
        decided = publication.initiative.decided_at or now
        publication.published_at = min(now, decided + timedelta(days=rng.randint(3, 20)))
        publication.first_published_at = publication.published_at
        publication.view_count = rng.randint(5, 400) if n % 4 else rng.randint(400, 1500)
    for initiative in waiting:
        # Recognised a while ago and still not online: overdue.
        if initiative.decided_at is None or initiative.decided_at > now - timedelta(days=20):
            initiative.decided_at = now - timedelta(days=rng.randint(20, 45))
    db.session.flush()
    ctx["published"] = [p.initiative for p in published]
    return {"published": len(published), "waiting for publication": len(waiting)}
