"""Every role against every action, pages and API, from one table: role × endpoint → status.

Refusals must be the right ones (anonymous: 302 to the sign-in page or 401; a person who may
see the object but not do this: 403; an object the person may not even see: 404, so that
nobody learns it exists), and a refused request changes nothing. Allowed state changes
(marked OK) are the subject of each area's own tests; allowed reads must answer 200.
The world (attack_world.py) has one object of every kind and one person per role.
"""
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.production.attack_world import PDF, ROLES, YEAR, build_world, changes, snapshot

OK = "ok"          # allowed state change: not exercised here
LOGIN = "login"    # anonymous on a page: 302 to /login?next=…

AUTHORS = ("staff", "coauthor")                       # of the draft and the submitted one
# Who reads what (the policy's READERS): the submitted one is read by its authors and this year's
# council; the one in review by its author and the council; the published one also by the editor
# and the emulation office. The admin administers and reads none of them.
VIEWERS = ("staff", "coauthor", "member", "secretary", "chair")
OVERSEE = ("secretary", "chair")
HIDDEN_SUBMITTED = {role: 404 for role in ("other", "editor", "officer", "admin")}
HIDDEN_REVIEW = {role: 404 for role in ("coauthor", "other", "editor", "officer", "admin")}
HIDDEN_PUBLISHED = {role: 404 for role in ("coauthor", "other", "admin")}


def allow(roles, status=200, **others):
    """{role: status} for `roles`, plus explicit others; everyone else gets the row's default."""
    table = {role: status for role in roles}
    table.update(others)
    return table


def row(method, path, expect, default, body=None, api=False, files=False):
    return {"method": method, "path": path, "expect": expect, "default": default, "body": body,
            "api": api, "files": files}


