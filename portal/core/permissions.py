"""Role checks for routes. Object checks live on the models (`Initiative.can_view`)."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def require_roles(*roles):
    """Signed-in users holding one of the global `roles` (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def require_council(*council_roles):
    """Signed-in users holding a council role in any year (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            held = set(current_user.council_years().values())
            if not held or (council_roles and not held & set(council_roles)):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
