"""Pages of "Sáng kiến của tôi": the dashboard, the application form, detail, attachments.

Routes are thin: load through `get_initiative_or_404` (which asks the policy), validate
the form, call one operation, commit, redirect. A refusal (portal.core.refusal) is
answered by the one page handler: back to the form with the input kept and the messages
beside the fields, or the error page.
"""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from portal.auth.models import Unit, User
from portal.core import refusal
from portal.core import text as text_rule
from portal.core.audit import AuditEvent
from portal.core.errors import api_error, render_error
from portal.core.layout import register_nav
from portal.core.markup import render_markdown
from portal.core.numbers import number as format_number
from portal.extensions import db
from portal.initiatives import authorship, bp, operations, policy, rules
from portal.initiatives.access import get_initiative_or_404, get_version_or_404
from portal.initiatives.forms import AUTHOR_ROWS_MIN, AttachmentForm, InitiativeForm, ReasonForm
from portal.initiatives.models import Initiative, InitiativeAuthor, InitiativeVersion, fields_in_order
from portal.initiatives.policy import Act
from portal.initiatives.workflow import DASHBOARD_ORDER, STATUS_LABELS, Action
from portal.years import services as years_service

register_nav("Sáng kiến của tôi", "initiatives.dashboard",
             lambda user: user.is_authenticated, order=10)

# What the history on the authors' page shows: state changes and changes of the author list.
HISTORY_ACTIONS = (*(f"initiative.{action.value}" for action in Action), "initiative.authors_changed",
                   "initiative.coauthorship")


@bp.route("/my")
@login_required
def dashboard():
    """Everything the person authored, by year and state, with what each is waiting for."""
    initiatives = db.session.execute(
        select(Initiative)
        .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
        .where(InitiativeAuthor.user_id == current_user.id)
        .options(selectinload(Initiative.authors).joinedload(InitiativeAuthor.user))
        .order_by(Initiative.year.desc(), Initiative.updated_at.desc())
    ).scalars().unique().all()
    invitations = [i for i in initiatives if i.can(Act.answer_invitation, current_user)]
    initiatives = [i for i in initiatives if i not in invitations]
    status = request.args.get("status")
    counts = {}
    for initiative in initiatives:
        counts[initiative.status] = counts.get(initiative.status, 0) + 1
    shown = [i for i in initiatives if not status or i.status.value == status]
    order = {state: n for n, state in enumerate(DASHBOARD_ORDER)}
    years = {}
    for initiative in sorted(shown, key=lambda i: (-i.year, order[i.status])):
        years.setdefault(initiative.year, []).append(initiative)
    return render_template("initiatives/dashboard.html", years=years, counts=counts,
                           states=[s for s in DASHBOARD_ORDER if s in counts], status=status,
                           status_labels=STATUS_LABELS, total=len(initiatives), invitations=invitations)


@bp.app_template_global("can")
def can_in_template(act, initiative):
    """Templates ask the policy what to show: {% if can('edit', initiative) %}."""
    return policy.can(current_user, act, initiative)


@bp.app_template_global("can_year")
def can_year_in_template(act, year):
    return policy.can_year(current_user, act, year)


def _fill_choices(form, initiative=None):
    fields = fields_in_order()
    if initiative is not None and initiative.field and initiative.field not in fields:
        fields.append(initiative.field)
    # Shorthand {value: label} dicts: WTForms 3.3 deprecates tuples.
    form.field_id.choices = {"": _("— Chọn lĩnh vực —"), **{str(f.id): f.name for f in fields}}
    # The fixed lists are labelled in the reader's language (the form class holds the Vietnamese).
    form.form_kind.choices = {value: _(label) for value, label in form.form_kind.choices.items()}
    form.requested_level.choices = {value: _(label) for value, label in form.requested_level.choices.items()}
    units = db.session.execute(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).scalars().all()
    form.unit_id.choices = {str(u.id): u.name for u in units}
    # The years that take submissions now, and the initiative's own.
    years = sorted(set(years_service.open_years()) | {years_service.filing_year()}
                   | ({initiative.year} if initiative else set()), reverse=True)
    form.year.choices = {str(y): str(y) for y in years}


def _staff_directory():
    """Usernames offered for co-authors (a datalist: typing a name finds the account)."""
    return db.session.execute(
        select(User).where(User.active.is_(True)).order_by(User.full_name)
    ).scalars().all()


def _prefill(form, initiative):
    form.title.data = initiative.title
    form.field_id.data = str(initiative.field_id or "")
    form.form_kind.data = initiative.form.value
    form.year.data = str(initiative.year)
    form.unit_id.data = str(initiative.unit_id)
    form.requested_level.data = initiative.requested_level.value
    form.first_applied_on.data = initiative.first_applied_on
    for key in InitiativeForm.FLAGS:
        getattr(form, key).data = getattr(initiative, key)
    for key in ("summary", *rules.SECTIONS, *rules.APPLICATION_EXTRAS):
        getattr(form, key).data = getattr(initiative, key)
    while len(form.authors):
        form.authors.pop_entry()
    for author in initiative.authors:
        form.authors.append_entry({
            "username": author.user.username if author.user else "",
            "name": "" if author.user else author.external_name,
            "workplace": "" if author.user else author.external_workplace,
            "share": str(author.share)})
    _pad_author_rows(form)
    form.stamp.data = operations.edit_stamp(initiative)


