"""In Chromium: the secretary records a council meeting (1366 and 390 px wide), and the admin
edits the organisation; screenshots in tests/screenshots/meeting-*.png and organisation-*.png."""
import pytest

from portal.council.meeting_models import CouncilMeeting
from portal.extensions import db
from tests.conftest import browser_login
from tests.council.conftest import GOOD, YEAR


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_the_meeting_form_in_chromium(page, council, submitted, appraise, width):
    appraise(submitted, [("m2", GOOD, "pass"), ("m3", GOOD, "pass"), ("m4", GOOD, "pass")])
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "thuky")
    page.goto(page.base + f"/council/?year={YEAR}")
    page.get_by_role("link", name="Cuộc họp Hội đồng").click()
    page.get_by_role("link", name="Thêm cuộc họp").click()
    page.fill("input[name=starts_at]", f"{YEAR}-03-05T08:30")
    page.fill("input[name=place]", "Phòng họp tầng 3")
    page.uncheck(f"input[name=present][value='{council['m4'].id}']")
    page.fill("input[name='votes-0-votes_for']", "9")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("nhiều hơn số thành viên có mặt (6)").last.is_visible()
    page.shot(f"meeting-refused-{width}")
    page.fill("input[name='votes-0-votes_for']", "6")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã lưu thông tin cuộc họp.").is_visible()
    page.shot(f"meeting-{width}")
    assert db.session.query(CouncilMeeting).count() == 1
    assert not [e for e in page.console_errors if "status of 422" not in e]  # the refusal itself is a 422


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_the_organisation_page_in_chromium(page, make_user, width):
    make_user("quantri", roles=("admin",))
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "quantri")
    page.goto(page.base + "/admin/organisation")
    page.fill("input[name=place]", "")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Vui lòng nhập địa danh ghi ở văn bản.").is_visible()
    page.shot(f"organisation-refused-{width}")
    page.fill("input[name=place]", "Đà Nẵng")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã lưu thông tin cơ quan.").is_visible()
    assert not [e for e in page.console_errors if "status of 422" not in e]  # the refusal itself is a 422
