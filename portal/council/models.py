"""Hội đồng Sáng kiến: the council of each year and its members; the rubric, assignments,
reviews (phiếu chấm) and decisions of the appraisal."""
import enum
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.i18n import translate
from portal.core.phrases import Phrase
from portal.core.timeutil import utcnow
from portal.council.scoring import CriterionSpec, Thresholds
from portal.extensions import db
from portal.initiatives.workflow import Action


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


# The name a council is given when nobody names it: Vietnamese in the data and the documents,
# shown in the reader's language on pages.
DEFAULT_NAME = "Hội đồng Sáng kiến năm %(year)s"


def default_name(year):
    return Phrase(DEFAULT_NAME, year=year)


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

    @property
    def label(self):
        """The name as a page shows it: the default name in the page's language, any other as given."""
        default = default_name(self.year)
        return translate(default) if self.name == default else self.name


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


def council_for(year):
    return db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()


DEFAULT_CRITERIA = [
    # code, name, guidance, max
    ("novelty", "Tính mới",
     "Giải pháp chưa được áp dụng tại đơn vị, không trùng với sáng kiến đã được công nhận; "
     "0 điểm khi không có yếu tố mới.", 30),
    ("applicability", "Khả năng áp dụng",
     "Có thể áp dụng, nhân rộng trong công tác kiểm sát; điều kiện áp dụng rõ ràng, khả thi.", 30),
    ("effectiveness", "Hiệu quả",
     "Lợi ích đạt được hoặc dự kiến: nâng cao chất lượng, rút ngắn thời gian, giảm sai sót, "
     "tiết kiệm chi phí.", 40),
]


class Rubric(db.Model):
    """Bộ tiêu chí chấm điểm of one year, with its thresholds."""
    __tablename__ = "rubric"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    recognition_threshold: Mapped[int] = mapped_column(default=50)
    sector_threshold: Mapped[int] = mapped_column(default=80)
    # Share of "đạt" recommendations needed, kept as a fraction so 2 of 3 is exactly 2/3.
    approval_numerator: Mapped[int] = mapped_column(default=2)
    approval_denominator: Mapped[int] = mapped_column(default=3)
    novelty_zero_rule: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    criteria = relationship(
        "Criterion", back_populates="rubric", cascade="all, delete-orphan",
        order_by="Criterion.position", lazy="selectin",
    )

    @property
    def approval_fraction(self):
        return Fraction(self.approval_numerator, self.approval_denominator)

    @property
    def max_total(self):
        return sum(c.max_score for c in self.criteria)

    def specs(self):
        return [c.spec() for c in self.criteria]

    def thresholds(self):
        return Thresholds(recognition=self.recognition_threshold, sector=self.sector_threshold,
                          approval=self.approval_fraction, novelty_zero_rule=self.novelty_zero_rule)


class Criterion(db.Model):
    __tablename__ = "criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    min_score: Mapped[int] = mapped_column(default=0)
    max_score: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    rubric = relationship("Rubric", back_populates="criteria")

    __table_args__ = (UniqueConstraint("rubric_id", "code", name="uq_criterion_rubric_code"),)

    def spec(self):
        return CriterionSpec(self.code, self.name, self.max_score, self.min_score)


class AssignmentStatus(enum.StrEnum):
    active = "active"
    recused = "recused"      # the reviewer stepped aside, with a reason
    withdrawn = "withdrawn"  # taken back by the secretary, or when the reviewer left the council


class ReviewAssignment(db.Model):
    """A council member asked to score one initiative in one appraisal round."""
    __tablename__ = "review_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("initiative_version.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date | None]
    status: Mapped[AssignmentStatus] = mapped_column(
        Enum(AssignmentStatus, native_enum=False, length=16), default=AssignmentStatus.active)
    same_unit: Mapped[bool] = mapped_column(default=False)  # warned when assigned
    recusal_reason: Mapped[str] = mapped_column(Text, default="")
    recused_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    initiative = relationship("Initiative")
    reviewer = relationship("User", foreign_keys=[reviewer_id], lazy="joined")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
    version = relationship("InitiativeVersion")
    review = relationship("Review", back_populates="assignment", uselist=False, lazy="selectin")

    __table_args__ = (Index("ix_review_assignment_initiative_round", "initiative_id", "round"),)

    @property
    def is_active(self):
        return self.status == AssignmentStatus.active

    @property
    def is_recused(self):
        return self.status == AssignmentStatus.recused

    @property
    def is_withdrawn(self):
        return self.status == AssignmentStatus.withdrawn

    @property
    def submitted(self):
        return self.review is not None and self.review.status == ReviewStatus.submitted


class ReviewStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    reopened = "reopened"  # opened again by the secretary; the reviewer edits and submits anew


REVIEW_STATUS_LABELS = {
    ReviewStatus.draft: "Đang chấm (bản nháp)",
    ReviewStatus.submitted: "Đã nộp phiếu",
    ReviewStatus.reopened: "Được mở lại để chấm lại",
}

RECOMMENDATION_LABELS = {"pass": "Đạt", "fail": "Không đạt"}


class Review(db.Model):
    """Phiếu chấm điểm: one reviewer's scores of the frozen version they were assigned."""
    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignment.id", ondelete="CASCADE"), unique=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("initiative_version.id"))
    status: Mapped[ReviewStatus] = mapped_column(
        Enum(ReviewStatus, native_enum=False, length=16), default=ReviewStatus.draft)
    recommendation: Mapped[str | None] = mapped_column(String(8))  # "pass" (đạt) / "fail"
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]

    assignment = relationship("ReviewAssignment", back_populates="review")
    reviewer = relationship("User", lazy="joined")
    version = relationship("InitiativeVersion")
    scores = relationship("ReviewScore", back_populates="review", cascade="all, delete-orphan",
                          lazy="selectin", order_by="ReviewScore.id")

    @property
    def status_label(self):
        return REVIEW_STATUS_LABELS[self.status]

    @property
    def reopened(self):
        return self.status == ReviewStatus.reopened

    @property
    def recommendation_label(self):
        return RECOMMENDATION_LABELS.get(self.recommendation or "", "")

    def score_map(self):
        return {s.criterion_code: s.score for s in self.scores}

    def comment_map(self):
        return {s.criterion_code: s.comment for s in self.scores}

    @property
    def total(self):
        return sum(s.score for s in self.scores if s.score is not None)


class ReviewScore(db.Model):
    __tablename__ = "review_score"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    criterion_code: Mapped[str] = mapped_column(String(32))
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    review = relationship("Review", back_populates="scores")

    __table_args__ = (UniqueConstraint("review_id", "criterion_id", name="uq_review_score_criterion"),)


OUTCOMES = ("recognized", "rejected", "returned")
OUTCOME_LABELS = {"recognized": "Công nhận sáng kiến cấp cơ sở", "rejected": "Không công nhận",
                  "returned": "Trả lại để hoàn thiện (vòng thẩm định mới)"}
OUTCOME_ACTIONS = {"recognized": Action.recognize, "rejected": Action.reject, "returned": Action.return_}


class CouncilDecision(db.Model):
    """One decision of the council on an initiative in a round (kept for every round)."""
    __tablename__ = "council_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))     # recognized / rejected / returned
    suggested: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None]
    mean_total: Mapped[float | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by = relationship("User")

    @property
    def overruled(self):
        return self.outcome != self.suggested

    @property
    def outcome_label(self):
        return OUTCOME_LABELS.get(self.outcome, self.outcome)
