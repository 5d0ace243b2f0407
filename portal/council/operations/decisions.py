"""Decisions: the chair's (one, planned, in a batch), re-recognition, and the sector and national levels."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Listing, Phrase
from portal.core.refusal import conflict, invalid
from portal.core.textfold import fold
from portal.core.timeutil import local_date
from portal.council import discussion
from portal.council.models import (
    OUTCOME_ACTIONS,
    OUTCOME_LABELS,
    OUTCOMES,
    CouncilDecision,
)
from portal.council.operations.common import (
    _as_date,
    _authors,
    _check_each,
    _date_errors,
    author_link,
)
from portal.council.services import (
    Appraisal,
    assignments_of,
    decided_round,
    similar_initiatives,
)
from portal.extensions import db
from portal.initiatives import policy, workflow
from portal.initiatives.models import Initiative
from portal.initiatives.operations import transition
from portal.initiatives.workflow import HIGHER_LEVEL_ACTIONS, Action, Level, SectorStatus, Status
from portal.years import services as years


def check_may_decide(initiative, actor):
    """Refuse unless `actor` may record the council's decision on the initiative now."""
    policy.check(actor, Action.recognize, initiative)


def _check_decision(initiative, actor, outcome, decision_no, decision_date, reason):
    if outcome not in OUTCOMES:
        raise invalid(_l("Kết quả phải là recognized, rejected hoặc returned."),
                      fields={"outcome": [_l("Chọn một kết quả.")]})
    # Deciding is the chair's (or the vice-chair's, when the chair is named on it); a return
    # for revision at the decision is the chair's return in the state machine.
    check_may_decide(initiative, actor)
    policy.check(actor, OUTCOME_ACTIONS[outcome], initiative)
    appraisal = Appraisal(initiative)
    if outcome != "returned" and not appraisal.complete:
        raise conflict(_l("Chưa đủ phiếu chấm đã nộp; chưa thể công nhận hay không công nhận."),
                       code="scoring_incomplete")
    errors = {}
    decision_date = _as_date(decision_date, "decision_date")
    if outcome != "returned":
        if not (decision_no or "").strip():
            errors["decision_no"] = [_l("Cần nhập số quyết định.")]
        if decision_date is None:
            errors["decision_date"] = [_l("Cần nhập ngày quyết định.")]
        else:
            errors.update(_date_errors(decision_date, not_before=local_date(initiative.accepted_at),
                                       before_what=_l("ngày tiếp nhận hồ sơ vào thẩm định")))
    reason = (reason or "").strip()
    if outcome != appraisal.suggested and not reason:
        if outcome == "returned":
            errors["reason"] = [_l("Cần ghi rõ nội dung tác giả phải hoàn thiện.")]
        else:
            errors["reason"] = [_l("Kết quả khác với đề xuất của hệ thống (%(suggested)s): cần ghi rõ lý do.",
                                   suggested=_l(OUTCOME_LABELS.get(appraisal.suggested, "chưa có")))]
    matches = recognized_like(initiative) if outcome == "recognized" else []
    if matches and not reason:
        errors.setdefault("reason", []).append(_l(
            "Sáng kiến này trùng hoặc rất giống sáng kiến đã được công nhận: %(which)s. Một giải pháp đã được "
            "công nhận thì không công nhận lại; nếu vẫn công nhận, cần ghi rõ lý do.",
            which="; ".join(f"“{m.title}” ({m.year})" for m in matches)))
    if errors:
        raise invalid(fields=errors)
    return appraisal, decision_date, reason, matches


def recognized_like(initiative):
    """Recognised initiatives of any year with the same title, or as similar as the year's level."""
    level = years.rules_for(initiative.year).similarity_percent / 100
    found = {}
    same_title = db.session.execute(
        select(Initiative).where(Initiative.id != initiative.id, Initiative.status == Status.recognized)
    ).scalars()
    for other in same_title:
        if fold(other.title).strip() == fold(initiative.title).strip():
            found[other.id] = other
    for other in similar_initiatives(initiative, limit=5) or []:
        if other.status == Status.recognized and getattr(other, "similarity", 0) >= level:
            found.setdefault(other.id, other)
    return list(found.values())


