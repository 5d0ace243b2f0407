"""The engine's rules added from the law (issue 11): one use per initiative, the cap base and its
minimum, the national title in the following year, time served, a measure counted once, and the
flag on a title recorded while its lower title was provisional. Plain data; Y = 2024.
"""
from datetime import date

import pytest

from portal.emulation.engine import (
    ADVANCED_WORKER,
    GRASSROOTS,
    NATIONAL,
    SECTOR,
    SETTING_LABELS,
    SETTING_SOURCES,
    SETTINGS_BY_CONDITION,
    Discipline,
    Person,
    Recognition,
    Service,
    Settings,
    TitleAward,
    evaluate_year,
    grassroots_cap,
    months_served,
    recognition_to_use,
    unit_caps,
    use_key,
)

# The eligibility rules never open the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

Y = 2024
AN = Person(1, "an", "Nguyễn Văn An", "Phòng 1")
BINH = Person(2, "binh", "Trần Thị Bình", "Phòng 1")


def evaluate(awards=(), recognitions=(), disciplines=(), services=(), settings=None, people=(AN,), year=Y):
    return evaluate_year(year, people, recognitions, awards, disciplines, (), (), settings or Settings(),
                         services)


def result(title, person=AN, **records):
    return evaluate(**records)[person.id].titles[title]


def held(title, *years, person=AN, initiative_id=None, level_used=None, provisional_on=None):
    return [TitleAward(person.id, y, title, initiative_id, level_used, provisional_on) for y in years]


def rec(initiative_id, level, decided, authors=None):
    return Recognition(initiative_id, f"Sáng kiến {initiative_id}", level, decided,
                       authors or {AN.id: 100})


# --- one recognition, one award (Công văn 5007/BNV-TĐKT) -------------------------------


def issue_case():
    """The issue's case: a grassroots decision in 2019, a sector decision in 2020 (initiative 7)."""
    return {
        "awards": held(ADVANCED_WORKER, 2020) + held(GRASSROOTS, 2018, 2019),
        "recognitions": [rec(7, "grassroots", date(2019, 4, 1)), rec(7, "sector", date(2020, 6, 1))],
    }


def test_grassroots_2020_uses_the_sector_recognition_the_engine_found():
    res = result(GRASSROOTS, year=2020, **issue_case())
    assert res.eligible
    # The only recognition decided in 2020 is the sector one: that is what the award uses.
    assert res.uses == (7, "sector")
    assert recognition_to_use(res) == ((7, "sector"), None)
    [evidence] = [e for e in res.condition("initiative").evidence if e["uses"]]
    assert (evidence["initiative_id"], evidence["level"]) == (7, "sector")


@pytest.mark.parametrize("per_initiative", [True, False], ids=["one-use-per-initiative", "per-level"])
def test_the_sector_recognition_cannot_back_both_cstd_co_so_and_cstd_nganh_2020(per_initiative):
    records = issue_case()
    settings = Settings(one_use_per_initiative=per_initiative)
    # Recorded as the engine chose it: CSTĐ cơ sở 2020 on (7, sector).
    records["awards"] += held(GRASSROOTS, 2020, initiative_id=7, level_used="sector")
    sector = result(SECTOR, year=2020, settings=settings, **records)
    cond = sector.condition("sector_initiative")
    assert not cond.met and not sector.eligible
    assert cond.evidence[0]["reason"] == "used"
    assert cond.evidence[0]["used_for"] == {"title": GRASSROOTS, "year": 2020}
    assert recognition_to_use(sector, 7) == (None, "used")


def test_before_the_fix_a_null_initiative_left_the_sector_recognition_free():
    # initiative_id null without use_unknown (history typed without a recognition of the portal)
    # blocks nothing: the reason the recorder always stores the recognition the engine chose. The
    # rows the old recorder wrote are marked use_unknown and block (test_unrecorded_uses.py).
    records = issue_case()
    records["awards"] += held(GRASSROOTS, 2020)
    assert result(SECTOR, year=2020, **records).condition("sector_initiative").met


@pytest.mark.parametrize(("per_initiative", "key"), [(True, (7, "*")), (False, (7, "sector"))])
def test_use_key_is_the_initiative_by_default_and_the_level_when_set(per_initiative, key):
    assert use_key(7, "sector", Settings(one_use_per_initiative=per_initiative)) == key


def test_the_engine_keeps_the_higher_recognition_for_the_higher_title():
    # Two usable for CSTĐ cơ sở of Y: initiative 8 (grassroots only) and 7 (also sector).
    recognitions = [rec(7, "sector", date(Y, 3, 1)), rec(8, "grassroots", date(Y, 5, 1)),
                    rec(7, "grassroots", date(Y, 1, 10))]
    res = result(GRASSROOTS, awards=held(ADVANCED_WORKER, Y), recognitions=recognitions)
    assert res.uses == (8, "grassroots")


