"""Emulation endpoints for the records the officer keeps beside the titles: time served (LĐTT),
titles refused for a year, and the recognition an old award used. The same operations as the
records page (portal.emulation.time_served, portal.emulation.officer_actions), audited there."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.api import bp
from portal.api.common import current_api_user, json_body, require_api_roles, text_arg, wrong_field
from portal.api.emulation import OFFICER, _award_json, _run, _string
from portal.api.schema import errors, json_media
from portal.core import refusal
from portal.emulation import engine, officer_actions, operations, time_served
from portal.emulation.models import ServiceRecord, TitleAward, TitleRefusal
from portal.extensions import db


def _year_arg():
    raw = text_arg("year")
    if not raw:
        raise wrong_field("year", _l("Thiếu tham số year."))
    return operations.parse_year(raw)


def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise wrong_field(key, _l("Trường %(key)s phải là chuỗi.", key=key))
    return value or ""


@bp.get("/emulation/services")
@require_api_roles(OFFICER)
def api_services():
    rows = time_served.services_of_year(_year_arg())
    return jsonify({"items": [time_served.service_json(row) for row in rows]})


@bp.post("/emulation/services")
@require_api_roles(OFFICER)
def api_record_service():
    data = json_body(required=("username", "year"))
    leave = data.get("leave_months", 0)
    if leave is None:
        leave = 0
    if isinstance(leave, bool) or not isinstance(leave, int | float):
        raise wrong_field("leave_months", _l("leave_months phải là một số từ 0 đến 12."))
    recruited_on = _text(data, "recruited_on") or None

    def record():
        user = operations.user_by_username(_string(data, "username"))
        return time_served.record_service(user, data["year"], actor=current_api_user(), recruited_on=recruited_on,
                                          leave_months=leave, note=_text(data, "note"))

    row = _run(record)
    return jsonify(time_served.service_json(row)), 201


@bp.delete("/emulation/services/<int:service_id>")
@require_api_roles(OFFICER)
def api_delete_service(service_id):
    row = refusal.found(db.session.get(ServiceRecord, service_id))
    _run(lambda: time_served.delete_service(row, actor=current_api_user()))
    return "", 204


def _refusal_json(row):
    return {"id": row.id, "username": row.user.username, "year": row.year, "title": str(row.title),
            "reason": row.reason}


@bp.get("/emulation/refusals")
@require_api_roles(OFFICER)
def api_refusals():
    year = _year_arg()
    rows = db.session.execute(select(TitleRefusal).options(selectinload(TitleRefusal.user))
                              .where(TitleRefusal.year == year).order_by(TitleRefusal.id)).scalars()
    return jsonify({"items": [_refusal_json(row) for row in rows]})


@bp.post("/emulation/refusals")
@require_api_roles(OFFICER)
def api_record_refusal():
    data = json_body(required=("username", "year", "title", "reason"))

    def record():
        user = operations.user_by_username(_string(data, "username"))
        return officer_actions.record_refusal(user, data["year"], _string(data, "title"), actor=current_api_user(),
                                              reason=_text(data, "reason"))

    row = _run(record)
    return jsonify(_refusal_json(row)), 201


@bp.delete("/emulation/refusals/<int:refusal_id>")
@require_api_roles(OFFICER)
def api_delete_refusal(refusal_id):
    row = refusal.found(db.session.get(TitleRefusal, refusal_id))
    _run(lambda: officer_actions.delete_refusal(row, actor=current_api_user()))
    return "", 204


@bp.post("/emulation/titles/<int:award_id>/use")
@require_api_roles(OFFICER)
def api_record_award_use(award_id):
    award = refusal.found(db.session.get(TitleAward, award_id))
    data = json_body(optional=True)
    initiative_id = data.get("initiative_id")
    if initiative_id is not None and (isinstance(initiative_id, bool) or not isinstance(initiative_id, int)):
        raise wrong_field("initiative_id", _l("initiative_id phải là số nguyên."))
    _run(lambda: officer_actions.record_award_use(
        award, actor=current_api_user(), initiative_id=initiative_id,
        level_used=_text(data, "level_used") or None, reason=_text(data, "reason")))
    return jsonify(_award_json(award))


_ERRORS = errors(401, 403, 404, 409, 422)
_YEAR_QUERY = [{"name": "year", "in": "query", "required": True, "schema": {"type": "integer"}}]
_SERVICE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "username": {"type": "string"}, "year": {"type": "integer"},
    "recruited_on": {"type": ["string", "null"], "format": "date"}, "leave_months": {"type": "number"},
    "note": {"type": "string"}}}
_TITLE = {"type": "string", "enum": list(engine.TITLES)}
_REFUSAL = {"type": "object", "properties": {
    "id": {"type": "integer"}, "username": {"type": "string"}, "year": {"type": "integer"}, "title": _TITLE,
    "reason": {"type": "string"}}}



def _list(summary, item):
    return {"summary": summary, "tags": ["emulation"], "parameters": _YEAR_QUERY,
            "responses": {"200": {"description": "The records of the year", **json_media(
                {"type": "object", "properties": {"items": {"type": "array", "items": item}}})}, **_ERRORS}}


def _create(summary, description, properties, required, item):
    return {"summary": summary, "description": description, "tags": ["emulation"],
            "requestBody": {"required": True, **json_media({"type": "object", "required": required,
                                                       "properties": properties})},
            "responses": {"201": {"description": "Recorded", **json_media(item)}, **_ERRORS}}


def _delete(summary, name):
    return {"summary": summary, "tags": ["emulation"],
            "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "Deleted (audited)"}, **_ERRORS}}


PATHS = {
    "/emulation/services": {
        "get": _list("Time served in a year, per person (emulation officer)", _SERVICE),
        "post": _create(
            "Set a person's time served in a year, for advanced_worker (emulation officer)",
            "recruited_on (YYYY-MM-DD, not in the future) when recruited that year; leave_months off work "
            "(0 to 12). The engine flags advanced_worker for fewer months served than min_service_months, or "
            "leave_flag_months or more off work (a warning: the officer judges the texts' exceptions). "
            "Replaces the person's record of that year.",
            {"username": {"type": "string"}, "year": {"type": "integer"},
             "recruited_on": {"type": ["string", "null"], "format": "date"},
             "leave_months": {"type": "number", "minimum": 0, "maximum": 12}, "note": {"type": "string"}},
            ["username", "year"], _SERVICE),
    },
    "/emulation/services/{service_id}": {
        "delete": _delete("Delete a time-served record (emulation officer)", "service_id")},
    "/emulation/refusals": {
        "get": _list("Titles recorded as not awarded in a year (emulation officer)", _REFUSAL),
        "post": _create(
            "Record that a person is not awarded a title for a year, with the reason (emulation officer)",
            "The engine then finds the title not eligible, so no higher title counts it provisionally, and a "
            "higher title recorded while it was provisional is flagged (condition lower_title unmet). 409 "
            "title_recorded when the title is recorded for that year (delete it first), duplicate when already "
            "refused; recording the title while refused is 409 title_refused.",
            {"username": {"type": "string"}, "year": {"type": "integer"}, "title": _TITLE,
             "reason": {"type": "string"}},
            ["username", "year", "title", "reason"], _REFUSAL),
    },
    "/emulation/refusals/{refusal_id}": {
        "delete": _delete("Withdraw a title's refusal (emulation officer)", "refusal_id")},
    "/emulation/titles/{award_id}/use": {"post": {
        "summary": "Name the recognition an old award used, recorded without one (emulation officer)",
        "description": "Until then every recognition the award may have used counts as possibly used "
                       "(evidence reason use_not_recorded; recording another award on one is 409 "
                       "recognition_use_not_recorded). Without initiative_id the engine's usable choice; a "
                       "recognition used by another award is 409; one outside the evidence needs a reason. 409 "
                       "use_recorded when the award already names one.",
        "tags": ["emulation"],
        "parameters": [{"name": "award_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"required": False, **json_media({"type": "object", "properties": {
            "initiative_id": {"type": "integer"},
            "level_used": {"type": "string", "enum": list(engine.LEVELS)}, "reason": {"type": "string"}}})},
        "responses": {"200": {"description": "The award with the recognition it used", **json_media({
            "type": "object", "properties": {"id": {"type": "integer"}, "initiative_id": {"type": "integer"},
                                             "level_used": {"type": "string"}}})}, **_ERRORS},
    }},
}
