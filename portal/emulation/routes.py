"""Pages of the emulation office (Thường trực Hội đồng Thi đua – Khen thưởng) and of each staff member."""
import math
from io import BytesIO

from flask import current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload
from wtforms.fields.choices import SelectChoice

from portal.auth.models import Unit, User
from portal.core import numbers
from portal.core.i18n import translate
from portal.core.layout import register_nav
from portal.core.permissions import require_roles
from portal.core.phrases import Phrase
from portal.core.refusal import bad_request, found, not_found
from portal.core.timeutil import today
from portal.emulation import bp, engine, officer_actions, operations, services, time_served
from portal.emulation.export import write_workbook
from portal.emulation.forms import (
    ArticlesForm,
    AwardForm,
    AwardUseForm,
    DeleteForm,
    DisciplineForm,
    FilterForm,
    ImportForm,
    MyRegistrationForm,
    RefusalForm,
    RegistrationForm,
    ServiceForm,
    SettingsForm,
    options,
)
from portal.emulation.importing import import_file
from portal.emulation.models import (
    DISCIPLINE_LABELS,
    TITLE_LABELS,
    TITLE_SHORT_LABELS,
    ArticleCount,
    Discipline,
    EmulationSettings,
    Registration,
    ServiceRecord,
    TitleAward,
    TitleRefusal,
)
from portal.extensions import db
from portal.years.models import current_year, known_years
from portal.years.services import rules_for

OFFICER = "emulation_officer"
# The summaries' lists (candidates of a unit, registered but not eligible) show their first people;
# the export has them all (21,000 people make thousands).
SUMMARY_LIMIT = 30

register_nav("Thi đua – Khen thưởng", "emulation.overview",
             lambda user: user.is_authenticated and user.has_role(OFFICER), order=60)
register_nav("Thi đua của tôi", "emulation.mine", lambda user: user.is_authenticated, order=15)


@bp.app_template_global()
def initiative_url(initiative_id):
    """Where an initiative named as evidence is shown (its page in the portal, access-checked there)."""
    return url_for("initiatives.detail", initiative_id=initiative_id)


@bp.app_template_filter("tr")
def translate_data(text):
    """Translate a label or a rule's phrase (with its values) that comes from data; no %-formatting of
    plain text, unlike _() in templates."""
    if not text:
        return ""
    # The engine shares one condition between the many people it holds for (the same LĐTT, the
    # same article count): each phrase is translated once per request, not once per person.
    memo = g.setdefault("_translated", {})
    key = id(text) if isinstance(text, Phrase) else str(text)
    found = memo.get(key)
    if found is None or found[0] is not text and isinstance(text, Phrase):
        found = memo[key] = (text, translate(text) if isinstance(text, Phrase) else gettext(str(text)))
    return found[1]


@bp.app_template_filter("emu_num")
def format_number(value):
    """15.0 -> 15, 82.5 -> 82,5 (scores and shares, through the one formatter); text passes through."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return numbers.score(value)


@bp.app_context_processor
def emulation_labels():
    return {
        "TITLE_LABELS": TITLE_LABELS,
        "TITLE_SHORT_LABELS": TITLE_SHORT_LABELS,
        "CONDITION_LABELS": engine.CONDITION_LABELS,
        "LEVEL_LABELS_EMULATION": engine.LEVEL_LABELS,
        "DISCIPLINE_LABELS": DISCIPLINE_LABELS,
        "SETTING_LABELS_EMULATION": engine.SETTING_LABELS,
    }


def _year_or_404(year):
    if not 2000 <= year <= 2100:
        raise not_found()
    return year


def _units():
    return list(db.session.execute(
        select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).scalars())


def _filters(units):
    form = FilterForm(request.args)
    form.unit.choices = options([("", "Tất cả đơn vị")]) + [SelectChoice(str(u.id), u.name) for u in units]
    for name in ("unit", "title", "eligible", "registered", "leader"):
        valid = {choice.value for choice in form[name].choices}
        if form[name].data not in valid:
            form[name].data = ""
    return form


def _report_for(year, form):
    unit_id = int(form.unit.data) if form.unit.data else None
    return services.year_report(
        year, unit_id=unit_id, title=form.title.data or None, eligible=form.eligible.data or None,
        registered=form.registered.data or None, leader=form.leader.data or None)


def _settings_context(inputs, codes=None):
    """The settings a result page used, named beside it ("rules and settings are never hidden")."""
    described = inputs.settings.describe() if codes is None else inputs.settings.describe_for(codes)
    for item in described:
        item["source"] = engine.SETTING_SOURCES[item["key"]]
    return {"settings": described, "settings_row": inputs.settings_row}


def _commendation_countdown(year):
    """The year's commendation deadline (hạn nộp hồ sơ khen thưởng) and the days left, for the countdown."""
    rules = rules_for(year)
    days = rules.days_to_commendation(today())
    if days is None:
        return None
    return {"deadline": rules.commendation_deadline, "days": days, "late": days < 0,
            "soon": 0 <= days <= 14}


