"""The load test's database: the published corpus, staff, and a council with work assigned.

`build(app, docs)` fills an empty, migrated database:
- the synthetic corpus of tests/benchmarks/corpus.py as recognised, published
  initiatives (bulk inserts: authors become staff accounts, one per name);
- `STAFF` staff accounts who create and submit initiatives during the run;
- this year's council (secretary, chair, `MEMBERS` members) and
  `IN_REVIEW` initiatives in appraisal, each assigned to three members through
  the council's own `assign` operation;
- both search indexes built from the database.
It returns the plan the load generator follows (accounts, assignments,
article URLs, search queries), which run_load.py keeps beside the database.
"""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from portal.core.textfold import fold
from portal.core.timeutil import today as portal_today
from portal.extensions import db

PASSWORD = "tai-thu-tai-2026"
STAFF = 16
MEMBERS = 12
IN_REVIEW = 2400          # × 3 reviewers = 7,200 score sheets: 600 per member, enough for minutes
REVIEWERS = 3
CHUNK = 1000
_CORPUS_FIELD_CODES = {  # the corpus's field codes → the portal's default list
    "hinh_su": "criminal", "dan_su": "civil", "hanh_chinh": "administrative",
    "kinh_doanh_thuong_mai": "commercial", "lao_dong": "labour", "thi_hanh_an": "enforcement",
    "cong_nghe_thong_tin": "it", "to_chuc_can_bo": "personnel", "van_phong_tong_hop": "office",
    "khac": "other",
}


