"""The statistics pages: who reads them, what each shows, the XLSX, the number of queries."""
import io

import pytest
from openpyxl import load_workbook

from portal.core.timeutil import local_date
from portal.statistics import queries
from tests.council.helpers import text, visible_text
from tests.statistics.conftest import YEAR

INTERNAL = f"/council/{YEAR}/statistics"


@pytest.fixture
def data(year_data):
    return year_data()


def xlsx(response):
    return load_workbook(io.BytesIO(response.data))


@pytest.mark.parametrize("who", ["chair", "vice", "secretary"])
def test_the_years_officers_read_counts_times_and_scores(client, council, data, who):
    client.login(council[who])
    response = client.get(INTERNAL)
    assert response.status_code == 200
    page = text(response)
    for figure in ("fig-field", "fig-unit", "fig-level", "fig-days", "fig-score-novelty", "fig-spread"):
        assert f'id="{figure}"' in page
    assert 'role="img"' in page and "<figcaption" in page and "<table" in page
    assert "Tỷ lệ nhất trí" in page
    assert response.headers["Cache-Control"].startswith("no-store") or "private" in response.headers["Cache-Control"]


@pytest.mark.parametrize("who", ["emulation", "admin"])
def test_the_emulation_office_and_the_admin_read_counts_without_scores(client, council, make_user, data, who):
    user = council["admin"] if who == "admin" else make_user("thidua", roles=("emulation_officer",))
    client.login(user)
    response = client.get(INTERNAL)
    assert response.status_code == 200
    page = text(response)
    assert 'id="fig-field"' in page and 'id="fig-days"' in page
    assert "fig-score-" not in page and 'id="fig-spread"' not in page
    book = xlsx(client.get(INTERNAL + ".xlsx"))
    assert not any(name.startswith("Điểm") or name.startswith("Độ chênh") for name in book.sheetnames)


@pytest.mark.parametrize("who", ["author", "staff", "m1"])
def test_authors_staff_and_members_get_a_404(client, council, data, who):
    client.login(council[who])
    assert client.get(INTERNAL).status_code == 404
    assert client.get(INTERNAL + ".xlsx").status_code == 404


