"""Years of the emulation cycle: their deadlines and the appraisal windows that go with them."""
from datetime import date

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import today
from portal.extensions import db

# ND 13/2012/NĐ-CP Điều 5.2 (a filing within a year of the first application) and Điều 7.1 (a
# decision within three months); the re-recognition check's similarity (an internal setting).
FILING_WINDOW_DAYS = 365
DECISION_DUE_DAYS = 90
SIMILARITY_PERCENT = 80


class Year(db.Model):
    """One emulation year (năm thi đua) with its own deadlines and appraisal windows."""
    __tablename__ = "year"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    registration_deadline: Mapped[date | None]    # hạn đăng ký danh hiệu thi đua
    submission_deadline: Mapped[date | None]      # hạn nộp đơn sáng kiến
    review_deadline: Mapped[date | None]          # hạn Hội đồng thẩm định
    commendation_deadline: Mapped[date | None]    # hạn nộp hồ sơ khen thưởng (10/3 in the seed)
    note: Mapped[str] = mapped_column(String(500), default="")
    is_open: Mapped[bool] = mapped_column(default=True)  # takes submissions (with its deadline)
    filing_window_days: Mapped[int] = mapped_column(default=FILING_WINDOW_DAYS)
    decision_due_days: Mapped[int] = mapped_column(default=DECISION_DUE_DAYS)
    similarity_percent: Mapped[int] = mapped_column(default=SIMILARITY_PERCENT)
    # Who signs the year's decisions and certificates (Thủ trưởng đơn vị, ND 13/2012 Điều 7): the
    # head of unit that year and the deputy signing "KT." on the head's behalf. Blank: the
    # organisation's settings. Kept per year so that a decision reprinted later keeps its signer.
    head_title: Mapped[str] = mapped_column(String(100), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    deputy_title: Mapped[str] = mapped_column(String(100), default="")
    deputy_name: Mapped[str] = mapped_column(String(200), default="")


def current_year():
    return today().year


def known_years():
    """Years on record, newest first (falls back to the calendar year)."""
    years = list(db.session.execute(select(Year.year).order_by(Year.year.desc())).scalars())
    return years or [current_year()]
