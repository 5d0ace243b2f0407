"""Demo data: the Đà Nẵng city procuracy, its departments and district procuracies,
staff for every role, this year's council and two earlier ones.

Each area's demo is a module of this package with `seed(ctx)`, run in the order
initiatives, council, deliberation, publishing, emulation, so that later ones build on what earlier ones made.
"""
from datetime import date

from portal.auth.models import Role, UnitKind
from portal.auth.services import create_user, get_or_create_unit
from portal.core.audit import ensure_head
from portal.core.timeutil import today
from portal.council.services import add_council_member, get_or_create_council
from portal.defaults import ensure_defaults
from portal.demo import council, deliberation, emulation, initiatives, publishing
from portal.extensions import db
from portal.years import services as years_service
from portal.years.models import Year, current_year
from portal.years.services import ensure_year

DEMO_PASSWORD = "sangkien2026"

UNITS = [
    ("Lãnh đạo Viện", UnitKind.leadership, "LD"),
    ("Văn phòng", UnitKind.city_department, "VP"),
    ("Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự (Phòng 1)", UnitKind.city_department, "P1"),
    ("Phòng Thực hành quyền công tố và kiểm sát xét xử hình sự (Phòng 7)", UnitKind.city_department, "P7"),
    ("Phòng Kiểm sát thi hành án hình sự (Phòng 8)", UnitKind.city_department, "P8"),
    ("Phòng Kiểm sát giải quyết các vụ, việc dân sự (Phòng 9)", UnitKind.city_department, "P9"),
    ("Phòng Kiểm sát hành chính, kinh doanh thương mại, lao động (Phòng 10)", UnitKind.city_department, "P10"),
    ("Phòng Kiểm sát thi hành án dân sự (Phòng 11)", UnitKind.city_department, "P11"),
    ("Phòng Tổ chức cán bộ", UnitKind.city_department, "TCCB"),
    ("VKSND quận Hải Châu", UnitKind.district, "HC"),
    ("VKSND quận Thanh Khê", UnitKind.district, "TK"),
    ("VKSND quận Sơn Trà", UnitKind.district, "ST"),
    ("VKSND quận Ngũ Hành Sơn", UnitKind.district, "NHS"),
    ("VKSND quận Liên Chiểu", UnitKind.district, "LC"),
    ("VKSND quận Cẩm Lệ", UnitKind.district, "CL"),
    ("VKSND huyện Hòa Vang", UnitKind.district, "HV"),
]

# username, full name, unit code, position, leader, global roles, council role (every year)
PEOPLE = [
    ("admin", "Quản trị hệ thống", "VP", "Chuyên viên công nghệ thông tin", False, ["admin"], None),
    ("chutich", "Nguyễn Văn Thành", "LD", "Phó Viện trưởng", True, [], "chair"),
    ("phochutich", "Lê Thị Hồng Vân", "TCCB", "Trưởng phòng Tổ chức cán bộ", True, [], "vice_chair"),
    ("thuky", "Trần Minh Khoa", "VP", "Phó Chánh Văn phòng", True, [], "secretary"),
    ("hoidong1", "Phạm Quốc Bảo", "P1", "Trưởng phòng", True, [], "member"),
    ("hoidong2", "Võ Thị Thu Hà", "P9", "Phó Trưởng phòng", True, [], "member"),
    ("hoidong3", "Đặng Công Lý", "P7", "Kiểm sát viên trung cấp", False, [], "member"),
    ("hoidong4", "Huỳnh Ngọc Ánh", "HC", "Viện trưởng VKSND quận Hải Châu", True, [], "member"),
    ("thidua", "Ngô Thị Bích Liên", "VP", "Thường trực Hội đồng Thi đua – Khen thưởng", False, ["emulation_officer"], None),
    ("bientap", "Trương Đức Anh", "VP", "Biên tập viên Trang thông tin điện tử", False, ["editor"], None),
    ("ksv.hung", "Lê Văn Hùng", "P1", "Kiểm sát viên trung cấp", False, [], None),
    ("ksv.mai", "Nguyễn Thị Mai", "P9", "Kiểm sát viên sơ cấp", False, [], None),
    ("ksv.tuan", "Phan Anh Tuấn", "HC", "Kiểm sát viên sơ cấp", False, [], None),
    ("ksv.lan", "Hoàng Thị Lan", "TK", "Kiểm tra viên", False, [], None),
    ("ksv.dung", "Trần Quang Dũng", "ST", "Phó Viện trưởng VKSND quận Sơn Trà", True, [], None),
    ("ksv.hoa", "Đỗ Thị Hòa", "P10", "Kiểm sát viên trung cấp", False, [], None),
    ("ksv.nam", "Bùi Văn Nam", "P11", "Kiểm tra viên chính", False, [], None),
    ("ksv.thao", "Vũ Phương Thảo", "LC", "Kiểm sát viên sơ cấp", False, [], None),
    ("ksv.phuc", "Cao Hữu Phúc", "CL", "Kiểm sát viên sơ cấp", False, [], None),
    ("ksv.linh", "Mai Khánh Linh", "P7", "Kiểm tra viên", False, [], None),
    ("ksv.son", "Lý Trường Sơn", "HV", "Viện trưởng VKSND huyện Hòa Vang", True, [], None),
    ("ksv.yen", "Tạ Thị Hải Yến", "NHS", "Kiểm sát viên sơ cấp", False, [], None),
    ("ksv.quang", "Châu Minh Quang", "P8", "Kiểm sát viên trung cấp", False, [], None),
    ("ksv.trang", "Lưu Thu Trang", "VP", "Chuyên viên", False, [], None),
]

