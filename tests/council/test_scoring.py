"""The pure aggregation rules: means, spread, outliers and the suggested outcome."""
from fractions import Fraction

import pytest

from portal.council.scoring import (
    RECOGNIZED,
    REJECTED,
    CriterionSpec,
    Sheet,
    Thresholds,
    aggregate,
    validate_scores,
)

RUBRIC = [CriterionSpec("novelty", "Tính mới", 30), CriterionSpec("applicability", "Khả năng áp dụng", 30),
          CriterionSpec("effectiveness", "Hiệu quả", 40)]


def sheet(key, novelty, applicability, effectiveness, recommendation="pass"):
    return Sheet(key, {"novelty": novelty, "applicability": applicability, "effectiveness": effectiveness},
                 recommendation)


def test_means_min_max_per_criterion_and_over_totals():
    result = aggregate(RUBRIC, [sheet(1, 20, 20, 30), sheet(2, 25, 15, 35), sheet(3, 15, 25, 25)])
    novelty = result.criteria[0]
    assert (novelty.mean, novelty.min, novelty.max) == (20, 15, 25)
    assert result.totals == {1: 70, 2: 75, 3: 65}
    assert result.mean_total == 70
    assert (result.min_total, result.max_total, result.count) == (65, 75, 3)
    # population standard deviation of 70, 75, 65
    assert result.std_dev == pytest.approx((50 / 3) ** 0.5)


def test_a_total_more_than_twenty_points_from_the_mean_is_flagged():
    result = aggregate(RUBRIC, [sheet("a", 25, 25, 35), sheet("b", 25, 25, 35), sheet("c", 5, 5, 10)])
    # totals 85, 85, 20: mean 63.33; c is 43 below, a and b are 21.67 above
    assert set(result.outliers) == {"a", "b", "c"}
    close = aggregate(RUBRIC, [sheet("a", 20, 20, 30), sheet("b", 20, 20, 10)])  # 70 and 50, mean 60
    assert close.outliers == []  # exactly 10 away: not flagged
    edge = aggregate(RUBRIC, [sheet("a", 30, 30, 40), sheet("b", 10, 10, 40)])  # 100 and 60: 20 away
    assert edge.outliers == []  # "more than 20" — 20 is not more


def test_recognized_when_mean_reaches_threshold_and_two_thirds_recommend():
    result = aggregate(RUBRIC, [sheet(1, 15, 15, 20), sheet(2, 15, 15, 20), sheet(3, 15, 15, 20, "fail")])
    assert result.mean_total == 50  # exactly the threshold counts
    assert result.pass_count == 2 and result.approval_met  # 2 of 3 is exactly two thirds
    assert result.suggested == RECOGNIZED


def test_rejected_below_threshold_even_if_everyone_recommends():
    result = aggregate(RUBRIC, [sheet(1, 15, 15, 19), sheet(2, 15, 15, 19), sheet(3, 15, 15, 20)])
    assert result.mean_total < 50
    assert result.suggested == REJECTED
    assert any("thấp hơn ngưỡng" in r for r in result.reasons)


def test_rejected_when_fewer_than_two_thirds_recommend():
    result = aggregate(RUBRIC, [sheet(1, 25, 25, 35), sheet(2, 25, 25, 35, "fail"), sheet(3, 25, 25, 35, "fail")])
    assert result.meets_recognition and not result.approval_met
    assert result.suggested == REJECTED


def test_a_zero_for_novelty_blocks_recognition_unless_the_rule_is_off():
    sheets = [sheet(1, 0, 30, 40), sheet(2, 25, 25, 35), sheet(3, 25, 25, 35)]
    result = aggregate(RUBRIC, sheets)
    assert result.meets_recognition and result.approval_met and result.novelty_zero
    assert result.suggested == REJECTED
    relaxed = aggregate(RUBRIC, sheets, Thresholds(novelty_zero_rule=False))
    assert relaxed.suggested == RECOGNIZED


def test_sector_threshold_and_custom_thresholds():
    sheets = [sheet(1, 27, 27, 36), sheet(2, 25, 25, 30), sheet(3, 26, 26, 34)]  # mean 85.33
    result = aggregate(RUBRIC, sheets)
    assert result.meets_sector and result.suggested == RECOGNIZED
    strict = aggregate(RUBRIC, sheets, Thresholds(recognition=90, sector=95, approval=Fraction(1, 1)))
    assert not strict.meets_recognition and not strict.meets_sector
    assert strict.suggested == REJECTED


def test_no_sheets_means_no_suggestion():
    result = aggregate(RUBRIC, [])
    assert result.count == 0 and result.suggested is None and result.mean_total is None
    assert [c.mean for c in result.criteria] == [None, None, None]


@pytest.mark.parametrize("scores, complete, errors", [
    ({"novelty": 30, "applicability": 0, "effectiveness": 40}, True, set()),
    ({"novelty": 31, "applicability": 0, "effectiveness": 40}, True, {"novelty"}),
    ({"novelty": -1, "applicability": 0, "effectiveness": 40}, True, {"novelty"}),
    ({"novelty": 12.5, "applicability": 0, "effectiveness": 40}, True, {"novelty"}),
    ({"novelty": True, "applicability": 0, "effectiveness": 40}, True, {"novelty"}),
    ({"novelty": "12", "applicability": 0, "effectiveness": 40}, True, {"novelty"}),
    ({"novelty": 10}, False, set()),
    ({"novelty": 10}, True, {"applicability", "effectiveness"}),
    ({"novelty": 10, "beauty": 5}, False, {"beauty"}),
])
def test_validate_scores(scores, complete, errors):
    assert set(validate_scores(RUBRIC, scores, complete=complete)) == errors


def test_validation_messages_speak_vietnamese():
    message = validate_scores(RUBRIC, {"effectiveness": 41}, complete=False)["effectiveness"]
    assert message == "Điểm tiêu chí “Hiệu quả” phải từ 0 đến 40."


def test_the_reasons_write_the_mean_as_every_page_does(app):
    from flask_babel import refresh

    from portal.core.i18n import translate

    result = aggregate(RUBRIC, [sheet(1, 20, 20, 30), sheet(2, 20, 20, 30), sheet(3, 20, 21, 30)])  # 211/3
    reason = next(r for r in result.reasons if "Điểm trung bình" in r)
    assert "70,33" in reason  # the phrase's own (Vietnamese) text
    with app.test_request_context("/?lang=en"):
        refresh()  # the locale is kept on the application context the fixture holds
        assert "70.33" in translate(reason) and "70,33" in reason
    with app.test_request_context("/"):
        refresh()
        assert "70,33" in translate(reason)
