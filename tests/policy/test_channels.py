"""Every channel against every kind of person and every state: each either refuses or answers
without a value its reader may not hold.

The channels are the url_map's GET routes (pages, exports, documents, files, feeds, the JSON API),
each asked for every initiative of the world (tests/policy/world.py) where it takes one, plus the
searches and lists with a query. A route that is not in CHANNELS fails the test, so a new page or
export has to say here how it is reached. The values: an initiative's title and its file (only for
those who may read it), its reviewers' comments and means (only for those who may see its scores,
or its outcome once decided), the reviewers' names (never for anyone off that year's council).
"""
import html
import io
import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.policy import Act
from tests.policy.world import (
    COUNCIL_ROLES,
    LEARNS_SCORES,
    READS,
    REVIEWER_NAMES,
    ROLES,
    TITLES,
    YEAR,
    file_mark,
    score_marks,
)

EACH = "each initiative"   # the route takes an initiative: ask it for every one of the world
ONCE = "once"              # the route takes nothing of an initiative (or fixed values): ask once
# Every GET route, and how it is reached. Values are keys of the world or literals.
CHANNELS = {
    "/": ONCE, "/initiatives": ONCE, "/feed.atom": ONCE, "/fields/<code>/feed.atom": ONCE, "/sitemap.xml": ONCE,
    "/sitemap-<int:page>.xml": ONCE,
    "/search": ONCE, "/search/internal": ONCE, "/search/suggest": ONCE, "/login": ONCE, "/lang/<code>": ONCE, "/favicon.ico": ONCE, "/my": ONCE, "/home": ONCE,
    "/my/initiatives/new": ONCE, "/account": ONCE, "/notifications": ONCE,
    "/initiatives/<int:initiative_id>": EACH, "/initiatives/<int:initiative_id>-<slug>": EACH,
    "/initiatives/<int:initiative_id>-<slug>/print": EACH,
    "/initiatives/<int:initiative_id>/files/<int:attachment_id>": EACH,
    "/my/initiatives/<int:initiative_id>": EACH, "/my/initiatives/<int:initiative_id>/edit": EACH,
    "/my/initiatives/<int:initiative_id>/attachments/<int:attachment_id>": EACH,
    "/my/initiatives/<int:initiative_id>/attachments/<int:attachment_id>/view": EACH,
    "/my/initiatives/<int:initiative_id>/versions/<int:number>": EACH,
    "/my/initiatives/<int:initiative_id>/versions/<int:number>/attachments/<int:index>": EACH,
    "/my/initiatives/<int:initiative_id>/versions/<int:number>/attachments/<int:index>/view": EACH,
    "/council/": ONCE, "/council/queue": ONCE, "/council/sector": ONCE, "/council/rubric/<int:year>": ONCE,
    "/council/<int:year>/minutes.docx": ONCE, "/council/<int:year>/decision.docx": ONCE,
    "/council/<int:year>/initiatives.xlsx": ONCE,
    "/council/<int:year>/statistics": ONCE, "/council/<int:year>/statistics.xlsx": ONCE,
    "/statistics": ONCE, "/statistics.xlsx": ONCE,
    "/council/initiatives/<int:initiative_id>": EACH, "/council/initiatives/<int:initiative_id>/screening": EACH,
    "/council/initiatives/<int:initiative_id>/assignments": EACH,
    "/council/initiatives/<int:initiative_id>/review": EACH, "/council/initiatives/<int:initiative_id>/results": EACH,
    "/council/initiatives/<int:initiative_id>/discussion": EACH,
    "/council/initiatives/<int:initiative_id>/application.docx": EACH,
    "/council/initiatives/<int:initiative_id>/certificate.docx": EACH,
    "/council/reviews/<int:review_id>/sheet.docx": "each sheet",
    "/certificates/<code>": ONCE,  # public; a code that is not a certificate's (the real one: test_documents_layout)
    "/editor": ONCE, "/editor/<int:initiative_id>/publish": EACH, "/editor/<int:initiative_id>/unpublish": EACH,
    "/emulation/me": ONCE, "/emulation/year": ONCE, "/emulation/year/<int:year>": ONCE,
    "/emulation/year/<int:year>/records": ONCE, "/emulation/year/<int:year>/settings": ONCE,
    "/emulation/year/<int:year>/import": ONCE, "/emulation/year/<int:year>/export.xlsx": ONCE,
    "/emulation/import-template/<any(titles, disciplines, registrations, articles):kind>.csv": ONCE,
    "/admin/": ONCE, "/admin/users": ONCE, "/admin/users/new": ONCE, "/admin/users/<int:user_id>": ONCE,
    "/admin/users/import": ONCE, "/admin/users/import/template.csv": ONCE, "/admin/units": ONCE,
    "/admin/units/new": ONCE, "/admin/units/<int:unit_id>": ONCE, "/admin/years": ONCE, "/admin/years/new": ONCE,
    "/admin/years/<int:number>": ONCE, "/admin/councils": ONCE, "/admin/councils/<int:year>": ONCE,
    "/admin/fields": ONCE, "/admin/organisation": ONCE,
    "/council/<int:year>/meetings": ONCE, "/council/<int:year>/meetings/new": ONCE,
    "/council/<int:year>/meetings/<int:meeting_id>": ONCE, "/admin/audit": ONCE, "/admin/audit.csv": ONCE, "/admin/outbox": ONCE,
    "/api/v1/reference": ONCE,
    "/api/v1/openapi.json": ONCE, "/api/v1/auth/me": ONCE, "/api/v1/initiatives": ONCE,
    "/api/v1/initiatives/<int:initiative_id>": EACH, "/api/v1/initiatives/<int:initiative_id>/assignments": EACH,
    "/api/v1/initiatives/<int:initiative_id>/review": EACH, "/api/v1/initiatives/<int:initiative_id>/appraisal": EACH,
    "/api/v1/public/initiatives": ONCE, "/api/v1/public/initiatives/<int:initiative_id>": EACH,
    "/api/v1/emulation/eligibility": ONCE, "/api/v1/emulation/services": ONCE, "/api/v1/emulation/refusals": ONCE,
}
# Asked as well: the lists and searches with something to find, and every page of the audit log.
EXTRA = ["/search/internal?q=h%E1%BB%93+s%C6%A1", "/search?q=h%E1%BB%93+s%C6%A1", "/search/suggest?q=h%E1%BB%93+s%C6%A1",
         "/search/suggest?q=ho+so", "/search/suggest?q=b%C3%A0i+%C4%91%C3%A3", "/api/v1/initiatives?per_page=100",
         "/api/v1/initiatives?invited=1", "/api/v1/initiatives?mine=1",
         "/api/v1/public/initiatives?q=b%C3%A0i", f"/api/v1/emulation/eligibility?year={YEAR}",
         f"/api/v1/emulation/services?year={YEAR}", f"/api/v1/emulation/refusals?year={YEAR}",
         f"/council/queue?year={YEAR}", f"/council/?year={YEAR}", f"/council/sector?year={YEAR}",
         "/admin/audit?page=2", "/admin/audit?action=council.review_submitted"]
