"""Sending a stored file (an attachment) to the browser, by the app or by the reverse proxy.

Behind nginx, `PORTAL_X_ACCEL_REDIRECT=1` (or `X_ACCEL_REDIRECT = True` in
instance/config.py) makes the app answer a download with headers only: the
route has already checked who may see the file, and nginx then streams it
from the uploads folder through an `internal` location (deploy/nginx.conf), so
a large download does not hold a gunicorn worker.
"""
import os
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, send_file

# The nginx location that maps to UPLOAD_FOLDER (marked `internal` there).
DEFAULT_PREFIX = "/_protected_uploads/"


def x_accel_enabled():
    configured = current_app.config.get("X_ACCEL_REDIRECT")
    if configured is None:
        configured = os.environ.get("PORTAL_X_ACCEL_REDIRECT") == "1"
    return bool(configured)


def content_disposition(download_name):
    """`attachment` with the name as the person knows it (RFC 6266: ASCII fallback + UTF-8)."""
    name = download_name.replace("\r", " ").replace("\n", " ").replace('"', "'")
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        ascii_name = ascii_name.replace("\\", "_") or "download"
        return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return f'attachment; filename="{name}"'


def send_stored_file(path, download_name, mimetype=None, max_age=0):
    """Answer a download of `path` (a file inside UPLOAD_FOLDER) as `download_name`.

    Without X-Accel-Redirect: `flask.send_file(as_attachment=True)`. With it: an
    empty response whose `X-Accel-Redirect` header names the file under the
    proxy's internal location. `max_age` > 0 lets shared caches keep a public
    file that long; 0 (private files) forbids storing it. Raises
    FileNotFoundError (the route answers 404) when `path` is missing or lies
    outside the uploads folder.
    """
    uploads = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    target = Path(path).resolve()
    if uploads not in target.parents or not target.is_file():
        raise FileNotFoundError(str(path))
    cache_control = f"public, max-age={int(max_age)}" if max_age > 0 else "private, no-store"
    if not x_accel_enabled():
        response = send_file(target, mimetype=mimetype, as_attachment=True, download_name=download_name,
                             max_age=max_age)
        response.headers["Cache-Control"] = cache_control
        return response
    prefix = current_app.config.get("X_ACCEL_PREFIX", DEFAULT_PREFIX)
    relative = target.relative_to(uploads).as_posix()
    response = Response(status=200, mimetype=mimetype or "application/octet-stream")
    response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
    response.headers["Content-Disposition"] = content_disposition(download_name)
    response.headers["Cache-Control"] = cache_control
    return response
