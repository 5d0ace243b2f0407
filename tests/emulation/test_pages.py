"""Recording pages, settings, import, export and the staff member's own page."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from portal.core.timeutil import today as portal_today
from portal.extensions import db
from tests.emulation.conftest import YEAR


@pytest.fixture
def hung(make_user, make_unit):
    return make_user("ksv.hung", unit=make_unit("Phòng 1"), full_name="Lê Văn Hùng")


# -- recording on pages ---------------------------------------------------------------------

def test_officer_records_a_title_on_the_page(client, officer, hung, recognized, award):
    from portal.emulation.models import TitleAward

    initiative = recognized([hung])
    award(hung, YEAR, "advanced_worker")
    client.login(officer)

    response = client.post(f"/emulation/year/{YEAR}/titles", data={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots", "decision_no": "45/QĐ-VKS"})

    assert response.status_code == 302
    row = db.session.query(TitleAward).filter_by(title="emulation_soldier_grassroots").one()
    # Without a named initiative, the recognition the engine found usable is recorded as used.
    assert (row.initiative_id, row.level_used) == (initiative.id, "grassroots")
    page = client.get(f"/emulation/year/{YEAR}/records").text
    assert "45/QĐ-VKS" in page


def test_page_refuses_reused_recognition_with_409_and_changes_nothing(client, officer, hung, recognized, award):
    from portal.emulation.models import TitleAward

    initiative = recognized([hung])
    award(hung, YEAR - 1, "emulation_soldier_grassroots", initiative, "grassroots")
    award(hung, YEAR, "advanced_worker")
    client.login(officer)

    response = client.post(f"/emulation/year/{YEAR}/titles", data={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots",
        "initiative_id": initiative.id, "reason": "x"})

    assert response.status_code == 409
    assert "chỉ được sử dụng một lần" in response.text
    assert db.session.query(TitleAward).count() == 2


def test_page_refuses_not_eligible_without_reason_with_422(client, officer, hung):
    from portal.emulation.models import TitleAward

    client.login(officer)
    response = client.post(f"/emulation/year/{YEAR}/titles", data={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_sector"})

    assert response.status_code == 422
    assert "Muốn vẫn ghi nhận, hãy nêu lý do." in response.text
    assert db.session.query(TitleAward).count() == 0


@pytest.mark.parametrize("kind, data", [
    ("titles", {"username": "", "year": YEAR, "title": "advanced_worker"}),
    ("titles", {"username": "ksv.hung", "year": "abc", "title": "advanced_worker"}),
    ("disciplines", {"username": "ksv.hung", "year": YEAR, "level": "fired"}),
    ("registrations", {"username": "nobody", "year": YEAR, "title": "advanced_worker"}),
    ("articles", {"username": "ksv.hung", "year": YEAR, "count": "-3"}),
])
def test_bad_input_comes_back_on_the_form_with_the_message_beside_the_field_and_the_input_kept(
        client, officer, hung, kind, data):
    client.login(officer)
    page = f"/emulation/year/{YEAR}/records"
    response = client.post(f"/emulation/year/{YEAR}/{kind}", data=data)  # no form page to go back to
    assert response.status_code == 422
    response = client.post(f"/emulation/year/{YEAR}/{kind}", data=data, headers={"Referer": f"http://localhost{page}"})
    assert response.status_code in (303, 422)  # a field WTForms refuses re-renders; a rule's refusal comes back
    if response.status_code == 303:
        assert response.headers["Location"].endswith(page)
        response = client.get(page)
    assert 'class="error"' in response.text
    kept = next(str(v) for v in data.values() if str(v) and str(v) != str(YEAR))
    assert f'value="{kept}"' in response.text or f">{kept}<" in response.text


def test_forms_need_csrf(client, officer, hung):
    client.login(officer)
    response = client.post(f"/emulation/year/{YEAR}/articles", csrf=False,
                           data={"username": "ksv.hung", "year": YEAR, "count": 3})
    assert response.status_code in (400, 422)


def test_discipline_registration_articles_on_pages(client, officer, hung):
    from portal.emulation.models import ArticleCount, Discipline, Registration

    client.login(officer)
    assert client.post(f"/emulation/year/{YEAR}/disciplines", data={
        "username": "ksv.hung", "year": YEAR, "level": "reprimand", "note": "QĐ 7"}).status_code == 302
    assert client.post(f"/emulation/year/{YEAR}/registrations", data={
        "username": "ksv.hung", "year": YEAR, "title": "emulation_soldier_grassroots"}).status_code == 302
    assert client.post(f"/emulation/year/{YEAR}/articles", data={
        "username": "ksv.hung", "year": YEAR, "count": 6}).status_code == 302
    assert db.session.query(Discipline).one().note == "QĐ 7"
    assert db.session.query(Registration).one().title == "emulation_soldier_grassroots"
    assert db.session.query(ArticleCount).one().count == 6
    row = db.session.query(Discipline).one()
    assert client.post(f"/emulation/disciplines/{row.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.query(Discipline).count() == 0


@pytest.mark.parametrize("path", ["titles", "disciplines", "registrations", "articles"])
def test_staff_cannot_use_the_recording_pages(client, hung, path):
    client.login(hung)
    response = client.post(f"/emulation/year/{YEAR}/{path}", data={
        "username": "ksv.hung", "year": YEAR, "title": "advanced_worker", "level": "reprimand", "count": 1})
    assert response.status_code == 403
    assert client.get(f"/emulation/year/{YEAR}/records").status_code == 403


# -- settings ---------------------------------------------------------------------------------

SETTINGS_FORM = {
    "min_author_share": "0", "one_use_per_initiative": "y", "coauthors_each_use": "y", "article_quota": "4",
    "grassroots_cap_percent": "15", "cap_minimum_one": "y", "sector_consecutive_years": "3",
    "sector_cycle_years": "3", "national_in_following_year": "y", "min_service_months": "6",
    "leave_flag_months": "3", "discipline_counted_once": "y",
}


def test_settings_are_saved_per_year_audited_and_change_results(client, officer, hung, recognized, award):
    from portal.core.audit import AuditEvent
    from portal.emulation.models import EmulationSettings

    recognized([hung])
    award(hung, YEAR, "advanced_worker")
    client.login(officer)
    page = client.get(f"/emulation/year/{YEAR}/settings")
    assert page.status_code == 200
    # Each setting with its default and its legal source; the appraisal's settings live elsewhere.
    assert "Công văn 5007/BNV-TĐKT" in page.text and "Nghị định 91/2017/NĐ-CP Điều 48.1.a" in page.text
    for gone in ("approval_fraction", "filing_window_days", "decision_due_days"):
        assert f'name="{gone}"' not in page.text

    response = client.post(f"/emulation/year/{YEAR}/settings", data=SETTINGS_FORM)

    assert response.status_code == 302
    row = db.session.get(EmulationSettings, YEAR)
    assert row.article_quota == 4
    assert not hasattr(row, "approval_fraction")
    event = db.session.query(AuditEvent).filter_by(action="emulation.settings_saved").one()
    assert event.data["changes"] == {"article_quota": {"from": 0, "to": 4}}
    html = client.get(f"/emulation/year/{YEAR}").text
    assert "Mới viết 0 tin, bài năm 2025, chưa đạt chỉ tiêu 4." in html
    assert "khác mặc định" in html


@pytest.mark.parametrize("field, value", [
    ("article_quota", "-1"), ("grassroots_cap_percent", "150"), ("min_service_months", "13"),
    ("leave_flag_months", "0"), ("sector_consecutive_years", "0"),
])
def test_bad_settings_are_refused(client, officer, field, value):
    from portal.emulation.models import EmulationSettings

    client.login(officer)
    response = client.post(f"/emulation/year/{YEAR}/settings", data={**SETTINGS_FORM, field: value})
    assert response.status_code == 422
    assert db.session.get(EmulationSettings, YEAR) is None


# -- import -----------------------------------------------------------------------------------

def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("maker, name", [(_xlsx, "danh-hieu.xlsx"), (_csv, "danh-hieu.csv")])
def test_import_is_all_or_nothing_with_a_report_of_the_bad_rows(client, officer, hung, make_user, maker, name):
    from portal.emulation.models import TitleAward

    make_user("ksv.mai")
    rows = [["Tên đăng nhập", "Năm", "Danh hiệu", "Số quyết định"],
            ["ksv.hung", YEAR, "Lao động tiên tiến", "01/QĐ"],
            ["ksv.mai", YEAR, "LĐTT", "01/QĐ"],
            ["ksv.khong", YEAR, "LĐTT", "01/QĐ"],
            ["ksv.mai", YEAR, "Anh hùng", ""]]
    client.login(officer)

    response = client.post(f"/emulation/year/{YEAR}/import", data={
        "kind": "titles", "file": (io.BytesIO(maker(rows)), name)}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert db.session.query(TitleAward).count() == 0
    html = response.text
    assert "Không nhập dòng nào: 2 dòng bị từ chối" in html
    assert "Không có cán bộ có tên đăng nhập “ksv.khong”." in html
    assert "Danh hiệu không hợp lệ: “Anh hùng”." in html

    good = rows[:3]
    response = client.post(f"/emulation/year/{YEAR}/import", data={
        "kind": "titles", "file": (io.BytesIO(maker(good)), name)}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.query(TitleAward).count() == 2


def test_import_of_disciplines_registrations_and_articles(client, officer, hung):
    from portal.emulation.models import ArticleCount, Discipline, Registration

    client.login(officer)
    for kind, rows in [
        ("disciplines", [["username", "year", "level", "note"], ["ksv.hung", YEAR, "khiển trách", "QĐ 1"]]),
        ("registrations", [["username", "year", "title"], ["ksv.hung", YEAR, "CSTĐ cơ sở"]]),
        ("articles", [["username", "count"], ["ksv.hung", 9]]),
    ]:
        response = client.post(f"/emulation/year/{YEAR}/import", data={
            "kind": kind, "file": (io.BytesIO(_csv(rows)), f"{kind}.csv")}, content_type="multipart/form-data")
        assert response.status_code == 200, response.text
    assert db.session.query(Discipline).one().level == "reprimand"
    assert db.session.query(Registration).one().title == "emulation_soldier_grassroots"
    assert db.session.query(ArticleCount).one().year == YEAR  # the page's year when the file has none


def test_import_rejects_an_unreadable_file(client, officer):
    client.login(officer)
    response = client.post(f"/emulation/year/{YEAR}/import", data={
        "kind": "titles", "file": (io.BytesIO(b"not a zip"), "x.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Không đọc được tệp Excel" in response.text
    response = client.post(f"/emulation/year/{YEAR}/import", data={
        "kind": "titles", "file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Thiếu cột: username, title" in response.text


# -- export -------------------------------------------------------------------------------------

def test_export_holds_the_filtered_view_in_the_council_layout(
        client, officer, make_user, make_unit, recognized, award, discipline, registration):
    unit = make_unit("VKSND quận Hải Châu")
    an = make_user("an", unit=unit, full_name="Nguyễn Văn An")
    dung = make_user("dung", unit=unit, full_name="Phạm Quang Dũng", leader=True)
    make_user("em", unit=make_unit("Phòng khác"), full_name="Hồ Thị Em")
    dung.position = "Phó Viện trưởng"
    db.session.commit()
    recognized([an])
    recognized([dung])
    award(an, YEAR, "advanced_worker")
    award(dung, YEAR, "advanced_worker")
    discipline(dung, YEAR)
    registration(dung, YEAR, "emulation_soldier_grassroots")
    client.login(officer)

    response = client.get(f"/emulation/year/{YEAR}/export.xlsx?unit={unit.id}")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb.worksheets[0]
    assert "NĂM 2025" in ws["A1"].value
    assert "VKSND quận Hải Châu" in ws["A2"].value
    header = [c.value for c in ws[4]]
    assert header[:6] == ["STT", "Họ và tên", "Đơn vị", "Chức vụ", "Lãnh đạo", "Danh hiệu đăng ký"]
    assert "Chiến sỹ thi đua cơ sở" in header and "Lý do chưa đủ điều kiện" in header
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [r[1] for r in rows] == ["Phạm Quang Dũng", "Nguyễn Văn An"]  # leaders first within a unit
    col = header.index("Chiến sỹ thi đua cơ sở")
    dung_row, an_row = rows
    assert dung_row[:6] == [1, "Phạm Quang Dũng", "VKSND quận Hải Châu", "Phó Viện trưởng", "Có",
                            "Chiến sỹ thi đua cơ sở"]
    assert dung_row[col] == "Không" and an_row[col] == "Có"
    assert "khiển trách" in dung_row[header.index("Lý do chưa đủ điều kiện")]
    assert an_row[header.index("Lý do chưa đủ điều kiện")] in ("", None)
    assert wb.sheetnames[1:] == ["Giới hạn CSTĐ cơ sở", "Thiết lập áp dụng"]
    caps = [[c.value for c in row] for row in wb["Giới hạn CSTĐ cơ sở"].iter_rows(min_row=2)]
    assert caps == [["VKSND quận Hải Châu", 1, 1, 1, "Không", "Nguyễn Văn An"]]


# -- the staff member's own page -------------------------------------------------------------------

def test_staff_sees_titles_initiatives_uses_and_what_they_lack(client, hung, recognized, award, registration):
    this_year = portal_today().year
    old = recognized([hung], decided=date(this_year - 2, 5, 4), title="Sổ tay kiểm sát điều tra")
    award(hung, this_year - 2, "advanced_worker", decision_no="10/QĐ")
    award(hung, this_year - 2, "emulation_soldier_grassroots", old, "grassroots", decision_no="11/QĐ")
    registration(hung, this_year, "emulation_soldier_grassroots")
    client.login(hung)

    page = client.get("/emulation/me")

    assert page.status_code == 200
    html = page.text
    assert "Sổ tay kiểm sát điều tra" in html
    assert "11/QĐ" in html
    assert f"Chiến sỹ thi đua cơ sở {this_year - 2}" in html  # the award that used the recognition
    assert "Bạn còn thiếu:" in html
    assert f"Chưa được ghi nhận danh hiệu Lao động tiên tiến năm {this_year}." in html


def test_staff_registers_before_the_deadline_and_is_refused_after(client, hung):
    from portal.emulation.models import Registration
    from portal.years.models import Year

    this_year = portal_today().year
    year = db.session.get(Year, this_year)  # on record, as init-db makes it
    year.registration_deadline = portal_today() + timedelta(days=3)
    db.session.commit()
    client.login(hung)

    response = client.post("/emulation/me", data={"title": "emulation_soldier_grassroots"})
    assert response.status_code == 302
    assert db.session.query(Registration).one().title == "emulation_soldier_grassroots"

    year.registration_deadline = portal_today() - timedelta(days=1)
    db.session.commit()
    response = client.post("/emulation/me", data={"title": "emulation_soldier_sector"})
    assert response.status_code == 409
    assert "Đã hết hạn đăng ký" in response.text
    db.session.expire_all()
    assert db.session.query(Registration).one().title == "emulation_soldier_grassroots"
