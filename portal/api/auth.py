"""POST /api/v1/auth/token: exchange a username and password for a bearer token."""
from flask import jsonify, request

from portal.api import bp
from portal.api.common import ApiError, install_error_handlers, json_body
from portal.auth.services import Throttled, authenticate, issue_token
from portal.extensions import db

install_error_handlers(bp)


@bp.post("/auth/token")
def token():
    data = json_body(required=("username", "password"))
    if not isinstance(data["username"], str) or not isinstance(data["password"], str):
        raise ApiError(422, "username và password phải là chuỗi.", "invalid")
    try:
        user = authenticate(data["username"], data["password"], request.remote_addr or "unknown")
    except Throttled as throttled:
        response = jsonify({"error": {
            "code": "too_many_requests",
            "message": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.",
            "retry_after": throttled.retry_after,
        }})
        response.status_code = 429
        response.headers["Retry-After"] = str(throttled.retry_after)
        return response
    if user is None:
        raise ApiError(401, "Tên đăng nhập hoặc mật khẩu không đúng.", "invalid_credentials")
    token_value, row = issue_token(user, data.get("name") or "API")
    db.session.commit()
    return jsonify({"token": token_value, "expires_at": row.expires_at.isoformat() + "Z"})


PATHS = {
    "/auth/token": {
        "post": {
            "summary": "Issue a bearer token",
            "tags": ["auth"],
            "security": [],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"},
                               "name": {"type": "string"}},
            }}}},
            "responses": {
                "200": {"description": "Token", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["token"],
                    "properties": {"token": {"type": "string"}, "expires_at": {"type": "string"}},
                }}}},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
                "429": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}
