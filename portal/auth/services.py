"""Account operations shared by the pages, the API and the CLI."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth import throttle
from portal.auth.models import ApiToken, Role, Unit, UnitKind, User, user_by_username
from portal.core import audit
from portal.core.refusal import Refusal, invalid
from portal.core.timeutil import utcnow
from portal.extensions import db


def throttled(retry_after):
    """429: too many failed sign-ins; the person (or client) may try again after `retry_after` s."""
    minutes = max(1, round(retry_after / 60))
    return Refusal(429, _l("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng %(minutes)s phút.",
                           minutes=minutes), code="too_many_requests", headers={"Retry-After": str(retry_after)})


def password_problem(password, username):
    """Why a new password is refused, or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        return f"Mật khẩu phải có ít nhất {minimum} ký tự."
    if username and password.strip().lower() == username.strip().lower():
        return "Mật khẩu không được trùng tên đăng nhập."
    if username and username.lower() in password.lower() and len(password) < minimum + 4:
        return "Mật khẩu không được chứa tên đăng nhập."
    return None


def authenticate(username, password, address):
    """Return the user, None for wrong credentials; a 429 Refusal when too many failures."""
    username = (username or "").strip().lower()
    wait = throttle.retry_after(username, address)
    if wait:
        raise throttled(wait)
    user = user_by_username(username) if username else None
    ok = bool(user and user.active and user.check_password(password or ""))
    throttle.record_attempt(username, address, ok)
    if ok:
        audit.record("auth.sign_in", actor=user, obj=user, data={"address": address})
    db.session.commit()
    return user if ok else None


def change_password(user, current, new, actor=None):
    if actor is None and not user.check_password(current or ""):
        raise invalid("Mật khẩu hiện tại không đúng.", field="current")
    problem = password_problem(new, user.username)
    if problem:
        raise invalid(problem, field="new")
    user.set_password(new)
    audit.record("auth.password_changed" if actor is None else "admin.password_reset",
                 actor=actor or user, obj=user)


def issue_token(user, name="API"):
    """Create a bearer token; only its hash is stored, the token is shown once."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    row = ApiToken(user_id=user.id, token_hash=ApiToken.digest(token), name=name[:100],
                   expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("auth.token_issued", actor=user, obj=row, data={"name": row.name})
    return token, row


def user_for_token(token):
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(token))
    ).scalar_one_or_none()
    if row is None or not row.is_valid or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
        row.last_used_at = now  # only every few minutes: no write on every request
        db.session.commit()
    return row.user


def revoke_token(row, actor):
    row.revoked_at = utcnow()
    audit.record("auth.token_revoked", actor=actor, obj=row, data={"user_id": row.user_id})


def get_or_create_unit(name, kind=UnitKind.city_department):
    name = " ".join((name or "").split())
    unit = db.session.execute(select(Unit).where(Unit.name == name)).scalar_one_or_none()
    if unit is None:
        unit = Unit(name=name, kind=kind)
        db.session.add(unit)
        db.session.flush()
    return unit


def create_user(*, username, password, full_name, unit, roles=(), position="", is_leader=False,
                email=None, actor=None, check_password=True):
    """Create an account; a 422 Refusal with a clear message when refused."""
    username = (username or "").strip().lower()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise invalid("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (tối đa 64 ký tự).", field="username")
    if user_by_username(username):
        raise invalid(f"Tên đăng nhập “{username}” đã tồn tại.", field="username")
    if not (full_name or "").strip():
        raise invalid("Cần nhập họ và tên.", field="full_name")
    if check_password:
        problem = password_problem(password, username)
        if problem:
            raise invalid(problem, field="password")
    user = User(username=username, full_name=full_name.strip(), unit=unit, position=position or "",
                is_leader=bool(is_leader), email=email or None)
    user.set_password(password)
    user.set_roles(Role(r) for r in roles)
    db.session.add(user)
    db.session.flush()
    audit.record("admin.user_created", actor=actor, obj=user,
                 data={"username": username, "roles": sorted(str(r) for r in roles)})
    return user
