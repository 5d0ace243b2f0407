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
# What a browser may show in its own viewer (`inline`), by the stored file's extension, which
# comes from its sniffed kind: PDFs and raster images. Everything else is only ever downloaded
# (an office document, or anything a browser could run as a page).
INLINE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
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


def shown_inline(stored_extension):
    """True when a file of this stored extension may open in the browser's own viewer."""
    return (stored_extension or "").lower() in INLINE_TYPES


def content_disposition(download_name, disposition="attachment"):
    """`attachment` (or `inline`) with the name as the person knows it (RFC 6266: ASCII fallback
    + UTF-8)."""
    name = download_name.replace("\r", " ").replace("\n", " ").replace('"', "'")
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        ascii_name = ascii_name.replace("\\", "_") or "download"
        return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return f'{disposition}; filename="{name}"'


def send_stored_file(path, name, mimetype=None, max_age=0, inline=False):
    """Answer a download of `path` (a file inside UPLOAD_FOLDER) as `name`, given the extension
    of the stored file (its sniffed type; see `download_name`).

    As an attachment, unless `inline` is asked and the stored file is a PDF or an image
    (INLINE_TYPES): then `inline`, with the media type of its kind whatever `mimetype` says, so
    that the browser opens it in its viewer. The portal's CSP and nosniff apply as to any page.

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
    inline = inline and shown_inline(target.suffix)
    if inline:
        mimetype = INLINE_TYPES[target.suffix.lower()]
    disposition = "inline" if inline else "attachment"
    if not x_accel_enabled():
        response = send_file(target, mimetype=mimetype, as_attachment=True, download_name=name,
                             max_age=max_age)
        if inline:
            response.headers["Content-Disposition"] = content_disposition(name, disposition)
        response.headers["Cache-Control"] = cache_control
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    prefix = current_app.config.get("X_ACCEL_PREFIX", DEFAULT_PREFIX)
    relative = target.relative_to(uploads).as_posix()
    response = Response(status=200, mimetype=mimetype or "application/octet-stream")
    response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
    response.headers["Content-Disposition"] = content_disposition(name, disposition)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
