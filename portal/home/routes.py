"""The home page composes the plain reads of each area, one block per role the person holds.

Each block is a fixed number of queries (the areas' query functions say how many); the page
only decides which blocks to show and links each to the page where the work is done.
"""
from flask import current_app, render_template
from flask_login import current_user, login_required

from portal.admin import queries as admin_queries
from portal.core.layout import register_nav
from portal.core.timeutil import today
from portal.council import queries as council_queries
from portal.council import work as council_work
from portal.council.models import COUNCIL_ROLE_LABELS
from portal.council.services import decision_deadline, reviewers_per_initiative
from portal.emulation import services as emulation_services
from portal.home import bp
from portal.initiatives import policy
from portal.initiatives import queries as initiative_queries
from portal.initiatives.policy import OFFICER_ROLES, Act
from portal.initiatives.queries import NEXT_STEPS
from portal.initiatives.workflow import STATUS_LABELS
from portal.publishing import operations as publishing_operations
from portal.years.models import current_year

register_nav("Việc của tôi", "home.index", lambda user: user.is_authenticated, order=5)

# The officers' lists show their first items; the year's queue has them all (a year may hold thousands).
LIST_LIMIT = 20

DEADLINE_LABELS = {
    "registration_deadline": "Hạn đăng ký danh hiệu thi đua",
    "submission_deadline": "Hạn nộp đơn sáng kiến",
    "review_deadline": "Hạn Hội đồng thẩm định",
    "commendation_deadline": "Hạn nộp hồ sơ khen thưởng",
}


def blocks_for(user, year, on_day):
    """{block name: its data} for every role `user` holds in `year`."""
    blocks = {"author": initiative_queries.author_work(user)}
    role = policy.year_role(user, year)
    if role is not None:
        blocks["reviewer"] = council_queries.reviewer_work(user, year, on_day)
    if role in OFFICER_ROLES:
        work = council_work.officer_work(year, on_day, reviewers_per_initiative(), decision_deadline)
        # An officer named on an initiative hands it to a deputy: it is not their work, nor shown.
        reader = getattr(user, "_get_current_object", lambda: user)()  # not through the proxy, for thousands
        work = {name: [i for i in rows if i.can(Act.follow, reader)] for name, rows in work.items()}
        if role == "secretary":
            blocks["secretary"] = work
        else:
            blocks["chair"] = work
    if user.has_role("editor"):
        waiting = publishing_operations.queue()
        blocks["editor"] = {"waiting": waiting, "overdue": [item for item in waiting if item["overdue"]]}
    if user.has_role("emulation_officer"):
        blocks["emulation"] = emulation_services.officer_work(year, on_day)
    if user.has_role("admin"):
        blocks["admin"] = admin_queries.attention(year)
    return blocks


@bp.route("/home")
@login_required
def index():
    on_day = today()
    year = current_year()
    return render_template(
        "home/index.html", year=year, today=on_day, blocks=blocks_for(current_user, year, on_day),
        next_steps=NEXT_STEPS, status_labels=STATUS_LABELS, deadline_labels=DEADLINE_LABELS, role_labels=COUNCIL_ROLE_LABELS,
        due_days=current_app.config.get("PUBLISH_DUE_DAYS", publishing_operations.PUBLISH_DUE_DAYS),
        list_limit=LIST_LIMIT)
