"""Command-line interface: `flask --app portal <command>`."""
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from portal.auth.models import User
from portal.auth.services import create_user as create
from portal.auth.services import get_or_create_unit
from portal.core.audit import (
    AuditEvent,
    checkpoint_path,
    ensure_head,
    seal_unsealed,
    verify,
    verify_recent,
    write_checkpoint,
)
from portal.core.jobs import worker_command
from portal.core.phrases import render
from portal.core.refusal import Refusal
from portal.council.services import add_council_member
from portal.defaults import ensure_defaults
from portal.demo.seed import DEMO_PASSWORD, demo_account_lines, seed
from portal.extensions import db
from portal.search import service as search_service


def install(app):
    for command in (init_db, seed_demo, demo_accounts, create_user, backup, restore):
        app.cli.add_command(command)
    app.cli.add_command(audit_group)
    app.cli.add_command(worker_command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema through the migrations."""
    from flask_migrate import upgrade

    upgrade()
    ensure_head()
    db.session.commit()
    sealed, problems = seal_unsealed()  # the events written before seals existed, when intact
    if sealed:
        click.echo(f"Audit log: sealed {sealed} earlier events; checkpoint {write_checkpoint().line}")
    for problem in problems:
        click.echo(f"Audit log NOT sealed: {problem} (see `flask --app portal audit verify`)", err=True)
    made = ensure_defaults()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}"
               + (f" (made: {', '.join(made)})" if made else ""))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when there are no users yet.")
@with_appcontext
def seed_demo(if_empty):
    """Fill the database with the demo: units, staff for every role, councils, initiatives."""
    if if_empty and db.session.execute(select(func.count(User.id))).scalar_one():
        click.echo("Demo data already present; kept as it is.")
        return
    summary = seed()
    click.echo("Demo data created: " + ", ".join(f"{k}: {v}" for k, v in summary.items()))


@click.command("demo-accounts")
@with_appcontext
def demo_accounts():
    """Print the demo accounts."""
    click.echo("\nDemo accounts (one password for all: %s)" % DEMO_PASSWORD)
    for line in demo_account_lines():
        click.echo("  " + line)
    click.echo("\nPortal: http://127.0.0.1:5000\n")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--full-name", required=True)
@click.option("--unit", "unit_name", required=True, help="Unit name (created when missing).")
@click.option("--role", "roles", multiple=True, type=click.Choice(["admin", "emulation_officer", "editor"]))
@click.option("--council", "council_role", type=click.Choice(["chair", "vice_chair", "secretary", "member"]))
@click.option("--year", type=int, help="Council year (with --council).")
@click.option("--leader", is_flag=True, help="Holds a leadership position.")
@click.option("--position", default="")
@with_appcontext
def create_user(username, password, full_name, unit_name, roles, council_role, year, leader, position):
    """Create a user account."""
    if council_role and not year:
        raise click.UsageError("--council needs --year.")
    try:
        unit = get_or_create_unit(unit_name)
        user = create(username=username, password=password, full_name=full_name, unit=unit,
                      roles=roles, is_leader=leader, position=position)
        if council_role:
            add_council_member(year, user, council_role, actor=None)
    except Refusal as error:
        db.session.rollback()
        with force_locale("en"):  # the console speaks English, as its help does
            click.echo(f"Error: {render(error.message, gettext)}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Created user {user.username} ({user.full_name}, {unit.name}).")


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@click.option("--checkpoints", "extra", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Also check these checkpoint files (copies kept off the server).")
@with_appcontext
def audit_verify(extra):
    """Check the whole chain, every seal, the head and the checkpoints; exit 1 on any problem."""
    problems = verify(extra)
    count = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    if problems:
        for problem in problems:
            click.echo(f"TAMPERED: {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"Audit log intact: {count} events.")
    click.echo(f"Checked: every seal, the chain, the head, and the checkpoints in "
               f"{', '.join(map(str, (checkpoint_path(), *extra)))}.")


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint():
    """Append the head (place, hash, time, HMAC) to the checkpoint file and print the line.

    Refused (exit 1) when the log is not intact since the last check: a checkpoint must not vouch
    for a rewritten log. Keep the printed line off the server (mail, scp): see the README."""
    check = verify_recent()
    if check.problems:
        for problem in check.problems:
            click.echo(f"TAMPERED: {problem}", err=True)
        raise SystemExit(1)
    point = write_checkpoint()
    click.echo(f"# appended to {checkpoint_path()}", err=True)
    click.echo(point.line)


@audit_group.command("seal")
@click.option("--force", is_flag=True, help="Seal even though a checkpoint file exists.")
@with_appcontext
def audit_seal(force):
    """Seal the events written before seals existed (once, after the upgrade; init-db does it)."""
    sealed, problems = seal_unsealed(force=force)
    if problems:
        for problem in problems:
            click.echo(f"REFUSED: {problem}", err=True)
        raise SystemExit(1)
    if sealed:
        point = write_checkpoint()
        click.echo(f"Sealed {sealed} events; first checkpoint:\n{point.line}")
    else:
        click.echo("Every event is sealed already.")


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup(dest):
    """A consistent copy of the database and the uploads while the portal runs."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    manifest = {"database": url.get_backend_name()}
    if url.get_backend_name() == "sqlite":
        target = dest / "portal.db"
        if target.exists():
            target.unlink()
        source = sqlite3.connect(url.database, timeout=30)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # the online backup API: consistent while others write
        copy.close()
        source.close()
        manifest["database_file"] = target.name
    else:
        pg_dump = shutil.which("pg_dump")
        if not pg_dump:
            raise click.ClickException("pg_dump is needed to back up PostgreSQL (see README).")
        target = dest / "portal.dump"
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", "--file", str(target), plain], check=True)
        manifest["database_file"] = target.name
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    target_uploads = dest / "uploads"
    if target_uploads.exists():
        shutil.rmtree(target_uploads)
    shutil.copytree(uploads, target_uploads) if uploads.exists() else target_uploads.mkdir()
    manifest["uploads"] = sum(1 for p in target_uploads.rglob("*") if p.is_file())
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2))
    click.echo(f"Backup written to {dest}: {manifest}")


