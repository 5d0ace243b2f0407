"""SQLite settings for a multi-worker web app: WAL, foreign keys, a busy timeout."""
from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    # Copies, not the Defaults' dicts: another app in the same process may use PostgreSQL.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {"timeout": 15, **options.get("connect_args", {})}
    # A file database has no server to lose the connection: the ping before each checkout
    # (a SELECT 1 per request, for PostgreSQL's sake) buys nothing here.
    options["pool_pre_ping"] = False
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
