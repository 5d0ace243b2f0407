from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from portal.auth import bp, services
from portal.auth.forms import DeliveryForm, LoginForm, PasswordForm, ProfileForm, TokenForm, option
from portal.auth.models import ApiToken, User
from portal.auth.services import (
    authenticate,
    change_password,
    end_all_sessions,
    end_browser_sessions,
    issue_token,
    revoke_token,
    token_days_choices,
    update_profile,
)
from portal.core.errors import render_error
from portal.core.notifications import NO_INITIATIVE, grouped, initiatives_of, mark_read
from portal.core.refusal import not_found
from portal.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id):
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A password change or deactivation ends every session made before it.
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


REMEMBER_ME_MAX_DAYS = 30


def client_address():
    return request.remote_addr or "unknown"


def remember_duration():
    """How long "remember me" keeps a browser signed in: REMEMBER_ME_DAYS, at most 30 days."""
    days = min(float(current_app.config["REMEMBER_ME_DAYS"]), REMEMBER_ME_MAX_DAYS)
    return timedelta(days=max(days, 0))


def safe_next(target):
    """Only same-site paths: never an open redirect after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data, client_address())
        if user is None:
            form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
            return render_template("auth/login.html", form=form), 200
        next_url = safe_next(request.args.get("next"))
        lang = session.get("lang")
        session.clear()  # no session fixation: a fresh session after sign-in
        if lang:
            session["lang"] = lang
        login_user(user, remember=form.remember.data, duration=remember_duration())
        flash(_("Xin chào %(name)s.", name=user.full_name), "success")
        return redirect(next_url or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_browser_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Every session of the account, on any device, and every API token end."""
    end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất khỏi mọi phiên và thu hồi mọi khóa API. Vui lòng đăng nhập lại."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm(prefix="pw")
    token_form = new_token_form()
    profile_form = profile_form_for(current_user)
    status = 200
    if request.method == "POST" and "profile-qualification" in request.form:
        if profile_form.validate():
            update_profile(current_user, actor=current_user, birth_date=profile_form.birth_date.data,
                           qualification=profile_form.qualification.data)
            db.session.commit()
            flash(_("Đã lưu thông tin cá nhân."), "success")
            return redirect(url_for("auth.account"))
        status = 422
    elif request.method == "POST" and "pw-new" in request.form and form.validate():
        change_password(current_user, form.current.data, form.new.data)
        db.session.commit()
        login_user(current_user._get_current_object())  # keep this session alive under the new session version
        flash(_("Đã đổi mật khẩu."), "success")
        return redirect(url_for("auth.account"))
    return account_page(form, token_form, profile_form=profile_form, status=status)


def delivery_form():
    form = DeliveryForm(prefix="nt")
    if form.delivery.data is None:
        form.delivery.data = current_user.notification_delivery
    return form


def account_page(form=None, token_form=None, delivery=None, profile_form=None, status=200):
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).scalars().all()
    return render_template("auth/account.html", form=form or PasswordForm(prefix="pw"),
                           token_form=token_form or new_token_form(), delivery_form=delivery or delivery_form(),
                           profile_form=profile_form or profile_form_for(current_user),
                           tokens=tokens, new_token=session.pop("new_token", None)), status


def profile_form_for(user):
    return ProfileForm(prefix="profile", obj=user if request.method == "GET" else None)


@bp.route("/account/notifications", methods=["POST"])
@login_required
def set_delivery():
    """The person's own choice: every notification by e-mail at once, a daily digest, or none."""
    form = delivery_form()
    if not form.validate():
        return account_page(delivery=form, status=422)
    services.set_delivery(current_user._get_current_object(), form.delivery.data)
    db.session.commit()
    flash(_("Đã lưu cách nhận thông báo."), "success")
    return redirect(url_for("auth.account"))


def new_token_form():
    form = TokenForm(prefix="tk")
    days = token_days_choices()
    form.days.choices = [option(d, _("%(n)s ngày", n=d)) for d in days]
    if form.days.data is None:
        form.days.data = days[-1]
    return form


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = new_token_form()
    if not form.validate():
        flash(_("Vui lòng đặt tên cho khóa API và chọn thời hạn trong danh sách."), "error")
        return redirect(url_for("auth.account"))
    token, _row = issue_token(current_user, form.name.data, days=form.days.data, address=client_address())
    db.session.commit()
    session["new_token"] = token
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != current_user.id and not current_user.is_admin):
        raise not_found()
    revoke_token(row, current_user)
    db.session.commit()
    flash(_("Đã thu hồi khóa API."), "success")
    return redirect(url_for("auth.account"))


GROUPS_PER_PAGE = 20


def group_arg(value):
    """An initiative id, NO_INITIATIVE, or None (every group) from a query or form value."""
    if value == NO_INITIATIVE:
        return value
    return int(value) if value and value.isdigit() else None


@bp.route("/notifications")
@login_required
def notifications():
    """The person's notifications grouped by initiative, newest group first; filters: unread
    only, one initiative. A fixed number of queries whatever the page shows."""
    unread_only = request.args.get("show") == "unread"
    about = group_arg(request.args.get("initiative", ""))
    initiatives = initiatives_of(current_user.id)
    titles = dict(initiatives)
    if isinstance(about, int) and about not in titles:
        about = None  # not one of theirs: show every group
    listing = grouped(
        current_user.id, unread_only=unread_only, about=about, page=request.args.get("page", 1, type=int),
        per_page=GROUPS_PER_PAGE, items_per_group=50 if about is not None else 5, titles=titles)
    filters = {k: v for k, v in {"show": "unread" if unread_only else "", "initiative": about or ""}.items() if v}
    return render_template(
        "auth/notifications.html", listing=listing, initiatives=initiatives, unread_only=unread_only,
        about=about, filters=filters, no_initiative=NO_INITIATIVE,
        page_url=lambda p: url_for("auth.notifications", page=p, **filters))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    """Mark read every notification, or one group's (`initiative`: an id or NO_INITIATIVE)."""
    mark_read(current_user.id, group_arg(request.form.get("initiative", "")))
    db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("auth.notifications"))


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code):
    """The reader's language. A link (GET) for readers without an account, so that the public
    pages carry no CSRF token and can be shared by caches; a form (POST) for signed-in people,
    whose account keeps the choice."""
    from flask import current_app

    if code not in current_app.config["LANGUAGES"]:
        return render_error(404)
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("publishing.home"))
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    wanted = request.form.get("next") if request.method == "POST" else request.args.get("next")
    return redirect(safe_next(wanted) or url_for("publishing.home"))
