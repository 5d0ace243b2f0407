"""End to end in Chromium: search without diacritics from the home page, read, follow the feed."""
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives.workflow import Level
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def site(published, make_recognized, make_user, make_unit):
    hai_chau = make_unit("VKSND quận Hải Châu")
    p1 = make_unit("Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự (Phòng 1)")
    made = [
        published("Sổ tay kiểm sát điều tra vụ án ma túy trên địa bàn quận",
                  field=("criminal", "Hình sự"), year=2025, level=Level.sector,
                  author=make_user(full_name="Lê Văn Hùng", unit=p1),
                  summary="Tập hợp **kinh nghiệm** kiểm sát điều tra các vụ án ma túy.",
                  current_state="Tin báo về ma túy tăng, thời hạn điều tra ngắn.",
                  solution="## Ba bước\n\n1. Lập danh mục chứng cứ điện tử.\n2. Phối hợp sớm với Cơ quan điều tra.\n3. Họp liên ngành hằng tháng.",
                  benefits="Không có án trả hồ sơ điều tra bổ sung trong năm 2025."),
        published("Phần mềm nhắc thời hạn tố tụng trên mạng nội bộ",
                  field=("it", "Công nghệ thông tin"), year=2025,
                  author=make_user(full_name="Cao Hữu Phúc", unit=hai_chau),
                  summary="Nhắc thời hạn điều tra, truy tố, xét xử qua thư điện tử."),
        published("Hòa giải trong giải quyết vụ việc dân sự", field=("civil", "Dân sự"),
                  year=2024, author=make_user(full_name="Nguyễn Thị Mai", unit=hai_chau),
                  summary="Kiểm sát viên tham gia hòa giải tại tòa án."),
        published("Mẫu báo cáo tổng hợp công tác kiểm sát theo tháng", field=("office", "Văn phòng – tổng hợp"),
                  year=2026, author=make_user(full_name="Lưu Thu Trang", unit=hai_chau),
                  summary="Báo cáo tự động từ sổ thụ lý điện tử."),
        published("Kiểm sát tạm giữ, tạm giam tại nhà tạm giữ công an quận",
                  field=("criminal", "Hình sự"), year=2026, level=Level.national,
                  author=make_user(full_name="Phạm Quốc Bảo", unit=p1),
                  summary="Kiểm sát trực tiếp định kỳ và đột xuất."),
    ]
    waiting = make_recognized("Đề án số hóa hồ sơ kiểm sát thi hành án dân sự",
                              field=("enforcement", "Thi hành án"))
    waiting.decided_at = utcnow() - timedelta(days=21)
    db.session.commit()
    return made


def test_search_without_diacritics_read_and_follow_the_feed(page, site):
    page.goto(page.base + "/")
    page.shot("publishing-home")
    page.fill("#search-q", "kiem sat dieu tra")
    page.press("#search-q", "Enter")
    page.wait_for_selector("[data-testid=hit]")
    assert "Sổ tay kiểm sát điều tra" in page.inner_text("[data-testid=hit] h2")
    assert page.locator("[data-testid=hit] mark").count() > 0
    page.shot("publishing-search-results")
    page.click("[data-testid=hit] h2 a")
    page.wait_for_selector("[data-testid=article]")
    assert page.url.startswith(page.base + "/initiatives/")
    assert "so-tay-kiem-sat-dieu-tra" in page.url
    assert "Ba bước" in page.inner_text("article")
    assert page.locator(".decision-box").is_visible()
    page.shot("publishing-article")
    with page.expect_response(lambda r: r.url.endswith("/fields/criminal/feed.atom")) as info:
        page.click("[data-testid=field-feed]")
    feed = ET.fromstring(info.value.body())
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title")
              for e in feed.findall("{http://www.w3.org/2005/Atom}entry")]
    assert "Sổ tay kiểm sát điều tra vụ án ma túy trên địa bàn quận" in titles
    assert "Hòa giải trong giải quyết vụ việc dân sự" not in titles
    assert page.console_errors == []


def test_list_and_editor_queue_screens(page, site, editor):
    page.goto(page.base + "/initiatives")
    page.select_option("#f-field", "criminal")
    page.wait_for_url("**/initiatives?*field=criminal*")
    assert page.locator(".pub-card").count() == 2
    page.goto(page.base + "/initiatives")
    page.shot("publishing-list")
    browser_login(page, editor.username)
    page.goto(page.base + "/editor")
    assert page.inner_text("[data-testid=overdue-count]") == "1"
    page.shot("publishing-editor-queue")
    page.click("[data-testid=queue-row] a.button")
    page.fill("textarea[name=public_summary]", "Số hóa hồ sơ thi hành án dân sự để tra cứu nhanh.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=article]")
    assert "Đề án số hóa hồ sơ" in page.inner_text("h1")
    assert page.console_errors == []
