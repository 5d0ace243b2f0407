"""The public website: published initiatives as articles, feeds, sitemap."""
from flask import Blueprint

bp = Blueprint("publishing", __name__)

from portal.publishing import (  # noqa: E402
    cache,
    routes,  # noqa: E402,F401
    views,
)


def init_app(app):
    cache.install(app)
    views.install(app)
