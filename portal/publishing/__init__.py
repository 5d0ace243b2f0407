"""The public website: published initiatives as articles, feeds, sitemap."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.core import jobs

bp = Blueprint("publishing", __name__)

from portal.publishing import (  # noqa: E402
    cache,
    reminders,
    routes,  # noqa: E402,F401
    views,
)


def init_app(app):
    cache.install(app)
    views.install(app)
    jobs.register(jobs.Job("editor_reminders", reminders.editor_reminders, {"minute": "7"},
                           _l("Nhắc Biên tập viên: sáng kiến quá hạn chưa đăng")))
    jobs.register(jobs.Job("flush_views", views.flush_shared, {"minute": "*"},
                           _l("Ghi lượt xem bài viết (từ Redis) vào cơ sở dữ liệu")))
