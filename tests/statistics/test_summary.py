"""Medians, bins and shares read from frequency tables."""
import pytest

from portal.statistics import summary

# The summary arithmetic never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


def test_median_of_a_frequency_table():
    assert summary.median([]) is None
    assert summary.median([(5, 1)]) == 5
    assert summary.median([(1, 1), (3, 1)]) == 2
    assert summary.median([(10, 3), (1, 1)]) == 10
    assert summary.median([(1, 2), (9, 2)]) == 5
    assert summary.median([(4, 0), (2, 1), (6, 1), (8, 1)]) == 6


def test_describe_gives_count_mean_and_range():
    d = summary.describe([(10, 1), (20, 3)])
    assert (d.count, d.mean, d.median, d.least, d.greatest) == (4, 17.5, 20, 10, 20)
    assert summary.describe([]).count == 0


def test_day_bins_end_with_the_three_month_limit():
    bins = summary.day_bins([(0, 1), (15, 1), (16, 2), (90, 1), (91, 4), (400, 1)])
    assert bins[0] == ("0–15", 2)
    assert bins[1] == ("16–30", 2)
    assert bins[5] == ("76–90", 1)
    assert bins[-1] == ("> 90", 5)
    assert sum(n for _label, n in bins) == 10


def test_value_bins_are_round_and_end_at_the_maximum():
    bins = summary.value_bins([(0, 1), (4, 1), (5, 1), (30, 2)], 30)
    assert bins[0] == ("0–4", 2)
    assert bins[1] == ("5–9", 1)
    assert bins[-1] == ("30", 2)
    assert summary.value_bins([(3, 1)], 5) == [(str(i), 1 if i == 3 else 0) for i in range(6)]
    assert len(summary.value_bins([], 100)) <= summary.MAX_BINS
    assert summary.value_bins([], 100)[-1] == ("100", 0)


def test_share_is_a_percentage():
    assert summary.share(1, 3) == 33.3
    assert summary.share(0, 0) is None
