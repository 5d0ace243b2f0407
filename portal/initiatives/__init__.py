"""Staff register initiatives: drafts, co-authors, attachments, versions."""
from flask import Blueprint

bp = Blueprint("initiatives", __name__)

from portal.initiatives import admin_routes, attachments, routes  # noqa: E402,F401
