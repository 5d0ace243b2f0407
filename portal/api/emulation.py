"""Emulation endpoints: titles, registrations, disciplinary measures, article counts, eligibility."""
import re

from flask import jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.api import bp
from portal.api.common import current_api_user, json_body, require_api_roles, text_arg, token_required, wrong_field
from portal.api.schema import ERROR_REF, errors
from portal.auth.models import Unit
from portal.core import refusal
from portal.core.i18n import translate
from portal.core.phrases import Phrase
from portal.emulation import engine, operations, services
from portal.extensions import db

OFFICER = "emulation_officer"
YEAR = re.compile(r"[0-9]{4}")
ID = re.compile(r"[0-9]{1,9}")


def _run(operation):
    """Call one operation and commit (a Refusal answers itself, in the API's one error shape)."""
    row = operation()
    db.session.commit()
    return row


def _string(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str | int):
        raise wrong_field(key, _l("Trường %(key)s không hợp lệ.", key=key))
    return value


@bp.post("/emulation/titles")
@require_api_roles(OFFICER)
def api_record_title():
    data = json_body(required=("username", "year", "title"))
    for key in ("decision_no", "reason"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise wrong_field(key, _l("Trường %(key)s phải là chuỗi.", key=key))
    initiative_id = data.get("initiative_id")
    if initiative_id is not None and (isinstance(initiative_id, bool) or not isinstance(initiative_id, int)):
        raise wrong_field("initiative_id", _l("initiative_id phải là số nguyên."))

    def record():
        user = operations.user_by_username(_string(data, "username"))
        return operations.record_award(
            user, data["year"], operations.parse_title(_string(data, "title")), actor=current_api_user(),
            decision_no=data.get("decision_no") or "", initiative_id=initiative_id,
            level_used=data.get("level_used") or None, reason=data.get("reason") or "")

    award = _run(record)
    return jsonify(_award_json(award)), 201


def _award_json(award):
    return {
        "id": award.id, "username": award.user.username, "year": award.year, "title": str(award.title),
        "decision_no": award.decision_no, "initiative_id": award.initiative_id,
        "level_used": str(award.level_used) if award.level_used else None, "reason": award.reason,
    }


@bp.post("/emulation/registrations")
@token_required
def api_register():
    data = json_body(required=("username", "year", "title"))

    def register():
        user = operations.user_by_username(_string(data, "username"))
        return operations.register(user, data["year"], operations.parse_title(_string(data, "title")),
                                   actor=current_api_user())

    row = _run(register)
    return jsonify({"id": row.id, "username": row.user.username, "year": row.year, "title": str(row.title)}), 201


@bp.post("/emulation/disciplines")
@require_api_roles(OFFICER)
def api_record_discipline():
    data = json_body(required=("username", "year", "level"))
    if data.get("note") is not None and not isinstance(data["note"], str):
        raise wrong_field("note", _l("Trường note phải là chuỗi."))
    violation_year = data.get("violation_year")
    if violation_year is not None and (isinstance(violation_year, bool) or not isinstance(violation_year, int)):
        raise wrong_field("violation_year", _l("violation_year phải là một năm (số nguyên), ví dụ 2024."))

    def record():
        user = operations.user_by_username(_string(data, "username"))
        return operations.record_discipline(user, data["year"], _string(data, "level"), actor=current_api_user(),
                                            note=data.get("note") or "", violation_year=violation_year)

    row = _run(record)
    return jsonify(_discipline_json(row)), 201


def _discipline_json(row):
    """A measure as the API shows it; ``violation_year`` is the year of the violation (that of the measure
    when it was not earlier)."""
    return {"id": row.id, "username": row.user.username, "year": row.year, "level": str(row.level),
            "note": row.note, "violation_year": row.violation_year or row.year}


@bp.post("/emulation/articles")
@require_api_roles(OFFICER)
def api_record_articles():
    data = json_body(required=("username", "year"))
    if "count" not in data or data["count"] is None:
        raise refusal.invalid(_l("Thiếu trường bắt buộc: count."), code="missing_fields",
                              fields={"count": [_l("Bắt buộc.")]})
    if isinstance(data["count"], bool) or not isinstance(data["count"], int):
        raise wrong_field("count", _l("count phải là số nguyên không âm."))

    def record():
        user = operations.user_by_username(_string(data, "username"))
        return operations.record_articles(user, data["year"], data["count"], actor=current_api_user())

    row = _run(record)
    return jsonify({"username": row.user.username, "year": row.year, "count": row.count}), 201


@bp.get("/emulation/eligibility")
@require_api_roles(OFFICER)
def api_eligibility():
    raw_year = text_arg("year")
    if not (YEAR.fullmatch(raw_year) and operations.MIN_YEAR <= int(raw_year) <= operations.MAX_YEAR):
        raise refusal.bad_request(_l("Tham số year phải là một năm từ %(low)s đến %(high)s, ví dụ 2025.",
                                     low=operations.MIN_YEAR, high=operations.MAX_YEAR))
    year = int(raw_year)
    unit_id = None
    unit_arg = text_arg("unit")
    if unit_arg:
        unit_id = _unit_id(unit_arg)
    inputs = services.load_year(year, unit_id=unit_id)
    results = inputs.evaluate()
    people = []
    for user in inputs.users:
        result = results[user.id]
        people.append({
            "username": user.username,
            "full_name": user.full_name,
            "unit": user.unit.name if user.unit else None,
            "is_leader": bool(user.is_leader),
            "registered": inputs.registered.get(user.id),
            "titles": {
                code: {
                    "eligible": outcome.eligible,
                    "held": outcome.held,
                    "conditions": [
                        {"code": c.code, "label": translate(Phrase(c.label)), "met": c.met,
                         "detail": translate(c.detail), "warning_only": c.warning_only,
                         "provisional": c.provisional, "evidence": c.evidence}
                        for c in outcome.conditions
                    ],
                }
                for code, outcome in result.titles.items()
            },
        })
    settings = inputs.settings.to_dict()
    return jsonify({"year": year, "settings": settings, "people": people})


def _unit_id(value):
    """A unit by id, code or exact name; 404 when there is none."""
    query = select(Unit.id)
    if ID.fullmatch(value):
        query = query.where(Unit.id == int(value))
    else:
        query = query.where((Unit.code == value) | (Unit.name == value))
    unit_id = db.session.execute(query).scalar_one_or_none()
    if unit_id is None:
        raise refusal.not_found(_l("Không có đơn vị “%(value)s”.", value=value))
    return unit_id


_ERRORS = errors(400, 401, 403, 409, 422)
_TITLE = {"type": "string", "enum": list(engine.TITLES),
          "description": "; ".join(f"{code}: {label}" for code, label in engine.TITLE_LABELS.items())}


def _post(summary, description, properties, required, response):
    return {"post": {
        "summary": summary,
        "description": description,
        "tags": ["emulation"],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": required, "properties": properties}}}},
        "responses": {"201": {"description": "Recorded", "content": {"application/json": {"schema": {
            "type": "object", "properties": response}}}}, **_ERRORS},
    }}


_CONDITION = {"type": "object", "required": ["code", "met", "detail"], "properties": {
    "code": {"type": "string",
             "description": "; ".join(f"{code}: {label}" for code, label in engine.CONDITION_LABELS.items())},
    "label": {"type": "string", "description": "The condition's name in the request's language"},
    "met": {"type": "boolean"}, "detail": {"type": "string"},
    "warning_only": {"type": "boolean"}, "provisional": {"type": "boolean"},
    "evidence": {"type": "array", "items": {"type": "object"}}}}

PATHS = {
    "/emulation/titles": _post(
        "Record a title awarded to a person for a year (emulation officer)",
        "409 when the recognition (initiative and level) was already used by the same person for "
        "another award; 422 when the engine finds the person not eligible and no reason is given "
        "(except advanced_worker, recorded as a fact). Without initiative_id, the recognition the "
        "engine finds usable is recorded.",
        {"username": {"type": "string"}, "year": {"type": "integer"}, "title": _TITLE,
         "decision_no": {"type": "string"}, "initiative_id": {"type": "integer"},
         "level_used": {"type": "string", "enum": ["grassroots", "sector", "national"]},
         "reason": {"type": "string"}},
        ["username", "year", "title"],
        {"id": {"type": "integer"}, "username": {"type": "string"}, "year": {"type": "integer"},
         "title": _TITLE, "decision_no": {"type": "string"}, "initiative_id": {"type": ["integer", "null"]},
         "level_used": {"type": ["string", "null"]}, "reason": {"type": "string"}}),
    "/emulation/registrations": _post(
        "Register a person for the title they aim for in a year",
        "The emulation officer registers anyone at any time; a staff member registers only "
        "themselves, before the year's registration deadline (409 after it).",
        {"username": {"type": "string"}, "year": {"type": "integer"}, "title": _TITLE},
        ["username", "year", "title"],
        {"id": {"type": "integer"}, "username": {"type": "string"}, "year": {"type": "integer"},
         "title": _TITLE}),
    "/emulation/disciplines": _post(
        "Record a disciplinary measure (emulation officer)",
        "year is the year the measure was issued; violation_year (default: the same) the year of the "
        "violation, not after year. A measure issued in a later year for a violation that already cost "
        "advanced_worker in its year is not counted again in the later year (setting "
        "discipline_counted_once). 422 naming violation_year when it is not a year in the year range or "
        "is after year.",
        {"username": {"type": "string"}, "year": {"type": "integer"},
         "level": {"type": "string", "enum": ["reprimand", "warning", "demotion", "dismissal"]},
         "note": {"type": "string"},
         "violation_year": {"type": "integer", "minimum": operations.MIN_YEAR, "maximum": operations.MAX_YEAR}},
        ["username", "year", "level"],
        {"id": {"type": "integer"}, "username": {"type": "string"}, "year": {"type": "integer"},
         "level": {"type": "string"}, "note": {"type": "string"}, "violation_year": {"type": "integer"}}),
    "/emulation/articles": _post(
        "Set the number of news articles a person wrote for the website in a year (emulation officer)", "",
        {"username": {"type": "string"}, "year": {"type": "integer"}, "count": {"type": "integer", "minimum": 0}},
        ["username", "year", "count"],
        {"username": {"type": "string"}, "year": {"type": "integer"}, "count": {"type": "integer"}}),
    "/emulation/eligibility": {"get": {
        "summary": "Eligibility of every person (or one unit) for every title in a year (emulation officer)",
        "tags": ["emulation"],
        "parameters": [
            {"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}},
            {"name": "unit", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "Unit id, code or name."},
        ],
        "responses": {
            "200": {"description": "Results", "content": {"application/json": {"schema": {
                "type": "object", "required": ["year", "people"], "properties": {
                    "year": {"type": "integer"},
                    "settings": {"type": "object"},
                    "people": {"type": "array", "items": {
                        "type": "object", "required": ["username", "full_name", "unit", "titles"],
                        "properties": {
                            "username": {"type": "string"}, "full_name": {"type": "string"},
                            "unit": {"type": "string"}, "is_leader": {"type": "boolean"},
                            "registered": {"type": ["string", "null"]},
                            "titles": {"type": "object", "additionalProperties": {
                                "type": "object", "required": ["eligible", "conditions"], "properties": {
                                    "eligible": {"type": "boolean"}, "held": {"type": "boolean"},
                                    "conditions": {"type": "array", "items": _CONDITION}}}},
                        }}},
                }}}}},
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
        },
    }},
}
