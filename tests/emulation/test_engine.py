"""The eligibility engine, condition by condition (rules: ELIGIBILITY.md).

Plain data in, plain results out: no app, no database. Year Y = 2024 throughout.
"""

import json
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from portal.emulation.engine import (
    ADVANCED_WORKER,
    GRASSROOTS,
    NATIONAL,
    SECTOR,
    SETTING_LABELS,
    TITLES,
    ArticleCount,
    Discipline,
    Person,
    Recognition,
    Registration,
    Settings,
    TitleAward,
    can_use_recognition,
    evaluate_person,
    evaluate_year,
    grassroots_cap,
    settings_for_year,
    unit_caps,
)

# The eligibility rules never open the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

Y = 2024
AN = Person(1, "an", "Nguyễn Văn An", "Phòng 1")
BINH = Person(2, "binh", "Trần Thị Bình", "Phòng 1")


# --- builders ---------------------------------------------------------------


def recognition(level="grassroots", when=date(Y, 6, 1), authors=None, initiative_id=10, score=None):
    title = f"Sáng kiến {initiative_id}"
    authors = {AN.id: 100} if authors is None else authors
    return Recognition(initiative_id, title, level, when, authors, score)


def titles(title, *years, person=AN, initiative_id=None, level_used=None):
    return [TitleAward(person.id, y, title, initiative_id, level_used) for y in years]


def evaluate(
    awards=(),
    recognitions=(),
    disciplines=(),
    registrations=(),
    articles=(),
    settings=None,
    people=(AN,),
    year=Y,
):
    return evaluate_year(
        year,
        people,
        recognitions,
        awards,
        disciplines,
        registrations,
        articles,
        settings or Settings(),
    )


def result(title, person=AN, **records):
    return evaluate(**records)[person.id].titles[title]


def condition(title, code, person=AN, **records):
    return result(title, person, **records).condition(code)


def grassroots_ready(year=Y):
    """Records making AN a plain CSTĐ cơ sở candidate for ``year``."""
    return {
        "awards": titles(ADVANCED_WORKER, year),
        "recognitions": [recognition(when=date(year, 6, 1))],
    }


def sector_ready():
    """AN: LĐTT Y, CSTĐ cơ sở recorded Y-2..Y, a sector recognition in Y-1."""
    return {
        "awards": titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 2, Y - 1, Y),
        "recognitions": [recognition("sector", date(Y - 1, 5, 1), initiative_id=20)],
    }


def national_ready():
    """AN: CSTĐ Ngành recorded in Y-3 and Y, a national recognition in Y-1 (read with SAME_YEAR)."""
    return {
        "awards": titles(SECTOR, Y - 3, Y),
        "recognitions": [recognition("national", date(Y - 1, 5, 1), initiative_id=30)],
    }


# --- shape of the result ----------------------------------------------------


def test_every_title_is_evaluated_with_its_conditions_in_order():
    person = evaluate(**grassroots_ready())[AN.id]
    assert list(person.titles) == list(TITLES)
    codes = {t: [c.code for c in r.conditions] for t, r in person.titles.items()}
    assert codes == {
        ADVANCED_WORKER: ["advanced_worker", "no_discipline", "time_served"],
        GRASSROOTS: [
            "advanced_worker",
            "initiative",
            "no_discipline",
            "article_quota",
            "registered",
        ],
        SECTOR: ["consecutive_grassroots", "sector_initiative", "no_discipline"],
        NATIONAL: ["consecutive_sector", "national_initiative", "no_discipline"],
    }


def test_result_is_json_serialisable_and_names_the_person():
    data = evaluate(**grassroots_ready())[AN.id].to_dict()
    assert json.loads(json.dumps(data))["username"] == "an"
    assert data["titles"][GRASSROOTS]["eligible"] is True
    assert data["titles"][GRASSROOTS]["conditions"][1]["code"] == "initiative"


def test_results_are_frozen():
    cond = condition(GRASSROOTS, "initiative", **grassroots_ready())
    with pytest.raises(FrozenInstanceError):
        cond.met = False


def test_person_without_any_record_is_evaluated_and_eligible_for_nothing():
    person = evaluate(people=(AN,))[AN.id]
    assert not any(r.eligible or r.held for r in person.titles.values())


