"""What every API module shares: bearer authentication and JSON input.

Refusals are portal.core.refusal.Refusal, answered by the one API handler
(portal.core.errors) as {"error": {"code", "message", "fields"}}.
"""
from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from portal.auth.services import user_for_token
from portal.core.refusal import Refusal, bad_request, forbidden, invalid

REQUIRED = _l("Bắt buộc.")


def current_api_user():
    return g.get("api_user")


def token_required(view):
    """Bearer token authentication; sets g.api_user."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refusal(401, _l("Thiếu khóa truy cập (Authorization: Bearer …)."), code="unauthorized")
        user = user_for_token(token.strip())
        if user is None:
            raise Refusal(401, _l("Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
                          code="unauthorized")
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped


def require_api_roles(*roles):
    def decorator(view):
        @wraps(view)
        @token_required
        def wrapped(*args, **kwargs):
            if not g.api_user.has_role(*roles):
                raise forbidden()
            return view(*args, **kwargs)
        return wrapped
    return decorator


def json_body(required=()):
    """The request's JSON object; 400 when it is not one, 422 when a required key is missing."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise bad_request(_l("Nội dung yêu cầu phải là một đối tượng JSON."))
    missing = [key for key in required if data.get(key) in (None, "")]
    if missing:
        raise invalid(_l("Thiếu trường bắt buộc: %(names)s.", names=", ".join(missing)), code="missing_fields",
                      fields={key: [REQUIRED] for key in missing})
    return data


def wrong_field(key, message):
    """422 for one field of the body."""
    return invalid(message, fields={key: [message]})
