"""Every council page and every refusal: wrong person 403, wrong state 409, bad input 422."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.refusal import Refusal
from portal.core.timeutil import today as portal_today
from portal.core.timeutil import utcnow
from portal.council import operations, services
from portal.council.models import AssignmentStatus, ReviewAssignment, ReviewStatus
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK
from tests.council.helpers import actions, events, notified, review_form, text, visible_text


def refresh(obj):
    db.session.expire_all()
    db.session.refresh(obj)
    return obj


# -- queue and screening -------------------------------------------------------------

def test_queue_lists_submitted_with_age_and_flags(client, council, make_initiative):
    late = make_initiative([council["author"]], status="submitted", title="Nộp muộn",
                           first_applied_on=portal_today() - timedelta(days=500),
                           submitted_at=utcnow() - timedelta(days=6))
    overdue = make_initiative([council["coauthor"]], status="in_review", title="Chậm quyết định", round=1,
                              submitted_at=utcnow() - timedelta(days=120),
                              accepted_at=utcnow() - timedelta(days=100))
    client.login(council["secretary"])
    page = text(client.get("/council/queue"))
    assert late.title in page and overdue.title in page
    assert "Nộp quá 365 ngày kể từ ngày áp dụng" in page
    assert "Quá hạn" in page
    assert '<td class="num" data-label="Số ngày chờ">6</td>' in page  # waiting six days


@pytest.mark.parametrize("who, screening", [("m1", 403), ("author", 403), ("admin", 404), ("staff", 404)])
def test_queue_and_screening_are_for_council_officers(client, council, submitted, who, screening):
    client.login(council[who])
    assert client.get("/council/queue").status_code == 403
    # someone who may not even see the initiative does not learn that it exists
    assert client.get(f"/council/initiatives/{submitted.id}/screening").status_code == screening


def test_chair_and_vice_chair_see_the_queue(client, council, submitted):
    for who in ("chair", "vice"):
        client.login(council[who])
        assert submitted.title in text(client.get("/council/queue"))


def test_screening_page_reserves_the_similar_initiatives_place(client, council, submitted):
    client.login(council["secretary"])
    page = text(client.get(f"/council/initiatives/{submitted.id}/screening"))
    assert "Sáng kiến tương tự" in page
    assert "Tiếp nhận vào thẩm định" in page and "Trả lại cho tác giả" in page


def test_screening_shows_what_the_search_area_finds(client, council, submitted, make_initiative, monkeypatch):
    from portal.council import services

    earlier = make_initiative([council["staff"]], status="recognized", title="Sơ đồ tư duy trong án ma túy 2024")
    calls = []

    def similar(initiative, limit=5):
        calls.append((initiative.id, limit))
        return [earlier]
    monkeypatch.setitem(services._similarity, "finder", similar)  # what the search area installs
    client.login(council["secretary"])
    page = text(client.get(f"/council/initiatives/{submitted.id}/screening"))
    assert earlier.title in page and calls == [(submitted.id, 5)]


def test_secretary_accepts_into_appraisal(client, council, submitted):
    client.login(council["secretary"])
    response = client.post(f"/council/initiatives/{submitted.id}/accept")
    assert response.status_code == 302
    refresh(submitted)
    assert submitted.status.value == "in_review" and submitted.round == 1 and submitted.accepted_at
    assert actions(submitted.id)[-1] == "initiative.accept"


@pytest.mark.parametrize("who", ["chair", "m1", "vice"])
def test_only_the_secretary_accepts(client, council, submitted, who):
    client.login(council[who])
    assert client.post(f"/council/initiatives/{submitted.id}/accept").status_code == 403
    assert refresh(submitted).status.value == "submitted"


def test_accepting_twice_is_a_wrong_state(client, council, submitted):
    client.login(council["secretary"])
    client.post(f"/council/initiatives/{submitted.id}/accept")
    response = client.post(f"/council/initiatives/{submitted.id}/accept")
    assert response.status_code == 409
    assert "Không thể tiếp nhận" in text(response)


def test_forms_without_csrf_are_refused(client, council, submitted):
    client.login(council["secretary"])
    assert client.post(f"/council/initiatives/{submitted.id}/accept", csrf=False).status_code == 400
    assert refresh(submitted).status.value == "submitted"


def test_return_needs_a_note_and_tells_the_authors(client, council, submitted):
    client.login(council["secretary"])
    response = client.post(f"/council/initiatives/{submitted.id}/return", data={"note": "  "})
    assert response.status_code == 422
    assert refresh(submitted).status.value == "submitted"
    response = client.post(f"/council/initiatives/{submitted.id}/return",
                           data={"note": "Bổ sung số liệu áp dụng thực tế năm 2025."})
    assert response.status_code == 302
    refresh(submitted)
    assert submitted.status.value == "returned" and submitted.round == 0
    assert submitted.return_note == "Bổ sung số liệu áp dụng thực tế năm 2025."
    assert any("trả lại" in s for s in notified(council["author"]))
    assert any("trả lại" in s for s in notified(council["coauthor"]))
    assert events(submitted.id, "initiative.return")[0].data["note"].startswith("Bổ sung")


# -- assignment ------------------------------------------------------------------------

@pytest.fixture
def in_review(submitted, council):
    operations.accept(submitted, council["secretary"])
    db.session.commit()
    return submitted


def assign(client, initiative, reviewer, due_on=None):
    data = {"reviewers": str(reviewer.id)}
    if due_on:
        data["due_on"] = due_on.isoformat()
    return client.post(f"/council/initiatives/{initiative.id}/assignments", data=data)


def count_assignments(initiative):
    return db.session.execute(select(func.count(ReviewAssignment.id))
                              .where(ReviewAssignment.initiative_id == initiative.id)).scalar_one()


def test_secretary_assigns_reviewers_with_a_due_date(client, council, in_review):
    client.login(council["secretary"])
    due = portal_today() + timedelta(days=10)
    assert assign(client, in_review, council["m4"], due).status_code == 302
    row = db.session.execute(select(ReviewAssignment)).scalar_one()
    assert row.reviewer_id == council["m4"].id and row.due_on == due and row.round == 1
    assert row.version.number == 1
    assert any("Phân công chấm" in s for s in notified(council["m4"]))
    assert events(in_review.id, "council.assigned")[0].data["reviewer"] == "hoidong4"
    page = text(client.get(f"/council/initiatives/{in_review.id}/assignments"))
    assert "Huỳnh Ngọc Ánh" in page and "1/3" in page


def test_an_author_who_sits_on_the_council_is_refused_as_reviewer(client, council, make_initiative):
    initiative = make_initiative([council["author"], council["m1"]], status="in_review", round=1)
    client.login(council["secretary"])
    response = assign(client, initiative, council["m1"])
    assert response.status_code == 409
    assert "là tác giả hoặc đồng tác giả của sáng kiến này" in text(response)
    assert count_assignments(initiative) == 0


def test_same_unit_is_allowed_with_a_warning(client, council, in_review):
    client.login(council["secretary"])
    response = assign(client, in_review, council["m1"])  # m1 works in Phòng 1, like the author
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "cùng đơn vị với tác giả" in page
    assert db.session.execute(select(ReviewAssignment)).scalar_one().same_unit


def test_assigning_someone_outside_the_council_is_refused(client, council, in_review):
    client.login(council["secretary"])
    response = assign(client, in_review, council["staff"])
    assert response.status_code == 422
    assert count_assignments(in_review) == 0


def test_assigning_twice_is_refused(client, council, in_review):
    client.login(council["secretary"])
    assign(client, in_review, council["m2"])
    assert assign(client, in_review, council["m2"]).status_code == 409
    assert count_assignments(in_review) == 1


def test_only_the_secretary_assigns(client, council, in_review):
    client.login(council["chair"])
    assert assign(client, in_review, council["m2"]).status_code == 403
    client.login(council["m3"])
    assert assign(client, in_review, council["m2"]).status_code == 403
    assert count_assignments(in_review) == 0


def test_assigning_before_acceptance_is_a_wrong_state(client, council, submitted):
    client.login(council["secretary"])
    assert assign(client, submitted, council["m2"]).status_code == 409


def test_recusal_needs_a_reason_and_frees_the_place(client, council, in_review):
    operations.assign(in_review, council["secretary"], council["m2"])
    db.session.commit()
    client.login(council["m2"])
    url = f"/council/initiatives/{in_review.id}/recuse"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Là người hướng dẫn tác giả xây dựng giải pháp."}).status_code == 302
    row = db.session.execute(select(ReviewAssignment)).scalar_one()
    db.session.refresh(row)
    assert row.status == AssignmentStatus.recused and row.recusal_reason.startswith("Là người")
    assert any("xin không chấm" in s for s in notified(council["secretary"]))
    assert "council.recused" in actions(in_review.id)
    client.login(council["secretary"])
    page = text(client.get(f"/council/initiatives/{in_review.id}/assignments"))
    assert "Xin không tham gia" in page and "0/3" in page
    # a member who was not assigned cannot recuse
    client.login(council["m3"])
    assert client.post(url, data={"reason": "Không liên quan"}).status_code == 403


# -- scoring -----------------------------------------------------------------------------

@pytest.fixture
def assigned(in_review, council):
    for key in ("m2", "m3", "m4"):
        operations.assign(in_review, council["secretary"], council[key])
    db.session.commit()
    return in_review


def test_reviewer_saves_a_draft_then_submits(client, council, assigned):
    client.login(council["m2"])
    url = f"/council/initiatives/{assigned.id}/review"
    page = text(client.get(url))
    assert "Phiếu chấm điểm của tôi" in page and "Nội dung giải pháp" in page
    response = client.post(url, data=review_form({"novelty": 20, "applicability": None, "effectiveness": 30},
                                                 comments={"novelty": "Cách làm mới ở đơn vị."}))
    assert response.status_code == 302
    review = services.active_assignment(assigned, council["m2"]).review
    assert review.status == ReviewStatus.draft and review.score_map()["applicability"] is None
    # submitting with a missing score is refused and keeps the draft
    response = client.post(url, data=review_form({"novelty": 20, "applicability": None, "effectiveness": 30},
                                                 "pass", submit=True))
    assert response.status_code == 422
    assert "Chưa chấm điểm tiêu chí “Khả năng áp dụng”" in text(response)
    response = client.post(url, data=review_form({"novelty": 20, "applicability": 22, "effectiveness": 30},
                                                 "pass", submit=True, overall="Đề nghị công nhận."))
    assert response.status_code == 302
    review = refresh(review)
    assert review.status == ReviewStatus.submitted and review.total == 72
    assert events(assigned.id, "council.review_submitted")[0].data["scores"] == {
        "novelty": 20, "applicability": 22, "effectiveness": 30}
    # no edits after submission
    response = client.post(url, data=review_form({"novelty": 5, "applicability": 5, "effectiveness": 5}, "fail"))
    assert response.status_code == 409
    assert refresh(review).total == 72


@pytest.mark.parametrize("scores", [
    {"novelty": 31, "applicability": 20, "effectiveness": 30},
    {"novelty": -1, "applicability": 20, "effectiveness": 30},
    {"novelty": "mười", "applicability": 20, "effectiveness": 30},
    {"novelty": "12.5", "applicability": 20, "effectiveness": 30},
])
def test_scores_out_of_range_are_refused_and_nothing_is_saved(client, council, assigned, scores):
    client.login(council["m3"])
    response = client.post(f"/council/initiatives/{assigned.id}/review", data=review_form(scores, "pass"))
    assert response.status_code == 422
    assert "Điểm phải" in text(response)
    assert services.active_assignment(assigned, council["m3"]).review is None


def test_the_server_checks_the_range_even_without_the_form(council, assigned):
    with pytest.raises(Refusal) as refused:
        operations.save_review(assigned, council["m3"], scores={"effectiveness": 41})
    assert refused.value.status == 422 and "effectiveness" in refused.value.fields


def test_a_member_who_is_not_assigned_cannot_score(client, council, assigned):
    client.login(council["m1"])
    url = f"/council/initiatives/{assigned.id}/review"
    assert client.get(url).status_code == 403
    assert client.post(url, data=review_form(GOOD, "pass", submit=True)).status_code == 403


def test_scoring_after_the_decision_is_a_wrong_state(client, council, scored):
    operations.decide(scored, council["chair"], "recognized", decision_no="45/QĐ-VKS", decision_date=portal_today())
    db.session.commit()
    client.login(council["m4"])
    response = client.post(f"/council/initiatives/{scored.id}/review", data=review_form(GOOD, "pass"))
    assert response.status_code == 409


def test_after_a_return_the_old_assignment_no_longer_scores(client, council, assigned, appraise):
    appraise(assigned, [("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
    operations.decide(assigned, council["chair"], "returned", reason="Hoàn thiện phần hiệu quả.")
    db.session.commit()
    client.login(council["m4"])
    response = client.post(f"/council/initiatives/{assigned.id}/review", data=review_form(GOOD, "pass"))
    assert response.status_code == 403  # round 2 has no assignment for m4 yet


def test_independent_scoring_before_and_after_own_submission(client, council, assigned, appraise):
    appraise(assigned, [("m2", GOOD, "pass"), ("m3", FAIR, "pass")])
    client.login(council["m4"])
    page = visible_text(client.get(f"/council/initiatives/{assigned.id}/review"))
    assert "82" not in page and "Điểm của các thành viên khác" not in page
    assert client.get(f"/council/initiatives/{assigned.id}/results").status_code == 403
    client.post(f"/council/initiatives/{assigned.id}/review", data=review_form(WEAK, "fail", submit=True))
    page = text(client.get(f"/council/initiatives/{assigned.id}/review"))
    assert "Điểm của các thành viên khác" in page and "82" in page and "60" in page
    results = text(client.get(f"/council/initiatives/{assigned.id}/results"))
    assert "Thành viên 1" in results
    assert "Võ Thị Thu Hà" not in results and "Đặng Công Lý" not in results  # anonymised for members


def test_officers_see_names_spread_and_outliers(client, council, assigned, appraise):
    appraise(assigned, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", WEAK, "fail")])
    client.login(council["secretary"])
    page = text(client.get(f"/council/initiatives/{assigned.id}/results"))
    assert "Võ Thị Thu Hà" in page and "Huỳnh Ngọc Ánh" in page
    assert "lệch hơn 20 điểm" in page  # 37 against a mean of 67
    assert "67" in page and "Độ lệch chuẩn" in page
    assert "Công nhận sáng kiến cấp cơ sở" in page  # suggested: 2 of 3 pass, mean 67


def test_an_officer_who_is_also_a_reviewer_sees_nothing_before_scoring(client, council, in_review, appraise):
    operations.assign(in_review, council["secretary"], council["chair"])
    db.session.commit()
    appraise(in_review, [("m2", GOOD, "pass")])
    client.login(council["chair"])
    assert client.get(f"/council/initiatives/{in_review.id}/results").status_code == 403


def test_secretary_reopens_a_submitted_review(client, council, assigned, appraise):
    appraise(assigned, [("m2", GOOD, "pass")])
    review = services.active_assignment(assigned, council["m2"]).review
    client.login(council["m3"])
    assert client.post(f"/council/reviews/{review.id}/reopen", data={"reason": "x"}).status_code == 403
    client.login(council["secretary"])
    assert client.post(f"/council/reviews/{review.id}/reopen", data={"reason": ""}).status_code == 422
    response = client.post(f"/council/reviews/{review.id}/reopen",
                           data={"reason": "Điểm hiệu quả nhập nhầm."})
    assert response.status_code == 302
    assert refresh(review).status == ReviewStatus.reopened
    assert events(assigned.id, "council.review_reopened")[0].data["reason"] == "Điểm hiệu quả nhập nhầm."
    # reopening again while it is open is a wrong state
    assert client.post(f"/council/reviews/{review.id}/reopen", data={"reason": "Lại"}).status_code == 409
    client.login(council["m2"])
    response = client.post(f"/council/initiatives/{assigned.id}/review",
                           data=review_form({**GOOD, "effectiveness": 36}, "pass", submit=True))
    assert response.status_code == 302
    assert refresh(review).status == ReviewStatus.submitted and review.total == 86


# -- decisions ---------------------------------------------------------------------------

@pytest.fixture
def scored(assigned, appraise):
    return appraise(assigned, [("m2", GOOD, "pass"), ("m3", FAIR, "pass"), ("m4", GOOD, "pass")])


def decide(client, initiative, **data):
    """The chair's decision, confirmed (the confirmation step has its own tests)."""
    data.setdefault("decision_date", portal_today().isoformat())
    data.setdefault("confirmed", "1")
    return client.post(f"/council/initiatives/{initiative.id}/decision", data=data)


