"""Helpers of the production tests: processes on loopback, databases of their own, snapshots."""
import hashlib
import http.client as http_client
import json
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except urllib.error.HTTPError as error:
            error.close()
            return  # it answers, whatever the status
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


class Server:
    def __init__(self, process, base, log_path, port):
        self.process, self.base, self.log_path, self.port = process, base, log_path, port
        self.offset = 0

    def log(self, since_mark=False):
        """gunicorn's output (access log included); only what came after `mark()` if asked."""
        text = self.log_path.read_bytes() if self.log_path.exists() else b""
        return text[self.offset if since_mark else 0:].decode(errors="replace")

    def mark(self):
        self.offset = self.log_path.stat().st_size

    def worker_pids(self):
        """The gunicorn workers (children of the arbiter)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def portal_env(app, **extra):
    """The environment a portal process needs to share the test's database and instance folder."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env




# -- databases of their own: a SQLite file, or a scratch PostgreSQL database --------

@contextmanager
def scratch_database(tmp_path, label):
    """Yield the URL of an empty database of the kind the suite runs on; dropped afterwards.

    PostgreSQL (PORTAL_TEST_DATABASE_URL set): a database `scratch_<label>_<pid>`
    on that server, so that the shared test database is never touched.
    """
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / (label + '.db')}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"scratch_{label}_{os.getpid()}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wipe_database(url):
    """Empty a database completely, as after losing the disk or the server."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@contextmanager
def preserved_logging():
    """Alembic's env.py calls logging.config.fileConfig, which silences every existing logger
    and replaces the root handlers; put them back so later tests still see their logs."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = {name: logger.disabled for name, logger in logging.root.manager.loggerDict.items()
               if isinstance(logger, logging.Logger)}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, logger in logging.root.manager.loggerDict.items():
            if isinstance(logger, logging.Logger):
                logger.disabled = loggers.get(name, False)


def table_rows(connection):
    """Every row of every table (alembic_version included), in primary-key order, as plain tuples."""
    from sqlalchemy import MetaData, select

    metadata = MetaData()
    metadata.reflect(connection)
    rows = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in connection.execute(select(table).order_by(*order))]
    return rows


def file_digests(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- talking to a served portal as a browser or an API client -------------------------

def http(method, url, body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request; connection errors propagate."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http_client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def http_json(method, url, data=None, headers=None, timeout=30):
    body = None if data is None else json.dumps(data).encode()
    status, response_headers, raw = http(
        method, url, body, {"Content-Type": "application/json", **(headers or {})}, timeout)
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    return status, payload


def browser_session(app, user):
    """Headers carrying a signed-in session cookie for `user`, and the CSRF token of that session."""
    from itsdangerous import URLSafeTimedSerializer

    raw = os.urandom(20).hex()
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.dumps({"_user_id": user.get_id(), "_fresh": True, "csrf_token": raw})
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}, token


def form_post(url, fields, headers, timeout=30):
    from urllib.parse import urlencode

    return http("POST", url, urlencode(fields).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", **headers}, timeout)


def multipart_post(url, fields, files, headers, timeout=60):
    """files: {name: (filename, bytes, content_type)}."""
    boundary = "----portal" + os.urandom(8).hex()
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                      .encode())
    for name, (filename, content, content_type) in files.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode())
        chunks.append(content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return http("POST", url, b"".join(chunks),
                {"Content-Type": f"multipart/form-data; boundary={boundary}", **headers}, timeout)


def wait_for_file(path, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Path(path).exists():
            return Path(path).read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} did not appear within {timeout} s")
