"""Loading an initiative for someone: the single gate every route goes through."""
from flask import abort
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.initiatives.models import Initiative


def get_initiative_or_404(initiative_id, user, *, options=()):
    """Return the initiative if `user` may see it.

    Raises NotFound (404) when it does not exist *or* the user may not see it,
    so that nobody learns that someone else's draft exists.
    """
    initiative = db.session.get(
        Initiative, initiative_id, options=[selectinload(Initiative.authors), *options])
    if initiative is None or not initiative.can_view(user):
        abort(404)
    return initiative


def get_attachment_or_404(initiative, attachment_id):
    """The attachment of an initiative already checked with get_initiative_or_404; NotFound otherwise."""
    for attachment in initiative.attachments:
        if attachment.id == attachment_id:
            return attachment
    abort(404)


def get_version_or_404(initiative, number):
    """Frozen version `number` of an initiative already checked with get_initiative_or_404."""
    for version in initiative.versions:
        if version.number == number:
            return version
    abort(404)