def test_chair_records_the_suggested_outcome(client, council, scored):
    client.login(council["chair"])
    page = text(client.get(f"/council/initiatives/{scored.id}/results"))
    assert "Quyết định của Hội đồng" in page
    response = decide(client, scored, outcome="recognized", decision_no="45/QĐ-VKS")
    assert response.status_code == 302
    refresh(scored)
    assert scored.status.value == "recognized" and scored.level.value == "grassroots"
    assert scored.decision_no == "45/QĐ-VKS" and scored.decision_date == portal_today()
    event = events(scored.id, "council.decision")[0]
    assert event.data["suggested"] == "recognized" and not event.data["overruled"]
    assert any("được công nhận" in s for s in notified(council["author"]))


@pytest.mark.parametrize("who", ["secretary", "vice", "m2"])
def test_only_the_chair_decides(client, council, scored, who):
    client.login(council[who])
    assert decide(client, scored, outcome="recognized", decision_no="45/QĐ-VKS").status_code == 403
    assert refresh(scored).status.value == "in_review"


def test_overruling_the_suggestion_needs_a_written_reason(client, council, scored):
    client.login(council["chair"])
    response = decide(client, scored, outcome="rejected", decision_no="46/QĐ-VKS")
    assert response.status_code == 422
    assert "cần ghi rõ lý do" in text(response)
    assert refresh(scored).status.value == "in_review"
    response = decide(client, scored, outcome="rejected", decision_no="46/QĐ-VKS",
                      reason="Giải pháp trùng với sáng kiến đã công nhận năm 2024.")
    assert response.status_code == 302
    assert refresh(scored).status.value == "rejected"
    event = events(scored.id, "council.decision")[0]
    assert event.data["overruled"] and event.data["reason"].startswith("Giải pháp trùng")


