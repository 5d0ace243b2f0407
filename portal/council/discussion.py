"""Thảo luận và kết luận: the council's private discussion of an initiative, the conclusion the
secretary drafts and the chair approves, and the authors' answers to a return.

Each operation: check (the policy), change, flush, notify, audit. Pages call these; the
authors' page reads `approved_conclusion` and `posts_of(..., Thread.authors)`.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import User
from portal.core import audit
from portal.core.markup import plain_text
from portal.core.notifications import notify
from portal.core.phrases import Listing, Phrase
from portal.core.refusal import invalid, wrong_state
from portal.core.timeutil import utcnow
from portal.council.discussion_models import ConclusionStatus, CouncilConclusion, DiscussionPost, Thread
from portal.council.models import Council, CouncilMember
from portal.council.services import assignments_of, decided_round, latest_decision
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Status

MAX_POST = 10_000
MAX_CONCLUSION = 20_000
THREAD_ACTS = {Thread.council: (Act.discuss, Act.discuss), Thread.authors: (Act.return_thread, Act.answer_return)}


def discussion_link(initiative):
    return f"/council/initiatives/{initiative.id}/discussion"


def _author_link(initiative):
    return getattr(initiative, "path", None) or "/my"


def posts_of(initiative, thread):
    """The thread's messages, oldest first, their writers loaded (one query)."""
    return list(db.session.execute(
        select(DiscussionPost).where(DiscussionPost.initiative_id == initiative.id,
                                     DiscussionPost.thread == Thread(thread))
        .order_by(DiscussionPost.id)
    ).scalars())


def _users(ids):
    if not ids:
        return []
    return list(db.session.execute(select(User).where(User.id.in_(ids)).order_by(User.id)).scalars())


def _officer_ids(initiative):
    return set(db.session.execute(
        select(CouncilMember.user_id).join(Council, Council.id == CouncilMember.council_id)
        .where(Council.year == initiative.year, CouncilMember.role.in_(policy.OFFICER_ROLES))
    ).scalars())


def council_participants(initiative):
    """Everyone who may read the council's thread: the year's officers not named on it, and the
    reviewers of the current round whose sheet is in."""
    named = policy.named_ids(initiative)
    reviewer_ids = {a.reviewer_id for a in assignments_of(initiative) if a.is_active and a.submitted}
    return [u for u in _users((_officer_ids(initiative) | reviewer_ids) - named)
            if policy.can(u, Act.discuss, initiative)]


class Writers:
    """How the council's thread names who wrote: the officers by name; a reviewer by name only to
    those who may see who scored (and to themselves), to the others as "Thành viên N", the number
    the results page gives their sheet."""

    def __init__(self, initiative):
        self.officers = _officer_ids(initiative)
        self.numbers = {a.reviewer_id: n for n, a in enumerate(assignments_of(initiative), start=1)}
        self.initiative = initiative

    def label(self, writer, reader, names_visible=None):
        if names_visible is None:
            names_visible = policy.can(reader, Act.see_identities, self.initiative)
        if names_visible or writer.id == reader.id or writer.id in self.officers or writer.id not in self.numbers:
            return writer.full_name
        return Phrase("Thành viên %(n)s", n=self.numbers[writer.id])

    def labels(self, posts, reader):
        names_visible = policy.can(reader, Act.see_identities, self.initiative)
        return {p.id: self.label(p.author, reader, names_visible) for p in posts}


def _clean(text, limit, field):
    text = (text or "").strip()
    if not text:
        raise invalid(fields={field: [_l("Cần nhập nội dung.")]})
    if len(text) > limit:
        raise invalid(fields={field: [_l("Nội dung dài quá %(n)s ký tự.", n=limit)]})
    return text


