"""Importing titles, disciplinary measures, registrations and article counts from XLSX or CSV.

All or nothing: every row goes through the same operation a page would call;
when any row is refused, the caller rolls the whole file back and the report
says, row by row, what was refused and why. Rows are numbered as a spreadsheet
shows them (the header is row 1).
"""
from dataclasses import dataclass, field

from portal.core import tabular
from portal.core.phrases import Phrase
from portal.core.refusal import Refusal
from portal.core.tabular import cell, read_cells
from portal.core.textfold import fold
from portal.emulation import operations
from portal.emulation.models import DISCIPLINE_LABELS, TITLE_LABELS, TITLE_SHORT_LABELS

MAX_ROWS = 5000

COLUMNS = {
    "titles": ("username", "year", "title", "decision_no", "initiative_id", "level_used", "reason"),
    "disciplines": ("username", "year", "level", "violation_year", "note"),
    "registrations": ("username", "year", "title"),
    "articles": ("username", "year", "count"),
}
REQUIRED = {
    "titles": ("username", "title"),
    "disciplines": ("username", "level"),
    "registrations": ("username", "title"),
    "articles": ("username", "count"),
}

# Vietnamese headings accepted instead of the codes (compared without diacritics).
HEADER_ALIASES = {fold(k): v for k, v in {
    "tên đăng nhập": "username",
    "năm": "year",
    "danh hiệu": "title",
    "danh hiệu đăng ký": "title",
    "số quyết định": "decision_no",
    "mã sáng kiến": "initiative_id",
    "sáng kiến": "initiative_id",
    "cấp công nhận": "level_used",
    "lý do": "reason",
    "hình thức kỷ luật": "level",
    "kỷ luật": "level",
    "ghi chú": "note",
    "năm vi phạm": "violation_year",
    "số tin, bài": "count",
    "số tin bài": "count",
    "số bài": "count",
}.items()}

TITLE_WORDS = {fold(code): code for code in TITLE_LABELS}
TITLE_WORDS.update({fold(label): code for code, label in TITLE_LABELS.items()})
TITLE_WORDS.update({fold(label): code for code, label in TITLE_SHORT_LABELS.items()})
TITLE_WORDS.update({"cstd nganh ksnd": "emulation_soldier_sector", "cstd co so": "emulation_soldier_grassroots"})
LEVEL_WORDS = {fold(code): code for code in DISCIPLINE_LABELS}
LEVEL_WORDS.update({fold(label): code for code, label in DISCIPLINE_LABELS.items()})
RECOGNITION_WORDS = {"grassroots": "grassroots", "co so": "grassroots", "cap co so": "grassroots",
                     "sector": "sector", "nganh": "sector", "cap nganh": "sector",
                     "national": "national", "toan quoc": "national"}


@dataclass
class RowOutcome:
    number: int
    username: str
    ok: bool
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: list = field(default_factory=list)
    file_error: str | None = None

    @property
    def rejected(self):
        return [row for row in self.rows if not row.ok]

    @property
    def imported(self):
        return sum(1 for row in self.rows if row.ok) if self.ok else 0

    @property
    def ok(self):
        return self.file_error is None and bool(self.rows) and not self.rejected




def _header(name):
    key = fold(cell(name))
    return HEADER_ALIASES.get(key, key.replace(" ", "_"))


def read_table(filename, data):
    """[(row number, {column: text})] from an .xlsx or .csv file; raises ValueError for an unreadable file."""
    table = iter(read_cells(filename, data))
    header = next(table, None)
    if not header or not any(cell(h) for h in header):
        raise ValueError(Phrase("Tệp không có dòng tiêu đề (username, year, …)."))
    columns = [_header(h) for h in header]
    rows = []
    for number, values in enumerate(table, start=2):
        cells = [cell(v) for v in values]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValueError(Phrase("Tệp có quá %(n)s dòng; hãy chia nhỏ.", n=MAX_ROWS))
        rows.append((number, dict(zip(columns, cells, strict=False))))
    return columns, rows


def import_file(kind, filename, data, *, actor, default_year=None):
    """Apply every row of the file through the operations; the caller commits only when report.ok."""
    report = ImportReport(kind)
    try:
        columns, rows = read_table(filename, data)
    except ValueError as error:
        # The message as raised (a Phrase is shown in the reader's language).
        report.file_error = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
        return report
    missing = [c for c in REQUIRED[kind] if c not in columns]
    if "year" not in columns and default_year is None:
        missing.append("year")
    if missing:
        report.file_error = Phrase("Thiếu cột: %(missing)s. Các cột của loại dữ liệu này: %(columns)s.",
                                   missing=", ".join(missing), columns=", ".join(COLUMNS[kind]))
        return report
    if not rows:
        report.file_error = Phrase("Tệp không có dòng dữ liệu nào.")
        return report
    for number, values in rows:
        username = values.get("username", "")
        try:
            message = _apply(kind, values, actor=actor, default_year=default_year)
        except Refusal as error:
            report.rows.append(RowOutcome(number, username, False, error.message))
        else:
            report.rows.append(RowOutcome(number, username, True, message))
    return report


def _year(values, default_year):
    raw = values.get("year") or (str(default_year) if default_year else "")
    return operations.parse_year(raw)


def _word(table, raw, what):
    code = table.get(fold(raw))
    if code is None:
        raise operations.refused(422, Phrase("%(what)s không hợp lệ: “%(value)s”.", what=Phrase(what), value=raw),
                                 "invalid")
    return code


def _apply(kind, values, *, actor, default_year):
    user = operations.user_by_username(values.get("username"))
    year = _year(values, default_year)
    if kind == "titles":
        title = _word(TITLE_WORDS, values.get("title", ""), "Danh hiệu")
        level = values.get("level_used") or None
        if level:
            level = _word(RECOGNITION_WORDS, level, "Cấp công nhận")
        initiative = values.get("initiative_id") or None
        if initiative and initiative.startswith("#"):
            initiative = initiative[1:]
        award = operations.record_award(user, year, title, actor=actor, decision_no=values.get("decision_no", ""),
                                        initiative_id=initiative, level_used=level,
                                        reason=values.get("reason", ""))
        return Phrase("%(title)s %(year)s", title=Phrase(TITLE_LABELS[award.title]), year=year)
    if kind == "disciplines":
        level = _word(LEVEL_WORDS, values.get("level", ""), "Hình thức kỷ luật")
        operations.record_discipline(user, year, level, actor=actor, note=values.get("note", ""),
                                     violation_year=values.get("violation_year") or None)
        return Phrase("%(level)s %(year)s", level=Phrase(DISCIPLINE_LABELS[level]), year=year)
    if kind == "registrations":
        title = _word(TITLE_WORDS, values.get("title", ""), "Danh hiệu")
        operations.register(user, year, title, actor=actor)
        return Phrase("Đăng ký %(title)s %(year)s", title=Phrase(TITLE_LABELS[title]), year=year)
    row = operations.record_articles(user, year, values.get("count", ""), actor=actor)
    return Phrase("%(n)s tin, bài %(year)s", n=row.count, year=year)


def template_csv(kind):
    """A blank file with the column names, for the officer to fill."""
    return tabular.csv_text([COLUMNS[kind]]).encode()
