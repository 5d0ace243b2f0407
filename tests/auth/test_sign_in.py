"""Signing in and out, throttling, CSRF, redirects after sign-in, own password."""
import pytest
from sqlalchemy import func, select

from portal.auth.models import LoginAttempt
from portal.extensions import db
from tests.conftest import PASSWORD


def sign_in(client, username, password=PASSWORD, next_url=None, **kwargs):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password}, **kwargs)


def test_login_page_speaks_vietnamese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_right_password_signs_in_and_lands_on_home(client, make_user):
    make_user("ksv.a")
    response = sign_in(client, "ksv.a")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")  # the home of each role (issue 16)
    assert client.get("/my").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("ksv.a")
    response = sign_in(client, "ksv.a", "wrong-password")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/my").status_code == 302  # still signed out


def test_deactivated_account_cannot_sign_in(client, make_user):
    user = make_user("ksv.a")
    user.active = False
    db.session.commit()
    assert sign_in(client, "ksv.a").status_code == 200
    assert client.get("/my").status_code == 302


def test_five_failures_throttle_that_account_from_that_address(client, make_user):
    make_user("ksv.a")
    for _ in range(5):
        assert sign_in(client, "ksv.a", "wrong-password").status_code == 200
    # Even the right password is refused while throttled (the other cases: tests/auth/test_throttle.py).
    response = sign_in(client, "ksv.a")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "quá nhiều lần" in response.get_data(as_text=True)
    assert client.get("/my").status_code == 302


def test_throttle_is_kept_in_the_database(app, client, make_user):
    """A second client (another worker) from the same address sees the same failures."""
    make_user("ksv.a")
    for _ in range(5):
        sign_in(client, "ksv.a", "nope-nope-nope")
    assert db.session.execute(select(func.count(LoginAttempt.id))).scalar_one() == 5
    other = app.test_client()
    assert sign_in(other, "ksv.a").status_code == 429


def test_sign_in_without_csrf_token_is_refused(client, make_user):
    make_user("ksv.a")
    response = client.post("/login", data={"username": "ksv.a", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/my").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_no_open_redirect_after_sign_in(client, make_user, target):
    make_user("ksv.a")
    response = sign_in(client, "ksv.a", next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")


def test_local_next_is_followed(client, make_user):
    make_user("ksv.a")
    response = sign_in(client, "ksv.a", next_url="/account")
    assert response.headers["Location"].endswith("/account")


def test_session_is_renewed_on_sign_in(client, make_user):
    make_user("ksv.a")
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    sign_in(client, "ksv.a")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_logout_needs_post_and_ends_the_session(client, make_user):
    client.login(make_user("ksv.a"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/my").status_code == 302


def test_a_copied_session_cookie_dies_with_sign_out(app, client, make_user):
    user = make_user("ksv.a")
    client.login(user)
    with client.session_transaction() as sess:
        stolen = dict(sess)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as sess:
        sess.update(stolen)
    assert thief.get("/my").status_code == 302


def test_change_password(client, make_user):
    user = make_user("ksv.a")
    client.login(user)
    response = client.post("/account", data={
        "pw-current": PASSWORD, "pw-new": "a-brand-new-pass", "pw-confirm": "a-brand-new-pass"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a-brand-new-pass")
    assert client.get("/my").status_code == 200  # this session survives


@pytest.mark.parametrize("new, message", [
    ("short", "ít nhất 10 ký tự"),
    ("ksv.a.long1", None),
    ("KSV.A", "ít nhất"),
])
def test_weak_passwords_are_refused(client, make_user, new, message):
    user = make_user("ksv.a")
    client.login(user)
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-new": new, "pw-confirm": new})
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_password_equal_to_username_is_refused(client, make_user):
    user = make_user("nguyen.van.thanh")
    client.login(user)
    new = "nguyen.van.thanh"
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-new": new, "pw-confirm": new})
    assert "không được chứa tên đăng nhập" in response.get_data(as_text=True)


def test_wrong_current_password_is_refused(client, make_user):
    user = make_user("ksv.a")
    client.login(user)
    response = client.post("/account", data={
        "pw-current": "not-it-at-all", "pw-new": "a-brand-new-pass", "pw-confirm": "a-brand-new-pass"})
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, client, make_user):
    user = make_user("ksv.a")
    other = app.test_client().login(user)
    client.login(user)
    client.post("/account", data={
        "pw-current": PASSWORD, "pw-new": "a-brand-new-pass", "pw-confirm": "a-brand-new-pass"})
    assert other.get("/my").status_code == 302


def test_passwords_are_hashed(make_user):
    user = make_user("ksv.a")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
