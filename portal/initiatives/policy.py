"""Who may see and do what with an initiative: the one policy every channel asks.

Pages, the JSON API, DOCX/XLSX/CSV exports, the audit log view, notifications, internal
search, similar initiatives and batch actions ask `can(user, act, initiative)` or
`check(...)`; templates ask `can(...)` to show or hide a button. Nothing else decides.

Three parts:
- who a person is for one initiative (`standing`: a set of `Who`), from its authors, the
  person's global roles and — through the hook the council area installs
  (`install_council`) — the year's council and the person's assignments;
- what each act needs (`RULES`: in each state, who may; and who never may), the state
  changes taken from the workflow table (`workflow.TRANSITIONS`), higher levels included;
- the answer: True, or a Refusal saying why: 404 when the person may not even see the
  initiative (nobody learns that it exists), 403 for the wrong person, 409 for the
  wrong state.

Plain functions over plain objects: no database, no request (the council hook caches).
"""
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.core import refusal
from portal.initiatives.workflow import (
    ACTION_LABELS,
    DECIDED,
    EDITABLE,
    PAST_DRAFT,
    STATUS_LABELS,
    Action,
    Status,
    transition_for,
    who_may,
)


class Who(enum.StrEnum):
    """What a person is for one initiative (several at once, usually)."""
    author = "author"          # a named author who has confirmed (the creator always has)
    creator = "creator"        # made the draft
    invited = "invited"        # named as co-author, not yet confirmed
    council = "council"        # holds a council role in the initiative's year and is not named on it
    officer = "officer"        # chair, vice-chair or secretary of that year, not named on it
    secretary = "secretary"    # acts as secretary for it (a deputy when the secretary is named on it)
    chair = "chair"            # acts as chair for it (the vice-chair when the chair is named on it)
    reviewer = "reviewer"      # assigned in the current round, sheet not submitted, still on the council
    reviewed = "reviewed"      # assigned in the current round, sheet submitted
    assigned = "assigned"      # was assigned to it (not withdrawn): keeps reading it
    screener = "screener"      # chair, vice-chair or secretary of any year (similarity lists)
    editor = "editor"
    emulation = "emulation"    # the emulation office (Thường trực Hội đồng Thi đua – Khen thưởng)
    admin = "admin"


class Act(enum.StrEnum):
    """What can be asked about an initiative, besides the state changes of workflow.Action."""
    view = "view"                        # its content, versions and history
    download = "download"                # its private attachments
    edit = "edit"                        # content, authors and attachments
    delete = "delete"                    # throw the draft away
    answer_invitation = "answer_invitation"
    follow = "follow"                    # the council's pages about it (screening, assignments, results)
    assign = "assign"                    # ask members to score it; withdraw an assignment
    reopen_sheet = "reopen_sheet"
    score = "score"                      # save and submit one's own sheet
    recuse = "recuse"
    see_scores = "see_scores"            # anything derived from the sheets: scores, means, spread, counts
    see_identities = "see_identities"    # who gave which score
    see_outcome = "see_outcome"          # after the decision: means per criterion and the comments
    certificate = "certificate"
    publish = "publish"
    unpublish = "unpublish"
    read_audit = "read_audit"            # the audit trail of it, events unmasked
    compare = "compare"                  # shown (title, year, state) among similar initiatives
    discuss = "discuss"                  # the council's private discussion of it: read and write
    draft_conclusion = "draft_conclusion"      # the secretary writes the council's conclusion
    approve_conclusion = "approve_conclusion"  # the chair approves it or sends it back
    return_thread = "return_thread"      # read the thread between the authors and the secretary on a return
    answer_return = "answer_return"      # write in it while the initiative is returned


W = Who
SCORED = frozenset({Status.in_review, Status.recognized, Status.rejected, Status.returned})


def _in(states, *who):
    return {state: frozenset(who) for state in states}


