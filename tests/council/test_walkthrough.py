"""Done when: one initiative walks submit → return → resubmit → accept → three assignments
(one refused for conflict, one recusal) → scores → decision → sector recognition, through
the pages and through the API, with every state, visibility rule and audit event checked."""

from portal.core.timeutil import today as portal_today
from portal.council import services
from portal.council.models import ReviewStatus
from portal.council.services import outcome_for
from portal.extensions import db
from tests.council.helpers import actions, events, notified, review_form, text, visible_text

SHEETS = {
    "m2": ({"novelty": 26, "applicability": 27, "effectiveness": 34}, "pass"),   # 87
    "m4": ({"novelty": 24, "applicability": 25, "effectiveness": 31}, "pass"),   # 80
    "vice": ({"novelty": 25, "applicability": 26, "effectiveness": 33}, "pass"),  # 84
}
EXPECTED_AUDIT = [
    "initiative.submit", "initiative.return", "initiative.submit", "initiative.accept",
    "council.assigned", "council.assigned", "council.assigned", "council.recused", "council.assigned",
    "council.review_saved", "council.review_submitted",
    "council.review_saved", "council.review_submitted",
    "council.review_saved", "council.review_submitted",
    "initiative.recognize", "council.decision", "initiative.propose_sector", "initiative.sector_recognized",
]


def fresh(obj):
    db.session.expire_all()
    db.session.refresh(obj)
    return obj


def draft(council, make_initiative):
    # hoidong1 is a co-author and sits on the council: the conflict of interest of the walk.
    return make_initiative([(council["author"], 60), (council["m1"], 40)],
                           title="Số hóa hồ sơ kiểm sát án hình sự bằng mã QR", solution="Gắn mã QR cho từng bút lục.")


