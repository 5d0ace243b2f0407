"""Bộ tiêu chí: the year's rubric, read by its council and edited by the admin until scored."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import conflict, invalid
from portal.council import bp, operations
from portal.council.forms import RubricForm
from portal.council.services import rubric_for, rubric_frozen
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import YearAct


def _prefilled(rubric):
    form = RubricForm(obj=rubric)
    if form.restored:
        return form
    while len(form.criteria) < len(rubric.criteria) + 1:
        form.criteria.append_entry()
    for entry, criterion in zip(form.criteria, rubric.criteria, strict=False):
        entry.form.code.data = criterion.code
        entry.form.name.data = criterion.name
        entry.form.guidance.data = criterion.guidance
        entry.form.max_score.data = criterion.max_score
    return form


def _criteria(form):
    """The criteria typed in, or a 422 naming the row without a name or maximum."""
    criteria = []
    for entry in form.criteria:
        f = entry.form
        if f.remove.data or not (f.code.data or "").strip():
            continue
        if not (f.name.data or "").strip() or f.max_score.data is None:
            raise invalid(fields={f.name.name: [_("Cần nhập tên và điểm tối đa.")]})
        criteria.append({"code": f.code.data.strip(), "name": f.name.data.strip(),
                         "guidance": (f.guidance.data or "").strip(), "max_score": f.max_score.data})
    return criteria


@bp.route("/rubric/<int:year>", methods=["GET", "POST"])
@login_required
def rubric(year):
    policy.check_year(current_user, YearAct.rubric, year)
    row = rubric_for(year)
    frozen = rubric_frozen(year)
    editable = policy.can_year(current_user, YearAct.edit_rubric, year) and not frozen
    if request.method == "GET":
        db.session.commit()  # the default rubric, made on first sight, is kept
        return render_template("council/rubric.html", year=year, rubric=row, form=_prefilled(row),
                               frozen=frozen, editable=editable)
    policy.check_year(current_user, YearAct.edit_rubric, year)
    if frozen:
        raise conflict(_("Đã có điểm chấm cho sáng kiến năm %(year)s: bộ tiêu chí đã khóa, không sửa được nữa.",
                         year=year), code="rubric_frozen")
    form = RubricForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    operations.update_rubric(
        year, current_user, recognition_threshold=form.recognition_threshold.data,
        sector_threshold=form.sector_threshold.data, approval_numerator=form.approval_numerator.data,
        approval_denominator=form.approval_denominator.data, novelty_zero_rule=form.novelty_zero_rule.data,
        criteria=_criteria(form))
    db.session.commit()
    flash(_("Đã lưu bộ tiêu chí chấm điểm năm %(year)s.", year=year), "success")
    return redirect(url_for(".rubric", year=year))
