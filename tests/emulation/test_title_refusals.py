"""The officer records a title of a year as refused (issue 11): with a reason, audited; the engine then
finds it not eligible, no higher title counts it provisionally, and a higher title recorded while it
was provisional is flagged, on the page and in the API."""
from datetime import date

import pytest

from portal.emulation.engine import (
    ADVANCED_WORKER,
    GRASSROOTS,
    SECTOR,
    Person,
    Recognition,
    Settings,
    TitleAward,
    evaluate_year,
)
from portal.emulation.lower_titles import RefusedTitle
from portal.extensions import db

Y = 2024
AN = Person(1, "an", "Nguyễn Văn An", "Phòng 1")


def titles(awards, refusals=()):
    recognitions = [Recognition(20, "Đề án", "sector", date(Y - 1, 5, 1), {AN.id: 100}),
                    Recognition(10, "Sáng kiến", "grassroots", date(Y, 3, 1), {AN.id: 100})]
    return evaluate_year(Y, [AN], recognitions, awards, (), (), (), Settings(), (), refusals)[AN.id].titles


def history(*extra):
    return [TitleAward(AN.id, Y, ADVANCED_WORKER), TitleAward(AN.id, Y - 2, GRASSROOTS),
            TitleAward(AN.id, Y - 1, GRASSROOTS), *extra]


def test_a_refused_title_is_not_eligible_and_no_higher_title_counts_it_provisionally():
    before = titles(history())
    assert before[GRASSROOTS].eligible and before[SECTOR].eligible and before[SECTOR].provisional

    after = titles(history(), [RefusedTitle(AN.id, Y, GRASSROOTS, "Hội đồng không đề nghị")])

    refused = after[GRASSROOTS].condition("not_refused")
    assert not after[GRASSROOTS].eligible and not refused.met
    assert "Hội đồng không đề nghị" in refused.detail
    assert not after[SECTOR].eligible
    assert not after[SECTOR].condition("consecutive_grassroots").met


def test_a_higher_title_recorded_on_the_provisional_one_is_flagged_when_it_is_refused():
    sector = TitleAward(AN.id, Y, SECTOR, 20, "sector", provisional_on=GRASSROOTS)
    assert titles(history(sector))[SECTOR].condition("lower_title").met  # still eligible: provisional

    result = titles(history(sector), [RefusedTitle(AN.id, Y, GRASSROOTS, "Hội đồng không đề nghị")])[SECTOR]

    cond = result.condition("lower_title")
    assert result.held and not result.eligible and not cond.met
    assert "không công nhận (Hội đồng không đề nghị)" in cond.detail
    assert cond.evidence[0]["refused"] is True


def test_a_refusal_of_another_year_changes_nothing():
    assert titles(history(), [RefusedTitle(AN.id, Y - 1, GRASSROOTS, "x")])[SECTOR].eligible


# --- the records page, the API, the recorder --------------------------------------------------

@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


@pytest.fixture
def sector_on_provisional(client, officer, api_headers, hung, recognized, award):
    """Hùng: CSTĐ cơ sở 2023 and 2024, 2025 only eligible; CSTĐ Ngành 2025 recorded with a reason."""
    award(hung, 2025, "advanced_worker")
    award(hung, 2023, "emulation_soldier_grassroots")
    award(hung, 2024, "emulation_soldier_grassroots")
    recognized([hung], decided=date(2023, 5, 1), sector=date(2024, 9, 1), title="Đề án cấp Ngành")
    recognized([hung], decided=date(2025, 3, 1), title="Sáng kiến cơ sở 2025")
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2025, "title": "emulation_soldier_sector",
        "reason": "Quyết định của VKSND tối cao đã ban hành"})
    assert response.status_code == 201, response.json
    return response.json


def test_the_officer_refuses_the_lower_title_on_the_records_page_and_the_higher_one_is_flagged(
        client, officer, hung, sector_on_provisional):
    from portal.core.audit import AuditEvent
    from portal.emulation.models import TitleRefusal

    client.login(officer)
    without_reason = client.post("/emulation/year/2025/refusals", data={
        "username": "ksv.hung", "year": "2025", "title": "emulation_soldier_grassroots", "reason": ""})
    assert without_reason.status_code == 422
    assert db.session.query(TitleRefusal).count() == 0

    response = client.post("/emulation/year/2025/refusals", data={
        "username": "ksv.hung", "year": "2025", "title": "emulation_soldier_grassroots",
        "reason": "Hội đồng Thi đua không đề nghị"})

    assert response.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_refused").one()
    assert event.data["reason"] == "Hội đồng Thi đua không đề nghị"
    assert event.data["flagged_titles"] == ["emulation_soldier_sector"]
    records = client.get("/emulation/year/2025/records").text
    assert 'data-testid="refusal"' in records and 'data-testid="lower-refused"' in records
    year_page = client.get("/emulation/year/2025").text
    assert "Hội đồng Thi đua không đề nghị" in year_page and "cần xem xét lại" in year_page


def test_the_api_shows_the_flag_and_refuses_to_record_a_refused_title(client, officer, api_headers, hung,
                                                                      sector_on_provisional):
    headers = api_headers(officer)
    refused = client.post("/api/v1/emulation/refusals", headers=headers, json={
        "username": "ksv.hung", "year": 2025, "title": "emulation_soldier_grassroots",
        "reason": "Hội đồng Thi đua không đề nghị"})
    assert refused.status_code == 201, refused.json

    people = client.get("/api/v1/emulation/eligibility", headers=headers, query_string={"year": 2025}).json["people"]
    [person] = [p for p in people if p["username"] == "ksv.hung"]
    sector = person["titles"]["emulation_soldier_sector"]
    lower = next(c for c in sector["conditions"] if c["code"] == "lower_title")
    assert sector["held"] and not sector["eligible"] and not lower["met"]
    assert not person["titles"]["emulation_soldier_grassroots"]["eligible"]

    again = client.post("/api/v1/emulation/titles", headers=headers, json={
        "username": "ksv.hung", "year": 2025, "title": "emulation_soldier_grassroots"})
    assert again.status_code == 409 and again.json["error"]["code"] == "title_refused"


def test_a_recorded_title_cannot_be_refused(client, officer, api_headers, hung, award):
    award(hung, 2025, "advanced_worker")
    response = client.post("/api/v1/emulation/refusals", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2025, "title": "advanced_worker", "reason": "Nhầm"})
    assert response.status_code == 409 and response.json["error"]["code"] == "title_recorded"
