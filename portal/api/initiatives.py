"""Initiatives in the JSON API: create, edit, read, list, submit, withdraw, attach files.

The same operations as the pages (portal.initiatives.operations); only the
shape of input and output differs.
"""
from datetime import date

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.api import bp
from portal.api.common import current_api_user, int_arg, json_body, text_arg, token_required, wrong_field
from portal.api.reference import valid_codes
from portal.auth.models import Unit
from portal.core import refusal
from portal.extensions import db
from portal.initiatives import authorship, operations, rules
from portal.initiatives.access import get_initiative_or_404, visible_clause
from portal.initiatives.models import Field, Initiative, InitiativeAuthor
from portal.initiatives.workflow import Status

TEXT_KEYS = ("title", "summary", *rules.SECTIONS, *rules.APPLICATION_EXTRAS)
FLAG_KEYS = ("ip_protected", "trial_only", "first_application_requested")
INPUT_KEYS = {*TEXT_KEYS, *FLAG_KEYS, "content", "field", "form", "year", "unit", "requested_level", "first_applied_on",
              "authors"}
API_NAMES = {"field_id": "field", "unit_id": "unit"}


def _api_names(call, *args):
    """Run an operation; its field errors carry the API's names (field, unit), not the model's."""
    try:
        return call(*args)
    except refusal.Refusal as refused:
        refused.fields = {API_NAMES.get(key, key): messages for key, messages in refused.fields.items()}
        raise


def _values(data):
    """Content values for the operations from an API body (a 422 Refusal for bad ones)."""
    unknown = sorted(set(data) - INPUT_KEYS)[:10]  # a few are enough to tell, and the answer stays short
    if unknown:
        raise refusal.invalid(_l("Trường không được hỗ trợ: %(names)s.", names=", ".join(unknown)),
                              fields={key: [_l("Không được hỗ trợ.")] for key in unknown})
    errors, values = {}, {}
    # The long texts and the title are checked by the operations (the same message as the pages).
    for key in ("content", "field", "form", "requested_level", "first_applied_on"):
        if data.get(key) is not None and not isinstance(data[key], str):
            errors[key] = [_l("%(key)s phải là chuỗi.", key=key)]
    for key in FLAG_KEYS:
        if key in data and not isinstance(data[key], bool):
            errors[key] = [_l("%(key)s phải là true hoặc false.", key=key)]
    if "year" in data and (not isinstance(data["year"], int) or isinstance(data["year"], bool)):
        errors["year"] = [_l("year phải là số nguyên.")]
    if "unit" in data and not isinstance(data["unit"], int | str):
        errors["unit_id"] = [_l("unit phải là mã hoặc số hiệu (id) của đơn vị.")]
    if errors:
        raise refusal.invalid(fields={API_NAMES.get(key, key): messages for key, messages in errors.items()})
    if "content" in data:
        if not isinstance(data["content"], str):
            errors["content"] = ["content phải là văn bản Markdown."]
        else:
            parts = rules.split_content(data["content"])
            for key in rules.SECTIONS:
                if key not in data:
                    values[key] = parts.get(key, "")
    for key in TEXT_KEYS:
        if key in data:
            values[key] = "" if data[key] is None else data[key]
    if "field" in data:
        values["field_id"] = None
        if data["field"] not in (None, ""):
            field = db.session.execute(select(Field).where(Field.code == str(data["field"]))).scalar_one_or_none()
            if field is None:
                errors["field_id"] = [_l("Không có lĩnh vực mã “%(code)s”. Các mã: %(codes)s (GET /api/v1/reference).",
                                         code=str(data["field"])[:40], codes=", ".join(valid_codes("field")))]
            else:
                values["field_id"] = field.id
    if "unit" in data:
        unit = None
        if isinstance(data["unit"], int) and not isinstance(data["unit"], bool):
            unit = db.session.get(Unit, data["unit"])
        elif isinstance(data["unit"], str) and data["unit"]:
            unit = db.session.execute(select(Unit).where(Unit.code == data["unit"])).scalar_one_or_none()
        if unit is None:
            errors["unit_id"] = [_l("Không có đơn vị “%(code)s”. Các mã: %(codes)s (GET /api/v1/reference).",
                                    code=str(data["unit"])[:40], codes=", ".join(valid_codes("unit")[:50]))]
        else:
            values["unit_id"] = unit.id
    for key in ("form", "requested_level", "year", *FLAG_KEYS):
        if key in data:
            values[key] = data[key]
    if "first_applied_on" in data:
        raw = data["first_applied_on"]
        try:
            values["first_applied_on"] = date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            errors["first_applied_on"] = ["Ngày áp dụng lần đầu phải theo dạng YYYY-MM-DD."]
    if errors:
        raise refusal.invalid(fields={API_NAMES.get(key, key): messages for key, messages in errors.items()})
    return values


