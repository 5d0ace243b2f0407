"""The council's overview of a year and the officers' queue."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.layout import register_nav
from portal.core.timeutil import local_date, today
from portal.council import bp, queries, work
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


# The queue's groups, the anchors of their sections, and the page argument of each.
GROUPS = {"submitted": ((Status.submitted,), "submitted"), "in_review": ((Status.in_review,), "in-review"),
          "decided": (DECIDED, "decided"), "returned": ((Status.returned,), "returned")}
SHEETS_ANCHOR = "due-sheets"


def _page_urls(year, pages):
    """page_url(name)(p): the queue on page p of the group `name`, the other groups' pages kept."""
    kept = {f"{name}_page": page for name, page in pages.items() if page > 1}

    def page_url(name):
        anchor = GROUPS[name][1] if name in GROUPS else SHEETS_ANCHOR
        return lambda p: url_for("council.queue", year=year, **{**kept, f"{name}_page": p}) + f"#{anchor}"
    return page_url


def _row(initiative, assignments, rubric, today_):
    return {
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
    }


def render_queue(year, status=200, *, batch_form=None, accept_form=None, remind_form=None):
    """The queue page; a refused bulk form comes back on it (422) with its ticks and messages.

    A year holds thousands of initiatives: each group is counted in full and shown a page at a
    time, and only the rows shown are loaded whole (with their assignments and sheets)."""
    policy.check_year(current_user, YearAct.oversee, year)
    reader = current_user._get_current_object()  # asked for each of thousands: not through the proxy
    per_page = current_app.config["COUNCIL_QUEUE_PER_PAGE"]
    items = work.work_items(year, queries.QUEUE_STATES)
    grouped = {name: [i for i in items if i.status in states] for name, (states, _anchor) in GROUPS.items()}
    slices = {name: work.page_of(rows, request.args.get(f"{name}_page", 1, type=int), per_page)
              for name, rows in grouped.items()}
    initiatives = queries.initiatives_by_id([i.id for page in slices.values() for i in page.items])
    assignments = queries.current_assignments([i.id for i in slices["in_review"].items])
    rubric = rubric_for(year)
    today_ = today()
    groups = {name: [_row(initiatives[i.id], assignments, rubric, today_) for i in page.items]
              for name, page in slices.items()}
    remindable = [i.id for i in grouped["in_review"] if policy.can(reader, Act.assign, i)]
    sheets_total = queries.count_due_sheets(year, remindable) if remindable else 0
    sheets = work.page_of(range(sheets_total), request.args.get("sheets_page", 1, type=int), per_page)
    due = queries.due_sheets(year, initiative_ids=remindable, limit=per_page,
                             offset=(sheets.page - 1) * per_page) if sheets_total else []
    pages = {**{name: page.page for name, page in slices.items()}, "sheets": sheets.page}
    batch_form = batch_form or BatchDecisionForm()
    accept_form = accept_form or BulkAcceptForm()
    remind_form = remind_form or RemindForm()
    return render_template(
        "council/queue.html", year=year, years=known_years(), groups=groups, slices=slices, sheets=sheets,
        page_url=_page_urls(year, pages), batch_form=batch_form,
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