def test_recognition_needs_a_decision_number_and_date(client, council, scored):
    client.login(council["chair"])
    response = client.post(f"/council/initiatives/{scored.id}/decision", data={"outcome": "recognized"})
    assert response.status_code == 422
    assert "Cần nhập số quyết định" in text(response)


def test_deciding_before_scoring_is_complete_is_refused(client, council, assigned, appraise):
    appraise(assigned, [("m2", GOOD, "pass"), ("m3", GOOD, "pass")])
    client.login(council["chair"])
    response = decide(client, assigned, outcome="recognized", decision_no="1/QĐ")
    assert response.status_code == 409
    assert "Chưa đủ phiếu chấm" in text(response)


def test_deciding_in_a_wrong_state_is_refused(client, council, submitted):
    client.login(council["chair"])
    response = decide(client, submitted, outcome="recognized", decision_no="1/QĐ")
    assert response.status_code == 409
    assert refresh(submitted).status.value == "submitted"


def test_returning_opens_a_new_round_and_keeps_the_old_reviews(client, council, scored):
    client.login(council["chair"])
    assert decide(client, scored, outcome="returned").status_code == 422  # needs the note for the authors
    response = decide(client, scored, outcome="returned", reason="Bổ sung số liệu hiệu quả năm 2025.")
    assert response.status_code == 302
    refresh(scored)
    assert scored.status.value == "returned" and scored.round == 2
    assert scored.return_note == "Bổ sung số liệu hiệu quả năm 2025."
    old = db.session.execute(select(func.count(ReviewAssignment.id))
                             .where(ReviewAssignment.round == 1)).scalar_one()
    assert old == 3
    assert services.assignments_of(scored) == []  # none counted in round 2


