"""Recording titles as the law reads (issue 11): the recognition an award used, the lower title of
the same year, LĐTT time served, measures for earlier violations, the commendation countdown, and
the settings each result page names.
"""
from datetime import date, datetime

import pytest

from portal.core.timeutil import frozen_at
from portal.extensions import db

TITLES = "/api/v1/emulation/titles"


@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


def post_title(client, headers, **body):
    return client.post(TITLES, headers=headers, json={"username": "ksv.hung", **body})


# --- one recognition backs one award -----------------------------------------------------------

def test_the_sector_recognition_cannot_back_both_cstd_co_so_and_cstd_nganh_2020(
        client, officer, api_headers, hung, recognized, award):
    from portal.emulation.models import TitleAward

    # The case: a grassroots decision in 2019 and a sector decision in 2020.
    initiative = recognized([hung], decided=date(2019, 4, 1), sector=date(2020, 6, 1))
    award(hung, 2020, "advanced_worker")
    award(hung, 2018, "emulation_soldier_grassroots")
    award(hung, 2019, "emulation_soldier_grassroots")
    headers = api_headers(officer)

    grassroots = post_title(client, headers, year=2020, title="emulation_soldier_grassroots")

    assert grassroots.status_code == 201, grassroots.json
    # Stored exactly: the sector recognition it qualified on, never initiative_id null.
    assert (grassroots.json["initiative_id"], grassroots.json["level_used"]) == (initiative.id, "sector")
    row = db.session.get(TitleAward, grassroots.json["id"])
    assert (row.initiative_id, str(row.level_used)) == (initiative.id, "sector")

    named = post_title(client, headers, year=2020, title="emulation_soldier_sector", initiative_id=initiative.id,
                       reason="Đề nghị của đơn vị")
    assert named.status_code == 409
    assert named.json["error"]["code"] == "recognition_used"
    unnamed = post_title(client, headers, year=2020, title="emulation_soldier_sector")
    assert unnamed.status_code == 422
    assert "sector_initiative" in {c.split(":")[0] for c in unnamed.json["error"]["fields"]["conditions"]}
    assert db.session.query(TitleAward).filter_by(title="emulation_soldier_sector").count() == 0


def test_one_use_per_initiative_blocks_its_other_level_and_per_level_is_a_setting(
        client, officer, api_headers, hung, recognized, award):
    from portal.emulation import operations

    initiative = recognized([hung], decided=date(2019, 4, 1), sector=date(2020, 6, 1))
    award(hung, 2019, "emulation_soldier_grassroots", initiative, "grassroots")
    award(hung, 2020, "advanced_worker")
    headers = api_headers(officer)

    blocked = post_title(client, headers, year=2020, title="emulation_soldier_grassroots",
                         initiative_id=initiative.id, reason="x")
    assert blocked.status_code == 409
    assert "mỗi sáng kiến chỉ được sử dụng một lần" in blocked.json["error"]["message"]

    values = {**operations.settings_for(2020).to_dict(), "one_use_per_initiative": False}
    operations.save_settings(2020, values, actor=officer)
    db.session.commit()
    allowed = post_title(client, headers, year=2020, title="emulation_soldier_grassroots")
    assert allowed.status_code == 201, allowed.json
    assert (allowed.json["initiative_id"], allowed.json["level_used"]) == (initiative.id, "sector")


def test_the_recorder_stores_what_the_eligibility_api_showed(client, officer, api_headers, hung, recognized,
                                                             award):
    award(hung, 2025, "advanced_worker")
    first = recognized([hung], decided=date(2025, 2, 1), title="Sổ tay thứ nhất")
    second = recognized([hung], decided=date(2025, 5, 1), title="Sổ tay thứ hai")
    headers = api_headers(officer)
    shown = client.get("/api/v1/emulation/eligibility?year=2025", headers=headers).json
    [person] = [p for p in shown["people"] if p["username"] == "ksv.hung"]
    initiative = next(c for c in person["titles"]["emulation_soldier_grassroots"]["conditions"]
                      if c["code"] == "initiative")
    [chosen] = [(e["initiative_id"], e["level"]) for e in initiative["evidence"] if e["uses"]]
    assert chosen[0] in (first.id, second.id)

    recorded = post_title(client, headers, year=2025, title="emulation_soldier_grassroots")

    assert (recorded.json["initiative_id"], recorded.json["level_used"]) == chosen