@bp.route("/year")
@require_roles(OFFICER)
def overview():
    return redirect(url_for("emulation.year_page", year=current_year()))


@bp.route("/year/<int:year>")
@require_roles(OFFICER)
def year_page(year):
    _year_or_404(year)
    units = _units()
    form = _filters(units)
    report = _report_for(year, form)
    export_args = {k: v for k, v in request.args.items() if k in form.data and v}
    # One page of people at a time: the reasons of 21,000 people are 160 MB of HTML.
    per_page = current_app.config["EMULATION_PEOPLE_PER_PAGE"]
    pages = max(1, math.ceil(len(report.lines) / per_page))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = report.lines[(page - 1) * per_page:page * per_page]
    return render_template(
        "emulation/year.html", year=year, years=_years_around(year), form=form, report=report,
        shown=shown, page=page, pages=pages, filters=export_args,
        export_url=url_for("emulation.export", year=year, **export_args),
        selected_title=form.title.data or None, countdown=_commendation_countdown(year),
        unrecorded=officer_actions.unrecorded_awards(services.first_year_looked_at(year, report.inputs.settings),
                                                     year),
        list_limit=SUMMARY_LIMIT, **_settings_context(report.inputs))


def _years_around(year):
    years = set(known_years()) | {year, current_year()}
    return sorted(years, reverse=True)


@bp.route("/year/<int:year>/export.xlsx")
@require_roles(OFFICER)
def export(year):
    _year_or_404(year)
    units = _units()
    form = _filters(units)
    report = _report_for(year, form)
    unit_name = next((c.label for c in form.unit.choices if c.value == form.unit.data), None) \
        if form.unit.data else None
    # Written row by row as a stream (write-only workbook): no cell object kept per person.
    data = BytesIO()
    write_workbook(report, data, unit_name=unit_name, title=form.title.data or None)
    data.seek(0)
    return send_file(data, as_attachment=True, download_name=f"xet-thi-dua-{year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/year/<int:year>/settings", methods=["GET", "POST"])
@require_roles(OFFICER)
def settings(year):
    _year_or_404(year)
    current = services.settings_for(year)
    row = db.session.get(EmulationSettings, year)
    if request.method == "GET":
        data = {k: (int(v) if isinstance(v, float) and v.is_integer() else v)
                for k, v in current.to_dict().items()}
        form = SettingsForm(data=data)
    else:
        form = SettingsForm()
    status = 200
    if form.validate_on_submit():
        _row, changes = operations.save_settings(year, form.values(), actor=current_user)
        db.session.commit()
        flash(_("Đã lưu thiết lập xét thi đua năm %(year)s (%(n)s thay đổi).", year=year, n=len(changes))
              if changes else _("Đã lưu thiết lập xét thi đua năm %(year)s (không có thay đổi).", year=year),
              "success")
        return redirect(url_for("emulation.settings", year=year))
    if form.is_submitted():
        status = 422
    history = _settings_history(year)
    return render_template("emulation/settings.html", year=year, form=form, row=row, history=history,
                           inherited=row is None, defaults=engine.Settings().to_dict(),
                           sources=engine.SETTING_SOURCES, groups=SETTING_GROUPS), status


# The settings page's sections, in the order of ELIGIBILITY.md.
SETTING_GROUPS = (
    ("Lao động tiên tiến", ("min_service_months", "leave_flag_months", "discipline_counted_once")),
    ("Chiến sỹ thi đua cơ sở", ("min_author_share", "allow_previous_year", "article_quota",
                                "require_registration", "grassroots_cap_percent", "cap_minimum_one")),
    ("Sử dụng sáng kiến", ("one_use_per_initiative", "coauthors_each_use")),
    ("Chiến sỹ thi đua Ngành KSND và toàn quốc", ("sector_consecutive_years", "sector_cycle_years",
                                                   "national_in_following_year")),
)


