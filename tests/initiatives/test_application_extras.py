"""Issue 13: the TT 18/2013 form's fields besides the sections — the information to keep
confidential, the people who took part in the trial application and their assessment — on the
staff form and the API alike (one operation), never on the public article."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.initiatives.models import Initiative
from tests.initiatives.helpers import with_authors
from tests.initiatives.test_api import BODY

TRIAL = "Ngô Văn Tư; 02/09/1990; VKSND quận Hải Châu; Kiểm sát viên; Cử nhân Luật; dùng thử 3 tháng"


@pytest.fixture
def api(client, api_headers, people, make_field):
    make_field()
    headers = api_headers(people.author)

    def call(method, url, **kwargs):
        return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)
    return call


def only_initiative():
    db.session.expire_all()
    return db.session.execute(select(Initiative)).scalar_one()


def test_the_staff_form_takes_and_shows_them(client, people, complete_values):
    client.login(people.author)
    page = client.get("/my/initiatives/new").get_data(as_text=True)
    for name in ("confidential_info", "trial_users", "trial_assessment"):
        assert f'name="{name}"' in page
    data = with_authors(complete_values(confidential_info="Mã nguồn.", trial_users=TRIAL,
                                        trial_assessment="Giảm quá hạn."), ("ksv.hung", 100))
    assert client.post("/my/initiatives/new", data=data).status_code == 302
    initiative = only_initiative()
    assert (initiative.confidential_info, initiative.trial_users, initiative.trial_assessment) == (
        "Mã nguồn.", TRIAL, "Giảm quá hạn.")
    edit = client.get(f"/my/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert "Mã nguồn." in edit and "Ngô Văn Tư; 02/09/1990" in edit


def test_a_trial_line_without_a_name_is_refused_beside_the_field(client, people, complete_values):
    client.login(people.author)
    data = with_authors(complete_values(trial_users="Ngô Văn Tư\n; 1990; VKSND"), ("ksv.hung", 100))
    response = client.post("/my/initiatives/new", data=data,
                           headers={"Referer": "http://localhost/my/initiatives/new"})
    assert response.status_code == 303  # refused by the operation: back to the form (post/redirect/get)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ngô Văn Tư" in html  # the input is kept
    at = html.rindex("Dòng 2: thiếu họ và tên người tham gia áp dụng.")
    assert html.rfind('name="trial_users"', 0, at) > html.rfind('class="field', 0, at) > 0
    assert db.session.execute(select(Initiative)).first() is None


def test_the_api_takes_and_returns_them(api):
    response = api("POST", "/initiatives", json={**BODY, "confidential_info": "Mã nguồn.", "trial_users": TRIAL,
                                                 "trial_assessment": "Giảm quá hạn."})
    assert response.status_code == 201, response.get_json()
    body = api("GET", f"/initiatives/{response.get_json()['id']}").get_json()
    assert (body["confidential_info"], body["trial_users"], body["trial_assessment"]) == (
        "Mã nguồn.", TRIAL, "Giảm quá hạn.")
    patched = api("PATCH", f"/initiatives/{body['id']}", json={"confidential_info": ""})
    assert patched.status_code == 200 and only_initiative().confidential_info == ""


@pytest.mark.parametrize("body, field", [
    ({"trial_users": "; không tên"}, "trial_users"),
    ({"confidential_info": 12}, "confidential_info"),
    ({"trial_assessment": "x" * 10_001}, "trial_assessment"),
])
def test_the_api_refuses_wrong_values_by_field(api, body, field):
    response = api("POST", "/initiatives", json={**BODY, **body})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.execute(select(Initiative)).first() is None


def test_the_openapi_document_describes_them(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    text = str(spec)
    for name in ("confidential_info", "trial_users", "trial_assessment"):
        assert text.count(f"'{name}'") >= 2, name  # in what is sent and in what is returned
