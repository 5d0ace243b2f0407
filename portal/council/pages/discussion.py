"""Thảo luận và kết luận: the council's private thread on an initiative and its conclusion; the
authors' answers to a return; and what the authors' page shows of them (the stepper too)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.core.refusal import invalid
from portal.core.timeutil import local_date, today
from portal.council import bp, discussion
from portal.council.discussion_forms import (
    ApproveConclusionForm,
    ConclusionForm,
    PostForm,
    ReturnAnswerForm,
    SendBackConclusionForm,
)
from portal.council.discussion_models import Thread
from portal.council.models import Review, ReviewAssignment
from portal.council.pages.common import context, load
from portal.council.progress import Expected, Facts, steps
from portal.council.services import assignments_of, decision_deadline, latest_decision, scoring_complete
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status
from portal.years import services as years


@bp.route("/initiatives/<int:initiative_id>/discussion")
@login_required
def discussion_page(initiative_id):
    initiative = load(initiative_id, Act.discuss)
    conclusion = discussion.conclusion_of(initiative)
    posts = discussion.posts_of(initiative, Thread.council)
    decision = latest_decision(initiative)
    conclusion_form = ConclusionForm()
    if not conclusion_form.restored and conclusion is not None:
        conclusion_form.text.data = conclusion.text
    return render_template(
        "council/discussion.html",
        **context(initiative, tab="discussion", posts=posts,
                  writers=discussion.Writers(initiative).labels(posts, current_user),
                  form=PostForm(), conclusion=conclusion, conclusion_form=conclusion_form,
                  approve_form=ApproveConclusionForm(), send_back_form=SendBackConclusionForm(),
                  overrule_reason=discussion.overrule_reason(decision)))


@bp.route("/initiatives/<int:initiative_id>/discussion", methods=["POST"])
@login_required
def discussion_post(initiative_id):
    initiative = load(initiative_id, Act.discuss)
    form = PostForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    row = discussion.post(initiative, current_user, Thread.council, form.body.data)
    db.session.commit()
    flash(_("Đã gửi ý kiến vào thảo luận của Hội đồng."), "success")
    return redirect(url_for(".discussion_page", initiative_id=initiative.id, _anchor=f"post-{row.id}"))


@bp.route("/initiatives/<int:initiative_id>/conclusion", methods=["POST"])
@login_required
def conclusion_save(initiative_id):
    initiative = load(initiative_id, Act.discuss)
    form = ConclusionForm()
    if not form.validate_on_submit():
        policy.check(current_user, Act.draft_conclusion, initiative)
        raise invalid(fields=form.errors)
    send = bool(form.send.data)
    discussion.save_conclusion(initiative, current_user, form.text.data, send=send)
    db.session.commit()
    flash(_("Đã gửi kết luận để Chủ tịch Hội đồng duyệt.") if send else _("Đã lưu nháp kết luận."), "success")
    return redirect(url_for(".discussion_page", initiative_id=initiative.id, _anchor="conclusion"))


@bp.route("/initiatives/<int:initiative_id>/conclusion/approve", methods=["POST"])
@login_required
def conclusion_approve(initiative_id):
    initiative = load(initiative_id, Act.discuss)
    form = ApproveConclusionForm()
    if not form.validate_on_submit():
        raise invalid(fields=form.errors)
    discussion.approve_conclusion(initiative, current_user)
    db.session.commit()
    flash(_("Đã duyệt kết luận của Hội đồng. Tác giả nhận được kết luận cùng quyết định."), "success")
    return redirect(url_for(".discussion_page", initiative_id=initiative.id, _anchor="conclusion"))


@bp.route("/initiatives/<int:initiative_id>/conclusion/send-back", methods=["POST"])
@login_required
def conclusion_send_back(initiative_id):
    initiative = load(initiative_id, Act.discuss)
    form = SendBackConclusionForm()
    if not form.validate_on_submit():
        policy.check(current_user, Act.approve_conclusion, initiative)
        raise invalid(fields=form.errors)
    discussion.send_back_conclusion(initiative, current_user, form.note.data)
    db.session.commit()
    flash(_("Đã trả kết luận lại cho Thư ký Hội đồng để sửa."), "success")
    return redirect(url_for(".discussion_page", initiative_id=initiative.id, _anchor="conclusion"))


@bp.route("/initiatives/<int:initiative_id>/return-thread", methods=["POST"])
@login_required
def return_answer(initiative_id):
    """The authors (or the secretary) write in the thread about a return; back to the authors' page."""
    initiative = load(initiative_id, Act.return_thread)
    form = ReturnAnswerForm()
    if not form.validate_on_submit():
        policy.check(current_user, Act.answer_return, initiative)
        raise invalid(fields=form.errors)
    discussion.post(initiative, current_user, Thread.authors, form.body.data)
    db.session.commit()
    flash(_("Đã gửi trả lời cho Thư ký Hội đồng."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor="return-thread"))


@bp.app_template_global("council_conclusion")
def council_conclusion(initiative):
    """For the authors' page: the approved conclusion of the decision, or None."""
    return discussion.approved_conclusion(initiative, current_user)


@bp.app_template_global("return_thread")
def return_thread(initiative):
    """For the authors' page: (messages, form or None), or None when the reader may not see the thread."""
    if not policy.can(current_user, Act.return_thread, initiative):
        return None
    posts = discussion.posts_of(initiative, Thread.authors)
    form = ReturnAnswerForm() if policy.can(current_user, Act.answer_return, initiative) else None
    if not posts and form is None:
        return None
    return {"posts": posts, "form": form}


def _scored_on(initiative):
    """The day the round's last sheet came in, once the round is complete (None otherwise)."""
    round_ = initiative.round
    decision = latest_decision(initiative) if initiative.status != Status.in_review else None
    if decision is not None:
        round_ = decision.round
    if not round_ or not scoring_complete(assignments_of(initiative, round=round_)):
        return None
    last = db.session.execute(
        select(func.max(Review.submitted_at)).join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .where(Review.initiative_id == initiative.id, Review.round == round_)).scalar_one_or_none()
    return local_date(last)


@bp.app_template_global("progress_steps")
def progress_steps(initiative):
    """The stepper of the authors' page: each step done, current or to come, with its days."""
    rules = years.rules_for(initiative.year)
    publication = getattr(initiative, "publication", None)
    published = publication.first_published_at or publication.published_at if publication else None
    decided = initiative.decided_at if initiative.status in (Status.recognized, Status.rejected) else None
    facts = Facts(status=initiative.status, created_on=local_date(initiative.created_at),
                  submitted_on=local_date(initiative.submitted_at),
                  accepted_on=local_date(initiative.accepted_at) if initiative.status != Status.returned else None,
                  scored_on=_scored_on(initiative) if initiative.status != Status.returned else None,
                  decided_on=initiative.decision_date or local_date(decided),
                  published_on=local_date(published) if publication and publication.is_published else None)
    due = decision_deadline(initiative).due_on if initiative.accepted_at else None
    return steps(facts, Expected(submission=rules.submission_deadline, review=rules.review_deadline,
                                 decision=due), today())