ACCESS = [
    # -- the author's pages --------------------------------------------------------------
    row("GET", "/my", {}, 200),
    row("GET", "/my/initiatives/{draft}", allow(AUTHORS), 404),
    row("GET", "/my/initiatives/{other_draft}", allow(["other"]), 404),
    row("GET", "/my/initiatives/{submitted}", allow(VIEWERS), 404),
    row("GET", "/my/initiatives/{draft}/edit", allow(AUTHORS), 404),
    row("GET", "/my/initiatives/{submitted}/edit", allow(AUTHORS, 409, **HIDDEN_SUBMITTED), 403),
    row("GET", "/my/initiatives/{draft}/attachments/{draft_attachment}", allow(AUTHORS), 404),
    row("GET", "/my/initiatives/{draft}/attachments/{other_attachment}", {}, 404),
    row("GET", "/my/initiatives/{other_draft}/attachments/{other_attachment}", allow(["other"]), 404),
    row("GET", "/my/initiatives/{draft}/attachments/{draft_attachment}/view", allow(AUTHORS), 404),
    row("GET", "/my/initiatives/{draft}/attachments/{other_attachment}/view", {}, 404),
    row("GET", "/my/initiatives/{submitted}/versions/1", allow(VIEWERS), 404),
    row("GET", "/my/initiatives/{submitted}/versions/1/attachments/0", allow(VIEWERS), 404),
    row("GET", "/my/initiatives/{submitted}/versions/1/attachments/7", {}, 404),
    row("GET", "/my/initiatives/{submitted}/versions/1/attachments/0/view", allow(VIEWERS), 404),
    row("GET", "/my/initiatives/{submitted}/versions/1/attachments/7/view", {}, 404),
    row("POST", "/my/initiatives/{draft}/submit", allow(AUTHORS, OK), 404),
    row("POST", "/my/initiatives/{draft}/delete", allow(["staff"], OK, coauthor=403), 404),
    row("POST", "/my/initiatives/{draft}/edit", allow(AUTHORS, OK), 404, body={"title": "Chiếm quyền sửa"}),
    row("POST", "/my/initiatives/{draft}/attachments", allow(AUTHORS, OK), 404, files=True),
    row("POST", "/my/initiatives/{draft}/attachments/{draft_attachment}/delete", allow(AUTHORS, OK), 404),
    row("POST", "/my/initiatives/{draft}/attachments/{other_attachment}/delete", {}, 404),
    row("POST", "/my/initiatives/{other_draft}/attachments/{other_attachment}/delete", allow(["other"], OK), 404),
    row("POST", "/my/initiatives/{submitted}/withdraw", allow(AUTHORS, OK, **HIDDEN_SUBMITTED), 403,
        body={"reason": "Rút"}),
    row("POST", "/my/initiatives/{submitted}/attachments", allow(AUTHORS, 409, **HIDDEN_SUBMITTED), 403, files=True),
    row("POST", "/my/initiatives/{submitted}/delete", allow(["staff"], 409, **HIDDEN_SUBMITTED), 403),
    row("POST", "/my/initiatives/{draft}/coauthorship", allow([], **{r: 404 for r in (
        "other", "member", "secretary", "chair", "editor", "officer", "admin")}), 403, body={"accept": "1"}),
    # -- account ---------------------------------------------------------------------------
    row("GET", "/my/initiatives/new", {}, 200),
    row("POST", "/my/initiatives/new", {}, OK),
    row("POST", "/my/preview", {}, 200, body={"text": "**đậm**"}),
    row("GET", "/account", {}, 200),
    row("POST", "/account/tokens", {}, OK, body={"tk-name": "khóa"}),
    row("POST", "/account/sign-out-everywhere", {}, OK),
    row("POST", "/notifications/read", {}, OK),
    row("GET", "/notifications", {}, 200),
    row("POST", "/account/notifications", {}, OK, body={"nt-delivery": "digest"}),
    row("GET", "/home", {}, 200),
    row("POST", "/account/tokens/{other_token}/revoke", allow(["other", "admin"], OK), 404),
    row("POST", "/account/tokens/{staff_token}/revoke", allow(["staff", "admin"], OK), 404),
    # -- council ---------------------------------------------------------------------------
    row("GET", "/council/", allow(["member", "secretary", "chair"]), 403),
    row("GET", "/council/queue", allow(OVERSEE), 403),
    row("GET", "/council/initiatives/{submitted}", allow(OVERSEE, 302, **HIDDEN_SUBMITTED), 403),
    row("GET", "/council/sector", allow(OVERSEE), 403),
    row("GET", "/council/initiatives/{submitted}/screening", allow(OVERSEE, **HIDDEN_SUBMITTED), 403),
    row("GET", "/council/initiatives/{review}/review", allow(["member"], **HIDDEN_REVIEW), 403),
    row("GET", "/council/initiatives/{review}/results", allow(OVERSEE, **HIDDEN_REVIEW), 403),
    row("GET", "/council/initiatives/{review}/assignments", allow(OVERSEE, **HIDDEN_REVIEW), 403),
    # The council's discussion: its officers (and reviewers whose sheet is in; the member's is open).
    row("GET", "/council/initiatives/{review}/discussion", allow(OVERSEE), 404),
    row("POST", "/council/initiatives/{review}/discussion", allow(OVERSEE, OK), 404, body={"body": "Ý kiến"}),
    row("POST", "/council/initiatives/{review}/conclusion", allow(["secretary"], OK, chair=403), 404,
        body={"text": "Kết luận", "send": "1"}),
    row("POST", "/council/initiatives/{review}/conclusion/approve", allow(["chair"], 409, secretary=403), 404),
    row("POST", "/council/initiatives/{review}/conclusion/send-back", allow(["chair"], 409, secretary=403), 404,
        body={"note": "Sửa"}),
    # The authors' thread on a return: theirs and the secretary's; closed while not returned.
    row("POST", "/council/initiatives/{submitted}/return-thread", allow([*AUTHORS, "secretary"], 409), 404,
        body={"body": "Trả lời"}),
    row("GET", "/council/rubric/{year}", allow(["member", "secretary", "chair", "admin"]), 403),
    row("GET", "/council/{year}/minutes.docx", allow(OVERSEE), 403),
    row("GET", "/council/{year}/meetings", allow(OVERSEE), 404),
    row("GET", "/council/{year}/meetings/new", allow(OVERSEE), 404),
    row("POST", "/council/{year}/meetings/new", allow(OVERSEE, OK), 404, body={"place": "Phòng họp"}),
    row("GET", "/council/{year}/meetings/{meeting}", allow(OVERSEE), 404),
    row("POST", "/council/{year}/meetings/{meeting}", allow(OVERSEE, OK), 404, body={"place": "Phòng họp"}),
    row("GET", "/council/{year}/statistics", allow([*OVERSEE, "officer", "admin"]), 404),
    row("GET", "/council/{year}/statistics.xlsx", allow([*OVERSEE, "officer", "admin"]), 404),
    row("GET", "/council/{year}/decision.docx", allow([*OVERSEE, "officer"]), 403),
    row("GET", "/council/{year}/initiatives.xlsx", allow([*OVERSEE, "officer"]), 403),
    row("GET", "/council/initiatives/{submitted}/application.docx", allow(VIEWERS), 404),
    row("GET", "/council/initiatives/{draft}/application.docx", allow(AUTHORS), 404),
    row("GET", "/council/initiatives/{published}/certificate.docx",
        allow(["staff", *OVERSEE, "officer"], **HIDDEN_PUBLISHED), 403),
    # A sheet still in draft is its reviewer's alone; submitted ones are for whoever may see scores.
    row("GET", "/council/reviews/{review_sheet}/sheet.docx", allow(["member"]), 404),
    row("POST", "/council/initiatives/{submitted}/accept", allow(["secretary"], OK, **HIDDEN_SUBMITTED), 403),
    row("POST", "/council/initiatives/{submitted}/return", allow(["secretary"], OK, **HIDDEN_SUBMITTED), 403,
        body={"note": "Bổ sung"}),
    row("POST", "/council/initiatives/{review}/assignments", allow(["secretary"], OK, **HIDDEN_REVIEW),
        403, body={"reviewer": "{chair_user}"}),
    row("POST", "/council/initiatives/{review}/review", allow(["member"], OK, **HIDDEN_REVIEW), 403,
        body={"score_novelty": "30", "score_applicability": "30", "score_effectiveness": "40",
              "recommendation": "pass", "save": "1"}),
    row("POST", "/council/initiatives/{review}/first-application", allow(["secretary"], OK, **HIDDEN_REVIEW),
        403, body={"ended_on": f"{YEAR}-02-01"}),
    row("POST", "/council/initiatives/{review}/recuse", allow(["member"], OK, **HIDDEN_REVIEW), 403,
        body={"reason": "Người thân"}),
    row("POST", "/council/initiatives/{review}/decision", allow(["chair"], OK, **HIDDEN_REVIEW), 403,
        body={"outcome": "recognized", "decision_no": "9/QĐ", "decision_date": f"{YEAR}-02-01",
              "reason": "Đủ điều kiện"}),
    # Every id of a batch goes through the gate: one the person may not see makes it a 404.
    row("POST", "/council/batch-decision", allow(["chair"], OK, **HIDDEN_REVIEW), 403,
        body={"year": str(YEAR), "ids": "{review}", "decision_no": "9/QĐ", "decision_date": f"{YEAR}-02-01"}),
    row("POST", "/council/assignments/{review_assignment}/withdraw", allow(["secretary"], OK, **HIDDEN_REVIEW),
        403, body={"reason": "Đổi người"}),
    row("POST", "/council/bulk-accept", allow(["secretary"], OK, **HIDDEN_SUBMITTED), 403,
        body={"year": str(YEAR), "ids": "{submitted}", "confirmed": "1"}),
    row("POST", "/council/reminders", allow(["secretary"], OK, **HIDDEN_REVIEW), 403,
        body={"year": str(YEAR), "ids": "{review_assignment}", "confirmed": "1"}),
    row("POST", "/council/reviews/{review_sheet}/reopen", allow(["secretary"], OK, **HIDDEN_REVIEW),
        403, body={"reason": "Chấm lại"}),
    row("POST", "/council/initiatives/{published}/sector", allow(["secretary"], OK, **HIDDEN_PUBLISHED),
        403, body={"status": "proposed"}),
    row("POST", "/council/initiatives/{published}/national", allow(["secretary"], OK, **HIDDEN_PUBLISHED),
        403, body={"status": "proposed"}),
    row("POST", "/council/rubric/{year}", allow(["admin"], OK), 403,
        body={"recognition_threshold": "0", "sector_threshold": "0", "approval_numerator": "1",
              "approval_denominator": "1", "criteria-0-code": "x", "criteria-0-name": "X",
              "criteria-0-max_score": "1"}),
    # -- search, publishing ----------------------------------------------------------------
    row("GET", "/search/internal?q=ma+túy", allow(["member", "secretary", "chair", "editor", "officer"]), 403),
    row("GET", "/editor", allow(["editor"]), 403),
    row("GET", "/editor/{submitted}/publish", allow(["editor"], 404), 403),
    row("POST", "/editor/{published}/publish", allow(["editor"], 409), 403),
    row("POST", "/editor/{published}/unpublish", allow(["editor"], OK), 403, body={"reason": "Gỡ"}),
    row("POST", "/editor/{submitted}/unpublish", allow(["editor"], 404), 403, body={"reason": "Gỡ"}),
    row("GET", "/initiatives/{published}/files/{public_attachment}", {"anonymous": 200}, 200),
    row("GET", "/initiatives/{published}/files/{draft_attachment}", {"anonymous": 404}, 404),
    row("GET", "/initiatives/{draft}/files/{draft_attachment}", {"anonymous": 404}, 404),
    row("GET", "/initiatives/{submitted}", {"anonymous": 404}, 404),
    row("GET", "/initiatives/{published}", {"anonymous": 301}, 301),
    row("GET", "/initiatives/{published}-{slug}/print", {"anonymous": 200}, 200),
    row("GET", "/fields/{field_code}/feed.atom", {"anonymous": 200}, 200),
    row("GET", "/initiatives/{draft}-{slug}", {"anonymous": 404}, 404),
    # -- emulation ---------------------------------------------------------------------------
    row("GET", "/emulation/me", {}, 200),
    row("GET", "/emulation/year", allow(["officer"], 302), 403),
    row("GET", "/emulation/year/{year}", allow(["officer"]), 403),
    row("GET", "/emulation/year/{year}/settings", allow(["officer"]), 403),
    row("GET", "/emulation/year/{year}/import", allow(["officer"]), 403),
    row("POST", "/emulation/year/{year}/import", allow(["officer"], OK), 403, files=True),
    row("GET", "/emulation/import-template/{kind}.csv", allow(["officer"]), 403),
    row("GET", "/emulation/year/{year}/records", allow(["officer"]), 403),
    row("GET", "/emulation/year/{year}/export.xlsx", allow(["officer"]), 403),
    row("POST", "/emulation/year/{year}/{kind}", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "title": "advanced_worker"}),
    row("POST", "/emulation/titles/{award}/delete", allow(["officer"], OK), 403),
    row("POST", "/emulation/disciplines/{discipline}/delete", allow(["officer"], OK), 403),
    row("POST", "/emulation/services/{service}/delete", allow(["officer"], OK), 403),
    row("POST", "/emulation/refusals/{refusal}/delete", allow(["officer"], OK), 403),
    row("POST", "/emulation/titles/{award}/use", allow(["officer"], OK), 403, body={"initiative_id": "1"}),
    row("POST", "/emulation/year/{year}/settings", allow(["officer"], OK), 403, body={"approval_fraction": "1/2"}),
    # -- administration --------------------------------------------------------------------
    row("GET", "/admin/", allow(["admin"]), 403),
    row("GET", "/admin/users", allow(["admin"]), 403),
    row("GET", "/admin/users/{other_user}", allow(["admin"]), 403),
    row("GET", "/admin/audit", allow(["admin", *OVERSEE]), 403),
    row("GET", "/admin/audit.csv", allow(["admin", *OVERSEE]), 403),
    row("GET", "/admin/outbox", allow(["admin"]), 403),
    row("POST", "/admin/outbox/{failed_mail}/resend", allow(["admin"], OK), 403),
    row("GET", "/admin/fields", allow(["admin"]), 403),
    row("GET", "/admin/organisation", allow(["admin"]), 403),
    row("POST", "/admin/organisation", allow(["admin"], OK), 403, body={"name": "Viện khác"}),
    row("GET", "/admin/years/{year}", allow(["admin"]), 403),
    row("GET", "/admin/years", allow(["admin"]), 403),
    row("GET", "/admin/years/new", allow(["admin"]), 403),
    row("GET", "/admin/units", allow(["admin"]), 403),
    row("GET", "/admin/units/new", allow(["admin"]), 403),
    row("GET", "/admin/units/{dept}", allow(["admin"]), 403),
    row("POST", "/admin/units/{dept}", allow(["admin"], OK), 403, body={"name": "Đổi tên", "kind": "district"}),
    row("GET", "/admin/councils", allow(["admin"]), 403),
    row("GET", "/admin/councils/{year}", allow(["admin"]), 403),
    row("GET", "/admin/users/import", allow(["admin"]), 403),
    row("POST", "/admin/users/import", allow(["admin"], OK), 403, files=True),
    row("GET", "/admin/users/import/template.csv", allow(["admin"]), 403),
    row("POST", "/admin/users/{other_user}/reactivate", allow(["admin"], OK), 403),
    row("POST", "/admin/users/{other_user}/deactivate", allow(["admin"], OK), 403),
    row("POST", "/admin/users/{other_user}/reset-password", allow(["admin"], OK), 403,
        body={"password": "a-new-password-1"}),
    row("POST", "/admin/users/{other_user}/revoke-tokens", allow(["admin"], OK), 403),
    row("POST", "/admin/users/new", allow(["admin"], OK), 403,
        body={"username": "ke.gian", "full_name": "Kẻ Gian", "unit": "{dept}", "password": "a-new-password-1",
              "roles": "admin"}),
    row("POST", "/admin/councils/{year}/members", allow(["admin"], OK), 403,
        body={"username": "ksv.tuan", "role": "member"}),
    row("POST", "/admin/councils/{year}/members/{member_row}/remove", allow(["admin"], OK), 403),
    row("POST", "/admin/fields/{field}", allow(["admin"], OK), 403, body={"name": "Đổi tên"}),
    # -- API ---------------------------------------------------------------------------------
    row("GET", "/api/v1/auth/me", {}, 200, api=True),
    row("GET", "/api/v1/reference", {}, 200, api=True),  # codes and years: every account, no secret
    row("GET", "/api/v1/initiatives", {}, 200, api=True),
    row("POST", "/api/v1/initiatives", {}, OK, api=True),
    row("POST", "/api/v1/emulation/registrations", {}, OK, api=True),
    row("GET", "/api/v1/initiatives/{draft}", allow(AUTHORS), 404, api=True),
    row("GET", "/api/v1/initiatives/{other_draft}", allow(["other"]), 404, api=True),
    row("GET", "/api/v1/initiatives/{submitted}", allow(VIEWERS), 404, api=True),
    row("PATCH", "/api/v1/initiatives/{draft}", allow(AUTHORS, OK), 404, body={"title": "Chiếm quyền"}, api=True),
    row("POST", "/api/v1/initiatives/{draft}/submit", allow(AUTHORS, OK), 404, api=True),
    row("POST", "/api/v1/initiatives/{draft}/attachments", allow(AUTHORS, OK), 404, api=True, files=True),
    row("POST", "/api/v1/initiatives/{submitted}/withdraw", allow(AUTHORS, OK, **HIDDEN_SUBMITTED), 403, api=True),
    row("PATCH", "/api/v1/initiatives/{submitted}", allow(AUTHORS, 409, **HIDDEN_SUBMITTED), 403,
        body={"title": "Sửa sau khi nộp"}, api=True),
    row("POST", "/api/v1/initiatives/{draft}/coauthorship", allow([], **{r: 404 for r in (
        "other", "member", "secretary", "chair", "editor", "officer", "admin")}), 403, body={"accept": True},
        api=True),
    row("POST", "/api/v1/initiatives/{submitted}/accept", allow(["secretary"], OK, **HIDDEN_SUBMITTED), 403,
        api=True),
    row("POST", "/api/v1/initiatives/{submitted}/return", allow(["secretary"], OK, **HIDDEN_SUBMITTED), 403,
        body={"note": "Bổ sung"}, api=True),
    row("GET", "/api/v1/initiatives/{review}/assignments", allow(OVERSEE, **HIDDEN_REVIEW), 403, api=True),
    row("POST", "/api/v1/initiatives/{review}/assignments/{review_assignment}/withdraw",
        allow(["secretary"], OK, **HIDDEN_REVIEW), 403, body={"reason": "Đổi người"}, api=True),
    row("POST", "/api/v1/initiatives/{review}/assignments", allow(["secretary"], OK, **HIDDEN_REVIEW),
        403, body={"reviewer": "chutich"}, api=True),
    row("GET", "/api/v1/initiatives/{review}/review", allow(["member"], **HIDDEN_REVIEW), 403, api=True),
    row("PUT", "/api/v1/initiatives/{review}/review", allow(["member"], OK, **HIDDEN_REVIEW), 403,
        body={"scores": {"novelty": 30, "applicability": 30, "effectiveness": 40}, "recommendation": "pass"},
        api=True),
    row("POST", "/api/v1/initiatives/{review}/review/submit", allow(["member"], OK, **HIDDEN_REVIEW),
        403, api=True),
    row("POST", "/api/v1/initiatives/{review}/review/recuse", allow(["member"], OK, **HIDDEN_REVIEW),
        403, body={"reason": "Người thân"}, api=True),
    row("POST", "/api/v1/initiatives/{published}/national", allow(["secretary"], OK, **HIDDEN_PUBLISHED),
        403, body={"status": "proposed"}, api=True),
    row("GET", "/api/v1/initiatives/{review}/appraisal", allow(OVERSEE, **HIDDEN_REVIEW), 403, api=True),
    row("POST", "/api/v1/initiatives/{review}/decision", allow(["chair"], OK, **HIDDEN_REVIEW), 403,
        body={"outcome": "recognized", "decision_no": "9/QĐ", "decision_date": f"{YEAR}-02-01"}, api=True),
    row("POST", "/api/v1/initiatives/{published}/sector", allow(["secretary"], OK, **HIDDEN_PUBLISHED),
        403, body={"status": "proposed"}, api=True),
    # An article is public: refusing the editor's actions with 403 reveals nothing.
    row("POST", "/api/v1/initiatives/{published}/unpublish", allow(["editor"], OK), 403, body={"reason": "Gỡ"},
        api=True),
    row("POST", "/api/v1/initiatives/{published}/publish", allow(["editor"], 409), 403, api=True),
    row("POST", "/api/v1/emulation/titles", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "year": YEAR, "title": "advanced_worker"}, api=True),
    row("POST", "/api/v1/emulation/disciplines", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "year": YEAR, "level": "warning"}, api=True),
    row("POST", "/api/v1/emulation/articles", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "year": YEAR, "count": 9}, api=True),
    row("GET", f"/api/v1/emulation/eligibility?year={YEAR}", allow(["officer"]), 403, api=True),
    row("GET", f"/api/v1/emulation/services?year={YEAR}", allow(["officer"]), 403, api=True),
    row("POST", "/api/v1/emulation/services", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "year": YEAR, "leave_months": 4}, api=True),
    row("DELETE", "/api/v1/emulation/services/{service}", allow(["officer"], OK), 403, api=True),
    row("GET", f"/api/v1/emulation/refusals?year={YEAR}", allow(["officer"]), 403, api=True),
    row("POST", "/api/v1/emulation/refusals", allow(["officer"], OK), 403,
        body={"username": "ksv.tuan", "year": YEAR, "title": "advanced_worker", "reason": "Không đạt"}, api=True),
    row("DELETE", "/api/v1/emulation/refusals/{refusal}", allow(["officer"], OK), 403, api=True),
    row("POST", "/api/v1/emulation/titles/{award}/use", allow(["officer"], OK), 403, api=True),
    row("GET", "/api/v1/public/initiatives/{draft}", {"anonymous": 404}, 404, api=True),
    row("GET", "/api/v1/public/initiatives/{submitted}", {"anonymous": 404}, 404, api=True),
    row("GET", "/api/v1/public/initiatives/{published}", {"anonymous": 200}, 200, api=True),
]