AUTHOR_KEYS = {"username": str, "name": str, "workplace": str, "share": int}
AUTHORS_SHAPE = _l('authors phải là danh sách [{"username", "share"}] hoặc [{"name", "workplace", "share"}]: '
                   'username, name, workplace là chuỗi, share là số nguyên.')


def _authors(data):
    """The authors of a body, each key of the type it must have (a 422 otherwise)."""
    if "authors" not in data:
        return None
    authors = data["authors"]
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        raise wrong_field("authors", AUTHORS_SHAPE)
    if len(authors) > rules.MAX_AUTHORS:
        raise wrong_field("authors", _l("Một sáng kiến có tối đa %(n)s tác giả (nhận được %(got)s).",
                                        n=rules.MAX_AUTHORS, got=len(authors)))
    for author in authors:
        for key, value in author.items():
            kind = AUTHOR_KEYS.get(key)
            if kind is None or not (value is None or (isinstance(value, kind) and not isinstance(value, bool))):
                raise wrong_field("authors", AUTHORS_SHAPE)
            if isinstance(value, str) and len(value) > rules.WORKPLACE_MAX:
                raise wrong_field("authors", _l("Tên, tên đăng nhập hoặc nơi công tác của tác giả quá dài."))
    return authors


def _author(row):
    if row.user:
        return {"username": row.user.username, "name": row.user.full_name, "workplace": row.user.unit.name,
                "share": row.share, "confirmed": not row.pending}
    return {"name": row.external_name, "workplace": row.external_workplace, "share": row.share}


def summary_of(initiative):
    return {
        "id": initiative.id,
        "title": initiative.title,
        "status": initiative.status.value,
        "status_label": initiative.status_label,
        "waiting_for": initiative.waiting_for,
        "year": initiative.year,
        "field": initiative.field.code if initiative.field else None,
        "form": initiative.form.value,
        "unit": {"id": initiative.unit.id, "code": initiative.unit.code, "name": initiative.unit.name},
        "requested_level": initiative.requested_level.value,
        "level": initiative.level.value if initiative.level else None,
        "authors": [_author(a) for a in initiative.authors],
        "submitted_at": _iso(initiative.submitted_at),
        "updated_at": _iso(initiative.updated_at),
        "url": initiative.path,
        "version": initiative.versions[-1].number if initiative.versions else None,
    }


def detail_of(initiative):
    item = summary_of(initiative)
    item.update({
        "first_applied_on": initiative.first_applied_on.isoformat() if initiative.first_applied_on else None,
        **{key: getattr(initiative, key) for key in FLAG_KEYS},
        "summary": initiative.summary,
        **{key: getattr(initiative, key) for key in rules.SECTIONS},
        **{key: getattr(initiative, key) for key in rules.APPLICATION_EXTRAS},
        "content": rules.join_content({key: getattr(initiative, key) for key in rules.SECTIONS}),
        "return_note": initiative.return_note,
        "decision_no": initiative.decision_no or None,
        "decision_date": initiative.decision_date.isoformat() if initiative.decision_date else None,
        "attachments": [{"id": a.id, "name": a.original_name, "content_type": a.content_type, "size": a.size,
                         "sha256": a.sha256,
                         "url": url_for("initiatives.download", initiative_id=initiative.id, attachment_id=a.id)}
                        for a in initiative.attachments],
        "versions": [{"number": v.number, "submitted_at": _iso(v.submitted_at)} for v in initiative.versions],
    })
    return item


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def _load(initiative_id):
    return get_initiative_or_404(initiative_id, current_api_user(), options=[
        selectinload(Initiative.versions), selectinload(Initiative.attachments)])


