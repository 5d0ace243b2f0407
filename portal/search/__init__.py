"""Full-text search of initiatives (every use of Whoosh stays inside this package).

`similar_initiatives(initiative, limit=5)` is the council's duplicate check;
`flask --app portal search reindex|extract|status` manage the indexes.
"""
import click
from flask import Blueprint
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from portal.core import jobs

bp = Blueprint("search", __name__)

from portal.council.services import provide_similarity  # noqa: E402
from portal.publishing.queries import provide_related  # noqa: E402
from portal.search import attachments, routes, service  # noqa: E402,F401
from portal.search.service import INDEXES, similar_initiatives  # noqa: E402,F401

search_cli = AppGroup("search", help="The search indexes (derived from the database).")


def _extract(limit):
    done = attachments.extract_pending(limit)
    if done:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(done.items()))
        click.echo(f"Attachments read: {counts}")
    return done


@search_cli.command("extract")
@click.option("--limit", type=int, default=1000, show_default=True,
              help="Attachments read at most in this run.")
def extract_command(limit):
    """Read the text of attachments that are new or changed (PDF, DOCX)."""
    if not _extract(limit):
        click.echo("No attachment waiting to be read.")
    left = attachments.pending_count()
    if left:
        click.echo(f"{left} attachments still waiting; run the command again.")


@search_cli.command("reindex")
@click.option("--index", "which", type=click.Choice([*INDEXES, "all"]), default="all",
              show_default=True, help="Which index to rebuild.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Read new or changed attachments first.")
def reindex_command(which, extract):
    """Rebuild the search indexes from the database (searches go on meanwhile)."""
    if extract:
        _extract(100_000)
    for name in INDEXES if which == "all" else (which,):
        count = service.reindex(name)
        click.echo(f"Index “{name}”: {count} documents ({service.live_path(name)})")


@search_cli.command("status")
def status_command():
    """Where each index stands against the database."""
    for name in INDEXES:
        s = service.status(name)
        if s["position"] is None:
            click.echo(f"{name}: not built yet ({s['path']}); it builds on first use or with "
                       "`flask --app portal search reindex`. In the database: "
                       f"{s['in_database']}.")
            continue
        click.echo(f"{name}: {s['documents']} documents, {s['in_database']} in the database; "
                   f"outbox position {s['position']} of {s['outbox_top']} "
                   f"({s['pending']} pending); {s['path']}")
    click.echo(f"attachments waiting to be read: {service.attachments.pending_count()}")


def upkeep():
    """Read the text of new attachments, then bring this host's indexes up to the outbox."""
    extracted = attachments.extract_pending(limit=100)
    caught_up = {name: service.catch_up(name, wait=service.WRITE_WAIT) for name in service.INDEXES}
    return {"extracted": extracted, "caught_up": caught_up}


def init_app(app):
    app.cli.add_command(search_cli)
    jobs.register(jobs.Job("search_upkeep", upkeep, {"minute": "*/5"}, _l("Cập nhật chỉ mục tìm kiếm")))
    # The areas below ask search through a slot they own, so that no arrow points up to search.
    provide_similarity(similar_initiatives)
    provide_related(service.related_articles)