def test_evaluate_person_matches_evaluate_year_and_ignores_others():
    records = grassroots_ready()
    other = titles(ADVANCED_WORKER, Y, person=BINH)
    alone = evaluate_person(
        AN,
        Y,
        records["recognitions"],
        records["awards"] + other,
        settings_by_year=Settings(),
    )
    together = evaluate(people=(AN, BINH), **{**records, "awards": records["awards"] + other})
    assert alone == together[AN.id]


# --- advanced_worker (recorded, not computed) ---------------------------------


def test_advanced_worker_recorded_is_met_and_held():
    res = result(ADVANCED_WORKER, awards=titles(ADVANCED_WORKER, Y))
    assert (res.eligible, res.held) == (True, True)
    assert res.condition("advanced_worker").evidence == [{"year": Y, "title": ADVANCED_WORKER}]
    assert "Đã được ghi nhận danh hiệu Lao động tiên tiến năm 2024" in (res.condition("advanced_worker").detail)


def test_advanced_worker_of_another_year_does_not_count():
    res = result(ADVANCED_WORKER, awards=titles(ADVANCED_WORKER, Y - 1, Y + 1))
    assert (res.eligible, res.held) == (False, False)
    assert "Chưa được ghi nhận" in res.condition("advanced_worker").detail


@pytest.mark.parametrize("level", ["reprimand", "warning", "demotion", "dismissal"])
def test_advanced_worker_is_flagged_by_any_discipline_in_the_year(level):
    res = result(
        ADVANCED_WORKER,
        awards=titles(ADVANCED_WORKER, Y),
        disciplines=[Discipline(AN.id, Y, level)],
    )
    flag = res.condition("no_discipline")
    assert (res.held, res.eligible, flag.met) == (True, False, False)
    assert flag.evidence == [{"year": Y, "level": level}]


def test_advanced_worker_ignores_a_discipline_of_the_previous_year():
    res = result(
        ADVANCED_WORKER,
        awards=titles(ADVANCED_WORKER, Y),
        disciplines=[Discipline(AN.id, Y - 1)],
    )
    assert res.eligible and res.condition("no_discipline").met


# --- emulation_soldier_grassroots -----------------------------------------------


def test_grassroots_all_conditions_met():
    res = result(GRASSROOTS, **grassroots_ready())
    assert res.eligible and not res.held
    initiative = res.condition("initiative")
    assert initiative.evidence == [
        {
            "initiative_id": 10,
            "title": "Sáng kiến 10",
            "level": "grassroots",
            "decision_date": "2024-06-01",
            "share": 100,
            "best_mean_score": None,
            "usable": True,
            "reason": None,
            "used_for": None,
            "uses": True,
        }
    ]
    assert res.uses == (10, "grassroots")
    assert "“Sáng kiến 10” (cấp cơ sở, quyết định ngày 01/06/2024)" in initiative.detail


def test_grassroots_needs_advanced_worker_in_the_year():
    records = grassroots_ready()
    records["awards"] = titles(ADVANCED_WORKER, Y - 1)
    res = result(GRASSROOTS, **records)
    assert not res.eligible
    assert [c.code for c in res.conditions if c.blocking] == ["advanced_worker"]


@pytest.mark.parametrize(
    ("decided", "met"),
    [
        (date(Y, 1, 1), True),
        (date(Y, 12, 31), True),
        (date(Y + 1, 1, 1), False),
        (date(Y - 1, 12, 31), False),
    ],
    ids=["1-jan-Y", "31-dec-Y", "1-jan-next", "31-dec-previous"],
)
def test_grassroots_initiative_decision_date_must_fall_in_the_year(decided, met):
    cond = condition(
        GRASSROOTS,
        "initiative",
        awards=titles(ADVANCED_WORKER, Y),
        recognitions=[recognition(when=decided)],
    )
    assert cond.met is met
    assert [e["decision_date"] for e in cond.evidence] == ([decided.isoformat()] if met else [])
    if not met:
        assert "Không là tác giả sáng kiến nào" in cond.detail


@pytest.mark.parametrize(
    ("decided", "met"),
    [
        (date(Y - 1, 1, 1), True),
        (date(Y - 1, 12, 31), True),
        (date(Y - 2, 12, 31), False),
        (date(Y + 1, 1, 1), False),
    ],
    ids=["1-jan-previous", "31-dec-previous", "two-years-back", "next-year"],
)
def test_allow_previous_year_also_counts_the_year_before(decided, met):
    cond = condition(
        GRASSROOTS,
        "initiative",
        awards=titles(ADVANCED_WORKER, Y),
        recognitions=[recognition(when=decided)],
        settings=Settings(allow_previous_year=True),
    )
    assert cond.met is met
    assert "các năm 2023–2024" in cond.detail


