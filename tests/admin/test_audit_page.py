"""The audit log page: filters, pagination, chain status, CSV export."""
import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import text

from portal.core import audit
from portal.core.timeutil import today as portal_today
from portal.extensions import db


def seed_events(actor, other):
    for i in range(60):
        audit.record("initiative.submit" if i % 2 else "initiative.accept", actor=actor if i % 3 else other,
                     object_type="initiative", object_id=i, initiative_id=100 + i % 4,
                     data={"ghi_chú": f"lần {i}"}, summary=f"Thao tác {i}")
    db.session.commit()


def test_admin_sees_events_newest_first_with_pagination(admin_client, admin, make_user):
    seed_events(admin, make_user("khac"))
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-ok"' in page
    assert page.index("Thao tác 59") < page.index("Thao tác 58")
    assert "Thao tác 5<" not in page  # on page 2 (50 per page)
    assert "Thao tác 5<" in admin_client.get("/admin/audit?page=2").get_data(as_text=True)


def test_filters(admin_client, admin, make_user):
    other = make_user("nguoi.khac", full_name="Phạm Thị Khác")
    seed_events(admin, other)
    by_initiative = admin_client.get("/admin/audit?initiative=101").get_data(as_text=True)
    assert "15 sự kiện" in by_initiative
    by_person = admin_client.get("/admin/audit?person=nguoi.khac").get_data(as_text=True)
    assert "20 sự kiện" in by_person
    assert "20 sự kiện" in admin_client.get("/admin/audit?person=Phạm Thị").get_data(as_text=True)
    by_action = admin_client.get("/admin/audit?action=initiative.accept").get_data(as_text=True)
    assert "30 sự kiện" in by_action
    combined = admin_client.get("/admin/audit?action=initiative.accept&person=nguoi.khac").get_data(as_text=True)
    assert "10 sự kiện" in combined


def test_date_range_uses_the_portal_time_zone(admin_client, admin):
    audit.record("test.old", actor=admin, summary="cũ")
    db.session.commit()
    # 23:30 UTC on the 9th is 06:30 on the 10th in Vietnam.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET created_at = :t WHERE action = 'test.old'"),
                     {"t": datetime(2025, 3, 9, 23, 30)})
    # The chain now reports the edit; the filter still works on the stored time.
    page = admin_client.get("/admin/audit?date_from=2025-03-10&date_to=2025-03-10").get_data(as_text=True)
    assert "1 sự kiện" in page and 'data-testid="chain-broken"' in page
    assert "0 sự kiện" in admin_client.get("/admin/audit?date_from=2025-03-09&date_to=2025-03-09").get_data(as_text=True)
    today = portal_today()
    assert "0 sự kiện" in admin_client.get(
        f"/admin/audit?date_from={today + timedelta(days=2)}").get_data(as_text=True)


def test_bad_filter_values_do_not_break_the_page(admin_client):
    response = admin_client.get("/admin/audit?initiative=abc&date_from=hôm-nay&page=-3")
    assert response.status_code == 200


def test_broken_chain_is_shown(admin_client, admin):
    seed_events(admin, admin)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 10"))
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert 'data-testid="chain-broken"' in page and "event #10 is missing" in page


def test_csv_export_is_utf8_with_bom_and_filtered(admin_client, admin, make_user, audit_events):
    seed_events(admin, make_user("khac"))
    response = admin_client.get("/admin/audit.csv?initiative=102")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 15 and {r["initiative_id"] for r in rows} == {"102"}
    assert "lần" in rows[0]["data"] and rows[0]["summary"].startswith("Thao tác")
    export = audit_events("admin.audit_exported")[-1]
    assert export.actor_id == admin.id and export.data["count"] == 15


def test_csv_cells_cannot_run_as_formulas(admin_client, admin):
    audit.record("test.formula", actor=admin, summary="=HYPERLINK(\"http://x\")")
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(admin_client.get("/admin/audit.csv").data.decode("utf-8-sig"))))
    assert any(r["summary"] == "'=HYPERLINK(\"http://x\")" for r in rows)


def test_council_chair_reads_the_log_without_the_admin_tabs(client, make_user):
    chair = make_user("chu.tich", council="chair", year=portal_today().year)
    page = client.login(chair).get("/admin/audit").get_data(as_text=True)
    assert "Nhật ký kiểm tra" in page and "/admin/users" not in page
    assert client.get("/admin/audit.csv").status_code == 200
    menu = client.get("/my").get_data(as_text=True)
    assert 'href="/admin/audit"' in menu
