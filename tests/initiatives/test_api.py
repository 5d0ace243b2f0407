"""The initiatives API: the contract of DESIGN.md, refusals as JSON errors, nothing changed on refusal."""
import io

import pytest
from sqlalchemy import inspect, select

from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status
from tests.initiatives import helpers
from tests.initiatives.helpers import YEAR, fingerprint

BODY = {
    "title": "Phần mềm theo dõi thời hạn tạm giam",
    "field": "criminal",
    "form": "solution",
    "year": YEAR,
    "summary": "Cảnh báo tự động trước khi hết thời hạn tạm giam.",
    "content": "## Thực trạng\n\nTheo dõi bằng sổ tay.\n\n## Nội dung giải pháp\n\nBảng tính có cảnh báo.\n\n"
               "## Điều kiện áp dụng\n\nMáy tính nối mạng nội bộ.\n\n## Hiệu quả\n\nKhông để quá hạn.",
    "first_applied_on": f"{YEAR}-01-10",
    "requested_level": "grassroots",
}


@pytest.fixture
def api(client, api_headers, people, make_field):
    make_field()
    # One token per person, issued up front: issuing writes an audit event of its own.
    tokens = {user.id: api_headers(user) for user in (people.author, people.coauthor, people.stranger,
                                                       people.secretary, people.admin)}

    def call(method, url, user=None, **kwargs):
        # The identity key, not user.id: reading an expired attribute would query the database.
        headers = tokens[inspect(user or people.author).identity[0]]
        return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)
    return call


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


def test_create_returns_201_with_id_and_draft(api, people):
    response = api("POST", "/initiatives", json={**BODY, "authors": [
        {"username": "ksv.hung", "share": 70}, {"name": "Trần Văn Bình", "workplace": "Công an quận Hải Châu",
                                                "share": 30}]})
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "status": "draft"}
    assert response.headers["Location"].endswith(f"/api/v1/initiatives/{body['id']}")
    initiative = db.session.get(Initiative, body["id"])
    assert initiative.current_state == "Theo dõi bằng sổ tay."
    assert initiative.solution == "Bảng tính có cảnh báo."
    assert initiative.benefits == "Không để quá hạn."
    assert [(a.display_name, a.share) for a in initiative.authors] == [("Lê Văn Hùng", 70), ("Trần Văn Bình", 30)]
    assert initiative.unit_id == people.author.unit_id


def test_create_without_authors_makes_the_caller_the_sole_author(api, people):
    body = api("POST", "/initiatives", json={"title": "Chỉ có tên"}).get_json()
    initiative = db.session.get(Initiative, body["id"])
    assert [(a.user_id, a.share) for a in initiative.authors] == [(people.author.id, 100)]


@pytest.mark.parametrize("body, status, code, text", [
    ({"summary": "không có tên"}, 422, "invalid", "Vui lòng nhập tên sáng kiến."),
    ({"title": "x" * 301}, 422, "invalid", "vượt quá giới hạn 300"),
    ({"title": "T", "solution": "x" * 50_001}, 422, "invalid", "vượt quá giới hạn 50.000"),
    ({"title": "T", "authors": [{"username": "ksv.hung", "share": 50}]}, 422, "invalid", "phải bằng 100%"),
    ({"title": "T", "authors": [{"username": "ksv.hung", "share": 50}, {"username": "ai.do", "share": 50}]},
     422, "invalid", "Không tìm thấy cán bộ có tên đăng nhập “ai.do”"),
    ({"title": "T", "authors": [{"username": "ksv.mai", "share": 100}]}, 422, "invalid", "Bạn phải là một"),
    ({"title": "T", "authors": "ksv.hung"}, 422, "invalid", "authors phải là danh sách"),
    ({"title": "T", "field": "astrology"}, 422, "invalid", "Không có lĩnh vực mã “astrology”"),
    ({"title": "T", "first_applied_on": "10/01/2026"}, 422, "invalid", "YYYY-MM-DD"),
    ({"title": "T", "form": "poem"}, 422, "invalid", "Hình thức không hợp lệ"),
    ({"title": "T", "colour": "red"}, 422, "invalid", "Trường không được hỗ trợ: colour"),
    ({"title": 42}, 422, "invalid", "phải là văn bản"),
])
def test_create_refusals_are_json_errors_and_change_nothing(api, body, status, code, text):
    before = fingerprint()
    response = api("POST", "/initiatives", json=body)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code and text in error["message"]
    assert fingerprint() == before


def test_not_json_is_400_and_no_token_is_401(api, client):
    assert api("POST", "/initiatives", data="title=x", content_type="text/plain").status_code == 400
    response = client.post("/api/v1/initiatives", json=BODY)
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"


def test_get_for_those_who_may_see_it(api, people, make_initiative):
    draft = make_initiative([(people.author, 60), (people.coauthor, 40)])
    body = api("GET", f"/initiatives/{draft.id}").get_json()
    assert body["status"] == "draft" and body["title"] == draft.title
    assert body["authors"][1] == {"username": "ksv.mai", "name": "Nguyễn Thị Mai",
                                  "workplace": people.coauthor.unit.name, "share": 40, "confirmed": True}
    assert "## Nội dung giải pháp đề nghị công nhận là sáng kiến" in body["content"]
    assert api("GET", f"/initiatives/{draft.id}", people.coauthor).status_code == 200
    for outsider in (people.stranger, people.secretary, people.admin):
        response = api("GET", f"/initiatives/{draft.id}", outsider)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert api("GET", "/initiatives/9999").status_code == 404


