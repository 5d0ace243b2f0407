"""The statistics pages: `/statistics` for readers (published initiatives, cached like every
public page) and `/council/<year>/statistics` for the year's officers, the emulation office
and the admin (the policy's YearAct.statistics; anyone else gets a 404)."""
import io

from flask import render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.core import numbers
from portal.core.layout import register_nav
from portal.core.refusal import not_found
from portal.initiatives import policy
from portal.initiatives.policy import YearAct
from portal.publishing.cache import public_page
from portal.statistics import bp, export, queries, report
from portal.years.models import current_year, known_years

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register_nav("Thống kê", "statistics.public", order=7, section="public")


@bp.app_template_filter("stat_number")
def stat_number(value):
    return numbers.number(value)


@bp.app_template_global()
def can_see_statistics(year):
    """For links on the council's overview and the emulation office's page."""
    return policy.can_year(current_user, YearAct.statistics, year)


@bp.app_template_global()
def statistics_year():
    """The year the admin's link to the statistics opens: the newest on record up to this one."""
    this_year = current_year()
    return next((year for year in known_years() if year <= this_year), this_year)


def _public_year():
    years = queries.public_years()
    year = request.args.get("year", type=int)
    if year is None:
        year = years[0] if years else current_year()
    if not 2000 <= year <= 2100:
        raise not_found()
    return year, years


@bp.route("/statistics")
@public_page
def public():
    year, years = _public_year()
    choices = [(y, url_for(".public", year=y)) for y in years]
    return render_template("statistics/public.html", year=year, years=choices, report=report.public(year))


@bp.route("/statistics.xlsx")
def public_xlsx():
    year, _years = _public_year()
    data = export.workbook_bytes(report.public(year), _("Thống kê sáng kiến đã công bố năm %(year)s", year=year))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"thong-ke-{year}.xlsx")


def _internal(year):
    """(report, whether it holds scores) once the policy lets the current user read it (404 if not)."""
    if not 2000 <= year <= 2100 or not policy.can_year(current_user, YearAct.statistics, year):
        raise not_found()
    with_scores = policy.can_year(current_user, YearAct.score_statistics, year)
    return report.internal(year, current_user, with_scores=with_scores)


@bp.route("/council/<int:year>/statistics")
@login_required
def internal(year):
    data = _internal(year)
    years = [y for y in known_years() if policy.can_year(current_user, YearAct.statistics, y)]
    choices = [(y, url_for(".internal", year=y)) for y in years or [year]]
    return render_template("statistics/internal.html", year=year, years=choices, report=data,
                           xlsx_url=url_for(".internal_xlsx", year=year))


@bp.route("/council/<int:year>/statistics.xlsx")
@login_required
def internal_xlsx(year):
    data = export.workbook_bytes(_internal(year), _("Thống kê sáng kiến năm %(year)s", year=year))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"thong-ke-hoi-dong-{year}.xlsx")
