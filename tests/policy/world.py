"""A year of the council's work with one initiative in every state, every kind of person, and
values planted so that a leak shows: each initiative's title, its private file, its reviewers'
comments and means, and the names of the reviewers.

The people (the roles of the matrix): `author` (made every initiative), `coauthor`, `admin_author`
(an admin named as co-author), `officer_author` (a vice-chair named as co-author), `reviewer_done`
(assigned, sheet submitted), `reviewer_open` (assigned, sheet still a draft), `member` (on the
council, not assigned), `secretary`, `chair`, `vice_chair`, `chair_other` (chair of last year's
council), `editor`, `officer` (the emulation office), `admin`, `anonymous`. A second reviewer
(`reviewer_two`) makes the means differ from any one sheet.
"""
import io
import re
from dataclasses import dataclass, field
from datetime import date

from portal.core.timeutil import today
from portal.core.timeutil import today as portal_today
from portal.council import operations as council
from portal.extensions import db
from portal.initiatives import authorship, operations
from portal.publishing import operations as publishing

YEAR = portal_today().year
ROLES = ("author", "coauthor", "admin_author", "officer_author", "reviewer_done", "reviewer_open", "member",
         "secretary", "chair", "vice_chair", "chair_other", "editor", "officer", "admin", "anonymous")
COUNCIL_ROLES = {"reviewer_done", "reviewer_open", "member", "secretary", "chair", "vice_chair", "officer_author"}
REVIEWER_NAMES = ("Người Chấm Bí Mật", "nguoicham.bimat", "Người Chấm Thứ Hai", "nguoicham.hai")

TITLES = {
    "draft": "NHÁP RIÊNG CỦA NHÓM TÁC GIẢ",
    "submitted": "HỒ SƠ ĐÃ NỘP CHỜ SƠ DUYỆT",
    "withdrawn": "HỒ SƠ ĐÃ RÚT KHÔNG XỬ LÝ",
    "in_review": "HỒ SƠ ĐANG THẨM ĐỊNH CÓ ĐIỂM",
    "recognized": "HỒ SƠ ĐÃ CÔNG NHẬN CHƯA ĐĂNG",
    "rejected": "HỒ SƠ KHÔNG ĐƯỢC CÔNG NHẬN",
    "returned": "HỒ SƠ TRẢ LẠI SAU THẨM ĐỊNH",
    "published": "BÀI ĐÃ ĐĂNG CÔNG KHAI",
}
# Two sheets per scored initiative, chosen so that every mean ends in ,5 (no single sheet shows it)
# and no two means of the world are equal.
SHEETS = {
    "in_review": ({"novelty": 17, "applicability": 29, "effectiveness": 37},
                  {"novelty": 18, "applicability": 26, "effectiveness": 34}, "pass"),
    "recognized": ({"novelty": 21, "applicability": 25, "effectiveness": 33},
                   {"novelty": 20, "applicability": 26, "effectiveness": 32}, "pass"),
    "rejected": ({"novelty": 11, "applicability": 13, "effectiveness": 14},
                 {"novelty": 12, "applicability": 14, "effectiveness": 15}, "fail"),
    "returned": ({"novelty": 15, "applicability": 19, "effectiveness": 23},
                 {"novelty": 16, "applicability": 20, "effectiveness": 24}, "pass"),
    "published": ({"novelty": 22, "applicability": 24, "effectiveness": 30},
                  {"novelty": 23, "applicability": 25, "effectiveness": 31}, "pass"),
}


def pdf(marker):
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            + marker.encode())


def means(key):
    """The means a reader who may see the scores of `key` finds: per criterion and the total."""
    first, second, _ = SHEETS[key]
    values = [(first[c] + second[c]) / 2 for c in first]
    values.append(sum(first.values()) / 2 + sum(second.values()) / 2)
    return values


def score_marks(key):
    """Text that only a reader allowed the scores of `key` may meet: its comments, and its ,5 means
    as whole numbers (a pattern: 27,5 or 27.5, not inside a timestamp such as 22:00:27.519)."""
    marks = [f"NX-{key}-MỘT", f"NX-{key}-HAI"]
    for value in means(key):
        whole = int(value)
        marks.append(re.compile(rf"(?<![\d.,:]){whole}[.,]5(?!\d)"))
    return marks


def file_mark(key):
    return f"ATTACHED-FILE-OF-{key.upper()}"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    initiatives: dict = field(default_factory=dict)
    attachments: dict = field(default_factory=dict)
    sheets: dict = field(default_factory=dict)  # (key, reviewer role) -> review id
    ids: dict = field(default_factory=dict)

    def by_id(self) -> "World":
        """The same world with each object as (class, id), to keep across tests."""
        def plain(objects):
            return {key: (type(obj), obj.id) for key, obj in objects.items()}
        return World(plain(self.users), plain(self.initiatives), plain(self.attachments), dict(self.sheets),
                     dict(self.ids))

    def loaded(self) -> "World":
        """The world of ``by_id()`` with its objects read from this test's session."""
        def load(refs):
            return {key: db.session.get(cls, obj_id) for key, (cls, obj_id) in refs.items()}
        return World(load(self.users), load(self.initiatives), load(self.attachments), dict(self.sheets),
                     dict(self.ids))


