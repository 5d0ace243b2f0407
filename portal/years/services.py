"""The year's rules as the other areas ask for them."""
from flask import g, has_request_context
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.refusal import Refusal
from portal.core.timeutil import today
from portal.extensions import db
from portal.years.models import Year  # noqa: F401  (years.Year for callers)
from portal.years.rules import YearRules


def rules_for(year):
    """The rules of `year` (defaults, not configured, when there is no such year on record)."""
    cache = g.setdefault("_year_rules", {}) if has_request_context() else {}
    if year not in cache:
        cache[year] = YearRules.of(db.session.get(Year, year), year)
    return cache[year]


def forget():
    if has_request_context():
        g.pop("_year_rules", None)


def open_years(on_day=None):
    """The years that take submissions today, earliest first."""
    on_day = on_day or today()
    rows = db.session.execute(select(Year).order_by(Year.year)).scalars()
    return [row.year for row in rows if YearRules.of(row, row.year).takes_submissions(on_day)]


def filing_year(on_day=None):
    """The year a new initiative goes into by default: the first open one, else the calendar year."""
    on_day = on_day or today()
    years = open_years(on_day)
    return years[0] if years else on_day.year


def submission_refusal(year, on_day=None):
    """None when `year` takes submissions today; else the 409 that says the deadline and who reopens."""
    on_day = on_day or today()
    rules = rules_for(year)
    why = rules.why_closed(on_day)
    if why is None:
        return None
    who = _l("Quản trị hệ thống có thể mở lại hoặc gia hạn nhận sáng kiến của năm.")
    if why == "not_configured":
        message = _l("Năm %(year)s chưa được mở nhận sáng kiến. %(who)s", year=year, who=who)
    elif why == "closed":
        message = _l("Năm %(year)s đã đóng nhận sáng kiến. %(who)s", year=year, who=who)
    else:
        message = _l("Đã hết hạn nộp sáng kiến năm %(year)s (hạn %(deadline)s). %(who)s", year=year,
                     deadline=format_date(rules.submission_deadline, "dd/MM/yyyy"), who=who)
    return Refusal(409, message, code="year_closed", field="year")


def ensure_year(year, **values):
    """The year on record, made with `values` when missing; an existing year is never changed."""
    row = db.session.get(Year, year)
    if row is None:
        row = Year(year=year, **values)
        db.session.add(row)
        db.session.flush()
        forget()
    return row
