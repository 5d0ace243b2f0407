"""`make bench`: every benchmark of the portal in one run, with one report.

1. The search engine against SQLite FTS5 on the same synthetic corpus
   (tests/benchmarks/bench_search.py).
2. The portal's public pages through the Flask test client on a SQLite
   database holding the same corpus as published initiatives: latency of the
   list, search and article pages (p50, p95), and the number of SQL queries
   per public page at 100 and at N initiatives (they must be equal).
3. The emulation eligibility engine (tests/benchmarks/bench_eligibility.py).
4. A page action that notifies 20 people against one that notifies none, with the
   mail server hanging, and the worker sending the queued mail (bench_mail.py).
5. The internal pages of issue 15, point 4 (bench_internal.py): the council's exports for
   3,000 recognised initiatives, the emulation officer's year page and export at 21,000
   accounts, the council queue and dashboards with 2,400 initiatives in appraisal, each
   beside its target.

    python tests/benchmarks/run_all.py [--docs 20000] [--queries 300] [--requests 200]
                                       [--people 21000] [--skip-internal]
"""
import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from portal.core.timeutil import today as portal_today  # noqa: E402


def _optional(name):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _heading(text):
    print()
    print(text)
    print("=" * len(text))


# -- a portal database holding the corpus ------------------------------------------------

def build_portal(n_docs, workdir, seed=2021):
    """An app on a fresh SQLite file with `n_docs` published initiatives (bulk inserted)."""
    from sqlalchemy import insert

    from portal import create_app
    from portal.auth.models import Unit, UnitKind, User
    from portal.core.timeutil import utcnow
    from portal.extensions import db
    from portal.initiatives.models import Field, Initiative, InitiativeAuthor
    from portal.publishing.cache import ensure_generation
    from portal.publishing.models import Publication
    from portal.publishing.operations import slug_for

    path = Path(workdir) / f"portal-{n_docs}.db"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "INSTANCE_PATH": str(Path(workdir) / f"instance-{n_docs}"),
        "SECRET_KEY": "bench", "SERVER_NAME": "localhost",
    })
    docs = corpus.generate(n_docs, seed=seed)
    with app.app_context():
        db.create_all()
        ensure_generation()  # as init-db does: without it no public page is cached
        units = {name: Unit(name=name, kind=UnitKind.district if name.startswith("VKSND") else
                            UnitKind.city_department) for name in corpus.UNITS}
        fields = {code: Field(code=code, name=name, position=i)
                  for i, (code, name) in enumerate(corpus.FIELDS.items())}
        db.session.add_all([*units.values(), *fields.values()])
        owner = User(username="bench", full_name="Bench", unit=next(iter(units.values())),
                     password_hash="!")
        db.session.add(owner)
        db.session.flush()
        now = utcnow()
        for start in range(0, len(docs), 2000):
            chunk = docs[start:start + 2000]
            db.session.execute(insert(Initiative.__table__), [{
                "id": d["id"], "title": d["title"], "field_id": fields[d["field"]].id,
                "form": "solution", "year": d["year"], "unit_id": units[d["unit"]].id,
                "requested_level": "grassroots", "summary": d["summary"], "current_state": "",
                "solution": d["body"], "conditions": "", "benefits": "", "status": "recognized",
                "round": 1, "return_note": "", "created_by_id": owner.id, "created_at": now,
                "updated_at": now, "decided_at": d["published_at"], "level": d["level"],
                "decision_no": f"{d['id']}/QĐ-VKS", "decision_date": d["published_at"].date(),
                "decision_reason": "", "sector_decision_no": "", "national_decision_no": "",
            } for d in chunk])
            db.session.execute(insert(InitiativeAuthor.__table__), [{
                "initiative_id": d["id"], "user_id": None, "external_name": name,
                "external_workplace": d["unit"], "share": 100 // len(d["authors"]), "position": i,
            } for d in chunk for i, name in enumerate(d["authors"])])
            db.session.execute(insert(Publication.__table__), [{
                "initiative_id": d["id"], "is_published": True,
                "published_at": d["published_at"] + timedelta(days=7),
                "first_published_at": d["published_at"] + timedelta(days=7),
                "public_summary": "", "slug": slug_for(d["title"]), "view_count": d["id"] % 997,
                "unpublish_reason": "", "updated_at": now, "live": True, "year": d["year"],
                "field_id": fields[d["field"]].id, "unit_id": units[d["unit"]].id,
                "level": d["level"],
            } for d in chunk])
        db.session.commit()
    return app, docs


