"""One way to write numbers: Vietnamese by default (1.234,5), the page's language when there is one.

Babel does the work, so thousands and decimals never come from `str.replace` on text that
may hold other commas and dots.
"""
from babel.numbers import format_decimal
from flask import has_request_context
from flask_babel import get_locale

DEFAULT_LOCALE = "vi"


def _locale(locale):
    if locale:
        return locale
    if has_request_context():
        return str(get_locale() or DEFAULT_LOCALE)
    return DEFAULT_LOCALE


def number(value, locale=None):
    """A whole or decimal number with thousands grouped: 50.000 (vi), 50,000 (en)."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.###", locale=_locale(locale))


def score(value, locale=None):
    """A score or mean: at most two decimals, no trailing zeros (62,67; 50); "–" for none."""
    if value is None:
        return "–"
    return format_decimal(round(value, 2), format="#,##0.##", locale=_locale(locale))
