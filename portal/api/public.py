"""API endpoints of this area (see portal/api/__init__.py)."""
PATHS = {}
