"""Thi đua – Khen thưởng: titles, registrations, eligibility."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.core import jobs

bp = Blueprint("emulation", __name__, url_prefix="/emulation")


def init_app(app):
    jobs.register(jobs.Job("commendation_reminders", reminders.commendation_reminders, {"minute": "8"},
                           _l("Nhắc hạn nộp hồ sơ khen thưởng")))


from portal.emulation import correction_routes, reminders, routes  # noqa: E402,F401
