"""The search engine on its own: small indexes in tmp_path, no app."""

import unicodedata
from datetime import datetime

import pytest

from portal.search.engine import FACETS, IndexBusyError, SearchIndex

# The search engine on its own never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


def make_doc(doc_id, title="Sáng kiến", body="", summary="", authors=("Trần Thị Bình",), **extra):
    doc = {
        "id": doc_id,
        "title": title,
        "summary": summary,
        "authors": list(authors),
        "body": body,
        "year": 2021,
        "field": "hinh_su",
        "level": "grassroots",
        "unit": "VKSND quận Hải Châu",
        "published_at": datetime(2021, 1, 1 + doc_id % 28),
    }
    doc.update(extra)
    return doc


@pytest.fixture
def index(tmp_path):
    return SearchIndex(str(tmp_path / "index"))


def ids(result):
    return [hit.id for hit in result.hits]


# -- Vietnamese with and without diacritics --------------------------------------


@pytest.mark.parametrize(
    "query",
    ["sáng kiến", "sang kien", "SÁNG KIẾN", "Sang Kien", unicodedata.normalize("NFD", "sáng kiến")],
)
def test_queries_with_or_without_diacritics_find_the_same_document(index, query):
    index.upsert([make_doc(1, title="Sáng kiến về thống kê"), make_doc(2, title="Phần mềm quản lý")])
    assert ids(index.search(query)) == [1]


def test_d_with_stroke_folds_to_d(index):
    index.upsert([make_doc(1, title="Điều tra viên"), make_doc(2, title="Thi hành án")])
    assert ids(index.search("dieu tra")) == [1]
    assert ids(index.search("ĐIỀU TRA")) == [1]


def test_decomposed_documents_are_normalised(index):
    index.upsert([make_doc(1, title=unicodedata.normalize("NFD", "Kiểm sát điều tra"))])
    assert ids(index.search("kiểm sát")) == [1]
    assert ids(index.search("kiem sat")) == [1]


def test_exact_accented_match_ranks_above_folded_one(index):
    index.upsert(
        [
            make_doc(1, title="Tiền lương của người lao động"),
            make_doc(2, title="Chất lượng của người lao động"),
        ]
    )
    assert ids(index.search("lượng")) == [2, 1]
    assert ids(index.search("lương")) == [1, 2]
    assert sorted(ids(index.search("luong"))) == [1, 2]


def test_short_vietnamese_words_are_kept(index):
    index.upsert([make_doc(1, title="Án treo và cải tạo"), make_doc(2, title="Tạm giữ")])
    assert ids(index.search("án")) == [1]
    assert ids(index.search("và")) == [1]


# -- query semantics ------------------------------------------------------------


def test_words_are_and_ed_by_default(index):
    index.upsert(
        [
            make_doc(1, title="Kiểm sát điều tra án hình sự"),
            make_doc(2, title="Kiểm sát thi hành án dân sự"),
        ]
    )
    assert ids(index.search("kiểm sát hình sự")) == [1]
    assert sorted(ids(index.search("kiểm sát án"))) == [1, 2]


def test_quoted_phrase_needs_the_words_together(index):
    index.upsert(
        [
            make_doc(1, body="Kiểm sát viên trẻ được đào tạo."),
            make_doc(2, body="Viên chức được kiểm tra."),
            make_doc(3, body="Việc kiểm sát do viên chức thực hiện."),
        ]
    )
    assert sorted(ids(index.search("kiểm sát viên"))) == [1, 3]  # all words, anywhere
    assert ids(index.search('"kiểm sát viên"')) == [1]
    assert ids(index.search('"kiem sat vien"')) == [1]


def test_long_phrase_is_checked_against_the_text(index):
    # Doc 2 holds both word pairs of the phrase, but not the phrase.
    index.upsert(
        [
            make_doc(1, body="Điều tra viên lấy lời khai."),
            make_doc(2, body="Điều tra lại; tra viên bi trong máy."),
        ]
    )
    assert ids(index.search('"điều tra viên"')) == [1]


def test_phrase_counts_weigh_like_words(index):
    index.upsert(
        [
            make_doc(1, title="Khác", body="điều tra viên và điều tra viên"),
            make_doc(2, title="Điều tra viên", body="khác"),
            make_doc(3, title="Khác", body="điều tra viên, viên điều tra"),
        ]
    )
    result = index.search('"dieu tra vien"')
    assert ids(result) == [2, 1, 3]
    assert result.total == 3