@dataclass(frozen=True)
class Rule:
    allowed: dict             # Status -> frozenset[Who] who may in that state
    never: frozenset = frozenset()
    # Who else is "the right person at the wrong time" (409, not 403): e.g. a reviewer whose
    # sheet is in, asked to score after the decision.
    kin: frozenset = frozenset()

    def who(self):
        return frozenset().union(*self.allowed.values()) | self.kin


READERS = {
    Status.draft: frozenset({W.author, W.invited}),
    **_in(PAST_DRAFT - DECIDED, W.author, W.invited, W.council, W.assigned),
    Status.recognized: frozenset({W.author, W.invited, W.council, W.assigned, W.editor, W.emulation}),
    Status.rejected: frozenset({W.author, W.invited, W.council, W.assigned, W.emulation}),
}

RULES = {
    Act.view: Rule(READERS),
    Act.download: Rule(READERS),
    Act.edit: Rule(_in(EDITABLE, W.author)),
    Act.delete: Rule(_in({Status.draft}, W.creator)),
    Act.answer_invitation: Rule(_in(EDITABLE, W.invited)),
    Act.follow: Rule(_in(PAST_DRAFT, W.officer)),
    Act.assign: Rule(_in({Status.in_review}, W.secretary)),
    Act.reopen_sheet: Rule(_in({Status.in_review}, W.secretary)),
    Act.score: Rule(_in({Status.in_review}, W.reviewer), kin=frozenset({W.reviewed, W.assigned})),
    Act.recuse: Rule(_in({Status.in_review}, W.reviewer), kin=frozenset({W.reviewed, W.assigned})),
    Act.see_scores: Rule(_in(SCORED, W.officer, W.reviewed), never=frozenset({W.author, W.invited, W.reviewer})),
    Act.see_identities: Rule(_in(SCORED, W.officer), never=frozenset({W.author, W.invited, W.reviewer})),
    Act.see_outcome: Rule({
        **_in(DECIDED, W.author, W.officer, W.reviewed, W.emulation),
        Status.returned: frozenset({W.author, W.officer, W.reviewed}),
    }),
    Act.certificate: Rule(_in({Status.recognized}, W.author, W.officer, W.emulation)),
    Act.publish: Rule(_in({Status.recognized}, W.editor)),
    Act.unpublish: Rule(_in({Status.recognized}, W.editor)),
    Act.read_audit: Rule(_in(PAST_DRAFT, W.officer), never=frozenset({W.author, W.invited})),
    Act.compare: Rule(_in(PAST_DRAFT - {Status.withdrawn}, W.screener)),
    # The year's officers, and a reviewer once their own sheet is in (never before: the others'
    # opinions would colour theirs, so an officer with an open sheet waits too); nobody named on it.
    Act.discuss: Rule(_in(PAST_DRAFT, W.officer, W.reviewed), never=frozenset({W.author, W.invited, W.reviewer})),
    Act.draft_conclusion: Rule(_in(SCORED, W.secretary)),
    Act.approve_conclusion: Rule(_in(SCORED, W.chair)),
    Act.return_thread: Rule(_in(PAST_DRAFT, W.author, W.secretary)),
    Act.answer_return: Rule(_in({Status.returned}, W.author, W.secretary)),
}

# Acts whose very existence is private: whoever may never do them is told nothing is there (404).
HIDDEN = frozenset({Act.discuss, Act.return_thread, Act.answer_return})

ACT_LABELS = {
    Act.view: _l("xem"), Act.download: _l("tải tệp của"), Act.edit: _l("sửa"), Act.delete: _l("xóa"),
    Act.answer_invitation: _l("trả lời lời mời đồng tác giả của"), Act.follow: _l("theo dõi thẩm định"),
    Act.assign: _l("phân công chấm"), Act.reopen_sheet: _l("mở lại phiếu chấm của"),
    Act.score: _l("chấm điểm"), Act.recuse: _l("xin không chấm"), Act.see_scores: _l("xem điểm chấm của"),
    Act.see_identities: _l("xem người chấm của"), Act.see_outcome: _l("xem kết quả thẩm định của"),
    Act.certificate: _l("lấy giấy chứng nhận của"), Act.publish: _l("công bố"), Act.unpublish: _l("gỡ bài"),
    Act.read_audit: _l("xem nhật ký của"), Act.compare: _l("so sánh"),
    Act.discuss: _l("thảo luận về"), Act.draft_conclusion: _l("soạn kết luận của Hội đồng về"),
    Act.approve_conclusion: _l("duyệt kết luận của Hội đồng về"),
    Act.return_thread: _l("xem trao đổi về yêu cầu bổ sung của"),
    Act.answer_return: _l("trả lời yêu cầu bổ sung của"),
}

