"""Thi đua records: titles awarded, disciplinary measures, registrations, article counts,
and the rule settings of each year. The eligibility engine (engine.py) reads them as
plain records; these are the rows they come from.
"""
import enum
from dataclasses import fields as dataclass_fields
from datetime import date, datetime

from sqlalchemy import Enum, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.timeutil import utcnow
from portal.emulation import engine
from portal.extensions import db


class Title(enum.StrEnum):
    advanced_worker = engine.ADVANCED_WORKER                 # Lao động tiên tiến
    emulation_soldier_grassroots = engine.GRASSROOTS         # Chiến sỹ thi đua cơ sở
    emulation_soldier_sector = engine.SECTOR                 # Chiến sỹ thi đua Ngành KSND
    emulation_soldier_national = engine.NATIONAL             # Chiến sỹ thi đua toàn quốc


class DisciplineLevel(enum.StrEnum):
    reprimand = "reprimand"   # khiển trách
    warning = "warning"       # cảnh cáo
    demotion = "demotion"     # giáng chức
    dismissal = "dismissal"   # cách chức


class RecognitionLevel(enum.StrEnum):
    grassroots = "grassroots"
    sector = "sector"
    national = "national"


TITLE_LABELS = engine.TITLE_LABELS
TITLE_SHORT_LABELS = {
    engine.ADVANCED_WORKER: "LĐTT",
    engine.GRASSROOTS: "CSTĐ cơ sở",
    engine.SECTOR: "CSTĐ Ngành",
    engine.NATIONAL: "CSTĐ toàn quốc",
}
DISCIPLINE_LABELS = {
    "reprimand": "Khiển trách",
    "warning": "Cảnh cáo",
    "demotion": "Giáng chức",
    "dismissal": "Cách chức",
}


def _enum(cls, length=40):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class TitleAward(db.Model):
    """A title awarded to a person for a year (danh hiệu thi đua), and the recognition it used."""
    __tablename__ = "title_award"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[Title] = mapped_column(_enum(Title))
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    # The initiative whose recognition (at level_used) supported the award.
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiative.id", ondelete="SET NULL"), index=True)
    level_used: Mapped[RecognitionLevel | None] = mapped_column(_enum(RecognitionLevel, 16))
    # Why it was recorded although the engine found the person not eligible, or
    # a lower title of the year only provisional, or LĐTT under a measure.
    reason: Mapped[str] = mapped_column(Text, default="")
    # The lower title of the same year that was only provisional when this was recorded.
    provisional_on: Mapped[Title | None] = mapped_column(_enum(Title))
    # Recorded before the "used once" rule without the recognition it used (initiative_id
    # null): until the officer names it, every recognition it may have used is blocked.
    use_unknown: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    initiative = relationship("Initiative")

    __table_args__ = (UniqueConstraint("user_id", "year", "title", name="uq_title_award_user_year_title"),)

    @property
    def title_label(self):
        return TITLE_LABELS[self.title]

    def as_record(self):
        return engine.TitleAward(
            self.user_id, self.year, str(self.title), self.initiative_id,
            str(self.level_used) if self.level_used else None,
            str(self.provisional_on) if self.provisional_on else None, bool(self.use_unknown))


class TitleRefusal(db.Model):
    """A title the emulation officer recorded as not awarded to a person for a year, with the reason."""
    __tablename__ = "title_refusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[Title] = mapped_column(_enum(Title))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("user_id", "year", "title", name="uq_title_refusal_user_year_title"),)

    @property
    def title_label(self):
        return TITLE_LABELS[self.title]

    def as_record(self):
        from portal.emulation.lower_titles import RefusedTitle

        return RefusedTitle(self.user_id, self.year, str(self.title), self.reason)


class Discipline(db.Model):
    """A disciplinary measure (kỷ luật) issued in a year; any of them excludes the titles.

    ``violation_year`` is the year of the violation when it is earlier than the
    measure (None: the same year): a measure for a violation that already cost
    LĐTT in its year is not counted again in the measure's year.
    """
    __tablename__ = "discipline"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    violation_year: Mapped[int | None]
    level: Mapped[DisciplineLevel] = mapped_column(_enum(DisciplineLevel, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])

    @property
    def level_label(self):
        return DISCIPLINE_LABELS[self.level]

    def as_record(self):
        return engine.Discipline(self.user_id, self.year, str(self.level), self.violation_year)


class ServiceRecord(db.Model):
    """Time served in a year (LĐTT): the recruitment date when recruited that year, months off work."""
    __tablename__ = "service_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    recruited_on: Mapped[date | None]
    leave_months: Mapped[float] = mapped_column(Float, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("user_id", "year", name="uq_service_record_user_year"),)

    def as_record(self):
        return engine.Service(self.user_id, self.year, self.recruited_on, float(self.leave_months or 0))


class Registration(db.Model):
    """The title a person aims for in a year (đăng ký danh hiệu thi đua); one per person and year."""
    __tablename__ = "registration"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[Title] = mapped_column(_enum(Title))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("user_id", "year", name="uq_registration_user_year"),)

    @property
    def title_label(self):
        return TITLE_LABELS[self.title]


class ArticleCount(db.Model):
    """News articles a person wrote for the website in a year (chỉ tiêu viết tin, bài)."""
    __tablename__ = "article_count"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    count: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("user_id", "year", name="uq_article_count_user_year"),)


SETTING_NAMES = tuple(f.name for f in dataclass_fields(engine.Settings))


class EmulationSettings(db.Model):
    """The emulation settings of one year (ELIGIBILITY.md), edited by the emulation officer.

    A year without a row uses the latest earlier year's, else the documented defaults.
    """
    __tablename__ = "emulation_settings"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    min_author_share: Mapped[float] = mapped_column(Float, default=0)
    allow_previous_year: Mapped[bool] = mapped_column(default=False)
    one_use_per_initiative: Mapped[bool] = mapped_column(default=True)
    coauthors_each_use: Mapped[bool] = mapped_column(default=True)
    article_quota: Mapped[int] = mapped_column(default=0)
    require_registration: Mapped[bool] = mapped_column(default=False)
    grassroots_cap_percent: Mapped[float] = mapped_column(Float, default=15)
    cap_minimum_one: Mapped[bool] = mapped_column(default=True)
    sector_consecutive_years: Mapped[int] = mapped_column(default=3)
    sector_cycle_years: Mapped[int] = mapped_column(default=3)
    national_in_following_year: Mapped[bool] = mapped_column(default=True)
    min_service_months: Mapped[int] = mapped_column(default=6)
    leave_flag_months: Mapped[int] = mapped_column(default=3)
    discipline_counted_once: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    updated_by = relationship("User")

    def values(self):
        return {name: getattr(self, name) for name in SETTING_NAMES}

    def to_engine(self):
        data = self.values()
        for name in engine.Settings.BOOLEANS:
            data[name] = bool(data[name])
        for name in ("article_quota", "sector_consecutive_years", "sector_cycle_years",
                     "min_service_months", "leave_flag_months"):
            data[name] = int(data[name])
        for name in ("min_author_share", "grassroots_cap_percent"):
            data[name] = float(data[name])
        return engine.Settings(**data)
