"""Uploads that keep the work: a refused file comes back beside the file field on the same form,
with everything typed kept; the form shows the completeness checklist, and the "you can no
longer edit" confirmation only once the check has passed."""
import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.initiatives.models import Attachment, Initiative
from tests.initiatives import helpers
from tests.initiatives.helpers import fingerprint, with_authors


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_MB": 1}


def edit_url(initiative):
    return f"/my/initiatives/{initiative.id}/edit"


def upload_with_form(client, initiative, values, data, name):
    """What the form's "Tải lên" button sends: every field of the form, and the file."""
    fields = {"csrf_token": client.csrf_token(), **values, "upload": "1"}
    if data is not None:
        fields["file"] = FileStorage(io.BytesIO(data), name)
    boundary, body = encode_multipart(fields)
    return client.post(f"/my/initiatives/{initiative.id}/attachments", data=body, csrf=False,
                       content_type=f"multipart/form-data; boundary={boundary}",
                       headers={"Referer": "http://localhost" + edit_url(initiative)})


def typed(complete_values, people):
    return with_authors(complete_values(title="Tên mới gõ nhưng chưa lưu", summary="Tóm tắt vừa gõ."),
                        (people.author.username, 100))


def error_beside_file_field(html):
    part = re.search(r'<div class="field\s+has-error">\s*<label for="file">.*?</div>', html, re.S)
    return part.group(0) if part else ""


@pytest.mark.parametrize("data, name, message", [
    (helpers.exe_bytes(), "thuyet-minh.pdf", "không phải là tệp"),
    (b"", "rong.pdf", "rỗng"),
    (helpers.pdf_bytes() + b"0" * (1024 * 1024), "lon.pdf", "vượt quá dung lượng cho phép"),
    (None, "", "Chưa chọn tệp"),
])
def test_a_refused_file_comes_back_beside_the_file_field_with_the_typing_kept(
        client, people, make_initiative, complete_values, data, name, message):
    initiative = make_initiative([people.author])
    client.login(people.author)
    before = fingerprint()
    response = upload_with_form(client, initiative, typed(complete_values, people), data, name)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(edit_url(initiative))
    assert fingerprint() == before
    page = client.get(edit_url(initiative))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert message in error_beside_file_field(html)
    assert 'value="Tên mới gõ nhưng chưa lưu"' in html
    assert "Tóm tắt vừa gõ." in html
    assert "Về trang chủ" not in html


def test_an_accepted_file_saves_what_was_typed_with_it(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author])
    client.login(people.author)
    response = upload_with_form(client, initiative, typed(complete_values, people), helpers.pdf_bytes(), "tm.pdf")
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Initiative, initiative.id)
    assert saved.title == "Tên mới gõ nhưng chưa lưu"
    assert [a.original_name for a in db.session.execute(select(Attachment)).scalars()] == ["tm.pdf"]


def test_a_form_that_does_not_validate_stores_no_file(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author])
    client.login(people.author)
    before = fingerprint()
    values = typed(complete_values, people)
    values["title"] = ""
    response = upload_with_form(client, initiative, values, helpers.pdf_bytes(), "tm.pdf")
    assert response.status_code == 303
    assert fingerprint() == before
    html = client.get(edit_url(initiative)).get_data(as_text=True)
    assert "Vui lòng nhập tên sáng kiến." in html and "Tóm tắt vừa gõ." in html


def test_a_request_over_the_size_limit_goes_back_to_the_form(client, people, make_initiative, complete_values):
    initiative = make_initiative([people.author])
    client.login(people.author)
    response = upload_with_form(client, initiative, typed(complete_values, people),
                                b"%PDF-" + b"0" * (3 * 1024 * 1024), "rat-lon.pdf")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(edit_url(initiative) + "#attachments")
    html = client.get(edit_url(initiative)).get_data(as_text=True)
    assert "Tệp quá lớn: mỗi tệp tối đa 1 MB" in html


# A stranger learns nothing (404); the secretary, who may read it, is refused (403: sent back).
@pytest.mark.parametrize("who, status", [("stranger", 404), ("secretary", 303)])
def test_someone_who_may_not_edit_gets_the_policy_answer(client, people, make_initiative, complete_values,
                                                         who, status):
    initiative = make_initiative([people.author], status="submitted")
    client.login(getattr(people, who))
    before = fingerprint()
    values = typed(complete_values, people)
    values["title"] = ""  # the policy answers before the form is looked at
    response = upload_with_form(client, initiative, values, helpers.pdf_bytes(), "a.pdf")
    assert response.status_code == status
    assert fingerprint() == before


def test_the_form_shows_the_checklist_and_no_submit_while_incomplete(client, people, make_initiative):
    initiative = make_initiative([people.author], summary="", solution="")
    html = client.login(people.author).get(edit_url(initiative)).get_data(as_text=True)
    checklist = re.search(r'<section class="card submit-part".*?</section>', html, re.S).group(0)
    assert "Trước khi nộp, hồ sơ cần bổ sung:" in checklist
    assert "/submit" not in checklist and "data-confirm" not in checklist


def test_the_confirmation_comes_only_once_the_check_has_passed(client, people, make_initiative):
    initiative = make_initiative([people.author])
    html = client.login(people.author).get(edit_url(initiative)).get_data(as_text=True)
    checklist = re.search(r'<section class="card submit-part".*?</section>', html, re.S).group(0)
    assert f'action="/my/initiatives/{initiative.id}/submit"' in checklist
    assert "bạn không sửa được nữa" in checklist  # the confirmation, on the form that submits


def test_a_refused_submit_goes_back_to_the_form_with_the_missing_items(client, people, make_initiative):
    initiative = make_initiative([people.author], summary="")
    client.login(people.author)
    response = client.post(f"/my/initiatives/{initiative.id}/submit",
                           headers={"Referer": "http://localhost" + edit_url(initiative)})
    assert response.status_code == 303 and response.headers["Location"].endswith(edit_url(initiative))
    html = client.get(edit_url(initiative)).get_data(as_text=True)
    assert "Hồ sơ chưa đủ để nộp" in html
