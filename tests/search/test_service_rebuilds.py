"""When the service rebuilds an index (only when its files are unreadable), and how (aside)."""
import logging

import pytest

from portal.search import directories, service
from portal.search.matching import Matching


@pytest.fixture
def app_config():
    # As in production: an unexpected exception is a logged 500 page, not re-raised.
    return {"PROPAGATE_EXCEPTIONS": False}


def _built_at():
    return service.read_state(service.PUBLIC)["built_at"]


def test_a_code_error_is_a_logged_500_not_a_rebuild(client, published, monkeypatch, caplog):
    published("Kiểm sát điều tra")
    assert client.get("/search?q=kiem+sat").status_code == 200
    built = _built_at()

    def bug(self, *args, **kwargs):
        raise TypeError("a bug in ranking")

    monkeypatch.setattr(Matching, "_rank", bug)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            assert client.get("/search?q=dieu+tra").status_code == 500
    assert "a bug in ranking" in caplog.text
    assert _built_at() == built  # three errors, no rebuild


def test_unreadable_files_are_rebuilt_once(client, published):
    published("Kiểm sát điều tra")
    assert client.get("/search?q=kiem+sat").status_code == 200
    built = _built_at()
    service.forget_indexes()
    live = directories.live_path(service.PUBLIC)
    for path in live.iterdir():
        if path.suffix in (".trm", ".pst", ".seg", ".toc"):
            path.write_bytes(b"\x00garbage")
    page = client.get("/search?q=kiem+sat").get_data(as_text=True)
    assert "Tìm thấy 1 sáng kiến" in page
    assert _built_at() > built


def test_a_rebuild_is_built_aside_while_the_old_index_answers(client, published, make_recognized,
                                                             publish):
    published("Kiểm sát điều tra")
    assert "Tìm thấy 1 sáng kiến" in client.get("/search?q=kiem+sat").get_data(as_text=True)
    old = directories.live_path(service.PUBLIC)
    with directories.index_lock(service.PUBLIC, 5):
        name, ix = directories.new_build(service.PUBLIC)
        ix.rebuild([])  # the new build, still empty, is not answering yet
        page = client.get("/search?q=kiem+sat").get_data(as_text=True)
        assert "Tìm thấy 1 sáng kiến" in page
        ix.close()
    assert directories.live_path(service.PUBLIC) == old
    assert service.reindex(service.PUBLIC) == 1
    new = directories.live_path(service.PUBLIC)
    assert new != old and not old.exists() and not (old.parent / name).exists()
    assert "Tìm thấy 1 sáng kiến" in client.get("/search?q=kiem+sat").get_data(as_text=True)


def test_searches_during_a_reindex_answer_from_the_old_index(client, published, monkeypatch):
    published("Kiểm sát điều tra")
    assert "Tìm thấy 1 sáng kiến" in client.get("/search?q=kiem+sat").get_data(as_text=True)
    old = directories.live_path(service.PUBLIC)
    read_from_database = service.documents
    pages = []

    def searched_while_read(index_name, ids=None):
        for doc in read_from_database(index_name, ids):
            pages.append(client.get("/search?q=kiem+sat").get_data(as_text=True))
            yield doc
        pages.append(client.get("/search?q=kiem+sat").get_data(as_text=True))

    monkeypatch.setattr(service, "documents", searched_while_read)
    assert service.reindex(service.PUBLIC) == 1
    assert len(pages) == 2 and all("Tìm thấy 1 sáng kiến" in page for page in pages)
    assert directories.live_path(service.PUBLIC) != old and not old.exists()


def test_the_suggest_endpoint_offers_phrases_and_titles_of_live_articles(client, published, unpublish):
    first, _ = published("Sổ tay kiểm sát điều tra vụ án ma túy")
    published("Kiểm sát điều tra án tham nhũng")
    hidden, _ = published("Kiểm sát điều tra án kinh tế")
    unpublish(hidden)
    body = client.get("/search/suggest?q=kiem sat dieu").get_json()
    assert body["q"] == "kiem sat dieu"
    phrases = [i["label"] for i in body["items"] if i["kind"] == "phrase"]
    titles = [i["label"] for i in body["items"] if i["kind"] == "title"]
    assert "kiểm sát điều tra" in phrases
    assert first.title in titles and hidden.title not in titles
    article = next(i for i in body["items"] if i["label"] == first.title)
    assert client.get(article["url"]).status_code == 200
    assert client.get("/search/suggest?q=kiem").get_json()["items"] == []  # one syllable: nothing yet
    assert client.get("/search/suggest?q=" + "x" * 5000).status_code == 200