def test_unterminated_quote_is_ignored(index):
    index.upsert([make_doc(1, title="Kiểm sát viên")])
    assert ids(index.search('"kiểm sát')) == [1]


def test_title_weighs_more_than_summary_and_authors_more_than_body(index):
    index.upsert(
        [
            make_doc(1, title="Khác", body="truy tố " * 3 + "và nhiều nội dung khác " * 10),
            make_doc(2, title="Khác", summary="Về truy tố nhanh", body="nội dung"),
            make_doc(3, title="Truy tố", body="nội dung"),
        ]
    )
    assert ids(index.search("truy tố")) == [3, 2, 1]
    index.upsert([make_doc(4, title="Khác", authors=["Lê Thị Truy"], body="x")])
    index.upsert([make_doc(5, title="Khác", body="truy " + "lời " * 3)])
    found = ids(index.search("truy"))
    assert found.index(4) < found.index(5)


# -- filters, facets, pagination -----------------------------------------------------


@pytest.fixture
def corpus_index(index):
    docs = []
    for i in range(1, 26):
        docs.append(
            make_doc(
                i,
                title=f"Sáng kiến số {i}",
                body="kiểm sát" if i % 2 else "điều tra",
                year=2020 + i % 3,
                field="hinh_su" if i % 5 else "dan_su",
                level="sector" if i % 4 == 0 else "grassroots",
                unit="VKSND quận Sơn Trà" if i <= 5 else "VKSND quận Hải Châu",
                published_at=datetime(2021, 1, 1, hour=0, minute=i),
            )
        )
    index.rebuild(docs)
    return index


def test_facets_count_the_whole_matching_set(corpus_index):
    result = corpus_index.search("kiểm sát")  # the 13 odd ids
    assert result.total == 13
    assert set(result.facets) == set(FACETS)
    assert sum(result.facets["year"].values()) == 13
    assert result.facets["year"] == {"2020": 4, "2021": 5, "2022": 4}
    assert result.facets["field"] == {"hinh_su": 10, "dan_su": 3}
    assert result.facets["unit"] == {"VKSND quận Sơn Trà": 3, "VKSND quận Hải Châu": 10}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": 2021}, {1, 7, 13, 19, 25}),
        ({"year": "2021"}, {1, 7, 13, 19, 25}),
        ({"field": "dan_su"}, {5, 15, 25}),
        ({"unit": "VKSND quận Sơn Trà"}, {1, 3, 5}),
        ({"unit": "VKSND quận Sơn"}, set()),
        ({"year": 2022, "field": "hinh_su", "level": "grassroots"}, {11, 17, 23}),
        ({"level": ""}, set(range(1, 26, 2))),
    ],
)
def test_filters_are_exact(corpus_index, filters, expected):
    result = corpus_index.search("kiem sat", filters=filters, per_page=50)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_empty_query_lists_everything_newest_first(corpus_index):
    result = corpus_index.search("", filters={"field": "dan_su"})
    assert ids(result) == [25, 20, 15, 10, 5]
    assert result.error is None
    assert corpus_index.search("   ").total == 25