def _settings_history(year):
    from portal.core.audit import AuditEvent

    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "emulation.settings_saved",
                                 AuditEvent.object_id == str(year))
        .order_by(AuditEvent.seq.desc()).limit(20)).scalars())


FORMS = {
    "titles": AwardForm,
    "disciplines": DisciplineForm,
    "registrations": RegistrationForm,
    "articles": ArticlesForm,
    "services": ServiceForm,
    "refusals": RefusalForm,
}


def _record_forms(year, bound=None):
    forms = {}
    for kind, cls in FORMS.items():
        if bound and bound[0] == kind:
            forms[kind] = bound[1]
        else:
            forms[kind] = cls(data={"year": year})
    return forms


def _records(year):
    def rows(model, *order):
        return list(db.session.execute(
            select(model).options(selectinload(model.user).options(lazyload(User.role_rows)))
            .where(model.year == year).order_by(*order)).scalars())

    return {
        "titles": rows(TitleAward, TitleAward.title, TitleAward.id),
        "disciplines": rows(Discipline, Discipline.id),
        "registrations": rows(Registration, Registration.title, Registration.id),
        "articles": rows(ArticleCount, ArticleCount.count.desc(), ArticleCount.id),
        "services": rows(ServiceRecord, ServiceRecord.id),
        "refusals": rows(TitleRefusal, TitleRefusal.title, TitleRefusal.id),
    }


def _people():
    return list(db.session.execute(
        select(User.username, User.full_name).where(User.active.is_(True)).order_by(User.full_name)).all())


def _render_records(year, bound=None, status=200):
    records = _records(year)
    # Old awards above LĐTT that never named their recognition: a form each to name it.
    use_forms = {a.id: bound[1] if bound and bound[0] == "use" and bound[2] == a.id else AwardUseForm(formdata=None)
                 for a in records["titles"] if a.use_unknown and a.initiative_id is None
                 and a.title != engine.ADVANCED_WORKER}
    return render_template("emulation/records.html", year=year, forms=_record_forms(year, bound),
                           records=records, people=_people(), delete_form=DeleteForm(), use_forms=use_forms,
                           refused={(r.user_id, str(r.title)) for r in records["refusals"]},
                           years=_years_around(year)), status


@bp.route("/year/<int:year>/records")
@require_roles(OFFICER)
def records(year):
    _year_or_404(year)
    return _render_records(year)


@bp.route("/year/<int:year>/<any(titles, disciplines, registrations, articles, services, refusals):kind>",
          methods=["POST"])
@require_roles(OFFICER)
def record(year, kind):
    _year_or_404(year)
    form = FORMS[kind]()
    if not form.validate_on_submit():
        return _render_records(year, (kind, form), 422)
    user = operations.user_by_username(form.username.data)
    if kind == "titles":
        row = operations.record_award(
            user, form.year.data, form.title.data, actor=current_user,
            decision_no=form.decision_no.data, initiative_id=form.initiative_id.data,
            level_used=form.level_used.data or None, reason=form.reason.data)
        message = _("Đã ghi nhận danh hiệu %(title)s năm %(year)s cho %(name)s.",
                    title=_(TITLE_LABELS[row.title]), year=row.year, name=user.full_name)
    elif kind == "disciplines":
        row = operations.record_discipline(user, form.year.data, form.level.data, actor=current_user,
                                           note=form.note.data, violation_year=form.violation_year.data)
        message = _("Đã ghi nhận kỷ luật %(level)s năm %(year)s của %(name)s.",
                    level=_(DISCIPLINE_LABELS[row.level]).lower(), year=row.year, name=user.full_name)
    elif kind == "registrations":
        row = operations.register(user, form.year.data, form.title.data, actor=current_user)
        message = _("Đã đăng ký danh hiệu %(title)s năm %(year)s cho %(name)s.",
                    title=_(TITLE_LABELS[row.title]), year=row.year, name=user.full_name)
    elif kind == "services":
        row = time_served.record_service(user, form.year.data, actor=current_user,
                                        recruited_on=form.recruited_on.data, leave_months=form.leave_months.data,
                                        note=form.note.data)
        message = _("Đã ghi nhận thời gian công tác năm %(year)s của %(name)s.", year=row.year,
                    name=user.full_name)
    elif kind == "refusals":
        row = officer_actions.record_refusal(user, form.year.data, form.title.data, actor=current_user,
                                             reason=form.reason.data)
        message = _("Đã ghi nhận không công nhận danh hiệu %(title)s năm %(year)s của %(name)s.",
                    title=_(TITLE_LABELS[row.title]), year=row.year, name=user.full_name)
    else:
        row = operations.record_articles(user, form.year.data, form.count.data, actor=current_user)
        message = _("Đã ghi nhận %(n)s tin, bài năm %(year)s của %(name)s.", n=row.count, year=row.year,
                    name=user.full_name)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("emulation.records", year=year) + f"#{kind}")