def post(initiative, actor, thread, body):
    """Write one message in the council's thread or the authors' thread; tell the other readers."""
    thread = Thread(thread)
    policy.check(actor, THREAD_ACTS[thread][1], initiative)
    body = _clean(body, MAX_POST, "body")
    row = DiscussionPost(initiative_id=initiative.id, thread=thread, author_id=actor.id,
                         round=initiative.round or 0, body=body, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    excerpt = plain_text(body, limit=300)
    if thread == Thread.council:
        writers = Writers(initiative)
        by_label = {}
        for reader in council_participants(initiative):
            if reader.id != actor.id:
                by_label.setdefault(writers.label(actor, reader), []).append(reader)
        for label, readers in by_label.items():
            notify(readers, Phrase("Thảo luận về sáng kiến “%(title)s”", title=initiative.title),
                   Listing([label, ": ", excerpt], ""), discussion_link(initiative), initiative=initiative)
        action, summary = "council.discussion_post", "Góp ý trong thảo luận của Hội đồng"
    else:
        authors = [a.user for a in initiative.authors if a.user is not None and a.confirmed]
        secretaries = _users(policy.acting(initiative, "secretary")[0])
        others = [u for u in authors + secretaries if u.id != actor.id]
        notify(others, Phrase("Trao đổi về yêu cầu bổ sung sáng kiến “%(title)s”", title=initiative.title),
               f"{actor.full_name}: {excerpt}", _author_link(initiative) + "#return-thread", initiative=initiative)
        action, summary = "council.return_answered", "Trao đổi về yêu cầu bổ sung"
    audit.record(action, actor=actor, obj=row, initiative_id=initiative.id,
                 data={"thread": thread.value, "round": row.round, "length": len(body)}, summary=summary)
    return row


def conclusion_round(initiative):
    """The round a conclusion speaks for: the one being scored, or the one decided last."""
    return decided_round(initiative)


def conclusion_of(initiative, round_=None):
    round_ = conclusion_round(initiative) if round_ is None else round_
    return db.session.execute(
        select(CouncilConclusion).where(CouncilConclusion.initiative_id == initiative.id,
                                        CouncilConclusion.round == round_)
    ).scalar_one_or_none()


def save_conclusion(initiative, actor, text, *, send=False):
    """The secretary writes the conclusion; `send` puts it before the chair. An approved one is final."""
    policy.check(actor, Act.draft_conclusion, initiative)
    round_ = conclusion_round(initiative)
    if not round_:
        raise wrong_state(_l("Sáng kiến chưa vào thẩm định nên chưa có kết luận của Hội đồng."))
    text = _clean(text, MAX_CONCLUSION, "text")
    row = conclusion_of(initiative, round_)
    if row is None:
        row = CouncilConclusion(initiative_id=initiative.id, round=round_, chair_note="")
        db.session.add(row)
    elif row.approved:
        raise wrong_state(_l("Kết luận đã được Chủ tịch Hội đồng duyệt, không sửa được nữa."))
    row.text = text
    row.drafted_by_id = actor.id
    row.drafted_at = utcnow()
    row.status = ConclusionStatus.pending if send else ConclusionStatus.draft
    db.session.flush()
    if send:
        notify(_users(policy.acting(initiative, "chair")[0]),
               Phrase("Kết luận chờ duyệt: “%(title)s”", title=initiative.title),
               Phrase("%(name)s đã soạn kết luận của Hội đồng và gửi Chủ tịch duyệt.", name=actor.full_name),
               discussion_link(initiative) + "#conclusion", initiative=initiative)
    audit.record("council.conclusion_sent" if send else "council.conclusion_saved", actor=actor, obj=row,
                 initiative_id=initiative.id, data={"round": round_, "text": text},
                 summary="Gửi Chủ tịch duyệt kết luận" if send else "Lưu nháp kết luận của Hội đồng")
    return row


def _pending(initiative):
    row = conclusion_of(initiative)
    if row is None or row.status != ConclusionStatus.pending:
        raise wrong_state(_l("Chưa có kết luận nào chờ duyệt."))
    return row


def approve_conclusion(initiative, actor):
    """The chair approves the conclusion. When the council has already decided, the authors
    receive it now; otherwise with the decision (`for_decision_notice`)."""
    policy.check(actor, Act.approve_conclusion, initiative)
    row = _pending(initiative)
    row.status = ConclusionStatus.approved
    row.approved_by_id = actor.id
    row.approved_at = utcnow()
    row.chair_note = ""
    db.session.flush()
    secretaries = _users(policy.acting(initiative, "secretary")[0])
    notify([u for u in secretaries if u.id != actor.id],
           Phrase("Kết luận đã được duyệt: “%(title)s”", title=initiative.title),
           Phrase("%(name)s đã duyệt kết luận của Hội đồng.", name=actor.full_name),
           discussion_link(initiative) + "#conclusion", initiative=initiative)
    decision = latest_decision(initiative)
    if decision is not None and decision.round == row.round and initiative.status != Status.in_review:
        authors = [a.user for a in initiative.authors if a.user is not None]
        notify(authors, Phrase("Kết luận của Hội đồng Sáng kiến về “%(title)s”", title=initiative.title),
               conclusion_notice(row, decision), _author_link(initiative) + "#council-conclusion", initiative=initiative)
    audit.record("council.conclusion_approved", actor=actor, obj=row, initiative_id=initiative.id,
                 data={"round": row.round}, summary="Duyệt kết luận của Hội đồng")
    return row


def send_back_conclusion(initiative, actor, note):
    """The chair returns the draft to the secretary with what to change."""
    policy.check(actor, Act.approve_conclusion, initiative)
    note = _clean(note, MAX_POST, "note")
    row = _pending(initiative)
    row.status = ConclusionStatus.sent_back
    row.chair_note = note
    db.session.flush()
    notify(_users(policy.acting(initiative, "secretary")[0]),
           Phrase("Kết luận cần sửa: “%(title)s”", title=initiative.title), f"{actor.full_name}: {note}",
           discussion_link(initiative) + "#conclusion", initiative=initiative)
    audit.record("council.conclusion_sent_back", actor=actor, obj=row, initiative_id=initiative.id,
                 data={"round": row.round, "note": note}, summary="Yêu cầu sửa kết luận: " + note[:200])
    return row


def overrule_reason(decision):
    """The chair's written reason when the decision differs from the outcome the scores suggest
    (a return for revision carries its note instead); "" otherwise."""
    if decision is None or not decision.overruled or decision.outcome == "returned":
        return ""
    return decision.reason or ""


def conclusion_notice(row, decision):
    """The conclusion as the authors' mail says it (phrases), with the chair's reason on an overrule."""
    lines = [Phrase("Kết luận của Hội đồng:\n%(text)s", text=plain_text(row.text))]
    reason = overrule_reason(decision)
    if reason:
        lines.append(Phrase("Lý do của Chủ tịch Hội đồng (kết quả khác với đề xuất theo điểm chấm): %(reason)s",
                            reason=reason))
    return Listing(lines, "\n")


def for_decision_notice(initiative, round_):
    """What the decision's notification adds (a list of phrases): the approved conclusion of the
    decided round, if any."""
    row = conclusion_of(initiative, round_)
    if row is None or not row.approved:
        return []
    return [Phrase("Kết luận của Hội đồng:\n%(text)s", text=plain_text(row.text))]


def approved_conclusion(initiative, user):
    """For the authors' page: the approved conclusion of the decided round and the chair's reason
    when the chair overruled the council's result; None until the chair approves it, before the
    decision, or when `user` may not see the outcome."""
    if not policy.can(user, Act.see_outcome, initiative):
        return None
    decision = latest_decision(initiative)
    if decision is None:
        return None
    row = conclusion_of(initiative, decision.round)
    if row is None or not row.approved:
        return None
    reason = overrule_reason(decision)
    return {"text": row.text, "approved_at": row.approved_at, "approved_by": row.approved_by,
            "overruled": bool(reason), "reason": reason,
            "outcome": decision.outcome, "label": decision.outcome_label}
