"""Issue 13: an author's date of birth and qualification (trình độ chuyên môn), printed in the
application form, set by the person on their account page or by an admin on the user form;
audited, refused beside the field."""
from datetime import date, timedelta

import pytest

from portal.core.audit import AuditEvent
from portal.core.timeutil import today
from portal.extensions import db


@pytest.fixture
def person(make_user):
    return make_user("ksv.hoa", full_name="Đỗ Thị Hoa")


def test_the_person_sets_them_on_the_account_page(client, person):
    client.login(person)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="profile-birth_date"' in page and 'name="profile-qualification"' in page
    response = client.post("/account", data={"profile-birth_date": "1988-07-21",
                                             "profile-qualification": "Thạc sĩ  Luật"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (person.birth_date, person.qualification) == (date(1988, 7, 21), "Thạc sĩ Luật")
    event = db.session.query(AuditEvent).filter(AuditEvent.action == "auth.profile_updated").one()
    assert event.actor_id == person.id and event.data["changes"]["qualification"] == ["", "Thạc sĩ Luật"]
    assert 'value="1988-07-21"' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"profile-birth_date": (today() + timedelta(days=1)).isoformat(), "profile-qualification": "Cử nhân"},
     "Ngày sinh phải trước ngày hôm nay và sau năm 1900."),
    ({"profile-birth_date": "ngày mai", "profile-qualification": "Cử nhân"}, "Not a valid date value."),
    ({"profile-birth_date": "", "profile-qualification": "x" * 201}, "Tối đa 200 ký tự."),
])
def test_a_wrong_value_is_refused_beside_the_field(client, person, data, message):
    client.login(person)
    response = client.post("/account", data=data, headers={"Referer": "http://localhost/account"})
    if response.status_code == 303:  # refused by the operation: back to the form (post/redirect/get)
        response = client.get(response.headers["Location"])
    else:  # refused by the form itself
        assert response.status_code == 422
    html = response.get_data(as_text=True)
    at = html.rindex(message) if message in html else -1
    assert at > 0, html[:3000]
    db.session.expire_all()
    assert person.birth_date is None and person.qualification == ""


def test_an_admin_sets_them_on_the_user_form(client, person, make_user):
    admin = make_user("quantri", roles=("admin",))
    client.login(admin)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert 'name="birth_date"' in page and 'name="qualification"' in page
    response = client.post(f"/admin/users/{person.id}", data={
        "full_name": person.full_name, "unit": str(person.unit_id), "position": "Kiểm sát viên",
        "birth_date": "1979-01-02", "qualification": "Cử nhân Luật"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert (person.birth_date, person.qualification) == (date(1979, 1, 2), "Cử nhân Luật")
    event = db.session.query(AuditEvent).filter(AuditEvent.action == "auth.profile_updated").one()
    assert event.actor_id == admin.id


def test_staff_cannot_use_the_admin_form(client, person, make_user):
    client.login(make_user("ksv.khac"))
    assert client.post(f"/admin/users/{person.id}", data={"full_name": "X", "unit": str(person.unit_id),
                                                          "qualification": "Tiến sĩ"}).status_code == 403
