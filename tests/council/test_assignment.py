"""Assignment that fits the work (issue 16): several reviewers in one post with the best-placed
suggested, conflicts shown disabled with the reason, withdraw or replace, bulk accept and
reminders, and a confirmation step before every decision."""
from datetime import timedelta

import lxml.html
import pytest
from sqlalchemy import select

from portal.core.timeutil import today as portal_today
from portal.council import operations
from portal.council.models import AssignmentStatus, ReviewAssignment
from portal.council.suggestion import Candidate, picker_order, ranked, suggest
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK
from tests.council.helpers import events, notified, text


def refresh(obj):
    db.session.expire_all()
    db.session.refresh(obj)
    return obj


# -- the suggestion rule (no Flask) ------------------------------------------------------

def test_the_suggestion_never_names_a_conflict():
    people = [Candidate(1, "A", "member", conflict="author"), Candidate(2, "B", "member", conflict="assigned"),
              Candidate(3, "C", "member", conflict="recused"), Candidate(4, "D", "member")]
    assert suggest(people, 3) == [4]


def test_the_suggestion_prefers_another_unit_then_fewest_open_sheets():
    people = [Candidate(1, "An", "member", same_unit=True, open_sheets=0),
              Candidate(2, "Bình", "member", open_sheets=2),
              Candidate(3, "Chi", "member", open_sheets=0),
              Candidate(4, "Dũng", "member", open_sheets=1)]
    assert suggest(people, 3) == [3, 4, 2]
    assert suggest(people, 4) == [3, 4, 2, 1]  # the same unit only when there are not enough others


def test_the_suggestion_puts_plain_members_before_officers_then_by_name():
    people = [Candidate(1, "An", "chair"), Candidate(2, "Bình", "secretary"), Candidate(3, "Chi", "vice_chair"),
              Candidate(4, "Hà", "member"), Candidate(5, "Giang", "member")]
    assert [c.user_id for c in ranked(people)] == [5, 4, 3, 2, 1]


def test_one_withdrawn_in_this_round_is_never_suggested_but_may_be_chosen():
    people = [Candidate(1, "An", "member", withdrawn=True), Candidate(2, "Bình", "member", same_unit=True)]
    assert suggest(people, 2) == [2]
    assert [c.user_id for c in ranked(people)] == [2, 1]


def test_no_suggestion_when_nothing_is_needed():
    assert suggest([Candidate(1, "A", "member")], 0) == []


def test_the_picker_lists_the_suggested_first_then_the_free_then_the_conflicts():
    people = [Candidate(1, "An", "chair"), Candidate(2, "Bình", "member", conflict="author"),
              Candidate(3, "Chi", "member", open_sheets=2), Candidate(4, "Dũng", "member"),
              Candidate(5, "Giang", "member", same_unit=True), Candidate(6, "Hà", "member", withdrawn=True)]
    suggested = suggest(people, 2)
    assert suggested == [4, 1]
    assert [c.user_id for c in picker_order(people, suggested)] == [4, 1, 3, 5, 6, 2]


# -- the assignment page ---------------------------------------------------------------

@pytest.fixture
def in_review(submitted, council):
    operations.accept(submitted, council["secretary"])
    db.session.commit()
    return submitted


def page_of(client, initiative):
    return client.get(f"/council/initiatives/{initiative.id}/assignments")


def boxes(response):
    """{user id: (checked, disabled, text of its row)} of the reviewer checkboxes."""
    doc = lxml.html.fromstring(text(response))
    found = {}
    for box in doc.xpath("//input[@name='reviewers']"):
        row = box.getparent().getparent()
        found[int(box.get("value"))] = (box.get("checked") is not None, box.get("disabled") is not None,
                                        " ".join(row.text_content().split()))
    return found


def active_reviewers(initiative):
    db.session.expire_all()
    return sorted(a.reviewer.username for a in db.session.execute(
        select(ReviewAssignment).where(ReviewAssignment.initiative_id == initiative.id,
                                       ReviewAssignment.status == AssignmentStatus.active)).scalars())