class QueryCounter:
    """Statements on every engine of the process (the site generation has an engine of its own)."""

    def __init__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.count = 0
        self.engines = Engine
        self._event = event

    def _before(self, *args):
        self.count += 1

    def __enter__(self):
        self._event.listen(self.engines, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        self._event.remove(self.engines, "before_cursor_execute", self._before)


def public_urls(docs):
    first = docs[0]
    from portal.publishing.operations import slug_for

    return [
        "/", "/initiatives", "/initiatives?field=hinh_su&sort=views&page=2",
        f"/initiatives/{first['id']}-{slug_for(first['title'])}",
        "/search?q=kiem+sat+dieu+tra", "/search?q=h%E1%BB%93+s%C6%A1&year=2020",
        "/feed.atom", "/fields/dan_su/feed.atom", "/sitemap.xml",
        "/api/v1/public/initiatives?per_page=20", "/api/v1/public/initiatives?q=thi+hanh+an",
        f"/api/v1/public/initiatives/{first['id']}",
    ]


def count_queries(app, docs):
    client = app.test_client()
    counts = {}
    app.config["PUBLIC_CACHE"] = False  # the render itself: a cached page reads one row anyway
    for url in public_urls(docs):
        assert client.get(url).status_code == 200, url
    for url in public_urls(docs):
        with QueryCounter() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = counter.count
    app.config["PUBLIC_CACHE"] = True
    return counts


def page_latency(app, docs, queries, n_requests, seed=11):
    from portal.publishing.operations import slug_for

    rng = random.Random(seed)
    client = app.test_client()
    fields = list(corpus.FIELDS)
    sorts = ["newest", "views", "title", "year"]

    def list_url():
        params = [f"page={rng.randint(1, 20)}", f"sort={rng.choice(sorts)}"]
        if rng.random() < 0.5:
            params.append(f"field={rng.choice(fields)}")
        if rng.random() < 0.3:
            params.append(f"year={rng.choice(corpus.YEARS)}")
        return "/initiatives?" + "&".join(params)

    def article_url():
        d = docs[rng.randrange(len(docs))]
        return f"/initiatives/{d['id']}-{slug_for(d['title'])}"

    def search_url():
        from urllib.parse import quote

        return "/search?q=" + quote(rng.choice(queries))

    figures = {}
    home = lambda: "/"  # noqa: E731
    for name, make in (("home", home), ("list", list_url), ("search", search_url), ("article", article_url)):
        client.get(make())  # warm: searcher open, caches filled as in a running portal
        urls = [make() for _ in range(n_requests)]
        for cached in (False, True):
            app.config["PUBLIC_CACHE"] = cached
            if cached:
                for url in urls:  # the cache warm: every page asked for once before
                    client.get(url)
            times = []
            for url in urls:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, url
            label = name + (" (cache warm)" if cached else "")
            figures[label] = (statistics.median(times), _percentile(times, 0.95))
    app.config["PUBLIC_CACHE"] = True
    return figures


def run_portal(n_docs, n_queries, n_requests, workdir):
    from portal.search import service

    bench_search = _optional("bench_search")
    _heading(f"Portal pages on {n_docs} published initiatives (SQLite, Flask test client)")
    start = time.perf_counter()
    app, docs = build_portal(n_docs, workdir)
    print(f"database filled in {time.perf_counter() - start:.1f} s")
    with app.app_context():
        start = time.perf_counter()
        count = service.reindex(service.PUBLIC)
        print(f"public index rebuilt from the database: {count} documents in "
              f"{time.perf_counter() - start:.1f} s")
    if bench_search is not None:
        queries = bench_search.make_queries(docs, n_queries)
    else:
        queries = ["kiểm sát", "dieu tra", "thi hành án", "hồ sơ điện tử", "tạm giam"]
    latency = page_latency(app, docs, queries, n_requests)
    print(f"{'page':24}{'p50 (ms)':>12}{'p95 (ms)':>12}   ({n_requests} requests each)")
    for name, (p50, p95) in latency.items():
        print(f"{name:24}{p50:>12.1f}{p95:>12.1f}")

    _heading("SQL queries per public page, rendered (the page cache off)")
    small_app, small_docs = build_portal(100, workdir, seed=7)
    with small_app.app_context():
        service.reindex(service.PUBLIC)
    small = count_queries(small_app, small_docs)
    large = count_queries(app, docs)
    print(f"{'page':58}{'100':>8}{n_docs:>8}")
    equal = True
    for (url, a), b in zip(small.items(), large.values(), strict=True):
        label = url if len(url) < 56 else url[:53] + "…"
        same = a == b
        equal &= same
        print(f"{label:58}{a:>8}{b:>8}{'' if same else '   DIFFERENT'}")
    print("equal at both sizes: " + ("yes" if equal else "NO"))
    return {"latency": latency, "queries_small": small, "queries_large": large, "equal": equal}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="initiatives in the corpus")
    parser.add_argument("--queries", type=int, default=300, help="search queries timed")
    parser.add_argument("--requests", type=int, default=200, help="requests per page type")
    parser.add_argument("--skip-eligibility", action="store_true")
    parser.add_argument("--people", type=int, default=21_000, help="accounts of the internal pages' bench")
    parser.add_argument("--skip-internal", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    bench_search = _optional("bench_search")
    if bench_search is not None:
        _heading(f"Search: portal engine vs SQLite FTS5 ({args.docs} documents)")
        bench_search.print_table(bench_search.run(args.docs, args.queries))

    with tempfile.TemporaryDirectory(prefix="bench-portal-") as workdir:
        result = run_portal(args.docs, args.queries, args.requests, workdir)

    bench_eligibility = None if args.skip_eligibility else _optional("bench_eligibility")
    if bench_eligibility is not None:
        _heading("Emulation eligibility engine")
        figures = bench_eligibility.run()
        printer = getattr(bench_eligibility, "print_table", None) or getattr(
            bench_eligibility, "print_report", None)
        if printer:
            printer(figures)
        else:
            for key, value in (figures or {}).items():
                print(f"{key}: {value}")

    bench_mail = _optional("bench_mail")
    if bench_mail is not None:
        _heading("Mail: the request queues, the worker sends")
        bench_mail.print_report(bench_mail.run())

    bench_internal = None if args.skip_internal else _optional("bench_internal")
    if bench_internal is not None:
        _heading(f"Internal pages: {args.people} accounts, 3,000 recognised, 2,400 in appraisal "
                 "(SQLite, Flask test client)")
        bench_internal.print_report(bench_internal.run(people=args.people))

    print(f"\nall benchmarks took {time.perf_counter() - started:.0f} s "
          f"on {portal_today().isoformat()}")
    return 0 if result["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
