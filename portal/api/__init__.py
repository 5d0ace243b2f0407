"""JSON API under /api/v1, described by /api/v1/openapi.json.

Each area's endpoints live in their own module here (`auth`, `initiatives`,
`council`, `public`, `emulation`, `emulation_records`, `reference`) and describe themselves in a `PATHS` dict
that `openapi.py` merges into one document.
"""
from flask import Blueprint

from portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, not cookies: no CSRF on the API

from portal.api import (  # noqa: E402,F401
    auth,
    council,
    emulation,
    emulation_records,
    initiatives,
    openapi,
    public,
    reference,
)
