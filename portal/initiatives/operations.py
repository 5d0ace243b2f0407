"""What happens to an initiative: drafts, authors, attachments, transitions.

Every change goes: check (the policy), change, flush, notify, log. This area's pages and
its API call the same functions, and every state change goes through `transition`.
A refusal is a portal.core.refusal.Refusal, raised before anything changes.
"""
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import Unit, User
from portal.core import audit, files, refusal
from portal.core.notifications import notify
from portal.core.phrases import Listing, Phrase
from portal.core.timeutil import today, utcnow
from portal.extensions import db
from portal.initiatives import authorship, policy, rules, storage, workflow
from portal.initiatives.models import Attachment, Field, Form, Initiative, InitiativeVersion
from portal.initiatives.policy import Act
from portal.initiatives.workflow import Action, Status
from portal.years import services as years
from portal.years.models import known_years

_TIMESTAMPS = {
    Status.submitted: "submitted_at",
    Status.in_review: "accepted_at",
    Status.recognized: "decided_at",
    Status.rejected: "decided_at",
}


def transition(initiative, action, actor, *, data=None, summary="", notify=None):
    """Move `initiative` by `action` on behalf of `actor` (its status, or a higher level).

    The policy refuses (404, 403 or 409) and nothing changes when `actor` may not.
    `notify` is called after the flush with (initiative, old_state, new_state) so that
    notifications see the new state.
    """
    action = Action(action)
    step = policy.transition(actor, action, initiative)
    column = "status" if step.axis == workflow.STATUS else workflow.HIGHER_AXES[step.axis]
    old = getattr(initiative, column)
    new = step.target
    setattr(initiative, column, new)
    stamp = _TIMESTAMPS.get(new) if step.axis == workflow.STATUS else None
    if stamp:
        setattr(initiative, stamp, utcnow())
    if new == Status.submitted and initiative.first_submitted_at is None:
        initiative.first_submitted_at = initiative.submitted_at  # the filing: a resubmission keeps it
    db.session.flush()
    if notify:
        notify(initiative, old, new)
    audit.record(
        f"initiative.{action.value}",
        actor=actor,
        obj=initiative,
        initiative_id=initiative.id,
        data={"from": old.value if old else None, "to": new.value, **(data or {})},
        summary=summary or (f"{workflow.STATUS_LABELS[old]} → {workflow.STATUS_LABELS[new]}"
                            if step.axis == workflow.STATUS else action.value),
    )
    return new


def invalid(errors):
    """Refused values (422): `errors` maps a field (model attribute, or "authors") to messages."""
    return refusal.invalid(fields=errors)


EDIT_CONFLICT = _l("Một đồng tác giả vừa lưu sáng kiến này sau khi bạn mở biểu mẫu. "
                   "Vui lòng tải lại trang để xem bản mới nhất rồi sửa tiếp.")


CONTENT_FIELDS = ("title", "field_id", "form", "year", "unit_id", "requested_level",
                  "first_applied_on", "summary", "current_state", "solution", "conditions", "benefits",
                  "ip_protected", "trial_only", "first_application_requested", *rules.APPLICATION_EXTRAS)
FLAGS = ("ip_protected", "trial_only", "first_application_requested")


def _checked_values(values, initiative=None):
    """Validate the given content values (all optional but title on creation); a 422 Refusal otherwise."""

    unknown = set(values) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not content fields: {sorted(unknown)}")
    values = dict(values)
    for key in ("title", "summary", *rules.SECTIONS, *rules.APPLICATION_EXTRAS):
        if isinstance(values.get(key), str):
            values[key] = values[key].replace("\r\n", "\n").strip()
    errors = rules.text_errors(values)
    if isinstance(values.get("trial_users"), str):
        errors.update(rules.trial_user_errors(values["trial_users"]))
    if "year" in values:
        errors.update(rules.year_errors(values["year"], known_years()))
    for key in FLAGS:
        if key in values and not isinstance(values[key], bool):
            errors[key] = [_l("%(field)s: chọn có hoặc không.", field=_l(rules.LABELS[key]))]
    if "first_applied_on" in values:
        errors.update(rules.date_errors(values["first_applied_on"], today()))
    if values.get("field_id") is not None:
        field = db.session.get(Field, values["field_id"])
        keeps_old = initiative is not None and initiative.field_id == values["field_id"]
        if field is None or not (field.active or keeps_old):
            errors["field_id"] = ["Lĩnh vực không có trong danh mục."]
    if "unit_id" in values:
        if values["unit_id"] is None or db.session.get(Unit, values["unit_id"]) is None:
            errors["unit_id"] = ["Đơn vị không có trong danh mục."]
    for key, enum_cls, allowed in (("form", Form, set(Form)),
                                   ("requested_level", workflow.Level, set(workflow.REQUESTABLE_LEVELS))):
        if key in values:
            try:
                values[key] = enum_cls(values[key])
            except ValueError:
                values[key] = None
            if values[key] not in allowed:
                errors[key] = [_l("%(what)s không hợp lệ (các mã: %(codes)s).", what=rules.LABELS[key],
                                  codes=", ".join(sorted(allowed)))]
    if errors:
        raise invalid(errors)
    return values


