"""Admin pages (quản trị): admins only; the audit log has its own check (audit_views)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from portal.admin import bp, operations, year_signers
from portal.admin.forms import (
    CouncilForm,
    CouncilMemberForm,
    ImportForm,
    ResetPasswordForm,
    UnitForm,
    UserFilterForm,
    UserForm,
    YearForm,
)
from portal.admin.importing import template_csv
from portal.auth.models import ROLE_LABELS, ApiToken, Role, Unit, UnitKind, User, UserRole
from portal.auth.services import update_profile
from portal.core.layout import register_nav
from portal.core.refusal import forbidden, found, not_found
from portal.council.models import Council, CouncilMember, CouncilRole, default_name
from portal.council.services import (
    add_council_member,
    get_or_create_council,
    remove_council_member,
    update_council,
)
from portal.extensions import db, login_manager
from portal.years.models import Year

PER_PAGE = 25

register_nav("Quản trị", "admin.index",
             lambda user: user.is_authenticated and user.is_admin, order=90)

# Endpoints that check access themselves (the council chair may read the audit log).
OWN_ACCESS_CHECK = {"admin.audit", "admin.audit_csv"}


@bp.context_processor
def labels():
    return {"role_labels": ROLE_LABELS}


@bp.before_request
def admins_only():
    if request.endpoint in OWN_ACCESS_CHECK:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        raise forbidden()
    return None


def _refuse(template, status=422, **context):
    """Re-render a form after a refusal: nothing was changed."""
    db.session.rollback()
    return render_template(template, **context), status


def _no_store(body):
    """A page that shows a secret once: never kept by the browser or a proxy."""
    return body, 200, {"Cache-Control": "no-store"}


@bp.route("/")
def index():
    counts = {
        "users": db.session.execute(select(func.count(User.id)).where(User.active.is_(True))).scalar_one(),
        "units": db.session.execute(select(func.count(Unit.id)).where(Unit.active.is_(True))).scalar_one(),
        "years": db.session.execute(select(func.count(Year.year))).scalar_one(),
        "councils": db.session.execute(select(func.count(Council.id))).scalar_one(),
    }
    return render_template("admin/index.html", counts=counts)


def _user_query(form):
    query = select(User).options(selectinload(User.role_rows)).order_by(User.full_name, User.id)
    status = form.status.data or "active"
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    text = (form.q.data or "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.username.ilike(like), User.full_name.ilike(like),
                                User.email.ilike(like), User.position.ilike(like)))
    if form.unit.data:
        query = query.where(User.unit_id == form.unit.data)
    role = form.role.data
    if role in {r.value for r in Role}:
        query = query.where(exists().where(UserRole.user_id == User.id, UserRole.role == Role(role)))
    elif role == "council":
        query = query.where(exists().where(CouncilMember.user_id == User.id))
    elif role == "leader":
        query = query.where(User.is_leader.is_(True))
    return query


@bp.route("/users")
def users():
    form = UserFilterForm(request.args)
    form.validate()
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)  # beyond any real list
    pagination = db.paginate(_user_query(form), page=page, per_page=PER_PAGE, error_out=False)
    council_ids = set()
    if pagination.items:
        council_ids = set(db.session.execute(
            select(CouncilMember.user_id).where(
                CouncilMember.user_id.in_([u.id for u in pagination.items]))).scalars())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/users.html", form=form, pagination=pagination,
                           council_ids=council_ids,
                           page_url=lambda p: url_for("admin.users", page=p, **args))


def _unit_from(form):
    return db.session.get(Unit, form.unit.data)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        user, generated = operations.add_user(
            actor=current_user, username=form.username.data, full_name=form.full_name.data,
            unit=_unit_from(form), position=form.position.data, is_leader=form.is_leader.data,
            email=form.email.data, roles=form.roles.data, password=form.password.data)
        update_profile(user, actor=current_user, birth_date=form.birth_date.data,
                       qualification=form.qualification.data)
        db.session.commit()
        flash(_("Đã tạo tài khoản %(username)s.", username=user.username), "success")
        if generated:
            return _no_store(render_template("admin/password_shown.html", user=user, password=generated))
        return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


def _get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found()
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id):
    user = _get_user(user_id)
    form = _edit_form(user)
    if form.validate_on_submit():
        operations.update_user(user, actor=current_user, full_name=form.full_name.data,
                               unit=_unit_from(form), position=form.position.data,
                               is_leader=form.is_leader.data, email=form.email.data,
                               roles=form.roles.data)
        update_profile(user, actor=current_user, birth_date=form.birth_date.data,
                       qualification=form.qualification.data)
        db.session.commit()
        flash(_("Đã lưu tài khoản %(username)s.", username=user.username), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, **_user_context(user)), status


def _edit_form(user, **kwargs):
    form = UserForm(obj=user, editing=user, **kwargs)
    if request.method == "GET" or kwargs.get("formdata", True) is None:
        form.unit.data = user.unit_id
        form.roles.data = sorted(str(r) for r in user.roles)
    return form


def _user_context(user):
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).scalars().all()
    memberships = db.session.execute(
        select(CouncilMember).join(CouncilMember.council).options(selectinload(CouncilMember.council))
        .where(CouncilMember.user_id == user.id).order_by(Council.year.desc())
    ).scalars().all()
    return {"user": user, "tokens": tokens, "memberships": memberships,
            "reset_form": ResetPasswordForm(prefix="reset")}


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def user_deactivate(user_id):
    return _set_active(_get_user(user_id), False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def user_reactivate(user_id):
    return _set_active(_get_user(user_id), True)


def _set_active(user, active):
    operations.set_user_active(user, active, actor=current_user)
    db.session.commit()
    flash(_("Đã mở khóa tài khoản %(username)s.", username=user.username) if active
          else _("Đã khóa tài khoản %(username)s.", username=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
def user_reset_password(user_id):
    user = _get_user(user_id)
    form = ResetPasswordForm(prefix="reset")
    if not form.validate():
        context = _user_context(user)
        context["reset_form"] = form
        return render_template("admin/user_form.html", form=_edit_form(user, formdata=None),
                               **context), 422
    password = operations.reset_password(user, actor=current_user, password=form.password.data)
    db.session.commit()
    flash(_("Đã đặt lại mật khẩu cho %(username)s.", username=user.username), "success")
    return _no_store(render_template("admin/password_shown.html", user=user, password=password))


@bp.route("/users/<int:user_id>/revoke-tokens", methods=["POST"])
def user_revoke_tokens(user_id):
    user = _get_user(user_id)
    count = operations.revoke_user_tokens(user, actor=current_user)
    db.session.commit()
    flash(_("Đã thu hồi %(count)s khóa API của %(username)s.", count=count, username=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/import", methods=["GET", "POST"])
def user_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        report = operations.import_users(upload.filename, upload.read(), actor=current_user)
        if not report.ok:
            return _refuse("admin/user_import.html", form=form, report=report)
        db.session.commit()
        return _no_store(render_template("admin/user_import.html", form=ImportForm(formdata=None),
                                         report=report))
    status = 422 if form.errors else 200
    return render_template("admin/user_import.html", form=form, report=None), status


@bp.route("/users/import/template.csv")
def user_import_template():
    return template_csv(), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": "attachment; filename=mau-nhap-tai-khoan.csv",
    }


@bp.route("/units")
def units():
    rows = db.session.execute(
        select(Unit, func.count(User.id))
        .outerjoin(User, (User.unit_id == Unit.id) & User.active.is_(True))
        .group_by(Unit.id).order_by(Unit.kind, Unit.name)
    ).all()
    return render_template("admin/units.html", rows=rows)


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = UnitForm()
    if form.validate_on_submit():
        unit = operations.create_unit(actor=current_user, name=form.name.data,
                                      kind=UnitKind(form.kind.data), code=form.code.data,
                                      active=form.active.data)
        db.session.commit()
        flash(_("Đã thêm đơn vị %(name)s.", name=unit.name), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id):
    unit = found(db.session.get(Unit, unit_id))
    form = UnitForm(obj=unit)
    if request.method == "GET":
        form.kind.data = unit.kind.value
    if form.validate_on_submit():
        operations.update_unit(unit, actor=current_user, name=form.name.data,
                               kind=UnitKind(form.kind.data), code=form.code.data,
                               active=form.active.data)
        db.session.commit()
        flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit), 422 if form.errors else 200




@bp.route("/years")
def years():
    rows = db.session.execute(select(Year).order_by(Year.year.desc())).scalars().all()
    councils = {c.year: c for c in db.session.execute(select(Council)).scalars()}
    return render_template("admin/years.html", years=rows, councils=councils)


@bp.route("/years/new", methods=["GET", "POST"])
def year_new():
    form = YearForm()
    if request.method == "GET":
        latest = db.session.execute(select(func.max(Year.year))).scalar_one()
        form.year.data = (latest + 1) if latest else None
    if form.validate_on_submit():
        year = operations.save_year(form.year.data, actor=current_user, create=True,
                                    **{k: getattr(form, k).data for k in operations.YEAR_FIELDS})
        db.session.commit()
        flash(_("Đã thêm năm %(year)s.", year=year.year), "success")
        return redirect(url_for("admin.years"))
    return render_template("admin/year_form.html", form=form, year=None), 422 if form.errors else 200


@bp.route("/years/<int:number>", methods=["GET", "POST"])
def year_edit(number):
    year = found(db.session.get(Year, number))
    form = YearForm(obj=year, editing=year)
    if form.validate_on_submit():
        operations.save_year(number, actor=current_user,
                             **{k: getattr(form, k).data for k in operations.YEAR_FIELDS})
        db.session.commit()
        flash(_("Đã lưu các mốc thời hạn năm %(year)s.", year=number), "success")
        return redirect(url_for("admin.years"))
    return render_template("admin/year_form.html", form=form, year=year,
                           signer=year_signers.current_signer(number)), 422 if form.errors else 200


@bp.route("/councils")
def councils():
    rows = db.session.execute(
        select(Council).options(selectinload(Council.members)).order_by(Council.year.desc())
    ).scalars().all()
    years_without = [y for y in db.session.execute(select(Year.year).order_by(Year.year.desc())).scalars()
                     if y not in {c.year for c in rows}]
    return render_template("admin/councils.html", councils=rows, years_without=years_without)


ROLE_ORDER = {role: i for i, role in enumerate(CouncilRole)}


def _council_page(year, council, form, member_form, status=200):
    members = sorted(council.members if council else [],
                     key=lambda m: (ROLE_ORDER[m.role], m.user.full_name))
    return render_template("admin/council.html", year=year, council=council, members=members,
                           form=form, member_form=member_form), status


def _known_year(number):
    if db.session.get(Year, number) is None and \
            db.session.execute(select(Council).where(Council.year == number)).scalar_one_or_none() is None:
        raise not_found()


@bp.route("/councils/<int:year>", methods=["GET", "POST"])
def council(year):
    _known_year(year)
    existing = db.session.execute(
        select(Council).options(selectinload(Council.members)).where(Council.year == year)
    ).scalar_one_or_none()
    form = CouncilForm(obj=existing)
    if existing is None and request.method == "GET":
        form.name.data = str(default_name(year))  # the official name, in Vietnamese as documents print it
    exclude = {m.user_id for m in existing.members} if existing else set()
    member_form = CouncilMemberForm(prefix="m", exclude=exclude)
    if form.validate_on_submit():
        target = existing or get_or_create_council(year, actor=current_user)
        update_council(target, current_user, name=form.name.data, decision_no=form.decision_no.data,
                       decision_date=form.decision_date.data)
        db.session.commit()
        flash(_("Đã lưu thông tin Hội đồng năm %(year)s.", year=year), "success")
        return redirect(url_for("admin.council", year=year))
    return _council_page(year, existing, form, member_form, 422 if form.errors else 200)


@bp.route("/councils/<int:year>/members", methods=["POST"])
def council_member_add(year):
    _known_year(year)
    existing = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    member_form = CouncilMemberForm(prefix="m")
    if member_form.validate():
        user = db.session.get(User, member_form.user.data)
        add_council_member(year, user, member_form.role.data, actor=current_user)
        db.session.commit()
        flash(_("Đã thêm %(name)s vào Hội đồng năm %(year)s.", name=user.full_name, year=year), "success")
        return redirect(url_for("admin.council", year=year))
    existing = db.session.execute(
        select(Council).options(selectinload(Council.members)).where(Council.year == year)
    ).scalar_one_or_none()
    return _council_page(year, existing, CouncilForm(obj=existing, formdata=None), member_form, 422)


@bp.route("/councils/<int:year>/members/<int:member_id>/remove", methods=["POST"])
def council_member_remove(year, member_id):
    member = db.session.get(CouncilMember, member_id)
    if member is None or member.council.year != year:
        raise not_found()
    name = member.user.full_name
    remove_council_member(member, current_user)
    db.session.commit()
    flash(_("Đã bỏ %(name)s khỏi Hội đồng năm %(year)s.", name=name, year=year), "success")
    return redirect(url_for("admin.council", year=year))
