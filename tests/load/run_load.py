"""`make load`: the portal under gunicorn on loopback with the 20,000-initiative corpus, driven by locust.

    python tests/load/run_load.py [--db sqlite|postgres] [--duration 60] [--docs 20000]
                                  [--readers 12] [--staff 4] [--council 4] [--think 0] [--rebuild]

1. The database is built once and cached under instance-load/<db>/pristine
   (SQLite file, or the PostgreSQL database `load` on 127.0.0.1), with its
   search index; it is rebuilt when the corpus size, the migrations or the
   dataset code change. Each run works on a fresh copy (a file copy, or
   `CREATE DATABASE load_work TEMPLATE load`).
2. gunicorn serves the portal on 127.0.0.1 with gunicorn.conf.py (workers fitted
   to the machine) and locust, headless, runs readers, staff and council
   members against it together for --duration seconds.
3. Afterwards: no 5xx allowed, no request left without an answer (a socket
   error) except those cut by the run's own end, no worker that died (killed by
   a signal such as SIGSEGV, exited with an error, or timed out: read from
   gunicorn's log, since a crashed worker's requests show up at the client as
   closed sockets, not as HTTP errors), and every acknowledged write must be in
   the database (each created and submitted initiative, each submitted score
   sheet), and the audit chain must still verify.
4. The same number of users then asks a minimal Flask route served the same way;
   the report gives the ratio.
5. The public pages one by one under wrk (`tests/load/public_pages.py`): the minimal route, the
   portal with its page cache warm and the portal with the cache off, side by side, each for
   --public-seconds; any answer not 2xx/3xx, socket error or crashed worker fails the run.
Exit status 1 when a check fails. Nothing ever leaves 127.0.0.1.
"""
import argparse
import csv
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/load"
SECRET = "load-test-secret-not-for-production"
GROUPS = ["public: list", "public: search", "public: article", "staff: create", "staff: submit",
          "council: save review", "council: submit review", "sign-in"]


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the cached database -----------------------------------------------------------

def code_stamp(docs):
    digest = hashlib.sha256(str(docs).encode())
    for path in sorted([HERE / "dataset.py", ROOT / "tests" / "benchmarks" / "corpus.py",
                        *(ROOT / "migrations" / "versions").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pg_admin(url, statements):
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def portal_app(url, instance):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET})


def prepare(args, home):
    """The pristine database and instance folder; built when missing or out of date. Returns (url, plan)."""
    from sqlalchemy.engine import make_url

    pristine = home / "pristine"
    stamp_path, plan_path = home / "stamp.json", home / "plan.json"
    if args.db == "sqlite":
        url = f"sqlite:///{pristine / 'portal.db'}"
    else:
        url = args.pg_url
    stamp = code_stamp(args.docs)
    if not args.rebuild and stamp_path.exists() and plan_path.exists():
        saved = json.loads(stamp_path.read_text())
        if saved.get("stamp") == stamp:
            log(f"reusing the cached database ({url}) — --rebuild to make it again")
            if not saved.get("analyzed"):
                analyze(url, pristine)
                stamp_path.write_text(json.dumps({**saved, "analyzed": True}))
            return url, json.loads(plan_path.read_text())

    log(f"building the load database: {args.docs} published initiatives ({url})")
    stamp_path.unlink(missing_ok=True)
    if pristine.exists():
        shutil.rmtree(pristine)
    pristine.mkdir(parents=True)
    if args.db == "postgres":
        name = make_url(url).database
        pg_admin(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    app = portal_app(url, pristine)
    from flask_migrate import upgrade

    from portal.extensions import db
    from tests.load import dataset

    with app.app_context():
        upgrade()
        plan = dataset.build(app, args.docs, log=log)
        db.session.commit()
        if args.db == "sqlite":
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    analyze(url, pristine)
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    stamp_path.write_text(json.dumps({"stamp": stamp, "docs": args.docs, "analyzed": True}))
    return url, plan


def analyze(url, instance):
    """Planner statistics, as a database that has lived a while has them (autovacuum on PostgreSQL;
    `PRAGMA optimize`/ANALYZE on SQLite); a bulk-loaded database has none."""
    from portal.extensions import db

    app = portal_app(url, instance)
    with app.app_context():
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        db.engine.dispose()


def working_copy(args, home, url):
    """A fresh copy of the pristine database and instance folder for this run."""
    from sqlalchemy.engine import make_url

    run = home / "run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(home / "pristine", run, ignore=shutil.ignore_patterns("portal.db*", "mail", "*.lock"))
    if args.db == "sqlite":
        shutil.copyfile(home / "pristine" / "portal.db", run / "portal.db")
        return f"sqlite:///{run / 'portal.db'}"
    parsed = make_url(url)
    work = f"{parsed.database}_work"
    pg_admin(url, [f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)',
                   f'CREATE DATABASE "{work}" TEMPLATE "{parsed.database}"'])
    return parsed.set(database=work).render_as_string(hide_password=False)


