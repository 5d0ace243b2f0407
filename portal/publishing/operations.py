"""Publishing and unpublishing an article. Each goes: check, change, flush, notify, log."""

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal.core import audit, timeutil
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.refusal import invalid, wrong_state
from portal.core.textfold import slugify
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.signals import initiative_changing
from portal.initiatives.workflow import Status
from portal.publishing.models import Publication, PublicationSlug
from portal.publishing.signals import publication_changing

DEFAULT_SLUG = "sang-kien"
PUBLISH_DUE_DAYS = 7  # the seed requires publication; after this a waiting article is overdue


def can_publish(user):
    return bool(getattr(user, "is_authenticated", False)) and user.has_role("editor")


def slug_for(title):
    return slugify(title or "", max_len=100) or DEFAULT_SLUG


def set_slug(publication, title):
    """Give the article the slug of `title`, keeping the old one for redirects."""
    new = slug_for(title)
    old = publication.slug
    if old == new:
        return
    if old and old not in {s.slug for s in publication.old_slugs}:
        publication.old_slugs.append(PublicationSlug(slug=old))
    publication.old_slugs = [s for s in publication.old_slugs if s.slug != new]
    publication.slug = new


def _path(endpoint, fallback, **values):
    # Operations also run from the command line (demo data), without a request.
    return url_for(endpoint, **values) if has_request_context() else fallback


def article_path(publication):
    """The canonical path of an article: /initiatives/<id>-<slug>."""
    return _path("publishing.article", f"/initiatives/{publication.initiative_id}-{publication.slug}",
                 initiative_id=publication.initiative_id, slug=publication.slug)


def publish(initiative, actor, *, public_summary="", public_attachment_ids=None):
    """Publish a recognised initiative as an article.

    `public_attachment_ids`: the attachments readers may download (None keeps
    the current choice). Raises NotAllowed (403) for anyone but an editor and
    WrongState (409) unless the initiative is recognised and not yet online.
    """
    policy.check(actor, Act.publish, initiative)
    publication = initiative.publication
    if publication is not None:
        # Two editors at once: the second waits here (PostgreSQL) and sees the first's work.
        db.session.refresh(publication, with_for_update=True)
    if publication is not None and publication.is_published:
        raise wrong_state(_l("Sáng kiến này đã được công bố."))
    now = utcnow()
    if publication is None:
        publication = Publication(initiative=initiative, slug="")
        db.session.add(publication)
    publication.is_published = True
    publication.published_at = now
    publication.published_by_id = actor.id
    publication.first_published_at = publication.first_published_at or now
    publication.public_summary = (public_summary or "").strip()
    publication.unpublished_at = None
    publication.unpublished_by_id = None
    publication.unpublish_reason = ""
    set_slug(publication, initiative.title)
    publication.sync(initiative)
    if public_attachment_ids is not None:
        chosen = {int(i) for i in public_attachment_ids}
        for attachment in initiative.attachments:
            attachment.is_public = attachment.id in chosen
    try:
        db.session.flush()
    except IntegrityError:
        # Another editor's first publication of the same initiative committed first.
        db.session.rollback()
        raise wrong_state(_l("Sáng kiến này vừa được công bố.")) from None
    notify([a.user for a in initiative.authors if a.user],
           Phrase("Sáng kiến “%(title)s” đã được công bố", title=initiative.title),
           Phrase("Sáng kiến của bạn đã được đăng trên Trang thông tin điện tử để cán bộ, công chức "
                  "cùng học tập và áp dụng."), article_path(publication), initiative=initiative)
    audit.record(
        "initiative.publish", actor=actor, obj=publication, initiative_id=initiative.id,
        data={"slug": publication.slug,
              "public_summary": bool(publication.public_summary),
              "public_attachments": sorted(a.id for a in initiative.attachments if a.is_public)},
        summary="Công bố sáng kiến trên Trang thông tin điện tử")
    return publication


def unpublish(initiative, actor, reason):
    """Take an article offline; the reason is required and kept in the log."""
    policy.check(actor, Act.unpublish, initiative)
    publication = initiative.publication
    if publication is not None:
        db.session.refresh(publication, with_for_update=True)
    if publication is None or not publication.is_published:
        raise wrong_state(_l("Sáng kiến này chưa được công bố nên không thể gỡ bài."))
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_l("Vui lòng nêu lý do gỡ bài."), field="reason")
    publication.is_published = False
    publication.unpublished_at = utcnow()
    publication.unpublished_by_id = actor.id
    publication.unpublish_reason = reason
    publication.sync(initiative)
    db.session.flush()
    notify([a.user for a in initiative.authors if a.user],
           Phrase("Bài sáng kiến “%(title)s” đã được gỡ khỏi Trang thông tin điện tử", title=initiative.title),
           Phrase("Lý do: %(reason)s", reason=reason), _path("initiatives.dashboard", "/my"), initiative=initiative)
    audit.record("initiative.unpublish", actor=actor, obj=publication, initiative_id=initiative.id,
                 data={"reason": reason}, summary=f"Gỡ bài sáng kiến: {reason}")
    return publication


def waiting_since(initiative):
    """When the initiative started waiting for publication."""
    publication = initiative.publication
    if publication is not None and publication.unpublished_at:
        return timeutil.local_date(publication.unpublished_at)
    if initiative.decided_at:
        return timeutil.local_date(initiative.decided_at)
    return initiative.decision_date


def queue():
    """Recognised initiatives not online, longest waiting first, with days waited."""
    rows = db.session.execute(
        select(Initiative).outerjoin(Publication, Publication.initiative_id == Initiative.id)
        .where(Initiative.status == Status.recognized,
               or_(Publication.id.is_(None), Publication.is_published.is_(False)))
        .options(contains_eager(Initiative.publication))
        .order_by(Initiative.decided_at, Initiative.id)
    ).unique().scalars().all()
    due = current_app.config.get("PUBLISH_DUE_DAYS", PUBLISH_DUE_DAYS)
    today = timeutil.today()
    items = []
    for initiative in rows:
        since = waiting_since(initiative)
        days = (today - since).days if since else None
        items.append({"initiative": initiative, "since": since, "days": days,
                      "overdue": days is not None and days > due})
    items.sort(key=lambda item: -(item["days"] or 0))
    return items


# What an article shows of its initiative; a change makes the article newer.
_SHOWN = ("title", "summary", "current_state", "solution", "conditions", "benefits", "status",
          "year", "field_id", "unit_id", "level", "decision_no", "decision_date",
          "sector_decision_no", "sector_decision_date", "national_decision_no",
          "national_decision_date", "form")


@initiative_changing.connect
def _follow_initiative(session, changes):
    """Keep each article in step with its initiative (slug, copied facts, dates).

    A new title gives a new slug, the old one redirects; a council decision
    that changes status or level changes what the public lists show.
    """
    for change in changes:
        if change.new or change.deleted:
            continue
        initiative = change.obj
        state = inspect(initiative)
        changed = {name for name in _SHOWN if state.attrs[name].history.has_changes()}
        if not changed:
            continue
        publication = initiative.publication
        if publication is None:
            continue
        if "title" in changed and publication.slug:
            set_slug(publication, initiative.title)
        publication.sync(initiative)
        publication.updated_at = utcnow()


@publication_changing.connect
def _copy_facts(session, changes):
    for change in changes:
        if not change.deleted and change.obj.initiative is not None:
            change.obj.sync()