def expected(entry, role):
    if role in entry["expect"]:
        return entry["expect"][role]
    if role == "anonymous":
        return 401 if entry["api"] else LOGIN
    return entry["default"]


def fill(template, ids):
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, dict):
        return {k: fill(v, ids) for k, v in template.items()}
    return template


@pytest.fixture
def world(make_user, make_initiative, make_unit, api_headers):
    world = build_world(make_user, make_initiative, make_unit)
    world.ids["chair_user"] = world.user("chair").id
    world.ids["kind"] = "titles"
    world.headers = {role: api_headers(world.user(role)) for role in ROLES if role != "anonymous"}
    world.headers["anonymous"] = {}
    return world


def request(app, world, role, entry):
    client = app.test_client()
    if role != "anonymous":
        client.login(world.user(role))
    url = fill(entry["path"], world.ids)
    body = fill(entry["body"], world.ids) or {}
    if entry["api"]:
        headers = world.headers[role]
        if entry["files"]:
            return client.open(url, method=entry["method"], headers=headers,
                               data={"file": (io.BytesIO(PDF), "x.pdf")})
        if entry["method"] == "GET":
            return client.get(url, headers=headers)
        return client.open(url, method=entry["method"], headers=headers, json=body)
    if entry["method"] == "GET":
        return client.get(url)
    data = dict(body)
    if entry["files"]:
        data["file"] = (io.BytesIO(PDF), "x.pdf")
    return client.post(url, data=data)


