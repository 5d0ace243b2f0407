"""Sending a stored file (an attachment) to the browser, by the app or by the reverse proxy.

Behind nginx, `PORTAL_X_ACCEL_REDIRECT=1` (or `X_ACCEL_REDIRECT = True` in
instance/config.py) makes the app answer a download with headers only: the
route has already checked who may see the file, and nginx then streams it
from the uploads folder through an `internal` location (deploy/nginx.conf), so
a large download does not hold a gunicorn worker.
"""
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, send_file

from portal.core.text import clean

# The nginx location that maps to UPLOAD_FOLDER (marked `internal` there).
DEFAULT_PREFIX = "/_protected_uploads/"
# Other spellings of a stored file's extension that a person's name may keep.
SAME_EXTENSION = {".jpg": (".jpeg", ".jpe"), ".tif": (".tiff",)}
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def download_name(original_name, extension):
    """The person's name for a file with the extension of what the file is (`extension`, the
    stored file's, from its sniffed type): `bao-cao.html` holding a PDF is offered as
    `bao-cao.pdf`, so is `bao-cao.pdf.exe`; `anh.png.html` holding a PNG is `anh.png`; a name
    without an extension gets one. Control characters and any path are removed.
    """
    name = clean(original_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".") or "tep-dinh-kem"
    if not extension:
        return name
    right = (extension.lower(), *SAME_EXTENSION.get(extension.lower(), ()))
    stem, current = _split_extension(name)
    if current is not None and current.lower() in right:
        return name
    _inner, inner = _split_extension(stem)
    if inner is not None and inner.lower() in right:
        return stem
    return (stem.rstrip(". ") or "tep-dinh-kem") + extension.lower()


def _split_extension(name):
    """(stem, ".ext") when `name` ends in what looks like an extension (1-5 letters or digits)."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(extension):
        return stem, "." + extension
    return name, None


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


def send_stored_file(path, name, mimetype=None, max_age=0):
    """Answer a download of `path` (a file inside UPLOAD_FOLDER) as `name`, given the extension
    of the stored file (its sniffed type; see `download_name`), always as an attachment.

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
    name = download_name(name, target.suffix)
    if not x_accel_enabled():
        response = send_file(target, mimetype=mimetype, as_attachment=True, download_name=name,
                             max_age=max_age)
        response.headers["Cache-Control"] = cache_control
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    prefix = current_app.config.get("X_ACCEL_PREFIX", DEFAULT_PREFIX)
    relative = target.relative_to(uploads).as_posix()
    response = Response(status=200, mimetype=mimetype or "application/octet-stream")
    response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
