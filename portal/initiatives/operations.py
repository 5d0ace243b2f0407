"""What happens to an initiative: drafts, authors, attachments, transitions.

Every change goes: check, change, flush, notify, log. This area's pages and its
API call the same functions, and every state change goes through `transition`.
"""
from sqlalchemy import func, select

from portal.core import audit
from portal.core.notifications import notify
from portal.core.timeutil import today, utcnow
from portal.extensions import db
from portal.initiatives import rules, storage, workflow
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


# -- drafts: create, edit, delete -------------------------------------------------

class InvalidInitiative(Exception):
    """Refused values: `errors` maps a field (model attribute, or "authors") to messages."""
    status = 422

    def __init__(self, errors):
        self.errors = errors
        self.message = " ".join(m for messages in errors.values() for m in messages)
        super().__init__(self.message)


class Incomplete(Exception):
    """Submission refused: `missing` lists every item still to fill in, in Vietnamese."""
    status = 422

    def __init__(self, missing):
        self.missing = missing
        self.message = "Hồ sơ chưa đủ để nộp: " + " ".join(missing)
        super().__init__(self.message)


class EditConflict(Exception):
    """Someone (a co-author) saved the draft after this form was opened."""
    status = 409
    message = ("Một đồng tác giả vừa lưu sáng kiến này sau khi bạn mở biểu mẫu. "
               "Vui lòng tải lại trang để xem bản mới nhất rồi sửa tiếp.")


CONTENT_FIELDS = ("title", "field_id", "form", "year", "unit_id", "requested_level",
                  "first_applied_on", "summary", "current_state", "solution", "conditions", "benefits")


def _checked_values(values, initiative=None):
    """Validate the given content values (all optional but title on creation); raise InvalidInitiative."""
    from portal.admin.models import current_year
    from portal.auth.models import Unit
    from portal.initiatives.models import Field, Form

    unknown = set(values) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not content fields: {sorted(unknown)}")
    values = dict(values)
    for key in ("title", "summary", *rules.SECTIONS):
        if isinstance(values.get(key), str):
            values[key] = values[key].replace("\r\n", "\n").strip()
    errors = rules.text_errors(values)
    if "year" in values:
        errors.update(rules.year_errors(values["year"], current_year()))
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
                                   ("requested_level", workflow.Level,
                                    {workflow.Level.grassroots, workflow.Level.sector})):
        if key in values:
            try:
                values[key] = enum_cls(values[key])
            except ValueError:
                values[key] = None
            if values[key] not in allowed:
                errors[key] = [f"{rules.LABELS[key]} không hợp lệ."]
    if errors:
        raise InvalidInitiative(errors)
    return values


def _author_rows(initiative, actor, authors):
    """Match the wanted authors to existing rows or new ones; raise InvalidInitiative."""
    from portal.auth.models import User

    problems = rules.author_errors(authors)
    usernames = {(a.get("username") or "").strip().lower() for a in authors} - {""}
    users = {}
    if usernames:
        users = {u.username.lower(): u for u in db.session.execute(
            select(User).where(func.lower(User.username).in_(usernames), User.active.is_(True))
        ).scalars()}
    for username in sorted(usernames - set(users)):
        problems.append(
            f"Không tìm thấy cán bộ có tên đăng nhập “{username}”. Kiểm tra lại, hoặc nhập họ tên "
            "và nơi công tác nếu đồng tác giả không có tài khoản trên Cổng.")
    if actor.username.lower() not in usernames:
        problems.append("Bạn phải là một trong các tác giả của sáng kiến.")
    if problems:
        raise InvalidInitiative({"authors": problems})

    # A plan, applied only once everything else is valid: (existing row or None, values).
    existing = list(initiative.authors) if initiative is not None else []
    by_user = {row.user_id: row for row in existing if row.user_id}
    by_name = {row.external_name.lower(): row for row in existing if not row.user_id}
    plan = []
    for position, author in enumerate(authors):
        username = (author.get("username") or "").strip().lower()
        attrs = {"share": int(author["share"]), "position": position}
        if username:
            user = users[username]
            plan.append((by_user.pop(user.id, None), {**attrs, "user": user}))
        else:
            name = author["name"].strip()
            plan.append((by_name.pop(name.lower(), None), {
                **attrs, "external_name": name, "external_workplace": author["workplace"].strip()}))
    return plan


