"""The command-line contract: init-db, seed-demo, create-user, backup, audit verify."""
import json
import re
import sqlite3
import threading

import pytest
from sqlalchemy import func, inspect, select, text

from portal import create_app
from portal.auth.models import Role, Unit, User, user_by_username
from portal.core.audit import AuditEvent
from portal.core.timeutil import today as portal_today
from portal.council.membership import roles_of
from portal.extensions import db

YEAR = portal_today().year
# Letters only Vietnamese writes: what the console says must be English, as its help is.
VIETNAMESE_ONLY = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ]")


def count(model):
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


# -- init-db -------------------------------------------------------------------

def test_init_db_on_an_empty_instance_runs_the_migrations(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "fresh-instance"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'portal.db'}"
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with app.app_context():
        from alembic.script import ScriptDirectory
        from flask_migrate import Migrate  # noqa: F401

        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert {"user", "unit", "audit_event", "audit_head", "year", "council"} <= set(
            inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert (instance / "secret_key").read_text().strip()  # generated once into the instance folder
    again = app.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0, again.output  # a second run keeps the database as it is


# -- seed-demo -------------------------------------------------------------------

def test_seed_demo_then_if_empty_keeps_the_data(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data created" in result.output
    users = count(User)
    assert users >= 24
    admin = user_by_username("admin")
    assert admin.is_admin and admin.check_password("sangkien2026")
    assert roles_of(user_by_username("chutich").id)[YEAR] == "chair"
    kept = runner.invoke(args=["seed-demo", "--if-empty"])
    assert kept.exit_code == 0 and "kept as it is" in kept.output
    assert count(User) == users
    accounts = runner.invoke(args=["demo-accounts"])
    assert "sangkien2026" in accounts.output and "thuky" in accounts.output
    assert "secretary of the Initiative Council" in accounts.output
    said = [line.split(" — ")[-1] for line in accounts.output.splitlines()]  # not the names: data
    assert not any(VIETNAMESE_ONLY.search(line) for line in said), said  # the console speaks English


# -- create-user -------------------------------------------------------------------

def create_user(runner, *extra, username="ksv.moi", unit="VKSND quận Sơn Trà"):
    return runner.invoke(args=["create-user", "--username", username, "--password", "mat-khau-du-dai",
                               "--full-name", "Nguyễn Văn Mới", "--unit", unit, *extra])


def test_create_user_with_roles_council_and_leader(app, runner):
    result = create_user(runner, "--role", "admin", "--role", "editor", "--council", "secretary",
                         "--year", str(YEAR), "--leader")
    assert result.exit_code == 0, result.output
    assert "Created user ksv.moi" in result.output
    user = user_by_username("ksv.moi")
    assert user.roles == {Role.admin, Role.editor}
    assert user.is_leader and user.check_password("mat-khau-du-dai")
    assert roles_of(user.id)[YEAR] == "secretary"
    assert user.unit.name == "VKSND quận Sơn Trà"  # created when missing


def test_create_user_reuses_an_existing_unit(app, runner, make_unit):
    unit = make_unit("Phòng 7")
    assert create_user(runner, unit="Phòng 7").exit_code == 0
    assert user_by_username("ksv.moi").unit_id == unit.id
    assert count(Unit) == 1
    plain = user_by_username("ksv.moi")
    assert plain.roles == set() and not plain.is_leader and roles_of(plain.id) == {}


def test_duplicate_username_is_refused_with_exit_code_1(app, runner, make_user):
    make_user("ksv.moi")
    users = count(User)
    result = create_user(runner, unit="Đơn vị chưa có")
    assert result.exit_code == 1
    assert "The username “ksv.moi” already exists." in result.output  # in English, as the console speaks
    assert count(User) == users
    assert count(Unit) == 1  # the unit made on the way was rolled back too


@pytest.mark.parametrize("extra,message,code", [
    (("--council", "member"), "--council needs --year", 2),
    (("--role", "superuser"), "Invalid value for '--role'", 2),
    (("--council", "king", "--year", "2026"), "Invalid value for '--council'", 2),
])
def test_create_user_usage_errors(app, runner, extra, message, code):
    result = create_user(runner, *extra)
    assert result.exit_code == code and message in result.output
    assert user_by_username("ksv.moi") is None


def test_create_user_refusals_exit_1(app, runner, make_user):
    make_user("chu.tich", council="chair", year=YEAR)
    result = create_user(runner, "--council", "chair", "--year", str(YEAR))
    assert result.exit_code == 1 and f"The council of {YEAR} already has a chair" in result.output
    assert user_by_username("ksv.moi") is None
    short = runner.invoke(args=["create-user", "--username", "ngan", "--password", "ngan",
                                "--full-name", "X", "--unit", "Y"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad = create_user(runner, username="tên có dấu")
    assert bad.exit_code == 1 and "A username may hold only unaccented letters" in bad.output
    for refused in (result, short, bad):
        assert not VIETNAMESE_ONLY.search(refused.output), refused.output


# -- backup --------------------------------------------------------------------------

@pytest.mark.sqlite_only
def test_sqlite_backup_while_the_portal_writes(app, runner, make_user, tmp_path):
    from portal.core import audit

    for i in range(5):
        make_user(f"ksv.{i}")
    upload = app.config["UPLOAD_FOLDER"] + "/2026/12/don.pdf"
    import os

    os.makedirs(os.path.dirname(upload))
    with open(upload, "wb") as f:
        f.write(b"%PDF-1.7 noi dung")

    # Another "worker" keeps writing while the backup runs, and holds an open transaction.
    database = db.engine.url.database
    writer = sqlite3.connect(database, timeout=30)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO login_attempt (username, address, success, created_at) "
                   "VALUES ('dang.ghi', '10.0.0.1', 0, '2026-01-01')")
    stop = threading.Event()
    users, events = count(User), count(AuditEvent)

    def keep_reading():
        reader = sqlite3.connect(database, timeout=30)
        while not stop.is_set():
            reader.execute("SELECT COUNT(*) FROM user").fetchone()
        reader.close()

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "bk")])
    finally:
        stop.set()
        thread.join()
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "bk" / "portal.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT COUNT(*) FROM user").fetchone()[0] == users
    assert copy.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0] == events
    assert copy.execute("SELECT COUNT(*) FROM login_attempt WHERE username = 'dang.ghi'").fetchone()[0] == 0
    copy.close()
    assert (tmp_path / "bk" / "uploads" / "2026" / "12" / "don.pdf").read_bytes() == b"%PDF-1.7 noi dung"
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest == {"database": "sqlite", "database_file": "portal.db", "uploads": 1}

    # A second backup into the same folder replaces the first.
    audit.record("test.after", summary="sau lần sao lưu đầu")
    db.session.commit()
    assert runner.invoke(args=["backup", str(tmp_path / "bk")]).exit_code == 0
    copy = sqlite3.connect(tmp_path / "bk" / "portal.db")
    assert copy.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0] == events + 1
    copy.close()


@pytest.mark.postgres_only
def test_postgres_backup_uses_pg_dump(app, runner, make_user, tmp_path):
    import shutil
    import subprocess

    make_user("ksv.pg")
    result = runner.invoke(args=["backup", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    dump = tmp_path / "bk" / "portal.dump"
    assert dump.stat().st_size > 0
    listing = subprocess.run([shutil.which("pg_restore"), "--list", str(dump)],
                             check=True, capture_output=True, text=True).stdout
    assert "TABLE DATA public user" in listing or 'TABLE DATA public "user"' in listing
    assert json.loads((tmp_path / "bk" / "manifest.json").read_text())["database"] == "postgresql"


# -- audit verify ----------------------------------------------------------------------

def test_audit_verify_reports_intact_and_tampered(app, runner, make_user):
    from portal.core import audit

    actor = make_user("ghi.chep")
    for i in range(3):
        audit.record("test.cli", actor=actor, summary=f"lần {i}")
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Audit log intact: 3 events." in result.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'sửa lén' WHERE seq = 2"))
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "TAMPERED: event #2 was altered after it was written" in result.output
