"""The database of the internal-pages benchmark (issue 15, point 4), filled with bulk inserts.

- `people` staff accounts in the corpus's units, with ten years of emulation records (titles,
  registrations, article counts, time served, a few disciplinary measures);
- last year: `recognised` initiatives recognised under one decision, each scored by three
  members (submitted sheets, a council decision with its mean), one to three staff authors;
- this year: `in_review` initiatives in appraisal, three members assigned to each, some sheets in;
- both years' councils (chair, secretary, twelve members), the emulation officer.

`build(app, ...)` fills the empty database of `app` and returns who to sign in as.
"""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert

CHUNK = 2000
MEMBERS = 12
REVIEWERS = 3


def _rows(table, rows):
    from portal.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def build(app, *, people=21_000, recognised=3_000, in_review=2_400, seed=15):
    import corpus

    from portal.auth.models import Role, Unit, UnitKind, User, UserRole
    from portal.core.timeutil import today, utcnow
    from portal.council.models import (
        Council,
        CouncilDecision,
        CouncilMember,
        Review,
        ReviewAssignment,
        ReviewScore,
    )
    from portal.council.services import rubric_for
    from portal.emulation.models import ArticleCount, Discipline, Registration, ServiceRecord, TitleAward
    from portal.extensions import db
    from portal.initiatives.models import DEFAULT_FIELDS, Field, Initiative, InitiativeAuthor, InitiativeVersion
    from portal.years.models import Year

    rng = random.Random(seed)
    this_year = today().year
    decided_year = this_year - 1
    now = utcnow()  # what the database stores (naive UTC), from the one clock
    with app.app_context():
        db.create_all()
        for y in range(decided_year - 9, this_year + 1):
            db.session.add(Year(year=y, submission_deadline=date(y, 10, 31), review_deadline=date(y, 12, 15),
                                commendation_deadline=date(y + 1, 3, 10)))
        fields = [Field(code=code, name=name, position=i) for i, (code, name) in enumerate(DEFAULT_FIELDS)]
        units = [Unit(name=name, kind=UnitKind.district if name.startswith("VKSND") else UnitKind.city_department,
                      code=f"U{i:02d}") for i, name in enumerate(corpus.UNITS, 1)]
        leadership = Unit(name="Lãnh đạo Viện", kind=UnitKind.leadership, code="LD")
        db.session.add_all([*fields, *units, leadership])
        db.session.flush()
        field_ids = [f.id for f in fields]
        unit_ids = [u.id for u in units]

        users = []
        for uid in range(1, people + 1):
            users.append({
                "id": uid, "username": f"cb{uid:05d}", "full_name": corpus.person(rng), "email": None,
                "unit_id": rng.choice(unit_ids), "password_hash": "!", "position": "Kiểm sát viên",
                "is_leader": rng.random() < 0.12, "active": True, "session_version": 1,
            })
        extra = people
        accounts = {}
        for name, full_name, unit in (("vientruong", "Viện trưởng Bench", leadership.id),
                                      ("chutich", "Chủ tịch Bench", leadership.id),
                                      ("thuky", "Thư ký Bench", unit_ids[0]),
                                      ("thidua", "Thường trực Thi đua Bench", unit_ids[0]),
                                      *((f"hd{i:02d}", f"Thành viên {i:02d}", unit_ids[i % len(unit_ids)])
                                        for i in range(1, MEMBERS + 1))):
            extra += 1
            accounts[name] = extra
            users.append({"id": extra, "username": name, "full_name": full_name, "email": None, "unit_id": unit,
                          "password_hash": "!", "position": "Viện trưởng" if name == "vientruong" else "",
                          "is_leader": name in ("vientruong", "chutich"), "active": True,
                          "session_version": 1})
        _rows(User.__table__, users)
        _rows(UserRole.__table__, [{"user_id": accounts["thidua"], "role": Role.emulation_officer.value}])
        members = [accounts[f"hd{i:02d}"] for i in range(1, MEMBERS + 1)]
        for council_id, year in ((1, decided_year), (2, this_year)):
            db.session.execute(insert(Council.__table__), [{
                "id": council_id, "year": year, "name": f"Hội đồng Sáng kiến năm {year}",
                "decision_no": f"01/QĐ-VKS-{year}", "decision_date": date(year, 1, 10)}])
            _rows(CouncilMember.__table__, [
                {"council_id": council_id, "user_id": accounts["chutich"], "role": "chair"},
                {"council_id": council_id, "user_id": accounts["thuky"], "role": "secretary"},
                *({"council_id": council_id, "user_id": m, "role": "member"} for m in members)])
        rubrics = {year: rubric_for(year) for year in (decided_year, this_year)}
        db.session.flush()
        criteria = {year: [(c.id, c.code, c.max_score) for c in r.criteria] for year, r in rubrics.items()}

        docs = corpus.generate(recognised + in_review, seed=seed, words=60)
        initiatives, authors, versions, assignments, reviews, scores, decisions = [], [], [], [], [], [], []
        staff = list(range(1, people + 1))
        decision_day = date(decided_year, 12, 20)
        for n, doc in enumerate(docs, start=1):
            decided = n <= recognised
            year = decided_year if decided else this_year
            submitted = (datetime(decided_year, 6, 1) if decided else now) - timedelta(days=rng.randint(5, 60))
            initiatives.append({
                "id": n, "title": doc["title"][:300], "summary": doc["summary"], "solution": doc["body"],
                "field_id": rng.choice(field_ids), "form": "solution", "year": year,
                "unit_id": rng.choice(unit_ids), "requested_level": "grassroots",
                "first_applied_on": date(year, 1, 15), "status": "recognized" if decided else "in_review",
                "round": 1, "return_note": "", "created_by_id": 1, "created_at": submitted,
                "updated_at": submitted, "submitted_at": submitted, "first_submitted_at": submitted,
                "accepted_at": submitted + timedelta(days=2),
                "decided_at": datetime(decided_year, 12, 20, 9) if decided else None,
                "level": "grassroots" if decided else None,
                "decision_no": f"15/QĐ-VKS-{decided_year}" if decided else "",
                "decision_date": decision_day if decided else None, "decision_reason": "",
                "sector_decision_no": "", "national_decision_no": "",
            })
            team = rng.sample(staff, rng.choice((1, 1, 2, 3)))
            share = 100 // len(team)
            for position, uid in enumerate(team):
                authors.append({"initiative_id": n, "user_id": uid, "external_name": "",
                                "external_workplace": "", "position": position,
                                "share": share + (100 - share * len(team) if position == 0 else 0)})
            initiatives[-1]["created_by_id"] = team[0]
            versions.append({"id": n, "initiative_id": n, "number": 1, "submitted_at": submitted,
                             "submitted_by_id": team[0], "snapshot": {"title": doc["title"][:300]}})
            totals = []
            sheets_in = REVIEWERS if decided else rng.choice((0, 1, 2, 3))
            for j in range(REVIEWERS):
                aid = len(assignments) + 1
                reviewer = members[(n + j) % MEMBERS]
                assignments.append({
                    "id": aid, "initiative_id": n, "reviewer_id": reviewer, "round": 1, "version_id": n,
                    "assigned_by_id": accounts["thuky"], "assigned_at": submitted + timedelta(days=3),
                    "due_on": (submitted + timedelta(days=33)).date(), "status": "active",
                    "same_unit": False, "recusal_reason": ""})
                if j >= sheets_in:
                    continue
                rid = len(reviews) + 1
                reviews.append({
                    "id": rid, "assignment_id": aid, "initiative_id": n, "reviewer_id": reviewer, "round": 1,
                    "version_id": n, "status": "submitted", "recommendation": "pass",
                    "overall_comment": "Đạt yêu cầu.", "created_at": submitted, "updated_at": submitted,
                    "submitted_at": submitted + timedelta(days=10)})
                total = 0
                for cid, code, maximum in criteria[year]:
                    value = rng.randint(maximum // 2, maximum)
                    total += value
                    scores.append({"review_id": rid, "criterion_id": cid, "criterion_code": code,
                                   "score": value, "comment": ""})
                totals.append(total)
            if decided:
                decisions.append({
                    "initiative_id": n, "round": 1, "outcome": "recognized", "suggested": "recognized",
                    "reason": "", "decision_no": f"15/QĐ-VKS-{decided_year}", "decision_date": decision_day,
                    "mean_total": round(sum(totals) / len(totals), 2), "decided_by_id": accounts["chutich"],
                    "decided_at": datetime(decided_year, 12, 20, 9)})
        for table, rows in ((Initiative.__table__, initiatives), (InitiativeAuthor.__table__, authors),
                            (InitiativeVersion.__table__, versions),
                            (ReviewAssignment.__table__, assignments), (Review.__table__, reviews),
                            (ReviewScore.__table__, scores), (CouncilDecision.__table__, decisions)):
            _rows(table, rows)

        awards, registrations, articles, services, disciplines = [], [], [], [], []
        for uid in staff:
            for year in range(decided_year - 6, decided_year):
                if rng.random() < 0.85:
                    awards.append({"user_id": uid, "year": year, "title": "advanced_worker", "decision_no": "",
                                   "reason": ""})
                    if rng.random() < 0.1:
                        awards.append({"user_id": uid, "year": year, "title": "emulation_soldier_grassroots",
                                       "decision_no": "", "reason": ""})
            if rng.random() < 0.85:
                awards.append({"user_id": uid, "year": decided_year, "title": "advanced_worker",
                               "decision_no": "", "reason": ""})
            if rng.random() < 0.4:
                title = rng.choice(("advanced_worker", "advanced_worker", "emulation_soldier_grassroots",
                                    "emulation_soldier_sector"))
                registrations.append({"user_id": uid, "year": decided_year, "title": title})
            if rng.random() < 0.5:
                articles.append({"user_id": uid, "year": decided_year, "count": rng.randint(0, 6)})
            if rng.random() < 0.05:
                services.append({"user_id": uid, "year": decided_year, "leave_months": rng.choice((0, 2, 4)),
                                 "recruited_on": date(decided_year, rng.randint(1, 12), 1), "note": ""})
            if rng.random() < 0.01:
                disciplines.append({"user_id": uid, "year": decided_year - rng.randint(0, 2),
                                    "level": "reprimand", "note": ""})
        for table, rows in ((TitleAward.__table__, awards), (Registration.__table__, registrations),
                            (ArticleCount.__table__, articles), (ServiceRecord.__table__, services),
                            (Discipline.__table__, disciplines)):
            _rows(table, rows)
        db.session.commit()
    return {"this_year": this_year, "decided_year": decided_year, "accounts": accounts,
            "decision_no": f"15/QĐ-VKS-{decided_year}", "author": authors[0]["user_id"]}
