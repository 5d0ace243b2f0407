"""Screening: accept or return to the authors, one or many; the end of a first application."""

from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.refusal import conflict, invalid
from portal.core.timeutil import local_date
from portal.council.operations.common import (
    _as_date,
    _authors,
    _check_each,
    _date_errors,
    author_link,
)
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.operations import transition
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Action, Status


def accept(initiative, actor):
    """Tiếp nhận: the secretary accepts a submitted initiative into appraisal."""
    policy.check(actor, Action.accept, initiative)
    initiative.round = max(initiative.round or 0, 1)
    initiative.return_note = ""
    return transition(initiative, Action.accept, actor, data={"round": initiative.round},
                      summary="Tiếp nhận vào thẩm định")


def return_to_authors(initiative, actor, note):
    """Trả lại: back to the authors with a note; from appraisal it opens a new round."""
    policy.check(actor, Action.return_, initiative)
    note = (note or "").strip()
    if not note:
        raise invalid(_l("Vui lòng ghi rõ nội dung cần bổ sung, hoàn thiện để tác giả biết."),
                      code="missing_fields", fields={"note": [_l("Cần nhập nội dung trả lại.")]})
    old_round = initiative.round
    if initiative.status == Status.in_review:
        initiative.round = (initiative.round or 1) + 1
    initiative.return_note = note

    def tell_authors(init, old, new):
        notify(_authors(init), Phrase("Sáng kiến “%(title)s” được trả lại để bổ sung", title=init.title),
               Phrase("Nội dung cần bổ sung, hoàn thiện:\n%(note)s", note=note), author_link(init), initiative=init)

    return transition(initiative, Action.return_, actor, notify=tell_authors,
                      data={"note": note, "round": old_round, "new_round": initiative.round},
                      summary="Trả lại để bổ sung: " + note[:200])


def plan_accept(initiatives, actor):
    """Check that every initiative can be accepted by `actor`, changing nothing (the confirmation)."""
    if not initiatives:
        raise invalid(_l("Chưa chọn sáng kiến nào."), code="missing_fields",
                      fields={"ids": [_l("Chọn ít nhất một sáng kiến.")]})
    for initiative in initiatives:
        _check_each(initiative, actor, Action.accept)
    return list(initiatives)


def accept_many(initiatives, actor):
    """Tiếp nhận nhiều hồ sơ: all are checked before any is accepted."""
    plan_accept(initiatives, actor)
    return [accept(initiative, actor) for initiative in initiatives]


def record_first_application_end(initiative, actor, ended_on):
    """The end of the first application the authors asked for (Điều 7.1: the three months start then)."""
    policy.check(actor, Act.assign, initiative)
    if not initiative.first_application_requested:
        raise conflict(_l("Tác giả không đề nghị áp dụng lần đầu nên không có ngày kết thúc áp dụng để ghi."),
                       code="no_first_application")
    ended_on = _as_date(ended_on, "ended_on")
    if ended_on is None:
        raise invalid(_l("Cần nhập ngày kết thúc áp dụng lần đầu."), field="ended_on")
    errors = _date_errors(ended_on, not_before=local_date(initiative.accepted_at),
                          before_what=_l("ngày tiếp nhận hồ sơ vào thẩm định"), field="ended_on")
    if errors:
        raise invalid(fields=errors)
    before = initiative.first_application_ended_on
    initiative.first_application_ended_on = ended_on
    db.session.flush()
    audit.record("council.first_application_ended", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"ended_on": ended_on, "before": before},
                 summary=f"Kết thúc áp dụng lần đầu ngày {ended_on:%d/%m/%Y}")
    return initiative
