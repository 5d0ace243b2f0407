"""In Chromium: a reviewer submits and discusses, the secretary drafts the conclusion, the chair
approves it, and the author sees where the initiative stands and the conclusion (1366 and 390 px)."""
import pytest

from portal.core.timeutil import today as portal_today
from portal.council import operations
from portal.extensions import db
from tests.conftest import browser_login
from tests.council.conftest import FAIR, GOOD


def sign_in(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def shots(page, directory, name):
    """Full-page screenshots at 1366 and 390 px wide; the page must not scroll sideways at 390."""
    paths = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        path = directory / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
        if width == 390:
            page.screenshot(path=str(directory / f"{name}-390-top.png"))  # the first screen, legible
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways at 390 px by {overflow} px"
    page.set_viewport_size({"width": 1366, "height": 900})
    return paths


@pytest.mark.browser
def test_discussion_conclusion_and_the_authors_stepper_in_chromium(page, council, submitted, appraise, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", FAIR, "pass")])
    operations.assign(submitted, council["secretary"], council["m1"])
    db.session.commit()

    # The reviewer: no discussion before the sheet is in; then submit and discuss.
    sign_in(page, "hoidong1")
    response = page.goto(page.base + f"/council/initiatives/{submitted.id}/discussion")
    assert response.status == 404
    page.console_errors.clear()
    page.goto(page.base + f"/council/initiatives/{submitted.id}/review")
    assert page.locator("[data-testid=tab-discussion]").count() == 0
    page.fill("input[name=score_novelty]", "26")
    page.fill("input[name=score_applicability]", "24")
    page.fill("input[name=score_effectiveness]", "33")
    page.check("input[name=recommendation][value=pass]")
    page.get_by_role("button", name="Nộp phiếu chấm").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=tab-discussion]").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=body]", "Giải pháp **áp dụng được ngay** ở các VKS quận.\n\n- rút ngắn thời gian\n- ít sai sót")
    page.locator("[data-testid=post-submit]").click()
    page.wait_for_load_state("networkidle")
    post = page.locator("[data-testid=thread-post]").first
    assert "Phạm Quốc Bảo" in post.inner_text() and post.locator("strong", has_text="áp dụng được ngay").count() == 1
    shots(page, tmp_path, "discussion-reviewer")

    # The secretary drafts the conclusion and sends it to the chair.
    sign_in(page, "thuky")
    page.goto(page.base + f"/council/initiatives/{submitted.id}/discussion")
    assert "áp dụng được ngay" in page.inner_text("[data-testid=council-discussion]")
    page.fill("textarea[name=text]", "Hội đồng thống nhất: giải pháp có **tính mới** và hiệu quả thực tế; "
                                     "đề nghị nhân rộng tại các đơn vị.")
    page.locator("[data-testid=conclusion-send]").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=conclusion-status]") == "Chờ Chủ tịch Hội đồng duyệt"
    shots(page, tmp_path, "discussion-secretary")

    # The chair approves it, then decides.
    sign_in(page, "chutich")
    page.goto(page.base + f"/council/initiatives/{submitted.id}/discussion")
    assert "tính mới" in page.inner_text("[data-testid=conclusion-text]")
    page.locator("[data-testid=conclusion-approve]").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=conclusion-status]") == "Đã được Chủ tịch Hội đồng duyệt"
    shots(page, tmp_path, "discussion-chair")
    assert page.console_errors == []
    operations.decide(submitted, council["chair"], "recognized", decision_no="15/QĐ-VKS",
                      decision_date=portal_today())
    db.session.commit()

    # The author: the stepper and the conclusion; never the council's thread.
    sign_in(page, "ksv.hung")
    assert page.goto(page.base + f"/council/initiatives/{submitted.id}/discussion").status == 404
    page.console_errors.clear()  # the two 404s above were asked for
    page.goto(page.base + f"/my/initiatives/{submitted.id}")
    steps = page.locator("ol.stepper > li")
    assert steps.count() == 6
    assert page.locator("ol.stepper > li[aria-current=step]").get_attribute("data-step") == "published"
    assert page.locator("ol.stepper > li[data-step=decision]").get_attribute("data-mark") == "done"
    conclusion = page.locator("[data-testid=council-conclusion]")
    assert "đề nghị nhân rộng" in conclusion.inner_text()
    assert "áp dụng được ngay" not in page.content()
    assert page.console_errors == []
    print("screenshots:", shots(page, tmp_path, "author-progress"))


@pytest.mark.browser
def test_the_author_answers_a_return_in_chromium(page, council, submitted, tmp_path):
    operations.return_to_authors(submitted, council["secretary"], "Bổ sung số liệu áp dụng năm 2025.")
    db.session.commit()
    sign_in(page, "ksv.hung")
    page.goto(page.base + f"/my/initiatives/{submitted.id}")
    assert page.locator("ol.stepper > li[aria-current=step]").get_attribute("data-step") == "submitted"
    page.fill("#return-thread textarea[name=body]", "Đã bổ sung số liệu **quý 4/2025** vào mục Hiệu quả.")
    page.locator("[data-testid=return-answer-submit]").click()
    page.wait_for_load_state("networkidle")
    assert "quý 4/2025" in page.inner_text("[data-testid=return-thread]")
    shots(page, tmp_path, "author-return-thread")

    sign_in(page, "thuky")
    page.goto(page.base + f"/my/initiatives/{submitted.id}")
    assert "Lê Văn Hùng" in page.inner_text("[data-testid=return-thread]")
    assert "năm 2025" in page.inner_text("[data-testid=return-thread-note]")
    page.fill("#return-thread textarea[name=body]", "Cảm ơn, đề nghị nộp lại hồ sơ.")
    page.locator("[data-testid=return-answer-submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=return-thread] [data-testid=thread-post]").count() == 2
    assert page.console_errors == []
    print("screenshots:", shots(page, tmp_path, "secretary-return-thread"))