def create_initiative(actor, values, authors=None):
    """A new draft; the caller is an author (alone with 100% unless `authors` says otherwise).

    Staff co-authors named here are invited: they confirm before the draft can be submitted.
    """

    values = {"year": years.filing_year(), "unit_id": actor.unit_id, **values}
    errors = {}
    try:
        values = _checked_values(values)
    except refusal.Refusal as refused:
        errors.update(refused.fields)
    if "title" not in values and "title" not in errors:
        errors["title"] = [_l("Vui lòng nhập tên sáng kiến.")]
    wanted = authors if authors is not None else [{"username": actor.username, "share": 100}]
    try:
        plan = authorship.author_plan(None, actor, wanted)
    except refusal.Refusal as refused:
        errors.update(refused.fields)
    if errors:
        raise invalid(errors)
    rows = authorship.apply_plan(plan, actor, actor.id)
    initiative = Initiative(status=Status.draft, created_by_id=actor.id, authors=rows, **values)
    db.session.add(initiative)
    db.session.flush()
    authorship.invite(initiative, actor, rows)
    audit.record("initiative.created", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"title": initiative.title, "authors": authorship.described(rows)},
                 summary="Tạo bản nháp")
    return initiative


def edit_stamp(initiative):
    """A token of the saved state, carried by the edit form to notice a co-author's save."""
    return initiative.updated_at.isoformat() if initiative.updated_at else ""


def update_initiative(initiative, actor, values, authors=None, expected_stamp=None):
    """Change the content and/or authors of an editable initiative.

    Refuses (the policy's 404/403/409) when `actor` may not edit it now, 409 when it changed
    since `expected_stamp`, 422 for bad values, 403 when someone but the creator leaves the
    creator out. Nothing is changed when anything is refused. Every change of the author
    list is told to everyone on the list, before and after, and kept in the history.
    """
    policy.check(actor, Act.edit, initiative)
    if expected_stamp is not None and expected_stamp != edit_stamp(initiative):
        raise refusal.conflict(EDIT_CONFLICT, code="edit_conflict")
    errors = {}
    try:
        values = _checked_values(values, initiative)
    except refusal.Refusal as refused:
        errors.update(refused.fields)
    plan = None
    if authors is not None:
        try:
            plan = authorship.author_plan(initiative, actor, authors)
        except refusal.Refusal as refused:
            errors.update(refused.fields)
    if errors:
        raise invalid(errors)
    if plan is not None and actor.id != initiative.created_by_id:
        kept = {attrs["user"].id for _row, attrs in plan if "user" in attrs}
        if initiative.created_by_id not in kept:
            raise refusal.forbidden(_l("Chỉ người tạo sáng kiến mới được bỏ tên mình khỏi danh sách tác giả."))

    changed = sorted(key for key, value in values.items() if getattr(initiative, key) != value)
    for key in changed:
        setattr(initiative, key, values[key])
    before = authorship.described(initiative.authors)
    told = authorship.staff_of(initiative.authors)
    if plan is not None and authorship.plan_description(plan) != before:
        initiative.authors = authorship.apply_plan(plan, actor, initiative.created_by_id)
        changed.append("authors")
    if not changed:
        return []
    initiative.updated_at = utcnow()
    db.session.flush()
    if "authors" in changed:
        authorship.authors_changed(initiative, actor, before, told)
    audit.record("initiative.updated", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"fields": changed}, summary="Sửa nội dung: " + ", ".join(
                     rules.LABELS.get(key.removesuffix("_id"), key) for key in changed))
    return changed


def delete_draft(initiative, actor):
    """Throw away a draft that was never submitted, with its files (its creator only)."""
    policy.check(actor, Act.delete, initiative)
    for attachment in initiative.attachments:
        storage.remove_after_commit(attachment.stored_name)
    audit.record("initiative.deleted", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"title": initiative.title}, summary="Xóa bản nháp")
    db.session.delete(initiative)
    db.session.flush()


def secretaries_of(initiative):
    """Who screens the initiative: the year's secretary, or the deputy when the secretary is named on it."""

    ids, _deputy = policy.acting(initiative, "secretary")
    if not ids:
        return []
    return list(db.session.execute(select(User).where(User.id.in_(ids))).scalars())


def missing_items(initiative, snapshot=None):
    """What the application still lacks before it can be submitted (the checklist)."""
    snapshot = snapshot or initiative.snapshot()
    return rules.missing_items({**snapshot, "field": initiative.field_id, "unit": initiative.unit_id,
                                "first_applied_on": initiative.first_applied_on})


