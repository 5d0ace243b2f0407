"""Search that finds what people mean (issue 17): each case the issue opens with."""
import logging

import pytest
from lxml import html as lxml_html

from portal.extensions import db
from portal.initiatives.workflow import Level
from portal.search import attachments, service
from portal.search.models import AttachmentText
from tests.search.files import attach, docx_bytes, pdf_bytes


def _page(client, url, **params):
    response = client.get(url, query_string=params or None)
    assert response.status_code == 200
    return lxml_html.fromstring(response.data), response.get_data(as_text=True)


def _titles(doc):
    return [a.text_content() for a in doc.xpath("//li[@data-testid='hit']//h2/a")]


def _suggestion(doc):
    links = doc.xpath("//*[@data-testid='suggestion']//a")
    return links[0].text_content() if links else None


@pytest.fixture
def demo_like(published, make_unit, make_user):
    """Titles and wording like the demo's, where the issue's queries went wrong."""
    p1 = make_unit("Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự (Phòng 1)")
    return {
        "dieu_tra": published("Giải pháp phối hợp với Cơ quan điều tra trong thu thập dữ liệu điện tử",
                              field=("criminal", "Hình sự"), year=2025,
                              author=make_user(full_name="Lê Văn Hùng", unit=p1),
                              solution="Kiểm sát điều tra các vụ án ma túy từ khi khởi tố."),
        "thi_hanh": published("Sổ tay nghiệp vụ kiểm sát thi hành án dân sự",
                              field=("enforcement", "Thi hành án"), year=2024,
                              solution="Tổ chức thi hành và theo dõi việc thi hành án."),
        "phoi_hop": published("Quy chế phối hợp liên ngành trong giải quyết án trọng điểm",
                              field=("criminal", "Hình sự"), year=2025, form="thematic",
                              level=Level.sector),
        "no_words": published("Phần mềm nhắc thời hạn tố tụng trên mạng nội bộ",
                              field=("criminal", "Hình sự"), year=2026,
                              summary="Nhắc thời hạn qua thư điện tử."),
    }


# -- the home page's examples, and the no-result page ---------------------------------

def test_home_page_examples_come_from_the_index_and_each_finds_something(client, demo_like):
    doc, _ = _page(client, "/")
    links = doc.xpath("//*[@data-testid='search-hints']//a")
    assert len(links) >= 2
    for link in links:
        found, _ = _page(client, link.get("href"))
        assert _titles(found), link.get("href")


def test_the_tips_of_a_no_result_page_find_something(client, demo_like):
    doc, _ = _page(client, "/search", q="xyzzy")
    examples = doc.xpath("//*[@data-testid='example']")
    assert examples
    for link in examples:
        found, _ = _page(client, link.get("href"))
        assert _titles(found), link.get("href")


def test_a_quoted_query_is_not_quoted_twice(client, demo_like):
    _doc, page = _page(client, "/search", q='"hồ sơ điện tử"')
    assert "“hồ sơ điện tử”" in page
    assert "“&#34;" not in page and "“\"" not in page


def test_no_empty_filter_card_beside_zero_results(client, demo_like):
    doc, _ = _page(client, "/search", q="xyzzy")
    assert doc.xpath("//*[@data-testid='no-results']")
    assert not doc.xpath("//aside[contains(@class, 'filters')]")
    doc, _ = _page(client, "/search", q="phoi hop")
    assert doc.xpath("//aside[contains(@class, 'filters')]//li")


# -- typos and "did you mean" ----------------------------------------------------------

@pytest.mark.parametrize(("q", "meant", "title"), [
    ("kiem sat dieu tr", "kiểm sát điều tra", "dieu_tra"),
    ("thi hanh na", "thi hành án", "thi_hanh"),
    ("phoi hpo", "phối hợp", "phoi_hop"),
    ("kiểm sát điều trạ", "kiểm sát điều tra", "dieu_tra"),
])
def test_a_typo_finds_what_was_meant_and_suggests_the_accented_spelling(client, demo_like, q, meant,
                                                                          title):
    doc, page = _page(client, "/search", q=q)
    assert demo_like[title][0].title in _titles(doc)
    assert _suggestion(doc) == meant
    found, _ = _page(client, "/search", q=meant)
    assert demo_like[title][0].title in _titles(found)


def test_a_typo_ranks_below_the_exact_word(client, published):
    published("Kiểm sát việc tạm giam bị can", summary="Tạm giam.")
    published("Kiểm sát việc tạm giao tài sản", summary="Tạm giao.")  # "giao" is one edit from "giam"
    doc, _ = _page(client, "/search", q="tam giam")
    assert _titles(doc) == ["Kiểm sát việc tạm giam bị can"]


def test_no_suggestion_without_results_nor_without_diacritics(client, demo_like):
    doc, _ = _page(client, "/search", q="sang kien")
    assert _titles(doc) == [] and _suggestion(doc) is None
    doc, _ = _page(client, "/search", q="thi hanh an")
    assert _titles(doc) and _suggestion(doc) is None