def decide(initiative, actor, outcome, *, decision_no="", decision_date=None, reason="",
           batch=False):
    """Quyết định của Hội đồng (Chủ tịch ký): recognized, rejected or returned (new round)."""
    appraisal, decision_date, reason, matches = _check_decision(
        initiative, actor, outcome, decision_no, decision_date, reason)
    decision_no = (decision_no or "").strip()
    aggregate = appraisal.aggregate
    round_ = initiative.round
    row = CouncilDecision(
        initiative_id=initiative.id, round=round_, outcome=outcome, suggested=appraisal.suggested,
        reason=reason, decision_no=decision_no, decision_date=decision_date,
        mean_total=aggregate.mean_total, decided_by_id=actor.id)
    db.session.add(row)
    if outcome == "returned":
        initiative.round = round_ + 1
        initiative.return_note = reason
    else:
        initiative.decision_no = decision_no
        initiative.decision_date = decision_date
        initiative.decision_reason = reason
        initiative.level = Level.grassroots if outcome == "recognized" else None

    def tell_authors(init, old, new):
        subject = {
            "recognized": Phrase("Sáng kiến “%(title)s” được công nhận", title=init.title),
            "rejected": Phrase("Sáng kiến “%(title)s” không được công nhận", title=init.title),
            "returned": Phrase("Sáng kiến “%(title)s” được trả lại để hoàn thiện", title=init.title),
        }[outcome]
        lines = []
        if outcome == "returned":
            lines.append(Phrase("Nội dung cần hoàn thiện:\n%(reason)s", reason=reason))
        elif decision_date:
            lines.append(Phrase("Quyết định số %(number)s ngày %(date)s.", number=decision_no,
                                date=f"{decision_date:%d/%m/%Y}"))
        if outcome != appraisal.suggested and outcome != "returned":
            lines.append(Phrase("Kết quả khác với đề xuất theo điểm chấm; lý do của Chủ tịch Hội đồng: %(reason)s",
                                reason=reason))
        lines += discussion.for_decision_notice(init, round_)
        lines.append(Phrase("Xem kết quả thẩm định trên Cổng Sáng kiến."))
        notify(_authors(init), subject, Listing(lines, "\n"), author_link(init), initiative=init)

    data = {"outcome": outcome, "suggested": appraisal.suggested, "overruled": outcome != appraisal.suggested,
            "reason": reason, "decision_no": decision_no, "decision_date": decision_date,
            "round": round_, "mean_total": aggregate.mean_total, "count": aggregate.count,
            "batch": batch, "recognized_before": [m.id for m in matches]}
    transition(initiative, OUTCOME_ACTIONS[outcome], actor, notify=tell_authors, data=data,
               summary=f"Quyết định: {OUTCOME_LABELS[outcome]}"
                       + (f" (số {decision_no})" if decision_no else ""))
    audit.record("council.decision", actor=actor, obj=row, initiative_id=initiative.id, data=data,
                 summary=(f"{OUTCOME_LABELS[outcome]}; đề xuất: "
                          f"{OUTCOME_LABELS.get(appraisal.suggested, 'chưa có')}"
                          + (f"; lý do: {reason[:300]}" if reason else "")))
    return row


def plan_decision(initiative, actor, outcome, *, decision_no="", decision_date=None, reason=""):
    """Everything `decide` checks, changing nothing: what the confirmation page shows.

    Returns a dict: outcome, suggested, overruled, decision_no, decision_date, reason, matches
    (recognised initiatives it resembles), mean_total, count.
    """
    appraisal, decision_date, reason, matches = _check_decision(
        initiative, actor, outcome, decision_no, decision_date, reason)
    return {"initiative": initiative, "outcome": outcome, "suggested": appraisal.suggested,
            "overruled": outcome != appraisal.suggested, "decision_no": (decision_no or "").strip(),
            "decision_date": decision_date, "reason": reason, "matches": matches,
            "mean_total": appraisal.aggregate.mean_total, "count": appraisal.aggregate.count}


def plan_batch(initiatives, actor, *, decision_no, decision_date):
    """Check a meeting's decision for every selected initiative, changing nothing.

    Returns [(initiative, suggested outcome)] in the order given.
    """
    if not initiatives:
        raise invalid(_l("Chưa chọn sáng kiến nào."), code="missing_fields",
                      fields={"ids": [_l("Chọn ít nhất một sáng kiến.")]})
    plans = []
    for initiative in initiatives:
        _check_each(initiative, actor, Action.recognize)  # what the chair may not see stays unseen
        appraisal = Appraisal(initiative)
        if not appraisal.complete:
            raise conflict(_l("“%(title)s” chưa đủ phiếu chấm.", title=initiative.title), code="scoring_incomplete")
        _check_decision(initiative, actor, appraisal.suggested, decision_no, decision_date, "")
        plans.append((initiative, appraisal.suggested))
    return plans


