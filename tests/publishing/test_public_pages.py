"""The public website: no account, articles only for what is published."""
import re
import xml.etree.ElementTree as ET

import pytest
from lxml import html as lxml_html

from portal.extensions import db
from portal.initiatives.models import Attachment
from portal.initiatives.workflow import Level
from portal.publishing.models import Publication

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _url(initiative, publication):
    return f"/initiatives/{initiative.id}-{publication.slug}"


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "recognized", "rejected"])
def test_anything_not_published_is_404_for_everybody(client, make_initiative, make_user, editor, status):
    author = make_user()
    initiative = make_initiative([author], status=status)
    for who in (None, author, editor):
        if who:
            client.login(who)
        for url in (f"/initiatives/{initiative.id}", f"/initiatives/{initiative.id}-sang-kien",
                    f"/initiatives/{initiative.id}-sang-kien/print",
                    f"/api/v1/public/initiatives/{initiative.id}"):
            assert client.get(url).status_code == 404, (url, who)
    assert client.get("/initiatives/999999").status_code == 404


def test_unpublished_article_is_gone_everywhere(client, published, unpublish):
    initiative, publication = published("Kiểm sát hồ sơ điện tử ở quận Hải Châu")
    unpublish(initiative)
    assert client.get(_url(initiative, publication)).status_code == 404
    assert "Hải Châu" not in client.get("/initiatives").get_data(as_text=True)
    assert "Hải Châu" not in client.get("/feed.atom").get_data(as_text=True)
    assert f"/initiatives/{initiative.id}-" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert client.get("/api/v1/public/initiatives").json["total"] == 0


def test_an_initiative_that_left_recognized_is_not_public(client, published):
    initiative, publication = published("Sáng kiến bị hủy công nhận")
    initiative.status = "rejected"
    db.session.commit()
    assert client.get(_url(initiative, publication)).status_code == 404
    assert "bị hủy công nhận" not in client.get("/initiatives").get_data(as_text=True)
    assert client.get("/api/v1/public/initiatives").json["total"] == 0


def test_council_changes_to_level_and_year_reach_the_lists(client, published):
    initiative, _ = published("Sáng kiến được nâng cấp", level=Level.grassroots, year=2024)
    initiative.level = Level.sector  # recognised by the Supreme People's Procuracy
    initiative.year = 2025
    db.session.commit()
    assert "nâng cấp" in client.get("/initiatives?level=sector&year=2025").get_data(as_text=True)
    assert "nâng cấp" not in client.get("/initiatives?level=grassroots").get_data(as_text=True)


def test_short_url_and_old_slugs_redirect_permanently(client, published):
    initiative, publication = published("Sáng kiến về hồ sơ điện tử")
    old = _url(initiative, publication)
    response = client.get(f"/initiatives/{initiative.id}")
    assert response.status_code == 301 and response.headers["Location"].endswith(old)
    initiative.title = "Số hóa hồ sơ vụ án hình sự"
    db.session.commit()
    db.session.expire_all()
    new_slug = db.session.get(Publication, publication.id).slug
    assert new_slug == "so-hoa-ho-so-vu-an-hinh-su"
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}-{new_slug}")
    assert client.get(f"/initiatives/{initiative.id}-{new_slug}").status_code == 200
    assert client.get(f"/initiatives/{initiative.id}-not-a-slug").status_code == 404


def test_article_shows_everything_a_reader_needs(client, published, make_user, make_unit):
    unit = make_unit("VKSND quận Sơn Trà")
    author = make_user(full_name="Trần Quang Dũng", unit=unit)
    initiative, publication = published(
        "Quy trình kiểm sát tin báo tố giác tội phạm", author=author,
        field=("criminal", "Hình sự"), level=Level.sector, year=2024,
        summary="Giải pháp giúp **rút ngắn** thời gian.",
        solution="## Bước một\n\nLập sổ theo dõi *điện tử*.",
        benefits="Giảm 30% tin báo quá hạn.")
    public = Attachment(initiative_id=initiative.id, original_name="quy-trinh.pdf",
                        stored_name="abc.pdf", content_type="application/pdf", size=4096, is_public=True)
    private = Attachment(initiative_id=initiative.id, original_name="bien-ban-noi-bo.pdf",
                         stored_name="def.pdf", content_type="application/pdf", size=4096)
    db.session.add_all([public, private])
    db.session.commit()
    page = client.get(_url(initiative, publication)).get_data(as_text=True)
    for text in ("Quy trình kiểm sát tin báo tố giác tội phạm", "Trần Quang Dũng",
                 "VKSND quận Sơn Trà", "Hình sự", "2024", "Cấp Ngành", initiative.decision_no,
                 "01/12/2025", "<strong>rút ngắn</strong>", "<em>điện tử</em>", "Bước một",
                 "Giảm 30% tin báo quá hạn", "quy-trinh.pdf"):
        assert text in page, text
    assert "bien-ban-noi-bo.pdf" not in page
    assert 'class="badge level-sector"' in page


