"""Demo emulation records: titles over the years, disciplinary measures, registrations, articles.

Runs after the initiatives, council and publishing demos and builds on the
initiatives they recognised: their authors become the candidates. So that the
officer's page shows, at first run, people eligible and not eligible for every
title for distinct reasons, it gives those authors different histories (one
has a reprimand, one lacks Lao động tiên tiến, one already used the
recognition, one wrote too few articles…). Only when no initiative is
recognised at a level does it create the few it needs, marked as such.
"""
from datetime import date

from sqlalchemy import select

from portal.core import audit
from portal.core.timeutil import today
from portal.council.models import CouncilDecision
from portal.emulation import engine
from portal.emulation.models import ArticleCount, Discipline, EmulationSettings, Registration, TitleAward
from portal.emulation.services import load_recognitions
from portal.extensions import db
from portal.initiatives.models import Field, Initiative, InitiativeAuthor, InitiativeVersion

ARTICLE_QUOTA = 2  # the Đà Nẵng plan sets a quota of news articles per person and year

# Created only when the other demos recognised nothing at that level:
# (key, title, authors [(username, share)], grassroots decision (years ago, month, day),
#  sector decision or None, national decision or None)
OWN_INITIATIVES = [
    ("hung", "Quy trình kiểm sát việc tiếp nhận, giải quyết nguồn tin về tội phạm tại Công an cấp huyện",
     [("ksv.hung", 60), ("ksv.mai", 40)], (0, 3, 12), None, None),
    ("dung", "Mẫu biên bản kiểm sát trực tiếp nhà tạm giữ theo Thông tư mới",
     [("ksv.dung", 100)], (0, 4, 2), None, None),
    ("lan", "Sổ tay nghiệp vụ kiểm sát thi hành án dân sự cho Kiểm tra viên",
     [("ksv.lan", 100)], (0, 2, 20), None, None),
    ("hoa", "Bảng kiểm các vi phạm thường gặp trong án hành chính về đất đai",
     [("ksv.hoa", 100)], (0, 2, 5), None, None),
    ("phuc", "Phần mềm theo dõi thời hạn tố tụng án hình sự trên mạng nội bộ",
     [("ksv.phuc", 100)], (0, 5, 6), None, None),
    ("linh", "Hướng dẫn xây dựng đề cương xét hỏi tại phiên tòa hình sự sơ thẩm",
     [("ksv.linh", 70), ("hoidong3", 30)], (0, 6, 18), None, None),
    ("nam", "Giải pháp đối chiếu danh sách phạm nhân giữa trại giam và cơ quan thi hành án",
     [("ksv.nam", 100)], (0, 3, 3), None, None),
    ("nam-sector", "Đề án số hóa hồ sơ kiểm sát thi hành án dân sự",
     [("ksv.nam", 70), ("ksv.quang", 30)], (2, 4, 10), (1, 9, 15), None),
    ("thao", "Chuyên đề kỹ năng kiểm sát hoạt động hòa giải ở cơ sở",
     [("ksv.thao", 100)], (0, 4, 22), None, None),
    ("thao-sector", "Giải pháp phối hợp với Cơ quan điều tra trong án ma túy",
     [("ksv.thao", 100)], (1, 3, 9), (0, 6, 30), None),
    ("son", "Quy chế phối hợp liên ngành trong giải quyết án trọng điểm ở huyện",
     [("ksv.son", 100)], (0, 3, 25), None, None),
    ("son-national", "Mô hình Viện kiểm sát huyện điện tử: quản lý án và thời hạn tố tụng",
     [("ksv.son", 100)], (2, 3, 1), (1, 8, 20), (0, 10, 5)),
]


