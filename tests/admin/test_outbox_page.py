"""/admin/outbox: the mail outbox and the background tasks, and resending a failed message."""
from sqlalchemy import select

from portal.core import jobs, mail
from portal.core.audit import AuditEvent, verify
from portal.core.notifications import notify
from portal.extensions import db


def outbox_rows(make_user):
    user = make_user(email="nhan@vks.local")
    for subject in ("Thư đã gửi", "Thư đang chờ", "Thư hỏng"):
        notify([user], subject, "", "/my")
    db.session.commit()
    sent, queued, failed = db.session.execute(select(mail.MailMessage).order_by(mail.MailMessage.id)).scalars()
    sent.state, sent.sent_at, sent.attempts = mail.SENT, sent.created_at, 1
    failed.state, failed.attempts, failed.last_error = mail.FAILED, 7, "SMTPRecipientsRefused: 550 5.1.1 no mailbox"
    db.session.commit()
    return sent, queued, failed


def test_the_admin_sees_each_message_its_state_and_the_reason_it_failed(admin_client, make_user):
    sent, queued, failed = outbox_rows(make_user)
    jobs.run_recorded("prune")
    page = admin_client.get("/admin/outbox").get_data(as_text=True)
    for subject in ("Thư đã gửi", "Thư đang chờ", "Thư hỏng"):
        assert subject not in page  # about initiatives the admin may not read: not shown
    assert page.count("nhan@vks.local") == 3 and page.count("/my</td>") == 3
    assert "550 5.1.1 no mailbox" in page and "Gửi không được (1)" in page and "Đã gửi (1)" in page
    assert page.count('data-state="failed"') == 1
    assert f"/admin/outbox/{failed.id}/resend" in page and f"/admin/outbox/{sent.id}/resend" not in page
    assert 'data-task="prune"' in page and "Thành công" in page and "Chưa chạy" in page
    only_failed = admin_client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert only_failed.count('data-state="failed"') == 1 and 'data-state="queued"' not in only_failed


def test_resending_a_failed_message_queues_it_again_and_is_audited(admin_client, admin, make_user):
    _, _, failed = outbox_rows(make_user)
    response = admin_client.post(f"/admin/outbox/{failed.id}/resend")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(mail.MailMessage, failed.id)
    assert row.state == mail.QUEUED and row.attempts == 0
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "admin.mail_resent")).scalar_one()
    assert event.actor_id == admin.id and event.object_id == str(failed.id)
    assert event.data["last_error"].startswith("SMTPRecipientsRefused") and event.data["attempts"] == 7
    assert verify() == []
    assert mail.deliver_due()["sent"] == 2  # the worker sends it (and the one that was waiting)


def test_only_a_failed_message_can_be_resent(admin_client, make_user):
    sent, queued, _ = outbox_rows(make_user)
    for row in (sent, queued):
        assert admin_client.post(f"/admin/outbox/{row.id}/resend").status_code == 409
    assert admin_client.post("/admin/outbox/999999/resend").status_code == 404
    assert admin_client.post(f"/admin/outbox/{sent.id}/resend", csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(mail.MailMessage, sent.id).state == mail.SENT


def test_the_page_is_in_english_too(admin_client, make_user):
    outbox_rows(make_user)
    page = admin_client.get("/admin/outbox?lang=en").get_data(as_text=True)
    assert "Outbox" in page and "Failed" in page and "Resend" in page and "Background tasks" in page


def test_every_registered_task_is_listed_with_its_last_run_ok_or_its_error(admin_client, monkeypatch):
    import re

    from huey.exceptions import TaskException

    admin_client.application.config["QUEUE_IMMEDIATE"] = True
    admin_client.application.extensions.pop("huey", None)
    jobs.run("prune").get()

    def broken():
        raise RuntimeError("máy chủ thư không trả lời")

    monkeypatch.setitem(jobs.JOBS_BY_NAME, "send_digests", jobs.Job("send_digests", broken, {}, "Thư tóm tắt"))
    try:
        jobs.run("send_digests").get()
    except TaskException:
        pass
    page = admin_client.get("/admin/outbox").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-task="(\w+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {job.name for job in jobs.registered()}
    assert "Thành công" in rows["prune"] and "Chưa chạy" not in rows["prune"]
    assert "Lỗi" in rows["send_digests"] and "RuntimeError: máy chủ thư không trả lời" in rows["send_digests"]
    assert "Chưa chạy" in rows["secretary_reminders"] and "Chưa chạy" in rows["audit_checkpoint"]