def test_a_co_authors_use_blocks_only_when_co_authors_do_not_each_use():
    recognitions = [rec(7, "grassroots", date(Y, 3, 1), {AN.id: 50, BINH.id: 50})]
    awards = held(ADVANCED_WORKER, Y, person=BINH) + held(GRASSROOTS, Y, person=AN, initiative_id=7,
                                                           level_used="grassroots")
    people = (AN, BINH)
    each = evaluate(awards=awards, recognitions=recognitions, people=people)[BINH.id].titles[GRASSROOTS]
    assert each.eligible
    shared = evaluate(awards=awards, recognitions=recognitions, people=people,
                      settings=Settings(coauthors_each_use=False))[BINH.id].titles[GRASSROOTS]
    assert not shared.eligible
    assert "đồng tác giả" in shared.condition("initiative").detail


# --- the grassroots cap ------------------------------------------------------------------


def test_the_cap_base_is_the_eligible_ldtt_holders():
    # A unit of 14 LĐTT holders, one under a warning: 15 % of 13 is 1 (not 15 % of 14 = 2).
    people = [Person(i, f"p{i}", f"Người {i:02}", "Phòng 1") for i in range(1, 15)]
    awards = [TitleAward(p.id, Y, ADVANCED_WORKER) for p in people]
    results = evaluate(awards=awards, people=people, disciplines=[Discipline(3, Y, "warning")])
    entry = unit_caps(results, Y, Settings())["Phòng 1"]
    assert (entry["lddt_count"], entry["cap"]) == (13, 1)
    assert not results[3].titles[ADVANCED_WORKER].eligible


@pytest.mark.parametrize(("count", "minimum_one", "cap"), [
    (0, True, 0), (0, False, 0), (1, True, 1), (1, False, 0), (6, False, 0), (7, False, 1),
    (13, False, 1), (14, False, 2), (20, False, 3),
])
def test_cap_minimum_one_boundaries(count, minimum_one, cap):
    assert grassroots_cap(count, 15, minimum_one) == cap


def test_cap_minimum_one_off_reaches_the_units_cap():
    people = [Person(i, f"p{i}", f"Người {i}", "Phòng 1") for i in range(1, 5)]
    awards = [TitleAward(p.id, Y, ADVANCED_WORKER) for p in people]
    results = evaluate(awards=awards, people=people)
    assert unit_caps(results, Y, Settings())["Phòng 1"]["cap"] == 1
    assert unit_caps(results, Y, Settings(cap_minimum_one=False))["Phòng 1"]["cap"] == 0


# --- CSTĐ toàn quốc in the year after the second CSTĐ Ngành ------------------------------


def national_records(*sector_years):
    return {"awards": held(SECTOR, *sector_years),
            "recognitions": [rec(30, "national", date(Y, 2, 1))]}


@pytest.mark.parametrize(("following", "sector_years", "met"), [
    (True, (Y - 4, Y - 1), True),
    (True, (Y - 3, Y), False),
    (False, (Y - 3, Y), True),
    (False, (Y - 4, Y - 1), False),
])
def test_national_in_following_year(following, sector_years, met):
    settings = Settings(national_in_following_year=following)
    res = result(NATIONAL, settings=settings, **national_records(*sector_years))
    assert res.condition("consecutive_sector").met is met
    assert res.eligible is met


def test_national_in_following_year_is_the_default_and_never_provisional():
    res = result(NATIONAL, **national_records(Y - 4, Y - 1))
    assert res.eligible and not res.condition("consecutive_sector").provisional
    assert [e["year"] for e in res.condition("consecutive_sector").evidence] == [Y - 4, Y - 1]


@pytest.mark.parametrize(("decided", "met"), [(date(Y - 6, 1, 1), True), (date(Y - 7, 12, 31), False),
                                              (date(Y, 12, 31), True)])
def test_national_initiative_window_runs_to_the_year_of_the_proposal(decided, met):
    records = national_records(Y - 4, Y - 1)
    records["recognitions"] = [rec(30, "national", decided)]
    assert result(NATIONAL, **records).condition("national_initiative").met is met


# --- LĐTT: time served ---------------------------------------------------------------------


@pytest.mark.parametrize(("recruited", "months"), [
    (date(Y - 1, 12, 31), 12), (date(Y, 1, 1), 12), (date(Y, 6, 30), 6), (date(Y, 7, 1), 6),
    (date(Y, 7, 2), 5), (date(Y, 12, 1), 1), (date(Y, 12, 31), 0), (date(Y + 1, 1, 1), 0),
])
def test_months_served_boundaries(recruited, months):
    assert months_served(recruited, Y) == months


@pytest.mark.parametrize(("service", "flagged"), [
    (None, False),
    (Service(AN.id, Y, date(Y, 7, 1), 0), False),
    (Service(AN.id, Y, date(Y, 7, 2), 0), True),
    (Service(AN.id, Y, None, 2.5), False),
    (Service(AN.id, Y, None, 3), True),
    (Service(AN.id, Y, None, 5.5), True),
    (Service(AN.id, Y - 1, date(Y - 1, 11, 1), 4), False),
])
def test_time_served_is_flagged_to_the_officer(service, flagged):
    res = result(ADVANCED_WORKER, awards=held(ADVANCED_WORKER, Y), services=[service] if service else [])
    cond = res.condition("time_served")
    assert cond.warning_only
    assert cond.met is not flagged
    # A flag for the officer, who judges the texts' exceptions: it does not decide.
    assert res.eligible


