"""Account operations shared by the pages, the API and the CLI."""
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth import rules, throttle
from portal.auth.models import ApiToken, Role, Unit, UnitKind, User, UserRole, user_by_username
from portal.core import audit
from portal.core.notifications import DELIVERIES
from portal.core.refusal import Refusal, invalid
from portal.core.timeutil import today as local_today
from portal.core.timeutil import utcnow
from portal.extensions import db

USERNAME_RULE = _l("Tên đăng nhập chỉ gồm chữ cái không dấu (a–z), số và . _ - (tối đa 64 ký tự).")


def throttled(retry_after):
    """429: too many failed sign-ins; the person (or client) may try again after `retry_after` s."""
    minutes = max(1, round(retry_after / 60))
    return Refusal(429, _l("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng %(minutes)s phút.",
                           minutes=minutes), code="too_many_requests", headers={"Retry-After": str(retry_after)})


PASSWORD_PROBLEMS = {
    "repetitive": _l("Mật khẩu có quá ít ký tự khác nhau; hãy chọn mật khẩu khó đoán hơn."),
    "contains_username": _l("Mật khẩu không được chứa tên đăng nhập."),
    "common": _l("Mật khẩu này quá phổ biến, dễ bị dò ra; hãy chọn mật khẩu khác."),
}


def password_problem(password, username):
    """Why a new password is refused (a message), or None: portal.auth.rules at the configured
    length."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    problem = rules.password_problem(password, username, minimum)
    if problem is None:
        return None
    return _l("Mật khẩu phải có ít nhất %(n)s ký tự.", n=minimum) if problem == "too_short" \
        else PASSWORD_PROBLEMS[problem]


@lru_cache(maxsize=4)
def _dummy_hash(method):
    """A hash of nothing anyone knows, made like a real one: checked when there is no account."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(username, password, address):
    """Return the user, None for wrong credentials; a 429 Refusal when too many failures.

    A missing, an inactive and an active account take the same time: the password is
    hashed in every case (against a dummy hash when there is no account).
    """
    username = rules.normalize_username(username) if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    attempt, wait = throttle.begin(username, address)
    if wait:
        raise throttled(wait)
    user = user_by_username(username) if rules.is_valid_username(username) else None
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    throttle.finish(attempt, ok)
    if ok:
        audit.record("auth.sign_in", actor=user, obj=user, data={"address": address})
    db.session.commit()
    return user if ok else None


QUALIFICATION_MAX = 200
OLDEST_BIRTH_YEAR = 1900


def update_profile(user, *, actor, birth_date, qualification):
    """Date of birth and qualification (trình độ chuyên môn), printed in the application form;
    set by the person on their account page or by an admin. Audited with what changed."""
    qualification = " ".join((qualification or "").split())
    if len(qualification) > QUALIFICATION_MAX:
        raise invalid(_l("Trình độ chuyên môn tối đa %(n)s ký tự.", n=QUALIFICATION_MAX), field="qualification")
    if birth_date is not None and not (OLDEST_BIRTH_YEAR <= birth_date.year and birth_date < local_today()):
        raise invalid(_l("Ngày sinh phải trước ngày hôm nay và sau năm %(year)s.", year=OLDEST_BIRTH_YEAR),
                      field="birth_date")
    before = {"birth_date": user.birth_date, "qualification": user.qualification or ""}
    user.birth_date, user.qualification = birth_date, qualification
    changes = {key: [str(value) if value else value, str(getattr(user, key)) if getattr(user, key) else getattr(user, key)]
               for key, value in before.items() if value != getattr(user, key)}
    if changes:
        audit.record("auth.profile_updated", actor=actor, obj=user,
                     data={"username": user.username, "changes": changes})
    return changes


def change_password(user, current, new, actor=None):
    if actor is None and not user.check_password(current or ""):
        raise invalid(_l("Mật khẩu hiện tại không đúng."), field="current")
    problem = password_problem(new, user.username)
    if problem:
        raise invalid(problem, field="new")
    user.set_password(new)  # a new session version: other sessions and every API token end
    audit.record("auth.password_changed" if actor is None else "admin.password_reset",
                 actor=actor or user, obj=user)


def end_all_sessions(user):
    """"Sign out everywhere": every session of the account and every API token end."""
    user.session_version = (user.session_version or 0) + 1
    audit.record("auth.signed_out_everywhere", actor=user, obj=user)


def end_browser_sessions(user):
    """Signing out: every browser session of the account ends (sessions are signed cookies, so
    a copied cookie would outlive a mere deletion); the account's API tokens live on."""
    old = user.session_version or 0
    user.session_version = old + 1
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.session_version == old,
                               ApiToken.revoked_at.is_(None))
        .values(session_version=old + 1))


def token_days_choices():
    """How long a new token may live, in days: the usual spans up to API_TOKEN_DAYS."""
    longest = int(current_app.config["API_TOKEN_DAYS"])
    return sorted({d for d in (7, 30, 90, 180, 365) if d < longest} | {longest})


def issue_token(user, name="API", days=None, address=None):
    """Create a bearer token; only its hash is stored, the token is shown once."""
    token = secrets.token_urlsafe(32)
    longest = int(current_app.config["API_TOKEN_DAYS"])
    days = longest if days is None else max(1, min(int(days), longest))
    row = ApiToken(user_id=user.id, token_hash=ApiToken.digest(token), name=(name or "API")[:100],
                   expires_at=utcnow() + timedelta(days=days), session_version=user.session_version,
                   created_address=throttle.storable(address) or None)
    db.session.add(row)
    db.session.flush()
    audit.record("auth.token_issued", actor=user, obj=row, data={"name": row.name, "days": days})
    return token, row


def user_for_token(token, address=None):
    """The account a bearer token stands for, or None when it is unknown, revoked, expired, or
    issued before the account's last password change, deactivation or sign-out everywhere."""
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(token))
    ).scalar_one_or_none()
    if row is None or not row.is_valid:
        return None
    if address is None and has_request_context():
        address = request.remote_addr
    address = throttle.storable(address) or None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300 \
            or row.last_used_address != address:
        # only every few minutes or from a new address: no write on every request
        row.last_used_at = now
        row.last_used_address = address
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
    if not rules.is_valid_username(username):
        raise invalid(USERNAME_RULE, field="username")
    username = rules.normalize_username(username)
    if user_by_username(username):
        raise invalid(_l("Tên đăng nhập “%(name)s” đã tồn tại.", name=username), field="username")
    if not (full_name or "").strip():
        raise invalid(_l("Cần nhập họ và tên."), field="full_name")
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


def holders_of(role):
    """The active users who hold a global role, by name."""
    return db.session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role(role), User.active.is_(True)).order_by(User.full_name, User.id)
    ).scalars().all()


def set_delivery(user, delivery):
    """How `user` receives their notifications by mail (portal.core.notifications.DELIVERIES)."""
    if delivery not in DELIVERIES:
        raise invalid(_l("Cách nhận thông báo không hợp lệ."))
    before = user.notification_delivery
    user.notification_delivery = delivery
    if before != delivery:
        audit.record("auth.delivery_changed", actor=user, obj=user, data={"before": before, "after": delivery},
                     summary=f"{user.username} đổi cách nhận thông báo: {delivery}")
    return user
