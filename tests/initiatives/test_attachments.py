"""Attachments: kinds judged from the bytes, size limits, safe storage and download."""
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.initiatives.models import Attachment
from tests.initiatives import helpers
from tests.initiatives.helpers import fingerprint


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_MB": 1}


def upload(client, initiative, data, name):
    # The body is built here, in memory: the test client would spool a large one to a
    # temporary file that it never closes.
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(),
                                       "file": FileStorage(io.BytesIO(data), name)})
    return client.post(f"/my/initiatives/{initiative.id}/attachments", data=body, csrf=False,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_files(app):
    return sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).iterdir())


@pytest.mark.parametrize("maker, name, content_type", [
    (helpers.pdf_bytes, "thuyet-minh.pdf", "application/pdf"),
    (helpers.docx_bytes, "bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (helpers.xlsx_bytes, "so-lieu.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (helpers.odt_bytes, "van-ban.odt", "application/vnd.oasis.opendocument.text"),
    (helpers.png_bytes, "so-do.png", "image/png"),
    (helpers.jpeg_bytes, "anh.jpg", "image/jpeg"),
    (helpers.pdf_bytes, "khong-co-duoi", "application/pdf"),  # the name does not decide the kind
])
def test_allowed_kinds_are_stored_under_generated_names(app, client, people, make_initiative,
                                                        maker, name, content_type):
    initiative = make_initiative([people.author])
    data = maker()
    response = upload(client.login(people.author), initiative, data, name)
    assert response.status_code == 302
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert attachment.content_type == content_type
    # The name keeps the person's words with the extension of what the file is.
    assert attachment.original_name == (name if "." in name else name + ".pdf") and attachment.size == len(data)
    assert name not in attachment.stored_name
    assert stored_files(app) == [attachment.stored_name]
    assert (Path(app.config["UPLOAD_FOLDER"]) / attachment.stored_name).read_bytes() == data


@pytest.mark.parametrize("data, name", [
    (helpers.exe_bytes(), "thuyet-minh.pdf"),
    (helpers.exe_bytes(), "bao-cao.docx"),
    (b"<html><script>alert(1)</script></html>", "trang.png"),
    (helpers.zip_bytes({"a.txt": "x"}), "bao-cao.docx"),  # a zip, but not a Word document
    (helpers.zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/slide1.xml": "x"}), "trinh-chieu.docx"),
    (helpers.zip_bytes({"content.xml": "x"}, stored_first=("mimetype", "application/x-evil")), "x.odt"),
    (b"", "rong.pdf"),
])
def test_other_content_is_refused_whatever_the_name(app, client, people, make_initiative, data, name):
    initiative = make_initiative([people.author])
    before = fingerprint()
    response = upload(client.login(people.author), initiative, data, name)
    assert response.status_code == 422
    assert name in response.get_data(as_text=True)
    assert fingerprint() == before
    assert stored_files(app) == []


def test_file_over_the_limit_is_refused_413(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    before = fingerprint()
    # Over MAX_UPLOAD_MB but under MAX_CONTENT_LENGTH: the per-file check answers.
    data = helpers.pdf_bytes() + b"0" * (1024 * 1024)
    response = upload(client.login(people.author), initiative, data, "lon.pdf")
    assert response.status_code == 413
    assert "vượt quá dung lượng cho phép (1 MB)" in response.get_data(as_text=True)
    assert fingerprint() == before
    assert stored_files(app) == []


def test_request_over_the_content_length_goes_back_to_the_form(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    before = fingerprint()
    response = upload(client.login(people.author), initiative, b"%PDF-" + b"0" * (3 * 1024 * 1024), "rat-lon.pdf")
    # Refused before any of it is read; no dead-end page: back to the form, with the message.
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/my/initiatives/{initiative.id}/edit#attachments")
    assert "Tệp quá lớn" in client.get(f"/my/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert fingerprint() == before
    assert stored_files(app) == []


def test_download_is_an_attachment_with_a_vietnamese_name(client, people, make_initiative):
    initiative = make_initiative([people.author], status="draft")
    client.login(people.author)
    upload(client, initiative, helpers.pdf_bytes(), "Thuyết minh sáng kiến (bản cuối).pdf")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    response = client.get(f"/my/initiatives/{initiative.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Thuy%E1%BA%BFt%20minh%20s%C3%A1ng%20ki%E1%BA%BFn%20%28b%E1%BA%A3n%20cu%E1%BB%91i%29.pdf" \
        in disposition
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == helpers.pdf_bytes()
    response.close()


def test_only_those_who_may_see_download(client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    upload(client, initiative, helpers.pdf_bytes(), "a.pdf")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    url = f"/my/initiatives/{initiative.id}/attachments/{attachment.id}"
    assert client.login(people.stranger).get(url).status_code == 404
    assert client.login(people.secretary).get(url).status_code == 404  # still a draft
    assert client.logout().get(url).status_code == 302
    other = make_initiative([people.stranger], title="Của người khác")
    assert client.login(people.stranger).get(f"/my/initiatives/{other.id}/attachments/{attachment.id}").status_code == 404


def test_deleting_a_drafts_attachment_removes_the_file(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    upload(client, initiative, helpers.png_bytes(), "so-do.png")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert len(stored_files(app)) == 1
    response = client.post(f"/my/initiatives/{initiative.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Attachment)).first() is None
    assert stored_files(app) == []


def test_a_file_in_a_submitted_version_is_kept_for_the_reviewers(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    upload(client, initiative, helpers.pdf_bytes(), "ban-dau.pdf")
    client.post(f"/my/initiatives/{initiative.id}/submit")
    from portal.initiatives import operations

    db.session.expire_all()
    operations.transition(initiative, "return", people.secretary)
    db.session.commit()
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert client.post(f"/my/initiatives/{initiative.id}/attachments/{attachment.id}/delete").status_code == 302
    assert len(stored_files(app)) == 1
    response = client.get(f"/my/initiatives/{initiative.id}/versions/1/attachments/0")
    assert response.status_code == 200 and response.data == helpers.pdf_bytes()
    response.close()


def test_attachments_cannot_change_after_submit(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    upload(client, initiative, helpers.pdf_bytes(), "a.pdf")
    client.post(f"/my/initiatives/{initiative.id}/submit")
    attachment = db.session.execute(select(Attachment)).scalar_one()
    before = fingerprint()
    assert upload(client, initiative, helpers.pdf_bytes(), "b.pdf").status_code == 409
    assert client.post(f"/my/initiatives/{initiative.id}/attachments/{attachment.id}/delete").status_code == 409
    assert fingerprint() == before
    assert len(stored_files(app)) == 1


def test_upload_without_csrf_token_is_refused(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author)
    response = client.post(f"/my/initiatives/{initiative.id}/attachments", csrf=False,
                           data={"file": (io.BytesIO(helpers.pdf_bytes()), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored_files(app) == []


def test_a_failed_transaction_leaves_no_file(app, people, make_initiative):
    """The file is written before the row; if the transaction then fails, the file goes too."""
    from portal.initiatives import operations

    initiative = make_initiative([people.author])
    with app.test_request_context():
        initiative = db.session.merge(initiative)
        author = db.session.merge(people.author)
        operations.add_attachment(initiative, author, io.BytesIO(helpers.pdf_bytes()), "a.pdf")
        assert len(stored_files(app)) == 1
        db.session.rollback()
    assert stored_files(app) == []
    assert db.session.execute(select(Attachment)).first() is None


def test_the_file_stays_when_the_delete_does_not_commit(app, client, people, make_initiative):
    from portal.initiatives import operations

    initiative = make_initiative([people.author])
    upload(client.login(people.author), initiative, helpers.pdf_bytes(), "a.pdf")
    db.session.expire_all()
    attachment = db.session.execute(select(Attachment)).scalar_one()
    operations.remove_attachment(attachment.initiative, attachment, people.author)
    db.session.rollback()
    assert len(stored_files(app)) == 1


def test_a_refused_file_is_explained_in_the_readers_language(app, client, people, make_initiative):
    initiative = make_initiative([people.author])
    people.author.locale = "en"  # the author chose English on the account page
    db.session.commit()
    client.login(people.author)
    response = upload(client, initiative, b"", "trong.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file “trong.pdf” is empty." in page and "rỗng" not in page