def test_pagination(corpus_index):
    pages = [corpus_index.search("sáng kiến", page=p, per_page=10) for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [10, 10, 5, 0]
    assert all(p.total == 25 for p in pages)
    seen = [i for p in pages for i in ids(p)]
    assert sorted(seen) == list(range(1, 26))
    assert pages[1].page == 2 and pages[1].per_page == 10


def test_bad_paging_values_are_clamped(corpus_index):
    result = corpus_index.search("sáng kiến", page="x", per_page=100000)
    assert result.page == 1 and result.per_page == 100 and len(result.hits) == 25
    assert corpus_index.search("sáng kiến", page=-3, per_page=0).page == 1


# -- what the database says ------------------------------------------------------------


def test_allowed_ids_filters_hits_and_fills_the_page(corpus_index):
    asked = []

    def allowed(candidates):
        asked.append(list(candidates))
        return {i for i in candidates if i % 3}  # 3, 6, 9 ... are not published

    first = corpus_index.search("sáng kiến", per_page=5, allowed_ids=allowed)
    assert len(first.hits) == 5
    assert all(hit.id % 3 for hit in first.hits)
    assert asked
    everything = corpus_index.search("sáng kiến", per_page=100, allowed_ids=allowed)
    assert sorted(ids(everything)) == [i for i in range(1, 26) if i % 3]
    assert everything.total == 17
    assert sum(everything.facets["year"].values()) == 17
    assert everything.facets["year"] == {"2021": 9, "2022": 8}  # 2020 is i % 3 == 0


def test_allowed_ids_on_later_pages(corpus_index):
    def allowed(candidates):
        return {i for i in candidates if i > 20}

    result = corpus_index.search("sáng kiến", page=2, per_page=3, allowed_ids=allowed)
    assert len(result.hits) == 2
    assert all(hit.id > 20 for hit in result.hits)


# -- presentation -----------------------------------------------------------------------


def test_hits_are_highlighted_and_escaped(index):
    index.upsert(
        [
            make_doc(
                1,
                title="Sáng kiến <b>đặc biệt</b>",
                body="<script>alert('x')</script> Giải pháp sáng kiến & hiệu quả",
            )
        ]
    )
    hit = index.search("sang kien").hits[0]
    assert hit.title_html == "<mark>Sáng</mark> <mark>kiến</mark> &lt;b&gt;đặc biệt&lt;/b&gt;"
    assert "<mark>sáng</mark> <mark>kiến</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "&amp;" in hit.snippet_html


def test_script_in_query_is_harmless(index):
    index.upsert([make_doc(1, title="Script tự động", body="alert")])
    result = index.search("<script>alert(1)</script>")
    assert result.query == "<script>alert(1)</script>"
    for hit in result.hits:
        assert "<script" not in hit.title_html + hit.snippet_html


def test_snippet_shows_the_part_of_the_body_that_matches(index):
    body = " ".join(["nội dung"] * 100) + " truy tố bị can " + " ".join(["kết luận"] * 100)
    index.upsert([make_doc(1, title="Khác", summary="Tóm tắt", body=body)])
    snippet = index.search("bị can").hits[0].snippet_html
    assert "<mark>bị</mark> <mark>can</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 400


def test_a_typo_finds_the_word_and_suggests_its_accented_spelling(index):
    index.upsert([make_doc(1, title="Điều tra viên"), make_doc(2, title="Kiểm sát viên")])
    result = index.search("dieu trra")
    assert ids(result) == [1] and result.corrected
    assert (result.suggestion.q, result.suggestion.total) == ("điều tra", 1)
    assert index.search("điều trra").suggestion.q == "điều tra"
    assert index.search("kiểm soát").suggestion.q == "kiểm sát"
    assert index.search("điều tra").suggestion is None
    assert index.search("dieu tra").suggestion is None


@pytest.mark.parametrize(
    "query",
    [
        "((", "))", "AND OR", "NOT", '"', '""', '"""', "*:*", "*", "?", "title:", "title:(",
        "~~~", "^2", "\x00\x01\x1f", "\u200b", "<script>", "a" * 5000, "sáng " * 500,
        "🙂", "%", "\\", "'; DROP TABLE x; --", "[]{}", "-", "+sáng -kiến", "ǅ ĳ ﬁ",
        None, 42,
    ],
)
def test_junk_queries_never_raise(index, query):
    index.upsert([make_doc(1, title="Sáng kiến"), make_doc(2, title="Kiến nghị")])
    result = index.search(query)
    assert result.total >= 0
    assert all("<script" not in h.title_html + h.snippet_html for h in result.hits)


@pytest.mark.parametrize(
    "filters", [["year"], "x", {"year": "abc"}, {"year": None, "unit": "  "}, {"colour": "red"}]
)
def test_junk_filters_never_raise(index, filters):
    index.upsert([make_doc(1)])
    result = index.search("sáng kiến", filters=filters)
    assert result.total == (0 if filters == {"year": "abc"} else 1)


def test_deleted_documents_are_not_similar(index):
    text = "Sổ tay điện tử hỗ trợ kiểm sát viên khi xét hỏi tại phiên tòa hình sự"
    index.upsert([make_doc(1, body=text), make_doc(2, body=text)])
    index.delete([1])
    assert [i for i, _ in index.similar(text)] == [2]


def test_long_queries_are_truncated(index):
    index.upsert([make_doc(1, title="Sáng kiến")])
    result = index.search("sáng kiến " * 100)
    assert ids(result) == [1]
    assert result.error == "query_truncated"


def test_query_without_words_says_so(index):
    index.upsert([make_doc(1)])
    result = index.search("((*))")
    assert result.total == 0 and result.error == "no_terms"


def test_empty_index(index):
    assert index.doc_count() == 0
    assert index.all_ids() == set()
    assert index.search("sáng kiến").total == 0
    assert index.search("").total == 0
    assert index.similar("sáng kiến điều tra") == []


# -- writing ------------------------------------------------------------------------------


def test_upsert_replaces_and_delete_removes(index):
    index.upsert([make_doc(1, title="Điều tra"), make_doc(2, title="Truy tố")])
    index.upsert([make_doc(1, title="Xét xử")])
    assert index.doc_count() == 2
    assert ids(index.search("điều tra")) == []
    assert ids(index.search("xét xử")) == [1]
    index.delete([2])
    assert index.all_ids() == {1}
    assert ids(index.search("truy tố")) == []


def test_apply_writes_and_deletes_in_one_commit(index):
    index.upsert([make_doc(1), make_doc(2), make_doc(3)])
    index.apply([make_doc(4), make_doc(3, title="Mới")], [1, 4])
    assert index.all_ids() == {2, 3}


def test_rebuild_replaces_everything(index):
    index.upsert([make_doc(i) for i in range(1, 6)])
    assert index.rebuild(make_doc(i, title="Thi hành án") for i in range(10, 13)) == 3
    assert index.all_ids() == {10, 11, 12}
    assert index.search("thi hanh an").total == 3
    assert index.search("sáng kiến").total == 0


def test_many_small_commits_stay_searchable(index):
    for i in range(1, 31):
        index.upsert([make_doc(i, title=f"Sáng kiến {i}")])
    index.upsert([make_doc(5, title="Đã sửa")])
    assert index.doc_count() == 30
    assert index.search("sáng kiến").total == 29
    assert ids(index.search("đã sửa")) == [5]


def test_two_instances_on_one_directory(tmp_path):
    path = str(tmp_path / "shared")
    first, second = SearchIndex(path), SearchIndex(path)
    assert second.search("sáng kiến").total == 0
    first.upsert([make_doc(1)])
    assert ids(second.search("sáng kiến")) == [1]
    second.delete([1])
    assert first.search("sáng kiến").total == 0
    assert first.doc_count() == 0


def test_a_generation_merged_away_before_its_segments_load_is_read_again(tmp_path):
    # Another process commits between this reader taking the table of contents
    # and loading a segment's columns, and its merge removes that segment's files
    # (the multi-process search test met it as ``int('')`` on a missing pk column).
    path = str(tmp_path / "shared")
    reader, writer = SearchIndex(path), SearchIndex(path)
    writer.upsert([make_doc(1, title="Sáng kiến tạm giam")])
    segments = reader._store.segments

    def segments_then_merge():
        found = segments()
        if found and not merged:
            merged.append(True)
            for n in range(2, 2 + 8):  # eight small segments: the merge rewrites the first
                writer.upsert([make_doc(n, title=f"Sáng kiến tạm giam {n}")])
        return found

    merged = []
    reader._store.segments = segments_then_merge
    assert reader.search("tạm giam").total == 9
    assert merged


def test_busy_writer_lock_raises_after_the_timeout(tmp_path):
    path = str(tmp_path / "locked")
    holder = SearchIndex(path)
    writer = holder._store._writer()  # another process in the middle of a commit
    try:
        with pytest.raises(IndexBusyError):
            SearchIndex(path, writer_timeout=0.05).upsert([make_doc(1)])
    finally:
        writer.cancel()
    holder.upsert([make_doc(1)])
    assert holder.doc_count() == 1


# -- more like this -------------------------------------------------------------------------


def test_similar_finds_near_duplicates(index):
    original = (
        "Xây dựng phần mềm theo dõi thời hạn tạm giam, tự động cảnh báo kiểm sát viên "
        "khi sắp hết thời hạn tạm giam để kịp thời kiểm sát việc gia hạn."
    )
    index.upsert(
        [
            make_doc(1, title="Phần mềm theo dõi thời hạn tạm giam", body=original),
            make_doc(2, title="Biểu mẫu thống nhất cho thi hành án dân sự", body="Kê biên tài sản."),
            make_doc(3, title="Cảnh báo thời hạn", body="Sổ theo dõi thời hạn điều tra."),
        ]
    )
    found = index.similar("Phần mềm theo dõi thời hạn tạm giam. " + original)
    assert found[0][0] == 1
    assert 0 < found[-1][1] <= found[0][1] <= 1
    assert all(doc_id != 2 for doc_id, _ in found)
    assert [i for i, _ in index.similar(original, exclude_ids=[1])] == [3]
    assert len(index.similar(original, limit=1)) == 1
    assert index.similar("") == []
