"""The year's rules act in the council's work (issue 11): windows, deadlines, dates, re-recognition.

Each test is a defect found by trying the portal as the secretary and the chair would: a
setting that was stored and shown but changed nothing, or a date that was only parsed.
"""
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.core import timeutil
from portal.core.audit import AuditEvent
from portal.core.timeutil import today, utcnow
from portal.council import operations, services
from portal.extensions import db
from portal.initiatives.workflow import Status
from portal.years.models import Year
from tests.council.conftest import GOOD, YEAR
from tests.council.helpers import text


@pytest.fixture
def h(council, api_headers):
    return {key: api_headers(user) for key in ("chair", "secretary") for user in [council[key]]}


def _year():
    return db.session.get(Year, YEAR)


def error(response, status, field=None):
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    return " ".join(body["fields"][field]) if field else body["message"]


# -- the filing window (ND 13/2012 Điều 5.2) is the year's, and counts to the first filing -------

def test_the_years_filing_window_flags_a_late_filing(client, council, make_initiative):
    initiative = make_initiative([council["author"]], status="submitted", title="Nộp sau nửa năm",
                                 first_applied_on=today() - timedelta(days=183), submitted_at=utcnow())
    assert not services.filed_late(initiative)  # the default window is a year
    _year().filing_window_days = 30
    db.session.commit()
    client.login(council["secretary"])
    page = text(client.get("/council/queue"))
    assert "Nộp quá 30 ngày kể từ ngày áp dụng" in page
    assert services.filed_late(initiative)


def test_the_filing_limit_counts_to_the_first_filing_not_the_resubmission(council, make_initiative):
    first_filed = utcnow() - timedelta(days=200)
    initiative = make_initiative([council["author"]], status="submitted", title="Nộp lại sau khi bổ sung",
                                 first_applied_on=today() - timedelta(days=400), submitted_at=utcnow(),
                                 first_submitted_at=first_filed)
    # Filed 200 days after the first application, resubmitted 400 days after it: within the year.
    assert not services.filed_late(initiative)
    initiative.first_submitted_at = None  # an old row without the first filing falls back on the latest
    assert services.filed_late(initiative)


# -- the decision window (Điều 7.1) is the year's, with both of its start points ----------------

def test_the_decision_deadline_runs_from_acceptance_by_the_years_window(council, make_initiative):
    accepted = utcnow() - timedelta(days=40)
    initiative = make_initiative([council["author"]], status="in_review", title="Chờ quyết định", round=1,
                                 submitted_at=accepted, accepted_at=accepted)
    deadline = services.decision_deadline(initiative)
    assert deadline.due_on == timeutil.local_date(accepted) + timedelta(days=90) and not deadline.late
    _year().decision_due_days = 30
    db.session.commit()
    from portal.years import services as years
    years.forget()
    assert services.decision_deadline(initiative).late


def test_the_decision_deadline_starts_at_the_end_of_a_first_application(client, council, make_initiative):
    accepted = utcnow() - timedelta(days=120)
    initiative = make_initiative([council["author"]], status="in_review", title="Áp dụng lần đầu sau khi nộp",
                                 round=1, submitted_at=accepted, accepted_at=accepted,
                                 first_application_requested=True)
    waiting = services.decision_deadline(initiative)
    assert waiting.due_on is None and waiting.waiting_for_first_application and not waiting.late

    client.login(council["secretary"])
    url = f"/council/initiatives/{initiative.id}/first-application"
    future = (today() + timedelta(days=1)).isoformat()
    response = client.post(url, data={"ended_on": future}, headers={"Referer": "/council/queue"})
    assert response.status_code == 303  # back to the form with the message and the input kept
    db.session.refresh(initiative)
    assert initiative.first_application_ended_on is None  # a future end is refused

    ended = today() - timedelta(days=10)
    assert client.post(url, data={"ended_on": ended.isoformat()}).status_code == 302
    db.session.refresh(initiative)
    assert initiative.first_application_ended_on == ended
    deadline = services.decision_deadline(initiative)
    assert deadline.due_on == ended + timedelta(days=90) and not deadline.late  # not 120 days late
    assert db.session.query(AuditEvent).filter_by(action="council.first_application_ended").count() == 1


def test_no_first_application_end_without_a_request(council, make_initiative):
    from portal.core.refusal import Refusal

    initiative = make_initiative([council["author"]], status="in_review", round=1, submitted_at=utcnow(),
                                 accepted_at=utcnow())
    with pytest.raises(Refusal) as refused:
        operations.record_first_application_end(initiative, council["secretary"], today())
    assert refused.value.status == 409


# -- decision dates are checked where they are entered -----------------------------------------

@pytest.fixture
def scored(council, submitted, appraise):
    return appraise(submitted, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "pass")])


def test_a_decision_date_in_the_future_is_refused(client, scored, h):
    url = f"/api/v1/initiatives/{scored.id}/decision"
    body = {"outcome": "recognized", "decision_no": "9/QĐ-VKS", "decision_date": "2099-12-31"}
    message = error(client.post(url, json=body, headers=h["chair"]), 422, "decision_date")
    assert "không được sau ngày hôm nay" in message
    db.session.refresh(scored)
    assert scored.status == Status.in_review and scored.decision_date is None