def decide_batch(initiatives, actor, *, decision_no, decision_date):
    """One decision for a council meeting: each selected initiative gets its suggested outcome.

    Every initiative is checked before any is changed; overruling a suggestion
    needs a reason and is done one by one.
    """
    plans = plan_batch(initiatives, actor, decision_no=decision_no, decision_date=decision_date)
    rows = [decide(initiative, actor, suggested, decision_no=decision_no,
                   decision_date=decision_date, batch=True)
            for initiative, suggested in plans]
    audit.record("council.batch_decision", actor=actor, object_type="council_decision",
                 data={"decision_no": decision_no, "decision_date": _as_date(decision_date, "decision_date"),
                       "initiatives": {str(r.initiative_id): r.outcome for r in rows}},
                 summary=f"Quyết định số {decision_no}: {len(rows)} sáng kiến")
    return rows


def _record_higher_level(initiative, actor, status, decision_no, decision_date, *, axis, level, label):
    try:
        status = SectorStatus(status)
    except ValueError:
        raise invalid(_l("Trạng thái phải là proposed, recognized hoặc not_recognized."),
                      fields={"status": [_l("Trạng thái không hợp lệ.")]}) from None
    action = HIGHER_LEVEL_ACTIONS[(axis, status)]
    policy.check(actor, action, initiative)
    if action == Action.propose_sector:
        appraisal = Appraisal(initiative, assignments=assignments_of(initiative, round=decided_round(initiative)))
        threshold = appraisal.rubric.sector_threshold
        mean = appraisal.aggregate.mean_total
        if mean is None or mean < threshold:
            raise conflict(_l("Điểm trung bình chưa đạt ngưỡng đề nghị cấp Ngành (%(t)s).", t=threshold),
                           code="below_threshold")
    decision_date = _as_date(decision_date, "decision_date")
    decision_no = (decision_no or "").strip()
    if status != SectorStatus.proposed:
        errors = {}
        if not decision_no:
            errors["decision_no"] = [_l("Cần nhập số quyết định.")]
        if decision_date is None:
            errors["decision_date"] = [_l("Cần nhập ngày quyết định.")]
        if errors:
            raise invalid(code="missing_fields", fields=errors)
        errors = _date_errors(decision_date, not_before=initiative.decision_date,
                              before_what=_l("ngày quyết định công nhận cấp cơ sở"))
        if errors:
            raise invalid(fields=errors)
        setattr(initiative, f"{axis}_decision_no", decision_no)
        setattr(initiative, f"{axis}_decision_date", decision_date)
    if status == SectorStatus.recognized:
        initiative.level = level

    def tell_authors(init, old, new):
        if status == SectorStatus.proposed:
            return
        subject = (Phrase("Sáng kiến “%(title)s” được công nhận %(level)s", title=init.title, level=label)
                   if status == SectorStatus.recognized else
                   Phrase("Sáng kiến “%(title)s” không được công nhận %(level)s", title=init.title, level=label))
        notify(_authors(init), subject,
               Phrase("Quyết định số %(number)s ngày %(date)s.", number=decision_no, date=f"{decision_date:%d/%m/%Y}"),
               author_link(init), initiative=init)

    transition(initiative, action, actor, notify=tell_authors,
               data={"level": axis, "decision_no": decision_no, "decision_date": decision_date},
               summary=f"{label.capitalize()}: {status.value}" + (f" (số {decision_no})" if decision_no else ""))
    return initiative


def record_sector(initiative, actor, status, decision_no="", decision_date=None):
    """Đề nghị / kết quả công nhận cấp Ngành (VKSND tối cao)."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                axis=workflow.SECTOR, level=Level.sector, label=Phrase("cấp Ngành"))


def record_national(initiative, actor, status, decision_no="", decision_date=None):
    """Công nhận phạm vi toàn quốc, recorded the same way as sector level."""
    return _record_higher_level(initiative, actor, status, decision_no, decision_date,
                                axis=workflow.NATIONAL, level=Level.national, label=Phrase("phạm vi toàn quốc"))
