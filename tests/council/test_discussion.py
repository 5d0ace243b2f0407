"""The council's private discussion, its conclusion, and the authors' answers to a return:
every route, every refusal (who may not see a thread gets 404), notifications and audit."""
import pytest
from sqlalchemy import select

from portal.core.notifications import Notification
from portal.core.timeutil import today as portal_today
from portal.council import discussion, operations
from portal.council.discussion_models import ConclusionStatus, CouncilConclusion, DiscussionPost
from portal.extensions import db
from tests.council.conftest import FAIR, GOOD, WEAK, YEAR
from tests.council.helpers import actions, notified, text, visible_text


def refresh(obj):
    db.session.expire_all()
    db.session.refresh(obj)
    return obj


@pytest.fixture
def scoring(submitted, appraise):
    """In review: m1 has submitted their sheet, m2 has one still open."""
    appraise(submitted, [("m1", GOOD, "pass")])
    appraise(submitted, [("m2", GOOD, "pass")], submit=False)
    return submitted


@pytest.fixture
def scored(submitted, appraise):
    """In review with three submitted sheets (the suggested outcome: recognized)."""
    return appraise(submitted, [("m1", GOOD, "pass"), ("m2", GOOD, "pass"), ("m3", FAIR, "pass")])


def url(initiative, tail="discussion"):
    return f"/council/initiatives/{initiative.id}/{tail}"


def bodies(user):
    return list(db.session.execute(
        select(Notification.body).where(Notification.user_id == user.id).order_by(Notification.id)).scalars())


# -- who reads the council's thread -----------------------------------------------------

@pytest.mark.parametrize("who, status", [
    ("chair", 200), ("vice", 200), ("secretary", 200),
    ("m1", 200),         # their sheet is in
    ("m2", 404),         # assigned, sheet still open: they may not read the others' opinions yet
    ("m4", 404),         # on the council, not assigned
    ("author", 404), ("coauthor", 404), ("staff", 404), ("admin", 404),
])
def test_the_council_thread_is_for_officers_and_reviewers_whose_sheet_is_in(client, council, scoring, who, status):
    client.login(council[who])
    assert client.get(url(scoring)).status_code == status
    response = client.post(url(scoring), data={"body": "Ý kiến"})
    assert response.status_code == (302 if status == 200 else 404)


def test_the_chair_of_another_year_gets_404(client, council, scoring, make_user):
    other = make_user("chutich.cu", council="chair", year=YEAR - 1)
    client.login(other)
    assert client.get(url(scoring)).status_code == 404
    assert client.post(url(scoring), data={"body": "Ý kiến"}).status_code == 404


def test_a_reviewer_reads_the_thread_once_their_sheet_is_submitted(client, council, scoring):
    client.login(council["m2"])
    assert client.get(url(scoring)).status_code == 404
    operations.submit_review(scoring, council["m2"])
    db.session.commit()
    page = client.get(url(scoring))
    assert page.status_code == 200 and "Thảo luận của Hội đồng" in text(page)


def test_the_tab_shows_only_to_those_who_may_discuss(client, council, scoring):
    client.login(council["secretary"])
    assert 'data-testid="tab-discussion"' in text(client.get(url(scoring, "assignments")))
    client.login(council["m2"])
    assert 'data-testid="tab-discussion"' not in text(client.get(url(scoring, "review")))


# -- writing in it ---------------------------------------------------------------------

def test_a_message_is_sanitised_markdown_with_its_author_and_time(client, council, scoring):
    client.login(council["m1"])
    response = client.post(url(scoring), data={
        "body": "Giải pháp **mới**, <script>alert(1)</script> [xem](javascript:alert(2))"})
    assert response.status_code == 302 and "#post-" in response.headers["Location"]
    page = text(client.get(url(scoring)))
    assert "<strong>mới</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    assert "Phạm Quốc Bảo" in page and "<time datetime=" in page
    assert "council.discussion_post" in actions(scoring.id)


def test_a_message_tells_the_other_readers_and_nobody_else(client, council, scoring):
    client.login(council["secretary"])
    client.post(url(scoring), data={"body": "Đề nghị các thành viên cho ý kiến."})
    subject = f"Thảo luận về sáng kiến “{scoring.title}”"
    for who in ("chair", "vice", "m1"):
        assert subject in notified(council[who]), who
    for who in ("secretary", "m2", "m4", "author", "coauthor"):
        assert subject not in notified(council[who]), who