# The console speaks English, as every command of `flask --app portal` does.
COUNCIL_NOTES = {
    "chair": "chair of the Initiative Council",
    "vice_chair": "vice-chair of the Initiative Council",
    "secretary": "secretary of the Initiative Council",
    "member": "member of the Initiative Council",
}
ROLE_NOTES = {
    "admin": "administrator",
    "emulation_officer": "emulation office",
    "editor": "website editor",
}


def demo_account_lines():
    width = max(len(p[0]) for p in PEOPLE)
    lines = []
    for username, full_name, _unit, _position, leader, roles, council_role in PEOPLE:
        notes = [ROLE_NOTES[r] for r in roles] + ([COUNCIL_NOTES[council_role]] if council_role else [])
        note = ", ".join(notes) or ("staff, in a leadership position" if leader else "staff")
        lines.append(f"{username:<{width}}  {full_name} — {note}")
    return lines


def seed():
    """Create the demo; returns counts for the console."""
    ensure_head()
    ensure_defaults()
    this_year = current_year()
    years = [this_year - 2, this_year - 1, this_year]
    # The years take every filing while the demo's history is made; their deadlines come after.
    for y in years:
        ensure_year(y, is_open=True)
    units = {}
    for name, kind, code in UNITS:
        unit = get_or_create_unit(name, kind)
        unit.code = code
        units[code] = unit
    users = {}
    for username, full_name, unit_code, position, leader, roles, _council_role in PEOPLE:
        users[username] = create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name, unit=units[unit_code],
            position=position, is_leader=leader, roles=[Role(r) for r in roles],
            email=f"{username}@vks.danang.local", check_password=False)
    for y in years:
        get_or_create_council(y, decision_no=f"{12 + y % 10}/QĐ-VKS", decision_date=date(y, 1, 15))
        for username, *_rest, council_role in PEOPLE:
            if council_role:
                add_council_member(y, users[username], council_role)
    db.session.flush()
    ctx = {"users": users, "units": units, "years": years, "this_year": this_year}
    summary = {"units": len(units), "users": len(users), "councils": len(years)}
    # each area's demo, in the order they build on
    for module in (initiatives, council, deliberation, publishing, emulation):
        summary.update(module.seed(ctx) or {})
        db.session.flush()
    _set_deadlines(years, today())
    db.session.commit()
    return summary


def _set_deadlines(years, on_day):
    """Each demo year's deadlines; once this year's filings are closed, next year takes them."""
    for y in years:
        row = db.session.get(Year, y)
        row.registration_deadline = date(y, 1, 31)
        row.submission_deadline = date(y, 10, 31)
        row.review_deadline = date(y, 12, 15)
        row.commendation_deadline = date(y + 1, 3, 10)
        row.note = "Hồ sơ đề nghị khen thưởng gửi trước ngày 10/3 năm sau."
        row.is_open = y == years[-1]
    if on_day > date(years[-1], 10, 31):
        ensure_year(years[-1] + 1, is_open=True, registration_deadline=date(years[-1] + 1, 1, 31),
                    submission_deadline=date(years[-1] + 1, 10, 31), review_deadline=date(years[-1] + 1, 12, 15),
                    commendation_deadline=date(years[-1] + 2, 3, 10),
                    note="Hồ sơ đề nghị khen thưởng gửi trước ngày 10/3 năm sau.")
    years_service.forget()
