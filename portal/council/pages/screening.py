"""Sơ duyệt: the secretary accepts a submission into appraisal or returns it with a note."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import invalid
from portal.council import bp, operations
from portal.council.forms import AcceptForm, BulkAcceptForm, ReturnForm
from portal.council.pages.common import confirmation, context, load, posted_year, selected_initiatives
from portal.council.pages.overview import queue_unless_ready
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


@bp.route("/bulk-accept", methods=["POST"])
@login_required
def bulk_accept():
    """Tiếp nhận nhiều hồ sơ: ticked on the queue, confirmed, then accepted together."""
    form = BulkAcceptForm()
    ids = sorted(set(form.ids.data or []))
    initiatives = selected_initiatives(ids)
    year = posted_year(initiatives)
    back = queue_unless_ready(form, ids, year, _("Chưa chọn hồ sơ nào: đánh dấu các hồ sơ cần tiếp nhận ở bảng trên."), accept_form=form)
    if back is not None:
        return back
    operations.plan_accept(initiatives, current_user)
    if not form.confirming:
        return confirmation(
            title=_("Xác nhận tiếp nhận hồ sơ"),
            intro=_("%(n)s hồ sơ sẽ được tiếp nhận vào thẩm định:", n=len(initiatives)),
            items=[{"text": i.title, "details": [", ".join(i.author_names)]} for i in initiatives],
            action=url_for(".bulk_accept"), fields=[("ids", i.id) for i in initiatives] + [("year", year)],
            confirm_label=_("Xác nhận, tiếp nhận %(n)s hồ sơ", n=len(initiatives)),
            back_url=url_for(".queue", year=year),
            warnings=[_("Tác giả được thông báo; sau khi tiếp nhận, hồ sơ chờ phân công người chấm.")])
    operations.accept_many(initiatives, current_user)
    db.session.commit()
    flash(_("Đã tiếp nhận %(n)s hồ sơ vào thẩm định. Hãy phân công người chấm.", n=len(initiatives)), "success")
    return redirect(url_for(".queue", year=year))
