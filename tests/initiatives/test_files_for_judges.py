"""Files for those who judge: every page where an initiative is read or judged lists its files
as links with kind and size; PDFs and images open in the browser; the policy decides who reads."""
import re
import uuid
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from portal.council import operations as council_ops
from portal.extensions import db
from portal.initiatives.models import Attachment, Initiative, InitiativeVersion
from portal.initiatives.workflow import Status
from tests.initiatives import helpers
from tests.initiatives.helpers import YEAR

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def judged(make_user, make_unit, make_initiative):
    """An initiative in review with a PDF, a PNG and a DOCX frozen in version 1, its council,
    an assigned reviewer, an editor and a stranger."""
    office = make_unit("Văn phòng")
    dept = make_unit("Phòng 2")

    class People:
        author = make_user("ksv.hung", unit=dept)
        secretary = make_user("thuky", council="secretary", year=YEAR, unit=office)
        chair = make_user("chutich", council="chair", year=YEAR, unit=office)
        reviewer = make_user("hoidong1", council="member", year=YEAR, unit=office)
        editor = make_user("bientap", roles=("editor",), unit=office)
        stranger = make_user("ksv.tuan", unit=dept)

    initiative = make_initiative([People.author], status="submitted")
    files = [attach(initiative, helpers.pdf_bytes(), "thuyet-minh.pdf", "application/pdf", ".pdf"),
             attach(initiative, helpers.png_bytes(), "so-do.png", "image/png", ".png"),
             attach(initiative, helpers.docx_bytes(), "phu-luc-quy-trinh.docx", DOCX, ".docx")]
    freeze(initiative)
    return People, initiative, files


def attach(initiative, data, name, content_type, extension):
    stored = uuid.uuid4().hex + extension
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    attachment = Attachment(original_name=name, stored_name=stored, content_type=content_type, size=len(data))
    initiative.attachments.append(attachment)
    db.session.commit()
    return attachment


def freeze(initiative):
    """Version 1 lists the files attached so far (as a submission freezes them)."""
    version = initiative.versions[0]
    version.snapshot = {**version.snapshot, "attachments": [a.as_dict() for a in initiative.attachments]}
    db.session.commit()


def in_review(people, initiative):
    council_ops.accept(initiative, people.secretary)
    council_ops.assign(initiative, people.secretary, people.reviewer)
    db.session.commit()


def file_links(html):
    """(name, view href or None, download href) of each file in the page's file list."""
    rows = re.findall(r'<li class="file[^"]*" data-testid="file">(.*?)</li>', html, re.S)
    found = []
    for row in rows:
        name = re.search(r'class="file-name" href="[^"]+"[^>]*data-testid="attachment">([^<]+)</a>', row).group(1)
        view = re.search(r'href="([^"]+)"[^>]*data-testid="file-view"', row)
        download = re.search(r'href="([^"]+)" download data-testid="file-download"', row).group(1)
        found.append((name, view.group(1) if view else None, download))
    return found


def test_screening_lists_the_files_as_links_with_kind_and_size(client, judged):
    people, initiative, files = judged
    response = client.login(people.secretary).get(f"/council/initiatives/{initiative.id}/screening")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    links = file_links(html)
    assert [name for name, _view, _download in links] == ["thuyet-minh.pdf", "so-do.png", "phu-luc-quy-trinh.docx"]
    pdf, png, docx = links
    assert pdf[1] == f"/my/initiatives/{initiative.id}/attachments/{files[0].id}/view"
    assert png[1] is not None and docx[1] is None  # an office document is only downloaded
    assert docx[2] == f"/my/initiatives/{initiative.id}/attachments/{files[2].id}"
    assert "PDF ·" in html and "Word (DOCX) ·" in html and " KB" in html


def test_reviewer_results_editor_and_frozen_version_list_the_files(client, judged):
    people, initiative, files = judged
    in_review(people, initiative)
    sheet = client.login(people.reviewer).get(f"/council/initiatives/{initiative.id}/review")
    assert sheet.status_code == 200 and len(file_links(sheet.get_data(as_text=True))) == 3
    version = client.get(f"/my/initiatives/{initiative.id}/versions/1")
    links = file_links(version.get_data(as_text=True))
    assert [v for _n, v, _d in links][0] == f"/my/initiatives/{initiative.id}/versions/1/attachments/0/view"
    results = client.login(people.secretary).get(f"/council/initiatives/{initiative.id}/results")
    assert results.status_code == 200 and len(file_links(results.get_data(as_text=True))) == 3
    initiative.status = Status.recognized
    db.session.commit()
    publish = client.login(people.editor).get(f"/editor/{initiative.id}/publish")
    assert publish.status_code == 200 and len(file_links(publish.get_data(as_text=True))) == 3


