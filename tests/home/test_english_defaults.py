"""What the portal names by itself (the site's name, a council nobody named) is said in the
page's language; the data people typed stays as typed."""
import re

from portal.core.timeutil import today as portal_today
from portal.extensions import db

YEAR = portal_today().year


def test_link_previews_and_the_feed_name_the_portal_in_english(client):
    home = client.get("/?lang=en").get_data(as_text=True)
    site = re.search(r'<meta property="og:site_name" content="([^"]*)"', home).group(1)
    assert site.endswith("Initiative Portal") and "Cổng" not in site
    feed = client.get("/feed.atom?lang=en").get_data(as_text=True)
    assert 'xml:lang="en"' in feed
    assert re.search(r"<title>([^<]*)</title>", feed).group(1) == site


def test_the_portal_keeps_its_vietnamese_name_in_vietnamese(client):
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<meta property="og:site_name" content="Cổng Sáng kiến [^"]+"', home)
    assert 'xml:lang="vi"' in client.get("/feed.atom").get_data(as_text=True)


def test_a_council_nobody_named_is_named_in_the_pages_language(client, make_user):
    from portal.council.models import Council

    secretary = make_user("thuky", council="secretary")
    admin = make_user("quantri", roles=("admin",))
    council = db.session.execute(db.select(Council).filter_by(year=YEAR)).scalar_one()
    assert council.name == f"Hội đồng Sáng kiến năm {YEAR}"  # the data and the documents stay Vietnamese
    assert f"Initiative Council {YEAR}" in client.login(secretary).get("/council/?lang=en").get_data(as_text=True)
    assert f"Hội đồng Sáng kiến năm {YEAR}" in client.get("/council/").get_data(as_text=True)
    listing = client.logout().login(admin).get("/admin/councils?lang=en").get_data(as_text=True)
    assert f"Initiative Council {YEAR}" in listing and f"Hội đồng Sáng kiến năm {YEAR}" not in listing


def test_a_council_someone_named_keeps_its_name_in_english(client, make_user):
    from portal.council.models import Council

    secretary = make_user("thuky", council="secretary")
    council = db.session.execute(db.select(Council).filter_by(year=YEAR)).scalar_one()
    council.name = "Hội đồng Sáng kiến Viện kiểm sát"
    db.session.commit()
    assert "Hội đồng Sáng kiến Viện kiểm sát" in client.login(secretary).get("/council/?lang=en").get_data(as_text=True)