def test_a_decision_date_before_acceptance_is_refused(client, scored, h):
    url = f"/api/v1/initiatives/{scored.id}/decision"
    body = {"outcome": "recognized", "decision_no": "9/QĐ-VKS", "decision_date": f"{YEAR - 7}-06-01"}
    message = error(client.post(url, json=body, headers=h["chair"]), 422, "decision_date")
    assert "ngày tiếp nhận hồ sơ vào thẩm định" in message
    db.session.refresh(scored)
    assert scored.status == Status.in_review


def test_a_sector_decision_may_not_predate_the_grassroots_one(client, scored, council, h):
    operations.decide(scored, council["chair"], "recognized", decision_no="9/QĐ-VKS", decision_date=today())
    db.session.commit()
    url = f"/api/v1/initiatives/{scored.id}/sector"
    assert client.post(url, json={"status": "proposed"}, headers=h["secretary"]).status_code == 200
    early = (today() - timedelta(days=1)).isoformat()
    message = error(client.post(url, json={"status": "recognized", "decision_no": "3/QĐ-VKSTC",
                                           "decision_date": early}, headers=h["secretary"]), 422, "decision_date")
    assert "không được trước ngày quyết định công nhận cấp cơ sở" in message
    db.session.refresh(scored)
    assert scored.sector_decision_date is None


# -- re-recognition is a decision that needs a reason -------------------------------------------

def test_recognising_an_identical_title_again_needs_a_reason(client, scored, council, h, make_initiative):
    earlier = make_initiative([council["coauthor"]], status="recognized", title=scored.title, year=YEAR - 1,
                              decision_no="3/QĐ-VKS", decision_date=date(YEAR - 1, 12, 1))
    url = f"/api/v1/initiatives/{scored.id}/decision"
    body = {"outcome": "recognized", "decision_no": "9/QĐ-VKS", "decision_date": today().isoformat()}
    message = error(client.post(url, json=body, headers=h["chair"]), 422, "reason")
    assert f"“{earlier.title}” ({YEAR - 1})" in message
    db.session.refresh(scored)
    assert scored.status == Status.in_review

    client.login(council["chair"])
    assert "Trùng hoặc rất giống sáng kiến đã được công nhận" in text(
        client.get(f"/council/initiatives/{scored.id}/results"))

    response = client.post(url, json={**body, "reason": "Phạm vi áp dụng mới: án kinh tế."}, headers=h["chair"])
    assert response.status_code == 200
    event = db.session.query(AuditEvent).filter_by(action="council.decision").one()
    assert event.data["recognized_before"] == [earlier.id]
    assert event.data["reason"] == "Phạm vi áp dụng mới: án kinh tế."


# -- Vietnam time: between 00:00 and 07:00 in Đà Nẵng, today is not UTC's yesterday --------------

@pytest.fixture
def early_morning_in_da_nang():
    """The clock at 06:30 in Đà Nẵng on 2 December of this year: 23:30 UTC on 1 December."""
    moment = datetime(YEAR, 12, 1, 23, 30, tzinfo=UTC)
    timeutil.set_clock(lambda: moment)
    yield date(YEAR, 12, 2)
    timeutil.set_clock(None)


def test_the_decision_is_dated_today_in_vietnam(early_morning_in_da_nang, client, council, scored):
    # The clock first: the initiative is accepted in the same early morning, whatever the real date.
    assert timeutil.today() == early_morning_in_da_nang and timeutil.utcnow().date() == date(YEAR, 12, 1)
    client.login(council["chair"])
    page = client.get(f"/council/initiatives/{scored.id}/results").get_data(as_text=True)
    assert f'value="{early_morning_in_da_nang.isoformat()}"' in page  # the form's default date
    operations.decide(scored, council["chair"], "recognized", decision_no="9/QĐ-VKS",
                      decision_date=early_morning_in_da_nang)
    db.session.commit()
    assert scored.decision_date == early_morning_in_da_nang
    # 2 December is not in the future in Đà Nẵng, though it is still 1 December in UTC.
    assert operations._date_errors(early_morning_in_da_nang) == {}
    assert operations._date_errors(early_morning_in_da_nang + timedelta(days=1))


# -- one source for the 2/3 rule: the year's rubric, named on the results page ------------------

def test_the_rubrics_vote_fraction_decides_the_suggestion(client, council, submitted, appraise):
    from portal.council.services import rubric_for

    rubric = rubric_for(YEAR)
    rubric.approval_numerator, rubric.approval_denominator = 1, 1  # every member who scored must agree
    db.session.commit()
    appraise(submitted, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", GOOD, "fail")])
    assert services.Appraisal(submitted).suggested == "rejected"
    client.login(council["chair"])
    assert "Cần 1/1 thành viên đã chấm đề nghị đạt" in text(client.get(f"/council/initiatives/{submitted.id}/results"))

    rubric.approval_numerator, rubric.approval_denominator = 2, 3
    db.session.commit()
    assert services.Appraisal(submitted).suggested == "recognized"
