"""Time served in a year, for Lao động tiên tiến (TT 02/2024/TT-VKSTC): the recruitment date when
recruited that year and the months off work. The engine flags what falls short
(``min_service_months``, ``leave_flag_months``); the officer judges the texts' exceptions.
Pages and the API call these same operations; each is audited.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from portal.auth.models import User
from portal.core import audit
from portal.core.timeutil import today
from portal.emulation.models import ServiceRecord
from portal.emulation.operations import _require_officer, parse_year, refused
from portal.extensions import db


def service_json(row):
    """A time-served record as the API shows it."""
    return {"id": row.id, "username": row.user.username, "year": row.year,
            "recruited_on": row.recruited_on.isoformat() if row.recruited_on else None,
            "leave_months": float(row.leave_months or 0), "note": row.note}


def services_of_year(year):
    """The time-served records of ``year``, in the order they were made."""
    year = parse_year(year)
    return list(db.session.execute(
        select(ServiceRecord).options(selectinload(ServiceRecord.user).options(lazyload(User.role_rows)))
        .where(ServiceRecord.year == year).order_by(ServiceRecord.id)).scalars())


def record_service(user, year, *, actor, recruited_on=None, leave_months=0, note=""):
    """Set the time ``user`` served in ``year`` (recruitment date, months off work) for LĐTT."""
    _require_officer(actor)
    year = parse_year(year)
    if recruited_on is not None and not isinstance(recruited_on, date):
        try:
            recruited_on = date.fromisoformat(str(recruited_on).strip())
        except ValueError:
            raise refused(422, "Ngày tuyển dụng phải có dạng YYYY-MM-DD.", "invalid", "recruited_on") from None
    if recruited_on is not None and recruited_on > today():
        raise refused(422, "Ngày tuyển dụng không thể ở tương lai.", "invalid", "recruited_on")
    try:
        leave = float(str(leave_months if leave_months not in (None, "") else 0).replace(",", "."))
    except ValueError:
        raise refused(422, "Số tháng nghỉ phải là một số từ 0 đến 12.", "invalid", "leave_months") from None
    if not 0 <= leave <= 12:
        raise refused(422, "Số tháng nghỉ phải là một số từ 0 đến 12.", "invalid", "leave_months")
    row = db.session.execute(
        select(ServiceRecord).where(ServiceRecord.user_id == user.id, ServiceRecord.year == year)
    ).scalar_one_or_none()
    before = {"recruited_on": row.recruited_on.isoformat() if row and row.recruited_on else None,
              "leave_months": row.leave_months} if row else None
    if row is None:
        row = ServiceRecord(user_id=user.id, year=year)
        db.session.add(row)
    row.recruited_on, row.leave_months, row.note = recruited_on, leave, (note or "").strip()
    row.recorded_by_id = actor.id
    db.session.flush()
    audit.record("emulation.service_recorded", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "before": before,
                       "recruited_on": recruited_on.isoformat() if recruited_on else None,
                       "leave_months": leave, "note": row.note},
                 summary=f"Thời gian công tác {year}: {user.full_name}")
    return row


def delete_service(row, *, actor):
    """Remove the time-served record of a person and year (audited with what it held)."""
    _require_officer(actor)
    data = {"user_id": row.user_id, "year": row.year,
            "recruited_on": row.recruited_on.isoformat() if row.recruited_on else None,
            "leave_months": row.leave_months, "note": row.note}
    db.session.delete(row)
    db.session.flush()
    audit.record("emulation.service_deleted", actor=actor, object_type="service_record", object_id=row.id,
                 data=data, summary=f"Xóa thời gian công tác {row.year}")