def extend_filing(url, instance, year):
    """The cached corpus keeps the deadline it was built with (31 October of its year); a run made
    later extends it, as the admin would, so that the staff's submissions are taken."""
    from datetime import timedelta

    from portal.core.timeutil import today
    from portal.extensions import db
    from portal.years.models import Year

    app = portal_app(url, instance)
    with app.app_context():
        row = db.session.get(Year, year)
        if row is not None and row.submission_deadline is not None and row.submission_deadline < today():
            row.submission_deadline = today() + timedelta(days=30)
            row.is_open = True
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


# -- serving and driving -----------------------------------------------------------------

def serve(app_module, url, instance, pythonpath, serving=None):
    """gunicorn with gunicorn.conf.py; `serving` overrides its PORTAL_WORKERS / PORTAL_THREADS / … defaults."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL", "SECRET_KEY"))}
    env.update(serving or {})
    env.update({"DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET,
                "PORTAL_BIND": f"127.0.0.1:{port}", "PORTAL_ACCESS_LOG": "/dev/null",
                "PORTAL_LOG_LEVEL": "warning"})
    log_file = open(instance / f"gunicorn-{app_module.split(':')[0]}.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath", str(pythonpath),
         app_module], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    log_file.close()
    base = f"http://127.0.0.1:{port}"
    # Ready when a worker answers a static file: the first page of a cold worker can take longer
    # than the probe's timeout on a busy machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log_file.name}")
        try:
            with urllib.request.urlopen(base + "/static/css/portal.css", timeout=5) as response:
                response.read()
            break
        except urllib.error.HTTPError as error:
            error.close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise SystemExit(f"gunicorn did not answer on {base}")
    return process, base, Path(log_file.name)


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def drive(args, base, workdir, mode, plan_path):
    """Run locust headless; returns (per-group stats, results of the locustfile)."""
    prefix = workdir / f"locust-{mode}"
    results = workdir / f"results-{mode}.json"
    users = args.readers + args.staff + args.council
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULTS": str(results), "LOAD_MODE": mode,
           "LOAD_READERS": str(args.readers), "LOAD_STAFF": str(args.staff),
           "LOAD_COUNCIL": str(args.council), "LOAD_THINK": str(args.think)}
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
               "--host", base, "-u", str(users), "-r", str(users), "--run-time", f"{args.duration}s",
               "--stop-timeout", "15", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    loadavg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    log(f"locust: {users} users ({mode}) for {args.duration} s against {base} (load average {loadavg})")
    completed = subprocess.run(command, cwd=HERE, env=env, capture_output=True, text=True)
    if not results.exists():
        raise SystemExit(f"locust failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    stats = {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]), "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0), "p99": float(row["99%"] or 0),
            }
    return stats, {**json.loads(results.read_text()), "loadavg_before": loadavg}


# -- checking ---------------------------------------------------------------------------

def check_writes(url, instance, plan, results):
    """Every acknowledged write is in the database; returns (problems, counts)."""
    from sqlalchemy import func, select

    from portal.auth.models import User
    from portal.core import audit
    from portal.council.models import Review, ReviewStatus
    from portal.extensions import db
    from portal.initiatives.models import Initiative, InitiativeVersion

    acked = results["acked"]
    problems = []
    app = portal_app(url, instance)
    with app.app_context():
        staff_ids = set(db.session.execute(select(User.id).where(User.username.in_(plan["staff"]))).scalars())
        created = dict(db.session.execute(select(Initiative.id, Initiative.status).where(
            Initiative.created_by_id.in_(staff_ids))).all())
        versions = set(db.session.execute(select(InitiativeVersion.initiative_id).where(
            InitiativeVersion.initiative_id.in_(list(created) or [0]))).scalars())
        lost = sorted(set(acked["created"]) - set(created))
        if lost:
            problems.append(f"{len(lost)} acknowledged new initiatives are missing: {lost[:10]}")
        unsubmitted = sorted(i for i in acked["submitted"]
                             if created.get(i) is None or created[i].value != "submitted" or i not in versions)
        if unsubmitted:
            problems.append(f"{len(unsubmitted)} acknowledged submissions are not submitted: {unsubmitted[:10]}")
        sheets = set(db.session.execute(
            select(Review.initiative_id, User.username).join(User, User.id == Review.reviewer_id)
            .where(Review.status == ReviewStatus.submitted)).all())
        missing = [pair for pair in acked["scored"] if tuple(pair) not in sheets]
        if missing:
            problems.append(f"{len(missing)} acknowledged score sheets are not submitted: {missing[:10]}")
        chain = audit.verify()
        if chain:
            problems.append("audit chain broken: " + "; ".join(chain[:5]))
        counts = {
            "created (acknowledged / in database)": f"{len(acked['created'])} / {len(created)}",
            "submitted (acknowledged / in database)":
                f"{len(acked['submitted'])} / {sum(1 for s in created.values() if s.value == 'submitted')}",
            "score sheets (acknowledged / submitted in database)": f"{len(acked['scored'])} / {len(sheets)}",
            "audit events": db.session.execute(select(func.count(audit.AuditEvent.id))).scalar_one(),
        }
        db.session.remove()
        db.engine.dispose()
    return problems, counts


def death_problems(label, deaths, log_path):
    """A worker killed by a signal is a crash; one that exited with an error or timed out is a failure too."""
    from tests.load.gunicorn_log import signalled

    problems = []
    crashed = signalled(deaths)
    if crashed:
        problems.append(f"{label}: {len(crashed)} workers killed by a signal: "
                        f"{', '.join(f'{pid} {how}' for pid, how in crashed[:10])} (see {log_path})")
    other = [d for d in deaths if d not in crashed]
    if other:
        problems.append(f"{label}: {len(other)} workers died: "
                        f"{', '.join(f'{pid} {how}' for pid, how in other[:10])} (see {log_path})")
    return problems


def server_errors(results):
    return {group: sum(n for code, n in codes.items() if code.startswith("5"))
            for group, codes in results["statuses"].items()}


def no_answer(results):
    return {group: codes.get("0", 0) for group, codes in results["statuses"].items()}


def total(stats):
    row = stats.get("Aggregated", {})
    return row.get("rps", 0.0), row.get("p50", 0), row.get("p95", 0), row.get("p99", 0)


def public_table(args, run_url, run, plan, serving):
    """Issue 15's table: each public page, cache warm and off, beside the minimal route."""
    from tests.load import public_pages
    from tests.load.gunicorn_log import worker_deaths

    if not shutil.which("wrk"):
        return None, ["the public-page table needs wrk (apt install wrk), or pass --public-seconds 0"]
    uncached = public_pages.uncached_instance(run, run.parent / "run-uncached")
    servers = {"warm": serve("portal:create_app()", run_url, run, ROOT, serving),
               "off": serve("portal:create_app()", run_url, uncached, ROOT, serving),
               "minimal": serve("minimal_app:create()", run_url, run, HERE, serving)}
    loadavg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    log(f"public pages under wrk, {args.public_seconds} s each (load average {loadavg})")
    try:
        rows = public_pages.measure({name: base for name, (_, base, _) in servers.items()}, plan,
                                    args.public_seconds, _status)
    finally:
        for process, _, _ in servers.values():
            stop(process)
    problems = public_pages.problems(rows)
    for name, (_, _, log_path) in servers.items():
        problems.extend(death_problems(f"public pages, {name}", worker_deaths(log_path.read_text(errors="replace")),
                                       log_path))
    return rows, problems


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - loopback only
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def report(args, portal_stats, portal_results, minimal_stats, minimal_results, counts, problems,
           public_rows=None):
    fives = server_errors(portal_results)
    lines = [f"Load run: {args.db}, {plan_docs(args)} published initiatives, "
             f"{args.readers} readers + {args.staff} staff + {args.council} council members, "
             f"{args.duration} s, think time {args.think} s, "
             f"gunicorn workers {args.workers or 'default'}, threads {args.threads or 'default'}",
             f"machine: {os.cpu_count()} cores; load average before the portal run "
             f"{portal_results.get('loadavg_before', '?')}, before the minimal run "
             f"{(minimal_results or {}).get('loadavg_before', '?')}",
             f"{'group':<26}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
             f"{'errors':>8}{'5xx':>6}"]
    for group in [*GROUPS, "Aggregated"]:
        row = portal_stats.get(group)
        if not row:
            continue
        five = sum(fives.values()) if group == "Aggregated" else fives.get(group, 0)
        lines.append(f"{group:<26}{row['requests']:>9}{row['rps']:>9.1f}{row['p50']:>9.0f}{row['p95']:>9.0f}"
                     f"{row['p99']:>9.0f}{row['failures']:>8}{five:>6}")
    for name, value in counts.items():
        lines.append(f"  {name}: {value}")
    if portal_results.get("ran_out"):
        lines.append(f"  council members who finished all their sheets: {len(portal_results['ran_out'])}")
    if minimal_stats:
        rps, p50, p95, p99 = total(portal_stats)
        m_rps, m50, m95, m99 = total(minimal_stats)
        lines.append(f"minimal Flask route, same users, same gunicorn: {m_rps:.1f} req/s, "
                     f"p50 {m50:.0f} ms, p95 {m95:.0f} ms, p99 {m99:.0f} ms")
        lines.append(f"portal / minimal: throughput {rps / m_rps if m_rps else 0:.3f}, "
                     f"p50 latency ×{p50 / m50 if m50 else 0:.1f}")
    if public_rows:
        from tests.load import public_pages

        lines.extend(public_pages.table(public_rows))
    lines.append("RESULT: " + ("PASS — no crashed worker, no socket error, no 5xx, no lost write"
                               if not problems else "FAIL"))
    lines.extend(f"  - {p}" for p in problems)
    return "\n".join(lines)


