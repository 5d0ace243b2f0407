"""Public pages that browsers, nginx and the portal itself can keep.

Every public page is a function of the URL, the language and what is published. What is
published is summed up by one number, the site generation (`SiteGeneration`), which grows in
the transaction of every change a public page can show (`_bump_on_change`). So:

- the ETag of a public page is derived from (generation, URL, language): a browser or nginx
  that sends it back gets a 304 without anything being rendered;
- rendered pages are kept in an application cache (cachelib: in-process by default, Redis
  with PORTAL_CACHE_URL=redis://…) under the same key, so a publish makes every cached page
  fresh at once on every worker and host, since each request reads the generation;
- anonymous answers carry `Cache-Control: public, max-age=…, stale-while-revalidate=…` and
  never set or vary on a cookie. A request with a cookie of the portal (signed in, or a chosen
  language) is rendered for that person and never shared.
"""
import hashlib
from functools import wraps

from cachelib import RedisCache, SimpleCache
from flask import current_app, g, make_response, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from sqlalchemy import create_engine, select, update
from sqlalchemy.exc import DBAPIError

from portal.auth.signals import unit_changed
from portal.core.changes import flush_announced
from portal.extensions import db
from portal.initiatives.signals import attachment_changed, field_changed
from portal.publishing.models import SiteGeneration
from portal.publishing.signals import publication_changed, slug_changed

_GENERATION = select(SiteGeneration.value).where(SiteGeneration.id == 1)


def generation():
    """The site generation, read once per request.

    Read on a connection of its own, not through the ORM session: a page served from the cache
    then never begins a session (about 40 % of a cached answer's time went to building the
    statement, the session's execution and closing it at teardown). A request that changed the
    generation in its own transaction reads it through that transaction."""
    if "_site_generation" not in g:
        # None: no row (a database made without the migration or `init-db`): nothing is kept.
        if db.session.registry.has() and db.session().in_transaction():
            value = db.session.execute(_GENERATION).scalar()
        else:
            value = _read_generation(current_app)
        g._site_generation = value
    return g._site_generation


_READERS = {}


def _reader(app):
    """The engine the generation is read through. On a database server, one of its own per process
    and database, with the app's engine options but autocommit and no pre-ping, so that reading
    the one row is one statement (not a ping, the SELECT and a ROLLBACK through the app's pool).
    SQLite has no round trips to save: the app's own engine."""
    engine = db.engine
    if engine.url.get_backend_name() == "sqlite":
        return engine
    url = engine.url.render_as_string(hide_password=False)
    if url not in _READERS:
        options = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), "pool_pre_ping": False,
                   "isolation_level": "AUTOCOMMIT", "pool_size": 1, "max_overflow": 4}
        _READERS[url] = create_engine(url, **options)
    return _READERS[url]


def dispose_readers():
    """Close the generation readers' connections (the tests do, after each test)."""
    for reader in _READERS.values():
        reader.dispose()


def _read_generation(app):
    reader = _reader(app)
    try:
        with reader.connect() as connection:
            return connection.execute(_GENERATION).scalar()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    with reader.connect() as connection:  # the server had closed that connection: the pool dropped it
        return connection.execute(_GENERATION).scalar()


def ensure_generation():
    """The one row, made by the migration; `init-db` and the tests' schema make it when missing."""
    if db.session.get(SiteGeneration, 1) is None:
        db.session.add(SiteGeneration(id=1, value=1))
        db.session.flush()


_BUMP = "site_generation_bump"


@publication_changed.connect
@slug_changed.connect
@attachment_changed.connect
@field_changed.connect
@unit_changed.connect
def _note_change(session, changes):
    """A change a public page can show grows the generation, in the transaction of the change.

    Article views are not such a change, and never pass here: publishing.views writes them
    with a plain UPDATE, not through the session."""
    if any(change.modified(session) for change in changes):
        session.info[_BUMP] = True


@flush_announced.connect
def _bump_on_change(session):
    if session.info.pop(_BUMP, False):
        session.connection().execute(
            update(SiteGeneration).where(SiteGeneration.id == 1).values(value=SiteGeneration.value + 1))


def _store(app):
    if "portal_public_cache" not in app.extensions:
        url = app.config.get("PUBLIC_CACHE_URL") or ""
        if url.startswith("redis://"):
            import redis  # production only: `pip install redis`

            store = RedisCache(host=redis.Redis.from_url(url), key_prefix="portal-public:")
        else:
            store = SimpleCache(threshold=app.config.get("PUBLIC_CACHE_ENTRIES", 2000))
        app.extensions["portal_public_cache"] = store
    return app.extensions["portal_public_cache"]


def remembered(name, compute):
    """What `compute()` gives from the published data, kept per generation: a count over every
    article is computed once after each publish, not on every view (signed-in views too)."""
    current = generation()
    if current is None:
        return compute()
    key = f"{current}|data|{name}"
    store = _store(current_app)
    kept = store.get(key)
    if kept is None:
        kept = compute()
        store.set(key, kept, timeout=current_app.config.get("PUBLIC_CACHE_SECONDS", 300))
    return kept


def _shared():
    """True when the answer may be shared: an anonymous request without any cookie of the portal."""
    return request.method in ("GET", "HEAD") and not request.cookies


def _etag(key):
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def public_page(view):
    """Serve a public page from the cache, with an ETag and a 304, when the request is shareable."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_app.config.get("PUBLIC_CACHE", True) or not _shared() or generation() is None:
            return view(*args, **kwargs)
        key = f"{generation()}|{get_locale()}|{request.host}|{request.full_path}"
        tag = _etag(key)
        if request.if_none_match.contains(tag):
            response = current_app.response_class(status=304)
            return _public(response, tag)
        store = _store(current_app)
        kept = store.get(key)
        if kept is not None:
            body, mimetype = kept
            return _public(current_app.response_class(body, mimetype=mimetype), tag)
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.direct_passthrough:
            return response  # redirects, refusals and files are not kept
        store.set(key, (response.get_data(), response.mimetype),
                  timeout=current_app.config.get("PUBLIC_CACHE_SECONDS", 300))
        return _public(response, tag)
    return wrapped


def _public(response, tag):
    seconds = current_app.config.get("PUBLIC_MAX_AGE", 60)
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={seconds}, stale-while-revalidate={seconds * 5}"
    g.public_response = True  # no session cookie, no Vary: Cookie (see after_request below)
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The portal's session, never saved on a shared answer: it sets no cookie and adds no
    `Vary: Cookie` there (the page was rendered for nobody in particular)."""

    def save_session(self, app, session, response):
        if g.get("public_response"):
            return None
        return super().save_session(app, session, response)


def install(app):
    app.session_interface = SessionInterface()

    @app.after_request
    def shared_answer_sets_no_cookie(response):
        if g.get("public_response"):
            response.vary.discard("Cookie")
            response.headers.pop("Set-Cookie", None)
        return response
