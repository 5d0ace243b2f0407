"""API tokens die with the password, the deactivation and "sign out everywhere"; they carry a
name, an expiry, the last use and its address; the account page lists and revokes them."""
import re
from datetime import timedelta

import pytest

from portal.auth.models import ApiToken
from portal.auth.services import issue_token, user_for_token
from portal.core.timeutil import utcnow
from portal.extensions import db
from tests.conftest import PASSWORD

ME = "/api/v1/auth/me"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_of(app):
    def make(user, **kwargs):
        token, row = issue_token(user, "kịch bản", **kwargs)
        db.session.commit()
        return token, row
    return make


def test_a_token_answers_and_records_its_last_use_and_address(client, make_user, token_of):
    user = make_user("ksv.a")
    token, row = token_of(user)
    response = client.get(ME, headers=bearer(token), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 200
    db.session.refresh(row)
    assert row.last_used_at is not None and row.last_used_address == "10.1.2.3"
    # A use from another address is recorded at once, not only every few minutes.
    client.get(ME, headers=bearer(token), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    db.session.refresh(row)
    assert row.last_used_address == "10.9.9.9"


def test_a_password_change_ends_every_token(client, make_user, token_of):
    user = make_user("ksv.a")
    token, _row = token_of(user)
    client.login(user)
    response = client.post("/account", data={
        "pw-current": PASSWORD, "pw-new": "mot-mat-khau-moi-9", "pw-confirm": "mot-mat-khau-moi-9"})
    assert response.status_code == 302
    assert client.get(ME, headers=bearer(token)).status_code == 401


def test_an_admin_password_reset_ends_every_token(client, make_user, token_of):
    admin = make_user("quantri", roles=("admin",))
    user = make_user("ksv.a")
    token, _row = token_of(user)
    client.login(admin)
    response = client.post(f"/admin/users/{user.id}/reset-password", data={"reset-password": "mot-mat-khau-moi-9"})
    assert response.status_code == 200
    assert client.get(ME, headers=bearer(token)).status_code == 401


def test_deactivation_ends_every_token_for_good(client, make_user, token_of):
    """The issue: after deactivation and reactivation the old 90-day token answered 200 again."""
    admin = make_user("quantri", roles=("admin",))
    user = make_user("ksv.a")
    token, _row = token_of(user)
    client.login(admin)
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert client.get(ME, headers=bearer(token)).status_code == 401
    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    db.session.refresh(user)
    assert user.active
    assert client.get(ME, headers=bearer(token)).status_code == 401


def test_sign_out_everywhere_ends_sessions_and_tokens(app, client, make_user, token_of):
    user = make_user("ksv.a")
    token, _row = token_of(user)
    other_browser = app.test_client().login(user)
    client.login(user)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/my").status_code == 302
    assert other_browser.get("/my").status_code == 302
    assert client.get(ME, headers=bearer(token)).status_code == 401


def test_an_ordinary_sign_out_keeps_the_tokens(client, make_user, token_of):
    """Signing out of the browser ends its sessions, not the scripts the person runs."""
    user = make_user("ksv.a")
    token, _row = token_of(user)
    client.login(user)
    assert client.post("/logout").status_code == 302
    assert client.get("/my").status_code == 302
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_a_token_made_after_the_change_works(client, make_user, token_of):
    user = make_user("ksv.a")
    token_of(user)
    user.set_password("mot-mat-khau-moi-9")
    db.session.commit()
    token, _row = token_of(user)
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_an_expired_token_is_refused(client, make_user, token_of):
    user = make_user("ksv.a")
    token, row = token_of(user)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(ME, headers=bearer(token)).status_code == 401
    assert user_for_token(token) is None


def test_the_account_page_makes_a_token_with_a_name_and_a_validity(client, make_user):
    user = make_user("ksv.a")
    client.login(user)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="tk-days"' in page and "Thời hạn" in page
    response = client.post("/account/tokens", data={"tk-name": "máy chấm điểm", "tk-days": "30"},
                           environ_base={"REMOTE_ADDR": "10.4.4.4"})
    assert response.status_code == 302
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert row.name == "máy chấm điểm" and row.created_address == "10.4.4.4"
    assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30)
    shown = client.get("/account")
    token = re.search(r'data-testid="new-token">([^<]+)<', shown.get_data(as_text=True)).group(1)
    assert shown.headers["Cache-Control"] == "no-store"
    assert client.get(ME, headers=bearer(token), environ_base={"REMOTE_ADDR": "10.5.5.5"}).status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "máy chấm điểm" in page and "10.5.5.5" in page and "Đang hiệu lực" in page


@pytest.mark.parametrize("days", ["0", "100000", "abc"])
def test_a_validity_outside_the_list_is_refused(client, make_user, days):
    user = make_user("ksv.a")
    client.login(user)
    client.post("/account/tokens", data={"tk-name": "x", "tk-days": days})
    assert db.session.query(ApiToken).filter_by(user_id=user.id).count() == 0


def test_the_account_page_lists_ended_tokens_and_revokes_valid_ones(client, make_user, token_of):
    user = make_user("ksv.a")
    _old, old_row = token_of(user)
    user.set_password("mot-mat-khau-moi-9")
    db.session.commit()
    token, row = token_of(user)
    client.login(user)
    page = client.get("/account").get_data(as_text=True)
    assert "Hết hiệu lực" in page  # the one made before the password change
    assert f"/account/tokens/{old_row.id}/revoke" not in page
    assert f"/account/tokens/{row.id}/revoke" in page
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert client.get(ME, headers=bearer(token)).status_code == 401


def test_nobody_revokes_another_persons_token(client, make_user, token_of):
    owner = make_user("ksv.a")
    token, row = token_of(owner)
    client.login(make_user("ksv.b"))
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert client.get(ME, headers=bearer(token)).status_code == 200



def test_the_api_issues_a_token_with_a_name_and_validity(client, make_user):
    user = make_user("ksv.a")
    response = client.post("/api/v1/auth/token", json={"username": "ksv.a", "password": PASSWORD,
                                                       "name": "máy chủ báo cáo", "days": 7},
                           environ_base={"REMOTE_ADDR": "10.6.6.6"})
    assert response.status_code == 200
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert row.name == "máy chủ báo cáo" and row.created_address == "10.6.6.6"
    assert row.expires_at - row.created_at <= timedelta(days=7)


@pytest.mark.parametrize("extra", [{"name": 5}, {"name": "x" * 101}, {"days": 0}, {"days": 10_000},
                                   {"days": "7"}, {"days": True}])
def test_the_api_refuses_a_wrong_name_or_validity(client, make_user, extra):
    make_user("ksv.a")
    response = client.post("/api/v1/auth/token", json={"username": "ksv.a", "password": PASSWORD, **extra})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]
    assert db.session.query(ApiToken).count() == 0