# Pages whose business is to list people: an admin meets the reviewers' names there as accounts and
# council members (the admin's own records), every author in the form's directory of colleagues.
ADMIN_PEOPLE_PAGES = ("/admin/users", "/admin/councils", "/admin/audit")
# The emulation office's year lists every account of the procuracy, reviewers among them.
OFFICE_PEOPLE_PAGES = ("/emulation/year", "/api/v1/emulation/eligibility", "/api/v1/emulation/services",
                       "/api/v1/emulation/refusals")
DIRECTORY = re.compile(r"^/my/initiatives/(new|\d+/edit)$")


def urls(app, world):
    """Every channel's URL, once per initiative where it takes one; fails on a GET route not in CHANNELS."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.rule.startswith("/static")]
    unknown = sorted(r.rule for r in rules if r.rule not in CHANNELS)
    assert unknown == [], f"GET routes missing from the channel matrix: {unknown}"
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in rules:
            how = CHANNELS[rule.rule]
            if how == EACH:
                for key, initiative in world.initiatives.items():
                    found.append(url_for(rule.endpoint, **_values(rule, world, key, initiative)))
            elif how == "each sheet":
                found += [url_for(rule.endpoint, review_id=review_id) for review_id in world.sheets.values()]
            else:
                found.append(url_for(rule.endpoint, **_values(rule, world, None, None)))
    return found + EXTRA


def _values(rule, world, key, initiative):
    values = {}
    for name in rule.arguments:
        values[name] = {
            "initiative_id": initiative.id if initiative else None,
            "attachment_id": world.attachments[key].id if key else None,
            "slug": (initiative.publication.slug if initiative and initiative.publication else "sang-kien"),
            "number": 1, "index": 0, "year": YEAR, "user_id": world.ids["user"], "unit_id": world.ids["unit"],
            "code": "criminal", "kind": "titles", "page": 1, "meeting_id": 1,
        }[name]
    return values


def readable(response):
    """What a response tells its reader, as text (pages, JSON, CSV, DOCX, XLSX, files)."""
    kind = response.mimetype or ""
    data = response.get_data()
    if "wordprocessingml" in kind:
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
                         if cell.value is not None)
    if kind == "application/json":
        return json.dumps(response.get_json(), ensure_ascii=False)
    if kind.startswith("text/") or kind.endswith("xml"):
        text = html.unescape(response.get_data(as_text=True))
        # CSRF tokens are random: never mistake one for a planted value.
        return re.sub(r'(name="csrf_token" value|name="csrf-token" content)="[^"]*"', "", text)
    return data.decode("latin-1")  # a file: its planted marker is ASCII


def forbidden_values(world, role, url):
    """Planted values `role` may not meet on `url`."""
    values = []
    own = {f"NX-{key}-MỘT" for key, reviewer in world.sheets if reviewer == role == "reviewer_done"}
    for key, title in TITLES.items():
        if key not in READS[role] and key != "published":
            values += [title, file_mark(key)]
        elif key == "published" and key not in READS[role] and "/files/" not in url:
            values.append(file_mark(key))  # the article is public; its private file is not
        if key in {k for k, _reviewer in world.sheets} and key not in LEARNS_SCORES[role]:
            values += [mark for mark in score_marks(key) if mark not in own]  # one's own sheet is one's own
    people_page = (DIRECTORY.match(url) or (role in ("admin", "admin_author") and url.startswith(ADMIN_PEOPLE_PAGES))
                   or (role == "officer" and url.startswith(OFFICE_PEOPLE_PAGES)))
    if role not in COUNCIL_ROLES and not people_page:
        values += REVIEWER_NAMES
    return values


def test_the_expectations_are_the_policy(world):
    """The matrix's own table (from DESIGN.md and the issue) and the policy say the same."""
    for role in ROLES:
        user = world.users.get(role)
        for key, initiative in world.initiatives.items():
            assert policy.can(user, Act.view, initiative) == (key in READS[role]), (role, key)
            learns = policy.can(user, Act.see_scores, initiative) or policy.can(user, Act.see_outcome, initiative)
            assert learns == (key in LEARNS_SCORES[role]), (role, key)


# The refusals are the one policy's, asked the same way whatever the database; the SQL the
# policy writes for lists is checked on PostgreSQL too (test_one_way): once, in the SQLite pass
# (CI time).
@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", ROLES)
def test_every_channel_refuses_or_holds_nothing_it_may_not(app, world, role):
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        user = world.users[role]
        client.login(user)
        from portal.auth.services import issue_token

        token, _row = issue_token(user, "matrix")
        db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
    leaks, answered = [], 0
    for url in urls(app, world):
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        text = readable(response) if response.status_code == 200 else ""
        response.close()
        if response.status_code in (301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 422):
            continue
        assert response.status_code == 200, (role, url, response.status_code)
        answered += 1
        for value in forbidden_values(world, role, url):
            found = value.search(text) if isinstance(value, re.Pattern) else (value in text and value)
            if found:
                at = found.start() if isinstance(found, re.Match) else text.index(value)
                leaks.append(f"{role}: {url} shows {getattr(value, 'pattern', value)!r} in "
                             f"…{text[max(0, at - 80):at + 40]!r}")
    assert answered > 5, (role, answered)
    assert leaks == []
