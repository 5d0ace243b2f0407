"""A year's statistics as figures (a table and the chart drawn from it), for the pages and the
XLSX alike, so that both always show the same numbers.

The queries aggregate (portal.statistics.queries); the summaries are pure
(portal.statistics.summary); this module names and translates what they return.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.core import numbers
from portal.council.services import rubric_for
from portal.initiatives.workflow import LEVEL_LABELS, Level
from portal.statistics import charts, queries, summary

UNKNOWN = "Chưa xác định"


@dataclass
class Figure:
    id: str
    sheet: str           # the XLSX sheet's name (at most 31 characters)
    title: str
    headers: list
    rows: list           # [label, value, …]
    kind: str = "bars"   # "bars": every value column charted; "histogram": one count column
    note: str = ""

    @property
    def empty(self):
        return not any(any(v for v in row[1:]) for row in self.rows)

    def svg(self):
        desc = self.note or self.title
        if self.kind == "histogram":
            return charts.histogram(f"chart-{self.id}", [(row[0], row[1]) for row in self.rows],
                                    title=self.title, desc=desc)
        return charts.bar_chart(f"chart-{self.id}", [(row[0], list(row[1:])) for row in self.rows],
                                self.headers[1:], title=self.title, desc=desc)


@dataclass
class Report:
    year: int
    figures: dict = field(default_factory=dict)      # id -> Figure, in the order of the page
    facts: list = field(default_factory=list)        # [(label, value)] shown above the figures
    scores: bool = False                             # whether score figures were computed

    def add(self, figure):
        self.figures[figure.id] = figure
        return figure


def _level(code):
    try:
        return _(LEVEL_LABELS[Level(code)])
    except ValueError:
        return str(code)


def _level_order(rows):
    order = list(Level)
    return sorted(rows, key=lambda row: order.index(Level(row[0])) if row[0] in Level.__members__ else len(order))


def _days_figure(report, freq, note):
    described = summary.describe(freq)
    report.facts += [
        (_("Số sáng kiến có thời gian từ nộp đến quyết định"), described.count),
        (_("Thời gian trung vị từ nộp đến quyết định (ngày)"), described.median),
        (_("Thời gian trung bình từ nộp đến quyết định (ngày)"),
         None if described.mean is None else round(described.mean, 1)),
        (_("Nhanh nhất – chậm nhất (ngày)"),
         "" if not described.count else f"{described.least} – {described.greatest}"),
    ]
    report.add(Figure("days", _("Thời gian xử lý"), _("Thời gian từ nộp hồ sơ đến quyết định (ngày)"),
                      [_("Số ngày"), _("Số sáng kiến")], [list(b) for b in summary.day_bins(freq)],
                      kind="histogram", note=note))


def internal(year, viewer, *, with_scores):
    """The statistics of the year for the council, the emulation office and the admin."""
    report = Report(year, scores=with_scores)
    counts = queries.internal_counts(year)
    outcomes = [_("Đã nộp"), _("Được công nhận"), _("Không công nhận")]
    filed = sum(row[1] for row in counts["unit"])
    recognised = sum(row[2] for row in counts["unit"])
    rejected = sum(row[3] for row in counts["unit"])
    report.facts += [(_("Sáng kiến đã nộp"), filed), (_("Được công nhận"), recognised),
                     (_("Không công nhận"), rejected),
                     (_("Tỷ lệ được công nhận trên số đã quyết định (%)"),
                      summary.share(recognised, recognised + rejected))]
    report.add(Figure("field", _("Theo lĩnh vực"), _("Sáng kiến theo lĩnh vực"), [_("Lĩnh vực"), *outcomes],
                      [[name or _(UNKNOWN), n, r, j] for name, n, r, j in counts["field"]]))
    report.add(Figure("unit", _("Theo đơn vị"), _("Sáng kiến theo đơn vị"), [_("Đơn vị"), *outcomes],
                      [[name, n, r, j] for name, n, r, j in counts["unit"]]))
    report.add(Figure("level", _("Theo cấp đề nghị"), _("Sáng kiến theo cấp tác giả đề nghị"),
                      [_("Cấp đề nghị"), *outcomes],
                      [[_level(code), n, r, j] for code, n, r, j in _level_order(counts["level"])]))
    report.add(Figure("achieved", _("Cấp được công nhận"), _("Sáng kiến được công nhận theo cấp"),
                      [_("Cấp"), _("Được công nhận")],
                      [[_level(code), n] for code, n in _level_order(counts["achieved"])]))
    _days_figure(report, queries.internal_decision_days(year),
                 _("Từ ngày nộp lần đầu đến ngày Hội đồng ghi nhận quyết định, các sáng kiến đã được công nhận "
                   "hoặc không công nhận."))
    if with_scores:
        _score_figures(report, year, viewer)
    return report


def _score_figures(report, year, viewer):
    rubric = rubric_for(year)
    frequencies = queries.score_frequencies(year, viewer)
    for criterion in rubric.criteria:
        freq = frequencies.get(criterion.code, [])
        described = summary.describe(freq)
        note = _("%(n)s phiếu; trung bình %(mean)s, trung vị %(median)s, thấp nhất %(low)s, cao nhất %(high)s "
                 "(thang 0–%(max)s).", n=described.count,
                 mean=numbers.score(described.mean), median=numbers.score(described.median),
                 low="–" if described.least is None else described.least,
                 high="–" if described.greatest is None else described.greatest, max=criterion.max_score)
        report.add(Figure(f"score-{criterion.code}", _("Điểm %(code)s", code=criterion.code)[:31],
                          _("Phân bố điểm tiêu chí “%(name)s”", name=_(criterion.name)),
                          [_("Điểm"), _("Số phiếu")],
                          [list(b) for b in summary.value_bins(freq, criterion.max_score)],
                          kind="histogram", note=note))
    spreads = queries.spread_frequencies(year, viewer)
    initiatives = sum(n for _spread, n, _u in spreads)
    unanimous = sum(u or 0 for _spread, _n, u in spreads)
    described = summary.describe([(spread, n) for spread, n, _u in spreads])
    report.facts += [
        (_("Sáng kiến có từ hai phiếu chấm trở lên"), initiatives),
        (_("Độ chênh trung vị giữa tổng điểm của các thành viên"), described.median),
        (_("Tỷ lệ nhất trí về đề nghị đạt / không đạt (%)"), summary.share(unanimous, initiatives)),
    ]
    report.add(Figure("spread", _("Độ chênh tổng điểm"),
                      _("Độ chênh giữa tổng điểm cao nhất và thấp nhất của các thành viên chấm một sáng kiến"),
                      [_("Độ chênh (điểm)"), _("Số sáng kiến")],
                      [list(b) for b in summary.value_bins([(s, n) for s, n, _u in spreads], rubric.max_total)],
                      kind="histogram",
                      note=_("Mỗi sáng kiến: tổng điểm cao nhất trừ tổng điểm thấp nhất trong các phiếu đã nộp "
                             "(thang 0–%(max)s).", max=rubric.max_total)))


def public(year):
    """The statistics of the year's published initiatives, for readers."""
    report = Report(year)
    counts = queries.public_counts(year)
    report.facts.append((_("Sáng kiến đã công bố"), sum(n for _name, n in counts["unit"])))
    header = _("Sáng kiến đã công bố")
    report.add(Figure("field", _("Theo lĩnh vực"), _("Sáng kiến đã công bố theo lĩnh vực"),
                      [_("Lĩnh vực"), header], [[name or _(UNKNOWN), n] for name, n in counts["field"]]))
    report.add(Figure("unit", _("Theo đơn vị"), _("Sáng kiến đã công bố theo đơn vị"),
                      [_("Đơn vị"), header], [[name, n] for name, n in counts["unit"]]))
    report.add(Figure("level", _("Theo cấp"), _("Sáng kiến đã công bố theo cấp được công nhận"),
                      [_("Cấp"), header], [[_level(code), n] for code, n in _level_order(counts["level"])]))
    _days_figure(report, queries.public_decision_days(year),
                 _("Từ ngày nộp lần đầu đến ngày Hội đồng ghi nhận quyết định công nhận, các sáng kiến đã công bố."))
    return report