@bp.post("/initiatives")
@token_required
def create_initiative():
    data = json_body()
    user = current_api_user()
    initiative = _api_names(operations.create_initiative, user, _values(data), _authors(data))
    db.session.commit()
    response = jsonify({"id": initiative.id, "status": initiative.status.value})
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_initiative", initiative_id=initiative.id)
    return response


@bp.get("/initiatives")
@token_required
def list_initiatives():
    user = current_api_user()
    mine = request.args.get("mine") in ("1", "true", "yes")
    invited = request.args.get("invited") in ("1", "true", "yes")
    query = select(Initiative)
    if invited:
        query = query.where(Initiative.id.in_(
            select(InitiativeAuthor.initiative_id)
            .where(InitiativeAuthor.user_id == user.id, InitiativeAuthor.confirmed.is_(False))))
    elif mine:
        query = query.where(Initiative.id.in_(
            select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id == user.id)))
    else:
        query = query.where(visible_clause(user))
    year = int_arg("year")
    if year is not None:
        query = query.where(Initiative.year == year)
    status = text_arg("status")
    if status:
        try:
            query = query.where(Initiative.status == Status(status))
        except ValueError:
            raise wrong_field("status", _l("Trạng thái không hợp lệ: %(value)s.", value=status[:40])) from None
    page = int_arg("page", 1, minimum=1)
    per_page = int_arg("per_page", 50, minimum=1, maximum=100)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.options(selectinload(Initiative.authors), selectinload(Initiative.versions))
        .order_by(Initiative.year.desc(), Initiative.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return jsonify({"items": [summary_of(i) for i in rows], "total": total, "page": page, "per_page": per_page})


@bp.get("/initiatives/<int:initiative_id>")
@token_required
def get_initiative(initiative_id):
    return jsonify(detail_of(_load(initiative_id)))


@bp.patch("/initiatives/<int:initiative_id>")
@token_required
def patch_initiative(initiative_id):
    initiative = _load(initiative_id)
    data = json_body()
    _api_names(operations.update_initiative, initiative, current_api_user(), _values(data), _authors(data))
    db.session.commit()
    return jsonify(detail_of(_load(initiative_id)))


@bp.post("/initiatives/<int:initiative_id>/submit")
@token_required
def submit_initiative(initiative_id):
    initiative = _load(initiative_id)
    version = operations.submit(initiative, current_api_user())
    db.session.commit()
    return jsonify({"id": initiative_id, "status": Status.submitted.value, "version": version.number})


@bp.post("/initiatives/<int:initiative_id>/withdraw")
@token_required
def withdraw_initiative(initiative_id):
    initiative = _load(initiative_id)
    data = json_body(optional=True)
    reason = data.get("reason") or ""
    if not isinstance(reason, str) or len(reason) > rules.RETURN_NOTE_MAX:
        raise wrong_field("reason", _l("reason phải là văn bản, tối đa 5.000 ký tự."))
    operations.withdraw(initiative, current_api_user(), reason)
    db.session.commit()
    return jsonify({"id": initiative_id, "status": Status.withdrawn.value})


@bp.post("/initiatives/<int:initiative_id>/attachments")
@token_required
def upload_attachment(initiative_id):
    initiative = _load(initiative_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise wrong_field("file", _l("Gửi tệp trong trường “file” (multipart/form-data)."))
    attachment = operations.add_attachment(initiative, current_api_user(), upload.stream, upload.filename)
    db.session.commit()
    response = jsonify({"id": attachment.id, "name": attachment.original_name,
                        "content_type": attachment.content_type, "size": attachment.size})
    response.status_code = 201
    return response


@bp.post("/initiatives/<int:initiative_id>/coauthorship")
@token_required
def answer_coauthorship(initiative_id):
    """The invited co-author accepts (true) or declines (false) being named on the initiative."""
    initiative = _load(initiative_id)
    data = json_body(required=("accept",))
    if not isinstance(data["accept"], bool):
        raise wrong_field("accept", _l("accept phải là true hoặc false."))
    authorship.answer_invitation(initiative, current_api_user(), data["accept"])
    db.session.commit()
    if not data["accept"]:
        return jsonify({"id": initiative_id, "accepted": False})
    return jsonify({"id": initiative_id, "accepted": True, **detail_of(_load(initiative_id))})
