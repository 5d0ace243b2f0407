"""Old awards recorded before the "used once" rule with initiative_id null (issue 11): the officer
sees them as "recognition used not recorded", and until the officer names the recognition, none of
the recognitions the award may have used backs another title (Công văn 5007/BNV-TĐKT III.5.c)."""
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from portal.emulation.engine import (
    ADVANCED_WORKER,
    GRASSROOTS,
    SECTOR,
    Person,
    Recognition,
    Settings,
    TitleAward,
    evaluate_year,
    recognition_to_use,
)
from portal.extensions import db

AN = Person(1, "an", "Nguyễn Văn An", "Phòng 1")


def rec(initiative_id, level, decided):
    return Recognition(initiative_id, f"Sáng kiến {initiative_id}", level, decided, {AN.id: 100})


def issue_case(*extra_awards, more=()):
    """The issue's case: initiative 7, grassroots decision 2019, sector decision 2020; CSTĐ cơ sở 2020
    recorded by the old code with initiative_id null (marked use_unknown by the migration)."""
    awards = [TitleAward(AN.id, 2020, ADVANCED_WORKER), TitleAward(AN.id, 2018, GRASSROOTS),
              TitleAward(AN.id, 2019, GRASSROOTS), TitleAward(AN.id, 2020, GRASSROOTS, use_unknown=True),
              *extra_awards]
    recognitions = [rec(7, "grassroots", date(2019, 4, 1)), rec(7, "sector", date(2020, 6, 1)), *more]
    return awards, recognitions


def sector_2020(awards, recognitions, settings=None):
    results = evaluate_year(2020, [AN], recognitions, awards, (), (), (), settings or Settings())
    return results[AN.id].titles


@pytest.mark.parametrize("per_initiative", [True, False], ids=["one-use-per-initiative", "per-level"])
def test_an_old_award_without_its_recognition_keeps_the_sector_recognition_from_backing_cstd_nganh(per_initiative):
    awards, recognitions = issue_case()
    titles = sector_2020(awards, recognitions, Settings(one_use_per_initiative=per_initiative))

    sector = titles[SECTOR]
    cond = sector.condition("sector_initiative")
    assert not cond.met and not sector.eligible
    [evidence] = cond.evidence
    assert evidence["reason"] == "use_not_recorded"
    assert evidence["used_for"] == {"title": GRASSROOTS, "year": 2020}
    assert "chưa ghi sáng kiến đã sử dụng" in cond.detail
    assert recognition_to_use(sector, 7) == (None, "use_not_recorded")
    # The old award itself still stands on what it may have used.
    assert titles[GRASSROOTS].held and titles[GRASSROOTS].condition("initiative").met


def test_once_the_officer_names_another_recognition_the_sector_one_is_free_again():
    other = rec(9, "grassroots", date(2020, 2, 1))
    awards, recognitions = issue_case(more=[other])
    assert not sector_2020(awards, recognitions)[SECTOR].eligible  # 9 or 7: nobody knows yet

    named = [a for a in awards if not (a.year == 2020 and a.title == GRASSROOTS)]
    named.append(TitleAward(AN.id, 2020, GRASSROOTS, 9, "grassroots"))
    sector = sector_2020(named, recognitions)[SECTOR]
    assert sector.eligible and sector.uses == (7, "sector")


def test_history_typed_without_a_recognition_of_the_portal_blocks_nothing():
    # CSTĐ cơ sở 2018 and 2019 above carry no initiative and are not use_unknown: they block nothing.
    awards, recognitions = issue_case()
    awards = [a for a in awards if not a.use_unknown] + [TitleAward(AN.id, 2020, GRASSROOTS, 9, "grassroots")]
    assert sector_2020(awards, recognitions)[SECTOR].eligible


def test_an_old_award_blocks_only_what_its_own_title_and_year_could_have_used():
    # A sector recognition decided in 2021 could not have backed CSTĐ cơ sở 2020.
    awards, recognitions = issue_case()
    later = rec(11, "sector", date(2021, 3, 1))
    results = evaluate_year(2021, [AN], [*recognitions, later], awards, (), (), (), Settings())
    evidence = {e["initiative_id"]: e for e in results[AN.id].titles[SECTOR].condition("sector_initiative").evidence}
    assert evidence[7]["reason"] == "use_not_recorded" and evidence[11]["usable"]


