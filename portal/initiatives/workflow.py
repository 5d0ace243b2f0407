"""The state machine of an initiative, as plain data and functions (no Flask, no database).

This table is the only place that knows which transition is allowed, from which
state, and who may make it. Pages and the API both go through `check`.
"""
import enum


class Status(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    in_review = "in_review"
    recognized = "recognized"
    rejected = "rejected"
    withdrawn = "withdrawn"


class Level(enum.StrEnum):
    grassroots = "grassroots"  # cấp cơ sở
    sector = "sector"          # cấp Ngành (VKSND tối cao)
    national = "national"      # phạm vi toàn quốc


class SectorStatus(enum.StrEnum):
    proposed = "proposed"
    recognized = "recognized"
    not_recognized = "not_recognized"


STATUS_LABELS = {
    Status.draft: "Bản nháp",
    Status.submitted: "Đã nộp, chờ sơ duyệt",
    Status.returned: "Trả lại để bổ sung",
    Status.in_review: "Đang thẩm định",
    Status.recognized: "Được công nhận",
    Status.rejected: "Không công nhận",
    Status.withdrawn: "Đã rút",
}

LEVEL_LABELS = {
    Level.grassroots: "Cấp cơ sở",
    Level.sector: "Cấp Ngành",
    Level.national: "Toàn quốc",
}

SECTOR_STATUS_LABELS = {
    SectorStatus.proposed: "Đã đề nghị VKSND tối cao",
    SectorStatus.recognized: "Được VKSND tối cao công nhận",
    SectorStatus.not_recognized: "Không được công nhận cấp Ngành",
}

# Who an actor is with respect to one initiative.
AUTHOR, SECRETARY, CHAIR = "author", "secretary", "chair"


class Action(enum.StrEnum):
    submit = "submit"          # author: draft or returned -> submitted (a new version)
    withdraw = "withdraw"      # author: submitted -> withdrawn
    accept = "accept"          # secretary: submitted -> in_review
    return_ = "return"         # secretary (screening or review) or chair (decision): -> returned
    recognize = "recognize"    # chair: in_review -> recognized
    reject = "reject"          # chair: in_review -> rejected


ACTION_LABELS = {
    Action.submit: "nộp",
    Action.withdraw: "rút",
    Action.accept: "tiếp nhận vào thẩm định",
    Action.return_: "trả lại",
    Action.recognize: "công nhận",
    Action.reject: "không công nhận",
}

# (state, action) -> (new state, who may do it)
TRANSITIONS = {
    (Status.draft, Action.submit): (Status.submitted, {AUTHOR}),
    (Status.returned, Action.submit): (Status.submitted, {AUTHOR}),
    (Status.submitted, Action.withdraw): (Status.withdrawn, {AUTHOR}),
    (Status.submitted, Action.accept): (Status.in_review, {SECRETARY}),
    (Status.submitted, Action.return_): (Status.returned, {SECRETARY}),
    (Status.in_review, Action.return_): (Status.returned, {SECRETARY, CHAIR}),
    (Status.in_review, Action.recognize): (Status.recognized, {CHAIR}),
    (Status.in_review, Action.reject): (Status.rejected, {CHAIR}),
}

# Authors edit only here.
EDITABLE = frozenset({Status.draft, Status.returned})
# States the council and search may see (everything past draft).
PAST_DRAFT = frozenset(Status) - {Status.draft}
DECIDED = frozenset({Status.recognized, Status.rejected})


class TransitionError(Exception):
    """A refused transition; `status` is the HTTP status that says why."""
    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class WrongState(TransitionError):
    status = 409


class NotAllowed(TransitionError):
    status = 403


def allowed_actions(state):
    return [action for (s, action) in TRANSITIONS if s == state]


def check(state, action, actor_roles):
    """Return the new state, or raise WrongState (409) / NotAllowed (403)."""
    state, action = Status(state), Action(action)
    entry = TRANSITIONS.get((state, action))
    if entry is None:
        raise WrongState(
            f"Không thể {ACTION_LABELS[action]} sáng kiến đang ở trạng thái "
            f"“{STATUS_LABELS[state]}”."
        )
    new_state, who = entry
    if not who & set(actor_roles):
        raise NotAllowed(f"Bạn không có quyền {ACTION_LABELS[action]} sáng kiến này.")
    return new_state


def can(state, action, actor_roles):
    try:
        check(state, action, actor_roles)
    except TransitionError:
        return False
    return True


def can_edit(state, actor_roles):
    return AUTHOR in actor_roles and Status(state) in EDITABLE


def check_edit(state, actor_roles):
    """Editing the content: authors, in draft or returned only.

    Raises NotAllowed (403) for anyone but an author and WrongState (409) for an
    author once the initiative has left their hands.
    """
    state = Status(state)
    if AUTHOR not in actor_roles:
        raise NotAllowed("Chỉ tác giả mới được sửa sáng kiến này.")
    if state not in EDITABLE:
        raise WrongState(
            f"Sáng kiến đang ở trạng thái “{STATUS_LABELS[state]}”, không thể sửa. "
            "Tác giả chỉ sửa được bản nháp hoặc khi Hội đồng trả lại để bổ sung."
        )


# What an initiative in each state is waiting for, as its authors see it.
WAITING_FOR = {
    Status.draft: "Chờ tác giả hoàn thiện và nộp",
    Status.submitted: "Chờ Thư ký Hội đồng sơ duyệt",
    Status.returned: "Cần bổ sung theo yêu cầu, rồi nộp lại",
    Status.in_review: "Chờ Hội đồng thẩm định, chấm điểm",
    Status.recognized: "Hoàn tất: đã có quyết định công nhận",
    Status.rejected: "Hoàn tất: không được công nhận",
    Status.withdrawn: "Đã rút, không xử lý tiếp",
}

# Display order of states on the authors' dashboard: what needs them first.
DASHBOARD_ORDER = (
    Status.returned, Status.draft, Status.submitted, Status.in_review,
    Status.recognized, Status.rejected, Status.withdrawn,
)


def waiting_for(state):
    return WAITING_FOR[Status(state)]