@pytest.mark.parametrize("level", ["sector", "national"])
def test_grassroots_accepts_a_higher_recognition(level):
    cond = condition(
        GRASSROOTS,
        "initiative",
        awards=titles(ADVANCED_WORKER, Y),
        recognitions=[recognition(level, date(Y, 3, 1))],
    )
    assert cond.met and cond.evidence[0]["level"] == level


def test_co_authors_each_qualify_with_the_same_initiative():
    shared = recognition(authors={AN.id: 70, BINH.id: 30})
    results = evaluate(
        people=(AN, BINH),
        awards=titles(ADVANCED_WORKER, Y) + titles(ADVANCED_WORKER, Y, person=BINH),
        recognitions=[shared],
    )
    for person, share in ((AN, 70), (BINH, 30)):
        res = results[person.id].titles[GRASSROOTS]
        assert res.eligible
        assert res.condition("initiative").evidence[0]["share"] == share


def test_use_by_a_co_author_does_not_block_the_other_author():
    shared = recognition(authors={AN.id: 50, BINH.id: 50})
    # Bình already used this recognition for a sector title; An did not.
    awards = titles(ADVANCED_WORKER, Y) + titles(SECTOR, Y, person=BINH, initiative_id=10, level_used="grassroots")
    cond = condition(GRASSROOTS, "initiative", awards=awards, recognitions=[shared])
    assert cond.met


def test_recognition_already_used_for_another_award_does_not_count():
    records = {
        # Decided in Y-1, used for CSTĐ cơ sở Y-1; Y may look back one year.
        "recognitions": [recognition(when=date(Y - 1, 12, 31))],
        "awards": titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 1, initiative_id=10, level_used="grassroots"),
        "settings": Settings(allow_previous_year=True),
    }
    cond = condition(GRASSROOTS, "initiative", **records)
    assert not cond.met
    assert cond.evidence[0]["reason"] == "used"
    assert cond.evidence[0]["used_for"] == {"title": GRASSROOTS, "year": Y - 1}
    assert "đã được dùng cho danh hiệu Chiến sỹ thi đua cơ sở năm 2023" in cond.detail


def test_award_without_level_used_blocks_the_level_of_its_title():
    records = {
        "recognitions": [recognition(when=date(Y - 1, 12, 31))],
        "awards": titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 1, initiative_id=10),
        "settings": Settings(allow_previous_year=True),
    }
    assert not condition(GRASSROOTS, "initiative", **records).met


def test_the_award_itself_does_not_block_its_own_re_evaluation():
    awards = titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y, initiative_id=10, level_used="grassroots")
    res = result(GRASSROOTS, awards=awards, recognitions=[recognition()])
    assert res.held and res.eligible
    assert res.condition("initiative").evidence[0]["used_for"] is None


@pytest.mark.parametrize(("per_initiative", "met"), [(True, False), (False, True)], ids=["default", "per-level"])
def test_a_different_level_of_the_same_initiative_is_the_same_initiative_by_default(per_initiative, met):
    # The grassroots recognition was used in Y-1. Công văn 5007/BNV-TĐKT: one
    # initiative is used once, so its sector recognition of Y is used up too;
    # with one_use_per_initiative off, each level is a separate recognition.
    recs = [
        recognition("grassroots", date(Y - 1, 3, 1)),
        recognition("sector", date(Y, 3, 1)),
    ]
    awards = titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 1, initiative_id=10, level_used="grassroots")
    cond = condition(
        GRASSROOTS,
        "initiative",
        awards=awards,
        recognitions=recs,
        settings=Settings(allow_previous_year=True, one_use_per_initiative=per_initiative),
    )
    assert cond.met is met
    assert [(e["level"], e["usable"]) for e in cond.evidence] == [
        ("grassroots", False),
        ("sector", met),
    ]


