"""Sign-in, sign-out, own password and API tokens."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import routes  # noqa: E402,F401
