"""POST /api/v1/auth/token: exchange a username and password for a bearer token."""
from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.common import current_api_user, json_body, token_required, wrong_field
from portal.api.schema import ERROR_REF
from portal.auth.services import authenticate, issue_token
from portal.core.refusal import Refusal
from portal.council import membership
from portal.extensions import db


@bp.post("/auth/token")
def token():
    data = json_body(required=("username", "password"))
    if not isinstance(data["username"], str) or not isinstance(data["password"], str):
        raise wrong_field("username" if not isinstance(data["username"], str) else "password",
                          _l("username và password phải là chuỗi."))
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        raise wrong_field("name", _l("name phải là chuỗi, tối đa 100 ký tự."))
    days = data.get("days")
    longest = int(current_app.config["API_TOKEN_DAYS"])
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest):
        raise wrong_field("days", _l("days phải là số ngày từ 1 đến %(n)s.", n=longest))
    address = request.remote_addr or "unknown"
    user = authenticate(data["username"], data["password"], address)
    if user is None:
        raise Refusal(401, _l("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_credentials")
    token_value, row = issue_token(user, name or "API", days=days, address=address)
    db.session.commit()
    return jsonify({"token": token_value, "expires_at": row.expires_at.isoformat() + "Z"})


@bp.get("/auth/me")
@token_required
def me():
    """Who the token belongs to: a cheap way for a client to check its token."""
    user = current_api_user()
    return jsonify({
        "username": user.username, "full_name": user.full_name, "unit": user.unit.name,
        "position": user.position, "is_leader": user.is_leader,
        "roles": sorted(str(r) for r in user.roles),
        "council": {str(year): role for year, role in sorted(membership.roles_of(user.id).items())},
    })


PATHS = {
    "/auth/token": {
        "post": {
            "summary": "Issue a bearer token",
            "tags": ["auth"],
            "security": [],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"},
                               "name": {"type": "string", "maxLength": 100},
                               "days": {"type": "integer", "minimum": 1,
                                        "description": "validity in days, at most API_TOKEN_DAYS (default)"}},
            }}}},
            "responses": {
                "200": {"description": "Token", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["token"],
                    "properties": {"token": {"type": "string"}, "expires_at": {"type": "string"}},
                }}}},
                "400": ERROR_REF,
                "401": ERROR_REF,
                "422": ERROR_REF,
                "429": ERROR_REF,
            },
        }
    },
    "/auth/me": {
        "get": {
            "summary": "The account the bearer token belongs to",
            "tags": ["auth"],
            "responses": {
                "200": {"description": "Account", "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["username", "full_name", "unit", "roles", "council"],
                    "properties": {
                        "username": {"type": "string"}, "full_name": {"type": "string"},
                        "unit": {"type": "string"}, "position": {"type": "string"},
                        "is_leader": {"type": "boolean"},
                        "roles": {"type": "array", "items": {"type": "string"}},
                        "council": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }}}},
                "401": ERROR_REF,
            },
        }
    },
}