@pytest.mark.parametrize(
    ("share", "minimum", "met"),
    [(30, 30, True), (29.5, 30, False), (0.5, 0, True), (100, 100, True)],
)
def test_min_author_share_filters_authors(share, minimum, met):
    cond = condition(
        GRASSROOTS,
        "initiative",
        awards=titles(ADVANCED_WORKER, Y),
        recognitions=[recognition(authors={AN.id: share, BINH.id: 100 - share})],
        settings=Settings(min_author_share=minimum),
    )
    assert cond.met is met
    assert cond.evidence[0]["reason"] == (None if met else "share_below_minimum")
    if not met:
        assert "tỷ lệ đóng góp 29,5 % thấp hơn mức tối thiểu 30 %" in cond.detail


@pytest.mark.parametrize("level", ["reprimand", "dismissal"])
def test_grassroots_excluded_by_a_discipline_in_the_year(level):
    records = grassroots_ready()
    res = result(GRASSROOTS, disciplines=[Discipline(AN.id, Y, level)], **records)
    assert not res.eligible
    cond = res.condition("no_discipline")
    assert cond.evidence == [{"year": Y, "level": level}]
    assert "Bị kỷ luật" in cond.detail


@pytest.mark.parametrize(
    ("quota", "counts", "met", "phrase"),
    [
        (0, [], True, "Điều kiện không áp dụng"),
        (3, [3], True, "Đã viết 3 tin, bài"),
        (3, [2], False, "chưa đạt chỉ tiêu 3"),
        (3, [1, 2], True, "Đã viết 3 tin, bài"),
        (3, [], False, "Mới viết 0 tin, bài"),
    ],
    ids=["off", "exactly", "short", "rows-add-up", "none"],
)
def test_article_quota(quota, counts, met, phrase):
    records = grassroots_ready()
    articles = [ArticleCount(AN.id, Y, n) for n in counts] + [
        ArticleCount(AN.id, Y - 1, 10)  # another year never counts
    ]
    res = result(GRASSROOTS, articles=articles, settings=Settings(article_quota=quota), **records)
    cond = res.condition("article_quota")
    assert (cond.met, res.eligible) == (met, met)
    assert phrase in cond.detail
    assert cond.evidence == [{"year": Y, "count": sum(counts), "quota": quota}]


@pytest.mark.parametrize(
    ("registered", "met"),
    [
        ([], False),
        ([ADVANCED_WORKER], False),
        ([GRASSROOTS], True),
        ([SECTOR], True),
        ([NATIONAL], True),
    ],
)
@pytest.mark.parametrize("required", [False, True])
def test_registration_is_a_warning_unless_required(registered, met, required):
    records = grassroots_ready()
    res = result(
        GRASSROOTS,
        registrations=[Registration(AN.id, Y, t) for t in registered] + [Registration(AN.id, Y - 1, GRASSROOTS)],
        settings=Settings(require_registration=required),
        **records,
    )
    cond = res.condition("registered")
    assert cond.met is met
    assert cond.warning_only is not required
    assert res.eligible is (met or not required)
    if not met:
        assert ("chỉ cảnh báo" in cond.detail) is not required


# --- emulation_soldier_sector ---------------------------------------------------


def test_sector_all_conditions_met_with_three_recorded_years():
    res = result(SECTOR, **sector_ready())
    assert res.eligible and not res.provisional
    consecutive = res.condition("consecutive_grassroots")
    assert [e["year"] for e in consecutive.evidence] == [Y - 2, Y - 1, Y]
    assert "các năm 2022–2024" in consecutive.detail
    assert res.condition("sector_initiative").evidence[0]["initiative_id"] == 20


def test_sector_counts_year_y_provisionally_when_grassroots_is_eligible_now():
    records = sector_ready()
    records["awards"] = titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 2, Y - 1)
    # A grassroots recognition of Y makes CSTĐ cơ sở Y eligible now.
    records["recognitions"].append(recognition(when=date(Y, 2, 1)))
    res = result(SECTOR, **records)
    consecutive = res.condition("consecutive_grassroots")
    assert res.eligible and consecutive.met and consecutive.provisional
    assert consecutive.evidence[-1] == {
        "year": Y,
        "title": GRASSROOTS,
        "provisional": True,
    }
    assert "tạm tính" in consecutive.detail


