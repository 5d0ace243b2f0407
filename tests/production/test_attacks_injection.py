"""Injection and abuse: XSS in every form and filename, SQL and Whoosh query injection, path
traversal in downloads, oversized and malformed uploads, session fixation, open redirects after
sign-in, brute-force sign-in."""
import io
import re
import struct
import zipfile
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sqlalchemy import func, inspect, select

from portal.extensions import db
from tests.conftest import PASSWORD
from tests.production.attack_world import (
    PDF,
    YEAR,
    build_url,
    build_world,
    changes,
    snapshot,
    upload_files,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[bấm vào đây](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<style>body{display:none}</style>",
]
ALL_PAYLOADS = " ".join(PAYLOADS)
# A browser sends a double quote in a file name as %22; this one closes a single-quoted attribute.
XSS_FILENAME = "'><img src=x onerror=alert(1)><script>alert(1)</script>.pdf"

# Tags and attributes that make a payload active once it is in the DOM.
ACTIVE_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math", "frame"}


class ActiveContent(HTMLParser):
    """Finds what the payloads would become if they were not escaped or sanitised."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and value and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "data:text")):
                self.found.append(f"<{tag} {name}={value}>")
        # The portal's own script files and its server-drawn charts (portal/statistics/charts.py:
        # <svg role="img">) are allowed; an event attribute on them is still found above.
        if tag in ACTIVE_TAGS and not (tag == "script" and dict(attrs).get("src", "").startswith("/static/")) \
                and not (tag == "svg" and dict(attrs).get("role") == "img"):
            self.found.append(f"<{tag}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")


def active_content(html):
    parser = ActiveContent()
    parser.feed(html)
    # The same in the raw text, in case the parser and a browser disagree. Escaped payloads
    # (`&lt;img src=x onerror=…`) are text, not tags, and do not match; nor do quoted
    # attribute values (the escaped payload in a form field's value="…").
    raw = re.sub(r"\"[^\"<>]*\"|'[^'<>]*'", '""', html.lower())
    for pattern in (r"<script>alert", r"<[a-z][^<>]*[\s/\"']on[a-z]+\s*=", r"href\s*=\s*javascript:"):
        if re.search(pattern, raw):
            parser.found.append(pattern)
    return parser.found


@pytest.fixture
def world(make_user, make_initiative, make_unit):
    return build_world(make_user, make_initiative, make_unit)


def signed_in(app, user):
    client = app.test_client()
    return client.login(user) if user is not None else client


# -- XSS ----------------------------------------------------------------------------------------

class Forms(HTMLParser):
    """POST forms of a page with their fields, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": [], "multipart":
                          a.get("enctype") == "multipart/form-data"}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        if tag == "input":
            self._form["fields"].append({"kind": (a.get("type") or "text").lower(), "name": a["name"],
                                         "value": a.get("value", ""), "checked": "checked" in a,
                                         "maxlength": int(a.get("maxlength") or 0)})
        elif tag == "textarea":
            self._form["fields"].append({"kind": "textarea", "name": a["name"], "value": "",
                                         "maxlength": int(a.get("maxlength") or 0)})
        elif tag == "select":
            self._select = {"kind": "select", "name": a["name"], "value": None}
            self._form["fields"].append(self._select)
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form["fields"].append({"kind": "submit", "name": a["name"], "value": a.get("value", "")})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _option_values(html, name):
    match = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % re.escape(name), html, re.S)
    if not match:
        return []
    return re.findall(r'<option[^>]*value="([^"]*)"', match.group(1))


TEXT_KINDS = {"text", "textarea", "search", "email", "url", "tel"}
SKIP_ACTIONS = ("/logout", "/lang/", "/delete", "/deactivate", "/reactivate", "/revoke", "/remove",
                "/reset-password", "/withdraw", "/submit", "/accept", "/preview", "/recuse", "/reopen")


