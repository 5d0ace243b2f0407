"""Reads of the initiatives area that other pages compose (the home page's author block)."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.initiatives.models import Initiative, InitiativeAuthor
from portal.initiatives.policy import Act
from portal.initiatives.workflow import DASHBOARD_ORDER, Status

# What an author does next, by state (msgids; the page translates them).
NEXT_STEPS = {
    Status.draft: "Hoàn thiện đơn và nộp",
    Status.returned: "Sửa theo ghi chú và nộp lại",
    Status.submitted: "Chờ Thư ký kiểm tra hồ sơ",
    Status.in_review: "Hội đồng đang thẩm định",
    Status.recognized: "Đã được công nhận",
    Status.rejected: "Không được công nhận",
    Status.withdrawn: "Đã rút",
}
# The states in which the author has something to do.
ACTION_STATES = (Status.draft, Status.returned)


def authored_by(user):
    """Every initiative naming `user` as an author (invitations included), newest year first: 2 queries."""
    return db.session.execute(
        select(Initiative)
        .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
        .where(InitiativeAuthor.user_id == user.id)
        .options(selectinload(Initiative.authors))
        .order_by(Initiative.year.desc(), Initiative.updated_at.desc(), Initiative.id.desc())
    ).scalars().unique().all()


def author_work(user):
    """{"invitations": [initiative], "to_act": [initiative], "waiting": [initiative], "total": n}."""
    initiatives = authored_by(user)
    invited = [i for i in initiatives if i.can(Act.answer_invitation, user)]
    mine = [i for i in initiatives if i not in invited]
    order = {state: n for n, state in enumerate(DASHBOARD_ORDER)}
    mine.sort(key=lambda i: (order.get(i.status, 99), -i.year))
    return {
        "invitations": invited,
        "to_act": [i for i in mine if i.status in ACTION_STATES],
        "waiting": [i for i in mine if i.status in (Status.submitted, Status.in_review)],
        "total": len(mine),
    }