@pytest.mark.parametrize(
    ("years", "missing"),
    [
        ((Y - 1, Y), "năm 2022"),
        ((Y - 2, Y), "năm 2023"),
        ((Y - 2, Y - 1), "năm 2024"),
        ((Y - 3, Y - 2, Y - 1), "năm 2024"),
    ],
    ids=["two-years", "gap-year", "year-y-not-eligible", "period-ended-last-year"],
)
def test_sector_needs_three_consecutive_grassroots_years(years, missing):
    records = sector_ready()
    # Without LĐTT in Y, CSTĐ cơ sở Y cannot be provisional either.
    records["awards"] = titles(GRASSROOTS, *years)
    cond = condition(SECTOR, "consecutive_grassroots", **records)
    assert not cond.met
    assert f"Thiếu danh hiệu Chiến sỹ thi đua cơ sở {missing}" in cond.detail


@pytest.mark.parametrize(
    ("consecutive_years", "recorded", "met"),
    [
        (2, (Y - 1, Y), True),
        (2, (Y - 2, Y), False),
        (4, (Y - 2, Y - 1, Y), False),
        (4, (Y - 3, Y - 2, Y - 1, Y), True),
    ],
)
def test_sector_consecutive_years_setting(consecutive_years, recorded, met):
    records = sector_ready()
    records["awards"] = titles(GRASSROOTS, *recorded)
    cond = condition(
        SECTOR,
        "consecutive_grassroots",
        settings=Settings(sector_consecutive_years=consecutive_years),
        **records,
    )
    assert cond.met is met


@pytest.mark.parametrize(
    ("decided", "met"),
    [
        (date(Y - 2, 1, 1), True),
        (date(Y - 3, 12, 31), False),
        (date(Y, 12, 31), True),
        (date(Y + 1, 1, 1), False),
    ],
    ids=["first-day-of-period", "day-before-period", "31-dec-Y", "1-jan-next"],
)
def test_sector_initiative_decision_within_the_three_years(decided, met):
    records = sector_ready()
    records["recognitions"] = [recognition("sector", decided, initiative_id=20)]
    assert condition(SECTOR, "sector_initiative", **records).met is met


def test_sector_initiative_window_follows_sector_consecutive_years():
    records = sector_ready()
    records["awards"] = titles(GRASSROOTS, Y - 1, Y)
    records["recognitions"] = [recognition("sector", date(Y - 2, 6, 1), initiative_id=20)]
    settings = Settings(sector_consecutive_years=2)
    res = result(SECTOR, settings=settings, **records)
    assert res.condition("consecutive_grassroots").met
    assert not res.condition("sector_initiative").met


@pytest.mark.parametrize("level", ["grassroots", "national"])
def test_sector_initiative_needs_a_sector_recognition(level):
    records = sector_ready()
    records["recognitions"] = [recognition(level, date(Y - 1, 5, 1), initiative_id=20)]
    cond = condition(SECTOR, "sector_initiative", **records)
    assert not cond.met and cond.evidence == []


def test_sector_recognition_used_for_another_award_does_not_count():
    records = sector_ready()
    # An used the sector recognition for CSTĐ cơ sở of Y-1.
    records["awards"] = titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 2, Y)
    records["awards"] += titles(GRASSROOTS, Y - 1, initiative_id=20, level_used="sector")
    cond = condition(SECTOR, "sector_initiative", **records)
    assert not cond.met
    assert cond.evidence[0]["used_for"] == {"title": GRASSROOTS, "year": Y - 1}


def test_sector_title_recorded_with_its_recognition_still_counts_it():
    records = sector_ready()
    records["awards"] += titles(SECTOR, Y, initiative_id=20, level_used="sector")
    res = result(SECTOR, **records)
    assert res.held and res.eligible


def test_sector_recognition_of_a_co_author_counts_for_each():
    records = sector_ready()
    records["recognitions"] = [recognition("sector", date(Y, 1, 1), authors={AN.id: 10, BINH.id: 90}, initiative_id=20)]
    records["awards"] += titles(SECTOR, Y, person=BINH, initiative_id=20, level_used="sector")
    results = evaluate(people=(AN, BINH), **records)
    assert results[AN.id].titles[SECTOR].condition("sector_initiative").met
    assert results[BINH.id].titles[SECTOR].condition("sector_initiative").met


@pytest.mark.parametrize(("year", "met"), [(Y - 2, False), (Y - 1, False), (Y, False), (Y - 3, True)])
def test_sector_no_discipline_in_each_counted_year(year, met):
    res = result(SECTOR, disciplines=[Discipline(AN.id, year)], **sector_ready())
    cond = res.condition("no_discipline")
    assert (cond.met, res.eligible) == (met, met)
    if not met:
        assert cond.evidence == [{"year": year, "level": "reprimand"}]