def build(app, make_user, make_unit, make_field):
    w = World()
    u = w.users
    office, dept, district = make_unit("Văn phòng"), make_unit("Phòng 2"), make_unit("VKSND quận Sơn Trà")
    u["author"] = make_user("tacgia", unit=dept, full_name="Tác Giả Chính")
    u["coauthor"] = make_user("dongtacgia", unit=district, full_name="Đồng Tác Giả")
    u["admin_author"] = make_user("quantri.tacgia", roles=("admin",), unit=office, full_name="Quản Trị Tác Giả")
    u["officer_author"] = make_user("phochutich.tacgia", council="vice_chair", year=YEAR, unit=office,
                                    full_name="Phó Chủ Tịch Tác Giả")
    u["reviewer_done"] = make_user("nguoicham.bimat", council="member", year=YEAR, unit=office,
                                   full_name="Người Chấm Bí Mật")
    u["reviewer_two"] = make_user("nguoicham.hai", council="member", year=YEAR, unit=office,
                                  full_name="Người Chấm Thứ Hai")
    u["reviewer_open"] = make_user("nguoicham.cho", council="member", year=YEAR, unit=office,
                                   full_name="Người Chấm Chưa Nộp")
    u["member"] = make_user("thanhvien", council="member", year=YEAR, unit=office, full_name="Thành Viên Rảnh")
    u["secretary"] = make_user("thuky", council="secretary", year=YEAR, unit=office, full_name="Thư Ký")
    u["chair"] = make_user("chutich", council="chair", year=YEAR, unit=office, full_name="Chủ Tịch")
    u["vice_chair"] = make_user("phochutich", council="vice_chair", year=YEAR, unit=office, full_name="Phó Chủ Tịch")
    u["chair_other"] = make_user("chutich.namtruoc", council="chair", year=YEAR - 1, unit=office,
                                 full_name="Chủ Tịch Năm Trước")
    u["editor"] = make_user("bientap", roles=("editor",), unit=office, full_name="Biên Tập")
    u["officer"] = make_user("thidua", roles=("emulation_officer",), unit=office, full_name="Thi Đua")
    u["admin"] = make_user("quantri", roles=("admin",), unit=office, full_name="Quản Trị")
    field_id = make_field().id
    authors = [{"username": "tacgia", "share": 50}, {"username": "dongtacgia", "share": 20},
               {"username": "quantri.tacgia", "share": 15}, {"username": "phochutich.tacgia", "share": 15}]
    with app.test_request_context("/"):
        for key, title in TITLES.items():
            initiative = operations.create_initiative(u["author"], {
                "title": title, "field_id": field_id, "first_applied_on": date(YEAR, 1, 10),
                "summary": f"Tóm tắt {key}.", "current_state": "Thực trạng.", "solution": "Giải pháp.",
                "conditions": "Điều kiện.", "benefits": "Hiệu quả."}, authors)
            for row in initiative.authors:
                if row.pending:
                    authorship.answer_invitation(initiative, row.user, True)
            attachment = operations.add_attachment(initiative, u["author"], io.BytesIO(pdf(file_mark(key))),
                                                   "thuyet-minh.pdf")
            w.initiatives[key], w.attachments[key] = initiative, attachment
            if key != "draft":
                operations.submit(initiative, u["author"])
            if key == "withdrawn":
                operations.withdraw(initiative, u["author"])
            if key in SHEETS:
                _appraise(w, key, initiative)
        db.session.commit()
    w.ids = {"year": YEAR, "user": u["reviewer_done"].id, "field": field_id, "unit": dept.id}
    return w


def _appraise(w, key, initiative):
    u = w.users
    council.accept(initiative, u["secretary"])
    first, second, recommendation = SHEETS[key]
    for role, scores, mark in (("reviewer_done", first, "MỘT"), ("reviewer_two", second, "HAI")):
        council.assign(initiative, u["secretary"], u[role])
        review = council.submit_review(initiative, u[role], scores=scores, recommendation=recommendation,
                                       comments={"novelty": f"NX-{key}-{mark}"},
                                       overall_comment=f"NX-{key}-{mark} nhận xét chung")
        w.sheets[(key, role)] = review.id
    if key == "in_review":
        council.assign(initiative, u["secretary"], u["reviewer_open"])
        review = council.save_review(initiative, u["reviewer_open"], scores={"novelty": 1},
                                     comments={"novelty": "NX-in_review-NHÁP"})
        w.sheets[(key, "reviewer_open")] = review.id
        return
    outcome = {"rejected": "rejected", "returned": "returned"}.get(key, "recognized")
    council.decide(initiative, u["chair"], outcome, decision_no=f"{len(key)}/QĐ-VKS",
                   decision_date=today(), reason="Cần hoàn thiện phần hiệu quả." if outcome == "returned"
                   else "")
    if key == "published":
        publishing.publish(initiative, u["editor"], public_attachment_ids=[])


# What each kind of person may read and may learn of the scores, written out from DESIGN.md and
# issue 10 (not read from the policy): initiative keys.
PAST_DRAFT = set(TITLES) - {"draft"}
SCORED = set(SHEETS)
READS = {
    **{role: set(TITLES) for role in ("author", "coauthor", "admin_author", "officer_author")},
    **{role: PAST_DRAFT for role in ("reviewer_done", "reviewer_open", "member", "secretary", "chair",
                                     "vice_chair")},
    "chair_other": set(), "editor": {"recognized", "published"}, "officer": {"recognized", "rejected", "published"},
    "admin": set(), "anonymous": set(),
}
# Scores, or after the decision the means and comments.
LEARNS_SCORES = {
    **{role: {"recognized", "rejected", "returned", "published"}
       for role in ("author", "coauthor", "admin_author", "officer_author")},
    # The round-1 sheets of a returned initiative are not this reviewer's round any more.
    "reviewer_done": {"in_review", "recognized", "rejected", "published"},
    "reviewer_open": set(), "member": set(),
    **{role: SCORED for role in ("secretary", "chair", "vice_chair")},
    "chair_other": set(), "editor": set(), "officer": {"recognized", "rejected", "published"},
    "admin": set(), "anonymous": set(),
}