def fill_form(html, form, round_no):
    """Every text field gets a payload (one that fits its maxlength); the rest keep a valid value."""
    data, files, text_fields = {}, {}, 0
    submitted = False
    for i, f in enumerate(form["fields"]):
        kind = f["kind"]
        if kind in TEXT_KINDS:
            fitting = [p for p in [ALL_PAYLOADS, *PAYLOADS] if not f["maxlength"] or len(p) <= f["maxlength"]]
            data[f["name"]] = fitting[(i + round_no) % len(fitting)] if fitting else ""
            text_fields += 1
        elif kind == "hidden":
            data[f["name"]] = f["value"]
        elif kind == "select":
            options = [v for v in _option_values(html, f["name"]) if v]
            if options:
                data[f["name"]] = options[0]
        elif kind in ("checkbox", "radio"):
            if f["checked"] or (kind == "radio" and f["name"] not in data):
                data[f["name"]] = f["value"] or "y"
        elif kind == "number":
            data[f["name"]] = f["value"] or "1"
        elif kind == "date":
            data[f["name"]] = f["value"] or f"{YEAR}-03-01"
        elif kind == "file":
            files[f["name"]] = (io.BytesIO(PDF), XSS_FILENAME)
        elif kind == "submit" and not submitted:
            data[f["name"]] = f["value"] or "1"
            submitted = True
    return data, files, text_fields


def get_pages(app, world):
    """(url, role) of every GET page with real ids, for every role that can open it."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"
             and not r.rule.startswith("/api/")]
    urls = set()
    for rule in rules:
        for initiative in ("draft", "submitted", "review", "published", "xss"):
            overrides = {"initiative_id": initiative} if "initiative_id" in rule.arguments else {}
            if rule.endpoint == "initiatives.download" and initiative in ("draft", "submitted"):
                overrides["attachment_id"] = f"{initiative}_attachment"
            if rule.endpoint in ("publishing.article", "publishing.article_print"):
                if initiative not in ("published", "xss"):
                    continue
                overrides["slug"] = "slug" if initiative == "published" else "xss_slug"
            urls.add(build_url(app, rule, world, **overrides))
    return sorted(urls)


def publish_payload_initiative(world):
    """An initiative whose every text field is a payload, submitted, recognised and published with
    an attachment named like a payload: the author's content reaches every kind of page."""
    from flask import current_app

    from portal.initiatives import operations
    from portal.initiatives.workflow import Level, Status
    from portal.publishing import operations as publishing_ops

    staff = world.user("staff")

    with current_app.test_request_context("/"):
        values = {key: ALL_PAYLOADS for key in ("summary", "current_state", "solution", "conditions", "benefits")}
        values.update(title=PAYLOADS[1] + " " + PAYLOADS[0], field_id=world.ids["field"], year=YEAR,
                      unit_id=staff.unit_id, form="solution", requested_level="grassroots",
                      first_applied_on=date(YEAR, 1, 5))
        initiative = operations.create_initiative(
            staff, values, [{"username": staff.username, "share": 60},
                            {"name": PAYLOADS[3], "workplace": PAYLOADS[4], "share": 40}])
        attachment = operations.add_attachment(initiative, staff, io.BytesIO(PDF), XSS_FILENAME)
        operations.submit(initiative, staff)
        initiative.status = Status.recognized
        initiative.level = Level.grassroots
        initiative.decision_no = "7/QĐ"
        initiative.decision_date = date(YEAR, 2, 1)
        db.session.flush()
        publication = publishing_ops.publish(initiative, world.user("editor"), public_summary=ALL_PAYLOADS,
                                             public_attachment_ids=[attachment.id])
        db.session.commit()
    world.ids.update(xss=initiative.id, xss_slug=publication.slug, xss_attachment=attachment.id)
    return initiative