def test_the_three_best_placed_are_ticked_and_an_author_is_disabled_with_the_reason(client, council,
                                                                                     make_initiative):
    # The authors work in Phòng 1 and m1, a member of the council, is one of them.
    initiative = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    other = make_initiative([council["staff"]], status="in_review", round=1, title="Khác")
    operations.assign(other, council["secretary"], council["m3"])  # m3 has an open sheet
    db.session.commit()
    client.login(council["secretary"])
    found = boxes(page_of(client, initiative))
    checked, disabled, row = found[council["m1"].id]
    assert disabled and not checked and "tác giả" in row
    ticked = {uid for uid, (on, _, _) in found.items() if on}
    # plain members without open sheets first, then the vice-chair; m3 (one open sheet) is not ticked
    assert ticked == {council["m2"].id, council["m4"].id, council["vice"].id}
    assert "1 phiếu đang chấm" in found[council["m3"].id][2]


def test_the_picker_shows_the_suggested_members_first(client, council, make_initiative):
    initiative = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    other = make_initiative([council["staff"]], status="in_review", round=1, title="Khác")
    operations.assign(other, council["secretary"], council["m3"])  # m3 has an open sheet
    db.session.commit()
    client.login(council["secretary"])
    found = boxes(page_of(client, initiative))
    order = list(found)  # in the page's order
    suggested = {council[k].id for k in ("m2", "m4", "vice")}
    assert set(order[:3]) == suggested and all(found[u][0] for u in order[:3])
    # then the others best placed first: the officers without open sheets before m3 with one
    assert order[3:6] == [council["secretary"].id, council["chair"].id, council["m3"].id]
    assert order[-1] == council["m1"].id  # an author, who may not score it, last


def test_secretary_assigns_three_at_once_in_one_post(client, council, in_review):
    client.login(council["secretary"])
    due = portal_today() + timedelta(days=10)
    response = client.post(f"/council/initiatives/{in_review.id}/assignments", data={
        "reviewers": [str(council[k].id) for k in ("m2", "m3", "m4")], "due_on": due.isoformat()})
    assert response.status_code == 302
    assert active_reviewers(in_review) == ["hoidong2", "hoidong3", "hoidong4"]
    assert len(events(in_review.id, "council.assigned")) == 3
    assert all(any("Phân công chấm" in s for s in notified(council[k])) for k in ("m2", "m3", "m4"))
    page = text(client.get(response.headers["Location"]))
    assert "Đã phân công 3 người chấm" in page and "3/3" in page


def test_nothing_ticked_comes_back_on_the_same_page_with_the_message_and_the_date(client, council, in_review):
    client.login(council["secretary"])
    due = (portal_today() + timedelta(days=9)).isoformat()
    response = client.post(f"/council/initiatives/{in_review.id}/assignments", data={"due_on": due})
    assert response.status_code == 422
    doc = lxml.html.fromstring(text(response))
    assert "Chọn ít nhất một thành viên" in doc.get_element_by_id("reviewers-error").text_content()
    assert doc.xpath("//input[@name='due_on']")[0].get("value") == due
    assert active_reviewers(in_review) == []


def test_one_author_among_several_assigns_nobody(client, council, make_initiative):
    initiative = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    client.login(council["secretary"])
    response = client.post(f"/council/initiatives/{initiative.id}/assignments",
                           data={"reviewers": [str(council["m2"].id), str(council["m1"].id)]})
    assert response.status_code == 409
    assert "là tác giả hoặc đồng tác giả" in text(response)
    assert active_reviewers(initiative) == []


@pytest.mark.parametrize("who", ["chair", "m3", "author"])
def test_only_the_secretary_assigns_several(client, council, in_review, who):
    client.login(council[who])
    response = client.post(f"/council/initiatives/{in_review.id}/assignments",
                           data={"reviewers": [str(council["m2"].id)]})
    assert response.status_code in (403, 404)
    assert active_reviewers(in_review) == []
    assert client.post(f"/council/initiatives/{in_review.id}/assignments", data={}).status_code in (403, 404)


# -- withdraw and replace ----------------------------------------------------------------

@pytest.fixture
def assigned(in_review, council):
    for key in ("m2", "m3", "m4"):
        operations.assign(in_review, council["secretary"], council[key])
    db.session.commit()
    return in_review


def assignment_of(initiative, reviewer):
    return db.session.execute(select(ReviewAssignment).where(
        ReviewAssignment.initiative_id == initiative.id, ReviewAssignment.reviewer_id == reviewer.id)
        .order_by(ReviewAssignment.id.desc())).scalars().first()


def withdraw(client, assignment, **data):
    return client.post(f"/council/assignments/{assignment.id}/withdraw",
                       data={f"w{assignment.id}-{k}": v for k, v in data.items()})


