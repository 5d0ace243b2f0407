"""Pure rules of an application: shares, completeness, Markdown sections, diffs, file kinds."""
import io

import pytest

from portal.initiatives import rules, sniffing
from tests.initiatives import helpers

# The filing rules never open the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("authors, message", [
    ([], "ít nhất một tác giả"),
    ([{"username": "a", "share": 50}, {"username": "b", "share": 49}], "hiện là 99%"),
    ([{"username": "a", "share": 0}, {"username": "b", "share": 100}], "từ 1 đến 100"),
    ([{"username": "a", "share": 100.0}], "số nguyên"),
    ([{"username": "a", "share": True}], "số nguyên"),
    ([{"username": "a", "share": 50}, {"username": "A", "share": 50}], "hai lần"),
    ([{"username": "a", "share": 50}, {"name": "Bình", "share": 50}], "nơi công tác"),
    ([{"username": "a", "share": 50}, {"share": 50}], "Tác giả thứ 2"),
    ([{"username": f"u{n}", "share": 9} for n in range(11)], "tối đa 10 tác giả"),
])
def test_author_errors(authors, message):
    assert any(message in problem for problem in rules.author_errors(authors))


def test_valid_authors_have_no_errors():
    assert rules.author_errors([{"username": "a", "share": "60"},
                                {"name": "Bình", "workplace": "Công an", "share": 40}]) == []


def test_missing_items_lists_everything_in_order():
    missing = rules.missing_items({"title": "Tên", "authors": [{"share": 100}]})
    assert missing[0] == "Chưa chọn lĩnh vực."
    assert len(missing) == len(rules.REQUIRED_FOR_SUBMISSION) - 1
    assert rules.missing_items({"title": " ", "authors": []})[-1] == "Chưa có tác giả."


def test_content_splits_by_headings_and_joins_back():
    values = {"current_state": "Cũ.", "solution": "Mới.", "conditions": "Máy tính.", "benefits": "Nhanh hơn."}
    joined = rules.join_content(values)
    assert rules.split_content(joined) == values
    assert rules.split_content("Chỉ một đoạn.") == {"solution": "Chỉ một đoạn."}
    assert rules.split_content("") == {}
    parts = rules.split_content("Mở đầu.\n\n## Hiệu quả\n\nTốt.\n\n### Chi tiết khác\n\nThêm.")
    assert parts == {"solution": "Mở đầu.", "benefits": "Tốt.\n\n### Chi tiết khác\n\nThêm."}


def test_diff_shows_changed_lines_and_short_fields():
    old = {"title": "Cũ", "benefits": "Dòng 1\nDòng 2\nDòng 3\nDòng 4", "authors": [{"name": "A", "share": 100}]}
    new = {"title": "Mới", "benefits": "Dòng 1\nDòng 2\nDòng 3 đã sửa\nDòng 4",
           "authors": [{"name": "A", "share": 60}, {"name": "B", "workplace": "VKS", "share": 40}]}
    changes = {c["key"]: c for c in rules.diff_snapshots(old, new)}
    assert set(changes) == {"title", "benefits", "authors"}
    assert (changes["title"]["old"], changes["title"]["new"]) == ("Cũ", "Mới")
    assert changes["benefits"]["lines"] == [("same", "Dòng 2"), ("del", "Dòng 3"), ("add", "Dòng 3 đã sửa"),
                                            ("same", "Dòng 4")]
    assert ("add", "B (VKS): 40%") in changes["authors"]["lines"]
    assert rules.diff_snapshots(old, old) == []


@pytest.mark.parametrize("maker, code", [
    (helpers.pdf_bytes, "pdf"), (helpers.png_bytes, "png"), (helpers.jpeg_bytes, "jpeg"),
    (helpers.docx_bytes, "docx"), (helpers.xlsx_bytes, "xlsx"), (helpers.odt_bytes, "odt"),
])
def test_sniffing_recognises_allowed_kinds(maker, code):
    assert sniffing.sniff(io.BytesIO(maker())).code == code


@pytest.mark.parametrize("data", [
    helpers.exe_bytes(), b"#!/bin/sh\nrm -rf /", b"GIF89a", b"PK\x03\x04 broken zip",
    helpers.zip_bytes({"word/document.xml": "x"}),  # no [Content_Types].xml
    helpers.zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text"}),  # compressed, not stored
    b"",
])
def test_sniffing_refuses_everything_else(data):
    assert sniffing.sniff(io.BytesIO(data)) is None
