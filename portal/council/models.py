"""Hội đồng Sáng kiến: one council per year, established by a decision, and its members."""
import enum
from datetime import date

from flask import g, has_request_context
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class CouncilRole(enum.StrEnum):
    chair = "chair"            # Chủ tịch Hội đồng
    vice_chair = "vice_chair"  # Phó Chủ tịch
    secretary = "secretary"    # Thư ký / Thường trực
    member = "member"          # Thành viên


COUNCIL_ROLE_LABELS = {
    CouncilRole.chair: "Chủ tịch Hội đồng",
    CouncilRole.vice_chair: "Phó Chủ tịch Hội đồng",
    CouncilRole.secretary: "Thư ký Hội đồng",
    CouncilRole.member: "Thành viên Hội đồng",
}


class Council(db.Model):
    __tablename__ = "council"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(300), default="Hội đồng Sáng kiến")
    decision_no: Mapped[str] = mapped_column(String(64), default="")  # số quyết định thành lập
    decision_date: Mapped[date | None]

    members = relationship(
        "CouncilMember", back_populates="council", cascade="all, delete-orphan",
        order_by="CouncilMember.id",
    )


class CouncilMember(db.Model):
    __tablename__ = "council_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[CouncilRole] = mapped_column(Enum(CouncilRole, native_enum=False, length=16))

    council = relationship("Council", back_populates="members")
    user = relationship("User", lazy="joined")

    __table_args__ = (UniqueConstraint("council_id", "user_id", name="uq_council_member_user"),)

    @property
    def role_label(self):
        return COUNCIL_ROLE_LABELS[self.role]


def council_roles_of(user_id):
    """{year: role} for one user, looked up once per request."""
    cache = g.setdefault("_council_roles", {}) if has_request_context() else {}
    if user_id not in cache:
        rows = db.session.execute(
            select(Council.year, CouncilMember.role)
            .join(CouncilMember.council)
            .where(CouncilMember.user_id == user_id)
        ).all()
        cache[user_id] = {year: str(role) for year, role in rows}
    return cache[user_id]


def council_for(year):
    return db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
