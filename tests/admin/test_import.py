"""Importing users from XLSX or CSV: all or nothing, with a report of each rejected row."""
import csv
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.admin.importing import check_row, parse_flag, read_table
from portal.auth.models import Role, UnitKind, User, user_by_username
from portal.core.refusal import Refusal
from portal.extensions import db

HEADER = ["username", "full_name", "unit", "position", "leader", "email", "roles", "password"]
GOOD = [
    ["ksv.an", "Nguyễn Văn An", "VKSND quận Hải Châu", "Kiểm sát viên sơ cấp", "0", "an@vks.danang.local", "", ""],
    ["tp.binh", "Trần Thị Bình", "P9", "Trưởng phòng", "có", "", "editor, emulation_officer", "mat-khau-rieng-1"],
    ["ktv.chau", "Lê Minh Châu", "vksnd quận hải châu", "Kiểm tra viên", "", "", "", ""],
]


def csv_bytes(rows, header=HEADER, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, name, data):
    return client.post("/admin/users/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def units(make_unit):
    from portal.auth.models import Unit

    hai_chau = make_unit("VKSND quận Hải Châu", kind=UnitKind.district)
    p9 = Unit(name="Phòng Kiểm sát giải quyết các vụ, việc dân sự (Phòng 9)", kind=UnitKind.city_department,
              code="P9")
    db.session.add(p9)
    db.session.commit()
    return {"HC": hai_chau, "P9": p9}


def user_count():
    return db.session.execute(select(func.count(User.id))).scalar_one()


@pytest.mark.parametrize("kind", ["csv", "xlsx", "csv;"])
def test_good_file_imports_every_row(admin_client, admin, units, audit_events, kind):
    data = xlsx_bytes(GOOD) if kind == "xlsx" else csv_bytes(GOOD, delimiter=kind[3:] or ",")
    response = upload(admin_client, f"danh-sach.{kind[:4].rstrip(';')}", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã nhập 3 tài khoản" in page
    assert response.headers["Cache-Control"] == "no-store"
    an, binh, chau = (user_by_username(u) for u in ("ksv.an", "tp.binh", "ktv.chau"))
    assert an.unit_id == units["HC"].id and chau.unit_id == units["HC"].id  # name matched ignoring case
    assert binh.unit_id == units["P9"].id and binh.is_leader and not an.is_leader  # unit by code
    assert binh.roles == {Role.editor, Role.emulation_officer}
    assert binh.check_password("mat-khau-rieng-1")
    # Generated passwords are shown once, in the report, and they work.
    assert "mat-khau-rieng-1" not in page
    marker = '<code class="token">'
    shown = [chunk.split("<", 1)[0] for chunk in page.split(marker)[1:]]
    assert len(shown) == 2 and an.check_password(shown[0]) and chau.check_password(shown[1])
    created = audit_events("admin.user_created")
    assert {e.data["username"] for e in created} >= {"ksv.an", "tp.binh", "ktv.chau"}
    assert all(e.actor_id == admin.id for e in created[-3:])
    assert audit_events("admin.users_imported")[-1].data["count"] == 3


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_one_bad_row_imports_nothing_and_says_why(admin_client, units, make_user, audit_count, kind):
    make_user("da.co")
    rows = GOOD + [
        ["da.co", "Người Trùng", "P9", "", "", "", "", ""],
        ["moi.1", "", "Không có đơn vị này", "", "có lẽ", "sai-thu", "superadmin", "ngan"],
        ["ksv.an", "Trùng Trong Tệp", "P9", "", "", "", "", ""],
    ]
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    before, events = user_count(), audit_count()
    response = upload(admin_client, f"ds.{kind}", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chưa nhập tài khoản nào" in page
    assert user_count() == before and audit_count() == events
    assert user_by_username("ksv.an") is None
    report = page[page.index('data-testid="import-rejected"'):]
    # Line numbers as the spreadsheet shows them (the header is line 1).
    assert '<td class="num">5</td>' in report and '<td class="num">6</td>' in report
    assert '<td class="num">7</td>' in report and '<td class="num">2</td>' not in report
    for reason in ("Tên đăng nhập “da.co” đã tồn tại.", "Thiếu họ và tên.",
                   "Không tìm thấy đơn vị “Không có đơn vị này”",
                   "Cột leader “có lẽ” phải là có/không (1/0).", "Thư điện tử “sai-thu” không hợp lệ.",
                   "Vai trò không hợp lệ: superadmin", "Mật khẩu phải có ít nhất 10 ký tự.",
                   "Tên đăng nhập “ksv.an” trùng với dòng 2."):
        assert reason in page


@pytest.mark.parametrize("name,data,message", [
    ("ds.txt", b"username,full_name,unit\n", "Chỉ nhận tệp .xlsx hoặc .csv."),
    ("ds.csv", b"username,full_name\nx,y\n", "Thiếu cột bắt buộc: unit."),
    ("ds.csv", b"username,full_name,unit\n", "Tệp không có dòng dữ liệu nào."),
    ("ds.csv", "username,full_name,unit\nan,Lê Văn,P9\n".encode("cp1252", "replace") + b"\xff\xfe", "UTF-8"),
    ("ds.xlsx", b"not a zip", "Không đọc được tệp Excel"),
])
def test_unreadable_file_is_refused(admin_client, units, name, data, message):
    before = user_count()
    response = upload(admin_client, name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == before


def test_no_file_is_refused(admin_client):
    response = admin_client.post("/admin/users/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Vui lòng chọn tệp." in response.get_data(as_text=True)


def test_inactive_unit_is_rejected(admin_client, units):
    units["P9"].active = False
    db.session.commit()
    response = upload(admin_client, "ds.csv", csv_bytes([GOOD[1]]))
    assert response.status_code == 422
    assert "đã ngừng hoạt động" in response.get_data(as_text=True)


def test_template_is_a_file_that_imports(admin_client, units):
    template = admin_client.get("/admin/users/import/template.csv")
    assert template.data.startswith("\ufeff".encode())
    response = upload(admin_client, "mau.csv", template.data)
    assert "Đã nhập 2 tài khoản" in response.get_data(as_text=True)


def test_reading_skips_blank_lines_and_accepts_vietnamese_headings():
    data = "Tên đăng nhập;Họ và tên;Đơn vị\n\nan;Ấn;P9\n;;\n".encode()
    assert read_table("a.csv", data) == [(3, {"username": "an", "full_name": "Ấn", "unit": "P9"})]
    with pytest.raises(Refusal):
        read_table("a.csv", b"")


@pytest.mark.parametrize("text,value", [("1", True), ("Có", True), ("x", True), ("", False),
                                        ("0", False), ("không", False), ("maybe", None)])
def test_leader_flag_words(text, value):
    assert parse_flag(text) is value


def test_username_is_lowercased_and_checked():
    row = check_row(2, {"username": "KSV.An", "full_name": "An", "unit": "P9"})
    assert row.values["username"] == "ksv.an" and not row.problems
    row = check_row(3, {"username": "an văn", "full_name": "An", "unit": "P9"})
    assert row.problems == ["Tên đăng nhập “an văn” chỉ được gồm chữ không dấu, số và . _ -."]