def seed(ctx):
    users, year = ctx["users"], ctx["this_year"]
    officer = users.get("thidua")
    counts = {"emulation titles": 0, "emulation disciplines": 0, "emulation registrations": 0,
              "emulation article counts": 0}
    created = _ensure_recognitions(ctx, year)
    db.session.flush()
    by_id = {u.id: u for u in users.values()}

    db.session.add(EmulationSettings(year=year, article_quota=ARTICLE_QUOTA, updated_by_id=getattr(officer, "id", None)))
    audit.record("emulation.settings_saved", actor=officer, object_type="emulation_settings", object_id=year,
                 data={"year": year, "created": True,
                       "changes": {"article_quota": {"from": 0, "to": ARTICLE_QUOTA}}},
                 summary=f"Thiết lập xét thi đua năm {year}: chỉ tiêu viết tin, bài {ARTICLE_QUOTA}")

    awards = {}

    def award(user, y, title, recognition=None, decision_no=None):
        key = (user.id, y, title)
        if key in awards:
            return
        awards[key] = TitleAward(
            user_id=user.id, year=y, title=title, recorded_by_id=getattr(officer, "id", None),
            decision_no=decision_no or _decision_no(title, y),
            initiative_id=recognition.initiative_id if recognition else None,
            level_used=recognition.level if recognition else None)

    staff = [u for name, u in sorted(users.items()) if name not in ("admin",)]
    recognitions = load_recognitions()
    current = _authors_by_level(recognitions, year, by_id)

    # Everyone holds Lao động tiên tiến in the three years before; this year the
    # staff rating recorded it for all but the people of the "no LĐTT" case.
    for user in staff:
        for y in (year - 3, year - 2, year - 1):
            award(user, y, engine.ADVANCED_WORKER)

    grassroots_authors = current["grassroots"]
    # Authors whose story is about a higher title keep a clean record here.
    higher = {u.id for u in current["sector"] + current["national"]}
    plain = [u for u in grassroots_authors if u.id not in higher]
    reasons = _assign_cases(plain)

    for user in staff:
        case = reasons.get(user.id)
        if case != "no_lddt":
            award(user, year, engine.ADVANCED_WORKER)
        if case == "discipline":
            db.session.add(Discipline(user_id=user.id, year=year, level="reprimand",
                                      note=f"Quyết định kỷ luật số 05/QĐ-VKS ngày 12/6/{year}",
                                      recorded_by_id=getattr(officer, "id", None)))
            counts["emulation disciplines"] += 1
        if case == "used":
            # An earlier award already used this year's recognition: it cannot count again.
            for recognition in _own_recognitions(recognitions, user, year, ("grassroots",)):
                award(user, year - 1, engine.GRASSROOTS, recognition, "18/QĐ-VKS")
        articles = 1 if case == "articles" else (3 if user.id in {u.id for u in grassroots_authors} else user.id % 3)
        db.session.add(ArticleCount(user_id=user.id, year=year, count=articles,
                                    recorded_by_id=getattr(officer, "id", None)))
        counts["emulation article counts"] += 1

    # Sector: the first author of a sector recognition has CSTĐ cơ sở in the two
    # years before (this year's counted provisionally); the second has a gap year.
    with_grassroots = {u.id for u in grassroots_authors}
    sector_authors = sorted(
        (u for u in current["sector"] if u.id not in {x.id for x in current["national"]}),
        key=lambda u: (u.id not in with_grassroots, u.username))
    for position, user in enumerate(sector_authors):
        years = (year - 2, year - 1) if position % 2 == 0 else (year - 2,)
        for y in years:
            award(user, y, engine.GRASSROOTS)
    # National: CSTĐ Ngành four years ago and last year (the national title is proposed
    # the year after the second, national_in_following_year), CSTĐ cơ sở in between,
    # recognitions at every level.
    for user in current["national"]:
        award(user, year - 4, engine.SECTOR)
        award(user, year - 1, engine.SECTOR)
        for y in (year - 4, year - 3, year - 2, year - 1):
            award(user, y, engine.GRASSROOTS)

    # Registrations: candidates aim for the title their record points to; some
    # others register for CSTĐ cơ sở without a recognised initiative.
    registered = {}
    for user in grassroots_authors:
        if reasons.get(user.id) not in ("articles", "unregistered"):
            registered[user.id] = engine.GRASSROOTS
    for user in sector_authors:
        registered[user.id] = engine.SECTOR
    for user in current["national"]:
        registered[user.id] = engine.NATIONAL
    candidates = {u.id for u in grassroots_authors} | {u.id for u in sector_authors}
    others = [u for u in staff if u.id not in candidates and u.id not in registered]
    for user in others[:3]:
        registered[user.id] = engine.GRASSROOTS
    for user in staff:
        db.session.add(Registration(user_id=user.id, year=year,
                                    title=registered.get(user.id, engine.ADVANCED_WORKER),
                                    registered_by_id=user.id))
        counts["emulation registrations"] += 1

    # One disciplinary measure in an earlier year, to show it does not count this year.
    if others:
        db.session.add(Discipline(user_id=others[-1].id, year=year - 2, level="reprimand",
                                  note=f"Quyết định số 21/QĐ-VKS năm {year - 2}"))
        counts["emulation disciplines"] += 1

    db.session.add_all(awards.values())
    counts["emulation titles"] = len(awards)
    if created:
        counts["emulation demo initiatives"] = created
    return counts


# Preferred people for each reason when the demo's own initiatives are used;
# otherwise the reasons go to the authors found, in order.
PREFERRED_CASES = {"ksv.dung": "discipline", "ksv.lan": "no_lddt", "ksv.hoa": "used", "ksv.phuc": "articles",
                   "ksv.linh": "unregistered"}
CASES = ("discipline", "no_lddt", "used", "articles", "unregistered")
# Kept eligible whenever there are enough other authors: the demo accounts people sign in with.
KEEP_ELIGIBLE = ("ksv.hung", "ksv.mai", "hoidong3")


def _assign_cases(authors):
    """{user id: reason} for authors of this year's recognitions who will not be eligible."""
    reasons = {}
    for user in authors:
        if user.username in PREFERRED_CASES:
            reasons[user.id] = PREFERRED_CASES[user.username]
    left = [c for c in CASES if c not in reasons.values()]
    pool = sorted((u for u in authors if u.id not in reasons),
                  key=lambda u: (u.username in KEEP_ELIGIBLE, u.username))
    # At least two authors stay eligible.
    for user, case in zip(pool[:max(0, len(pool) - 2)], left, strict=False):
        reasons[user.id] = case
    return reasons


