"""Issue 13: the minutes print the meeting the secretary recorded (time, place, chair, secretary,
members present and absent, the vote on each initiative), only complete appraisals carry a
proposal; a certificate keeps the number it was first issued with; the documents read the
organisation's settings."""
import io
from datetime import date, datetime, timedelta

import pytest
from docx import Document

from portal.core.audit import AuditEvent
from portal.core.timeutil import today
from portal.council import operations
from portal.council.meeting_models import CouncilMeeting, IssuedCertificate
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, YEAR


def docx_text(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts), document


def events(action):
    return db.session.query(AuditEvent).filter(AuditEvent.action == action).all()


@pytest.fixture
def recognized(council, submitted, appraise):
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])
    operations.decide(submitted, council["chair"], "recognized", decision_no="45/QĐ-VKS", decision_date=today())
    db.session.commit()
    return submitted


@pytest.fixture
def partly(council, make_initiative, appraise):
    """In appraisal with 1 of 3 sheets in: no proposal yet."""
    initiative = make_initiative([(council["coauthor"], 100)], status="submitted", title="Sổ theo dõi án treo")
    appraise(initiative, [("m1", GOOD, "pass")])
    appraise(initiative, [("m2", GOOD, "pass"), ("m3", GOOD, "pass")], submit=False)
    return initiative


def meeting_data(council, initiative, **extra):
    present = [council[k].id for k in ("chair", "vice", "secretary", "m1", "m2", "m3")]  # m4 absent
    data = {"starts_at": f"{YEAR}-03-05T08:30", "place": "Phòng họp tầng 3, trụ sở VKSND thành phố",
            "chair_id": council["chair"].id, "secretary_id": council["secretary"].id, "present": present,
            "votes-0-initiative_id": initiative.id, "votes-0-votes_for": 5, "votes-0-votes_against": 0,
            "votes-0-votes_abstain": 1}
    data.update(extra)
    return data


def test_the_overview_links_the_meetings_page(client, council):
    client.login(council["secretary"])
    html = client.get(f"/council/?year={YEAR}").get_data(as_text=True)
    assert f"/council/{YEAR}/meetings" in html
    page = client.get(f"/council/{YEAR}/meetings/new")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)


def test_the_secretary_records_a_meeting_and_the_minutes_print_it(client, council, recognized, partly):
    client.login(council["secretary"])
    response = client.post(f"/council/{YEAR}/meetings/new", data=meeting_data(council, recognized))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = db.session.query(CouncilMeeting).one()
    assert meeting.starts_at == datetime(YEAR, 3, 5, 8, 30) and council["m4"].id not in meeting.present_ids
    (event,) = events("council.meeting_recorded")
    assert event.actor_id == council["secretary"].id and event.data["absent"] == [council["m4"].id]
    assert client.get(f"/council/{YEAR}/meetings").status_code == 200
    text, document = docx_text(client.get(f"/council/{YEAR}/minutes.docx"))
    assert f"Thời gian: 08 giờ 30 phút, ngày 05 tháng 3 năm {YEAR}" in text
    assert "Địa điểm: Phòng họp tầng 3, trụ sở VKSND thành phố" in text
    assert "Chủ trì: Nguyễn Văn Thành" in text and "Thư ký: Trần Minh Khoa" in text
    assert "Thành viên có mặt: 6/7" in text and "Thành viên vắng mặt: 1" in text
    absent_at = text.index("Thành viên vắng mặt")
    assert text.index("Huỳnh Ngọc Ánh") > absent_at  # m4 is listed among the absent
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    headers = [c.text for c in table.rows[0].cells]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    vote = headers.index("Biểu quyết (đồng ý/ không đồng ý/ không biểu quyết)")
    proposal = headers.index("Đề xuất")
    assert rows[recognized.title][vote] == "5/0/1" and rows[recognized.title][proposal] == "Công nhận"
    assert rows[partly.title][vote] == "–" and rows[partly.title][proposal] == "Chưa đủ phiếu"


