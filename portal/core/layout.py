"""What every page's layout needs: the navigation, filters and the current user's bell."""
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import g, request
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user
from jinja2 import BytecodeCache

from portal.core.i18n import translate
from portal.core.markup import render_markdown
from portal.core.notifications import unread_count
from portal.core.organisation import forget as forget_organisation
from portal.core.organisation import organisation, site_name


@dataclass(frozen=True)
class NavItem:
    label: str          # Vietnamese msgid, translated at render time
    endpoint: str
    visible: Callable   # (user) -> bool
    order: int = 50
    section: str = "main"  # "main" for the top bar, "public" for the public menu


NAV: list[NavItem] = []


def register_nav(label, endpoint, visible=lambda user: True, order=50, section="main"):
    """Areas add their entries to the menu without editing the shared layout."""
    NAV.append(NavItem(label, endpoint, visible, order, section))
    NAV.sort(key=lambda item: item.order)


def nav_items(section="main"):
    user = current_user
    return [item for item in NAV if item.section == section and item.visible(user)]


def _unread():
    if not getattr(current_user, "is_authenticated", False):
        return 0
    if "_unread" not in g:
        g._unread = unread_count(current_user.id)
    return g._unread


class _ProcessBytecode(BytecodeCache):
    """Compiled templates shared by every app of one process.

    A Flask app compiles each template once; the test suite, the CLI and the
    worker make one app after another, each recompiling every page it draws
    (about a third of a request test's time). Jinja checks each entry against
    the template's source, and the key holds the options that change what the
    compiler writes, so an app built differently never reads another's code.
    """

    def __init__(self):
        self._code: dict[tuple, bytes] = {}

    @staticmethod
    def _key(bucket) -> tuple:
        env = bucket.environment
        autoescape = getattr(env.autoescape, "__qualname__", env.autoescape)  # Flask's is a bound method
        return (bucket.key, env.trim_blocks, env.lstrip_blocks, autoescape, *sorted(env.extensions))

    def load_bytecode(self, bucket):
        code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[self._key(bucket)] = bucket.bytecode_to_string()


_BYTECODE = _ProcessBytecode()


def install(app):
    icon = (Path(app.static_folder) / "img" / "favicon.svg").read_bytes()

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for it on pages without <link rel=icon> (feeds, files).
        return icon, 200, {"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"}

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["translate"] = translate  # a rule's Phrase in the reader's language
    app.jinja_env.filters["date"] = lambda d, fmt="dd/MM/yyyy": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = (
        lambda d, fmt="HH:mm dd/MM/yyyy": format_datetime(d, fmt) if d else "")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = _BYTECODE

    # Read once per request: g outlives a request where an application context is held around it.
    app.before_request(forget_organisation)

    @app.context_processor
    def layout_context():
        return {
            "nav_items": nav_items,
            "unread_notifications": _unread,
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "site_name": site_name(gettext),
            "organisation": organisation(),
            "request_path": request.path,
        }