def _decision_no(title, year):
    """Titles of a year are decided by 10 March of the next; this year's, lately."""
    number = {engine.ADVANCED_WORKER: 25, engine.GRASSROOTS: 26, engine.SECTOR: 140, engine.NATIONAL: 2011}[title]
    issuer = {engine.SECTOR: "QĐ-VKSTC", engine.NATIONAL: "QĐ-TTg"}.get(title, "QĐ-VKS")
    decided = min(date(year + 1, 3, 10), today())
    return f"{number}/{issuer} ngày {decided.day}/{decided.month}/{decided.year}"


def _authors_by_level(recognitions, year, by_id):
    """Staff who author a recognition that this year's rules look at, by level."""
    found = {"grassroots": {}, "sector": {}, "national": {}}
    for r in recognitions:
        decided = r.decision_date.year
        wanted = (r.level == "grassroots" and decided == year) or (
            r.level == "sector" and year - 2 <= decided <= year) or (
            r.level == "national" and year - 5 <= decided <= year)
        if not wanted:
            continue
        for user_id in r.authors:
            if user_id in by_id:
                found[r.level].setdefault(user_id, by_id[user_id])
    return {level: sorted(people.values(), key=lambda u: u.username) for level, people in found.items()}


def _own_recognitions(recognitions, user, year, levels):
    return [r for r in recognitions
            if user.id in r.authors and r.level in levels and r.decision_date.year == year]


def _ensure_recognitions(ctx, year):
    """Create the demo's own recognised initiatives where the other demos left too few; returns how many.

    Sector and national ones only when nobody holds a recognition at that level.
    Grassroots ones when fewer people than the reasons to show hold one decided
    this year, and then only for people who hold none.
    """
    users = ctx["users"]
    present = set()
    this_year_authors = set()
    for r in load_recognitions():
        present.add(r.level)
        if r.level == "grassroots" and r.decision_date.year == year:
            this_year_authors |= set(r.authors)
    short = len(this_year_authors) < len(CASES) + 2

    def wanted(spec):
        _key, _title, authors, _grassroots, sector, national = spec
        if sector or national:
            return (sector and "sector" not in present) or (national and "national" not in present)
        if "grassroots" not in present:
            return True
        return short and not any(users[name].id in this_year_authors for name, _share in authors if name in users)

    wanted = [spec for spec in OWN_INITIATIVES if wanted(spec)]
    if not wanted:
        return 0
    scores = (86.5, 71.0, 64.5, 78.0, 58.5, 90.0, 69.5)
    field = db.session.execute(select(Field).order_by(Field.position)).scalars().first()
    created = 0
    for _key, title, authors, grassroots, sector, national in wanted:
        first = users[authors[0][0]]
        decided = _date(year, grassroots)
        initiative = Initiative(
            title=title, field_id=field.id if field else None, year=decided.year, unit_id=first.unit_id,
            first_applied_on=date(decided.year - 1, 9, 1),
            summary=f"{title}. (Sáng kiến mẫu do dữ liệu demo thi đua tạo.)",
            current_state="Trước đây việc này làm thủ công, dễ sót và chậm.",
            solution=f"Nội dung giải pháp: {title.lower()}.",
            conditions="Áp dụng được ngay trong ngành Kiểm sát.",
            benefits="Rút ngắn thời gian xử lý, giảm sai sót.",
            status="recognized", level="grassroots", decision_no=f"{30 + created}/QĐ-VKS",
            decision_date=decided, created_by_id=first.id, round=1,
            authors=[InitiativeAuthor(user_id=users[name].id, share=share, position=i)
                     for i, (name, share) in enumerate(authors)],
        )
        if sector:
            initiative.level = "sector"
            initiative.sector_status = "recognized"
            initiative.sector_decision_no = f"{150 + created}/QĐ-VKSTC"
            initiative.sector_decision_date = _date(year, sector)
        if national:
            initiative.level = "national"
            initiative.national_status = "recognized"
            initiative.national_decision_no = f"{2000 + created}/QĐ-TTg"
            initiative.national_decision_date = _date(year, national)
        db.session.add(initiative)
        db.session.flush()
        initiative.versions.append(InitiativeVersion(number=1, submitted_by_id=first.id,
                                                     snapshot={"title": title}))
        if scores:
            # The council's recognising decision, with the mean of the reviewers' totals.
            db.session.add(CouncilDecision(
                initiative_id=initiative.id, round=1, outcome="recognized", suggested="recognized",
                decision_no=initiative.decision_no, decision_date=decided, mean_total=scores[created % len(scores)]))
        created += 1
    db.session.flush()
    return created


def _date(year, spec):
    years_ago, month, day = spec
    return date(year - years_ago, month, day)
