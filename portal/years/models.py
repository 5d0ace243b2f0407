"""Years of the emulation cycle and their deadlines."""
from datetime import date

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import today
from portal.extensions import db


class Year(db.Model):
    """One emulation year (năm thi đua) with its own deadlines."""
    __tablename__ = "year"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    registration_deadline: Mapped[date | None]    # hạn đăng ký danh hiệu thi đua
    submission_deadline: Mapped[date | None]      # hạn nộp đơn sáng kiến
    review_deadline: Mapped[date | None]          # hạn Hội đồng thẩm định
    commendation_deadline: Mapped[date | None]    # hạn nộp hồ sơ khen thưởng (10/3 in the seed)
    note: Mapped[str] = mapped_column(String(500), default="")
    is_open: Mapped[bool] = mapped_column(default=True)


def current_year():
    return today().year


def known_years():
    """Years on record, newest first (falls back to the calendar year)."""
    years = list(db.session.execute(select(Year.year).order_by(Year.year.desc())).scalars())
    return years or [current_year()]
