"""What every API module shares: bearer authentication, JSON input, errors."""
from functools import wraps

from flask import g, request
from werkzeug.exceptions import HTTPException

from portal.core.errors import api_error
from portal.initiatives.workflow import TransitionError


class ApiError(Exception):
    def __init__(self, status, message, code=None, **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


def current_api_user():
    return g.get("api_user")


def token_required(view):
    """Bearer token authentication; sets g.api_user."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        from portal.auth.services import user_for_token

        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "Thiếu khóa truy cập (Authorization: Bearer …).", "unauthorized")
        user = user_for_token(token.strip())
        if user is None:
            raise ApiError(401, "Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
                           "unauthorized")
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped


def require_api_roles(*roles):
    def decorator(view):
        @wraps(view)
        @token_required
        def wrapped(*args, **kwargs):
            if not g.api_user.has_role(*roles):
                raise ApiError(403, "Tài khoản không có quyền thực hiện thao tác này.", "forbidden")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def json_body(required=()):
    """The request's JSON object; 400 when it is not one, 422 when a required key is missing."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Nội dung yêu cầu phải là một đối tượng JSON.", "bad_request")
    missing = [key for key in required if data.get(key) in (None, "")]
    if missing:
        raise ApiError(422, "Thiếu trường bắt buộc: " + ", ".join(missing) + ".", "missing_fields",
                       fields=missing)
    return data


def install_error_handlers(bp):
    @bp.errorhandler(ApiError)
    def _api_error(error):
        from portal.extensions import db

        db.session.rollback()
        return api_error(error.status, error.message, error.code, **error.extra)

    @bp.errorhandler(TransitionError)
    def _transition_error(error):
        from portal.extensions import db

        db.session.rollback()
        code = "wrong_state" if error.status == 409 else "forbidden"
        return api_error(error.status, error.message, code)

    @bp.errorhandler(HTTPException)
    def _http_error(error):
        return api_error(error.code or 500, getattr(error, "portal_message", None))
