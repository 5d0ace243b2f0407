"""What every API module shares: bearer authentication and JSON input.

Refusals are portal.core.refusal.Refusal, answered by the one API handler
(portal.core.errors) as {"error": {"code", "message", "fields"}}.

Every body goes through one parser (`json_body`) before any operation sees it: the limits of
portal.core.jsoninput (size, depth, count, digits, key length), and no string with a lone
surrogate or a control character (tab and new lines only under LONG_TEXT_KEYS, portal.core.text).
Query arguments go through `int_arg` and `text_arg`. Each refusal answers in milliseconds, with a
bounded body: values are never echoed at length.
"""
import re
from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from portal.auth.services import user_for_token
from portal.core import jsoninput, text
from portal.core.refusal import Refusal, bad_request, forbidden, invalid

REQUIRED = _l("Bắt buộc.")

MAX_ARG_LENGTH = 500
# Keys whose strings (nested ones too) are long texts: tab and new lines are allowed there.
LONG_TEXT_KEYS = frozenset({"content", "summary", "public_summary", "current_state", "solution", "conditions",
                            "benefits", "note", "reason", "comment", "comments"})
_INTEGER = re.compile(r"[0-9]{1,9}")


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


def json_body(required=(), optional=False):
    """The request's JSON object, checked as the module says; 400 when it is not one (or breaks a
    limit), 422 when a string holds what portal.core.text refuses or a required key is missing.

    `optional`: an empty body, or one not sent as JSON (a form's fields, say), is an empty object.
    """
    if (request.content_length or 0) > jsoninput.MAX_BODY_BYTES:
        raise jsoninput.too_large()  # before reading it
    raw = request.get_data(cache=True)
    if optional and (not raw.strip() or not request.is_json):
        return {}
    data = jsoninput.parse_json(raw)
    if not isinstance(data, dict):
        raise bad_request(_l("Nội dung yêu cầu phải là một đối tượng JSON."))
    _check_strings(data)
    missing = [key for key in required if data.get(key) in (None, "")]
    if missing:
        raise invalid(_l("Thiếu trường bắt buộc: %(names)s.", names=", ".join(missing)), code="missing_fields",
                      fields={key: [REQUIRED] for key in missing})
    return data


def wrong_field(key, message):
    """422 for one field of the body."""
    return invalid(message, fields={key: [message]})


def _check_strings(data):
    """Every key and string of the body as portal.core.text says, named by its top-level key."""
    errors = {}
    for top, value in data.items():
        stack = [(value, top in LONG_TEXT_KEYS)]
        message = text.problem(top)
        while stack and message is None:
            item, multiline = stack.pop()
            if isinstance(item, str):
                message = text.problem(item, multiline=multiline)
            elif isinstance(item, dict):
                for key, inner in item.items():
                    message = message or text.problem(key)
                    stack.append((inner, multiline))
            elif isinstance(item, list):
                stack.extend((inner, multiline) for inner in item)
        if message is not None:
            errors[_shown_key(top)] = [message]
    if errors:
        raise invalid(fields=errors, code="invalid_text")


def _shown_key(key):
    """A key as the error names it: printable and short, whatever the client sent."""
    return text.clean(key)[:jsoninput.MAX_KEY_LENGTH] or "?"


def int_arg(name, default=None, *, minimum=None, maximum=None):
    """The query argument `name` as an int (ASCII digits, at most nine), `default` when absent or
    blank; a 422 naming the argument otherwise."""
    raw = request.args.get(name, "").strip()
    if raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise wrong_field(name, _l("%(name)s phải là số nguyên dương.", name=name))
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            raise wrong_field(name, _l("%(name)s phải là số nguyên từ %(low)s trở lên.", name=name, low=minimum))
        raise wrong_field(name, _l("%(name)s phải là số nguyên từ %(low)s đến %(high)s.", name=name,
                                   low=minimum if minimum is not None else 0, high=maximum))
    return value


def text_arg(name, default=""):
    """The query argument `name` as single-line text of at most MAX_ARG_LENGTH characters; 422 otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if len(raw) > MAX_ARG_LENGTH:
        raise wrong_field(name, _l("%(name)s quá dài (tối đa %(n)s ký tự).", name=name, n=MAX_ARG_LENGTH))
    message = text.problem(raw)
    if message is not None:
        raise wrong_field(name, message)
    return raw.strip()