def test_provisional_grassroots_cannot_lean_on_the_sectors_only_recognition():
    # The only recognition is the sector one of Y: it could carry either the
    # provisional CSTĐ cơ sở of Y or CSTĐ Ngành, not both.
    records = {
        "awards": titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 2, Y - 1),
        "recognitions": [recognition("sector", date(Y, 4, 1), initiative_id=20)],
    }
    res = result(SECTOR, **records)
    assert res.condition("consecutive_grassroots").provisional
    cond = res.condition("sector_initiative")
    assert not cond.met and "căn cứ duy nhất" in cond.detail
    # A second recognition for the grassroots title resolves it...
    more = {**records, "recognitions": records["recognitions"] + [recognition()]}
    assert result(SECTOR, **more).eligible
    # ...but not counting levels apart: there is one recognition only.
    assert not result(SECTOR, settings=Settings(one_use_per_initiative=False), **records).eligible


# --- emulation_soldier_national --------------------------------------------------
# These tests read the rule with the national title proposed in the year of the
# second CSTĐ Ngành (SAME_YEAR); the default, the year after, is tested below.
SAME_YEAR = Settings(national_in_following_year=False)


def test_national_all_conditions_met():
    res = result(NATIONAL, settings=SAME_YEAR, **national_ready())
    assert res.eligible
    cond = res.condition("consecutive_sector")
    assert [e["year"] for e in cond.evidence] == [Y - 3, Y]
    assert res.condition("national_initiative").evidence[0]["initiative_id"] == 30


@pytest.mark.parametrize("years", [(Y,), (Y - 3,), (Y - 1, Y), (Y - 2, Y), (Y - 4, Y)], ids=str)
def test_national_needs_sector_in_y_and_y_minus_cycle(years):
    records = national_ready()
    records["awards"] = titles(SECTOR, *years)
    cond = condition(NATIONAL, "consecutive_sector", settings=SAME_YEAR, **records)
    assert not cond.met and "Thiếu danh hiệu Chiến sỹ thi đua Ngành KSND" in cond.detail


@pytest.mark.parametrize(
    ("cycle", "recorded", "met"),
    [(2, (Y - 2, Y), True), (2, (Y - 3, Y), False), (4, (Y - 4, Y), True)],
)
def test_sector_cycle_years_setting(cycle, recorded, met):
    records = national_ready()
    records["awards"] = titles(SECTOR, *recorded)
    settings = Settings(sector_cycle_years=cycle, national_in_following_year=False)
    assert condition(NATIONAL, "consecutive_sector", settings=settings, **records).met is met


@pytest.mark.parametrize(
    ("decided", "met"),
    [
        (date(Y - 5, 1, 1), True),
        (date(Y - 6, 12, 31), False),
        (date(Y, 12, 31), True),
        (date(Y + 1, 1, 1), False),
    ],
    ids=["start-of-first-period", "before-first-period", "31-dec-Y", "1-jan-next"],
)
def test_national_initiative_within_the_two_sector_periods(decided, met):
    records = national_ready()
    records["recognitions"] = [recognition("national", decided, initiative_id=30)]
    assert condition(NATIONAL, "national_initiative", settings=SAME_YEAR, **records).met is met


def test_national_initiative_needs_a_national_recognition():
    records = national_ready()
    records["recognitions"] = [recognition("sector", date(Y - 1, 5, 1), initiative_id=30)]
    assert not condition(NATIONAL, "national_initiative", settings=SAME_YEAR, **records).met


def test_national_recognition_used_for_another_award_does_not_count():
    records = national_ready()
    records["awards"] = titles(SECTOR, Y - 3) + titles(SECTOR, Y, initiative_id=30, level_used="national")
    cond = condition(NATIONAL, "national_initiative", settings=SAME_YEAR, **records)
    assert not cond.met and cond.evidence[0]["reason"] == "used"


def test_national_title_recorded_with_its_recognition_still_counts_it():
    records = national_ready()
    records["awards"] += titles(NATIONAL, Y, initiative_id=30, level_used="national")
    res = result(NATIONAL, settings=SAME_YEAR, **records)
    assert res.held and res.eligible


@pytest.mark.parametrize(("year", "met"), [(Y - 5, False), (Y - 4, False), (Y, False), (Y - 6, True)])
def test_national_no_discipline_over_both_periods(year, met):
    res = result(NATIONAL, settings=SAME_YEAR, disciplines=[Discipline(AN.id, year, "warning")], **national_ready())
    assert res.condition("no_discipline").met is met
    assert res.eligible is met


