"""Absolute URLs never come from whatever Host a client sends.

`PUBLIC_BASE_URL` (e.g. ``https://sangkien.vks.danang.gov.vn``) names the portal as its
readers reach it: every absolute URL (sitemap, Atom feeds, the API's `url` fields, the
article's canonical link) is built from it, whatever the request's Host. Without it, the
Host must be one of `TRUSTED_HOSTS` (`PORTAL_TRUSTED_HOSTS`, comma-separated; a leading dot
admits every subdomain), by default the loopback names that `make run` and the tests use;
any other Host is refused with 400 before anything runs.
"""
import re
from urllib.parse import urlsplit

from flask import current_app, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l

from portal.core.refusal import bad_request

LOOPBACK = ("localhost", "127.0.0.1", "::1")
_NAME = re.compile(r"[a-z0-9._-]+|\[[0-9a-f:.]+\]")
_PORT = re.compile(r"[0-9]{1,5}")


def hostname(host):
    """The name in a Host header (lower case, without port or IPv6 brackets); None if malformed."""
    host = (host or "").strip().lower()
    name, port = host, ""
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name += "]"
        if rest and not _PORT.fullmatch(rest[1:]) or rest[:1] not in ("", ":"):
            return None
    elif ":" in host:
        name, _, port = host.rpartition(":")
        if not _PORT.fullmatch(port):
            return None
    if not _NAME.fullmatch(name):
        return None
    return name.strip("[]")


def host_is_trusted(host, trusted):
    """Whether the Host header names one of `trusted` (a leading dot admits subdomains)."""
    name = hostname(host)
    if name is None:
        return False
    for entry in trusted:
        entry = entry.strip().lower().strip("[]")
        if entry.startswith("."):
            if name == entry[1:] or name.endswith(entry):
                return True
        elif name == entry:
            return True
    return False


def trusted_hosts(app):
    configured = app.config.get("PORTAL_TRUSTED_HOSTS")
    if isinstance(configured, str):
        configured = configured.split(",")
    return [h.strip() for h in configured if h.strip()] if configured else list(LOOPBACK)


def install(app):
    """Check the configuration once, and every request's Host before anything else runs."""
    base = app.config.get("PUBLIC_BASE_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"PUBLIC_BASE_URL must be like https://sangkien.example.gov.vn, not {base!r}")

    @app.before_request
    def bind_public_host():
        base = current_app.config.get("PUBLIC_BASE_URL")
        if base:
            _build_from(base)
            return
        hosts = trusted_hosts(current_app)
        if not host_is_trusted(request.host, hosts):
            raise bad_request(_l("Địa chỉ máy chủ (Host) không thuộc danh sách được phép của Cổng."))


def _build_from(base):
    """Make url_for build this request's URLs from PUBLIC_BASE_URL (the request is already routed)."""
    parts = urlsplit(base)
    script_name = parts.path.rstrip("/") or request.script_root
    ctx = request_ctx._get_current_object()
    ctx.url_adapter = current_app.url_map.bind(
        parts.netloc, script_name=script_name or "/", url_scheme=parts.scheme,
        subdomain=current_app.url_map.default_subdomain or None)
