"""One rule for usernames and one for passwords, asked by every channel that makes or changes
an account (create-user, the admin form, the import, the account page, the admin reset);
"remember me" lasts at most 30 days."""
import time
from email.utils import parsedate_to_datetime

import pytest

from portal.admin import operations
from portal.admin.importing import check_row
from portal.auth import rules
from portal.auth.models import user_by_username
from portal.auth.services import password_problem
from portal.core.refusal import Refusal
from portal.extensions import db
from tests.conftest import PASSWORD

LOOKALIKES = [
    "\u0430dmin",            # Cyrillic а
    "\uff54\uff48\uff55\uff4b\uff59",  # fullwidth ｔｈｕｋｙ
    "ksv.h\u00f9ng",         # ksv.hùng
    "\u212adm",              # Kelvin sign: str.lower() makes it an ASCII k
    "ksv hung",
    "a/b",
    "x" * 65,
]


@pytest.mark.parametrize("name", LOOKALIKES)
def test_the_username_rule_is_ascii_only(name):
    assert not rules.is_valid_username(name)


@pytest.mark.parametrize("name", ["admin", "ksv.hung", "Ksv_Hung-2", "a", "x" * 64])
def test_plain_names_pass(name):
    assert rules.is_valid_username(name)


@pytest.mark.parametrize("password, username, problem", [
    ("aaaaaaaaaa", "ksv.a", "repetitive"),
    ("1212121212", "ksv.a", "repetitive"),
    ("1234567890", "ksv.a", "common"),
    ("qwertyuiop", "ksv.a", "common"),
    ("Password2026!", "ksv.a", "common"),
    ("ksv.quang12345", "ksv.quang", "contains_username"),
    ("MyKSV.Quang-pass", "ksv.quang", "contains_username"),
    ("sangkien9", "ksv.a", "too_short"),
    ("sangkien2026", "ksv.a", None),
    (PASSWORD, "ksv.a", None),
])
def test_the_password_rule(password, username, problem):
    assert rules.password_problem(password, username, 10) == problem


def test_the_common_list_is_bundled_in_the_package():
    words = rules.common_passwords()
    assert len(words) > 10_000 and "1234567890" in words
    assert rules.COMMON_PASSWORDS.parent.parent.name == "auth"


# -- every channel -------------------------------------------------------------------------

WEAK = ["aaaaaaaaaa", "1234567890", "ksv.quang12345"]


@pytest.mark.parametrize("weak", WEAK)
def test_the_account_page_refuses_weak_passwords(client, make_user, weak):
    user = make_user("ksv.quang")
    client.login(user)
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-new": weak, "pw-confirm": weak})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("weak", WEAK)
def test_the_admin_reset_refuses_weak_passwords(make_user, weak):
    admin = make_user("quantri", roles=("admin",))
    user = make_user("ksv.quang")
    with pytest.raises(Refusal):
        operations.reset_password(user, actor=admin, password=weak)


@pytest.mark.parametrize("weak", WEAK)
def test_create_user_refuses_weak_passwords(runner, weak):
    result = runner.invoke(args=["create-user", "--username", "ksv.quang", "--password", weak,
                                 "--full-name", "Lê Quang", "--unit", "Phòng 2"])
    assert result.exit_code == 1, result.output
    assert user_by_username("ksv.quang") is None


@pytest.mark.parametrize("weak", WEAK)
def test_the_import_refuses_weak_passwords(app, weak):
    with app.test_request_context():
        row = check_row(2, {"username": "ksv.quang", "full_name": "Lê Quang", "unit": "P2", "password": weak},
                        password_problem)
        assert row.problems


@pytest.mark.parametrize("name", LOOKALIKES[:4])
def test_create_user_refuses_lookalike_names(runner, name):
    result = runner.invoke(args=["create-user", "--username", name, "--password", "mat-khau-du-dai",
                                 "--full-name", "Giả Mạo", "--unit", "Phòng 2"])
    assert result.exit_code == 1, result.output
    assert "A username may hold only unaccented letters" in result.output  # the console speaks English
    assert user_by_username(name.lower()) is None and user_by_username("kdm") is None


@pytest.mark.parametrize("name", LOOKALIKES[:4])
def test_the_admin_form_refuses_lookalike_names(client, make_user, make_unit, name):
    client.login(make_user("quantri", roles=("admin",)))
    response = client.post("/admin/users/new", data={
        "username": name, "full_name": "Giả Mạo", "unit": str(make_unit().id), "password": "mat-khau-du-dai"})
    assert response.status_code == 422
    assert "Chỉ gồm chữ không dấu" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", LOOKALIKES[:4])
def test_the_admin_operation_refuses_lookalike_names(make_user, make_unit, name):
    """Below the form too: the operation asks the same rule before it lowers the case."""
    with pytest.raises(Refusal):
        operations.add_user(actor=make_user("quantri", roles=("admin",)), username=name,
                            full_name="Giả Mạo", unit=make_unit())


@pytest.mark.parametrize("name", LOOKALIKES[:4])
def test_the_import_refuses_lookalike_names(name):
    assert check_row(2, {"username": name, "full_name": "Giả Mạo", "unit": "P2"}).problems


# -- remember me -----------------------------------------------------------------------

def remember_cookie_days(client, make_user):
    make_user("ksv.a")
    response = client.post("/login", data={"username": "ksv.a", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    return (expires.timestamp() - time.time()) / 86400


def test_remember_me_lasts_the_configured_days(client, make_user):
    assert 13.9 < remember_cookie_days(client, make_user) <= 14


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"REMEMBER_ME_DAYS": 365}], indirect=True)
def test_remember_me_never_lasts_more_than_30_days(client, make_user):
    assert 29.9 < remember_cookie_days(client, make_user) <= 30