# What reaches a page is escaped by the templates and the sanitiser, whatever database kept it:
# once, in the SQLite pass (CI time). The SQL injection test below runs on both.
@pytest.mark.sqlite_only
def test_xss_payloads_in_every_form_and_filename_never_come_back_active(app, world):
    """Fill every text field of every POST form on every page, as each role, with payloads
    (an attachment named like one too); then open every page as each role: no active payload,
    in the answers to the posts (a form re-shown with errors) nor anywhere afterwards."""
    from portal.initiatives.models import Initiative

    xss = publish_payload_initiative(world)
    assert PAYLOADS[0] in xss.title  # stored as typed: escaping is the pages' job
    pages = get_pages(app, world)
    problems, posted = [], 0
    for role in ("staff", "secretary", "chair", "member", "editor", "officer", "admin"):
        client = signed_in(app, world.user(role))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()
                continue
            html = response.get_data(as_text=True)
            parser = Forms()
            parser.feed(html)
            for form in parser.forms:
                action = urljoin(url, form["action"] or url)
                if any(part in action for part in SKIP_ACTIONS):
                    continue
                data, files, text_fields = fill_form(html, form, posted)
                if not text_fields:
                    continue
                posted += 1
                answer = client.post(action, data={**data, **files}, csrf=False,
                                     content_type="multipart/form-data" if files else None)
                if answer.status_code >= 500:
                    problems.append(f"{role} POST {action}: {answer.status_code}")
                if answer.mimetype == "text/html":
                    found = active_content(answer.get_data(as_text=True))
                    if found:
                        problems.append(f"{role} POST {action}: {found[:3]}")
                answer.close()
    assert posted >= 25, posted
    # The payloads were stored somewhere, else the crawl below proves nothing.
    db.session.expire_all()
    stored = db.session.execute(select(func.count()).select_from(Initiative)
                                .where(Initiative.title.contains("onerror"))).scalar_one()
    assert stored >= 1
    # Every role whose pages differ (co-author and colleague see what staff sees, the chair what
    # the secretary and the admin see).
    for role in ("anonymous", "staff", "member", "secretary", "editor", "officer", "admin"):
        client = signed_in(app, world.user(role) if role != "anonymous" else None)
        for url in [*pages, "/search?q=alert", "/search?q=" + quote(PAYLOADS[0]), "/search/internal?q=alert",
                    "/login?next=" + quote(PAYLOADS[1])]:
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: {response.status_code}")
            if response.mimetype in ("text/html", "application/atom+xml", "application/xml"):
                found = active_content(response.get_data(as_text=True))
                if found:
                    problems.append(f"{role} GET {url}: {found[:3]}")
            disposition = response.headers.get("Content-Disposition", "")
            if disposition and ("\n" in disposition or "<" in disposition.split("filename*=")[0]
                                and '"' in disposition.split('filename="', 1)[-1][:-1]):
                problems.append(f"{role} GET {url}: Content-Disposition {disposition}")
            response.close()
    assert problems == [], "\n".join(problems)