def _apply_author_plan(plan):
    from portal.initiatives.models import InitiativeAuthor

    rows = []
    for row, attrs in plan:
        row = row or InitiativeAuthor()
        for key, value in attrs.items():
            setattr(row, key, value)
        rows.append(row)
    return rows


def _plan_description(plan):
    return [{"username": attrs["user"].username, "name": attrs["user"].full_name,
             "workplace": attrs["user"].unit.name, "share": attrs["share"]} if "user" in attrs else
            {"name": attrs["external_name"], "workplace": attrs["external_workplace"],
             "share": attrs["share"]} for _row, attrs in plan]


def _describe_authors(rows):
    return [row.as_dict() for row in rows]


def create_initiative(actor, values, authors=None):
    """A new draft; the caller is an author (alone with 100% unless `authors` says otherwise)."""
    from portal.admin.models import current_year
    from portal.initiatives.models import Initiative

    values = {"year": current_year(), "unit_id": actor.unit_id, **values}
    errors = {}
    try:
        values = _checked_values(values)
    except InvalidInitiative as invalid:
        errors.update(invalid.errors)
    if "title" not in values and "title" not in errors:
        errors["title"] = ["Vui lòng nhập tên sáng kiến."]
    wanted = authors if authors is not None else [{"username": actor.username, "share": 100}]
    try:
        plan = _author_rows(None, actor, wanted)
    except InvalidInitiative as invalid:
        errors.update(invalid.errors)
    if errors:
        raise InvalidInitiative(errors)
    rows = _apply_author_plan(plan)
    initiative = Initiative(status=Status.draft, created_by_id=actor.id, authors=rows, **values)
    db.session.add(initiative)
    db.session.flush()
    audit.record("initiative.created", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"title": initiative.title, "authors": _describe_authors(rows)},
                 summary="Tạo bản nháp")
    return initiative


def edit_stamp(initiative):
    """A token of the saved state, carried by the edit form to notice a co-author's save."""
    return initiative.updated_at.isoformat() if initiative.updated_at else ""


def update_initiative(initiative, actor, values, authors=None, expected_stamp=None):
    """Change the content and/or authors of an editable initiative.

    Raises NotAllowed (403) / WrongState (409) when `actor` may not edit it now,
    EditConflict (409) when it changed since `expected_stamp`, InvalidInitiative
    (422) for bad values. Nothing is changed when anything is refused.
    """
    workflow.check_edit(initiative.status, initiative.roles_of(actor))
    if expected_stamp is not None and expected_stamp != edit_stamp(initiative):
        raise EditConflict()
    errors = {}
    try:
        values = _checked_values(values, initiative)
    except InvalidInitiative as invalid:
        errors.update(invalid.errors)
    plan = None
    if authors is not None:
        try:
            plan = _author_rows(initiative, actor, authors)
        except InvalidInitiative as invalid:
            errors.update(invalid.errors)
    if errors:
        raise InvalidInitiative(errors)

    changed = sorted(key for key, value in values.items() if getattr(initiative, key) != value)
    for key in changed:
        setattr(initiative, key, values[key])
    if plan is not None and _plan_description(plan) != _describe_authors(initiative.authors):
        initiative.authors = _apply_author_plan(plan)
        changed.append("authors")
    if not changed:
        return []
    initiative.updated_at = utcnow()
    db.session.flush()
    audit.record("initiative.updated", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"fields": changed}, summary="Sửa nội dung: " + ", ".join(
                     rules.LABELS.get(key.removesuffix("_id"), key) for key in changed))
    return changed


