"""Sơ duyệt: the secretary accepts a submission into appraisal or returns it with a note."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import invalid
from portal.council import bp, operations
from portal.council.forms import AcceptForm, ReturnForm
from portal.council.pages.common import context, load
from portal.council.services import similar_initiatives
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act


def _similar(initiative):
    """Earlier initiatives like this one, as far as the reader may know of them."""
    found = similar_initiatives(initiative, limit=5)
    if found is None:
        return None
    shown = []
    for other in found:
        if not policy.can(current_user, Act.compare, other) and not policy.can(current_user, Act.view, other):
            continue
        other.viewable = policy.can(current_user, Act.view, other)
        shown.append(other)
    return shown


@bp.route("/initiatives/<int:initiative_id>/screening")
@login_required
def screening(initiative_id):
    initiative = load(initiative_id)
    return render_template("council/screening.html", **context(
        initiative, accept_form=AcceptForm(), return_form=ReturnForm(), similar=_similar(initiative)))


@bp.route("/initiatives/<int:initiative_id>/accept", methods=["POST"])
@login_required
def accept(initiative_id):
    initiative = load(initiative_id, Act.view)
    operations.accept(initiative, current_user)
    db.session.commit()
    flash(_("Đã tiếp nhận sáng kiến vào thẩm định. Hãy phân công người chấm."), "success")
    return redirect(url_for(".assignments", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/return", methods=["POST"])
@login_required
def return_(initiative_id):
    initiative = load(initiative_id, Act.view)
    form = ReturnForm()
    if not form.validate_on_submit():
        policy.check(current_user, "return", initiative)
        raise invalid(fields=form.errors)
    operations.return_to_authors(initiative, current_user, form.note.data)
    db.session.commit()
    flash(_("Đã trả lại sáng kiến cho tác giả kèm nội dung cần bổ sung."), "success")
    return redirect(url_for(".queue", year=initiative.year))
