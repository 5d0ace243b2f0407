"""The audit log page (nhật ký kiểm tra): admins and the council chair of any year."""
import csv
import io
import json
from datetime import datetime, time, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from portal.admin import bp
from portal.admin.forms import AuditFilterForm, option
from portal.auth.models import User
from portal.core.audit import AuditEvent, record, verify
from portal.core.layout import register_nav
from portal.extensions import db, login_manager

PER_PAGE = 50
CSV_COLUMNS = ("seq", "created_at", "actor_username", "actor_name", "action", "object_type",
               "object_id", "initiative_id", "summary", "data", "hash")


def can_read_audit(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or "chair" in user.council_years().values()


register_nav("Nhật ký kiểm tra", "admin.audit",
             lambda user: can_read_audit(user) and not user.is_admin, order=91)


def audit_readers_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_read_audit(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _local_midnight_utc(day):
    """The UTC instant at which `day` begins in the portal's time zone (created_at is naive UTC)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _filtered(form):
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if form.initiative.data:
        query = query.where(AuditEvent.initiative_id == form.initiative.data)
    person = (form.person.data or "").strip()
    if person:
        like = f"%{person}%"
        query = query.where(AuditEvent.actor_id.in_(
            select(User.id).where(or_(User.username.ilike(like), User.full_name.ilike(like)))))
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
    form.action.choices = [option("", _l("Mọi thao tác"))] + [option(a, a) for a in actions]
    form.validate()
    for name in ("initiative", "date_from", "date_to"):
        if getattr(form, name).errors:
            getattr(form, name).data = None  # a bad filter value is ignored (and shown as an error)
    return form


@bp.route("/audit")
@audit_readers_only
def audit():
    form = _form()
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(_filtered(form), page=page, per_page=PER_PAGE, error_out=False)
    problems = verify()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, pagination=pagination, problems=problems,
                           csv_url=url_for("admin.audit_csv", **args),
                           page_url=lambda p: url_for("admin.audit", page=p, **args))


def _cell(value):
    """Text for a CSV cell; a leading = + - @ is escaped so a spreadsheet never runs it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/audit.csv")
@audit_readers_only
def audit_csv():
    form = _form()
    events = db.session.execute(_filtered(form)).scalars().all()
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        local = e.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        writer.writerow([_cell(v) for v in (
            e.seq, local.strftime("%Y-%m-%d %H:%M:%S"), e.actor.username if e.actor else "",
            e.actor.full_name if e.actor else "", e.action, e.object_type, e.object_id,
            e.initiative_id, e.summary, json.dumps(e.data or {}, ensure_ascii=False, sort_keys=True),
            e.hash)])
    filters = {k: v for k, v in request.args.items() if v}
    record("admin.audit_exported", actor=current_user, object_type="audit_event",
           data={"filters": filters, "count": len(events)})
    db.session.commit()
    stamp = datetime.now(zone).strftime("%Y%m%d-%H%M")
    return "\ufeff" + out.getvalue(), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f"attachment; filename=nhat-ky-{stamp}.csv",
        "Cache-Control": "no-store",
    }
