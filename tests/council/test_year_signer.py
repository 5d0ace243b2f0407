"""Issue 13, point 1: the head of unit is named per year. The admin's year page names the year's
head and the deputy signing "KT." (audited); that year's decision and certificate print them; a
year naming no one reads the organisation's settings; and a decision of an earlier year keeps
its signer when the settings' head changes."""
import io
from datetime import date

import pytest
from docx import Document

from portal.core.audit import AuditEvent
from portal.core.timeutil import today
from portal.council import operations
from portal.extensions import db
from portal.years.models import Year
from portal.years.services import ensure_year
from tests.council.conftest import GOOD, YEAR

DA_NANG = {
    "name": "Viện kiểm sát nhân dân thành phố Đà Nẵng", "header": "Viện kiểm sát nhân dân\nthành phố Đà Nẵng",
    "short_name": "VKSND thành phố Đà Nẵng", "parent": "", "place": "Đà Nẵng", "decision_suffix": "QĐ-VKS",
    "certificate_suffix": "GCN-VKS", "minutes_suffix": "BB-HĐSK", "head_title": "Viện trưởng",
    "head_name": "Nguyễn Văn Cũ", "deputy_title": "Phó Viện trưởng", "deputy_name": "", "filing_code": "VT",
}
YEAR_FORM = {"filing_window_days": 365, "decision_due_days": 90, "similarity_percent": 80, "is_open": "y"}


def document_text(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts).upper()


def events(action):
    return db.session.query(AuditEvent).filter(AuditEvent.action == action).all()


@pytest.fixture
def recognized(council, submitted, appraise):
    ensure_year(YEAR)
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", GOOD, "pass")])
    operations.decide(submitted, council["chair"], "recognized", decision_no="45/QĐ-VKS", decision_date=today())
    db.session.commit()
    return submitted


@pytest.fixture
def last_year(council, make_initiative, make_user):
    """An initiative recognised last year by decision 40/QĐ-VKS, and the emulation officer who reads it."""
    ensure_year(YEAR - 1)
    initiative = make_initiative([(council["author"], 100)], status="recognized", year=YEAR - 1,
                                 title="Sổ tay kiểm sát án treo", decision_no="40/QĐ-VKS",
                                 decision_date=date(YEAR - 1, 11, 20))
    return initiative, make_user("thidua", roles=("emulation_officer",))


def test_the_year_page_names_the_years_signer_and_the_decision_prints_them(client, council, recognized):
    client.login(council["admin"])
    page = client.get(f"/admin/years/{YEAR}").get_data(as_text=True)
    assert 'name="deputy_name"' in page and "Người ký quyết định và giấy chứng nhận của năm" in page
    response = client.post(f"/admin/years/{YEAR}", data={**YEAR_FORM, "head_title": "Viện trưởng",
                                                          "head_name": "Phan  Văn Nam",
                                                          "deputy_name": "Trần Thị Bình"})
    assert response.status_code == 302
    row = db.session.get(Year, YEAR)
    assert (row.head_name, row.deputy_name) == ("Phan Văn Nam", "Trần Thị Bình")
    (event,) = events("admin.year_updated")
    assert event.data["changes"]["deputy_name"] == ["", "Trần Thị Bình"]
    assert "Đang ký văn bản của năm: KT. Viện trưởng – Phó Viện trưởng Trần Thị Bình" in \
        client.get(f"/admin/years/{YEAR}").get_data(as_text=True)
    client.login(council["chair"])
    decision = document_text(client.get(f"/council/{YEAR}/decision.docx?decision_no=45/QĐ-VKS"))
    assert "KT. VIỆN TRƯỞNG" in decision and "TRẦN THỊ BÌNH" in decision
    certificate = document_text(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    assert "KT. VIỆN TRƯỞNG" in certificate and "TRẦN THỊ BÌNH" in certificate


def test_a_year_naming_no_one_reads_the_settings(client, council, recognized):
    client.login(council["admin"]).post("/admin/organisation", data=DA_NANG)
    client.login(council["chair"])
    decision = document_text(client.get(f"/council/{YEAR}/decision.docx?decision_no=45/QĐ-VKS"))
    assert "NGUYỄN VĂN CŨ" in decision and "KT. VIỆN TRƯỞNG" not in decision


def test_a_name_too_long_is_refused_beside_the_field(client, council, recognized):
    client.login(council["admin"])
    response = client.post(f"/admin/years/{YEAR}", data={**YEAR_FORM, "head_name": "x" * 201},
                           follow_redirects=True, headers={"Referer": f"http://localhost/admin/years/{YEAR}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tối đa 200 ký tự." in html
    assert html.rfind('name="head_name"', 0, html.rindex("Tối đa 200 ký tự.")) > 0
    assert db.session.get(Year, YEAR).head_name == "" and not events("admin.year_updated")


def test_an_earlier_years_decision_keeps_its_head_when_the_settings_change(client, council, recognized,
                                                                          last_year):
    initiative, officer = last_year
    client.login(council["admin"]).post("/admin/organisation", data=DA_NANG)
    client.login(officer)
    assert "NGUYỄN VĂN CŨ" in document_text(client.get(f"/council/{YEAR - 1}/decision.docx?decision_no=40/QĐ-VKS"))
    client.login(council["admin"]).post("/admin/organisation", data={**DA_NANG, "head_name": "Lê Văn Mới"})
    client.login(officer)
    reprint = document_text(client.get(f"/council/{YEAR - 1}/decision.docx?decision_no=40/QĐ-VKS"))
    assert "NGUYỄN VĂN CŨ" in reprint and "LÊ VĂN MỚI" not in reprint
    assert "NGUYỄN VĂN CŨ" in document_text(client.get(f"/council/initiatives/{initiative.id}/certificate.docx"))
    this_year = document_text(client.get(f"/council/{YEAR}/decision.docx?decision_no=45/QĐ-VKS"))
    assert "LÊ VĂN MỚI" in this_year  # this year's decisions follow the settings
    (kept,) = events("admin.year_signer_kept")
    assert kept.object_id == str(YEAR - 1)
    assert kept.data["changes"]["head_name"] == ["", "Nguyễn Văn Cũ"]
    assert db.session.get(Year, YEAR).head_name == ""
