"""The admin-editable list of fields of work (lĩnh vực)."""
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.initiatives.models import Field
from tests.initiatives.helpers import fingerprint


def test_admin_adds_a_field_and_the_form_offers_it(client, people):
    client.login(people.admin)
    response = client.post("/admin/fields", data={"new-name": "Kiểm sát giải quyết khiếu nại, tố cáo",
                                                  "new-position": "5", "new-active": "y"})
    assert response.status_code == 302
    field = db.session.execute(select(Field)).scalar_one()
    assert field.code == "kiem_sat_giai_quyet_khieu_nai_to"  # made from the name
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "admin.field_created")).scalar_one()
    form = client.login(people.author).get("/my/initiatives/new").get_data(as_text=True)
    assert ">Kiểm sát giải quyết khiếu nại, tố cáo</option>" in form


def test_admin_deactivates_a_field(client, people, make_field):
    field = make_field("labour", "Lao động")
    client.login(people.admin)
    response = client.post(f"/admin/fields/{field.id}", data={
        f"f{field.id}-name": "Lao động", f"f{field.id}-code": "labour", f"f{field.id}-position": "4"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Field, field.id).active is False
    assert ">Lao động</option>" not in client.login(people.author).get("/my/initiatives/new").get_data(as_text=True)


def test_duplicate_code_is_refused(client, people, make_field):
    make_field("civil", "Dân sự")
    client.login(people.admin)
    before = fingerprint()
    response = client.post("/admin/fields", data={"new-name": "Dân sự 2", "new-code": "civil"})
    assert response.status_code == 422
    assert "đã được dùng" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_only_admins(client, people):
    client.login(people.author)
    assert client.get("/admin/fields").status_code == 403
    assert client.post("/admin/fields", data={"new-name": "Lĩnh vực lạ"}).status_code == 403
    assert db.session.execute(select(Field)).first() is None
    assert client.login(people.admin).post("/admin/fields", data={"new-name": "X"}, csrf=False).status_code == 400