def test_national_counts_sector_of_y_provisionally():
    records = {
        "awards": titles(SECTOR, Y - 3) + titles(ADVANCED_WORKER, Y) + titles(GRASSROOTS, Y - 2, Y - 1, Y),
        "recognitions": [
            recognition("sector", date(Y - 1, 5, 1), initiative_id=20),
            recognition("national", date(Y - 1, 5, 1), initiative_id=30),
        ],
    }
    res = result(NATIONAL, settings=SAME_YEAR, **records)
    cond = res.condition("consecutive_sector")
    assert res.eligible and cond.provisional
    assert cond.evidence[-1] == {"year": Y, "title": SECTOR, "provisional": True}


# --- the grassroots cap per unit -----------------------------------------------


@pytest.mark.parametrize(
    ("lddt", "percent", "cap"),
    [
        (0, 15, 0),
        (1, 15, 1),
        (6, 15, 1),
        (13, 15, 1),
        (14, 15, 2),
        (19, 15, 2),
        (20, 15, 3),
        (100, 15, 15),
        (10, 33.3, 3),
        (5, 0, 1),
    ],
)
def test_grassroots_cap_rounds_down_with_at_least_one(lddt, percent, cap):
    assert grassroots_cap(lddt, percent) == cap


def _unit_people(unit, n, first_id):
    return [Person(first_id + i, f"u{first_id + i}", f"Người {i:02d}", unit) for i in range(n)]


def test_unit_caps_counts_orders_candidates_and_flags_over_cap():
    staff = _unit_people("Phòng 1", 20, 100)
    small = _unit_people("VKS quận 1", 1, 200)
    empty = _unit_people("VKS quận 2", 2, 300)
    people = staff + small + empty
    awards = [TitleAward(p.id, Y, ADVANCED_WORKER) for p in staff + small]
    scores = {100: 80.0, 101: 92.5, 102: None, 103: 85.0}
    recs = [recognition(authors={pid: 100}, initiative_id=pid, score=score) for pid, score in scores.items()]
    # Holds the title without any usable initiative: still counted.
    awards.append(TitleAward(104, Y, GRASSROOTS))
    results = evaluate(people=people, awards=awards, recognitions=recs)
    caps = unit_caps(results, Y, Settings())
    assert caps["Phòng 1"] == {
        "lddt_count": 20,
        "cap": 3,
        "count_awarded_or_eligible": 5,
        "over_cap": True,
        "candidates": [101, 103, 100, 102, 104],
    }
    assert caps["VKS quận 1"]["cap"] == 1
    assert (caps["VKS quận 2"]["lddt_count"], caps["VKS quận 2"]["cap"]) == (0, 0)


@pytest.mark.parametrize(("percent", "cap", "over"), [(15, 3, True), (25, 5, False)])
def test_unit_caps_follow_the_years_setting(percent, cap, over):
    staff = _unit_people("Phòng 1", 20, 100)
    awards = [TitleAward(p.id, Y, ADVANCED_WORKER) for p in staff]
    recs = [recognition(authors={p.id: 100 for p in staff[:4]})]
    settings = {Y: Settings(grassroots_cap_percent=percent)}
    results = evaluate(people=staff, awards=awards, recognitions=recs)
    entry = unit_caps(results, Y, settings)["Phòng 1"]
    assert (entry["cap"], entry["count_awarded_or_eligible"], entry["over_cap"]) == (
        cap,
        4,
        over,
    )


# --- one use of a recognition ---------------------------------------------------


USED = TitleAward(AN.id, Y - 1, GRASSROOTS, 10, "grassroots")


@pytest.mark.parametrize(
    ("person", "initiative_id", "level", "awards", "exclude", "allowed"),
    [
        (AN.id, 10, "grassroots", [], None, True),
        (AN.id, 10, "grassroots", [USED], None, False),
        (BINH.id, 10, "grassroots", [USED], None, True),
        (AN.id, 10, "sector", [USED], None, False),
        (AN.id, 11, "grassroots", [USED], None, True),
        (AN.id, 10, "grassroots", [USED], USED, True),
        (
            AN.id,
            10,
            "grassroots",
            [TitleAward(AN.id, Y - 1, GRASSROOTS, 10)],
            None,
            False,
        ),
    ],
    ids=[
        "unused",
        "used",
        "co-author",
        "other-level",
        "other-initiative",
        "award-being-edited",
        "level-from-title",
    ],
)
def test_can_use_recognition(person, initiative_id, level, awards, exclude, allowed):
    assert can_use_recognition(person, initiative_id, level, awards, exclude) is allowed


