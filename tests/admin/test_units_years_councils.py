"""Units, years with their deadlines, councils and their members."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.auth.models import Unit, UnitKind
from portal.core.timeutil import today as portal_today
from portal.council.models import Council, CouncilMember, CouncilRole, council_for
from portal.extensions import db
from portal.years.models import Year
from portal.years.services import ensure_year

YEAR = portal_today().year


def unit_count():
    return db.session.execute(select(func.count(Unit.id))).scalar_one()


# -- units -------------------------------------------------------------------

def test_create_and_edit_unit(admin_client, admin, audit_events):
    response = admin_client.post("/admin/units/new", data={
        "name": "VKSND quận  Liên Chiểu", "kind": "district", "code": "LC", "active": "y"})
    assert response.status_code == 302
    unit = db.session.execute(select(Unit).where(Unit.code == "LC")).scalar_one()
    assert unit.name == "VKSND quận Liên Chiểu" and unit.kind == UnitKind.district and unit.active
    assert audit_events("admin.unit_created")[-1].actor_id == admin.id
    assert "VKSND quận Liên Chiểu" in admin_client.get("/admin/units").get_data(as_text=True)

    response = admin_client.post(f"/admin/units/{unit.id}", data={
        "name": "VKSND quận Liên Chiểu", "kind": "district", "code": "LCH"})
    assert response.status_code == 302
    db.session.refresh(unit)
    assert unit.code == "LCH" and not unit.active
    assert audit_events("admin.unit_updated")[-1].data["changes"] == {
        "code": ["LC", "LCH"], "active": [True, False]}


@pytest.mark.parametrize("data,message", [
    ({"name": "", "kind": "district"}, "Vui lòng nhập tên đơn vị."),
    ({"name": "Phòng Tổng hợp", "kind": "district"}, "Đã có đơn vị tên “Phòng Tổng hợp”."),
    ({"name": "PHÒNG TỔNG HỢP", "kind": "district"}, "Đã có đơn vị tên “PHÒNG TỔNG HỢP”."),
    ({"name": "Mới", "kind": "district", "code": "th"}, "Mã đơn vị “th” đã được dùng cho “Phòng Tổng hợp”."),
    ({"name": "Mới", "kind": "galaxy"}, "Loại đơn vị không hợp lệ."),
    ({"name": "Mới", "kind": "district", "code": "mã có dấu"}, "Mã chỉ gồm chữ không dấu"),
])
def test_bad_unit_is_refused(admin_client, make_unit, audit_count, data, message):
    office = make_unit("Phòng Tổng hợp")
    office.code = "TH"
    db.session.commit()
    before, events = unit_count(), audit_count()
    response = admin_client.post("/admin/units/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert unit_count() == before and audit_count() == events


def test_unknown_unit_is_404(admin_client):
    assert admin_client.get("/admin/units/9999").status_code == 404


# -- years -------------------------------------------------------------------

WINDOWS = {"filing_window_days": "365", "decision_due_days": "90", "similarity_percent": "80"}

def test_create_and_edit_year(admin_client, admin, audit_events):
    response = admin_client.post("/admin/years/new", data={
        "year": "2030", "registration_deadline": "2030-01-31", "submission_deadline": "2030-10-31",
        "review_deadline": "2030-12-15", "commendation_deadline": "2031-03-10", "note": "Ghi chú",
        "is_open": "y", **WINDOWS, "filing_window_days": "30"})
    assert response.status_code == 302
    year = db.session.get(Year, 2030)
    assert year.commendation_deadline == date(2031, 3, 10) and year.is_open
    assert year.filing_window_days == 30 and year.decision_due_days == 90
    assert audit_events("admin.year_created")[-1].data["year"] == 2030
    page = admin_client.get("/admin/years").get_data(as_text=True)
    assert "10/03/2031" in page

    response = admin_client.post("/admin/years/2030", data={
        "registration_deadline": "2030-02-15", "submission_deadline": "2030-10-31",
        "review_deadline": "2030-12-15", "commendation_deadline": "2031-03-10", **WINDOWS})
    assert response.status_code == 302
    db.session.refresh(year)
    assert year.registration_deadline == date(2030, 2, 15) and not year.is_open
    event = audit_events("admin.year_updated")[-1]
    assert event.actor_id == admin.id and event.data["changes"]["registration_deadline"] == [
        "2030-01-31", "2030-02-15"]


@pytest.mark.parametrize("data,message", [
    ({"year": ""}, "Vui lòng nhập năm."),
    ({"year": "1850"}, "Năm phải trong khoảng 2000–2100."),
    ({"year": str(YEAR)}, f"Năm {YEAR} đã có."),
    ({"year": "2031", "submission_deadline": "2031-10-31", "review_deadline": "2031-01-01"},
     "Hạn thẩm định không được trước hạn nộp đơn sáng kiến."),
    ({"year": "2031", "filing_window_days": "0"}, "Từ 1 đến 3650 ngày."),
    ({"year": "2031", "decision_due_days": ""}, "Cần nhập số ngày."),
])
def test_bad_year_is_refused(admin_client, audit_count, data, message):
    ensure_year(YEAR)
    db.session.commit()
    events = audit_count()
    response = admin_client.post("/admin/years/new", data={**WINDOWS, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert audit_count() == events
    assert db.session.get(Year, 2031) is None


# -- councils ------------------------------------------------------------------

@pytest.fixture
def year():
    ensure_year(YEAR)
    db.session.commit()
    return YEAR


def test_establish_council_and_record_the_decision(admin_client, admin, year, audit_events):
    assert "Thành lập Hội đồng" in admin_client.get(f"/admin/councils/{year}").get_data(as_text=True)
    response = admin_client.post(f"/admin/councils/{year}", data={
        "name": f"Hội đồng Sáng kiến năm {year}", "decision_no": "15/QĐ-VKS", "decision_date": f"{year}-01-15"})
    assert response.status_code == 302
    council = council_for(year)
    assert council.decision_no == "15/QĐ-VKS" and council.decision_date == date(year, 1, 15)
    assert audit_events("admin.council_created")[-1].actor_id == admin.id
    assert audit_events("admin.council_updated")[-1].data["changes"]["decision_no"] == ["", "15/QĐ-VKS"]


def test_council_of_an_unknown_year_is_404(admin_client):
    assert admin_client.get("/admin/councils/1999").status_code == 404


def test_add_and_remove_members_one_chair_one_secretary(admin_client, admin, year, make_user, audit_events):
    chair, other, secretary = make_user("ct"), make_user("ct2"), make_user("tk")

    def add(user, role):
        return admin_client.post(f"/admin/councils/{year}/members", data={"m-user": str(user.id), "m-role": role})

    assert add(chair, "chair").status_code == 302
    assert add(secretary, "secretary").status_code == 302
    refused = add(other, "chair")
    assert refused.status_code == 422
    assert f"Hội đồng năm {year} đã có Chủ tịch." in refused.get_data(as_text=True)
    again = add(chair, "member")
    assert again.status_code == 422 and "đã là thành viên" in again.get_data(as_text=True)
    assert add(other, "galaxy").status_code == 422
    assert admin_client.post(f"/admin/councils/{year}/members",
                             data={"m-user": "99999", "m-role": "member"}).status_code == 422
    db.session.expire_all()
    council = council_for(year)
    assert {(m.user_id, m.role) for m in council.members} == {
        (chair.id, CouncilRole.chair), (secretary.id, CouncilRole.secretary)}
    assert audit_events("admin.council_member_added")[-1].actor_id == admin.id

    page = admin_client.get(f"/admin/councils/{year}").get_data(as_text=True)
    assert page.index(chair.full_name) < page.index(secretary.full_name)
    member = next(m for m in council.members if m.user_id == chair.id)
    assert admin_client.post(f"/admin/councils/{year}/members/{member.id}/remove").status_code == 302
    assert add(other, "chair").status_code == 302  # the chair's seat is free again
    assert audit_events("admin.council_member_removed")[-1].data["user_id"] == chair.id


def test_remove_member_of_another_year_is_404(admin_client, year, make_user):
    make_user("tv", council="member", year=year)
    member = db.session.execute(select(CouncilMember)).scalar_one()
    assert admin_client.post(f"/admin/councils/{year - 1}/members/{member.id}/remove").status_code == 404
    assert db.session.execute(select(func.count(Council.id))).scalar_one() == 1


def test_council_list_shows_chair_and_secretary(admin_client, year, make_user):
    make_user("ct", full_name="Nguyễn Chủ Tịch", council="chair", year=year)
    make_user("tk", full_name="Trần Thư Ký", council="secretary", year=year)
    page = admin_client.get("/admin/councils").get_data(as_text=True)
    assert "Nguyễn Chủ Tịch" in page and "Trần Thư Ký" in page
