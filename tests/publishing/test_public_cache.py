"""Public pages that browsers, nginx and the portal can keep (issue 15): ETags, 304, no cookie,
and a publish that makes every cached page fresh at once on another worker process too."""
import pytest

from portal import create_app
from portal.extensions import db

PAGES = ["/", "/initiatives", "/initiatives?sort=title&page=1", "{article}", "{article}/print", "/feed.atom",
         "/sitemap.xml"]


@pytest.fixture
def article(make_recognized, publish):
    initiative = make_recognized("Số hóa hồ sơ kiểm sát án hình sự")
    publication = publish(initiative)
    return f"/initiatives/{initiative.id}-{publication.slug}"


def _urls(article):
    return [page.format(article=article) for page in PAGES]


def test_every_public_page_answers_304_to_its_etag(client, article):
    for url in _urls(article):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers["ETag"], url
        assert first.headers["Cache-Control"].startswith("public, max-age="), url
        assert "stale-while-revalidate=" in first.headers["Cache-Control"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b"", url


def test_an_anonymous_answer_sets_no_cookie_and_does_not_vary_on_one(client, article):
    for url in [*_urls(article), "/initiatives?lang=en"]:
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert "cookie" not in response.headers.get("Vary", "").lower(), url


def test_a_signed_in_reader_is_never_served_the_shared_page(client, article, make_user):
    client.get("/")  # fills the cache anonymously
    client.login(make_user("ksv.doc", full_name="Người Đọc Có Tài Khoản"))
    page = client.get("/")
    assert "Người Đọc Có Tài Khoản" in page.get_data(as_text=True)
    assert "public" not in page.headers.get("Cache-Control", "")


def test_the_same_page_in_english_is_another_entry(client, article):
    vietnamese = client.get("/initiatives")
    english = client.get("/initiatives?lang=en")
    assert vietnamese.headers["ETag"] != english.headers["ETag"]
    assert "Initiatives" in english.get_data(as_text=True) or "initiatives" in english.get_data(as_text=True)


def test_a_publish_makes_every_cached_page_fresh_on_another_worker(app, client, article, make_recognized, publish):
    # A second worker process: its own app and its own in-process cache, the same database.
    other = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "PASSWORD_HASH_METHOD")})
    worker = other.test_client()
    with other.app_context():
        before = {url: worker.get(url) for url in _urls(article)}
        db.session.remove()
    assert all(r.status_code == 200 for r in before.values())

    new = make_recognized("Phần mềm nhắc hạn tạm giam mới công bố")
    publication = publish(new)
    # Read here: this test's objects loaded inside the other app's context would take a
    # connection of that app's engine into this app's session (Flask-SQLAlchemy binds by current_app).
    slug, title = publication.slug, new.title

    with other.app_context():
        for url in ["/", "/initiatives", "/feed.atom", "/sitemap.xml"]:
            fresh = worker.get(url, headers={"If-None-Match": before[url].headers["ETag"]})
            assert fresh.status_code == 200, url
            assert slug in fresh.get_data(as_text=True) or title in fresh.get_data(as_text=True), url
        for url in (article, article + "/print"):  # the article's related list may now name the new one
            assert worker.get(url, headers={"If-None-Match": before[url].headers["ETag"]}).status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_an_unpublished_article_is_gone_from_the_cache_at_once(client, article, make_recognized, unpublish):
    from portal.initiatives.models import Initiative

    assert client.get(article).status_code == 200
    initiative_id = int(article.split("/")[2].split("-")[0])
    unpublish(db.session.get(Initiative, initiative_id))
    assert client.get(article).status_code == 404
    assert article not in client.get("/sitemap.xml").get_data(as_text=True)
