"""End to end in Chromium: the council's pages, one screenshot each (tests/screenshots/council-*.png)."""
from datetime import date

import pytest

from portal.core.timeutil import today as portal_today
from portal.extensions import db
from tests.conftest import browser_login
from tests.council.conftest import FAIR, GOOD


def sign_in(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


@pytest.mark.browser
def test_council_pages_in_chromium(page, council, submitted, appraise, make_initiative):
    page.on("dialog", lambda dialog: dialog.accept())
    # Something to show in every section of the queue.
    other = make_initiative([council["staff"]], status="submitted", title="Bảng theo dõi thời hạn tạm giam",
                            first_applied_on=date(portal_today().year - 2, 3, 1))
    appraise(other, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", FAIR, "pass")])

    sign_in(page, "thuky")
    page.goto(page.base + "/council/queue")
    assert page.locator("[data-testid=queue-submitted]").get_by_text(submitted.title).is_visible()
    page.shot("council-queue")

    page.get_by_role("link", name=submitted.title).click()
    assert page.get_by_role("heading", name="Sáng kiến tương tự").is_visible()
    page.shot("council-screening")
    page.get_by_role("button", name="Tiếp nhận vào thẩm định").click()
    page.wait_for_load_state("networkidle")
    assert "Phân công" in page.inner_text("h2#assign-title")

    # The three best-placed are ticked: m2 and m3 (another unit, no open sheet), then the vice-chair.
    page.get_by_role("button", name="Phân công những người đã chọn").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã phân công 3 người chấm").is_visible()
    page.shot("council-assignments")

    sign_in(page, "hoidong2")
    page.goto(page.base + f"/council/initiatives/{submitted.id}/review")
    page.fill("input[name=score_novelty]", "24")
    page.fill("input[name=score_applicability]", "25")
    page.fill("input[name=score_effectiveness]", "33")
    page.fill("textarea[name=comment_novelty]", "Chưa thấy đơn vị nào áp dụng cách làm này.")
    page.check("input[name=recommendation][value=pass]")
    assert page.inner_text("[data-review-total]") == "82"
    page.shot("council-review-form")
    page.get_by_role("button", name="Nộp phiếu chấm").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã nộp phiếu chấm").first.is_visible()

    appraise(submitted, [("m3", GOOD, "pass"), ("vice", GOOD, "pass")])
    sign_in(page, "chutich")
    page.goto(page.base + f"/council/initiatives/{submitted.id}/results")
    assert page.locator("[data-testid=suggested]").is_visible()
    page.fill("input[name=decision_no]", "45/QĐ-VKS")
    page.shot("council-results")
    page.get_by_role("button", name="Tiếp tục: xem lại trước khi ghi nhận").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Xác nhận, ghi nhận quyết định").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã ghi nhận quyết định").is_visible()

    sign_in(page, "thuky")
    page.goto(page.base + "/council/sector")
    row = page.locator("[data-testid=sector-list] tr", has_text=submitted.title)
    row.locator("select[name=status]").first.select_option("proposed")
    row.get_by_role("button", name="Ghi nhận").first.click()
    page.wait_for_load_state("networkidle")
    page.shot("council-sector")
    db.session.expire_all()
    db.session.refresh(submitted)
    assert submitted.status.value == "recognized" and submitted.sector_status.value == "proposed"
    page.goto(page.base + "/council/")
    page.shot("council-index")
    assert page.console_errors == []
