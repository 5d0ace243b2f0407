"""Pages: security headers, no inline script or style, CSRF on every form, error pages
in the layout and in Vietnamese, and the switch to English and back."""
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.exceptions import TooManyRequests

from portal import ROOT
from portal.core.timeutil import today as portal_today
from tests.conftest import PASSWORD

YEAR = portal_today().year


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """What `make translations` does: compile every .po whose .mo is missing or older."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted((ROOT / "portal").glob("**/translations/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


class Page(HTMLParser):
    """What the checks need from a page: scripts, inline styles and handlers, POST forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.inline, self.forms = [], [], []
        self._script = None
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script":
            self._script = {"src": attrs.get("src"), "body": ""}
            self.scripts.append(self._script)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(),
                          "action": attrs.get("action"), "fields": []}
            self.forms.append(self._form)
        if tag in ("input", "button") and self._form is not None and attrs.get("name"):
            self._form["fields"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["body"] += data


def parse(response):
    page = Page()
    page.feed(response.get_data(as_text=True))
    return page


def html_pages(app, client):
    """Every GET page that takes no argument, as the client sees it."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/") or rule.rule.endswith((".csv", ".json", ".xml", ".atom")):
            continue
        response = client.get(rule.rule)
        assert response.status_code < 500, f"{rule.rule} answered {response.status_code}"
        if response.mimetype == "text/html":
            yield rule.rule, response


@pytest.fixture
def people(make_user):
    return {
        "anonymous": None,
        "staff": make_user("can.bo"),
        "admin": make_user("quan.tri", roles=("admin", "editor", "emulation_officer")),
        "chair": make_user("chu.tich", council="chair", year=YEAR),
        "secretary": make_user("thu.ky", council="secretary", year=YEAR),
    }


CSP_REQUIRED = ("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'")


def assert_secure_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in CSP_REQUIRED:
        assert directive in csp, f"{where}: CSP lacks {directive}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where


@pytest.mark.parametrize("who", ["anonymous", "staff", "admin", "chair", "secretary"])
def test_every_page_has_headers_no_inline_code_and_csrf_on_post_forms(app, client, people, who):
    if people[who] is not None:
        client.login(people[who])
    seen = 0
    for path, response in html_pages(app, client):
        seen += 1
        assert_secure_headers(response, path)
        page = parse(response)
        for script in page.scripts:
            assert script["src"] and script["src"].startswith("/static/"), f"{path}: script {script}"
            assert not script["body"].strip(), f"{path}: inline script"
        assert page.inline == [], f"{path}: inline style or handler {page.inline}"
        for form in page.forms:
            if form["method"] == "post":
                assert any(f.endswith("csrf_token") for f in form["fields"]), \
                    f"{path}: POST form to {form['action']} without csrf_token"
        assert "https://" not in response.get_data(as_text=True).split("<body", 1)[0], \
            f"{path}: an asset from another site"
    assert seen >= 3


def test_static_files_and_json_carry_the_headers_too(client):
    with client.get("/static/css/portal.css") as css:
        assert_secure_headers(css, "css")
    assert_secure_headers(client.get("/api/v1/openapi.json"), "api")


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    make_user("can.bo")
    response = client.post("/login", data={"username": "can.bo", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# -- error pages ------------------------------------------------------------------

@pytest.fixture
def failing_routes(app):
    """Test-only routes, registered before the first request."""
    app.config.update(TEST_HIDE_500=True, PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("lỗi thử nghiệm")

    def busy():
        raise TooManyRequests()
    app.add_url_rule("/_test/broken", "test_broken", broken)
    app.add_url_rule("/_test/busy", "test_busy", busy)


def in_layout(response, status, title):
    text = response.get_data(as_text=True)
    assert response.status_code == status
    assert '<html lang="vi">' in text and 'class="site-header"' in text and 'class="site-footer"' in text
    assert f'<p class="error-code">{status}</p>' in text
    assert f"<h1>{title}</h1>" in text
    return text


def test_400_missing_csrf_token(client):
    text = in_layout(client.post("/login", data={"username": "a", "password": "b"}, csrf=False),
                     400, "Yêu cầu không hợp lệ")
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in text


def test_403_404_405(client, make_user):
    client.login(make_user("can.bo"))
    in_layout(client.get("/admin/users"), 403, "Không có quyền truy cập")
    in_layout(client.get("/khong-co-trang-nay"), 404, "Không tìm thấy trang")
    in_layout(client.get("/logout"), 405, "Phương thức không được hỗ trợ")


def test_413_too_large(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    in_layout(client.post("/login", data={"username": "x" * 10_000, "password": "y"}), 413, "Tệp quá lớn")


def test_429_and_500(client, failing_routes):
    in_layout(client.get("/_test/busy"), 429, "Quá nhiều lần thử")
    text = in_layout(client.get("/_test/broken"), 500, "Lỗi hệ thống")
    assert "lỗi thử nghiệm" not in text and "Traceback" not in text


def test_throttled_sign_in_is_429_in_the_layout(client, make_user):
    make_user("can.bo")
    for _ in range(5):
        client.post("/login", data={"username": "can.bo", "password": "sai-mat-khau"})
    response = client.post("/login", data={"username": "can.bo", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"]
    text = response.get_data(as_text=True)
    assert 'class="site-header"' in text and "Đăng nhập sai quá nhiều lần" in text


# -- language ------------------------------------------------------------------------

def test_switch_to_english_and_back(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng nhập" in page and "Tên đăng nhập" in page
    response = client.post("/lang/en", data={"next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    for english in ("Sign in", "Username", "Password", "Home", "Skip navigation", "Tiếng Việt"):
        assert english in page, english
    assert "Tên đăng nhập" not in page
    error = client.get("/khong-co").get_data(as_text=True)
    assert "Page not found" in error and "Không tìm thấy trang" not in error
    client.post("/lang/vi", data={"next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Tên đăng nhập" in page and "English" in page


def test_a_reader_without_an_account_switches_language_by_a_link(client):
    page = client.get("/initiatives").get_data(as_text=True)
    assert 'href="/lang/en?next=/initiatives"' in page and "csrf" not in page
    response = client.get("/lang/en?next=/initiatives")
    assert response.status_code == 302 and response.headers["Location"].endswith("/initiatives")
    assert '<html lang="en">' in client.get("/initiatives").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"].endswith("/")


def test_lang_query_parameter_and_signed_in_preference(client, make_user):
    assert "Sign in" in client.get("/login?lang=en").get_data(as_text=True)
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)  # not sticky by itself
    admin = make_user("quan.tri", roles=("admin",))
    client.login(admin)
    client.post("/lang/en", data={"next": "/admin/"})
    from portal.extensions import db

    db.session.refresh(admin)
    assert admin.locale == "en"
    page = client.get("/admin/").get_data(as_text=True)
    assert "System administration" in page and "Administration" in page
    assert client.post("/lang/xx", data={}).status_code == 404


def test_catalogue_covers_the_layout_and_admin_templates():
    """Every msgid of the shared templates has an English translation."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (ROOT / "portal/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string}
    missing = set()
    for folder in ("templates/admin", "templates/auth", "templates/errors"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                Path(ROOT / folder), method_map=[("**.html", "jinja2")]):
            if isinstance(message, str) and message not in translated:
                missing.add(message)
    assert missing == set()


def test_every_message_of_the_code_and_templates_has_an_english_translation():
    """English is complete: each msgid in any template or module is translated in some catalogue."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    translated = set()
    for catalogue in ROOT.glob("portal/**/translations/en/LC_MESSAGES/messages.po"):
        with catalogue.open("rb") as f:
            translated |= {m.id for m in read_po(f) if isinstance(m.id, str) and m.string}
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    missing = set()
    for folder, method in (("templates", "jinja2"), ("portal", "python")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for filename, line, message, _comments, _context in extract_from_dir(
                Path(ROOT / folder), method_map=[(pattern, method)], keywords=keywords):
            if isinstance(message, str) and message and message not in translated:
                missing.add(f"{folder}/{filename}:{line}: {message}")
    assert sorted(missing) == []
