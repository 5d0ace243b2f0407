"""The officer's record page actions on what is already recorded: removing a time-served record or a
refused title, and naming the recognition an old award used."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import require_roles
from portal.core.refusal import found
from portal.emulation import bp, officer_actions, time_served
from portal.emulation.forms import AwardUseForm
from portal.emulation.models import TITLE_LABELS, ServiceRecord, TitleAward, TitleRefusal
from portal.emulation.routes import OFFICER, _delete_record, _render_records
from portal.extensions import db


@bp.route("/services/<int:service_id>/delete", methods=["POST"])
@require_roles(OFFICER)
def delete_service(service_id):
    return _delete_record(ServiceRecord, service_id, time_served.delete_service,
                          _("Đã xóa thời gian công tác đã ghi nhận."), "services")


@bp.route("/refusals/<int:refusal_id>/delete", methods=["POST"])
@require_roles(OFFICER)
def delete_refusal(refusal_id):
    return _delete_record(TitleRefusal, refusal_id, officer_actions.delete_refusal,
                          _("Đã bỏ ghi nhận không công nhận danh hiệu."), "refusals")


@bp.route("/titles/<int:award_id>/use", methods=["POST"])
@require_roles(OFFICER)
def record_award_use(award_id):
    """Name the recognition an old award used (recorded before the "used once" rule, without one)."""
    award = found(db.session.get(TitleAward, award_id))
    form = AwardUseForm()
    if not form.validate_on_submit():
        return _render_records(award.year, ("use", form, award.id), 422)
    officer_actions.record_award_use(award, actor=current_user, initiative_id=form.initiative_id.data,
                                     level_used=form.level_used.data or None, reason=form.reason.data)
    db.session.commit()
    flash(_("Đã ghi sáng kiến #%(id)s đã sử dụng cho danh hiệu %(title)s năm %(year)s của %(name)s.",
            id=award.initiative_id, title=_(TITLE_LABELS[award.title]), year=award.year,
            name=award.user.full_name), "success")
    return redirect(url_for("emulation.records", year=award.year) + "#titles")