def test_walkthrough_through_the_pages(client, council, make_initiative):
    initiative = draft(council, make_initiative)
    author, secretary, chair = council["author"], council["secretary"], council["chair"]
    base = f"/council/initiatives/{initiative.id}"

    client.login(author)
    assert client.post(f"/my/initiatives/{initiative.id}/submit").status_code == 302
    assert fresh(initiative).status.value == "submitted"
    assert any("nộp" in s for s in notified(secretary))

    client.login(secretary)
    assert initiative.title in text(client.get("/council/queue"))
    assert client.post(f"{base}/return", data={"note": "Bổ sung số liệu áp dụng tại 3 đơn vị."}).status_code == 302
    assert fresh(initiative).status.value == "returned"

    client.login(author)
    detail = text(client.get(f"/my/initiatives/{initiative.id}"))
    assert "Bổ sung số liệu áp dụng tại 3 đơn vị." in detail
    assert client.post(f"/my/initiatives/{initiative.id}/submit").status_code == 302
    assert fresh(initiative).status.value == "submitted" and len(initiative.versions) == 2

    client.login(secretary)
    assert client.post(f"{base}/accept").status_code == 302
    assert fresh(initiative).status.value == "in_review" and initiative.round == 1

    def assign(user):
        return client.post(f"{base}/assignments", data={"reviewers": str(user.id)})

    refused = assign(council["m1"])
    assert refused.status_code == 409 and "đồng tác giả" in text(refused)
    for key in ("m2", "m3", "m4"):
        assert assign(council[key]).status_code == 302

    client.login(council["m3"])
    assert client.post(f"{base}/recuse", data={"reason": "Có quan hệ họ hàng với tác giả."}).status_code == 302
    client.login(secretary)
    assert assign(council["vice"]).status_code == 302

    # independent scoring: nobody sees another score before submitting their own
    for position, key in enumerate(("m2", "m4", "vice")):
        reviewer = council[key]
        client.login(reviewer)
        page = visible_text(client.get(f"{base}/review"))
        assert "Điểm của các thành viên khác" not in page
        assert "87" not in page and "80" not in page
        assert client.get(f"{base}/results").status_code == 403
        scores, recommendation = SHEETS[key]
        response = client.post(f"{base}/review", data=review_form(
            scores, recommendation, submit=True, comments={"novelty": f"Nhận xét tính mới {position}."},
            overall="Giải pháp thiết thực."))
        assert response.status_code == 302
        after = text(client.get(f"{base}/review"))
        assert "Điểm của các thành viên khác" in after
        if position:
            assert "Thành viên 1" in after and "87" in after
        assert services.active_assignment(initiative, reviewer).review.version.number == 2

    # the authors see nothing of the scoring while it runs
    client.login(author)
    assert client.get(f"{base}/results").status_code == 403
    assert outcome_for(fresh(initiative), author) is None

    client.login(chair)
    results = text(client.get(f"{base}/results"))
    assert "Phạm Quốc Bảo" not in results.split("Tổng hợp điểm")[1]  # the co-author never scored
    assert "83,67" in results  # mean of 87, 80, 84
    decision = {"outcome": "recognized", "decision_no": "45/QĐ-VKS", "decision_date": portal_today().isoformat()}
    confirm = client.post(f"{base}/decision", data=decision)
    assert confirm.status_code == 200 and "Xác nhận quyết định" in text(confirm)
    assert fresh(initiative).status.value == "in_review"  # nothing decided before the confirmation
    response = client.post(f"{base}/decision", data={**decision, "confirmed": "1"})
    assert response.status_code == 302
    fresh(initiative)
    assert initiative.status.value == "recognized" and initiative.level.value == "grassroots"
    assert any("được công nhận" in s for s in notified(author))

    client.login(author)
    outcome = outcome_for(initiative, author)
    assert outcome["outcome"] == "recognized" and round(outcome["mean_total"], 2) == 83.67
    assert client.get(f"{base}/results").status_code == 403
    detail = text(client.get(f"/my/initiatives/{initiative.id}"))
    assert "Kết quả thẩm định của Hội đồng Sáng kiến" in detail
    assert "83,67" in detail and "Nhận xét tính mới 1." in detail and "45/QĐ-VKS" in detail
    for name in ("Võ Thị Thu Hà", "Huỳnh Ngọc Ánh", "Lê Thị Hồng Vân"):
        assert name not in detail
    for total in ("87", "80", "84"):  # no individual total shows
        assert f">{total}<" not in detail

    client.login(secretary)
    assert initiative.title in text(client.get("/council/sector"))
    assert client.post(f"{base}/sector", data={"status": "proposed"}).status_code == 302
    assert client.post(f"{base}/sector", data={"status": "recognized", "decision_no": "210/QĐ-VKSTC",
                                               "decision_date": portal_today().isoformat()}).status_code == 302
    fresh(initiative)
    assert initiative.sector_status.value == "recognized" and initiative.level.value == "sector"

    assert actions(initiative.id) == EXPECTED_AUDIT
    recusal = events(initiative.id, "council.recused")[0]
    assert recusal.actor_id == council["m3"].id and recusal.data["reason"] == "Có quan hệ họ hàng với tác giả."
    decision = events(initiative.id, "council.decision")[0]
    assert decision.actor_id == chair.id and decision.data["suggested"] == "recognized"