def test_another_years_officer_gets_a_404_and_a_visitor_signs_in_first(client, council, data):
    client.login(council["secretary"])
    assert client.get(f"/council/{YEAR - 1}/statistics").status_code == 404
    client.logout()
    response = client.get(INTERNAL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_counts_by_field_unit_and_level(app, council, data):
    counts = queries.internal_counts(YEAR)
    fields = {name: (n, r, j) for name, n, r, j in counts["field"]}
    assert fields["Công nghệ thông tin"] == (3, 2, 0)
    assert fields["Hình sự"] == (2, 0, 1)
    units = {name: (n, r, j) for name, n, r, j in counts["unit"]}
    assert units["VKSND huyện Hòa Vang"] == (2, 0, 1)
    assert dict((code, n) for code, n, _r, _j in counts["level"]) == {"grassroots": 5}
    assert dict(counts["achieved"]) == {"grassroots": 2}


def test_time_from_filing_to_decision(app, council, data):
    assert dict(queries.internal_decision_days(YEAR)) == {20: 1, 50: 1, 30: 1}
    assert dict(queries.public_decision_days(YEAR)) == {20: 1}


def test_scores_count_decided_initiatives_only_never_the_running_ones(app, council, data):
    scores = queries.score_frequencies(YEAR, council["secretary"])
    novelty = dict(scores["novelty"])
    # GOOD ×5 (25), FAIR ×2 (18), WEAK ×2 (10); the sheet of the initiative in appraisal (7) is not there
    assert novelty == {25: 5, 18: 2, 10: 2}
    assert 7 not in novelty and 3 not in dict(scores["applicability"]) and 1 not in dict(scores["effectiveness"])
    spreads = queries.spread_frequencies(YEAR, council["secretary"])
    # good: 82, 60, 82 → 22, unanimous; weak: 37, 37, 60 → 23, split; hidden: 82 ×3 → 0, unanimous
    assert sorted(spreads) == [(0, 1, 1), (22, 1, 1), (23, 1, 0)]


def test_the_running_sheet_shows_nowhere_on_the_page_or_in_the_xlsx(client, council, data):
    client.login(council["secretary"])
    book = xlsx(client.get(INTERNAL + ".xlsx"))
    rows = {sheet: [list(r) for r in book[sheet].iter_rows(values_only=True)] for sheet in book.sheetnames}
    novelty = rows["Điểm novelty"]
    by_label = {r[0]: r[1] for r in novelty[3:]}
    assert by_label["5–9"] == 0  # the running 7 would be here
    assert by_label["25–29"] == 5 and by_label["15–19"] == 2 and by_label["10–14"] == 2


def test_an_officer_named_on_a_decided_initiative_does_not_read_its_sheets(app, council, data, make_initiative,
                                                                         appraise):
    from tests.statistics.conftest import GOOD
    before = dict(queries.score_frequencies(YEAR, council["vice"])["novelty"])
    own = make_initiative([council["vice"]], status="submitted", title="Sáng kiến của Phó Chủ tịch")
    appraise(own, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
    from portal.council import operations
    operations.decide(own, council["chair"], "recognized", decision_no="99/QĐ-VKS",
                      decision_date=local_date(own.accepted_at), reason="Đạt.")
    assert dict(queries.score_frequencies(YEAR, council["vice"])["novelty"]) == before
    assert dict(queries.score_frequencies(YEAR, council["secretary"])["novelty"])[25] == before[25] + 3


def test_the_internal_xlsx_holds_every_figure(client, council, data):
    client.login(council["secretary"])
    response = client.get(INTERNAL + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = xlsx(response)
    assert book.sheetnames[:5] == ["Tổng hợp", "Theo lĩnh vực", "Theo đơn vị", "Theo cấp đề nghị",
                                   "Cấp được công nhận"]
    assert "Độ chênh tổng điểm" in book.sheetnames
    fields = [list(r) for r in book["Theo lĩnh vực"].iter_rows(values_only=True)]
    assert ["Lĩnh vực", "Đã nộp", "Được công nhận", "Không công nhận"] in fields
    assert ["Công nghệ thông tin", 3, 2, 0] in fields
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Sáng kiến đã nộp"] == 5
    assert summary["Tỷ lệ nhất trí về đề nghị đạt / không đạt (%)"] == pytest.approx(66.7)


def test_the_xlsx_neutralises_a_formula_in_a_name(client, council, data, make_unit, make_initiative):
    unit = make_unit("=HYPERLINK(\"http://x\")")
    make_initiative([council["staff"]], status="submitted", unit_id=unit.id)
    client.login(council["secretary"])
    book = xlsx(client.get(INTERNAL + ".xlsx"))
    cell = next(c for row in book["Theo đơn vị"].iter_rows() for c in row if c.value == unit.name)
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_public_page_shows_published_initiatives_only(client, council, data):
    response = client.get(f"/statistics?year={YEAR}")
    assert response.status_code == 200
    page = visible_text(response)
    assert "Công nghệ thông tin" in page
    assert "Phòng Chưa Công Bố Bí Mật" not in page   # recognised, never published
    assert "VKSND huyện Hòa Vang" not in page         # rejected and submitted ones only
    assert "Hình sự" not in page
    assert "fig-score" not in text(response) and "fig-spread" not in text(response)
    assert "Điểm" not in page and "phiếu" not in page.lower()
    book = xlsx(client.get(f"/statistics.xlsx?year={YEAR}"))
    cells = {c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r}
    assert "Phòng Chưa Công Bố Bí Mật" not in cells and "VKSND huyện Hòa Vang" not in cells
    assert council["author"].unit.name in cells


def test_the_public_page_is_cached_like_the_other_public_pages(client, council, data):
    first = client.get("/statistics")
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in first.headers
    again = client.get("/statistics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_public_page_defaults_to_the_latest_published_year_and_lists_the_years(client, council, data):
    page = text(client.get("/statistics"))
    assert f"/statistics?year={YEAR}" in page and 'aria-current="page">' + str(YEAR) in page


def test_the_public_page_refuses_a_nonsense_year(client, app):
    assert client.get("/statistics?year=12").status_code == 404
    assert client.get("/statistics").status_code == 200  # nothing published: an empty page


def test_links_from_the_council_the_emulation_office_and_the_public_menu(client, council, make_user, data):
    assert 'href="/statistics"' in text(client.get("/"))
    client.login(council["secretary"])
    assert f'href="{INTERNAL}"' in text(client.get(f"/council/?year={YEAR}"))
    client.logout()
    client.login(make_user("thidua", roles=("emulation_officer",)))
    assert f'href="{INTERNAL}"' in text(client.get(f"/emulation/year/{YEAR}"))


def test_english_labels(client, council, data):
    client.login(council["secretary"])
    page = visible_text(client.get(INTERNAL + "?lang=en"))
    for label in ("Initiatives by field", "Submitted", "Median time from filing to decision (days)",
                  "Spread between the highest", "Unanimous pass / fail recommendations (%)", "Agreement is measured"):
        assert label in page
    assert "Sáng kiến theo lĩnh vực" not in page and "Độ chênh" not in page


@pytest.mark.parametrize("path", ["/statistics?year={year}", INTERNAL, INTERNAL + ".xlsx"])
def test_a_fixed_number_of_queries_whatever_the_year_holds(client, council, year_data, count_queries, path):
    path = path.format(year=YEAR)
    client.login(council["secretary"])
    year_data(1)
    client.get(path)  # warm: the rubric and the council facts are made or cached once
    with count_queries() as small:
        assert client.get(path).status_code == 200
    year_data(3)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count
    assert small.count <= 16


def test_the_sheets_of_a_returned_initiative_are_not_counted(app, council, data, make_initiative, appraise):
    from portal.council import operations
    from tests.statistics.conftest import RUNNING
    before = queries.score_frequencies(YEAR, council["secretary"])
    returned = make_initiative([council["staff"]], status="submitted", title="Sáng kiến trả lại để hoàn thiện")
    appraise(returned, [("m1", RUNNING, "fail"), ("m2", RUNNING, "fail"), ("m3", RUNNING, "fail")])
    operations.decide(returned, council["chair"], "returned", reason="Cần bổ sung số liệu.")
    assert returned.status == "returned"
    assert queries.score_frequencies(YEAR, council["secretary"]) == before
    assert sorted(queries.spread_frequencies(YEAR, council["secretary"])) == [(0, 1, 1), (22, 1, 1), (23, 1, 0)]
