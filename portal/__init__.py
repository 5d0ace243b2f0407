"""Cổng Sáng kiến: the initiative registry and review portal of a People's Procuracy."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as config_module
from portal.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Areas of the domain, each a package with a blueprint `bp`.
AREAS = ("auth", "admin", "initiatives", "council", "publishing", "search", "emulation", "statistics", "api", "home")


def create_app(config=None):
    instance_path = os.environ.get("PORTAL_INSTANCE_PATH") or (config or {}).get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config_module.load(app, config)

    # The areas are imported when an app is made, not with this package: each of them imports
    # `portal.extensions` (and `portal.models` imports `portal`), so importing them at the top
    # here would be a cycle through this very module.
    from portal import models  # noqa: F401  (every model registered before anything queries)
    from portal.core import hosts

    hosts.install(app)  # first of the before_request hooks: an untrusted Host goes no further
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from portal.core import errors, i18n, layout, security, sqlite

    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=i18n.translation_directories())
    sqlite.install(app)
    security.install(app)
    errors.install(app)
    layout.install(app)

    import importlib

    from portal.core import tasks

    tasks.init_app(app)  # core's background tasks; each area registers its own below
    for area in AREAS:
        module = importlib.import_module(f"portal.{area}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)

    from portal import cli

    cli.install(app)

    if app.config.get("PROXY_FIX"):
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    return app