def delete_draft(initiative, actor):
    """Throw away a draft that was never submitted, with its files."""
    if not initiative.can_delete(actor):
        if not initiative.is_author(actor):
            raise workflow.NotAllowed("Chỉ tác giả mới được xóa bản nháp này.")
        raise workflow.WrongState("Chỉ xóa được bản nháp chưa nộp lần nào.")
    for attachment in initiative.attachments:
        storage.remove_after_commit(attachment.stored_name)
    audit.record("initiative.deleted", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"title": initiative.title}, summary="Xóa bản nháp")
    db.session.delete(initiative)
    db.session.flush()


# -- submit and withdraw ------------------------------------------------------------

def secretaries_of(year):
    """The council secretary (Thư ký Hội đồng) of `year`, as a list (empty without a council)."""
    from portal.auth.models import User
    from portal.council.models import Council, CouncilMember, CouncilRole

    return list(db.session.execute(
        select(User).join(CouncilMember, CouncilMember.user_id == User.id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(Council.year == year, CouncilMember.role == CouncilRole.secretary)
    ).scalars())


def submit(initiative, actor):
    """Submit (or resubmit after a return): freeze version N and tell the secretary.

    Raises WrongState/NotAllowed from the state machine, then Incomplete with
    every missing item; nothing is frozen when refused.
    """
    workflow.check(initiative.status, Action.submit, initiative.roles_of(actor))
    snapshot = initiative.snapshot()
    missing = rules.missing_items({
        **snapshot, "field": initiative.field_id, "unit": initiative.unit_id,
        "first_applied_on": initiative.first_applied_on})
    if missing:
        raise Incomplete(missing)
    from portal.initiatives.models import InitiativeVersion

    number = max((v.number for v in initiative.versions), default=0) + 1
    resubmission = initiative.status == Status.returned
    initiative.versions.append(InitiativeVersion(
        number=number, submitted_by_id=actor.id, submitted_at=utcnow(), snapshot=snapshot))

    def tell_secretary(initiative, old, new):
        verb = "nộp lại" if resubmission else "nộp"
        notify(secretaries_of(initiative.year),
               f"Sáng kiến {verb}: {initiative.title}",
               f"{', '.join(initiative.author_names)} ({initiative.unit.name}) đã {verb} sáng kiến "
               f"“{initiative.title}” (phiên bản {number}). Hồ sơ chờ Thư ký Hội đồng sơ duyệt.",
               initiative.path)

    transition(initiative, Action.submit, actor, data={"version": number}, notify=tell_secretary,
               summary=f"{'Nộp lại' if resubmission else 'Nộp'} sáng kiến, phiên bản {number}")
    return initiative.versions[-1]


def withdraw(initiative, actor, reason=""):
    """Withdraw a submitted initiative before the council takes it up."""
    reason = (reason or "").strip()[: rules.RETURN_NOTE_MAX]

    def tell_secretary(initiative, old, new):
        notify(secretaries_of(initiative.year), f"Sáng kiến đã rút: {initiative.title}",
               f"{actor.full_name} đã rút sáng kiến “{initiative.title}”."
               + (f" Lý do: {reason}" if reason else ""), initiative.path)

    return transition(initiative, Action.withdraw, actor, data={"reason": reason} if reason else None,
                      notify=tell_secretary, summary="Rút sáng kiến" + (f": {reason}" if reason else ""))


# -- attachments ----------------------------------------------------------------------

MAX_ATTACHMENTS = 20


def add_attachment(initiative, actor, stream, filename):
    """Store an uploaded file for an editable initiative.

    Raises NotAllowed/WrongState, storage.UploadRefused (413 too large, 422 not
    an allowed kind); the file is removed again if the transaction rolls back.
    """
    from portal.initiatives.models import Attachment

    workflow.check_edit(initiative.status, initiative.roles_of(actor))
    name = safe_original_name(filename)
    if len(initiative.attachments) >= MAX_ATTACHMENTS:
        raise storage.UploadRefused(422, f"Mỗi sáng kiến có tối đa {MAX_ATTACHMENTS} tệp đính kèm.")
    stored = storage.store(stream, name)
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
    workflow.check_edit(initiative.status, initiative.roles_of(actor))
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
