"""The person's own choice on /account: every notification by mail at once, a daily digest, or in-app only."""
import re

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.extensions import db


def test_the_account_page_shows_the_choice_with_the_current_one_checked(client, make_user):
    user = make_user(email="a@vks.local")
    page = client.login(user).get("/account").get_data(as_text=True)
    assert 'data-testid="delivery-form"' in page and 'action="/account/notifications"' in page
    assert checked(page) == ["immediate"]


def checked(page):
    return re.findall(r'<input checked id="nt-delivery-\d" name="nt-delivery" required type="radio" value="(\w+)">', page)


def test_choosing_the_digest_saves_it_and_is_audited(client, make_user):
    user = make_user(email="a@vks.local")
    response = client.login(user).post("/account/notifications", data={"nt-delivery": "digest"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    db.session.expire_all()
    assert db.session.get(type(user), user.id).notification_delivery == "digest"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "auth.delivery_changed")).scalar_one()
    assert event.data == {"before": "immediate", "after": "digest"} and event.actor_id == user.id
    page = client.get("/account").get_data(as_text=True)
    assert "Đã lưu cách nhận thông báo." in page and checked(page) == ["digest"]


def test_an_unknown_choice_is_refused_beside_the_field_and_nothing_changes(client, make_user):
    user = make_user(email="a@vks.local")
    response = client.login(user).post("/account/notifications", data={"nt-delivery": "pigeon"})
    assert response.status_code == 422
    assert 'data-testid="delivery-form"' in response.get_data(as_text=True)
    response = client.post("/account/notifications", data={})
    assert response.status_code == 422 and "Vui lòng chọn một cách nhận thông báo." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).notification_delivery == "immediate"


def test_the_choice_needs_the_csrf_token_and_a_signed_in_person(client, make_user):
    user = make_user(email="a@vks.local")
    assert client.post("/account/notifications", data={"nt-delivery": "in_app"}, csrf=False).status_code in (302, 400)
    client.login(user)
    assert client.post("/account/notifications", data={"nt-delivery": "in_app"}, csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(type(user), user.id).notification_delivery == "immediate"
