"""Drafts through the pages: create, co-authors, edit, who sees them, and every refusal."""
import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.initiatives.models import Initiative
from tests.initiatives.helpers import fingerprint, with_authors


def create(client, data):
    return client.post("/my/initiatives/new", data=data)


def only_initiative():
    db.session.expire_all()
    return db.session.execute(select(Initiative)).scalar_one()


def test_form_is_laid_out_like_the_official_application(client, people, make_field):
    make_field()
    page = client.login(people.author).get("/my/initiatives/new").get_data(as_text=True)
    for text in ("Đơn đề nghị công nhận sáng kiến", "Tên sáng kiến", "Lĩnh vực", "Hình thức",
                 "Cấp đề nghị công nhận", "Ngày áp dụng lần đầu hoặc áp dụng thử",
                 "Tình trạng giải pháp đã biết", "Nội dung giải pháp", "Các điều kiện cần thiết",
                 "Hiệu quả, lợi ích", "Tóm tắt sáng kiến", "Tỷ lệ (%)"):
        assert text in page, text
    assert 'value="ksv.hung"' in page  # the caller is the first author by default
    assert "<script>" not in page and 'style="' not in page


def test_create_draft_with_staff_and_outside_coauthors(client, people, complete_values):
    data = with_authors(complete_values(), ("ksv.hung", 60), ("ksv.mai", 30),
                        ("Trần Văn Bình", "Công an quận Hải Châu", 10))
    response = create(client.login(people.author), data)
    assert response.status_code == 302
    initiative = only_initiative()
    assert response.headers["Location"].endswith(f"/my/initiatives/{initiative.id}/edit")
    assert initiative.status.value == "draft"
    assert [(a.display_name, a.share) for a in initiative.authors] == [
        ("Lê Văn Hùng", 60), ("Nguyễn Thị Mai", 30), ("Trần Văn Bình", 10)]
    assert initiative.authors[2].workplace == "Công an quận Hải Châu"
    assert initiative.created_by_id == people.author.id
    assert initiative.first_applied_on.isoformat().endswith("-02-01")
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "initiative.created")).scalar_one()
    assert event.initiative_id == initiative.id


def test_coauthor_sees_and_edits_the_draft(client, people, make_initiative):
    initiative = make_initiative([(people.author, 70), (people.coauthor, 30)])
    client.login(people.coauthor)
    assert client.get("/my").get_data(as_text=True).count(initiative.title) == 1
    assert client.get(f"/my/initiatives/{initiative.id}").status_code == 200
    form = client.get(f"/my/initiatives/{initiative.id}/edit")
    assert form.status_code == 200
    data = with_authors({"title": "Tên mới do đồng tác giả sửa", "year": str(initiative.year),
                         "unit_id": str(initiative.unit_id), "form_kind": "solution",
                         "requested_level": "grassroots", "field_id": str(initiative.field_id)},
                        ("ksv.hung", 70), ("ksv.mai", 30))
    response = client.post(f"/my/initiatives/{initiative.id}/edit", data=data)
    assert response.status_code == 302
    assert only_initiative().title == "Tên mới do đồng tác giả sửa"


@pytest.mark.parametrize("path", ["", "/edit", "/versions/1"])
def test_nobody_else_sees_a_draft(client, people, make_initiative, path):
    initiative = make_initiative([people.author])
    for outsider in (people.stranger, people.secretary, people.chair, people.admin):
        response = client.login(outsider).get(f"/my/initiatives/{initiative.id}{path}")
        assert response.status_code == 404, outsider.username
        assert initiative.title not in response.get_data(as_text=True)
        assert initiative.title not in client.get("/my").get_data(as_text=True)


def test_someone_elses_draft_cannot_be_edited_404(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author])
    before = fingerprint()
    response = client.login(people.stranger).post(
        f"/my/initiatives/{initiative.id}/edit", data=with_authors(complete_values(), ("ksv.tuan", 100)))
    assert response.status_code == 404
    assert fingerprint() == before


