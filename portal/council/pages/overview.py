"""The council's overview of a year and the officers' queue."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.core.layout import register_nav
from portal.core.timeutil import local_date, today
from portal.council import bp, queries
from portal.council.forms import BatchDecisionForm, BulkAcceptForm, RemindForm
from portal.council.models import OUTCOME_LABELS
from portal.council.operations import REVIEW_REMINDER_DAYS
from portal.council.pages.common import load, year_arg
from portal.council.services import (
    active_assignment,
    decision_deadline,
    filed_late,
    reviewers_per_initiative,
    rubric_for,
    visible_appraisal,
)
from portal.initiatives import policy
from portal.initiatives.policy import Act, YearAct
from portal.initiatives.workflow import DECIDED, Action, Status
from portal.years import services as years
from portal.years.models import known_years
from portal.years.rules import age_in_days

register_nav("Hội đồng Sáng kiến", "council.index", policy.on_any_council, order=30)


@bp.route("/")
@login_required
def index():
    year = year_arg()
    policy.check_year(current_user, YearAct.follow, year)
    return render_template(
        "council/index.html", year=year, years=known_years(), assignments=queries.my_assignments(current_user, year),
        counts=queries.status_counts(year), council=queries.council_of(year, with_members=True),
        oversee=policy.can_year(current_user, YearAct.oversee, year),
        role=policy.year_role(current_user, year), today=today())


@bp.route("/queue")
@login_required
def queue():
    """The officers' queue: submitted ones to screen, those in appraisal, decided ones.

    Each row shows what the reader may see of it: scores only where the policy lets them
    (never on an initiative they are named on, or assigned to with their sheet still open).
    """
    return render_queue(year_arg())


def queue_unless_ready(form, ids, year, nothing_ticked, **queue_form):
    """For a bulk form of the queue: the queue again (422, the message beside the ticks, the input
    kept) when the form is invalid, nothing is ticked or the confirmation's "edit" was pressed;
    None when the action may go on."""
    valid = form.validate_on_submit()
    if valid and ids and not form.edit.data:
        return None
    if not ids:
        form.ids.errors = [nothing_ticked]
    return render_queue(year, 200 if valid and ids else 422, **queue_form)


def render_queue(year, status=200, *, batch_form=None, accept_form=None, remind_form=None):
    """The queue page; a refused bulk form comes back on it (422) with its ticks and messages."""
    policy.check_year(current_user, YearAct.oversee, year)
    initiatives, assignments = queries.queue(year)
    rubric = rubric_for(year)
    today_ = today()
    rows = []
    for initiative in initiatives:
        rows.append({
            "initiative": initiative,
            "age": age_in_days(local_date(initiative.submitted_at), today_),
            "filed_late": filed_late(initiative),
            "deadline": decision_deadline(initiative, today_),
            "follow": initiative.can(Act.follow, current_user),
            "assigned": [a for a in assignments.get(initiative.id, []) if a.is_active],
            "appraisal": visible_appraisal(initiative, current_user, assignments=assignments.get(initiative.id, []),
                                           rubric=rubric) if initiative.status == Status.in_review else None,
            "batch": initiative.can(Action.recognize, current_user),
            "accept": initiative.status == Status.submitted and initiative.can(Action.accept, current_user),
            "remind": initiative.status == Status.in_review and initiative.can(Act.assign, current_user),
        })
    groups = {
        "submitted": [r for r in rows if r["initiative"].status == Status.submitted],
        "in_review": [r for r in rows if r["initiative"].status == Status.in_review],
        "decided": [r for r in rows if r["initiative"].status in DECIDED],
        "returned": [r for r in rows if r["initiative"].status == Status.returned],
    }
    remindable = {r["initiative"].id for r in groups["in_review"] if r["remind"]}
    due = [a for a in queries.due_sheets(year) if a.initiative_id in remindable] if remindable else []
    batch_form = batch_form or BatchDecisionForm()
    accept_form = accept_form or BulkAcceptForm()
    remind_form = remind_form or RemindForm()
    return render_template(
        "council/queue.html", year=year, years=known_years(), groups=groups, batch_form=batch_form,
        accept_form=accept_form, remind_form=remind_form, due_sheets=due, today=today_,
        reminder_days=REVIEW_REMINDER_DAYS,
        can_batch=any(r["batch"] for r in groups["in_review"]),
        can_accept=any(r["accept"] for r in groups["submitted"]), required=reviewers_per_initiative(),
        outcome_labels=OUTCOME_LABELS, rules=years.rules_for(year)), status


@bp.route("/initiatives/<int:initiative_id>")
@login_required
def initiative(initiative_id):
    """Send each person to the page of the appraisal they have work on."""
    initiative = load(initiative_id, Act.view)
    if initiative.can(Act.score, current_user) or active_assignment(initiative, current_user):
        return redirect(url_for(".review", initiative_id=initiative.id))
    policy.check(current_user, Act.follow, initiative)
    if initiative.status == Status.submitted:
        return redirect(url_for(".screening", initiative_id=initiative.id))
    return redirect(url_for(".results", initiative_id=initiative.id))
