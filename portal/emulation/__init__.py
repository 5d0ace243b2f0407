"""Thi đua – Khen thưởng: titles, registrations, eligibility."""
from flask import Blueprint

bp = Blueprint("emulation", __name__, url_prefix="/emulation")

from portal.emulation import routes  # noqa: E402,F401
