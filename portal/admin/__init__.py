"""Administration: users, units, years, councils."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