def test_the_table_covers_every_route(app):
    """Every route of the url_map is in the table, but the public pages proven in their own tests."""
    public = {"/", "/initiatives", "/feed.atom", "/sitemap.xml", "/sitemap-*.xml", "/search", "/search/suggest", "/login", "/logout",
              "/lang/*", "/static/*", "/favicon.ico", "/api/v1/openapi.json", "/api/v1/auth/token", "/api/v1/public/initiatives",
              "/certificates/*", "/statistics", "/statistics.xlsx"}

    def shape(path):
        return re.sub(r"\{[^}]+\}|<[^>]+>|(?<=/)\d+(?=/|$)", "*", path.split("?")[0])

    covered = {shape(entry["path"]) for entry in ACCESS}
    missing = sorted(r.rule for r in app.url_map.iter_rules() if shape(r.rule) not in covered | public)
    assert missing == []


# Every role against every action asks the one policy, whatever the database; the SQL the
# policy writes for lists is checked on PostgreSQL too (tests/policy/test_one_way.py): once, in
# the SQLite pass (CI time).
@pytest.mark.sqlite_only
def test_every_role_against_every_action(app, world):
    """For each role: the refusals first, then a snapshot (nothing changed), then the reads
    that are allowed (some are audited, like the audit log export). Refusals change nothing,
    so one world serves every role."""
    wrong = []
    for role in ROLES:
        refusals = [e for e in ACCESS if expected(e, role) not in (OK, 200)]
        reads = [e for e in ACCESS if expected(e, role) == 200]
        before = snapshot()
        wrong += _check(app, world, role, refusals)
        assert changes(before, snapshot()) == "", role
        wrong += _check(app, world, role, reads)
    assert wrong == []


