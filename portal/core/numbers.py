"""One way to write numbers: Vietnamese by default (1.234,5), the page's language when there is one.

Babel does the work, so thousands and decimals never come from `str.replace` on text that
may hold other commas and dots.
"""
from babel.numbers import format_decimal
from flask import has_request_context
from flask_babel import get_locale

DEFAULT_LOCALE = "vi"
SCORE_DECIMALS = 2


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


def score_value(value):
    """A score or mean as a number rounded as `score` writes it (an XLSX cell keeps it a number)."""
    return None if value is None else round(value, SCORE_DECIMALS)


def score(value, locale=None):
    """A score or mean: at most two decimals, no trailing zeros (62,67; 50); "–" for none."""
    if value is None:
        return "–"
    return format_decimal(score_value(value), format="#,##0.##", locale=_locale(locale))


class Score(float):
    """A score carried in a rule's `Phrase`: written by `score` in the reader's language when the
    phrase is shown, and in Vietnamese in the phrase's own text."""

    def __str__(self):
        return score(float(self))

    def vietnamese(self):
        return score(float(self), locale=DEFAULT_LOCALE)
