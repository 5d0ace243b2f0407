"""The mail outbox page (hộp thư đi): admins see every message (queued, sending, sent, failed
with the reason) and the background tasks' last runs, and send a failed message again.

The subject and body are not shown, nor written to the audit log: a message is about an
initiative that the admin, who administers and reads none, may not see (DESIGN: one policy
for every channel). The recipient, the link (a path with an id), the state and the reason are.
"""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from portal.admin import bp
from portal.core import jobs, mail
from portal.core.audit import record
from portal.core.refusal import not_found, wrong_state
from portal.extensions import db

PER_PAGE = 50
STATE_LABELS = {
    mail.QUEUED: _l("Đang chờ gửi"),
    mail.SENDING: _l("Đang gửi"),
    mail.SENT: _l("Đã gửi"),
    mail.FAILED: _l("Gửi không được"),
}


@bp.route("/outbox")
def outbox():
    state = request.args.get("state", "")
    if state not in STATE_LABELS:
        state = ""
    query = select(mail.MailMessage).order_by(mail.MailMessage.id.desc())
    if state:
        query = query.where(mail.MailMessage.state == state)
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    counts = dict(db.session.execute(
        select(mail.MailMessage.state, func.count(mail.MailMessage.id)).group_by(mail.MailMessage.state)).all())
    return render_template(
        "admin/outbox.html", pagination=pagination, state=state, counts=counts, labels=STATE_LABELS,
        runs=jobs.last_runs(), mail_server=current_app.config.get("MAIL_SERVER"),
        page_url=lambda p: url_for("admin.outbox", page=p, **({"state": state} if state else {})))


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
def outbox_resend(message_id):
    row = db.session.get(mail.MailMessage, message_id)
    if row is None:
        raise not_found(_l("Không tìm thấy thư này."))
    if row.state != mail.FAILED:
        raise wrong_state(_l("Chỉ gửi lại được thư đã gửi không được."))
    before = {"recipient": row.recipient, "attempts": row.attempts, "last_error": row.last_error}
    mail.resend(row)
    record("admin.mail_resent", actor=current_user, obj=row, data=before,
           summary=f"Gửi lại thư số {row.id} tới {row.recipient}")
    db.session.commit()
    flash(_("Thư đã được đưa lại vào hàng đợi; worker sẽ gửi trong ít phút."), "success")
    return redirect(url_for("admin.outbox", state=mail.FAILED))
