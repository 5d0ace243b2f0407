"""Cuộc họp Hội đồng: the details the minutes print (time, place, who chaired, who sat, the votes),
and the certificates issued with their numbers."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.timeutil import utcnow
from portal.extensions import db


class CouncilMeeting(db.Model):
    """One meeting of a year's council, entered by its secretary."""
    __tablename__ = "council_meeting"
    __table_args__ = (Index("ix_council_meeting_year_sequence", "year", "sequence", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    # "Số 2/BB-HĐSK": the meeting's place among the year's meetings, numbered when it is first
    # recorded, with the organisation's minutes suffix of that day; a later edit keeps it.
    sequence: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column()  # local wall-clock time, as typed and printed
    place: Mapped[str] = mapped_column(String(300))
    chair_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    chair = relationship("User", foreign_keys=[chair_id])
    secretary = relationship("User", foreign_keys=[secretary_id])
    attendance = relationship("MeetingAttendance", cascade="all, delete-orphan", order_by="MeetingAttendance.user_id")
    votes = relationship("MeetingVote", cascade="all, delete-orphan", order_by="MeetingVote.initiative_id")

    def vote_of(self, initiative_id):
        return next((v for v in self.votes if v.initiative_id == initiative_id), None)

    @property
    def present_ids(self):
        return {a.user_id for a in self.attendance if a.present}


class MeetingAttendance(db.Model):
    """A member of the year's council at the meeting: present or absent."""
    __tablename__ = "meeting_attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    present: Mapped[bool] = mapped_column(default=True)

    user = relationship("User", lazy="joined")


class MeetingVote(db.Model):
    """The council's vote on one initiative at the meeting (đồng ý / không đồng ý / không biểu quyết)."""
    __tablename__ = "meeting_vote"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id", ondelete="CASCADE"), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    votes_abstain: Mapped[int] = mapped_column(default=0)

    @property
    def text(self):
        return f"{self.votes_for}/{self.votes_against}/{self.votes_abstain}"


class IssuedCertificate(db.Model):
    """A certificate's number, fixed when it is first issued ("Số 3/GCN-VKS"): reprints keep it."""
    __tablename__ = "issued_certificate"
    __table_args__ = (UniqueConstraint("year", "sequence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    year: Mapped[int] = mapped_column()
    sequence: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