def test_reviewers_see_each_other_as_numbers_as_on_the_results_page(client, council, scoring):
    operations.submit_review(scoring, council["m2"])
    db.session.commit()
    client.login(council["m2"])
    client.post(url(scoring), data={"body": "Tính mới chưa rõ."})
    client.login(council["m1"])
    page = visible_text(client.get(url(scoring)))
    assert "Tính mới chưa rõ." in page and "Võ Thị Thu Hà" not in page and "Thành viên 2" in page
    body = bodies(council["m1"])[-1]
    assert body.startswith("Thành viên 2:") and "Võ Thị Thu Hà" not in body
    client.login(council["chair"])
    assert "Võ Thị Thu Hà" in visible_text(client.get(url(scoring)))
    assert bodies(council["chair"])[-1].startswith("Võ Thị Thu Hà:")


def test_an_officer_with_an_open_sheet_waits_like_any_reviewer(client, council, scoring):
    operations.assign(scoring, council["secretary"], council["vice"])
    db.session.commit()
    client.login(council["vice"])
    assert client.get(url(scoring)).status_code == 404


def test_an_empty_message_is_refused_beside_the_field_with_nothing_written(client, council, scoring):
    client.login(council["chair"])
    response = client.post(url(scoring), data={"body": "   "}, headers={"Referer": url(scoring)})
    assert response.status_code == 303
    page = text(client.get(url(scoring)))
    assert "Cần nhập nội dung." in page
    assert db.session.execute(select(DiscussionPost)).first() is None
    assert client.post(url(scoring), data={"body": ""}).status_code == 422


def test_a_message_without_csrf_is_refused(client, council, scoring):
    client.login(council["chair"])
    assert client.post(url(scoring), data={"body": "Ý kiến"}, csrf=False).status_code == 400
    assert db.session.execute(select(DiscussionPost)).first() is None


def test_the_discussion_page_issues_a_fixed_number_of_queries(client, council, scoring, count_queries):
    client.login(council["chair"])
    client.post(url(scoring), data={"body": "Một"})
    with count_queries() as few:
        assert client.get(url(scoring)).status_code == 200
    for who in ("secretary", "m1", "vice"):
        client.login(council[who])
        client.post(url(scoring), data={"body": f"Ý kiến của {who}"})
    client.login(council["chair"])
    with count_queries() as many:
        assert client.get(url(scoring)).status_code == 200
    assert many.count == few.count, [s[:90] for s in many.statements]


# -- the conclusion --------------------------------------------------------------------

def test_secretary_drafts_chair_approves_and_the_authors_get_it_with_the_decision(client, council, scored):
    client.login(council["secretary"])
    response = client.post(url(scored, "conclusion"), data={"text": "Giải pháp có **tính mới**.", "save": "1"})
    assert response.status_code == 302
    row = db.session.execute(select(CouncilConclusion)).scalar_one()
    assert row.status == ConclusionStatus.draft and row.round == 1
    client.post(url(scored, "conclusion"), data={"text": "Giải pháp có **tính mới**, áp dụng được.", "send": "1"})
    assert refresh(row).status == ConclusionStatus.pending
    assert f"Kết luận chờ duyệt: “{scored.title}”" in notified(council["chair"])

    client.login(council["author"])
    assert "Kết luận của Hội đồng" not in visible_text(client.get(scored.path))

    client.login(council["chair"])
    assert client.post(url(scored, "conclusion/approve")).status_code == 302
    assert refresh(row).status == ConclusionStatus.approved and row.approved_by_id == council["chair"].id
    assert f"Kết luận đã được duyệt: “{scored.title}”" in notified(council["secretary"])
    # approved, not yet decided: the authors still see nothing of it
    client.login(council["author"])
    assert "áp dụng được" not in visible_text(client.get(scored.path))
    assert not any("Kết luận" in s for s in notified(council["author"]))

    operations.decide(scored, council["chair"], "recognized", decision_no="12/QĐ-VKS", decision_date=portal_today())
    db.session.commit()
    page = client.get(scored.path)
    assert 'data-testid="council-conclusion"' in text(page)
    assert "tính mới" in visible_text(page) and "<strong>tính mới</strong>" in text(page)
    assert "áp dụng được" in bodies(council["author"])[-1]
    assert {"council.conclusion_saved", "council.conclusion_sent", "council.conclusion_approved"} <= set(
        actions(scored.id))


