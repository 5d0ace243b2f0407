"""The SVG charts: valid XML, bars proportional to the values, every text escaped, named."""
import xml.etree.ElementTree as ET

import pytest

from portal.statistics import charts

# Drawing charts never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    return ET.fromstring(str(markup))


def bars(root):
    return [r for r in root.iter(f"{SVG}rect") if "chart-bar" in r.get("class", "")]


def test_a_bar_chart_is_valid_xml_with_an_accessible_name():
    root = parse(charts.bar_chart("c1", [("Hình sự", [3, 1, 2])], ["Đã nộp", "Được công nhận", "Không công nhận"],
                                  title="Sáng kiến theo lĩnh vực", desc="Ba cột"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert root.find(f"{SVG}title").text == "Sáng kiến theo lĩnh vực"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").text == "Ba cột"


def test_bars_are_proportional_to_the_values():
    root = parse(charts.bar_chart("c", [("A", [10]), ("B", [5]), ("C", [0])], ["n"], title="t"))
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths[0] > 0
    assert widths[1] == widths[0] / 2
    assert widths[2] == 0


def test_histogram_heights_are_proportional_to_the_counts():
    root = parse(charts.histogram("h", [("0–4", 2), ("5–9", 8), ("10", 4)], title="t"))
    heights = [float(r.get("height")) for r in bars(root)]
    assert heights[1] == 4 * heights[0] == 2 * heights[2]
    assert [float(r.get("x")) for r in bars(root)] == sorted(float(r.get("x")) for r in bars(root))


def test_vietnamese_labels_and_markup_in_them_are_escaped():
    label = 'Phòng <Hình sự> & "Điều tra" \'đặc biệt\''
    markup = charts.bar_chart("e", [(label, [1])], ["Số <b>"], title="Tiêu đề <script>alert(1)</script>")
    assert "<script>" not in str(markup) and "<b>" not in str(markup)
    root = parse(markup)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert label in texts
    assert root.find(f"{SVG}title").text == "Tiêu đề <script>alert(1)</script>"
    hist = parse(charts.histogram("h", [("Đến & hạn", 1)], title="Thời gian <xử lý>"))
    assert "Đến & hạn" in [t.text for t in hist.iter(f"{SVG}text")]


def test_no_data_draws_empty_bars_without_dividing_by_zero():
    root = parse(charts.histogram("z", [("a", 0), ("b", 0)], title="t"))
    assert [float(r.get("height")) for r in bars(root)] == [0, 0]
    assert parse(charts.bar_chart("z2", [], ["n"], title="t")).get("role") == "img"


def test_long_labels_are_shortened_in_the_chart_only():
    long = "Viện kiểm sát nhân dân quận Ngũ Hành Sơn thành phố Đà Nẵng"
    texts = [t.text for t in parse(charts.bar_chart("l", [(long, [1])], ["n"], title="t")).iter(f"{SVG}text")]
    assert any(t.endswith("…") and long.startswith(t[:-1]) for t in texts)
