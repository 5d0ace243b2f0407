"""Cấp Ngành và toàn quốc: proposals to the Supreme People's Procuracy and their outcomes."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import invalid
from portal.council import bp, operations, queries
from portal.council.forms import HigherLevelForm
from portal.council.pages.common import load, year_arg
from portal.council.services import rubric_for
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act, YearAct
from portal.initiatives.workflow import HIGHER_LEVEL_ACTIONS, NATIONAL, SECTOR, SectorStatus
from portal.years.models import known_years


def _next_steps(initiative, axis):
    """The outcomes the reader may record next on one axis, as (value, label)."""
    labels = {SectorStatus.proposed: _("Đề nghị"), SectorStatus.recognized: _("Được công nhận"),
              SectorStatus.not_recognized: _("Không được công nhận")}
    return [(status.value, labels[status]) for status in SectorStatus
            if initiative.can(HIGHER_LEVEL_ACTIONS[(axis, status)], current_user)]


@bp.route("/sector")
@login_required
def sector():
    year = year_arg()
    policy.check_year(current_user, YearAct.oversee, year)
    rubric = rubric_for(year)
    recognized = queries.recognized_in(year)
    means = queries.decided_means([i.id for i in recognized])
    rows = [{"initiative": i, "mean": means.get(i.id) if i.can(Act.see_outcome, current_user) else None,
             "steps": {axis: _next_steps(i, axis) for axis in (SECTOR, NATIONAL)}} for i in recognized]
    proposals = [r for r in rows if (means.get(r["initiative"].id) or 0) >= rubric.sector_threshold
                 or r["initiative"].sector_status]
    others = [r for r in rows if r not in proposals]
    return render_template("council/sector.html", year=year, years=known_years(), rubric=rubric,
                           proposals=proposals, others=others, form=HigherLevelForm(formdata=None))


def _higher_level(initiative_id, record):
    initiative = load(initiative_id, Act.view)
    form = HigherLevelForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    record(initiative, current_user, form.status.data, form.decision_no.data, form.decision_date.data)
    db.session.commit()
    flash(_("Đã ghi nhận kết quả cho “%(title)s”.", title=initiative.title), "success")
    return redirect(url_for(".sector", year=initiative.year))


@bp.route("/initiatives/<int:initiative_id>/sector", methods=["POST"])
@login_required
def record_sector(initiative_id):
    return _higher_level(initiative_id, operations.record_sector)


@bp.route("/initiatives/<int:initiative_id>/national", methods=["POST"])
@login_required
def record_national(initiative_id):
    return _higher_level(initiative_id, operations.record_national)
