"""The OpenAPI 3.1 document, merged from each API module's PATHS."""
from flask import jsonify

from portal.api import auth, bp, council, emulation, emulation_records, initiatives_doc, public, reference
from portal.api.schema import ERROR_REF

# The one error shape of every endpoint (portal.core.errors.api_error renders every Refusal so).
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "description": "Machine code: not_found, forbidden, wrong_state, "
                                                      "conflict, invalid, missing_fields, …"},
            "message": {"type": "string", "description": "For people, in the request's language."},
            "fields": {"type": "object", "description": "Messages per field of the request.",
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }},
}


def document():
    paths = {}
    for module in (auth, initiatives_doc, council, public, emulation, emulation_records, reference):
        for path, operations in module.PATHS.items():
            paths.setdefault(path, {}).update({method: _with_input_errors(op) for method, op in operations.items()})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cổng Sáng kiến API",
            "version": "1.0.0",
            "description": "Initiative registry and review portal of a People's Procuracy. "
                           "Errors are {\"error\": {\"code\", \"message\", \"fields\"}}.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
            "responses": {"Error": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }},
        },
    }


def _with_input_errors(operation):
    """Every body and query argument goes through the one parser (portal.api.common): a body
    that is not JSON, or breaks a limit, is 400 (413 when too large); a bad value is 422."""
    operation = dict(operation)
    responses = dict(operation.get("responses", {}))
    if operation.get("requestBody"):
        responses.setdefault("400", ERROR_REF)
        if "application/json" in operation["requestBody"].get("content", {}):
            responses.setdefault("413", ERROR_REF)
            responses.setdefault("422", ERROR_REF)
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", ())):
        responses.setdefault("422", ERROR_REF)
    operation["responses"] = responses
    return operation


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())


PATHS = {}
