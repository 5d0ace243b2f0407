"""The audit log page (nhật ký kiểm tra): the admin, and the council's officers of any year.

Each reader sees an event only as far as the policy lets them see its initiative: an
admin sees every event, an officer those of the initiatives they may see; the content
of an event about an initiative (summary, data) only with the right to read its audit
trail, and events about score sheets only with the right to see scores (and who scored).
Others see that a sheet was submitted, not what it held nor whose it was.
"""
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import wraps

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.admin import bp
from portal.admin.audit_labels import action_label, details, details_text, object_label
from portal.admin.forms import AuditFilterForm, option
from portal.auth.models import User
from portal.core import tabular, timeutil
from portal.core.audit import AuditEvent, check_shown, record, verify_recent
from portal.core.layout import register_nav
from portal.core.refusal import forbidden
from portal.council import membership
from portal.extensions import db, login_manager
from portal.initiatives import policy
from portal.initiatives.access import visible_clause
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act

PER_PAGE = 50
CSV_COLUMNS = ("seq", "created_at", "actor_username", "actor_name", "action", "action_label", "object_type",
               "object_id", "object", "initiative_id", "summary", "details", "data", "hash")


def can_read_audit(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or any(role in policy.OFFICER_ROLES for role in membership.roles_of(user.id).values())


# Events whose actor is the reviewer (who scored) and events whose content is derived from sheets.
REVIEWER_ACTS = {"council.review_saved", "council.review_submitted", "council.recused"}
SCORE_CONTENT = {"council.review_saved", "council.review_submitted", "council.review_reopened",
                 "council.decision", "initiative.recognize", "initiative.reject", "initiative.return"}
IDENTITY_CONTENT = {"council.assigned", "council.recused", "council.review_reopened"}
MASKED = {
    "council.review_saved": _l("Một phiếu chấm được lưu nháp."),
    "council.review_submitted": _l("Một phiếu chấm đã được nộp."),
    "council.review_reopened": _l("Một phiếu chấm được mở lại."),
    "council.assigned": _l("Một thành viên được phân công chấm."),
    "council.recused": _l("Một thành viên xin không tham gia chấm."),
}
HIDDEN = _l("Nội dung chỉ hiển thị cho người được xem hồ sơ này.")


@dataclass
class EventView:
    """One event as its reader may see it."""
    event: AuditEvent
    actor: object          # the User, or None for the system or a masked reviewer
    actor_masked: bool
    summary: str
    data: dict
    object_user: object = field(default=None)  # the account an event about an account is about

    def __getattr__(self, name):
        return getattr(self.event, name)

    @property
    def action_label(self):
        return action_label(self.event.action)

    @property
    def object_label(self):
        return object_label(self.event.object_type)

    @property
    def object_text(self):
        """What the event is about, for people: "Tài khoản Nguyễn Văn A (nguyenvana)", "Sáng kiến #12"."""
        if self.object_user is not None:
            return f"{self.object_label} {self.object_user.full_name} ({self.object_user.username})"
        if self.event.object_id and not self.actor_masked:
            return f"{self.object_label} #{self.event.object_id}"
        return self.object_label

    @property
    def details(self):
        return details(self.data)


def present(events, reader):
    """The events as `reader` may see them (those they may not see at all are left out)."""
    ids = {e.initiative_id for e in events if e.initiative_id}
    initiatives = {i.id: i for i in db.session.execute(
        select(Initiative).where(Initiative.id.in_(ids)).options(selectinload(Initiative.authors))
    ).scalars()} if ids else {}
    user_ids = {int(e.object_id) for e in events if e.object_type == "user" and (e.object_id or "").isdigit()}
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(user_ids))).scalars()} \
        if user_ids else {}
    shown = []
    for event in events:
        about = users.get(int(event.object_id)) if event.object_type == "user" and (
            event.object_id or "").isdigit() else None
        initiative = initiatives.get(event.initiative_id)
        if initiative is None:
            if event.initiative_id is None and not reader.is_admin:
                continue
            shown.append(EventView(event, event.actor, False, event.summary or "", event.data or {}, about))
            continue
        full = policy.can(reader, Act.read_audit, initiative)
        scores = full and policy.can(reader, Act.see_scores, initiative)
        identities = full and policy.can(reader, Act.see_identities, initiative)
        masked_actor = event.action in REVIEWER_ACTS and not identities
        content = full and (event.action not in SCORE_CONTENT or scores) and (
            event.action not in IDENTITY_CONTENT or identities)
        summary = event.summary or "" if content else str(MASKED.get(event.action, HIDDEN))
        shown.append(EventView(event, None if masked_actor else event.actor, masked_actor, summary,
                               (event.data or {}) if content else {}, about))
    return shown