def _check(app, world, role, entries):
    wrong = []
    for entry in entries:
        want = expected(entry, role)
        response = request(app, world, role, entry)
        response.close()
        got = response.status_code
        where = f"{role}: {entry['method']} {entry['path']}"
        if want == LOGIN:
            if got != 302 or "/login" not in response.headers.get("Location", ""):
                wrong.append(f"{where} → {got}, expected a redirect to /login")
        elif got != want:
            wrong.append(f"{where} → {got}, expected {want}")
        if entry["api"] and want in (401, 403, 404, 409) and not (response.json or {}).get("error"):
            wrong.append(f"{where}: no JSON error body")
    return wrong


# -- IDOR by iterating ids -------------------------------------------------------------------

@pytest.mark.parametrize("role", ["other", "coauthor", "admin"])
def test_iterating_ids_reveals_nothing_that_is_not_ones_own(app, world, role):
    """Walk every initiative and attachment id (and a few past the end) on every
    id-taking GET route: only what the person may see answers 200, the rest 404."""
    from portal.initiatives.models import Attachment, Initiative

    client = app.test_client().login(world.user(role))
    headers = world.headers[role]
    user = world.user(role)
    initiatives = {i.id: i for i in db.session.execute(select(Initiative)).scalars()}
    attachments = db.session.execute(select(Attachment)).scalars().all()
    top = max(initiatives) + 3
    for initiative_id in range(1, top + 1):
        initiative = initiatives.get(initiative_id)
        visible = bool(initiative and initiative.can("view", user))
        is_draft_of_someone_else = bool(initiative and initiative.status.value == "draft"
                                        and not initiative.is_named(user))
        for url, kwargs in ((f"/my/initiatives/{initiative_id}", {}),
                            (f"/api/v1/initiatives/{initiative_id}", {"headers": headers}),
                            (f"/council/initiatives/{initiative_id}/application.docx", {})):
            response = client.get(url, **kwargs)
            response.close()
            status = response.status_code
            assert status == (200 if visible else 404), (role, url, status)
            if is_draft_of_someone_else:
                assert status == 404
        for attachment in attachments:
            url = f"/my/initiatives/{initiative_id}/attachments/{attachment.id}"
            response = client.get(url)
            response.close()
            status = response.status_code
            mine = visible and attachment.initiative_id == initiative_id
            assert status == (200 if mine else 404), (role, url, status)
    # Ids past what the database holds are unknown ids too (not an overflow, not a 500).
    for url in ("/my/initiatives/99999999999999999999", "/api/v1/initiatives/99999999999999999999",
                "/initiatives/2147483648", "/admin/users/99999999999999999999/deactivate"):
        response = client.open(url, method="POST" if url.endswith("deactivate") else "GET", headers=headers)
        assert response.status_code == 404, url
    # The list endpoint shows nothing of another person's draft either.
    listed = client.get("/api/v1/initiatives?per_page=100", headers=headers).json["items"]
    for item in listed:
        initiative = initiatives[item["id"]]
        assert initiative.can("view", user)
    # Other people's tokens cannot be revoked by guessing their ids.
    from portal.auth.models import ApiToken

    for token in db.session.execute(select(ApiToken)).scalars().all():
        if token.user_id != user.id and role != "admin":
            assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert all(t.revoked_at is None for t in db.session.execute(select(ApiToken)).scalars()
               if t.user_id != user.id)
