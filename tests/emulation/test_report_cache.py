"""A year's evaluation is kept between requests only while the data it read is unchanged (issue 15:
evaluating 21,000 people took most of a second on every page of the officer's list)."""
from datetime import date

import pytest

from portal.emulation import report_cache, services
from tests.emulation.conftest import YEAR


@pytest.fixture
def counted(app):
    report_cache.forget()
    calls = []

    def evaluate(year, unit_id):
        calls.append((year, unit_id))
        return services.evaluate_scope(year, unit_id)
    yield evaluate, calls
    report_cache.forget()


def test_the_same_data_is_evaluated_once(make_user, award, counted):
    evaluate, calls = counted
    hung = make_user("hung")
    award(hung, YEAR, "advanced_worker")
    first = report_cache.evaluated(YEAR, None, evaluate)
    again = report_cache.evaluated(YEAR, None, evaluate)
    assert again is first and calls == [(YEAR, None)]
    report_cache.evaluated(YEAR - 1, None, evaluate)  # another year is another evaluation
    assert calls == [(YEAR, None), (YEAR - 1, None)]


@pytest.mark.parametrize("change", ["award", "registration", "articles", "discipline", "user", "initiative",
                                    "audited"])
def test_any_change_to_what_the_engine_reads_evaluates_again(
        make_user, award, registration, articles, discipline, recognized, officer, counted, change):
    from portal.core import audit
    from portal.extensions import db

    evaluate, calls = counted
    hung = make_user("hung")
    initiative = recognized([hung])
    report_cache.evaluated(YEAR, None, evaluate)
    if change == "award":
        award(hung, YEAR, "advanced_worker")
    elif change == "registration":
        registration(hung, YEAR, "emulation_soldier_grassroots")
    elif change == "articles":
        articles(hung, YEAR, 3)
    elif change == "discipline":
        discipline(hung, YEAR)
    elif change == "user":
        make_user("mai")
    elif change == "initiative":
        initiative.decision_date = date(YEAR, 4, 1)
        db.session.commit()
    else:  # an edit the portal audits (an account's leadership flag, say)
        hung.is_leader = True
        audit.record("admin.user_updated", actor=officer, obj=hung)
        db.session.commit()
    scope = report_cache.evaluated(YEAR, None, evaluate)
    assert len(calls) == 2
    if change == "audited":
        assert next(line for line in scope.lines if line.user.id == hung.id).user.is_leader


def test_the_page_shows_a_title_recorded_after_it_was_kept(client, officer, make_user, award, app):
    report_cache.forget()
    hung = make_user("hung", full_name="Lê Văn Hùng")
    client.login(officer)
    page = client.get(f"/emulation/year/{YEAR}?title=advanced_worker&eligible=yes").get_data(as_text=True)
    assert 'data-username="hung"' not in page
    award(hung, YEAR, "advanced_worker")
    page = client.get(f"/emulation/year/{YEAR}?title=advanced_worker&eligible=yes").get_data(as_text=True)
    assert 'data-username="hung"' in page
    report_cache.forget()