def _pad_author_rows(form):
    """Room for one more co-author than are filled in (at least AUTHOR_ROWS_MIN rows)."""
    filled = sum(1 for row in form.authors if not row.form.is_blank())
    target = min(rules.MAX_AUTHORS, max(AUTHOR_ROWS_MIN, filled + 1))
    while len(form.authors) < target:
        form.authors.append_entry()


def _render_form(form, initiative=None, status=200):
    _pad_author_rows(form)
    missing = operations.missing_items(initiative) if initiative is not None else None
    return render_template("initiatives/form.html", form=form, initiative=initiative,
                           staff=_staff_directory(), missing=missing,
                           max_upload_mb=_max_upload_mb()), status


def _max_upload_mb():
    from flask import current_app

    return current_app.config["MAX_UPLOAD_MB"]


@bp.route("/my/initiatives/new", methods=["GET", "POST"])
@login_required
def create():
    form = InitiativeForm()
    _fill_choices(form)
    if request.method == "GET" and not form.restored:
        form.year.data = str(years_service.filing_year())
        form.unit_id.data = str(current_user.unit_id)
        form.authors[0].form.username.data = current_user.username
        form.authors[0].form.share.data = "100"
    if not form.validate_on_submit():
        return _render_form(form, status=422 if request.method == "POST" else 200)
    initiative = operations.create_initiative(current_user, form.content_values(), form.author_values())
    db.session.commit()
    flash(_("Đã lưu bản nháp. Bạn có thể đính kèm tệp, rồi nộp khi hồ sơ đã đủ."), "success")
    if any(a.pending for a in initiative.authors):
        flash(_("Đã gửi lời mời tới các đồng tác giả; sáng kiến nộp được khi mọi người đã xác nhận."), "info")
    return redirect(url_for("initiatives.edit", initiative_id=initiative.id))


@bp.route("/my/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user, Act.edit)
    form = InitiativeForm()
    _fill_choices(form, initiative)
    if request.method == "GET" and not form.restored:
        _prefill(form, initiative)
    if not form.validate_on_submit():
        return _render_form(form, initiative, status=422 if request.method == "POST" else 200)
    changed = operations.update_initiative(
        initiative, current_user, form.content_values(), form.author_values(),
        expected_stamp=form.stamp.data or None)
    db.session.commit()
    flash(_("Đã lưu thay đổi.") if changed else _("Không có thay đổi nào."), "success")
    return redirect(url_for("initiatives.edit", initiative_id=initiative.id))


@bp.route("/my/preview", methods=["POST"])
@login_required
def preview():
    """Markdown → safe HTML for the live preview, through the one renderer every page uses."""
    data = request.get_json(silent=True)
    text = data.get("text") if isinstance(data, dict) else request.form.get("text")
    if not isinstance(text, str):
        return api_error(400, _("Thiếu nội dung cần xem trước."))
    if len(text) > rules.LONG_MAX:
        return api_error(422, _("Nội dung vượt quá %(n)s ký tự.", n=format_number(rules.LONG_MAX)), "too_long")
    if (problem := text_rule.problem(text, multiline=True)) is not None:
        return api_error(422, problem, "invalid_text")
    return jsonify({"html": str(render_markdown(text))})


def _state_history(initiative_id):
    return db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.initiative_id == initiative_id, AuditEvent.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEvent.seq)
    ).scalars().all()


@bp.route("/my/initiatives/<int:initiative_id>")
@login_required
def detail(initiative_id):
    return _render_detail(initiative_id)


def _render_detail(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user, options=[
        selectinload(Initiative.versions).joinedload(InitiativeVersion.submitted_by),
        selectinload(Initiative.attachments)])
    versions = initiative.versions
    changes = {}
    for before, after in zip(versions, versions[1:], strict=False):
        changes[after.number] = rules.diff_snapshots(before.snapshot, after.snapshot)
    missing = None
    if initiative.can(Act.edit, current_user):
        missing = operations.missing_items(initiative)
    return render_template("initiatives/detail.html", initiative=initiative, versions=versions,
                           changes=changes, history=_state_history(initiative.id),
                           reason_form=ReasonForm(), missing=missing,
                           waiting=[a for a in initiative.authors if a.pending])


@bp.route("/my/initiatives/<int:initiative_id>/versions/<int:number>")
@login_required
def version(initiative_id, number):
    initiative = get_initiative_or_404(initiative_id, current_user,
                                       options=[selectinload(Initiative.versions)])
    frozen = get_version_or_404(initiative, number)
    previous = next((v for v in initiative.versions if v.number == number - 1), None)
    changes = rules.diff_snapshots(previous.snapshot, frozen.snapshot) if previous else None
    return render_template("initiatives/version.html", initiative=initiative, version=frozen,
                           snapshot=frozen.snapshot, changes=changes, sections=rules.SECTIONS)


