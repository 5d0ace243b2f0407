"""The signed-in person's home: what waits for them in each of their roles (Việc của tôi)."""
from flask import Blueprint

bp = Blueprint("home", __name__)

from portal.home import routes  # noqa: E402,F401
