"""Upgrades and backups: migrations from every earlier revision with data in it, backup and restore.

Each test works on a database of its own (a SQLite file, or a scratch
PostgreSQL database when PORTAL_TEST_DATABASE_URL is set), never on the
shared test database.
"""
import decimal
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, select

from portal import ROOT, create_app
from portal.extensions import db
from tests.production.helpers import (
    file_digests,
    preserved_logging,
    scratch_database,
    table_rows,
    wipe_database,
)

REVISIONS = [s.revision for s in reversed(list(
    ScriptDirectory(str(ROOT / "migrations")).walk_revisions()))]


def portal_app(url, instance):
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "upgrade-test", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })


def migrate_to(app, revision):
    from flask_migrate import upgrade

    with app.app_context(), preserved_logging():
        upgrade(revision=revision)
        db.engine.dispose()


def test_the_chain_is_linear_and_starts_with_the_foundation():
    assert REVISIONS[0] == "0001"
    assert len(REVISIONS) == len(set(REVISIONS))
    assert ScriptDirectory(str(ROOT / "migrations")).get_heads() == [REVISIONS[-1]]


def test_migrations_build_the_models_schema_from_an_empty_database(tmp_path):
    with scratch_database(tmp_path, "empty") as url:
        app = portal_app(url, tmp_path / "instance")
        migrate_to(app, "head")
        with app.app_context():
            tables = set(inspect(db.engine).get_table_names())
            db.engine.dispose()
        assert set(db.metadata.tables) <= tables


# -- representative rows, written with SQL for whatever tables a revision has --------

TEXT = "Sáng kiến số hóa hồ sơ kiểm sát – dữ liệu cũ"


def _value(table_name, column, model_column):
    """A plausible value of the column's type (an enum's first member when the model says enum)."""
    kind = column["type"]
    if model_column is not None and isinstance(model_column.type, sa.Enum):
        return model_column.type.enums[0]
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 2024 if column["name"] == "year" else 1
    if isinstance(kind, sa.DateTime):
        return datetime(2024, 3, 15, 8, 30)
    if isinstance(kind, sa.Date):
        return date(2024, 3, 15)
    if isinstance(kind, sa.JSON):
        return {"ghi_chú": "dữ liệu trước nâng cấp", "n": 1}
    if isinstance(kind, sa.Float):
        return 1.5
    if isinstance(kind, sa.Numeric):
        return decimal.Decimal("1.50")
    if isinstance(kind, sa.LargeBinary):
        return b"\x00\x01"
    if isinstance(kind, sa.String):
        length = getattr(kind, "length", None) or 200
        if length >= 32:
            return f"{TEXT} ({table_name}.{column['name']})"[:length]
        return uuid.uuid4().hex[:length]
    raise AssertionError(f"no representative value for {table_name}.{column['name']} ({kind!r})")


def _insert_order(inspector, tables):
    """Referenced tables first; a cycle is broken at a nullable foreign key."""
    edges = {}
    for name in tables:
        nullable = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
        edges[name] = [(fk["referred_table"], all(nullable[c] for c in fk["constrained_columns"]))
                       for fk in inspector.get_foreign_keys(name) if fk["referred_table"] != name]
    order, done = [], set()
    for strict in (True, False):
        progress = True
        while progress:
            progress = False
            for name in tables:
                if name in done:
                    continue
                needs = {t for t, nullable in edges[name] if not (nullable and not strict) and t in tables}
                if needs <= done:
                    order.append(name)
                    done.add(name)
                    progress = True
    assert len(order) == len(tables), f"cannot order the inserts: {set(tables) - done}"
    return order


def insert_representative_rows(connection):
    """One row in every table, written with SQL; returns {table: primary key values}."""
    inspector = inspect(connection)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    dialect = connection.dialect.name
    metadata = sa.MetaData()
    metadata.reflect(connection, only=tables)
    inserted = {}
    for name in _insert_order(inspector, tables):
        model_table = db.metadata.tables.get(name)
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        fks = {c: fk for fk in inspector.get_foreign_keys(name)
               for c in fk["constrained_columns"]}
        row = {}
        for column in inspector.get_columns(name):
            col = column["name"]
            model_column = model_table.c.get(col) if model_table is not None else None
            if col in fks:
                fk = fks[col]
                target = fk["referred_columns"][fk["constrained_columns"].index(col)]
                row[col] = inserted.get(fk["referred_table"], {}).get(target)
                if row[col] is None and not column["nullable"]:
                    raise AssertionError(f"{name}.{col} needs a {fk['referred_table']} row first")
                continue
            if col in pk and len(pk) == 1 and isinstance(column["type"], sa.Integer):
                automatic = (column.get("autoincrement") is True or column.get("default")
                             or column.get("identity")) if dialect == "postgresql" else (
                    model_column is None or model_column.autoincrement is not False)
                if automatic:
                    # A row a migration wrote with an explicit id (site_generation, the
                    # organisation's settings) leaves PostgreSQL's sequence behind: take the next id.
                    taken = connection.execute(sa.select(sa.func.max(sa.column(col))).select_from(
                        sa.table(name))).scalar()
                    if taken is not None:
                        row[col] = taken + 1
                    continue
            row[col] = _value(name, column, model_column)
        table = metadata.tables[name]
        key = connection.execute(insert(table).values(**row).returning(*table.primary_key.columns)).one()
        inserted[name] = {**row, **key._asdict()}
    return {name: {c: values[c] for c in inspector.get_pk_constraint(name)["constrained_columns"]}
            for name, values in inserted.items()}