def plan_docs(args):
    return f"{args.docs:,}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=os.environ.get("DB") or "sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_PG),
                        help="PostgreSQL database to build (on 127.0.0.1); a *_work copy is used per run")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (each of the two runs)")
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--readers", type=int, default=12)
    parser.add_argument("--staff", type=int, default=4)
    parser.add_argument("--council", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a user's tasks, seconds")
    parser.add_argument("--rebuild", action="store_true", help="build the cached database again")
    parser.add_argument("--skip-minimal", action="store_true")
    parser.add_argument("--public-seconds", type=int, default=10,
                        help="seconds of wrk per public page and server (0: no public-page table)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: gunicorn.conf.py's)")
    args = parser.parse_args(argv)
    if args.db == "postgres":
        from sqlalchemy.engine import make_url

        if make_url(args.pg_url).host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("the load database must be on 127.0.0.1")
    from tests.load import dataset
    from tests.load.gunicorn_log import worker_deaths

    if args.council > dataset.MEMBERS:
        raise SystemExit(f"at most {dataset.MEMBERS} council members have assignments")

    home = ROOT / "instance-load" / args.db
    home.mkdir(parents=True, exist_ok=True)
    url, plan = prepare(args, home)
    run_url = working_copy(args, home, url)
    run = home / "run"
    extend_filing(run_url, run, plan["this_year"])
    serving = {name: str(value) for name, value in
               (("PORTAL_WORKERS", args.workers), ("PORTAL_THREADS", args.threads)) if value}
    process, base, portal_log = serve("portal:create_app()", run_url, run, ROOT, serving)
    try:
        portal_stats, portal_results = drive(args, base, run, "portal", home / "plan.json")
    finally:
        stop(process)
    problems = []
    deaths = worker_deaths(portal_log.read_text(errors="replace"))
    problems.extend(death_problems("portal", deaths, portal_log))
    fives = server_errors(portal_results)
    if sum(fives.values()):
        problems.append(f"server errors: { {g: n for g, n in fives.items() if n} } (see {run}/gunicorn-portal.log)")
    dropped = {g: n for g, n in no_answer(portal_results).items() if n}
    if dropped:
        problems.append(f"requests without an answer: {dropped}")
    write_problems, counts = check_writes(run_url, run, plan, portal_results)
    problems.extend(write_problems)

    minimal_stats = minimal_results = None
    if not args.skip_minimal:
        process, base, minimal_log = serve("minimal_app:create()", run_url, run, HERE, serving)
        try:
            minimal_stats, minimal_results = drive(args, base, run, "minimal", home / "plan.json")
        finally:
            stop(process)
        minimal_deaths = worker_deaths(minimal_log.read_text(errors="replace"))
        problems.extend(death_problems("minimal app", minimal_deaths, minimal_log))
        minimal_dropped = {g: n for g, n in no_answer(minimal_results).items() if n}
        if minimal_dropped:
            problems.append(f"minimal app: requests without an answer: {minimal_dropped}")
    public_rows = None
    if args.public_seconds:
        public_rows, public_problems = public_table(args, run_url, run, plan, serving)
        problems.extend(public_problems)
    counts["workers died (portal)"] = len(deaths)
    counts["requests cut by the run's end (not counted as errors)"] = sum(portal_results.get("at_end", {}).values())
    text = report(args, portal_stats, portal_results, minimal_stats, minimal_results, counts, problems,
                  public_rows)
    print("\n" + text)
    (home / "last-report.txt").write_text(text + "\n")
    (home / "last-report.json").write_text(json.dumps(
        {"portal": portal_stats, "minimal": minimal_stats, "public": public_rows, "counts": counts,
         "problems": problems,
         "statuses": portal_results["statuses"]}, indent=2, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
