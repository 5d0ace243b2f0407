"""Language: Vietnamese by default, English on request (msgids are the Vietnamese text)."""
from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_login import current_user

PORTAL = Path(__file__).resolve().parent.parent


def translation_directories():
    """The shared catalogue plus one per area (portal/<area>/translations), merged by Flask-Babel."""
    dirs = [PORTAL / "translations", *sorted(PORTAL.glob("*/translations"))]
    return ";".join(str(d) for d in dirs if d.is_dir()) or str(PORTAL / "translations")


def select_locale():
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # the command line and background work
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang") or session.get("lang")
    if not wanted and getattr(current_user, "is_authenticated", False):
        wanted = current_user.locale
    return wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
