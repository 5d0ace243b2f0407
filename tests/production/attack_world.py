"""The world the attack suites run against: every kind of object, once, and one person per role.

`build_world(make_user, make_initiative)` makes, in this year's council:

- people: `staff` (author of everything authored), `coauthor` (co-author of the
  draft and the submitted one), `other` (a colleague with a draft of his own),
  `member` (reviewer assigned to the initiative in review, sheet saved, not
  submitted), `secretary`, `chair`, `editor`, `officer` (emulation), `admin`;
- initiatives: `draft` (staff + coauthor, one attachment), `submitted` (staff +
  coauthor, one attachment frozen in version 1), `review` (in review, assigned
  to `member`), `published` (recognised and published, one public attachment),
  `other_draft` (other's draft, one attachment);
- a bearer token of `staff` and one of `other`, an award and a discipline of
  `staff`, the council membership of `member`.

Plus helpers to take a snapshot of the whole database and the uploads folder,
so that a test can prove that a refused request changed nothing.
"""
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from portal.core.timeutil import today as portal_today
from portal.extensions import db
from tests.production.helpers import file_digests

YEAR = portal_today().year

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

ROLES = ("anonymous", "staff", "other", "coauthor", "member", "secretary", "chair", "editor", "officer",
         "admin")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def user(self, role):
        return self.users.get(role)


def _request_context():
    return current_app.test_request_context("/")


def _attach(initiative, actor, name="thuyet-minh.pdf", content=PDF):
    from portal.initiatives import operations

    return operations.add_attachment(initiative, actor, io.BytesIO(content), name)


def build_world(make_user, make_initiative, make_unit):
    from portal.auth.services import issue_token
    from portal.council import operations as council_ops
    from portal.council.models import CouncilMember
    from portal.emulation.models import Discipline, ServiceRecord, TitleAward, TitleRefusal
    from portal.initiatives import operations
    from portal.initiatives.workflow import Level, Status
    from portal.publishing import operations as publishing_ops

    world = World()
    office = make_unit("Văn phòng VKSND thành phố")
    dept = make_unit("Phòng 2 - Kiểm sát điều tra")
    district = make_unit("VKSND quận Sơn Trà")
    u = world.users
    u["staff"] = make_user("ksv.hung", unit=dept, full_name="Lê Văn Hùng")
    u["coauthor"] = make_user("ksv.mai", unit=district, full_name="Nguyễn Thị Mai")
    u["other"] = make_user("ksv.tuan", unit=district, full_name="Phan Anh Tuấn")
    u["member"] = make_user("hoidong1", council="member", year=YEAR, unit=office, full_name="Phạm Quốc Bảo")
    u["member2"] = make_user("hoidong2", council="member", year=YEAR, unit=office, full_name="Võ Thị Hà")
    u["secretary"] = make_user("thuky", council="secretary", year=YEAR, unit=office, full_name="Trần Minh Khoa")
    u["chair"] = make_user("chutich", council="chair", year=YEAR, unit=office, full_name="Nguyễn Văn Thành")
    u["editor"] = make_user("bientap", roles=("editor",), unit=office, full_name="Trương Đức Anh")
    u["officer"] = make_user("thidua", roles=("emulation_officer",), unit=office, full_name="Ngô Thị Liên")
    u["admin"] = make_user("quantri", roles=("admin",), unit=office, full_name="Quản Trị Viên")
    staff, coauthor, other = u["staff"], u["coauthor"], u["other"]

    with _request_context():
        draft = make_initiative([(staff, 60), (coauthor, 40)], title="Bản nháp về kiểm sát án ma túy")
        world.ids["draft_attachment"] = _attach(draft, staff).id

        submitted = make_initiative([(staff, 70), (coauthor, 30)], title="Sơ đồ tư duy trong kiểm sát điều tra")
        world.ids["submitted_attachment"] = _attach(submitted, staff, "so-do.pdf").id
        operations.submit(submitted, staff)

        review = make_initiative([staff], title="Phần mềm theo dõi thời hạn tạm giam")
        operations.submit(review, staff)
        db.session.flush()
        council_ops.accept(review, u["secretary"])
        council_ops.assign(review, u["secretary"], u["member"])
        council_ops.assign(review, u["secretary"], u["member2"])
        council_ops.save_review(review, u["member"], scores={"novelty": 20, "applicability": 20,
                                                              "effectiveness": 30},
                                recommendation="pass")

        published = make_initiative([staff], title="Số hóa hồ sơ kiểm sát thi hành án dân sự")
        public_attachment = _attach(published, staff, "bai-viet.pdf")
        published.status = Status.recognized
        published.level = Level.grassroots
        published.decision_no = "12/QĐ-VKS"
        published.decision_date = date(YEAR, 1, 20)
        db.session.flush()
        publishing_ops.publish(published, u["editor"], public_attachment_ids=[public_attachment.id])
        world.ids["public_attachment"] = public_attachment.id

        other_draft = make_initiative([other], title="Bản nháp của người khác")
        world.ids["other_attachment"] = _attach(other_draft, other, "rieng-tu.pdf").id
        db.session.commit()

    from portal.council.models import Review

    world.ids.update(draft=draft.id, submitted=submitted.id, review=review.id, published=published.id,
                     other_draft=other_draft.id)
    world.ids["review_sheet"] = db.session.execute(
        select(Review.id).where(Review.initiative_id == review.id)).scalar_one()
    world.ids["review_assignment"] = db.session.execute(
        select(Review.assignment_id).where(Review.initiative_id == review.id)).scalar_one()
    world.ids["member_row"] = db.session.execute(
        select(CouncilMember.id).where(CouncilMember.user_id == u["member"].id)).scalar_one()

    for who in ("staff", "other"):
        token, row = issue_token(u[who], f"khóa của {who}")
        world.tokens[who] = token
        world.ids[f"{who}_token"] = row.id
    award = TitleAward(user_id=staff.id, year=YEAR - 1, title="advanced_worker", decision_no="5/QĐ")
    discipline = Discipline(user_id=other.id, year=YEAR - 1, level="reprimand")
    service = ServiceRecord(user_id=other.id, year=YEAR - 1, leave_months=4)
    refusal = TitleRefusal(user_id=other.id, year=YEAR - 1, title="advanced_worker", reason="Không đạt")
    db.session.add_all([award, discipline, service, refusal])
    db.session.commit()
    from portal.years.models import Year

    if db.session.get(Year, YEAR) is None:
        db.session.add(Year(year=YEAR))
    db.session.commit()
    world.ids.update(award=award.id, discipline=discipline.id, service=service.id, refusal=refusal.id, dept=dept.id,
                     office=office.id)
    from portal.initiatives.models import Field

    world.ids["field"] = db.session.execute(select(Field.id)).scalars().first()
    world.ids["field_code"] = db.session.execute(select(Field.code)).scalars().first()
    world.ids["slug"] = published.publication.slug
    world.ids["year"] = YEAR
    world.ids["other_user"] = other.id
    from portal.core import mail

    failed = mail.queue("mat.thu@vks.local", "Thư không gửi được", "Nội dung", "/my", user=other)
    failed.state, failed.last_error = mail.FAILED, "550 5.1.1 no such mailbox"
    db.session.commit()
    world.ids["failed_mail"] = failed.id
    from datetime import datetime

    from portal.council.meeting_models import CouncilMeeting

    meeting = CouncilMeeting(year=YEAR, sequence=1, number="1/BB-HĐSK", starts_at=datetime(YEAR, 11, 20, 8, 30),
                             place="Phòng họp số 1",
                             chair_id=u["chair"].id, secretary_id=u["secretary"].id)
    db.session.add(meeting)
    db.session.commit()
    world.ids["meeting"] = meeting.id
    return world


