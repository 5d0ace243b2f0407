"""The initiative (sáng kiến), its authors, frozen versions and attachments."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.rules import SECTIONS
from portal.initiatives.workflow import (
    LEVEL_LABELS,
    NATIONAL_STATUS_LABELS,
    SECTOR_STATUS_LABELS,
    STATUS_LABELS,
    Level,
    SectorStatus,
    Status,
    waiting_for,
)


class Form(enum.StrEnum):
    solution = "solution"  # giải pháp
    project = "project"    # đề án / đề tài
    thematic = "thematic"  # chuyên đề


FORM_LABELS = {
    Form.solution: "Giải pháp",
    Form.project: "Đề án, đề tài",
    Form.thematic: "Chuyên đề",
}

# Default list of fields of work (lĩnh vực); admin-editable afterwards.
DEFAULT_FIELDS = [
    ("criminal", "Hình sự"),
    ("civil", "Dân sự"),
    ("administrative", "Hành chính"),
    ("commercial", "Kinh doanh thương mại"),
    ("labour", "Lao động"),
    ("enforcement", "Thi hành án"),
    ("it", "Công nghệ thông tin"),
    ("personnel", "Tổ chức cán bộ"),
    ("office", "Văn phòng – tổng hợp"),
    ("other", "Khác"),
]


def _enum(cls, length=16):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Field(db.Model):
    """Lĩnh vực công tác."""
    __tablename__ = "field"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Initiative(db.Model):
    __tablename__ = "initiative"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id"), index=True)
    form: Mapped[Form] = mapped_column(_enum(Form), default=Form.solution)
    year: Mapped[int] = mapped_column(index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    requested_level: Mapped[Level] = mapped_column(_enum(Level), default=Level.grassroots)
    first_applied_on: Mapped[date | None]       # ngày áp dụng lần đầu / áp dụng thử
    summary: Mapped[str] = mapped_column(Text, default="")          # tóm tắt
    current_state: Mapped[str] = mapped_column(Text, default="")    # thực trạng, nhược điểm
    solution: Mapped[str] = mapped_column(Text, default="")         # nội dung giải pháp
    conditions: Mapped[str] = mapped_column(Text, default="")       # điều kiện áp dụng
    benefits: Mapped[str] = mapped_column(Text, default="")         # hiệu quả
    # ND 13/2012 Điều 3 excludes solutions under IP protection; Quy chế 619/QĐ-VKSTC wants one
    # "đã được áp dụng trong thực tiễn": both are asked, and screening flags them.
    ip_protected: Mapped[bool] = mapped_column(default=False)       # đang được bảo hộ sở hữu trí tuệ
    trial_only: Mapped[bool] = mapped_column(default=False)         # mới áp dụng thử
    confidential_info: Mapped[str] = mapped_column(Text, default="")  # thông tin cần được bảo mật
    trial_users: Mapped[str] = mapped_column(Text, default="")      # người tham gia áp dụng thử, one a line
    trial_assessment: Mapped[str] = mapped_column(Text, default="")  # their assessment of the benefit
    # Điều 7.1: when the authors ask for a first application, the three months run from its end.
    first_application_requested: Mapped[bool] = mapped_column(default=False)
    first_application_ended_on: Mapped[date | None]

    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.draft, index=True)
    round: Mapped[int] = mapped_column(default=0)  # appraisal round; a return for revision opens a new one
    return_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]          # the latest submission
    first_submitted_at: Mapped[datetime | None]    # the filing (Điều 5.2 counts to it)
    accepted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    # Grassroots decision of the city procuracy (quyết định công nhận cấp cơ sở).
    level: Mapped[Level | None] = mapped_column(_enum(Level))
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # Sector level (VKSND tối cao) and nationwide effect.
    sector_status: Mapped[SectorStatus | None] = mapped_column(_enum(SectorStatus))
    sector_decision_no: Mapped[str] = mapped_column(String(64), default="")
    sector_decision_date: Mapped[date | None]
    national_status: Mapped[SectorStatus | None] = mapped_column(_enum(SectorStatus))
    national_decision_no: Mapped[str] = mapped_column(String(64), default="")
    national_decision_date: Mapped[date | None]

    field = relationship("Field", lazy="joined")
    unit = relationship("Unit", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    authors = relationship(
        "InitiativeAuthor", back_populates="initiative", cascade="all, delete-orphan",
        order_by="InitiativeAuthor.position", lazy="selectin",
    )
    versions = relationship(
        "InitiativeVersion", back_populates="initiative", cascade="all, delete-orphan",
        order_by="InitiativeVersion.number",
    )
    attachments = relationship(
        "Attachment", back_populates="initiative", cascade="all, delete-orphan",
        order_by="Attachment.id",
    )

    __table_args__ = (Index("ix_initiative_year_status", "year", "status"),)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def form_label(self):
        return FORM_LABELS[self.form]

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level] if self.level else ""

    @property
    def sector_status_label(self):
        return SECTOR_STATUS_LABELS[self.sector_status] if self.sector_status else ""

    @property
    def national_status_label(self):
        return NATIONAL_STATUS_LABELS[self.national_status] if self.national_status else ""

    @property
    def requested_level_label(self):
        return LEVEL_LABELS[self.requested_level]

    @property
    def waiting_for(self):
        """What the initiative waits for, as its authors see it (the dashboard's column)."""
        return waiting_for(self.status)

    @property
    def path(self):
        """Where a person follows this initiative (used in notifications, which have no request)."""
        return f"/my/initiatives/{self.id}"

    def sections(self):
        """The long sections of the application, in the order of the official form."""
        return [(key, label, getattr(self, key)) for key, label in SECTIONS.items()]

    def snapshot(self):
        """Every field, the authors and the attachment list, as frozen in a version."""
        return {
            "title": self.title,
            "field": self.field.code if self.field else None,
            "field_label": self.field.name if self.field else "",
            "form": self.form.value,
            "form_label": FORM_LABELS[self.form],
            "year": self.year,
            "unit": self.unit.code if self.unit else None,
            "unit_label": self.unit.name if self.unit else "",
            "requested_level": self.requested_level.value,
            "requested_level_label": LEVEL_LABELS[self.requested_level],
            "first_applied_on": self.first_applied_on.isoformat() if self.first_applied_on else None,
            "ip_protected": self.ip_protected,
            "trial_only": self.trial_only,
            "first_application_requested": self.first_application_requested,
            "summary": self.summary,
            "current_state": self.current_state,
            "solution": self.solution,
            "conditions": self.conditions,
            "benefits": self.benefits,
            "confidential_info": self.confidential_info,
            "trial_users": self.trial_users,
            "trial_assessment": self.trial_assessment,
            "authors": [a.as_dict() for a in self.authors],
            "attachments": [a.as_dict() for a in self.attachments],
        }

    @property
    def author_names(self):
        return [a.display_name for a in self.authors]

    def author_user_ids(self):
        """Staff accounts named on the initiative, whether or not they have confirmed yet."""
        return policy.named_ids(self)

    def is_named(self, user):
        """Named as an author (confirmed or invited): a conflict of interest for the council."""
        return bool(user and getattr(user, "id", None) in self.author_user_ids())

    def can(self, act, user):
        """May `user` do `act` (a policy.Act or workflow.Action) now? The policy decides."""
        return policy.can(user, act, self)

    def __repr__(self):
        return f"<Initiative {self.id} {self.status}>"


class InitiativeAuthor(db.Model):
    """An author: a staff account, or an outside co-author by name and workplace."""
    __tablename__ = "initiative_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    external_name: Mapped[str] = mapped_column(String(200), default="")
    external_workplace: Mapped[str] = mapped_column(String(300), default="")
    share: Mapped[int] = mapped_column(default=100)  # tỷ lệ đóng góp, %
    position: Mapped[int] = mapped_column(default=0)
    # A staff co-author named by someone else confirms before the initiative can be submitted;
    # False while the invitation waits. Outside co-authors (no account) need no confirmation.
    confirmed: Mapped[bool] = mapped_column(default=True)
    confirmed_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    initiative = relationship("Initiative", back_populates="authors")
    user = relationship("User", lazy="joined", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("initiative_id", "user_id", name="uq_initiative_author_user"),)

    @property
    def pending(self):
        return self.user_id is not None and not self.confirmed

    @property
    def display_name(self):
        return self.user.full_name if self.user else self.external_name

    @property
    def workplace(self):
        return self.user.unit.name if self.user else self.external_workplace

    @property
    def is_outside(self):
        return self.user_id is None

    def as_dict(self):
        if self.user:
            return {"username": self.user.username, "name": self.user.full_name,
                    "workplace": self.user.unit.name, "share": self.share}
        return {"name": self.external_name, "workplace": self.external_workplace, "share": self.share}


class InitiativeVersion(db.Model):
    """The content exactly as submitted; reviewers score a frozen version."""
    __tablename__ = "initiative_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    initiative = relationship("Initiative", back_populates="versions")
    submitted_by = relationship("User")

    __table_args__ = (UniqueConstraint("initiative_id", "number", name="uq_initiative_version_number"),)


class Attachment(db.Model):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # generated, never the user's
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative = relationship("Initiative", back_populates="attachments")

    def as_dict(self):
        return {"id": self.id, "name": self.original_name, "stored_name": self.stored_name,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


def fields_in_order(active_only=True):
    query = select(Field).order_by(Field.position, Field.name)
    if active_only:
        query = query.where(Field.active.is_(True))
    return list(db.session.execute(query).scalars())
