"""Shared fixtures: an app on a fresh database, signed-in clients, factories, Chromium.

SQLite by default (a new file per test); PostgreSQL when PORTAL_TEST_DATABASE_URL
is set (schema made once per run, tables emptied between tests).
"""
import contextvars
import os
import shutil
import socket
import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import date

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from portal import create_app
from portal.core.timeutil import today as portal_today
from portal.extensions import db
from portal.publishing.cache import dispose_readers
from tests import process_cache

PASSWORD = "correct-horse-42"
def _worker_database(url):
    """Under pytest-xdist each worker gets its own PostgreSQL database (test_gw0, …)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
        # A test database need not outlive a crash: commits return without waiting for the disk.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return parsed.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("PORTAL_TEST_DATABASE_URL"))
if PG_URL:
    process_cache.install(PG_URL)
_sqlite_file = {}
_pg_schema_ready = False
_sqlite_template = {}


def _require(flag):
    return os.environ.get(flag) == "1"


def pytest_collection_modifyitems(config, items):
    """Backend-specific tests run in their own pass of `make test` (deselected with -m
    in the other); run by hand against the wrong backend they skip and say why."""
    for item in items:
        if item.get_closest_marker("sqlite_only") and PG_URL:
            item.add_marker(pytest.mark.skip(reason="SQLite-specific; runs in the SQLite pass"))
        if item.get_closest_marker("postgres_only") and not PG_URL:
            item.add_marker(pytest.mark.skip(
                reason="needs PostgreSQL: set PORTAL_TEST_DATABASE_URL (runs in the PostgreSQL pass)"))


class PortalClient(FlaskClient):
    """A test client that signs its forms with a CSRF token, like a browser would."""

    def open(self, *args, **kwargs):
        # Each request in its own app context (and so its own database session
        # and `g`), as in production, even though the test holds one open.
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self):
        app = self.application
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", os.urandom(20).hex())
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf=True, **kwargs):
        return self._with_csrf("post", args, csrf, kwargs)

    def put(self, *args, csrf=True, **kwargs):
        return self._with_csrf("put", args, csrf, kwargs)

    def _with_csrf(self, method, args, csrf, kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            kwargs["data"] = {**(data or {}), "csrf_token": self.csrf_token()}
        return getattr(super(), method)(*args, **kwargs)

    def login(self, user):
        """Sign in without the form (the form itself is tested in tests/auth)."""
        with self.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return self

    def logout(self):
        with self.session_transaction() as sess:
            sess.clear()
        return self


def _reset_postgres(app):
    global _pg_schema_ready
    with app.app_context():
        if not _pg_schema_ready:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()
            _pg_schema_ready = True
        else:
            _empty_postgres()


def _empty_postgres():
    """Empty what the last test filled and restart every sequence at 1.

    A TRUNCATE of every table costs PostgreSQL file work per table (0.3-0.8 s
    a test); most tests fill a handful, so one query finds those and a DELETE
    empties each (foreign-key triggers off: the order does not matter).
    """
    tables = db.metadata.sorted_tables
    probe = " UNION ALL ".join(
        f'SELECT {i} FROM (SELECT 1 FROM "{table.name}" LIMIT 1) AS t{i}' for i, table in enumerate(tables))
    with db.engine.begin() as conn:
        filled = [tables[i] for (i,) in conn.execute(text(probe))]
        if filled:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in filled:
                conn.execute(text(f'DELETE FROM "{table.name}"'))
        conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n "
                          "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = current_schema()"))


def _sqlite_schema(tmp_path_factory):
    """Build the SQLite schema once per run; each test gets a copy of the file."""
    if "path" not in _sqlite_template:
        path = tmp_path_factory.mktemp("schema") / "template.db"
        template_app = create_app({
            "TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "INSTANCE_PATH": str(path.parent / "instance"),
        })
        with template_app.app_context():
            db.create_all()
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.session.commit()
            db.engine.dispose()
        _sqlite_template["path"] = path
    return _sqlite_template["path"]


def _fresh_sqlite(tmp_path_factory):
    """The process's one test database, a fresh copy of the schema for each test.

    One path per process, so that every test's app shares its engine and the statements it
    compiled (tests/process_cache.py). The schema is written over the last test's data by
    SQLite's backup, a transaction like any other, so a connection the last test left open
    sees the new content instead of a file replaced under it; a file a test broke on purpose
    is replaced."""
    template = _sqlite_schema(tmp_path_factory)
    if "path" not in _sqlite_file:
        _sqlite_file["path"] = tmp_path_factory.getbasetemp() / "test.db"
        _sqlite_file["url"] = f"sqlite:///{_sqlite_file['path']}"
        process_cache.install(_sqlite_file["url"])
    path = _sqlite_file["path"]
    try:
        with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path, timeout=15)) as target:
            source.backup(target)
    except sqlite3.DatabaseError:
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, path)
    return _sqlite_file["url"]


@pytest.fixture
def app_config(tmp_path):
    """Override in a test module to change settings before the app is made."""
    return {}


@pytest.fixture
def app(tmp_path, tmp_path_factory, app_config, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    instance = tmp_path / "instance"
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": PG_URL or _fresh_sqlite(tmp_path_factory),
        "PASSWORD_MIN_LENGTH": 10,
        # Hashing stays real but cheap, so that hundreds of tests sign in quickly.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
        **app_config,
    }
    app = create_app(config)
    app.test_client_class = PortalClient
    if PG_URL:
        _reset_postgres(app)
    with app.app_context():
        from portal.core.audit import ensure_head
        from portal.years.services import ensure_year

        ensure_head()
        ensure_year(portal_today().year, is_open=True)  # as `init-db` makes it: this year takes filings
        from portal.publishing.cache import ensure_generation

        ensure_generation()  # as the migration makes it: public pages are cached by it
        db.session.commit()
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        dispose_readers()
        db.engine.dispose()


@pytest.fixture
def demo(app, app_config):
    """The demo data (``flask seed-demo``), seeded once per test process and
    restored for each test (tests/snapshots.py); returns the seed's counts."""
    from portal.demo.seed import seed
    from tests.snapshots import restored

    return restored(app, "demo", seed, app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- factories --------------------------------------------------------------

@pytest.fixture
def make_unit(app):
    from portal.auth.models import Unit, UnitKind

    counter = iter(range(1, 10_000))

    def make(name=None, kind=UnitKind.city_department):
        unit = Unit(name=name or f"Phòng thử nghiệm {next(counter)}", kind=kind)
        db.session.add(unit)
        db.session.commit()
        return unit
    return make


@pytest.fixture
def make_user(app, make_unit):
    """make_user(roles=('admin',), council='secretary', year=2026, unit=..., leader=False)."""
    from portal.auth.models import Role, User
    from portal.council.services import add_council_member

    counter = iter(range(1, 10_000))
    default_unit = {}

    def make(username=None, *, roles=(), council=None, year=None, unit=None, leader=False,
             full_name=None, password=PASSWORD, email=None):
        n = next(counter)
        if unit is None:
            if "unit" not in default_unit:
                default_unit["unit"] = make_unit("Văn phòng")
            unit = default_unit["unit"]
        user = User(username=username or f"user{n}", full_name=full_name or f"Cán bộ Thử {n}",
                    unit=unit, is_leader=leader, email=email)
        user.set_password(password)
        user.set_roles(Role(r) for r in roles)
        db.session.add(user)
        db.session.flush()
        if council:
            add_council_member(year or portal_today().year, user, council)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_field(app):
    from portal.initiatives.models import Field

    def make(code="criminal", name="Hình sự"):
        field = db.session.query(Field).filter_by(code=code).one_or_none()
        if field is None:
            field = Field(code=code, name=name)
            db.session.add(field)
            db.session.commit()
        return field
    return make


@pytest.fixture
def make_initiative(app, make_field):
    """make_initiative(authors=[user] or [(user, share)], status='draft', **fields).

    Past draft, a frozen version 1 exists as a submission would have made it.
    """
    from portal.initiatives.models import Initiative, InitiativeAuthor, InitiativeVersion
    from portal.initiatives.workflow import Status

    def make(authors, status="draft", **fields):
        pairs = [a if isinstance(a, tuple) else (a, None) for a in authors]
        share_left = 100
        author_rows = []
        for i, (user, share) in enumerate(pairs):
            if share is None:
                share = share_left if i == len(pairs) - 1 else 100 // len(pairs)
            share_left -= share
            author_rows.append(InitiativeAuthor(user_id=user.id, share=share, position=i))
        first = pairs[0][0]
        values = {
            "title": "Sáng kiến nâng cao chất lượng kiểm sát điều tra",
            "field_id": make_field().id,
            "year": portal_today().year,
            "unit_id": first.unit_id,
            "first_applied_on": date(portal_today().year, 1, 15),
            "summary": "Tóm tắt sáng kiến.",
            "current_state": "Thực trạng còn nhiều hạn chế.",
            "solution": "Nội dung **giải pháp** chi tiết.",
            "conditions": "Điều kiện áp dụng.",
            "benefits": "Hiệu quả rõ rệt.",
            "created_by_id": first.id,
            **fields,
        }
        initiative = Initiative(status=Status(status), authors=author_rows, **values)
        db.session.add(initiative)
        db.session.flush()
        if initiative.status != Status.draft:
            initiative.versions.append(InitiativeVersion(
                number=1, submitted_by_id=first.id,
                snapshot={"title": initiative.title, "solution": initiative.solution}))
        db.session.commit()
        return initiative
    return make


@pytest.fixture
def api_headers(app):
    """api_headers(user) -> {'Authorization': 'Bearer …'} for a fresh token."""
    from portal.auth.services import issue_token

    def make(user):
        token, _ = issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}
    return make


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            Counter.count += 1
            Counter.statements.append(statement)

        # Every engine: the site generation is read through an engine of its own (publishing.cache).
        event.listen(Engine, "before_cursor_execute", before)
        try:
            yield Counter
        finally:
            event.remove(Engine, "before_cursor_execute", before)
    return counting


@pytest.fixture
def counts_per_url(count_queries):
    """counts_per_url(client, urls) -> {url: SQL statements of its second GET} (the first warms
    the caches); every answer must be 200."""
    def counts(client, urls):
        found = {}
        for url in urls:
            assert client.get(url).status_code == 200, url
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            found[url] = counter.count
        return found
    return counts


# -- a live server and headless Chromium ---------------------------------------

@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(5)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    message = f"needs headless Chromium at {CHROMIUM} and Playwright for Python"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if _require("PORTAL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    if not os.path.exists(CHROMIUM):
        if _require("PORTAL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


SCREENSHOTS = os.path.join(os.path.dirname(__file__), "screenshots")


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; page.base is the live server URL; page.shot(name) saves a PNG."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base = live_server
    errors = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.console_errors = errors

    def shot(name, full_page=True):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        pg.screenshot(path=path, full_page=full_page)
        return path
    pg.shot = shot
    yield pg
    context.close()


def browser_login(page, username, password=PASSWORD):
    page.goto(page.base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")