# --- the database, the pages and the recorder ---------------------------------------------------

@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


@pytest.fixture
def old_award(hung, recognized, award):
    """The issue's case in the database, the 2020 CSTĐ cơ sở row written as the old code wrote it."""
    from portal.emulation.models import TitleAward

    initiative = recognized([hung], decided=date(2019, 4, 1), sector=date(2020, 6, 1))
    other = recognized([hung], decided=date(2020, 2, 1), title="Sáng kiến cơ sở 2020")
    award(hung, 2020, "advanced_worker")
    award(hung, 2018, "emulation_soldier_grassroots")
    award(hung, 2019, "emulation_soldier_grassroots")  # history typed without a recognition: blocks nothing
    # As the old recorder wrote it, and as migration title_refusals marks it (test_migration_uses.py).
    db.session.execute(sa.insert(TitleAward.__table__).values(
        user_id=hung.id, year=2020, title="emulation_soldier_grassroots", decision_no="12/QĐ-VKS",
        initiative_id=None, level_used=None, reason="", created_at=datetime(2021, 1, 5), use_unknown=True))
    db.session.commit()
    row = db.session.query(TitleAward).filter_by(user_id=hung.id, year=2020,
                                                 title="emulation_soldier_grassroots").one()
    return row, initiative, other


def test_the_officer_sees_the_old_award_flagged_on_the_year_and_records_pages(client, officer, old_award):
    client.login(officer)
    year_page = client.get("/emulation/year/2020").text
    assert 'data-testid="unrecorded-uses"' in year_page
    assert "Sáng kiến đã sử dụng chưa được ghi nhận" in year_page
    assert "chưa ghi nhận sáng kiến đã sử dụng" in year_page  # the evidence of CSTĐ Ngành 2020
    records = client.get("/emulation/year/2020/records").text
    assert 'data-testid="use-not-recorded"' in records
    english = client.get("/emulation/year/2020/records?lang=en").text
    assert "Recognition used not recorded" in english


def test_the_recorder_refuses_the_possibly_used_recognition_even_with_a_reason(client, officer, api_headers,
                                                                                old_award):
    from portal.emulation.models import TitleAward

    _row, initiative, _other = old_award
    response = client.post("/api/v1/emulation/titles", headers=api_headers(officer), json={
        "username": "ksv.hung", "year": 2020, "title": "emulation_soldier_sector", "initiative_id": initiative.id,
        "reason": "Quyết định của VKSND tối cao"})

    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "recognition_use_not_recorded"
    assert db.session.query(TitleAward).filter_by(title="emulation_soldier_sector").count() == 0


def test_naming_the_recognition_the_old_award_used_frees_the_other_one(client, officer, api_headers, old_award):
    from portal.core.audit import AuditEvent
    from portal.emulation import services

    row, initiative, other = old_award
    headers = api_headers(officer)

    named = client.post(f"/api/v1/emulation/titles/{row.id}/use", headers=headers,
                        json={"initiative_id": other.id})

    assert named.status_code == 200, named.json
    assert (named.json["initiative_id"], named.json["level_used"]) == (other.id, "grassroots")
    event = db.session.query(AuditEvent).filter_by(action="emulation.title_use_recorded").one()
    assert event.data["initiative_id"] == other.id
    again = client.post(f"/api/v1/emulation/titles/{row.id}/use", headers=headers, json={})
    assert again.status_code == 409 and again.json["error"]["code"] == "use_recorded"
    db.session.expire_all()  # the row as the request committed it
    sector = services.load_year(2020, user_ids=[row.user_id]).evaluate()[row.user_id].titles[
        "emulation_soldier_sector"]
    assert sector.condition("sector_initiative").met
    recorded = client.post("/api/v1/emulation/titles", headers=headers, json={
        "username": "ksv.hung", "year": 2020, "title": "emulation_soldier_sector"})
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["initiative_id"] == initiative.id


def test_the_records_page_names_the_recognition_of_the_old_award(client, officer, old_award):
    row, initiative, _other = old_award
    client.login(officer)
    response = client.post(f"/emulation/titles/{row.id}/use", data={"initiative_id": str(initiative.id)})
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.initiative_id, str(row.level_used)) == (initiative.id, "sector")
    assert 'data-testid="use-not-recorded"' not in client.get("/emulation/year/2020/records").text
