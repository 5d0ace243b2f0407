"""People and where they work: units, users, global roles, API tokens, sign-in attempts."""
import enum
import hashlib
from datetime import date, datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.core.timeutil import utcnow
from portal.extensions import db


class UnitKind(enum.StrEnum):
    leadership = "leadership"            # Lãnh đạo Viện
    city_department = "city_department"  # Phòng thuộc VKSND thành phố
    district = "district"                # VKSND quận, huyện


UNIT_KIND_LABELS = {
    UnitKind.leadership: "Lãnh đạo Viện",
    UnitKind.city_department: "Phòng thuộc VKSND thành phố",
    UnitKind.district: "VKSND quận, huyện",
}


class Role(enum.StrEnum):
    """Global roles. Council roles are per year, through CouncilMember; staff is everyone."""
    admin = "admin"
    emulation_officer = "emulation_officer"
    editor = "editor"


ROLE_LABELS = {
    Role.admin: "Quản trị",
    Role.emulation_officer: "Thường trực Hội đồng Thi đua – Khen thưởng",
    Role.editor: "Biên tập viên",
}


class Unit(db.Model):
    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    users = relationship("User", back_populates="unit")

    @property
    def kind_label(self):
        return UNIT_KIND_LABELS[self.kind]

    def __repr__(self):
        return f"<Unit {self.name}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")  # chức vụ
    is_leader: Mapped[bool] = mapped_column(default=False)  # có chức danh lãnh đạo
    birth_date: Mapped[date | None] = mapped_column()  # ngày sinh (đơn yêu cầu công nhận sáng kiến)
    qualification: Mapped[str] = mapped_column(String(200), default="")  # trình độ chuyên môn
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # immediate | digest | in_app (portal.core.notifications): how notifications reach them by mail
    notification_delivery: Mapped[str] = mapped_column(String(16), default="immediate", server_default="immediate")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    # Bumped when the password changes or the account is deactivated: old sessions die.
    session_version: Mapped[int] = mapped_column(default=1)

    unit = relationship("Unit", back_populates="users", lazy="joined")
    role_rows = relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")

    def set_password(self, password):
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self):
        return {r.role for r in self.role_rows}

    def set_roles(self, roles):
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = {r.role for r in self.role_rows}
        self.role_rows.extend(UserRole(role=r) for r in wanted - have)

    def has_role(self, *roles):
        return bool(self.roles & {Role(r) for r in roles})

    @property
    def is_admin(self):
        return self.has_role(Role.admin)

    def __repr__(self):
        return f"<User {self.username}>"


class ApiToken(db.Model):
    """Bearer tokens for the JSON API; only a SHA-256 of the token is stored.

    A token holds the account's session version when it was issued: a password change, an
    admin reset, a deactivation and "sign out everywhere" bump the account's version, and
    every token issued before then stops answering for good (reactivation brings none back).
    """
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    created_address: Mapped[str | None] = mapped_column(String(64))
    last_used_address: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User", lazy="joined")

    @staticmethod
    def digest(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_valid(self):
        """Not revoked, not expired, and issued under the account's current session version
        and password."""
        now = utcnow()
        if self.revoked_at is not None or (self.expires_at is not None and self.expires_at <= now):
            return False
        user = self.user
        if not user.active or self.session_version != user.session_version:
            return False
        return user.password_changed_at is None or self.created_at >= user.password_changed_at

    @property
    def status(self):
        """revoked, expired, ended (by a password change, deactivation or sign-out everywhere), valid."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "valid" if self.is_valid else "ended"


class LoginAttempt(db.Model):
    """Every sign-in try, kept in the database so throttling holds across worker processes."""
    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_username_created", "username", "created_at"),
        Index("ix_login_attempt_address_created", "address", "created_at"),
    )


def user_by_username(username):
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


