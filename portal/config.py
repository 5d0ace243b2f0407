"""Configuration: these defaults, then instance/config.py, then the environment."""
import os
import secrets
from pathlib import Path

MB = 1024 * 1024
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_UPLOAD_MB = 20
    BABEL_DEFAULT_LOCALE = "vi"
    PORTAL_TIMEZONE = "Asia/Ho_Chi_Minh"  # one today() and now() for every date the portal decides
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS (PORTAL_SECURE_COOKIES=1)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    LOGIN_MAX_FAILURES = 5  # per account and address, within the window
    LOGIN_MAX_FAILURES_PER_ADDRESS = 50  # per address, for accounts not signed in from it lately
    LOGIN_KNOWN_ADDRESS_DAYS = 30
    REMEMBER_ME_DAYS = 14  # "remember me" on the sign-in page; at most 30
    LOGIN_WINDOW_SECONDS = 15 * 60
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"
    API_TOKEN_DAYS = 90
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_FROM = "sangkien@vks.danang.local"
    MAIL_TIMEOUT = 10               # seconds per SMTP operation (in the worker, never in a request)
    MAIL_BATCH = 50                 # messages one worker claims and sends over one connection
    MAIL_LEASE_SECONDS = 600        # a claimed message not settled by then is sent again (worker died)
    MAIL_RETRY_BASE_SECONDS = 60    # first retry after a minute, then 2, 4, 8 … minutes
    MAIL_RETRY_MAX_SECONDS = 3600   # never more than an hour between tries
    MAIL_GIVE_UP_SECONDS = 2 * 86400  # queued this long without success: failed (an admin may resend)
    MAIL_KEEP_DAYS = 90             # sent and failed messages older than this are pruned
    LOGIN_ATTEMPTS_KEEP_DAYS = 30   # sign-in attempts older than this are pruned
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # absolute links in mail: the address users open
    ORGANISATION_NAME = "Viện kiểm sát nhân dân thành phố Đà Nẵng"  # first default; then /admin/organisation
    QUEUE_URL = None                # redis://… for RedisHuey; unset: SqliteHuey in instance/queue.db
    QUEUE_IMMEDIATE = False         # run tasks at once in the caller (tests)
    REMINDER_HOUR = 7               # local hour from which the day's reminders go out
    PROXY_FIX = 0  # number of trusted reverse proxies setting X-Forwarded-*; 0 trusts none
    UPLOAD_FILE_MODE = PRIVATE_FILE  # 0o640 lets a reverse proxy of the same group stream downloads
    PUBLIC_BASE_URL = ""  # e.g. "https://sangkien.vks.danang.gov.vn": every absolute URL starts so
    PORTAL_TRUSTED_HOSTS = None  # without PUBLIC_BASE_URL, the Host names accepted (default: loopback)
    SITE_NAME = ""  # default: "Cổng Sáng kiến " + the organisation's short name (core.organisation)
    REVIEWERS_PER_INITIATIVE = 3
    # Public pages (portal.publishing.cache): kept rendered for PUBLIC_CACHE_SECONDS, in the process
    # or in Redis (PORTAL_CACHE_URL=redis://…); browsers and nginx may keep them PUBLIC_MAX_AGE s.
    PUBLIC_CACHE = True
    PUBLIC_CACHE_URL = ""
    PUBLIC_CACHE_SECONDS = 300
    PUBLIC_MAX_AGE = 60
    PUBLIC_VIEWS_FLUSH_SECONDS = 10
    PUBLIC_VIEWS_URL = ""  # redis://… (default: PUBLIC_CACHE_URL's Redis): counted there, written by the worker
    SITEMAP_PAGE_SIZE = 10_000  # URLs per sitemap file; beyond it /sitemap.xml is an index
    EMULATION_PEOPLE_PER_PAGE = 100  # people per page of the officer's year page
    COUNCIL_QUEUE_PER_PAGE = 50  # rows per page of each group of the council's queue
    EMULATION_CACHE = True  # keep a year's evaluation per process while its data is unchanged (report_cache)


def database_url(raw):
    """Accept the usual spellings of a PostgreSQL URL and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def load(app, overrides=None):
    """Fill app.config in the documented order and make the instance folders."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    for key in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM"):
        if env.get(key):
            app.config[key] = env[key]
    if env.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = env["PUBLIC_BASE_URL"]
    if env.get("PORTAL_QUEUE_URL"):
        app.config["QUEUE_URL"] = env["PORTAL_QUEUE_URL"]
    if env.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(env["MAIL_PORT"])
    if env.get("PORTAL_SECURE_COOKIES") == "1":
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    if env.get("PORTAL_PROXY_FIX"):
        app.config["PROXY_FIX"] = int(env["PORTAL_PROXY_FIX"])
    if env.get("PORTAL_CACHE_URL"):
        app.config["PUBLIC_CACHE_URL"] = env["PORTAL_CACHE_URL"]
    if env.get("PORTAL_VIEWS_URL"):
        app.config["PUBLIC_VIEWS_URL"] = env["PORTAL_VIEWS_URL"]
    if env.get("PORTAL_UPLOAD_FILE_MODE"):
        app.config["UPLOAD_FILE_MODE"] = int(env["PORTAL_UPLOAD_FILE_MODE"], 8)  # e.g. 640 for nginx's group
    if env.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = env["PUBLIC_BASE_URL"]  # absolute URLs (portal.core.hosts)
    if env.get("PORTAL_TRUSTED_HOSTS"):
        app.config["PORTAL_TRUSTED_HOSTS"] = env["PORTAL_TRUSTED_HOSTS"]
    if env.get("PORTAL_TIMEZONE"):
        app.config["PORTAL_TIMEZONE"] = env["PORTAL_TIMEZONE"]
    if overrides:
        app.config.update(overrides)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["PORTAL_TIMEZONE"]  # pages show the same time

    instance = Path(app.instance_path)
    # The owner's only (0700, files 0600): database, uploads, secret key, mail, search index.
    instance.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'portal.db'}")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    app.config.setdefault("SEARCH_INDEX_DIR", str(instance / "search-index"))
    app.config.setdefault("MAIL_OUTBOX_DIR", str(instance / "mail"))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"]) * MB + MB
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    for key in ("UPLOAD_FOLDER", "MAIL_OUTBOX_DIR"):
        Path(app.config[key]).mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def _private_sqlite_file(url):
    """Create a new SQLite database file 0600 (SQLite would make it 0644 under umask 022; its
    -wal and -shm files take the database file's mode)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url or "mode=memory" in url:
        return
    path = Path(url[len(prefix):].split("?", 1)[0])
    if not path.name:
        return
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass  # an existing database keeps the mode its owner gave it


def _instance_secret(path):
    """Generate the secret key once and keep it, readable by the owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass  # made before, perhaps by another worker a moment ago
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()
