"""Benchmark: a page action that notifies 20 people takes no longer than one that notifies none.

Run: ``python tests/benchmarks/bench_mail.py [repetitions]``

The action is the secretary returning a submitted initiative to its 20 authors
(POST /council/initiatives/<id>/return), on a SQLite database, through the Flask
test client, with MAIL_SERVER pointing at a server that accepts connections and
never answers (before the outbox, each such request waited MAIL_TIMEOUT, 10 s, and
lost the mail). Timed: the request alone, with the 20 authors having an e-mail
address (20 mails queued) and without (in-app only). Then the worker's time to
send the queued mail to a real SMTP server on loopback (aiosmtpd).
"""
import socket
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

AUTHORS = 20


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def build(workdir, mail_port):
    from portal import create_app
    from portal.auth.models import Unit, UnitKind, User
    from portal.core.audit import ensure_head
    from portal.core.timeutil import today
    from portal.council.services import add_council_member
    from portal.extensions import db
    from portal.initiatives.models import Field
    from portal.years.services import ensure_year

    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db", "INSTANCE_PATH": f"{workdir}/instance",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_port,
        "MAIL_TIMEOUT": 10,
    })
    with app.app_context():
        db.create_all()
        ensure_head()
        ensure_year(today().year, is_open=True)
        unit = Unit(name="Phòng 1", kind=UnitKind.city_department)
        field = Field(code="criminal", name="Hình sự")
        db.session.add_all([unit, field])
        db.session.flush()
        secretary = User(username="thuky", full_name="Thư ký", unit=unit, email="thuky@vks.local")
        authors = [User(username=f"tacgia{i}", full_name=f"Tác giả {i}", unit=unit, email=f"tg{i}@vks.local")
                   for i in range(AUTHORS)]
        for user in (secretary, *authors):
            user.set_password("bench-password-1")
        db.session.add_all([secretary, *authors])
        db.session.flush()
        add_council_member(today().year, secretary, "secretary")
        db.session.commit()
        ids = {"secretary": secretary.get_id(), "authors": [a.id for a in authors], "field": field.id, "unit": unit.id}
    return app, ids


def submitted_initiative(ids):
    from portal.core.timeutil import today
    from portal.extensions import db
    from portal.initiatives.models import Initiative, InitiativeAuthor, InitiativeVersion
    from portal.initiatives.workflow import Status

    share = 100 // AUTHORS
    initiative = Initiative(
        status=Status.submitted, title="Sáng kiến đo thời gian", field_id=ids["field"], year=today().year,
        unit_id=ids["unit"], first_applied_on=date(today().year, 1, 15), summary="Tóm tắt.",
        current_state="Thực trạng.", solution="Giải pháp.", conditions="Điều kiện.", benefits="Hiệu quả.",
        created_by_id=ids["authors"][0],
        authors=[InitiativeAuthor(user_id=uid, share=share, position=i) for i, uid in enumerate(ids["authors"])])
    initiative.versions.append(InitiativeVersion(number=1, submitted_by_id=ids["authors"][0],
                                                 snapshot={"title": initiative.title}))
    db.session.add(initiative)
    db.session.commit()
    return initiative.id


def time_returns(app, ids, repetitions, with_email):
    from sqlalchemy import update

    from portal.auth.models import User
    from portal.extensions import db

    with app.app_context():
        db.session.execute(update(User).where(User.id.in_(ids["authors"])).values(
            email=None if not with_email else User.username + "@vks.local"))
        db.session.commit()
        initiatives = [submitted_initiative(ids) for _ in range(repetitions)]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = ids["secretary"]
        session["_fresh"] = True
    times = []
    for initiative_id in initiatives:
        started = time.perf_counter()
        response = client.post(f"/council/initiatives/{initiative_id}/return", data={"note": "Bổ sung số liệu."})
        times.append(time.perf_counter() - started)
        assert response.status_code in (302, 303), response.status_code
    return times


def run(repetitions=30):
    from sqlalchemy import func, select

    from portal.core import mail
    from portal.extensions import db

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(100)
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as workdir:
        app, ids = build(workdir, hung.getsockname()[1])
        time_returns(app, ids, 3, True)  # warm up
        none = time_returns(app, ids, repetitions, with_email=False)
        twenty = time_returns(app, ids, repetitions, with_email=True)
        with app.app_context():
            queued = db.session.execute(select(func.count(mail.MailMessage.id))
                                        .where(mail.MailMessage.state == mail.QUEUED)).scalar_one()
        hung.close()
        from aiosmtpd.controller import Controller

        class Count:
            received = 0

            async def handle_DATA(self, server, session, envelope):
                Count.received += 1
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        controller = Controller(Count(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            app.config["MAIL_PORT"] = port
            with app.app_context():
                started = time.perf_counter()
                counts = mail.deliver_due()
                send_seconds = time.perf_counter() - started
        finally:
            controller.stop()
    return {"repetitions": repetitions, "none": none, "twenty": twenty, "queued": queued,
            "sent": counts["sent"], "received": Count.received, "send_seconds": send_seconds}


def print_report(figures):
    def row(label, values):
        print(f"{label:<44} p50 {statistics.median(values) * 1000:7.1f} ms   "
              f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms")

    print(f"return to {AUTHORS} authors, {figures['repetitions']} requests each, mail server hanging:")
    row("  notifies none (no e-mail address)", figures["none"])
    row(f"  notifies {AUTHORS} (e-mail queued for each)", figures["twenty"])
    ratio = statistics.median(figures["twenty"]) / statistics.median(figures["none"])
    print(f"  ratio of medians: {ratio:.2f}; mails queued: {figures['queued']}")
    print(f"worker: {figures['sent']} sent, {figures['received']} received by the SMTP server "
          f"in {figures['send_seconds']:.2f} s ({figures['sent'] / max(figures['send_seconds'], 1e-9):.0f}/s)")


if __name__ == "__main__":
    print_report(run(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
