"""Submit, withdraw, resubmit after a return: versions, notifications, history."""
import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent, verify
from portal.core.notifications import Notification
from portal.extensions import db
from portal.initiatives import operations
from portal.initiatives.models import Initiative, InitiativeVersion
from portal.initiatives.workflow import Status
from tests.initiatives.helpers import fingerprint, with_authors


def fresh(initiative_id):
    db.session.expire_all()
    return db.session.get(Initiative, initiative_id)


def test_submit_freezes_version_one_and_tells_the_secretary(client, people, make_initiative):
    initiative = make_initiative([(people.author, 70), (people.coauthor, 30)])
    response = client.login(people.coauthor).post(f"/my/initiatives/{initiative.id}/submit")
    assert response.status_code == 302
    initiative = fresh(initiative.id)
    assert initiative.status == Status.submitted
    assert initiative.submitted_at is not None
    [version] = initiative.versions
    assert version.number == 1 and version.submitted_by_id == people.coauthor.id
    snap = version.snapshot
    assert snap["title"] == initiative.title and snap["solution"] == initiative.solution
    assert [(a["username"], a["share"]) for a in snap["authors"]] == [("ksv.hung", 70), ("ksv.mai", 30)]
    assert snap["field_label"] == "Hình sự" and snap["attachments"] == []
    notes = db.session.execute(select(Notification).where(Notification.user_id == people.secretary.id)).scalars().all()
    assert len(notes) == 1 and initiative.title in notes[0].subject
    assert notes[0].link == f"/council/initiatives/{initiative.id}/screening"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "initiative.submit")).scalar_one()
    assert event.initiative_id == initiative.id and event.data == {"from": "draft", "to": "submitted", "version": 1}
    assert verify() == []


def test_secretary_mail_is_queued_with_the_action_and_sent_by_the_worker(client, app, people, make_initiative):
    from pathlib import Path

    from portal.core import mail

    initiative = make_initiative([people.author])
    client.login(people.author).post(f"/my/initiatives/{initiative.id}/submit")
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    assert list(outbox.glob("*.eml")) == []  # the request wrote a row, it sent nothing
    [row] = db.session.execute(select(mail.MailMessage)).scalars().all()
    assert row.recipient == "thuky@vks.local" and row.state == mail.QUEUED
    assert mail.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    [eml] = outbox.glob("*.eml")
    assert "thuky@vks.local" in eml.read_text()


def test_a_request_answers_fast_and_queues_when_the_mail_server_hangs(app, client, people, make_initiative):
    import time

    from portal.core import mail
    from tests.core.mailserver import silent_server

    initiative = make_initiative([people.author])
    with silent_server() as port:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=10,
                          PUBLIC_BASE_URL="https://sangkien.example.vn")
        started = time.monotonic()
        response = client.login(people.author).post(f"/my/initiatives/{initiative.id}/submit")
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 3, f"the submission waited {elapsed:.1f} s: it talked to the mail server"
    [row] = db.session.execute(select(mail.MailMessage)).scalars().all()
    assert row.state == mail.QUEUED and row.attempts == 0 and row.recipient == "thuky@vks.local"
    assert row.link == f"https://sangkien.example.vn/council/initiatives/{initiative.id}/screening"


def test_incomplete_application_lists_every_missing_item(client, people, make_initiative):
    initiative = make_initiative([people.author], summary="", conditions="  ", benefits="",
                                 first_applied_on=None, field_id=None)
    before = fingerprint()
    response = client.login(people.author).post(f"/my/initiatives/{initiative.id}/submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("Chưa chọn lĩnh vực.", "Chưa nhập ngày áp dụng lần đầu hoặc áp dụng thử.",
                    "Chưa nhập tóm tắt sáng kiến.", "Chưa nêu các điều kiện cần thiết để áp dụng.",
                    "Chưa nêu hiệu quả, lợi ích thu được hoặc dự kiến."):
        assert message in page
    assert "Chưa nhập nội dung giải pháp." not in page
    assert fingerprint() == before


