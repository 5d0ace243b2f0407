"""Administration: users, units, years, councils, and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import audit_views, organisation, outbox_views, routes  # noqa: E402,F401