def test_secretary_withdraws_an_assignment_with_a_reason_audited_and_notified(client, council, assigned):
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m3"])
    response = withdraw(client, row, reason="Bận công tác dài ngày.")
    assert response.status_code == 302
    assert refresh(row).status == AssignmentStatus.withdrawn and row.recusal_reason == "Bận công tác dài ngày."
    event = events(assigned.id, "council.assignment_withdrawn")[0]
    assert event.data["reviewer"] == "hoidong3" and event.data["reason"] == "Bận công tác dài ngày."
    assert any("Rút phân công" in s for s in notified(council["m3"]))
    page = text(client.get(response.headers["Location"]))
    assert "Đã rút phân công" in page and "2/3" in page


def test_withdrawing_needs_a_reason(client, council, assigned):
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m3"])
    assert withdraw(client, row, reason="").status_code == 422
    assert refresh(row).status == AssignmentStatus.active


def test_a_submitted_sheet_is_never_withdrawn(client, council, assigned):
    operations.submit_review(assigned, council["m2"], scores=GOOD, recommendation="pass")
    db.session.commit()
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m2"])
    response = withdraw(client, row, reason="Muốn đổi người.")
    assert response.status_code == 409
    assert "đã nộp phiếu chấm nên không rút được" in text(response)
    assert refresh(row).status == AssignmentStatus.active
    assert events(assigned.id, "council.assignment_withdrawn") == []


def test_secretary_replaces_a_reviewer(client, council, assigned):
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m3"])
    response = withdraw(client, row, reason="Đổi người chấm.", replacement=str(council["vice"].id))
    assert response.status_code == 302
    assert active_reviewers(assigned) == ["hoidong2", "hoidong4", "phochutich"]
    assert refresh(row).status == AssignmentStatus.withdrawn
    assert any("Phân công chấm" in s for s in notified(council["vice"]))


def test_replacing_with_an_author_changes_nothing(client, council, make_initiative):
    initiative = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    operations.assign(initiative, council["secretary"], council["m2"])
    db.session.commit()
    client.login(council["secretary"])
    row = assignment_of(initiative, council["m2"])
    assert withdraw(client, row, reason="Đổi.", replacement=str(council["m1"].id)).status_code == 409
    assert refresh(row).status == AssignmentStatus.active


@pytest.mark.parametrize("who", ["chair", "m2", "author"])
def test_only_the_secretary_withdraws(client, council, assigned, who):
    client.login(council[who])
    row = assignment_of(assigned, council["m2"])
    assert withdraw(client, row, reason="Không lý do.").status_code in (403, 404)
    assert refresh(row).status == AssignmentStatus.active


def test_withdrawing_twice_is_a_wrong_state(client, council, assigned):
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m2"])
    assert withdraw(client, row, reason="Lần một.").status_code == 302
    assert withdraw(client, row, reason="Lần hai.").status_code == 409


def test_withdrawing_an_unknown_assignment_is_404(client, council, assigned):
    client.login(council["secretary"])
    assert client.post("/council/assignments/99999/withdraw", data={}).status_code == 404


# -- the chair's decision: a confirmation step ------------------------------------------

@pytest.fixture
def scored(assigned, appraise):
    return appraise(assigned, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])


def decision_data(**extra):
    return {"outcome": "recognized", "decision_no": "45/QĐ-VKS", "decision_date": portal_today().isoformat(),
            **extra}


