"""The public website: published initiatives as articles, feeds, sitemap."""
from flask import Blueprint

bp = Blueprint("publishing", __name__)

from portal.publishing import routes  # noqa: E402,F401
