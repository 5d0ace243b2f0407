"""Hội đồng Sáng kiến: screening, assignment, scoring, decisions, documents."""
import click
from flask import Blueprint
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from portal.core import jobs

bp = Blueprint("council", __name__, url_prefix="/council")


def init_app(app):
    app.register_blueprint(certificates.bp)  # public: /certificates/<code>
    app.cli.add_command(remind)
    jobs.register(jobs.Job("daily_reminders", reminders.reviewer_reminders, {"minute": "5"},
                           _l("Nhắc hạn chấm hằng ngày")))
    jobs.register(jobs.Job("secretary_reminders", reminders.secretary_reminders, {"minute": "6"},
                           _l("Nhắc Thư ký: sơ duyệt và quyết định quá hạn")))


@click.command("remind")
@with_appcontext
def remind():
    """Mail reviewers whose scoring sheet is due within 3 days or late (run daily from cron)."""
    from portal.council.operations import send_reminders
    from portal.extensions import db

    sent = send_reminders()
    db.session.commit()
    for assignment, when in sent:
        click.echo(f"{assignment.reviewer.username} <{assignment.reviewer.email or 'không có e-mail'}>: "
                   f"“{assignment.initiative.title}” — {when} (hạn {assignment.due_on:%d/%m/%Y})")
    click.echo(f"Đã gửi {len(sent)} lời nhắc.")


from portal.council import certificates, membership, pages, reminders  # noqa: E402,F401  (membership installs the policy's council facts)