def test_approved_after_the_decision_the_authors_are_told_then_with_the_chairs_reason(client, council, scored):
    operations.decide(scored, council["chair"], "rejected", decision_no="13/QĐ-VKS", decision_date=portal_today(),
                      reason="Giải pháp đã được đơn vị khác áp dụng từ năm trước.")
    db.session.commit()
    discussion.save_conclusion(scored, council["secretary"], "Hội đồng ghi nhận nỗ lực của tác giả.", send=True)
    db.session.commit()
    client.login(council["author"])
    assert "ghi nhận nỗ lực" not in visible_text(client.get(scored.path))
    client.login(council["chair"])
    page = text(client.get(url(scored)))
    assert 'data-testid="conclusion-overrule"' in page
    client.post(url(scored, "conclusion/approve"))
    client.login(council["author"])
    page = client.get(scored.path)
    assert "ghi nhận nỗ lực" in visible_text(page)
    assert 'data-testid="conclusion-reason"' in text(page)
    assert "đã được đơn vị khác áp dụng" in visible_text(page)
    assert f"Kết luận của Hội đồng Sáng kiến về “{scored.title}”" in notified(council["author"])
    body = bodies(council["author"])[-1]
    assert "ghi nhận nỗ lực" in body and "đã được đơn vị khác áp dụng" in body


def test_the_chair_sends_the_draft_back_with_a_note(client, council, scored):
    discussion.save_conclusion(scored, council["secretary"], "Bản đầu.", send=True)
    db.session.commit()
    client.login(council["chair"])
    assert client.post(url(scored, "conclusion/send-back"), data={"note": ""}).status_code == 422
    assert client.post(url(scored, "conclusion/send-back"), data={"note": "Nêu rõ hiệu quả."}).status_code == 302
    row = db.session.execute(select(CouncilConclusion)).scalar_one()
    assert row.status == ConclusionStatus.sent_back and row.chair_note == "Nêu rõ hiệu quả."
    assert f"Kết luận cần sửa: “{scored.title}”" in notified(council["secretary"])
    client.login(council["secretary"])
    page = text(client.get(url(scored)))
    assert "Nêu rõ hiệu quả." in page and "Bản đầu." in page  # the draft is back in the form
    assert "council.conclusion_sent_back" in actions(scored.id)


@pytest.mark.parametrize("who, tail, data, status", [
    ("chair", "conclusion", {"text": "x", "send": "1"}, 403),        # drafting is the secretary's
    ("m1", "conclusion", {"text": "x", "send": "1"}, 403),
    ("secretary", "conclusion/approve", {}, 403),                    # approving is the chair's
    ("vice", "conclusion/approve", {}, 403),
    ("chair", "conclusion/approve", {}, 409),                        # nothing waits for approval
    ("chair", "conclusion/send-back", {"note": "x"}, 409),
    ("m2", "conclusion", {"text": "x", "send": "1"}, 404),           # may not see the discussion
    ("author", "conclusion", {"text": "x", "send": "1"}, 404),
    ("author", "conclusion/approve", {}, 404),
    ("staff", "conclusion/send-back", {"note": "x"}, 404),
])
def test_conclusion_refusals(client, council, scoring, who, tail, data, status):
    client.login(council[who])
    assert client.post(url(scoring, tail), data=data).status_code == status
    assert db.session.execute(select(CouncilConclusion)).first() is None


def test_an_approved_conclusion_is_final(client, council, scored):
    discussion.save_conclusion(scored, council["secretary"], "Kết luận.", send=True)
    discussion.approve_conclusion(scored, council["chair"])
    db.session.commit()
    client.login(council["secretary"])
    assert client.post(url(scored, "conclusion"), data={"text": "Sửa", "save": "1"}).status_code == 409
    assert 'data-testid="conclusion-save"' not in text(client.get(url(scored)))


