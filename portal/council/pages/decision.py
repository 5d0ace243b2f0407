"""Kết quả và quyết định: the aggregated scores, the suggestion, and the chair's decision.

A decision is irreversible, so it takes two posts: the first is checked (form, then every rule
of the operation, changing nothing) and answered with a confirmation page listing what will
happen; only the second, with `confirmed`, decides, then redirects (post/redirect/get).
"""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core.refusal import invalid
from portal.core.timeutil import today
from portal.council import bp, operations, queries
from portal.council.forms import BatchDecisionForm, DecisionForm, ReopenForm
from portal.council.models import OUTCOME_LABELS
from portal.council.pages.common import confirmation, context, load, posted, posted_year, selected_initiatives
from portal.council.pages.overview import queue_unless_ready
from portal.council.services import reviewers_per_initiative, visible_appraisal
from portal.extensions import db
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Action


def _render_results(initiative, form, status=200):
    appraisal = visible_appraisal(initiative, current_user)
    deciding = initiative.can(Action.recognize, current_user)
    return render_template(
        "council/results.html",
        **context(initiative, appraisal=appraisal, form=form, decisions=queries.decisions_of(initiative),
                  reopen_form=ReopenForm(), outcome_labels=OUTCOME_LABELS, required=reviewers_per_initiative(),
                  recognized_like=operations.recognized_like(initiative) if deciding else [])), status


@bp.route("/initiatives/<int:initiative_id>/results")
@login_required
def results(initiative_id):
    initiative = load(initiative_id, Act.see_scores)
    form = DecisionForm()
    if not form.restored:
        form.outcome.data = visible_appraisal(initiative, current_user).suggested
        form.decision_date.data = today()
    return _render_results(initiative, form)


@bp.route("/initiatives/<int:initiative_id>/decision", methods=["POST"])
@login_required
def decision(initiative_id):
    initiative = load(initiative_id, Act.view)
    form = DecisionForm()
    if not form.validate_on_submit():
        operations.check_may_decide(initiative, current_user)
        raise invalid(fields=form.errors)
    values = {"decision_no": form.decision_no.data, "decision_date": form.decision_date.data,
              "reason": form.reason.data}
    if form.edit.data:
        operations.check_may_decide(initiative, current_user)
        return _render_results(initiative, form)
    plan = operations.plan_decision(initiative, current_user, form.outcome.data, **values)
    if not form.confirming:
        return _confirm_decision(initiative, form, plan)
    operations.decide(initiative, current_user, form.outcome.data, **values)
    db.session.commit()
    flash(_("Đã ghi nhận quyết định: %(outcome)s.", outcome=_(OUTCOME_LABELS[form.outcome.data])), "success")
    return redirect(url_for(".results", initiative_id=initiative.id))


def _confirm_decision(initiative, form, plan):
    line = _("“%(title)s”: %(outcome)s", title=initiative.title, outcome=_(OUTCOME_LABELS[plan["outcome"]]))
    details = []
    if plan["decision_no"]:
        details.append(_("Quyết định số %(no)s ngày %(d)s.", no=plan["decision_no"],
                         d=plan["decision_date"].strftime("%d/%m/%Y")))
    if plan["reason"]:
        details.append(_("Lý do / nội dung cần hoàn thiện: %(r)s", r=plan["reason"]))
    warnings = []
    if plan["overruled"] and plan["suggested"]:
        warnings.append(_("Kết quả khác với đề xuất của hệ thống (%(s)s); lý do được gửi cho tác giả và lưu vào "
                          "nhật ký.", s=_(OUTCOME_LABELS[plan["suggested"]])))
    if plan["matches"]:
        warnings.append(_("Sáng kiến trùng hoặc rất giống sáng kiến đã được công nhận: %(which)s.",
                          which="; ".join(f"“{m.title}” ({m.year})" for m in plan["matches"])))
    if plan["outcome"] == "returned":
        details.append(_("Sáng kiến mở vòng thẩm định mới; tác giả được thông báo để hoàn thiện."))
    else:
        details.append(_("Tác giả được thông báo; quyết định không sửa được sau khi ghi nhận."))
    return confirmation(
        title=_("Xác nhận quyết định của Hội đồng"),
        intro=_("Kiểm tra lại trước khi ghi nhận. Quyết định sẽ như sau:"),
        items=[{"text": line, "details": details}],
        action=url_for(".decision", initiative_id=initiative.id),
        fields=posted(form, "outcome", "decision_no", "decision_date", "reason"),
        confirm_label=_("Xác nhận, ghi nhận quyết định"),
        back_url=url_for(".results", initiative_id=initiative.id), warnings=warnings)


@bp.route("/batch-decision", methods=["POST"])
@login_required
def batch_decision():
    """One decision number for several initiatives; every id goes through the same gate."""
    form = BatchDecisionForm()
    ids = sorted(set(form.ids.data or []))
    initiatives = selected_initiatives(ids)
    year = posted_year(initiatives)
    back = queue_unless_ready(form, ids, year, _("Chưa chọn sáng kiến nào: đánh dấu các sáng kiến cần quyết định ở bảng trên."), batch_form=form)
    if back is not None:
        return back
    plans = operations.plan_batch(initiatives, current_user, decision_no=form.decision_no.data,
                                  decision_date=form.decision_date.data)
    if not form.confirming:
        items = [{"text": _("“%(title)s”: %(outcome)s", title=i.title, outcome=_(OUTCOME_LABELS[outcome]))}
                 for i, outcome in plans]
        return confirmation(
            title=_("Xác nhận quyết định theo phiên họp"),
            intro=_("Quyết định số %(no)s ngày %(d)s cho %(n)s sáng kiến, mỗi sáng kiến theo đề xuất của hệ thống:",
                    no=form.decision_no.data, d=form.decision_date.data.strftime("%d/%m/%Y"), n=len(plans)),
            items=items, action=url_for(".batch_decision"),
            fields=posted(form, "ids", "decision_no", "decision_date", "year"),
            confirm_label=_("Xác nhận, ghi nhận %(n)s quyết định", n=len(plans)),
            back_url=url_for(".queue", year=year),
            warnings=[_("Tác giả của từng sáng kiến được thông báo; quyết định không sửa được sau khi ghi nhận.")])
    rows = operations.decide_batch(initiatives, current_user, decision_no=form.decision_no.data,
                                   decision_date=form.decision_date.data)
    db.session.commit()
    recognized = sum(1 for r in rows if r.outcome == "recognized")
    flash(_("Quyết định số %(no)s: %(n)s sáng kiến (%(r)s được công nhận).", no=form.decision_no.data,
            n=len(rows), r=recognized), "success")
    return redirect(url_for(".queue", year=year))