def test_the_decision_is_confirmed_before_it_is_recorded(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision", data=decision_data())
    assert response.status_code == 200
    doc = lxml.html.fromstring(text(response))
    confirm = doc.xpath("//*[@data-testid='confirmation']")[0].text_content()
    assert "Công nhận sáng kiến cấp cơ sở" in confirm and "45/QĐ-VKS" in confirm
    assert not [s for s in doc.xpath("//script") if not s.get("src")]  # no inline script
    hidden = {i.get("name"): i.get("value") for i in doc.xpath("//form[contains(@class, 'confirm-form')]//input[@type='hidden']")}
    assert hidden["confirmed"] == "1" and hidden["decision_no"] == "45/QĐ-VKS"
    assert refresh(scored).status.value == "in_review" and events(scored.id, "council.decision") == []
    response = client.post(f"/council/initiatives/{scored.id}/decision", data=decision_data(confirmed="1"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    assert refresh(scored).status.value == "recognized"


def test_the_confirmation_comes_after_validation(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision", data=decision_data(outcome="rejected"))
    assert response.status_code == 422 and "cần ghi rõ lý do" in text(response)
    assert "Xác nhận quyết định" not in text(response)


def test_going_back_from_the_confirmation_keeps_the_input(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision",
                           data=decision_data(confirmed="1", edit="1", decision_no="47/QĐ-VKS"))
    assert response.status_code == 200
    doc = lxml.html.fromstring(text(response))
    assert doc.xpath("//input[@name='decision_no']")[0].get("value") == "47/QĐ-VKS"
    assert refresh(scored).status.value == "in_review"


def test_the_confirmation_shows_an_overruling(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision",
                           data=decision_data(outcome="rejected", reason="Trùng giải pháp năm trước."))
    assert response.status_code == 200
    assert "khác với đề xuất" in text(response) and "Trùng giải pháp năm trước." in text(response)


@pytest.mark.parametrize("who", ["secretary", "m2"])
def test_only_the_chair_reaches_the_confirmation(client, council, scored, who):
    client.login(council[who])
    assert client.post(f"/council/initiatives/{scored.id}/decision", data=decision_data()).status_code == 403


def test_a_refused_confirmation_goes_back_to_the_form_with_the_input(client, council, scored):
    """The confirmation page names the form's page (`_back`): a refusal lands there, input kept."""
    client.login(council["chair"])
    back = f"/council/initiatives/{scored.id}/results"
    response = client.post(f"/council/initiatives/{scored.id}/decision",
                           data=decision_data(outcome="rejected", confirmed="1", _back=back,
                                              decision_no="48/QĐ-VKS"))
    assert response.status_code == 303 and response.headers["Location"] == back
    doc = lxml.html.fromstring(text(client.get(back)))
    assert doc.xpath("//input[@name='decision_no']")[0].get("value") == "48/QĐ-VKS"
    assert "cần ghi rõ lý do" in doc.text_content()
    assert refresh(scored).status.value == "in_review"


def test_a_back_field_never_leaves_the_site(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision",
                           data=decision_data(outcome="rejected", confirmed="1", _back="https://evil.example/x"))
    assert response.status_code == 422


# -- batch decision ----------------------------------------------------------------------

@pytest.fixture
def two_scored(council, make_initiative, appraise):
    strong = appraise(make_initiative([council["author"]], status="submitted", title="Mạnh"),
                      [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", FAIR, "pass")])
    weak = appraise(make_initiative([council["coauthor"]], status="submitted", title="Yếu"),
                    [("m2", WEAK, "fail"), ("m3", WEAK, "fail"), ("m4", FAIR, "pass")])
    return strong, weak


def batch(**extra):
    return {"decision_no": "50/QĐ-VKS", "decision_date": portal_today().isoformat(),
            "year": str(portal_today().year), **extra}


def test_a_batch_with_nothing_ticked_comes_back_on_the_queue_with_the_input(client, council, two_scored):
    client.login(council["chair"])
    response = client.post("/council/batch-decision", data=batch())
    assert response.status_code == 422
    doc = lxml.html.fromstring(text(response))
    assert "Chưa chọn sáng kiến nào" in doc.get_element_by_id("batch-ids-error").text_content()
    assert doc.xpath("//*[@id='batch-form']//input[@name='decision_no']")[0].get("value") == "50/QĐ-VKS"
    assert doc.xpath("//*[@data-testid='queue-in-review']")  # the queue itself, not an error page


def test_a_batch_missing_its_number_keeps_the_ticks(client, council, two_scored):
    strong, weak = two_scored
    client.login(council["chair"])
    response = client.post("/council/batch-decision", data=batch(decision_no="", ids=[str(strong.id)]))
    assert response.status_code == 422
    doc = lxml.html.fromstring(text(response))
    checked = {b.get("value") for b in doc.xpath("//input[@name='ids'][@form='batch-form']") if b.get("checked") is not None}
    assert checked == {str(strong.id)}


def test_a_batch_is_confirmed_then_decided_and_redirected(client, council, two_scored):
    strong, weak = two_scored
    client.login(council["chair"])
    data = batch(ids=[str(strong.id), str(weak.id)])
    response = client.post("/council/batch-decision", data=data)
    assert response.status_code == 200
    page = text(response)
    assert "Mạnh" in page and "Yếu" in page and "Không công nhận" in page and "Xác nhận" in page
    assert refresh(strong).status.value == "in_review"
    response = client.post("/council/batch-decision", data={**data, "confirmed": "1"})
    assert response.status_code == 302 and "/council/queue" in response.headers["Location"]
    assert refresh(strong).status.value == "recognized" and refresh(weak).status.value == "rejected"


# -- bulk accept and reminders -----------------------------------------------------------

def test_bulk_accept_with_confirmation(client, council, make_initiative):
    first = make_initiative([council["author"]], status="submitted", title="Một")
    second = make_initiative([council["coauthor"]], status="submitted", title="Hai")
    client.login(council["secretary"])
    queue = text(client.get("/council/queue"))
    assert 'form="accept-form"' in queue and "data-select-all" in queue
    data = {"ids": [str(first.id), str(second.id)], "year": str(portal_today().year)}
    response = client.post("/council/bulk-accept", data=data)
    assert response.status_code == 200 and "Một" in text(response) and "Hai" in text(response)
    assert refresh(first).status.value == "submitted"
    response = client.post("/council/bulk-accept", data={**data, "confirmed": "1"})
    assert response.status_code == 302
    assert refresh(first).status.value == refresh(second).status.value == "in_review"


def test_bulk_accept_with_nothing_ticked_is_the_queue_again(client, council, submitted):
    client.login(council["secretary"])
    response = client.post("/council/bulk-accept", data={"year": str(portal_today().year)})
    assert response.status_code == 422
    assert "Chưa chọn hồ sơ nào" in text(response) and 'id="accept-form"' in text(response)


@pytest.mark.parametrize("who", ["chair", "m2"])
def test_only_the_secretary_accepts_in_bulk(client, council, submitted, who):
    client.login(council[who])
    response = client.post("/council/bulk-accept", data={"ids": [str(submitted.id)], "confirmed": "1",
                                                         "year": str(portal_today().year)})
    assert response.status_code in (403, 404)
    assert refresh(submitted).status.value == "submitted"


def test_bulk_accept_of_a_hidden_initiative_is_404(client, council, make_initiative):
    draft = make_initiative([council["author"]], status="draft")
    client.login(council["secretary"])
    assert client.post("/council/bulk-accept", data={"ids": [str(draft.id)]}).status_code == 404


def test_bulk_reminders_with_confirmation(client, council, assigned):
    client.login(council["secretary"])
    queue = text(client.get("/council/queue"))
    assert 'data-testid="due-sheets"' in queue
    ids = [str(assignment_of(assigned, council[k]).id) for k in ("m2", "m3")]
    data = {"ids": ids, "year": str(portal_today().year)}
    response = client.post("/council/reminders", data=data)
    assert response.status_code == 200
    assert "Võ Thị Thu Hà" in text(response) and "Đặng Công Lý" in text(response)
    assert "Huỳnh Ngọc Ánh" not in text(response)
    assert not any("Nhắc hạn" in s for s in notified(council["m2"]))
    response = client.post("/council/reminders", data={**data, "confirmed": "1"})
    assert response.status_code == 302
    assert any("Nhắc hạn" in s for s in notified(council["m2"])) and any("Nhắc hạn" in s for s in notified(council["m3"]))
    assert not any("Nhắc hạn" in s for s in notified(council["m4"]))


def test_bulk_reminders_with_nothing_ticked_is_the_queue_again(client, council, assigned):
    client.login(council["secretary"])
    response = client.post("/council/reminders", data={"year": str(portal_today().year)})
    assert response.status_code == 422 and "Chưa chọn phiếu chấm nào" in text(response)


def test_only_the_secretary_sends_reminders(client, council, assigned):
    client.login(council["chair"])
    row = assignment_of(assigned, council["m2"])
    response = client.post("/council/reminders", data={"ids": [str(row.id)], "confirmed": "1",
                                                       "year": str(portal_today().year)})
    assert response.status_code == 403
    assert not any("Nhắc hạn" in s for s in notified(council["m2"]))


def test_a_submitted_sheet_is_not_reminded(client, council, assigned):
    operations.submit_review(assigned, council["m2"], scores=GOOD, recommendation="pass")
    db.session.commit()
    client.login(council["secretary"])
    row = assignment_of(assigned, council["m2"])
    assert client.post("/council/reminders", data={"ids": [str(row.id)], "confirmed": "1",
                                                   "year": str(portal_today().year)}).status_code == 404


# -- the JSON API ----------------------------------------------------------------------

@pytest.fixture
def api(client, council):
    from tests.conftest import PASSWORD

    def headers(key):
        token = client.post("/api/v1/auth/token", json={"username": council[key].username,
                                                         "password": PASSWORD}).get_json()["token"]
        return {"Authorization": f"Bearer {token}"}
    return headers


def test_api_assigns_several_at_once_and_lists_the_suggestion(client, council, in_review, api):
    h = api("secretary")
    base = f"/api/v1/initiatives/{in_review.id}/assignments"
    listing = client.get(base, headers=h).get_json()
    assert len(listing["suggested"]) == 3 and "ksv.hung" not in listing["suggested"]
    response = client.post(base, json={"reviewers": ["hoidong2", "hoidong3"]}, headers=h)
    assert response.status_code == 201
    assert [i["reviewer"] for i in response.get_json()["items"]] == ["hoidong2", "hoidong3"]
    assert len(client.get(base, headers=h).get_json()["suggested"]) == 1


def test_api_several_with_one_unknown_or_empty_assigns_nobody(client, council, in_review, api):
    h = api("secretary")
    base = f"/api/v1/initiatives/{in_review.id}/assignments"
    response = client.post(base, json={"reviewers": ["hoidong2", "nobody"]}, headers=h)
    assert response.status_code == 422 and "reviewers" in response.get_json()["error"]["fields"]
    assert client.post(base, json={"reviewers": []}, headers=h).status_code == 422
    assert client.post(base, json={"reviewers": "hoidong2"}, headers=h).status_code == 422
    assert client.post(base, json={}, headers=h).status_code == 422
    assert active_reviewers(in_review) == []


def test_api_withdraws_and_replaces(client, council, assigned, api):
    h = api("secretary")
    row = assignment_of(assigned, council["m3"])
    url = f"/api/v1/initiatives/{assigned.id}/assignments/{row.id}/withdraw"
    assert client.post(url, json={}, headers=h).status_code == 422
    response = client.post(url, json={"reason": "Đổi người.", "replacement": "phochutich"}, headers=h)
    assert response.status_code == 200
    body = response.get_json()
    assert body["withdrawn"]["status"] == "withdrawn" and body["assignment"]["reviewer"] == "phochutich"
    assert client.post(url, json={"reason": "Lần nữa."}, headers=h).get_json()["error"]["code"] == "wrong_state"


def test_api_refuses_to_withdraw_a_submitted_sheet(client, council, assigned, api):
    operations.submit_review(assigned, council["m2"], scores=GOOD, recommendation="pass")
    db.session.commit()
    row = assignment_of(assigned, council["m2"])
    url = f"/api/v1/initiatives/{assigned.id}/assignments/{row.id}/withdraw"
    response = client.post(url, json={"reason": "Đổi."}, headers=api("secretary"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_submitted"


def test_api_withdraw_is_the_secretarys_and_scoped_to_its_initiative(client, council, assigned, api,
                                                                     make_initiative):
    row = assignment_of(assigned, council["m2"])
    url = f"/api/v1/initiatives/{assigned.id}/assignments/{row.id}/withdraw"
    assert client.post(url, json={"reason": "Đổi."}, headers=api("chair")).status_code == 403
    other = make_initiative([council["staff"]], status="in_review", round=1, title="Khác")
    wrong = f"/api/v1/initiatives/{other.id}/assignments/{row.id}/withdraw"
    assert client.post(wrong, json={"reason": "Đổi."}, headers=api("secretary")).status_code == 404
    assert refresh(row).status == AssignmentStatus.active


def test_bulk_accept_of_one_already_in_review_is_a_wrong_state_and_accepts_none(client, council, make_initiative):
    fresh = make_initiative([council["author"]], status="submitted", title="Mới")
    started = make_initiative([council["coauthor"]], status="in_review", round=1, title="Đã tiếp nhận")
    client.login(council["secretary"])
    response = client.post("/council/bulk-accept", data={"ids": [str(fresh.id), str(started.id)], "confirmed": "1",
                                                         "year": str(portal_today().year)})
    assert response.status_code == 409 and "Đã tiếp nhận" in text(response)
    assert refresh(fresh).status.value == "submitted"
