"""The council's API: every refusal keeps its status and the JSON error shape."""
import pytest

from portal.core.timeutil import today as portal_today
from portal.council import operations, services
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD


@pytest.fixture
def h(council, api_headers):
    return {key: api_headers(user) for key, user in council.items()}


@pytest.fixture
def assigned(submitted, council):
    operations.accept(submitted, council["secretary"])
    for key in ("m2", "m3", "m4"):
        operations.assign(submitted, council["secretary"], council[key])
    db.session.commit()
    return submitted


def error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def test_a_token_is_required(client, submitted):
    error(client.post(f"/api/v1/initiatives/{submitted.id}/accept"), 401, "unauthorized")


def test_accept_refusals(client, submitted, h):
    url = f"/api/v1/initiatives/{submitted.id}/accept"
    error(client.post(url, headers=h["m1"]), 403, "forbidden")
    assert client.post(url, headers=h["secretary"]).status_code == 200
    error(client.post(url, headers=h["secretary"]), 409, "wrong_state")


def test_an_initiative_the_caller_may_not_see_is_not_found(client, submitted, h):
    error(client.post(f"/api/v1/initiatives/{submitted.id}/accept", headers=h["staff"]), 404)
    error(client.post("/api/v1/initiatives/9999/accept", headers=h["secretary"]), 404)


def test_return_needs_a_note(client, submitted, h):
    url = f"/api/v1/initiatives/{submitted.id}/return"
    body = error(client.post(url, json={}, headers=h["secretary"]), 422)
    assert "note" in body["fields"]
    error(client.post(url, data="note", headers=h["secretary"], csrf=False), 400)
    error(client.post(url, json={"note": 5}, headers=h["secretary"]), 422)


def test_assignment_refusals(client, council, assigned, h, make_initiative):
    url = f"/api/v1/initiatives/{assigned.id}/assignments"
    error(client.post(url, json={"reviewer": "hoidong1"}, headers=h["chair"]), 403)
    error(client.post(url, json={}, headers=h["secretary"]), 422, "missing_fields")
    error(client.post(url, json={"reviewer": "nobody"}, headers=h["secretary"]), 422, "unknown_reviewer")
    error(client.post(url, json={"reviewer": "ksv.lan"}, headers=h["secretary"]), 422, "not_council_member")
    error(client.post(url, json={"reviewer": "hoidong2"}, headers=h["secretary"]), 409, "already_assigned")
    error(client.post(url, json={"reviewer": "hoidong1", "due_on": "31/12/2026"}, headers=h["secretary"]), 422)
    own = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    body = error(client.post(f"/api/v1/initiatives/{own.id}/assignments", json={"reviewer": "hoidong1"},
                             headers=h["secretary"]), 409, "conflict_of_interest")
    assert "Phạm Quốc Bảo" in body["message"]
    response = client.post(url, json={"reviewer": "hoidong1"}, headers=h["secretary"])
    assert response.status_code == 201 and "warning" in response.get_json()  # same unit as the author
    error(client.get(url, headers=h["m2"]), 403)


@pytest.mark.parametrize("payload, field", [
    ({"scores": {"novelty": 31}}, "novelty"),
    ({"scores": {"effectiveness": -5}}, "effectiveness"),
    ({"scores": {"novelty": 12.5}}, "novelty"),
    ({"scores": {"novelty": "nhiều"}}, "novelty"),
    ({"scores": {"creativity": 10}}, "creativity"),
    ({"scores": [10, 20, 30]}, "scores"),
    ({"recommendation": "maybe"}, "recommendation"),
])
def test_scores_are_checked_by_the_server(client, council, assigned, h, payload, field):
    body = error(client.put(f"/api/v1/initiatives/{assigned.id}/review", json=payload, headers=h["m2"]), 422)
    assert field in body["fields"]
    db.session.expire_all()
    assert services.active_assignment(assigned, council["m2"]).review is None  # nothing saved


def test_only_assigned_reviewers_score(client, assigned, h):
    url = f"/api/v1/initiatives/{assigned.id}/review"
    for key in ("m1", "chair", "author"):
        error(client.put(url, json={"scores": GOOD}, headers=h[key]), 403)
        error(client.get(url, headers=h[key]), 403)
        error(client.post(url + "/submit", json={"scores": GOOD}, headers=h[key]), 403)


def test_submission_needs_every_score_and_a_recommendation_then_freezes(client, assigned, h):
    url = f"/api/v1/initiatives/{assigned.id}/review"
    client.put(url, json={"scores": {"novelty": 20}}, headers=h["m2"])
    body = error(client.post(url + "/submit", headers=h["m2"]), 422, "incomplete_review")
    assert set(body["fields"]) == {"applicability", "effectiveness", "recommendation"}
    response = client.post(url + "/submit", json={"scores": GOOD, "recommendation": "pass"}, headers=h["m2"])
    assert response.status_code == 200
    error(client.put(url, json={"scores": FAIR}, headers=h["m2"]), 409, "already_submitted")
    error(client.post(url + "/recuse", json={"reason": "Muộn"}, headers=h["m2"]), 409)


def test_decision_refusals(client, council, assigned, h, appraise):
    url = f"/api/v1/initiatives/{assigned.id}/decision"
    ok = {"outcome": "recognized", "decision_no": "45/QĐ-VKS", "decision_date": portal_today().isoformat()}
    error(client.post(url, json=ok, headers=h["chair"]), 409, "scoring_incomplete")
    appraise(assigned, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", FAIR, "pass")])
    error(client.post(url, json=ok, headers=h["secretary"]), 403)
    error(client.post(url, json={**ok, "outcome": "approved"}, headers=h["chair"]), 422)
    error(client.post(url, json={**ok, "decision_no": ""}, headers=h["chair"]), 422)
    error(client.post(url, json={**ok, "decision_date": "20/11/2026"}, headers=h["chair"]), 422)
    body = error(client.post(url, json={**ok, "outcome": "rejected"}, headers=h["chair"]), 422)
    assert "reason" in body["fields"]
    response = client.post(url, json={**ok, "outcome": "rejected", "reason": "Trùng sáng kiến năm 2024."},
                           headers=h["chair"])
    assert response.status_code == 200 and response.get_json()["overruled"] is True
    error(client.post(url, json=ok, headers=h["chair"]), 409, "wrong_state")


def test_sector_refusals(client, assigned, h):
    url = f"/api/v1/initiatives/{assigned.id}/sector"
    error(client.post(url, json={"status": "proposed"}, headers=h["secretary"]), 409)
    error(client.post(url, json={}, headers=h["secretary"]), 422)


def test_openapi_describes_the_council_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, methods in {
        "/initiatives/{initiative_id}/accept": {"post"}, "/initiatives/{initiative_id}/return": {"post"},
        "/initiatives/{initiative_id}/assignments": {"get", "post"},
        "/initiatives/{initiative_id}/review": {"get", "put"},
        "/initiatives/{initiative_id}/review/submit": {"post"},
        "/initiatives/{initiative_id}/decision": {"post"}, "/initiatives/{initiative_id}/sector": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
        for operation in (paths[path][m] for m in methods):
            assert operation["responses"]["403"] == {"$ref": "#/components/responses/Error"}