def test_each_meeting_is_numbered_and_its_minutes_print_the_number(client, council, recognized):
    client.login(council["secretary"])
    client.post(f"/council/{YEAR}/meetings/new", data=meeting_data(council, recognized))
    client.post(f"/council/{YEAR}/meetings/new",
                data=meeting_data(council, recognized, starts_at=f"{YEAR}-03-12T14:00"))
    first, second = db.session.query(CouncilMeeting).order_by(CouncilMeeting.id).all()
    assert (first.number, second.number) == ("1/BB-HĐSK", "2/BB-HĐSK")
    assert [e.data["number"] for e in sorted(events("council.meeting_recorded"), key=lambda e: e.id)] == \
        ["1/BB-HĐSK", "2/BB-HĐSK"]
    for meeting in (first, second):
        text, _ = docx_text(client.get(f"/council/{YEAR}/minutes.docx?meeting={meeting.id}"))
        assert f"Số: {meeting.number}" in text
    listing = client.get(f"/council/{YEAR}/meetings").get_data(as_text=True)
    assert "<td>1/BB-HĐSK</td>" in listing and "<td>2/BB-HĐSK</td>" in listing
    # a later change of the suffix, or of the meeting, keeps the number it was recorded with
    client.login(council["admin"]).post("/admin/organisation", data=QUANG_NAM)
    client.login(council["secretary"])
    client.post(f"/council/{YEAR}/meetings/{first.id}", data=meeting_data(council, recognized, place="Hội trường"))
    text, _ = docx_text(client.get(f"/council/{YEAR}/minutes.docx?meeting={first.id}"))
    assert "Số: 1/BB-HĐSK" in text
    client.post(f"/council/{YEAR}/meetings/new",
                data=meeting_data(council, recognized, starts_at=f"{YEAR}-04-01T08:00"))
    assert db.session.query(CouncilMeeting).order_by(CouncilMeeting.id.desc()).first().number == "3/BB-HĐSKQN"