def test_a_named_initiative_outside_the_evidence_needs_a_reason(client, officer, api_headers, hung, recognized,
                                                                award):
    award(hung, 2025, "advanced_worker")
    recognized([hung], decided=date(2025, 2, 1))
    older = recognized([hung], decided=date(2021, 2, 1))
    headers = api_headers(officer)
    refused = post_title(client, headers, year=2025, title="emulation_soldier_grassroots", initiative_id=older.id)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "not_in_evidence"
    accepted = post_title(client, headers, year=2025, title="emulation_soldier_grassroots",
                          initiative_id=older.id, reason="Quyết định khen thưởng dựa trên sáng kiến năm 2021")
    assert accepted.status_code == 201
    assert (accepted.json["initiative_id"], accepted.json["level_used"]) == (older.id, "grassroots")


# --- the lower title of the same year ---------------------------------------------------------

@pytest.fixture
def sector_candidate(hung, recognized, award):
    """Hùng: CSTĐ cơ sở 2023 and 2024 recorded, 2025 only eligible; a sector recognition of 2024."""
    award(hung, 2025, "advanced_worker")
    award(hung, 2023, "emulation_soldier_grassroots")
    award(hung, 2024, "emulation_soldier_grassroots")
    sector = recognized([hung], decided=date(2023, 5, 1), sector=date(2024, 9, 1), title="Đề án cấp Ngành")
    grassroots = recognized([hung], decided=date(2025, 3, 1), title="Sáng kiến cơ sở 2025")
    return sector, grassroots


def test_a_title_whose_lower_title_is_provisional_is_refused_until_that_one_is_recorded(
        client, officer, api_headers, sector_candidate):
    sector, grassroots = sector_candidate
    headers = api_headers(officer)

    refused = post_title(client, headers, year=2025, title="emulation_soldier_sector")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "lower_title_provisional"

    lower = post_title(client, headers, year=2025, title="emulation_soldier_grassroots")
    assert lower.status_code == 201
    assert lower.json["initiative_id"] == grassroots.id
    higher = post_title(client, headers, year=2025, title="emulation_soldier_sector")
    assert higher.status_code == 201, higher.json
    assert (higher.json["initiative_id"], higher.json["level_used"]) == (sector.id, "sector")


def test_recorded_with_a_reason_and_flagged_when_the_lower_title_is_refused(
        client, officer, api_headers, hung, sector_candidate):
    from portal.core.audit import AuditEvent
    from portal.emulation import operations, services
    from portal.emulation.models import TitleAward

    headers = api_headers(officer)
    accepted = post_title(client, headers, year=2025, title="emulation_soldier_sector",
                          reason="Quyết định của VKSND tối cao đã ban hành")
    assert accepted.status_code == 201
    row = db.session.get(TitleAward, accepted.json["id"])
    assert str(row.provisional_on) == "emulation_soldier_grassroots"
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_recorded_override").one()
    assert event.data["provisional_on"] == "emulation_soldier_grassroots"

    result = services.load_year(2025, user_ids=[hung.id]).evaluate()[hung.id].titles["emulation_soldier_sector"]
    assert result.condition("lower_title").met

    # The LĐTT of 2025 is withdrawn: CSTĐ cơ sở 2025 cannot be awarded any more.
    lddt = db.session.query(TitleAward).filter_by(user_id=hung.id, year=2025, title="advanced_worker").one()
    operations.delete_award(lddt, actor=officer)
    db.session.commit()
    result = services.load_year(2025, user_ids=[hung.id]).evaluate()[hung.id].titles["emulation_soldier_sector"]
    assert not result.condition("lower_title").met
    client.login(officer)
    page = client.get("/emulation/year/2025")
    assert "không được công nhận" in page.text


# --- time served and measures for earlier violations ------------------------------------------

def test_time_served_is_recorded_and_flagged_on_the_officers_page(client, officer, hung, award):
    from portal.core.audit import AuditEvent

    award(hung, 2025, "advanced_worker")
    client.login(officer)
    response = client.post("/emulation/year/2025/services", data={
        "username": "ksv.hung", "year": "2025", "recruited_on": "2025-08-01", "leave_months": "0"})
    assert response.status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="emulation.service_recorded").count() == 1
    page = client.get("/emulation/year/2025").text
    assert "mới công tác 5 tháng trong năm (dưới 6 tháng)" in page


