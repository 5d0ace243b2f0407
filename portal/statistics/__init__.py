"""Thống kê: a year at a glance, for the council and the emulation office, and for readers."""
from flask import Blueprint

bp = Blueprint("statistics", __name__)

from portal.statistics import routes  # noqa: E402,F401
