"""Core's own background tasks: sending the mail outbox, the daily digests, pruning what is
old, and the daily audit checkpoint. Registered with the other areas' tasks in `init_app`."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core import audit, jobs, mail, notifications
from portal.core.jobs import Job
from portal.core.timeutil import local_date, today


def send_mail():
    return mail.deliver_due()


def send_digests():
    """From REMINDER_HOUR on, one mail a day to each person who chose the digest and has news."""
    day = jobs.reminder_day()
    if day is None:
        return {"digests": 0, "waiting_until_hour": current_app.config["REMINDER_HOUR"]}
    return {"digests": notifications.send_digests(day)}


def prune():
    """Sent and failed mail older than MAIL_KEEP_DAYS, and the reminders' ledger of past days."""
    return {"mail_rows": mail.prune(current_app.config["MAIL_KEEP_DAYS"]),
            "reminders": notifications.prune_reminders()}


def audit_checkpoint():
    """Append the audit log's head to the checkpoint file once a day, after checking the log
    since the last check; a tampered log fails the task (shown on the admin page) and writes
    no checkpoint, so that a checkpoint never vouches for a rewritten log."""
    audit.ensure_head()
    check = audit.verify_recent()
    if check.problems:
        raise RuntimeError("audit log tampered: " + "; ".join(check.problems))
    last = audit.last_checkpoint(audit.checkpoint_path())
    if last is not None and local_date(last.moment) == today():
        return {"checkpoint": "already today", "seq": last.seq}
    point = audit.write_checkpoint()
    return {"checkpoint": "written", "seq": point.seq}


def init_app(app):
    jobs.register(Job("send_mail", send_mail, {"minute": "*"}, _l("Gửi thư trong hàng đợi")))
    jobs.register(Job("send_digests", send_digests, {"minute": "10"}, _l("Gửi thư tóm tắt thông báo hằng ngày")))
    jobs.register(Job("prune", prune, {"minute": "15", "hour": "20"}, _l("Dọn thư cũ và nhật ký nhắc việc cũ")))
    jobs.register(Job("audit_checkpoint", audit_checkpoint, {"minute": "30", "hour": "1"},
                      _l("Điểm mốc nhật ký kiểm toán hằng ngày")))