def test_content_and_title_cannot_inject_script(client, published):
    initiative, publication = published(
        'Tiêu đề <script>alert("t")</script>',
        summary='<img src=x onerror="alert(1)"> tóm tắt',
        solution='<script>alert("x")</script>\n\n[bấm](javascript:alert(2))\n\n<iframe src="//evil"></iframe>')
    page = client.get(_url(initiative, publication)).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "onerror" not in page.split("<body", 1)[1].replace("&#34;", "")
    assert "javascript:alert" not in page
    assert "<iframe" not in page
    assert "&lt;script&gt;" in page  # the title is shown as text


def test_public_attachment_downloads_and_private_ones_do_not(app, client, published, unpublish):
    initiative, publication = published()
    folder = app.config["UPLOAD_FOLDER"]
    with open(f"{folder}/pub.pdf", "wb") as f:
        f.write(b"%PDF-1.4 public")
    with open(f"{folder}/priv.pdf", "wb") as f:
        f.write(b"%PDF-1.4 private")
    public = Attachment(initiative_id=initiative.id, original_name="Quy trình.pdf",
                        stored_name="pub.pdf", content_type="application/pdf", size=15, is_public=True)
    private = Attachment(initiative_id=initiative.id, original_name="noi-bo.pdf",
                         stored_name="priv.pdf", content_type="application/pdf", size=16)
    db.session.add_all([public, private])
    db.session.commit()
    response = client.get(f"/initiatives/{initiative.id}/files/{public.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 public"
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert client.get(f"/initiatives/{initiative.id}/files/{private.id}").status_code == 404
    assert client.get(f"/initiatives/{initiative.id + 1}/files/{public.id}").status_code == 404
    unpublish(initiative)
    assert client.get(f"/initiatives/{initiative.id}/files/{public.id}").status_code == 404


def test_views_are_counted_and_feed_most_read(client, published):
    first, pub1 = published("Sáng kiến ít người đọc")
    second, pub2 = published("Sáng kiến nhiều người đọc")
    from portal.publishing import views

    for _ in range(3):
        client.get(_url(second, pub2))
    client.get(_url(first, pub1), headers={"If-None-Match": "anything"})
    db.session.expire_all()
    assert db.session.get(Publication, pub2.id).view_count == 0  # a reader's visit is not a write
    assert views.flush(force=True) == 4                          # the batch, once per 10 s per worker
    db.session.expire_all()
    assert db.session.get(Publication, pub2.id).view_count == 3
    home = client.get("/").get_data(as_text=True)
    popular = home.split("Đọc nhiều nhất")[1]
    assert popular.index("nhiều người đọc") < popular.index("ít người đọc")


def test_article_lists_five_related_by_content(client, published):
    base, pub = published("Kiểm sát việc tạm giữ, tạm giam tại nhà tạm giữ công an quận",
                          solution="Kiểm sát tạm giữ tạm giam thường xuyên.")
    for n in range(6):
        published(f"Kiểm sát tạm giữ tạm giam tại nhà tạm giữ số {n}",
                  solution="Kiểm sát tạm giữ tạm giam định kỳ hằng tháng.")
    published("Số hóa văn bản hành chính", solution="Văn thư lưu trữ điện tử.")
    page = client.get(_url(base, pub)).get_data(as_text=True)
    related = page.split("Sáng kiến liên quan")[1]
    assert related.count("<li>") == 5
    assert "Số hóa văn bản hành chính" not in related
    assert base.title not in related


def test_opengraph_and_canonical(client, published):
    initiative, publication = published("Ứng dụng công nghệ trong thống kê tội phạm",
                                        summary="Tóm tắt *ngắn* cho mạng xã hội.")
    doc = lxml_html.fromstring(client.get(_url(initiative, publication)).data)
    og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert og["og:title"] == "Ứng dụng công nghệ trong thống kê tội phạm"
    assert og["og:type"] == "article"
    assert og["og:description"] == "Tóm tắt ngắn cho mạng xã hội."
    assert og["og:url"].endswith(_url(initiative, publication)) and og["og:url"].startswith("http")
    assert "article:published_time" in og
    assert doc.xpath("//link[@rel='canonical']/@href")[0] == og["og:url"]


def test_print_variant(client, published):
    initiative, publication = published("Sáng kiến để in", solution="Nội dung **in**.")
    page = client.get(_url(initiative, publication) + "/print").get_data(as_text=True)
    assert "Sáng kiến để in" in page and "<strong>in</strong>" in page
    assert 'class="site-header"' not in page
    assert client.get(f"/initiatives/{initiative.id}-cu/print").status_code == 301


def test_feed_is_valid_atom_for_all_and_per_field(client, published):
    it, _ = published("Phần mềm quản lý án", field=("it", "Công nghệ thông tin"))
    crim, _ = published("Kiểm sát điều tra án ma túy", field=("criminal", "Hình sự"))
    root = ET.fromstring(client.get("/feed.atom").data)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert set(titles) == {"Phần mềm quản lý án", "Kiểm sát điều tra án ma túy"}
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        assert entry.findtext(f"{ATOM}updated").endswith("Z")
    response = client.get("/fields/it/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == ["Phần mềm quản lý án"]
    redirect = client.get("/feed.atom?field=it")
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith("/fields/it/feed.atom")
    assert client.get("/fields/unknown/feed.atom").status_code == 404


def test_sitemap_lists_every_article(client, published):
    a, pa = published("Bài một")
    b, pb = published("Bài hai")
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert any(loc.endswith(_url(a, pa)) for loc in locs)
    assert any(loc.endswith(_url(b, pb)) for loc in locs)
    assert all(re.match(r"\d{4}-\d\d-\d\d$", u.findtext(f"{SITEMAP}lastmod"))
               for u in root.findall(f"{SITEMAP}url") if u.find(f"{SITEMAP}lastmod") is not None)


@pytest.mark.parametrize("app_config", [{"SITEMAP_PAGE_SIZE": 2}])
def test_sitemap_beyond_one_page_is_an_index_of_pages_of_at_most_the_page_size(client, published):
    articles = [_url(*published(f"Bài số {n}")) for n in range(5)]
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert root.tag == f"{SITEMAP}sitemapindex"
    pages = [s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")]
    assert [loc.rsplit("/", 1)[1] for loc in pages] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    listed = []
    for loc in pages:
        response = client.get("/" + loc.rsplit("/", 1)[1])
        assert response.status_code == 200 and response.headers["ETag"]
        page = ET.fromstring(response.data)
        urls = [u.findtext(f"{SITEMAP}loc") for u in page.findall(f"{SITEMAP}url")]
        articles_here = [u for u in urls if "/initiatives/" in u]
        assert len(articles_here) <= 2
        listed += articles_here
    assert sorted(u.split("/initiatives/", 1)[1] for u in listed) == sorted(
        a.split("/initiatives/", 1)[1] for a in articles)
    assert client.get("/sitemap-4.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_list_filters_and_sorting(client, published, make_unit, make_user):
    district = make_unit("VKSND huyện Hòa Vang")
    published("Án hình sự 2023", field=("criminal", "Hình sự"), year=2023)
    published("Án dân sự 2024", field=("civil", "Dân sự"), year=2024, level=Level.sector)
    published("Án dân sự Hòa Vang", field=("civil", "Dân sự"), year=2024,
              author=make_user(unit=district))
    page = client.get("/initiatives?field=civil").get_data(as_text=True)
    assert "Án dân sự 2024" in page and "Án dân sự Hòa Vang" in page and "Án hình sự 2023" not in page
    page = client.get("/initiatives?year=2023").get_data(as_text=True)
    assert "Án hình sự 2023" in page and "Án dân sự 2024" not in page
    page = client.get("/initiatives?level=sector").get_data(as_text=True)
    assert "Án dân sự 2024" in page and "Án dân sự Hòa Vang" not in page
    page = client.get(f"/initiatives?unit={district.id}").get_data(as_text=True)
    assert "Án dân sự Hòa Vang" in page and "Án dân sự 2024" not in page
    page = client.get("/initiatives?sort=title").get_data(as_text=True)
    assert page.index("Án dân sự 2024") < page.index("Án hình sự 2023")
    # Junk in the query string is ignored, never an error.
    assert client.get("/initiatives?year=abc&level=zzz&unit=x&page=-4&sort=evil").status_code == 200


def test_list_pagination(client, published):
    for n in range(14):
        published(f"Sáng kiến số {n:02d}")
    first = client.get("/initiatives").get_data(as_text=True)
    second = client.get("/initiatives?page=2").get_data(as_text=True)
    assert first.count('class="pub-card"') == 12 and second.count('class="pub-card"') == 2
    assert client.get("/initiatives?page=99").status_code == 200


def test_home_counts_by_year_and_field(client, published):
    published("A", field=("criminal", "Hình sự"), year=2023)
    published("B", field=("criminal", "Hình sự"), year=2024)
    published("C", field=("civil", "Dân sự"), year=2024)
    doc = lxml_html.fromstring(client.get("/").data)
    assert doc.xpath("//*[@data-testid='published-total']/text()") == ["3"]
    fields = {a.text: a.getparent().xpath("span[@class='count']/text()")[0]
              for a in doc.xpath("//section[@aria-labelledby='fields-heading']//li/a")}
    assert fields == {"Hình sự": "2", "Dân sự": "1"}
    assert doc.xpath("//form[@role='search']/@action") == ["/search"]


@pytest.mark.redis
def test_with_redis_a_view_reaches_the_database_through_the_worker(app, client, published):
    import uuid

    from portal.core import jobs
    from portal.publishing import views
    from tests.core.test_jobs import REDIS_URL, redis_or_skip

    redis = redis_or_skip()
    key = f"portal-views-test-{uuid.uuid4().hex[:8]}"
    app.config.update(PUBLIC_VIEWS_URL=REDIS_URL, PUBLIC_VIEWS_KEY=key, QUEUE_IMMEDIATE=True)
    app.extensions.pop("portal_article_views_redis", None)
    try:
        initiative, publication = published("Sáng kiến đọc qua Redis")
        for _ in range(3):
            assert client.get(_url(initiative, publication)).status_code == 200
        assert views.flush(force=True) == 0           # nothing waits in this process
        assert redis.hget(key, str(initiative.id)) == b"3"
        db.session.expire_all()
        assert db.session.get(Publication, publication.id).view_count == 0  # a reading is not a write
        jobs.run("flush_views", app)                    # the worker's task
        db.session.expire_all()
        assert db.session.get(Publication, publication.id).view_count == 3
        assert not redis.exists(key) and not redis.keys(f"{key}:flushing:*")
        jobs.run("flush_views", app)                    # nothing more to write: no double count
        db.session.expire_all()
        assert db.session.get(Publication, publication.id).view_count == 3
    finally:
        for name in redis.keys(f"{key}*"):
            redis.delete(name)


def test_with_redis_down_a_view_is_still_counted_in_the_process(app, client, published):
    from portal.publishing import views

    app.config.update(PUBLIC_VIEWS_URL="redis://127.0.0.1:1/0")
    app.extensions.pop("portal_article_views_redis", None)
    initiative, publication = published("Sáng kiến đọc khi Redis tắt")
    assert client.get(_url(initiative, publication)).status_code == 200
    assert views.flush(force=True) == 1
    db.session.expire_all()
    assert db.session.get(Publication, publication.id).view_count == 1


@pytest.mark.parametrize("app_config", [{"ORG_NAME": "Viện kiểm sát nhân dân tỉnh Quảng Nam",
                                         "ORG_SHORT_NAME": "VKSND tỉnh Quảng Nam"}])
def test_the_public_pages_name_the_organisation_of_the_settings(client, published):
    initiative, publication = published("Sáng kiến của tỉnh bạn")
    pages = [client.get(url).get_data(as_text=True) for url in
             ("/", _url(initiative, publication) + "/print", "/feed.atom")]
    for page in pages:
        assert "Đà Nẵng" not in page
    assert "VKSND tỉnh Quảng Nam" in pages[0] and "Viện kiểm sát nhân dân tỉnh Quảng Nam" in pages[1]
    assert "<name>Viện kiểm sát nhân dân tỉnh Quảng Nam</name>" in pages[2]