# Where a plainer sentence says it better than "Bạn không có quyền …" / "Không thể … trạng thái …":
# act -> (wrong person, wrong state); %(state)s is the state's label.
REASONS = {
    Act.edit: (_l("Chỉ tác giả mới được sửa sáng kiến này."),
               _l("Sáng kiến đang ở trạng thái “%(state)s”, không thể sửa. Tác giả chỉ sửa được bản nháp "
                  "hoặc khi Hội đồng trả lại để bổ sung.")),
    Act.delete: (_l("Chỉ người tạo bản nháp mới được xóa bản nháp này."),
                 _l("Chỉ xóa được bản nháp chưa nộp lần nào.")),
    Act.score: (_l("Bạn không được phân công chấm sáng kiến này, hoặc không còn là thành viên Hội đồng năm "
                   "của sáng kiến."),
                _l("Sáng kiến không còn trong giai đoạn chấm điểm.")),
    Act.recuse: (_l("Bạn không được phân công chấm sáng kiến này."),
                 _l("Sáng kiến không còn trong giai đoạn chấm điểm.")),
    Act.assign: (_l("Chỉ Thư ký Hội đồng của năm (hoặc người làm thay) mới phân công người chấm."),
                 _l("Chỉ phân công chấm khi sáng kiến đang được thẩm định.")),
    Act.publish: (_l("Chỉ biên tập viên mới được công bố hoặc gỡ bài sáng kiến."),
                  _l("Chỉ sáng kiến đã được Hội đồng công nhận mới được công bố.")),
    Act.unpublish: (_l("Chỉ biên tập viên mới được công bố hoặc gỡ bài sáng kiến."),
                    _l("Sáng kiến này chưa được công bố nên không thể gỡ bài.")),
    Act.certificate: (_l("Bạn không có quyền lấy giấy chứng nhận của sáng kiến này."),
                      _l("Chỉ cấp giấy chứng nhận cho sáng kiến đã được công nhận.")),
    Act.draft_conclusion: (_l("Chỉ Thư ký Hội đồng của năm (hoặc người làm thay) mới soạn kết luận của Hội đồng."),
                           _l("Chỉ soạn kết luận khi sáng kiến đã vào thẩm định.")),
    Act.approve_conclusion: (_l("Chỉ Chủ tịch Hội đồng (hoặc người làm thay) mới duyệt kết luận của Hội đồng."),
                             _l("Chỉ duyệt kết luận khi sáng kiến đã vào thẩm định.")),
    Act.answer_return: (_l("Chỉ tác giả và Thư ký Hội đồng trao đổi về yêu cầu bổ sung."),
                        _l("Chỉ trả lời được khi sáng kiến đang được trả lại để bổ sung; hãy nộp lại hồ sơ "
                           "nếu đã hoàn thiện.")),
}
NEVER_SUBMITTED = REASONS[Act.delete][1]


class CouncilFacts:
    """What the council area tells the policy; this default knows no council at all."""

    def roles_of(self, user_id):
        """{year: council role} of one person."""
        return {}

    def officers_of(self, year):
        """{"chair" | "vice_chair" | "secretary": frozenset of user ids} of the year's council."""
        return {}

    def assignment_of(self, user_id, initiative):
        """("open" | "submitted" | None in the current round, ever assigned and not withdrawn)."""
        return None, False

    def assigned_ids(self, user_id):
        """Ids of the initiatives the person was ever assigned to score (not withdrawn)."""
        return set()

    def forget(self):
        """Drop whatever is cached (after a change to councils or assignments)."""