register_nav("Nhật ký kiểm tra", "admin.audit",
             lambda user: can_read_audit(user) and not user.is_admin, order=91)


def audit_readers_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_read_audit(current_user):
            raise forbidden()
        return view(*args, **kwargs)
    return wrapped


def _local_midnight_utc(day):
    """The UTC instant at which `day` begins in the portal's time zone (created_at is naive UTC)."""
    local = datetime.combine(day, time.min, tzinfo=timeutil.zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _filtered(form, reader):
    # Newest first; an event written a moment ago and not yet chained has no place (seq) yet.
    query = select(AuditEvent).order_by(AuditEvent.seq.desc().nulls_first(), AuditEvent.id.desc())
    if not reader.is_admin:
        query = query.where(AuditEvent.initiative_id.in_(select(Initiative.id).where(visible_clause(reader))))
    if form.initiative.data:
        query = query.where(AuditEvent.initiative_id == form.initiative.data)
    person = (form.person.data or "").strip()
    if person:
        like = f"%{person}%"
        # A reviewer's own events are not found by their name: that would tell who scored.
        query = query.where(AuditEvent.actor_id.in_(
            select(User.id).where(or_(User.username.ilike(like), User.full_name.ilike(like)))),
            AuditEvent.action.not_in(REVIEWER_ACTS))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.date_from.data:
        query = query.where(AuditEvent.created_at >= _local_midnight_utc(form.date_from.data))
    if form.date_to.data:
        query = query.where(
            AuditEvent.created_at < _local_midnight_utc(form.date_to.data + timedelta(days=1)))
    return query


def _form():
    form = AuditFilterForm(request.args)
    actions = db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars()
    form.action.choices = [option("", _l("Mọi thao tác"))] + [option(a, action_label(a)) for a in actions]
    form.validate()
    for name in ("initiative", "date_from", "date_to"):
        if getattr(form, name).errors:
            getattr(form, name).data = None  # a bad filter value is ignored (and shown as an error)
    return form


@bp.route("/audit")
@audit_readers_only
def audit():
    check = verify_recent()  # first, before this request's session reads anything
    form = _form()
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(_filtered(form, current_user), page=page, per_page=PER_PAGE, error_out=False)
    problems = check.problems + [p for p in check_shown(pagination.items) if p not in check.problems]
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, pagination=pagination, problems=problems,
                           check=check,
                           events=present(pagination.items, current_user),
                           csv_url=url_for("admin.audit_csv", **args),
                           page_url=lambda p: url_for("admin.audit", page=p, **args))


@bp.route("/audit.csv")
@audit_readers_only
def audit_csv():
    form = _form()
    events = present(db.session.execute(_filtered(form, current_user)).scalars().all(), current_user)
    rows = [CSV_COLUMNS]
    for e in events:
        local = timeutil.local(e.created_at)
        rows.append((
            e.seq, local.strftime("%Y-%m-%d %H:%M:%S"), e.actor.username if e.actor else "",
            e.actor.full_name if e.actor else (_("Thành viên Hội đồng") if e.actor_masked else ""), e.action,
            e.action_label, e.object_type, e.object_id if not e.actor_masked else "", e.object_text,
            e.initiative_id, e.summary, details_text(e.data),
            json.dumps(e.data, ensure_ascii=False, sort_keys=True), e.hash))
    filters = {k: v for k, v in request.args.items() if v}
    record("admin.audit_exported", actor=current_user, object_type="audit_event",
           data={"filters": filters, "count": len(events)})
    db.session.commit()
    stamp = timeutil.now().strftime("%Y%m%d-%H%M")
    return tabular.csv_text(rows), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f"attachment; filename=nhat-ky-{stamp}.csv",
        "Cache-Control": "no-store",
    }