def test_no_conclusion_before_the_appraisal_starts(client, council, submitted):
    client.login(council["secretary"])
    assert client.get(url(submitted)).status_code == 200
    assert client.post(url(submitted, "conclusion"), data={"text": "x", "save": "1"}).status_code == 409


# -- the authors' thread on a return ---------------------------------------------------

@pytest.fixture
def returned(council, submitted):
    operations.return_to_authors(submitted, council["secretary"], "Bổ sung số liệu năm 2025.")
    db.session.commit()
    return submitted


def test_the_authors_answer_the_return_and_the_secretary_reads_and_replies(client, council, returned):
    client.login(council["author"])
    page = text(client.get(returned.path))
    assert 'data-testid="return-thread"' in page and 'data-testid="return-answer-submit"' in page
    response = client.post(url(returned, "return-thread"), data={"body": "Đã có số liệu *quý 4*."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#return-thread")
    subject = f"Trao đổi về yêu cầu bổ sung sáng kiến “{returned.title}”"
    assert subject in notified(council["secretary"])
    assert subject not in notified(council["chair"]) and subject not in notified(council["m1"])
    assert "council.return_answered" in actions(returned.id)

    client.login(council["secretary"])
    page = client.get(returned.path)
    assert "<em>quý 4</em>" in text(page) and "Lê Văn Hùng" in visible_text(page)
    client.post(url(returned, "return-thread"), data={"body": "Cảm ơn, vui lòng nộp lại."})
    assert subject in notified(council["author"]) and subject in notified(council["coauthor"])


@pytest.mark.parametrize("who", ["chair", "m1", "staff", "admin"])
def test_the_return_thread_is_only_the_authors_and_the_secretarys(client, council, returned, who):
    discussion.post(returned, council["author"], "authors", "Trả lời của tác giả.")
    db.session.commit()
    client.login(council[who])
    assert client.post(url(returned, "return-thread"), data={"body": "x"}).status_code == 404
    response = client.get(returned.path)
    assert "Trả lời của tác giả." not in text(response)


def test_after_resubmission_the_thread_stays_readable_but_closed(client, council, returned):
    discussion.post(returned, council["author"], "authors", "Trả lời của tác giả.")
    db.session.commit()
    client.login(council["author"])
    assert client.post(f"/my/initiatives/{returned.id}/submit").status_code == 302
    page = text(client.get(returned.path))
    assert "Trả lời của tác giả." in page and 'data-testid="return-answer-submit"' not in page
    assert client.post(url(returned, "return-thread"), data={"body": "Thêm"}).status_code == 409


def test_authors_never_see_the_council_thread(client, council, scored):
    discussion.post(scored, council["secretary"], "council", "Ý kiến riêng của Hội đồng.")
    operations.decide(scored, council["chair"], "recognized", decision_no="1/QĐ", decision_date=portal_today())
    db.session.commit()
    client.login(council["author"])
    assert client.get(url(scored)).status_code == 404
    assert "Ý kiến riêng của Hội đồng." not in text(client.get(scored.path))


# -- the stepper on the authors' page --------------------------------------------------

def test_the_authors_page_shows_where_the_initiative_stands(client, council, scoring):
    import lxml.html

    client.login(council["author"])
    tree = lxml.html.fromstring(text(client.get(scoring.path)))
    steps = tree.xpath("//ol[@class='stepper']/li")
    assert [li.get("data-step") for li in steps] == [
        "draft", "submitted", "screening", "scoring", "decision", "published"]
    current = [li.get("data-step") for li in steps if li.get("aria-current") == "step"]
    assert current == ["scoring"]
    assert [li.get("data-mark") for li in steps[:3]] == ["done", "done", "done"]


def test_the_stepper_of_a_rejected_initiative_ends_at_the_decision(client, council, submitted, appraise):
    appraise(submitted, [("m1", WEAK, "fail"), ("m2", WEAK, "fail"), ("m3", WEAK, "fail")])
    operations.decide(submitted, council["chair"], "rejected", decision_no="2/QĐ", decision_date=portal_today())
    db.session.commit()
    client.login(council["author"])
    page = text(client.get(submitted.path))
    assert 'data-step="decision" data-mark="current" aria-current="step"' in page
    assert 'data-step="published" data-mark="skipped"' in page
