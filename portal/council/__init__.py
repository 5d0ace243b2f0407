"""Hội đồng Sáng kiến: screening, assignment, scoring, decisions, documents."""
from flask import Blueprint

bp = Blueprint("council", __name__, url_prefix="/council")
