"""Attacks on accounts and tokens, made against the portal served by gunicorn (issue 12).

- 40 parallel wrong passwords for one account got 12–18 password checks instead of 5;
- five wrong passwords for random names from one address locked every account there, and a
  named account could be locked from anywhere;
- the answer time told which accounts exist and are active (scrypt was skipped);
- a token outlived a password change and a deactivation followed by reactivation;
- a freshly issued token and signed-in answers carried no `Cache-Control: no-store`.

Clients come from distinct loopback addresses (127.0.0.x), as different machines would.
"""
import http.client
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from portal.admin import operations
from portal.auth.models import LoginAttempt
from portal.extensions import db
from tests.conftest import PASSWORD

ATTACKER = "127.0.0.66"
OFFICE = "127.0.0.20"


def request(server, method, path, body=None, headers=None, source=ATTACKER):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30, source_address=(source, 0))
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def token_request(server, username, password, source=ATTACKER):
    return request(server, "POST", "/api/v1/auth/token", {"username": username, "password": password},
                   source=source)


def failures(username):
    db.session.expire_all()
    return db.session.execute(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(False))).scalar_one()


def test_parallel_wrong_passwords_check_no_more_than_the_limit(serve, make_user):
    make_user("chutich")
    server = serve(workers=2, threads=8)
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda i: token_request(server, "chutich", f"doan-sai-{i:02d}")[0], range(40)))
    checked, throttled = statuses.count(401), statuses.count(429)
    assert checked + throttled == 40, statuses
    assert checked <= 5, statuses  # each 401 is one password checked
    assert failures("chutich") == checked
    # What the burst left unused is still limited: never more than 5 checks in the window.
    later = [token_request(server, "chutich", f"tiep-{i}")[0] for i in range(6)]
    assert later.count(401) == 5 - checked and later.count(429) == 6 - (5 - checked)
    assert token_request(server, "chutich", PASSWORD)[0] == 429
    # The owner elsewhere is not held back.
    assert token_request(server, "chutich", PASSWORD, source="127.0.0.77")[0] == 200


def test_parallel_tries_for_many_names_from_one_address_stop_at_its_limit(serve, make_user):
    server = serve(workers=2, threads=8)
    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(lambda i: token_request(server, f"ten-{i}", "sangkien2026")[0], range(80)))
    assert statuses.count(401) <= 50 and statuses.count(401) + statuses.count(429) == 80


def test_random_names_from_one_office_address_lock_no_colleague_out(serve, make_user):
    make_user("ksv.b")
    server = serve()
    for i in range(10):
        assert token_request(server, f"khong-ai-{i}", "doan-sai", source=OFFICE)[0] == 401
    assert token_request(server, "ksv.b", PASSWORD, source=OFFICE)[0] == 200


def test_a_named_account_is_locked_only_from_the_guessing_address(serve, make_user):
    make_user("chutich")
    server = serve()
    for i in range(5):
        assert token_request(server, "chutich", f"doan-sai-{i}")[0] == 401
    assert token_request(server, "chutich", PASSWORD)[0] == 429
    assert token_request(server, "chutich", PASSWORD, source=OFFICE)[0] == 200


def test_answer_time_does_not_tell_which_accounts_exist(app, serve, make_user):
    """The production hash (scrypt) runs for a missing, an inactive and an active account."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    make_user("ksv.active")
    make_user("ksv.inactive").active = False
    db.session.commit()
    server = serve()
    token_request(server, "warm-up", "x", source="127.0.0.90")

    names = ("khong.co.ai", "ksv.inactive", "ksv.active")
    times = {name: [] for name in names}
    for i in range(7):  # interleaved, so that the load of the machine falls on each alike
        for n, name in enumerate(names):
            start = time.perf_counter()
            assert token_request(server, name, "doan-sai", source=f"127.0.{n + 1}.{i + 1}")[0] == 401
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    # Before: about 10 ms against 165 ms. Now the same work; the margin is for a busy machine.
    assert max(medians.values()) < 2 * min(medians.values()), medians


def test_a_token_dies_with_the_password_and_the_deactivation(serve, make_user):
    user = make_user("ksv.a")
    server = serve()
    status, headers, body = token_request(server, "ksv.a", PASSWORD, source=OFFICE)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    token = json.loads(body)["token"]
    me = {"Authorization": f"Bearer {token}"}
    status, headers, _ = request(server, "GET", "/api/v1/auth/me", headers=me)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    # Deactivated, then reactivated: the old token stays dead.
    admin = make_user("quantri", roles=("admin",))
    operations.set_user_active(user, False, actor=admin)
    db.session.commit()
    operations.set_user_active(user, True, actor=admin)
    db.session.commit()
    assert request(server, "GET", "/api/v1/auth/me", headers=me)[0] == 401
    status, _, body = token_request(server, "ksv.a", PASSWORD, source=OFFICE)
    token = json.loads(body)["token"]
    me = {"Authorization": f"Bearer {token}"}
    user.set_password("mot-mat-khau-moi-9")
    db.session.commit()
    assert request(server, "GET", "/api/v1/auth/me", headers=me)[0] == 401


@pytest.mark.parametrize("name", ["\u0430dmin", "\uff54\uff48\uff55\uff4b\uff59", "ksv.h\u00f9ng"])
def test_create_user_refuses_lookalike_names(runner, name):
    result = runner.invoke(args=["create-user", "--username", name, "--password", "mat-khau-du-dai",
                                 "--full-name", "Giả Mạo", "--unit", "Văn phòng", "--role", "admin"])
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "1234567890", "ksv.quang12345"])
def test_create_user_refuses_weak_passwords(runner, weak):
    result = runner.invoke(args=["create-user", "--username", "ksv.quang", "--password", weak,
                                 "--full-name", "Lê Quang", "--unit", "Văn phòng"])
    assert result.exit_code == 1, result.output
