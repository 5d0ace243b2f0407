"""Administrative operations: check, change, flush, audit (the caller commits).

Each raises a Refusal (portal.core.refusal) with a Vietnamese message beside the field at
fault when it refuses, having changed nothing.
"""
import secrets
import string
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.admin import importing, year_signers
from portal.auth.models import ApiToken, Role, Unit, User, user_by_username
from portal.auth.rules import is_valid_username, normalize_username
from portal.auth.services import USERNAME_RULE, create_user, password_problem
from portal.core import audit
from portal.core.organisation import FIELDS as ORGANISATION_FIELDS
from portal.core.organisation import ensure_settings
from portal.core.organisation import forget as forget_organisation
from portal.core.phrases import Phrase
from portal.core.refusal import invalid
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.publishing.models import SiteGeneration
from portal.years import services as years
from portal.years.models import Year
from portal.years.rules import YEAR_MAX, YEAR_MIN, valid_year


def generate_password(length=14):
    """A readable random password (no look-alike characters)."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(length))


USER_FIELDS = ("full_name", "unit_id", "position", "is_leader", "email")


def add_user(*, actor, username, full_name, unit, position="", is_leader=False, email=None,
             roles=(), password=None):
    """Create an account; returns (user, generated password or None)."""
    if not is_valid_username(username):
        raise invalid(USERNAME_RULE, field="username")
    username = normalize_username(username)
    if user_by_username(username):
        raise invalid(_l("Tên đăng nhập “%(username)s” đã tồn tại. Vui lòng chọn tên khác.", username=username),
                      field="username")
    if not (full_name or "").strip():
        raise invalid(_l("Cần nhập họ và tên."), field="full_name")
    if unit is None:
        raise invalid(_l("Vui lòng chọn một đơn vị có trong danh sách."), field="unit")
    generated = None
    if password:
        problem = password_problem(password, username)
        if problem:
            raise invalid(problem, field="password")
    else:
        password = generated = generate_password()
    user = create_user(username=username, password=password, full_name=full_name, unit=unit,
                       roles=roles, position=position, is_leader=is_leader, email=email, actor=actor)
    return user, generated


def update_user(user, *, actor, full_name, unit, position, is_leader, email, roles):
    if not (full_name or "").strip():
        raise invalid(_l("Cần nhập họ và tên."), field="full_name")
    roles = {Role(r) for r in roles}
    if user.id == actor.id and Role.admin in user.roles and Role.admin not in roles:
        raise invalid(_l("Bạn không thể tự bỏ quyền quản trị của chính mình."), field="roles")
    before = _user_snapshot(user)
    user.full_name = full_name.strip()
    user.unit = unit
    user.unit_id = unit.id
    user.position = (position or "").strip()
    user.is_leader = bool(is_leader)
    user.email = (email or "").strip() or None
    user.set_roles(roles)
    db.session.flush()
    after = _user_snapshot(user)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.record("admin.user_updated", actor=actor, obj=user,
                 data={"username": user.username, "changes": changes},
                 summary=f"Sửa tài khoản {user.username}")
    return changes


def _user_snapshot(user):
    return {
        "full_name": user.full_name, "unit_id": user.unit_id, "position": user.position,
        "is_leader": user.is_leader, "email": user.email,
        "roles": sorted(str(r) for r in user.roles),
    }


def set_user_active(user, active, *, actor):
    if user.id == actor.id and not active:
        raise invalid(_l("Bạn không thể tự khóa tài khoản của chính mình."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_version = (user.session_version or 0) + 1  # ends the user's open sessions
    audit.record("admin.user_reactivated" if active else "admin.user_deactivated",
                 actor=actor, obj=user, data={"username": user.username})


def reset_password(user, *, actor, password=None):
    """Set a new password (generated when none is given); returns it so it can be shown once."""
    password = password or generate_password()
    problem = password_problem(password, user.username)
    if problem:
        raise invalid(problem, field="password")
    user.set_password(password)  # also ends the user's open sessions
    audit.record("admin.password_reset", actor=actor, obj=user, data={"username": user.username})
    return password


def revoke_user_tokens(user, *, actor):
    """Revoke every valid API token of the user; returns how many."""
    now = utcnow()
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalars().all()
    for token in tokens:
        token.revoked_at = now
    audit.record("admin.tokens_revoked", actor=actor, obj=user,
                 data={"username": user.username, "token_ids": [t.id for t in tokens]})
    return len(tokens)


@dataclass
class ImportReport:
    rows: int = 0
    created: list = field(default_factory=list)    # [(user, generated password or None)]
    rejected: list = field(default_factory=list)   # [importing.Row with problems]

    @property
    def ok(self):
        return not self.rejected


def import_users(filename, data, *, actor):
    """All or nothing: every row is checked first; with one bad row nothing is created.

    Refuses (422 on the file) when the file itself cannot be read.
    """
    table = importing.read_table(filename, data)
    rows = [importing.check_row(number, raw, password_problem) for number, raw in table]
    report = ImportReport(rows=len(rows))

    units = db.session.execute(select(Unit)).scalars().all()
    by_name = {" ".join(u.name.split()).lower(): u for u in units}
    by_code = {u.code.lower(): u for u in units if u.code}
    usernames = [r.values["username"] for r in rows if r.values["username"]]
    taken = set(db.session.execute(
        select(User.username).where(User.username.in_(usernames))).scalars()) if usernames else set()
    seen = {}
    for row in rows:
        name = row.values["username"]
        if name in taken:
            row.problems.append(Phrase("Tên đăng nhập “%(username)s” đã tồn tại.", username=name))
        elif name and name in seen:
            row.problems.append(Phrase("Tên đăng nhập “%(username)s” trùng với dòng %(row)s.", username=name,
                                       row=seen[name]))
        if name:
            seen.setdefault(name, row.number)
        wanted = row.values["unit"].lower()
        unit = by_name.get(wanted) or by_code.get(wanted)
        if wanted and unit is None:
            row.problems.append(Phrase("Không tìm thấy đơn vị “%(unit)s” (nhập đúng tên hoặc mã đơn vị).",
                                       unit=row.values["unit"]))
        elif unit is not None and not unit.active:
            row.problems.append(Phrase("Đơn vị “%(unit)s” đã ngừng hoạt động.", unit=unit.name))
        row.values["unit_obj"] = unit
    report.rejected = [r for r in rows if r.problems]
    if report.rejected:
        return report

    for row in rows:
        v = row.values
        user, generated = add_user(actor=actor, username=v["username"], full_name=v["full_name"],
                                   unit=v["unit_obj"], position=v["position"],
                                   is_leader=v["is_leader"], email=v["email"], roles=v["roles"],
                                   password=v["password"])
        report.created.append((user, generated))
    audit.record("admin.users_imported", actor=actor, object_type="user",
                 data={"file": filename, "count": len(report.created),
                       "usernames": [u.username for u, _ in report.created]},
                 summary=f"Nhập {len(report.created)} tài khoản từ {filename}")
    return report


def _check_unit(name, code, unit=None):
    name = " ".join((name or "").split())
    code = (code or "").strip() or None
    if not name:
        raise invalid(_l("Cần nhập tên đơn vị."), field="name")
    # Compared in Python: SQLite's lower() leaves Vietnamese letters as they are.
    others = [u for u in db.session.execute(select(Unit)).scalars() if u is not unit]
    if any(u.name.casefold() == name.casefold() for u in others):
        raise invalid(_l("Đã có đơn vị tên “%(name)s”.", name=name), field="name")
    clash = next((u for u in others if code and u.code and u.code.casefold() == code.casefold()), None)
    if clash is not None:
        raise invalid(_l("Mã đơn vị “%(code)s” đã được dùng cho “%(name)s”.", code=code, name=clash.name), field="code")
    return name, code


def create_unit(*, actor, name, kind, code=None, active=True):
    name, code = _check_unit(name, code)
    unit = Unit(name=name, kind=kind, code=code, active=bool(active))
    db.session.add(unit)
    db.session.flush()
    audit.record("admin.unit_created", actor=actor, obj=unit,
                 data={"name": name, "kind": str(kind), "code": code, "active": unit.active})
    return unit


def update_unit(unit, *, actor, name, kind, code=None, active=True):
    name, code = _check_unit(name, code, unit)
    before = {"name": unit.name, "kind": str(unit.kind), "code": unit.code, "active": unit.active}
    unit.name, unit.kind, unit.code, unit.active = name, kind, code, bool(active)
    after = {"name": unit.name, "kind": str(unit.kind), "code": unit.code, "active": unit.active}
    audit.record("admin.unit_updated", actor=actor, obj=unit,
                 data={"changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return unit


YEAR_SIGNER_FIELDS = ("head_title", "head_name", "deputy_title", "deputy_name")
YEAR_FIELDS = ("registration_deadline", "submission_deadline", "review_deadline",
               "commendation_deadline", "note", "is_open", "filing_window_days", "decision_due_days",
               "similarity_percent", *YEAR_SIGNER_FIELDS)


def _year_value(key, value):
    if key == "note":
        return (value or "").strip()
    if key in YEAR_SIGNER_FIELDS:  # a name or title: one line, single spaces
        return " ".join((value or "").split())
    return value


def save_year(number, *, actor, create=False, **values):
    """Create (create=True) or update the year `number` and its deadlines."""
    if not valid_year(int(number)):
        raise invalid(_l("Năm phải từ %(first)s đến %(last)s.", first=YEAR_MIN, last=YEAR_MAX), field="year")
    submission, review = values.get("submission_deadline"), values.get("review_deadline")
    if submission and review and review < submission:
        raise invalid(_l("Hạn thẩm định không được trước hạn nộp đơn sáng kiến."), field="review_deadline")
    year = db.session.get(Year, number)
    if create and year is not None:
        raise invalid(_l("Năm %(year)s đã có.", year=number), field="year")
    if year is None:
        if not create:
            raise invalid(_l("Chưa có năm %(year)s.", year=number), field="year")
        year = Year(year=number)
        db.session.add(year)
    before = {k: getattr(year, k) for k in YEAR_FIELDS}
    for key in YEAR_FIELDS:
        if key in values:
            setattr(year, key, _year_value(key, values[key]))
    db.session.flush()
    years.forget()
    changes = {k: [before[k], getattr(year, k)] for k in YEAR_FIELDS if before[k] != getattr(year, k)}
    audit.record("admin.year_created" if create else "admin.year_updated", actor=actor,
                 object_type="year", object_id=number, data={"year": number, "changes": changes})
    return year


def update_organisation(*, actor, **values):
    """Save the organisation's settings (the row is made from the first default when missing);
    the public pages that name it are rendered again."""
    row = ensure_settings()
    before = {key: getattr(row, key) for key in ORGANISATION_FIELDS}
    after = {key: " ".join((values.get(key) or "").split()) for key in year_signers.SIGNER_KEYS}
    if year_signers.signer_changes(before, after):
        year_signers.keep_past_signers(actor=actor)
    for key in ORGANISATION_FIELDS:
        setattr(row, key, " ".join((values.get(key) or "").split()) if key != "header"
                else (values.get(key) or "").strip())
    changes = {k: [before[k], getattr(row, k)] for k in ORGANISATION_FIELDS if before[k] != getattr(row, k)}
    if changes:
        db.session.execute(update(SiteGeneration).where(SiteGeneration.id == 1)
                           .values(value=SiteGeneration.value + 1))
    audit.record("admin.organisation_updated", actor=actor, obj=row, data={"changes": changes})
    forget_organisation()
    return row
