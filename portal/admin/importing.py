"""Reading a user list from XLSX or CSV and checking each row (no Flask, no database).

Columns: username, full_name, unit, position, leader, email, roles, password.
The first row holds the column names (English codes; the Vietnamese headings of
the template are accepted too). Rows are numbered as a spreadsheet shows them,
so the report points at the line the person must fix.
"""
import re
from dataclasses import dataclass, field

from portal.auth.rules import is_valid_username, normalize_username
from portal.core import tabular
from portal.core.phrases import Phrase
from portal.core.refusal import invalid
from portal.core.tabular import TableError, cell, read_cells

COLUMNS = ("username", "full_name", "unit", "position", "leader", "email", "roles", "password")
REQUIRED = ("username", "full_name", "unit")
GLOBAL_ROLES = ("admin", "emulation_officer", "editor")
MAX_ROWS = 5000

# Vietnamese headings a person may type instead of the codes.
HEADER_ALIASES = {
    "tên đăng nhập": "username",
    "họ và tên": "full_name",
    "họ tên": "full_name",
    "đơn vị": "unit",
    "chức vụ": "position",
    "lãnh đạo": "leader",
    "có chức danh lãnh đạo": "leader",
    "thư điện tử": "email",
    "vai trò": "roles",
    "mật khẩu": "password",
}

TRUE_WORDS = {"1", "x", "có", "co", "yes", "y", "true", "c"}
FALSE_WORDS = {"", "0", "không", "khong", "no", "n", "false", "k"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def unreadable(message):
    """The file as a whole cannot be read (wrong type, no header, missing columns): 422 on the file."""
    return invalid(message, field="file")


@dataclass
class Row:
    number: int                      # line number in the file (the header is line 1)
    raw: dict
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def username(self):
        return self.values.get("username") or (self.raw.get("username") or "").strip()




def _header(name):
    key = cell(name).lower()
    return HEADER_ALIASES.get(key, key.replace(" ", "_"))


def read_table(filename, data):
    """[(line number, {column: text})] from the bytes of an .xlsx or .csv file."""
    try:
        table = iter(read_cells(filename, data))
    except TableError as error:
        raise unreadable(str(error)) from error
    header = next(table, None)
    if not header or not any(cell(h) for h in header):
        raise unreadable(Phrase("Tệp không có dòng tiêu đề (username, full_name, unit, …)."))
    columns = [_header(h) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise unreadable(Phrase("Thiếu cột bắt buộc: %(columns)s.", columns=", ".join(missing)))
    rows = []
    for number, cells in enumerate(table, start=2):
        values = {col: cell(cells[i]) if i < len(cells) else "" for i, col in enumerate(columns)
                  if col in COLUMNS}
        if not any(values.values()):
            continue  # blank lines are not rows
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise unreadable(Phrase("Tệp có quá %(rows)s dòng; vui lòng chia nhỏ.", rows=MAX_ROWS))
    if not rows:
        raise unreadable(Phrase("Tệp không có dòng dữ liệu nào."))
    return rows


def parse_flag(text):
    """True/False for a yes/no cell, None when it is neither."""
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_roles(text):
    """([roles], [unknown words]) from "admin, editor" (commas, semicolons or spaces)."""
    words = [w for w in re.split(r"[,;|\s]+", (text or "").strip().lower()) if w]
    return [w for w in words if w in GLOBAL_ROLES], [w for w in words if w not in GLOBAL_ROLES]


def check_row(number, raw, password_problem=None):
    """A Row with cleaned values and the problems found in the row itself.

    `password_problem(password, username)` says why a given password is refused.
    """
    row = Row(number, raw)
    problems = row.problems
    username = normalize_username(raw.get("username", ""))
    if not username:
        problems.append(Phrase("Thiếu tên đăng nhập."))
    elif not is_valid_username(raw.get("username", "")):
        problems.append(Phrase("Tên đăng nhập “%(username)s” chỉ được gồm chữ không dấu, số và . _ -.",
                               username=username))
    full_name = raw.get("full_name", "").strip()
    if not full_name:
        problems.append(Phrase("Thiếu họ và tên."))
    elif len(full_name) > 200:
        problems.append(Phrase("Họ và tên quá dài (tối đa 200 ký tự)."))
    unit = raw.get("unit", "").strip()
    if not unit:
        problems.append(Phrase("Thiếu đơn vị."))
    leader = parse_flag(raw.get("leader", ""))
    if leader is None:
        problems.append(Phrase("Cột leader “%(value)s” phải là có/không (1/0).", value=raw.get("leader")))
    email = raw.get("email", "").strip()
    if email and not EMAIL.match(email):
        problems.append(Phrase("Thư điện tử “%(email)s” không hợp lệ.", email=email))
    roles, unknown = parse_roles(raw.get("roles", ""))
    if unknown:
        problems.append("Vai trò không hợp lệ: " + ", ".join(unknown)
                        + " (chỉ nhận admin, emulation_officer, editor).")
    password = raw.get("password", "")
    problem = password_problem(password, username) if password and password_problem else None
    if problem:
        problems.append(problem)
    row.values = {
        "username": username, "full_name": full_name, "unit": unit,
        "position": raw.get("position", "").strip()[:200], "is_leader": bool(leader),
        "email": email or None, "roles": roles, "password": password or None,
    }
    return row


def template_csv():
    """An example file to fill in (UTF-8 with BOM so that Excel shows Vietnamese)."""
    return tabular.csv_text([
        COLUMNS,
        ["ksv.an", "Nguyễn Văn An", "VKSND quận Hải Châu", "Kiểm sát viên sơ cấp", "0", "ksv.an@vks.danang.local",
         "", ""],
        ["tp.binh", "Trần Thị Bình", "P9", "Trưởng phòng", "1", "", "editor", ""],
    ])
