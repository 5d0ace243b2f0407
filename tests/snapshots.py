"""Data built once per test process and restored into each later test's empty database.

The demo seed goes through the portal's own operations (filings, reviews,
decisions, publications, the search index) and takes 6-8 s; dozens of tests
start from it. ``restored(app, name, build)`` runs ``build()`` the first time a
process asks for ``name``, then keeps every table's rows and the instance's
files (uploads, search index, mail); each later test gets those rows inserted
into its fresh database and those files copied into its instance folder, so
it starts from exactly what ``build()`` made, on SQLite or PostgreSQL, in a
fraction of a second.

A snapshot belongs to one database dialect and one app configuration: a test
module that changes the configuration (``app_config``) builds its own.
"""
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text

from portal.extensions import db

_SNAPSHOTS: dict = {}
_CHUNK = 500  # rows per INSERT


@dataclass
class _Snapshot:
    rows: dict        # table name -> list of row dicts
    files: Path       # a copy of the instance folder
    result: object    # what build() returned


def restored(app, name: str, build, config: dict | None = None):
    """What ``build()`` returned; the database and instance hold what it made.

    ``config``: the test's settings (``app_config``), part of the snapshot's name.
    """
    key = (name, db.engine.dialect.name, repr(sorted((config or {}).items())))
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        result = build()
        db.session.commit()
        _SNAPSHOTS[key] = _take(app, result)
        return result
    _restore(app, snapshot)
    return snapshot.result


def _take(app, result) -> _Snapshot:
    rows = {table.name: [dict(r) for r in db.session.execute(select(table)).mappings()]
            for table in db.metadata.sorted_tables}
    db.session.rollback()  # end the reading transaction (SQLite holds a snapshot otherwise)
    files = Path(tempfile.mkdtemp(prefix="portal-snapshot-")) / "instance"
    _close_search_indexes()
    shutil.copytree(app.instance_path, files)
    return _Snapshot(rows, files, result)


def _restore(app, snapshot: _Snapshot) -> None:
    session = db.session
    dialect = db.engine.dialect.name
    session.commit()
    if dialect == "postgresql":
        # Rows go in table by table; constraints that point forward within a
        # table (or around a cycle) hold again once all are in.
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
    tables = db.metadata.sorted_tables
    for table in reversed(tables):
        session.execute(table.delete())
    for table in tables:
        rows = snapshot.rows[table.name]
        for start in range(0, len(rows), _CHUNK):
            session.execute(table.insert(), rows[start:start + _CHUNK])
    if dialect == "postgresql":
        # Each integer id's sequence continues after the highest restored id
        # (the rows are in memory: one statement, no query per table).
        ids = [(f'"{table.name}"', column.name, max((r[column.name] for r in snapshot.rows[table.name]), default=0))
               for table in tables for column in table.primary_key.columns
               if len(table.primary_key.columns) == 1 and column.type.python_type is int]
        values = ", ".join(f"(:t{i}, :c{i}, :m{i})" for i in range(len(ids)))
        session.execute(text(f"SELECT setval(pg_get_serial_sequence(t, c), m + 1, false) "
                             f"FROM (VALUES {values}) AS v(t, c, m) WHERE pg_get_serial_sequence(t, c) IS NOT NULL"),
                        {f"{k}{i}": v for i, row in enumerate(ids) for k, v in zip("tcm", row, strict=True)})
    session.commit()
    session.expire_all()
    _close_search_indexes()
    instance = Path(app.instance_path)
    for entry in snapshot.files.iterdir():
        target = instance / entry.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if entry.is_dir():
            shutil.copytree(entry, target)
        else:
            shutil.copy2(entry, target)


def _close_search_indexes() -> None:
    from portal.search import service

    service.forget_indexes()