@pytest.mark.parametrize("status", ["submitted", "in_review", "recognized", "rejected", "withdrawn"])
def test_submitting_again_is_a_wrong_state_409(client, people, make_initiative, status):
    initiative = make_initiative([people.author], status=status)
    before = fingerprint()
    response = client.login(people.author).post(f"/my/initiatives/{initiative.id}/submit")
    assert response.status_code == 409
    assert "Không thể nộp" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_only_an_author_submits(client, people, make_initiative):
    initiative = make_initiative([people.author], status="returned")
    before = fingerprint()
    assert client.login(people.stranger).post(f"/my/initiatives/{initiative.id}/submit").status_code == 404
    response = client.login(people.secretary).post(f"/my/initiatives/{initiative.id}/submit")
    assert response.status_code == 403
    assert "không có quyền nộp" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_withdraw_while_submitted(client, people, make_initiative):
    initiative = make_initiative([people.author], status="submitted")
    response = client.login(people.author).post(f"/my/initiatives/{initiative.id}/withdraw",
                                                data={"reason": "Cần hoàn thiện thêm số liệu."})
    assert response.status_code == 302
    assert fresh(initiative.id).status == Status.withdrawn
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "initiative.withdraw")).scalar_one()
    assert event.data["reason"] == "Cần hoàn thiện thêm số liệu."
    page = client.get(f"/my/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Cần hoàn thiện thêm số liệu." in page


@pytest.mark.parametrize("status", ["draft", "returned", "in_review", "recognized", "withdrawn"])
def test_withdraw_in_another_state_is_refused_409(client, people, make_initiative, status):
    initiative = make_initiative([people.author], status=status)
    before = fingerprint()
    assert client.login(people.author).post(f"/my/initiatives/{initiative.id}/withdraw").status_code == 409
    assert fingerprint() == before


def test_withdraw_by_the_secretary_is_refused_403(client, people, make_initiative):
    initiative = make_initiative([people.author], status="submitted")
    before = fingerprint()
    assert client.login(people.secretary).post(f"/my/initiatives/{initiative.id}/withdraw").status_code == 403
    assert fingerprint() == before


def test_return_edit_resubmit_makes_version_two_with_a_readable_diff(client, people, make_initiative,
                                                                     complete_values):
    initiative = make_initiative([people.author])
    client.login(people.author)
    client.post(f"/my/initiatives/{initiative.id}/submit")
    # The council's part, through the same state machine.
    initiative = fresh(initiative.id)
    initiative.return_note = "Đề nghị bổ sung số liệu so sánh."
    operations.transition(initiative, "return", people.secretary, data={"note": initiative.return_note})
    db.session.commit()

    page = client.get(f"/my/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Đề nghị bổ sung số liệu so sánh." in page and "Nộp lại sáng kiến" in page
    data = with_authors(complete_values(
        title=initiative.title,
        benefits="Rút ngắn 30% thời gian nghiên cứu hồ sơ.\nNăm trước: 10 ngày; năm nay: 7 ngày."),
        ("ksv.hung", 100))
    assert client.post(f"/my/initiatives/{initiative.id}/edit", data=data).status_code == 302
    assert client.post(f"/my/initiatives/{initiative.id}/submit").status_code == 302

    initiative = fresh(initiative.id)
    assert [v.number for v in initiative.versions] == [1, 2]
    assert initiative.status == Status.submitted
    page = client.get(f"/my/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Phiên bản 2" in page and "Thay đổi so với phiên bản 1" in page
    assert "Năm trước: 10 ngày; năm nay: 7 ngày." in page  # the added line, in the diff
    version_page = client.get(f"/my/initiatives/{initiative.id}/versions/2").get_data(as_text=True)
    assert "diff-add" in version_page and "Hiệu quả, lợi ích" in version_page
    # The history of state changes, oldest first.
    history = page.split('id="history"')[1]
    assert history.index("Nộp sáng kiến, phiên bản 1") < history.index("Nộp lại sáng kiến, phiên bản 2")
    assert "Đề nghị bổ sung số liệu so sánh." in history


def test_version_one_stays_as_submitted(client, people, make_initiative):
    initiative = make_initiative([people.author])
    client.login(people.author).post(f"/my/initiatives/{initiative.id}/submit")
    initiative = fresh(initiative.id)
    initiative.status = Status.returned
    initiative.title = "Tên đã đổi sau khi trả lại"
    db.session.commit()
    version = db.session.execute(select(InitiativeVersion)).scalar_one()
    assert version.snapshot["title"] == "Sáng kiến nâng cao chất lượng kiểm sát điều tra"


def test_detail_shows_only_the_allowed_buttons(client, people, make_initiative):
    draft = make_initiative([people.author])
    submitted = make_initiative([people.author], status="submitted", title="Đã nộp")
    client.login(people.author)
    page = client.get(f"/my/initiatives/{draft.id}").get_data(as_text=True)
    assert "Nộp sáng kiến" in page and "Sửa hồ sơ" in page and "Rút sáng kiến" not in page
    page = client.get(f"/my/initiatives/{submitted.id}").get_data(as_text=True)
    assert "Rút sáng kiến" in page and "Sửa hồ sơ" not in page and f"/my/initiatives/{submitted.id}/submit" not in page
    page = client.login(people.secretary).get(f"/my/initiatives/{submitted.id}").get_data(as_text=True)
    assert "Rút sáng kiến" not in page and "Sửa hồ sơ" not in page


def test_detail_renders_every_section_as_safe_markdown(client, people, make_initiative):
    initiative = make_initiative([people.author], current_state="Có <script>alert(1)</script> **lỗi**",
                                 conditions="- Máy tính\n- Phần mềm")
    page = client.login(people.author).get(f"/my/initiatives/{initiative.id}").get_data(as_text=True)
    assert "<strong>lỗi</strong>" in page and "<li>Máy tính</li>" in page
    assert "<script>alert(1)</script>" not in page
    for heading in ("Tình trạng giải pháp đã biết", "Nội dung giải pháp đề nghị",
                    "Các điều kiện cần thiết để áp dụng", "Hiệu quả, lợi ích thu được", "Tóm tắt"):
        assert heading in page
