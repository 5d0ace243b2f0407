"""The state machine of an initiative, as plain data and functions (no Flask, no database).

`TRANSITIONS` is the only place that knows which state change is allowed, from which
state, and who may make it: the status, and the sector and national levels of a
recognised initiative. The policy (portal.initiatives.policy) builds every permission
on it; pages, the API and documents ask the policy.
"""
import enum
from typing import NamedTuple


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


# What an author may ask for on filing: the council recognises at grassroots level and proposes
# the sector; national recognition is proposed by the Supreme People's Procuracy, never asked for.
REQUESTABLE_LEVELS = (Level.grassroots, Level.sector)


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

NATIONAL_STATUS_LABELS = {
    SectorStatus.proposed: "Đã đề nghị công nhận phạm vi toàn quốc",
    SectorStatus.recognized: "Được công nhận phạm vi toàn quốc",
    SectorStatus.not_recognized: "Không được công nhận phạm vi toàn quốc",
}


class Action(enum.StrEnum):
    submit = "submit"          # author: draft or returned -> submitted (a new version)
    withdraw = "withdraw"      # author: submitted -> withdrawn
    accept = "accept"          # secretary: submitted -> in_review
    return_ = "return"         # secretary (screening or review) or chair (decision): -> returned
    recognize = "recognize"    # chair: in_review -> recognized
    reject = "reject"          # chair: in_review -> rejected
    # A recognised initiative's higher levels, each its own axis of state (sector_status,
    # national_status): proposed, then recognised or not by the higher body.
    propose_sector = "propose_sector"
    sector_recognized = "sector_recognized"
    sector_not_recognized = "sector_not_recognized"
    propose_national = "propose_national"
    national_recognized = "national_recognized"
    national_not_recognized = "national_not_recognized"


ACTION_LABELS = {
    Action.submit: "nộp",
    Action.withdraw: "rút",
    Action.accept: "tiếp nhận vào thẩm định",
    Action.return_: "trả lại",
    Action.recognize: "công nhận",
    Action.reject: "không công nhận",
    Action.propose_sector: "đề nghị công nhận cấp Ngành",
    Action.sector_recognized: "ghi nhận công nhận cấp Ngành",
    Action.sector_not_recognized: "ghi nhận không công nhận cấp Ngành",
    Action.propose_national: "đề nghị công nhận phạm vi toàn quốc",
    Action.national_recognized: "ghi nhận công nhận phạm vi toàn quốc",
    Action.national_not_recognized: "ghi nhận không công nhận phạm vi toàn quốc",
}

# Who may make a transition, as the policy (portal.initiatives.policy) names people.
AUTHOR, SECRETARY, CHAIR = "author", "secretary", "chair"

STATUS, SECTOR, NATIONAL = "status", "sector", "national"


class Transition(NamedTuple):
    axis: str          # which state changes: the status, or the sector / national status
    source: object     # Status, or SectorStatus / None on the higher-level axes
    target: object
    who: frozenset


def _t(axis, source, target, *who):
    return Transition(axis, source, target, frozenset(who))


# The one table of state changes: action -> the transitions it may make.
TRANSITIONS = {
    Action.submit: [_t(STATUS, Status.draft, Status.submitted, AUTHOR),
                    _t(STATUS, Status.returned, Status.submitted, AUTHOR)],
    Action.withdraw: [_t(STATUS, Status.submitted, Status.withdrawn, AUTHOR)],
    Action.accept: [_t(STATUS, Status.submitted, Status.in_review, SECRETARY)],
    Action.return_: [_t(STATUS, Status.submitted, Status.returned, SECRETARY),
                     _t(STATUS, Status.in_review, Status.returned, SECRETARY, CHAIR)],
    Action.recognize: [_t(STATUS, Status.in_review, Status.recognized, CHAIR)],
    Action.reject: [_t(STATUS, Status.in_review, Status.rejected, CHAIR)],
    Action.propose_sector: [_t(SECTOR, None, SectorStatus.proposed, SECRETARY)],
    Action.sector_recognized: [_t(SECTOR, SectorStatus.proposed, SectorStatus.recognized, SECRETARY)],
    Action.sector_not_recognized: [_t(SECTOR, SectorStatus.proposed, SectorStatus.not_recognized, SECRETARY)],
    Action.propose_national: [_t(NATIONAL, None, SectorStatus.proposed, SECRETARY)],
    Action.national_recognized: [_t(NATIONAL, SectorStatus.proposed, SectorStatus.recognized, SECRETARY)],
    Action.national_not_recognized: [_t(NATIONAL, SectorStatus.proposed, SectorStatus.not_recognized,
                                        SECRETARY)],
}

# The higher levels move only once the initiative is recognised at grassroots level.
HIGHER_AXES = {SECTOR: "sector_status", NATIONAL: "national_status"}
HIGHER_LEVEL_ACTIONS = {
    (SECTOR, SectorStatus.proposed): Action.propose_sector,
    (SECTOR, SectorStatus.recognized): Action.sector_recognized,
    (SECTOR, SectorStatus.not_recognized): Action.sector_not_recognized,
    (NATIONAL, SectorStatus.proposed): Action.propose_national,
    (NATIONAL, SectorStatus.recognized): Action.national_recognized,
    (NATIONAL, SectorStatus.not_recognized): Action.national_not_recognized,
}

# Authors edit only here.
EDITABLE = frozenset({Status.draft, Status.returned})
# States the council and search may see (everything past draft).
PAST_DRAFT = frozenset(Status) - {Status.draft}
DECIDED = frozenset({Status.recognized, Status.rejected})


def state_on(axis, status, sector_status=None, national_status=None):
    """The state an action of `axis` moves from; None on a higher axis unless recognised."""
    if axis == STATUS:
        return Status(status)
    if Status(status) != Status.recognized:
        return _NOT_YET
    return sector_status if axis == SECTOR else national_status


_NOT_YET = object()  # a higher level of an initiative not (yet) recognised: no transition starts here


def transition_for(action, status, sector_status=None, national_status=None):
    """The transition `action` makes from this state, or None (a wrong state)."""
    for candidate in TRANSITIONS[Action(action)]:
        if candidate.source == state_on(candidate.axis, status, sector_status, national_status):
            return candidate
    return None


def who_may(action):
    """Everyone who may make `action` in some state (a person outside it is the wrong person)."""
    return frozenset().union(*(t.who for t in TRANSITIONS[Action(action)]))


def allowed_actions(status, sector_status=None, national_status=None):
    return [action for action in Action if transition_for(action, status, sector_status, national_status)]


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