def test_signed_out_visitor_is_sent_to_sign_in(client, people, make_initiative):
    initiative = make_initiative([people.author])
    response = client.get(f"/my/initiatives/{initiative.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- refusals: the form comes back with a message per field, and nothing changes ----------------

REFUSALS = [
    ("empty title", {"title": "  "}, [("ksv.hung", 100)], "Vui lòng nhập tên sáng kiến."),
    ("title too long", {"title": "T" * 301}, [("ksv.hung", 100)], "Tên sáng kiến tối đa 300 ký tự."),
    ("section too long", {"solution": "x" * 50_001}, [("ksv.hung", 100)], "tối đa 50.000 ký tự"),
    ("summary too long", {"summary": "x" * 3_001}, [("ksv.hung", 100)], "Tóm tắt tối đa 3.000 ký tự."),
    ("shares under 100", {}, [("ksv.hung", 60), ("ksv.mai", 30)], "phải bằng 100% (hiện là 90%)"),
    ("shares over 100", {}, [("ksv.hung", 60), ("ksv.mai", 50)], "phải bằng 100% (hiện là 110%)"),
    ("share not a number", {}, [("ksv.hung", "abc")], "phải là số nguyên từ 1 đến 100"),
    ("unknown co-author", {}, [("ksv.hung", 50), ("khong.ton.tai", 50)],
     "Không tìm thấy cán bộ có tên đăng nhập “khong.ton.tai”"),
    ("caller not an author", {}, [("ksv.mai", 100)], "Bạn phải là một trong các tác giả"),
    ("same author twice", {}, [("ksv.hung", 50), ("ksv.hung", 50)], "được nhập hai lần"),
    ("outside co-author without workplace", {}, [("ksv.hung", 50), ("Trần Bình", "", 50)],
     "nhập nơi công tác của đồng tác giả Trần Bình"),
    ("unknown field", {"field_id": "999"}, [("ksv.hung", 100)], "Lĩnh vực không có trong danh mục."),
    ("future first application", {"first_applied_on": "2999-01-01"}, [("ksv.hung", 100)],
     "không được sau ngày hôm nay"),
    ("bad date", {"first_applied_on": "32/13/2020"}, [("ksv.hung", 100)], "Ngày không hợp lệ"),
    ("year out of range", {"year": "1990"}, [("ksv.hung", 100)], "Năm 1990 chưa có trong danh mục năm"),
]


@pytest.mark.parametrize("overrides, authors, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_bad_input_on_create_is_refused_and_nothing_is_saved(client, people, complete_values,
                                                             overrides, authors, message):
    before = fingerprint()
    response = create(client.login(people.author), with_authors(complete_values(**overrides), *authors))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize("overrides, authors, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_bad_input_on_edit_is_refused_and_nothing_changes(client, people, make_initiative, complete_values,
                                                          overrides, authors, message):
    initiative = make_initiative([(people.author, 60), (people.coauthor, 40)])
    before = fingerprint()
    response = client.login(people.author).post(
        f"/my/initiatives/{initiative.id}/edit", data=with_authors(complete_values(**overrides), *authors))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert fingerprint() == before


def test_missing_csrf_token_is_refused(client, people, complete_values, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    before = fingerprint()
    data = with_authors(complete_values(), ("ksv.hung", 100))
    assert client.post("/my/initiatives/new", data=data, csrf=False).status_code == 400
    assert client.post(f"/my/initiatives/{initiative.id}/edit", data=data, csrf=False).status_code == 400
    assert client.post(f"/my/initiatives/{initiative.id}/submit", csrf=False).status_code == 400
    assert client.post(f"/my/initiatives/{initiative.id}/delete", csrf=False).status_code == 400
    assert fingerprint() == before


@pytest.mark.parametrize("status", ["submitted", "in_review", "recognized", "rejected", "withdrawn"])
def test_editing_after_submit_is_refused_409(client, people, make_initiative, complete_values, status):
    initiative = make_initiative([people.author], status=status)
    client.login(people.author)
    before = fingerprint()
    assert client.get(f"/my/initiatives/{initiative.id}/edit").status_code == 409
    response = client.post(f"/my/initiatives/{initiative.id}/edit",
                           data=with_authors(complete_values(title="Đổi sau khi nộp"), ("ksv.hung", 100)))
    assert response.status_code == 409
    assert "không thể sửa" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_council_member_who_may_see_may_not_edit_403(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author], status="submitted")
    before = fingerprint()
    client.login(people.secretary)
    assert client.get(f"/my/initiatives/{initiative.id}").status_code == 200
    response = client.post(f"/my/initiatives/{initiative.id}/edit",
                           data=with_authors(complete_values(), ("thuky", 100)))
    assert response.status_code == 403
    assert fingerprint() == before


def test_returned_initiative_is_editable_and_shows_the_note(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author], status="returned",
                                 return_note="Bổ sung số liệu **năm trước** để so sánh.")
    client.login(people.author)
    for path in ("", "/edit"):
        page = client.get(f"/my/initiatives/{initiative.id}{path}").get_data(as_text=True)
        assert "Yêu cầu bổ sung của Hội đồng" in page
        assert "<strong>năm trước</strong>" in page
    response = client.post(f"/my/initiatives/{initiative.id}/edit",
                           data=with_authors(complete_values(benefits="Có số liệu năm trước."), ("ksv.hung", 100)))
    assert response.status_code == 302
    assert only_initiative().benefits == "Có số liệu năm trước."


