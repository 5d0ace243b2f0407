"""Phân công: the secretary asks members of the year's council to score an initiative."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal.auth.models import User
from portal.core.refusal import invalid
from portal.council import bp, operations, queries
from portal.council.forms import AssignForm, FirstApplicationForm, ReopenForm
from portal.council.pages.common import context, load
from portal.council.services import assignments_of, reviewers_per_initiative, same_unit_warning
from portal.extensions import db
from portal.initiatives.policy import Act


def _choices(initiative, members, taken):
    """Members not yet asked; authors shown but disabled, with the reason."""
    choices = []
    for member in members:
        if member.user_id in taken:
            continue
        if initiative.is_named(member.user):
            label = _("%(name)s (%(role)s) — tác giả, không được chấm", name=member.user.full_name,
                      role=_(member.role_label))
            choices.append(SelectChoice(member.user_id, label, render_kw={"disabled": True}))
            continue
        note = _(" — cùng đơn vị với tác giả") if same_unit_warning(initiative, member.user) else ""
        choices.append(SelectChoice(member.user_id, f"{member.user.full_name} ({_(member.role_label)}){note}"))
    return choices


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


@bp.route("/initiatives/<int:initiative_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(initiative_id):
    initiative = load(initiative_id)
    members = queries.members_of(initiative.year)
    rows = assignments_of(initiative)
    form = AssignForm()
    # On POST every member is a choice, so that the operation says why one cannot be assigned.
    taken = {a.reviewer_id for a in rows} if request.method == "GET" else set()
    form.reviewer.choices = _choices(initiative, members, taken)
    if request.method == "POST":
        if not form.validate_on_submit():
            raise invalid(fields=form.errors)
        reviewer = db.session.get(User, form.reviewer.data)
        assignment = operations.assign(initiative, current_user, reviewer, form.due_on.data)
        db.session.commit()
        flash(_("Đã phân công %(name)s chấm điểm, hạn %(due)s.", name=reviewer.full_name,
                due=assignment.due_on.strftime("%d/%m/%Y")), "success")
        if assignment.same_unit:
            flash(_("Lưu ý: %(name)s cùng đơn vị với tác giả hoặc đơn vị có sáng kiến.", name=reviewer.full_name),
                  "warning")
        return redirect(url_for(".assignments", initiative_id=initiative.id))
    return render_template(
        "council/assignments.html",
        **context(initiative, form=form, assignments=rows, members=members, required=reviewers_per_initiative(),
                  active_count=sum(1 for a in rows if a.is_active), reopen_form=ReopenForm(),
                  first_application_form=FirstApplicationForm()))