def test_can_use_recognition_per_level_and_across_co_authors():
    per_level = Settings(one_use_per_initiative=False)
    assert can_use_recognition(AN.id, 10, "sector", [USED], settings=per_level)
    assert not can_use_recognition(AN.id, 10, "grassroots", [USED], settings=per_level)
    shared = Settings(coauthors_each_use=False)
    assert not can_use_recognition(BINH.id, 10, "grassroots", [USED], settings=shared)


# --- settings --------------------------------------------------------------------


def test_settings_defaults_match_the_rules():
    assert Settings().to_dict() == {
        "min_author_share": 0,
        "allow_previous_year": False,
        "one_use_per_initiative": True,
        "coauthors_each_use": True,
        "article_quota": 0,
        "require_registration": False,
        "grassroots_cap_percent": 15,
        "cap_minimum_one": True,
        "sector_consecutive_years": 3,
        "sector_cycle_years": 3,
        "national_in_following_year": True,
        "min_service_months": 6,
        "leave_flag_months": 3,
        "discipline_counted_once": True,
    }


def test_every_setting_has_a_vietnamese_label_and_is_described():
    described = Settings(article_quota=4).describe()
    assert [d["key"] for d in described] == list(SETTING_LABELS)
    quota = next(d for d in described if d["key"] == "article_quota")
    assert quota == {
        "key": "article_quota",
        "label": "Chỉ tiêu viết tin, bài trong năm (0 = không áp dụng)",
        "value": 4,
        "default": 0,
        "changed": True,
    }
    assert Settings.label("min_author_share").startswith("Tỷ lệ đóng góp")


def test_settings_behind_conditions_are_named():
    keys = [d["key"] for d in Settings().describe_for(["initiative", "registered"])]
    assert keys == [
        "min_author_share",
        "allow_previous_year",
        "one_use_per_initiative",
        "coauthors_each_use",
        "require_registration",
    ]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("min_author_share", -1, ValueError),
        ("min_author_share", 101, ValueError),
        ("grassroots_cap_percent", 150, ValueError),
        ("sector_consecutive_years", 0, ValueError),
        ("sector_cycle_years", 1.5, ValueError),
        ("article_quota", -2, ValueError),
        ("min_service_months", 13, ValueError),
        ("leave_flag_months", 0, ValueError),
        ("cap_minimum_one", 1, TypeError),
        ("allow_previous_year", "yes", TypeError),
        ("article_quota", "3", TypeError),
    ],
)
def test_invalid_settings_are_refused(field, value, error):
    with pytest.raises(error):
        Settings(**{field: value})


def test_settings_from_dict_ignores_unknown_keys():
    assert Settings.from_dict({"article_quota": 2, "id": 7}) == Settings(article_quota=2)


def test_settings_for_year_falls_back_to_latest_earlier_year_then_defaults():
    by_year = {2020: Settings(article_quota=1), 2023: Settings(article_quota=3)}
    assert settings_for_year(by_year, 2023).article_quota == 3
    assert settings_for_year(by_year, 2025).article_quota == 3
    assert settings_for_year(by_year, 2021).article_quota == 1
    assert settings_for_year(by_year, 2019) == Settings()
    assert settings_for_year(None, 2024) == Settings()


def test_evaluate_year_uses_the_settings_of_that_year():
    records = grassroots_ready()
    by_year = {Y: Settings(article_quota=1), Y - 1: Settings()}
    res = evaluate(settings=by_year, **records)[AN.id].titles[GRASSROOTS]
    assert not res.condition("article_quota").met


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: Recognition(1, "x", "city", date(Y, 1, 1), {}), ValueError),
        (lambda: TitleAward(1, Y, "hero"), ValueError),
        (lambda: TitleAward(1, Y, GRASSROOTS, 1, "city"), ValueError),
        (lambda: Discipline(1, Y, "fine"), ValueError),
        (lambda: Registration(1, Y, "hero"), ValueError),
    ],
)
def test_unknown_codes_are_refused(make, error):
    with pytest.raises(error):
        make()
