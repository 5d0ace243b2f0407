"""Language: Vietnamese by default, English on request (msgids are the Vietnamese text)."""
from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user

from portal.core.phrases import Phrase, render

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
    # No cookie, no session and so nobody signed in (an anonymous public page: no user is loaded).
    if not wanted and request.cookies and getattr(current_user, "is_authenticated", False):
        wanted = current_user.locale
    return wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(value):
    """A message in the request's language: a `Phrase` from a rule module (with its values), a lazy
    string, or plain text (returned as it is). Outside a request, the Vietnamese text."""
    if isinstance(value, Phrase | list | tuple):
        if not has_request_context():
            return render(value, lambda msgid: msgid)
        return render(value, gettext)
    return str(value) if value is not None else ""
