"""The loader turns database rows into exactly the engine's inputs."""
from datetime import date

from portal.emulation import engine
from portal.emulation.services import load_year
from tests.emulation.conftest import YEAR


def test_recognitions_carry_every_level_with_its_own_date_and_the_co_authors_shares(
        make_user, make_unit, recognized):
    unit = make_unit("Phòng 1")
    hung = make_user("hung", unit=unit)
    mai = make_user("mai", unit=make_unit("Phòng 9"))
    initiative = recognized([(hung, 70), (mai, 30)], decided=date(YEAR - 2, 12, 31),
                            sector=date(YEAR - 1, 6, 1), national=date(YEAR, 1, 1), title="Sổ tay kiểm sát")

    inputs = load_year(YEAR, unit_id=unit.id)

    assert [p.username for p in inputs.people] == ["hung"]
    by_level = {r.level: r for r in inputs.recognitions}
    assert set(by_level) == {"grassroots", "sector", "national"}
    assert by_level["grassroots"].decision_date == date(YEAR - 2, 12, 31)
    assert by_level["sector"].decision_date == date(YEAR - 1, 6, 1)
    assert by_level["national"].decision_date == date(YEAR, 1, 1)
    for recognition in by_level.values():
        assert recognition.initiative_id == initiative.id
        assert recognition.title == "Sổ tay kiểm sát"
        # The co-author from another unit is listed too, with their share.
        assert recognition.authors == {hung.id: 70.0, mai.id: 30.0}


def test_only_recognised_levels_count(make_user, recognized, make_initiative):
    hung = make_user("hung")
    proposed = recognized([hung], sector_status="proposed")
    make_initiative([hung], status="in_review")
    rejected_sector = recognized([hung], sector_status="not_recognized", sector_decision_date=date(YEAR, 5, 1))

    inputs = load_year(YEAR)

    assert sorted((r.initiative_id, r.level) for r in inputs.recognitions) == sorted(
        [(proposed.id, "grassroots"), (rejected_sector.id, "grassroots")])


def test_decisions_after_the_year_are_not_read(make_user, recognized):
    hung = make_user("hung")
    recognized([hung], decided=date(YEAR + 1, 1, 1))
    assert load_year(YEAR).recognitions == []


def test_awards_disciplines_registrations_articles_and_settings(
        make_user, make_unit, officer, recognized, award, discipline, registration, articles):
    from portal.emulation.operations import save_settings
    from portal.extensions import db

    unit = make_unit("VKSND quận Hải Châu")
    tuan = make_user("tuan", unit=unit, leader=True, full_name="Phan Anh Tuấn")
    other = make_user("other", unit=make_unit("Phòng khác"))
    initiative = recognized([tuan])
    award(tuan, YEAR - 3, "emulation_soldier_grassroots", initiative, "grassroots")
    award(tuan, YEAR, "advanced_worker")
    award(other, YEAR, "advanced_worker")
    discipline(tuan, YEAR, "warning")
    registration(tuan, YEAR, "emulation_soldier_sector")
    registration(tuan, YEAR - 1, "advanced_worker")
    articles(tuan, YEAR, 4)
    save_settings(YEAR - 1, {"article_quota": 3}, actor=officer)
    db.session.commit()

    inputs = load_year(YEAR, unit_id=unit.id)

    assert inputs.people == [engine.Person(tuan.id, "tuan", "Phan Anh Tuấn", "VKSND quận Hải Châu", True)]
    assert sorted(inputs.awards, key=lambda a: a.year) == [
        engine.TitleAward(tuan.id, YEAR - 3, "emulation_soldier_grassroots", initiative.id, "grassroots"),
        engine.TitleAward(tuan.id, YEAR, "advanced_worker", None, None),
    ]
    assert inputs.disciplines == [engine.Discipline(tuan.id, YEAR, "warning")]
    assert inputs.registrations == [engine.Registration(tuan.id, YEAR, "emulation_soldier_sector")]
    assert inputs.articles == [engine.ArticleCount(tuan.id, YEAR, 4)]
    # A year without its own settings uses the latest earlier year's.
    assert inputs.settings.article_quota == 3
    assert inputs.settings_row.year == YEAR - 1


def test_the_loader_feeds_the_engine(make_user, recognized, award):
    hung = make_user("hung")
    mai = make_user("mai")
    recognized([(hung, 50), (mai, 50)])
    award(hung, YEAR, "advanced_worker")
    award(mai, YEAR, "advanced_worker")

    results = load_year(YEAR).evaluate()

    assert results[hung.id].titles["emulation_soldier_grassroots"].eligible
    assert results[mai.id].titles["emulation_soldier_grassroots"].eligible


def test_best_mean_score_comes_from_the_recognising_council_decision(make_user, recognized):
    from portal.council.models import CouncilDecision
    from portal.extensions import db

    hung = make_user("hung")
    scored = recognized([hung])
    unscored = recognized([hung])
    db.session.add_all([
        CouncilDecision(initiative_id=scored.id, round=1, outcome="returned", mean_total=91.0),
        CouncilDecision(initiative_id=scored.id, round=2, outcome="recognized", mean_total=78.5),
    ])
    db.session.commit()

    scores = {r.initiative_id: r.best_mean_score for r in load_year(YEAR).recognitions}

    assert scores == {scored.id: 78.5, unscored.id: None}
