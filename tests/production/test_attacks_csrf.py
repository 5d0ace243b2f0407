"""CSRF: every state-changing route outside the API refuses a missing or forged token (400) and
changes nothing; the API ignores the browser's session cookie entirely (bearer only, 401).

Routes are taken from app.url_map, so a new route is attacked the day it is added; its
URL is built with real ids of a world holding every kind of object (attack_world.py).
"""
import io

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.production.attack_world import PDF, build_url, build_world, changes, snapshot

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ"

# Who would be allowed to do it: the attack is made from that person's signed-in browser,
# so that a missing check would have let the change through.
ACTOR = {
    "auth.login": "anonymous", "auth.set_language": "staff",
    "council.accept": "secretary", "council.return_": "secretary", "council.assignments": "secretary",
    "council.record_sector": "secretary", "council.record_national": "secretary",
    "council.reopen": "secretary", "council.decision": "chair", "council.batch_decision": "chair",
    "council.review": "member", "council.recuse": "member", "council.rubric": "admin",
    "publishing.publish": "editor", "publishing.unpublish": "editor",
    "initiatives.admin_fields": "admin", "initiatives.admin_field_update": "admin",
}
PREFIX_ACTOR = {"admin.": "admin", "emulation.": "officer"}
URL_OVERRIDES = {
    "initiatives.submit": {"initiative_id": "draft"},
    "initiatives.delete": {"initiative_id": "draft"},
    "initiatives.edit": {"initiative_id": "draft"},
    "initiatives.upload": {"initiative_id": "draft"},
    "initiatives.remove_attachment": {"initiative_id": "draft", "attachment_id": "draft_attachment"},
    "council.review": {"initiative_id": "review"}, "council.recuse": {"initiative_id": "review"},
    "council.assignments": {"initiative_id": "review"}, "council.decision": {"initiative_id": "review"},
    "council.record_sector": {"initiative_id": "published"},
    "council.record_national": {"initiative_id": "published"},
    "publishing.unpublish": {"initiative_id": "published"},
}
# A body the allowed person would send, so that only the token is missing.
BODIES = {
    "auth.login": {"username": "ksv.hung", "password": "correct-horse-42"},
    "auth.account": {"pw-current": "correct-horse-42", "pw-new": "a-new-password-1", "pw-confirm": "a-new-password-1"},
    "auth.create_token": {"tk-name": "khóa mới"},
    "initiatives.withdraw": {"reason": "Rút để hoàn thiện."},
    "initiatives.edit": {"title": "Đổi tên bởi kẻ tấn công"},
    "initiatives.preview": {"text": "**x**"},
    "council.return_": {"note": "Bổ sung số liệu."},
    "council.decision": {"outcome": "recognized", "decision_no": "1/QĐ", "decision_date": "2026-01-02"},
    "council.reopen": {"reason": "Chấm lại."}, "council.recuse": {"reason": "Người thân."},
    "council.record_sector": {"status": "proposed"},
    "publishing.unpublish": {"reason": "Gỡ để sửa."},
    "admin.user_reset_password": {"password": "a-new-password-1"},
    "emulation.record": {"username": "ksv.hung", "title": "advanced_worker"},
    "emulation.mine": {"title": "advanced_worker"},
    "initiatives.admin_fields": {"code": "new", "name": "Lĩnh vực mới"},
}


def state_changing_rules(app):
    rules = [r for r in app.url_map.iter_rules()
             if r.methods & STATE_CHANGING and not r.rule.startswith("/api/")]
    return sorted(rules, key=lambda r: r.rule)


def actor_of(endpoint):
    if endpoint in ACTOR:
        return ACTOR[endpoint]
    return next((who for prefix, who in PREFIX_ACTOR.items() if endpoint.startswith(prefix)), "staff")


@pytest.fixture
def world(make_user, make_initiative, make_unit):
    return build_world(make_user, make_initiative, make_unit)