def _rows(table, rows):
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def _reset_sequences():
    """Explicit ids were inserted: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id":
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"GREATEST((SELECT max(id) FROM \"{table.name}\"), 1))"))


def _sections(body):
    parts = body.split("\n\n")
    quarter = max(1, len(parts) // 4)
    return {
        "current_state": "\n\n".join(parts[:quarter]),
        "solution": "\n\n".join(parts[quarter:-2] or parts[quarter:]),
        "conditions": parts[-2] if len(parts) > 2 else parts[-1],
        "benefits": parts[-1],
    }


def build(app, n_docs, seed=2021, log=print):
    """Fill the (migrated, empty) database of `app`; returns the plan for the load generator."""
    from portal.auth.models import Role, Unit, UnitKind, User, UserRole
    from portal.core.audit import ensure_head
    from portal.council import operations as council_ops
    from portal.council.services import add_council_member, get_or_create_council, rubric_for
    from portal.initiatives.models import (
        DEFAULT_FIELDS,
        Field,
        Initiative,
        InitiativeAuthor,
        InitiativeVersion,
    )
    from portal.publishing.models import Publication
    from portal.publishing.operations import slug_for
    from portal.search import service as search
    from portal.years.models import Year
    from tests.benchmarks import corpus

    rng = random.Random(seed)
    this_year = portal_today().year
    password_hash = generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
    started = datetime.now()
    log(f"generating {n_docs} documents …")
    docs = corpus.generate(n_docs, seed=seed)

    ensure_head()
    for y in sorted({*corpus.YEARS, this_year - 1, this_year}):
        db.session.add(Year(year=y, submission_deadline=date(y, 10, 31), review_deadline=date(y, 12, 15),
                            commendation_deadline=date(y + 1, 3, 10)))
    fields = {}
    for position, (code, name) in enumerate(DEFAULT_FIELDS):
        fields[code] = Field(code=code, name=name, position=position)
        db.session.add(fields[code])
    units = {}
    for i, name in enumerate(corpus.UNITS, 1):
        kind = UnitKind.district if name.startswith("VKSND") else UnitKind.city_department
        units[name] = Unit(name=name, kind=kind, code=f"U{i:02d}")
        db.session.add(units[name])
    db.session.flush()

    # People: every author name of the corpus is a staff account, in the unit it first appears.
    user_rows, by_name = [], {}
    for doc in docs:
        for name in doc["authors"]:
            if name not in by_name:
                by_name[name] = len(user_rows) + 1
                user_rows.append({
                    "id": by_name[name], "username": f"tg{by_name[name]:05d}", "full_name": name,
                    "email": None, "unit_id": units[doc["unit"]].id, "password_hash": password_hash,
                    "position": "Kiểm sát viên", "is_leader": False, "active": True, "session_version": 1,
                })

    def person(username, full_name, unit):
        user_rows.append({
            "id": len(user_rows) + 1, "username": username, "full_name": full_name, "email": None,
            "unit_id": units[unit].id, "password_hash": password_hash, "position": "Kiểm sát viên",
            "is_leader": False, "active": True, "session_version": 1,
        })
        return user_rows[-1]["id"]

    unit_names = list(units)
    editor_id = person("load.bientap", "Biên tập viên tải thử", unit_names[0])
    secretary_id = person("load.thuky", "Thư ký Hội đồng tải thử", unit_names[0])
    chair_id = person("load.chutich", "Chủ tịch Hội đồng tải thử", unit_names[1])
    members = {f"load.hd{i:02d}": person(f"load.hd{i:02d}", f"Thành viên Hội đồng {i:02d}",
                                         unit_names[(i + 2) % len(unit_names)]) for i in range(1, MEMBERS + 1)}
    staff = [f"load.cb{i:02d}" for i in range(1, STAFF + 1)]
    for i, username in enumerate(staff):
        person(username, f"Cán bộ tải thử {i + 1:02d}", unit_names[i % len(unit_names)])
    _rows(User.__table__, user_rows)
    _rows(UserRole.__table__, [{"user_id": editor_id, "role": Role.editor.value}])
    log(f"{len(user_rows)} accounts")

    # The published corpus.
    publication_columns = set(Publication.__table__.c.keys())
    initiative_rows, author_rows, version_rows, publication_rows = [], [], [], []
    for doc in docs:
        published = doc["published_at"]
        decided = published - timedelta(days=rng.randint(3, 30))
        submitted = decided - timedelta(days=rng.randint(30, 120))
        author_ids = list(dict.fromkeys(by_name[n] for n in doc["authors"]))
        values = {
            "id": doc["id"], "title": doc["title"][:300], "summary": doc["summary"],
            **_sections(doc["body"]),
            "field_id": fields[_CORPUS_FIELD_CODES[doc["field"]]].id, "form": "solution",
            "year": doc["year"], "unit_id": units[doc["unit"]].id, "requested_level": "grassroots",
            "first_applied_on": date(doc["year"], 1, 1) + timedelta(days=rng.randint(0, 120)),
            "status": "recognized", "round": 1, "return_note": "", "created_by_id": author_ids[0],
            "created_at": submitted, "updated_at": published, "submitted_at": submitted,
            "accepted_at": submitted + timedelta(days=5), "decided_at": decided,
            "level": doc["level"], "decision_no": f"{doc['id']}/QĐ-VKS",
            "decision_date": decided.date(), "decision_reason": "",
            "sector_decision_no": "", "national_decision_no": "",
        }
        initiative_rows.append(values)
        share = 100 // len(author_ids)
        for position, user_id in enumerate(author_ids):
            author_rows.append({
                "initiative_id": doc["id"], "user_id": user_id, "external_name": "",
                "external_workplace": "", "position": position,
                "share": share + (100 - share * len(author_ids) if position == 0 else 0),
            })
        version_rows.append({"initiative_id": doc["id"], "number": 1, "submitted_at": submitted,
                             "submitted_by_id": author_ids[0], "snapshot": {"title": values["title"]}})
        publication_rows.append({
            "initiative_id": doc["id"], "is_published": True, "published_at": published,
            "published_by_id": editor_id, "first_published_at": published, "public_summary": "",
            "slug": slug_for(values["title"]), "view_count": rng.randint(0, 500),
            "unpublish_reason": "", "updated_at": published,
        })
        if "live" in publication_columns:  # the initiative's public facts, copied for the lists
            publication_rows[-1].update(live=True, year=values["year"], field_id=values["field_id"],
                                        unit_id=values["unit_id"], level=values["level"])
    _rows(Initiative.__table__, initiative_rows)
    _rows(InitiativeAuthor.__table__, author_rows)
    _rows(InitiativeVersion.__table__, version_rows)
    _rows(Publication.__table__, publication_rows)
    log(f"{len(initiative_rows)} published initiatives")

    # This year's appraisal: initiatives in review, three members each.
    first_review_id = n_docs + 1
    review_docs = corpus.generate(IN_REVIEW, seed=seed + 1)
    initiative_rows, author_rows, version_rows = [], [], []
    corpus_authors = list(by_name.values())
    for offset, doc in enumerate(review_docs):
        initiative_id = first_review_id + offset
        author = rng.choice(corpus_authors)
        submitted = datetime.now() - timedelta(days=rng.randint(10, 40))
        initiative_rows.append({
            "id": initiative_id, "title": doc["title"][:300], "summary": doc["summary"],
            **_sections(doc["body"]), "field_id": fields[_CORPUS_FIELD_CODES[doc["field"]]].id,
            "form": "solution", "year": this_year, "unit_id": units[doc["unit"]].id,
            "requested_level": "grassroots", "first_applied_on": date(this_year, 1, 15),
            "status": "in_review", "round": 1, "return_note": "", "created_by_id": author,
            "created_at": submitted, "updated_at": submitted, "submitted_at": submitted,
            "accepted_at": submitted + timedelta(days=2), "decision_no": "", "decision_reason": "",
            "sector_decision_no": "", "national_decision_no": "",
        })
        author_rows.append({"initiative_id": initiative_id, "user_id": author, "external_name": "",
                            "external_workplace": "", "position": 0, "share": 100})
        version_rows.append({"initiative_id": initiative_id, "number": 1, "submitted_at": submitted,
                             "submitted_by_id": author, "snapshot": {"title": doc["title"][:300]}})
    _rows(Initiative.__table__, initiative_rows)
    _rows(InitiativeAuthor.__table__, author_rows)
    _rows(InitiativeVersion.__table__, version_rows)
    _reset_sequences()
    db.session.commit()

    get_or_create_council(this_year, decision_no=f"01/QĐ-VKS-{this_year}", decision_date=date(this_year, 1, 10))
    secretary, chair = db.session.get(User, secretary_id), db.session.get(User, chair_id)
    add_council_member(this_year, secretary, "secretary")
    add_council_member(this_year, chair, "chair")
    member_users = {name: db.session.get(User, user_id) for name, user_id in members.items()}
    for user in member_users.values():
        add_council_member(this_year, user, "member")
    rubric_for(this_year)
    db.session.commit()

    assignments = {name: [] for name in members}
    names = list(members)
    review_ids = list(range(first_review_id, first_review_id + IN_REVIEW))
    for start in range(0, len(review_ids), 200):
        batch = db.session.execute(select(Initiative).where(
            Initiative.id.in_(review_ids[start:start + 200]))).scalars().all()
        for initiative in batch:
            k = initiative.id % len(names)
            for j in range(REVIEWERS):
                name = names[(k + j) % len(names)]
                council_ops.assign(initiative, secretary, member_users[name])
                assignments[name].append(initiative.id)
        db.session.commit()
    log(f"{IN_REVIEW} initiatives in review, {IN_REVIEW * REVIEWERS} assignments")

    for name in search.INDEXES:
        count = search.reindex(name)
        log(f"search index {name}: {count} documents")

    sample = rng.sample(range(1, n_docs + 1), min(3000, n_docs))
    slugs = dict(db.session.execute(select(Publication.initiative_id, Publication.slug).where(
        Publication.initiative_id.in_(sample))).all())
    queries = []
    for doc in rng.sample(docs, min(400, len(docs))):
        words = doc["title"].split()
        start = rng.randrange(max(1, len(words) - 2))
        query = " ".join(words[start:start + rng.choice([1, 2, 2, 3])])
        queries.append(fold(query) if rng.random() < 0.5 else query)
    counts = dict(db.session.execute(
        select(Initiative.status, func.count(Initiative.id)).group_by(Initiative.status)).all())
    log(f"built in {(datetime.now() - started).total_seconds():.0f} s: {counts}")
    return {
        "docs": n_docs,
        "this_year": this_year,
        "password": PASSWORD,
        "staff": staff,
        "assignments": assignments,
        "articles": [[i, slugs[i]] for i in sample if i in slugs],
        "queries": queries,
        "years": sorted({d["year"] for d in docs}),
        "fields": sorted(code for code, _ in DEFAULT_FIELDS),
        "units": [u.id for u in units.values()],
    }