def _database_is_empty():
    from sqlalchemy import inspect

    if "user" not in inspect(db.engine).get_table_names():
        return True
    return not db.session.execute(select(func.count(User.id))).scalar_one()


def _replace_folder_contents(source, target):
    """Make `target` hold exactly the files of `source` (it may be a mount point: kept, not renamed)."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    for path in sorted(target.rglob("*"), reverse=True):
        relative = path.relative_to(target)
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative in sorted(wanted):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        temp = destination.with_name(f".restore-{destination.name}")
        shutil.copy2(source / relative, temp)
        temp.replace(destination)


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
@with_appcontext
def restore(src, force):
    """Bring back a backup made by `backup`: the database, then the uploads, then the search index.

    Stop the portal's workers first. The database must be of the same kind as
    the backup (SQLite or PostgreSQL); a backup from an older version is
    upgraded by the migrations afterwards.
    """
    from flask_migrate import upgrade

    src = Path(src)
    try:
        manifest = json.loads((src / "manifest.json").read_text())
    except (OSError, ValueError):
        raise click.ClickException(f"{src} holds no manifest.json: not a backup made by `backup`.")
    url = db.engine.url
    backend = url.get_backend_name()
    if manifest.get("database") != backend:
        raise click.ClickException(
            f"The backup is of a {manifest.get('database')} database; this portal uses {backend}.")
    dump = src / manifest["database_file"]
    if not dump.is_file():
        raise click.ClickException(f"{dump} is missing.")
    if not force and not _database_is_empty():
        raise click.ClickException("The database already holds data; add --force to replace it.")
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        target = sqlite3.connect(url.database, timeout=30)
        with target:
            source.backup(target)  # page by page into the live file, WAL included
        target.close()
        source.close()
    else:
        pg_restore = shutil.which("pg_restore")
        if not pg_restore:
            raise click.ClickException("pg_restore is needed to restore PostgreSQL (see README).")
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "--exit-on-error", "--dbname", plain, str(dump)], check=True)
    db.engine.dispose()
    upgrade()  # a backup from an older version gets the newer schema

    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    _replace_folder_contents(src / "uploads", uploads)

    search_service.forget_indexes()
    counts = {name: search_service.reindex(name) for name in search_service.INDEXES}
    files = sum(1 for p in uploads.rglob("*") if p.is_file())
    click.echo(f"Restored {src}: database ({backend}), {files} uploaded files, search index {counts}. "
               "Other hosts: run `flask --app portal search reindex` there.")
