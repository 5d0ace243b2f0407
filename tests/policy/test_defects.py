"""One test for each defect of issue 10, through the channel where it was found (pages, exports,
documents, the audit log, the API), with the fixtures and operations the portal has had all along."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.notifications import Notification
from portal.core.timeutil import today as portal_today
from portal.council import operations as council
from portal.council import services as council_services
from portal.extensions import db
from portal.initiatives.models import Initiative

YEAR = portal_today().year
SHEET = {"novelty": 7, "applicability": 11, "effectiveness": 13}   # total 31
SECRET = "Ý-KIẾN-RIÊNG-CỦA-THÀNH-VIÊN-HAI"


@pytest.fixture
def people(make_user, make_unit):
    office, dept = make_unit("Văn phòng"), make_unit("Phòng 7")
    p = {
        "chair": make_user("chutich", council="chair", year=YEAR, unit=office, full_name="Nguyễn Văn Thành"),
        "vice": make_user("phochutich", council="vice_chair", year=YEAR, unit=office, full_name="Lê Thị Hồng Vân"),
        "secretary": make_user("thuky", council="secretary", year=YEAR, unit=office, full_name="Trần Minh Khoa"),
        "m1": make_user("hoidong1", council="member", year=YEAR, unit=office, full_name="Phạm Quốc Bảo"),
        "m2": make_user("hoidong2", council="member", year=YEAR, unit=office, full_name="Võ Thị Thu Hà"),
        "m3": make_user("hoidong3", council="member", year=YEAR, unit=office, full_name="Đặng Công Lý"),
        "chair_2023": make_user("chutich2023", council="chair", year=2023, unit=office, full_name="Chủ Tịch Cũ"),
        "member_old": make_user("hoidong.cu", council="member", year=YEAR - 1, unit=office, full_name="Thành Viên Cũ"),
        "author": make_user("ksv.hung", unit=dept, full_name="Lê Văn Hùng"),
        "coauthor": make_user("ksv.mai", unit=dept, full_name="Nguyễn Thị Mai"),
        "other": make_user("ksv.tuan", unit=dept, full_name="Phan Anh Tuấn"),
        "admin": make_user("quantri", roles=("admin",), unit=office, full_name="Quản Trị Viên"),
        "admin_author": make_user("quantri2", roles=("admin",), unit=dept, full_name="Quản Trị Tác Giả"),
        "officer": make_user("thidua", roles=("emulation_officer",), unit=office, full_name="Ngô Thị Liên"),
        "editor": make_user("bientap", roles=("editor",), unit=office, full_name="Trương Đức Anh"),
    }
    return p


def _in_review(make_initiative, people, authors, title="Sổ theo dõi thời hạn tạm giam điện tử"):
    initiative = make_initiative(authors, status="submitted", title=title)
    council.accept(initiative, people["secretary"])
    db.session.commit()
    return initiative


@pytest.fixture
def scored(app, make_initiative, people):
    """In review: m2 has submitted 7/11/13 with a comment; the vice-chair is assigned, sheet in draft;
    the chair is assigned too, sheet in draft. An admin is a co-author."""
    with app.test_request_context("/"):
        initiative = _in_review(make_initiative, people, [(people["author"], 80), (people["admin_author"], 20)])
        for key in ("m2", "vice", "chair"):
            council.assign(initiative, people["secretary"], people[key])
        council.submit_review(initiative, people["m2"], scores=SHEET, recommendation="pass",
                              comments={"novelty": SECRET}, overall_comment=SECRET)
        council.save_review(initiative, people["vice"], scores={"novelty": 20})
        council.save_review(initiative, people["chair"], scores={"novelty": 21})
        db.session.commit()
    return initiative


def _page(client, user, url):
    client.logout().login(user)
    response = client.get(url)
    textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
    return response, response.get_data(as_text=True) if textual else ""


# -- the audit log -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv"])
@pytest.mark.parametrize("reader", ["admin", "admin_author", "chair_2023", "chair"])
def test_the_audit_log_shows_no_score_and_no_reviewer_to_who_may_not_see_them(client, people, scored, url, reader):
    """An admin, an admin who co-authored, a chair of another year and the chair who is an assigned
    reviewer with a draft sheet: none learns who scored what."""
    response, text = _page(client, people[reader], url + "?action=council.review_submitted")
    if response.status_code != 200:
        assert response.status_code == 403
        return
    assert SECRET not in text
    assert "Võ Thị Thu Hà" not in text and "hoidong2" not in text
    assert '"scores"' not in text and '""scores""' not in text


def test_the_secretary_reads_the_review_events_in_full(client, people, scored):
    _response, text = _page(client, people["secretary"], "/admin/audit.csv?action=council.review_submitted")
    assert "Võ Thị Thu Hà" in text and "31" in text


def test_others_see_that_a_sheet_was_submitted_not_what_it_held(client, people, scored):
    _response, text = _page(client, people["admin"], "/admin/audit?action=council.review_submitted")
    assert "Một phiếu chấm đã được nộp" in text


# -- the queue, the year's spreadsheet and the minutes ------------------------------------------

def _row(text, title):
    """The part of a page about one initiative: from its title to the next table row."""
    start = text.index(title)
    return text[start:text.find("</tr>", start)]


@pytest.mark.parametrize("reader", ["vice", "chair"])
def test_the_queue_shows_no_running_score_to_a_reviewer_whose_sheet_is_a_draft(client, people, scored, reader):
    response, text = _page(client, people[reader], f"/council/queue?year={YEAR}")
    assert response.status_code == 200
    row = _row(text, scored.title)
    assert ">31<" not in row and "31" not in row.split("phiếu đã nộp")[-1]
    assert "Công nhận" not in row


def test_the_queue_shows_the_running_scores_to_the_secretary(client, people, scored):
    _response, text = _page(client, people["secretary"], f"/council/queue?year={YEAR}")
    assert "31" in _row(text, scored.title)


def _xlsx_row(response, title):
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[2] == title:
            return dict(zip(headers, row, strict=False))
    return None


@pytest.mark.parametrize("reader", ["vice", "officer", "admin"])
def test_the_year_spreadsheet_shows_no_running_score_to_who_may_not_see_it(client, people, scored, reader):
    response, _text = _page(client, people[reader], f"/council/{YEAR}/initiatives.xlsx")
    if response.status_code != 200:
        assert response.status_code in (403, 404)
        return
    row = _xlsx_row(response, scored.title)
    if row is None:
        return  # not a row it may read at all
    assert row["Điểm TB"] in (None, "") and row["Số phiếu"] in (None, "", 0)
    assert all(v in (None, "") for k, v in row.items() if k and k.startswith("Tính mới"))


def _docx_text(response):
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for t in document.tables for r in t.rows for cell in r.cells]
    return "\n".join(parts)


def test_the_minutes_show_no_running_score_to_a_reviewer_whose_sheet_is_a_draft(client, people, scored):
    response, _text = _page(client, people["vice"], f"/council/{YEAR}/minutes.docx")
    assert response.status_code == 200
    text = _docx_text(response)
    assert scored.title in text
    assert "\n31\n" not in f"\n{text}\n" and "\n7\n" not in f"\n{text}\n"


def test_a_scoring_sheet_names_its_reviewer_only_to_who_may_see_who_scored(client, people, scored):
    with client.application.test_request_context("/"):
        council.assign(scored, people["secretary"], people["m3"])
        council.submit_review(scored, people["m3"], scores=SHEET, recommendation="fail")
        db.session.commit()
    review = council_services.active_assignment(scored, people["m2"]).review
    response, _text = _page(client, people["m3"], f"/council/reviews/{review.id}/sheet.docx")
    assert response.status_code == 200
    text = _docx_text(response)
    assert "Võ Thị Thu Hà" not in text and "Thành viên 1" in text
    response, _text = _page(client, people["secretary"], f"/council/reviews/{review.id}/sheet.docx")
    assert "Võ Thị Thu Hà" in _docx_text(response)


# -- batch decisions --------------------------------------------------------------------------

@pytest.mark.parametrize("chair", ["chair", "chair_2023"])
def test_a_batch_decision_tells_nothing_of_what_the_chair_may_not_see(client, people, make_initiative, chair):
    draft = make_initiative([people["other"]], title="Bản nháp riêng của người khác")
    body = {"year": str(YEAR), "ids": str(draft.id), "decision_no": "9/QĐ", "decision_date": f"{YEAR}-02-01"}
    client.login(people[chair])
    hidden = client.post("/council/batch-decision", data=body)
    missing = client.post("/council/batch-decision", data={**body, "ids": "999999"})
    assert hidden.status_code == missing.status_code == 404
    assert draft.title not in hidden.get_data(as_text=True)
    assert hidden.get_data(as_text=True).count("404") == missing.get_data(as_text=True).count("404")


# -- council membership --------------------------------------------------------------------------

def test_removing_a_member_withdraws_their_open_assignments(client, people, make_initiative):
    initiative = _in_review(make_initiative, people, [people["author"]])
    with client.application.test_request_context("/"):
        council.assign(initiative, people["secretary"], people["m1"])
        db.session.commit()
    from portal.council.models import CouncilMember

    member = db.session.execute(select(CouncilMember).where(CouncilMember.user_id == people["m1"].id)).scalar_one()
    client.login(people["admin"])
    assert client.post(f"/admin/councils/{YEAR}/members/{member.id}/remove").status_code == 302
    db.session.expire_all()
    assert council_services.active_assignment(initiative, people["m1"]) is None
    client.logout().login(people["m1"])
    response = client.post(f"/council/initiatives/{initiative.id}/review",
                           data={"score_novelty": "30", "score_applicability": "30", "score_effectiveness": "40",
                                 "recommendation": "pass", "submit_review": "1"})
    assert response.status_code in (403, 404)
    from portal.council.models import Review

    assert db.session.execute(select(Review).where(Review.reviewer_id == people["m1"].id)).first() is None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "admin.council_member_removed")
                               ).scalar_one()
    assert event.data["withdrawn_assignments"]
    told = {n.user_id for n in db.session.execute(select(Notification)).scalars()
            if "Phạm Quốc Bảo" in n.subject or "không còn là thành viên" in n.subject}
    assert {people["m1"].id, people["secretary"].id} <= told


def test_a_sheet_counts_only_from_a_current_member(people, make_initiative, app):
    from portal.core.refusal import Refusal
    from portal.council.models import CouncilMember

    initiative = _in_review(make_initiative, people, [people["author"]])
    council.assign(initiative, people["secretary"], people["m1"])
    db.session.commit()
    member = db.session.execute(select(CouncilMember).where(CouncilMember.user_id == people["m1"].id)).scalar_one()
    db.session.delete(member)  # taken off the council by hand, as an old deployment's data might be
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        council.submit_review(initiative, people["m1"], scores={"novelty": 1, "applicability": 1, "effectiveness": 1},
                              recommendation="pass")
    assert refused.value.status == 403


# -- co-authors ----------------------------------------------------------------------------------

def _api(client, api_headers, user, method, url, **kwargs):
    return client.open(f"/api/v1{url}", method=method, headers=api_headers(user), **kwargs)


def _complete(make_field):
    return {"title": "Quy trình số hóa hồ sơ", "field": make_field().code, "summary": "Tóm tắt.",
            "content": "Nội dung giải pháp.", "current_state": "Thực trạng.", "conditions": "Điều kiện.",
            "benefits": "Hiệu quả.", "first_applied_on": f"{YEAR}-01-05"}


def test_a_coauthor_is_invited_and_the_initiative_waits_for_their_consent(client, people, api_headers, make_field):
    created = _api(client, api_headers, people["author"], "POST", "/initiatives", json={
        **_complete(make_field), "authors": [{"username": "ksv.hung", "share": 60}, {"username": "ksv.mai", "share": 40}]})
    assert created.status_code == 201
    initiative_id = created.get_json()["id"]
    invitations = _api(client, api_headers, people["coauthor"], "GET", "/initiatives?invited=1").get_json()["items"]
    assert [i["id"] for i in invitations] == [initiative_id]
    assert any("đồng tác giả" in n.subject for n in db.session.execute(
        select(Notification).where(Notification.user_id == people["coauthor"].id)).scalars())
    refused = _api(client, api_headers, people["author"], "POST", f"/initiatives/{initiative_id}/submit")
    assert refused.status_code == 409
    assert "Nguyễn Thị Mai" in refused.get_json()["error"]["message"]
    assert refused.get_json()["error"]["fields"] == {"authors": ["Nguyễn Thị Mai"]}
    answered = _api(client, api_headers, people["coauthor"], "POST", f"/initiatives/{initiative_id}/coauthorship",
                    json={"accept": True})
    assert answered.status_code == 200
    assert _api(client, api_headers, people["author"], "POST", f"/initiatives/{initiative_id}/submit").status_code == 200


def test_a_declined_invitation_removes_the_coauthor_and_tells_the_creator(client, people, api_headers, make_field):
    created = _api(client, api_headers, people["author"], "POST", "/initiatives", json={
        **_complete(make_field), "authors": [{"username": "ksv.hung", "share": 60}, {"username": "ksv.mai", "share": 40}]})
    initiative_id = created.get_json()["id"]
    declined = _api(client, api_headers, people["coauthor"], "POST", f"/initiatives/{initiative_id}/coauthorship",
                    json={"accept": False})
    assert declined.status_code == 200 and declined.get_json()["accepted"] is False
    initiative = db.session.get(Initiative, initiative_id)
    db.session.refresh(initiative)
    assert [a.user_id for a in initiative.authors] == [people["author"].id]
    assert any("từ chối" in n.subject for n in db.session.execute(
        select(Notification).where(Notification.user_id == people["author"].id)).scalars())
    assert _api(client, api_headers, people["coauthor"], "GET", f"/initiatives/{initiative_id}").status_code == 404


def test_a_coauthor_can_neither_remove_the_creator_nor_delete_the_draft(client, people, make_initiative,
                                                                         api_headers):
    draft = make_initiative([(people["author"], 60), (people["coauthor"], 40)], title="Nháp chung")
    removed = _api(client, api_headers, people["coauthor"], "PATCH", f"/initiatives/{draft.id}",
                   json={"authors": [{"username": "ksv.mai", "share": 100}]})
    assert removed.status_code == 403
    client.login(people["coauthor"])
    assert client.post(f"/my/initiatives/{draft.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Initiative, draft.id) is not None
    assert [a.user_id for a in db.session.get(Initiative, draft.id).authors] == [people["author"].id,
                                                                               people["coauthor"].id]


def test_every_change_of_the_author_list_is_told_to_everyone_on_it_and_kept(client, people, make_initiative,
                                                                            api_headers):
    draft = make_initiative([(people["author"], 60), (people["coauthor"], 40)], title="Nháp chung")
    changed = _api(client, api_headers, people["author"], "PATCH", f"/initiatives/{draft.id}",
                   json={"authors": [{"username": "ksv.hung", "share": 100}]})
    assert changed.status_code == 200
    assert any("tác giả" in n.subject for n in db.session.execute(
        select(Notification).where(Notification.user_id == people["coauthor"].id)).scalars())
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "initiative.authors_changed",
                                                       AuditEvent.initiative_id == draft.id)).first()
    client.login(people["author"])
    assert "Thay đổi danh sách tác giả" in client.get(f"/my/initiatives/{draft.id}").get_data(as_text=True)


def test_a_secretary_named_as_coauthor_hands_the_screening_to_the_chair(client, people, make_initiative):
    submitted = make_initiative([(people["author"], 99), (people["secretary"], 1)], status="submitted",
                                title="Sáng kiến có Thư ký là đồng tác giả")
    client.login(people["secretary"])
    assert client.post(f"/council/initiatives/{submitted.id}/accept").status_code == 403
    client.logout().login(people["chair"])
    page = client.get(f"/my/initiatives/{submitted.id}").get_data(as_text=True)
    assert "làm thay" in page and "Nguyễn Văn Thành" in page
    assert client.post(f"/council/initiatives/{submitted.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.get(Initiative, submitted.id).status.value == "in_review"


def test_a_chair_named_as_coauthor_hands_the_decision_to_the_vice_chair(client, app, people, make_initiative):
    initiative = _in_review(make_initiative, people, [(people["author"], 99), (people["chair"], 1)])
    with app.test_request_context("/"):
        for key in ("m1", "m2", "m3"):
            council.assign(initiative, people["secretary"], people[key])
            council.submit_review(initiative, people[key], scores={"novelty": 25, "applicability": 25,
                                                                   "effectiveness": 30}, recommendation="pass")
        db.session.commit()
    body = {"outcome": "recognized", "decision_no": "12/QĐ-VKS", "decision_date": portal_today().isoformat()}
    client.login(people["chair"])
    assert client.post(f"/council/initiatives/{initiative.id}/decision", data=body).status_code == 403
    client.logout().login(people["vice"])
    assert client.post(f"/council/initiatives/{initiative.id}/decision", data=body).status_code == 200  # confirm
    assert client.post(f"/council/initiatives/{initiative.id}/decision",
                       data={**body, "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Initiative, initiative.id).status.value == "recognized"


# -- who reads what ------------------------------------------------------------------------------

@pytest.mark.parametrize("status, readers, strangers", [
    ("submitted", ["author", "m1", "secretary"], ["chair_2023", "member_old", "editor", "officer", "admin"]),
    ("in_review", ["author", "chair"], ["chair_2023", "editor", "officer", "admin"]),
    ("withdrawn", ["author", "secretary"], ["editor", "officer", "chair_2023", "admin"]),
    ("rejected", ["author", "officer", "m2"], ["editor", "chair_2023", "admin"]),
    ("recognized", ["author", "officer", "editor", "m3"], ["chair_2023", "admin", "member_old"]),
])
def test_reading_is_by_year_and_by_role(client, people, make_initiative, status, readers, strangers):
    initiative = make_initiative([people["author"]], status=status, title=f"Sáng kiến {status}")
    for key in readers:
        client.logout().login(people[key])
        assert client.get(f"/my/initiatives/{initiative.id}").status_code == 200, key
    for key in strangers:
        client.logout().login(people[key])
        for url in (f"/my/initiatives/{initiative.id}", f"/council/initiatives/{initiative.id}/application.docx"):
            assert client.get(url).status_code == 404, (key, url)
