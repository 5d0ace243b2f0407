"""The public search page: folding, ranking, phrases, facets, highlighting, pages, junk."""
import time

import pytest
from lxml import html as lxml_html

from portal.initiatives.workflow import Level


def _hits(client, q, **params):
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.data)
    return [a.text_content() for a in doc.xpath("//li[@data-testid='hit']//h2/a")], response


@pytest.fixture
def corpus(published):
    made = {
        "sang_kien": published("Sáng kiến kinh nghiệm kiểm sát tin báo",
                               field=("criminal", "Hình sự"), year=2024),
        "dieu_tra": published("Nâng cao chất lượng kiểm sát điều tra vụ án ma túy",
                              field=("criminal", "Hình sự"), year=2023),
        "dan_su": published("Hòa giải trong giải quyết vụ việc dân sự",
                            field=("civil", "Dân sự"), year=2024, level=Level.sector,
                            solution="Áp dụng hồ sơ điện tử cho từng vụ việc."),
    }
    return made


@pytest.mark.parametrize("q", ["sang kien", "SÁNG KIẾN", "sáng kiến", "Sang Kien", "SANG KIEN"])
def test_folding_finds_sang_kien_however_typed(client, corpus, q):
    titles, _ = _hits(client, q)
    assert titles == ["Sáng kiến kinh nghiệm kiểm sát tin báo"]


@pytest.mark.parametrize("q", ["dieu tra", "điều tra", "ĐIỀU TRA", "Dieu Tra"])
def test_d_with_stroke_folds_to_d(client, corpus, q):
    titles, _ = _hits(client, q)
    assert titles == ["Nâng cao chất lượng kiểm sát điều tra vụ án ma túy"]


def test_exact_accents_rank_first(client, published):
    published("Kiểm sát án an ninh quốc gia")      # "án" and "an" both fold to "an"
    published("Bảo đảm an ninh trật tự tại trụ sở")
    published("Kiểm sát án hình sự tại trụ sở")
    titles, _ = _hits(client, "án")
    assert titles[0] in {"Kiểm sát án an ninh quốc gia", "Kiểm sát án hình sự tại trụ sở"}
    assert titles[-1] == "Bảo đảm an ninh trật tự tại trụ sở"
    titles, _ = _hits(client, "an ninh")
    assert set(titles) == {"Kiểm sát án an ninh quốc gia", "Bảo đảm an ninh trật tự tại trụ sở"}


def test_title_weighs_more_than_body(client, published):
    published("Quy trình số hóa văn bản", solution="Có nhắc tới thống kê tội phạm một lần.")
    published("Thống kê tội phạm bằng phần mềm", solution="Nội dung khác hẳn.")
    titles, _ = _hits(client, "thong ke toi pham")
    assert titles == ["Thống kê tội phạm bằng phần mềm", "Quy trình số hóa văn bản"]


def test_quoted_phrase_matches_only_the_phrase(client, published):
    published("Lập hồ sơ điện tử cho vụ án")
    published("Hồ sơ giấy và sổ điện tử")
    titles, _ = _hits(client, '"hồ sơ điện tử"')
    assert titles == ["Lập hồ sơ điện tử cho vụ án"]
    titles, _ = _hits(client, "hồ sơ điện tử")
    assert len(titles) == 2


def test_all_words_must_match(client, corpus):
    titles, _ = _hits(client, "kiểm sát ma túy")
    assert titles == ["Nâng cao chất lượng kiểm sát điều tra vụ án ma túy"]


def test_facets_count_and_filter(client, corpus):
    _, response = _hits(client, "kiem sat")
    doc = lxml_html.fromstring(response.data)
    facet_links = {a.text_content().strip(): a.get("href")
                   for a in doc.xpath("//aside[contains(@class,'filters')]//a")}
    counts = {li.xpath("a")[0].text_content().strip(): li.xpath("span[@class='count']/text()")[0]
              for li in doc.xpath("//aside[contains(@class,'filters')]//li")}
    assert counts["Hình sự"] == "2" and counts["2024"] == "1" and counts["2023"] == "1"
    titles, _ = _hits(client, "kiem sat", year="2023")
    assert titles == ["Nâng cao chất lượng kiểm sát điều tra vụ án ma túy"]
    assert "year=2023" in facet_links["2023"]
    titles, _ = _hits(client, "vu", field="civil")
    assert titles == ["Hòa giải trong giải quyết vụ việc dân sự"]
    titles, _ = _hits(client, "vu", level="sector")
    assert titles == ["Hòa giải trong giải quyết vụ việc dân sự"]


def test_matches_are_highlighted_and_escaped(client, published):
    published("Kiểm sát <b>tin báo</b> & tố giác", summary="Xử lý tin báo về tội phạm kịp thời.")
    _, response = _hits(client, "tin bao")
    page = response.get_data(as_text=True)
    assert "<mark>tin</mark> <mark>báo</mark>" in page
    assert "&lt;b&gt;" in page and "<b>tin" not in page


def test_pagination_of_results(client, published):
    for n in range(25):
        published(f"Kiểm sát thi hành án dân sự số {n}")
    first, response = _hits(client, "thi hanh an")
    second, _ = _hits(client, "thi hanh an", page=2)
    third, _ = _hits(client, "thi hanh an", page=3)
    assert len(first) == 10 and len(second) == 10 and len(third) == 5
    assert not set(first) & set(second) and not set(second) & set(third)
    assert "Tìm thấy 25 sáng kiến" in response.get_data(as_text=True)
    assert 'rel="next"' in response.get_data(as_text=True)
    far, _ = _hits(client, "thi hanh an", page=999999)
    assert far == []


def test_a_typo_finds_what_was_meant_and_proposes_the_accented_spelling(client, corpus):
    titles, response = _hits(client, "kiem sta")
    assert len(titles) == 2
    doc = lxml_html.fromstring(response.data)
    [suggestion] = doc.xpath("//*[@data-testid='suggestion']//a")
    assert suggestion.text_content() == "kiểm sát"
    assert "(2 kết quả)" in doc.xpath("string(//*[@data-testid='suggestion'])")
    titles, _ = _hits(client, suggestion.text_content())
    assert len(titles) == 2


@pytest.mark.parametrize("q", ["", "   ", "x" * 10_000, '"((', "*:*", "AND OR NOT", "\x00\x01",
                               "?", '"', "title:abc", "%", "ứng" * 3000, "🙂", "<script>"])
def test_junk_queries_get_a_page_never_an_error(client, corpus, q):
    started = time.perf_counter()
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert time.perf_counter() - started < 10
    page = response.get_data(as_text=True)
    assert "<script>" not in page.split("<body", 1)[1]


def test_empty_query_gets_a_helpful_page(client, corpus):
    page = client.get("/search").get_data(as_text=True)
    assert "Mẹo tìm kiếm" in page and "Hình sự" in page and 'name="q"' in page


def test_query_is_shown_escaped(client, corpus):
    q = '<script>alert("x")</script> kiểm sát'
    response = client.get("/search", query_string={"q": q})
    page = response.get_data(as_text=True)
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;" in page


def test_filters_with_junk_values_are_ignored(client, corpus):
    titles, _ = _hits(client, "kiem sat", year="abcd", level="none", unit="x", page="-3")
    assert len(titles) == 2
