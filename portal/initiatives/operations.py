"""Transitions of an initiative. Every one goes: check, change, flush, notify, log."""
from portal.core import audit
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives import workflow
from portal.initiatives.workflow import Action, Status

_TIMESTAMPS = {
    Status.submitted: "submitted_at",
    Status.in_review: "accepted_at",
    Status.recognized: "decided_at",
    Status.rejected: "decided_at",
}


def transition(initiative, action, actor, *, data=None, summary="", notify=None):
    """Move `initiative` by `action` on behalf of `actor`.

    Raises workflow.WrongState (409) or workflow.NotAllowed (403) and changes
    nothing when the table refuses. `notify` is called after the flush with
    (initiative, old_state, new_state) so that notifications see the new state.
    """
    action = Action(action)
    old = initiative.status
    new = workflow.check(old, action, initiative.roles_of(actor))
    initiative.status = new
    stamp = _TIMESTAMPS.get(new)
    if stamp:
        setattr(initiative, stamp, utcnow())
    db.session.flush()
    if notify:
        notify(initiative, old, new)
    audit.record(
        f"initiative.{action.value}",
        actor=actor,
        obj=initiative,
        initiative_id=initiative.id,
        data={"from": old.value, "to": new.value, **(data or {})},
        summary=summary or f"{workflow.STATUS_LABELS[old]} → {workflow.STATUS_LABELS[new]}",
    )
    return new
