"""Phân công: the secretary asks members of the year's council to score an initiative, several
at once, with the best-placed ones suggested; and withdraws or replaces an assignment."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.auth.models import User
from portal.core.refusal import invalid, not_found
from portal.council import bp, operations, queries, suggestion
from portal.council.forms import AssignForm, FirstApplicationForm, RemindForm, ReopenForm, WithdrawForm
from portal.council.models import COUNCIL_ROLE_LABELS
from portal.council.pages.common import confirmation, context, load, posted_year
from portal.council.pages.overview import queue_unless_ready
from portal.council.services import assignments_of, reviewer_candidates, reviewers_per_initiative
from portal.extensions import db
from portal.initiatives.policy import Act

CONFLICT_REASONS = {
    "author": _l("tác giả, không được chấm sáng kiến của mình"),
    "assigned": _l("đã được phân công"),
    "recused": _l("đã xin không tham gia chấm vòng này"),
}


@bp.route("/initiatives/<int:initiative_id>/first-application", methods=["POST"])
@login_required
def first_application(initiative_id):
    initiative = load(initiative_id, Act.view)
    form = FirstApplicationForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    operations.record_first_application_end(initiative, current_user, form.ended_on.data)
    db.session.commit()
    flash(_("Đã ghi ngày kết thúc áp dụng lần đầu; thời hạn xét công nhận tính từ ngày này."), "success")
    return redirect(url_for(".assignments", initiative_id=initiative.id))


def _users(ids):
    """The users of `ids`, in that order; None for an id that is nobody."""
    found = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(ids))).scalars()} if ids else {}
    return [found.get(i) for i in ids]


@bp.route("/initiatives/<int:initiative_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(initiative_id):
    initiative = load(initiative_id)
    members = queries.members_of(initiative.year)
    rows = assignments_of(initiative)
    active_count = sum(1 for a in rows if a.is_active)
    needed = max(0, reviewers_per_initiative() - active_count)
    candidates = reviewer_candidates(initiative, members, rows, queries.open_sheets(initiative.year))
    suggested = suggestion.suggest(candidates, needed)
    form = AssignForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit() and form.reviewers.data:
            reviewers = _users(list(dict.fromkeys(form.reviewers.data)))
            done = operations.assign_many(initiative, current_user, reviewers, form.due_on.data)
            db.session.commit()
            flash(_("Đã phân công %(n)s người chấm: %(names)s.", n=len(done),
                    names=", ".join(a.reviewer.full_name for a in done)), "success")
            for a in done:
                if a.same_unit:
                    flash(_("Lưu ý: %(name)s cùng đơn vị với tác giả hoặc đơn vị có sáng kiến.",
                            name=a.reviewer.full_name), "warning")
            return redirect(url_for(".assignments", initiative_id=initiative.id))
        operations.check_may_assign(initiative, current_user)
        if not form.reviewers.data:
            form.reviewers.errors = [_("Chọn ít nhất một thành viên để phân công.")]
        status = 422
    elif not form.restored:
        form.reviewers.data = suggested
    ticked = set(form.reviewers.data or [])
    withdraw_forms = {a.id: _withdraw_form(a, candidates) for a in rows if a.is_active and not a.submitted}
    return render_template(
        "council/assignments.html",
        **context(initiative, form=form, assignments=rows, candidates=suggestion.picker_order(candidates, suggested),
                  suggested=set(suggested),
                  ticked=ticked, conflict_reasons=CONFLICT_REASONS, required=reviewers_per_initiative(),
                  needed=needed, active_count=active_count, role_labels=COUNCIL_ROLE_LABELS, reopen_form=ReopenForm(),
                  withdraw_forms=withdraw_forms, first_application_form=FirstApplicationForm())), status


def _withdraw_form(assignment, candidates):
    form = WithdrawForm(prefix=f"w{assignment.id}")
    form.replacement.choices = [("", _("— Không thay, chỉ rút —"))] + [
        (c.user_id, c.name + (_(" — cùng đơn vị với tác giả") if c.same_unit else ""))
        for c in suggestion.ranked(candidates)]
    return form


@bp.route("/assignments/<int:assignment_id>/withdraw", methods=["POST"])
@login_required
def withdraw(assignment_id):
    """Rút (or replace) one assignment; a submitted sheet is refused by the operation (409)."""
    assignment = queries.assignment(assignment_id)
    if assignment is None:
        raise not_found()
    initiative = load(assignment.initiative_id)
    form = WithdrawForm(prefix=f"w{assignment.id}")
    form.replacement.choices = []
    if not form.validate_on_submit():
        operations.check_may_assign(initiative, current_user)
        raise invalid(fields=form.errors)
    name = assignment.reviewer.full_name
    if form.replacement.data:
        replacement = db.session.get(User, form.replacement.data)
        done = operations.replace_assignment(assignment, current_user, replacement, form.reason.data,
                                             form.due_on.data)
        db.session.commit()
        flash(_("Đã thay %(old)s bằng %(new)s.", old=name, new=done.reviewer.full_name), "success")
    else:
        operations.withdraw_assignment(assignment, current_user, form.reason.data)
        db.session.commit()
        flash(_("Đã rút phân công của %(name)s; người chấm đã được thông báo.", name=name), "success")
    return redirect(url_for(".assignments", initiative_id=initiative.id))


@bp.route("/reminders", methods=["POST"])
@login_required
def bulk_remind():
    """Nhắc hạn chấm: the ticked open sheets of the queue, confirmed, then each reviewer told now."""
    form = RemindForm()
    ids = sorted(set(form.ids.data or []))
    year = posted_year()
    chosen = [a for a in (queries.due_sheets(year, ids) if ids else []) if a.initiative.can(Act.view, current_user)]
    if len(chosen) != len(ids):
        raise not_found()  # not open, not this year's, or not the reader's to see: the same answer
    back = queue_unless_ready(form, ids, year, _("Chưa chọn phiếu chấm nào: đánh dấu các phiếu cần nhắc ở bảng trên."), remind_form=form)
    if back is not None:
        return back
    operations.plan_reminders(chosen, current_user)
    if not form.confirming:
        return confirmation(
            title=_("Xác nhận nhắc hạn chấm"),
            intro=_("%(n)s người chấm sẽ nhận thông báo và thư nhắc hạn:", n=len(chosen)),
            items=[{"text": _("%(name)s — “%(title)s”, hạn %(due)s", name=a.reviewer.full_name, title=a.initiative.title,
                              due=a.due_on.strftime("%d/%m/%Y") if a.due_on else "–")} for a in chosen],
            action=url_for(".bulk_remind"), fields=[("ids", a.id) for a in chosen] + [("year", year)],
            confirm_label=_("Xác nhận, gửi %(n)s lời nhắc", n=len(chosen)), back_url=url_for(".queue", year=year))
    operations.remind_many(chosen, current_user)
    db.session.commit()
    flash(_("Đã nhắc hạn %(n)s phiếu chấm.", n=len(chosen)), "success")
    return redirect(url_for(".queue", year=year))