def submit(initiative, actor):
    """Submit (or resubmit after a return): freeze version N and tell the secretary.

    Refuses (the policy: 404/403/409, 409 while a co-author has not confirmed), then 422
    with every missing item; nothing is frozen when refused.
    """
    policy.check(actor, Action.submit, initiative)
    closed = years.submission_refusal(initiative.year)
    if closed is not None:
        raise closed
    snapshot = initiative.snapshot()
    missing = missing_items(initiative, snapshot)
    if missing:
        raise refusal.invalid(_l("Hồ sơ chưa đủ để nộp: %(items)s", items=" ".join(missing)),
                              code="incomplete", fields={"missing": missing})

    number = max((v.number for v in initiative.versions), default=0) + 1
    resubmission = initiative.status == Status.returned
    initiative.versions.append(InitiativeVersion(
        number=number, submitted_by_id=actor.id, submitted_at=utcnow(), snapshot=snapshot))

    def tell_secretary(initiative, old, new):
        said = {"title": initiative.title, "authors": Listing(initiative.author_names),
                "unit": initiative.unit.name, "number": number}
        if resubmission:
            subject = Phrase("Sáng kiến nộp lại: %(title)s", **said)
            body = Phrase("%(authors)s (%(unit)s) đã nộp lại sáng kiến “%(title)s” (phiên bản %(number)s). "
                          "Hồ sơ chờ Thư ký Hội đồng sơ duyệt.", **said)
        else:
            subject = Phrase("Sáng kiến nộp: %(title)s", **said)
            body = Phrase("%(authors)s (%(unit)s) đã nộp sáng kiến “%(title)s” (phiên bản %(number)s). "
                          "Hồ sơ chờ Thư ký Hội đồng sơ duyệt.", **said)
        notify(secretaries_of(initiative), subject, body,
               f"/council/initiatives/{initiative.id}/screening", initiative=initiative)

    transition(initiative, Action.submit, actor, data={"version": number}, notify=tell_secretary,
               summary=f"{'Nộp lại' if resubmission else 'Nộp'} sáng kiến, phiên bản {number}")
    return initiative.versions[-1]


def withdraw(initiative, actor, reason=""):
    """Withdraw a submitted initiative before the council takes it up."""
    reason = (reason or "").strip()[: rules.RETURN_NOTE_MAX]

    def tell_secretary(initiative, old, new):
        said = {"name": actor.full_name, "title": initiative.title, "reason": reason}
        notify(secretaries_of(initiative), Phrase("Sáng kiến đã rút: %(title)s", **said),
               Phrase("%(name)s đã rút sáng kiến “%(title)s”. Lý do: %(reason)s", **said) if reason
               else Phrase("%(name)s đã rút sáng kiến “%(title)s”.", **said),
               f"/council/initiatives/{initiative.id}/screening", initiative=initiative)

    return transition(initiative, Action.withdraw, actor, data={"reason": reason} if reason else None,
                      notify=tell_secretary, summary="Rút sáng kiến" + (f": {reason}" if reason else ""))


MAX_ATTACHMENTS = 20


def add_attachment(initiative, actor, stream, filename):
    """Store an uploaded file for an editable initiative.

    Refuses as the policy says for editing, 413 too large, 422 not an allowed kind; the
    file is removed again if the transaction rolls back.
    """

    policy.check(actor, Act.edit, initiative)
    name = safe_original_name(filename)
    if len(initiative.attachments) >= MAX_ATTACHMENTS:
        raise refusal.invalid(_l("Mỗi sáng kiến có tối đa %(n)s tệp đính kèm.", n=MAX_ATTACHMENTS),
                              fields={"file": [_l("Đã đủ số tệp tối đa.")]})
    stored = storage.store(stream, name)
    name = files.download_name(name, Path(stored.stored_name).suffix)  # the extension of what it is
    attachment = Attachment(original_name=name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                            uploaded_by_id=actor.id)
    initiative.attachments.append(attachment)
    initiative.updated_at = utcnow()
    db.session.flush()
    audit.record("initiative.attachment_added", actor=actor, obj=attachment, initiative_id=initiative.id,
                 data={"name": name, "size": stored.size, "sha256": stored.sha256},
                 summary=f"Đính kèm tệp {name}")
    return attachment


def remove_attachment(initiative, attachment, actor):
    """Remove an attachment; its file goes too unless a submitted version lists it."""
    policy.check(actor, Act.edit, initiative)
    frozen = {a.get("stored_name") for v in initiative.versions for a in v.snapshot.get("attachments", [])}
    if attachment.stored_name not in frozen:
        storage.remove_after_commit(attachment.stored_name)
    initiative.attachments.remove(attachment)
    initiative.updated_at = utcnow()
    db.session.flush()
    audit.record("initiative.attachment_removed", actor=actor, object_type="attachment",
                 object_id=attachment.id, initiative_id=initiative.id,
                 data={"name": attachment.original_name}, summary=f"Xóa tệp {attachment.original_name}")


def safe_original_name(filename):
    """The name as the person knows it, without any path, control characters or excess length."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if not name:
        return "tep-dinh-kem"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:255]
    return name