# Where a URL argument comes from, unless a test says otherwise.
ARGUMENTS = {
    "initiative_id": "submitted", "attachment_id": "submitted_attachment", "token_id": "staff_token",
    "user_id": "other_user", "unit_id": "dept", "number": "year", "year": "year", "member_id": "member_row",
    "field_id": "field", "review_id": "review_sheet", "assignment_id": "review_assignment", "award_id": "award", "discipline_id": "discipline",
    "service_id": "service", "refusal_id": "refusal",
    "slug": "slug", "message_id": "failed_mail", "meeting_id": "meeting",
}
LITERALS = {"kind": "titles", "index": 0, "page": 1}


def build_url(app, rule, world, **overrides):
    """A URL for a url_map rule with real ids of `world` (overrides: argument -> id key or value)."""
    values = {}
    for name in rule.arguments:
        source = overrides.get(name, ARGUMENTS.get(name))
        if name in LITERALS and name not in overrides:
            values[name] = LITERALS[name]
        elif name == "code":
            values[name] = "en" if rule.endpoint == "auth.set_language" else world.ids["field_code"]
        elif isinstance(source, str):
            values[name] = world.ids[source]
        elif source is not None:
            values[name] = source
        else:
            raise KeyError(f"{rule.rule}: no id known for <{name}>; add it to ARGUMENTS")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


# -- "nothing changed" ---------------------------------------------------------------------

# Written by reading, not by acting: a token's last use, an article's reading count.
VOLATILE = {("api_token", "last_used_at"), ("api_token", "last_used_address"), ("publication", "view_count")}


def snapshot():
    """Every row of every table (but VOLATILE columns) and every file in the uploads folder."""
    from sqlalchemy import MetaData

    db.session.expire_all()
    db.session.commit()
    metadata = MetaData()
    rows = {}
    with db.engine.connect() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            order = list(table.primary_key.columns) or columns
            rows[table.name] = [tuple(r) for r in connection.execute(select(*columns).order_by(*order))]
    return rows, file_digests(current_app.config["UPLOAD_FOLDER"])


def changes(before, after):
    """A readable description of what differs between two snapshots ('' when nothing)."""
    lines = []
    rows_before, files_before = before
    rows_after, files_after = after
    for table in sorted(set(rows_before) | set(rows_after)):
        a, b = rows_before.get(table, []), rows_after.get(table, [])
        if a != b:
            added = [r for r in b if r not in a]
            removed = [r for r in a if r not in b]
            lines.append(f"{table}: +{added[:2]} -{removed[:2]}")
    if files_before != files_after:
        lines.append(f"uploads: {sorted(set(files_before) ^ set(files_after))}")
    return "; ".join(lines)


def upload_files():
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
