"""`Cache-Control: no-store` on every signed-in answer and every API answer that is not public;
public pages and the public API keep their shared-cache headers."""
import pytest

from tests.conftest import PASSWORD


@pytest.mark.parametrize("path", ["/my", "/account", "/notifications", "/", "/search?q=x"])
def test_signed_in_answers_are_not_stored(client, make_user, path):
    client.login(make_user("ksv.a"))
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_answer_to_a_sign_in_is_not_stored(client, make_user):
    make_user("ksv.a")
    response = client.post("/login", data={"username": "ksv.a", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"


def test_api_answers_with_a_token_are_not_stored(client, make_user, api_headers):
    headers = api_headers(make_user("ksv.a"))
    for path in ("/api/v1/auth/me", "/api/v1/initiatives", "/api/v1/public/initiatives"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_a_new_token_and_refusals_are_not_stored(client, make_user):
    make_user("ksv.a")
    issued = client.post("/api/v1/auth/token", json={"username": "ksv.a", "password": PASSWORD})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"


def test_public_answers_keep_their_cache_headers(client, make_user):
    for path in ("/api/v1/public/initiatives", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in (response.headers.get("Cache-Control") or ""), path
    assert client.get("/api/v1/public/initiatives").headers["Cache-Control"].startswith("public")


def test_static_files_stay_cacheable_when_signed_in(client, make_user):
    client.login(make_user("ksv.a"))
    response = client.get("/static/css/portal.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in (response.headers.get("Cache-Control") or "")
