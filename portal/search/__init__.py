"""Full-text search of initiatives (every use of Whoosh stays inside this package)."""
from flask import Blueprint

bp = Blueprint("search", __name__)
