"""Sign-in, sign-out, own password and API tokens."""
from flask import Blueprint, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import jobs

bp = Blueprint("auth", __name__)


def prune_sign_in_attempts():
    throttle.prune(older_than_days=current_app.config["LOGIN_ATTEMPTS_KEEP_DAYS"])
    return {}


def init_app(app):
    jobs.register(jobs.Job("prune_sign_in_attempts", prune_sign_in_attempts, {"minute": "20", "hour": "20"},
                           _l("Dọn lượt đăng nhập cũ")))


def _signed_in():
    """A browser session or remember cookie names an account (a cookie-less request is
    anonymous without touching the session, so public answers keep their headers)."""
    cookies = request.cookies
    names = (current_app.config.get("SESSION_COOKIE_NAME", "session"),
             current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    if "_login_user" not in g and not any(name in cookies for name in names):
        return False
    return current_user.is_authenticated


@bp.after_app_request
def no_store_when_private(response):
    """`Cache-Control: no-store` on every signed-in answer and every API answer that is not
    public: no browser or proxy keeps a copy of a personal page or a freshly issued token.
    Public answers are those that said so themselves (`Cache-Control: public`) to a client
    that sent no credentials."""
    if request.endpoint == "static":
        return response
    api = request.blueprint == "api"
    public = "public" in (response.headers.get("Cache-Control") or "")
    if _signed_in() or g.get("api_user") is not None \
            or (api and (not public or "Authorization" in request.headers)):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


from portal.auth import routes, throttle  # noqa: E402,F401
