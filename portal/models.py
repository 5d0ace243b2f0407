"""Import every area's models so SQLAlchemy and Alembic see the whole schema."""
import importlib
import pkgutil

import portal

for _area in ("core", "years", "auth", "admin", "initiatives", "council", "publishing", "search", "emulation"):
    _pkg = f"portal.{_area}"
    try:
        _mod = importlib.import_module(_pkg)
    except ModuleNotFoundError:
        continue
    for _info in pkgutil.iter_modules(_mod.__path__):
        if _info.name == "models" or _info.name.endswith("_models"):
            importlib.import_module(f"{_pkg}.{_info.name}")

from portal.core.audit import AuditEvent, AuditHead  # noqa: E402,F401
from portal.core.jobs import TaskRun  # noqa: E402,F401
from portal.core.mail import MailMessage  # noqa: E402,F401
from portal.core.notifications import Notification  # noqa: E402,F401
from portal.core.organisation import OrganisationSettings  # noqa: E402,F401

__all__ = ["portal"]
