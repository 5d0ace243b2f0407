"""The API's contract: the OpenAPI document matches the routes, one JSON error shape,
bearer tokens from POST /api/v1/auth/token (hashed, throttled, revocable)."""
import re

import pytest
from sqlalchemy import select

from portal.auth.models import ApiToken
from portal.extensions import db
from tests.conftest import PASSWORD

PREFIX = "/api/v1"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def flask_routes(app):
    """{(path with {placeholders}, method)} for every API route except the document itself."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.endpoint == "api.openapi_json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def shape(path):
    """The path with its parameter names left out: /a/{id} and /a/{x} are the same route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture
def spec(client):
    response = client.get(PREFIX + "/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def test_every_route_is_documented_and_every_documented_path_exists(app, spec):
    documented = {(shape(path), method) for path, item in spec["paths"].items()
                  for method in item if method in METHODS}
    served = {(shape(path), method) for path, method in flask_routes(app)}
    assert served - documented == set(), "routes missing from openapi.json"
    assert documented - served == set(), "openapi.json describes routes that do not exist"


def resolve(spec, ref):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        assert part in node, f"unresolvable $ref {ref}"
        node = node[part]
    return node


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_document_is_structurally_valid_openapi_3_1(spec):
    assert re.fullmatch(r"3\.1\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    shapes = [shape(p) for p in spec["paths"]]
    assert len(shapes) == len(set(shapes)), "two paths differ only in parameter names"
    for path, item in spec["paths"].items():
        assert path.startswith("/") and not path.startswith(PREFIX), path
        templated = set(re.findall(r"\{([^}]+)\}", path))
        shared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            responses = operation.get("responses")
            assert responses, f"{where} has no responses"
            for status, response in responses.items():
                assert re.fullmatch(r"[1-5](\d\d|XX)|default", status), f"{where}: status {status}"
                if "$ref" in response:
                    response = resolve(spec, response["$ref"])
                assert response.get("description"), f"{where} {status} has no description"
            declared = shared | {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
            assert templated == declared, f"{where}: path parameters {templated} declared as {declared}"
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}, where
                if parameter["in"] == "path":
                    assert parameter.get("required") is True, f"{where}: path parameter not required"
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert response == {"$ref": "#/components/responses/Error"}, \
                        f"{where} {status} is not the shared error response"
    for node in walk(spec):
        if "$ref" in node:
            resolve(spec, node["$ref"])


def assert_error(response, status, code=None):
    assert response.status_code == status
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_unknown_api_path_is_json_404(client):
    assert_error(client.get(PREFIX + "/khong-co"), 404, "not_found")
    assert_error(client.post(PREFIX + "/khong-co", json={}), 404)


def test_wrong_method_is_json_405(client):
    response = client.get(PREFIX + "/auth/token")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_missing_token_is_json_401(client):
    assert_error(client.get(PREFIX + "/auth/me"), 401, "unauthorized")
    assert_error(client.get(PREFIX + "/auth/me", headers={"Authorization": "Basic eDp5"}), 401)
    assert_error(client.get(PREFIX + "/auth/me", headers={"Authorization": "Bearer không-hợp-lệ"}), 401)


@pytest.mark.parametrize("data", ["{không phải json", "[1, 2]", "\"chuỗi\""])
def test_malformed_json_is_400(client, data):
    response = client.post(PREFIX + "/auth/token", data=data.encode(), content_type="application/json",
                           csrf=False)
    assert_error(response, 400, "bad_request")


def test_missing_fields_are_422(client):
    error = assert_error(client.post(PREFIX + "/auth/token", json={"username": "x"}), 422, "missing_fields")
    assert error["fields"] == {"password": ["Bắt buộc."]}


def test_too_large_body_is_json_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(PREFIX + "/auth/token", json={"username": "x", "password": "y" * 5000})
    assert_error(response, 413, "payload_too_large")


def test_unexpected_failure_is_json_500(app, client):
    app.config.update(TEST_HIDE_500=True, PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("boom")
    app.add_url_rule(PREFIX + "/_test/broken", "test_broken", broken)
    error = assert_error(client.get(PREFIX + "/_test/broken"), 500, "server_error")
    assert "boom" not in error["message"]


def test_csrf_is_not_asked_of_the_api(client, make_user):
    make_user("ksv.api")
    response = client.post(PREFIX + "/auth/token", json={"username": "ksv.api", "password": PASSWORD})
    assert response.status_code == 200


# -- tokens ----------------------------------------------------------------------

def get_token(client, username, password=PASSWORD):
    return client.post(PREFIX + "/auth/token", json={"username": username, "password": password})


def test_right_password_gives_a_token_that_works_as_bearer(client, make_user):
    user = make_user("ksv.api", roles=("editor",), council="member", year=2026, leader=True)
    response = get_token(client, "KSV.api")
    assert response.status_code == 200
    token = response.get_json()["token"]
    me = client.get(PREFIX + "/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json() == {
        "username": "ksv.api", "full_name": user.full_name, "unit": user.unit.name, "position": "",
        "is_leader": True, "roles": ["editor"], "council": {"2026": "member"}}


def test_wrong_password_is_401(client, make_user):
    make_user("ksv.api")
    assert_error(get_token(client, "ksv.api", "sai-mat-khau"), 401, "invalid_credentials")
    assert_error(get_token(client, "khong.co.ai", "sai-mat-khau"), 401, "invalid_credentials")


def test_deactivated_account_gets_no_token_and_its_tokens_stop(client, make_user, api_headers):
    user = make_user("ksv.api")
    headers = api_headers(user)
    user.active = False
    db.session.commit()
    assert_error(get_token(client, "ksv.api"), 401)
    assert_error(client.get(PREFIX + "/auth/me", headers=headers), 401)


def test_throttled_after_five_failures(client, make_user):
    make_user("ksv.api")
    for _ in range(5):
        assert get_token(client, "ksv.api", "sai-mat-khau").status_code == 401
    response = get_token(client, "ksv.api")  # even the right password now
    error = assert_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0 and set(error) <= {"code", "message", "fields"}


def test_tokens_are_stored_hashed(client, make_user):
    make_user("ksv.api")
    token = get_token(client, "ksv.api").get_json()["token"]
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.token_hash == ApiToken.digest(token) and len(row.token_hash) == 64
    assert token not in (row.token_hash, row.name)
    assert row.expires_at is not None


def test_revoked_from_the_account_page(client, make_user):
    user = make_user("ksv.api")
    token = get_token(client, "ksv.api").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    row = db.session.execute(select(ApiToken)).scalar_one()
    client.login(user)
    assert "Đang hiệu lực" in client.get("/account").get_data(as_text=True)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    error = assert_error(client.get(PREFIX + "/auth/me", headers=headers), 401, "unauthorized")
    assert "thu hồi" in error["message"]


def test_someone_else_cannot_revoke_a_token_but_an_admin_can(client, make_user, api_headers):
    owner, stranger = make_user("ksv.api"), make_user("nguoi.la")
    admin = make_user("quan.tri", roles=("admin",))
    headers = api_headers(owner)
    row = db.session.execute(select(ApiToken)).scalar_one()
    assert client.login(stranger).post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert client.get(PREFIX + "/auth/me", headers=headers).status_code == 200
    assert client.login(admin).post(f"/admin/users/{owner.id}/revoke-tokens").status_code == 302
    assert_error(client.get(PREFIX + "/auth/me", headers=headers), 401)


def test_account_page_issues_a_token_shown_once(client, make_user):
    user = make_user("ksv.api")
    client.login(user)
    assert client.post("/account/tokens", data={"tk-name": "Máy tính phòng 1"}).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    marker = 'data-testid="new-token">'
    token = page[page.index(marker) + len(marker):].split("<", 1)[0]
    assert client.get(PREFIX + "/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert marker not in client.get("/account").get_data(as_text=True)  # shown once
