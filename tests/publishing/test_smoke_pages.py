def test_pages_render(client, published):
    initiative, publication = published("Ứng dụng hồ sơ điện tử trong kiểm sát điều tra")
    for url in ("/", "/initiatives", f"/initiatives/{initiative.id}-{publication.slug}",
                f"/initiatives/{initiative.id}-{publication.slug}/print",
                "/feed.atom", "/sitemap.xml", "/search?q=ho+so", "/search",
                "/api/v1/public/initiatives", f"/api/v1/public/initiatives/{initiative.id}",
                "/api/v1/public/initiatives?q=dieu+tra"):
        response = client.get(url)
        assert response.status_code == 200, url
