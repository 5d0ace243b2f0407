"""The council's deliberation on an initiative: its private discussion (thảo luận), the
conclusion (kết luận) the secretary drafts and the chair approves, and the thread where the
authors answer a return (trao đổi về yêu cầu bổ sung)."""
import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.timeutil import utcnow
from portal.extensions import db


class Thread(enum.StrEnum):
    council = "council"  # the year's officers and the reviewers whose sheet is in; never the authors
    authors = "authors"  # the authors and the secretary, about a return for completion


class DiscussionPost(db.Model):
    """One message of a thread about an initiative (Markdown, rendered sanitised)."""
    __tablename__ = "discussion_post"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    thread: Mapped[Thread] = mapped_column(Enum(Thread, native_enum=False, length=16))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    round: Mapped[int] = mapped_column(default=0)  # the appraisal round it was written in
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")

    __table_args__ = (Index("ix_discussion_post_initiative_thread", "initiative_id", "thread", "id"),)


class ConclusionStatus(enum.StrEnum):
    draft = "draft"          # the secretary is writing it
    pending = "pending"      # sent to the chair for approval
    sent_back = "sent_back"  # the chair asked for changes (with a note)
    approved = "approved"    # the authors receive it with the decision


CONCLUSION_STATUS_LABELS = {
    ConclusionStatus.draft: "Bản nháp của Thư ký",
    ConclusionStatus.pending: "Chờ Chủ tịch Hội đồng duyệt",
    ConclusionStatus.sent_back: "Chủ tịch Hội đồng yêu cầu sửa",
    ConclusionStatus.approved: "Đã được Chủ tịch Hội đồng duyệt",
}


class CouncilConclusion(db.Model):
    """Kết luận của Hội đồng on one round of an initiative's appraisal."""
    __tablename__ = "council_conclusion"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ConclusionStatus] = mapped_column(
        Enum(ConclusionStatus, native_enum=False, length=16), default=ConclusionStatus.draft)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    drafted_at: Mapped[datetime | None]
    chair_note: Mapped[str] = mapped_column(Text, default="")  # why the chair sent it back
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]

    drafted_by = relationship("User", foreign_keys=[drafted_by_id], lazy="joined")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")

    __table_args__ = (UniqueConstraint("initiative_id", "round", name="uq_council_conclusion_round"),)

    @property
    def status_label(self):
        return CONCLUSION_STATUS_LABELS[self.status]

    @property
    def approved(self):
        return self.status == ConclusionStatus.approved

    @property
    def pending(self):
        return self.status == ConclusionStatus.pending

    @property
    def sent_back(self):
        return self.status == ConclusionStatus.sent_back
