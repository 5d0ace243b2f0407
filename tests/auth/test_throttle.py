"""Sign-in throttling by (account, address) and by address with a higher limit; the same
work for a missing, an inactive and an active account. The parallel cases against
gunicorn are in tests/production/test_attacks_accounts.py."""
import time

import pytest
from sqlalchemy import func, select

from portal.auth.models import LoginAttempt
from portal.auth.services import authenticate
from portal.extensions import db
from tests.conftest import PASSWORD

OFFICE = {"REMOTE_ADDR": "10.0.0.1"}   # one NAT address for a whole office
HOME = {"REMOTE_ADDR": "10.7.7.7"}


def sign_in(client, username, password=PASSWORD, where=OFFICE):
    return client.post("/login", data={"username": username, "password": password}, environ_base=where)


def test_an_account_is_held_back_only_from_the_guessing_address(client, make_user):
    """Any named account could be locked from anywhere: now only from where the guessing is."""
    make_user("chutich")
    for _ in range(5):
        assert sign_in(client, "chutich", "doan-mo-mat-khau").status_code == 200
    assert sign_in(client, "chutich", where=OFFICE).status_code == 429
    assert sign_in(client, "chutich", where=HOME).status_code == 302


def test_failures_for_random_names_never_lock_a_colleague_out(client, make_user):
    """Five wrong passwords for random names from one address locked every account there."""
    make_user("ksv.b")
    for i in range(8):
        assert sign_in(client, f"khong-ai-{i}", "doan-mo-mat-khau").status_code == 200
    assert sign_in(client, "ksv.b").status_code == 302


def test_failures_for_one_account_never_lock_another(client, make_user):
    make_user("ksv.a")
    make_user("ksv.b")
    for _ in range(6):
        sign_in(client, "ksv.a", "doan-mo-mat-khau")
    assert sign_in(client, "ksv.a").status_code == 429
    assert sign_in(client, "ksv.b").status_code == 302


def test_spraying_many_accounts_from_one_address_is_stopped(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8
    make_user("ksv.new")
    for i in range(8):
        assert sign_in(client, f"ten-{i}", "sangkien2026").status_code == 200
    # A ninth name is turned away before any password is checked ...
    assert sign_in(client, "ten-9", "sangkien2026").status_code == 429
    assert sign_in(client, "ksv.new").status_code == 429
    # ... from that address only.
    assert sign_in(client, "ksv.new", where=HOME).status_code == 302


def test_an_account_used_at_the_address_is_not_held_back_by_the_spraying(app, client, make_user):
    """Behind the office NAT, a colleague who signs in there keeps signing in."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8
    make_user("ksv.b")
    assert sign_in(client, "ksv.b").status_code == 302
    colleague = app.test_client()
    for i in range(12):
        sign_in(colleague, f"ten-{i}", "sangkien2026")
    assert sign_in(app.test_client(), f"ten-{99}", "sangkien2026").status_code == 429
    assert sign_in(app.test_client(), "ksv.b").status_code == 302


def test_a_throttled_try_checks_no_password_and_is_not_counted(client, make_user):
    make_user("ksv.a")
    for _ in range(5):
        sign_in(client, "ksv.a", "doan-mo-mat-khau")
    for _ in range(3):
        assert sign_in(client, "ksv.a", "doan-mo-mat-khau").status_code == 429
    failures = db.session.execute(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == "ksv.a", LoginAttempt.success.is_(False))).scalar_one()
    assert failures == 5


def test_a_success_clears_that_accounts_failures_from_that_address_only(app, client, make_user):
    make_user("ksv.a")
    for _ in range(3):
        sign_in(app.test_client(), "ksv.a", "doan-mo-mat-khau", where=HOME)
    for _ in range(4):
        sign_in(app.test_client(), "ksv.a", "doan-mo-mat-khau")
    assert sign_in(client, "ksv.a").status_code == 302
    left = db.session.execute(select(LoginAttempt.address).where(
        LoginAttempt.username == "ksv.a", LoginAttempt.success.is_(False))).scalars().all()
    assert left == ["10.7.7.7"] * 3


def test_the_api_token_endpoint_is_throttled_the_same_way(client, make_user):
    make_user("ksv.a")
    body = {"username": "ksv.a", "password": "doan-mo-mat-khau"}
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json=body, environ_base=OFFICE).status_code == 401
    right = {"username": "ksv.a", "password": PASSWORD}
    refused = client.post("/api/v1/auth/token", json=right, environ_base=OFFICE)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_requests"
    assert client.post("/api/v1/auth/token", json=right, environ_base=HOME).status_code == 200


@pytest.fixture
def counted_hashes(monkeypatch):
    """Every password hash checked, by the hash it was checked against."""
    import portal.auth.models as models
    import portal.auth.services as services

    checked = []
    real = services.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)
    monkeypatch.setattr(services, "check_password_hash", spy)
    monkeypatch.setattr(models, "check_password_hash", spy)
    return checked


@pytest.mark.parametrize("who", ["missing", "inactive", "active", "junk"])
def test_a_password_is_hashed_whoever_the_account(app, make_user, counted_hashes, who):
    """Unknown and inactive accounts skipped scrypt, so the answer time told which exist."""
    user = make_user("ksv.a")
    if who == "inactive":
        user.active = False
        db.session.commit()
    name = {"missing": "khong.co.ai", "junk": "аdmin\u0000"}.get(who, "ksv.a")
    with app.test_request_context():
        assert authenticate(name, "doan-mo-mat-khau", "10.0.0.1") is None
    assert len(counted_hashes) == 1
    method = app.config["PASSWORD_HASH_METHOD"].split(":")[0]
    assert counted_hashes[0].startswith(method)


def test_missing_inactive_and_active_accounts_take_the_same_time(app, make_user):
    """With the production hash (scrypt); before, about 1 ms against 60 ms or more."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    make_user("ksv.active")
    make_user("ksv.inactive").active = False
    db.session.commit()

    names = ("khong.co.ai", "ksv.inactive", "ksv.active")
    times = {name: [] for name in names}
    for i in range(5):  # interleaved, so that the load of the machine falls on each alike
        for n, name in enumerate(names):
            with app.test_request_context():
                start = time.perf_counter()
                assert authenticate(name, "doan-mo-mat-khau", f"10.3.{n}.{i}") is None
                times[name].append(time.perf_counter() - start)
    medians = {name: sorted(values)[2] for name, values in times.items()}
    assert max(medians.values()) < 2 * min(medians.values()), medians