def test_the_api_returns_a_suggestion_when_nothing_is_found(client, demo_like):
    body = client.get("/api/v1/public/initiatives", query_string={"q": "kiem sat dieu trrra"}).json
    assert body["total"] == 0 and body["items"] == []
    assert body["suggestion"]["q"] == "kiểm sát điều tra" and body["suggestion"]["total"] >= 1
    again = client.get("/api/v1/public/initiatives", query_string={"q": body["suggestion"]["q"]}).json
    assert again["total"] == body["suggestion"]["total"] and again["suggestion"] is None


# -- everything a reader would type ------------------------------------------------------

def test_the_field_finds_every_initiative_filed_under_it(client, demo_like):
    doc, _ = _page(client, "/search", q="hình sự")
    assert sorted(_titles(doc)) == sorted(demo_like[k][0].title for k in ("dieu_tra", "phoi_hop", "no_words"))


@pytest.mark.parametrize(("q", "key"), [
    ("Phòng 1", "dieu_tra"), ("chuyên đề", "phoi_hop"), ("cấp ngành", "phoi_hop"),
    ("2026", "no_words"),
])
def test_unit_form_level_and_year_are_searchable(client, demo_like, q, key):
    doc, _ = _page(client, "/search", q=q)
    assert demo_like[key][0].title in _titles(doc)


def test_the_decision_number_is_searchable(client, demo_like):
    initiative = demo_like["thi_hanh"][0]
    doc, _ = _page(client, "/search", q=initiative.decision_no)
    assert _titles(doc)[0] == initiative.title


# -- inside attachments ------------------------------------------------------------------

@pytest.fixture
def with_files(app, demo_like, make_initiative, make_user):
    article = demo_like["no_words"][0]
    screened = make_initiative([make_user()], status="submitted", title="Đơn mới về sơ đồ hiện trường",
                               solution="Xem tệp đính kèm.")
    files = {
        "public_pdf": attach(article, "Phu luc so do.pdf",
                             pdf_bytes(["Bien ban thu giu vat chung", "so do hien truong vu an"]),
                             is_public=True),
        "private_docx": attach(article, "Ghi chú nội bộ.docx",
                               docx_bytes(["Danh sách nhân chứng cần triệu tập lại"])),
        "screened_docx": attach(screened, "Thuyết minh.docx",
                                docx_bytes(["Biên bản thu giữ vật chứng, sơ đồ hiện trường vụ án"] * 3)),
    }
    assert attachments.extract_pending(10) == {"ok": 3}
    return article, screened, files


def test_public_attachment_words_are_found_and_the_snippet_names_the_file(client, with_files):
    article, _screened, _files = with_files
    doc, _ = _page(client, "/search", q="vat chung hien truong")
    assert _titles(doc) == [article.title]
    [file_note] = doc.xpath("//*[@data-testid='hit-file']")
    assert "Phu luc so do.pdf" in file_note.text_content()
    assert doc.xpath("//li[@data-testid='hit']//mark")


def test_private_attachments_feed_only_the_councils_search(client, with_files, make_user):
    article, _screened, _files = with_files
    doc, _ = _page(client, "/search", q="nhân chứng triệu tập")
    assert _titles(doc) == []
    client.login(make_user("hoidong", council="member"))
    doc, _ = _page(client, "/search/internal", q="nhân chứng triệu tập")
    assert _titles(doc) == [article.title]


def test_similarity_at_screening_sees_the_attachments(with_files):
    article, screened, _files = with_files
    assert article in service.similar_initiatives(screened, limit=3)


def test_an_unreadable_file_is_logged_and_skipped(app, demo_like, caplog):
    initiative = demo_like["dieu_tra"][0]
    broken = attach(initiative, "Hỏng.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, is_public=True)
    with caplog.at_level(logging.WARNING, logger="portal.search.attachments"):
        assert attachments.extract_pending(10) == {"failed": 1}
    assert "Hỏng.pdf" in caplog.text
    row = db.session.get(AttachmentText, broken.id)
    assert row.status == "failed" and row.error
    assert attachments.extract_pending(10) == {}  # not retried until the file changes


def test_extraction_is_bounded_in_time(app, demo_like):
    initiative = demo_like["dieu_tra"][0]
    attach(initiative, "Chậm.docx", docx_bytes(["nội dung"] * 2000), is_public=True)
    assert attachments.extract_pending(10, timeout=0.001) == {"timeout": 1}


def test_extraction_never_runs_in_a_request(client, demo_like):
    attach(demo_like["dieu_tra"][0], "Mới.docx", docx_bytes(["Từ khóa chưa đọc"]), is_public=True)
    _page(client, "/search", q="khóa chưa đọc")
    _page(client, "/")
    assert attachments.pending_count() == 1


def test_the_extract_and_reindex_commands_read_pending_attachments(app, runner, demo_like):
    attach(demo_like["dieu_tra"][0], "Phụ lục.docx", docx_bytes(["Sơ đồ hiện trường"]), is_public=True)
    result = runner.invoke(args=["search", "status"])
    assert "attachments waiting to be read: 1" in result.output
    result = runner.invoke(args=["search", "extract"])
    assert result.exit_code == 0 and "ok 1" in result.output
    result = runner.invoke(args=["search", "reindex", "--index", "public"])
    assert result.exit_code == 0 and "No attachment" not in result.output
    assert "Index “public”: 4 documents" in result.output
    assert attachments.pending_count() == 0