def test_walkthrough_through_the_api(client, council, make_initiative, api_headers):
    initiative = draft(council, make_initiative)
    author = council["author"]
    h = {key: api_headers(council[key]) for key in ("author", "secretary", "chair", "m1", "m2", "m3", "m4", "vice")}
    base = f"/api/v1/initiatives/{initiative.id}"

    def submit():
        if "initiatives_submit" in {r.endpoint.split(".")[-1] for r in client.application.url_map.iter_rules()}:
            response = client.post(f"{base}/submit", headers=h["author"])
            assert response.status_code == 200, response.get_json()
        else:
            from portal.initiatives.operations import submit as submit_operation

            submit_operation(fresh(initiative), author)
            db.session.commit()

    submit()
    assert fresh(initiative).status.value == "submitted"
    response = client.post(f"{base}/return", json={"note": "Làm rõ hiệu quả."}, headers=h["secretary"])
    assert response.status_code == 200 and response.get_json()["status"] == "returned"
    submit()
    assert fresh(initiative).status.value == "submitted"
    response = client.post(f"{base}/accept", headers=h["secretary"])
    assert response.get_json() == {"id": initiative.id, "status": "in_review", "round": 1, "level": None}

    response = client.post(f"{base}/assignments", json={"reviewer": "hoidong1"}, headers=h["secretary"])
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict_of_interest"
    for username in ("hoidong2", "hoidong3", "hoidong4"):
        response = client.post(f"{base}/assignments", json={"reviewer": username, "due_on": "2099-01-31"},
                               headers=h["secretary"])
        assert response.status_code == 201 and response.get_json()["due_on"] == "2099-01-31"
    response = client.post(f"{base}/review/recuse", json={"reason": "Đã góp ý xây dựng giải pháp."},
                           headers=h["m3"])
    assert response.status_code == 200 and response.get_json()["status"] == "recused"
    assert client.post(f"{base}/assignments", json={"reviewer": "phochutich"},
                       headers=h["secretary"]).status_code == 201
    listing = client.get(f"{base}/assignments", headers=h["secretary"]).get_json()
    assert [(a["reviewer"], a["status"]) for a in listing["items"]] == [
        ("hoidong2", "active"), ("hoidong3", "recused"), ("hoidong4", "active"), ("phochutich", "active")]

    for position, key in enumerate(("m2", "m4", "vice")):
        scores, recommendation = SHEETS[key]
        assert client.get(f"{base}/appraisal", headers=h[key]).status_code == 403
        response = client.put(f"{base}/review", json={"scores": scores, "recommendation": recommendation,
                                                      "comment": "Có giá trị thực tiễn."}, headers=h[key])
        body = response.get_json()
        assert response.status_code == 200 and body["review"]["status"] == "draft"
        assert body["others_visible"] is False and "appraisal" not in body
        response = client.post(f"{base}/review/submit", headers=h[key])
        body = response.get_json()
        assert response.status_code == 200, body
        assert body["review"]["status"] == "submitted"
        assert body["others_visible"] is True
        assert len(body["appraisal"]["sheets"]) == position + 1
        names = [s["reviewer"] for s in body["appraisal"]["sheets"]]
        if key == "vice":  # an officer of the council sees who scored, once their own sheet is in
            assert "hoidong2" in names
        else:
            assert all(name.startswith("Thành viên") for name in names)

    assert client.get(f"{base}/appraisal", headers=h["author"]).status_code == 403
    appraisal = client.get(f"{base}/appraisal", headers=h["chair"]).get_json()
    assert appraisal["complete"] and appraisal["suggested"] == "recognized"
    assert round(appraisal["mean_total"], 2) == 83.67 and appraisal["count"] == 3
    assert {s["reviewer"] for s in appraisal["sheets"]} == {"hoidong2", "hoidong4", "phochutich"}

    response = client.post(f"{base}/decision", json={"outcome": "recognized", "decision_no": "45/QĐ-VKS",
                                                     "decision_date": portal_today().isoformat()},
                           headers=h["chair"])
    body = response.get_json()
    assert response.status_code == 200
    assert body["status"] == "recognized" and body["level"] == "grassroots" and not body["overruled"]

    response = client.post(f"{base}/sector", json={"status": "proposed"}, headers=h["secretary"])
    assert response.get_json()["sector_status"] == "proposed"
    response = client.post(f"{base}/sector", json={"status": "recognized", "decision_no": "210/QĐ-VKSTC",
                                                   "decision_date": portal_today().isoformat()},
                           headers=h["secretary"])
    body = response.get_json()
    assert body["sector_status"] == "recognized" and body["level"] == "sector"
    assert body["sector_decision_date"] == portal_today().isoformat()

    outcome = outcome_for(fresh(initiative), author)
    assert outcome["outcome"] == "recognized" and outcome["comments"] == ["Có giá trị thực tiễn."] * 3
    assert actions(initiative.id) == EXPECTED_AUDIT
    assert {r.status for r in [a.review for a in services.assignments_of(initiative) if a.review]} == {
        ReviewStatus.submitted}
