"""A year's rules govern filing (issue 11): open years, deadlines, a usable fresh install, the reference.

Tried as staff would on 1 December: a submission into a year past its deadline, into 2000 and
into next year were all accepted, and a fresh `init-db` had no field of work to file under.
"""
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from portal import create_app
from portal.core.audit import AuditEvent
from portal.core.timeutil import today
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status
from portal.years.models import Year
from tests.initiatives.helpers import YEAR
from tests.initiatives.test_api import BODY
from tests.production.helpers import preserved_logging, scratch_database


@pytest.fixture
def api(client, api_headers, people, make_field):
    make_field()
    tokens = {user.id: api_headers(user) for user in (people.author, people.admin)}

    def call(method, url, user=None, **kwargs):
        headers = tokens[inspect(user or people.author).identity[0]]
        return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)
    return call


def _complete(make_initiative, people):
    return make_initiative([people.author], title="Sổ theo dõi án treo điện tử")


def _error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    if code:
        assert body["code"] == code
    return body


# -- the year's flag and deadline act on submission --------------------------------------------

def test_submitting_after_the_years_deadline_is_refused_and_says_who_reopens(api, people, make_initiative):
    year = db.session.get(Year, YEAR)
    year.submission_deadline = today() - timedelta(days=1)
    db.session.commit()
    initiative = _complete(make_initiative, people)
    body = _error(api("POST", f"/initiatives/{initiative.id}/submit"), 409, "year_closed")
    assert f"hạn {year.submission_deadline:%d/%m/%Y}" in body["message"]
    assert "Quản trị hệ thống có thể mở lại hoặc gia hạn" in body["message"]
    db.session.refresh(initiative)
    assert initiative.status == Status.draft

    # Once the deadline is extended (the admin's year page, below), the same submission goes through.
    year.submission_deadline = today()
    db.session.commit()
    assert api("POST", f"/initiatives/{initiative.id}/submit").status_code == 200


def test_a_closed_year_refuses_submissions(api, people, make_initiative):
    db.session.get(Year, YEAR).is_open = False
    db.session.commit()
    initiative = _complete(make_initiative, people)
    body = _error(api("POST", f"/initiatives/{initiative.id}/submit"), 409, "year_closed")
    assert f"Năm {YEAR} đã đóng nhận sáng kiến" in body["message"]


@pytest.mark.parametrize("year", [2000, YEAR + 1])
def test_a_year_not_on_record_takes_no_initiative(api, year):
    body = _error(api("POST", "/initiatives", json={**BODY, "year": year}), 422)
    assert f"Năm {year} chưa có trong danh mục năm" in " ".join(body["fields"]["year"])
    assert db.session.query(Initiative).count() == 0


def test_the_admin_reopens_a_year_on_its_page_and_it_is_audited(client, people):
    db.session.get(Year, YEAR).is_open = False
    db.session.commit()
    client.login(people.admin)
    response = client.post(f"/admin/years/{YEAR}", data={
        "is_open": "y", "filing_window_days": "365", "decision_due_days": "90", "similarity_percent": "80"})
    assert response.status_code == 302
    assert db.session.get(Year, YEAR).is_open
    event = db.session.query(AuditEvent).filter_by(action="admin.year_updated").one()
    assert event.data["changes"]["is_open"] == [False, True]


def test_a_first_application_in_the_future_is_refused(api):
    body = _error(api("POST", "/initiatives", json={
        **BODY, "first_applied_on": (today() + timedelta(days=1)).isoformat()}), 422)
    assert "Ngày áp dụng lần đầu không được sau ngày hôm nay." in body["fields"]["first_applied_on"]


def test_a_new_initiative_goes_into_the_open_year_by_default(api):
    body = {key: value for key, value in BODY.items() if key != "year"}
    response = api("POST", "/initiatives", json=body)
    assert response.status_code == 201
    assert db.session.get(Initiative, response.get_json()["id"]).year == YEAR


# -- an unknown code names the valid ones; the reference lists them all --------------------------

def test_an_unknown_code_lists_the_valid_ones(api):
    body = _error(api("POST", "/initiatives", json={**BODY, "field": "hinh-su"}), 422)
    message = " ".join(body["fields"]["field"])
    assert "Không có lĩnh vực mã “hinh-su”" in message and "criminal" in message
    body = _error(api("POST", "/initiatives", json={**BODY, "form": "essay"}), 422)
    assert "solution" in " ".join(body["fields"]["form"])


def test_the_reference_lists_every_code_the_api_takes(api, client):
    assert client.get("/api/v1/reference").status_code == 401
    response = api("GET", "/reference")
    assert response.status_code == 200
    body = response.get_json()
    assert {"code": "criminal", "name": "Hình sự"} in body["fields"]
    assert [f["code"] for f in body["forms"]] == ["solution", "project", "thematic"]
    assert {level["code"]: level["requestable"] for level in body["levels"]} == {
        "grassroots": True, "sector": True, "national": False}
    assert [t["code"] for t in body["titles"]] == [
        "advanced_worker", "emulation_soldier_grassroots", "emulation_soldier_sector", "emulation_soldier_national"]
    this_year = next(y for y in body["years"] if y["year"] == YEAR)
    assert this_year["open"] is True and this_year["filing_window_days"] == 365
    assert body["today"] == today().isoformat()
    assert any(unit["name"] for unit in body["units"])


def test_the_reference_says_when_a_year_is_past_its_deadline(api):
    db.session.get(Year, YEAR).submission_deadline = today() - timedelta(days=1)
    db.session.commit()
    this_year = next(y for y in api("GET", "/reference").get_json()["years"] if y["year"] == YEAR)
    assert this_year["open"] is False and this_year["accepting_submissions"] is True
    assert this_year["submission_deadline"] == (today() - timedelta(days=1)).isoformat()


# -- a fresh install is usable -------------------------------------------------------------------

def test_a_fresh_init_db_then_create_user_lets_staff_file_under_criminal(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with scratch_database(tmp_path, "fresh") as url, preserved_logging():
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "fresh",
                          "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        again = runner.invoke(args=["init-db"])  # idempotent: nothing more is made
        assert again.exit_code == 0 and "made" not in again.output
        result = runner.invoke(args=["create-user", "--username", "ksv.an", "--password", "Kiem-sat-vien-2026",
                                     "--full-name", "Trần Văn An", "--unit", "Phòng 1"])
        assert result.exit_code == 0, result.output
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "ksv.an", "password": "Kiem-sat-vien-2026"})
        assert token.status_code in (200, 201), token.get_json()
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        body = {key: value for key, value in BODY.items() if key != "year"}
        response = client.post("/api/v1/initiatives", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        initiative_id = response.get_json()["id"]
        assert client.post(f"/api/v1/initiatives/{initiative_id}/submit", headers=headers).status_code == 200
        with app.app_context():
            db.engine.dispose()