def test_batch_decision_gives_each_its_suggestion_under_one_number(client, council, make_initiative, appraise):
    strong = appraise(make_initiative([council["author"]], status="submitted", title="Mạnh"),
                      [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", FAIR, "pass")])
    weak = appraise(make_initiative([council["coauthor"]], status="submitted", title="Yếu"),
                    [("m2", WEAK, "fail"), ("m3", WEAK, "fail"), ("m4", FAIR, "pass")])
    pending = appraise(make_initiative([council["staff"]], status="submitted", title="Dở dang"),
                       [("m2", GOOD, "pass")])
    client.login(council["chair"])
    page = text(client.get("/council/queue"))
    assert f'name="ids" value="{strong.id}"' in page and f'name="ids" value="{pending.id}"' not in page
    data = {"ids": [str(strong.id), str(pending.id)], "decision_no": "50/QĐ-VKS",
            "decision_date": portal_today().isoformat(), "year": str(portal_today().year), "confirmed": "1"}
    assert client.post("/council/batch-decision", data=data).status_code == 409
    assert refresh(strong).status.value == "in_review"
    data["ids"] = [str(strong.id), str(weak.id)]
    assert client.post("/council/batch-decision", data=data).status_code == 302
    assert refresh(strong).status.value == "recognized" and refresh(weak).status.value == "rejected"
    assert strong.decision_no == weak.decision_no == "50/QĐ-VKS"
    client.login(council["secretary"])
    assert client.post("/council/batch-decision", data=data).status_code == 403


# -- sector and national level -----------------------------------------------------------

def recognize(initiative, council, sheets, appraise):
    appraise(initiative, sheets)
    # The fixtures share their text: say why a second one is recognised beside the first.
    operations.decide(initiative, council["chair"], "recognized", decision_no="45/QĐ-VKS",
                      decision_date=portal_today(), reason="Giải pháp khác, áp dụng cho một loại án khác.")
    db.session.commit()
    return initiative


def test_sector_list_and_recording(client, council, submitted, appraise, make_initiative):
    high = recognize(submitted, council, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", GOOD, "pass")],
                     appraise)
    low = recognize(make_initiative([council["staff"]], status="submitted", title="Điểm vừa đủ"), council,
                    [("m2", FAIR, "pass"), ("m3", FAIR, "pass"), ("m4", FAIR, "pass")], appraise)
    client.login(council["secretary"])
    page = text(client.get("/council/sector"))
    proposals = page.split('data-testid="sector-list"')[1].split("</table>")[0]
    assert high.title in proposals and low.title not in proposals
    url = f"/council/initiatives/{high.id}/sector"
    assert client.post(f"/council/initiatives/{low.id}/sector", data={"status": "proposed"}).status_code == 409
    assert client.post(url, data={"status": "recognized", "decision_no": "1/QĐ-VKSTC",
                                  "decision_date": portal_today().isoformat()}).status_code == 409  # not proposed
    assert client.post(url, data={"status": "proposed"}).status_code == 302
    assert refresh(high).sector_status.value == "proposed"
    assert client.post(url, data={"status": "recognized"}).status_code == 422
    assert client.post(url, data={"status": "recognized", "decision_no": "120/QĐ-VKSTC",
                                  "decision_date": portal_today().isoformat()}).status_code == 302
    refresh(high)
    assert high.sector_status.value == "recognized" and high.level.value == "sector"
    assert high.sector_decision_no == "120/QĐ-VKSTC" and high.sector_decision_date == portal_today()
    assert [e.action for e in events(high.id) if "sector" in e.action] == [
        "initiative.propose_sector", "initiative.sector_recognized"]
    client.login(council["chair"])
    assert client.post(f"/council/initiatives/{high.id}/national", data={"status": "proposed"}).status_code == 403
    client.login(council["secretary"])
    client.post(f"/council/initiatives/{high.id}/national", data={"status": "proposed"})
    client.post(f"/council/initiatives/{high.id}/national", data={
        "status": "recognized", "decision_no": "9/QĐ-TTg", "decision_date": portal_today().isoformat()})
    assert refresh(high).level.value == "national"


def test_sector_recording_needs_a_recognised_initiative(client, council, scored):
    client.login(council["secretary"])
    assert client.post(f"/council/initiatives/{scored.id}/sector", data={"status": "proposed"}).status_code == 409


# -- rubric --------------------------------------------------------------------------------

def rubric_data(**over):
    data = {"recognition_threshold": "55", "sector_threshold": "85", "approval_numerator": "2",
            "approval_denominator": "3", "novelty_zero_rule": "y",
            "criteria-0-code": "novelty", "criteria-0-name": "Tính mới", "criteria-0-max_score": "30",
            "criteria-1-code": "applicability", "criteria-1-name": "Khả năng áp dụng",
            "criteria-1-max_score": "30",
            "criteria-2-code": "effectiveness", "criteria-2-name": "Hiệu quả", "criteria-2-max_score": "30",
            "criteria-3-code": "science", "criteria-3-name": "Tính khoa học", "criteria-3-max_score": "10"}
    data.update(over)
    return data


def test_admin_edits_the_rubric_until_the_first_score(client, council, assigned):
    year = assigned.year
    client.login(council["admin"])
    assert "Lưu bộ tiêu chí" in text(client.get(f"/council/rubric/{year}"))
    response = client.post(f"/council/rubric/{year}", data=rubric_data())
    assert response.status_code == 302
    rubric = services.rubric_for(year)
    db.session.refresh(rubric)
    assert rubric.recognition_threshold == 55 and [c.code for c in rubric.criteria][-1] == "science"
    assert rubric.max_total == 100
    assert client.post(f"/council/rubric/{year}", data=rubric_data(sector_threshold="200")).status_code == 422
    client.login(council["m2"])
    assert client.post(f"/council/rubric/{year}", data=rubric_data()).status_code == 403
    operations.save_review(assigned, council["m2"], scores={"novelty": 10})
    db.session.commit()
    client.login(council["admin"])
    page = text(client.get(f"/council/rubric/{year}"))
    assert "bộ tiêu chí đã khóa" in page and "Lưu bộ tiêu chí" not in page
    response = client.post(f"/council/rubric/{year}", data=rubric_data(recognition_threshold="40"))
    assert response.status_code == 409
    assert services.rubric_for(year).recognition_threshold == 55


# -- what the authors learn ---------------------------------------------------------------

def test_authors_see_means_and_comments_never_who_scored(app, council, scored):
    from flask import render_template_string

    from portal.council.services import outcome_for

    assert outcome_for(scored, council["author"]) is None
    operations.decide(scored, council["chair"], "recognized", decision_no="45/QĐ-VKS", decision_date=portal_today())
    db.session.commit()
    outcome = outcome_for(scored, council["author"])
    assert outcome["outcome"] == "recognized" and outcome["count"] == 3
    assert [round(c["mean"], 2) for c in outcome["criteria"]] == [22.67, 23.33, 28.67]
    assert "Nhận xét của Võ Thị Thu Hà." in outcome["comments"]  # the comment text, not its author
    with app.test_request_context():
        from flask_login import login_user

        login_user(council["author"])
        html = render_template_string('{% include "council/_outcome_for_authors.html" %}', initiative=scored)
    assert "22,67" in html and "Tổng điểm trung bình" in html
    for name in ("Đặng Công Lý", "hoidong3"):
        assert name not in html.replace("Nhận xét của Đặng Công Lý.", "")
    assert "82" not in html.split("Tổng điểm trung bình")[0]  # no individual total


def test_authors_cannot_reach_the_scores(client, council, scored):
    client.login(council["author"])
    for url in (f"/council/initiatives/{scored.id}/results", f"/council/initiatives/{scored.id}/review",
                f"/council/initiatives/{scored.id}/assignments"):
        assert client.get(url).status_code == 403


def test_the_queue_issues_a_fixed_number_of_queries(client, council, make_initiative, appraise, count_queries):
    made = iter(range(100))

    def add(n):
        for _ in range(n):
            i = next(made)
            appraise(make_initiative([council["author"]], status="submitted", title=f"Sáng kiến {i}"),
                     [("m2", GOOD, "pass"), ("m3", FAIR, "fail")])
            make_initiative([council["coauthor"]], status="submitted", title=f"Chờ sơ duyệt {i}")
    client.login(council["secretary"])
    add(2)
    client.get("/council/queue")  # warm up: rubric made, caches filled
    with count_queries() as few:
        assert client.get("/council/queue").status_code == 200
    add(4)
    with count_queries() as many:
        page = client.get("/council/queue")
    assert page.status_code == 200 and "Sáng kiến 5" in text(page)
    assert many.count == few.count, [s[:90] for s in many.statements]


def test_the_council_pages_speak_english_on_request(client, council, submitted):
    client.login(council["secretary"])
    page = text(client.get("/council/queue?lang=en"))
    assert "Awaiting screening" in page and "Chờ sơ duyệt" not in page
    page = text(client.get(f"/council/initiatives/{submitted.id}/screening?lang=en"))
    assert "Similar initiatives" in page and "Accept for appraisal" in page