def test_patch_while_editable(api, people, make_initiative):
    initiative = make_initiative([(people.author, 60), (people.coauthor, 40)])
    response = api("PATCH", f"/initiatives/{initiative.id}", people.coauthor,
                   json={"title": "Tên mới", "benefits": "Giảm 40% thời gian."})
    assert response.status_code == 200
    assert response.get_json()["title"] == "Tên mới"
    db.session.expire_all()
    assert db.session.get(Initiative, initiative.id).benefits == "Giảm 40% thời gian."


@pytest.mark.parametrize("status", ["submitted", "in_review", "recognized", "withdrawn"])
def test_patch_after_submit_is_409(api, people, make_initiative, status):
    initiative = make_initiative([people.author], status=status)
    before = fingerprint()
    response = api("PATCH", f"/initiatives/{initiative.id}", json={"title": "Sửa lén"})
    assert response.status_code == 409 and error_of(response)["code"] == "wrong_state"
    assert fingerprint() == before


def test_patch_by_someone_else_is_404_or_403(api, people, make_initiative):
    draft = make_initiative([people.author])
    submitted = make_initiative([people.author], status="submitted")
    before = fingerprint()
    assert api("PATCH", f"/initiatives/{draft.id}", people.stranger, json={"title": "x"}).status_code == 404
    response = api("PATCH", f"/initiatives/{submitted.id}", people.secretary, json={"title": "x"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert fingerprint() == before


def test_submit_then_withdraw(api, people, make_initiative):
    initiative = make_initiative([people.author])
    response = api("POST", f"/initiatives/{initiative.id}/submit")
    assert response.status_code == 200
    assert response.get_json() == {"id": initiative.id, "status": "submitted", "version": 1}
    again = api("POST", f"/initiatives/{initiative.id}/submit")
    assert again.status_code == 409 and "Không thể nộp" in error_of(again)["message"]
    assert api("POST", f"/initiatives/{initiative.id}/withdraw", people.secretary).status_code == 403
    response = api("POST", f"/initiatives/{initiative.id}/withdraw", json={"reason": "Chưa đủ số liệu"})
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    db.session.expire_all()
    assert db.session.get(Initiative, initiative.id).status == Status.withdrawn


def test_submit_incomplete_lists_what_is_missing(api, people, make_initiative):
    initiative = make_initiative([people.author], summary="", solution="")
    before = fingerprint()
    response = api("POST", f"/initiatives/{initiative.id}/submit")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "incomplete"
    assert error["fields"]["missing"] == ["Chưa nhập tóm tắt sáng kiến.", "Chưa nhập nội dung giải pháp."]
    assert fingerprint() == before


def test_mine_lists_the_callers_initiatives(api, people, make_initiative):
    own = make_initiative([people.author], title="Của tôi")
    shared = make_initiative([(people.coauthor, 50), (people.author, 50)], title="Chung", status="submitted")
    make_initiative([people.stranger], title="Của người khác", status="submitted")
    body = api("GET", "/initiatives?mine=1").get_json()
    assert {item["id"] for item in body["items"]} == {own.id, shared.id}
    assert body["total"] == 2
    shared_item = next(i for i in body["items"] if i["id"] == shared.id)
    assert shared_item["status"] == "submitted" and shared_item["version"] == 1
    assert shared_item["waiting_for"] == "Chờ Thư ký Hội đồng sơ duyệt"
    # The secretary, without mine=1, sees everything past draft but nobody's draft.
    titles = {i["title"] for i in api("GET", "/initiatives", people.secretary).get_json()["items"]}
    assert titles == {"Chung", "Của người khác"}


def test_list_takes_a_fixed_number_of_queries(api, people, make_initiative, count_queries):
    for n in range(3):
        make_initiative([(people.author, 50), (people.coauthor, 50)], title=f"Sáng kiến {n}", status="submitted")
    api("GET", "/initiatives?mine=1")  # the token's first use records itself
    with count_queries() as few:
        api("GET", "/initiatives?mine=1")
    for n in range(6):
        make_initiative([(people.author, 50), (people.coauthor, 50)], title=f"Thêm {n}", status="submitted")
    with count_queries() as many:
        assert len(api("GET", "/initiatives?mine=1").get_json()["items"]) == 9
    assert many.count == few.count, "\n".join(many.statements)


def test_attach_a_file_through_the_api(api, people, make_initiative):
    initiative = make_initiative([people.author])
    response = api("POST", f"/initiatives/{initiative.id}/attachments",
                   data={"file": (io.BytesIO(helpers.pdf_bytes()), "thuyet-minh.pdf")},
                   content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["content_type"] == "application/pdf"
    before = fingerprint()
    response = api("POST", f"/initiatives/{initiative.id}/attachments",
                   data={"file": (io.BytesIO(helpers.exe_bytes()), "setup.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422 and error_of(response)["code"] == "invalid_file"
    assert fingerprint() == before


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/initiatives"])
    assert {"get", "patch"} <= set(paths["/initiatives/{initiative_id}"])
    for action in ("submit", "withdraw", "attachments"):
        assert "post" in paths[f"/initiatives/{{initiative_id}}/{action}"]
    assert paths["/initiatives/{initiative_id}"]["patch"]["responses"]["409"] == {
        "$ref": "#/components/responses/Error"}


def test_created_through_the_api_shows_on_the_dashboard(api, client, people):
    api("POST", "/initiatives", json=BODY)
    page = client.login(people.author).get("/my").get_data(as_text=True)
    assert BODY["title"] in page
    assert db.session.execute(select(Initiative.title)).scalar_one() == BODY["title"]
