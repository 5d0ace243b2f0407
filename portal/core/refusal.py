"""The one way to say no.

Operations and the policy raise :class:`Refusal` before anything changes; one page handler
and one API handler (portal.core.errors) render it: a flash and a redirect back to the form
with the input kept, an error page where there is no form, or the API's error object
``{"error": {"code", "message", "fields"}}``. Routes never catch it.
"""
from flask_babel import lazy_gettext as _l

from portal.core.i18n import translate

# The machine codes a client can rely on, by HTTP status when nothing more precise is said.
DEFAULT_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
    413: "payload_too_large", 422: "invalid", 429: "too_many_requests", 507: "insufficient_storage",
}


class Refusal(Exception):
    """A refused request: HTTP `status`, machine `code`, translatable `message`, field errors.

    `fields` maps a field name (as the operation knows it) to a list of messages. `message`
    may be a lazy string; it is turned into text in the language of the request that renders it.
    """

    def __init__(self, status, message, *, code=None, fields=None, field=None, headers=None):
        super().__init__(str(message))
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "refused")
        self._message = message
        if field and not fields:
            fields = {field: [message]}  # the one field at fault carries the message
        self.fields = {name: _as_list(messages) for name, messages in (fields or {}).items()}
        self.headers = dict(headers or {})  # e.g. Retry-After on a 429

    @property
    def message(self):
        return translate(self._message)

    def field_messages(self):
        return {name: [translate(m) for m in messages] for name, messages in self.fields.items()}

    def __repr__(self):
        return f"<Refusal {self.status} {self.code}: {self.message}>"


def _as_list(messages):
    return list(messages) if isinstance(messages, list | tuple) else [messages]


def not_found(message=None):
    """Nothing there, or nothing this person may know is there (the two look the same)."""
    return Refusal(404, message or _l("Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem."),
                   code="not_found")


def found(thing):
    """`thing`, or a 404 Refusal when it is None: `unit = found(db.session.get(Unit, unit_id))`."""
    if thing is None:
        raise not_found()
    return thing


def forbidden(message=None):
    return Refusal(403, message or _l("Tài khoản của bạn không có quyền thực hiện thao tác này."),
                   code="forbidden")


def wrong_state(message):
    return Refusal(409, message, code="wrong_state")


def conflict(message, *, code="conflict", fields=None):
    return Refusal(409, message, code=code, fields=fields)


def invalid(message=None, *, fields=None, field=None, code="invalid"):
    """Bad input (422): `fields` (or the one `field`) says which; the message sums them up when none is given."""
    fields = fields or {}
    if message is None:
        message = " ".join(str(m) for messages in fields.values() for m in _as_list(messages)) or _l(
            "Một số thông tin chưa đúng. Vui lòng kiểm tra lại.")
    return Refusal(422, message, code=code, fields=fields, field=field)


def bad_request(message=None):
    return Refusal(400, message or _l("Dữ liệu gửi lên không đúng. Vui lòng kiểm tra và thử lại."),
                   code="bad_request")