def test_a_meeting_is_edited_in_place(client, council, recognized):
    client.login(council["secretary"])
    client.post(f"/council/{YEAR}/meetings/new", data=meeting_data(council, recognized))
    meeting = db.session.query(CouncilMeeting).one()
    page = client.get(f"/council/{YEAR}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Phòng họp tầng 3" in page and 'value="5"' in page
    response = client.post(f"/council/{YEAR}/meetings/{meeting.id}",
                           data=meeting_data(council, recognized, place="Hội trường", **{"votes-0-votes_for": 6,
                                                                                          "votes-0-votes_abstain": 0}))
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.query(CouncilMeeting).one()
    assert meeting.place == "Hội trường" and meeting.vote_of(recognized.id).text == "6/0/0"
    assert len(events("council.meeting_updated")) == 1


@pytest.mark.parametrize("change, field, message", [
    ({"place": ""}, "place", "Vui lòng nhập địa điểm họp."),
    ({"starts_at": "mai"}, "starts_at", "Vui lòng nhập thời gian họp"),
    ({"votes-0-votes_for": 7}, "votes-0-votes_for", "nhiều hơn số thành viên có mặt (6)"),
    ({"votes-0-votes_against": -1}, "votes-0-votes_against", "Từ 0 đến 99."),
    ("chair absent", "chair_id", "Người chủ trì phải có mặt tại cuộc họp."),
    ("outsider", "secretary_id", f"Thư ký phải là thành viên Hội đồng năm {YEAR}."),
])
def test_wrong_details_are_refused_beside_the_field(client, council, recognized, change, field, message):
    client.login(council["secretary"])
    data = meeting_data(council, recognized)
    if change == "chair absent":
        data["present"] = [u for u in data["present"] if u != council["chair"].id]
    elif change == "outsider":
        data["secretary_id"] = council["staff"].id
    else:
        data.update(change)
    url = f"/council/{YEAR}/meetings/new"
    response = client.post(url, data=data, follow_redirects=True, headers={"Referer": f"http://localhost{url}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    at = html.rindex(message)  # beside the field (a refusal also flashes its first message on top)
    if field.startswith("votes"):  # in the initiative's row of the vote table
        assert html.rfind('name="votes-0-initiative_id"', 0, at) > html.rfind("<tr", 0, at) > 0
    else:
        assert html.rfind(f'name="{field}"', 0, at) > html.rfind('class="field', 0, at) > 0
    assert db.session.query(CouncilMeeting).count() == 0


@pytest.mark.parametrize("who", ["staff", "m1", "other_year_secretary", "admin"])
def test_the_meeting_pages_do_not_exist_for_others(client, council, recognized, make_user, who):
    secretary = council["secretary"]
    client.login(secretary)
    client.post(f"/council/{YEAR}/meetings/new", data=meeting_data(council, recognized))
    meeting = db.session.query(CouncilMeeting).one()
    user = make_user("thuky.cu", council="secretary", year=YEAR - 1) if who == "other_year_secretary" \
        else council[who]
    client.login(user)
    for url in (f"/council/{YEAR}/meetings", f"/council/{YEAR}/meetings/new",
                f"/council/{YEAR}/meetings/{meeting.id}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/council/{YEAR}/meetings/{meeting.id}",
                       data=meeting_data(council, recognized, place="X")).status_code == 404
    assert client.get(f"/council/{YEAR}/minutes.docx?meeting={meeting.id}").status_code in (403, 404)


def test_a_meeting_of_another_year_is_not_found_under_this_one(client, council, recognized, make_user):
    client.login(council["secretary"])
    client.post(f"/council/{YEAR}/meetings/new", data=meeting_data(council, recognized))
    meeting = db.session.query(CouncilMeeting).one()
    make_user("thuky.cu2", council="secretary", year=YEAR - 1)
    assert client.get(f"/council/{YEAR}/minutes.docx?meeting={meeting.id + 1}").status_code == 404


def test_only_complete_appraisals_carry_a_proposal(client, council, partly):
    client.login(council["secretary"])
    _text, document = docx_text(client.get(f"/council/{YEAR}/minutes.docx"))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    headers = [c.text for c in table.rows[0].cells]
    row = [c.text for c in table.rows[1].cells]
    assert row[headers.index("Đề xuất")] == "Chưa đủ phiếu"
    assert row[headers.index("Phiếu đã nộp")] == "1/3"


def test_the_certificate_keeps_its_first_number(client, council, recognized, make_initiative, appraise):
    client.login(council["secretary"])
    text, _ = docx_text(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    assert "Số: 1/GCN-VKS" in text
    # another initiative recognised by an earlier decision: counted by date it would come first
    other = make_initiative([(council["coauthor"], 100)], status="submitted", title="Mẫu biên bản điện tử")
    appraise(other, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
    operations.decide(other, council["chair"], "recognized", decision_no="44/QĐ-VKS", decision_date=today())
    other.decision_date = today() - timedelta(days=3)  # as a decision entered late, dated earlier
    db.session.commit()
    client.login(council["chair"])
    again, _ = docx_text(client.get(f"/council/initiatives/{recognized.id}/certificate.docx"))
    assert "Số: 1/GCN-VKS" in again
    second, _ = docx_text(client.get(f"/council/initiatives/{other.id}/certificate.docx"))
    assert "Số: 2/GCN-VKS" in second
    rows = db.session.query(IssuedCertificate).order_by(IssuedCertificate.sequence).all()
    assert [(r.initiative_id, r.number, r.year) for r in rows] == [(recognized.id, "1/GCN-VKS", YEAR),
                                                                  (other.id, "2/GCN-VKS", YEAR)]
    assert len(events("council.certificate_issued")) == 2
    code = next(line for line in second.split("\n") if line.startswith("Mã xác thực: ")).split(": ", 1)[1]
    client.logout()
    html = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "<dd>2/GCN-VKS</dd>" in html


def test_authors_download_their_own_application_with_the_tt18_fields(client, council, make_initiative):
    author = council["author"]
    author.birth_date, author.qualification, author.position = date(1985, 4, 12), "Thạc sĩ Luật", "Kiểm sát viên"
    initiative = make_initiative([(author, 70), (council["coauthor"], 30)], title="Phần mềm nhắc hạn",
                                 confidential_info="Mã nguồn của phần mềm.",
                                 trial_users="Ngô Văn Tư; 02/09/1990; VKSND quận Hải Châu; Kiểm sát viên; "
                                             "Cử nhân Luật; dùng thử 3 tháng",
                                 trial_assessment="Giảm một nửa số vụ quá hạn.")
    db.session.commit()
    client.login(author)
    text, document = docx_text(client.get(f"/council/initiatives/{initiative.id}/application.docx"))
    authors = next(t for t in document.tables if t.rows[0].cells[0].text == "Số TT")
    row = [c.text for c in authors.rows[1].cells]
    assert row[1:3] == ["Lê Văn Hùng", "12/04/1985"] and row[4:6] == ["Kiểm sát viên", "Thạc sĩ Luật"]
    assert "Mã nguồn của phần mềm." in text and "Giảm một nửa số vụ quá hạn." in text
    trial = [t for t in document.tables if t.rows[0].cells[0].text == "Số TT"][1]
    assert [c.text for c in trial.rows[1].cells] == ["1", "Ngô Văn Tư", "02/09/1990", "VKSND quận Hải Châu",
                                                      "Kiểm sát viên", "Cử nhân Luật", "dùng thử 3 tháng"]
    client.login(council["coauthor"])
    assert client.get(f"/council/initiatives/{initiative.id}/application.docx").status_code == 200
    client.login(council["staff"])
    assert client.get(f"/council/initiatives/{initiative.id}/application.docx").status_code == 404


QUANG_NAM = {
    "name": "Viện kiểm sát nhân dân tỉnh Quảng Nam", "header": "Viện kiểm sát nhân dân\ntỉnh Quảng Nam",
    "short_name": "VKSND tỉnh Quảng Nam", "parent": "Viện kiểm sát nhân dân tối cao", "place": "Tam Kỳ",
    "decision_suffix": "QĐ-VKSQN", "certificate_suffix": "GCN-VKSQN", "minutes_suffix": "BB-HĐSKQN",
    "head_title": "Viện trưởng", "head_name": "Trần Văn Nam", "deputy_title": "Phó Viện trưởng", "deputy_name": "",
    "filing_code": "VT",
}


def test_the_documents_read_the_settings(client, council, make_initiative, appraise):
    client.login(council["admin"]).post("/admin/organisation", data=QUANG_NAM)
    initiative = make_initiative([(council["author"], 100)], status="submitted", title="Sổ tay kiểm sát")
    appraise(initiative, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
    operations.decide(initiative, council["chair"], "recognized", decision_no="7/QĐ-VKSQN", decision_date=today())
    db.session.commit()
    client.login(council["chair"])
    decision = Document(io.BytesIO(client.get(
        f"/council/{initiative.year}/decision.docx?decision_no=7/QĐ-VKSQN").data))
    text = "\n".join(p.text for p in decision.paragraphs) + "\n".join(
        c.text for t in decision.tables for r in t.rows for c in r.cells)
    assert decision.tables[0].rows[0].cells[0].text.startswith("VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO\nVIỆN KIỂM SÁT")
    assert "Tam Kỳ, ngày" in text and "TRẦN VĂN NAM" in text.upper() and "Đà Nẵng" not in text
    certificate = Document(io.BytesIO(client.get(f"/council/initiatives/{initiative.id}/certificate.docx").data))
    assert "Số: 1/GCN-VKSQN" in "\n".join(c.text for t in certificate.tables for r in t.rows for c in r.cells)
