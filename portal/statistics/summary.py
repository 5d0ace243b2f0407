"""What the statistics pages say about the aggregates the database returns: medians, bins,
agreement. Plain functions over frequency tables (value, how many), never over initiatives:
the database groups the rows, these functions read at most one line per distinct value.
"""
import math
from dataclasses import dataclass

DAY_BIN = 15          # days per bar of the filing-to-decision histogram
DAY_LIMIT = 90        # Điều 7.1: a decision is due within three months; longer ones share a bar
NICE_WIDTHS = (1, 2, 5, 10, 20, 25, 50)
MAX_BINS = 10


@dataclass(frozen=True)
class Distribution:
    """A frequency table summed up: how many values, their mean, median, least and greatest."""
    count: int
    mean: float | None
    median: float | None
    least: float | None
    greatest: float | None


def _sorted(freq):
    return sorted((value, count) for value, count in freq if count)


def total(freq):
    return sum(count for _value, count in freq)


def median(freq):
    """The median of the values a frequency table [(value, count)] stands for (None when empty)."""
    rows = _sorted(freq)
    n = total(rows)
    if not n:
        return None
    wanted = ((n - 1) // 2, n // 2)
    found, seen = [], 0
    for value, count in rows:
        while len(found) < 2 and seen + count > wanted[len(found)]:
            found.append(value)
        seen += count
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def describe(freq):
    rows = _sorted(freq)
    n = total(rows)
    if not n:
        return Distribution(0, None, None, None, None)
    return Distribution(n, sum(v * c for v, c in rows) / n, median(rows), rows[0][0], rows[-1][0])


def day_bins(freq):
    """[(label, count)]: 0–15, 16–30, … 76–90 days, then "> 90"."""
    edges = list(range(0, DAY_LIMIT, DAY_BIN))
    counts = [0] * (len(edges) + 1)
    for days, count in freq:
        days = max(int(days), 0)
        counts[len(edges) if days > DAY_LIMIT else max(days - 1, 0) // DAY_BIN] += count
    labels = [f"{0 if low == 0 else low + 1}–{low + DAY_BIN}" for low in edges] + [f"> {DAY_LIMIT}"]
    return list(zip(labels, counts, strict=True))


def bin_width(maximum):
    """The smallest round width that shows 0…maximum in at most MAX_BINS bars."""
    for width in NICE_WIDTHS:
        if math.ceil((maximum + 1) / width) <= MAX_BINS:
            return width
    return math.ceil((maximum + 1) / MAX_BINS)


def value_bins(freq, maximum):
    """[(label, count)] of bars of a round width from 0 to `maximum` ("0–4", …, "30")."""
    maximum = max(int(maximum), 0)
    width = bin_width(maximum)
    counts = [0] * math.ceil((maximum + 1) / width)
    for value, count in freq:
        counts[min(max(int(value), 0) // width, len(counts) - 1)] += count
    labels = []
    for i in range(len(counts)):
        low, high = i * width, min(i * width + width - 1, maximum)
        labels.append(str(low) if low == high else f"{low}–{high}")
    return list(zip(labels, counts, strict=True))


def share(part, whole):
    """part / whole as a percentage, None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None