def test_min_service_months_setting():
    services = [Service(AN.id, Y, date(Y, 9, 1), 0)]
    assert not result(ADVANCED_WORKER, services=services).condition("time_served").met
    relaxed = result(ADVANCED_WORKER, services=services, settings=Settings(min_service_months=4))
    assert relaxed.condition("time_served").met


# --- a measure for an earlier violation is counted once ------------------------------------


def test_a_later_measure_for_a_violation_that_already_cost_ldtt_does_not_count_again():
    # The 2023 violation kept AN from LĐTT 2023; the measure itself is issued in 2024.
    measure = Discipline(AN.id, Y, "reprimand", violation_year=Y - 1)
    res = result(GRASSROOTS, awards=held(ADVANCED_WORKER, Y - 2, Y), disciplines=[measure],
                 recognitions=[rec(7, "grassroots", date(Y, 3, 1))])
    cond = res.condition("no_discipline")
    assert cond.met and res.eligible
    assert "Không tính lại" in cond.detail and "vi phạm năm 2023" in cond.detail


def test_a_later_measure_counts_when_the_violation_did_not_cost_ldtt():
    measure = Discipline(AN.id, Y, "reprimand", violation_year=Y - 1)
    res = result(GRASSROOTS, awards=held(ADVANCED_WORKER, Y - 1, Y), disciplines=[measure])
    assert not res.condition("no_discipline").met


def test_discipline_counted_once_off_counts_the_measure_in_its_own_year():
    measure = Discipline(AN.id, Y, "reprimand", violation_year=Y - 1)
    settings = Settings(discipline_counted_once=False)
    res = result(GRASSROOTS, awards=held(ADVANCED_WORKER, Y), disciplines=[measure], settings=settings)
    assert not res.condition("no_discipline").met


def test_the_measure_stays_with_its_violation_year_for_the_sector_window():
    measure = Discipline(AN.id, Y, "reprimand", violation_year=Y - 1)
    records = {"awards": held(ADVANCED_WORKER, Y) + held(GRASSROOTS, Y - 2, Y - 1, Y),
               "recognitions": [rec(20, "sector", date(Y - 1, 5, 1))], "disciplines": [measure]}
    cond = result(SECTOR, **records).condition("no_discipline")
    assert not cond.met and cond.evidence[0]["year"] == Y - 1


def test_a_violation_cannot_follow_its_measure():
    with pytest.raises(ValueError):
        Discipline(AN.id, Y, "reprimand", violation_year=Y + 1)


# --- a higher title recorded while its lower title was provisional --------------------------


def provisional_sector(**extra):
    records = {
        "awards": held(ADVANCED_WORKER, Y) + held(GRASSROOTS, Y - 2, Y - 1)
        + held(SECTOR, Y, initiative_id=20, level_used="sector", provisional_on=GRASSROOTS),
        "recognitions": [rec(20, "sector", date(Y - 1, 5, 1)), rec(10, "grassroots", date(Y, 3, 1))],
    }
    records.update(extra)
    return records


def test_the_flag_waits_while_the_lower_title_is_still_eligible():
    res = result(SECTOR, **provisional_sector())
    cond = res.condition("lower_title")
    assert cond.met and cond.provisional and res.held


def test_the_flag_clears_once_the_lower_title_is_recorded():
    records = provisional_sector()
    records["awards"] += held(GRASSROOTS, Y, initiative_id=10, level_used="grassroots")
    cond = result(SECTOR, **records).condition("lower_title")
    assert cond.met and not cond.provisional


def test_the_higher_title_is_flagged_when_the_lower_title_is_refused():
    # LĐTT of Y withdrawn: CSTĐ cơ sở of Y can no longer be awarded.
    records = provisional_sector()
    records["awards"] = [a for a in records["awards"] if a.title != ADVANCED_WORKER]
    res = result(SECTOR, **records)
    cond = res.condition("lower_title")
    assert not cond.met and "không được công nhận" in cond.detail
    assert res.held and not res.eligible


# --- settings have labels and sources ------------------------------------------------------


def test_every_setting_has_a_label_a_source_and_a_condition_or_the_cap_that_reads_it():
    names = set(Settings().to_dict())
    assert set(SETTING_LABELS) == names == set(SETTING_SOURCES)
    read = {n for names_ in SETTINGS_BY_CONDITION.values() for n in names_} | {"grassroots_cap_percent",
                                                                                "cap_minimum_one"}
    assert names <= read
    assert {"approval_fraction", "filing_window_days", "decision_due_days", "one_use_per_level"} & names == set()
