"""Small helpers shared by the council tests."""
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.notifications import Notification
from portal.extensions import db


def text(response):
    return response.get_data(as_text=True)


def visible_text(response):
    """What a person reads on the page: no attribute values (CSRF tokens, ids) that
    might contain a score's digits by chance."""
    import lxml.html

    return " ".join(lxml.html.fromstring(response.get_data(as_text=True)).text_content().split())


def actions(initiative_id):
    """Audit actions recorded for an initiative, in order."""
    db.session.expire_all()
    return list(db.session.execute(
        select(AuditEvent.action).where(AuditEvent.initiative_id == initiative_id).order_by(AuditEvent.seq)
    ).scalars())


def events(initiative_id, action=None):
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.initiative_id == initiative_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.execute(query.order_by(AuditEvent.seq)).scalars())


def notified(user):
    """Subjects of the user's in-app notifications."""
    return list(db.session.execute(
        select(Notification.subject).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars())


def review_form(scores, recommendation=None, submit=False, comments=None, overall=""):
    data = {f"score_{k}": "" if v is None else str(v) for k, v in scores.items()}
    for k, v in (comments or {}).items():
        data[f"comment_{k}"] = v
    data["overall_comment"] = overall
    if recommendation:
        data["recommendation"] = recommendation
    data["submit_review" if submit else "save"] = "1"
    return data