def test_a_future_recruitment_date_is_refused(client, officer, hung):
    client.login(officer)
    with frozen_at(datetime(2025, 3, 1, 9, 0)):
        response = client.post("/emulation/year/2025/services", data={
            "username": "ksv.hung", "year": "2025", "recruited_on": "2025-04-01", "leave_months": "0"})
    assert response.status_code == 422


def test_a_measure_for_an_earlier_violation_that_cost_ldtt_is_not_counted_again(client, officer, hung, recognized,
                                                                               award):
    from portal.emulation import services

    award(hung, 2025, "advanced_worker")  # none in 2024: the violation of 2024 already cost it
    recognized([hung], decided=date(2025, 3, 1))
    client.login(officer)
    response = client.post("/emulation/year/2025/disciplines", data={
        "username": "ksv.hung", "year": "2025", "level": "reprimand", "violation_year": "2024"})
    assert response.status_code == 302
    result = services.load_year(2025, user_ids=[hung.id]).evaluate()[hung.id]
    assert result.titles["emulation_soldier_grassroots"].eligible
    assert "Không tính lại" in result.titles["emulation_soldier_grassroots"].condition("no_discipline").detail


def test_a_violation_after_its_measure_is_refused(officer, hung):
    from portal.core.refusal import Refusal
    from portal.emulation import operations

    with pytest.raises(Refusal) as refused:
        operations.record_discipline(hung, 2025, "reprimand", actor=officer, violation_year=2026)
    assert refused.value.status == 422


# --- the commendation countdown and the settings each page names --------------------------------

@pytest.mark.parametrize(("today", "text"), [
    (date(2026, 2, 28), "Còn 10 ngày đến hạn nộp hồ sơ khen thưởng năm 2025 (10/03/2026)."),
    (date(2026, 3, 10), "Hôm nay (10/03/2026) là hạn nộp hồ sơ khen thưởng năm 2025."),
    (date(2026, 3, 12), "Đã quá hạn nộp hồ sơ khen thưởng năm 2025 (10/03/2026) 2 ngày."),
])
def test_the_commendation_deadline_drives_the_countdown(client, officer, today, text):
    from portal.years.models import Year

    db.session.add(Year(year=2025, commendation_deadline=date(2026, 3, 10)))
    db.session.commit()
    client.login(officer)
    with frozen_at(datetime(today.year, today.month, today.day, 8, 0)):
        page = client.get("/emulation/year/2025").text
    assert text in page


def test_without_a_commendation_deadline_the_page_says_so(client, officer):
    client.login(officer)
    assert "chưa đặt hạn nộp hồ sơ khen thưởng" in client.get("/emulation/year/2025").text


def test_result_pages_name_the_settings_they_used_with_their_sources(client, officer, hung, award):
    from io import BytesIO

    from openpyxl import load_workbook

    award(hung, 2025, "advanced_worker")
    client.login(officer)
    page = client.get("/emulation/year/2025").text
    for key in ("one_use_per_initiative", "cap_minimum_one", "national_in_following_year", "min_service_months"):
        assert f"<code class=\"muted small\">{key}</code>" in page
    assert "Công văn 5007/BNV-TĐKT" in page
    assert "approval_fraction" not in page
    book = load_workbook(BytesIO(client.get("/emulation/year/2025/export.xlsx").data))
    rows = [[c.value for c in row] for row in book["Thiết lập áp dụng"].iter_rows()]
    assert rows[0] == ["Thiết lập", "Giá trị", "Mặc định", "Căn cứ"]
    assert any("Công văn 5007/BNV-TĐKT" in (row[3] or "") for row in rows[1:])
    client.login(hung)
    mine = client.get("/emulation/me").text
    assert "Căn cứ" in mine and "one_use_per_initiative" in mine


def test_the_settings_and_the_year_page_read_in_english(client, officer, hung, award):
    from portal.years.models import Year

    db.session.add(Year(year=2025, commendation_deadline=date(2026, 3, 10)))
    award(hung, 2025, "advanced_worker")
    client.login(officer)
    client.post("/lang/en", data={"next": "/"})
    settings = client.get("/emulation/year/2025/settings").text
    assert "Each initiative is used once per person" in settings
    assert "Official letter 5007/BNV-TĐKT" in settings and "Default: on. Source:" in settings
    with frozen_at(datetime(2026, 2, 28, 8, 0)):
        page = client.get("/emulation/year/2025").text
    assert "10 days left until the commendation dossiers of 2025 are due" in page
    assert "Advanced Workers whom the portal finds eligible (no disciplinary measure), rounded down, at least 1" in page
