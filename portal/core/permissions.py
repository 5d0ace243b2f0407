"""The gate of pages that belong to a global role (editor's queue, emulation office, admin).

What a person may see and do with an initiative or a year of the council's work is the
policy's answer (portal.initiatives.policy), asked through `get_initiative_or_404`,
`policy.check` and, in templates, `can(...)`.
"""
from functools import wraps

from flask_login import current_user, login_required

from portal.core.refusal import forbidden


def require_roles(*roles):
    """Signed-in users holding one of the global `roles` (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                raise forbidden()
            return view(*args, **kwargs)
        return wrapped
    return decorator
