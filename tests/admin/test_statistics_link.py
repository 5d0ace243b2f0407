"""Issue 16: the admin reaches the year's statistics from the admin pages."""
from portal.years.models import current_year


def test_the_admin_overview_links_the_years_statistics(client, make_user):
    admin = make_user("quantri", roles=("admin",))
    client.login(admin)
    html = client.get("/admin/").get_data(as_text=True)
    link = f'href="/council/{current_year()}/statistics"'
    assert link in html
    assert client.get(f"/council/{current_year()}/statistics").status_code == 200