def test_markdown_preview_strips_every_payload(app, world):
    client = signed_in(app, world.user("staff"))
    for payload in [*PAYLOADS, ALL_PAYLOADS, "<a href='JaVaScRiPt&#58;alert(1)'>x</a>",
                    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"]:
        html = client.post("/my/preview", json={"text": payload},
                           headers={"X-CSRFToken": client.csrf_token()}).json["html"]
        assert active_content(html) == [], (payload, html)


def test_uploaded_file_names_are_neutralised(app, world):
    from portal.initiatives.models import Attachment

    client = signed_in(app, world.user("staff"))
    url = f"/my/initiatives/{world.ids['draft']}/attachments"
    for name in (XSS_FILENAME, "%22><svg onload=alert(1)>.pdf", "../../../etc/passwd.pdf",
                 "..\\..\\boot.ini.pdf", "/absolute/path.pdf", "<iframe src=javascript:alert(1)>.pdf"):
        response = client.post(url, data={"file": (io.BytesIO(PDF), name)}, content_type="multipart/form-data")
        assert response.status_code == 302, name
    db.session.expire_all()
    rows = db.session.execute(select(Attachment).where(Attachment.initiative_id == world.ids["draft"])).scalars()
    for row in rows:
        assert "/" not in row.original_name and "\\" not in row.original_name
        assert "\n" not in row.original_name and "\r" not in row.original_name
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", row.stored_name)
        download = client.get(f"/my/initiatives/{world.ids['draft']}/attachments/{row.id}")
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "\n" not in download.headers["Content-Disposition"]
        assert "Set-Cookie" not in download.headers or "x=1" not in download.headers["Set-Cookie"]
        download.close()
    for page in (f"/my/initiatives/{world.ids['draft']}/edit", f"/my/initiatives/{world.ids['draft']}"):
        assert active_content(client.get(page).get_data(as_text=True)) == [], page
    # A refused file's name comes back in the error page's message: escaped there too.
    refused = client.post(url, data={"file": (io.BytesIO(b"%PD"), "<img src=x onerror=alert(1)>.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in refused.get_data(as_text=True)
    assert active_content(refused.get_data(as_text=True)) == []


# -- SQL injection --------------------------------------------------------------------------------

SQL = ["' OR 1=1 --", "1; DROP TABLE initiative", "1' UNION SELECT username, password_hash FROM \"user\" --",
       "\" OR \"\"=\"", "%' OR '%'='", "1) OR (1=1",
       "99999999999999999999"]  # not SQL, but a number no database integer holds
PARAMS = ("q", "year", "field", "level", "unit", "page", "per_page", "sort", "status", "mine", "decision_no",
          "next", "kind", "role", "action", "actor", "date_from", "date_to", "title", "eligible",
          "registered", "leader", "object_type", "initiative_id")


def table_counts():
    """Rows per table; every table of the models must still be there."""
    db.session.expire_all()
    names = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= names, set(db.metadata.tables) - names
    return {name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in db.metadata.tables.items()}


def test_sql_injection_in_every_query_parameter_and_search_box(app, world, make_user):
    """Every GET route (pages and API), every known query parameter, as the most privileged
    people and anonymously: no 500, nothing of a draft leaks, every table intact."""
    from portal.auth.services import issue_token

    secret_title = "Bản nháp về kiểm sát án ma túy"  # the draft's title: never public
    # One person holding every global role and overseeing this year's council opens every page.
    everything = make_user("toanquyen", roles=("admin", "editor", "emulation_officer"),
                           council="vice_chair", year=YEAR)
    token, _ = issue_token(everything, "sql")
    db.session.commit()
    before = table_counts()
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    failures = []
    for sql in SQL:
        query = "&".join(f"{p}={quote(sql)}" for p in PARAMS)
        for rule in rules:
            base = build_url(app, rule, world)
            for role in (None, "everything"):
                client = signed_in(app, everything if role else None)
                headers = {"Authorization": f"Bearer {token}"} if role else {}
                response = client.get(f"{base}?{query}", headers=headers)
                textual = response.mimetype.startswith("text/") or response.mimetype.endswith(("json", "xml"))
                body = response.get_data(as_text=True) if textual else ""
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{sql!r} {role} {base}: {response.status_code}")
                if role is None and secret_title in body:
                    failures.append(f"{sql!r} {base}: the draft leaked")
        # Route arguments that are strings.
        for url in (f"/fields/{quote(sql, safe='')}/feed.atom", f"/lang/{quote(sql, safe='')}",
                    f"/initiatives/{world.ids['published']}-{quote(sql, safe='')}",
                    f"/initiatives/{quote(sql, safe='')}", f"/api/v1/public/initiatives/{quote(sql, safe='')}"):
            response = app.test_client().open(url, method="POST" if "/lang/" in url else "GET")
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
        # The sign-in box.
        response = app.test_client().post("/login", data={"username": sql, "password": sql})
        assert response.status_code in (200, 429)
    assert failures == []
    after = table_counts()
    # Sign-in tries are counted and exporting the audit log is itself audited; nothing else moved.
    from portal.core.audit import AuditEvent

    for name in ("login_attempt", "audit_event"):
        assert after.pop(name) >= before.pop(name)
    assert after == before
    added = db.session.execute(select(AuditEvent.action).where(AuditEvent.seq > 0)
                               .order_by(AuditEvent.seq)).scalars().all()
    assert set(added[-len(SQL):]) <= {"admin.audit_exported"}
    public = app.test_client().get("/api/v1/public/initiatives?q=" + quote(SQL[0])).json
    assert public["total"] <= 1  # the one published article at most, never a draft
    for item in public["items"]:
        assert item["id"] == world.ids["published"]


# -- Whoosh query syntax ------------------------------------------------------------------------

WHOOSH = ["title:*", "*", "field:x OR", "((((", "))))", "\x00", "a" * 10_000, "title:[a TO", "\"unclosed",
          "NOT", "AND OR NOT", "content:\"a\"~99999", "*:*", "unit:' OR 1=1", "year:>2000", "~", "^5",
          "{a TO b}", "title:x^999999999999999999", "sáng kiến" * 2000, "\\", "/regex/", "?", "a*b*c*d*e*f*",
          "%00", "\ud7ff\ue000", "𝓼𝓪𝓷𝓰"]


# The query parser and the index are the search engine's, not the database's: once, in the
# SQLite pass (CI time).
@pytest.mark.sqlite_only
def test_whoosh_query_syntax_never_breaks_search(app, world):
    secretary = signed_in(app, world.user("secretary"))
    anonymous = app.test_client()
    for q in WHOOSH:
        encoded = quote(q.replace("\x00", "\\x00"), safe="") if q == "\x00" else quote(q, safe="")
        for client, url in ((anonymous, f"/search?q={encoded}"),
                            (anonymous, f"/api/v1/public/initiatives?q={encoded}"),
                            (anonymous, f"/search?q={encoded}&page=999999"),
                            (secretary, f"/search/internal?q={encoded}")):
            response = client.get(url)
            assert response.status_code < 500, (q[:30], url[:80], response.status_code)
            assert response.status_code in (200, 400, 422), (q[:30], url[:80], response.status_code)
        raw = anonymous.get("/search", query_string={"q": q})
        assert raw.status_code == 200, q[:30]


# -- path traversal in downloads ------------------------------------------------------------------

def test_path_traversal_in_download_routes_is_404(app, world, tmp_path):
    from portal.initiatives.models import Attachment, InitiativeVersion

    staff = signed_in(app, world.user("staff"))
    secret = tmp_path / "secret.txt"
    secret.write_text("bí mật")
    d, da, p, pa = (world.ids[k] for k in ("draft", "draft_attachment", "published", "public_attachment"))
    for url in (f"/my/initiatives/{d}/attachments/../../../../etc/passwd",
                f"/my/initiatives/{d}/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                f"/initiatives/{p}/files/..%2f..%2fsecret_key",
                f"/initiatives/{p}/files/%2e%2e%2f%2e%2e%2fsecret_key",
                "/static/..%2f..%2fportal%2fconfig.py", "/static/%2e%2e/%2e%2e/instance/secret_key",
                "/static/../instance/secret_key", f"/static/{quote(str(secret))}", "/static//etc/passwd",
                f"/my/initiatives/{d}/attachments/-1"):
        # Werkzeug merges double slashes with a redirect (308) to a path of this site.
        response = staff.get(url, follow_redirects=True)
        assert response.status_code == 404, url
        assert "bí mật".encode() not in response.data and b"root:" not in response.data
        response.close()
    # A tampered stored_name (a restored backup, an edited row) never leaves the uploads folder.
    for tampered in ("../secret_key", "../../../etc/passwd", str(secret), "/etc/passwd", "..", ".",
                     "..\\..\\secret_key", "", "%2e%2e%2fsecret_key"):
        # A value longer than the column cannot be stored (PostgreSQL refuses it): the
        # frozen version's JSON below still carries it.
        limit = Attachment.__table__.c.stored_name.type.length
        if len("../" + tampered) <= limit:
            db.session.get(Attachment, da).stored_name = tampered
            db.session.get(Attachment, pa).stored_name = "../" + tampered
        version = db.session.execute(select(InitiativeVersion).where(
            InitiativeVersion.initiative_id == world.ids["submitted"])).scalar_one()
        snapshot_ = dict(version.snapshot)
        snapshot_["attachments"] = [{"stored_name": tampered, "name": "x.pdf"}]
        version.snapshot = snapshot_
        db.session.commit()
        for url in (f"/my/initiatives/{d}/attachments/{da}", f"/initiatives/{p}/files/{pa}",
                    f"/my/initiatives/{world.ids['submitted']}/versions/1/attachments/0"):
            response = staff.get(url)
            assert response.status_code == 404, (tampered, url)
            response.close()


# -- uploads ------------------------------------------------------------------------------------

def _zip(entries, patch_size=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    if patch_size:
        # Declare a huge uncompressed size in every local and central header (a ZIP bomb's lie).
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = 0
            while (start := data.find(signature, start)) != -1:
                struct.pack_into("<I", data, start + offset, patch_size)
                start += 4
    return bytes(data)


def _bomb_docx():
    """A DOCX-shaped archive whose document declares 4 GB once inflated (really ~1 MB of zeros)."""
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": b"\x00" * 1_000_000},
                patch_size=0xFFFFFFF0)


MALFORMED = {
    "zero bytes": ("vide.pdf", b""),
    "truncated PDF header": ("cat.pdf", b"%PD"),
    "executable renamed .pdf": ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run"),
    "ELF renamed .pdf": ("run.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
    "HTML renamed .png": ("anh.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "SVG renamed .png": ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "ZIP bomb-ish DOCX": ("bom.docx", _bomb_docx()),
    "plain ZIP renamed .docx": ("a.docx", _zip({"a.txt": "x"})),
    "PNG + HTML polyglot": ("anh.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
    "PDF + ZIP polyglot": ("tai-lieu.pdf", PDF + _zip({"[Content_Types].xml": "<Types/>",
                                                       "word/document.xml": "<w/>"})),
    "JPEG + HTML polyglot": ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<script>alert(1)</script>"),
}


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_MB": 1}


def multipart(fields):
    """A multipart body built in memory (the test client spools big ones to a temporary file it
    never closes, which pytest reports as an unclosed file)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    fields = {key: FileStorage(value[0], filename=value[1], content_type="application/octet-stream")
              if isinstance(value, tuple) else value for key, value in fields.items()}
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_malformed_and_oversized_uploads_are_refused_and_leave_no_file(app, world, api_headers, api):
    staff = world.user("staff")
    client = signed_in(app, staff)
    headers = api_headers(staff) if api else {}
    url = (f"/api/v1/initiatives/{world.ids['draft']}/attachments" if api
           else f"/my/initiatives/{world.ids['draft']}/attachments")
    files_before = upload_files()
    before = snapshot()
    cases = {**MALFORMED,
             "over MAX_UPLOAD_MB": ("lon.pdf", PDF + b"0" * (1024 * 1024 + 10)),
             "over the request limit": ("rat-lon.pdf", PDF + b"0" * (3 * 1024 * 1024))}
    for label, (name, content) in cases.items():
        response = client.post(url, headers=headers, csrf=False, **multipart({
            "file": (io.BytesIO(content), name), "csrf_token": client.csrf_token()}))
        want = 413 if label.startswith("over") else 422
        if label == "over the request limit" and not api:
            want = 303  # refused unread: back to the form, the message flashed there (no dead end)
        assert response.status_code == want, (label, response.status_code)
        text = response.get_data(as_text=True)
        if api:
            assert response.json["error"]["message"], label
        elif label != "over the request limit":
            assert re.search(r"[Tt]ệp.*(quá|không phải|rỗng|chọn tệp)", text), label
        assert upload_files() == files_before, label
    assert changes(before, snapshot()) == ""


def test_a_real_docx_and_pdf_are_still_accepted(app, world):
    """The control of the refusals above."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    client = signed_in(app, world.user("staff"))
    url = f"/my/initiatives/{world.ids['draft']}/attachments"
    for name, content in (("thuyet-minh.docx", buffer.getvalue()), ("ban-ve.pdf", PDF)):
        response = client.post(url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code == 302, name


# -- sessions, redirects, brute force ---------------------------------------------------------------

def _session_cookie(client, app):
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


@pytest.fixture
def people(make_user):
    """Accounts only (no world): the sign-in tests need nothing else."""
    return {name: make_user(name) for name in ("ksv.hung", "ksv.mai", "ksv.tuan", "thuky", "chutich", "quantri")}


def test_session_fixation_a_session_set_before_sign_in_is_not_the_one_after(app, people):
    attacker = app.test_client()
    attacker.get("/login")
    with attacker.session_transaction() as sess:
        sess["planted"] = "by-the-attacker"
    planted_cookie = _session_cookie(attacker, app)
    assert planted_cookie
    victim = app.test_client()
    victim.set_cookie(app.config["SESSION_COOKIE_NAME"], planted_cookie)
    response = victim.post("/login", data={"username": "ksv.hung", "password": PASSWORD})
    assert response.status_code == 302
    after = _session_cookie(victim, app)
    assert after and after != planted_cookie
    with victim.session_transaction() as sess:
        assert "planted" not in sess
    # The attacker's copy of the cookie is still an anonymous session.
    assert attacker.get("/my").status_code == 302


OPEN_REDIRECTS = ["https://evil.example", "//evil.example", "///evil.example", "/\\evil.example",
                  "\\\\evil.example", "\\/evil.example", "https:evil.example", "http:/evil.example",
                  "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", " //evil.example",
                  "%2F%2Fevil.example", "/%2F/evil.example", "//evil.example/%2e%2e", "data:text/html,x",
                  "https://localhost.evil.example/", "@evil.example", "/.evil.example", "//localhost@evil.example",
                  "http://evil.example\\@localhost/", "/\x00/evil.example", "ftp://evil.example"]


def _stays_on_site(location):
    """What a browser does with the Location header: strip tabs and newlines, resolve, compare hosts."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    resolved = urlsplit(urljoin("http://localhost/my", cleaned))
    return resolved.scheme in ("http", "https") and resolved.netloc == "localhost"


def test_no_open_redirect_after_sign_in(app, people):
    for target in OPEN_REDIRECTS:
        client = app.test_client()
        response = client.post("/login?next=" + quote(target, safe=""),
                               data={"username": "ksv.hung", "password": PASSWORD})
        assert response.status_code == 302, target
        assert _stays_on_site(response.headers["Location"]), (target, response.headers["Location"])
        # The language switch follows a `next` too.
        response = client.post("/lang/vi", data={"next": target})
        assert response.status_code == 302 and _stays_on_site(response.headers["Location"]), target


def test_local_next_is_kept(app, people):
    response = app.test_client().post("/login?next=/council/queue%3Fyear%3D2025",
                                      data={"username": "ksv.hung", "password": PASSWORD})
    assert response.headers["Location"] == "/council/queue?year=2025"


def _sign_in(app, username, password, address, api=False):
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    if api:
        return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                           environ_base=environ)
    return client.post("/login", data={"username": username, "password": password}, environ_base=environ)


@pytest.mark.parametrize("first,then", [(False, False), (True, True), (False, True), (True, False)],
                         ids=["page", "api", "page-then-api", "api-then-page"])
def test_brute_force_per_account_is_throttled_from_that_address(app, people, first, then):
    """Per account *and* address (issue 12): guessing from one place holds that account back
    there, on the page and the API alike, but locks it nowhere else."""
    for n in range(5):
        response = _sign_in(app, "ksv.hung", f"guess-{n}", "10.0.0.1", api=first)
        assert response.status_code == (401 if first else 200)
    blocked = _sign_in(app, "ksv.hung", PASSWORD, "10.0.0.1", api=then)  # even the right password
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert _sign_in(app, "ksv.hung", PASSWORD, "10.0.1.1", api=then).status_code in (200, 302)
    # Another account from the guessing address is not affected.
    assert _sign_in(app, "ksv.tuan", PASSWORD, "10.0.0.1", api=then).status_code in (200, 302)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_brute_force_per_address_is_throttled_across_accounts(app, people, api):
    """Spraying many accounts from one address stops at LOGIN_MAX_FAILURES_PER_ADDRESS, for
    accounts not signed in from there lately; elsewhere nothing is held back."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 5
    assert _sign_in(app, "thuky", PASSWORD, "10.9.9.9", api=api).status_code in (200, 302)
    names = ["ksv.hung", "ksv.mai", "ksv.tuan", "chutich", "khong.ton.tai", "khong.ai.ca"]
    for n, name in enumerate(names[:5]):
        _sign_in(app, name, f"guess-{n}", "10.9.9.9", api=api)
    response = _sign_in(app, names[5], "guess", "10.9.9.9", api=api)
    assert response.status_code == 429
    assert _sign_in(app, "quantri", PASSWORD, "10.9.9.9", api=not api).status_code == 429
    assert _sign_in(app, "quantri", PASSWORD, "10.9.9.10", api=api).status_code in (200, 302)
    # The colleague who signs in at that address keeps signing in.
    assert _sign_in(app, "thuky", PASSWORD, "10.9.9.9", api=not api).status_code in (200, 302)