def read_rows(connection, keys):
    metadata = sa.MetaData()
    metadata.reflect(connection, only=list(keys))
    found = {}
    for name, key in keys.items():
        table = metadata.tables[name]
        row = connection.execute(select(table).where(*(table.c[c] == v for c, v in key.items()))).one_or_none()
        found[name] = None if row is None else row._asdict()
    return found


# Columns a migration drops on purpose: emulation_uses moves the appraisal windows to the year
# (the year's own home) and the 2/3 vote to the rubric, and replaces one_use_per_level.
DROPPED = {"emulation_settings": {"approval_fraction", "filing_window_days", "decision_due_days",
                                  "one_use_per_level"}}


@pytest.mark.parametrize("revision", REVISIONS[:-1] or [REVISIONS[0]])
def test_upgrade_from_an_earlier_revision_keeps_its_data(tmp_path, revision):
    with scratch_database(tmp_path, f"rev{revision}") as url:
        app = portal_app(url, tmp_path / "instance")
        migrate_to(app, revision)
        with app.app_context():
            with db.engine.begin() as connection:
                keys = insert_representative_rows(connection)
                before = read_rows(connection, keys)
            db.engine.dispose()
        assert keys, f"revision {revision} has no tables to fill"

        migrate_to(app, "head")
        with app.app_context():
            with db.engine.connect() as connection:
                after = read_rows(connection, keys)
                version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            db.engine.dispose()
        assert version == REVISIONS[-1]
        for name, row in before.items():
            assert after[name] is not None, f"the {name} row written at {revision} is gone at head"
            gone = {c for c in row if c not in after[name]}
            assert gone <= DROPPED.get(name, set()), f"{name} lost {gone} on the way from {revision} to head"
            kept = {c: after[name][c] for c in row if c not in gone}
            assert kept == {c: v for c, v in row.items() if c not in gone}, \
                f"{name} changed on the way from {revision} to head"


# -- backup and restore --------------------------------------------------------------

def test_backup_then_restore_brings_back_every_row_and_file(tmp_path):
    with scratch_database(tmp_path, "backup") as url:
        app = portal_app(url, tmp_path / "instance")
        runner = app.test_cli_runner()
        with preserved_logging():
            assert runner.invoke(args=["init-db"]).exit_code == 0
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        uploads = Path(app.config["UPLOAD_FOLDER"])
        (uploads / "a1b2c3d4e5f6.pdf").write_bytes(b"%PDF-1.4 bien ban hop hoi dong\n%%EOF\n")
        (uploads / "nested").mkdir(exist_ok=True)
        (uploads / "nested" / "0f0e0d0c.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
        with app.app_context():
            with db.engine.connect() as connection:
                rows_before = table_rows(connection)
            db.engine.dispose()
        files_before = file_digests(uploads)
        assert sum(len(r) for r in rows_before.values()) > 50, "the demo should fill the database"

        result = runner.invoke(args=["backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output

        # Disaster: the database and the uploads are gone, and so is the search index.
        wipe_database(url)
        for path in sorted(uploads.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        assert file_digests(uploads) == {}

        restored_app = portal_app(url, tmp_path / "instance")
        with preserved_logging():
            result = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output

        with restored_app.app_context():
            with db.engine.connect() as connection:
                rows_after = table_rows(connection)
            db.engine.dispose()
        assert rows_after.keys() == rows_before.keys()
        for name in rows_before:
            assert rows_after[name] == rows_before[name], f"table {name} differs after the restore"
        assert file_digests(uploads) == files_before

        # And it runs: the audit chain holds, a demo account signs in, new rows get new ids.
        assert restored_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        client = restored_app.test_client()
        assert client.get("/").status_code == 200
        from portal.demo.seed import DEMO_PASSWORD

        response = client.post("/api/v1/auth/token", json={"username": "thuky", "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        with restored_app.app_context():
            from portal.auth.models import Unit, UnitKind

            db.session.add(Unit(name="Đơn vị mới sau khôi phục", kind=UnitKind.district))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_to_overwrite_a_database_with_data(tmp_path):
    with scratch_database(tmp_path, "refuse") as url:
        app = portal_app(url, tmp_path / "instance")
        runner = app.test_cli_runner()
        with preserved_logging():
            assert runner.invoke(args=["init-db"]).exit_code == 0
        assert runner.invoke(args=["create-user", "--username", "ksv.an", "--password", "mat-khau-dai-1",
                                   "--full-name", "Lê An", "--unit", "Văn phòng"]).exit_code == 0
        assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
        result = runner.invoke(args=["restore", str(tmp_path / "backup")])
        assert result.exit_code != 0
        assert "--force" in result.output
        with app.app_context():
            db.engine.dispose()
