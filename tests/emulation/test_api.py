"""The emulation API of DESIGN.md: titles, registrations, disciplines, articles, eligibility."""
from datetime import date, timedelta

import pytest

from portal.core.timeutil import today as portal_today
from portal.extensions import db
from tests.emulation.conftest import YEAR


@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


def test_record_title_with_the_recognition_it_used(client, officer, api_headers, hung, recognized, award):
    from portal.core.audit import AuditEvent
    from portal.emulation.models import TitleAward

    initiative = recognized([hung])
    award(hung, YEAR, "advanced_worker")

    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots",
        "decision_no": "45/QĐ-VKS", "initiative_id": initiative.id})

    assert response.status_code == 201, response.json
    assert response.json["initiative_id"] == initiative.id
    assert response.json["level_used"] == "grassroots"
    row = db.session.get(TitleAward, response.json["id"])
    assert (row.user_id, row.year, row.decision_no) == (hung.id, YEAR, "45/QĐ-VKS")
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_recorded").one()
    assert event.data["initiative_id"] == initiative.id


def test_reused_recognition_is_refused_with_409(client, officer, api_headers, hung, recognized, award):
    initiative = recognized([hung], decided=date(YEAR, 3, 1))
    award(hung, YEAR - 1, "emulation_soldier_grassroots", initiative, "grassroots")
    award(hung, YEAR, "advanced_worker")

    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots",
        "initiative_id": initiative.id, "reason": "Đề nghị của đơn vị"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "recognition_used"
    assert "chỉ được sử dụng một lần" in response.json["error"]["message"]


def test_a_co_author_may_use_the_same_recognition(client, officer, api_headers, hung, make_user, recognized, award):
    mai = make_user("ksv.mai")
    initiative = recognized([(hung, 50), (mai, 50)])
    award(hung, YEAR, "emulation_soldier_grassroots", initiative, "grassroots")
    award(mai, YEAR, "advanced_worker")

    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.mai", "year": YEAR, "title": "emulation_soldier_grassroots",
        "initiative_id": initiative.id})

    assert response.status_code == 201, response.json


def test_not_eligible_without_reason_is_refused_with_422_and_with_reason_recorded_and_audited(
        client, officer, api_headers, hung, recognized):
    from portal.core.audit import AuditEvent
    from portal.emulation.models import TitleAward

    body = {"username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots"}
    refused = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json=body)

    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "not_eligible"
    assert {c.split(":")[0] for c in refused.json["error"]["fields"]["conditions"]} == {"advanced_worker",
                                                                                       "initiative"}
    assert db.session.query(TitleAward).count() == 0

    # An award above LĐTT always names the recognition it used (never initiative_id null):
    # with a reason, the officer names one when the engine finds none usable.
    unnamed = client.post("/api/v1/emulation/titles", headers=api_headers(officer),
                          json={**body, "reason": "Quyết định số 12/QĐ-VKS của Viện trưởng"})
    assert unnamed.status_code == 422
    assert unnamed.json["error"]["code"] == "initiative_required"
    older = recognized([hung], decided=date(YEAR - 3, 3, 1))
    accepted = client.post("/api/v1/emulation/titles", headers=api_headers(officer),
                           json={**body, "initiative_id": older.id,
                                 "reason": "Quyết định số 12/QĐ-VKS của Viện trưởng"})

    assert accepted.status_code == 201, accepted.json
    assert (accepted.json["initiative_id"], accepted.json["level_used"]) == (older.id, "grassroots")
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_recorded_override").one()
    assert event.data["reason"] == "Quyết định số 12/QĐ-VKS của Viện trưởng"
    assert set(event.data["unmet_conditions"]) == {"advanced_worker", "initiative"}


def test_advanced_worker_is_recorded_as_a_fact(client, officer, api_headers, hung):
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": YEAR, "title": "advanced_worker"})
    assert response.status_code == 201


@pytest.mark.parametrize("level", ["reprimand", "warning", "demotion", "dismissal"])
def test_advanced_worker_under_a_measure_needs_a_written_reason(client, officer, api_headers, hung, discipline,
                                                                level):
    from portal.core.audit import AuditEvent

    discipline(hung, YEAR, level)  # excludes the title: LĐTT is still a fact of the rating, with a reason
    body = {"username": "ksv.hung", "year": YEAR, "title": "advanced_worker"}
    refused = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json=body)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "discipline_needs_reason"
    assert "reason" in refused.json["error"]["fields"]

    accepted = client.post("/api/v1/emulation/titles", headers=api_headers(officer),
                           json={**body, "reason": "Biên bản bình xét ngày 20/12"})
    assert accepted.status_code == 201
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_recorded_override").one()
    assert event.data["reason"] == "Biên bản bình xét ngày 20/12"
    assert event.data["flags"] == ["no_discipline"]


def test_advanced_worker_in_a_later_year_needs_no_reason(client, officer, api_headers, hung, discipline):
    discipline(hung, YEAR - 1)
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": YEAR, "title": "advanced_worker"})
    assert response.status_code == 201


def test_duplicate_title_is_a_conflict(client, officer, api_headers, hung, award):
    award(hung, YEAR, "advanced_worker")
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": YEAR, "title": "advanced_worker"})
    assert response.status_code == 409


@pytest.mark.parametrize("body, status", [
    ({"username": "ksv.hung", "year": YEAR}, 422),
    ({"username": "ksv.hung", "year": YEAR, "title": "hero"}, 422),
    ({"username": "nobody", "year": YEAR, "title": "advanced_worker"}, 422),
    ({"username": "ksv.hung", "year": "last", "title": "advanced_worker"}, 422),
    ({"username": "ksv.hung", "year": YEAR, "title": "advanced_worker", "initiative_id": "x"}, 422),
])
def test_bad_title_input(client, officer, api_headers, hung, body, status):
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json=body)
    assert response.status_code == status
    assert set(response.json["error"]) >= {"code", "message"}