@pytest.mark.parametrize("index, content_type", [(0, "application/pdf"), (1, "image/png")])
def test_pdf_and_images_open_inline_with_the_csp_and_nosniff(client, judged, index, content_type):
    people, initiative, files = judged
    response = client.login(people.secretary).get(
        f"/my/initiatives/{initiative.id}/attachments/{files[index].id}/view")
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"] == f'inline; filename="{files[index].original_name}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    download = client.get(f"/my/initiatives/{initiative.id}/attachments/{files[index].id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()


def test_an_office_document_is_never_inline(client, judged):
    people, initiative, files = judged
    response = client.login(people.secretary).get(
        f"/my/initiatives/{initiative.id}/attachments/{files[2].id}/view")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == DOCX
    response.close()


def test_an_inline_file_is_served_as_what_its_bytes_are_not_what_was_recorded(client, judged):
    people, initiative, files = judged
    files[0].content_type = "text/html"  # a row that says otherwise cannot make the browser run a page
    db.session.commit()
    response = client.login(people.secretary).get(
        f"/my/initiatives/{initiative.id}/attachments/{files[0].id}/view")
    assert response.mimetype == "application/pdf"
    response.close()


def test_frozen_version_file_opens_inline(client, judged):
    people, initiative, _files = judged
    response = client.login(people.secretary).get(f"/my/initiatives/{initiative.id}/versions/1/attachments/0/view")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("inline;")
    response.close()


@pytest.mark.parametrize("who", ["stranger", "editor"])
def test_those_who_may_not_judge_get_404_for_every_file_url(client, judged, who):
    people, initiative, files = judged
    client.login(getattr(people, who))
    for url in (f"/my/initiatives/{initiative.id}/attachments/{files[0].id}",
                f"/my/initiatives/{initiative.id}/attachments/{files[0].id}/view",
                f"/my/initiatives/{initiative.id}/versions/1/attachments/0",
                f"/my/initiatives/{initiative.id}/versions/1/attachments/0/view"):
        response = client.get(url)
        assert response.status_code == 404, url
        response.close()


def test_signed_out_reader_is_sent_to_sign_in(client, judged):
    _people, initiative, files = judged
    response = client.get(f"/my/initiatives/{initiative.id}/attachments/{files[0].id}/view")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_file_of_another_initiative_is_404(client, judged, make_initiative):
    people, initiative, files = judged
    other = make_initiative([people.author], status="submitted")
    response = client.login(people.secretary).get(f"/my/initiatives/{other.id}/attachments/{files[0].id}/view")
    assert response.status_code == 404


def test_files_uploaded_after_the_frozen_version_are_marked(client, judged):
    people, initiative, files = judged
    initiative.status = Status.returned
    db.session.commit()
    attach(initiative, helpers.pdf_bytes("bổ sung"), "bo-sung.pdf", "application/pdf", ".pdf")
    initiative.attachments.remove(files[2])  # removed since: still read from the frozen version
    db.session.commit()
    initiative.status = Status.submitted
    db.session.commit()
    html = client.login(people.secretary).get(f"/council/initiatives/{initiative.id}/screening").get_data(as_text=True)
    assert [name for name, _v, _d in file_links(html)] == [
        "thuyet-minh.pdf", "so-do.png", "bo-sung.pdf", "phu-luc-quy-trinh.docx"]
    assert html.count("Nộp sau phiên bản 1") == 1
    late = re.search(r'<li class="file file-late"[^>]*>.*?</li>', html, re.S).group(0)
    assert "bo-sung.pdf" in late
    removed = re.search(r'<li class="file file-removed"[^>]*>.*?</li>', html, re.S).group(0)
    assert "/versions/1/attachments/2" in removed


def test_screening_queries_do_not_grow_with_the_files(client, judged, count_queries):
    people, initiative, _files = judged
    client.login(people.secretary)
    url = f"/council/initiatives/{initiative.id}/screening"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(6):
        attach(initiative, helpers.pdf_bytes(str(n)), f"them-{n}.pdf", "application/pdf", ".pdf")
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert len(file_links(html)) == 9
    assert many.count == few.count


def test_an_attachment_row_without_a_version_snapshot_still_lists(client, judged):
    people, initiative, _files = judged
    version = db.session.execute(select(InitiativeVersion).where(
        InitiativeVersion.initiative_id == initiative.id)).scalar_one()
    version.snapshot = {"title": "x"}
    db.session.commit()
    html = client.login(people.secretary).get(f"/council/initiatives/{initiative.id}/screening").get_data(as_text=True)
    assert html.count("Nộp sau phiên bản 1") == 3
    assert db.session.get(Initiative, initiative.id) is not None


def test_behind_the_proxy_the_inline_answer_names_the_file_for_nginx(app, client, judged):
    people, initiative, files = judged
    app.config["X_ACCEL_REDIRECT"] = True
    client.login(people.secretary)
    view = client.get(f"/my/initiatives/{initiative.id}/attachments/{files[0].id}/view")
    assert view.headers["X-Accel-Redirect"].endswith(files[0].stored_name)
    assert view.headers["Content-Disposition"] == 'inline; filename="thuyet-minh.pdf"'
    assert view.mimetype == "application/pdf" and view.data == b""
    office = client.get(f"/my/initiatives/{initiative.id}/attachments/{files[2].id}/view")
    assert office.headers["Content-Disposition"].startswith("attachment;")


def test_an_inline_vietnamese_name_has_an_ascii_fallback():
    from portal.core.files import content_disposition

    assert content_disposition("Phụ lục số liệu.pdf", "inline") == (
        "inline; filename=\"Phu luc so lieu.pdf\"; filename*=UTF-8''Ph%E1%BB%A5%20l%E1%BB%A5c%20s%E1%BB%91%20li%E1%BB%87u.pdf")
