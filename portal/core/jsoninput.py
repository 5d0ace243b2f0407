"""JSON from a client, parsed within limits: the API's one parser (portal.api.common.json_body).

At most MAX_BODY_BYTES, MAX_DEPTH levels, MAX_ITEMS values in all, numbers of at most
MAX_DIGITS digits (no NaN or Infinity), keys of at most MAX_KEY_LENGTH characters; a 400
Refusal (413 when too large) otherwise, in milliseconds whatever was sent.
"""
import json

from flask_babel import lazy_gettext as _l

from portal.core.refusal import Refusal, bad_request

MAX_BODY_BYTES = 4 * 1024 * 1024  # four long sections of 50,000 characters, escaped, fit with room to spare
MAX_DEPTH = 8
MAX_ITEMS = 5_000
MAX_DIGITS = 15
MAX_FLOAT_LENGTH = 25  # a double as JavaScript writes it: 17 digits, a sign, a point, an exponent
MAX_KEY_LENGTH = 100


def too_large():
    return Refusal(413, _l("Nội dung yêu cầu quá lớn (tối đa %(n)s MB).", n=MAX_BODY_BYTES // (1024 * 1024)))


class _Limit(ValueError):
    """A limit of the parser, with the message for the client."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _number(convert, longest):
    def parse(raw):
        if len(raw) > longest:
            raise _Limit(_l("Số có quá nhiều chữ số (tối đa %(n)s).", n=MAX_DIGITS))
        return convert(raw)
    return parse


def _constant(name):
    raise _Limit(_l("NaN và Infinity không phải là số JSON."))


def parse_json(raw):
    """Bytes to a JSON value within the limits above; a 400 Refusal otherwise."""
    if len(raw) > MAX_BODY_BYTES:
        raise too_large()
    try:
        value = json.loads(raw.decode("utf-8"), parse_int=_number(int, MAX_DIGITS + 1),
                           parse_float=_number(float, MAX_FLOAT_LENGTH),
                           parse_constant=_constant)
    except _Limit as limit:
        raise bad_request(limit.message) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request(_l("Nội dung yêu cầu phải là JSON hợp lệ, mã hóa UTF-8.")) from None
    _check_size(value)
    return value


def _check_size(value):
    """No deeper than MAX_DEPTH, no more than MAX_ITEMS values, no key longer than MAX_KEY_LENGTH."""
    count, stack = 1, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise bad_request(_l("JSON lồng nhau quá sâu (tối đa %(n)s cấp).", n=MAX_DEPTH))
        count += len(item)  # counted before they are looked at: a huge list is refused at once
        if count > MAX_ITEMS:
            raise bad_request(_l("JSON có quá nhiều giá trị (tối đa %(n)s).", n=MAX_ITEMS))
        if isinstance(item, dict):
            if any(len(key) > MAX_KEY_LENGTH for key in item):
                raise bad_request(_l("Tên trường quá dài (tối đa %(n)s ký tự).", n=MAX_KEY_LENGTH))
            item = item.values()
        stack.extend((inner, depth + 1) for inner in item if isinstance(inner, dict | list))
