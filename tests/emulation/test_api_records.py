"""The emulation API takes what the records page takes (issue 11): a measure's violation year, time
served (list, record, delete), a title refused; the same operations, audited the same way."""
from datetime import date

import pytest

from portal.extensions import db

DISCIPLINES = "/api/v1/emulation/disciplines"
SERVICES = "/api/v1/emulation/services"
REFUSALS = "/api/v1/emulation/refusals"


@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


# --- violation_year --------------------------------------------------------------------------

def test_a_measure_for_a_violation_that_already_cost_ldtt_is_not_counted_again_through_the_api(
        client, officer, api_headers, hung, recognized, award):
    from portal.core.audit import AuditEvent
    from portal.emulation import services
    from portal.emulation.models import Discipline

    award(hung, 2025, "advanced_worker")  # none in 2024: the violation of 2024 already cost it
    recognized([hung], decided=date(2025, 3, 1))

    response = client.post(DISCIPLINES, headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2025, "level": "reprimand", "violation_year": 2024, "note": "QĐ 7"})

    assert response.status_code == 201, response.json
    assert (response.json["year"], response.json["violation_year"]) == (2025, 2024)
    assert db.session.get(Discipline, response.json["id"]).violation_year == 2024
    event = db.session.query(AuditEvent).filter_by(action="emulation.discipline_recorded").one()
    assert event.data["violation_year"] == 2024
    result = services.load_year(2025, user_ids=[hung.id]).evaluate()[hung.id]
    assert result.titles["emulation_soldier_grassroots"].eligible
    assert "Không tính lại" in result.titles["emulation_soldier_grassroots"].condition("no_discipline").detail


def test_without_violation_year_the_measure_is_of_its_own_year(client, officer, api_headers, hung):
    response = client.post(DISCIPLINES, headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2025, "level": "warning"})
    assert response.status_code == 201
    assert response.json["violation_year"] == 2025


@pytest.mark.parametrize("value", [2026, 1999, 2101, "2024", True, 2024.5])
def test_a_bad_violation_year_is_422_naming_the_field_and_records_nothing(client, officer, api_headers, hung,
                                                                          value):
    from portal.emulation.models import Discipline

    response = client.post(DISCIPLINES, headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2025, "level": "reprimand", "violation_year": value})

    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == ["violation_year"]
    assert db.session.query(Discipline).count() == 0


def test_the_openapi_document_describes_violation_year(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/emulation/disciplines"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["properties"]
    answer = post["responses"]["201"]["content"]["application/json"]["schema"]["properties"]
    assert body["violation_year"]["type"] == "integer" and "violation_year" in answer


# --- time served -------------------------------------------------------------------------------

def test_time_served_is_recorded_listed_and_deleted_through_the_api_and_audited(
        client, officer, api_headers, hung, award):
    from portal.core.audit import AuditEvent
    from portal.emulation import services
    from portal.emulation.models import ServiceRecord

    award(hung, 2025, "advanced_worker")
    headers = api_headers(officer)

    created = client.post(SERVICES, headers=headers, json={
        "username": "ksv.hung", "year": 2025, "recruited_on": "2025-08-01", "leave_months": 0, "note": "Tuyển mới"})

    assert created.status_code == 201, created.json
    assert created.json["recruited_on"] == "2025-08-01" and created.json["leave_months"] == 0
    assert db.session.query(AuditEvent).filter_by(action="emulation.service_recorded").count() == 1
    lddt = services.load_year(2025, user_ids=[hung.id]).evaluate()[hung.id].titles["advanced_worker"]
    assert "mới công tác 5 tháng trong năm (dưới 6 tháng)" in lddt.condition("time_served").detail

    listed = client.get(SERVICES, headers=headers, query_string={"year": 2025})
    assert listed.status_code == 200
    assert [(i["username"], i["recruited_on"]) for i in listed.json["items"]] == [("ksv.hung", "2025-08-01")]
    assert client.get(SERVICES, headers=headers, query_string={"year": 2024}).json["items"] == []

    deleted = client.delete(f"{SERVICES}/{created.json['id']}", headers=headers)
    assert deleted.status_code == 204
    assert db.session.query(ServiceRecord).count() == 0
    event = db.session.query(AuditEvent).filter_by(action="emulation.service_deleted").one()
    assert event.data["recruited_on"] == "2025-08-01"
    assert client.delete(f"{SERVICES}/{created.json['id']}", headers=headers).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"leave_months": 13}, "leave_months"), ({"leave_months": "ba"}, "leave_months"),
    ({"recruited_on": "01/08/2025"}, "recruited_on"), ({"recruited_on": "2999-01-01"}, "recruited_on"),
    ({"year": 1990}, "year")])
def test_bad_time_served_is_422_naming_the_field(client, officer, api_headers, hung, body, field):
    from portal.emulation.models import ServiceRecord

    response = client.post(SERVICES, headers=api_headers(officer), json={"username": "ksv.hung", "year": 2025,
                                                                         **body})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert db.session.query(ServiceRecord).count() == 0


def test_time_served_is_the_emulation_officers(client, api_headers, hung, make_user):
    admin = make_user("quantri", roles=("admin",))
    for who in (hung, admin):
        headers = api_headers(who)
        assert client.get(SERVICES, headers=headers, query_string={"year": 2025}).status_code == 403
        assert client.post(SERVICES, headers=headers, json={"username": "ksv.hung", "year": 2025}).status_code == 403
    assert client.get(SERVICES, query_string={"year": 2025}).status_code == 401


# --- titles refused ----------------------------------------------------------------------------

def test_a_title_is_refused_with_a_reason_through_the_api_listed_and_withdrawn(client, officer, api_headers, hung):
    from portal.core.audit import AuditEvent
    from portal.emulation.models import TitleRefusal

    headers = api_headers(officer)
    body = {"username": "ksv.hung", "year": 2025, "title": "emulation_soldier_grassroots"}

    missing = client.post(REFUSALS, headers=headers, json=body)
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]

    created = client.post(REFUSALS, headers=headers, json={**body, "reason": "Hội đồng không đề nghị"})
    assert created.status_code == 201, created.json
    assert created.json["reason"] == "Hội đồng không đề nghị"
    assert db.session.query(AuditEvent).filter_by(action="emulation.title_refused").count() == 1
    again = client.post(REFUSALS, headers=headers, json={**body, "reason": "Lần nữa"})
    assert again.status_code == 409

    listed = client.get(REFUSALS, headers=headers, query_string={"year": 2025}).json["items"]
    assert [(i["username"], i["title"]) for i in listed] == [("ksv.hung", "emulation_soldier_grassroots")]
    assert client.delete(f"{REFUSALS}/{created.json['id']}", headers=headers).status_code == 204
    assert db.session.query(TitleRefusal).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="emulation.title_refusal_deleted").count() == 1
