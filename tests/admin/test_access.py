"""Every admin page: admins only (403 for anyone else), sign-in first (302 to /login)."""

import pytest

from portal.core.timeutil import today as portal_today
from portal.years.services import ensure_year

YEAR = portal_today().year

# (method, url) for every admin route; {u}, {unit}, {m} are filled per test.
ROUTES = [
    ("GET", "/admin/"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{u}"),
    ("POST", "/admin/users/{u}"),
    ("POST", "/admin/users/{u}/deactivate"),
    ("POST", "/admin/users/{u}/reactivate"),
    ("POST", "/admin/users/{u}/reset-password"),
    ("POST", "/admin/users/{u}/revoke-tokens"),
    ("GET", "/admin/users/import"),
    ("POST", "/admin/users/import"),
    ("GET", "/admin/users/import/template.csv"),
    ("GET", "/admin/units"),
    ("GET", "/admin/units/new"),
    ("POST", "/admin/units/new"),
    ("GET", "/admin/units/{unit}"),
    ("POST", "/admin/units/{unit}"),
    ("GET", "/admin/years"),
    ("GET", "/admin/years/new"),
    ("POST", "/admin/years/new"),
    ("GET", f"/admin/years/{YEAR}"),
    ("POST", f"/admin/years/{YEAR}"),
    ("GET", "/admin/councils"),
    ("GET", f"/admin/councils/{YEAR}"),
    ("POST", f"/admin/councils/{YEAR}"),
    ("POST", f"/admin/councils/{YEAR}/members"),
    ("POST", f"/admin/councils/{YEAR}/members/{{m}}/remove"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit.csv"),
    ("GET", "/admin/outbox"),
    ("POST", "/admin/outbox/{mail}/resend"),
    ("GET", "/admin/organisation"),
    ("POST", "/admin/organisation"),
]


@pytest.fixture
def targets(make_user):
    from portal.extensions import db

    ensure_year(YEAR)
    db.session.commit()
    member = make_user("tv.hoidong", council="member", year=YEAR)
    from portal.core import mail
    from portal.council.models import council_for

    row = mail.queue("tv.hoidong@vks.local", "Thư", user=member)
    row.state = mail.FAILED
    db.session.commit()
    return {"u": member.id, "unit": member.unit_id, "m": council_for(YEAR).members[0].id, "mail": row.id}


def _call(client, method, url, targets):
    url = url.format(**targets)
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_every_admin_route_is_covered(app):
    """The list above is the app's list: a new admin route must be added to these tests."""
    declared = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                declared.add((method, rule.rule))
    listed = {(m, u.replace("{u}", "<int:user_id>").replace("{unit}", "<int:unit_id>")
               .replace("{m}", "<int:member_id>")
               .replace("{mail}", "<int:message_id>").replace(f"/years/{YEAR}", "/years/<int:number>")
               .replace(f"/councils/{YEAR}", "/councils/<int:year>")) for m, u in ROUTES}
    assert declared == listed


@pytest.mark.parametrize("method,url", ROUTES)
def test_signed_out_is_sent_to_sign_in(client, targets, method, url):
    response = _call(client, method, url, targets)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("roles", [(), ("editor",), ("emulation_officer",)])
@pytest.mark.parametrize("method,url", [r for r in ROUTES if "/audit" not in r[1]])
def test_non_admin_is_refused(client, make_user, targets, method, url, roles):
    user = make_user("khong.quantri", roles=roles)
    response = _call(client.login(user), method, url, targets)
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


@pytest.mark.parametrize("council, status", [(None, 403), ("member", 403), ("secretary", 200), ("vice_chair", 200)])
@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv"])
def test_audit_log_is_for_the_admin_and_the_council_officers(client, make_user, url, council, status):
    user = make_user("nguoi.xem", council=council, year=YEAR)
    assert client.login(user).get(url).status_code == status


def test_council_chair_is_refused_the_other_admin_pages(client, make_user, targets):
    chair = make_user("chu.tich", council="chair", year=YEAR - 1)
    client.login(chair)
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_admin_menu_entry_only_for_admins(client, make_user):
    staff = make_user("can.bo")
    admin = make_user("quan.tri", roles=("admin",))
    assert 'href="/admin/"' not in client.login(staff).get("/my").get_data(as_text=True)
    page = client.login(admin).get("/my").get_data(as_text=True)
    assert 'href="/admin/"' in page and "Quản trị" in page