def forged_token(app, client, how, other_client):
    if how == "garbage":
        return "forged"
    if how == "wrong-key":
        with client.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", "0" * 40)
        return URLSafeTimedSerializer("not-the-secret", salt="wtf-csrf-token").dumps(raw)
    if how == "other-session":
        # A valid token, but of another person's session (stolen from a page they loaded).
        return other_client.csrf_token()
    if how == "expired":
        import time

        with client.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", "1" * 40)
        serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
        real_time = time.time
        try:
            time.time = lambda: real_time() - app.config["WTF_CSRF_TIME_LIMIT"] - 60
            return serializer.dumps(raw)
        finally:
            time.time = real_time
    return None  # "missing"


def send(client, method, url, endpoint, token, header_token=None):
    data = dict(BODIES.get(endpoint, {}))
    if token is not None:
        data["csrf_token"] = token
    headers = {"X-CSRFToken": header_token} if header_token else {}
    if endpoint in ("initiatives.upload", "admin.user_import", "emulation.import_page"):
        data["file"] = (io.BytesIO(PDF), "thuyet-minh.pdf")
    return client.open(url, method=method, data=data, headers=headers)


FORGERIES = ("missing", "garbage", "wrong-key", "other-session", "expired", "header-garbage")


def test_every_state_changing_page_route_refuses_a_missing_or_forged_token(app, world):
    rules = state_changing_rules(app)
    assert len(rules) >= 40, [r.rule for r in rules]
    other_client = app.test_client().login(world.user("other"))
    before = snapshot()
    failures = []
    for how in FORGERIES:
        failures += _attack_every_rule(app, world, rules, how, other_client)
    assert failures == []
    assert changes(before, snapshot()) == ""


def _attack_every_rule(app, world, rules, how, other_client):
    failures = []
    for rule in rules:
        url = build_url(app, rule, world, **URL_OVERRIDES.get(rule.endpoint, {}))
        who = actor_of(rule.endpoint)
        client = app.test_client()
        if who != "anonymous":
            client.login(world.user(who))
        token = forged_token(app, client, how, other_client) if how != "header-garbage" else None
        for method in sorted(rule.methods & STATE_CHANGING):
            response = send(client, method, url, rule.endpoint, token,
                            header_token="forged" if how == "header-garbage" else None)
            body = response.get_data(as_text=True)
            if response.status_code != 400 or CSRF_MESSAGE not in body:
                failures.append(f"{how}: {method} {url} as {who}: {response.status_code}")
    return failures


def test_the_same_requests_with_the_real_token_do_change_things(app, world):
    """The control: the refusals above are the token's doing, not a wrong URL or body."""
    cases = [("auth.create_token", {}), ("auth.notifications_read", {}),
             ("initiatives.submit", URL_OVERRIDES["initiatives.submit"]),
             ("council.return_", {}), ("publishing.unpublish", URL_OVERRIDES["publishing.unpublish"]),
             ("admin.user_deactivate", {}), ("emulation.delete_award", {})]
    rules = {r.endpoint: r for r in state_changing_rules(app)}
    for endpoint, overrides in cases:
        url = build_url(app, rules[endpoint], world, **overrides)
        client = app.test_client().login(world.user(actor_of(endpoint)))
        before = snapshot()
        response = send(client, "POST", url, endpoint, client.csrf_token())
        assert response.status_code in (200, 302), (endpoint, response.status_code)
        assert changes(before, snapshot()) != "", endpoint


def test_a_signed_in_browser_cannot_call_the_api_without_a_bearer_token(app, world):
    """The API authenticates bearer tokens only: the session cookie gives no access, so a
    cross-site form or fetch riding on the cookie gets 401 and changes nothing."""
    everyone = app.test_client().login(world.user("admin"))
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
             and r.endpoint not in ("api.token", "api.openapi_json")
             and not r.rule.startswith("/api/v1/public/")]
    assert len(rules) >= 25
    before = snapshot()
    refused = []
    for rule in sorted(rules, key=lambda r: r.rule):
        url = build_url(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for kwargs in ({"json": {"note": "x", "reason": "x"}},
                           {"data": {"csrf_token": everyone.csrf_token(), "note": "x"}}):
                response = everyone.open(url, method=method, **kwargs)
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json["error"]["code"] == "unauthorized"
                refused.append(url)
    assert changes(before, snapshot()) == ""
    assert len(refused) >= 2 * len(rules)