def _after_transition(initiative_id, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative_id))


@bp.route("/my/initiatives/<int:initiative_id>/submit", methods=["POST"])
@login_required
def submit(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user)
    version = operations.submit(initiative, current_user)
    return _after_transition(initiative_id, _("Đã nộp sáng kiến (phiên bản %(n)s). "
                                              "Thư ký Hội đồng sẽ sơ duyệt hồ sơ.", n=version.number))


@bp.route("/my/initiatives/<int:initiative_id>/withdraw", methods=["POST"])
@login_required
def withdraw(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user)
    form = ReasonForm()
    if not form.validate():
        raise refusal.invalid(_("Lý do rút quá dài."), fields=form.errors)
    operations.withdraw(initiative, current_user, form.reason.data)
    return _after_transition(initiative_id, _("Đã rút sáng kiến."))


@bp.route("/my/initiatives/<int:initiative_id>/coauthorship", methods=["POST"])
@login_required
def coauthorship(initiative_id):
    """The invited co-author's answer: accept=1 confirms, accept=0 declines."""
    initiative = get_initiative_or_404(initiative_id, current_user)
    ReasonForm().validate()  # CSRF is checked by the extension; nothing else is asked
    accept = request.form.get("accept") == "1"
    authorship.answer_invitation(initiative, current_user, accept)
    db.session.commit()
    if accept:
        flash(_("Bạn đã xác nhận là đồng tác giả của sáng kiến này."), "success")
        return redirect(url_for("initiatives.detail", initiative_id=initiative_id))
    flash(_("Bạn đã từ chối làm đồng tác giả; người tạo sáng kiến đã được báo."), "info")
    return redirect(url_for("initiatives.dashboard"))


@bp.route("/my/initiatives/<int:initiative_id>/delete", methods=["POST"])
@login_required
def delete(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user)
    operations.delete_draft(initiative, current_user)
    db.session.commit()
    flash(_("Đã xóa bản nháp."), "success")
    return redirect(url_for("initiatives.dashboard"))


@bp.route("/my/initiatives/<int:initiative_id>/attachments", methods=["POST"])
@login_required
def upload(initiative_id):
    """Attach a file. From the application form ("Tải lên" sends the whole form), what was
    typed is saved with it; a refused file (none, empty, wrong kind, too large) goes back to the
    form (the one page handler) with the message beside the file field and the input kept.
    A bare file upload (csrf_token and file only) just attaches it.
    """
    initiative = get_initiative_or_404(initiative_id, current_user, Act.edit)
    if "title" not in request.form:
        return _upload_file_only(initiative)
    form = InitiativeForm()
    _fill_choices(form, initiative)
    if not form.validate_on_submit():
        raise refusal.invalid(fields=form.errors)
    upload = form.file.data
    if not getattr(upload, "filename", ""):
        raise refusal.invalid(_("Vui lòng chọn tệp cần đính kèm."), fields={"file": [_("Chưa chọn tệp.")]})
    changed = operations.update_initiative(
        initiative, current_user, form.content_values(), form.author_values(),
        expected_stamp=form.stamp.data or None)
    attachment = operations.add_attachment(initiative, current_user, upload.stream, upload.filename)
    db.session.commit()
    flash(_("Đã đính kèm tệp “%(name)s”.", name=attachment.original_name), "success")
    if changed:
        flash(_("Đã lưu các thay đổi của biểu mẫu."), "success")
    return redirect(url_for("initiatives.edit", initiative_id=initiative_id) + "#attachments")


def _upload_file_only(initiative):
    form = AttachmentForm()
    if not form.validate_on_submit() or not getattr(form.file.data, "filename", ""):
        if form.csrf_token.errors:
            raise refusal.bad_request(_("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                        "Vui lòng tải lại trang."))
        raise refusal.invalid(_("Vui lòng chọn tệp cần đính kèm."), fields={"file": [_("Chưa chọn tệp.")]})
    upload = form.file.data
    attachment = operations.add_attachment(initiative, current_user, upload.stream, upload.filename)
    db.session.commit()
    flash(_("Đã đính kèm tệp “%(name)s”.", name=attachment.original_name), "success")
    return redirect(url_for("initiatives.edit", initiative_id=initiative.id) + "#attachments")


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error):
    """A request over MAX_CONTENT_LENGTH is refused before any of it is read: an upload goes back
    to its form with the message (nothing else of that request can be kept); others get the page."""
    if request.endpoint == "initiatives.upload" and request.view_args:
        flash(_("Tệp quá lớn: mỗi tệp tối đa %(mb)s MB. Vui lòng nén hoặc tách tệp rồi tải lên lại.",
                mb=_max_upload_mb()), "error")
        return redirect(url_for("initiatives.edit", **request.view_args) + "#attachments", 303)
    return render_error(413)
