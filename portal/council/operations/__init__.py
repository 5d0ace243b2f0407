"""What the council does to an initiative. Each operation: check, change, flush, notify, audit.

One module per stage (screening, assignment, reviews, decisions, rubric, reminders; common holds
what they share). Web pages and the JSON API call these functions, so a rule lives in one place.
Who may act is the policy's answer (portal.initiatives.policy); a refusal is a Refusal raised
before anything changes (403 wrong person, 404 not visible, 409 wrong state or conflict,
422 bad input).
"""

from portal.council.operations.assignment import (
    assign,
    assign_many,
    check_may_assign,
    recuse,
    replace_assignment,
    withdraw_assignment,
)
from portal.council.operations.common import _date_errors, acting_officers, author_link, review_link
from portal.council.operations.decisions import (
    check_may_decide,
    decide,
    decide_batch,
    plan_batch,
    plan_decision,
    recognized_like,
    record_national,
    record_sector,
)
from portal.council.operations.reminders import (
    REVIEW_REMINDER_DAYS,
    plan_reminders,
    remind_many,
    reminders_due,
    send_reminders,
    time_left,
)
from portal.council.operations.reviews import reopen_review, save_review, submit_review
from portal.council.operations.rubric import update_rubric
from portal.council.operations.screening import (
    accept,
    accept_many,
    plan_accept,
    record_first_application_end,
    return_to_authors,
)

__all__ = [
    "REVIEW_REMINDER_DAYS", "_date_errors", "accept", "accept_many", "acting_officers", "assign", "assign_many",
    "author_link", "check_may_assign", "check_may_decide", "decide", "decide_batch", "plan_accept", "plan_batch",
    "plan_decision", "plan_reminders", "recognized_like", "record_first_application_end", "record_national",
    "record_sector", "recuse", "remind_many", "reminders_due", "reopen_review", "replace_assignment",
    "return_to_authors", "review_link", "save_review", "send_reminders", "submit_review", "time_left",
    "update_rubric", "withdraw_assignment",
]
