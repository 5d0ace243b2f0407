"""GET /api/v1/public/initiatives[/{id}]: shape, search, filters, pages, caching."""
import pytest

from portal.extensions import db
from portal.initiatives.workflow import Level

ITEM_KEYS = {"id", "title", "year", "field", "level", "unit", "authors", "summary",
             "published_at", "url"}


@pytest.fixture
def articles(published, make_user):
    author = make_user(full_name="Nguyễn Thị Mai")
    return [
        published("Kiểm sát điều tra án ma túy", field=("criminal", "Hình sự"), year=2024,
                  author=author, summary="Tóm tắt **án ma túy**."),
        published("Hòa giải vụ việc dân sự", field=("civil", "Dân sự"), year=2023,
                  level=Level.sector, solution="Kiểm sát hòa giải."),
        published("Điều tra viên và kiểm sát viên phối hợp", field=("criminal", "Hình sự"),
                  year=2024, solution="Phối hợp kiểm sát điều tra."),
    ]


def test_list_shape_and_facets(client, articles):
    body = client.get("/api/v1/public/initiatives").json
    assert set(body) == {"items", "total", "page", "per_page", "facets", "suggestion"}
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 20
    item = next(i for i in body["items"] if i["title"] == "Kiểm sát điều tra án ma túy")
    assert ITEM_KEYS <= set(item)
    assert item["authors"] == ["Nguyễn Thị Mai"] and item["year"] == 2024
    assert item["field"] == "criminal" and item["level"] == "grassroots"
    assert item["summary"] == "Tóm tắt án ma túy."
    assert item["url"].startswith("http") and "/initiatives/" in item["url"]
    assert item["published_at"].endswith("Z")
    assert body["facets"]["year"] == {"2024": 2, "2023": 1}
    assert body["facets"]["field"] == {"criminal": 2, "civil": 1}
    assert body["facets"]["level"] == {"grassroots": 2, "sector": 1}
    assert sum(body["facets"]["unit"].values()) == 3


def test_search_best_match_first_and_filters(client, articles):
    body = client.get("/api/v1/public/initiatives?q=dieu+tra").json
    titles = [i["title"] for i in body["items"]]
    assert body["total"] == 2 and set(titles) == {"Kiểm sát điều tra án ma túy",
                                                   "Điều tra viên và kiểm sát viên phối hợp"}
    assert body["facets"]["year"] == {"2024": 2}
    body = client.get("/api/v1/public/initiatives?q=kiem+sat&year=2023").json
    assert [i["title"] for i in body["items"]] == ["Hòa giải vụ việc dân sự"]
    body = client.get("/api/v1/public/initiatives?field=criminal&level=grassroots").json
    assert body["total"] == 2


def test_pages(client, articles):
    body = client.get("/api/v1/public/initiatives?per_page=2&page=2").json
    assert len(body["items"]) == 1 and body["total"] == 3 and body["page"] == 2
    body = client.get("/api/v1/public/initiatives?per_page=2&page=9").json
    assert body["items"] == [] and body["total"] == 3


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=0", "per_page=101",
                                   "per_page=-1", "year=20x4", "level=city", "unit=abc"])
def test_bad_parameters_are_422(client, articles, query):
    response = client.get(f"/api/v1/public/initiatives?{query}")
    assert response.status_code == 422
    assert set(response.json["error"]) >= {"code", "message"}


def test_one_article_with_content(client, articles):
    initiative, _ = articles[1]
    body = client.get(f"/api/v1/public/initiatives/{initiative.id}").json
    assert ITEM_KEYS | {"content_html", "decision_no", "decision_date"} <= set(body)
    assert body["decision_no"] == initiative.decision_no
    assert body["decision_date"] == "2025-12-01"
    assert "<h2>Nội dung giải pháp</h2>" in body["content_html"]
    assert "Kiểm sát hòa giải." in body["content_html"]


def test_unknown_or_unpublished_is_404(client, articles, unpublish, make_recognized):
    initiative, _ = articles[0]
    unpublish(initiative)
    for target in (initiative.id, make_recognized().id, 99999):
        response = client.get(f"/api/v1/public/initiatives/{target}")
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_etag_and_last_modified_give_304(client, articles):
    initiative, _ = articles[0]
    for url in ("/api/v1/public/initiatives", f"/api/v1/public/initiatives/{initiative.id}",
                "/api/v1/public/initiatives?q=kiem+sat"):
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_change_changes_the_etag(client, articles):
    initiative, _ = articles[0]
    url = f"/api/v1/public/initiatives/{initiative.id}"
    etag = client.get(url).headers["ETag"]
    initiative.summary = "Tóm tắt mới."
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_described_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/public/initiatives" in paths and "/public/initiatives/{id}" in paths
    assert paths["/public/initiatives"]["get"]["security"] == []
    assert "/initiatives/{id}/publish" in paths and "/initiatives/{id}/unpublish" in paths