def _delete_record(model, record_id, delete, message, anchor):
    """The officer deletes one recorded row of a year, then sees that year's records."""
    row = found(db.session.get(model, record_id))
    if not DeleteForm().validate_on_submit():
        raise bad_request()
    year = row.year
    delete(row, actor=current_user)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("emulation.records", year=year) + f"#{anchor}")


@bp.route("/titles/<int:award_id>/delete", methods=["POST"])
@require_roles(OFFICER)
def delete_award(award_id):
    return _delete_record(TitleAward, award_id, operations.delete_award,
                          _("Đã xóa danh hiệu đã ghi nhận."), "titles")


@bp.route("/disciplines/<int:discipline_id>/delete", methods=["POST"])
@require_roles(OFFICER)
def delete_discipline(discipline_id):
    return _delete_record(Discipline, discipline_id, operations.delete_discipline,
                          _("Đã xóa hình thức kỷ luật đã ghi nhận."), "disciplines")


@bp.route("/year/<int:year>/import", methods=["GET", "POST"])
@require_roles(OFFICER)
def import_page(year):
    _year_or_404(year)
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Vui lòng chọn tệp .xlsx hoặc .csv.")]
            status = 422
        else:
            report = import_file(form.kind.data, upload.filename, upload.read(), actor=current_user,
                                 default_year=year)
            if report.ok:
                db.session.commit()
                flash(_("Đã nhập %(count)s dòng.", count=report.imported), "success")
            else:
                db.session.rollback()
                status = 422
    elif form.is_submitted():
        status = 422
    return render_template("emulation/import.html", year=year, form=form, report=report), status


@bp.route("/import-template/<any(titles, disciplines, registrations, articles):kind>.csv")
@require_roles(OFFICER)
def import_template(kind):
    from portal.emulation.importing import template_csv

    return send_file(BytesIO(template_csv(kind)), as_attachment=True, download_name=f"mau-{kind}.csv",
                     mimetype="text/csv")


@bp.route("/me", methods=["GET", "POST"])
@login_required
def mine():
    year = current_year()
    user = current_user
    form = MyRegistrationForm()
    status = 200
    if form.validate_on_submit():
        operations.register(user, year, form.title.data, actor=user)
        db.session.commit()
        flash(_("Đã đăng ký danh hiệu %(title)s năm %(year)s.", title=_(TITLE_LABELS[form.title.data]), year=year),
              "success")
        return redirect(url_for("emulation.mine"))
    if form.is_submitted():
        status = 422
    awards, registrations, recognitions = services.person_history(user)
    inputs = services.load_year(year, user_ids=[user.id])
    result = inputs.evaluate().get(user.id)
    registered = inputs.registered.get(user.id)
    if registered and not form.is_submitted():
        form.title.data = registered
    is_open, deadline = operations.registration_open(year)
    uses = {}
    for award in awards:
        if award.initiative_id:
            level = str(award.level_used) if award.level_used else engine.TITLE_DEFAULT_LEVEL.get(str(award.title))
            uses.setdefault((award.initiative_id, level), []).append(award)
    by_year = {}
    for award in awards:
        by_year.setdefault(award.year, []).append(award)
    return render_template(
        "emulation/mine.html", year=year, form=form, result=result, registered=registered,
        awards_by_year=sorted(by_year.items(), reverse=True), registrations=registrations,
        recognitions=sorted(recognitions, key=lambda r: r.decision_date, reverse=True), uses=uses,
        registration_open=is_open, deadline=deadline,
        **_settings_context(inputs, _codes_of(result, registered))), status


def _codes_of(result, registered):
    """Condition codes of the title shown to the person (the settings beside it are those they read)."""
    if result is None:
        return []
    target = registered if registered and registered != engine.ADVANCED_WORKER else engine.GRASSROOTS
    return [c.code for c in result.titles[target].conditions]
