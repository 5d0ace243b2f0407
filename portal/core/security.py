"""Security headers on every response: a strict CSP (no inline script), no framing, no sniffing."""
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class DatabaseInteger(IntegerConverter):
    """`<int:…>` in URLs, bounded to what an INTEGER column holds: a larger id is a 404 like any
    unknown one (whatever the method), instead of an overflow in the database driver (500)."""

    LIMIT = 2**31 - 1

    def to_python(self, value):
        number = super().to_python(value)
        if number > self.LIMIT:
            raise NotFound()
        return number


def install(app):
    install_escaping_gettext(app)
    app.url_map.converters["int"] = DatabaseInteger  # before the blueprints add their rules

    @app.after_request
    def headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def install_escaping_gettext(app):
    """`{{ _(text) }}` escapes `text` like any other value.

    Jinja's i18n extension marks every translation safe (its msgids are trusted template
    text), so `_(council.name)` or `_(message)` with data in it would put raw HTML in the
    page. Msgids hold no markup here, so escaping them changes nothing for real strings
    and neutralises data passed to `_()`. Variables (`%(name)s`) are escaped as before.
    """
    from flask_babel import get_translations
    from jinja2 import pass_context
    from markupsafe import escape

    def escaped(translate):
        @pass_context
        def call(context, *args):
            text = translate(get_translations(), *args)
            return escape(text) if context.eval_ctx.autoescape else text
        return call

    app.jinja_env.install_gettext_callables(
        gettext=escaped(lambda t, s: t.ugettext(s)),
        ngettext=escaped(lambda t, s, p, n: t.ungettext(s, p, n)),
        pgettext=escaped(lambda t, c, s: t.upgettext(c, s)),
        npgettext=escaped(lambda t, c, s, p, n: t.unpgettext(c, s, p, n)),
        newstyle=True,
    )
