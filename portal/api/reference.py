"""GET /api/v1/reference: every code the API takes, with what it means.

A client builds its forms from here (fields of work, forms, levels, units, titles, and the
years with whether they take submissions today and their deadlines) instead of guessing; an
unknown code's 422 names the valid ones from the same lists (`valid_codes`).
"""
from flask import jsonify
from sqlalchemy import select

from portal.api import bp
from portal.api.common import token_required
from portal.api.schema import ERROR_REF
from portal.auth.models import Unit
from portal.core.timeutil import today
from portal.emulation.models import TITLE_LABELS, TITLE_SHORT_LABELS, Title
from portal.extensions import db
from portal.initiatives.models import FORM_LABELS, Form, fields_in_order
from portal.initiatives.workflow import LEVEL_LABELS, REQUESTABLE_LEVELS, Level
from portal.years.models import Year
from portal.years.rules import YearRules


def valid_codes(kind):
    """The codes the API takes for `kind` ("field", "form", "requested_level", "unit"), in order."""
    if kind == "field":
        return [field.code for field in fields_in_order()]
    if kind == "form":
        return [form.value for form in Form]
    if kind == "requested_level":
        return [level.value for level in REQUESTABLE_LEVELS]
    if kind == "unit":
        return [code for code in db.session.execute(
            select(Unit.code).where(Unit.active.is_(True), Unit.code.is_not(None)).order_by(Unit.code)).scalars()]
    raise KeyError(kind)


def _date(value):
    return value.isoformat() if value else None


def _year(row, on_day):
    rules = YearRules.of(row, row.year)
    return {
        "year": row.year,
        "open": rules.takes_submissions(on_day),
        "accepting_submissions": row.is_open,
        "registration_deadline": _date(row.registration_deadline),
        "submission_deadline": _date(row.submission_deadline),
        "review_deadline": _date(row.review_deadline),
        "commendation_deadline": _date(row.commendation_deadline),
        "filing_window_days": rules.filing_window_days,
        "decision_due_days": rules.decision_due_days,
    }


@bp.get("/reference")
@token_required
def reference():
    on_day = today()
    units = db.session.execute(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).scalars()
    years = db.session.execute(select(Year).order_by(Year.year)).scalars()
    return jsonify({
        "today": on_day.isoformat(),
        "fields": [{"code": field.code, "name": field.name} for field in fields_in_order()],
        "forms": [{"code": form.value, "name": FORM_LABELS[form]} for form in Form],
        "levels": [{"code": level.value, "name": LEVEL_LABELS[level],
                    "requestable": level in REQUESTABLE_LEVELS} for level in Level],
        "units": [{"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind.value}
                  for unit in units],
        "titles": [{"code": title.value, "name": TITLE_LABELS[title.value],
                    "short": TITLE_SHORT_LABELS[title.value]} for title in Title],
        "years": [_year(row, on_day) for row in years],
    })


_CODED = {"type": "array", "items": {"type": "object", "required": ["code", "name"], "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}}}}
_DAY = {"type": ["string", "null"], "format": "date"}

PATHS = {
    "/reference": {
        "get": {
            "summary": "Every code the API takes: fields of work, forms, levels, units, titles, years",
            "description": "Years carry `open` (takes submissions today, in the portal's timezone: on record, "
                           "accepting submissions and not past the submission deadline) and their deadlines. "
                           "An unknown code in a request answers 422 naming the valid codes.",
            "tags": ["reference"],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["today", "fields", "forms", "levels", "units", "titles", "years"],
                    "properties": {
                        "today": {"type": "string", "format": "date"},
                        "fields": _CODED, "forms": _CODED, "titles": _CODED,
                        "levels": {"type": "array", "items": {"type": "object", "properties": {
                            "code": {"type": "string"}, "name": {"type": "string"},
                            "requestable": {"type": "boolean"}}}},
                        "units": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "code": {"type": ["string", "null"]},
                            "name": {"type": "string"}, "kind": {"type": "string"}}}},
                        "years": {"type": "array", "items": {"type": "object", "properties": {
                            "year": {"type": "integer"}, "open": {"type": "boolean"},
                            "accepting_submissions": {"type": "boolean"},
                            "registration_deadline": _DAY, "submission_deadline": _DAY,
                            "review_deadline": _DAY, "commendation_deadline": _DAY,
                            "filing_window_days": {"type": "integer"},
                            "decision_due_days": {"type": "integer"}}}},
                    }}}}},
                "401": ERROR_REF,
            },
        },
    },
}