def test_not_json_is_400(client, officer, api_headers):
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), data="x")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["titles", "disciplines", "articles"])
def test_staff_may_not_record(client, api_headers, hung, path):
    response = client.post(f"/api/v1/emulation/{path}", headers=api_headers(hung), json={
        "username": "ksv.hung", "year": YEAR, "title": "advanced_worker", "level": "reprimand", "count": 3})
    assert response.status_code == 403


def test_no_token_is_401(client):
    assert client.post("/api/v1/emulation/titles", json={}).status_code == 401
    assert client.get(f"/api/v1/emulation/eligibility?year={YEAR}").status_code == 401


def test_disciplines_and_articles(client, officer, api_headers, hung):
    from portal.emulation.models import ArticleCount, Discipline

    headers = api_headers(officer)
    response = client.post("/api/v1/emulation/disciplines", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "level": "warning", "note": "QĐ 3/QĐ-VKS"})
    assert response.status_code == 201
    assert client.post("/api/v1/emulation/disciplines", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "level": "fired"}).status_code == 422
    assert client.post("/api/v1/emulation/articles", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "count": 5}).status_code == 201
    assert client.post("/api/v1/emulation/articles", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "count": 7}).status_code == 201
    assert client.post("/api/v1/emulation/articles", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "count": -1}).status_code == 422
    assert client.post("/api/v1/emulation/articles", headers=headers, json={
        "username": "ksv.hung", "year": YEAR, "count": "many"}).status_code == 422
    assert db.session.query(Discipline).one().level == "warning"
    assert db.session.query(ArticleCount).one().count == 7


def test_registration_staff_before_deadline_and_officer_any_time(client, officer, api_headers, hung, make_user):
    from portal.emulation.models import Registration
    from portal.years.models import Year

    this_year = portal_today().year
    db.session.get(Year, this_year).registration_deadline = portal_today() + timedelta(days=1)
    db.session.add(Year(year=this_year - 1, registration_deadline=portal_today() - timedelta(days=1)))
    db.session.commit()
    staff = api_headers(hung)

    ok = client.post("/api/v1/emulation/registrations", headers=staff, json={
        "username": "ksv.hung", "year": this_year, "title": "emulation_soldier_grassroots"})
    assert ok.status_code == 201
    late = client.post("/api/v1/emulation/registrations", headers=staff, json={
        "username": "ksv.hung", "year": this_year - 1, "title": "advanced_worker"})
    assert late.status_code == 409
    assert "hết hạn" in late.json["error"]["message"]
    someone_else = make_user("ksv.mai")
    assert client.post("/api/v1/emulation/registrations", headers=staff, json={
        "username": someone_else.username, "year": this_year, "title": "advanced_worker"}).status_code == 403
    by_officer = client.post("/api/v1/emulation/registrations", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": this_year - 1, "title": "advanced_worker"})
    assert by_officer.status_code == 201
    assert db.session.query(Registration).count() == 2


def test_eligibility_shape_and_unit_filter(client, officer, api_headers, hung, make_user, make_unit, recognized,
                                           award):
    other = make_user("ksv.tuan", unit=make_unit("VKSND quận Hải Châu"))
    recognized([hung])
    award(hung, YEAR, "advanced_worker")
    headers = api_headers(officer)

    response = client.get(f"/api/v1/emulation/eligibility?year={YEAR}", headers=headers)

    assert response.status_code == 200
    body = response.json
    assert body["year"] == YEAR
    people = {p["username"]: p for p in body["people"]}
    assert {"ksv.hung", "ksv.tuan", "thidua"} <= set(people)
    grassroots = people["ksv.hung"]["titles"]["emulation_soldier_grassroots"]
    assert grassroots["eligible"] is True
    assert [c["code"] for c in grassroots["conditions"]] == [
        "advanced_worker", "initiative", "no_discipline", "article_quota", "registered"]
    assert set(grassroots["conditions"][0]) >= {"code", "met", "detail"}
    assert people["ksv.tuan"]["titles"]["emulation_soldier_grassroots"]["eligible"] is False
    assert set(people["ksv.hung"]["titles"]) == {
        "advanced_worker", "emulation_soldier_grassroots", "emulation_soldier_sector", "emulation_soldier_national"}

    only = client.get(f"/api/v1/emulation/eligibility?year={YEAR}&unit={other.unit_id}", headers=headers).json
    assert [p["username"] for p in only["people"]] == ["ksv.tuan"]
    by_name = client.get("/api/v1/emulation/eligibility", headers=headers,
                         query_string={"year": YEAR, "unit": "VKSND quận Hải Châu"}).json
    assert [p["username"] for p in by_name["people"]] == ["ksv.tuan"]

    assert client.get("/api/v1/emulation/eligibility", headers=headers).status_code == 400
    assert client.get("/api/v1/emulation/eligibility?year=abc", headers=headers).status_code == 400
    assert client.get(f"/api/v1/emulation/eligibility?year={YEAR}&unit=999", headers=headers).status_code == 404
    assert client.get(f"/api/v1/emulation/eligibility?year={YEAR}", headers=api_headers(hung)).status_code == 403


def test_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/emulation/titles", "/emulation/registrations", "/emulation/disciplines",
                 "/emulation/articles", "/emulation/eligibility"):
        assert path in paths
