"""The migrations build exactly the models' schema, and can be undone and redone.

Each run works on a database of its own: a new SQLite file, or a scratch
PostgreSQL database (created and dropped here) when PORTAL_TEST_DATABASE_URL is set.
"""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portal import create_app
from portal.extensions import db
from tests.production.helpers import preserved_logging, scratch_database


def differences(app):
    """What autogenerate would write to make the database match the models (nothing, we hope)."""
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return diff


def tables(app):
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    return names


def run(app, command, revision):
    import flask_migrate

    with app.app_context(), preserved_logging():
        getattr(flask_migrate, command)(revision=revision)
        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with scratch_database(tmp_path, "migrations") as url:
        yield create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "migrations"})


def test_upgrade_to_head_gives_exactly_the_models_schema(empty_app):
    run(empty_app, "upgrade", "head")
    assert set(db.metadata.tables) <= tables(empty_app)
    diff = differences(empty_app)
    assert diff == [], "the migrations and the models disagree:\n" + "\n".join(map(repr, diff))


def test_downgrade_to_base_and_upgrade_again(empty_app):
    run(empty_app, "upgrade", "head")
    run(empty_app, "downgrade", "base")
    assert tables(empty_app) <= {"alembic_version"}
    run(empty_app, "upgrade", "head")
    assert differences(empty_app) == []