_council = CouncilFacts()


def install_council(facts):
    """The council area tells the policy about councils and assignments (portal.council)."""
    global _council
    _council = facts


def forget():
    _council.forget()


OFFICER_ROLES = ("chair", "vice_chair", "secretary")
# Who acts when the holder of a role is named on the initiative: ND 13/2012 leaves no member
# with a conflict of interest in the appraisal, and the initiative must not be stuck.
DEPUTIES = {"secretary": ("secretary", "chair", "vice_chair"), "chair": ("chair", "vice_chair")}


def _authenticated(user):
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "id", None))


def named_ids(initiative):
    """Staff accounts named on the initiative, confirmed or not (conflicts of interest start there)."""
    return {a.user_id for a in initiative.authors if a.user_id}


def acting(initiative, role):
    """(user ids acting as `role` for the initiative, whether a deputy acts in place of the holder)."""
    officers = _council.officers_of(initiative.year)
    named = named_ids(initiative)
    for position, candidate in enumerate(DEPUTIES[role]):
        holders = officers.get(candidate, frozenset()) - named
        if holders:
            return holders, position > 0
    return frozenset(), bool(officers.get(role))


def standing(user, initiative):
    """Every `Who` the user is for the initiative (empty for anonymous)."""
    if not _authenticated(user):
        return frozenset()
    who = set()
    mine = [a for a in initiative.authors if a.user_id == user.id]
    if any(a.confirmed for a in mine):
        who.add(W.author)
    elif mine:
        who.add(W.invited)
    if initiative.created_by_id == user.id:
        who.add(W.creator)
    roles = user.roles
    who |= {w for w, role in ((W.editor, "editor"), (W.emulation, "emulation_officer"), (W.admin, "admin"))
            if role in roles}
    years = _council.roles_of(user.id)
    if any(role in OFFICER_ROLES for role in years.values()):
        who.add(W.screener)
    year_role = years.get(initiative.year)
    if year_role and not mine:
        who.add(W.council)
        if year_role in OFFICER_ROLES:
            who.add(W.officer)
    if year_role in OFFICER_ROLES:
        for role, token in (("secretary", W.secretary), ("chair", W.chair)):
            if user.id in acting(initiative, role)[0]:
                who.add(token)
    current, ever = _council.assignment_of(user.id, initiative)
    if current == "open" and year_role:
        who.add(W.reviewer)
    elif current == "submitted":
        who.add(W.reviewed)
    if ever:
        who.add(W.assigned)
    return frozenset(who)


def _may(rule, who, status):
    return bool(rule.allowed.get(status, frozenset()) & who) and not rule.never & who


def _refuse(act, status, right_person):
    """403 for someone who may never do this; 409 for someone who may, but not in this state."""
    person, state = REASONS.get(act, (None, None))
    if not right_person:
        return refusal.forbidden(person or _l("Bạn không có quyền %(act)s sáng kiến này.", act=_label(act)))
    if state is not None:
        return refusal.wrong_state(_Formatted(state, state_label=_l(STATUS_LABELS[status])))
    return refusal.wrong_state(_l("Không thể %(act)s sáng kiến đang ở trạng thái “%(state)s”.",
                                  act=_label(act), state=_l(STATUS_LABELS[status])))


class _Formatted:
    """A lazy message with %(state)s filled in when it is turned into text."""

    def __init__(self, message, state_label):
        self.message, self.state_label = message, state_label

    def __str__(self):
        return str(self.message) % {"state": str(self.state_label)}


def _label(act):
    return ACT_LABELS[act] if isinstance(act, Act) else _l(ACTION_LABELS[act])


def _act(act):
    if isinstance(act, Act | Action):
        return act
    try:
        return Act(act)
    except ValueError:
        return Action(act)


