"""Command-line interface: `flask --app portal <command>`."""
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.extensions import db


def install(app):
    for command in (init_db, seed_demo, demo_accounts, create_user, backup):
        app.cli.add_command(command)
    app.cli.add_command(audit_group)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema through the migrations."""
    from flask_migrate import upgrade

    upgrade()
    from portal.core.audit import ensure_head

    ensure_head()
    db.session.commit()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when there are no users yet.")
@with_appcontext
def seed_demo(if_empty):
    """Fill the database with the demo: units, staff for every role, councils, initiatives."""
    from portal.auth.models import User
    from portal.seed import seed

    if if_empty and db.session.execute(select(func.count(User.id))).scalar_one():
        click.echo("Demo data already present; kept as it is.")
        return
    summary = seed()
    click.echo("Demo data created: " + ", ".join(f"{k}: {v}" for k, v in summary.items()))


@click.command("demo-accounts")
@with_appcontext
def demo_accounts():
    """Print the demo accounts."""
    from portal.seed import DEMO_PASSWORD, demo_account_lines

    click.echo("\nTài khoản demo (mật khẩu chung: %s)" % DEMO_PASSWORD)
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
    from portal.auth.services import AccountError, get_or_create_unit
    from portal.auth.services import create_user as create
    from portal.council.services import add_council_member

    if council_role and not year:
        raise click.UsageError("--council needs --year.")
    try:
        unit = get_or_create_unit(unit_name)
        user = create(username=username, password=password, full_name=full_name, unit=unit,
                      roles=roles, is_leader=leader, position=position)
        if council_role:
            add_council_member(year, user, council_role, actor=None)
    except AccountError as error:
        db.session.rollback()
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Created user {user.username} ({user.full_name}, {unit.name}).")


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Check the hash chain; exit 1 when an event was edited, inserted or deleted."""
    from portal.core.audit import AuditEvent, verify

    problems = verify()
    count = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    if problems:
        for problem in problems:
            click.echo(f"TAMPERED: {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"Audit log intact: {count} events.")


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