def test_a_coauthors_save_in_between_is_not_overwritten(client, app, people, make_initiative, complete_values):
    initiative = make_initiative([(people.author, 50), (people.coauthor, 50)])
    authors = [("ksv.hung", 50), ("ksv.mai", 50)]
    client.login(people.author)
    stamp_page = client.get(f"/my/initiatives/{initiative.id}/edit").get_data(as_text=True)
    stamp = stamp_page.split('name="stamp" type="hidden" value="')[1].split('"')[0]
    other = app.test_client().login(people.coauthor)
    assert other.post(f"/my/initiatives/{initiative.id}/edit",
                      data=with_authors(complete_values(title="Bản của Mai", stamp=stamp), *authors)).status_code == 302
    before = fingerprint()
    response = client.post(f"/my/initiatives/{initiative.id}/edit",
                           data=with_authors(complete_values(title="Bản của Hùng", stamp=stamp), *authors))
    assert response.status_code == 409
    assert "vừa lưu sáng kiến này" in response.get_data(as_text=True)
    assert fingerprint() == before
    assert only_initiative().title == "Bản của Mai"


def test_edit_records_what_changed(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author])
    client.login(people.author)
    client.post(f"/my/initiatives/{initiative.id}/edit",
                data=with_authors(complete_values(title="Tên đã sửa"), ("ksv.hung", 100)))
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "initiative.updated")).scalar_one()
    assert "title" in event.data["fields"]
    assert event.actor_id == people.author.id


def test_removing_a_coauthor_takes_the_draft_from_them(client, people, make_initiative, complete_values):
    initiative = make_initiative([(people.author, 50), (people.coauthor, 50)])
    client.login(people.author)
    response = client.post(f"/my/initiatives/{initiative.id}/edit",
                           data=with_authors(complete_values(), ("ksv.hung", 100)))
    assert response.status_code == 302
    assert client.login(people.coauthor).get(f"/my/initiatives/{initiative.id}").status_code == 404


def test_delete_a_never_submitted_draft(client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    assert client.post(f"/my/initiatives/{initiative.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Initiative.id)).first() is None


def test_a_submitted_initiative_cannot_be_deleted(client, people, make_initiative):
    initiative = make_initiative([people.author], status="submitted")
    before = fingerprint()
    assert client.login(people.author).post(f"/my/initiatives/{initiative.id}/delete").status_code == 409
    assert fingerprint() == before


# -- live preview --------------------------------------------------------------------------------

def test_preview_renders_markdown_through_the_sanitiser(client, people):
    client.login(people.author)
    response = client.post("/my/preview", json={"text": "**Đậm** <script>alert(1)</script> [x](javascript:alert(1))"},
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>Đậm</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_preview_needs_the_csrf_header_and_a_session(client, people):
    assert client.post("/my/preview", json={"text": "x"}).status_code == 400
    response = client.post("/my/preview", json={"text": "x"}, headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 302  # signed out: to the sign-in page