def refusal_for(user, act, initiative, who=None):
    """None when `user` may `act` on the initiative now; otherwise the Refusal that says why."""
    act = _act(act)
    who = standing(user, initiative) if who is None else who
    status = Status(initiative.status)
    visible = _may(RULES[Act.view], who, status)
    if isinstance(act, Action):
        if not visible:
            return refusal.not_found()
        step = transition_for(act, status, initiative.sector_status, initiative.national_status)
        if step is None or not step.who & who:
            return _refuse(act, status, right_person=bool(who_may(act) & who) and step is None)
        if act == Action.submit:
            return _unconfirmed(initiative)
        return None
    rule = RULES[act]
    if not visible and not (act == Act.compare and _may(rule, who, status)):
        return refusal.not_found()
    if not _may(rule, who, status):
        if act in HIDDEN and (not rule.who() & who or rule.never & who):
            return refusal.not_found()
        kin_only = not (rule.who() - rule.kin) & who
        right = bool(rule.who() & who) and not rule.never & who and not (kin_only and status in rule.allowed)
        return _refuse(act, status, right_person=right)
    if act == Act.delete and initiative.versions:
        return refusal.wrong_state(NEVER_SUBMITTED)
    return None


def _unconfirmed(initiative):
    waiting = [a for a in initiative.authors if a.pending]
    if not waiting:
        return None
    names = [a.display_name for a in waiting]
    return refusal.conflict(
        _l("Chưa nộp được: còn chờ đồng tác giả xác nhận tham gia: %(names)s.", names=", ".join(names)),
        code="coauthors_unconfirmed", fields={"authors": names})


def can(user, act, initiative):
    return refusal_for(user, act, initiative) is None


def check(user, act, initiative):
    """Raise the Refusal when `user` may not `act` on the initiative now."""
    problem = refusal_for(user, act, initiative)
    if problem is not None:
        raise problem


def transition(user, action, initiative):
    """The workflow transition `action` makes, once the policy allows it (else a Refusal)."""
    check(user, action, initiative)
    return transition_for(action, initiative.status, initiative.sector_status, initiative.national_status)


class YearAct(enum.StrEnum):
    follow = "follow"              # the council's overview of the year: anyone on that year's council
    oversee = "oversee"            # the queue, sector proposals, minutes: chair, vice-chair, secretary
    export = "export"              # the year's spreadsheet: officers; the emulation office its decided rows
    decisions = "decisions"        # decision documents: officers and the emulation office
    rubric = "rubric"              # read the year's rubric: its council and the admin
    edit_rubric = "edit_rubric"    # the admin
    statistics = "statistics"      # the year's statistics: officers, the emulation office, the admin
    score_statistics = "score_statistics"  # their score distributions and agreement: officers only


def year_role(user, year):
    return _council.roles_of(user.id).get(year) if _authenticated(user) else None


def can_year(user, act, year):
    if not _authenticated(user):
        return False
    act = YearAct(act)
    role = year_role(user, year)
    officer = role in OFFICER_ROLES
    roles = user.roles
    if act == YearAct.follow:
        return role is not None
    if act == YearAct.oversee:
        return officer
    if act in (YearAct.export, YearAct.decisions):
        return officer or "emulation_officer" in roles
    if act == YearAct.rubric:
        return role is not None or "admin" in roles
    if act == YearAct.statistics:
        return officer or bool({"emulation_officer", "admin"} & roles)
    if act == YearAct.score_statistics:
        return officer  # as see_scores: the sheets are the year's officers' (never the emulation office's)
    return "admin" in roles


def check_year(user, act, year):
    if not can_year(user, act, year):
        raise refusal.forbidden()


def council_years(user):
    """The years whose council the user sits on."""
    return set(_council.roles_of(user.id)) if _authenticated(user) else set()


def assigned_ids(user):
    return _council.assigned_ids(user.id) if _authenticated(user) else set()


def on_any_council(user):
    return _authenticated(user) and bool(_council.roles_of(user.id))


def may_search_internal(user):
    """Internal search: anyone who reads initiatives beyond their own (results are filtered by `view`)."""
    return _authenticated(user) and (on_any_council(user) or bool({"editor", "emulation_officer"} & user.roles))
