"""Kết quả và quyết định: the aggregated scores, the suggestion, and the chair's decision."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.refusal import invalid, not_found
from portal.core.timeutil import today
from portal.council import bp, operations, queries
from portal.council.forms import BatchDecisionForm, DecisionForm, ReopenForm
from portal.council.models import OUTCOME_LABELS
from portal.council.pages.common import context, load
from portal.council.services import reviewers_per_initiative, visible_appraisal
from portal.extensions import db
from portal.initiatives.access import visible
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Action


@bp.route("/initiatives/<int:initiative_id>/results")
@login_required
def results(initiative_id):
    initiative = load(initiative_id, Act.see_scores)
    appraisal = visible_appraisal(initiative, current_user)
    form = DecisionForm()
    if not form.restored:
        form.outcome.data = appraisal.suggested
        form.decision_date.data = today()
    deciding = initiative.can(Action.recognize, current_user)
    return render_template(
        "council/results.html",
        **context(initiative, appraisal=appraisal, form=form, decisions=queries.decisions_of(initiative),
                  reopen_form=ReopenForm(), outcome_labels=OUTCOME_LABELS, required=reviewers_per_initiative(),
                  recognized_like=operations.recognized_like(initiative) if deciding else []))


@bp.route("/initiatives/<int:initiative_id>/decision", methods=["POST"])
@login_required
def decision(initiative_id):
    initiative = load(initiative_id, Act.view)
    form = DecisionForm()
    if not form.validate_on_submit():
        operations.check_may_decide(initiative, current_user)
        raise invalid(fields=form.errors)
    operations.decide(initiative, current_user, form.outcome.data, decision_no=form.decision_no.data,
                      decision_date=form.decision_date.data, reason=form.reason.data)
    db.session.commit()
    flash(_("Đã ghi nhận quyết định: %(outcome)s.", outcome=_(OUTCOME_LABELS[form.outcome.data])), "success")
    return redirect(url_for(".results", initiative_id=initiative.id))


@bp.route("/batch-decision", methods=["POST"])
@login_required
def batch_decision():
    """One decision number for several initiatives; every id goes through the same gate."""
    form = BatchDecisionForm()
    ids = sorted(set(form.ids.data or []))
    initiatives = db.session.execute(
        select(Initiative).where(Initiative.id.in_(ids)).options(selectinload(Initiative.authors))
        .order_by(Initiative.id)).scalars().all() if ids else []
    if len(initiatives) != len(ids) or len(visible(initiatives, current_user)) != len(initiatives):
        raise not_found()
    if not form.validate_on_submit() or not ids:
        fields = dict(form.errors)
        if not ids:
            fields["ids"] = [_("Chưa chọn sáng kiến nào.")]
        raise invalid(fields=fields)
    rows = operations.decide_batch(initiatives, current_user, decision_no=form.decision_no.data,
                                   decision_date=form.decision_date.data)
    db.session.commit()
    recognized = sum(1 for r in rows if r.outcome == "recognized")
    flash(_("Quyết định số %(no)s: %(n)s sáng kiến (%(r)s được công nhận).", no=form.decision_no.data,
            n=len(rows), r=recognized), "success")
    return redirect(url_for(".queue", year=request.form.get("year", type=int) or initiatives[0].year))
